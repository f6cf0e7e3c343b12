// Text reporter. The full record (files, pipes, --verbose): per finding `RULE-ID SEVERITY`, the title, then
// evidence, owner, the policy's decision with its reason, acceptance, fix, retest; then per-pickle safety levels,
// the file inventory (SHA-256, size), skipped entries, closed findings and the gate verdict. The compact form (a
// terminal): four lines per finding wrapped to the terminal's width. Colour only when asked; control characters
// from evidence are made visible. The rule's default decision text is `sentinel explain`'s, never repeated here.
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import type { SentinelReport } from './report-model.js';
import { terminalSafe } from './terminal-safe.js';
import type { ModelSummary } from '../core/finding.js';
import { wrapText } from './wrap-text.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Also list pickles judged LIKELY_SAFE and every scanned file with its SHA-256 (default: only the others). */
  readonly verbose?: boolean;
  /** Four lines per finding, wrapped to `width` columns (a terminal). Default false. */
  readonly compact?: boolean;
  /** Columns the compact form fits. Default 80. */
  readonly width?: number;
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
    `  decision:    ${f.decision} — ${clean(f.decisionReason)}`,
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

/** A finding in four lines: severity, rule and decision; title; where; what was seen (each wrapped to width). */
function renderCompact(f: GatedFinding, color: boolean, width: number): string {
  const head = `${f.severity} ${f.ruleId} · ${f.decision}${f.accepted ? ` (${f.accepted.expired ? 'acceptance expired' : 'accepted until'} ${f.accepted.expires})` : ''}${f.baseline ? ` (${f.baseline})` : ''}`;
  const lines = [
    paint(color, SEV_COLOR[f.severity], head),
    ...wrapText(f.title, width, '  '),
    ...wrapText(clean(f.where), width, '  at ', '     '),
    ...wrapText(clean(f.evidence.signal), width, '  ', '  '),
    ...wrapText(`why: ${clean(f.decisionReason)}`, width, '  ', '       '),
  ];
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

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function renderText(report: SentinelReport, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const compact = opts.compact ?? false;
  const width = Math.max(40, opts.width ?? 80);
  const out: string[] = [];
  for (const f of report.findings) out.push(compact ? renderCompact(f, color, width) : renderFinding(f, color), '');
  const s = report.summary;
  const g = s.gate;
  const over = new Set(g.overThreshold.map((v) => v.where));
  const shown = report.pickles.filter((p) => opts.verbose || p.safety !== 'LIKELY_SAFE');
  if (shown.length) {
    const from =
      report.policy.thresholdFrom === 'fail_on'
        ? `threshold ${report.policy.thresholdDerivation ?? 'derived from fail_on'}`
        : `preset ${g.preset}`;
    if (compact) {
      out.push(...wrapText(`Pickle safety (max acceptable ${g.maxAcceptableSeverity}):`, width, ''));
      for (const p of shown) {
        const mark = over.has(p.where) ? ' (above threshold)' : '';
        out.push(...wrapText(`${p.safety}${mark} ${clean(p.where)}`, width, '  ', '    '));
      }
    } else {
      out.push(`Pickle safety (safety scale; max acceptable ${g.maxAcceptableSeverity}, ${from}):`);
      for (const p of shown) {
        const mark = over.has(p.where) ? paint(color, '1;31', ' ABOVE THRESHOLD') : '';
        out.push(
          `  ${p.safety.padEnd(24)} ${clean(p.where)}  [${p.context}, protocol ${p.protocol ?? '0/1'}, ${p.opcodes} opcodes, ${p.imports} imports]${mark}`,
        );
      }
    }
    out.push('');
  }
  if (opts.verbose && report.files.length) {
    out.push(`Files (${report.files.length}; SHA-256, bytes, path):`);
    for (const f of report.files)
      out.push(`  ${f.sha256 ?? '(not read)'.padEnd(64)} ${String(f.bytes).padStart(12)} ${clean(f.path)}`);
    out.push('');
  }
  const skipped = report.skipped ?? [];
  if (skipped.length) {
    const dirs = skipped.filter((x) => x.path.endsWith('/'));
    const listed = opts.verbose || compact ? (opts.verbose ? skipped : dirs.slice(0, 10)) : skipped;
    out.push(`Skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} (not scanned):`);
    for (const x of listed)
      out.push(...wrapText(`${clean(x.path)} — ${clean(x.reason)}`, compact ? width : 10_000, '  ', '    '));
    if (listed.length < skipped.length) out.push(`  … ${skipped.length - listed.length} more (--verbose lists them)`);
    out.push('');
  }
  const models = report.files.flatMap((f) => f.models ?? []);
  if (models.length && !compact) {
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
      const line = `closed: ${c.ruleId} ${clean(c.where ?? c.fingerprint)} (${c.closure}) ${c.fingerprint}`;
      out.push(...(compact ? wrapText(line, width, '  ', '    ') : [`  ${line}`]));
    }
    out.push('');
  }
  for (const a of report.policy.unusedAcceptances) {
    const line = `note: acceptance #${a.index} (${clean(a.owner)}, expires ${a.expires}) matched no finding`;
    out.push(...(compact ? wrapText(line, width, '', '  ') : [line]));
  }
  for (const e of report.errors) {
    const line = `error: ${clean(e.where)}: ${clean(e.message)}`;
    out.push(...(compact ? wrapText(line, width, '', '  ') : [line]));
  }
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
  let bytes = 0;
  for (const f of report.files) bytes += f.bytes;
  const scanned =
    `Scanned ${s.files} file(s) (${formatBytes(bytes)}), ${s.pickles} pickle stream(s)${models.length ? `, ${models.length} model file(s)` : ''}` +
    `${s.worstSafety ? `, worst safety ${s.worstSafety}` : ''}: ` +
    `${s.findings} finding(s)${sev ? ` (${sev})` : ''}${extra.length ? `, ${extra.join(', ')}` : ''}.`;
  if (compact) {
    out.push(...wrapText(scanned, width, ''));
    out.push(
      ...wrapText(`Gate: ${g.passed ? 'PASSED' : `FAILED (${g.reasons.map(clean).join('; ')})`}`, width, '', '  ').map(
        (l, i) =>
          i === 0 && color
            ? l.replace(
                /^Gate: (PASSED|FAILED)/,
                (_m, w: string) => `Gate: ${paint(true, w === 'PASSED' ? '32' : '1;31', w)}`,
              )
            : l,
      ),
    );
    if (s.findings) out.push('Full record: --verbose (or --format json/html).');
  } else out.push(scanned, `Gate: ${verdict}`);
  return out.join('\n') + '\n';
}
