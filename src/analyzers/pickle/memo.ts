// The VM's memo, keyed like CPython's (_Unpickler_MemoPut: any non-negative key; MEMOIZE uses the number of
// filled slots). Memory stays bounded on huge pickles: the first `detailEntries` values are kept whole; later
// ones are compacted to stand-ins that keep what analysis needs — identifier strings (STACK_GLOBAL operands),
// imports, small integer tuples (joblib array shapes, interned), numpy dtypes (joblib array item sizes), the
// originating import of call results — and drop the rest. Using a dropped value where contents matter is
// reported by the VM, never silently resolved. An object replaced by its import's stand-in links to it (`standIn`):
// the VM keeps on the stand-in the attribute names later BUILDs set on such objects (a bounded record, lostAttrs).
// Lists stored after the budget share one summary list per memo (the union of what they hold and later gain: hash
// cost, items that may run code), so a memo read over-approximates any of them and a pickle of millions of memoized
// lists does not keep an object per list.
import type { ImportFact } from './facts.js';
import { mayBeDict } from './instance-class.js';
import { carryHash, hashFacts } from './load-cost.js';
import { addPotential, carryCollisions, collisionExposure, mayCollide } from './hash-collisions.js';
import { isDottedIdentifier } from '../../formats/pickle/text-args.js';
import {
  K,
  LOST_STR,
  OPAQUE_BYTEARRAY,
  OPAQUE_BYTES,
  OPAQUE_TUPLE,
  LIST,
  keepObj,
  keepSpecial,
  rootImport,
  specialKey,
  type DictV,
  type ListV,
  type ObjV,
  type PyVal,
  type TupleV,
} from './values.js';

/**
 * Keys below this live in chunks of CHUNK_SIZE slots allocated in key order (MEMOIZE fills slots 0, 1, 2, ...);
 * others, and keys beyond the next unallocated chunk, in a Map. The first chunk grows with use (most pickles memoize
 * a handful of values, and a 65,536-slot chunk per stream dominated scans of many small files); later chunks are
 * allocated whole and never reallocate (one growing array of millions of slots was copied on every growth step and
 * dominated peak memory on memo-heavy pickles).
 */
const CHUNKED_MAX = 1 << 26;
const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** Distinct small tuples interned after the detail budget. */
const MAX_INTERNED_TUPLES = 100_000;
/** numpy.dtype objects kept whole after the detail budget. */
const MAX_KEPT_DTYPES = 100_000;
/** Objects that may be dict subclasses kept whole after the detail budget. */
const MAX_KEPT_DICT_OBJS = 100_000;
/** functools.partial objects kept whole after the detail budget (vetted-uses.ts follows each by identity). */
const MAX_KEPT_PARTIALS = 100_000;

export class Memo {
  private readonly chunks: (PyVal | undefined)[][] = [];
  private readonly sparse = new Map<number, PyVal>();
  private filled = 0;
  private keptChars = 0;
  private keptDtypes = 0;
  private keptDictObjs = 0;
  private keptPartials = 0;
  /** functools.partial objects replaced by a stand-in (past MAX_KEPT_PARTIALS): their uses are no longer followed. */
  lostPartials = 0;
  /** Values stored compacted (the detail budget was exhausted). */
  compacted = 0;
  /** Made on first use (past the detail budget): most streams never compact a value. */
  private sharedObjs: Map<ImportFact, ObjV> | undefined;
  private tuples: Map<number | string, TupleV> | undefined;
  /** Stand-ins of compacted tuples whose hash is not flat, by hash cost and depth (made on first use). */
  private deepTuples: Map<string, TupleV> | undefined;
  /** Past MAX_INTERNED_TUPLES distinct ones: one stand-in carrying the largest cost and depth of the rest. */
  private deepestTuple: TupleV | undefined;
  /** The stand-in for compacted tuples that may share hashes with other keys (hash-collisions.ts). */
  private collidingTuple: TupleV | undefined;
  /** Stands for every list stored after the detail budget (created on first use). */
  private lostList: ListV | undefined;
  /** Stands for every dict stored after the detail budget (created on first use). */
  private lostDict: DictV | undefined;

  constructor(
    private readonly detailEntries: number,
    private readonly stringChars: number,
    /** Called for each object replaced by a shared stand-in, so the VM keeps what later state gives it (lostAttrs). */
    private readonly onStandIn?: (real: ObjV, standIn: ObjV) => void,
  ) {}

  /** Number of filled slots (CPython's memo_len, the key MEMOIZE uses). */
  get size(): number {
    return this.filled;
  }

  get(key: number): PyVal | undefined {
    if (key < CHUNKED_MAX) {
      const c = this.chunks[key >>> CHUNK_BITS];
      const v = c === undefined ? undefined : c[key & CHUNK_MASK];
      if (v !== undefined || this.sparse.size === 0)
        return v !== undefined && this.filled >= this.detailEntries ? this.read(v) : v;
    }
    const v = this.sparse.get(key);
    return v !== undefined && this.filled >= this.detailEntries ? this.read(v) : v;
  }

  /** A memo read once values were compacted: the summary list, or a bytearray not kept, is noted as read back. */
  private read(v: PyVal): PyVal {
    if (v === this.lostList) return this.readSummary(v);
    if (v === OPAQUE_BYTEARRAY) this.opaqueByteArrayRead = true;
    return v;
  }

  /** A bytearray compacted to the shared stand-in was read back: the stream may change the one it stood for. */
  opaqueByteArrayRead = false;

  /** A stand-in for objects a call of `canonical` made was read back from the memo. */
  standInFetched(canonical: string): boolean {
    for (const [imp, s] of this.sharedObjs ?? []) if (imp.canonical === canonical && s.fetched === true) return true;
    return false;
  }

  /** A memo read returns the summary list: any list it stands for may gain items through it from now on. */
  private readSummary(v: ListV): ListV {
    v.readBack = true;
    return v;
  }

  put(key: number, value: PyVal): void {
    const stored = this.filled < this.detailEntries ? value : this.compact(value);
    if (key < CHUNKED_MAX) {
      const ci = key >>> CHUNK_BITS;
      let c = this.chunks[ci];
      if (c === undefined && ci === this.chunks.length) {
        c = ci === 0 ? [] : new Array<PyVal | undefined>(CHUNK_SIZE).fill(undefined);
        this.chunks.push(c);
      }
      if (c !== undefined) {
        const i = key & CHUNK_MASK;
        // Only the first chunk can be short: it grows (by the engine's own amortised doubling) up to the key.
        while (c.length <= i) c.push(undefined);
        // A key stored in the Map before its chunk existed moves into the chunk.
        if (c[i] === undefined && !(this.sparse.size > 0 && this.sparse.delete(key))) this.filled++;
        c[i] = stored;
        return;
      }
    }
    if (!this.sparse.has(key)) this.filled++;
    this.sparse.set(key, stored);
  }

  private compact(v: PyVal): PyVal {
    if (typeof v === 'number' || typeof v === 'bigint') return v;
    if (typeof v === 'string') {
      // Identifier strings (names) and very short ones (a dtype's byte order '<', '|': numpy's pickler memoizes them
      // once and reads them back for every later dtype state) are kept, within the character budget.
      if (
        v.length <= 128 &&
        this.keptChars + v.length <= this.stringChars &&
        (v.length <= SHORT_KEPT_CHARS || isIdentifierLike(v) || isVersionKey(v))
      ) {
        this.keptChars += v.length;
        return v;
      }
      this.compacted++;
      return LOST_STR;
    }
    switch (v.k) {
      case K.None:
      case K.True:
      case K.False:
      case K.Float:
      case K.Buffer:
      case K.Unknown:
      case K.Global:
      case K.Set:
      case K.FrozenSet:
        return v;
      case K.List:
        return this.compactList(v);
      case K.Tuple:
        return this.compactTuple(v);
      case K.Obj:
        return this.compactObj(v);
      case K.Str:
        this.compacted++;
        return LOST_STR;
      case K.Dict:
        return this.compactDict(v);
      case K.Bytes:
        this.compacted++;
        return OPAQUE_BYTES;
      case K.ByteArray:
        this.compacted++;
        return OPAQUE_BYTEARRAY;
      default:
        this.compacted++;
        return v;
    }
  }

  /**
   * A list joins the memo's summary list: what it holds now is added to the summary, and what it gains later is added
   * by the VM through `lostInto`. The summary is not frozen: items appended to it after a memo read stay in it.
   */
  private compactList(l: ListV): ListV {
    if (l === LIST || l.items !== undefined) return l;
    const summary = (this.lostList ??= { k: K.List });
    if (l === summary) return l;
    // The summary holds as deep as the deepest list it stands for (a chain of lists read back and wrapped again
    // grows it, as the lists themselves would: nesting.ts).
    if (l.nest !== undefined && l.nest > (summary.nest ?? 0)) summary.nest = l.nest;
    if (l.cost !== undefined) summary.cost = Math.min((summary.cost ?? 0) + l.cost, 2 ** 52);
    addPotential(summary, collisionExposure(l));
    if (l.depth !== undefined) summary.depth = Math.max(summary.depth ?? 0, l.depth);
    if (l.objs !== undefined || l.objsMore === true) {
      this.compacted++;
      for (const it of l.objs ?? []) if (!(summary.objs ?? []).includes(it)) keepObj(summary, it);
      // Items the list did not keep are remembered as dropped from the list, not from the summary: lost here.
      if (l.objsMore === true) {
        summary.objsMore = true;
        summary.objsLost = true;
      }
    }
    l.lostInto = summary;
    return summary;
  }

  /**
   * A dict joins the memo's summary dict: opaque (its entries unknown, and a lookup in it answers "unknown"), but
   * holding the special keys (specialKey) of every dict stored after the budget, now and later (through `lostInto`):
   * a memo read of a state dict keeps a planted __setstate__ or a computed key in view.
   */
  private compactDict(d: DictV): DictV {
    const summary = (this.lostDict ??= { k: K.Dict, keys: [], vals: [], n: 0, opaque: true });
    if (d === summary || d.opaque === true) return d.opaque === true ? d : summary;
    this.compacted++;
    for (let i = 0; i < d.keys.length; i++) if (specialKey(d.keys[i]!)) keepSpecial(summary, d.keys[i]!, d.vals[i]!);
    addPotential(summary, collisionExposure(d));
    if (d.specialLost === true) summary.specialLost = true;
    d.lostInto = summary;
    return summary;
  }

  /**
   * Tuples of up to 8 ints are interned (shapes repeat), anything else loses its items. A tuple whose hash is not flat
   * (nested tuples, lists or dicts that carry hash cost) is replaced by a stand-in that keeps its hash cost and
   * nesting depth (load-cost.ts carryHash): a stand-in per distinct cost and depth, a bounded number, then one that
   * carries the largest of the rest. A dict key or set member read back from the memo is judged as the tuple was.
   */
  private compactTuple(t: TupleV): TupleV {
    const facts = t.memoLost === true ? undefined : hashFacts(t);
    // A tuple whose items can share hashes with others' (hash-collisions.ts) stays a colliding key of unknown value
    // (each memo read of it counts as a new key), with the largest potential of those it stands for.
    if (mayCollide(t)) {
      this.compacted++;
      const standIn = (this.collidingTuple ??= lostTuple());
      carryCollisions(standIn, t);
      if (facts !== undefined) carryHash(standIn, facts);
      return standIn;
    }
    if (facts !== undefined) {
      this.compacted++;
      const deep = (this.deepTuples ??= new Map());
      const key = `${facts.cost}|${facts.depth}`;
      let standIn = deep.get(key);
      if (standIn === undefined) {
        if (deep.size < MAX_INTERNED_TUPLES) deep.set(key, (standIn = lostTuple()));
        else standIn = this.deepestTuple ??= lostTuple();
      }
      carryHash(standIn, facts);
      return standIn;
    }
    if (t.more === 0 && t.items.length <= 8 && t.items.every((x) => typeof x === 'number')) {
      const key = tupleKey(t.items as number[]);
      const tuples = (this.tuples ??= new Map());
      const hit = tuples.get(key);
      if (hit) return hit;
      if (tuples.size < MAX_INTERNED_TUPLES) {
        tuples.set(key, t);
        return t;
      }
    }
    this.compacted++;
    return OPAQUE_TUPLE;
  }

  /**
   * numpy dtypes stay whole (joblib array sizes need them), and functools.partial objects (a bounded number: the
   * vetting of a library's partial follows each one by identity, so a memo read must give back the object itself);
   * other call results keep only their import.
   */
  private compactObj(v: ObjV): PyVal {
    const root = rootImport(v);
    if (root?.imp.canonical === 'functools.partial') {
      if (this.keptPartials < MAX_KEPT_PARTIALS) {
        this.keptPartials++;
        return v;
      }
      this.lostPartials++;
    }
    if (root?.imp.canonical === 'numpy.dtype' && this.keptDtypes < MAX_KEPT_DTYPES) {
      this.keptDtypes++;
      return v;
    }
    // An object that may be a dict subclass is kept whole (a bounded number): its entries may be a later BUILD's
    // state (statsmodels' Bunch is its own state), which the stand-in could not show.
    if (this.keptDictObjs < MAX_KEPT_DICT_OBJS && mayBeDict(v)) {
      this.keptDictObjs++;
      return v;
    }
    this.compacted++;
    if (!root) return v.callee;
    const sharedObjs = (this.sharedObjs ??= new Map());
    let shared = sharedObjs.get(root.imp);
    if (!shared) {
      shared = {
        k: K.Obj,
        callee: { k: K.Global, imp: root.imp },
        args: lostTuple(),
        call: undefined,
        memoLost: true,
      };
      sharedObjs.set(root.imp, shared);
    }
    // An instance hashes as its argument tuple (a namedtuple, tuple.__new__ of a tuple): the stand-in's arguments
    // carry the largest hash cost and depth of the objects it answers for.
    const facts = hashFacts(v);
    if (facts !== undefined) carryHash(shared.args as TupleV, facts);
    // A stand-in for objects that may share hashes (a number class, arguments holding long integers) is one too.
    if (mayCollide(v)) carryCollisions(shared.args as TupleV, v.args);
    // The stand-in answers for every object of that import: it holds (and yields) as many items as the largest.
    if (v.holds !== undefined && v.holds > (shared.holds ?? 0)) shared.holds = v.holds;
    if (v.lazy !== undefined && v.lazy > (shared.lazy ?? 0)) shared.lazy = v.lazy;
    if (v !== shared) {
      v.standIn = shared;
      v.standsFor = shared.standsFor = (shared.standsFor ?? 0) + 1;
      this.onStandIn?.(v, shared);
    }
    return shared;
  }
}

/** A fresh tuple stand-in with no items (more > 0: its hash is read from what carryHash gave it). */
function lostTuple(): TupleV {
  return { k: K.Tuple, items: [], more: 1, memoLost: true };
}

/** A number for up to three small non-negative ints (no string building on the hot path), else a string. */
function tupleKey(items: number[]): number | string {
  if (items.length <= 3) {
    let key = items.length;
    let small = true;
    for (const x of items) {
      if (!(x >= 0 && x < 65536 && Number.isInteger(x))) {
        small = false;
        break;
      }
      key = key * 65536 + x;
    }
    if (small) return key;
  }
  return items.join(',');
}

/** Strings this short are kept after the detail budget whatever they hold (within the character budget). */
const SHORT_KEPT_CHARS = 4;

/** ASCII characters of dotted identifiers: 1 = may start one (letters, `_`), 2 = may only continue one (digits, `.`). */
const IDENT_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) IDENT_ASCII[c] = 1;
  else if (/[0-9.]/.test(ch)) IDENT_ASCII[c] = 2;
}

/**
 * A short key of digits and dots (and letters) that starts with a digit, as pandas names the state of its block
 * managers ('0.14.1'): a literal key of a state dict read back from the memo, kept like a name.
 */
function isVersionKey(s: string): boolean {
  if (s.length > 32) return false;
  const c = s.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39)) return false;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d >= 0x80 || IDENT_ASCII[d] === 0) return false;
  }
  return true;
}

/** Cheap pre-check before the Unicode identifier test (most memoized strings are data, not names). */
function isIdentifierLike(s: string): boolean {
  const c = s.charCodeAt(0);
  if (!(c < 0x80 ? IDENT_ASCII[c] === 1 : c >= 0x80)) return false;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d < 0x80 && IDENT_ASCII[d] === 0) return false;
  }
  return isDottedIdentifier(s);
}
