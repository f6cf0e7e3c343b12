// scipy's discrete distributions pickle `vecentropy`: rv_discrete._attach_methods sets
// self.vecentropy = numpy.vectorize(self._entropy) and rv_discrete.__getstate__ (scipy 1.10) drops the other
// vectorized methods but not this one. The pickler writes it as numpy.vectorize rebuilt through __new__ (NEWOBJ; at
// protocol < 2 copyreg._reconstructor(vectorize, object, None)) and BUILD with the dict vectorize.__init__ wrote,
// whose pyfunc is the bound method builtins.getattr(<the distribution being rebuilt>, '_entropy') (numpy 1.24).
// Rebuilding it builds data: getattr on a distribution instance whose state is not applied yet finds scipy's own
// method on the class (no scipy distribution class defines __getattr__ or __getattribute__) and binds it; vectorize
// has no __setstate__, so BUILD only fills its __dict__. Calling it later calls that scipy method, which the library
// does itself (rv_generic.__setstate__ even replaces vecentropy with a fresh one). These checks decide the exact
// shape; the VM (vetted-uses.ts) makes sure every use of the getattr and vectorize imports is one of them.
import { instanceClass, REBUILD_FROM_TYPE_V2 } from './instance-class.js';
import { isScipyDistributionClass } from './scipy-distributions.js';
import { K, type PyVal } from './values.js';

/** Methods scipy wraps in numpy.vectorize on a distribution instance (rv_continuous/rv_discrete._attach_methods). */
export const SCIPY_VECTORIZED_METHODS: ReadonlySet<string> = new Set([
  '_entropy',
  '_ppf_single',
  '_cdf_single',
  '_mom0_sc',
  '_mom1_sc',
]);

/**
 * Why getattr(receiver, name) is not scipy's own method of a distribution being rebuilt, or undefined when it is.
 * `args` is the REDUCE argument tuple.
 */
export function boundMethodProblem(args: PyVal): string | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more > 0 || args.items.length !== 2)
    return 'the arguments are not a literal (object, name) pair';
  const [receiver, name] = args.items;
  if (typeof name !== 'string' || !SCIPY_VECTORIZED_METHODS.has(name))
    return 'the name is not a method scipy vectorizes';
  if (typeof receiver !== 'object' || receiver.k !== K.Obj) return 'the receiver is not an object of the stream';
  const cls = instanceClass(receiver);
  if (cls === undefined || !isScipyDistributionClass(cls.canonical))
    return 'the receiver is not a scipy.stats distribution';
  // After BUILD the instance dict (the pickle's state) may hold a value under that name; torch's
  // _rebuild_from_type_v2 applies its state argument itself, without a BUILD.
  if (receiver.state !== undefined) return 'the distribution already has its state';
  const made = receiver.callee;
  if (typeof made === 'object' && made.k === K.Global && made.imp.canonical === REBUILD_FROM_TYPE_V2)
    return 'the distribution is rebuilt by torch, which applies its state itself';
  return undefined;
}

const isNone = (v: PyVal | undefined) => typeof v === 'object' && v.k === K.None;

/** The instance dict numpy 1.24's vectorize.__init__ writes, with the values scipy's vecentropy has. */
const VECTORIZE_KEYS: Readonly<Record<string, (v: PyVal, isBound: (v: PyVal) => boolean) => boolean>> = {
  pyfunc: (v, isBound) => isBound(v),
  cache: (v) => typeof v === 'object' && v.k === K.False,
  signature: isNone,
  // vectorize's cache of ufuncs it made from pyfunc: anything in it would be called instead of pyfunc.
  _ufunc: (v) => typeof v === 'object' && v.k === K.Dict && v.n === 0 && v.opaque !== true,
  __doc__: (v) => isNone(v) || typeof v === 'string' || (typeof v === 'object' && v.k === K.Str),
  otypes: (v) => isNone(v) || v === 'd',
  // builtins.set([]) at protocol < 4, EMPTY_SET from 4.
  excluded: (v) =>
    typeof v === 'object' &&
    (v.k === K.Set ||
      v.k === K.FrozenSet ||
      (v.k === K.Obj &&
        typeof v.callee === 'object' &&
        v.callee.k === K.Global &&
        v.callee.imp.canonical === 'builtins.set')),
  _in_and_out_core_dims: isNone,
};

/** Why `state` is not the vectorize dict scipy's vecentropy pickles, or undefined when it is. */
export function vectorizeStateProblem(state: PyVal, isBound: (v: PyVal) => boolean): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a dict';
  if (state.opaque === true || state.n !== state.keys.length) return 'the state has entries not kept for analysis';
  const seen = new Set<string>();
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (typeof key !== 'string' || !Object.hasOwn(VECTORIZE_KEYS, key))
      return `the state sets ${typeof key === 'string' ? `'${key}'` : 'a computed key'}, which vectorize does not write`;
    if (seen.has(key)) return `the state sets '${key}' twice`;
    seen.add(key);
    if (!VECTORIZE_KEYS[key]!(state.vals[i]!, isBound))
      return key === 'pyfunc'
        ? 'pyfunc is not getattr(<scipy distribution being rebuilt>, <a method scipy vectorizes>)'
        : `'${key}' is not the value scipy's vecentropy has`;
  }
  if (!seen.has('pyfunc')) return 'the state has no pyfunc';
  return undefined;
}
