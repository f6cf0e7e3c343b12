// A bounded reader of Universal Binary JSON (big-endian, the dialect XGBoost writes for its models: objects with
// length-prefixed keys, strongly typed arrays `[$<type>#<count>`, counted and uncounted untyped arrays). Every length
// is checked against the bytes that remain, nesting is bounded and the number of values read has a budget: a hostile
// buffer ends in an error, never in a crash, a hang or an allocation it chose.

export type UbjValue = number | string | boolean | null | UbjObject | UbjArray | UbjTypedArray;

export interface UbjObject {
  readonly t: 'obj';
  readonly entries: ReadonlyMap<string, UbjValue>;
  /** Keys seen more than once (the last value is kept). */
  readonly duplicateKeys: number;
}

export interface UbjArray {
  readonly t: 'arr';
  readonly items: readonly UbjValue[];
}

/** A strongly typed array of numbers; its elements stay in the buffer and are read on demand. */
export interface UbjTypedArray {
  readonly t: 'typed';
  /** The element marker: i U I l L d D. */
  readonly elem: string;
  readonly count: number;
  /** Element `i` (no bounds check beyond `count`: the caller loops below it). */
  at(i: number): number;
}

export class UbjError extends Error {}

export interface UbjLimits {
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Values (object entries and untyped array items) read in total. */
  readonly maxValues: number;
}

export const UBJ_LIMITS: UbjLimits = { maxDepth: 64, maxValues: 8_000_000 };

const UTF8 = new TextDecoder('utf-8');
const ELEM_SIZE: Readonly<Record<string, number>> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8 };

/** Parses one UBJSON value spanning the whole of `buf` (trailing bytes are an error). */
export function parseUbjson(buf: Uint8Array, limits: UbjLimits = UBJ_LIMITS): UbjValue {
  const r = new Reader(buf, limits);
  const v = r.value(0);
  if (r.pos !== buf.length) throw new UbjError(`${buf.length - r.pos} bytes after the top-level value`);
  return v;
}

class Reader {
  pos = 0;
  private values = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly limits: UbjLimits,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number, what: string): void {
    if (n < 0 || n > this.buf.length - this.pos)
      throw new UbjError(`${what} at offset ${this.pos} needs ${n} bytes, ${this.buf.length - this.pos} remain`);
  }

  private marker(): string {
    this.need(1, 'a marker');
    return String.fromCharCode(this.buf[this.pos++]!);
  }

  private peek(): string {
    this.need(1, 'a marker');
    return String.fromCharCode(this.buf[this.pos]!);
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) throw new UbjError(`more than ${this.limits.maxValues} values`);
  }

  /** A number of marker `m` at the current position. */
  private num(m: string): number {
    const size = ELEM_SIZE[m];
    if (size === undefined) throw new UbjError(`'${printable(m)}' at offset ${this.pos - 1} is not a number marker`);
    this.need(size, 'a number');
    const v = readElem(this.view, m, this.pos);
    this.pos += size;
    return v;
  }

  /** A length: an integer marker and a non-negative integer that fits in the bytes that remain. */
  private length(what: string): number {
    const m = this.marker();
    if (m === 'd' || m === 'D') throw new UbjError(`${what} at offset ${this.pos - 1} is not an integer`);
    const n = this.num(m);
    if (!Number.isSafeInteger(n) || n < 0) throw new UbjError(`${what} ${n} at offset ${this.pos} is negative`);
    return n;
  }

  private str(what: string): string {
    const n = this.length(`${what} length`);
    this.need(n, what);
    const s = UTF8.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  value(depth: number): UbjValue {
    return this.typed(this.marker(), depth);
  }

  private typed(m: string, depth: number): UbjValue {
    switch (m) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'S':
        return this.str('a string');
      case 'C': {
        this.need(1, 'a char');
        return String.fromCharCode(this.buf[this.pos++]!);
      }
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      default:
        return this.num(m);
    }
  }

  private object(depth: number): UbjObject {
    if (depth > this.limits.maxDepth) throw new UbjError(`nesting deeper than ${this.limits.maxDepth}`);
    const entries = new Map<string, UbjValue>();
    let duplicateKeys = 0;
    for (;;) {
      if (this.peek() === '}') {
        this.pos++;
        return { t: 'obj', entries, duplicateKeys };
      }
      this.count();
      const key = this.str('an object key');
      if (entries.has(key)) duplicateKeys++;
      entries.set(key, this.value(depth));
    }
  }

  private array(depth: number): UbjArray | UbjTypedArray {
    if (depth > this.limits.maxDepth) throw new UbjError(`nesting deeper than ${this.limits.maxDepth}`);
    let elem: string | undefined;
    if (this.peek() === '$') {
      this.pos++;
      elem = this.marker();
      if (this.peek() !== '#') throw new UbjError(`a typed array at offset ${this.pos} has no count`);
    }
    let n: number | undefined;
    if (this.peek() === '#') {
      this.pos++;
      n = this.length('an array count');
    }
    if (elem !== undefined && n !== undefined) {
      const size = ELEM_SIZE[elem];
      if (size === undefined) throw new UbjError(`typed array of '${printable(elem)}' (only numbers are read)`);
      this.need(n * size, `a typed array of ${n} '${elem}'`);
      const base = this.pos;
      this.pos += n * size;
      const view = this.view;
      return { t: 'typed', elem, count: n, at: (i) => readElem(view, elem, base + i * size) };
    }
    const items: UbjValue[] = [];
    if (n !== undefined) {
      // Every item takes at least one byte.
      this.need(n, `an array of ${n} items`);
      for (let i = 0; i < n; i++) {
        this.count();
        items.push(this.value(depth));
      }
      return { t: 'arr', items };
    }
    for (;;) {
      if (this.peek() === ']') {
        this.pos++;
        return { t: 'arr', items };
      }
      this.count();
      items.push(this.value(depth));
    }
  }
}

function readElem(view: DataView, m: string, at: number): number {
  switch (m) {
    case 'i':
      return view.getInt8(at);
    case 'U':
      return view.getUint8(at);
    case 'I':
      return view.getInt16(at);
    case 'l':
      return view.getInt32(at);
    case 'L':
      return Number(view.getBigInt64(at));
    case 'd':
      return view.getFloat32(at);
    default:
      return view.getFloat64(at);
  }
}

function printable(m: string): string {
  const c = m.charCodeAt(0);
  return c >= 0x20 && c < 0x7f ? m : `\\x${c.toString(16).padStart(2, '0')}`;
}
