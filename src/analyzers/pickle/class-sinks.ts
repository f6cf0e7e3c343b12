// What the constructor (__new__/__init__) or state hook (__setstate__) of a pack class does with the values a stream
// gives it, from the derived model (callable-effects.json "hooks", read from the library's source by
// scripts/data/class_effects.py): a method of an argument or of the state it calls runs whatever the stream planted
// under that name on the object (an instance __dict__ entry an earlier BUILD set, an item a dict subclass answers
// attribute lookups from), so that planted object is reported as called; a class or function the stream passes where
// the hook calls the value is called; a value that reaches open/exec/import/a loader/getattr (or compile, when it may
// be source text) is reported as that call
// unless the pack admits the hook only in the shape its library writes and checks that shape itself (call-hooks.ts,
// state-hooks.ts).
import {
  anyStateMethods,
  callableSinks,
  classHookSinksAll,
  operationHooks,
  type ClassHook,
  type ImplicitHook,
  type LabelSinks,
} from './callable-effects.js';
import { instanceClass } from './instance-class.js';
import { dictGet, K, UNKNOWN, type DictV, type PyVal } from './values.js';

export interface ClassSinkHost {
  /** Models `callee(*args)` made by the hook (depth-bounded by the host), recording a call fact with `why`. */
  invokeModelled(callee: PyVal, args: PyVal, why: string): void;
  /** Records a call of `module.name` (a derived import) with `detail`. */
  deriveCall(module: string, name: string, via: string, detail: string): void;
  /** What the stream planted under attribute `name` of `v`, or undefined when nothing (UNKNOWN when not kept). */
  plantedAttr(v: PyVal, name: string): PyVal | undefined;
  /**
   * The hook compares, sizes, iterates, indexes or tests `v`: CPython runs `hooks` of v's class (of the objects a
   * tuple or dict holds), checked against their derived sinks with the state each object has (depth-bounded).
   */
  implicitHooks(v: PyVal, hooks: readonly ImplicitHook[], why: string): void;
}

/** The values the hook receives: positional arguments and keywords (a constructor), or the state (BUILD). */
export type HookInput = { readonly args: PyVal | undefined; readonly kwargs?: PyVal } | { readonly state: PyVal };

/** The callable each data sink stands for in a call fact. */
const SINK_CALLABLE: Readonly<Record<string, readonly [string, string]>> = {
  open: ['builtins', 'open'],
  exec: ['builtins', 'exec'],
  compile: ['builtins', 'compile'],
  compileStr: ['builtins', 'compile'],
  import: ['builtins', '__import__'],
  loader: ['pickle', 'loads'],
  getattr: ['builtins', 'getattr'],
  setattr: ['builtins', 'setattr'],
};

/** The classes pandas' own DataFrame state is an instance of when it is not a dict (pandas 0.10 - 0.12 pickled it). */
const BLOCK_MANAGERS: ReadonlySet<string> = new Set([
  'pandas.core.internals.BlockManager',
  'pandas.core.internals.managers.BlockManager',
]);

/** Kinds a planted attribute may be called as (a class, function, instance, or a value the analysis lost). */
const CALLABLE_KINDS: ReadonlySet<K> = new Set([K.Global, K.Obj, K.Pers, K.Unknown]);

const NO_ARGS: PyVal = { k: K.Tuple, items: [UNKNOWN], more: 1 };

/** The value a label names in the hook's input, or undefined when the stream gives none there. */
function valueAt(label: string, params: readonly string[], input: HookInput): PyVal | undefined {
  if ('state' in input) {
    if (label === 'state') return input.state;
    const st = input.state;
    // `state{}`: the state when the hook's dict branch takes it (a dict, or an object that may be a dict subclass).
    if (label === 'state{}') {
      if (typeof st !== 'object') return undefined;
      return st.k === K.Dict || st.k === K.Obj || st.k === K.Unknown || st.k === K.Pers ? st : undefined;
    }
    // `state[0]`: the state when the hook reads its item 0 (pandas <= 0.18's legacy frame branches): a sequence, a dict
    // with a key that may be 0, or an object whose class the stream does not show to be a pandas block manager.
    if (label === 'state[0]') {
      if (typeof st !== 'object') return undefined;
      if (st.k === K.Tuple || st.k === K.List || st.k === K.Unknown || st.k === K.Pers) return st;
      if (st.k === K.Dict)
        return st.opaque || st.n > st.keys.length || st.keys.some((k) => typeof k !== 'string') ? st : undefined;
      if (st.k === K.Obj) return BLOCK_MANAGERS.has(instanceClass(st)?.canonical ?? '') ? undefined : st;
      return undefined;
    }
    if (!label.startsWith('state.')) return undefined;
    // __setstate__ gets the state as it is: a key of a literal dict, anything for a state the analysis cannot read.
    if (typeof st !== 'object') return undefined;
    if (st.k === K.Dict) return keyOf(st, label.slice('state.'.length));
    return st.k === K.Obj || st.k === K.Unknown || st.k === K.Pers ? UNKNOWN : undefined;
  }
  if (!label.startsWith('arg:')) return undefined;
  const name = label.slice(4);
  const kw = typeof input.kwargs === 'object' && input.kwargs.k === K.Dict ? input.kwargs : undefined;
  if (name === '**')
    return kw !== undefined && kw.keys.some((k) => !params.includes(k as string)) ? UNKNOWN : undefined;
  const i = /^\d+$/.test(name) ? Number(name) : params.indexOf(name);
  const args = input.args;
  if (i >= 0 && typeof args === 'object' && args.k === K.Tuple) {
    if (i < args.items.length) return args.items[i];
    if (args.more > 0) return UNKNOWN;
  } else if (i >= 0 && args === undefined) return UNKNOWN;
  const pname = i >= 0 ? params[i] : name;
  return kw !== undefined && pname !== undefined ? keyOf(kw, pname) : undefined;
}

function keyOf(d: DictV, key: string): PyVal | undefined {
  const v = dictGet(d, key);
  if (v !== undefined) return v;
  return d.opaque || d.n > d.keys.length ? UNKNOWN : undefined;
}

const isNone = (v: PyVal): boolean => typeof v === 'object' && v.k === K.None;

/**
 * Whether a value reaching a compile sink may be source text: a str (bytes too for compile/ast.parse), a value the
 * analysis lost, or an object (of a class that may subclass str, numpy.str_). A number, None or a literal container
 * is refused before anything is compiled.
 */
function mayBeText(v: PyVal, bytes: boolean): boolean {
  if (typeof v === 'string') return true;
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Str:
    case K.Unknown:
    case K.Obj:
    case K.Pers:
      return true;
    case K.Bytes:
    case K.ByteArray:
      return bytes;
    default:
      return false;
  }
}

/** Checks one run of `hook` of pack class `canonical` on `input` against its derived sinks. */
export function checkClassSinks(host: ClassSinkHost, canonical: string, hook: ClassHook, input: HookInput): void {
  // The installed version's hook and every historical version's the history packs admit the name from.
  for (const { rec, shape, ref } of classHookSinksAll(canonical, hook)) {
    for (const [label, sinks] of Object.entries(rec.sinks)) {
      const v = valueAt(label, rec.params, input);
      if (v === undefined) continue;
      checkValue(host, `${ref} (${canonical})`, label, v, sinks, shape);
    }
  }
}

/** Checks one call of pack callable `canonical` with `args` against the sinks derived from its own code. */
export function checkCallableSinks(host: ClassSinkHost, canonical: string, args: PyVal | undefined): void {
  const found = callableSinks(canonical);
  if (found === undefined) return;
  for (const [label, sinks] of Object.entries(found.rec.sinks)) {
    const v = valueAt(label, found.rec.params, { args });
    if (v === undefined) continue;
    // The library's reviewed claims (callable-effects.json "calls") already model the arguments it calls.
    checkValue(host, found.ref, label, v, sinks, false);
  }
}

/**
 * BUILD on an object whose class the analysis cannot name: any admitted class's __setstate__ may run, so every method
 * of the state some hook calls is looked up on the state (fail closed).
 */
export function checkUnknownClassState(host: ClassSinkHost, state: PyVal): void {
  checkValue(
    host,
    'the __setstate__ of a class the stream does not name',
    'state',
    state,
    { methods: anyStateMethods() },
    true,
  );
}

function checkValue(host: ClassSinkHost, where: string, label: string, v: PyVal, s: LabelSinks, shape: boolean): void {
  for (const m of s.methods ?? []) {
    const planted = host.plantedAttr(v, m);
    // A planted str or number is not callable: the hook raises TypeError there and calls nothing.
    if (planted !== undefined && typeof planted === 'object' && CALLABLE_KINDS.has(planted.k)) {
      host.invokeModelled(
        planted,
        NO_ARGS,
        `${where} calls ${m}() of its ${label}, which the stream planted on that object (an instance attribute or an item its class answers lookups from)`,
      );
    }
  }
  if (s.call !== undefined && typeof v === 'object' && v.k === K.Global) {
    host.invokeModelled(v, NO_ARGS, `${where} calls its ${label}: ${s.call}`);
  }
  // Special methods the hook's operations run on the value's class: that class's own code then runs on its state.
  if (s.dunders !== undefined && s.dunders.length > 0 && typeof v === 'object') {
    host.implicitHooks(v, operationHooks(s.dunders), `${where} (${s.dunders.join(' ')} of its ${label})`);
  }
  if (shape || isNone(v)) return;
  for (const [sink, callable] of Object.entries(SINK_CALLABLE)) {
    const at = s[sink as keyof LabelSinks];
    if (typeof at !== 'string') continue;
    if ((sink === 'compile' || sink === 'compileStr') && !mayBeText(v, sink === 'compile')) continue;
    host.deriveCall(
      callable[0],
      callable[1],
      `${where}: its ${label} reaches ${at}`,
      `${where} passes its ${label} (chosen by the stream) to ${at}`,
    );
  }
}
