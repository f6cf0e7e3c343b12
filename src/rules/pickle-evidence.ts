// Shared evidence wording for the PICKLE rules: import descriptions and per-pickle grouping of repeated imports.
import type { ImportFact } from '../analyzers/pickle/facts.js';
import type { Verdict } from './classify.js';
import type { PickleFact } from './rule.js';

export interface ImportGroup {
  readonly first: ImportFact;
  readonly verdict: Verdict;
  readonly count: number;
  /** Invocation kinds that call this import (REDUCE, NEWOBJ, BUILD, …). */
  readonly invoked: string[];
}

/** Groups the pickle's imports by canonical name (one finding per name per stream), in stream order. */
export function groupImports(fact: PickleFact, keep: (v: Verdict) => boolean): ImportGroup[] {
  const groups = new Map<string, { first: ImportFact; verdict: Verdict; count: number; invoked: Set<string> }>();
  for (const imp of fact.run.imports) {
    const v = fact.verdicts.get(imp);
    if (!v || !keep(v)) continue;
    const key = imp.unresolved !== undefined && imp.module === '?' ? `?${imp.unresolved}` : imp.canonical;
    const g = groups.get(key);
    const n = 1 + (imp.repeats ?? 0);
    if (g) g.count += n;
    else groups.set(key, { first: imp, verdict: v, count: n, invoked: new Set() });
  }
  // No name kept (most pickles): the calls have no group to mark.
  if (groups.size === 0) return [];
  for (const c of fact.run.calls) {
    if (!c.callee) continue;
    const key =
      c.callee.unresolved !== undefined && c.callee.module === '?' ? `?${c.callee.unresolved}` : c.callee.canonical;
    groups.get(key)?.invoked.add(c.kind);
  }
  return [...groups.values()].map((g) => ({ ...g, invoked: [...g.invoked] }));
}

/** Distinct names reported one finding each per stream; the rest are summed up in one finding. */
export const MAX_REPORTED_GROUPS = 200;

/** The groups to report one by one, and how many distinct names and occurrences are left over. */
export function reportedGroups(groups: ImportGroup[]): { shown: ImportGroup[]; more: number; moreCount: number } {
  const shown = groups.slice(0, MAX_REPORTED_GROUPS);
  let moreCount = 0;
  for (let i = MAX_REPORTED_GROUPS; i < groups.length; i++) moreCount += groups[i]!.count;
  return { shown, more: groups.length - shown.length, moreCount };
}

/** `STACK_GLOBAL imports posix.system (= os.system)`. */
export function describeImport(imp: ImportFact): string {
  if (imp.unresolved !== undefined && imp.module === '?')
    return `${imp.opcode} imports a name that cannot be resolved statically (${imp.unresolved})`;
  const written = `${imp.module}.${imp.name}`;
  const canonical = imp.canonical.replace(/\.<module>$/, '');
  const via = imp.derivedVia ? ` via ${imp.derivedVia}` : imp.ext !== undefined ? ` via extension code ${imp.ext}` : '';
  const same = written === canonical || `${imp.module}` === canonical;
  const by = imp.readBy ? `, when read by ${imp.readBy}` : '';
  return `${imp.opcode} imports ${written.replace(/\.<module>$/, '')}${same ? '' : ` (= ${canonical})`}${via}${by}`;
}
