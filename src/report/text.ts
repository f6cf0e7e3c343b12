// Text reporter. The full record (files, pipes, --verbose): per finding `RULE-ID SEVERITY`, the title with what
// loading the file would do, then evidence, owner, the policy's decision with its reason in words, acceptance, fix,
// retest; then per-pickle safety levels, the file inventory (SHA-256, size), skipped entries, closed findings and
// the gate verdict in one sentence. The compact form (a terminal): a few lines per finding, fix and retest included.
// Both forms wrap to `width` columns (the terminal's, or 100) between words. Colour only when asked; control
// characters from evidence are made visible. The rule's default decision text is `sentinel explain`'s.
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import type { SentinelReport } from './report-model.js';
import { terminalSafe } from './terminal-safe.js';
import type { FileSummary, ModelSummary } from '../core/finding.js';
import { wrapText } from './wrap-text.js';
import {
  CLOSURE_WORDS,
  count,
  decisionCounts,
  decisionWords,
  gateWords,
  onLoad,
  plainReason,
  plainWhere,
  streamWhere,
} from './plain-words.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Also list pickles judged LIKELY_SAFE and every scanned file with its SHA-256 (default: only the others). */
  readonly verbose?: boolean;
  /** A few lines per finding (a terminal). Default false. */
  readonly compact?: boolean;
  /** Columns the report fits, words kept whole. Default 80 for the compact form, 100 for the full record. */
  readonly width?: number;
}

/** The first words of the full text record (its first line adds the tool, its version and the report schema). */
export const TEXT_REPORT_TITLE = 'Sentinel release gate report';

const SEV_COLOR: Record<Severity, string> = { CRITICAL: '1;31', HIGH: '31', MEDIUM: '33', LOW: '36', INFO: '2' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

/** Terminal-safe: controls, newlines and bidirectional overrides from evidence shown escaped. */
const clean = terminalSafe;

/** `model.bin@2` → `model.bin, byte 2` (the full record keeps the offset, said once). */
function recordWhere(where: string): string {
  const m = /^(.*)@(\d+)$/.exec(where);
  return m ? `${m[1]!}, byte ${m[2]!}` : where;
}

/** The title with what loading would do: `Dangerous Pickle Execution: loading this file runs \`os.system\``. */
function headline(f: GatedFinding): string {
  const what = onLoad(f);
  return what ? `${f.title}: ${what}` : f.title;
}

/** Advice reduced to its words, to compare a hint with a fix. */
const adviceWords = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Whether the finding's fix begins with its whole fix hint (the same advice, given twice if both were shown). */
function repeatsHint(f: GatedFinding): boolean {
  const hint = adviceWords(f.fixHint);
  const fix = adviceWords(f.fix);
  return hint !== '' && (fix === hint || fix.startsWith(`${hint} `));
}

function renderFinding(f: GatedFinding, color: boolean, width: number): string {
  const field = (key: string, value: string): string[] => wrapText(value, width, `  ${key.padEnd(12)} `);
  const lines = [
    `${paint(color, SEV_COLOR[f.severity], `${f.ruleId} ${f.severity}`)} · ${decisionWords(f.decision)}`,
    ...wrapText(clean(headline(f)), width, ''),
    // The hint is the fix in one line; when the fix field opens with the same words it says it once, there.
    ...(repeatsHint(f) ? [] : wrapText(f.fixHint, width, '')),
    ...field('where:', clean(recordWhere(f.where))),
    ...field('evidence:', clean(f.evidence.signal)),
  ];
  if (f.evidence.path) lines.push(...field('path:', clean(f.evidence.path)));
  if (f.evidence.snippet) lines.push(...field('code:', clean(f.evidence.snippet)));
  // The data path of a code finding: source, each hop (file:line, function), sink.
  for (const [i, s] of (f.evidence.flow ?? []).entries())
    lines.push(
      ...wrapText(
        `${s.role === 'source' ? '' : '→ '}${clean(`${s.file}:${s.line} ${s.fn}: ${s.text}`)}`,
        width,
        i === 0 ? '  path:        ' : '              ',
        '                ',
      ),
    );
  lines.push(
    ...field(
      'cwe:',
      `${f.cwe.join(', ')} · OWASP ${f.owasp}${f.frameworks?.length ? ` · ${f.frameworks.join(' · ')}` : ''}`,
    ),
    ...field('owner:', clean(f.owner)),
    ...field('decision:', `${f.decision} — ${clean(plainReason(f.decisionReason))}`),
  );
  if (f.baseline) lines.push(...field('baseline:', f.baseline));
  if (f.accepted) {
    lines.push(
      ...field(
        'accepted:',
        `${f.accepted.expired ? 'EXPIRED ' : ''}by ${clean(f.accepted.owner)} until ${f.accepted.expires}: ${clean(f.accepted.reason)}`,
      ),
    );
  }
  lines.push(...field('fix:', f.fix), ...field('retest:', clean(f.retest)), ...field('fingerprint:', f.fingerprint));
  return lines.join('\n');
}

/** A finding in a few lines: severity, rule and decision; what loading would do; where; what was seen; why; fix; retest. */
function renderCompact(f: GatedFinding, color: boolean, width: number): string {
  const head = `${f.severity} ${f.ruleId} · ${decisionWords(f.decision)}${f.accepted ? ` (${f.accepted.expired ? 'acceptance expired' : 'accepted until'} ${f.accepted.expires})` : ''}${f.baseline ? ` (${f.baseline})` : ''}`;
  const lines = [
    paint(color, SEV_COLOR[f.severity], head),
    ...wrapText(clean(headline(f)), width, '  '),
    ...wrapText(clean(plainWhere(f.where)), width, '  at ', '     '),
    ...wrapText(clean(f.evidence.signal), width, '  ', '  '),
    ...wrapText(`why: ${clean(plainReason(f.decisionReason))}`, width, '  ', '       '),
    ...wrapText(`fix: ${f.fixHint}`, width, '  ', '       '),
    ...wrapText(`retest: ${clean(f.retest)}`, width, '  ', '          '),
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

/** A file's formats, outermost first, and what was checked in it: `json; checked: template`. */
export function fileFormat(f: FileSummary): string {
  const formats = f.formats.join(' > ') || 'unrecognized';
  return f.checked?.length ? `${formats}; checked: ${f.checked.join(', ')}` : formats;
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
  const width = Math.max(40, opts.width ?? (compact ? 80 : 100));
  const wrap = (line: string, first = '', rest = '  '): string[] => wrapText(line, width, first, rest);
  const out: string[] = [];
  // The full record (a file, a pipe, --verbose) opens with the line that tells the report and its writer: a later
  // scan of a folder the report was written into recognises it by this line and leaves it out.
  if (!compact)
    out.push(
      `${TEXT_REPORT_TITLE} · ${report.tool.name} ${report.tool.version} · report schema ${report.schemaVersion}`,
      '',
    );
  for (const f of report.findings)
    out.push(compact ? renderCompact(f, color, width) : renderFinding(f, color, width), '');
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
      out.push(...wrap(`Pickle safety (the policy accepts up to ${g.maxAcceptableSeverity}):`));
      for (const p of shown) {
        const mark = over.has(p.where) ? ' (above what the policy accepts)' : '';
        out.push(...wrap(`${p.safety}${mark} ${clean(streamWhere(p.where))}`, '  ', '    '));
      }
    } else {
      out.push(...wrap(`Pickle safety (the policy accepts up to ${g.maxAcceptableSeverity}, ${from}):`));
      for (const p of shown) {
        const mark = over.has(p.where) ? ' ABOVE WHAT THE POLICY ACCEPTS' : '';
        const line = wrap(
          `${p.safety.padEnd(24)} ${clean(streamWhere(p.where))}  [${p.context}, protocol ${p.protocol ?? '0/1'}, ${count(p.opcodes, 'opcode')}, ${count(p.imports, 'import')}]${mark}`,
          '  ',
          ' '.repeat(27),
        );
        if (mark && color) line[line.length - 1] = line.at(-1)!.replace(mark.trim(), paint(true, '1;31', mark.trim()));
        out.push(...line);
      }
    }
    out.push('');
  }
  if (opts.verbose && report.files.length) {
    out.push(`Files (${report.files.length}; SHA-256, bytes, path, format):`);
    for (const f of report.files)
      out.push(
        ...wrap(
          `${f.sha256 ?? '(not read)'.padEnd(64)} ${String(f.bytes).padStart(12)} ${clean(f.path)}  ${clean(fileFormat(f))}`,
          '  ',
          '    ',
        ),
      );
    out.push('');
  }
  const skipped = report.skipped ?? [];
  if (skipped.length) {
    const dirs = skipped.filter((x) => x.path.endsWith('/'));
    const listed = opts.verbose || compact ? (opts.verbose ? skipped : dirs.slice(0, 10)) : skipped;
    out.push(`Skipped ${count(skipped.length, 'entry', 'entries')} (not scanned):`);
    for (const x of listed) out.push(...wrap(`${clean(x.path)} — ${clean(x.reason)}`, '  ', '    '));
    if (listed.length < skipped.length) out.push(`  … ${skipped.length - listed.length} more (--verbose lists them)`);
    out.push('');
  }
  const models = report.files.flatMap((f) => f.models ?? []);
  if (models.length && !compact) {
    out.push(`Model files (${models.length}):`);
    for (const m of models)
      out.push(...wrap(`${m.format.padEnd(16)} ${clean(m.where)}  ${clean(modelLine(m))}`, '  ', ' '.repeat(19)));
    out.push('');
  }
  if (report.signatures?.length) {
    out.push(`Model signatures (${report.signatures.length}):`);
    for (const v of report.signatures) {
      const who = v.identity ? ` by ${v.identity}${v.issuer ? ` (${v.issuer})` : ''}` : '';
      const notRun = v.checks.filter((c) => !c.ran).map((c) => c.id);
      out.push(
        ...wrap(
          `${v.standing.padEnd(9)} ${clean(v.target)}  [${clean(v.signatureFile)}${v.method ? `, ${v.method}` : ''}${who ? clean(who) : ''}` +
            `${v.digest ? `, ${v.digest}` : ''}, manifest ${v.manifest}${notRun.length ? `, not run: ${notRun.join(', ')}` : ''}]`,
          '  ',
          '    ',
        ),
      );
    }
    out.push('');
  }
  if (g.baseline) {
    out.push(
      ...wrap(
        `Baseline ${clean(g.baseline.source)}: ${g.baseline.new} new, ${g.baseline.existing} existing, ${g.baseline.closed} closed.`,
      ),
    );
    for (const c of report.closed)
      out.push(
        ...wrap(
          `closed: ${c.ruleId} ${clean(c.where ? plainWhere(c.where) : c.fingerprint)} (${CLOSURE_WORDS[c.closure]}) ${c.fingerprint}`,
          '  ',
          '    ',
        ),
      );
    out.push('');
  }
  for (const n of report.notes ?? []) {
    const listed = n.modules.map((m) => clean(m)).join(', ') + (n.more !== undefined ? ` and ${n.more} more` : '');
    out.push(
      ...wrap(
        `note: ${clean(n.path)} was scanned alone; the modules of its folder it imports (${listed}) were not ` +
          `scanned, so loaders in them were not checked. To follow them, scan the folder: ${clean(n.hint)}`,
        '',
        '  ',
      ),
    );
  }
  for (const a of report.policy.unusedAcceptances)
    out.push(...wrap(`note: acceptance #${a.index} (${clean(a.owner)}, expires ${a.expires}) matched no finding`));
  for (const e of report.errors) out.push(...wrap(`error: ${clean(e.where)}: ${clean(e.message)}`));
  const sev = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  // The findings that fail the release are counted by the gate line below.
  const extra = decisionCounts(g).filter((c) => !c.endsWith(' the release'));
  let bytes = 0;
  for (const f of report.files) bytes += f.bytes;
  const scanned =
    `Scanned ${count(s.files, 'file')} (${formatBytes(bytes)}), ${count(s.pickles, 'pickle stream')}${models.length ? `, ${count(models.length, 'model file')}` : ''}` +
    `${s.worstSafety ? `, worst pickle safety ${s.worstSafety}` : ''}: ` +
    `${count(s.findings, 'finding')}${sev ? ` (${sev})` : ''}${extra.length ? `, ${extra.join(', ')}` : ''}.`;
  out.push(...wrap(scanned, '', ''));
  out.push(
    ...wrap(`Gate: ${clean(gateWords(g))}`, '', '  ').map((l, i) =>
      i === 0 && color
        ? l.replace(
            /^Gate: (PASSED|FAILED)/,
            (_m, w: string) => `Gate: ${paint(true, w === 'PASSED' ? '32' : '1;31', w)}`,
          )
        : l,
    ),
  );
  if (compact && s.findings) out.push('Full record: --verbose (or --format json/html).');
  return out.join('\n') + '\n';
}
