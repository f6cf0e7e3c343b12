// Markdown record of one rule (docs/rules/<ID>.md and SARIF rule help), generated from rule metadata via
// rule-guidance.ts, in the rule-record layout: table, description, when it fires, evidence, FP notes, triage, fix.
import type { RuleMeta } from '../core/finding.js';
import { guidanceFor } from './rule-guidance.js';

/** Marks the end of the generated part of docs/rules/<ID>.md; hand-written prose may follow it. */
export const GENERATED_END = '<!-- end of generated section: edit below this line -->';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/**
 * One rule's Markdown page. `generatedHeader` (default true) opens it with the comment that marks docs/rules/ files
 * as generated and closes the generated section with its end marker; `sentinel explain --format markdown` leaves
 * both out.
 */
export function renderRuleDoc(meta: RuleMeta, all: readonly RuleMeta[], generatedHeader = true): string {
  const g = guidanceFor(meta, all);
  const lines = [
    ...(generatedHeader
      ? ['<!-- Generated from rule metadata by scripts/gen-rule-docs.ts; do not edit above the end marker. -->']
      : []),
    `# ${meta.id} — ${meta.title}`,
    '',
    '| Field | Value |',
    '|---|---|',
    `| Rule ID | ${meta.id} |`,
    `| Category | ${meta.category} |`,
    `| Severity | ${meta.severity} |`,
    `| CWE | ${meta.cwe.join(', ')} |`,
    `| OWASP LLM | ${cell(meta.owasp)} |`,
    ...(meta.frameworks?.length ? [`| Frameworks | ${cell(meta.frameworks.join('; '))} |`] : []),
    `| FP risk | ${meta.fpRisk} |`,
    `| Owner | ${cell(meta.owner)} |`,
    `| Release decision | ${cell(meta.decision)} |`,
    `| Fix hint | ${cell(meta.fixHint)} |`,
    '',
    '## Description',
    '',
    meta.description,
    '',
    '## When it fires',
    '',
    g.whenItFires,
    '',
    '## Evidence format',
    '',
    g.evidenceFormat,
    '',
    g.expectedEvidence,
    '',
    '## False-positive notes',
    '',
    g.falsePositives,
    '',
    '## Triage',
    '',
    ...g.triage.map((t) => `- ${t}`),
    '',
    '## How to fix',
    '',
    meta.fix,
    '',
    '## Retest',
    '',
    '```sh',
    g.retest,
    '```',
    '',
    '## Policy example',
    '',
    '```yaml',
    g.policyExample,
    '```',
    '',
    '## Expected output',
    '',
    '```',
    g.expectedOutput,
    '```',
    '',
    '## Related rules',
    '',
    ...(g.related.length ? g.related.map((r) => `- [${r.id}](${r.id}.md): ${r.title}`) : ['None in this category.']),
    '',
    ...(generatedHeader ? [GENERATED_END, ''] : []),
  ];
  return lines.join('\n');
}

/** docs/rules/README.md: the rule index. */
export function renderRuleDocIndex(all: readonly RuleMeta[]): string {
  return [
    '<!-- Generated from rule metadata by scripts/gen-rule-docs.ts; do not edit. -->',
    '# Rule index',
    '',
    '| Rule ID | Category | Severity | Title | CWE | Fix hint |',
    '|---|---|---|---|---|---|',
    ...all.map(
      (m) =>
        `| [${m.id}](${m.id}.md) | ${m.category} | ${m.severity} | ${cell(m.title)} | ${m.cwe.join(', ')} | ${cell(m.fixHint)} |`,
    ),
    '',
  ].join('\n');
}

/**
 * Every file under docs/rules/ as it should be: `<ID>.md` per rule (generated part + whatever hand-written prose
 * already follows the end marker) and README.md (the index). `existing(name)` returns a current file or undefined.
 */
export function ruleDocFiles(
  all: readonly RuleMeta[],
  existing: (name: string) => string | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of all) {
    const name = `${m.id}.md`;
    const cur = existing(name);
    const at = cur?.indexOf(GENERATED_END) ?? -1;
    const prose = cur !== undefined && at >= 0 ? cur.slice(at + GENERATED_END.length).replace(/^\n/, '') : '';
    out.set(name, renderRuleDoc(m, all) + prose);
  }
  out.set('README.md', renderRuleDocIndex(all));
  return out;
}
