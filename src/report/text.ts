// Text reporter in the seed's format: per finding `RULE-ID SEVERITY`, the title, the fix hint, then evidence,
// owner, decision (with why), acceptance, retest; then per-pickle safety levels, closed findings and the gate
// verdict with its reasons. Colour only when asked; control characters from evidence are made visible.
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import type { SentinelReport } from './report-model.js';
import { terminalSafe } from './terminal-safe.js';
import type { ModelSummary } from '../core/finding.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Also list pickles judged LIKELY_SAFE (default: only the others). */
  readonly verbose?: boolean;
}

const SEV_COLOR: Record<Severity, string> = { CRITICAL: '1;31', HIGH: '31', MEDIUM: '33', LOW: '36', INFO: '2' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

/** Terminal-safe: controls, newlines and bidirectional overrides from evidence shown escaped. */
const clean = terminalSafe;

function renderFinding(f: GatedFinding, color: boolean): string {
  const lines = [
    `${paint(color, SEV_COLOR[f.severity], `${f.ruleId} ${f.severity}`)}`,
    f.title,
    f.fixHint,
    `  where:       ${clean(f.where)}`,
    `  evidence:    ${clean(f.evidence.signal)}`,
  ];
  if (f.evidence.path) lines.push(`  path:        ${clean(f.evidence.path)}`);
  if (f.evidence.snippet) lines.push(`  code:        ${clean(f.evidence.snippet)}`);
  // The data path of a code finding: source, each hop (file:line, function), sink.
  for (const [i, s] of (f.evidence.flow ?? []).entries())
    lines.push(
      `  ${i === 0 ? 'path:       ' : '            '} ${s.role === 'source' ? '' : '→ '}${clean(`${s.file}:${s.line} ${s.fn}: ${s.text}`)}`,
    );
  lines.push(
    `  cwe:         ${f.cwe.join(', ')} · OWASP ${f.owasp}${f.frameworks?.length ? ` · ${f.frameworks.join(' · ')}` : ''}`,
    `  owner:       ${clean(f.owner)}`,
    `  decision:    ${f.decision} — ${f.releaseDecision}`,
    `  why:         ${clean(f.decisionReason)}`,
  );
  if (f.baseline) lines.push(`  baseline:    ${f.baseline}`);
  if (f.accepted) {
    lines.push(
      `  accepted:    ${f.accepted.expired ? 'EXPIRED ' : ''}by ${clean(f.accepted.owner)} until ${f.accepted.expires}: ${clean(f.accepted.reason)}`,
    );
  }
  lines.push(`  fix:         ${f.fix}`, `  retest:      ${clean(f.retest)}`, `  fingerprint: ${f.fingerprint}`);
  return lines.join('\n');
}

/** One inventory line: tensors with their dtypes, metadata keys, and the format's own details. */
function modelLine(m: ModelSummary): string {
  const parts: string[] = [];
  if (m.tensors !== undefined) {
    const dt = Object.entries(m.dtypes ?? {}).map(([d, n]) => `${d} ×${n}`);
    parts.push(
      `${m.tensors} tensor(s)${dt.length ? ` (${dt.slice(0, 6).join(', ')}${dt.length > 6 ? ', …' : ''})` : ''}`,
    );
  }
  if (m.metadataKeys?.length) parts.push(`${m.metadataKeys.length} metadata key(s)`);
  for (const [k, v] of Object.entries(m.details ?? {}).slice(0, 4))
    parts.push(`${k} ${Array.isArray(v) ? v.slice(0, 4).join(', ') : String(v)}`);
  return parts.join('; ');
}

export function renderText(report: SentinelReport, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const out: string[] = [];
  for (const f of report.findings) out.push(renderFinding(f, color), '');
  const s = report.summary;
  const g = s.gate;
  const over = new Set(g.overThreshold.map((v) => v.where));
  const shown = report.pickles.filter((p) => opts.verbose || p.safety !== 'LIKELY_SAFE');
  if (shown.length) {
    const from =
      report.policy.thresholdFrom === 'fail_on'
        ? `threshold ${report.policy.thresholdDerivation ?? 'derived from fail_on'}`
        : `preset ${g.preset}`;
    out.push(`Pickle safety (safety scale; max acceptable ${g.maxAcceptableSeverity}, ${from}):`);
    for (const p of shown) {
      const mark = over.has(p.where) ? paint(color, '1;31', ' ABOVE THRESHOLD') : '';
      out.push(
        `  ${p.safety.padEnd(24)} ${clean(p.where)}  [${p.context}, protocol ${p.protocol ?? '0/1'}, ${p.opcodes} opcodes, ${p.imports} imports]${mark}`,
      );
    }
    out.push('');
  }
  const models = report.files.flatMap((f) => f.models ?? []);
  if (models.length) {
    out.push(`Model files (${models.length}):`);
    for (const m of models) out.push(`  ${m.format.padEnd(16)} ${clean(m.where)}  ${clean(modelLine(m))}`);
    out.push('');
  }
  if (report.signatures?.length) {
    out.push(`Model signatures (${report.signatures.length}):`);
    for (const v of report.signatures) {
      const who = v.identity ? ` by ${v.identity}${v.issuer ? ` (${v.issuer})` : ''}` : '';
      const notRun = v.checks.filter((c) => !c.ran).map((c) => c.id);
      out.push(
        `  ${v.standing.padEnd(9)} ${clean(v.target)}  [${clean(v.signatureFile)}${v.method ? `, ${v.method}` : ''}${who ? clean(who) : ''}` +
          `${v.digest ? `, ${v.digest}` : ''}, manifest ${v.manifest}${notRun.length ? `, not run: ${notRun.join(', ')}` : ''}]`,
      );
    }
    out.push('');
  }
  if (g.baseline) {
    out.push(
      `Baseline ${clean(g.baseline.source)}: ${g.baseline.new} new, ${g.baseline.existing} existing, ${g.baseline.closed} closed.`,
    );
    for (const c of report.closed) {
      out.push(`  closed: ${c.ruleId} ${clean(c.where ?? c.fingerprint)} (${c.closure}) ${c.fingerprint}`);
    }
    out.push('');
  }
  for (const a of report.policy.unusedAcceptances) {
    out.push(`note: acceptance #${a.index} (${clean(a.owner)}, expires ${a.expires}) matched no finding`);
  }
  for (const e of report.errors) out.push(`error: ${clean(e.where)}: ${clean(e.message)}`);
  const sev = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  const extra = [
    g.tickets ? `${g.tickets} to ticket` : '',
    g.accepted ? `${g.accepted} accepted` : '',
    g.expiredAcceptances ? `${g.expiredAcceptances} with expired acceptance` : '',
    g.thresholdAccepted ? `${g.thresholdAccepted} accepted by threshold` : '',
  ].filter(Boolean);
  const verdict = g.passed
    ? paint(color, '32', 'PASSED')
    : paint(color, '1;31', `FAILED (${g.reasons.map(clean).join('; ')})`);
  out.push(
    `Scanned ${s.files} file(s), ${s.pickles} pickle stream(s)${models.length ? `, ${models.length} model file(s)` : ''}` +
      `${s.worstSafety ? `, worst safety ${s.worstSafety}` : ''}: ` +
      `${s.findings} finding(s)${sev ? ` (${sev})` : ''}${extra.length ? `, ${extra.join(', ')}` : ''}.`,
    `Gate: ${verdict}`,
  );
  return out.join('\n') + '\n';
}
