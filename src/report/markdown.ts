// Markdown reporter for a pull-request comment (GitHub-flavoured): verdict, counts, a findings table and
// collapsible details. Attacker-controlled text is escaped (no HTML, no table breaks, no @mentions); the comment
// stays well under GitHub's 65,536-character limit by capping the rows shown.
import { SEVERITIES } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import { escapeMarkdown as md } from './escape-markup.js';
import type { SentinelReport } from './report-model.js';

export interface MarkdownOptions {
  /** Findings shown in the table and the details (default 50). */
  readonly maxFindings?: number;
}

/** Characters for the table and details; the rest of the comment stays well under GitHub's 65,536. */
const BUDGET = 56_000;

const ICON: Record<string, string> = { block: '⛔', gate: '🚫', ticket: '🎫', pass: '✅' };

function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function row(f: GatedFinding): string {
  const marks = [f.accepted ? (f.accepted.expired ? 'acceptance expired' : 'accepted') : '', f.baseline ?? '']
    .filter(Boolean)
    .join(', ');
  return (
    `| ${f.severity} | ${md(f.ruleId)} | ${ICON[f.decision] ?? ''} ${f.decision}${marks ? ` (${md(marks)})` : ''} ` +
    `| ${md(cut(f.where, 120))} | ${md(cut(f.evidence.signal, 160))} |`
  );
}

function details(f: GatedFinding): string {
  const lines = [
    `#### ${md(f.ruleId)} ${f.severity} — ${md(f.title)}`,
    '',
    `- **Where:** ${md(cut(f.where, 400))}`,
    `- **Evidence:** ${md(cut(f.evidence.signal, 600))}`,
    ...(f.evidence.snippet ? [`- **Code:** ${md(cut(f.evidence.snippet, 400))}`] : []),
    `- **Decision:** ${f.decision} — ${md(f.decisionReason)}`,
    ...(f.accepted
      ? [
          `- **Accepted:** ${f.accepted.expired ? '**EXPIRED** ' : ''}by ${md(f.accepted.owner)} until ${f.accepted.expires}: ${md(f.accepted.reason)}`,
        ]
      : []),
    `- **Owner:** ${md(f.owner)}`,
    `- **Fix:** ${md(f.fixHint)}${f.fix !== f.fixHint ? ` ${md(f.fix)}` : ''}`,
    `- **Retest:** ${md(f.retest)}`,
    `- **CWE:** ${f.cwe.join(', ')} · **OWASP:** ${md(f.owasp)} · **Fingerprint:** ${f.fingerprint}`,
    '',
  ];
  return lines.join('\n');
}

export function renderMarkdown(report: SentinelReport, opts: MarkdownOptions = {}): string {
  const max = opts.maxFindings ?? 50;
  const s = report.summary;
  const g = s.gate;
  const out: string[] = [
    `## ${g.passed ? '✅' : '❌'} Sentinel release gate: **${g.passed ? 'PASSED' : 'FAILED'}**`,
    '',
  ];
  if (g.reasons.length) {
    for (const r of g.reasons) out.push(`> ${md(r)}`);
    out.push('');
  }
  out.push(
    `Scanned **${s.files}** file(s), **${s.pickles}** pickle stream(s)` +
      `${s.worstSafety ? ` (worst safety \`${s.worstSafety}\`)` : ''}: **${s.findings}** finding(s). ` +
      `Threshold \`${g.maxAcceptableSeverity}\` (preset ${g.preset}).`,
    '',
    '| Severity | Count |',
    '|---|---:|',
    ...SEVERITIES.map((k) => `| ${k} | ${s.bySeverity[k]} |`),
    '',
    `Decisions: ${g.blocking} blocking · ${g.tickets} ticket(s) · ${g.accepted} accepted` +
      (g.expiredAcceptances ? ` · ${g.expiredAcceptances} expired acceptance(s)` : '') +
      (g.thresholdAccepted ? ` · ${g.thresholdAccepted} accepted by threshold` : '') +
      (g.baseline
        ? ` · baseline: ${g.baseline.new} new, ${g.baseline.existing} existing, ${g.baseline.closed} closed`
        : ''),
    '',
  );
  const shown = report.findings.slice(0, max);
  if (shown.length) {
    out.push('| Severity | Rule | Decision | Where | Evidence |', '|---|---|---|---|---|', ...shown.map(row));
    if (report.findings.length > max) {
      out.push('', `… and ${report.findings.length - max} more finding(s); see the full report (JSON, SARIF or HTML).`);
    }
    // GitHub refuses comments over 65,536 characters: details stop at a budget, with a note.
    const parts = shown.map(details);
    let budget = BUDGET - out.join('\n').length;
    const fitted: string[] = [];
    for (const p of parts) {
      if (p.length > budget) break;
      fitted.push(p);
      budget -= p.length + 1;
    }
    out.push('', `<details><summary>Details of ${fitted.length} finding(s)</summary>`, '', ...fitted);
    if (fitted.length < parts.length)
      out.push(`Details of ${parts.length - fitted.length} more finding(s) omitted for size.`, '');
    out.push('</details>', '');
  } else out.push('No findings.', '');
  if (g.overThreshold.length) {
    out.push(`<details><summary>${g.overThreshold.length} pickle(s) above the threshold</summary>`, '');
    for (const v of g.overThreshold) out.push(`- ${v.safety} — ${md(v.where)} (${md(v.context)})`);
    out.push('', '</details>', '');
  }
  if (report.closed.length) {
    out.push(`<details><summary>${report.closed.length} finding(s) closed since the baseline</summary>`, '');
    for (const c of report.closed) out.push(`- ${md(c.ruleId)} ${md(c.where ?? c.fingerprint)} — ${c.closure}`);
    out.push('', '</details>', '');
  }
  if (report.errors.length) {
    out.push(`<details><summary>${report.errors.length} error(s)</summary>`, '');
    for (const x of report.errors) out.push(`- ${md(x.where)}: ${md(x.message)}`);
    out.push('', '</details>', '');
  }
  out.push(`<sub>${report.tool.name} ${report.tool.version} · report schema ${report.schemaVersion}</sub>`, '');
  return out.join('\n');
}
