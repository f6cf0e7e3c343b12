// Symbolic pickle VM following CPython's C unpickler (_pickle.c): object stack with a mark stack and
// fence, memo keyed like _Unpickler_MemoPut (MEMOIZE uses the count of filled slots), find_class with
// fix_imports, and every invocation (REDUCE, NEWOBJ(_EX), OBJ, INST, BUILD/__setstate__, APPEND/SETITEM/
// ADDITEMS on non-builtin targets). Nothing is imported or executed. At the first error CPython would
// raise, the anomaly is recorded and analysis continues leniently so that later opcodes are still seen.
import type { ByteSource } from '../../sources/byte-source.js';
import { LINE_TOO_LONG, PickleDecoder } from '../../formats/pickle/decoder.js';
import { HIGHEST_PROTOCOL, Op, opcodeName } from '../../formats/pickle/opcodes.js';
import { latin1Short, latin1Text, SHORT_STRING_MAX } from '../../formats/pickle/short-string.js';
import type { Anomaly, AnomalyCode, CallFact, CallKind, ImportFact, PersistentIdFact, PickleRun } from './facts.js';
import { resolveImportName } from './names.js';
import { getattrModel, modelCall, type ModelContext } from './callable-models.js';
import { dillCreateArrays } from './dill-types.js';
import { Memo } from './memo.js';
import { DEFAULT_FACT_CAPS, FactLog, type FactCapName, type FactCaps } from './fact-log.js';
import {
  instanceClasses,
  mayBeDict,
  REBUILD_FROM_TYPE_V2,
  RECONSTRUCTORS,
  UNKNOWN_CLASS,
  type ClassSet,
} from './instance-class.js';
import { nativeStateHook, nativeStateProblem, unnamedNativeStateProblem } from './native-states.js';
import { prepackStateProblem } from './prepack-states.js';
import {
  customClassStateProblem,
  isNativeViewRebuild,
  isTorchCustomClass,
  SCRIPT_OBJECT,
  scriptObjectStateProblem,
  type StorageReader,
  viewBoundsProblem,
  viewExpansionProblem,
} from './torch-class-states.js';
import { classStateHookProblems } from './state-hooks.js';
import {
  anySinkMethods,
  attrsFromItems,
  effectOf,
  stateLoopsOf,
  hasLookupHook,
  historyChecks,
  isHeapTypeClass,
  inFamily,
  labelLookupBy,
  lookupAnsweredBy,
  operationHooks,
  reviewedClass,
  type ImplicitHook,
} from './callable-effects.js';
import { checkCallThrough, checkDtypeSource, checkEffects, checkNewCodec, type EffectHost } from './effect-checks.js';
import {
  checkCallableSinks,
  checkClassSinks,
  checkUnknownClassState,
  arrayArgProblem,
  emptyStateProblem,
  frameStateProblem,
  type ClassSinkHost,
} from './class-sinks.js';
import { bytesioSetstate } from './bytesio-state.js';
import { fileResourceStateProblem } from './file-resource.js';
import { isConfigNode, omegaconfStateProblem } from './omegaconf-state.js';
import { punktStateProblem } from './punkt-state.js';
import { pydanticStateProblem } from './pydantic-state.js';
import { isStr, translationProxyArgsProblem, translationProxyStateProblem } from './translation-proxy.js';
import { enumClasses } from './enum-members.js';
import { catboostStateProblem } from './catboost-model.js';
import { xgboostBufferProblem } from './xgboost-booster.js';
import { isXgboostModelClass } from './xgboost-model.js';
import {
  khashCallCharge,
  khashStateCharge,
  KHASH_PROBE_LIMIT,
  noteJoblibArray,
  countItems,
  countText,
  type KhashCharge,
} from './khash-cost.js';
import { argumentWork, MATERIAL_LIMIT, TEXT_READ_LIMIT, type ArgumentWork } from './argument-work.js';
import {
  argumentHooks,
  baseHooks,
  iterates,
  itemsLost,
  keptItems,
  unmodelledIteration,
  yieldedObjects,
  type ArgumentHooks,
  type CallWay,
} from './iterating-callables.js';
import { GETATTR, VettedUses } from './vetted-uses.js';
import { callHookProblem, pandasTzTextProblem, PYTZ_RECONSTRUCTORS } from './call-hooks.js';
import { ARROW_CALLABLES, ARROW_STRING_ARRAYS, arrowCallProblem, PY_BUFFER, type BytesReader } from './arrow-arrays.js';
import {
  madeAsStringDtype,
  STRING_DTYPE_CALLABLES,
  stringArrayState,
  stringArrayStateProblem,
  stringDtypeCallProblem,
} from './numpy-strings.js';
import {
  deepHash,
  exposure,
  HashBudget,
  HASH_DEPTH_LIMIT,
  HASH_STEP_LIMIT,
  hashCost,
  hashDepth,
  holdsHashCost,
  noteDropped,
} from './load-cost.js';
import { itemHookAfterBuild } from './item-hooks.js';
import { deepestOf, levelsOf, NEST_LIMIT, NestBound, nestOf } from './nesting.js';
import {
  COLLISION_PROBE_LIMIT,
  collisionExposure,
  keyClass,
  mayCollide,
  needsHash,
  noteFrozenset,
  noteTupleItems,
  tallyOf,
  addPotential,
} from './hash-collisions.js';
import { arrayPrepareProblem, ROUTE, ROUTE_CALLABLE, routeSkips } from './joblib-subclass.js';
import { nativeNewProblem } from './native-new.js';
import {
  arrayListProblem,
  arrayShapeAt,
  arrayStateHolds,
  dtypeBuildProblem,
  dtypeModel,
  dtypeShapedState,
  isDtypeCall,
  maskedFillProblem,
  noteArrayShape,
  shapeProduct,
} from './numpy-dtype.js';
import gensimLoads from './data/gensim-load-companions.json' with { type: 'json' };
import {
  BUFFER,
  FROZENSET,
  LIST,
  isLostTuple,
  dataOnly,
  holdsCode,
  dictGet,
  globalName,
  FALSE,
  isUnhashable,
  K,
  KEEP_ITEMS,
  keepObj,
  keepSpecial,
  kindName,
  NONE,
  rootImport,
  SET,
  specialKey,
  summarize,
  TRUE,
  UNKNOWN,
  type BytesV,
  type DictV,
  type FileLikeV,
  type LongStrV,
  type GlobalV,
  type Answers,
  type ListV,
  type ObjV,
  type SetV,
  type PyVal,
  type TupleV,
} from './values.js';

export interface VmLimits {
  maxOpcodes: number;
  maxStackDepth: number;
  maxMemoEntries: number;
  /** Nested payloads (pickle.loads(b'…')) recorded per stream; see FactCaps. */
  maxNestedPickles?: number;
}

/** What the loading side provides (it changes which opcodes succeed). */
export interface LoaderModel {
  /** The loader defines persistent_load (torch); plain pickle.load does not. */
  readonly persistentLoad: boolean;
  /** joblib's NumpyUnpickler: array bytes follow each NumpyArrayWrapper BUILD in the stream. */
  readonly joblibArrays: boolean;
  /**
   * Validates a persistent id the way the loader's persistent_load would (torch's storage tuple form and
   * record keys). Returns why the loader would reject it, or undefined.
   */
  readonly checkPersistentId?: (pid: PersistentIdFact) => string | undefined;
  /** The loader reads this stream only when asked to, and how (what checkPersistentId's problems are then worth). */
  readonly readOnRequest?: string;
  /**
   * What the loader's persistent_load returns for `pid` when that is a value the stream itself wrote (torch's legacy
   * loader returns the class of a `('module', cls, file, source)` id); undefined when it is an object the analysis
   * cannot name.
   */
  readonly persistentValue?: (pid: PyVal) => PyVal | undefined;
  /** Bytes of the storage record a persistent-id key names (TorchScript archives: custom-class states read them). */
  readonly readStorage?: StorageReader;
  /**
   * The loader rebuilds tensors natively with no check that a view lies inside its storage (torch.jit.load's
   * unpickler, for TorchScript archives): a rebuild reaching past its storage is reported.
   */
  readonly unguardedViews?: boolean;
  /**
   * The loader frees lists, tuples and dicts recursively on the native stack (torch.jit.load's C++ unpickler has no
   * trashcan): each counts as a level of nesting (nesting.ts levelsOf).
   */
  readonly nativeContainers?: boolean;
  /**
   * Told of every state applied to an instance, with the classes the instance may be (TorchScript archives: the
   * states `__setstate__` methods receive at load, read for the shapes of their stored tensors).
   */
  readonly onState?: (classes: ClassSet, state: PyVal) => void;
  /** Told of the value a stream returns at STOP (TorchScript archives: the tensor constants of constants.pkl). */
  readonly onResult?: (value: PyVal) => void;
}

export interface VmOptions {
  limits: VmLimits;
  loader: LoaderModel;
  /** Absolute time (ms since epoch) after which analysis stops with a LIMIT anomaly. */
  deadline?: number;
  /** Shared by stacked pickles read in one interpreter (copyreg.add_extension persists). */
  extRegistry?: Map<number, [string, string]>;
  /** Nested payloads larger than this are not materialised. */
  maxNestedBytes?: number;
  keepStringBytes?: number;
  /** Stop at the first point where CPython raises (probe mode: exactly what a real load executes). */
  strict?: boolean;
  /** Decoder read-ahead for sources not in memory (tests use tiny windows). */
  chunkBytes?: number;
  /** Memo values kept whole; later ones are compacted (kind kept, contents dropped). */
  memoDetailEntries?: number;
  /** Nesting level of joblib object-array pickles (each is a pickle read in the middle of another). */
  joblibDepth?: number;
  /**
   * Decode every opcode through the general path (no fused fast path). Same facts either way; tests run both and
   * compare them.
   */
  generalOnly?: boolean;
  /**
   * Value-keeping mode, for extractors that need the data itself (`sentinel convert`): every container item, list
   * contents, float values, items SETITEM(S) stores on objects and joblib array positions are kept, the memo is
   * never compacted, strings up to `keepStringBytes` (default 1 MiB here) are decoded, and the STOP value is
   * returned in `run.value`. Runs the general path only; memory grows with the pickle. Facts are the same.
   */
  keepValues?: boolean;
  /** Caps of the per-stream fact lists (tests lower them). */
  factCaps?: Partial<FactCaps>;
  /** The fact lists to record into (a joblib object-array pickle shares those of the stream around it). */
  facts?: FactLog;
}

export const PLAIN_LOADER: LoaderModel = Object.freeze({ persistentLoad: false, joblibArrays: true });

const MAX_RECORDED_ANOMALIES = 200;
/** Modelled calls nested in modelled calls (a chain of _rebuild_from_type_v2 arguments). */
const MAX_MODEL_DEPTH = 64;
/**
 * Iterations of a __setstate__ loop whose bound the state sets (stateLoops) past which a load is reported: each runs
 * Python code (torch 1.13's RNNBase builds five weight names per layer and direction with str.format, extends two
 * lists and looks eight names up through Module.__getattr__: measured 30 - 60 us a turn), so 2^14 of them take about a
 * second; library layers have a few.
 */
const STATE_LOOP_LIMIT = 2 ** 14;
/**
 * Items of the load's material budget (argument-work.ts MATERIAL_LIMIT, 64 items a microsecond) one turn of such a
 * loop costs: the turns of every object of the stream are charged together.
 */
const STATE_LOOP_TURN_ITEMS = 2 ** 12;
const REBUILD_PARAMETER_WITH_STATE = 'torch._utils._rebuild_parameter_with_state';
/** copyreg._reconstructor bases whose constructors only build a value from the state (CPython built-in types). */
const BUILTIN_VALUE_BASES: ReadonlySet<string> = new Set(
  ['dict', 'list', 'set', 'frozenset', 'tuple', 'int', 'float', 'complex', 'str', 'bytes', 'bytearray'].map(
    (t) => `builtins.${t}`,
  ),
);
const MAX_JOBLIB_NESTING = 8;
/**
 * Memo values kept whole before compaction. Kept small on purpose: values that survive in the memo make V8
 * allocate later objects of the same kind directly in old space, which halves throughput on dense streams.
 */
const MEMO_DETAIL_ENTRIES = 10_000;
/** Opcodes per call of the main loop (see loop()). */
const LOOP_BATCH = 1 << 16;

/**
 * Each run's opcode counts are a 256-slot view of a shared slab: a typed array of its own above V8's on-heap size
 * (64 bytes) takes a separate backing store, which cost ~4 us per stream (most of a small file's VM set-up). A slab
 * holds 16 runs' counts, so a view handed elsewhere (cloned with its buffer) carries at most 16 KB.
 */
const COUNT_SLOTS = 256;
const COUNTS_PER_SLAB = 16;
let countSlab: ArrayBuffer | undefined;
let countSlabUsed = COUNTS_PER_SLAB;

function opcodeCountsArray(): Uint32Array {
  if (countSlabUsed >= COUNTS_PER_SLAB) {
    countSlab = new ArrayBuffer(COUNT_SLOTS * 4 * COUNTS_PER_SLAB);
    countSlabUsed = 0;
  }
  return new Uint32Array(countSlab!, COUNT_SLOTS * 4 * countSlabUsed++, COUNT_SLOTS);
}
/**
 * Instance-dict dunders that are plain metadata (scipy distributions pickle `__doc__`): the attributes
 * functools.update_wrapper copies onto a wrapper object, and the `__wrapped__` it sets to the wrapped callable
 * (joblib's MemorizedFunc pickles all of them). Neither the unpickler nor the object's class reads them at load;
 * inspect.unwrap and inspect.signature follow `__wrapped__` later without calling it, and its value is judged like
 * any other value of the stream. Others are flagged: the unpickler calls a planted `__setstate__`, copy/pickle call
 * `__reduce_ex__`/`__deepcopy__`, numpy `__array__`.
 */
const METADATA_DUNDERS: ReadonlySet<string> = new Set([
  '__doc__',
  '__module__',
  '__name__',
  '__qualname__',
  '__annotations__',
  '__wrapped__',
]);
/** Characters of identifier-like strings kept in the memo after the detail budget (STACK_GLOBAL operands). */
const MEMO_KEPT_CHARS = 4 * 1024 * 1024;
/** Import facts whose class value is shared (the fact log folds at most 100 k distinct imports). */
const MAX_SHARED_GLOBALS = 200_000;
/** Strings decoded in value-keeping mode (longer ones stay positions in the stream). */
const KEEP_VALUES_STRING_BYTES = 1024 * 1024;
const JOBLIB_WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

/**
 * Whether joblib's NumpyUnpickler takes a BUILD's target for an array wrapper (its isinstance check, whatever made the
 * object): a wrapper class among the classes it may be, or a class the stream does not name given a wrapper's state
 * (dtype, shape and order, which reading the array needs).
 */
function mayBeJoblibWrapper(classes: ClassSet, state: PyVal): boolean {
  if (classes.names.some((n) => JOBLIB_WRAPPERS.has(n))) return true;
  if (!classes.unknown || typeof state !== 'object' || state.k !== K.Dict) return false;
  return ['dtype', 'shape', 'order'].every((k) => state.keys.includes(k));
}

/** joblib < 0.10's wrapper whose read() np.loads a file beside the pickle with allow_pickle=True. */
const NDARRAY_WRAPPERS = new Set([
  'joblib.numpy_pickle_compat.NDArrayWrapper',
  'joblib.numpy_pickle.NDArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NDArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle_compat.NDArrayWrapper',
]);

/** Its compressed sibling: read() opens <dir>/<filename> and reads raw zlib data (an array's bytes, no pickle). */
const ZNDARRAY_WRAPPERS = new Set([...NDARRAY_WRAPPERS].map((n) => n.replace('.NDArrayWrapper', '.ZNDArrayWrapper')));

/** Whether an instance that may be of `classes` may answer attribute lookups from its items or state. */
function mayAnswerLookups(classes: ClassSet): boolean {
  return classes.names.some(attrsFromItems) || behaviourUnknown(classes);
}

/** A class the stream does not name, or one outside what the packs reviewed (its __getattr__ is not known). */
function behaviourUnknown(classes: ClassSet): boolean {
  return classes.unknown || classes.names.some((n) => !reviewedClass(n));
}

/**
 * The class among those `o` may be of whose own lookup hook answers `name` (a name the class lacks) from something
 * the stream put in the object other than its instance __dict__ (a forwarded object, a dict of its state, its data),
 * with that hook (callable-effects.ts lookupAnsweredBy). Dict subclasses that answer from their items are modelled
 * exactly (their SETITEMS items) and are not counted here.
 */
function lookupElsewhere(o: ObjV, name: string): { cls: string; hook: string } | undefined {
  for (const cls of instanceClasses(o).names) {
    if (attrsFromItems(cls)) continue;
    const hook = lookupAnsweredBy(cls, name);
    if (hook !== undefined) return { cls, hook };
    const labels = labelLookupBy(cls, name);
    if (labels === undefined) continue;
    const found = dataElements(o);
    if (found.length > 0)
      return { cls, hook: `${labels} (from the labels of its data: its object arrays hold ${found.join(', ')})` };
  }
  return undefined;
}

/** Values and objects walked per lookup answered from the labels of an object's data. */
const DATA_WALK_NODES = 256;
const DATA_WALK_DEPTH = 12;

/**
 * The elements of the object arrays (list items of the states and arguments) an object holds that a call may run: a
 * class or function, an object returned by persistent_load or not kept, an instance of a class whose behaviour the
 * packs did not review. pandas' NDFrame.__getattr__ answers a label with such an element (a Series over an object
 * array). Summaries of the first few; empty when the data holds none (numbers, str, reviewed objects).
 */
function dataElements(o: ObjV): string[] {
  const out: string[] = [];
  const seen = new Set<PyVal>();
  const todo: [PyVal, number, boolean][] = [[o, 0, false]];
  while (todo.length > 0 && seen.size < DATA_WALK_NODES && out.length < 4) {
    const [v, depth, element] = todo.pop()!;
    if (typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (element && callableElement(v)) {
      out.push(String(summarize(v)));
      continue;
    }
    if (depth >= DATA_WALK_DEPTH) continue;
    const next = (x: PyVal, el = false): void => void todo.push([x, depth + 1, el]);
    switch (v.k) {
      case K.Tuple:
        for (const it of v.items) next(it);
        break;
      case K.Dict:
        for (const it of v.vals) next(it);
        break;
      case K.List:
      case K.Set:
      case K.FrozenSet:
        for (const it of v.objs ?? []) next(it, true);
        // Items left out and not lost (keepObj) may be such elements only when dropsElements says so.
        if (v.objsMore === true && (v.objsLost === true || v.dropsElements === true)) out.push('items not kept');
        break;
      case K.Obj:
        next(v.args);
        for (const st of statesOf(v)) next(st);
        if (v.planted !== undefined) next(v.planted);
        break;
    }
  }
  return out;
}

function callableElement(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  if (v.k === K.Global || v.k === K.Pers || v.k === K.Unknown) return true;
  return v.k === K.Obj && behaviourUnknown(instanceClasses(v));
}

/**
 * Whether an instance a list or set leaves out (keepObj) may be such an element (callableElement): a memo stand-in
 * by the classes its record holds while the record is whole (keepLostAttrs).
 */
function droppedElement(o: ObjV): boolean {
  if (o.memoLost !== true) return callableElement(o);
  const info = o.lostAttrs;
  return info === undefined || info.over || info.classes.some((n) => !reviewedClass(n));
}

/** Kinds a looked-up attribute may be called as (a class, function, instance, or a value the analysis lost). */
const CALLABLE_KINDS: ReadonlySet<K> = new Set([K.Global, K.Obj, K.Pers, K.Unknown]);

/** Attribute names the unpickler itself looks up and calls on a non-list/non-set object (APPENDS, ADDITEMS). */
const CALLED_ATTRS: ReadonlySet<string> = new Set(['extend', 'append', 'add']);

/**
 * The dicts whose entries a state sets as attributes: a dict state, and every dict item of a tuple state. CPython's
 * BUILD takes a (state, slotstate) pair, and native hooks read other tuples the same way: pandas' NDArrayBacked
 * __setstate__ runs setattr for each entry of state[2] of a 3-tuple and of the dict in a 1-tuple, and a Cython
 * __pyx_unpickle_* function updates the instance __dict__ from the dict after its C fields.
 */
function stateDicts(state: PyVal | undefined): DictV[] {
  if (typeof state !== 'object') return [];
  if (state.k === K.Dict) return [state];
  if (state.k === K.Obj) return objectItems(state).dicts;
  if (state.k !== K.Tuple) return [];
  const dicts: DictV[] = [];
  for (const it of state.items) {
    if (typeof it !== 'object') continue;
    if (it.k === K.Dict) dicts.push(it);
    else if (it.k === K.Obj) dicts.push(...objectItems(it).dicts);
  }
  return dicts;
}

/**
 * The items an object holds as a dict subclass would, when it is a state (or an item of one): CPython's default BUILD
 * takes any dict subclass as the state (PyDict_Check) and sets each entry of its storage as an attribute (a 2-tuple's
 * slot state likewise, by setattr), and the pure-Python load_build and torch's _set_obj_state iterate its items().
 * `dicts`: the entries the analysis read (SETITEM(S) on the object; for an object that may be a dict subclass, a dict
 * its constructor was given, as OrderedDict(d), Counter(d), defaultdict(f, d) or copyreg._reconstructor's
 * base.__init__(obj, state) fill it); `unread`: it may hold entries the analysis did not read that can plant code (its
 * constructor took an iterable that may hold (name, callable) pairs, or SETITEMS stored more than was kept). NEWOBJ
 * runs only __new__, which fills none.
 */
function objectItems(o: ObjV): { dicts: DictV[]; unread: boolean } {
  const dicts: DictV[] = [];
  let unread = false;
  const take = (d: DictV): void => {
    if (!dicts.includes(d)) dicts.push(d);
    if (d.opaque || d.n > d.keys.length) unread = true;
  };
  if (o.planted !== undefined) take(o.planted);
  if (o.memoLost === true) return { dicts, unread: mayBeDict(o) };
  if (o.call?.kind === 'NEWOBJ' || o.call?.kind === 'NEWOBJ_EX' || !mayBeDict(o)) return { dicts, unread };
  const args = o.args;
  if (typeof args !== 'object' || args.k !== K.Tuple) return { dicts, unread: true };
  if (args.more > 0) unread = true;
  const callee = typeof o.callee === 'object' && o.callee.k === K.Global ? o.callee.imp.canonical : undefined;
  // copyreg._reconstructor(cls, base, state): base.__init__(obj, state) for a base other than object.
  const base = args.items[1];
  const items =
    callee !== 'copyreg._reconstructor'
      ? args.items
      : typeof base === 'object' && base.k === K.Global && base.imp.canonical === 'builtins.object'
        ? []
        : args.items.slice(2, 3);
  for (const a of items) {
    if (typeof a === 'object' && a.k === K.Dict) take(a);
    else if (mayHoldPairs(a)) unread = true;
  }
  return { dicts, unread };
}

/**
 * Whether `v`, given to a dict subclass's constructor, may yield entries that plant code: an iterable that may hold
 * (name, value) pairs whose value can run code. A str, number or None yields none (a 2-character str is a pair of
 * 1-character names); a class or function object is not iterated as pairs (judged by its own import); a list, set or
 * tuple whose kept items hold no code yields none that can.
 */
function mayHoldPairs(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Tuple:
      return v.more > 0 || v.items.some((it) => typeof it === 'object' && PAIR_ITEMS.has(it.k));
    case K.List:
    case K.Set:
    case K.FrozenSet:
      return (
        v.objs !== undefined || v.objsMore === true || v.objsLost === true || v === LIST || v === SET || v === FROZENSET
      );
    case K.Obj:
    case K.Unknown:
    case K.Pers:
      return true;
    default:
      return false;
  }
}

/** Items of a tuple argument that may be a (name, value) pair holding code, or an iterable of such pairs. */
const PAIR_ITEMS: ReadonlySet<K> = new Set([K.Tuple, K.List, K.Set, K.FrozenSet, K.Dict, K.Obj, K.Unknown, K.Pers]);

/** An object a pytz reconstructor returned: pytz's shared tzinfo singleton for its zone. */
function isPytzObject(v: ObjV): boolean {
  return typeof v.callee === 'object' && v.callee.k === K.Global && PYTZ_RECONSTRUCTORS.has(v.callee.imp.canonical);
}

/** A Cython-generated unpickle function (__pyx_unpickle_<Class>(type, checksum, state)), by Cython's naming. */
function isCythonUnpickle(canonical: string): boolean {
  // The last dotted part starts with the prefix (no substring made per call).
  return canonical.startsWith('__pyx_unpickle_', canonical.lastIndexOf('.') + 1);
}

/**
 * An instance that a list or set did not keep (keepObj), or a state dict of one, changes after it was judged: the
 * container's unkept items are lost to the checks that walk it from now on.
 */
function noteChanged(v: PyVal): void {
  if (typeof v !== 'object') return;
  const o = v.k === K.Obj ? v : v.k === K.Dict ? v.stateOfDropped : undefined;
  // A state dict of an object the memo replaced by a stand-in changes after its BUILD: the stand-in's record is cut.
  if (o !== v && o?.standIn?.lostAttrs !== undefined) o.standIn.lostAttrs.over = true;
  // An object the memo replaced by a stand-in that a list or set did not keep (read back from the memo) changes.
  const standIn = o?.standIn;
  if (standIn?.droppedIn !== undefined && (o!.standsFor ?? 0) <= (standIn.droppedUpTo ?? 0))
    droppedChanged(standIn.droppedIn);
  // Likewise an object in such a state (its SETITEM(S) items are read as attributes the state sets).
  if (v.k === K.Obj && v.inLostState !== undefined) for (const info of v.inLostState) info.over = true;
  // A dict a list or set did not keep (values.ts droppableDict) gains items, or the memo's summary dict does: each
  // dict it stands for may be the one that changed.
  if (v.k === K.Dict) {
    if (v.droppedIn !== undefined) droppedChanged(v.droppedIn);
    if (v.opaque === true && !Object.isFrozen(v)) {
      v.changed = true;
      for (const c of v.droppedBy ?? []) droppedChanged(c);
    }
  }
  if (o?.droppedIn !== undefined) droppedChanged(o.droppedIn);
}

/** An item `c` did not keep changed: its unkept items are lost, and those of the memo summary it feeds too. */
function droppedChanged(c: ListV | SetV | TupleV): void {
  if (c.k === K.Tuple) {
    c.dropsLost = true;
    return;
  }
  c.objsLost = true;
  if (c.k === K.List && c.lostInto !== undefined) c.lostInto.objsLost = true;
}

/** Attribute names and classes a memo stand-in's record keeps (ObjV.lostAttrs); past either it answers "unknown". */
const LOST_ATTR_NAMES = 512;
const LOST_ATTR_CLASSES = 16;
/** Records of memo stand-ins one object in their states may feed (ObjV.inLostState); past it a new record ends. */
const LOST_STATE_RECORDS = 8;

/**
 * Adds to the record of `standIn` (the memo's stand-in for `o`, an object stored after the detail budget) what `o`
 * holds now: its classes, and the attribute names its states, its planted attributes and its SETITEM(S) items set.
 * Run when the memo replaces `o` and after each BUILD or SETITEM(S) on it. The record ends (`over`) where a later
 * change could escape it: a state dict not fully read, a computed key, an object in the state (its items may grow), a
 * class the stream does not name; the state dicts are marked so a later SETITEM(S) on one ends it (noteChanged).
 */
function keepLostAttrs(o: ObjV, standIn: ObjV): void {
  const info = (standIn.lostAttrs ??= { names: new Set(), classes: [], over: false });
  if (info.over) return;
  const classes = instanceClasses(o);
  if (classes.unknown) {
    info.over = true;
    return;
  }
  for (const n of classes.names) {
    if (info.classes.includes(n)) continue;
    if (info.classes.length >= LOST_ATTR_CLASSES) {
      info.over = true;
      return;
    }
    info.classes.push(n);
  }
  const add = (d: DictV, state: boolean): boolean => {
    if (d.opaque === true || d.n > d.keys.length) return false;
    if (state) {
      if (d.stateOfDropped === undefined) d.stateOfDropped = o;
      else if (d.stateOfDropped !== o) return false;
    }
    for (const key of d.keys) {
      if (isComputed(key)) return false;
      if (typeof key === 'string') info.names.add(key);
    }
    return info.names.size <= LOST_ATTR_NAMES;
  };
  let whole =
    (o.plantedAttrs === undefined || add(o.plantedAttrs, false)) && (o.planted === undefined || add(o.planted, false));
  // An object in a state is read as a dict subclass's storage (stateDicts): its SETITEM(S) items, and the dicts its
  // constructor took when it may be a dict subclass. Those it may gain later are not seen here.
  const inState = (it: PyVal): void => {
    if (typeof it !== 'object' || !whole) return;
    if (it.k === K.Dict) {
      if (!add(it, true)) whole = false;
    } else if (it.k === K.Obj) {
      if (it.memoLost === true || mayBeDict(it)) {
        whole = false;
        return;
      }
      // Each record that read it is ended by a change to it (noteChanged); past the bound, this one ends now.
      const records = (it.inLostState ??= []);
      if (!records.includes(info)) {
        if (records.length >= LOST_STATE_RECORDS) {
          whole = false;
          return;
        }
        records.push(info);
      }
      if (it.planted !== undefined && !add(it.planted, false)) whole = false;
    }
  };
  for (const st of statesOf(o)) {
    if (!whole) break;
    if (typeof st !== 'object') continue;
    if (st.k === K.Tuple) {
      if (st.more > 0) whole = false;
      for (const it of st.items) inState(it);
    } else inState(st);
  }
  if (!whole) info.over = true;
}

/** Remembers the state entries BUILD sets that the unpickler may later call (a bounded record per object). */
function plantAttrs(inst: ObjV, state: PyVal, all = false): void {
  for (const d of stateDicts(state)) {
    for (let i = 0; i < d.keys.length; i++) {
      const key = d.keys[i]!;
      if ((typeof key === 'string' && (all || CALLED_ATTRS.has(key))) || isComputed(key)) {
        dictPut((inst.plantedAttrs ??= { k: K.Dict, keys: [], vals: [], n: 0 }), key, d.vals[i]!);
      }
    }
  }
}

/** The value planted under one of `names` (or under a computed key) in `d`, if any. */
function plantedIn(d: DictV | undefined, names: readonly string[]): PyVal | undefined {
  if (d === undefined) return undefined;
  for (let i = 0; i < d.keys.length; i++) {
    const key = d.keys[i]!;
    if ((typeof key === 'string' && names.includes(key)) || isComputed(key)) return d.vals[i];
  }
  return d.n > d.keys.length || d.opaque === true ? UNKNOWN : undefined;
}

/** `v` and the objects it may be the same object as (arguments a pack callable returns itself), bounded. */
function sameObjects(v: PyVal): ObjV[] {
  const out: ObjV[] = [];
  const todo: PyVal[] = [v];
  while (todo.length > 0 && out.length < 16) {
    const o = todo.pop()!;
    if (typeof o !== 'object' || o.k !== K.Obj || out.includes(o)) continue;
    out.push(o);
    const callee = o.callee;
    const e = typeof callee === 'object' && callee.k === K.Global ? effectOf(callee.imp.canonical) : undefined;
    const items = typeof o.args === 'object' && o.args.k === K.Tuple ? o.args.items : [];
    for (const r of e?.returns ?? []) if ('arg' in r && items[r.arg] !== undefined) todo.push(items[r.arg]!);
  }
  return out;
}

/**
 * Whether sinkHost.plantedAttr finds nothing on `o` for every name, decided once for the object instead of once per
 * name: none of the objects it may be has a lost memo, attributes BUILD planted, a state with a dict of attributes,
 * items it may answer from, or a class whose lookup hook answers names it lacks (hasLookupHook). False when unsure.
 */
function answersNoName(o: ObjV): boolean {
  for (const so of sameObjects(o)) {
    if (so.memoLost === true || so.plantedAttrs !== undefined || so.planted !== undefined) return false;
    for (const st of statesOf(so)) if (stateDicts(st).length > 0) return false;
    for (const cls of instanceClasses(so).names) if (!attrsFromItems(cls) && hasLookupHook(cls)) return false;
  }
  return true;
}

/** gensim classes whose own `load` reads files named `<file><ext>` beside the model (derived from gensim's source). */
const GENSIM_LOADS: Readonly<Record<string, readonly string[]>> = gensimLoads.classes;

/** Dict keys whose list value gensim's SaveLoad.load reads as file and attribute names (gensimCompanions). */
const NAMES_KEYS: ReadonlySet<string> = new Set(['__scipys', '__recursive_saveloads']);

/** A list made right on top of one of NAMES_KEYS (the key it is stored under) keeps its first str items (keepObj). */
function namesList(list: ListV, below: PyVal | undefined): ListV {
  if (typeof below === 'string' && NAMES_KEYS.has(below)) list.strs = [];
  return list;
}

/**
 * `v`, when a numpy.dtype call result, may now be held by another part of the stream too (a memo read, DUP): a later
 * BUILD on it changes what an earlier user holds (numpy-dtype.ts). Only dtypes are marked (the one reader).
 */
/**
 * An item the fast path may add to a list or dict as it is: it carries no hash cost (load-cost.ts), cannot share a
 * hash with another key (hash-collisions.ts) and holds no objects (nesting.ts). Anything else goes to the general path.
 */
/** Opcodes that store the top of the stack as a list item or dict value (APPEND(S), SETITEM(S)). */
const STORES_TOP = new Set<number>([Op.APPEND, Op.APPENDS, Op.SETITEM, Op.SETITEMS]);
/** A float whose value was not read (see the fast path's BINFLOAT). */
const STORED_FLOAT: PyVal = Object.freeze({ k: K.Float }) as PyVal;

function plainItem(v: PyVal): boolean {
  if (typeof v !== 'object') return typeof v !== 'bigint';
  switch (v.k) {
    case K.Tuple:
      return v.nest === undefined && v.collides !== true && !deepHash(v);
    case K.List:
    case K.Dict:
      return v.nest === undefined && !holdsHashCost(v);
    case K.Set:
    case K.FrozenSet:
      return v.nest === undefined && !mayCollide(v);
    case K.Obj:
      // An object that holds no objects (nesting 1): the fast path records that its target holds one (leafInto).
      return v.nest === undefined && !deepHash(v) && !mayCollide(v);
    case K.Unknown:
      return v.bits === undefined;
    default:
      return true;
  }
}

/**
 * A dict value the fast path may store as it is: 0 for data, 1 for an object that holds no objects (its target then
 * holds one level: holdsLeaf), -1 for what holds objects (the general path counts its nesting).
 */
function valueCode(v: PyVal): number {
  if (typeof v !== 'object') return 0;
  switch (v.k) {
    case K.Obj:
      return v.nest === undefined ? 1 : -1;
    case K.Tuple:
    case K.List:
    case K.Dict:
    case K.Set:
    case K.FrozenSet:
      return v.nest === undefined ? 0 : -1;
    default:
      return 0;
  }
}

/**
 * The fast path put an object holding no objects in list or dict `t`: `t` holds one level (nesting.ts). False when
 * `t` was read back from the memo (a late link, which the general path counts): nothing was changed then.
 */
function holdsLeaf(t: ListV | DictV, bound: NestBound): boolean {
  if (t.fetched === true) return false;
  if (t.nest === undefined) t.nest = 1;
  if (bound.deepest < 1) bound.deepest = 1;
  return true;
}

function markShared(v: PyVal): void {
  if (typeof v !== 'object') return;
  if (v.k === K.Obj) {
    if (v.shared !== true && isDtypeCall(v)) v.shared = true;
    if (v.fetched !== true) v.fetched = true;
  } else if ((v.k === K.List || v.k === K.Dict || v.k === K.Set) && v.fetched !== true) v.fetched = true;
  // A bytearray another part of the stream may change (arrow-arrays.ts: a pyarrow buffer is checked once).
  else if (v.k === K.ByteArray && v.fetched !== true && !Object.isFrozen(v)) v.fetched = true;
}

/** The states BUILD gave `o`, latest first (the last one alone when earlier ones were not recorded). */
function statesOf(o: ObjV): readonly PyVal[] {
  if (o.states !== undefined && o.states.length > 0) return [...o.states].reverse();
  return o.state !== undefined ? [o.state] : [];
}

/** The values a state sets (the items of its dict or dicts), for the hooks of the objects it holds. */
function stateValues(state: PyVal): PyVal[] {
  if (typeof state !== 'object') return [];
  if (state.k === K.Dict) return state.vals;
  if (state.k === K.Obj) return objectItems(state).dicts.flatMap((d) => d.vals);
  if (state.k === K.Tuple) {
    const out: PyVal[] = [];
    for (const it of state.items) {
      if (typeof it === 'object' && it.k === K.Dict) out.push(...it.vals);
      else out.push(it);
    }
    return out;
  }
  return [];
}

/** A key whose hashing runs a class's Python hooks (an instance, or a tuple holding one): the slow path checks it. */
function runsHooks(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  if (v.k === K.Obj) return true;
  return v.k === K.Tuple && v.items.some((it) => typeof it === 'object' && it.k === K.Obj);
}

const COMPARISONS: ReadonlySet<ImplicitHook> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains']);

/**
 * The hooks an operation on a container runs on its items: a comparison or `in` compares items with == (and the
 * ordering of the first pair that differs); other operations run the same hooks (fail closed: hashing a tuple hashes
 * its items; sizing or iterating a list runs nothing on them, kept for simplicity).
 */
/** typing's subscriptable generics the python pack admits as stored references. */
const TYPING_GENERICS: ReadonlySet<string> = new Set(['typing.Dict', 'typing.List']);

function itemHooks(hooks: readonly ImplicitHook[]): readonly ImplicitHook[] {
  if (!hooks.some((h) => COMPARISONS.has(h))) return hooks;
  const out = new Set<ImplicitHook>(hooks);
  out.add('eq');
  out.add('ne');
  return [...out];
}

/** BUILDs of one object the VM keeps the state of (a pickler writes one; more are flagged and the rest folded). */
const MAX_BUILDS_KEPT = 16;
/** torch.ScriptObject objects followed to their BUILD (a quantized model writes two or three per layer). */
const MAX_SCRIPT_OBJECTS = 1 << 16;
/** Levels of objects held in a key's state whose __hash__/__eq__ are checked (hash((a, b)), a == b in __eq__). */
const KEY_HOOK_DEPTH = 3;
/** Objects checked per key (bounded work per SETITEM/ADDITEMS). */
const KEY_HOOK_OBJECTS = 32;
/** Nesting of implicit hooks (a special method whose own operations run another object's special methods). */
const IMPLICIT_HOOK_DEPTH = 3;

/** The entry a BUILD state sets under attribute `name` (a literal key, or a computed one that may be it). */
function attrInState(state: PyVal | undefined, name: string): PyVal | undefined {
  for (const d of stateDicts(state)) {
    const found = plantedIn(d, [name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What a __getattr__ that looks `name` up in the instance-dict entry `holder` answers: the holder's entry, UNKNOWN
 * when the holder is a value the analysis does not hold as a dict (its `in` and lookup may answer anything), or
 * undefined when the holder is absent or lacks the name.
 */
function lookupThrough(state: PyVal | undefined, holder: string, name: string): PyVal | undefined {
  const d = attrInState(state, holder);
  if (d === undefined || typeof d !== 'object') return undefined;
  if (d.k === K.Dict) return plantedIn(d, [name]);
  if (d.k === K.Obj) {
    const items = objectItems(d);
    for (const x of items.dicts) {
      const found = plantedIn(x, [name]);
      if (found !== undefined) return found;
    }
    return items.unread ? UNKNOWN : undefined;
  }
  return d.k === K.Unknown || d.k === K.Pers ? UNKNOWN : undefined;
}

class StopRun extends Error {}

/** What distinguishes an import beyond its names, opcode, protocol and error state. */
type ImportExtra = Pick<ImportFact, 'unresolved' | 'ext' | 'derivedVia'>;
const NO_EXTRA: ImportExtra = Object.freeze({});

/** Identical imports (same key) fold into one fact. */
function importKey(op: number, module: string, name: string, proto: number, errored: boolean, e: ImportExtra): string {
  return `${op}\0${module}\0${name}\0${proto}\0${errored ? 1 : 0}\0${e.unresolved ?? ''}\0${e.ext ?? ''}\0${e.derivedVia ?? ''}`;
}

/** The caps of the last stream without caps of its own (a scan's streams share the same limits: one object for all). */
let lastCaps: { nestedBytes: number; nested: number | undefined; caps: FactCaps } | undefined;

function factCaps(nestedBytes: number, nested: number | undefined, own: Partial<FactCaps> | undefined): FactCaps {
  if (own === undefined && lastCaps !== undefined && lastCaps.nestedBytes === nestedBytes && lastCaps.nested === nested)
    return lastCaps.caps;
  const caps: FactCaps = Object.freeze({
    ...DEFAULT_FACT_CAPS,
    nestedBytes,
    ...(nested !== undefined ? { nested } : {}),
    ...own,
  });
  if (own === undefined) lastCaps = { nestedBytes, nested, caps };
  return caps;
}

/** Runs one pickle (up to and including its STOP) starting at absolute offset `start`. */
export function runPickle(src: ByteSource, start: number, end: number, opts: VmOptions): PickleRun {
  return new PickleVm(src, start, end, opts).run();
}

class PickleVm implements ModelContext {
  private readonly dec: PickleDecoder;
  /**
   * The object stack: `stack[0 .. sp)`. The array is never shrunk (slots above `sp` are stale): truncating a JS
   * array trims its backing store, and batches of thousands of APPENDS items made every batch re-grow it.
   */
  private readonly stack: PyVal[] = [];
  private sp = 0;
  private readonly marks: number[] = [];
  private fence = 0;
  private readonly memo: Memo;
  private readonly facts: FactLog;
  private proto = 0;
  private protoSeen = false;
  private framing = false;
  private unframedRun = 0;
  private unframedReported = false;
  private errored = false;
  private readonly hashBudget = new HashBudget();
  /** Key comparisons made by insertions of keys that share a hash (hash-collisions.ts), and whether reported. */
  private collisionProbes = 0;
  private collisionReported = false;
  /** Containment depth of what the stream builds (nesting.ts). */
  private readonly nestBound = new NestBound();
  /** A hash nested deeper than HASH_DEPTH_LIMIT was reported. */
  private deepReported = false;
  /** Items and bytes the calls made that the stream does not hold (argument-work.ts). */
  private material = 0;
  private materialReported = false;
  /** Key comparisons of pandas' khash tables filled at load (khash-cost.ts), and whether reported. */
  private khashProbes = 0;
  private khashReported = false;
  /** Lists, tuples and dicts are levels of nesting (LoaderModel.nativeContainers). */
  private readonly containerLevels: boolean;
  /**
   * numpy StringDType values were made (numpy-strings.ts): from then on every call's arguments and every BUILD state
   * are searched for one used anywhere numpy's reduce does not put it.
   */
  private stringDtypes = false;
  /** Arrays whose BUILD gave them a StringDType: numpy writes no items into them afterwards. */
  private stringArrays: WeakSet<ObjV> | undefined;
  /** The pyarrow buffers (py_buffer results) of checked arrays, looked at again when the stream ends (arrowSettled). */
  private arrowHeld: ObjV[] | undefined;
  private overReported = false;
  /** Memo entries kept whole (later ones are compacted: memo.ts). */
  private readonly memoDetail: number;
  /** opaqueDictWrites when this analysis began (the counter only grows). */
  private readonly opaqueWritesAtStart = opaqueDictWrites;
  /** Nesting of modelled calls that invoke other calls (torchRebuild). */
  private modelDepth = 0;
  /** A BUILD or SETITEM(S) targeted an object a pytz reconstructor returned (a shared tzinfo singleton). */
  private pytzPlanted = false;
  /** Special attributes BUILD set to a dict that was empty then (checkDunderState; settled when the run ends). */
  private readonly emptyDunders: { key: string; dict: DictV; via: string; writes: number }[] = [];
  /** Nesting of implicit-hook checks under way (implicitHooks). */
  private implicitDepth = 0;
  /** The import recorded last, and its opcode (see importFact). */
  private lastImport: ImportFact | undefined;
  private lastImportOp = -1;
  /** Follows getattr/numpy.vectorize uses once the stream imports either (scipy's vecentropy shape). */
  private uses: VettedUses | undefined;
  /**
   * One class value per import fact, as CPython's find_class returns the same object for every repeat: an import
   * flood that memoizes or keeps each result (GLOBAL or STACK_GLOBAL + MEMOIZE/PUT millions of times) holds one value,
   * not one per opcode. Bounded by the distinct-import cap of the fact log.
   */
  private readonly globals = new Map<ImportFact, GlobalV>();
  /** Trusting native classes (native-states.ts) the stream names: an object of a class it does not name may be one. */
  private nativeNamed: Set<string> | undefined;
  /** The stream names numpy.dtype: an object of a class it does not name may be a dtype (numpy-dtype.ts). */
  private namesDtype = false;
  /** A BUILD state carries gensim's `__scipys` or `__recursive_saveloads` (gensimCompanions). */
  private gensimKeys = false;
  /** torch.ScriptObject objects NEWOBJ made (scriptObjectNew), checked for their BUILD at STOP. */
  private readonly scriptObjects: ObjV[] = [];
  private scriptObjectsOver = false;
  /** The stream names a gensim class whose own `load` reads files beside the model (gensimCompanions). */
  private gensimLoads = false;
  /** A call the loader itself makes is being modelled (joblib's subclass route): pandas' compat reading is not. */
  private loaderCall = false;
  /** A PUT key line was too long to read: a later GET of a missing key may be that value. */
  private memoKeyUnread = false;
  private readonly r: PickleRun;
  private readonly ext: Map<number, [string, string]>;
  private readonly maxStack: number;
  private readonly maxMemo: number;
  private readonly maxOps: number;
  readonly maxNestedBytes: number;
  /** Absolute offsets [start, end) of out-of-band regions (joblib array bytes) the decoder must jump over. */
  private skipStart = Infinity;
  private skipEnd = 0;
  private readonly pendingSkips: [number, number][] = [];
  /** See VmOptions.keepValues. */
  private readonly keep: boolean;

  constructor(
    private readonly src: ByteSource,
    start: number,
    end: number,
    private readonly opts: VmOptions,
  ) {
    this.keep = opts.keepValues === true;
    this.dec = new PickleDecoder(src, start, end, {
      keepStringBytes: opts.keepStringBytes ?? (this.keep ? KEEP_VALUES_STRING_BYTES : 4096),
      ...(opts.chunkBytes !== undefined ? { chunkBytes: opts.chunkBytes } : {}),
    });
    this.ext = opts.extRegistry ?? new Map();
    this.maxStack = opts.limits.maxStackDepth;
    this.maxMemo = opts.limits.maxMemoEntries;
    this.maxOps = opts.limits.maxOpcodes;
    this.maxNestedBytes = opts.maxNestedBytes ?? 256 * 1024 * 1024;
    this.containerLevels = opts.loader.nativeContainers === true;
    this.memoDetail = this.keep ? Infinity : (opts.memoDetailEntries ?? MEMO_DETAIL_ENTRIES);
    this.memo = new Memo(this.memoDetail, MEMO_KEPT_CHARS, keepLostAttrs);
    this.facts = opts.facts ?? new FactLog(factCaps(this.maxNestedBytes, opts.limits.maxNestedPickles, opts.factCaps));
    const f = this.facts;
    this.r = {
      start,
      end: start,
      protocol: undefined,
      stopped: false,
      errored: false,
      opcodes: 0,
      opcodeCounts: opcodeCountsArray(),
      imports: f.imports,
      calls: f.calls,
      anomalies: [],
      persistentIds: f.persistentIds,
      nested: f.nested,
      droppedAnomalies: 0,
    };
  }

  get offset(): number {
    return this.dec.offset;
  }

  // ---------------------------------------------------------------- anomalies

  private anomaly(code: AnomalyCode, message: string, fatal: boolean, limit?: string): void {
    if (fatal && !this.errored) {
      this.errored = true;
      this.r.errored = true;
    }
    if (fatal && this.opts.strict) {
      this.recordAnomaly(code, message, fatal, limit);
      throw new StopRun(message);
    }
    this.recordAnomaly(code, message, fatal, limit);
  }

  private recordAnomaly(code: AnomalyCode, message: string, fatal: boolean, limit?: string): void {
    if (this.r.anomalies.length >= MAX_RECORDED_ANOMALIES) {
      this.r.droppedAnomalies++;
      return;
    }
    const a: Anomaly = {
      code,
      offset: this.dec.offset,
      opcode: this.dec.op >= 0 ? opcodeName(this.dec.op) : 'EOF',
      message,
      fatal,
      ...(limit !== undefined ? { limit } : {}),
    };
    this.r.anomalies.push(a);
  }

  /** A per-stream fact list is full: lists of imports, calls and persistent ids stop the run; nested payloads not. */
  private factCap(cap: FactCapName): never | void {
    const caps = this.facts.caps;
    switch (cap) {
      case 'imports':
        return this.limit('maxStreamImports', `more than ${caps.imports} distinct imports in one stream`);
      case 'calls':
        return this.limit('maxStreamCalls', `more than ${caps.calls} distinct invocations in one stream`);
      case 'persistentIds':
        return this.limit('maxStreamPersistentIds', `more than ${caps.persistentIds} persistent ids in one stream`);
      case 'nested':
        return this.recordLimit(
          'maxNestedPickles',
          `more than ${caps.nested} nested payloads: the rest are not scanned`,
        );
      case 'nestedLiterals':
        return this.recordLimit(
          'maxNestedPickles',
          `more than ${caps.nestedLiterals} bytes literals handed to a nested loader: the rest are not scanned`,
        );
      case 'nestedBytes':
        return this.recordLimit(
          'maxNestedBytes',
          `nested payloads exceed ${caps.nestedBytes} bytes in total: the rest are not scanned`,
        );
    }
  }

  private recordLimit(name: string, message: string): void {
    this.recordAnomaly('LIMIT', message, true, name);
    this.errored = true;
    this.r.errored = true;
  }

  private limit(name: string, message: string): never {
    this.recordAnomaly('LIMIT', message, true, name);
    this.errored = true;
    this.r.errored = true;
    throw new StopRun(message);
  }

  // ---------------------------------------------------------------- stack primitives

  private push(v: PyVal): void {
    if (this.sp >= this.maxStack) this.limit('maxStackDepth', `stack depth exceeds ${this.maxStack}`);
    this.stack[this.sp++] = v;
    if (this.uses !== undefined && typeof v === 'object' && v.k === K.Global) this.uses.pushed(v.imp);
  }

  private pop(): PyVal {
    if (this.sp <= this.fence) {
      this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow', true);
      return UNKNOWN;
    }
    return this.stack[--this.sp]!;
  }

  private top(): PyVal {
    if (this.sp <= this.fence) {
      this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow', true);
      return UNKNOWN;
    }
    return this.stack[this.sp - 1]!;
  }

  /** Pops the top mark and returns its stack position (CPython's marker()). */
  private marker(): number {
    if (this.marks.length === 0) {
      this.anomaly('MARK_NOT_FOUND', 'could not find MARK', true);
      return this.sp;
    }
    const m = this.marks.pop()!;
    this.fence = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    return Math.min(m, this.sp);
  }

  private popFrom(x: number): PyVal[] {
    const out = stackItems(this.stack, x, this.sp);
    this.sp = x;
    return out;
  }

  private tuple(items: PyVal[]): TupleV {
    const long = items.length > KEEP_ITEMS && !this.keep;
    // Nesting (nesting.ts) and keys that may share hashes (hash-collisions.ts): one pass, nothing for plain items;
    // the nesting is made with the tuple (one shape per kind of tuple, no field added later).
    let nest = 0;
    let collide = false;
    for (const it of items) {
      if (typeof it === 'object') {
        switch (it.k) {
          case K.Obj: {
            const n = it.nest ?? 1;
            if (n > nest) nest = n;
            if (!collide && mayCollide(it)) collide = true;
            break;
          }
          case K.Tuple:
            if (it.nest !== undefined && it.nest > nest) nest = it.nest;
            if (it.collides === true) collide = true;
            break;
          case K.List:
          case K.Dict:
            if (it.nest !== undefined && it.nest > nest) nest = it.nest;
            break;
          case K.Set:
          case K.FrozenSet:
            if (it.nest !== undefined && it.nest > nest) nest = it.nest;
            if (it.tallied === true) collide = true;
            break;
          case K.Unknown:
            if (it.bits !== undefined) collide = true;
            break;
        }
      } else if (typeof it === 'bigint') collide = true;
    }
    // A reader without a trashcan (torch's C++ unpickler): a container item is a level of its own.
    if (this.containerLevels) nest = Math.max(nest, deepestOf(items, true));
    const prefix = long ? items.slice(0, KEEP_ITEMS) : items;
    const more = long ? items.length - KEEP_ITEMS : 0;
    const t: TupleV = nest > 0 ? { k: K.Tuple, items: prefix, more, nest } : { k: K.Tuple, items: prefix, more };
    if (collide) noteTupleItems(t, items);
    if (nest > this.nestBound.deepest) {
      this.nestBound.deepest = nest;
      this.nestChecked();
    }
    if (!long) return t;
    noteDropped(t, items);
    // An unkept item that is the very object of a kept one (a memo reference: dateutil's tzfile keeps a tuple of a
    // few _ttinfo objects per transition) is walked there, with every later change to it: nothing of it is lost.
    const kept = new Set<PyVal>(t.items);
    const matters = (v: PyVal): boolean => holdsCode(v) && !kept.has(v);
    // The distinct unkept items that are not plain data, up to KEEP_ITEMS of them, kept aside for the walks that look
    // for things to call (TupleV.unkept): with all of them there, the walk loses nothing (dropsData).
    const aside = new Set<PyVal>();
    for (let i = KEEP_ITEMS; i < items.length && aside.size <= KEEP_ITEMS; i++) {
      const v = items[i]!;
      if (matters(v)) aside.add(v);
    }
    if (aside.size <= KEEP_ITEMS) {
      t.dropsData = true;
      if (aside.size > 0) t.unkept = [...aside];
    }
    // As a list's unkept items (keepObj): an unkept instance that answers no sink method and holds no items is
    // remembered as dropped here (a later change to it makes the tuple's unkept items lost); anything else that may
    // run code makes them lost now. scikit-learn's IsolationForest keeps tuples of one array per tree.
    for (let i = KEEP_ITEMS; i < items.length && t.dropsLost !== true; i++) {
      const v = items[i]!;
      if (!matters(v)) continue;
      if (typeof v === 'object' && v.k === K.Obj && v.droppedIn === undefined && !this.answers(v)) v.droppedIn = t;
      else t.dropsLost = true;
    }
    return t;
  }

  /**
   * OmegaConf's containers and value nodes passed to a call (an argument, or an item of a tuple or list argument): the
   * callee may iterate, size, compare or index them (set(cfg), OrderedDict(cfg)), which runs the library and resolves
   * the interpolations the config holds. OmegaConf never pickles a call given one (HistoryCheck 'omegaconf-state').
   */
  private configArguments(callee: PyVal, args: PyVal, kwargs: PyVal | undefined): void {
    const direct: PyVal[] = [];
    for (const a of [args, kwargs]) {
      if (typeof a !== 'object') continue;
      if (a.k === K.Tuple) direct.push(...a.items);
      else if (a.k === K.Dict) direct.push(...a.vals);
    }
    const found = (v: PyVal): string | undefined =>
      typeof v === 'object' && v.k === K.Obj ? instanceClasses(v).names.find(isConfigNode) : undefined;
    for (const v of direct) {
      const inner =
        typeof v === 'object' && v.k === K.Tuple
          ? v.items
          : typeof v === 'object' && v.k === K.List
            ? (v.items ?? v.objs ?? [])
            : [];
      const hit = found(v) ?? inner.map(found).find((n) => n !== undefined);
      if (hit === undefined) continue;
      const name = typeof callee === 'object' && callee.k === K.Global ? callee.imp.canonical : 'a callable';
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${hit} is given to ${name} as an argument: the callee may iterate, size, compare or index it, which runs the ` +
          'library and resolves the interpolations the config holds; OmegaConf never pickles that',
        false,
      );
      return;
    }
  }

  /**
   * The loader hashes `v` (dict key, set or frozenset member) and inserts it `into` a hash table: a load whose hashing
   * explodes, or whose keys share hashes (hash-collisions.ts), is reported.
   */
  private hashed(v: PyVal, into?: object): void {
    if (into !== undefined && (needsHash(v) || mayCollide(v))) {
      const c = keyClass(v, this.readStream);
      if (c !== undefined) {
        const target = into as { lostInto?: object };
        const probes = tallyOf(into).add(c);
        if (target.lostInto !== undefined && target.lostInto !== into) addPotential(target.lostInto, probes);
        this.collided(probes);
      }
    }
    // OmegaConf's configs hash their whole rendering (containers) or their value (nodes): the library never makes
    // one a dict key or set member, alone or in a tuple key (HistoryCheck 'omegaconf-state').
    for (const o of typeof v === 'object' && v.k === K.Obj
      ? [v]
      : typeof v === 'object' && v.k === K.Tuple
        ? v.items
        : []) {
      if (typeof o !== 'object' || o.k !== K.Obj) continue;
      const hit = instanceClasses(o).names.find((n) => historyChecks(n).includes('omegaconf-state'));
      if (hit !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${hit} used as a dict key or set member (its hash renders or resolves the config with library code; ` +
            'OmegaConf never pickles one there)',
          false,
        );
    }
    if (typeof v === 'object' && (v.k === K.Obj || v.k === K.Tuple) && runsHooks(v)) {
      if (v.k === K.Obj) v.keyed = true;
      else for (const it of v.items) if (typeof it === 'object' && it.k === K.Obj) it.keyed = true;
      this.keyHooks(v);
    }
    if (deepHash(v)) this.tooDeep(v);
    if (!this.hashBudget.add(v)) return;
    this.anomaly(
      'LOAD_COST',
      `hashing dict keys and set members takes more than ${HASH_STEP_LIMIT} item hashes (nested tuples that share ` +
        `their items are hashed again at every use): the load does exponential work`,
      false,
    );
  }

  /**
   * A call makes what its arguments choose (argument-work.ts): items or bytes past the load's budget, or one
   * computation past its own limit, are reported once each.
   */
  private materialised(work: ArgumentWork): void {
    if (work.over !== undefined && !this.overReported) {
      this.overReported = true;
      this.anomaly('LOAD_COST', `${work.over}: the load does work its stream's size does not bound`, false);
    }
    if (work.items === 0 || this.materialReported) return;
    this.material = Math.min(this.material + work.items, 2 ** 52);
    if (this.material <= MATERIAL_LIMIT) return;
    this.materialReported = true;
    this.anomaly(
      'LOAD_COST',
      `the calls of this stream make more than ${MATERIAL_LIMIT} items or bytes the stream does not hold ` +
        '(bytes(n) and bytearray(n) allocate n bytes; a range is iterated by the calls it is passed to, and what they ' +
        'build from it is copied again by every call it is passed to): the load does work its size does not bound',
      false,
    );
  }

  /** Stream bytes for a khash charge (khash-cost.ts): an array's raw bytes. */
  private readonly readStream = (off: number, len: number): Uint8Array | undefined =>
    off >= 0 && off + len <= this.src.size ? this.src.read(off, len) : undefined;

  /** A bytes value's content, `len` bytes from `start` (its computed bytes or the stream's payload), or undefined. */
  private readonly readBytes: BytesReader = (b, start, len) => {
    if (start < 0 || len < 0 || start + len > b.len) return undefined;
    if (b.data !== undefined) return b.data.subarray(start, start + len);
    return b.off >= 0 ? this.readStream(b.off + start, len) : undefined;
  };

  /** A call of numpy's StringDType function (numpy-strings.ts): outside what numpy's reduce writes, it is reported. */
  private stringDtypeCall(args: PyVal | undefined): void {
    this.stringDtypes = true;
    const problem = stringDtypeCallProblem(args);
    if (problem !== undefined)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `numpy StringDType (_convert_to_stringdtype_kwargs): ${problem}; numpy's reduce writes (coerce,) or ` +
          '(coerce, na_object) with a bool and a missing-value marker of None, a float, a str or pandas.NA',
        false,
      );
  }

  /**
   * Where a BUILD state holds a StringDType by numpy's own writing: an ndarray's state tuple at its dtype, a joblib
   * array wrapper's state dict under 'dtype'. Those places are left out of the search for other uses.
   */
  private stringDtypeSlot(inst: PyVal, state: PyVal): ((parent: PyVal, i: number) => boolean) | undefined {
    if (typeof inst !== 'object' || inst.k !== K.Obj || typeof state !== 'object') return undefined;
    const names = instanceClasses(inst).names;
    if (state.k === K.Tuple && names.some((n) => inFamily('numpy.ndarray', n)) && stringArrayState(state)) {
      const at = arrayShapeAt(state.items.length) + 1;
      return (parent, i) => parent === state && i === at;
    }
    if (state.k === K.Dict && names.length > 0 && names.every((n) => JOBLIB_WRAPPERS.has(n)))
      return (parent, i) => parent === state && state.keys[i] === 'dtype';
    return undefined;
  }

  /**
   * Once the stream made a StringDType: `where` (a call's arguments, a BUILD state) holding one, or a container whose
   * items the analysis did not keep (it may hold one), is reported. numpy's reduce puts the dtype only in an array's
   * BUILD state (and joblib in its array wrapper's): anywhere else it may reach ndarray.__new__ with a buffer, whose
   * bytes numpy then reads as pointers to text.
   */
  private stringDtypeUse(where: string, v: PyVal | undefined, skip?: (parent: PyVal, i: number) => boolean): void {
    if (!this.stringDtypes || v === undefined) return;
    const seen = new Set<PyVal>();
    let budget = 4096;
    const holds = (x: PyVal, depth: number): string | undefined => {
      if (typeof x !== 'object') return undefined;
      if (madeAsStringDtype(x)) return 'a StringDType';
      if (seen.has(x) || --budget < 0) return budget < 0 ? 'more values than the search reads' : undefined;
      seen.add(x);
      if (depth > 6) return 'values nested deeper than the search reads';
      switch (x.k) {
        case K.Unknown:
          return 'a value the analysis does not hold';
        case K.Obj:
          return x.memoLost === true ? 'a value the memo did not keep' : undefined;
        case K.Tuple:
          if (x.more > 0) return 'a tuple whose items were not all kept';
          for (let i = 0; i < x.items.length; i++) {
            if (skip?.(x, i)) continue;
            const r = holds(x.items[i]!, depth + 1);
            if (r !== undefined) return r;
          }
          return undefined;
        case K.List:
        case K.Set:
        case K.FrozenSet: {
          if (x.objsMore === true || x.objsLost === true) return 'a container whose items were not all kept';
          if (x.k === K.List && (x.readBack === true || x.lostInto !== undefined)) return 'a list the memo summarised';
          for (const o of x.objs ?? []) {
            const r = holds(o, depth + 1);
            if (r !== undefined) return r;
          }
          return undefined;
        }
        case K.Dict: {
          if (x.opaque === true || x.n > x.keys.length) return 'a dict whose items were not all kept';
          for (let i = 0; i < x.keys.length; i++) {
            const r = holds(x.keys[i]!, depth + 1) ?? (skip?.(x, i) ? undefined : holds(x.vals[i]!, depth + 1));
            if (r !== undefined) return r;
          }
          return undefined;
        }
        default:
          return undefined;
      }
    };
    const found = holds(v, 0);
    if (found !== undefined)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${where} holds ${found}, in a stream that made a numpy StringDType: numpy's reduce puts that dtype only in ` +
          "an array's state (given to ndarray.__new__ with a buffer, numpy reads the bytes as pointers to text)",
        false,
      );
  }

  /**
   * A call of a pyarrow rebuild function (arrow-arrays.ts): outside what pyarrow's reduce writes, or an array Arrow's
   * validation would refuse, it is reported; a buffer is remembered, so that a later use of its bytearray is.
   */
  private arrowCall(canonical: string, args: PyVal | undefined, result: ObjV): void {
    const problem = arrowCallProblem(canonical, args, this.readBytes);
    if (problem !== undefined) {
      this.anomaly(
        'NATIVE_STATE',
        `${canonical}: ${problem} (pyarrow hands the array to Arrow's native code unvalidated: a crash at load, or ` +
          'reads and writes outside its buffers when the column is used)',
        false,
      );
      return;
    }
    if (canonical === PY_BUFFER) (this.arrowHeld ??= []).push(result);
  }

  /**
   * When the stream ends: a pyarrow buffer, or the bytearray it wraps, that the stream read back from the memo may have
   * been changed after its array was checked (numpy's frombuffer makes a writable view of either).
   */
  private arrowSettled(): void {
    const held = this.arrowHeld;
    if (held === undefined) return;
    let why: string | undefined;
    for (const buf of held) {
      const raw = typeof buf.args === 'object' && buf.args.k === K.Tuple ? buf.args.items[0] : undefined;
      if (buf.fetched === true || (typeof raw === 'object' && raw.k === K.ByteArray && raw.fetched === true)) {
        why = 'a pyarrow buffer (or the bytearray it wraps) is read back from the memo by the stream';
        break;
      }
    }
    why ??= this.memo.opaqueByteArrayRead
      ? 'the stream reads back a bytearray the analysis did not keep (it may wrap a pyarrow buffer)'
      : this.memo.standInFetched(PY_BUFFER)
        ? 'the stream reads back a pyarrow buffer the analysis did not keep'
        : undefined;
    if (why !== undefined)
      this.anomaly(
        'NATIVE_STATE',
        `${PY_BUFFER}: ${why}: its bytes can be changed after the array over them was checked (Arrow reads the ` +
          'offsets and lengths in them without checking again)',
        false,
      );
  }

  /** pandas fills a khash table at load (khash-cost.ts): comparisons past the limit are reported once. */
  private khashCharged(charge: KhashCharge | undefined): void {
    if (charge === undefined || this.khashReported) return;
    this.khashProbes = Math.min(this.khashProbes + charge.probes, 2 ** 52);
    if (this.khashProbes <= KHASH_PROBE_LIMIT) return;
    this.khashReported = true;
    this.anomaly(
      'LOAD_COST',
      `pandas hashes values of this stream into its khash tables at load: ${charge.what}, about ` +
        `${this.khashProbes.toExponential(2)} key comparisons in all (more than ${KHASH_PROBE_LIMIT}; khash's probe ` +
        'sequence follows the 32-bit hash, and int64 and float64 keys can be chosen to share one, so each insertion ' +
        'compares with every earlier key of its hash): the load does quadratic work its size does not bound',
      false,
    );
  }

  /** A tuple, list or frozenset built from `items` holds their nesting (nesting.ts). */
  private holdsAll(c: TupleV | ListV | SetV, items: readonly PyVal[]): void {
    const n = deepestOf(items, this.containerLevels);
    if (n > 0) this.deepen(c, n);
  }

  /** `child` is put in `target` (an item, key, value, state or argument): the target holds its nesting. */
  private holdsChild(target: PyVal, child: PyVal): void {
    if (typeof child !== 'object' || typeof target !== 'object') return;
    const n = this.containerLevels ? levelsOf(child) : nestOf(child);
    if (n > 0) this.deepen(target, n);
  }

  /**
   * An instance of a Python class a pack admits as one (a heap type): CPython frees it under its trashcan, so it adds
   * no level to a chain of unguarded containers (nesting.ts). torch's C++ unpickler makes no Python objects.
   */
  private guardedObj(v: ObjV): boolean {
    const c = v.callee;
    return typeof c === 'object' && c.k === K.Global && c.heap === true;
  }

  /** `target` holds objects `n` levels deep (one more when it is an object itself, unless its class is guarded). */
  private deepen(target: Exclude<PyVal, number | bigint | string>, n: number): void {
    let h: number;
    switch (target.k) {
      case K.Obj:
        h = this.guardedObj(target) ? n : n + 1;
        break;
      case K.List:
      case K.Dict:
      case K.Tuple:
      case K.Set:
      case K.FrozenSet:
        h = n;
        break;
      default:
        return;
    }
    if (h > nestOf(target)) {
      target.nest = h;
      if (h > this.nestBound.deepest) this.nestBound.deepest = h;
    }
    // A value placed earlier, read back from the memo and filled now: chains kept apart may join (nesting.ts).
    if (target.k !== K.Tuple && target.fetched === true) this.nestBound.late++;
    this.nestChecked();
  }

  /** Reports (once) a load whose objects may nest past NEST_LIMIT. */
  private nestChecked(): void {
    if (!this.nestBound.over()) return;
    const b = this.nestBound;
    this.anomaly(
      'LOAD_COST',
      (b.late === 0
        ? `objects nest ${b.deepest} levels deep`
        : `objects may nest up to ${b.bound()} levels deep (chains up to ${b.deepest} deep, joined by ${b.late} ` +
          'values filled after the stream placed them)') +
        ` (each holding the next, however the stream filled it: deque, defaultdict, object arrays and other C types ` +
        `free what they hold recursively on the C stack, and the process dies with SIGSEGV when the value is ` +
        `released; more than ${NEST_LIMIT} levels reported)`,
      false,
    );
  }

  /** A call or NEWOBJ made `result` from `args` (and `kwargs`): a fresh object holds what it was given. */
  private made(result: PyVal, args: PyVal, kwargs?: PyVal): PyVal {
    if (typeof result === 'object' && result.k === K.Obj && result.args === args) {
      const of = this.containerLevels ? levelsOf : nestOf;
      const n = Math.max(of(args), kwargs === undefined ? 0 : of(kwargs));
      if (n > 0) this.deepen(result, n);
    }
    return result;
  }

  /**
   * Key comparisons the loader makes inserting keys that share a hash (hash-collisions.ts): past the limit, reported
   * once.
   */
  private collided(probes: number): void {
    if (probes <= 0 || this.collisionReported) return;
    this.collisionProbes = Math.min(this.collisionProbes + probes, 2 ** 52);
    if (this.collisionProbes <= COLLISION_PROBE_LIMIT) return;
    this.collisionReported = true;
    this.anomaly(
      'LOAD_COST',
      `dict keys and set members of this stream share hashes: inserting them makes more than ${COLLISION_PROBE_LIMIT} ` +
        "key comparisons (CPython's hashes of ints, floats, tuples and frozensets are functions of their values that " +
        'can be inverted, so distinct keys can be chosen to share one; each insertion compares with every earlier key ' +
        'of its hash): the load does quadratic work its size does not bound',
      false,
    );
  }

  /** A list element: the hash cost it holds stays with the list (set(list), OrderedDict(pairs) hash it again). */
  private listed(list: ListV, item: PyVal): void {
    if (mayCollide(item)) {
      tallyOf(list).addItem(item);
      const summary = list.lostInto;
      if (summary !== undefined && summary !== list) tallyOf(summary).addItem(item);
    }
    const c = exposure(item);
    if (c === 0) return;
    const d = hashDepth(item);
    list.cost = Math.min((list.cost ?? 0) + c, 2 ** 52);
    list.depth = Math.max(list.depth ?? 0, d);
    const summary = list.lostInto;
    if (summary !== undefined && summary !== list) {
      summary.cost = Math.min((summary.cost ?? 0) + c, 2 ** 52);
      summary.depth = Math.max(summary.depth ?? 0, d);
    }
  }

  /** One hash of `v` recurses deeper than the C stack of a loading process holds (reported once). */
  private tooDeep(v: PyVal): void {
    if (this.deepReported) return;
    const d = hashDepth(v);
    if (d <= HASH_DEPTH_LIMIT) return;
    this.deepReported = true;
    this.anomaly(
      'LOAD_COST',
      `a dict key, set member or call argument nests tuples ${d} levels deep: CPython's tuple hash recurses once ` +
        `per level on the C stack without a recursion guard (more than ${HASH_DEPTH_LIMIT} levels reported; the ` +
        'loading process crashes with SIGSEGV at about 150,000 on an 8 MiB stack)',
      false,
    );
  }

  /**
   * A call is given `args`: the callable may hash what each argument holds (set(list), frozenset(tuple),
   * OrderedDict(pairs), OrderedDict(d)), every time it is called, with the same list or dict from the memo.
   */
  private rehashed(args: PyVal): void {
    let steps = 0;
    if (typeof args === 'object' && args.k === K.Tuple) {
      for (const a of args.items) {
        const e = exposure(a);
        if (e > 0) this.tooDeep(a);
        steps += e;
        this.collided(collisionExposure(a));
      }
      // Arguments the tuple did not keep: what they hold was tallied on the tuple itself.
      if (args.more > 0) this.collided(collisionExposure(args));
    } else if (typeof args === 'object' && args.k === K.Dict)
      for (const a of args.vals) {
        steps += exposure(a);
        this.collided(collisionExposure(a));
      }
    if (steps === 0 || !this.hashBudget.addSteps(steps)) return;
    this.anomaly(
      'LOAD_COST',
      `the calls of this stream may hash more than ${HASH_STEP_LIMIT} items: lists, dicts and tuples holding nested ` +
        'tuples that share their items are passed to calls (set(list), frozenset(tuple), OrderedDict(pairs)) that ' +
        'hash every item again: the load does exponential work',
      false,
    );
  }

  /**
   * An instance as a dict key or set member runs its class's __hash__ on its state, and __eq__ when its hash collides
   * with another key's (CPython compares with PyObject_RichCompare; the reflected operand's __eq__ runs when the first
   * answers NotImplemented). Instances whose hash reads their state collide at will, and the comparison reads the
   * state the object has then (a BUILD after the insertion included), so every BUILD state is checked, and the objects
   * the state holds are checked in turn (their hashes make the key's hash; __eq__ compares them with ==), a few
   * levels deep.
   */
  private keyHooks(root: PyVal): void {
    const seen = new Set<ObjV>();
    const todo: [PyVal, number][] = [[root, 0]];
    while (todo.length > 0 && seen.size < KEY_HOOK_OBJECTS) {
      const [v, depth] = todo.pop()!;
      if (typeof v !== 'object') continue;
      if (v.k === K.Tuple) {
        if (depth < KEY_HOOK_DEPTH) for (const it of v.items) todo.push([it, depth + 1]);
        continue;
      }
      // A list or set a key's state holds is compared item by item when the keys' __eq__ compares it.
      if (v.k === K.List || v.k === K.Set || v.k === K.FrozenSet) {
        if (depth < KEY_HOOK_DEPTH) for (const it of v.objs ?? []) todo.push([it, depth + 1]);
        continue;
      }
      if (v.k !== K.Obj || seen.has(v)) continue;
      seen.add(v);
      const names = instanceClasses(v).names;
      const states = statesOf(v);
      for (const state of states.length > 0 ? states : [NONE]) {
        for (const name of names) {
          checkClassSinks(this.sinkHost, name, 'hash', { state });
          checkClassSinks(this.sinkHost, name, 'eq', { state });
        }
        if (depth < KEY_HOOK_DEPTH) for (const it of stateValues(state)) todo.push([it, depth + 1]);
      }
    }
  }

  /**
   * A hook or an admitted callable compares, sizes, iterates, indexes or tests `root` (class-sinks.ts `dunders`):
   * CPython runs `hooks` of its class, and of the classes of the objects a tuple or dict it is holds (their elements
   * are compared, iterated or looked up too), on the state each object has now. Each run is checked against that
   * hook's derived sinks; a sink that runs further special methods nests, a few levels deep (bounded objects).
   */
  private implicitHooks(root: PyVal, hooks: readonly ImplicitHook[]): void {
    if (hooks.length === 0 || this.implicitDepth >= IMPLICIT_HOOK_DEPTH) return;
    this.implicitDepth++;
    try {
      const seen = new Set<PyVal>();
      const todo: [PyVal, number][] = [[root, 0]];
      while (todo.length > 0 && seen.size < KEY_HOOK_OBJECTS) {
        const [v, depth] = todo.pop()!;
        if (typeof v !== 'object' || seen.has(v)) continue;
        seen.add(v);
        if (v.k === K.Tuple) {
          if (depth < KEY_HOOK_DEPTH) for (const it of v.items) todo.push([it, depth + 1]);
          continue;
        }
        if (v.k === K.Dict) {
          if (depth < KEY_HOOK_DEPTH) for (const it of [...v.keys, ...v.vals]) todo.push([it, depth + 1]);
          continue;
        }
        // A list's or set's items (those kept: objects and containers) are compared, hashed or looked up in turn.
        if (v.k === K.List || v.k === K.Set || v.k === K.FrozenSet) {
          if (depth < KEY_HOOK_DEPTH) for (const it of v.objs ?? []) todo.push([it, depth + 1]);
          continue;
        }
        // typing's generics (stored references of the python pack, the types OmegaConf's metadata keeps) subscripted
        // by a hook with the stream's values: typing type-checks the arguments and formats one it refuses with repr(),
        // which runs that object's class code. Only OmegaConf's containers subscript them, with checked plain types.
        if (v.k === K.Global && depth === 0 && hooks.includes('getitem') && TYPING_GENERICS.has(v.imp.canonical))
          this.anomaly(
            'OFF_SHAPE_CALL',
            `${v.imp.canonical} is subscripted by a hook with the stream's values (typing formats an argument it ` +
              'refuses with repr(), running its class code)',
            false,
          );
        if (v.k !== K.Obj) continue;
        const names = instanceClasses(v).names;
        const states = statesOf(v);
        // OmegaConf's containers and value nodes answer every special method with library code that resolves their
        // interpolations: the library never compares, sizes, iterates or indexes one while loading (HistoryCheck
        // 'omegaconf-state'). Their metadata is a dataclass whose methods compare and render its checked fields only.
        // At depth 0 the hooks run on the config itself; an item of a container is reached by comparisons only.
        const config = depth === 0 || hooks.some((h) => COMPARISONS.has(h)) ? names.find(isConfigNode) : undefined;
        if (config !== undefined)
          this.anomaly(
            'OFF_SHAPE_CALL',
            `${config} is compared, sized, iterated or indexed while loading (${hooks.join(', ')}): its special ` +
              'methods run the library, which resolves the interpolations the config holds; OmegaConf never pickles that',
            false,
          );
        // A container compared (==, <, in) compares its items with == first (CPython's list/tuple richcompare).
        const run = depth > 0 ? itemHooks(hooks) : hooks;
        for (const state of states.length > 0 ? states : [NONE])
          for (const name of names) for (const hook of run) checkClassSinks(this.sinkHost, name, hook, { state });
      }
    } finally {
      this.implicitDepth--;
    }
  }

  // ---------------------------------------------------------------- imports

  private importFact(module: string, name: string, extra: ImportExtra = NO_EXTRA): ImportFact {
    const op = this.dec.op;
    // The same import as the previous one (floods repeat one name) folds without building its key.
    const last = this.lastImport;
    if (
      last !== undefined &&
      extra === NO_EXTRA &&
      last.module === module &&
      last.name === name &&
      this.lastImportOp === op &&
      last.protocol === this.proto &&
      last.afterError === this.errored &&
      last.unresolved === undefined &&
      last.derivedVia === undefined &&
      last.ext === undefined
    ) {
      last.repeats = (last.repeats ?? 0) + 1;
      return last;
    }
    const key = importKey(op, module, name, this.proto, this.errored, extra);
    const seen = this.facts.repeatImport(key) ?? this.newImport(key, op, module, name, extra);
    this.lastImport = seen;
    this.lastImportOp = op;
    return seen;
  }

  private newImport(key: string, op: number, module: string, name: string, extra: ImportExtra): ImportFact {
    const fact: ImportFact = {
      ...resolveImportName(module, name, this.proto),
      opcode: opcodeName(op),
      offset: this.dec.offset,
      protocol: this.proto,
      afterError: this.errored,
      ...extra,
    };
    if (!this.facts.addImport(key, fact)) this.factCap('imports');
    if (VettedUses.tracks(fact.canonical)) this.uses ??= new VettedUses();
    return fact;
  }

  /** The class value of an import (shared by its repeats, see `globals`). */
  private globalOf(fact: ImportFact): GlobalV {
    let v = this.globals.get(fact);
    if (v === undefined) {
      v = { k: K.Global, imp: fact, heap: this.containerLevels ? false : isHeapTypeClass(fact.canonical) };
      if (nativeStateHook(fact.canonical) !== undefined) (this.nativeNamed ??= new Set()).add(fact.canonical);
      if (fact.canonical === 'numpy.dtype') this.namesDtype = true;
      if (Object.hasOwn(GENSIM_LOADS, fact.canonical)) this.gensimLoads = true;
      // Facts past the fact log's cap are not folded (each is new): those values are not kept here either.
      if (this.globals.size < MAX_SHARED_GLOBALS) this.globals.set(fact, v);
    }
    return v;
  }

  private unresolvedImport(why: string, extra: ImportExtra = NO_EXTRA): GlobalV {
    return this.globalOf(this.importFact('?', '?', { unresolved: why, ...extra }));
  }

  derive(module: string, name: string, via: string): GlobalV {
    return this.globalOf(this.importFact(module, name, { derivedVia: via }));
  }

  registerExtension(code: number, module: string, name: string): void {
    this.ext.set(code, [module, name]);
  }

  // ---------------------------------------------------------------- nested payloads

  materialize(v: PyVal): Uint8Array | undefined {
    if (typeof v === 'string') {
      const out = new Uint8Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c > 0xff) return new TextEncoder().encode(v);
        out[i] = c;
      }
      return out;
    }
    if (typeof v !== 'object') return undefined;
    if (v.k === K.Bytes || v.k === K.ByteArray) {
      if (v.data) return v.data;
      if (v.off < 0 || v.len > this.maxNestedBytes) return undefined;
      v.data = this.dec.readPayload(v.off, v.len).slice();
      return v.data;
    }
    if (v.k === K.Str) {
      if (v.len > this.maxNestedBytes) return undefined;
      const raw = this.dec.readPayload(v.off, v.len);
      if (!v.utf8) return raw.slice();
      const s = new TextDecoder('utf-8').decode(raw);
      return this.materialize(s);
    }
    if (v.k === K.FileLike) {
      const all = this.materialize(v.bytes);
      return all === undefined || !v.pos ? all : all.subarray(Math.min(v.pos, all.length));
    }
    return undefined;
  }

  nested(loader: ImportFact, bytes: Uint8Array, via: string, literal?: object): void {
    // A literal read whole from the stream: where its payload lies (a zip reading of the file may start there).
    const v = literal as PyVal | undefined;
    const span: readonly [number, number] | undefined =
      typeof v === 'object' && v.k === K.Bytes && v.off >= 0 && v.len === bytes.length
        ? [v.off, v.off + v.len]
        : undefined;
    const payload = { loader, offset: this.dec.offset, bytes, via, ...(span !== undefined ? { literal: span } : {}) };
    const full = this.facts.addNested(payload, literal);
    if (full !== undefined) this.factCap(full);
  }

  nestedUnknown(loader: ImportFact, why: string): void {
    this.anomaly(
      'NESTED_PAYLOAD_UNKNOWN',
      `${loader.importedModule}.${loader.importedName} loads data the scanner cannot reconstruct: ${why}`,
      false,
    );
  }

  // ---------------------------------------------------------------- invocations

  private recordCall(kind: CallKind, callee: PyVal, detail?: string): CallFact {
    this.uses?.called(kind, callee);
    const root = rootImport(callee);
    const fact: { -readonly [P in keyof CallFact]: CallFact[P] } = {
      kind,
      opcode: opcodeName(this.dec.op),
      offset: this.dec.offset,
      callee: root?.imp,
      direct: root?.direct ?? false,
      afterError: this.errored,
    };
    if (detail !== undefined) fact.detail = detail;
    if (root === undefined && detail === undefined) return fact;
    const kept = this.facts.addCall(fact);
    if (typeof kept === 'string') this.factCap(kept);
    return kept as CallFact;
  }

  private checkCallable(callee: PyVal, what: string): void {
    if (typeof callee !== 'object') {
      this.anomaly('TYPE_ERROR', `${what}: '${kindName(callee)}' object is not callable`, true);
      return;
    }
    switch (callee.k) {
      case K.Global:
      case K.Obj:
      case K.Unknown:
      case K.Pers:
        return;
      default:
        this.anomaly('TYPE_ERROR', `${what}: '${kindName(callee)}' object is not callable`, true);
    }
  }

  /** The text of a str too long to keep, read from the stream (argument-work.ts: a number text's exponent). */
  private longText(v: LongStrV): string | undefined {
    if (v.lost === true || v.off < 0 || v.len > TEXT_READ_LIMIT) return undefined;
    const bytes = this.src.read(v.off, v.len);
    if (v.utf8) return new TextDecoder().decode(bytes);
    let out = '';
    for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
    return out;
  }

  private invoke(kind: CallKind, callee: PyVal, args: PyVal, kwargs?: PyVal): PyVal {
    this.checkCallable(callee, opcodeName(this.dec.op));
    this.rehashed(args);
    if (kwargs !== undefined) this.rehashed(kwargs);
    const work = argumentWork(globalName(callee), args, kwargs, (v) => this.longText(v));
    this.materialised(work);
    if (typeof callee === 'object' && callee.k === K.Global)
      this.khashCharged(
        khashCallCharge(callee.imp.canonical, args, kwargs, kind !== 'NEWOBJ' && kind !== 'NEWOBJ_EX', this.readStream),
      );
    this.configArguments(callee, args, kwargs);
    if (
      this.opts.loader.unguardedViews === true &&
      typeof callee === 'object' &&
      callee.k === K.Global &&
      isNativeViewRebuild(callee.imp.canonical)
    ) {
      const p = viewBoundsProblem(args);
      if (p !== undefined)
        this.anomaly(
          'NATIVE_STATE',
          `${callee.imp.canonical} in a TorchScript archive: torch.jit.load's native unpickler sets the view's ` +
            `offset, sizes and strides on the storage without the bounds check Python's rebuild makes; this is ${p} ` +
            '(memory past the storage is read or written on first use)',
          false,
        );
      const x = p === undefined ? viewExpansionProblem(args) : undefined;
      if (x !== undefined)
        this.anomaly(
          'NATIVE_STATE',
          `${callee.imp.canonical} in a TorchScript archive stores ${x} (strides of 0 or overlapping ones repeat ` +
            'its elements): the archive pays for the storage, but code the load runs on the view (a copy, a sum, ' +
            'an element-wise operator) does the work of every element',
          false,
        );
    }
    let effective = callee;
    if (typeof callee === 'object' && callee.k === K.Obj) {
      const special = this.callableObject(callee, args);
      if (special?.result !== undefined) {
        this.recordCall(kind, callee);
        return special.result;
      }
      if (special?.callee !== undefined) effective = special.callee;
    }
    if (typeof callee === 'object' && callee.k === K.Pers) {
      this.recordCall(kind, callee, 'calls an object returned by persistent_load');
    }
    const call = this.recordCall(kind, effective);
    this.uses?.callArgs(args, kwargs);
    if (this.stringDtypes) {
      this.stringDtypeUse(`${kind} arguments`, args);
      this.stringDtypeUse(`${kind} keyword arguments`, kwargs);
    }
    // A partial called with arguments: vetted only in the shape its library writes (vetted-uses.ts CALLED_PARTIALS).
    if (effective !== callee && typeof callee === 'object' && callee.k === K.Obj)
      this.uses?.partialCalled(kind, callee, args, call);
    else if (effective === callee && typeof callee === 'object' && callee.k === K.Global && call.callee !== undefined)
      this.uses?.constructorCall(kind, call.callee, args, call, (v) => this.materialize(v));
    // Every field a later opcode may set on it is made here, so objects keep one shape (nesting.ts, memo reads).
    const result: ObjV = { k: K.Obj, callee: effective, args, call, nest: undefined, fetched: undefined };
    // An instance of a Python class a pack admits as one (a heap type) is freed under CPython's trashcan: it adds no
    // level to a chain of unguarded containers (nesting.ts). torch's C++ unpickler makes no Python objects.
    if (this.guardedObj(result)) result.nest = 0;
    if (work.holds > 0) result.holds = work.holds;
    if (work.lazy !== undefined && work.lazy > 0) result.lazy = work.lazy;
    if (this.keep && effective !== callee) result.through = callee;
    this.uses?.made(kind, call, result);
    if (typeof effective === 'object' && effective.k === K.Global && call.callee !== undefined) {
      const canonical = call.callee.canonical;
      // scipy's vecentropy binds the distribution's own method, getattr of an Enum member gives the member: no
      // attribute is resolved as an import.
      if (canonical === GETATTR && kind === 'REDUCE' && effective === callee && this.uses !== undefined) {
        const shaped = this.uses.getattrCall(call.callee, call, args, result);
        if (shaped !== undefined) return shaped;
      }
      if (kind === 'REDUCE' || kind === 'INST' || kind === 'OBJ') {
        this.checkCallHook(call.callee.canonical, effective === callee ? args : undefined);
        this.scalarValueChecked(call.callee.canonical, effective === callee ? args : undefined, undefined);
        this.arrayArgsChecked(call.callee.canonical, effective === callee ? args : undefined, undefined);
        this.argShapeChecked(call.callee.canonical, effective === callee ? args : undefined, undefined);
        if (effective === callee) this.checkTzText(call.callee.canonical, args, kwargs);
        if (canonical === 'copyreg._reconstructor') this.reconstructorBase(args, result);
        if (effective === callee) this.argumentsRun(canonical, 'call', args);
        if (effective === callee && isCythonUnpickle(canonical)) this.cythonState(result, args);
        if (effective === callee) checkEffects(this.effectHost, canonical, args);
        if (ARROW_CALLABLES.has(canonical)) this.arrowCall(canonical, effective === callee ? args : undefined, result);
        if (STRING_DTYPE_CALLABLES.has(canonical)) this.stringDtypeCall(effective === callee ? args : undefined);
        // What it calls of its own arguments is called (a partial's arguments are not all in view).
        checkCallThrough(this.effectHost, canonical, effective === callee ? args : UNKNOWN);
        // Calling a class runs its __new__ and __init__ on the arguments (a partial adds arguments not in view).
        const input = { args: effective === callee ? args : undefined };
        checkClassSinks(this.sinkHost, canonical, 'new', input);
        checkClassSinks(this.sinkHost, canonical, 'init', input);
        checkCallableSinks(this.sinkHost, canonical, input.args);
        this.nativeNewCall(canonical, args);
      } else if (kind === 'NEWOBJ' || kind === 'NEWOBJ_EX') {
        this.nativeNew(canonical, kind);
        if (canonical === SCRIPT_OBJECT) this.scriptObjectNew(result, args, kwargs);
        // A class that builds itself in __new__ (pandas' Timestamp): NEWOBJ's arguments are a call's.
        this.checkCallHook(canonical, kind === 'NEWOBJ' ? args : undefined, true);
        this.newEmptyChecked(canonical, args, kwargs);
        this.scalarValueChecked(canonical, kind === 'NEWOBJ' ? args : undefined, kwargs);
        this.arrayArgsChecked(canonical, kind === 'NEWOBJ' ? args : undefined, kwargs);
        this.argShapeChecked(canonical, kind === 'NEWOBJ' ? args : undefined, kwargs);
        if (effective === callee) this.checkTzText(canonical, args, kwargs);
        checkDtypeSource(this.effectHost, canonical, args, kwargs);
        checkNewCodec(this.effectHost, canonical, args, kwargs);
        checkClassSinks(this.sinkHost, canonical, 'new', { args, kwargs });
        this.argumentsRun(canonical, 'new', args);
      }
      if (canonical === REBUILD_FROM_TYPE_V2 || canonical === REBUILD_PARAMETER_WITH_STATE) {
        this.torchRebuild(canonical, result, args);
        return result;
      }
      if (
        (kind === 'REDUCE' || kind === 'INST' || kind === 'OBJ') &&
        canonical.startsWith('dill') &&
        dillCreateArrays().has(canonical)
      )
        return this.dillCreateArray(canonical, effective === callee ? args : UNKNOWN);
      const modelled = modelCall(this, canonical, call.callee, args);
      if (modelled !== undefined) return modelled;
    }
    return result;
  }

  /** NEWOBJ-style creation of a native class its library only writes by calling it (native-new.ts). */
  private nativeNew(canonical: string, how: string, via?: string): void {
    const problem = nativeNewProblem(canonical, how, via);
    if (problem !== undefined) this.anomaly('NATIVE_NEW', problem, false);
  }

  /**
   * A call of `cls.__new__`, or of a reconstructor that runs `cls.__new__(cls)` (copyreg.__newobj__/__newobj_ex__,
   * scikit-learn's newObj): the class made without its __init__.
   */
  private nativeNewCall(canonical: string, args: PyVal): void {
    if (canonical.endsWith('.__new__')) this.nativeNew(canonical.slice(0, -'.__new__'.length), `${canonical}()`);
    if (canonical === 'copyreg._reconstructor' || !RECONSTRUCTORS.has(canonical)) return;
    const cls = typeof args === 'object' && args.k === K.Tuple ? args.items[0] : undefined;
    if (typeof cls === 'object' && cls.k === K.Global) this.nativeNew(cls.imp.canonical, `${canonical}()`, canonical);
  }

  /** What the effect checks (effect-checks.ts) may do to this run. */
  private readonly effectHost: EffectHost = {
    invokeModelled: (callee, args, why) => this.invokeModelled(callee, args, why),
    deriveCall: (module, name, via, detail) => this.recordCall('REDUCE', this.derive(module, name, via), detail),
    offShape: (message, fatal) => this.anomaly(fatal ? 'TYPE_ERROR' : 'OFF_SHAPE_CALL', message, fatal),
    answersFromItems: (v) =>
      typeof v === 'object' && v.k === K.Obj && v.planted !== undefined && mayAnswerLookups(instanceClasses(v)),
    classNew: (cls, kwargs) =>
      checkClassSinks(this.sinkHost, cls, 'new', { args: { k: K.Tuple, items: [], more: 0 }, kwargs }),
    compatReading: () => !this.loaderCall,
  };

  /**
   * Whether an instance a list or set does not keep among its items may matter to the checks that walk it
   * (class-sinks.ts): it holds items (SETITEMS) or answers a method some derived sink calls. When it does not, its
   * state dicts are marked, so a later SETITEMS on them, or a BUILD or SETITEMS on the instance, makes the container's
   * unkept items lost (noteChanged).
   */
  private readonly answers: Answers = Object.assign((o: ObjV): boolean => this.answersSink(o), {
    element: droppedElement,
  });

  private answersSink(o: ObjV): boolean {
    if (o.planted !== undefined || o.plantedSetstate !== undefined) return true;
    // An instance of a class whose behaviour no pack reviewed is what a lookup answered from a container's elements
    // may call (dataElements): never left out unseen.
    if (!answersNoName(o))
      for (const m of anySinkMethods()) if (this.sinkHost.plantedAttr(o, m) !== undefined) return true;
    for (const st of statesOf(o))
      for (const d of stateDicts(st)) {
        // A dict marked as the state of an object the memo replaced: that record no longer sees its changes.
        const was = d.stateOfDropped;
        if (was !== undefined && was !== o && was.standIn?.lostAttrs !== undefined) was.standIn.lostAttrs.over = true;
        d.stateOfDropped = o;
      }
    return false;
  }

  /** What the derived constructor and state-hook sinks (class-sinks.ts) may do to this run. */
  private readonly sinkHost: ClassSinkHost = {
    invokeModelled: (callee, args, why) => this.invokeModelled(callee, args, why),
    deriveCall: (module, name, via, detail) => this.recordCall('REDUCE', this.derive(module, name, via), detail),
    implicitHooks: (v, hooks) => this.implicitHooks(v, hooks),
    plantedAttr: (v, name) => {
      // A callable that returns one of its arguments itself (numpy's object scalar) hands that object on.
      for (const o of sameObjects(v)) {
        if (o.memoLost === true) {
          if (this.lostAttr(o, name)) return UNKNOWN;
          continue;
        }
        let found = plantedIn(o.plantedAttrs, [name]);
        for (const st of statesOf(o)) found ??= attrInState(st, name);
        if (found !== undefined) return found;
        if (o.planted !== undefined && mayAnswerLookups(instanceClasses(o))) {
          const item = plantedIn(o.planted, [name]);
          if (item !== undefined) return item;
        }
        if (this.answeredElsewhere(o, name)) return UNKNOWN;
      }
      return undefined;
    },
  };

  /**
   * Whether attribute `name` may have been set on an object the memo stand-in `o` replaced (keepLostAttrs), or may be
   * answered by the lookup hook of a class one may be of: the lookup then answers "unknown".
   */
  private lostAttr(o: ObjV, name: string): boolean {
    const info = o.lostAttrs;
    if (info === undefined || info.over || info.names.has(name)) return true;
    for (const cls of info.classes)
      if (!attrsFromItems(cls) && (lookupAnsweredBy(cls, name) !== undefined || labelLookupBy(cls, name) !== undefined))
        return true;
    return false;
  }

  /**
   * Whether `name` looked up on `o` is answered by its class's own lookup hook from what the stream put in the object
   * (lookupElsewhere): the analysis does not follow that answer, so the lookup is reported and what it finds counts as
   * an object the analysis cannot name.
   */
  private answeredElsewhere(o: ObjV, name: string): boolean {
    const found = lookupElsewhere(o, name);
    if (found === undefined) return false;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `'${name}' is looked up on an object of ${found.cls}, which lacks it: ${found.hook} answers it from what the ` +
        'stream put in the object (a forwarded object, a dict of its state, its data), and that answer is called',
      false,
    );
    return true;
  }

  /** A call a modelled callable makes itself (a stream-chosen callable it is given), depth-bounded. */
  private invokeModelled(callee: PyVal, args: PyVal, why: string): PyVal {
    if (rootImport(callee) === undefined) {
      // What gets called is not a value the analysis can name (items not kept, a computed object): fail closed.
      this.anomaly('OFF_SHAPE_CALL', `${why}: the object called is not one the analysis can name`, false);
    }
    if (this.modelDepth >= MAX_MODEL_DEPTH) {
      this.recordLimit('maxModelDepth', `modelled calls nested deeper than ${MAX_MODEL_DEPTH} levels (${why})`);
      return UNKNOWN;
    }
    this.modelDepth++;
    try {
      this.recordCall('REDUCE', callee, why);
      return this.invoke('REDUCE', callee, args);
    } finally {
      this.modelDepth--;
    }
  }

  /**
   * An admitted callable runs special methods of its arguments (iterating-callables.ts, read from CPython): each
   * argument it iterates, sizes, hashes or indexes is checked as the hooks it runs (argumentRun).
   */
  private argumentsRun(canonical: string, way: CallWay, args: PyVal): void {
    const table = argumentHooks(canonical, way);
    if (table === undefined || typeof args !== 'object' || args.k !== K.Tuple) return;
    const what = way === 'new' ? `${canonical}.__new__` : canonical;
    for (const [i, hooks] of table) {
      const v = args.items[i];
      if (v !== undefined) this.argumentRun(what, v, hooks, 0);
    }
  }

  /**
   * `callee` runs `hooks.arg` on `v` and `hooks.items` on each item of a container `v` is. On an object, its class's
   * special methods run on the state the stream gave it: they are checked against their derived sinks as any implicit
   * hook is (implicitHooks), and an object whose iteration the VM does not model (iterating-callables.ts
   * unmodelledIteration: its library's __iter__/__len__ on unchecked state, native code or a loop its state sizes) is
   * reported, since libraries write these constructors with the lists, tuples and dicts they iterate. The items of a
   * dict builder's argument are iterated as (key, value) pairs, whose keys are hashed.
   */
  private argumentRun(callee: string, v: PyVal, hooks: ArgumentHooks, depth: number): void {
    if (typeof v !== 'object') return;
    let items: readonly PyVal[] = keptItems(v);
    let lost = itemsLost(v);
    if (v.k === K.Obj || v.k === K.Pers) {
      this.implicitHooks(v, operationHooks(hooks.arg));
      const why = iterates(hooks.arg) ? unmodelledIteration(v) : undefined;
      if (why !== undefined) {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${callee} iterates ${why}: CPython runs its class's __iter__/__len__ on the state the stream gave it, ` +
            'code the analysis does not model (native code on unchecked indices, a loop its stored length sizes); ' +
            'libraries write this call with the list, tuple or dict it iterates',
          false,
        );
        return;
      }
      if (v.k === K.Pers || !iterates(hooks.arg)) return;
      // A modelled object (a CPython container, an ndarray) yields the objects it holds.
      const yielded = yieldedObjects(v);
      items = yielded.objs;
      lost = yielded.lost;
    }
    if (depth > 0 || hooks.items.length === 0) return;
    const pairs = iterates(hooks.items);
    if (pairs && lost)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${callee} takes apart every item of its argument as a (key, value) pair, and some of those items were not ` +
          "kept by the analysis: an object among them would run its class's __iter__ on the state the stream gave it",
        false,
      );
    for (const it of items) {
      if (typeof it !== 'object') continue;
      if (pairs) {
        this.argumentRun(`${callee} (an item taken apart as a key and value)`, it, { arg: hooks.items, items: [] }, 1);
        const key = keptItems(it)[0];
        if (typeof key === 'object' && key.k === K.Obj) this.implicitHooks(key, ['hash', 'eq']);
      } else if (it.k === K.Obj || it.k === K.Pers) this.implicitHooks(it, operationHooks(hooks.items));
    }
  }

  /**
   * copyreg._reconstructor(cls, base, state) runs base.__new__(cls, state) and, for a base other than object,
   * base.__init__(obj, state): the base's constructor is called with the stream's state (tzfile as the base opens it).
   */
  private reconstructorBase(args: PyVal, result: ObjV): void {
    const items = typeof args === 'object' && args.k === K.Tuple ? args.items : undefined;
    const cls = items?.[0];
    if (typeof cls === 'object' && cls.k === K.Global && cls.imp.canonical === SCRIPT_OBJECT)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `copyreg._reconstructor of ${SCRIPT_OBJECT}: torch.save writes it by NEWOBJ, and an object made another way ` +
          'is not followed to the BUILD that gives it its C++ object',
        false,
      );
    const base = items?.[1];
    if (typeof base !== 'object' || base.k !== K.Global || base.imp.canonical === 'builtins.object') return;
    // CPython's built-in value types, the bases copyreg._reduce_ex writes for their subclasses, build data from any
    // state; any other base is a call of that class, judged as one (its pack may admit it only through __new__).
    const canonical = base.imp.canonical;
    if (!BUILTIN_VALUE_BASES.has(canonical)) {
      this.recordCall('REDUCE', base, 'copyreg._reconstructor calls base.__init__(obj, state)');
    }
    const state = items!.length > 2 && typeof args === 'object' && args.k === K.Tuple && args.more === 0;
    this.checkCallHook(canonical, state ? { k: K.Tuple, items: [items![2]!], more: 0 } : undefined);
    // base.__new__(cls, state) and base.__init__(obj, state) run on the stream's state.
    const input = { args: state ? ({ k: K.Tuple, items: [items![2]!], more: 0 } as PyVal) : undefined };
    checkClassSinks(this.sinkHost, canonical, 'new', input);
    checkClassSinks(this.sinkHost, canonical, 'init', input);
    // dict.__init__(obj, state) fills the new object's items from the state: a dict subclass that answers lookups
    // from its items then answers with them (an unreadable state counts as items not kept).
    const st = items![2];
    const hooks = baseHooks(canonical);
    if (hooks !== undefined && st !== undefined)
      this.argumentRun(`copyreg._reconstructor with base ${canonical} (base.__init__(obj, state))`, st, hooks, 0);
    if (canonical === 'builtins.dict' && st !== undefined && !(typeof st === 'object' && st.k === K.None)) {
      result.planted =
        typeof st === 'object' && st.k === K.Dict ? st : { k: K.Dict, keys: [], vals: [], n: 1, dropsCode: true };
    }
  }

  /**
   * NEWOBJ of torch.ScriptObject: torch.save writes it with no arguments, followed by one BUILD (whose state names the
   * registered class, torch-class-states.ts scriptObjectStateProblem). The object NEWOBJ makes holds no C++ object
   * until that BUILD: handed on without it (into another ScriptObject's state, whose native __setstate__ converts it),
   * the loading process dereferences a null pointer (SIGSEGV). Objects made here are checked for their BUILD at STOP.
   */
  private scriptObjectNew(result: ObjV, args: PyVal, kwargs: PyVal | undefined): void {
    const empty = typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0;
    const noKw = kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
    if (!empty || !noKw)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `NEWOBJ of ${SCRIPT_OBJECT} with arguments: torch.save writes it with none`,
        false,
      );
    if (this.scriptObjects.length < MAX_SCRIPT_OBJECTS) this.scriptObjects.push(result);
    else this.scriptObjectsOver = true;
  }

  /** ScriptObjects NEWOBJ made that no BUILD gave a state (or more were made than are followed). */
  private unbuiltScriptObjects(): void {
    const unbuilt = this.scriptObjects.filter((o) => o.state === undefined).length;
    if (unbuilt > 0)
      this.anomaly(
        'NATIVE_STATE',
        `${unbuilt} ${SCRIPT_OBJECT} object(s) made by NEWOBJ without a BUILD: the object holds no C++ object until ` +
          "its __setstate__ runs, and native code handed it (another ScriptObject's __setstate__, a layer's " +
          'forward) dereferences a null pointer; torch.save writes one BUILD after each',
        false,
      );
    if (this.scriptObjectsOver)
      this.anomaly(
        'NATIVE_STATE',
        `more than ${MAX_SCRIPT_OBJECTS} ${SCRIPT_OBJECT} objects: the ones past that count are not followed to their BUILD`,
        false,
      );
  }

  /** NEWOBJ with arguments of a class a history pack admits only rebuilt with none (HistoryCheck 'new-empty'). */
  private newEmptyChecked(canonical: string, args: PyVal, kwargs: PyVal | undefined): void {
    if (!historyChecks(canonical).includes('new-empty')) return;
    const empty = typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0;
    const noKw = kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
    if (empty && noKw) return;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `NEWOBJ of ${canonical} with arguments: pandas rebuilds it with none, and the __new__ of its released versions ` +
        'builds the object from its arguments (admitted rebuilt with none: its history pack review)',
      false,
    );
  }

  /**
   * A call (or NEWOBJ) of a class a history pack admits only with one scalar value (HistoryCheck 'scalar-value': an
   * Enum, whose lookup formats a value that is no member's, running the __repr__/__format__ of an object's class).
   */
  private scalarValueChecked(canonical: string, args: PyVal | undefined, kwargs: PyVal | undefined): void {
    const declared = historyChecks(canonical).includes('scalar-value');
    // Every other Enum a history pack admits (enum-members.ts) is held to the same when its arguments are known:
    // Enum.__new__ formats a value that is no member's with repr() (ValueError's message), running an object's class's
    // __repr__, which no effect table models. Enum values are scalars or tuples of them; no arguments only raise.
    if (!declared && (args === undefined || !enumClasses().has(canonical))) return;
    const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
    const v = items?.length === 1 ? items[0] : undefined;
    const scalarOf = (x: PyVal): boolean =>
      typeof x !== 'object' || x.k === K.Str || x.k === K.Float || x.k === K.None || x.k === K.True || x.k === K.False;
    const scalar =
      (v !== undefined &&
        (scalarOf(v) ||
          (!declared && typeof v === 'object' && v.k === K.Tuple && v.more === 0 && v.items.every(scalarOf)))) ||
      (!declared && items?.length === 0);
    const noKw = kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
    if (scalar && noKw) return;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `call of ${canonical} with ${v === undefined ? 'other arguments than one value' : kindName(v)}: its library ` +
        'writes a member as a call with its str or number value, and a value that is no member is formatted ' +
        "(repr/format runs its class's code; admitted with one scalar: its history pack review)",
      false,
    );
  }

  /**
   * A call (or NEWOBJ) of a class a history pack admits only with numpy arrays, None, bools and numbers (HistoryCheck
   * 'array-args': quantile-forest's QuantileForest, whose constructor checks its array arguments' types and takes the
   * truth value of its flag, which would run an object's class's __bool__ or __len__).
   */
  /** The argument shapes of the history checks 'str-args' and 'translation-proxy' (one lookup of the class's checks). */
  private argShapeChecked(canonical: string, args: PyVal | undefined, kwargs: PyVal | undefined): void {
    const checks = historyChecks(canonical);
    if (checks.length === 0) return;
    if (checks.includes('str-args')) this.strArgsChecked(canonical, args, kwargs);
    if (checks.includes('translation-proxy')) this.translationProxyChecked(canonical, args, kwargs);
  }

  /**
   * A call (or NEWOBJ) of a class a history pack admits only with str arguments (HistoryCheck 'str-args': a path
   * class, whose constructor takes os.fspath of each argument, running the __fspath__ of any other object's class).
   */
  private strArgsChecked(canonical: string, args: PyVal | undefined, kwargs: PyVal | undefined): void {
    const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
    const noKw = kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
    const other = items?.find((x) => !isStr(x));
    if (items !== undefined && noKw && other === undefined) return;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `call of ${canonical} with ${items === undefined ? 'arguments the analysis does not hold' : !noKw ? 'keyword arguments' : kindName(other!)}: ` +
        'its library writes a path as a call with its parts as strings, and the constructor runs os.fspath on ' +
        "each argument (any other object's __fspath__)",
      false,
    );
  }

  /**
   * A call (or NEWOBJ) of Sphinx's translation proxy, which the history pack admits only with the arguments Sphinx
   * writes (HistoryCheck 'translation-proxy', translation-proxy.ts): its released __new__ returns str() of a lone
   * argument, and its string form calls the stored function on the stored arguments.
   */
  private translationProxyChecked(canonical: string, args: PyVal | undefined, kwargs: PyVal | undefined): void {
    const p = translationProxyArgsProblem(args, kwargs);
    if (p !== undefined)
      this.anomaly(
        'OFF_SHAPE_CALL',
        `call of ${canonical} with ${p}: Sphinx rebuilds a translated label from one of its translation functions ` +
          'and strings, or from nothing; the object calls what it is given whenever it is read as text',
        false,
      );
  }

  private arrayArgsChecked(canonical: string, args: PyVal | undefined, kwargs: PyVal | undefined): void {
    if (!historyChecks(canonical).includes('array-args')) return;
    const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
    const noKw = kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
    const problem =
      items === undefined
        ? 'arguments the analysis does not hold'
        : !noKw
          ? 'keyword arguments'
          : items.map(arrayArgProblem).find((p) => p !== undefined);
    if (problem === undefined) return;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `call of ${canonical} with ${problem}: its library writes a call with numpy arrays and a bool (admitted with ` +
        'numpy arrays, None, bools and numbers only: its history pack review)',
      false,
    );
  }

  /** A pandas callable or class given a 'dateutil/<path>' tz text (call-hooks.ts pandasTzTextProblem): an open. */
  private checkTzText(canonical: string, args: PyVal, kwargs: PyVal | undefined): void {
    const problem = pandasTzTextProblem(canonical, args, kwargs);
    if (problem === undefined) return;
    const runs = this.derive('builtins', 'open', `${canonical}: ${problem}`);
    this.recordCall('REDUCE', runs, `${canonical} resolves a 'dateutil/' tz text by opening that path (maybe_get_tz)`);
  }

  /** A constructor called outside the argument shape its pack admits it in: reported as the call it makes. */
  private checkCallHook(canonical: string, args: PyVal | undefined, viaNew = false): void {
    const hook = callHookProblem(canonical, args, { pytzPlanted: this.pytzPlanted }, viaNew);
    if (hook === undefined) return;
    const runs = this.derive(hook.runs.module, hook.runs.name, `${canonical}.__init__: ${hook.problem}`);
    this.recordCall('REDUCE', runs, `${canonical} ${hook.what}`);
  }

  /**
   * torch's rebuild helpers apply a state of the stream's choosing themselves: _rebuild_from_type_v2(func, new_type,
   * args, state) runs new_type's __setstate__(state) or setattr for every state key (its call of func(*args) is the
   * call-through model's: effect-checks.ts checkCallThrough); _rebuild_parameter_with_state(data, requires_grad,
   * hooks, state) setattrs every state key on the Parameter.
   */
  private torchRebuild(canonical: string, result: ObjV, args: PyVal): void {
    const items = typeof args === 'object' && args.k === K.Tuple ? args.items : [];
    const state = items[3];
    if (state !== undefined) {
      this.applyState(result, state, `${canonical} (__setstate__ or setattr per key)`);
      // Without a __setstate__ of its own, torch iterates the state (and the slot state of a pair) with .items()
      // (torch._utils._set_obj_state; 1.13 inline), of whatever object the stream gave.
      this.pythonBuild(state, `${canonical} (torch's setattr per key of state.items())`);
    }
  }

  /**
   * dill's `_create_array(f, args, state, npdict=None)` (dill-types.ts dillCreateArrays) runs `array = f(*args)`,
   * `array.__setstate__(state)` and, for an npdict other than None, `array.__dict__.update(npdict)`, and returns the
   * array. Each step is judged as the stream's own: f is called with the items of args as a REDUCE of f would be (its
   * verdict, call hooks and effects apply), the state is applied as a BUILD of the array, and the npdict entries become
   * attributes of the array with no hook (special or computed keys flagged, planted names remembered). Arguments the
   * analysis does not hold as a tuple, a non-tuple args and an npdict that is an object (whose keys() and __getitem__
   * update() runs) are off-shape: dill writes a tuple of four, the array's own reduce and None or its __dict__.
   */
  private dillCreateArray(canonical: string, args: PyVal): PyVal {
    const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
    if (items === undefined || items.length < 3 || items.length > 4) {
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${canonical} is called with ${items === undefined ? 'arguments not held as a tuple' : `${items.length} arguments`}` +
          ' (dill writes f, args, state and npdict): what it calls is not known',
        false,
      );
      return UNKNOWN;
    }
    const [f, spread, state, npdict] = items as [PyVal, PyVal, PyVal, PyVal | undefined];
    let withArgs: PyVal = spread;
    if (typeof spread !== 'object' || spread.k !== K.Tuple || spread.more !== 0) {
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${canonical} calls its argument 0 with the items of its argument 1, which is ${kindName(spread)} (dill ` +
          "writes the array's reduce arguments, a tuple): what it is called with is not known",
        false,
      );
      withArgs = UNKNOWN;
    }
    const array = this.invokeModelled(f, withArgs, `${canonical} calls its argument 0 with the items of argument 1`);
    // array.__setstate__(state): what a BUILD of the array with that state runs.
    this.build(array, state);
    if (npdict !== undefined && !(typeof npdict === 'object' && npdict.k === K.None)) {
      const via = `${canonical}: array.__dict__.update(npdict)`;
      if (typeof npdict !== 'object' || npdict.k !== K.Dict) {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} with ${kindName(npdict)}, not a dict (dill writes None or the array's __dict__): update() runs ` +
            "that object's keys() and __getitem__",
          false,
        );
      } else {
        this.chargeState(npdict);
        noteChanged(array);
        const planted = this.checkDunderState(npdict, via);
        if (typeof array === 'object' && array.k === K.Obj) {
          if (planted !== undefined) array.plantedSetstate = planted;
          plantAttrs(array, npdict, true);
        }
      }
    }
    return array;
  }

  /**
   * Calling an object made by a known callable-factory: partial(f, …)() calls f; attrgetter('a.b')(obj)
   * returns obj.a.b; methodcaller('m', …)(obj) calls obj.m(…).
   */
  private callableObject(obj: ObjV, args: PyVal): { callee?: PyVal; result?: PyVal } | undefined {
    const root = rootImport(obj.callee);
    if (!root || !root.direct) return undefined;
    const made = obj.args;
    const first = typeof made === 'object' && made.k === K.Tuple ? made.items[0] : undefined;
    const target = typeof args === 'object' && args.k === K.Tuple ? args.items[0] : undefined;
    switch (root.imp.canonical) {
      case 'functools.partial':
      case 'functools.partialmethod':
        return first !== undefined ? { callee: first } : undefined;
      case 'operator.attrgetter': {
        if (typeof first !== 'string' || target === undefined) return undefined;
        let cur: PyVal | undefined = target;
        for (const part of first.split('.')) {
          cur = cur === undefined ? undefined : getattrModel(this, cur, part, 'operator.attrgetter');
        }
        return cur !== undefined ? { result: cur } : undefined;
      }
      case 'operator.methodcaller': {
        if (typeof first !== 'string' || target === undefined) return undefined;
        const method = getattrModel(this, target, first, 'operator.methodcaller');
        return method !== undefined ? { callee: method } : undefined;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- containers

  /** APPEND/APPENDS: the target's kind decides what runs (list contents themselves are not kept). */
  private appendTo(target: PyVal, item: PyVal | undefined): void {
    if (typeof target === 'object') {
      if (target.k === K.List) return;
      if (target.k === K.Obj || target.k === K.Global || target.k === K.Pers || target.k === K.Unknown) {
        if (target.k !== K.Unknown) this.recordCall('APPEND', target, 'extend()/append() on a non-list object');
        if (target.k === K.Obj) this.itemsChecked(target, 'APPENDS');
        if (target.k === K.Obj) this.plantedMethod(target, ['extend', 'append'], item, 'APPENDS');
        return;
      }
    }
    this.anomaly('TYPE_ERROR', `APPEND target is a '${kindName(target)}', which has no extend/append`, true);
  }

  private setItems(target: PyVal, kv: PyVal[]): void {
    if (kv.length % 2 !== 0) this.anomaly('TYPE_ERROR', 'odd number of items for SETITEMS', true);
    noteChanged(target);
    for (const v of kv) this.holdsChild(target, v);
    if (typeof target === 'object') {
      if (target.k === K.Dict) {
        if (target.dtypeFields === true)
          this.anomaly(
            'DTYPE_STATE',
            'SETITEM(S) on the fields dict of a numpy.dtype after its BUILD: numpy keeps that dict, so the fields change ' +
              'after their offsets were checked against the item size',
            false,
          );
        for (let i = 0; i + 1 < kv.length; i += 2) {
          const key = kv[i]!;
          if (isUnhashable(key)) this.anomaly('TYPE_ERROR', `unhashable type: '${kindName(key)}'`, true);
          else {
            this.hashed(key, target);
            if (deepHash(key)) target.keyCost = (target.keyCost ?? 0) + hashCost(key);
          }
          if (this.keep) dictPutAll(target, key, kv[i + 1]!);
          else dictPut(target, key, kv[i + 1]!);
        }
        return;
      }
      if (target.k === K.Obj || target.k === K.Global || target.k === K.Pers) {
        this.recordCall('SETITEM', target, '__setitem__ on a non-dict object');
        if (target.k === K.Obj && target.state !== undefined) {
          // A __setitem__ that reads what BUILD set (item-hooks.ts): the library's own files store items first.
          const hook = itemHookAfterBuild(instanceClasses(target).names);
          if (hook !== undefined)
            this.anomaly('OFF_SHAPE_CALL', `SETITEM after the object's BUILD: ${hook.what}`, false);
        }
        if (target.k === K.Obj) this.itemsChecked(target, 'SETITEMS');
        // A dict subclass (OrderedDict, Counter, defaultdict) hashes each key it is given.
        for (let i = 0; i + 1 < kv.length; i += 2) if (!isUnhashable(kv[i]!)) this.hashed(kv[i]!, target);
        if (target.k === K.Obj) {
          if (isPytzObject(target)) this.pytzPlanted = true;
          const planted = (target.planted ??= { k: K.Dict, keys: [], vals: [], n: 0 });
          for (let i = 0; i + 1 < kv.length; i += 2) dictPut(planted, kv[i]!, kv[i + 1]!);
          if (target.standIn !== undefined) keepLostAttrs(target, target.standIn);
        }
        if (this.keep && target.k === K.Obj) {
          const items = (target.items ??= { k: K.Dict, keys: [], vals: [], n: 0 });
          for (let i = 0; i + 1 < kv.length; i += 2) dictPutAll(items, kv[i]!, kv[i + 1]!);
        }
        return;
      }
      if (target.k === K.Unknown) return;
    }
    this.anomaly('TYPE_ERROR', `'${kindName(target)}' object does not support item assignment`, true);
  }

  /**
   * Items given to an object that may be of a class a history pack admits only without them (HistoryCheck 'items'):
   * the released versions' __setitem__/append/extend/add of that class run their library code on the stream's values.
   */
  private itemsChecked(target: ObjV, op: string): void {
    if (this.stringArrays?.has(target))
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${op} on a numpy StringDType array: numpy writes no items into it after its state, and its __setitem__ ` +
          'calls str() on each value',
        false,
      );
    const named = instanceClasses(target).names.find(
      (n) => ARROW_STRING_ARRAYS.has(n) || historyChecks(n).includes('items'),
    );
    if (named === undefined) return;
    this.anomaly(
      'OFF_SHAPE_CALL',
      `${op} on an object of ${named}: the library never gives it items, and the __setitem__/append/extend/add of ` +
        'its released versions run their library code on the values (admitted without items: its history pack review)',
      false,
    );
  }

  private addItems(target: PyVal, items: PyVal[]): void {
    noteChanged(target);
    for (const v of items) this.holdsChild(target, v);
    if (typeof target === 'object') {
      if (target.k === K.Set) {
        for (const it of items) {
          if (isUnhashable(it)) this.anomaly('TYPE_ERROR', `unhashable type: '${kindName(it)}'`, true);
          else this.hashed(it, target);
          keepObj(target, it, this.answers);
        }
        return;
      }
      if (target.k === K.Obj || target.k === K.Global || target.k === K.Pers) {
        this.recordCall('ADDITEMS', target, 'add() on a non-set object');
        if (target.k === K.Obj) this.itemsChecked(target, 'ADDITEMS');
        // A set subclass hashes each member it is given.
        for (const it of items) if (!isUnhashable(it)) this.hashed(it, target);
        if (target.k === K.Obj) this.plantedMethod(target, ['add'], items[0], 'ADDITEMS');
        // A set subclass's add() hashes each item (and compares it with == on a collision): their hooks run.
        for (const it of items) if (!isUnhashable(it)) this.hashed(it);
        return;
      }
      if (target.k === K.Unknown) return;
    }
    this.anomaly('TYPE_ERROR', `ADDITEMS target is a '${kindName(target)}'`, true);
  }

  /**
   * An opcode that uses what earlier opcodes set on an object (BUILD's __setstate__ lookup, APPENDS's append) applied
   * to the memo's stand-in for an object it stored after its detail budget: that was not kept. Picklers apply items
   * and state to an object where they make it, never to a memo read of it.
   */
  private memoLostTarget(op: string): void {
    this.anomaly(
      'OFF_SHAPE_CALL',
      `${op} on an object read from the memo after the analysis's first ${this.memoDetail} entries: what earlier ` +
        'opcodes set on it (a planted __setstate__, append or add) was not kept',
      false,
    );
  }

  /**
   * APPENDS/ADDITEMS on an object that is no list/set call getattr(obj, 'extend'/'append'/'add'): an attribute an
   * earlier BUILD planted in the instance __dict__, or an item the object answers attribute lookups from (a dict
   * subclass with such a __getattr__, or a class the stream does not name), is what gets called, with the items.
   */
  private plantedMethod(inst: ObjV, names: readonly string[], item: PyVal | undefined, op: string): void {
    if (inst.memoLost === true) this.memoLostTarget(op);
    const found = plantedIn(inst.plantedAttrs, names);
    const classes = found === undefined && inst.planted !== undefined ? instanceClasses(inst) : undefined;
    const fromItems = classes !== undefined && mayAnswerLookups(classes) ? plantedIn(inst.planted, names) : undefined;
    const callee = found ?? fromItems;
    if (callee === undefined && names.some((n) => this.answeredElsewhere(inst, n))) {
      this.invokeModelled(
        UNKNOWN,
        { k: K.Tuple, items: [item ?? UNKNOWN], more: 0 },
        `${op} calls ${names.join('/')}() of the object, which its class's lookup hook answers`,
      );
      return;
    }
    if (callee === undefined) {
      // CPython's pickler writes list/set items before the state; after a BUILD, an object of a class the stream does
      // not name may answer the lookup from that state (torch's Module.__getattr__ reads its _buffers/_modules).
      if (inst.state !== undefined && behaviourUnknown(instanceClasses(inst))) {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${op} after BUILD on an object of a class the analysis cannot name: its ${names.join('/')} lookup may be answered by the state the BUILD set (picklers write items before state)`,
          false,
        );
      }
      return;
    }
    const where = found !== undefined ? 'an attribute an earlier BUILD planted' : 'an item SETITEMS planted';
    this.invokeModelled(
      callee,
      { k: K.Tuple, items: [item ?? UNKNOWN], more: 0 },
      `${op} calls ${names.join('/')}() of the object, which it answers with ${where}`,
    );
  }

  // ---------------------------------------------------------------- BUILD

  /**
   * Applies BUILD. Returns what the loader leaves on the stack instead of `inst`, when it replaces it (joblib's
   * NumpyUnpickler: the array a NumpyArrayWrapper reads; the memo keeps the wrapper).
   */
  private build(inst: PyVal, state: PyVal): PyVal | undefined {
    this.chargeState(state);
    noteChanged(inst);
    if (this.stringDtypes) this.stringDtypeUse('BUILD state', state, this.stringDtypeSlot(inst, state));
    if (typeof inst !== 'object') {
      this.anomaly('TYPE_ERROR', `BUILD on a '${kindName(inst)}' (no __dict__)`, true);
      return;
    }
    if (inst.k === K.Global) {
      // setattr/__setstate__ on a class, function or module object: rewrites code the process will run.
      this.recordCall('BUILD_GLOBAL', inst, 'BUILD applies state to an imported class/module/function');
      this.checkDunderState(state);
      return;
    }
    if (inst.k === K.Obj) {
      if (inst.memoLost === true) this.memoLostTarget('BUILD');
      let call: CallFact | undefined;
      const classes = instanceClasses(inst);
      const fromItems = this.itemSetstate(inst, classes);
      if (inst.plantedSetstate !== undefined) {
        this.recordCall('BUILD', inst.plantedSetstate, 'calls a __setstate__ planted by an earlier BUILD');
        this.checkCallable(inst.plantedSetstate, 'BUILD');
      } else if (fromItems === undefined && this.answeredElsewhere(inst, '__setstate__')) {
        this.invokeModelled(
          UNKNOWN,
          { k: K.Tuple, items: [state], more: 0 },
          "BUILD calls __setstate__, which the instance's class lacks and its lookup hook answers",
        );
      } else if (fromItems !== undefined) {
        // BUILD looks __setstate__ up with getattr: the class's __getattr__ answers with a planted item.
        this.invokeModelled(
          fromItems,
          { k: K.Tuple, items: [state], more: 0 },
          'BUILD calls __setstate__, which the instance answers from an item SETITEMS planted (__getattr__)',
        );
      } else {
        call = this.recordCall('BUILD', inst);
      }
      this.uses?.built(inst, state, call);
      // A second BUILD updates the instance __dict__: the entries the first one set stay attributes.
      if (inst.state !== undefined) plantAttrs(inst, inst.state, true);
      const states = (inst.states ??= inst.state !== undefined ? [inst.state] : []);
      if (states.length < MAX_BUILDS_KEPT) states.push(state);
      else {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `BUILD on one object more than ${MAX_BUILDS_KEPT} times (picklers write one BUILD per object); the state of the later ones is folded into the last kept`,
          false,
        );
        states[MAX_BUILDS_KEPT - 1] = state;
      }
      inst.state = state;
      this.applyState(inst, state, 'BUILD');
      if (inst.standIn !== undefined) keepLostAttrs(inst, inst.standIn);
      if (call !== undefined) this.pythonBuild(state);
      // An object already used as a key: the next collision compares it with the state this BUILD gave it.
      if (inst.keyed === true) this.keyHooks(inst);
      let replaced: PyVal | undefined;
      if (this.opts.loader.joblibArrays && mayBeJoblibWrapper(classes, state)) {
        const array = this.joblibArray(inst, state);
        // Only an object that is a wrapper whatever made it is surely replaced (joblib's isinstance check); a class
        // the stream does not name keeps the wrapper, whose state still names everything the array could hold. The
        // value-keeping mode (tensor extraction, after the scan) keeps the wrapper: it reads the array from there.
        if (!this.keep && !classes.unknown && classes.names.every((n) => JOBLIB_WRAPPERS.has(n))) replaced = array;
      }
      if (this.opts.loader.joblibArrays) this.companion(classes, state);
      return replaced;
    }
    if (inst.k === K.Unknown || inst.k === K.Pers) {
      // An instance of a class the stream does not name: every hook whose trigger the state carries is checked.
      this.stateHooks(instanceClasses(inst), state, 'BUILD on an object of unknown class');
      checkUnknownClassState(this.sinkHost, state);
      this.unnamedNativeState(instanceClasses(inst), state, 'BUILD on an object of unknown class');
      return;
    }
    if (inst.k === K.FileLike) {
      this.buildBytesio(inst, state);
      return;
    }
    this.anomaly('TYPE_ERROR', `BUILD on a '${kindName(inst)}' (no __setstate__ or __dict__)`, true);
  }

  /**
   * A BUILD hashes again what its state holds: CPython's C BUILD stores each entry of a dict state (and of a slot
   * state's dict) in the instance (PyObject_SetItem hashes the key, and a tuple's hash is not cached), and a
   * __setstate__ may pass the state's values to calls that hash their items (set(list)). A state the memo hands to many
   * BUILDs is hashed at each of them, so every BUILD is charged the hash cost its state holds.
   */
  private chargeState(state: PyVal): void {
    if (typeof state !== 'object' || (state.k !== K.Dict && state.k !== K.Tuple)) return;
    let steps = 0;
    const add = (v: PyVal): void => {
      steps = Math.min(steps + exposure(v), 2 ** 52);
      // Keys that share hashes are compared again when the state's entries are stored in the instance.
      this.collided(collisionExposure(v));
      if (typeof v === 'object' && v.k === K.Dict)
        for (const x of v.vals) {
          steps = Math.min(steps + exposure(x), 2 ** 52);
          this.collided(collisionExposure(x));
        }
    };
    if (state.k === K.Dict) add(state);
    else for (const it of state.items) add(it);
    if (steps === 0 || !this.hashBudget.addSteps(steps)) return;
    this.anomaly(
      'LOAD_COST',
      `the BUILDs of this stream may hash more than ${HASH_STEP_LIMIT} items: a state holding nested tuples that share ` +
        'their items (a dict keyed by one, or one as a value a __setstate__ may hash) is applied again at every BUILD ' +
        'it is given (the memo hands one state to many objects): the load does exponential work',
      false,
    );
  }

  /**
   * pickle._Unpickler.load_build, the pure-Python reading joblib.load (NumpyUnpickler) and pandas.read_pickle's compat
   * reader use: for an instance without __setstate__ it runs `if state:` and `state.items()` (and the same on the slot
   * state of a 2-tuple) on whatever the state is, where CPython's C BUILD refuses a state that is not a dict. An object
   * state runs its class's __bool__/__len__, and its `items` lookup finds what the stream planted on it.
   */
  private pythonBuild(
    state: PyVal,
    who = "the pure-Python unpickler's load_build (joblib.load, pandas.read_pickle's compat reader)",
  ): void {
    if (typeof state !== 'object') return;
    const parts = state.k === K.Tuple && state.items.length === 2 && state.more === 0 ? state.items : [state];
    for (const part of parts) {
      if (typeof part !== 'object' || part.k !== K.Obj) continue;
      this.implicitHooks(part, ['bool', 'len']);
      const items = this.sinkHost.plantedAttr(part, 'items');
      if (items !== undefined && typeof items === 'object' && CALLABLE_KINDS.has(items.k)) {
        this.invokeModelled(
          items,
          { k: K.Tuple, items: [], more: 0 },
          `an object state: ${who} calls state.items(), which the stream planted on that object`,
        );
      }
    }
  }

  /**
   * A Cython __pyx_unpickle_<Class>(type, checksum, state) sets the C fields from the state tuple and then, when the
   * type has an instance __dict__ (any Python subclass the stream names), runs `__dict__.update(state[n])` on the
   * item after the fields: the entries become attributes with no BUILD, so they are checked as a BUILD state's are
   * (special attributes, a planted __setstate__ a later BUILD calls, a planted __new__). The libraries write state
   * None there and the fields in a BUILD; a state that is an object (not a tuple) is read by its own __getitem__.
   */
  private cythonState(result: ObjV, args: PyVal): void {
    const state = typeof args === 'object' && args.k === K.Tuple ? args.items[2] : undefined;
    // The unpickle function sets the C fields with the same __set_state function __setstate__ uses: a native class
    // that reads its state's items unchecked reads past a shorter one here too (native-states.ts).
    const cls = typeof args === 'object' && args.k === K.Tuple ? args.items[0] : undefined;
    if (state !== undefined && !(typeof state === 'object' && state.k === K.None)) {
      if (typeof cls === 'object' && cls.k === K.Global) {
        const p = nativeStateProblem(cls.imp.canonical, state);
        if (p !== undefined) this.anomaly('NATIVE_STATE', `Cython unpickle of ${cls.imp.canonical}: ${p}`, false);
      } else this.unnamedNativeState(UNKNOWN_CLASS, state, 'Cython unpickle of a class the stream does not name');
    }
    if (typeof state !== 'object') return;
    if (state.k !== K.Tuple) {
      if (state.k === K.Obj || state.k === K.Unknown || state.k === K.Pers) {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `Cython unpickle state is ${kindName(state)}, not a tuple: its items are read by that object's own hooks`,
          false,
        );
      }
      return;
    }
    const planted = this.checkDunderState(state, 'Cython unpickle state');
    if (planted !== undefined) result.plantedSetstate = planted;
    plantAttrs(result, state, true);
    for (const it of state.items) {
      if (typeof it === 'object' && (it.k === K.Obj || it.k === K.Unknown || it.k === K.Pers)) {
        this.anomaly(
          'OFF_SHAPE_CALL',
          `Cython unpickle state item is ${kindName(it)}: __dict__.update() of an object runs its keys() and ` +
            '__getitem__, and the libraries write their object fields in a BUILD, not here',
          false,
        );
        return;
      }
    }
  }

  /** BUILD on an io.BytesIO: its C __setstate__ replaces the contents, the position and the instance dict. */
  private buildBytesio(f: FileLikeV, state: PyVal): void {
    if (f.plantedSetstate !== undefined) {
      this.recordCall('BUILD', f.plantedSetstate, 'calls a __setstate__ planted by an earlier BUILD');
      this.checkCallable(f.plantedSetstate, 'BUILD');
      return;
    }
    const s = bytesioSetstate(state);
    if (!s.ok) {
      this.anomaly('TYPE_ERROR', s.error, true);
      return;
    }
    f.bytes = s.contents ?? { k: K.Bytes, off: -1, len: 0, via: 'BytesIO.__setstate__ with contents not known' };
    f.pos = s.pos;
    if (s.dict !== undefined && (s.dict.n !== 0 || s.dict.opaque === true)) f.dict = true;
    if (s.dict !== undefined) {
      const planted = this.checkDunderState(s.dict);
      if (planted !== undefined) f.plantedSetstate = planted;
    }
  }

  /**
   * State applied to an instance (BUILD, or torch's _rebuild_from_type_v2 / _rebuild_parameter_with_state, which
   * call __setstate__ or setattr per key themselves): special attributes and computed keys in the state are flagged,
   * a planted __setstate__ is remembered, and the state hook of the instance's class is checked whatever path made
   * the instance (a direct call, a reconstructor, an identity helper).
   */
  private applyState(inst: ObjV, state: PyVal, via: string): void {
    if (isPytzObject(inst)) this.pytzPlanted = true;
    this.unreadStateItems(state, via);
    const classes = instanceClasses(inst);
    const planted = this.checkDunderState(state, undefined, consumedStateKeys(classes));
    if (planted !== undefined) inst.plantedSetstate = planted;
    plantAttrs(inst, state);
    this.khashCharged(khashStateCharge(classes.names, state, this.readStream));
    this.opts.loader.onState?.(classes, state);
    this.stateHooks(classes, state, via);
    // __setstate__ of every class the instance may be runs on the state (its derived sinks: class-sinks.ts).
    for (const name of classes.names) checkClassSinks(this.sinkHost, name, 'setstate', { state });
    for (const name of classes.names) this.stateLoops(inst, name, state, via);
    // Classes a history pack admits only with the state shape their library wrote (HistoryCheck 'frame-state').
    for (const name of classes.names) {
      if (!historyChecks(name).includes('frame-state')) continue;
      const p = frameStateProblem(state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions' __setstate__ take a block manager, a dict or the series ` +
            'and sparse-frame tuples pandas wrote as data (any other state goes to legacy readers that np.load its ' +
            'items: a pickle loader)',
          false,
        );
    }
    // CatBoost models: one BUILD of the dict CatBoost writes (HistoryCheck 'catboost-state', catboost-model.ts).
    for (const name of classes.names) {
      if (!historyChecks(name).includes('catboost-state')) continue;
      const p = catboostStateProblem(state, inst.states?.length ?? 1);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions' __setstate__ hand the state's '__model' to CatBoost's ` +
            "native model reader and the metric values of '_test_evals' to float(), and store the rest",
          false,
        );
    }
    // Classes a history pack admits for one BUILD only (HistoryCheck 'one-build'): a second would find what the first
    // set through the class's lookup hook.
    for (const name of classes.names) {
      if (!historyChecks(name).includes('one-build') || (inst.states?.length ?? 1) <= 1) continue;
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${via} on ${name}: a second BUILD on one object (its library writes one; the class answers a name it lacks, ` +
          '__setstate__ included, from the object the first state set)',
        false,
      );
    }
    // Classes a history pack admits only with an empty dict state (HistoryCheck 'empty-state').
    for (const name of classes.names) {
      if (!historyChecks(name).includes('empty-state')) continue;
      const p = emptyStateProblem(state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its library writes an empty dict by default, and its released versions' ` +
            "__setstate__ hand a non-empty state's items to scipy's toarray and reshape when the object's " +
            'sparse_pickle flag (an argument of the call that made it) is set',
          false,
        );
    }
    // Sphinx's translation proxy: the states Sphinx writes (HistoryCheck 'translation-proxy', translation-proxy.ts).
    for (const name of classes.names) {
      if (!historyChecks(name).includes('translation-proxy')) continue;
      const p = translationProxyStateProblem(state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions call the stored function with the stored arguments (or ` +
            "look the message up in Sphinx's translators) whenever the label is read as text, hashed or compared",
          false,
        );
    }
    // NLTK's Punkt tokenizer, parameters and language variables: the states NLTK writes (HistoryCheck 'punkt-state',
    // punkt-state.ts).
    for (const name of classes.names) {
      if (!historyChecks(name).includes('punkt-state')) continue;
      const p = punktStateProblem(name, state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions keep these values as data for the tokenizer's methods, ` +
            "which call the '_Token' class on the text's tokens and look words up in the parameters",
          false,
        );
    }
    // pydantic 1 models: the state BaseModel.__getstate__ writes (HistoryCheck 'pydantic-state', pydantic-state.ts).
    const pydantic = classes.names.find((n) => historyChecks(n).includes('pydantic-state'));
    if (pydantic !== undefined) {
      const p = pydanticStateProblem(state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${pydantic}: ${p}; pydantic 1's BaseModel.__setstate__ stores the state's fields and private ` +
            'attributes with object.__setattr__, which runs a data descriptor of the name it is given',
          false,
        );
    }
    // sklearn-crfsuite's FileResource: the state its library writes (HistoryCheck 'file-resource', file-resource.ts).
    for (const name of classes.names) {
      if (!historyChecks(name).includes('file-resource')) continue;
      const p = fileResourceStateProblem(state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions' __setstate__ write the state's data to a file named by ` +
            "tempfile.mkstemp(suffix, prefix) and its __del__ unlinks an automatic resource's name",
          false,
        );
    }
    // OmegaConf's configs: the state its library writes (HistoryCheck 'omegaconf-state', omegaconf-state.ts), checked
    // for the most derived class (a ContainerMetadata is a Metadata with two more fields).
    const omegaconf = classes.names.filter((n) => historyChecks(n).includes('omegaconf-state'));
    for (const name of omegaconf.includes('omegaconf.base.ContainerMetadata')
      ? ['omegaconf.base.ContainerMetadata']
      : omegaconf) {
      const p = omegaconfStateProblem(name, state);
      if (p !== undefined)
        this.anomaly(
          'OFF_SHAPE_CALL',
          `${via} on ${name}: ${p}; its released versions' __setstate__ read the metadata's types and subscript ` +
            'typing generics with them, and the library reads the rest as config nodes and scalars',
          false,
        );
    }
    if (classes.unknown) checkUnknownClassState(this.sinkHost, state);
    // Native hooks that read the state's items without a length check (native-states.ts): memory corruption.
    for (const name of classes.names) {
      const p = nativeStateProblem(name, state);
      if (p !== undefined) this.anomaly('NATIVE_STATE', `${via} on ${name}: ${p}`, false);
      const q = prepackStateProblem(name, state);
      if (q !== undefined) this.anomaly('NATIVE_STATE', `${via} on ${name}: ${q}`, false);
      if (isTorchCustomClass(name)) {
        const c = customClassStateProblem(name, state, this.opts.loader.readStorage);
        if (c !== undefined) this.anomaly('NATIVE_STATE', `${via} on ${name}: ${c}`, false);
      }
      if (name === SCRIPT_OBJECT) {
        const c = scriptObjectStateProblem(state, this.opts.loader.readStorage);
        if (c !== undefined) this.anomaly('NATIVE_STATE', `${via} on ${name}: ${c}`, false);
        if ((inst.states?.length ?? 1) > 1)
          this.anomaly(
            'OFF_SHAPE_CALL',
            `${via} on ${name} a second time: its native __setstate__ runs again on an object the first BUILD ` +
              'initialised (torch.load accepts it); torch.save writes one BUILD per object',
            false,
          );
      }
    }
    if (classes.unknown) this.unnamedNativeState(classes, state, via);
    for (const name of classes.names) {
      const p = this.xgboostBufferState(name, state);
      if (p !== undefined) this.anomaly('NATIVE_STATE', `${via} on ${name}: ${p}`, false);
    }
    if (!this.gensimKeys)
      for (const d of stateDicts(state))
        if (d.keys.includes('__scipys') || d.keys.includes('__recursive_saveloads')) this.gensimKeys = true;
    if (classes.names.includes('numpy.dtype') || (classes.unknown && this.namesDtype && dtypeShapedState(state)))
      this.dtypeState(inst, state, via);
    // An array of zero-size items may claim any number of them (numpy-dtype.ts arrayStateHolds).
    if (classes.names.some((n) => inFamily('numpy.ndarray', n))) {
      const held = arrayStateHolds(state);
      if (held > 0) inst.holds = Math.max(inst.holds ?? 0, held);
      const short = arrayListProblem(state) ?? maskedFillProblem(state);
      if (short !== undefined) this.anomaly('NATIVE_STATE', `${via} on an ndarray: ${short}`, false);
      if (this.stringDtypes) {
        const p = stringArrayStateProblem(state);
        if (p !== undefined) this.anomaly('NATIVE_STATE', `${via}: ${p}`, false);
        if (stringArrayState(state)) (this.stringArrays ??= new WeakSet()).add(inst);
      }
    }
  }

  /**
   * The loops a __setstate__ of `name` runs over a number the state sets (callable-effects.ts stateLoopsOf: torch's
   * RNNBase loops range(num_layers)): the count is work the stream's size does not bound, charged with the load's
   * other materialised work and reported past STATE_LOOP_LIMIT, or when it is an object whose __index__ answers it or
   * a value the analysis does not hold (the library writes an int).
   */
  private stateLoops(inst: ObjV, name: string, state: PyVal, via: string): void {
    const loops = stateLoopsOf(name);
    if (loops === undefined) return;
    for (const loop of loops) {
      const states = [state, ...statesOf(inst)];
      let bound: PyVal | undefined;
      for (const st of states) bound ??= attrInState(st, loop.key);
      // `self.key` the instance dict lacks: the class's __getattr__ answers it from the dicts the state sets.
      for (const holder of loop.via ?? []) for (const st of states) bound ??= lookupThrough(st, holder, loop.key);
      if (bound === undefined) continue;
      const where = `${via} on ${name}: ${loop.hook} loops range(${loop.key})`;
      if (typeof bound === 'number' || typeof bound === 'bigint') {
        const n = Number(bound);
        this.materialised({
          items: n > 0 ? Math.min(n * STATE_LOOP_TURN_ITEMS, 2 ** 52) : 0,
          holds: 0,
          ...(n > STATE_LOOP_LIMIT ? { over: `${where} with ${loop.key} = ${String(bound)}` } : {}),
        });
      } else if (typeof bound === 'object' && (bound.k === K.Obj || bound.k === K.Unknown || bound.k === K.Pers)) {
        if (bound.k === K.Obj) this.implicitHooks(bound, ['index']);
        this.anomaly(
          'LOAD_COST',
          `${where}, and ${loop.key} is ${bound.k === K.Obj ? 'an object whose __index__ gives the count' : 'a value the analysis does not hold'} ` +
            '(its library writes an int): the load does work the stream chooses',
          false,
        );
      }
    }
  }

  /** numpy's arraydescr_setstate takes the state as it finds it (numpy-dtype.ts): a state it then misuses is reported. */
  private dtypeState(inst: ObjV, state: PyVal, via: string): void {
    // A numpy.dtype call result is that object alone; anything else may be an argument a pack callable returned.
    let built = inst.states?.length ?? 1;
    let shared = inst.shared === true;
    if (!isDtypeCall(inst)) {
      built = 0;
      for (const o of sameObjects(inst)) {
        built += statesOf(o).length;
        if (o.shared === true) shared = true;
      }
    }
    const p = dtypeBuildProblem(inst, state, built, shared);
    if (p !== undefined) {
      this.anomaly('DTYPE_STATE', `${via}: ${p}`, false);
      return;
    }
    // numpy keeps the fields dict itself: a later SETITEM(S) on it changes a dtype already checked.
    const fields =
      typeof state === 'object' && state.k === K.Tuple && state.items.length >= 7 ? state.items[4] : undefined;
    if (typeof fields === 'object' && fields.k === K.Dict) fields.dtypeFields = true;
  }

  /**
   * A state (or either part of a (state, slotstate) pair) that is an object which may be a dict subclass, filled by its
   * constructor from arguments the analysis does not read as entries: CPython's default BUILD sets every entry as an
   * attribute, so a planted __setstate__ or __new__ would go unseen. Picklers write a dict subclass's entries with
   * SETITEMS (or a dict argument), which the analysis reads.
   */
  private unreadStateItems(state: PyVal, via: string): void {
    if (typeof state !== 'object') return;
    if (isLostTuple(state)) {
      // A (state, slotstate) pair, or a native hook's tuple, the memo stored after its detail budget.
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${via} state is a tuple the memo stored after the analysis's first ${this.memoDetail} entries, whose items ` +
          'were not kept: the dicts it sets as attributes are not followed',
        false,
      );
      return;
    }
    const parts = state.k === K.Tuple && state.items.length === 2 && state.more === 0 ? state.items : [state];
    for (const part of parts) {
      if (typeof part !== 'object' || part.k !== K.Obj || !objectItems(part).unread) continue;
      const classes = instanceClasses(part);
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${via} state is ${classes.unknown ? 'an object of a class the stream does not name' : `a ${classes.names.join(' or ')} object`} ` +
          "whose entries its constructor took from arguments the analysis does not read as entries: CPython's default " +
          'BUILD sets every entry of a dict-subclass state as an attribute (a planted __setstate__ or __new__ then runs)',
        false,
      );
      return;
    }
  }

  /**
   * The model buffer XGBoost's unpickling hands to its native deserializer: Booster.__setstate__ its 'handle'
   * (XGBoosterUnserializeFromBuffer), XGBModel.__setstate__ a bytes '_Booster' (load_model of a buffer). The buffer is
   * checked against the invariants that loader assumes (xgboost-booster.ts).
   */
  private xgboostBufferState(name: string, state: PyVal): string | undefined {
    const key = name === 'xgboost.core.Booster' ? 'handle' : isXgboostModelClass(name) ? '_Booster' : undefined;
    if (key === undefined || typeof state !== 'object') return undefined;
    if (state.k !== K.Dict) {
      // XGBModel's state shapes are the existing hook's (state-hooks.ts); Booster.__setstate__ indexes state['handle'].
      if (key === '_Booster' || state.k === K.None) return undefined;
      return state.k === K.Unknown || state.k === K.Obj || state.k === K.Pers
        ? "the state is not a dict the analysis can read (Booster.__setstate__ reads state['handle'])"
        : undefined;
    }
    const i = state.keys.indexOf(key);
    if (i < 0) {
      const hidden = state.opaque || state.n > state.keys.length || state.keys.some((k) => isComputed(k) || isLost(k));
      return hidden
        ? `the state has keys the analysis cannot read, one of which may be '${key}' (a model buffer for the native loader)`
        : undefined;
    }
    const v = state.vals[i]!;
    if (typeof v !== 'object' || (v.k !== K.Bytes && v.k !== K.ByteArray)) {
      // A str, number or container makes ctypes' from_buffer raise; a value the analysis cannot know may be a buffer.
      const unknown = typeof v === 'object' && (UNKNOWN_VALUE_KINDS as ReadonlySet<K>).has(v.k);
      if (key === '_Booster' || !unknown) return undefined;
      return `the pickled '${key}' is not a byte buffer the analysis can read (XGBoost hands it to its native model loader)`;
    }
    const bytes = this.materialize(v);
    if (bytes === undefined)
      return `the pickled '${key}' buffer is not kept or exceeds ${this.maxNestedBytes} bytes: its model is not checked`;
    const p = xgboostBufferProblem(bytes);
    return p === undefined ? undefined : `the pickled '${key}' model buffer: ${p}`;
  }

  /** BUILD on an object of a class the analysis cannot name, which may be a trusting native class the stream names. */
  private unnamedNativeState(classes: ClassSet, state: PyVal, via: string): void {
    for (const name of this.nativeNamed ?? []) {
      if (classes.names.includes(name)) continue;
      const p = unnamedNativeStateProblem(name, state);
      if (p === undefined) continue;
      this.anomaly('NATIVE_STATE', `${via}: ${p}`, false);
      return;
    }
  }

  /**
   * joblib < 0.10's NDArrayWrapper: after its BUILD, joblib.load calls np.load(<dir>/<state filename>,
   * allow_pickle=True), which unpickles a pickle or an object array in that file: the file is recorded for the scan to
   * read as numpy does (an object of a class the stream does not name counts when its state has the wrapper's keys).
   */
  private companion(classes: ClassSet, state: PyVal): void {
    const named = classes.names.find((n) => NDARRAY_WRAPPERS.has(n) || ZNDARRAY_WRAPPERS.has(n));
    const dict = typeof state === 'object' && state.k === K.Dict ? state : undefined;
    if (named === undefined && !(classes.unknown && dict !== undefined && dict.keys.includes('filename'))) return;
    const file = dict !== undefined ? dictGet(dict, 'filename') : undefined;
    const name = typeof file === 'string' && !(dict!.opaque || dict!.n > dict!.keys.length) ? file : undefined;
    (this.r.companions ??= []).push({
      offset: this.dec.offset,
      name,
      wrapper: named ?? 'an object of unknown class with a wrapper state',
      reads: named !== undefined && ZNDARRAY_WRAPPERS.has(named) ? 'zfile' : 'np.load',
    });
  }

  /**
   * gensim's SaveLoad.load (how gensim models are loaded: Word2Vec.load, KeyedVectors.load, Dictionary.load, ...)
   * unpickles the file, then calls `_load_specials` on the result: for each name in its `__scipys` it unpickles
   * `<file>.<name>.npy` beside it (gensim.utils.unpickle, pickle.load), and for each name in its
   * `__recursive_saveloads` it does the same for that attribute's object with `<file>.<name>` as the file. Those files
   * are recorded for the scan to read as gensim reads them (companion-files.ts), from the object STOP returns; a name
   * list or an attribute the analysis cannot read is a companion it cannot name.
   */
  private gensimCompanions(top: PyVal): void {
    const push = (name: string | undefined, why: string): void =>
      void (this.r.companions ??= []).push({ offset: this.dec.offset, name, wrapper: why, reads: 'gensim' });
    const seen = new Set<ObjV>();
    const walk = (v: PyVal, prefix: string, depth: number): void => {
      if (typeof v !== 'object' || v.k !== K.Obj) {
        if (typeof v === 'object' && (v.k === K.Unknown || v.k === K.Pers))
          push(undefined, `an object${prefix} the analysis cannot read, whose __scipys gensim would read`);
        return;
      }
      if (seen.has(v) || depth > 16) return;
      seen.add(v);
      const dicts = statesOf(v).flatMap(stateDicts);
      const lost = dicts.some((d) => d.opaque === true || d.n > d.keys.length);
      const attr = (key: string): PyVal | undefined => {
        for (const d of dicts) {
          const x = dictGet(d, key);
          if (x !== undefined) return x;
        }
        return lost ? UNKNOWN : undefined;
      };
      const names = (key: string): (string | undefined)[] => {
        const x = attr(key);
        if (x === undefined) return [];
        if (typeof x === 'object' && x.k === K.Tuple && x.more === 0)
          return x.items.map((it) => (typeof it === 'string' ? it : undefined));
        // A names list made under its key whose items were all kept strs (anything else: names not known). One the
        // memo stored after its detail budget is known as long as no memo read returned the summary standing for it
        // (nothing can then have been appended to it but through the list itself).
        if (
          typeof x === 'object' &&
          x.k === K.List &&
          x.strs !== undefined &&
          (x.lostInto === undefined || x.lostInto.readBack !== true) &&
          (x.objs?.length ?? 0) === 0 &&
          x.others !== true
        )
          return x.strs;
        return [undefined];
      };
      for (const n of names('__scipys'))
        push(n === undefined ? undefined : `${prefix}.${n}`, `gensim SaveLoad.load (__scipys of ${summarize(v)})`);
      for (const n of names('__recursive_saveloads')) {
        if (n === undefined) push(undefined, `gensim SaveLoad.load (__recursive_saveloads of ${summarize(v)})`);
        else walk(attr(n) ?? NONE, `${prefix}.${n}`, depth + 1);
      }
    };
    walk(top, '', 0);
  }

  /**
   * The files gensim's own `load` of the result's class reads beside the model whatever the stream says (LdaModel.load:
   * `<file>.state`, `<file>.id2word`; data/gensim-load-companions.json, derived from gensim's source): recorded for the
   * scan to read when they are there (gensim skips one that is absent). An object of a class the analysis cannot name
   * may be any such class the stream names.
   */
  private gensimSiblings(top: PyVal): void {
    const classes = instanceClasses(top);
    const exts = new Set<string>();
    for (const name of classes.names) for (const e of GENSIM_LOADS[name] ?? []) exts.add(e);
    if (classes.unknown) for (const e of Object.values(GENSIM_LOADS).flat()) exts.add(e);
    for (const ext of exts)
      (this.r.companions ??= []).push({
        offset: this.dec.offset,
        name: ext,
        wrapper: `gensim's load of ${summarize(top)}`,
        reads: 'gensim-sibling',
      });
  }

  /** The state hooks of every class the instance may be of (state-hooks.ts), each reported as the call it makes. */
  private stateHooks(classes: ClassSet, state: PyVal, via: string): void {
    for (const hook of classStateHookProblems(classes, state)) {
      // The hook runs code the state carries: report it as the exec it is.
      const exec = this.derive(hook.runs.module, hook.runs.name, `${hook.cls}.${hook.hook} (${via}): ${hook.problem}`);
      this.recordCall('BUILD', exec, `${hook.hook} of ${hook.cls} ${hook.what}`);
    }
  }

  /**
   * The item a BUILD's `__setstate__` lookup finds on an instance whose class answers attribute lookups from its
   * items (a dict subclass with such a __getattr__ and no __setstate__; any class the stream does not name): a
   * planted '__setstate__' item, or one under a key the analysis cannot read.
   */
  private itemSetstate(inst: ObjV, classes: ClassSet): PyVal | undefined {
    const items = inst.planted;
    if (items === undefined || !mayAnswerLookups(classes)) return undefined;
    for (let i = 0; i < items.keys.length; i++) {
      const key = items.keys[i]!;
      if (key === '__setstate__' || isComputed(key)) return items.vals[i];
    }
    return items.n > items.keys.length ? UNKNOWN : undefined;
  }

  /**
   * The special attributes set to an empty dict (checkDunderState), flagged now if the dict gained items after the
   * BUILD, or if the stream stored items into an opaque dict after it (a memo read of a dict the memo compacted
   * returns a stand-in: the items reach a dict the analysis cannot name, which may be this one).
   */
  private settleEmptyDunders(): void {
    for (const { key, dict, via, writes } of this.emptyDunders) {
      if (!emptyKept(dict) || opaqueDictWrites > writes)
        this.anomaly('BUILD_DUNDER_STATE', `${via} assigns the special attribute '${key}'`, false);
    }
    this.emptyDunders.length = 0;
  }

  /**
   * Flags dunder keys in BUILD state; returns a planted `__setstate__` value if any. A special attribute other than
   * `__setstate__` set to None, or to a dict that is still empty when the stream ends, is not flagged: nothing can be
   * called on or read out of either (a library that reads the attribute from the instance, as numpy reads
   * `__array_interface__` and networkx >= 3.3 its `__networkx_cache__`, finds None or no entry). networkx >= 3.3
   * writes `__networkx_cache__ = {}` into every graph it pickles (Graph.__init__). The dict is checked again at the
   * end of the stream (settleEmptyDunders): a later SETITEM(S) through the memo may have filled it.
   */
  private checkDunderState(state: PyVal, via = 'BUILD state', consumed?: ReadonlySet<string>): PyVal | undefined {
    let planted: PyVal | undefined;
    for (const d of stateDicts(state)) {
      if (d.specialLost === true) {
        // Special or computed keys past what the dict keeps: the ones not recorded may be any name.
        this.anomaly(
          'BUILD_COMPUTED_KEY',
          `${via} holds more special or computed keys than the analysis keeps (${2 * KEEP_ITEMS})`,
          false,
        );
        planted ??= UNKNOWN;
      }
      for (let i = 0; i < d.keys.length; i++) {
        const key = d.keys[i];
        if (
          typeof key === 'string' &&
          key.length > 4 &&
          key.startsWith('__') &&
          key.endsWith('__') &&
          !METADATA_DUNDERS.has(key) &&
          consumed?.has(key) !== true
        ) {
          const value = d.vals[i]!;
          if (key !== '__setstate__' && typeof value === 'object' && value.k === K.None) continue;
          if (key !== '__setstate__' && typeof value === 'object' && value.k === K.Dict && emptyKept(value)) {
            this.emptyDunders.push({ key, dict: value, via, writes: opaqueDictWrites });
            continue;
          }
          this.anomaly('BUILD_DUNDER_STATE', `${via} assigns the special attribute '${key}'`, false);
          if (key === '__setstate__') planted = d.vals[i];
        } else if (isComputed(key) || isLost(key!) || (typeof key === 'object' && key.k === K.Unknown)) {
          // A key made by a call (builtins.str('__setstate__')), or a string the memo did not keep, can be any name,
          // a special attribute included.
          this.anomaly('BUILD_COMPUTED_KEY', `${via} key is computed (${summarize(key!)}), not a literal name`, false);
          planted ??= d.vals[i];
        }
      }
    }
    return planted;
  }

  // ---------------------------------------------------------------- joblib arrays

  /**
   * joblib's NumpyUnpickler reads the array bytes that follow a NumpyArrayWrapper BUILD directly from the
   * file (after an optional alignment padding byte + padding). The file position is the end of the
   * current frame when the BUILD sits inside one (pure-Python unframer), else the next byte.
   */
  private joblibArray(wrapper: ObjV, state: PyVal): PyVal | undefined {
    if (typeof state !== 'object' || state.k !== K.Dict) {
      this.anomaly('JOBLIB_ARRAY', 'NumpyArrayWrapper state is not a dict', true);
      return undefined;
    }
    // read() takes the wrapper's attributes, which every BUILD on it (or on an object it may be) adds to; joblib writes
    // one BUILD per wrapper, and the sizes below are those of this state alone.
    if (sameObjects(wrapper).reduce((n, o) => n + statesOf(o).length, 0) > 1) {
      this.anomaly(
        'JOBLIB_ARRAY',
        'a second BUILD on one NumpyArrayWrapper: joblib reads the array with the attributes of every BUILD on it, ' +
          'so the rest of the stream cannot be located',
        true,
      );
      throw new StopRun('joblib wrapper built twice');
    }
    const dtype = dictGet(state, 'dtype');
    const shape = dictGet(state, 'shape');
    // The item size and hasobject numpy computes for the pickled dtype (numpy-dtype.ts), not the state's numbers.
    const dt = dtypeModel(dtype);
    const count = shapeProduct(shape);
    if (dt === undefined || count === undefined) {
      this.anomaly(
        'JOBLIB_ARRAY',
        'cannot determine the size of a joblib array; the rest of the stream cannot be located',
        true,
      );
      throw new StopRun('joblib array size unknown');
    }
    const d = this.dec;
    const filePos = d.inFrame && d.frameEnd > d.argEnd ? d.frameEnd : d.argEnd;
    if (filePos !== d.argEnd) {
      this.anomaly(
        'JOBLIB_ARRAY',
        'NumpyArrayWrapper BUILD inside a frame: joblib reads the array after the frame while opcodes continue inside it',
        false,
      );
    }
    let pos = filePos;
    /** Where the bytes of a numeric array lie (khash-cost.ts reads its values). */
    let rawAt: number | undefined;
    this.r.joblibArrayAt ??= filePos;
    // What read_array returns: the object array's pickle returns it; numeric data makes an array (the wrapper's
    // subclass route below rebuilds it as any subclass other than numpy.ndarray and numpy.memmap).
    const subclass = dictGet(state, 'subclass');
    let array: PyVal = UNKNOWN;
    if (typeof subclass === 'object' && subclass.k === K.Global) {
      const made: ObjV = { k: K.Obj, callee: subclass, args: { k: K.Tuple, items: [], more: 0 }, call: undefined };
      noteArrayShape(made, shape);
      array = made;
    }
    const align = dictGet(state, 'numpy_array_alignment_bytes');
    // joblib writes (and reads) the alignment padding only for arrays whose bytes it copies raw.
    if (!dt.hasObject && align !== undefined && !(typeof align === 'object' && align.k === K.None)) {
      const pad = this.src.read(pos, 1)[0];
      if (pad === undefined) {
        this.anomaly('TRUNCATED', 'joblib array padding byte missing', true);
        throw new StopRun('truncated');
      }
      pos += 1 + pad;
    }
    if (dt.hasObject) {
      // An object array is a complete nested pickle at this position (pickle.load on the file handle).
      const depth = (this.opts.joblibDepth ?? 0) + 1;
      if (depth > MAX_JOBLIB_NESTING)
        this.limit('maxNestedPickles', `joblib object arrays nested deeper than ${MAX_JOBLIB_NESTING}`);
      // joblib reads it with plain pickle.load: wrappers inside it are objects, their "array bytes" opcodes.
      const inner = runPickle(this.src, pos, this.dec.end, {
        ...this.opts,
        loader: { ...this.opts.loader, joblibArrays: false },
        extRegistry: this.ext,
        joblibDepth: depth,
        facts: this.facts,
      });
      this.mergeInner(inner);
      if (!inner.stopped || inner.end <= pos) {
        this.anomaly(
          'JOBLIB_ARRAY',
          'the object-array pickle joblib reads after a NumpyArrayWrapper does not end',
          true,
        );
        throw new StopRun('joblib object array');
      }
      pos = inner.end;
      array = inner.value ?? UNKNOWN;
      // read() then runs _ensure_native_byte_order(array): it reads array.dtype.byteorder (and the dtype's fields) and,
      // for a byte order other than the machine's, returns array.byteswap().newbyteorder('='). A byteswap the stream
      // planted on the object its pickle returned is called (numpy's arrays have the method; their pickles plant none).
      const swap = this.sinkHost.plantedAttr(array, 'byteswap');
      if (swap !== undefined)
        this.invokeModelled(
          swap,
          { k: K.Tuple, items: [], more: 0 },
          "joblib's NumpyArrayWrapper.read calls byteswap() of the object its object-array pickle returned " +
            '(_ensure_native_byte_order, when that object claims a non-native byte order)',
        );
    } else {
      const bytes = count * dt.itemsize;
      if (!(pos + bytes <= this.dec.end)) {
        this.anomaly('TRUNCATED', `joblib array data (${bytes} bytes) runs past the end of the stream`, true);
        throw new StopRun('truncated');
      }
      if (this.keep) wrapper.array = { off: pos, len: bytes };
      rawAt = pos;
      pos += bytes;
    }
    if (filePos === d.argEnd) d.seek(pos);
    else this.addSkip(filePos, pos);
    const out = this.joblibSubclass(subclass, array);
    if (rawAt !== undefined) noteJoblibArray(out, dtype, count, rawAt);
    return out;
  }

  /**
   * joblib's NumpyArrayWrapper.read with numpy 1.x (arrays have __array_prepare__): `subclass not in (ndarray,
   * memmap)` compares the subclass with == (the class of an object runs its __eq__), and any other subclass makes
   * `_reconstruct(subclass, (0,), 'b').__array_prepare__(array)` (joblib-subclass.ts). Modelled as that call, checked
   * as an explicit one is (numpy's ndarray family), plus the __array_prepare__ the class runs. joblib writes wrappers
   * for numpy.ndarray, numpy.matrix and numpy.memmap only.
   */
  private joblibSubclass(subclass: PyVal | undefined, array: PyVal): PyVal {
    // No subclass attribute: joblib raises AttributeError reading it (a state not all kept is not judged here).
    if (subclass === undefined) return array;
    if (typeof subclass === 'object' && subclass.k === K.Global && routeSkips(subclass.imp.canonical)) return array;
    this.implicitHooks(subclass, ['eq', 'ne']);
    const reconstruct = this.derive(ROUTE_CALLABLE.module, ROUTE_CALLABLE.name, ROUTE);
    const args: PyVal = { k: K.Tuple, items: [subclass, { k: K.Tuple, items: [0], more: 0 }, 'b'], more: 0 };
    this.loaderCall = true;
    let made: PyVal;
    try {
      made = this.invokeModelled(reconstruct, args, ROUTE);
    } finally {
      this.loaderCall = false;
    }
    if (typeof subclass === 'object' && subclass.k === K.Global) {
      const problem = arrayPrepareProblem(subclass.imp.canonical);
      if (problem !== undefined) this.anomaly('OFF_SHAPE_CALL', `${ROUTE}: ${problem}`, false);
    }
    return made;
  }

  private addSkip(start: number, end: number): void {
    this.pendingSkips.push([start, end]);
    this.pendingSkips.sort((a, b) => a[0] - b[0]);
    this.skipStart = this.pendingSkips[0]![0];
    this.skipEnd = this.pendingSkips[0]![1];
  }

  /** Imports, calls, persistent ids and nested payloads are already in the shared fact lists. */
  private mergeInner(inner: PickleRun): void {
    const room = Math.max(0, MAX_RECORDED_ANOMALIES - this.r.anomalies.length);
    this.r.anomalies.push(...inner.anomalies.slice(0, room));
    this.r.droppedAnomalies += inner.droppedAnomalies + Math.max(0, inner.anomalies.length - room);
    this.r.opcodes += inner.opcodes;
    for (let i = 0; i < 256; i++) this.r.opcodeCounts[i]! += inner.opcodeCounts[i]!;
    if (inner.errored) {
      this.errored = true;
      this.r.errored = true;
    }
  }

  // ---------------------------------------------------------------- persistent ids

  private persistent(pid: PyVal): PyVal {
    const items: (string | number | null)[] = [];
    let shape: 'tuple' | 'str' | 'int' | 'other' = 'other';
    let tag: string | undefined;
    let storageType: string | undefined;
    let key: string | undefined;
    let location: string | undefined;
    let numel: number | undefined;
    if (typeof pid === 'string') shape = 'str';
    else if (typeof pid === 'number' || typeof pid === 'bigint') shape = 'int';
    else if (pid.k === K.Tuple) {
      shape = 'tuple';
      const all = pid.items;
      for (let i = 0; i < all.length; i++) items.push(summarize(all[i]!));
      const t0 = all[0];
      if (typeof t0 === 'string') tag = t0;
      const t1 = all[1];
      if (typeof t1 === 'object' && t1.k === K.Global) storageType = t1.imp.canonical;
      const t2 = all[2];
      if (typeof t2 === 'string') key = t2;
      else if (typeof t2 === 'number') key = String(t2);
      const t3 = all[3];
      if (typeof t3 === 'string') location = t3;
      const t4 = all[4];
      if (typeof t4 === 'number') numel = t4;
    }
    // Built by assignment, not spreads (cheaper for cold code); the properties keep this order.
    const fact: {
      -readonly [P in keyof PersistentIdFact]: PersistentIdFact[P];
    } = { opcode: opcodeName(this.dec.op), offset: this.dec.offset, shape, items };
    if (tag !== undefined) fact.tag = tag;
    if (storageType !== undefined) fact.storageType = storageType;
    if (key !== undefined) fact.key = key;
    if (location !== undefined) fact.location = location;
    if (numel !== undefined) fact.numel = numel;
    const full = this.facts.addPersistentId(fact);
    if (full !== undefined) this.factCap(full);
    const rejected = this.opts.loader.checkPersistentId?.(fact);
    if (rejected !== undefined) {
      const when = this.opts.loader.readOnRequest;
      if (when === undefined) this.anomaly('PERSISTENT_ID', rejected, true);
      else this.anomaly('RECORD_READ_ON_REQUEST', `${rejected}; ${when}`, false);
    }
    if (!this.opts.loader.persistentLoad) {
      this.anomaly(
        'PERSISTENT_ID',
        'persistent id in a stream whose loader defines no persistent_load (pickle.load raises here)',
        true,
      );
    }
    return this.opts.loader.persistentValue?.(pid) ?? { k: K.Pers, pid };
  }

  // ---------------------------------------------------------------- main loop

  run(): PickleRun {
    try {
      while (!this.loop());
    } catch (e) {
      // An error of the analyser itself (a bug, V8's stack or collection-size limits) keeps the facts found so far.
      if (!(e instanceof StopRun)) this.internalError(e);
      // Where analysis stopped: the failing opcode for decode failures, else the end of the last opcode read.
      const f = this.dec.failure;
      this.r.end = Math.max(this.r.start, f ? f.offset : this.dec.argEnd);
    }
    this.settleEmptyDunders();
    this.arrowSettled();
    // Memo stand-ins (past the detail budget) forget which object they were: a use of an object could no longer be
    // told apart, so only shapes proved on the import's own references and call arguments are vetted then.
    const vetted = this.uses?.finish(
      this.r.imports,
      this.r.calls,
      this.memo.compacted > 0
        ? { partialsLost: this.memo.lostPartials > 0, opaqueDictWrites: opaqueDictWrites > this.opaqueWritesAtStart }
        : undefined,
    );
    if (vetted !== undefined) this.r.vetted = vetted;
    return this.r;
  }

  private internalError(e: unknown): void {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.r.anomalies.push({
      code: 'INTERNAL_ERROR',
      offset: this.dec.offset,
      opcode: this.dec.op >= 0 ? opcodeName(this.dec.op) : 'EOF',
      message: `analysis stopped by an internal error (${message}); facts before it are kept`,
      fatal: true,
    });
    this.errored = true;
    this.r.errored = true;
  }

  /**
   * Runs up to LOOP_BATCH opcodes; true when the stream ended (STOP or a decode failure). Bounded batches keep each
   * call short: a single call running for the whole stream stays on de-optimised code after a late deopt,
   * because V8 only re-enters optimised code for it through on-stack replacement (measured: a 100 MB opcode-dense
   * pickle ran at ~50 MB/s in one call).
   */
  private loop(): boolean {
    const d = this.dec;
    const r = this.r;
    const counts = r.opcodeCounts;
    const deadline = this.opts.deadline;
    // The fused path places containers without counting them as levels, which a reader without a trashcan needs.
    const fused = this.opts.generalOnly !== true && !this.keep && !this.containerLevels;
    for (let budget = LOOP_BATCH; budget > 0; budget--) {
      if (fused) {
        budget -= this.fast(budget);
        if (budget <= 0) return false;
      }
      if (d.position >= this.skipStart) this.takeSkip();
      if (!d.next()) {
        this.decodeFailure();
        return true;
      }
      const op = d.op;
      const n = ++r.opcodes;
      counts[op]!++;
      if (n > this.maxOps) this.limit('maxOpcodes', `more than ${this.maxOps} opcodes`);
      if ((n & 0x3fff) === 0 && deadline !== undefined && Date.now() > deadline) {
        this.limit('maxFileSeconds', 'time budget for this file exhausted');
      }
      if (d.straddle) {
        this.anomaly(
          'FRAME_STRADDLE',
          `${opcodeName(op)} runs past the end of its frame (read as CPython's C unpickler does)`,
          false,
        );
      }
      if (this.framing && !d.inFrame && op !== Op.FRAME) this.trackUnframed(op);
      if (d.argErr !== undefined) this.badArgument(op, d.argErr);
      switch (op) {
        case Op.MARK:
          // CPython grows its mark stack without bound; ours counts against the stack limit like the values.
          if (this.marks.length >= this.maxStack)
            this.limit('maxStackDepth', `mark stack depth exceeds ${this.maxStack}`);
          this.marks.push(this.sp);
          this.fence = this.sp;
          break;
        case Op.STOP:
          this.stop();
          return true;
        case Op.POP: {
          const len = this.sp;
          if (this.marks.length > 0 && this.marks[this.marks.length - 1] === len) {
            this.marks.pop();
            this.fence = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
          } else this.pop();
          break;
        }
        case Op.FLOAT:
        case Op.BINFLOAT:
          if (d.argErr !== undefined) this.push(UNKNOWN);
          // The value is kept: a float key's hash is computed from it (hash-collisions.ts).
          else this.push({ k: K.Float, v: op === Op.FLOAT ? d.flt : d.floatValue() });
          break;
        case Op.BININT:
        case Op.BININT1:
        case Op.BININT2:
          this.push(d.num);
          break;
        case Op.NONE:
          this.push(NONE);
          break;
        case Op.NEWTRUE:
          this.push(TRUE);
          break;
        case Op.NEWFALSE:
          this.push(FALSE);
          break;
        case Op.REDUCE: {
          const args = this.pop();
          const callable = this.pop();
          if (typeof args !== 'object' || !(args.k === K.Tuple || args.k === K.Unknown || args.k === K.Obj)) {
            this.anomaly('TYPE_ERROR', `REDUCE argument list is a '${kindName(args)}', not a tuple`, true);
          }
          this.objectArgs('REDUCE argument list', args);
          this.push(this.made(this.invoke('REDUCE', callable, args), args));
          break;
        }
        case Op.STRING:
        case Op.BINSTRING:
        case Op.SHORT_BINSTRING:
        case Op.UNICODE:
        case Op.BINUNICODE:
        case Op.SHORT_BINUNICODE:
        case Op.BINUNICODE8:
          if (d.str !== undefined) this.push(d.str);
          else if (d.argErr !== undefined) this.push(UNKNOWN);
          else
            this.push({
              k: K.Str,
              off: d.payOff,
              len: d.payLen,
              utf8: op !== Op.BINSTRING && op !== Op.SHORT_BINSTRING,
            });
          break;
        case Op.BINBYTES:
        case Op.SHORT_BINBYTES:
        case Op.BINBYTES8:
          this.push({ k: K.Bytes, off: d.payOff, len: d.payLen, via: opcodeName(op) } as BytesV);
          break;
        case Op.APPEND: {
          const v = this.pop(); // the appended value (list contents are kept only in value-keeping mode)
          const len = this.sp;
          if (len <= this.fence) {
            this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (APPEND target)', true);
            break;
          }
          const t = this.stack[len - 1]!;
          if (typeof t === 'object' && t.k === K.List) {
            if (this.keep) t.items?.push(v);
            countItems(t, v, this.containerLevels);
            this.listed(t, v);
            keepObj(t, v, this.answers);
          }
          this.holdsChild(t, v);
          this.appendTo(t, v);
          break;
        }
        case Op.APPENDS: {
          const x = this.marker();
          if (x <= this.fence || x > this.sp) {
            this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (APPENDS target)', true);
            this.sp = Math.min(x, this.sp);
            break;
          }
          const target = this.stack[x - 1]!;
          for (let i = x; i < this.sp; i++) this.holdsChild(target, this.stack[i]!);
          if (typeof target === 'object' && target.k === K.List) {
            // List contents are not kept (except in value-keeping mode): only the hash cost they hold is.
            if (this.keep && target.items) for (let i = x; i < this.sp; i++) target.items.push(this.stack[i]!);
            for (let i = x; i < this.sp; i++) countItems(target, this.stack[i]!, this.containerLevels);
            for (let i = x; i < this.sp; i++) {
              this.listed(target, this.stack[i]!);
              keepObj(target, this.stack[i]!, this.answers);
            }
            this.sp = x;
            break;
          }
          const first = x < this.sp ? this.stack[x] : undefined;
          this.sp = x;
          this.appendTo(target, first);
          break;
        }
        case Op.EMPTY_LIST:
          this.push(
            namesList(
              this.keep ? { k: K.List, items: [], n: 0 } : { k: K.List, n: 0 },
              this.sp > this.fence ? this.stack[this.sp - 1] : undefined,
            ),
          );
          break;
        case Op.TUPLE:
          this.push(this.tuple(this.popFrom(this.marker())));
          break;
        case Op.EMPTY_TUPLE:
          this.push({ k: K.Tuple, items: [], more: 0 });
          break;
        case Op.TUPLE1: {
          const a = this.pop();
          this.push(this.tuple([a]));
          break;
        }
        case Op.TUPLE2: {
          const b = this.pop();
          const a = this.pop();
          this.push(this.tuple([a, b]));
          break;
        }
        case Op.TUPLE3: {
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push(this.tuple([a, b, c]));
          break;
        }
        case Op.EMPTY_DICT:
          this.push({ k: K.Dict, keys: [], vals: [], n: 0 });
          break;
        case Op.SETITEM: {
          const v = this.pop();
          const key = this.pop();
          const len = this.sp;
          if (len <= this.fence) {
            this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (SETITEM target)', true);
            break;
          }
          this.setItems(this.stack[len - 1]!, [key, v]);
          break;
        }
        case Op.SETITEMS: {
          const x = this.marker();
          if (x <= this.fence || x > this.sp) {
            this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (SETITEMS target)', true);
            this.sp = Math.min(x, this.sp);
            break;
          }
          const kv = this.popFrom(x);
          if (kv.length > 0) this.setItems(this.stack[x - 1]!, kv);
          break;
        }
        case Op.BUILD: {
          if (this.sp - 2 < this.fence) {
            this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (BUILD)', true);
            if (this.sp > this.fence) this.sp--;
            break;
          }
          const state = this.stack[--this.sp]!;
          this.holdsChild(this.stack[this.sp - 1]!, state);
          const replaced = this.build(this.stack[this.sp - 1]!, state);
          if (replaced !== undefined) this.stack[this.sp - 1] = replaced;
          break;
        }
        case Op.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          this.checkNewobj(cls, args);
          this.plantedNew(cls, args);
          this.push(this.made(this.invoke('NEWOBJ', cls, args), args));
          break;
        }
        case Op.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module === 'string' && typeof name === 'string') {
            this.push(this.globalOf(this.importFact(module, name)));
          } else if (isLost(module) || isLost(name)) {
            const why = 'STACK_GLOBAL operand is a memo value beyond the analysis budget (memo detail limit)';
            this.anomaly('LIMIT', why, true, 'maxMemoDetail');
            this.push(this.unresolvedImport(why));
          } else {
            const why = `STACK_GLOBAL operands are ${kindName(module)} and ${kindName(name)}, not literal strings`;
            this.anomaly('STACK_GLOBAL_OPERANDS', why, typeof module !== 'object' || module.k !== K.Str);
            this.push(this.unresolvedImport(why));
          }
          break;
        }
        case Op.GET:
        case Op.BINGET:
        case Op.LONG_BINGET: {
          if (d.argErr !== undefined) {
            this.push(UNKNOWN);
            break;
          }
          const v = this.memo.get(d.num);
          if (v === undefined) {
            // After a PUT whose key could not be read, the missing value may be the one it stored.
            if (this.memoKeyUnread) this.anomaly('MEMO_MISSING', `Memo value not found at index ${d.num}`, false);
            else this.anomaly('MEMO_MISSING', `Memo value not found at index ${d.num}`, true);
            this.push(UNKNOWN);
          } else {
            markShared(v);
            this.push(v);
          }
          break;
        }
        case Op.PUT:
        case Op.BINPUT:
        case Op.LONG_BINPUT: {
          if (d.argErr !== undefined) {
            if (d.argErr === LINE_TOO_LONG) this.memoKeyUnread = true;
            break;
          }
          if (d.num < 0 || !Number.isFinite(d.num)) {
            this.anomaly('MEMO_BAD_KEY', `negative or out-of-range ${opcodeName(op)} argument`, true);
            break;
          }
          this.memoPut(d.num, this.top());
          break;
        }
        case Op.MEMOIZE:
          this.memoPut(this.memo.size, this.top());
          break;
        default:
          this.rareOpcode(op);
      }
    }
    return false;
  }

  /**
   * Fused decode-and-execute of the common data opcodes, straight from the decoder's window. An opcode is taken
   * here only when the general path would do nothing more with it: its whole argument is in the window and ends
   * before the region end, the frame end and the next out-of-band skip; text is ASCII (BINUNICODE) or any bytes
   * (BINSTRING, read as Latin-1 as the decoder does); the stack and memo stay under their limits; nothing
   * underflows; a memo key exists; targets are lists and dicts with hashable keys. Anything else — every import,
   * call, BUILD, persistent id, frame boundary, unframed opcode after framing began, STOP, anomaly or limit, and
   * every 16384th opcode (the deadline check) — is left where it starts for the general path, which decodes it
   * again. Returns the number of opcodes executed (at most `budget`). `generalOnly` runs compare both paths.
   */
  private fast(budget: number): number {
    const d = this.dec;
    if (this.framing && d.frameEnd < 0) return 0;
    const b = d.windowBytes;
    const base = d.windowBase;
    let stopAbs = d.end;
    if (d.frameEnd >= 0 && d.frameEnd < stopAbs) stopAbs = d.frameEnd;
    if (this.skipStart < stopAbs) stopAbs = this.skipStart;
    const stop = Math.min(d.windowLim, stopAbs - base);
    let p = d.windowPos;
    if (p >= stop) return 0;
    const r = this.r;
    const counts = r.opcodeCounts;
    const first = r.opcodes;
    let n = first;
    const last = Math.min(n - (n % 16384) + 16383, this.maxOps, n + budget);
    const st = this.stack;
    const marks = this.marks;
    const memo = this.memo;
    const maxStack = this.maxStack;
    const maxMemo = this.maxMemo;
    const keep = d.keepStringBytes;
    let sp = this.sp;
    let fence = this.fence;
    /** BINFLOAT's payload is read from the window (made at the first float). */
    let view: DataView | undefined;
    loop: while (n < last && p < stop) {
      const op = b[p]!;
      switch (op) {
        case Op.MARK:
          if (marks.length >= maxStack) break loop;
          marks.push(sp);
          fence = sp;
          p += 1;
          break;
        case Op.POP:
          if (sp <= fence) break loop;
          sp--;
          p += 1;
          break;
        case Op.BININT1:
          if (p + 2 > stop || sp >= maxStack) break loop;
          st[sp++] = b[p + 1]!;
          p += 2;
          break;
        case Op.BININT2:
          if (p + 3 > stop || sp >= maxStack) break loop;
          st[sp++] = b[p + 1]! | (b[p + 2]! << 8);
          p += 3;
          break;
        case Op.BININT:
          if (p + 5 > stop || sp >= maxStack) break loop;
          st[sp++] = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24);
          p += 5;
          break;
        case Op.BINFLOAT:
          if (p + 9 > stop || sp >= maxStack) break loop;
          // A float the next opcode stores as a list item or dict value is never hashed there: its value is not read.
          st[sp++] =
            p + 9 < stop && STORES_TOP.has(b[p + 9]!)
              ? STORED_FLOAT
              : { k: K.Float, v: (view ??= new DataView(b.buffer, b.byteOffset, b.byteLength)).getFloat64(p + 1) };
          p += 9;
          break;
        case Op.NONE:
        case Op.NEWTRUE:
        case Op.NEWFALSE:
        case Op.EMPTY_LIST:
        case Op.EMPTY_DICT:
        case Op.EMPTY_TUPLE:
          if (sp >= maxStack) break loop;
          // A list made on top of a names key keeps its str items: the slow path marks it.
          if (op === Op.EMPTY_LIST && sp > 0 && typeof st[sp - 1] === 'string' && NAMES_KEYS.has(st[sp - 1] as string))
            break loop;
          st[sp++] =
            op === Op.NONE
              ? NONE
              : op === Op.NEWTRUE
                ? TRUE
                : op === Op.NEWFALSE
                  ? FALSE
                  : op === Op.EMPTY_LIST
                    ? { k: K.List, n: 0 }
                    : op === Op.EMPTY_DICT
                      ? { k: K.Dict, keys: [], vals: [], n: 0 }
                      : { k: K.Tuple, items: [], more: 0 };
          p += 1;
          break;
        case Op.SHORT_BINUNICODE:
        case Op.SHORT_BINSTRING:
        case Op.BINUNICODE:
        case Op.BINSTRING: {
          const short = op === Op.SHORT_BINUNICODE || op === Op.SHORT_BINSTRING;
          const q = p + (short ? 2 : 5);
          if (q > stop || sp >= maxStack) break loop;
          const len = short ? b[p + 1]! : (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 16777216;
          if (len > keep || q + len > stop) break loop;
          if (op === Op.SHORT_BINUNICODE || op === Op.BINUNICODE) {
            let any = 0;
            for (let i = q, e = q + len; i < e; i++) any |= b[i]!;
            if (any >= 0x80) break loop;
          }
          st[sp++] = len <= SHORT_STRING_MAX ? latin1Short(b, q, len) : latin1Text(b, d.windowText, q, len);
          p = q + len;
          break;
        }
        case Op.LONG1: {
          // Up to 6 bytes: always a safe integer, the number the general path pushes (larger ones go there).
          if (p + 2 > stop || sp >= maxStack) break loop;
          const len = b[p + 1]!;
          if (len > 6 || p + 2 + len > stop) break loop;
          let v = 0;
          for (let i = p + 1 + len; i > p + 1; i--) v = v * 256 + b[i]!;
          if (len > 0 && b[p + 1 + len]! & 0x80) v -= 2 ** (8 * len);
          st[sp++] = v;
          p += 2 + len;
          break;
        }
        case Op.SHORT_BINBYTES:
        case Op.BINBYTES: {
          const short = op === Op.SHORT_BINBYTES;
          const q = p + (short ? 2 : 5);
          if (q > stop || sp >= maxStack) break loop;
          const len = short ? b[p + 1]! : (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 16777216;
          if (q + len > stop) break loop;
          st[sp++] = { k: K.Bytes, off: base + q, len, via: short ? 'SHORT_BINBYTES' : 'BINBYTES' } as BytesV;
          p = q + len;
          break;
        }
        case Op.MEMOIZE:
          if (sp <= fence || memo.size >= maxMemo) break loop;
          memo.put(memo.size, st[sp - 1]!);
          p += 1;
          break;
        case Op.BINPUT:
        case Op.LONG_BINPUT: {
          const long = op === Op.LONG_BINPUT;
          if (p + (long ? 5 : 2) > stop || sp <= fence || memo.size >= maxMemo) break loop;
          const key = long ? (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 16777216 : b[p + 1]!;
          memo.put(key, st[sp - 1]!);
          p += long ? 5 : 2;
          break;
        }
        case Op.BINGET:
        case Op.LONG_BINGET: {
          const long = op === Op.LONG_BINGET;
          if (p + (long ? 5 : 2) > stop || sp >= maxStack) break loop;
          const key = long ? (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 16777216 : b[p + 1]!;
          const v = memo.get(key);
          if (v === undefined) break loop;
          markShared(v);
          st[sp++] = v;
          if (this.uses !== undefined && typeof v === 'object' && v.k === K.Global) this.uses.pushed(v.imp);
          p += long ? 5 : 2;
          break;
        }
        case Op.TUPLE1:
          if (sp - 1 < fence) break loop;
          st[sp - 1] = this.tuple([st[sp - 1]!]);
          p += 1;
          break;
        case Op.TUPLE2:
          if (sp - 2 < fence) break loop;
          st[sp - 2] = this.tuple([st[sp - 2]!, st[sp - 1]!]);
          sp--;
          p += 1;
          break;
        case Op.TUPLE3:
          if (sp - 3 < fence) break loop;
          st[sp - 3] = this.tuple([st[sp - 3]!, st[sp - 2]!, st[sp - 1]!]);
          sp -= 2;
          p += 1;
          break;
        case Op.TUPLE: {
          const m = marks.length;
          if (m === 0) break loop;
          const x = Math.min(marks[m - 1]!, sp);
          if (x >= maxStack) break loop;
          marks.pop();
          fence = m > 1 ? marks[m - 2]! : 0;
          st[x] = this.tuple(stackItems(st, x, sp));
          sp = x + 1;
          p += 1;
          break;
        }
        case Op.APPEND: {
          if (sp - 1 <= fence) break loop;
          const t = st[sp - 2]!;
          if (typeof t !== 'object' || t.k !== K.List || !plainItem(st[sp - 1]!)) break loop;
          const item = st[sp - 1]!;
          if (typeof item === 'object' && item.k === K.Obj && !holdsLeaf(t, this.nestBound)) break loop;
          keepObj(t, st[sp - 1]!, this.answers);
          countItems(t, st[sp - 1]!, this.containerLevels);
          sp--;
          p += 1;
          break;
        }
        case Op.APPENDS: {
          const m = marks.length;
          if (m === 0) break loop;
          const x = Math.min(marks[m - 1]!, sp);
          const below = m > 1 ? marks[m - 2]! : 0;
          if (x <= below) break loop;
          const t = st[x - 1]!;
          if (typeof t !== 'object' || t.k !== K.List) break loop;
          let objs = false;
          for (let i = x; i < sp; i++) {
            const v = st[i]!;
            if (!plainItem(v)) break loop;
            if (typeof v === 'object' && v.k === K.Obj) objs = true;
          }
          if (objs && !holdsLeaf(t, this.nestBound)) break loop;
          for (let i = x; i < sp; i++) keepObj(t, st[i]!, this.answers);
          for (let i = x; i < sp; i++) countItems(t, st[i]!, this.containerLevels);
          marks.pop();
          fence = below;
          sp = x;
          p += 1;
          break;
        }
        case Op.SETITEM: {
          if (sp - 3 < fence) break loop;
          const t = st[sp - 3]!;
          const key = st[sp - 2]!;
          if (
            typeof t !== 'object' ||
            t.k !== K.Dict ||
            t.stateOfDropped !== undefined ||
            t.dtypeFields === true ||
            isUnhashable(key) ||
            !plainItem(key) ||
            needsHash(key) ||
            runsHooks(key)
          )
            break loop;
          const c = valueCode(st[sp - 1]!);
          if (c < 0) break loop;
          if ((c > 0 || (typeof key === 'object' && key.k === K.Obj)) && !holdsLeaf(t, this.nestBound)) break loop;
          dictPut(t, key, st[sp - 1]!);
          sp -= 2;
          p += 1;
          break;
        }
        case Op.SETITEMS: {
          const m = marks.length;
          if (m === 0) break loop;
          const x = Math.min(marks[m - 1]!, sp);
          const below = m > 1 ? marks[m - 2]! : 0;
          if (x <= below || ((sp - x) & 1) !== 0) break loop;
          const t = st[x - 1]!;
          if (sp > x) {
            if (typeof t !== 'object' || t.k !== K.Dict || t.stateOfDropped !== undefined || t.dtypeFields === true)
              break loop;
            let objs = false;
            for (let i = x; i < sp; i += 2) {
              const key = st[i]!;
              if (isUnhashable(key) || !plainItem(key) || needsHash(key) || runsHooks(key)) break loop;
              const c = valueCode(st[i + 1]!);
              if (c < 0) break loop;
              if (c > 0 || (typeof key === 'object' && key.k === K.Obj)) objs = true;
            }
            if (objs && !holdsLeaf(t, this.nestBound)) break loop;
            for (let i = x; i < sp; i += 2) dictPut(t, st[i]!, st[i + 1]!);
          }
          marks.pop();
          fence = below;
          sp = x;
          p += 1;
          break;
        }
        default:
          break loop;
      }
      counts[op]!++;
      n++;
    }
    this.sp = sp;
    this.fence = fence;
    r.opcodes = n;
    d.resumeAt(p);
    return n - first;
  }

  /** Opcodes that are rare in large streams, kept out of the hot loop so it stays small. */
  private rareOpcode(op: number): void {
    const d = this.dec;
    switch (op) {
      case Op.POP_MARK: {
        const x = this.marker();
        this.sp = x;
        break;
      }
      case Op.DUP:
        markShared(this.top());
        this.push(this.top());
        break;
      case Op.INT:
        if (d.argErr !== undefined) this.push(UNKNOWN);
        else if (d.isBool) this.push(d.num ? TRUE : FALSE);
        else this.push(d.big ?? d.num);
        break;
      case Op.LONG:
      case Op.LONG1:
      case Op.LONG4:
        if (d.argErr === undefined && Number.isNaN(d.num))
          // An integer too long to keep: its length stays (argument-work.ts: Decimal(int) is quadratic in it).
          this.push({ k: K.Unknown, bits: 8 * d.payLen });
        else this.push(d.argErr !== undefined ? UNKNOWN : (d.big ?? d.num));
        break;
      case Op.PERSID:
        this.push(this.persistent(d.str ?? UNKNOWN));
        break;
      case Op.BINPERSID:
        this.push(this.persistent(this.pop()));
        break;
      case Op.BYTEARRAY8:
        this.push({ k: K.ByteArray, off: d.payOff, len: d.payLen, via: 'BYTEARRAY8' } as BytesV);
        break;
      case Op.NEXT_BUFFER:
        this.anomaly(
          'OUT_OF_BAND_BUFFER',
          'NEXT_BUFFER: the stream needs out-of-band buffers (pickle.load without buffers= raises here)',
          true,
        );
        this.push(BUFFER);
        break;
      case Op.READONLY_BUFFER: {
        const t = this.top();
        if (
          typeof t !== 'object' ||
          !(t.k === K.Bytes || t.k === K.ByteArray || t.k === K.Buffer || t.k === K.Unknown)
        ) {
          this.anomaly('TYPE_ERROR', `READONLY_BUFFER on a '${kindName(t)}'`, true);
        }
        break;
      }
      case Op.LIST: {
        const x = this.marker();
        const items = this.popFrom(x);
        const list: ListV = namesList(
          this.keep ? { k: K.List, items, n: items.length } : { k: K.List, n: items.length },
          this.sp > this.fence ? this.stack[this.sp - 1] : undefined,
        );
        for (let i = 0; i < items.length && i < 31; i++)
          if (typeof items[i] === 'object' && (items[i] as { k: K }).k === K.None)
            list.nones = (list.nones ?? 0) | (1 << i);
        for (const it of items) {
          if (typeof it !== 'string' && !(typeof it === 'object' && it.k === K.Str)) list.nonText = true;
          if (this.containerLevels) countText(list, it);
          this.listed(list, it);
          keepObj(list, it, this.answers);
        }
        this.holdsAll(list, items);
        this.push(list);
        break;
      }
      case Op.DICT: {
        const kv = this.popFrom(this.marker());
        const dict: DictV = { k: K.Dict, keys: [], vals: [], n: 0 };
        if (kv.length % 2 !== 0) this.anomaly('TYPE_ERROR', 'odd number of items for DICT', true);
        this.setItems(dict, kv.length % 2 === 0 ? kv : kv.slice(0, kv.length - 1));
        this.push(dict);
        break;
      }
      case Op.EMPTY_SET:
        this.push({ k: K.Set });
        break;
      case Op.ADDITEMS: {
        const x = this.marker();
        if (x <= this.fence || x > this.sp) {
          this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (ADDITEMS target)', true);
          this.sp = Math.min(x, this.sp);
          break;
        }
        const items = this.popFrom(x);
        if (items.length > 0) this.addItems(this.stack[x - 1]!, items);
        break;
      }
      case Op.FROZENSET: {
        const items = this.popFrom(this.marker());
        const set: SetV = { k: K.FrozenSet };
        this.holdsAll(set, items);
        noteFrozenset(set, items);
        for (const it of items)
          if (isUnhashable(it)) this.anomaly('TYPE_ERROR', `unhashable type: '${kindName(it)}'`, true);
          else this.hashed(it, set);
        for (const it of items) keepObj(set, it, this.answers);
        this.push(set);
        break;
      }
      case Op.GLOBAL:
        this.push(this.globalFromLines());
        break;
      case Op.INST: {
        const x = this.marker();
        const cls = this.globalFromLines();
        const args = this.tuple(this.popFrom(x));
        this.push(this.made(this.invoke('INST', cls, args), args));
        break;
      }
      case Op.OBJ: {
        const x = this.marker();
        if (this.sp - x < 1) {
          this.anomaly('STACK_UNDERFLOW', 'unpickling stack underflow (OBJ needs a class)', true);
          this.sp = Math.min(x, this.sp);
          this.push(UNKNOWN);
          break;
        }
        const args = this.tuple(this.popFrom(x + 1));
        const cls = this.stack[--this.sp]!;
        this.push(this.made(this.invoke('OBJ', cls, args), args));
        break;
      }
      case Op.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        this.checkNewobj(cls, args);
        if (typeof kwargs !== 'object' || !(kwargs.k === K.Dict || kwargs.k === K.Unknown || kwargs.k === K.Obj)) {
          this.anomaly('TYPE_ERROR', `NEWOBJ_EX kwargs argument must be a dict, not ${kindName(kwargs)}`, true);
        }
        this.objectArgs('NEWOBJ_EX keyword arguments', kwargs);
        this.plantedNew(cls, args);
        this.push(this.made(this.invoke('NEWOBJ_EX', cls, args, kwargs), args, kwargs));
        break;
      }
      case Op.EXT1:
      case Op.EXT2:
      case Op.EXT4:
        this.push(this.extension(d.num));
        break;
      case Op.PROTO:
        this.protocol(d.num);
        break;
      case Op.FRAME:
        this.framing = true;
        this.endUnframedRun();
        if (d.frameNested) {
          this.anomaly(
            'FRAME_NESTED',
            'FRAME opens before the previous frame ends (strict readers reject this)',
            false,
          );
        }
        if (d.frameBeyondEnd) {
          this.anomaly('FRAME_BEYOND_END', `FRAME declares ${d.num} bytes, more than remain in the stream`, true);
        }
        break;
    }
  }

  private takeSkip(): void {
    const d = this.dec;
    const pos = d.position;
    if (pos === this.skipStart) d.seek(this.skipEnd);
    else if (pos > this.skipStart) {
      this.anomaly('JOBLIB_ARRAY', 'opcodes overlap joblib array data', false);
    }
    this.pendingSkips.shift();
    const next = this.pendingSkips[0];
    this.skipStart = next ? next[0] : Infinity;
    this.skipEnd = next ? next[1] : 0;
  }

  /**
   * An argument CPython rejects is an error where it raises. An over-long text line is not: CPython reads lines of
   * any length, so the value is unknown and reading goes on (an over-long argument must never end the analysis or
   * the decision that the bytes are a pickle). Only memo keys are reported: picklers never write them that long.
   */
  private badArgument(op: number, why: string): void {
    if (why !== LINE_TOO_LONG) this.anomaly('BAD_ARGUMENT', why, true);
    else if (op === Op.GET || op === Op.PUT) this.anomaly('BAD_ARGUMENT', `${opcodeName(op)} memo key: ${why}`, false);
  }

  private memoPut(key: number, v: PyVal): void {
    this.memo.put(key, v);
    if (this.memo.size > this.maxMemo) this.limit('maxMemoEntries', `more than ${this.maxMemo} memo entries`);
  }

  private checkNewobj(cls: PyVal, args: PyVal): void {
    if (
      typeof cls !== 'object' ||
      !(cls.k === K.Global || cls.k === K.Obj || cls.k === K.Unknown || cls.k === K.Pers)
    ) {
      this.anomaly('TYPE_ERROR', `NEWOBJ class argument must be a type, not ${kindName(cls)}`, true);
    }
    if (typeof args !== 'object' || !(args.k === K.Tuple || args.k === K.Unknown || args.k === K.Obj)) {
      this.anomaly('TYPE_ERROR', `NEWOBJ args argument must be a tuple, not ${kindName(args)}`, true);
    }
    this.objectArgs(`${opcodeName(this.dec.op)} argument list`, args);
  }

  /**
   * pickle._Unpickler (joblib.load's NumpyUnpickler; pandas.read_pickle's compat reader, for an object with a
   * __bases__ tuple) runs NEWOBJ as `cls.__new__(cls, *args)` without the C unpickler's check that cls is a class: on
   * an instance, `__new__` is found in its __dict__ before its class's, so an entry the stream planted there (a BUILD
   * or Cython unpickle state) is called with the object and the arguments.
   */
  private plantedNew(cls: PyVal, args: PyVal): void {
    if (typeof cls !== 'object' || cls.k !== K.Obj) return;
    const found = this.sinkHost.plantedAttr(cls, '__new__');
    if (found === undefined || typeof found !== 'object' || !CALLABLE_KINDS.has(found.k)) return;
    const rest = typeof args === 'object' && args.k === K.Tuple ? args : { k: K.Tuple, items: [UNKNOWN], more: 0 };
    this.invokeModelled(
      found,
      { k: K.Tuple, items: [cls, ...rest.items], more: rest.more },
      `${opcodeName(this.dec.op)} on an object, not a class: the pure-Python unpickler (joblib.load, pandas.read_pickle's ` +
        'compat reader) calls its __new__, which the stream planted in its __dict__',
    );
  }

  /**
   * CPython takes any tuple as a call's argument list (PyTuple_Check) and any dict as NEWOBJ_EX's keywords
   * (PyDict_Check): an instance of a tuple or dict subclass (a namedtuple, tuple.__new__(tuple, list),
   * OrderedDict(pairs)) carries arguments the stream chose where the analysis reads none, so every check of the
   * callee's arguments would pass unseen. No pickler writes one there (it writes the TUPLE or dict it saves).
   */
  private objectArgs(what: string, v: PyVal): void {
    if (isLostTuple(v) || (typeof v === 'object' && v.k === K.Dict && v.opaque === true)) {
      // A value the memo stored after its detail budget keeps its kind, not its items.
      this.anomaly(
        'OFF_SHAPE_CALL',
        `${what} is a memo value stored after the analysis's first ${this.memoDetail} entries, whose items were not ` +
          'kept: the arguments of the call are not followed',
        false,
      );
      return;
    }
    if (typeof v !== 'object' || v.k !== K.Obj) return;
    const cls = instanceClasses(v);
    const named = cls.unknown || cls.names.length === 0 ? 'a class the analysis cannot name' : cls.names.join(' | ');
    this.anomaly(
      'OFF_SHAPE_CALL',
      `${what} is an object of ${named}, not one the stream wrote as a tuple or dict: CPython accepts a tuple or dict ` +
        'subclass there, and the arguments it carries are not followed',
      false,
    );
  }

  private globalFromLines(): GlobalV {
    const d = this.dec;
    if (d.str === undefined || d.str2 === undefined)
      return this.unresolvedImport(
        d.argErr === LINE_TOO_LONG ? 'import line too long to decode' : (d.argErr ?? 'import line not decodable'),
      );
    return this.globalOf(this.importFact(d.str, d.str2, d.argErr !== undefined ? { unresolved: d.argErr } : NO_EXTRA));
  }

  private extension(code: number): GlobalV {
    if (code <= 0) {
      this.anomaly('EXT_CODE', 'EXT specifies code <= 0', true);
      return this.unresolvedImport('EXT code <= 0', { ext: code });
    }
    const hit = this.ext.get(code);
    if (hit) {
      this.anomaly(
        'EXT_CODE',
        `${opcodeName(this.dec.op)} ${code} resolves through a copyreg extension registered by this stream`,
        false,
      );
      return this.globalOf(this.importFact(hit[0], hit[1], { ext: code }));
    }
    this.anomaly(
      'EXT_UNREGISTERED',
      `${opcodeName(this.dec.op)} ${code}: the copyreg extension registry is empty in a fresh interpreter; whatever the loading process registered would be imported`,
      true,
    );
    return this.unresolvedImport(`extension code ${code} is not registered in a fresh interpreter`, { ext: code });
  }

  private protocol(p: number): void {
    if (p > HIGHEST_PROTOCOL) this.anomaly('PROTO_UNSUPPORTED', `unsupported pickle protocol: ${p}`, true);
    if (this.protoSeen) this.anomaly('PROTO_DUPLICATE', `second PROTO opcode (protocol ${p})`, false);
    else if (this.r.opcodes > 1) this.anomaly('PROTO_MISPLACED', `PROTO ${p} is not the first opcode`, false);
    if (!this.protoSeen && this.r.opcodes === 1) this.r.protocol = p;
    this.protoSeen = true;
    if (p <= HIGHEST_PROTOCOL) this.proto = p;
  }

  private trackUnframed(op: number): void {
    const d = this.dec;
    const large =
      (op === Op.BINBYTES ||
        op === Op.BINBYTES8 ||
        op === Op.BINUNICODE ||
        op === Op.BINUNICODE8 ||
        op === Op.BYTEARRAY8) &&
      d.payLen >= 65536;
    if (large) {
      this.endUnframedRun();
      return;
    }
    this.unframedRun += d.argEnd - d.offset;
    if (op === Op.STOP) this.endUnframedRun();
  }

  /** Picklers leave fewer than 4 bytes unframed (FRAME_SIZE_MIN); a longer run was not written by one. */
  private endUnframedRun(): void {
    if (this.unframedRun >= 4 && !this.unframedReported) {
      this.unframedReported = true;
      this.anomaly(
        'UNFRAMED_OPCODES',
        `${this.unframedRun} bytes of opcodes outside any frame after framing began (picklers never write this; CPython accepts it)`,
        false,
      );
    }
    this.unframedRun = 0;
  }

  private stop(): void {
    const r = this.r;
    const value = this.pop();
    if (this.sp > 0) {
      const left = this.stack.slice(0, Math.min(this.sp, 8)).map(summarize);
      this.anomaly(
        'STACK_LEFTOVER',
        `${this.sp} value(s) left under the result at STOP: ${JSON.stringify(left)}`,
        false,
      );
    }
    if (this.marks.length > 0) this.anomaly('MARK_LEFT_OPEN', `${this.marks.length} MARK(s) still open at STOP`, false);
    this.unbuiltScriptObjects();
    r.stopped = true;
    r.end = this.dec.argEnd;
    if (this.gensimKeys) this.gensimCompanions(value);
    if (this.gensimLoads) this.gensimSiblings(value);
    r.result = resultSummary(value);
    this.opts.loader.onResult?.(value);
    // A joblib object array's pickle: the value is the array its wrapper is replaced with.
    if (this.keep || this.opts.joblibDepth !== undefined) r.value = value;
  }

  private decodeFailure(): void {
    const f = this.dec.failure!;
    const r = this.r;
    r.end = f.offset;
    if (f.code === 'EOF') {
      this.anomaly('NO_STOP', r.opcodes === 0 ? 'empty pickle stream' : 'Ran out of input before STOP', true);
    } else if (f.code === 'TRUNCATED') {
      this.anomaly('TRUNCATED', f.message, true);
    } else {
      this.anomaly('UNKNOWN_OPCODE', f.message, true);
    }
  }
}

/** The stack slots `st[from .. to)` as a new array (the items a MARK-delimited opcode takes). */
function stackItems(st: PyVal[], from: number, to: number): PyVal[] {
  const out = new Array<PyVal>(to - from);
  for (let i = from; i < to; i++) out[i - from] = st[i]!;
  return out;
}

/**
 * Items stored into an opaque dict (a memo stand-in for a dict the memo compacted, OPAQUE_DICT): the dict they reach is
 * not one the analysis can name. Only ever grows; a run compares it before and after (settleEmptyDunders).
 */
let opaqueDictWrites = 0;

/** A dict the analysis holds whole and that has no items (none kept, none counted, not opaque). */
function emptyKept(d: DictV): boolean {
  return d.opaque !== true && d.n === 0 && d.keys.length === 0;
}

/** Stores one item into a dict value: the first KEEP_ITEMS items are kept, all are counted (opaque dicts: none). */
function dictPut(d: DictV, key: PyVal, value: PyVal): void {
  if (d.opaque) {
    opaqueDictWrites++;
    // A memo summary (memo.ts): it keeps the keys the special-attribute check needs.
    if (specialKey(key)) keepSpecial(d, key, value);
    return;
  }
  if (d.keys.length < KEEP_ITEMS) {
    d.keys.push(key);
    d.vals.push(value);
  } else {
    if (!dataOnly(key) || !dataOnly(value)) d.dropsCode = true;
    if (specialKey(key)) keepSpecial(d, key, value);
  }
  d.n++;
  if (d.lostInto !== undefined && specialKey(key)) keepSpecial(d.lostInto, key, value);
}

/** Value-keeping mode: every item is kept. */
function dictPutAll(d: DictV, key: PyVal, value: PyVal): void {
  d.keys.push(key);
  d.vals.push(value);
  d.n++;
}

/** A value made by the stream's code (a call result, an import, a persistent object), not data written in it. */
/** Kinds of values whose content the analysis does not know (a call result, a global, a persistent id). */
const UNKNOWN_VALUE_KINDS = new Set([K.Unknown, K.Obj, K.Global, K.Pers]);

function isComputed(v: PyVal | undefined): boolean {
  return typeof v === 'object' && (v.k === K.Obj || v.k === K.Global || v.k === K.Pers);
}

function isLost(v: PyVal): boolean {
  return typeof v === 'object' && v.k === K.Str && v.lost === true;
}

function resultSummary(v: PyVal): PickleRun['result'] {
  if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'int', value: summarize(v) as number };
  if (typeof v === 'string') return { kind: 'str', value: v.length > 200 ? v.slice(0, 200) : v };
  if (v.k === K.Tuple) return { kind: kindName(v), items: v.items.map(summarize) };
  if (v.k === K.Global) return { kind: 'global', import: `${v.imp.importedModule}.${v.imp.importedName}` };
  if (v.k === K.Obj) {
    const root = rootImport(v);
    return root
      ? { kind: 'object', import: `${root.imp.importedModule}.${root.imp.importedName}` }
      : { kind: 'object' };
  }
  return { kind: kindName(v) };
}

/** sklearn-crfsuite's FileResource.__setstate__ pops the embedded file data before it updates the instance __dict__. */
const FILE_RESOURCE_CONSUMED: ReadonlySet<string> = new Set(['__FILE_RESOURCE_DATA__']);

/**
 * pydantic 1's BaseModel.__setstate__ reads these keys of its state and stores their values itself (the state is no
 * instance dict); what they hold is checked by pydantic-state.ts.
 */
const PYDANTIC_CONSUMED: ReadonlySet<string> = new Set(['__dict__', '__fields_set__', '__private_attribute_values__']);

/**
 * State keys every class an instance may be takes out of a BUILD state in its own __setstate__ (never assigned as an
 * attribute), or undefined: only for classes a history pack admits with a state check that reads them.
 */
function consumedStateKeys(classes: ClassSet): ReadonlySet<string> | undefined {
  if (classes.unknown || classes.names.length === 0) return undefined;
  for (const [check, keys] of [
    ['file-resource', FILE_RESOURCE_CONSUMED],
    ['pydantic-state', PYDANTIC_CONSUMED],
  ] as const)
    if (classes.names.every((name) => historyChecks(name).includes(check))) return keys;
  return undefined;
}
