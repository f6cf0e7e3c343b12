// Text report of `sentinel convert`: what was converted and how (tensor table with SHA-256, shared storages,
// materialised views, metadata kept, values dropped, tensors not selected), or why it was refused or failed; then
// the input's findings and gate verdict as `sentinel scan` prints them.
import type { ConvertReport } from './convert-report.js';
import { renderText } from './text.js';
import { terminalSafe } from './terminal-safe.js';

/** Terminal-safe: controls, newlines and bidirectional overrides from evidence shown escaped. */
const clean = terminalSafe;

function shape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

const MAX_LISTED = 50;

export function renderConvertText(r: ConvertReport, opts: { color?: boolean; verbose?: boolean } = {}): string {
  const out: string[] = [];
  const findings = renderText(r.scan, opts).trimEnd();
  out.push(`Input findings (${clean(r.input.path)}):`, findings, '');
  if (r.status === 'refused') {
    out.push(
      'Conversion refused: the input fails the gate. Nothing was written.',
      'Review the findings above; `--allow-findings` copies only tensor data and plain metadata out of it (nothing in',
      'the file is executed either way).',
    );
    return out.join('\n') + '\n';
  }
  if (r.selection)
    out.push(
      `Selected: ${r.selection.prefix === '' ? '(everything)' : clean(r.selection.prefix)} — ${clean(r.selection.reason)}`,
    );
  if (r.input.format)
    out.push(
      `Input format: ${r.input.format}${r.input.notes.length ? ` (${r.input.notes.map(clean).join('; ')})` : ''}`,
    );
  if (r.tensors.length) {
    out.push('', `Tensors (${r.tensors.length}):`);
    const w = Math.min(60, Math.max(...r.tensors.map((t) => t.name.length)));
    for (const t of r.tensors.slice(0, opts.verbose ? Infinity : 500)) {
      out.push(
        `  ${clean(t.name).padEnd(w)}  ${t.dtype.padEnd(7)} ${shape(t.shape).padEnd(16)} ${String(t.bytes).padStart(10)} B  ${t.sha256 || '-'}`,
      );
      for (const n of t.notes) out.push(`      ${clean(n)}`);
    }
    if (!opts.verbose && r.tensors.length > 500)
      out.push(`  … ${r.tensors.length - 500} more (--format json lists all)`);
  }
  if (r.shared.length) {
    out.push('', 'Shared storages (each tensor is written separately; safetensors has no aliasing):');
    for (const g of r.shared) out.push(`  ${clean(g.storage)}: ${g.tensors.map(clean).join(', ')}`);
  }
  if (r.metadata.length) {
    out.push('', 'Metadata kept (__metadata__):');
    for (const m of r.metadata.slice(0, MAX_LISTED))
      out.push(
        `  ${clean(m.key)} = ${clean(m.value.length > 100 ? m.value.slice(0, 97) + '...' : m.value)}${m.from === 'checkpoint' ? '' : `  (${m.from})`}`,
      );
    if (r.metadata.length > MAX_LISTED) out.push(`  … ${r.metadata.length - MAX_LISTED} more`);
  }
  if (r.dropped.length) {
    out.push('', 'Dropped (not data the output can hold; never executed):');
    for (const d of r.dropped.slice(0, MAX_LISTED)) out.push(`  ${clean(d.path || '(root)')}: ${clean(d.what)}`);
    if (r.dropped.length > MAX_LISTED) out.push(`  … ${r.dropped.length - MAX_LISTED} more`);
  }
  if (r.notSelected.length) {
    const groups = new Map<string, number>();
    for (const n of r.notSelected) {
      const top = n.path.split('.')[0]!;
      groups.set(top, (groups.get(top) ?? 0) + 1);
    }
    out.push(
      '',
      `Not selected (${r.notSelected.length} tensor(s)): ${[...groups].map(([k, n]) => `${clean(k)} (${n})`).join(', ')}`,
    );
  }
  out.push('');
  if (r.status === 'error') {
    out.push(`Conversion failed: ${clean(r.error?.message ?? 'unknown error')}`);
    for (const d of r.error?.details ?? []) out.push(`  ${clean(d)}`);
    out.push('Nothing was written.');
  } else if (r.output) {
    out.push(
      `Wrote ${clean(r.output.path)}: ${r.tensors.length} tensor(s), ${r.output.bytes} bytes (header ${r.output.headerBytes}).` +
        (r.allowFindings && !r.scan.summary.gate.passed
          ? ' The input failed the gate; only tensor data and plain metadata were copied.'
          : ''),
    );
  }
  return out.join('\n') + '\n';
}
