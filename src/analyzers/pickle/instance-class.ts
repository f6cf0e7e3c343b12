// The class a VM value is an instance of, as far as the stream decides it: a class called or NEWOBJ'd directly, the
// class argument of a reconstructor (copyreg._reconstructor, copyreg.__newobj__, cls.__new__ — how protocols 0-2
// rebuild objects), the new_type of torch._tensor._rebuild_from_type_v2. Hooks that run on unpickling (__setstate__,
// joblib's array reading) are decided by this class on every path that reaches them, not only when BUILD targets an
// object made by calling the class itself.
import type { ImportFact } from './facts.js';
import { K, type PyVal } from './values.js';

/** Callables whose result is an instance of their first argument. */
const RECONSTRUCTORS: ReadonlySet<string> = new Set([
  'copyreg._reconstructor',
  'copyreg.__newobj__',
  'copyreg.__newobj_ex__',
]);

/** torch._tensor._rebuild_from_type_v2(func, new_type, args, state): func(*args) becomes a `new_type`. */
export const REBUILD_FROM_TYPE_V2 = 'torch._tensor._rebuild_from_type_v2';

/** The class import of `v`'s class, or undefined when the stream does not say (a call result of unknown type). */
export function instanceClass(v: PyVal): ImportFact | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global) return undefined;
  const c = callee.imp.canonical;
  if (RECONSTRUCTORS.has(c) || c.endsWith('.__new__')) return classArg(v.args, 0);
  if (c === REBUILD_FROM_TYPE_V2) return classArg(v.args, 1);
  return callee.imp;
}

function classArg(args: PyVal, i: number): ImportFact | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple) return undefined;
  const cls = args.items[i];
  return typeof cls === 'object' && cls.k === K.Global ? cls.imp : undefined;
}
