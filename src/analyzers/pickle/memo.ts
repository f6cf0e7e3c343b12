// The VM's memo, keyed like CPython's (_Unpickler_MemoPut: any non-negative key; MEMOIZE uses the number of
// filled slots). Memory stays bounded on huge pickles: the first `detailEntries` values are kept whole, later ones
// are compacted to stand-ins that keep their kind (and, for call results, their originating import) but not
// their contents. Using a compacted value where contents matter is reported by the VM, never silently resolved.
import type { ImportFact } from './facts.js';
import { isDottedIdentifier } from '../../formats/pickle/text-args.js';
import {
  K,
  LOST_STR,
  OPAQUE_BYTEARRAY,
  OPAQUE_BYTES,
  OPAQUE_DICT,
  OPAQUE_FROZENSET,
  OPAQUE_LIST,
  OPAQUE_SET,
  OPAQUE_TUPLE,
  rootImport,
  type ObjV,
  type PyVal,
} from './values.js';

const DENSE_MAX = 1 << 26;

export class Memo {
  private readonly dense: PyVal[] = [];
  private readonly sparse = new Map<number, PyVal>();
  private filled = 0;
  private keptChars = 0;
  /** Values stored compacted (the detail budget was exhausted). */
  compacted = 0;
  private readonly sharedObjs = new Map<ImportFact, ObjV>();

  constructor(
    private readonly detailEntries: number,
    private readonly stringChars: number,
  ) {}

  /** Number of filled slots (CPython's memo_len, the key MEMOIZE uses). */
  get size(): number {
    return this.filled;
  }

  get(key: number): PyVal | undefined {
    return key < DENSE_MAX ? this.dense[key] : this.sparse.get(key);
  }

  put(key: number, value: PyVal): void {
    const stored = this.filled < this.detailEntries ? value : this.compact(value);
    if (key < DENSE_MAX) {
      if (this.dense[key] === undefined) this.filled++;
      this.dense[key] = stored;
    } else {
      if (!this.sparse.has(key)) this.filled++;
      this.sparse.set(key, stored);
    }
  }

  private compact(v: PyVal): PyVal {
    if (typeof v === 'number' || typeof v === 'bigint') return v;
    if (typeof v === 'string') {
      // Names a later STACK_GLOBAL could use are kept while the character budget lasts.
      if (v.length <= 128 && this.keptChars + v.length <= this.stringChars && isDottedIdentifier(v)) {
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
        return v;
      case K.Obj: {
        const root = rootImport(v);
        if (!root) {
          this.compacted++;
          return v.callee;
        }
        let shared = this.sharedObjs.get(root.imp);
        if (!shared) {
          shared = { k: K.Obj, callee: { k: K.Global, imp: root.imp }, args: OPAQUE_TUPLE, call: undefined };
          this.sharedObjs.set(root.imp, shared);
        }
        this.compacted++;
        return shared;
      }
      case K.Str:
        this.compacted++;
        return LOST_STR;
    }
    this.compacted++;
    switch (v.k) {
      case K.Bytes:
        return OPAQUE_BYTES;
      case K.ByteArray:
        return OPAQUE_BYTEARRAY;
      case K.Tuple:
        return OPAQUE_TUPLE;
      case K.List:
        return OPAQUE_LIST;
      case K.Dict:
        return OPAQUE_DICT;
      case K.Set:
        return OPAQUE_SET;
      case K.FrozenSet:
        return OPAQUE_FROZENSET;
      default:
        return v;
    }
  }
}
