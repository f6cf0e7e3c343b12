// Markdown reporter for a pull-request comment (GitHub-flavoured): verdict, counts, a findings table and
// collapsible details. Attacker-controlled text is escaped (no HTML, no table breaks, no @mentions); the comment
// stays well under GitHub's 65,536-character limit by capping the rows shown.
import { SEVERITIES } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import { escapeMarkdown as md } from './escape-markup.js';
import {
  CLOSURE_WORDS,
  count,
  decisionCounts,
  gateReasons,
  onLoad,
  plainReason,
  plainWhere,
  streamWhere,
  thresholdWords,
} from './plain-words.js';
import type { SentinelReport } from './report-model.js';
import { fileFormat } from './text.js';

export interface MarkdownOptions {
  /** Findings shown in the table and the details (default 50). */
  readonly maxFindings?: number;
}

/** Characters for the table and details; the rest of the comment stays well under GitHub's 65,536. */
const BUDGET = 56_000;
/** The whole comment stays below this (GitHub refuses more than 65,536 characters). */
const COMMENT_BUDGET = 63_000;

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
    `| ${md(cut(plainWhere(f.where), 120))} | ${md(cut(f.evidence.signal, 160))} |`
  );
}

function details(f: GatedFinding): string {
  const lines = [
    `#### ${md(f.ruleId)} ${f.severity} — ${md(f.title)}`,
    '',
    ...(onLoad(f) ? [`- **On load:** ${md(cut(onLoad(f)!, 400))}`] : []),
    `- **Where:** ${md(cut(plainWhere(f.where), 400))}`,
    `- **Evidence:** ${md(cut(f.evidence.signal, 600))}`,
    ...(f.evidence.snippet ? [`- **Code:** ${md(cut(f.evidence.snippet, 400))}`] : []),
    `- **Decision:** ${f.decision} — ${md(plainReason(f.decisionReason))}`,
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
  const reasons = gateReasons(g);
  if (reasons.length) {
    for (const r of reasons) out.push(`> ${md(r)}`);
    out.push('');
  }
  const bold = (n: number, one: string): string => count(n, one).replace(/^(\d+)/, '**$1**');
  out.push(
    `Scanned ${bold(s.files, 'file')}, ${bold(s.pickles, 'pickle stream')}` +
      `${s.worstSafety ? ` (worst pickle safety \`${s.worstSafety}\`)` : ''}: ${bold(s.findings, 'finding')}; ` +
      `${md(thresholdWords(g))}.`,
    '',
    '| Severity | Count |',
    '|---|---:|',
    ...SEVERITIES.map((k) => `| ${k} | ${s.bySeverity[k]} |`),
    '',
    `Decisions: ${decisionCounts(g).join(' · ') || 'none'}` +
      (g.baseline
        ? ` · baseline: ${g.baseline.new} new, ${g.baseline.existing} existing, ${g.baseline.closed} closed`
        : ''),
    '',
  );
  const shown = report.findings.slice(0, max);
  if (shown.length) {
    out.push('| Severity | Rule | Decision | Where | Evidence |', '|---|---|---|---|---|', ...shown.map(row));
    if (report.findings.length > max) {
      out.push(
        '',
        `… and ${count(report.findings.length - max, 'more finding')}; see the full report (JSON, SARIF or HTML).`,
      );
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
    out.push('', `<details><summary>Details of ${count(fitted.length, 'finding')}</summary>`, '', ...fitted);
    if (fitted.length < parts.length)
      out.push(`Details of ${count(parts.length - fitted.length, 'more finding')} omitted for size.`, '');
    out.push('</details>', '');
  } else out.push('No findings.', '');
  if (g.overThreshold.length) {
    out.push(
      `<details><summary>${count(g.overThreshold.length, 'pickle')} above what the policy accepts</summary>`,
      '',
    );
    for (const v of g.overThreshold) out.push(`- ${v.safety} — ${md(streamWhere(v.where))} (${md(v.context)})`);
    out.push('', '</details>', '');
  }
  if (report.closed.length) {
    out.push(`<details><summary>${count(report.closed.length, 'finding')} closed since the baseline</summary>`, '');
    for (const c of report.closed)
      out.push(`- ${md(c.ruleId)} ${md(c.where ? plainWhere(c.where) : c.fingerprint)} — ${CLOSURE_WORDS[c.closure]}`);
    out.push('', '</details>', '');
  }
  // The inventory: every scanned file with its format (and digest when the run took digests), as far as the
  // comment's size allows.
  if (report.files.length) {
    const rows = report.files.map(
      (f) => `| ${md(cut(f.path, 200))} | ${md(fileFormat(f))} | ${f.bytes} | ${f.sha256 ? `\`${f.sha256}\`` : '—'} |`,
    );
    let room = COMMENT_BUDGET - out.join('\n').length - 400;
    const fitted: string[] = [];
    for (const r of rows) {
      if (r.length + 1 > room) break;
      fitted.push(r);
      room -= r.length + 1;
    }
    out.push(
      `<details><summary>${count(report.files.length, 'file')} scanned</summary>`,
      '',
      '| File | Format | Bytes | SHA-256 |',
      '|---|---|---:|---|',
      ...fitted,
    );
    if (fitted.length < rows.length)
      out.push('', `… and ${count(rows.length - fitted.length, 'more file')}; see the JSON or HTML report.`);
    out.push('', '</details>', '');
  }
  if (report.errors.length) {
    out.push(`<details><summary>${count(report.errors.length, 'error')}</summary>`, '');
    for (const x of report.errors) out.push(`- ${md(x.where)}: ${md(x.message)}`);
    out.push('', '</details>', '');
  }
  out.push(`<sub>${report.tool.name} ${report.tool.version} · report schema ${report.schemaVersion}</sub>`, '');
  return out.join('\n');
}
