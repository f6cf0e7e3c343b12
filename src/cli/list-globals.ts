// `--list-globals`: what each pickle imports and how each name is judged (allowed, dangerous, unknown,
// unresolved), one line per global, the inventory users of other pickle scanners expect.
import type { SentinelReport } from '../report/report-model.js';
import { terminalSafe } from '../report/terminal-safe.js';

/** The globals listing, or a line saying no pickle was found. */
export function renderGlobals(report: SentinelReport): string {
  const out: string[] = [];
  for (const p of report.pickles) {
    out.push(`${terminalSafe(p.where)} (${p.safety}, ${p.context}):`);
    const gs = p.globals ?? [];
    if (!gs.length) out.push('  (imports nothing)');
    for (const g of gs) out.push(`  ${g.verdict.padEnd(10)} ${terminalSafe(g.name)}`);
    if (p.imports > gs.length && gs.length >= 256) out.push(`  … (${p.imports} imports; the first 256 names listed)`);
  }
  if (!out.length) out.push('no pickle found');
  return out.join('\n') + '\n';
}
