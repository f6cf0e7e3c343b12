// A class's own store: a method of a class that names the files the class itself writes with a serializer.
//
// A class that keeps serialized values in files (a folder cache, a checkpoint store) computes each entry's path in a
// helper method (`self._entry_path(key)`) and calls it both where it writes an entry and where it reads one back. A
// path that helper returns names a file the object writes itself: reading it back loads what the same code stored,
// not a file the caller chose, even when the folder is the caller's. The helper is the store's when a method of the
// same class calls it and, in that method, calls a serializer's `dump` and writes the helper's path: opened for
// writing (`open(path, "wb")`), or as the destination of a move (`os.replace(tmp, path)`, also when the move
// function is handed to a wrapper that calls it: `self._retry(os.replace, tmp, path)`). Only the caller's-parameter
// mark is dropped: a path built from network data stays network data.
import type { CallSite, ExpressionFact, FunctionFact } from '../python/module-model.js';
import type { ModuleIndex } from './module-index.js';

/** Functions that move or copy a file (`src`, `dst` as their first two arguments): the content goes with it. */
export const FILE_MOVES: ReadonlySet<string> = new Set([
  'shutil.move',
  'shutil.copy',
  'shutil.copy2',
  'shutil.copyfile',
  'os.rename',
  'os.replace',
  'os.renames',
]);

const OPENERS: ReadonlySet<string> = new Set(['builtins.open', 'io.open', 'os.fdopen']);

/** Method names of a serializer's write into a file (`pickle.dump(v, f)`, `self.serializer.dump(v, f)`). */
const DUMPS: ReadonlySet<string> = new Set(['dump']);

const byIndex = new WeakMap<ModuleIndex, Map<number, ReadonlySet<string>>>();

/** Whether `method` of `cls` is a helper naming the files `cls` writes with a serializer (see the file comment). */
export function isOwnStorePath(idx: ModuleIndex, cls: FunctionFact, method: string): boolean {
  let perClass = byIndex.get(idx);
  if (perClass === undefined) byIndex.set(idx, (perClass = new Map()));
  let helpers = perClass.get(cls.id);
  if (helpers === undefined) perClass.set(cls.id, (helpers = storeHelpers(idx, cls)));
  return helpers.has(method);
}

function lastName(c: CallSite): string | undefined {
  const a = c.callee.access;
  if (a === undefined) return undefined;
  const last = a.steps[a.steps.length - 1];
  if (last !== undefined) return last.kind === 'attr' ? last.name : undefined;
  return a.root.kind === 'name' ? a.root.name : undefined;
}

function writeMode(e: ExpressionFact | undefined): boolean {
  const k = e?.constant;
  return k?.type === 'str' && /[wax+]/.test(k.value);
}

function storeHelpers(idx: ModuleIndex, cls: FunctionFact): ReadonlySet<string> {
  const out = new Set<string>();
  const methods = idx.methods.get(cls.id);
  if (methods === undefined) return out;
  for (const m of methods.values()) {
    const self = idx.selfName(m);
    if (self === undefined) continue;
    const calls = idx.callsByScope.get(m.id) ?? [];
    if (!calls.some((c) => DUMPS.has(lastName(c) ?? ''))) continue;
    // `self.<helper>(...)` calls of this class's methods, and the local names assigned from them.
    const byCall = new Map<number, string>();
    const byName = new Map<string, string>();
    for (const c of calls) {
      const a = c.callee.access;
      const step = a?.steps[0];
      if (a?.root.kind !== 'name' || a.root.name !== self || a.steps.length !== 1 || step?.kind !== 'attr') continue;
      if (!methods.has(step.name)) continue;
      byCall.set(c.id, step.name);
      for (const n of c.assignedTo) byName.set(n, step.name);
    }
    if (byCall.size === 0) continue;
    const helperOf = (e: ExpressionFact | undefined): string | undefined => {
      const a = e?.access;
      if (a === undefined || a.steps.length !== 0) return undefined;
      if (a.root.kind === 'name') return byName.get(a.root.name);
      return a.root.kind === 'call' ? byCall.get(a.root.callId) : undefined;
    };
    for (const c of calls) {
      const targets = idx.targets(c);
      let written: ExpressionFact | undefined;
      if (targets.some((t) => OPENERS.has(t))) {
        const mode = c.positional[1] ?? c.keywords.find((k) => k.name === 'mode')?.value;
        if (writeMode(mode)) written = c.positional[0] ?? c.keywords.find((k) => k.name === 'file')?.value;
      } else if (targets.some((t) => FILE_MOVES.has(t))) {
        written = c.positional[1] ?? c.keywords.find((k) => k.name === 'dst')?.value;
      } else {
        // a move handed to a wrapper that calls it with the arguments after it
        const i = c.positional.findIndex((e) => e.qualifiedName !== undefined && FILE_MOVES.has(e.qualifiedName));
        if (i >= 0) written = c.positional[i + 2];
      }
      const h = helperOf(written);
      if (h !== undefined) out.add(h);
    }
  }
  return out;
}
