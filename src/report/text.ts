// Text reporter in the seed's format: per finding `RULE-ID SEVERITY`, the title, the fix hint, then evidence,
// owner, decision and retest; then per-pickle safety levels and a summary line. Colour only when asked.
import type { Finding } from '../core/finding.js';
import type { ScanReport } from '../core/report.js';
import { SEVERITIES, type Severity } from '../core/severity.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Also list pickles judged LIKELY_SAFE (default: only the others). */
  readonly verbose?: boolean;
}

const SEV_COLOR: Record<Severity, string> = { CRITICAL: '1;31', HIGH: '31', MEDIUM: '33', LOW: '36', INFO: '2' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

function renderFinding(f: Finding, color: boolean): string {
  const lines = [
    `${paint(color, SEV_COLOR[f.severity], `${f.ruleId} ${f.severity}`)}`,
    f.title,
    f.fixHint,
    `  where:       ${f.where}`,
    `  evidence:    ${f.evidence.signal}`,
  ];
  if (f.evidence.snippet) lines.push(`  code:        ${f.evidence.snippet}`);
  lines.push(
    `  cwe:         ${f.cwe.join(', ')} · OWASP ${f.owasp}${f.frameworks?.length ? ` · ${f.frameworks.join(' · ')}` : ''}`,
    `  owner:       ${f.owner}`,
    `  decision:    ${f.decision ?? 'n/a'} — ${f.releaseDecision}`,
  );
  if (f.accepted) {
    lines.push(
      `  accepted:    ${f.accepted.expired ? 'EXPIRED ' : ''}by ${f.accepted.owner} until ${f.accepted.expires}: ${f.accepted.reason}`,
    );
  }
  lines.push(`  fix:         ${f.fix}`, `  retest:      ${f.retest}`, `  fingerprint: ${f.fingerprint}`);
  return lines.join('\n');
}

export function renderText(report: ScanReport, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const out: string[] = [];
  for (const f of report.findings) out.push(renderFinding(f, color), '');
  const shown = report.pickles.filter((p) => opts.verbose || p.safety !== 'LIKELY_SAFE');
  if (shown.length) {
    out.push('Pickle safety (seed 002 scale):');
    for (const p of shown) {
      out.push(
        `  ${p.safety.padEnd(24)} ${p.where}  [${p.context}, protocol ${p.protocol ?? '0/1'}, ${p.opcodes} opcodes, ${p.imports} imports]`,
      );
    }
    out.push('');
  }
  for (const e of report.errors) out.push(`error: ${e.where}: ${e.message}`);
  const s = report.summary;
  const sev = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  const verdict = s.gate.passed
    ? paint(color, '32', 'PASSED')
    : paint(color, '1;31', `FAILED (${s.gate.blocking} finding(s) at ${s.gate.failOn.join(',')})`);
  out.push(
    `Scanned ${s.files} file(s), ${s.pickles} pickle stream(s)${s.worstSafety ? `, worst safety ${s.worstSafety}` : ''}: ` +
      `${s.findings} finding(s)${sev ? ` (${sev})` : ''}${s.gate.tickets ? `, ${s.gate.tickets} to ticket` : ''}.`,
    `Gate: ${verdict}`,
  );
  return out.join('\n') + '\n';
}
