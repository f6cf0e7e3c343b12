// Symbolic Python values on the pickle VM's stack and memo. Containers keep only a bounded prefix of
// their items (enough for call arguments, persistent ids and joblib array headers) so memory stays flat.
import type { CallFact, ImportFact } from './facts.js';

export const enum K {
  None = 0,
  True = 1,
  False = 2,
  Float = 3,
  Str = 4,
  Bytes = 5,
  ByteArray = 6,
  Tuple = 7,
  List = 8,
  Dict = 9,
  Set = 10,
  FrozenSet = 11,
  Global = 12,
  Obj = 13,
  Pers = 14,
  Buffer = 15,
  Unknown = 16,
  FileLike = 17,
}

/** number/bigint = Python int; string = Python str (short, decoded); objects for everything else. */
export type PyVal = number | bigint | string | PyObj;

export interface SimpleV {
  readonly k: K.None | K.True | K.False | K.Float | K.Buffer | K.Unknown;
  /** K.Unknown only: a Python int too long for the VM to keep (LONG4), with its length in bits. */
  readonly bits?: number;
}
/** A float and its value (its hash as a key is computed from it: hash-collisions.ts). */
export interface FloatV {
  readonly k: K.Float;
  readonly v: number;
}
/** A str too long to keep: position in the stream only. */
export interface LongStrV {
  readonly k: K.Str;
  readonly off: number;
  readonly len: number;
  /** Payload encoding in the stream: UTF-8 (BINUNICODE*) or latin-1 view (BINSTRING). */
  readonly utf8: boolean;
  /** A str whose value was not kept (memo detail budget exhausted). */
  readonly lost?: true;
}
export interface BytesV {
  readonly k: K.Bytes | K.ByteArray;
  /** Position of the payload in the stream (when literal). */
  readonly off: number;
  readonly len: number;
  /** Content when computed (encode/base64/…) or materialised. */
  data?: Uint8Array;
  readonly via: string;
  /**
   * Bytes protocol 0 - 2 spell as _codecs.encode(<str literal of the stream>, 'latin1'): the stream's own bytes in
   * another spelling, like a literal.
   */
  readonly spelled?: true;
  /** A bytearray read back from the memo or duplicated (DUP): another part of the stream may change it. */
  fetched?: true;
}
export interface TupleV {
  readonly k: K.Tuple;
  readonly items: PyVal[];
  /** Items beyond the kept prefix. */
  readonly more: number;
  /**
   * An item beyond the kept prefix may matter to the checks that walk the tuple for methods to call (class-sinks.ts):
   * it holds code and is not an instance that answers no sink method and holds no items, or such an instance changed
   * after the tuple was built (ObjV.droppedIn). Unset: every unkept item is plain data or such an unchanged instance.
   */
  dropsLost?: true;
  /**
   * Every item beyond the kept prefix is plain data (values.ts holdsCode false: numbers, text, bytes, None and flat
   * containers of them), the same object as a kept item, or one of the few others kept aside in `unkept`, set where
   * the tuple is built from its items: nothing in them can be called or looked up that those do not show, so a
   * walk for things to call (class-sinks.ts, the `any` sink) loses nothing there. Unset (a memo summary, a tuple made
   * elsewhere): the unkept items are unknown.
   */
  dropsData?: true;
  /** With dropsData: the distinct unkept items that are not plain data (objects, classes, containers of them). */
  unkept?: PyVal[];
  /**
   * A stand-in the memo stored after its detail budget for a tuple whose items it dropped (OPAQUE_TUPLE, or one
   * that keeps the hash cost and nesting depth of the tuples it stands for: load-cost.ts carryHash).
   */
  readonly memoLost?: true;
  /** Levels of objects the tuple holds (nesting.ts); unset: none. */
  nest?: number;
  /** An item (kept or dropped) can share its hash with another value's beyond chance (hash-collisions.ts). */
  collides?: true;
  /** Has a tally of keys that may share hashes (hash-collisions.ts). */
  tallied?: true;
}
/**
 * Lists: scans keep only the items whose own code or contents may run (objects, classes, non-empty containers: a
 * comparison runs their special methods, a pandas object answers lookups with the elements of its object arrays), a
 * bounded prefix in `objs`; the value-keeping mode keeps them all in `items`.
 */
export interface ListV {
  readonly k: K.List;
  readonly items?: PyVal[];
  /**
   * Items the stream put in this very list (LIST, APPEND, APPENDS), counted where the VM made it (unset on the memo's
   * stand-ins and summaries): pandas may hash that many values it does not keep (khash-cost.ts).
   */
  n?: number;
  /** An item counted in `n` is not a str (khash-cost.ts: a list of str cannot be made to share pandas hashes). */
  nonText?: true;
  /**
   * The characters of the str items counted in `n`, each occurrence counted (a memo read of one string appended a
   * million times counts its length a million times: what a scan comparing every item reads), and the longest one;
   * `textLost`: an item's length is not known (a str whose value the memo dropped).
   */
  chars?: number;
  longest?: number;
  textLost?: true;
  /** Hash cost of the nested tuples appended (load-cost.ts): set(list), OrderedDict(pairs) hash them again. */
  cost?: number;
  /** Deepest nesting of the tuples appended (load-cost.ts): hashing them again recurses that deep. */
  depth?: number;
  /** Items that may run code or hold values that do (see keepObj), a bounded prefix. */
  objs?: PyVal[];
  /**
   * A list of names a loader reads (one built right under the key `__scipys` or `__recursive_saveloads`: gensim): its
   * first KEEP_STRS items while all are str (keepObj).
   */
  strs?: string[];
  /** A names list (strs) was given an item other than a kept str. */
  others?: true;
  /** More such items than `objs` kept. */
  objsMore?: true;
  /** An item not kept may answer a method a derived sink calls, or hold values (keepObj's `answers`). */
  objsLost?: true;
  /** An item not kept is an instance (or a value the analysis lost): a caller that iterates each item runs its code. */
  unkeptObj?: true;
  /**
   * The keys of the dicts not kept that held only plain data and instances answering no sink method (keepObj,
   * droppableDict): a walk that reads values by one of these keys loses what those dicts held (class-sinks.ts).
   */
  droppedKeys?: string[];
  /**
   * An item not kept, and not lost, may be an element a lookup answered from an object array calls (an instance of a
   * class no pack reviewed: vm.ts dataElements); unset, those items are instances of reviewed classes, dicts of them
   * and plain data.
   */
  dropsElements?: true;
  /**
   * Where the list's None items are among its first 31 (bit i: item i is None), so that a check that reads a short
   * list of objects and None by position (arrow-arrays.ts, a pyarrow buffer list) can place the objects it keeps.
   */
  nones?: number;
  /**
   * The memo's summary of lists it stored after its detail budget (memo.ts), when this list is one of them: what this
   * list gains later (appended items, their hash cost) is added to the summary too, which every memo read returns.
   */
  lostInto?: ListV;
  /**
   * On the memo's summary list: a memo read returned it, so what was appended through that read may belong to any list
   * it stands for (a list with `lostInto` set is then not known to hold only the items it was given directly).
   */
  readBack?: true;
  /** Levels of objects the list holds (nesting.ts); unset: none. */
  nest?: number;
  /** Read back from the memo or duplicated: an item added now may join chains (nesting.ts late links). */
  fetched?: true;
  /** Has a tally of keys that may share hashes (hash-collisions.ts). */
  tallied?: true;
}
export interface DictV {
  readonly k: K.Dict;
  readonly keys: PyVal[];
  readonly vals: PyVal[];
  n: number;
  readonly opaque?: true;
  /** Hash cost of its nested-tuple keys (load-cost.ts): a call given the dict (OrderedDict(d)) hashes them again. */
  keyCost?: number;
  /** The state of an object a list or set did not keep (ObjV.droppedIn): a later SETITEMS here changes it. */
  stateOfDropped?: ObjV;
  /** The list or set that did not keep this dict among its items (keepObj, as ObjV.droppedIn). */
  droppedIn?: ListV | SetV;
  /**
   * On the memo's summary dict: the lists and sets that did not keep a dict it stands for (droppableDict), whose unkept
   * items a SETITEM(S) through a memo read of the summary makes lost (noteChanged).
   */
  droppedBy?: (ListV | SetV)[];
  /** On the memo's summary dict: a SETITEM(S) through a memo read changed one of the dicts it stands for. */
  changed?: true;
  /**
   * An item past the KEEP_ITEMS kept ones had a key or value that is not plain data (dataOnly): only then can a
   * dropped item carry an attribute or be a class a hook calls. Items that are plain data are counted in `n` alone.
   */
  dropsCode?: true;
  /**
   * The memo's summary of dicts it stored after its detail budget (memo.ts), when this dict is one of them: the keys
   * it gains later that the special-attribute check needs (specialKey) are added to the summary too, which every memo
   * read returns.
   */
  lostInto?: DictV;
  /** More special keys (specialKey) came than the dict keeps past its prefix: some went unrecorded. */
  specialLost?: true;
  /** The fields of a numpy.dtype, checked against its item size at its BUILD: numpy keeps this very dict. */
  dtypeFields?: true;
  /** Levels of objects the dict holds (nesting.ts); unset: none. */
  nest?: number;
  /** Read back from the memo or duplicated (nesting.ts late links). */
  fetched?: true;
  /** Has a tally of keys that may share hashes (hash-collisions.ts). */
  tallied?: true;
}
/** Sets and frozensets: members are kept as list items are (`objs`); hashability of all members is checked. */
export interface SetV {
  readonly k: K.Set | K.FrozenSet;
  objs?: PyVal[];
  objsMore?: true;
  /** As ListV.objsLost. */
  objsLost?: true;
  /** As ListV.unkeptObj. */
  unkeptObj?: true;
  /** As ListV.droppedKeys. */
  droppedKeys?: string[];
  /** As ListV.dropsElements. */
  dropsElements?: true;
  /** Levels of objects the set holds (nesting.ts); unset: none. */
  nest?: number;
  /** Read back from the memo or duplicated (nesting.ts late links). */
  fetched?: true;
  /** Has a tally of keys that may share hashes (hash-collisions.ts). */
  tallied?: true;
}
/** An imported object (class, function, module attribute). */
export interface GlobalV {
  readonly k: K.Global;
  readonly imp: ImportFact;
  /**
   * The name is a Python class a pack admits as one (a heap type: its instances are freed under CPython's trashcan,
   * nesting.ts), set where the VM makes the value; unset elsewhere.
   */
  readonly heap?: boolean;
}
/** The result of an invocation (instance, call result). */
export interface ObjV {
  readonly k: K.Obj;
  readonly callee: PyVal;
  readonly args: PyVal;
  readonly call: CallFact | undefined;
  /** State applied by BUILD (last one). */
  state?: PyVal;
  /**
   * Every state BUILD applied, in order (bounded by the VM): each BUILD runs __setstate__ or updates the instance
   * __dict__, so attributes an earlier BUILD set stay (hooks that read them are checked against each state).
   */
  states?: PyVal[];
  /** The object was used as a dict key or set member: a later collision runs its __eq__ on its state then. */
  keyed?: boolean;
  /** A `__setstate__` planted in the instance dict by an earlier BUILD. */
  plantedSetstate?: PyVal;
  /** Value-keeping mode: the object actually called when `callee` is what it forwards to (partial(f)() calls f). */
  through?: PyVal;
  /** Entries an earlier BUILD set that the unpickler may call (extend, append, add, computed keys; bounded). */
  plantedAttrs?: DictV;
  /**
   * The list or set that did not keep this object among its items because it held enough (keepObj): a later change
   * to what the object answers makes that container's unkept items lost.
   */
  droppedIn?: ListV | SetV | TupleV;
  /** Items SETITEM(S) stored on the object (a bounded prefix; a dict subclass may answer lookups from them). */
  planted?: DictV;
  /** Value-keeping mode: items stored by SETITEM(S) on the object (OrderedDict's reduce). */
  items?: DictV;
  /** Value-keeping mode, joblib NumpyArrayWrapper: absolute offset and length of the array bytes in the stream. */
  array?: { readonly off: number; readonly len: number };
  /** Items or bytes the object holds that the stream did not write (argument-work.ts: a range, bytes(n), set(range)). */
  holds?: number;
  /**
   * The memo's stand-in for objects it stored after its detail budget (memo.ts): what BUILD, SETITEMS or APPENDS set
   * on the object it stands for was not kept.
   */
  readonly memoLost?: true;
  /**
   * On a memo stand-in: the attribute names BUILD or SETITEM(S) put on the objects it stands for (a bounded union,
   * kept from when they were compacted on), and the classes those objects may be of. `over`: the union is not complete
   * (too many names or classes, a class the stream does not name, a state whose entries are not all read or may change
   * later): a lookup on the stand-in answers "unknown".
   */
  lostAttrs?: LostAttrs;
  /** An object the memo stored as a stand-in (past its detail budget): that stand-in. */
  standIn?: ObjV;
  /** On a memo stand-in: how many objects it stands for; on such an object: its place among them (from 1). */
  standsFor?: number;
  /**
   * On a memo stand-in a list or set did not keep (droppedIn): how many objects it stood for then. A later change to
   * one of those makes that container's unkept items lost; the objects it came to stand for after are others.
   */
  droppedUpTo?: number;
  /**
   * The records of memo stand-ins (lostAttrs) that read this object as part of a state (pandas 2 names one numpy dtype
   * object in the states of a DatetimeArray and of its ndarray, which two stand-ins replace): a change to it ends each.
   */
  inLostState?: LostAttrs[];
  /** Items the object yields when iterated that it does not hold (a pandas RangeIndex: argument-work.ts). */
  lazy?: number;
  /** Read back from the memo or duplicated (DUP): another part of the stream may hold this very object. */
  shared?: true;
  /** Levels of objects this one holds, itself included (nesting.ts); unset: 1. */
  nest?: number;
  /** Read back from the memo or duplicated (nesting.ts late links). */
  fetched?: true;
  /** Has a tally of keys that may share hashes (hash-collisions.ts). */
  tallied?: true;
}
/** What the objects a memo stand-in replaced were given (ObjV.lostAttrs). */
export interface LostAttrs {
  readonly names: Set<string>;
  readonly classes: string[];
  over: boolean;
}
export interface PersV {
  readonly k: K.Pers;
  readonly pid: PyVal;
}
/** io.BytesIO(bytes): a file-like object over known bytes (BUILD replaces them: BytesIO.__setstate__). */
export interface FileLikeV {
  readonly k: K.FileLike;
  /** The contents; a payload with no data and no stream offset when the scanner cannot know them. */
  bytes: BytesV;
  /** Where the next read starts (BytesIO.__setstate__ sets it); 0 when absent. */
  pos?: number;
  /** A `__setstate__` planted in the instance dict by an earlier BUILD. */
  plantedSetstate?: PyVal;
  /** A BUILD gave the instance a dict that is not empty (its entries answer attribute lookups first). */
  dict?: boolean;
}

export type PyObj =
  SimpleV | FloatV | LongStrV | BytesV | TupleV | ListV | DictV | SetV | GlobalV | ObjV | PersV | FileLikeV;

export const NONE: SimpleV = Object.freeze({ k: K.None });
export const TRUE: SimpleV = Object.freeze({ k: K.True });
export const FALSE: SimpleV = Object.freeze({ k: K.False });
export const BUFFER: SimpleV = Object.freeze({ k: K.Buffer });
export const UNKNOWN: SimpleV = Object.freeze({ k: K.Unknown });

/** Stand-ins for memo values stored after the detail budget: the kind survives, the contents do not. */
export const LOST_STR: LongStrV = Object.freeze({ k: K.Str, off: -1, len: -1, utf8: true, lost: true });
export const OPAQUE_TUPLE: TupleV = Object.freeze({
  k: K.Tuple,
  items: Object.freeze([]) as unknown as PyVal[],
  more: 1,
  memoLost: true,
});
/** A memo stand-in for a tuple whose items were dropped (OPAQUE_TUPLE or a hash-carrying one). */
export function isLostTuple(v: PyVal): boolean {
  return typeof v === 'object' && v.k === K.Tuple && v.memoLost === true;
}
export const LIST: ListV = Object.freeze({ k: K.List });
export const OPAQUE_DICT: DictV = Object.freeze({
  k: K.Dict,
  keys: Object.freeze([]) as unknown as PyVal[],
  vals: Object.freeze([]) as unknown as PyVal[],
  n: 0,
  opaque: true,
});
export const SET: SetV = Object.freeze({ k: K.Set });
export const FROZENSET: SetV = Object.freeze({ k: K.FrozenSet });
export const OPAQUE_BYTES: BytesV = Object.freeze({
  k: K.Bytes,
  off: -1,
  len: -1,
  via: 'memo value not kept',
}) as BytesV;
export const OPAQUE_BYTEARRAY: BytesV = Object.freeze({
  k: K.ByteArray,
  off: -1,
  len: -1,
  via: 'memo value not kept',
}) as BytesV;

/** Items kept per container; beyond this only the count is tracked. */
export const KEEP_ITEMS = 64;

/** numpy's scalar reconstructor, at its numpy 1.x and 2.x locations. */
const NUMPY_SCALAR = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar']);

/**
 * A numpy scalar rebuilt from bytes (`numpy.core.multiarray.scalar(dtype, b'...')`, what numpy pickles an int64 or a
 * float32 as) that no BUILD or SETITEM touched: numpy makes a number of the dtype from the bytes (for the object dtype
 * it returns the bytes object itself, with a DeprecationWarning; a structured dtype with object fields raises), and
 * a numpy scalar has no instance __dict__ (an attribute cannot be set on it; its __setstate__ ignores any state).
 */
function numpyScalarOfBytes(v: ObjV): boolean {
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global || !NUMPY_SCALAR.has(callee.imp.canonical)) return false;
  if (v.state !== undefined || v.planted !== undefined || v.plantedAttrs !== undefined) return false;
  const args = v.args;
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 2) return false;
  const data = args.items[1]!;
  return typeof data === 'object' && data.k === K.Bytes;
}

/**
 * A value that is plain data: an int, a float, a str, bytes, a bytearray, a buffer, None, True or False, or a numpy
 * scalar rebuilt from bytes (numpyScalarOfBytes). Nothing can be planted on one (no instance attributes), none is a
 * class or holds items, and a method looked up on one is its type's own. A value the analysis lost (K.Unknown), a
 * container, any other object or an import is not.
 */
export function dataOnly(v: PyVal): boolean {
  if (typeof v !== 'object') return true;
  switch (v.k) {
    case K.Obj:
      return numpyScalarOfBytes(v);
    case K.None:
    case K.True:
    case K.False:
    case K.Float:
    case K.Str:
    case K.Bytes:
    case K.ByteArray:
    case K.Buffer:
      return true;
    default:
      return false;
  }
}
/** Leading str items kept per list (strs). */
export const KEEP_STRS = 16;
/** List and set items kept per container (objs). */
export const KEEP_OBJS = 16;

/**
 * Whether a list or set item may run code of its own (its class's special methods) or hold values that do: tuples and
 * dicts are looked into two levels deep (deeper, or with items not kept, they count as holding some).
 */
/** The canonical name of an imported value (a class, function or module attribute), or undefined for any other value. */
export function globalName(v: PyVal | undefined): string | undefined {
  return typeof v === 'object' && v.k === K.Global ? v.imp.canonical : undefined;
}

/** The canonical name of what the stream called to make `v` (an object made by REDUCE or NEWOBJ of an import). */
export function madeByName(v: PyVal | undefined): string | undefined {
  return typeof v === 'object' && v.k === K.Obj ? globalName(v.callee) : undefined;
}

export function holdsCode(v: PyVal, depth = 0): boolean {
  if (typeof v !== 'object') return false;
  switch (v.k) {
    case K.Obj:
    case K.Global:
    case K.Pers:
    case K.Unknown:
    case K.FileLike:
      return true;
    case K.Tuple:
      if (v.more > 0 || (depth >= 2 && v.items.length > 0)) return true;
      for (const it of v.items) if (holdsCode(it, depth + 1)) return true;
      return false;
    case K.Dict:
      if (v.opaque === true || v.n > v.keys.length || (depth >= 2 && v.n > 0)) return true;
      for (const it of v.keys) if (holdsCode(it, depth + 1)) return true;
      for (const it of v.vals) if (holdsCode(it, depth + 1)) return true;
      return false;
    case K.List:
    case K.Set:
    case K.FrozenSet:
      return v.objs !== undefined;
    default:
      return false;
  }
}

/** Keeps `v` among the items of list or set `c` when it may run code (the shared frozen stand-ins keep nothing). */
/**
 * What keepObj asks of an instance it leaves out: whether it matters to the walks of the container (it answers a sink
 * method or holds items), and whether it may be an element a lookup answered from an object array calls (`element`;
 * absent: it may).
 */
export type Answers = ((o: ObjV) => boolean) & { readonly element?: (o: ObjV) => boolean };

export function keepObj(c: ListV | SetV, v: PyVal, answers?: Answers): void {
  if (c === LIST || c === SET || c === FROZENSET) return;
  if (c.k === K.List && c.strs !== undefined) {
    // A list of names a loader reads (gensim's): its first str items, or that it holds something else.
    if (typeof v === 'string' && c.strs.length < KEEP_STRS) c.strs.push(v);
    else c.others = true;
  }
  if (!holdsCode(v)) return;
  const objs = (c.objs ??= []);
  if (objs.length < KEEP_OBJS) objs.push(v);
  else {
    c.objsMore = true;
    if (typeof v === 'object' && (v.k === K.Obj || v.k === K.Pers || v.k === K.Unknown)) c.unkeptObj = true;
    // An item not kept is lost to the checks that walk the container, unless it is an instance that answers no
    // method a derived sink calls and holds no items (the caller's `answers`); such an instance is remembered as
    // dropped here, and a later BUILD or SETITEMS on it (or on its state) makes the container's items lost.
    if (c.objsLost !== true) {
      if (typeof v === 'object' && v.k === K.Dict) {
        if (answers === undefined || !droppableDict(c, v, answers)) c.objsLost = true;
      } else if (
        answers === undefined ||
        typeof v !== 'object' ||
        v.k !== K.Obj ||
        !(v.droppedIn === undefined || droppedHere(v.droppedIn, c)) ||
        answers(v)
      )
        c.objsLost = true;
      else dropObj(v, c, answers);
    }
  }
  if (c.k === K.List && c.lostInto !== undefined && c.lostInto !== c) keepObj(c.lostInto, v, answers);
}

/** Distinct keys of unkept dicts a list or set records (ListV.droppedKeys); past them its unkept items are lost. */
const DROPPED_KEYS = 64;

/**
 * Whether an item dropped earlier from `was` may be dropped from `c` too: the same container, or the list whose later
 * items the memo's summary `c` takes (noteChanged marks both).
 */
const droppedHere = (was: ListV | SetV | TupleV, c: ListV | SetV): boolean =>
  was === c || (was.k === K.List && was.lostInto === c);

/**
 * Whether `d`, past the items list or set `c` keeps, may be left out without losing what the walks of `c` look for
 * (class-sinks.ts), as an instance that answers no sink method may (`answers`): a whole dict (every entry kept, no
 * special key) whose keys are text and whose values are plain data or such instances, neither of them dropped from
 * another container, and no change through the memo's summary of it. Then `d` and its instances are remembered as dropped in `c` (a later change to any makes the
 * unkept items of `c` lost: noteChanged) and its keys are recorded, so a walk that reads values by one of them knows
 * it may miss one (ListV.droppedKeys).
 */
function droppableDict(c: ListV | SetV, d: DictV, answers: Answers): boolean {
  if (
    d.opaque === true ||
    d.n !== d.keys.length ||
    d.specialLost === true ||
    d.lostInto?.changed === true ||
    d.stateOfDropped !== undefined ||
    !(d.droppedIn === undefined || droppedHere(d.droppedIn, c))
  )
    return false;
  for (const k of d.keys) if (typeof k !== 'string' || specialKey(k)) return false;
  const objs: ObjV[] = [];
  for (const v of d.vals) {
    if (typeof v !== 'object') continue;
    switch (v.k) {
      case K.None:
      case K.True:
      case K.False:
      case K.Float:
        continue;
      case K.Obj:
        if (!(v.droppedIn === undefined || droppedHere(v.droppedIn, c)) || answers(v)) return false;
        objs.push(v);
        continue;
      default:
        return false;
    }
  }
  const keys = (c.droppedKeys ??= []);
  for (const k of d.keys as string[]) {
    if (keys.includes(k)) continue;
    if (keys.length >= DROPPED_KEYS) return false;
    keys.push(k);
  }
  // A dict the memo stored after its detail budget may change through a memo read of the summary standing for it.
  if (d.lostInto !== undefined) {
    const by = (d.lostInto.droppedBy ??= []);
    if (!by.includes(c)) {
      if (by.length >= DROPPED_KEYS) return false;
      by.push(c);
    }
  }
  // An item already dropped from the list whose summary `c` is keeps that list: marking it marks `c` too.
  d.droppedIn ??= c;
  for (const o of objs) dropObj(o, c, answers);
  return true;
}

/** Remembers instance `o` as dropped from `c` (a memo stand-in: with the objects it stands for so far). */
function dropObj(o: ObjV, c: ListV | SetV, answers: Answers): void {
  o.droppedIn ??= c;
  if (answers.element === undefined || answers.element(o)) c.dropsElements = true;
  if (o.memoLost === true) o.droppedUpTo = o.standsFor ?? 0;
}

/**
 * A dict key the special-attribute check needs even past the kept prefix of a dict (or in a memo summary): a special
 * name (`__x__`), or a key that is not literal text (a call result, an import, a persistent object, a value the
 * analysis lost, a string the memo did not keep) and so may be any name. Other keys are plain data.
 */
export function specialKey(key: PyVal): boolean {
  if (typeof key === 'string')
    return key.length > 4 && key.charCodeAt(0) === 95 && key.charCodeAt(1) === 95 && key.endsWith('__');
  if (typeof key !== 'object') return false;
  return (
    key.k === K.Obj ||
    key.k === K.Global ||
    key.k === K.Pers ||
    key.k === K.Unknown ||
    (key.k === K.Str && key.lost === true)
  );
}

/** Keeps a special key past the kept prefix of `d` (up to a second prefix), else marks `d` as having lost one. */
export function keepSpecial(d: DictV, key: PyVal, value: PyVal): void {
  if (Object.isFrozen(d.keys)) return;
  if (d.keys.length < 2 * KEEP_ITEMS) {
    d.keys.push(key);
    d.vals.push(value);
  } else d.specialLost = true;
}

export function kindOf(v: PyVal): K | 'int' | 'str' {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  return v.k;
}

export function isStr(v: PyVal): v is string {
  return typeof v === 'string';
}

export function isInt(v: PyVal): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** The import a value derives from: the imported object itself, or the callable that produced it. */
export function rootImport(v: PyVal, depth = 0): { imp: ImportFact; direct: boolean } | undefined {
  if (typeof v !== 'object' || depth > 64) return undefined;
  if (v.k === K.Global) return { imp: v.imp, direct: true };
  if (v.k === K.Obj) {
    const r = rootImport(v.callee, depth + 1);
    return r ? { imp: r.imp, direct: false } : undefined;
  }
  return undefined;
}

/** Python types whose instances are unhashable (dict keys and set members raise TypeError). */
export function isUnhashable(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  const k = v.k;
  if (k === K.List || k === K.Dict || k === K.Set || k === K.ByteArray) return true;
  return k === K.Tuple && v.items.length > 0 && tupleUnhashable(v);
}

function unhashableLeaf(v: PyVal): boolean {
  if (typeof v !== 'object') return false;
  const k = v.k;
  return k === K.List || k === K.Dict || k === K.Set || k === K.ByteArray;
}

/**
 * Tuples already decided. A tuple's items are values made before it, so tuples form a DAG that can share subtrees
 * (a tower whose every level is `(t, t)` of the one below): each tuple is decided once, without recursion, so a
 * deep or exponentially shared key costs time linear in its distinct tuples.
 */
const tupleVerdicts = new WeakMap<TupleV, boolean>();

function tupleUnhashable(root: TupleV): boolean {
  const known = tupleVerdicts.get(root);
  if (known !== undefined) return known;
  const pending: TupleV[] = [root];
  while (pending.length > 0) {
    const t = pending[pending.length - 1]!;
    if (tupleVerdicts.has(t)) {
      pending.pop();
      continue;
    }
    let bad = false;
    const undecided: TupleV[] = [];
    for (const it of t.items) {
      if (typeof it !== 'object') continue;
      if (unhashableLeaf(it)) {
        bad = true;
        break;
      }
      if (it.k !== K.Tuple || it.items.length === 0) continue;
      const v = tupleVerdicts.get(it);
      if (v === true) {
        bad = true;
        break;
      }
      if (v === undefined) undecided.push(it);
    }
    if (bad || undecided.length === 0) {
      tupleVerdicts.set(t, bad);
      pending.pop();
    } else for (const u of undecided) pending.push(u);
  }
  return tupleVerdicts.get(root)!;
}

export function kindName(v: PyVal): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  switch (v.k) {
    case K.None:
      return 'None';
    case K.True:
    case K.False:
      return 'bool';
    case K.Float:
      return 'float';
    case K.Str:
      return 'str';
    case K.Bytes:
      return 'bytes';
    case K.ByteArray:
      return 'bytearray';
    case K.Tuple:
      return 'tuple';
    case K.List:
      return 'list';
    case K.Dict:
      return 'dict';
    case K.Set:
      return 'set';
    case K.FrozenSet:
      return 'frozenset';
    case K.Global:
      return 'global';
    case K.Obj:
      return 'object';
    case K.Pers:
      return 'persistent';
    case K.Buffer:
      return 'buffer';
    case K.FileLike:
      return 'BytesIO';
    default:
      return 'unknown';
  }
}

/** Compact summary for evidence and persistent ids: strings/ints as values, imports by name. */
export function summarize(v: PyVal): string | number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v.length > 120 ? v.slice(0, 117) + '...' : v;
  if (v.k === K.None) return null;
  if (v.k === K.Global) return `<${v.imp.importedModule}.${v.imp.importedName}>`;
  if (v.k === K.Obj) {
    const r = rootImport(v);
    return r ? `<${r.imp.importedModule}.${r.imp.importedName}(...)>` : '<object>';
  }
  return `<${kindName(v)}>`;
}

/** Dict lookup by str key over the kept items. */
export function dictGet(d: DictV, key: string): PyVal | undefined {
  for (let i = d.keys.length - 1; i >= 0; i--) if (d.keys[i] === key) return d.vals[i];
  return undefined;
}
