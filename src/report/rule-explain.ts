// `sentinel rules` and `sentinel explain RULE-ID` renderers (text and JSON), from rule metadata and the
// guidance derived from it.
import type { RuleMeta } from '../core/finding.js';
import { guidanceFor } from './rule-guidance.js';

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

/** The full record of one rule with its guidance, as text. */
export function renderExplainText(meta: RuleMeta, all: readonly RuleMeta[]): string {
  const g = guidanceFor(meta, all);
  const out = [
    `${meta.id} ${meta.severity}`,
    meta.title,
    meta.fixHint,
    '',
    `  category:          ${meta.category}`,
    `  cwe:               ${meta.cwe.join(', ')}`,
    `  owasp llm:         ${meta.owasp}`,
    ...(meta.frameworks?.length ? [`  frameworks:        ${meta.frameworks.join('; ')}`] : []),
    `  fp risk:           ${meta.fpRisk}`,
    `  owner:             ${meta.owner}`,
    `  release decision:  ${meta.decision}`,
    '',
    'Description',
    `  ${meta.description}`,
    '',
    'When it fires',
    `  ${g.whenItFires}`,
    '',
    'Evidence format',
    `  ${g.evidenceFormat}`,
    `  ${g.expectedEvidence}`,
    '',
    'False-positive notes',
    `  ${g.falsePositives}`,
    '',
    'Triage',
    ...g.triage.map((t) => `  - ${t}`),
    '',
    'How to fix',
    `  ${meta.fix}`,
    '',
    'Retest',
    `  ${g.retest}`,
    '',
    'Policy example (sentinel-policy.yml)',
    ...g.policyExample.split('\n').map((l) => `  ${l}`),
    '',
    'Related rules',
    ...(g.related.length ? g.related.map((r) => `  - ${r.id}: ${r.title}`) : ['  (none in this category)']),
    '',
  ];
  return out.join('\n');
}

export function renderExplainJson(meta: RuleMeta, all: readonly RuleMeta[]): string {
  return JSON.stringify(guidanceFor(meta, all), null, 2) + '\n';
}
