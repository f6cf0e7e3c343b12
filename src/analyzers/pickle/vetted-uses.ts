// Uses of a dangerous or review-refused import that the VM proves are all in one library's exact shape, so the
// import itself is admitted for this stream: builtins.getattr and numpy.vectorize as scipy's discrete distributions
// pickle vecentropy (scipy-vecentropy.ts). An import is vetted only when every stack reference to it, every call of
// it and every object made from it is accounted for; one use outside the shape leaves it to the ordinary verdict.
import { dillCreateArrays, dillLoadTypes, dillDataType } from './dill-types.js';
import { enumClasses, enumMemberClass } from './enum-members.js';
import type { CallFact, CallKind, ImportFact } from './facts.js';
import { instanceClass } from './instance-class.js';
import {
  kerasUnpickleCalls,
  kerasUnpickleClasses,
  keras2DeserializeFunctions,
  keras2ArgProblem,
  kerasGetattrClass,
  kerasUnpickleArgProblem,
  UNSAFE_LOAD,
} from './keras-unpickle.js';
import { boundMethodProblem, vectorizeStateProblem } from './scipy-vecentropy.js';
import { dataOnly, K, type DictV, type ObjV, type PyVal } from './values.js';

export const GETATTR = 'builtins.getattr';
export const VECTORIZE = 'numpy.vectorize';
export const PARTIAL = 'functools.partial';

/**
 * The functions a vetted functools.partial may wrap, with the pack whose review admits them as references (and the
 * versions the caller reads from that pack's entry): gensim's TfidfModel stores functools.partial(f, <scheme>=<one
 * letter>) as wlocal/wglobal/normalize (gensim 3.4+), and f compares the scheme with str literals and does numpy
 * arithmetic on the arrays the library passes later (scripts/data/history/gensim.py FUNCTIONS).
 */
export const PARTIAL_TARGETS: ReadonlyMap<string, string> = new Map([
  ['gensim.models.tfidfmodel.smartirs_wlocal', 'gensim'],
  ['gensim.models.tfidfmodel.smartirs_wglobal', 'gensim'],
  ['gensim.models.tfidfmodel.smartirs_normalize', 'gensim'],
  // HistGradientBoosting* of scikit-learn >= 1.4 (a frame with categorical columns) keep
  // FunctionTransformer(functools.partial(check_array, dtype=[float64], ensure_all_finite=False)) for the numerical
  // columns (force_all_finite before 1.6); check_array runs on the data a later transform passes.
  ['sklearn.utils.validation.check_array', 'scikit-learn'],
]);

/**
 * The keyword dicts a PARTIAL_TARGETS function's library writes, where they are not plain data: check_array's dtype is
 * a list of numpy dtypes (or one dtype, None or 'numeric'), its finiteness flag a bool or 'allow-nan'.
 */
const PARTIAL_KEYWORDS: ReadonlyMap<string, (key: string, v: PyVal) => boolean> = new Map([
  ['sklearn.utils.validation.check_array', checkArrayKeyword],
]);

/** numpy's scalar types a dtype argument names (scikit-learn's X_DTYPE is numpy.float64). */
const NUMPY_SCALAR_TYPES = new Set(
  [
    'float16',
    'float32',
    'float64',
    'int8',
    'int16',
    'int32',
    'int64',
    'uint8',
    'uint16',
    'uint32',
    'uint64',
    'bool_',
  ].map((t) => `numpy.${t}`),
);

/** A numpy dtype object or scalar type (what check_array's dtype list holds). */
function numpyType(x: PyVal): boolean {
  if (typeof x !== 'object') return false;
  if (x.k === K.Global) return NUMPY_SCALAR_TYPES.has(x.imp.canonical);
  return x.k === K.Obj && instanceClass(x)?.canonical === 'numpy.dtype';
}

/** A keyword of check_array as scikit-learn writes it: dtype (a type, a short list of types, None or 'numeric') and
 * its finiteness flag (a bool or 'allow-nan'). */
function checkArrayKeyword(key: string, v: PyVal): boolean {
  if (key === 'dtype') {
    if (v === 'numeric' || numpyType(v) || (typeof v === 'object' && v.k === K.None)) return true;
    if (typeof v !== 'object' || v.k !== K.List) return false;
    const objs = v.items ?? v.objs ?? [];
    return (
      v.n !== undefined && v.n > 0 && v.n <= 8 && objs.length === v.n && v.objsMore !== true && objs.every(numpyType)
    );
  }
  if (key === 'ensure_all_finite' || key === 'force_all_finite')
    return v === 'allow-nan' || (typeof v === 'object' && (v.k === K.True || v.k === K.False));
  return false;
}

/**
 * Partials the library itself calls while loading, with the only keywords and call it writes: pandas 1.3's Block
 * (pandas/_libs/internals.pyx SharedBlock.__reduce__) pickles as functools.partial(new_block, ndim=<its ndim>) called
 * with (values, mgr_locs.indexer); the BUILD state is (new_block, (), {'ndim': n}, None). new_block(values, placement,
 * *, ndim) - pandas 1.3.0 - 3.0; 1.3 also takes klass=, which a keyword dict of exactly {'ndim'} never sets - is what
 * pandas >= 1.4's _unpickle_block(values, placement, ndim) calls (the pandas pack admits that reconstructor): it builds
 * a BlockPlacement from the placement, reads the values' dtype/ndim and wraps them in the block class of that dtype.
 * The stream may do nothing else with the partial, its keyword dict, or the function.
 */
interface CalledPartial {
  readonly pack: string;
  readonly versions: string;
  readonly why: string;
  /** The keyword dict the library writes (checked again at each call: partial keeps the dict it was given). */
  readonly keywords: (kw: DictV) => boolean;
  /** The number of positional arguments the library passes when it calls the partial. */
  readonly arity: number;
}
export const CALLED_PARTIALS: ReadonlyMap<string, CalledPartial> = new Map([
  [
    'pandas.core.internals.blocks.new_block',
    {
      pack: 'pandas',
      versions: 'pandas 1.3.0 - 3.0 (new_block; Block.__reduce__ of 1.3.x writes the partial)',
      why:
        "pandas 1.3's block pickle: functools.partial(pandas.core.internals.blocks.new_block, ndim=1 or 2) rebuilt " +
        'with no positional arguments and that one keyword, then called once per block with (values, placement) as ' +
        "pandas' BlockManager state writes it - new_block(values, placement, ndim=n), what the admitted " +
        '_unpickle_block calls; every use of the partial, its keywords and the function in this stream has that shape',
      keywords: (kw) => {
        if (kw.opaque === true || kw.n !== 1 || kw.keys.length !== 1 || kw.keys[0] !== 'ndim') return false;
        const n = kw.vals[0];
        return n === 1 || n === 2;
      },
      arity: 2,
    },
  ],
]);

/**
 * Classes a pack admits rebuilt through __new__ whose constructor called with no arguments builds data in every
 * version the pack admits them from: dateutil's relativedelta() (2.4 - 2.9: every field its default int or None, then
 * _fix() on them), which pandas 0.15's offsets pickled at protocol 0 as INST with an empty argument list.
 */
export const EMPTY_CALLS: ReadonlyMap<string, { readonly pack: string; readonly why: string }> = new Map([
  [
    'dateutil.relativedelta.relativedelta',
    {
      pack: 'pytz-dateutil',
      why:
        'relativedelta() called with no arguments (pandas 0.15 offsets, protocol 0 INST): every field its default, ' +
        'then _fix() on those; every call of it in this stream has no arguments',
    },
  ],
]);

/**
 * torch's storage pickle: a tensor pickled with pickle.dump (not torch.save) reduces its storage to
 * torch.storage._load_from_bytes(b), b = torch.save(storage, _use_new_zipfile_serialization=False) (the legacy layout:
 * the magic number pickled at protocol 2, then protocol version, sys_info, the object and the storage keys, five
 * pickles, then the raw data). Loading runs torch.load(io.BytesIO(b)) (weights_only=False: torch 1.13's default,
 * passed explicitly by torch 2.x), an unrestricted load of b, so what it does is what b holds: admitted only when b is
 * a bytes literal of the stream (or protocol 0 - 2's _codecs.encode(<str>, 'latin1') of one; scanned as a nested artifact with the legacy reader, its findings the file's) that
 * starts with that magic pickle, so torch.load takes the legacy reader (no zip, no tar) as the scan does.
 */
export const LOAD_FROM_BYTES = 'torch.storage._load_from_bytes';
const LEGACY_MAGIC_PICKLE = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
  0x2e,
);
const REASON_LOAD_FROM_BYTES =
  "torch's storage pickle: torch.storage._load_from_bytes(<a bytes literal holding a legacy torch.save, scanned as a " +
  'nested artifact>), as Storage.__reduce__ writes it (a tensor pickled with pickle.dump); what the nested ' +
  'torch.load runs is what those bytes hold, judged by their own scan; every use of it in this stream has that shape';

const REASON_DILL_TYPE =
  "dill's type lookup: _load_type(<the name of a builtin data type or object>), as dill's save_type writes a builtin type " +
  '(returns _reverse_typemap[name], that builtin type, judged from then on as builtins.<name>); every use of it in ' +
  'this stream is such a call';

const REASON_DILL_ARRAY =
  "dill's NumPy array rebuild: _create_array(f, args, state, npdict), as dill writes an array from its own reduce; " +
  'judged as the calls it makes: f(*args) as the stream calling f (its own verdict), the state as a BUILD of the ' +
  'array, npdict as attributes set on it; every use of it in this stream is such a call';

/** Why each vetted import is admitted, the pack that owns the shape, and (partial) the function it wraps. */
export type VettedImports = ReadonlyMap<
  ImportFact,
  {
    readonly why: string;
    readonly pack: string;
    readonly via?: string;
    readonly versions?: string;
    /**
     * The shape holds only when `via` is a pack's stored reference (calls: none); the verdict's pack is that entry's.
     */
    readonly viaReference?: true;
  }
>;

const REASON_GETATTR =
  "scipy's vecentropy: getattr(<scipy.stats distribution being rebuilt>, <a method scipy vectorizes>) binds scipy's own method; every use of it in this stream has that shape";
const REASON_KERAS_GETATTR =
  "Keras 3's whole-model pickle: getattr(<Keras model class>, '_unpickle_model'), the classmethod the model's " +
  '__reduce__ returns, called once with an io.BytesIO of a .keras archive (scanned as a nested artifact); every use ' +
  'of it in this stream has that shape';
const REASON_KERAS_CLASS =
  "Keras 3's whole-model pickle: the model class, named only as getattr's first argument in the _unpickle_model " +
  'shape (never called, built or stored otherwise in this stream)';
const REASON_KERAS_CALL =
  "Keras 3's whole-model pickle: <model class>._unpickle_model(io.BytesIO(<a bytes literal holding a zip>)), as the " +
  "model's __reduce__ writes it; the archive is scanned as a nested artifact and judged by its own findings (" +
  UNSAFE_LOAD +
  '); every call of it in this stream has that shape';
const REASON_KERAS2 =
  "Keras 2's whole-model pickle: deserialize_model_from_bytecode(<a bytes literal holding a zip>), as Model.__reduce__ " +
  'writes it; the archive is scanned as a nested artifact and judged by its own findings (' +
  UNSAFE_LOAD +
  '); every use of it in this stream has that shape';
const REASON_GETATTR_ATTRIBUTE =
  "an attribute of an object this stream built: getattr(<instance>, '<name>') with a constant name that is not a " +
  'special (dunder) name, as pickle writes a bound method (a method reduces to getattr of its object and name); what ' +
  "the lookup runs (the class's property, descriptor or __getattr__ code) is judged with the derived name " +
  '<class>().<name>, which no pack admits, and no result of such a call is called while loading; every use of it in ' +
  'this stream has that shape';
const REASON_GETATTR_ENUM =
  "an Enum member pickled by name: getattr(<an Enum class a pack admits>, '<one of its members>'), as CPython " +
  "3.11.0 - 3.11.4's Enum.__reduce_ex__ writes a member; the lookup finds the member in the class's dict (no " +
  'metaclass or descriptor code of the library runs), the value an instance of the class as a call of it with the ' +
  "member's value gives; every use of it in this stream has that shape";
const REASON_GETATTR_CLASS_FUNCTION =
  "a class function a library stores: getattr(<a class>, '<name>') with a constant name that is not a special " +
  "(dunder) name, as pickle writes a function kept as a class attribute's value (scipy's interp1d keeps " +
  'self.__class__._call_linear as _call); the lookup gives the def of the class body, the derived name ' +
  "<class>.<name> a pack admits as a stored reference only (its review read every release's def), each result is " +
  'stored only as the _call attribute of an instance of that class and none is called while loading; every use of ' +
  'it in this stream has that shape';
const REASON_VECTORIZE =
  "scipy's vecentropy: numpy.vectorize rebuilt through __new__ whose state is the dict vectorize writes, pyfunc scipy's own bound method; every use of it in this stream has that shape";

const REASON_PARTIAL =
  "gensim's TfidfModel: functools.partial(<a SMART weighting function the gensim pack admits as a reference>) " +
  'rebuilt with a state of plain data only (its bound arguments: the scheme letters), never called or changed in the ' +
  'stream; every use of it in this stream has that shape';

interface Vectorizer {
  readonly cls: ImportFact | undefined;
  /** 'made': not built yet; 'ok': built once with scipy's state; 'bad': anything else happened to it. */
  status: 'made' | 'ok' | 'bad';
}

export class VettedUses {
  /** Stack references to each getattr import (GLOBAL, memo gets, DUP, anything that pushes it). */
  private readonly refs = new Map<ImportFact, number>();
  /** getattr references consumed by a REDUCE in the vetted shape. */
  private readonly consumed = new Map<ImportFact, number>();
  private readonly vettedCalls = new Set<CallFact>();
  /** Bound methods made by vetted getattr calls. */
  private readonly bound = new Set<PyVal>();
  private readonly vectorizers = new Map<ObjV, Vectorizer>();
  /** Objects made from functools.partial: 'made' by partial(<target>), 'ok' once built with data, else 'bad'. */
  private readonly partials = new Map<
    ObjV,
    { imp: ImportFact | undefined; target?: string; status: 'made' | 'ok' | 'bad'; state?: PyVal; calls?: number }
  >();
  /** Imports of EMPTY_CALLS classes called with an argument (any such call leaves the import to its pack's verdict). */
  private readonly argCalled = new Set<ImportFact>();
  /** getattr imports consumed in scipy's vecentropy shape, and in the Keras _unpickle_model shape. */
  private readonly scipyGetattr = new Set<ImportFact>();
  private readonly kerasGetattr = new Set<ImportFact>();
  /** getattr imports consumed as getattr(<a class>, <constant non-dunder name>), and the derived names they give. */
  private readonly classFunctionGetattr = new Set<ImportFact>();
  private readonly classFunctions = new Set<string>();
  /** Pushes of each derived `<class>.<name>` import, and those stored as `_call` in a BUILD state of its class. */
  private readonly classFunctionRefs = new Map<ImportFact, number>();
  private readonly classFunctionPlaced = new Map<ImportFact, number>();
  /** getattr imports consumed as getattr(<instance of the stream>, <constant non-dunder name>). */
  private readonly attributeGetattr = new Set<ImportFact>();
  /** getattr imports consumed as getattr(<admitted Enum class>, <one of its member names>), and those classes. */
  private readonly enumGetattr = new Set<ImportFact>();
  private readonly enumClassesNamed = new Set<string>();
  /** An attribute so taken was (or may have been) handed to a call as an argument, which may call it. */
  private attributePassed = false;
  /** The releases of the model classes the Keras-shaped getattr calls name (all share them). */
  private kerasVersions: string | undefined;
  /** Derived `<class>._unpickle_model` imports called in the Keras shape (`unvetted` holds any other call). */
  private readonly kerasCalled = new Set<ImportFact>();

  static tracks(canonical: string): boolean {
    return (
      canonical === LOAD_FROM_BYTES ||
      dillLoadTypes().has(canonical) ||
      dillCreateArrays().has(canonical) ||
      canonical === GETATTR ||
      canonical === VECTORIZE ||
      canonical === PARTIAL ||
      CALLED_PARTIALS.has(canonical) ||
      EMPTY_CALLS.has(canonical) ||
      kerasUnpickleClasses().has(canonical) ||
      keras2DeserializeFunctions().has(canonical)
    );
  }

  /** A reference to `imp` was pushed on the stack. */
  pushed(imp: ImportFact): void {
    if (imp.derivedVia === 'getattr' && this.classFunctions.has(imp.canonical))
      this.classFunctionRefs.set(imp, (this.classFunctionRefs.get(imp) ?? 0) + 1);
    if (
      imp.canonical === GETATTR ||
      imp.canonical === PARTIAL ||
      imp.canonical === LOAD_FROM_BYTES ||
      dillLoadTypes().has(imp.canonical) ||
      dillCreateArrays().has(imp.canonical) ||
      CALLED_PARTIALS.has(imp.canonical) ||
      kerasUnpickleClasses().has(imp.canonical) ||
      keras2DeserializeFunctions().has(imp.canonical)
    )
      this.refs.set(imp, (this.refs.get(imp) ?? 0) + 1);
  }

  private consume(imp: ImportFact): void {
    this.consumed.set(imp, (this.consumed.get(imp) ?? 0) + 1);
  }

  /**
   * REDUCE of the getattr import itself (popped from the stack) with `args`: the value the call gives when the shape
   * decides it (scipy's: `result`, kept as a plain object instead of resolving the attribute as an import; an Enum
   * member's: an instance of its class), else undefined.
   */
  getattrCall(imp: ImportFact, call: CallFact, args: PyVal, result: ObjV): ObjV | undefined {
    // An Enum member by name: the member, an instance of the class (as the call of the class with its value gives).
    const enumClass = enumMemberClass(args);
    if (enumClass !== undefined) {
      this.consume(imp);
      this.enumGetattr.add(imp);
      this.enumClassesNamed.add(enumClass.imp.canonical);
      this.vettedCalls.add(call);
      return { k: K.Obj, callee: enumClass, args: { k: K.Tuple, items: [], more: 0 }, call };
    }
    // Keras's shape: the attribute is resolved as the derived import `<class>._unpickle_model` (false), whose calls
    // constructorCall vets.
    const keras = kerasGetattrClass(args);
    if (keras !== undefined) {
      this.consume(imp);
      this.consume(keras);
      this.kerasGetattr.add(imp);
      this.kerasVersions ??= kerasUnpickleClasses().get(keras.canonical);
      this.vettedCalls.add(call);
      return undefined;
    }
    // A function of a class body: the attribute is resolved as the derived import `<class>.<name>`, judged by its
    // pack's verdict (a stored reference only); finish() checks that nothing calls it.
    const classFunction = classFunctionName(args);
    if (classFunction !== undefined) {
      this.consume(imp);
      this.classFunctionGetattr.add(imp);
      this.classFunctions.add(classFunction);
      this.vettedCalls.add(call);
      return undefined;
    }
    if (boundMethodProblem(args) !== undefined) {
      // An attribute of an instance: the attribute is resolved as the derived import `<class>().<name>`, judged as
      // what it is; finish() checks that nothing calls such a result.
      if (instanceAttribute(args)) {
        this.consume(imp);
        this.attributeGetattr.add(imp);
        this.vettedCalls.add(call);
      }
      return undefined;
    }
    this.scipyGetattr.add(imp);
    this.consumed.set(imp, (this.consumed.get(imp) ?? 0) + 1);
    this.vettedCalls.add(call);
    this.bound.add(result);
    return result;
  }

  /**
   * A class function where its library stores it: the value of `_call` in a dict state BUILD gives an instance of the
   * class the function was taken from (scipy's interp1d keeps self.__class__._<kind> there).
   */
  private placeClassFunction(inst: ObjV, state: PyVal): void {
    // A class with __slots__ along its order (interp1d's base) is written with a (dict, slot dict) state.
    const dicts =
      typeof state === 'object' && state.k === K.Tuple && state.more === 0 && state.items.length === 2
        ? state.items
        : [state];
    const cls = instanceClass(inst)?.canonical;
    if (cls === undefined) return;
    for (const d of dicts) if (typeof d === 'object' && d.k === K.Dict && d.opaque !== true) this.placeIn(cls, d);
  }

  private placeIn(cls: string, state: DictV): void {
    state.keys.forEach((key, i) => {
      const v = state.vals[i];
      if (key !== CLASS_FUNCTION_SLOT || typeof v !== 'object' || v.k !== K.Global) return;
      const imp = v.imp;
      if (imp.derivedVia !== 'getattr' || !this.classFunctions.has(imp.canonical)) return;
      if (imp.canonical.slice(0, imp.canonical.lastIndexOf('.')) !== cls) return;
      this.classFunctionPlaced.set(imp, (this.classFunctionPlaced.get(imp) ?? 0) + 1);
    });
  }

  /** The Enum classes getattr named members of, with their packs' releases. */
  private enumReason(): string {
    const named = [...this.enumClassesNamed].sort();
    return `${REASON_GETATTR_ENUM} (${named.map((c) => `${c}: ${enumClasses().get(c)!.versions}`).join(', ')})`;
  }

  /**
   * Admitting getattr used only for Enum members: under the pack of the first class named (sorted), through that
   * class's entry (a disabled pack or a class its pack no longer admits leaves getattr to its ordinary verdict); the
   * other classes' imports are judged by their own packs.
   */
  private enumVetting(): { why: string; pack: string; via: string } {
    const first = [...this.enumClassesNamed].sort()[0]!;
    return { why: this.enumReason(), pack: enumClasses().get(first)!.pack, via: first };
  }

  /**
   * A call's arguments (REDUCE, NEWOBJ, INST, OBJ, …): once getattr has taken an attribute of an instance, a call
   * handed that attribute (anywhere in its arguments, to a bounded depth) may call it, and the shape no longer holds.
   */
  callArgs(args: PyVal, kwargs?: PyVal): void {
    if (this.attributeGetattr.size === 0 || this.attributePassed) return;
    const budget = { n: 256 };
    if (holdsAttribute(args, 4, budget) || (kwargs !== undefined && holdsAttribute(kwargs, 4, budget)))
      this.attributePassed = true;
  }

  /** An object was made by `kind` (REDUCE, NEWOBJ, …): vectorize and partial instances are followed from here. */
  made(kind: CallKind, call: CallFact, result: ObjV): void {
    const cls = instanceClass(result);
    if (cls?.canonical === PARTIAL) {
      // partial.__reduce__ writes REDUCE(partial, (f,)) and then BUILD with (f, args, keywords, __dict__).
      const callee = result.callee;
      const direct = typeof callee === 'object' && callee.k === K.Global && callee.imp.canonical === PARTIAL;
      const f = partialTarget(result.args);
      if (kind === 'REDUCE' && direct && call.callee !== undefined && f !== undefined) {
        this.consume(call.callee);
        this.vettedCalls.add(call);
        if (CALLED_PARTIALS.has(f.imp.canonical)) this.consume(f.imp);
        this.partials.set(result, { imp: call.callee, target: f.imp.canonical, status: 'made' });
      } else this.partials.set(result, { imp: cls, status: 'bad' });
      return;
    }
    if (cls?.canonical !== VECTORIZE) return;
    const args = result.args;
    const callee = result.callee;
    const calleeName = typeof callee === 'object' && callee.k === K.Global ? callee.imp.canonical : '';
    let ok = false;
    if ((kind === 'NEWOBJ' || kind === 'NEWOBJ_EX') && calleeName === VECTORIZE)
      ok = typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0;
    else if (kind === 'REDUCE' && calleeName === 'copyreg._reconstructor') {
      // copyreg._reconstructor(vectorize, object, state): object.__new__(vectorize); the state is not used.
      const base = typeof args === 'object' && args.k === K.Tuple ? args.items[1] : undefined;
      ok = typeof base === 'object' && base.k === K.Global && base.imp.canonical === 'builtins.object';
    }
    if (ok && calleeName === VECTORIZE) this.vettedCalls.add(call);
    this.vectorizers.set(result, { cls, status: ok ? 'made' : 'bad' });
  }

  /** `kind` invoked on the object `callee` (a call, APPEND, SETITEM, …; BUILD goes to built()). */
  called(kind: CallKind, callee: PyVal): void {
    if (kind === 'BUILD' || typeof callee !== 'object' || callee.k !== K.Obj) return;
    const v = this.vectorizers.get(callee);
    if (v !== undefined) v.status = 'bad';
    const p = this.partials.get(callee);
    if (p !== undefined) p.status = 'bad';
  }

  /**
   * `kind` called the partial object `obj` with `args` (its function is the call's callee): vetted when the partial
   * wraps a CALLED_PARTIALS function, was rebuilt with the keywords its library writes (still so now: partial keeps
   * the dict object it was given) and is called by REDUCE with the library's number of positional arguments.
   */
  partialCalled(kind: CallKind, obj: ObjV, args: PyVal, call: CallFact): void {
    const p = this.partials.get(obj);
    if (p === undefined) return;
    const spec = p.target !== undefined ? CALLED_PARTIALS.get(p.target) : undefined;
    const ok =
      spec !== undefined &&
      p.status === 'ok' &&
      kind === 'REDUCE' &&
      p.state !== undefined &&
      calledStateShape(p.state, spec) &&
      typeof args === 'object' &&
      args.k === K.Tuple &&
      args.more === 0 &&
      args.items.length === spec.arity;
    if (ok) {
      this.vettedCalls.add(call);
      p.calls = (p.calls ?? 0) + 1;
    } else p.status = 'bad';
  }

  /**
   * The import `imp` itself called by `kind` with `args`: an EMPTY_CALLS class called with none is vetted, and
   * _load_from_bytes called with a stream literal holding a legacy torch.save (`bytesOf` reads a bytes value).
   */
  constructorCall(
    kind: CallKind,
    imp: ImportFact,
    args: PyVal,
    call: CallFact,
    bytesOf: (v: PyVal) => Uint8Array | undefined,
  ): void {
    if (imp.derivedVia === 'getattr' && kerasUnpickleCalls().has(imp.canonical)) {
      if (kind === 'REDUCE' && kerasUnpickleArgProblem(args, bytesOf) === undefined) {
        this.vettedCalls.add(call);
        this.kerasCalled.add(imp);
      }
      return;
    }
    if (keras2DeserializeFunctions().has(imp.canonical)) {
      if (
        kind === 'REDUCE' &&
        imp.derivedVia === undefined &&
        imp.unresolved === undefined &&
        keras2ArgProblem(args, bytesOf) === undefined
      ) {
        this.consume(imp);
        this.vettedCalls.add(call);
      }
      return;
    }
    if (dillCreateArrays().has(imp.canonical)) {
      // Called as dill writes it: f, a tuple of f's arguments, the state and None or a dict (the VM judges each step).
      const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
      const spread = items?.[1];
      const npdict = items?.[3];
      if (
        kind === 'REDUCE' &&
        imp.derivedVia === undefined &&
        imp.unresolved === undefined &&
        items !== undefined &&
        (items.length === 3 || items.length === 4) &&
        typeof spread === 'object' &&
        spread.k === K.Tuple &&
        spread.more === 0 &&
        (npdict === undefined || (typeof npdict === 'object' && (npdict.k === K.None || npdict.k === K.Dict)))
      ) {
        this.consume(imp);
        this.vettedCalls.add(call);
      }
      return;
    }
    if (dillLoadTypes().has(imp.canonical)) {
      // Called with one str literal naming a builtin data type (a memo stand-in is never a str).
      if (
        kind === 'REDUCE' &&
        imp.derivedVia === undefined &&
        imp.unresolved === undefined &&
        dillDataType(imp.canonical, args) !== undefined
      ) {
        this.consume(imp);
        this.vettedCalls.add(call);
      }
      return;
    }
    if (imp.canonical === LOAD_FROM_BYTES) {
      const b = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : [];
      const a0 = b.length === 1 ? b[0]! : undefined;
      // A literal of the stream: BINBYTES (protocol 3+), or protocol 0 - 2's spelling of bytes, which CPython's
      // pickler writes as _codecs.encode(<str literal>, 'latin1') (the VM's model yields those bytes).
      const literal =
        typeof a0 === 'object' && a0.k === K.Bytes && (a0.off >= 0 || a0.via === "_codecs.encode(str, 'latin1')");
      const data = literal ? bytesOf(a0) : undefined;
      if (kind === 'REDUCE' && data !== undefined && startsWith(data, LEGACY_MAGIC_PICKLE)) {
        this.consume(imp);
        this.vettedCalls.add(call);
      }
      return;
    }
    if (!EMPTY_CALLS.has(imp.canonical)) return;
    const empty = typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0;
    if (empty && (kind === 'REDUCE' || kind === 'INST' || kind === 'OBJ')) this.vettedCalls.add(call);
    else this.argCalled.add(imp);
  }

  /** BUILD on `inst` with `state`; `call` is its BUILD call fact. */
  built(inst: ObjV, state: PyVal, call: CallFact | undefined): void {
    if (this.classFunctions.size > 0) this.placeClassFunction(inst, state);
    const p = this.partials.get(inst);
    if (p !== undefined) {
      if (p.status !== 'made' || !partialStateData(state, p.target!)) p.status = 'bad';
      else {
        p.status = 'ok';
        p.state = state;
        if (call !== undefined) this.vettedCalls.add(call);
        const called = CALLED_PARTIALS.get(p.target!);
        if (called !== undefined) {
          const f = (state as { items: PyVal[] }).items[0] as { imp: ImportFact };
          this.consume(f.imp);
          if (!calledStateShape(state, called)) p.status = 'bad';
        }
      }
      return;
    }
    const v = this.vectorizers.get(inst);
    if (v === undefined) return;
    if (v.status !== 'made' || vectorizeStateProblem(state, (x) => this.bound.has(x)) !== undefined) {
      v.status = 'bad';
      return;
    }
    v.status = 'ok';
    if (call !== undefined) this.vettedCalls.add(call);
  }

  /**
   * The imports of `imports` every use of which was vetted, with why they are admitted; `memo`: what the memo lost
   * when it holds stand-ins (past its detail budget).
   */
  finish(imports: readonly ImportFact[], calls: readonly CallFact[], memo?: CompactedMemo): VettedImports | undefined {
    const compacted = memo !== undefined;
    const out = new Map<
      ImportFact,
      { why: string; pack: string; via?: string; versions?: string; viaReference?: true }
    >();
    const unvetted = new Set<ImportFact>();
    // A call of an EMPTY_CALLS class that is not a constructor call (NEWOBJ, BUILD, an item stored on an instance)
    // is judged by its pack's own verdict, as without the vetting: only its constructor calls must be vetted.
    const constructorKinds = new Set<CallKind>(['REDUCE', 'INST', 'OBJ']);
    for (const c of calls) {
      if (c.callee === undefined || this.vettedCalls.has(c)) continue;
      if (EMPTY_CALLS.has(c.callee.canonical) && !(c.direct && constructorKinds.has(c.kind))) continue;
      unvetted.add(c.callee);
    }
    const vectorizeOk = new Map<ImportFact, boolean>();
    for (const v of this.vectorizers.values()) {
      if (v.cls === undefined) continue;
      vectorizeOk.set(v.cls, (vectorizeOk.get(v.cls) ?? true) && v.status === 'ok');
    }
    const partialOk = new Map<ImportFact, { ok: boolean; via: Set<string> }>();
    for (const p of this.partials.values()) {
      if (p.imp === undefined) continue;
      const e = partialOk.get(p.imp) ?? { ok: true, via: new Set<string>() };
      // A partial its library calls while loading is in its shape only once called so (pandas calls each one).
      e.ok &&= p.status === 'ok' && (p.target === undefined || !CALLED_PARTIALS.has(p.target) || (p.calls ?? 0) > 0);
      // Past the memo's budget: a keyword dict the memo compacted is changed through a memo read only by a write into
      // an opaque dict, so none may have happened in the run (the partial itself the memo keeps whole).
      if (memo !== undefined) e.ok &&= !memo.partialsLost && !(memo.opaqueDictWrites && keywordsLost(p.state));
      if (p.target !== undefined) e.via.add(p.target);
      partialOk.set(p.imp, e);
    }
    for (const imp of imports) {
      if (unvetted.has(imp)) continue;
      // Keras's _unpickle_model reached through getattr of a model class: every call of it in the shape (and called).
      if (imp.derivedVia === 'getattr' && kerasUnpickleCalls().has(imp.canonical) && !compacted) {
        if (this.kerasCalled.has(imp))
          out.set(imp, { why: REASON_KERAS_CALL, pack: 'keras', versions: kerasUnpickleCalls().get(imp.canonical)! });
        continue;
      }
      // A name reached through getattr/import_module chains is judged as what it is, whatever its use.
      if (imp.derivedVia !== undefined || imp.unresolved !== undefined) continue;
      // With memo stand-ins, only _load_from_bytes, Keras 2's deserialize and dill's _load_type: their proof is every reference to the import itself (the memo
      // keeps an import as it is) consumed by a call whose argument is a bytes literal of the stream (a stand-in is
      // never one); the other shapes are proved on objects a stand-in no longer tells apart.
      // So are a library's called partials (pandas 1.3's blocks) when the memo kept every partial object whole: each
      // is then followed by identity as without stand-ins (memo.ts), and their keyword dicts as checked above.
      const calledPartial =
        memo !== undefined && !memo.partialsLost && (imp.canonical === PARTIAL || CALLED_PARTIALS.has(imp.canonical));
      // So is getattr used only in the bound-method shape: its proof is the import's own references, each consumed
      // by a call on (<an object of a named class>, <a str the memo kept>), the call facts (no call of a derived
      // attribute) and the call arguments, where a stand-in counts as holding the attribute (holdsAttribute).
      // So is getattr used only for Enum members and bound methods: an Enum member's proof is the import's references,
      // each consumed by a call on (<a GLOBAL of the class>, <a str constant>), which the memo keeps as they are.
      const attributeOnly =
        imp.canonical === GETATTR &&
        (this.attributeGetattr.has(imp) || this.enumGetattr.has(imp)) &&
        !this.scipyGetattr.has(imp) &&
        !this.kerasGetattr.has(imp) &&
        !this.classFunctionGetattr.has(imp);
      // So is dill's _create_array: its proof is the import's own references, each consumed by a call whose arguments
      // and spread arguments are tuples the memo kept whole (a stand-in tuple never is), and the VM judges each step
      // of that call itself (what f does with those arguments, the BUILD of the array, the npdict's attributes), past
      // the budget as within it.
      if (
        compacted &&
        imp.canonical !== LOAD_FROM_BYTES &&
        !keras2DeserializeFunctions().has(imp.canonical) &&
        !dillLoadTypes().has(imp.canonical) &&
        !dillCreateArrays().has(imp.canonical) &&
        !calledPartial &&
        !attributeOnly
      )
        continue;
      if (imp.canonical === GETATTR) {
        // Every reference consumed by vetted calls of one library's shape (scipy's or Keras's, not both).
        const n = this.consumed.get(imp) ?? 0;
        const scipy = this.scipyGetattr.has(imp);
        const keras = this.kerasGetattr.has(imp);
        const attribute = this.attributeGetattr.has(imp);
        const member = this.enumGetattr.has(imp);
        // An attribute taken from an instance is never called while loading (a REDUCE, BUILD or any call the VM
        // records of a name derived that way leaves getattr to its ordinary verdict).
        const attributeOk =
          attribute &&
          !this.attributePassed &&
          !calls.some((c) => c.callee !== undefined && c.callee.derivedVia === INSTANCE_GETATTR);
        // Enum members and bound methods may share one getattr import (both are what pickle writes for plain values).
        const generic = attribute || member;
        const classFunction = this.classFunctionGetattr.has(imp);
        // A class function so taken is never called while loading (its own verdict, a stored reference, refuses a
        // call too; the shape does not hold once one is).
        // Each result is stored once, as the `_call` attribute of an instance of its class, and nowhere else.
        const derived = imports.filter((d) => d.derivedVia === 'getattr' && this.classFunctions.has(d.canonical));
        const classFunctionOk =
          classFunction &&
          derived.length > 0 &&
          derived.every((d) => (this.classFunctionRefs.get(d) ?? 0) === (this.classFunctionPlaced.get(d) ?? -1)) &&
          !calls.some(
            (c) =>
              c.callee !== undefined &&
              c.callee.derivedVia === 'getattr' &&
              this.classFunctions.has(c.callee.canonical),
          );
        const shapes = Number(scipy) + Number(keras) + Number(generic) + Number(classFunction);
        if (n > 0 && this.refs.get(imp) === n && shapes === 1) {
          if (classFunction) {
            if (classFunctionOk) {
              const names = [...this.classFunctions].sort();
              out.set(imp, {
                why: `${REASON_GETATTR_CLASS_FUNCTION} (${names.join(', ')})`,
                pack: '',
                via: names[0]!,
                viaReference: true,
              });
            }
          } else if (scipy) out.set(imp, { why: REASON_GETATTR, pack: 'scipy' });
          else if (keras) out.set(imp, { why: REASON_KERAS_GETATTR, pack: 'keras', versions: this.kerasVersions! });
          else if (attribute && attributeOk)
            out.set(imp, {
              why: member ? `${REASON_GETATTR_ATTRIBUTE}; ${this.enumReason()}` : REASON_GETATTR_ATTRIBUTE,
              pack: 'python',
            });
          else if (!attribute) out.set(imp, this.enumVetting());
        }
      } else if (kerasUnpickleClasses().has(imp.canonical)) {
        // Named only as getattr's first argument in the vetted Keras shape.
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n)
          out.set(imp, {
            why: REASON_KERAS_CLASS,
            pack: 'keras',
            versions: kerasUnpickleClasses().get(imp.canonical)!,
          });
      } else if (imp.canonical === VECTORIZE && vectorizeOk.get(imp) === true)
        out.set(imp, { why: REASON_VECTORIZE, pack: 'scipy' });
      else if (imp.canonical === PARTIAL) {
        // Every reference to the import was consumed by a vetted REDUCE, and every partial made was built with data.
        const n = this.consumed.get(imp) ?? 0;
        const e = partialOk.get(imp);
        if (n > 0 && this.refs.get(imp) === n && e?.ok === true) {
          const via = [...e.via].sort();
          const called = via.map((v) => CALLED_PARTIALS.get(v));
          if (called.every((c) => c !== undefined)) {
            // Every partial of this import wraps a function its library calls while loading (one library's shape).
            const c = called[0]!;
            if (called.every((x) => x === c)) out.set(imp, { why: c.why, pack: c.pack, versions: c.versions });
          } else if (!compacted && called.every((c) => c === undefined))
            out.set(imp, {
              why: `${REASON_PARTIAL} (${via.join(', ')})`,
              pack: PARTIAL_TARGETS.get(via[0]!)!,
              via: via[0],
            });
        }
      } else if (keras2DeserializeFunctions().has(imp.canonical)) {
        // Every reference consumed by a vetted call (never stored, passed or called another way), as for
        // _load_from_bytes: the proof is the bytes literal each call is handed.
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n)
          out.set(imp, {
            why: REASON_KERAS2,
            pack: 'keras',
            versions: keras2DeserializeFunctions().get(imp.canonical)!,
          });
      } else if (dillCreateArrays().has(imp.canonical)) {
        // Every reference consumed by a vetted call: the import is never stored, passed or called another way.
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n)
          out.set(imp, { why: REASON_DILL_ARRAY, pack: 'python', versions: dillCreateArrays().get(imp.canonical)! });
      } else if (dillLoadTypes().has(imp.canonical)) {
        // Every reference consumed by a vetted call: the import is never stored, passed or called another way.
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n)
          out.set(imp, { why: REASON_DILL_TYPE, pack: 'python', versions: dillLoadTypes().get(imp.canonical)! });
      } else if (imp.canonical === LOAD_FROM_BYTES) {
        // Every reference consumed by a vetted call (the import is never stored, passed or called another way).
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n)
          out.set(imp, { why: REASON_LOAD_FROM_BYTES, pack: 'torch', via: 'torch._utils._rebuild_tensor_v2' });
      } else if (EMPTY_CALLS.has(imp.canonical)) {
        // Called at least once, each constructor call with no arguments (`unvetted` holds any other constructor call).
        const spec = EMPTY_CALLS.get(imp.canonical)!;
        const called = calls.some((c) => c.callee === imp && this.vettedCalls.has(c));
        if (called && !this.argCalled.has(imp)) out.set(imp, { why: spec.why, pack: spec.pack, via: imp.canonical });
      } else if (CALLED_PARTIALS.has(imp.canonical)) {
        // The function itself: every reference is a vetted partial's argument or state, every call through such a
        // partial (vetted above: `unvetted` holds any other call of it), and every partial of it in the shape.
        const n = this.consumed.get(imp) ?? 0;
        const spec = CALLED_PARTIALS.get(imp.canonical)!;
        const partialsOk = [...this.partials.values()].every(
          (p) =>
            p.target !== imp.canonical ||
            (p.status === 'ok' && (p.calls ?? 0) > 0 && !(memo?.opaqueDictWrites === true && keywordsLost(p.state))),
        );
        if (n > 0 && this.refs.get(imp) === n && partialsOk)
          out.set(imp, { why: spec.why, pack: spec.pack, versions: spec.versions });
      }
    }
    return out.size > 0 ? out : undefined;
  }
}

/** The attribute a class function's library keeps it in (scipy's interp1d: self._call). */
const CLASS_FUNCTION_SLOT = '_call';

/**
 * `<class>.<name>` when a getattr call's arguments are (<a GLOBAL of a class, imported directly>, <a constant name that
 * is neither special (dunder) nor dotted>), as pickle writes a function kept as a class attribute's value; else
 * undefined. Whether the derived name is a stored reference a pack admits is decided by its verdict (classify.ts).
 */
function classFunctionName(args: PyVal): string | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 2) return undefined;
  const [cls, name] = args.items as [PyVal, PyVal];
  if (typeof cls !== 'object' || cls.k !== K.Global || typeof name !== 'string') return undefined;
  if (cls.imp.derivedVia !== undefined || cls.imp.unresolved !== undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || (name.startsWith('__') && name.endsWith('__'))) return undefined;
  return `${cls.imp.canonical}.${name}`;
}

/** How the VM names an import derived by getattr on an instance (callable-models.ts getattrModel). */
const INSTANCE_GETATTR = 'getattr on an instance';

/**
 * Whether `v` holds an attribute getattr took from an instance (a name derived that way), looking `depth` levels
 * into tuples, lists, dicts and objects' arguments, every state BUILD gave them and the items SETITEM(S) stored on
 * them; a value past the depth or the budget, or one the analysis did not keep whole (a tuple's unkept items that may
 * be more than data, a memo stand-in), counts as holding one.
 */
function holdsAttribute(v: PyVal, depth: number, budget: { n: number }): boolean {
  if (typeof v !== 'object') return false;
  if (--budget.n < 0) return true;
  switch (v.k) {
    case K.Global:
      return v.imp.derivedVia === INSTANCE_GETATTR;
    case K.Tuple:
      if (depth === 0) return true;
      // Items past the kept prefix: plain data, or the few objects kept aside in `unkept`, when dropsData says so.
      if (v.more > 0) {
        if (v.dropsData !== true) return true;
        if (v.unkept?.some((x) => holdsAttribute(x, depth - 1, budget)) === true) return true;
      }
      return v.items.some((x) => holdsAttribute(x, depth - 1, budget));
    case K.List:
      // A list not kept item by item (items undefined) may hold one.
      if (depth === 0 || v.items === undefined) return true;
      return v.items.some((x) => holdsAttribute(x, depth - 1, budget));
    case K.Dict:
      if (depth === 0 || v.opaque === true) return true;
      return v.vals.some((x) => holdsAttribute(x, depth - 1, budget));
    case K.Obj:
      // A memo stand-in (past the memo's detail budget) no longer shows what the objects it replaced hold.
      if (depth === 0 || v.memoLost === true) return true;
      if (holdsAttribute(v.args, depth - 1, budget)) return true;
      // An earlier BUILD's entries stay attributes of the instance: every state kept, not only the last.
      for (const st of v.states ?? (v.state !== undefined ? [v.state] : []))
        if (holdsAttribute(st, depth - 1, budget)) return true;
      return (
        (v.planted !== undefined && holdsAttribute(v.planted, depth - 1, budget)) ||
        (v.plantedAttrs !== undefined && holdsAttribute(v.plantedAttrs, depth - 1, budget))
      );
    default:
      return false;
  }
}

/**
 * getattr's arguments as pickle writes a bound method: (<an instance the stream built, of a class it names>, <a str
 * that is not a special name and holds no dot>).
 */
function instanceAttribute(args: PyVal): boolean {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 2) return false;
  const [receiver, name] = args.items as [PyVal, PyVal];
  if (typeof receiver !== 'object' || receiver.k !== K.Obj || instanceClass(receiver) === undefined) return false;
  return (
    typeof name === 'string' && name !== '' && !name.includes('.') && !(name.startsWith('__') && name.endsWith('__'))
  );
}

/**
 * The function a partial is made of: REDUCE's argument tuple (f,), f an import of a PARTIAL_TARGETS or CALLED_PARTIALS
 * function.
 */
function partialTarget(args: PyVal): { readonly imp: ImportFact } | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 1) return undefined;
  const f = args.items[0]!;
  if (typeof f !== 'object' || f.k !== K.Global) return undefined;
  if (f.imp.derivedVia !== undefined || f.imp.unresolved !== undefined) return undefined;
  return PARTIAL_TARGETS.has(f.imp.canonical) || CALLED_PARTIALS.has(f.imp.canonical) ? f : undefined;
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  return data.length >= prefix.length && prefix.every((b, i) => data[i] === b);
}

/** A called partial's state: no positional arguments and exactly the keyword dict its library writes. */
/** What the memo lost when it compacted values past its detail budget (vm.ts). */
export interface CompactedMemo {
  /** A functools.partial object was replaced by a stand-in (memo.ts MAX_KEPT_PARTIALS). */
  readonly partialsLost: boolean;
  /** Items were stored into an opaque dict (a memo read of a dict the memo compacted). */
  readonly opaqueDictWrites: boolean;
}

/** The keyword dict of a partial's state is one the memo compacted (a memo read of it gives the summary). */
function keywordsLost(state: PyVal | undefined): boolean {
  if (typeof state !== 'object' || state.k !== K.Tuple) return false;
  const kw = state.items[2];
  return typeof kw === 'object' && kw.k === K.Dict && kw.lostInto !== undefined;
}

function calledStateShape(state: PyVal, spec: CalledPartial): boolean {
  if (typeof state !== 'object' || state.k !== K.Tuple || state.items.length !== 4) return false;
  const [, args, kw] = state.items as [PyVal, PyVal, PyVal];
  if (typeof args !== 'object' || args.k !== K.Tuple || args.items.length !== 0 || args.more !== 0) return false;
  return typeof kw === 'object' && kw.k === K.Dict && spec.keywords(kw);
}

/**
 * partial.__setstate__'s state as partial.__reduce__ writes it: (f, args, keywords, __dict__) with f the same target,
 * args a tuple of plain data, keywords None or a dict of str keys to plain data (all kept), __dict__ None or empty.
 */
function partialStateData(state: PyVal, target: string): boolean {
  const keyword = PARTIAL_KEYWORDS.get(target);
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more !== 0 || state.items.length !== 4) return false;
  const [f, args, kw, dict] = state.items as [PyVal, PyVal, PyVal, PyVal];
  if (typeof f !== 'object' || f.k !== K.Global || f.imp.canonical !== target) return false;
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || !args.items.every(dataOnly)) return false;
  const none = (v: PyVal): boolean => typeof v === 'object' && v.k === K.None;
  if (!none(kw)) {
    if (typeof kw !== 'object' || kw.k !== K.Dict || kw.opaque === true || kw.n !== kw.keys.length) return false;
    if (!kw.keys.every((k) => typeof k === 'string')) return false;
    if (keyword !== undefined ? !kw.keys.every((k, i) => keyword(k as string, kw.vals[i]!)) : !kw.vals.every(dataOnly))
      return false;
  }
  if (!none(dict)) {
    if (typeof dict !== 'object' || dict.k !== K.Dict || dict.opaque === true || dict.n !== 0) return false;
  }
  return true;
}
