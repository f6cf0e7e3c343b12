// NLTK's Punkt sentence tokenizer (the nltk history pack): the pickles nltk_data publishes for each language
// (tokenizers/punkt/PY3/<language>.pickle) and the tokenizers users train and pickle are three objects the library
// rebuilds without a hook of its own, and a class reference:
// - a PunktSentenceTokenizer: its __dict__, '_params' (a PunktParameters), '_lang_vars' (a PunktLanguageVars) and
//   '_Token', the PunktToken class, which the tokenizer's methods call on every token of the text they are given;
// - a PunktParameters: its __dict__, 'abbrev_types' and 'sent_starters' (sets of str), 'collocations' (a set of pairs
//   of str) and 'ortho_context' (a defaultdict(int) of str to int flags), read by membership tests, lookups and `&`;
// - a PunktLanguageVars: a __slots__ class whose __getstate__ returns 1 and whose __setstate__ returns 1 without
//   reading its state.
// The pack admits them in that shape only (HistoryCheck 'punkt-state'): any other class under '_Token' (the library
// would call it with the text's tokens), any other object where the library keeps its parameters or language variables,
// a key the classes never set (an instance attribute shadowing a method the library calls), set members or
// orthographic entries that may run code of their own (the library compares and combines them), a defaultdict factory
// other than int (called on every lookup of a word it lacks), or a language-variables state other than 1 is reported.
import { instanceClasses } from './instance-class.js';
import { K, type DictV, type ObjV, type PyVal, holdsCode, kindName } from './values.js';

const MODULE = 'nltk.tokenize.punkt';
const TOKENIZER = `${MODULE}.PunktSentenceTokenizer`;
const PARAMETERS = `${MODULE}.PunktParameters`;
const LANG_VARS = `${MODULE}.PunktLanguageVars`;
const TOKEN = `${MODULE}.PunktToken`;
/** The classes the check applies to (the pack's EXTRA_CHECKS for 'punkt-state'). */
export const PUNKT_CLASSES: readonly string[] = [TOKENIZER, PARAMETERS, LANG_VARS];

const TOKENIZER_KEYS = new Set(['_params', '_lang_vars', '_Token']);
const SET_KEYS = new Set(['abbrev_types', 'collocations', 'sent_starters']);

function isGlobal(v: PyVal | undefined, canonical: string): boolean {
  return typeof v === 'object' && v.k === K.Global && v.imp.canonical === canonical;
}

/** Whether `v` is an object the stream made of exactly class `name` (never of another class, never unknown). */
function ofClass(v: PyVal | undefined, name: string): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length === 1 && c.names[0] === name;
}

/** The entries of a literal dict state, or why it is not one whose entries were all kept with str keys. */
function entries(state: PyVal, what: string): Map<string, PyVal> | string {
  if (typeof state !== 'object' || state.k !== K.Dict) return `the ${what} state is not a plain dict`;
  if (state.opaque === true || state.n > state.keys.length)
    return `the ${what} state has entries the analysis did not keep`;
  const out = new Map<string, PyVal>();
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i];
    if (typeof key !== 'string') return `a ${what} state key is not literal text`;
    out.set(key, state.vals[i]!);
  }
  return out;
}

/** Why a PunktParameters set is not a set of plain values (str, tuples of str), or undefined. */
function setProblem(key: string, v: PyVal): string | undefined {
  if (typeof v !== 'object') return `'${key}' is ${kindName(v)}, not a set`;
  if (v.k === K.Set || v.k === K.FrozenSet) {
    if (v.objs !== undefined || v.objsLost === true || v.objsMore === true)
      return `'${key}' holds members that may run code of their own (the library compares them in lookups)`;
    return undefined;
  }
  const o = v as ObjV;
  if (v.k !== K.Obj || !isGlobal(o.callee, 'builtins.set') || o.call?.kind !== 'REDUCE')
    return `'${key}' is ${kindName(v)}, not a set`;
  if (o.state !== undefined || (o.states?.length ?? 0) > 0 || o.planted !== undefined)
    return `'${key}' is a set given a state or items`;
  const args = o.args;
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length > 1)
    return `'${key}' is a set made from arguments the analysis did not keep`;
  if (args.items.length === 0) return undefined;
  const items = args.items[0]!;
  if (typeof items !== 'object' || items.k !== K.List)
    return `'${key}' is a set made from ${kindName(items)}, not a list`;
  // A list the memo summarised (memo.ts): items appended through a memo read of the summary went to the summary only.
  const summary = items.lostInto !== undefined && items.lostInto.readBack === true ? items.lostInto : undefined;
  if (
    [items, summary].some(
      (l) => l !== undefined && (l.objs !== undefined || l.objsLost === true || l.objsMore === true),
    )
  )
    return `'${key}' holds members that may run code of their own (the library compares them in lookups)`;
  return undefined;
}

/** Why 'ortho_context' is not the defaultdict(int) of str keys and plain values the library writes, or undefined. */
function orthoProblem(v: PyVal): string | undefined {
  const o = v as ObjV;
  if (typeof v !== 'object' || v.k !== K.Obj || !isGlobal(o.callee, 'collections.defaultdict'))
    return `'ortho_context' is ${kindName(v)}, not a defaultdict`;
  const args = o.args;
  if (
    o.call?.kind !== 'REDUCE' ||
    typeof args !== 'object' ||
    args.k !== K.Tuple ||
    args.more !== 0 ||
    args.items.length !== 1 ||
    !isGlobal(args.items[0], 'builtins.int')
  )
    return "'ortho_context' is not the defaultdict(int) the library writes (its factory runs on every missing word)";
  if (o.state !== undefined || (o.states?.length ?? 0) > 0) return "'ortho_context' is given a state";
  const items: DictV | undefined = o.planted;
  if (items === undefined) return undefined;
  if (items.opaque === true || items.dropsCode === true)
    return "'ortho_context' has entries the analysis did not keep that may run code";
  for (let i = 0; i < items.keys.length; i++) {
    if (holdsCode(items.keys[i]!) || holdsCode(items.vals[i]!))
      return "an 'ortho_context' entry may run code of its own (the library hashes its keys and combines its flags)";
  }
  return undefined;
}

/**
 * Why `state`, given to a BUILD of an instance of `name` (one of PUNKT_CLASSES), is not the state NLTK writes, or
 * undefined. Unknown, computed or truncated state counts.
 */
export function punktStateProblem(name: string, state: PyVal): string | undefined {
  if (name === LANG_VARS)
    return state === 1 || state === 1n
      ? undefined
      : `the PunktLanguageVars state is ${typeof state === 'number' ? state : kindName(state)}, not the 1 its __getstate__ returns`;
  if (name === TOKENIZER) {
    const e = entries(state, 'PunktSentenceTokenizer');
    if (typeof e === 'string') return e;
    for (const [key, v] of e) {
      if (!TOKENIZER_KEYS.has(key)) return `the tokenizer state sets '${key}', which NLTK never writes`;
      if (key === '_Token' && !isGlobal(v, TOKEN))
        return "'_Token' is not the PunktToken class (the tokenizer calls it on every token of its text)";
      if (key === '_params' && !ofClass(v, PARAMETERS)) return "'_params' is not a PunktParameters object";
      if (key === '_lang_vars' && !ofClass(v, LANG_VARS)) return "'_lang_vars' is not a PunktLanguageVars object";
    }
    return undefined;
  }
  if (name === PARAMETERS) {
    const e = entries(state, 'PunktParameters');
    if (typeof e === 'string') return e;
    for (const [key, v] of e) {
      if (key === 'ortho_context') {
        const p = orthoProblem(v);
        if (p !== undefined) return p;
      } else if (SET_KEYS.has(key)) {
        const p = setProblem(key, v);
        if (p !== undefined) return p;
      } else return `the parameters state sets '${key}', which NLTK never writes`;
    }
    return undefined;
  }
  return undefined;
}
