// `sentinel rules` and `sentinel explain RULE-ID` renderers (text and JSON), from rule metadata and the
// guidance derived from it.
import type { RuleMeta } from '../core/finding.js';
import { guidanceFor } from './rule-guidance.js';
import { wrapText } from './wrap-text.js';

/** The rule index as an aligned text table. */
export function renderRuleIndexText(all: readonly RuleMeta[]): string {
  const head = ['RULE', 'CATEGORY', 'SEVERITY', 'CWE', 'TITLE'];
  const rows = all.map((m) => [m.id, m.category, m.severity, m.cwe.join(','), m.title]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    ...rows.map(line),
    '',
    `${all.length} rules. \`sentinel explain RULE-ID\` shows one in full.`,
    '',
  ].join('\n');
}

export function renderRuleIndexJson(all: readonly RuleMeta[]): string {
  return JSON.stringify(all, null, 2) + '\n';
}

/**
 * The full record of one rule with its guidance, as text wrapped to `width` columns (words kept whole; a terminal's
 * width, or 100 in a pipe). The policy example is YAML and keeps its lines.
 */
export function renderExplainText(meta: RuleMeta, all: readonly RuleMeta[], width = 100): string {
  const g = guidanceFor(meta, all);
  const w = Math.max(40, width);
  const para = (text: string, first = '  ', rest?: string): string[] => wrapText(text, w, first, rest);
  const field = (key: string, value: string): string[] => para(value, `  ${key.padEnd(18)} `);
  const out = [
    `${meta.id} ${meta.severity}`,
    ...para(meta.title, ''),
    ...para(meta.fixHint, ''),
    '',
    ...field('category:', meta.category),
    ...field('cwe:', meta.cwe.join(', ')),
    ...field('owasp llm:', meta.owasp),
    ...(meta.frameworks?.length ? field('frameworks:', meta.frameworks.join('; ')) : []),
    ...field('fp risk:', meta.fpRisk),
    ...field('owner:', meta.owner),
    ...field('release decision:', meta.decision),
    '',
    'Description',
    ...para(meta.description),
    '',
    'When it fires',
    ...para(g.whenItFires),
    '',
    'Evidence format',
    ...para(g.evidenceFormat),
    ...para(g.expectedEvidence),
    '',
    'False-positive notes',
    ...para(g.falsePositives),
    '',
    'Triage',
    ...g.triage.flatMap((t) => para(t, '  - ', '    ')),
    '',
    'How to fix',
    ...para(meta.fix),
    '',
    'Retest',
    ...para(g.retest),
    '',
    'Policy example (sentinel-policy.yml)',
    ...g.policyExample.split('\n').map((l) => `  ${l}`),
    '',
    'Related rules',
    ...(g.related.length
      ? g.related.flatMap((r) => para(`${r.id}: ${r.title}`, '  - ', '    '))
      : ['  (none in this category)']),
    '',
  ];
  return out.join('\n');
}

export function renderExplainJson(meta: RuleMeta, all: readonly RuleMeta[]): string {
  return JSON.stringify(guidanceFor(meta, all), null, 2) + '\n';
}
