// The reviewed hooks the oracle fuzzer's load server (worker.py Allowance) may let call native code: read from the
// packs' review record, not listed here.
import type { allPacks } from '../../src/rules/data/allowlist.js';

/**
 * The hooks the packs' reviews name for each admitted class (`rebuild`: `__setstate__: <defining class>` and
 * (`__del__` hooks are not allowed: the 240 loads of runs n2 and o2 that reached XGBoosterFree through Booster.__del__
 * were each replayed (runs/*-xgboost-replay.json): every one followed a flagged XGBoosterCreate of the same
 * load, a planted Booster() whose __init__ set the handle before its vetoed native call, so the free is that object's
 * finalizer, and all 240 were blocked by Sentinel)), as lines "entry_module entry_name hook_module hook_class method" for the load server:
 * a flagged native event raised by such a hook's own parse, entered from the unpickler, is allowed (worker.py
 * Allowance). Derived from the review record, not a list in the oracle.
 */
export function reviewedHooks(packs: typeof allPacks): string[] {
  const out = new Set<string>();
  for (const p of packs()) {
    for (const [canonical, e] of p.entries) {
      const dot = canonical.lastIndexOf('.');
      if (dot <= 0 || !e.rebuild) continue;
      for (const m of e.rebuild.matchAll(/(?:^|; )(__setstate__): ([\w.]+?)\.(\w+)(?=[@ ;]|$)/g)) {
        out.add(`${canonical.slice(0, dot)} ${canonical.slice(dot + 1)} ${m[2]} ${m[3]} ${m[1]}`);
      }
    }
  }
  return [...out].sort();
}
