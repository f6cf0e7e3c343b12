// Native __setstate__ hooks that trust the length of their state. A Cython class compiled with boundscheck=False
// reads `state[i]` of an exact tuple or list without checking i against its length: a shorter state makes the hook
// read pointers past the end of the items, incref and keep them (scikit-learn's DistanceMetric and BinaryTree under
// pickle.load fault writing address 0 or on a wild pointer; a groomed heap makes the read a forged object, a
// code-execution primitive in the loading process). scripts/data/derive-native-states.py finds these hooks among the
// admitted classes from the library itself (the state its own reduce writes, and a probe of the hook with that state
// less its last item, which faults) and writes data/native-states.json. A BUILD of such a class is admitted only with
// a tuple of a length the library writes; any other state (a shorter or longer tuple, a list, a value the analysis
// cannot read) is never written by the library. An object whose class the analysis cannot name may be an instance of
// such a class only when the stream names one (an object class is made from a class the stream imports): its BUILD is
// checked against every such class the stream names, for the reads past the items alone (a tuple or list shorter than
// the class's state; a dict, a longer tuple or an unreadable value is left to the named-class rule, as real files hand
// objects of unnamed classes dicts and numpy's 5-item array states).
// The history packs' Cython classes (data/history-native-states-<lib>.json, scripts/data/derive-history.py) add their
// old names: the lengths every released version in which the name resolves reads within the items, and the items each
// version converts to a C number (a planted object there runs its __int__/__index__/__float__ in the hook), and the
// shorter states some versions write that later versions read past, which the evidence names with both ranges.
import sklearnHistory from './data/history-native-states-scikit-learn.json' with { type: 'json' };
import facts from './data/native-states.json' with { type: 'json' };
import { keyedJson } from '../../core/lazy-json.js';
import { K, kindName, type PyVal } from './values.js';

interface NativeStateFact {
  readonly hook: string;
  readonly lengths: readonly number[];
  /** Items the hook converts to C numbers: the library writes Python numbers there (history packs only). */
  readonly numbers?: readonly number[];
  /** The released versions the fact was read from (history packs only). */
  readonly versions?: string;
  /**
   * Shorter states some versions write and later versions read past (history packs only): scikit-learn 0.15 - 0.19
   * write a 12-item tree state, whose missing 13th item the __setstate__ of 0.20 - 0.23 reads.
   */
  readonly short?: readonly { length: number; written: string; readPast: string; reads: number }[];
}

interface NativeStatesFile {
  readonly classes: Readonly<Record<string, NativeStateFact>>;
}

/**
 * Both files, read by class name (the bundle reads them: scripts/bundle.mjs LAZY_DATA, split per module: a class
 * under a module neither lists reads nothing) on the first question asked.
 */
const current = keyedJson<NativeStatesFile>(facts);
const history = keyedJson<NativeStatesFile>(sklearnHistory);

/**
 * The hook of `classCanonical` that reads its state's items without a length check, if it has one (the history's
 * entry wins).
 */
export function nativeStateHook(classCanonical: string): NativeStateFact | undefined {
  return history.get('classes', classCanonical) ?? current.get('classes', classCanonical);
}

function tupleLength(state: PyVal): number | undefined {
  return typeof state === 'object' && state.k === K.Tuple ? state.items.length + state.more : undefined;
}

/** A Python int, float or bool: converting it to a C number runs no code of the stream's. */
function isNumber(v: PyVal): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  return typeof v === 'object' && (v.k === K.Float || v.k === K.True || v.k === K.False);
}

function describe(state: PyVal): string {
  const n = tupleLength(state);
  if (n !== undefined) return `a ${n}-item tuple`;
  if (typeof state === 'object' && state.k === K.List) return 'a list';
  return typeof state === 'object' && (state.k === K.Obj || state.k === K.Unknown || state.k === K.Pers)
    ? 'a value the analysis cannot read (it may be a tuple or list of any length)'
    : `a ${kindName(state)}`;
}

/** The items a hook reading `reads` items takes past the end of an `n`-item tuple: 'item 12', 'items 10 - 12'. */
function itemsPast(n: number, reads: number): string {
  return reads - n === 1 ? `item ${n} is` : `items ${n} - ${reads - 1} are`;
}

/**
 * Why `state` given to the native `__setstate__` of `classCanonical` is not a state its library writes (the hook then
 * reads past the items, or is handed a shape it was never written with), or undefined when it is, or the class's hook
 * checks its input.
 */
export function nativeStateProblem(classCanonical: string, state: PyVal): string | undefined {
  const fact = nativeStateHook(classCanonical);
  if (fact === undefined) return undefined;
  const n = tupleLength(state);
  if (n !== undefined && fact.lengths.includes(n)) {
    const items = (state as { items: readonly PyVal[] }).items;
    const bad = (fact.numbers ?? []).filter((i) => i >= items.length || !isNumber(items[i]!));
    if (bad.length === 0) return undefined;
    const i = bad[0]!;
    return (
      `${fact.hook} converts item ${i} of its state to a C number, which runs the item's own __int__/__index__/` +
      `__float__; the library writes a number there${fact.versions ? ` (${fact.versions})` : ''}, this item is ` +
      (i < items.length ? describe(items[i]!) : 'a value the analysis did not keep')
    );
  }
  const short = fact.short?.find((s) => s.length === n);
  if (short !== undefined)
    return (
      `${fact.hook} reads the items of a tuple or list state without a length check; this state is a ` +
      `${n}-item tuple, the state the library writes in ${short.written}, which the __setstate__ of ` +
      `${short.readPast} reads past (it reads ${short.reads} items: ${itemsPast(n!, short.reads)} read from beyond the ` +
      `tuple's end with no IndexError, an out-of-bounds read); the name resolves in ${fact.versions}, and ` +
      `only a ${fact.lengths.join(' or ')}-item tuple is read within its items by every one of them`
    );
  return (
    `${fact.hook} reads the items of a tuple or list state without a length check; the library writes a ` +
    `${fact.lengths.join(' or ')}-item tuple${fact.versions ? ` in every version in which the name resolves (${fact.versions})` : ''}, ` +
    `this state is ${describe(state)}`
  );
}

/**
 * Why `state` given to an object of a class the analysis cannot name, which may be `classCanonical` (a trusting native
 * class the stream names), makes that hook read past the items: a tuple or list shorter than every state the library
 * writes for it. Undefined for any other state (see the note at the top).
 */
export function unnamedNativeStateProblem(classCanonical: string, state: PyVal): string | undefined {
  const fact = nativeStateHook(classCanonical);
  if (fact === undefined || typeof state !== 'object') return undefined;
  const n = tupleLength(state);
  if (n === undefined && state.k !== K.List) return undefined;
  // A list's length is not kept in scans: any list may be shorter.
  if (n !== undefined && n >= Math.min(...fact.lengths)) return undefined;
  return (
    `the object's class is not one the analysis can name, and the stream names ${classCanonical}, whose ` +
    `${fact.hook} reads the items of a tuple or list state without a length check; the library writes a ` +
    `${fact.lengths.join(' or ')}-item tuple, this state is ${describe(state)}`
  );
}
