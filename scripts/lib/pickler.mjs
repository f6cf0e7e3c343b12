// A small pickle writer for generated workloads (scripts/perf-workloads.mjs): the opcodes CPython's pickler writes for
// None, bools, ints, floats, str, bytes, tuples, lists, dicts, frozensets, globals, reduce/NEWOBJ calls with BUILD
// state, and PROTO/FRAME/memo handling per protocol 0-5, so that workloads of the shapes real libraries write are
// made in Node without Python. Values: null, booleans, numbers (integers are ints, others floats; `float(x)` forces a
// float), bigints, strings, Buffers (bytes), arrays (lists), Maps (dicts, in insertion order) and the wrappers below.

export class Float {
  constructor(value) {
    this.value = value;
  }
}
export class Tuple {
  constructor(items) {
    this.items = items;
  }
}
export class FrozenSet {
  constructor(items) {
    this.items = items;
  }
}
export class ByteArray {
  constructor(bytes) {
    this.bytes = bytes;
  }
}
export class Global {
  constructor(module, name) {
    this.module = module;
    this.name = name;
  }
}
/** `callable(*args)` (REDUCE), then SETITEMS of `items` (a dict subclass's `__reduce__`) and BUILD of `state`. */
export class Reduce {
  constructor(callable, args, state, items) {
    this.callable = callable;
    this.args = args;
    this.state = state;
    this.items = items;
  }
}
/** `cls.__new__(cls, *args)` (NEWOBJ), then BUILD of `state`: what `object.__reduce_ex__(2+)` writes. */
export class NewObj {
  constructor(cls, args, state) {
    this.cls = cls;
    this.args = args;
    this.state = state;
  }
}

export const float = (x) => new Float(x);
export const tuple = (...items) => new Tuple(items);
export const frozenset = (items) => new FrozenSet(items);
export const global = (module, name) => new Global(module, name);
export const dict = (entries) => new Map(entries);

const FRAME_TARGET = 64 * 1024;
/** Python 3's names the pickler writes for protocols < 3 (fix_imports). */
const PY2_MODULES = { builtins: '__builtin__', copyreg: 'copy_reg' };

/** Python's repr() of a finite float: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function floatRepr(x) {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const [mant, expS] = x.toExponential().split('e');
  const exp = Number(expS);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return String(x);
}

class Out {
  constructor() {
    this.chunks = [];
    this.buf = Buffer.alloc(1 << 16);
    this.n = 0;
  }
  ensure(k) {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
  byte(...v) {
    this.ensure(v.length);
    for (const x of v) this.buf[this.n++] = x;
  }
  bytes(b) {
    this.ensure(b.length);
    b.copy(this.buf, this.n);
    this.n += b.length;
  }
  ascii(s) {
    this.bytes(Buffer.from(s, 'latin1'));
  }
  take() {
    const b = Buffer.from(this.buf.subarray(0, this.n));
    this.n = 0;
    return b;
  }
}

/** The pickle of `value` at `protocol` (0-5). */
export function dumps(value, protocol) {
  const p = new Pickler(protocol);
  return p.dump(value);
}

class Pickler {
  constructor(protocol) {
    this.proto = protocol;
    this.bin = protocol >= 1;
    this.memo = new Map();
    this.frame = new Out();
    this.parts = [];
  }

  dump(value) {
    if (this.proto >= 2) this.parts.push(Buffer.from([0x80, this.proto]));
    this.save(value);
    this.frame.byte(0x2e); // STOP
    this.commit();
    return Buffer.concat(this.parts);
  }

  /** Closes the current frame (protocol 4+: a FRAME opcode and its length before the opcodes). */
  commit() {
    const body = this.frame.take();
    if (body.length === 0) return;
    if (this.proto >= 4 && body.length >= 4) {
      const head = Buffer.alloc(9);
      head[0] = 0x95;
      head.writeBigUInt64LE(BigInt(body.length), 1);
      this.parts.push(head);
    }
    this.parts.push(body);
  }

  put(key) {
    const idx = this.memo.size;
    this.memo.set(key, idx);
    const o = this.frame;
    if (this.proto >= 4) o.byte(0x94);
    else if (!this.bin) o.ascii(`p${idx}\n`);
    else if (idx < 256) o.byte(0x71, idx);
    else {
      o.byte(0x72);
      const b = Buffer.alloc(4);
      b.writeUInt32LE(idx);
      o.bytes(b);
    }
  }

  /** Writes a GET when `key` is memoized; returns whether it did. */
  get(key) {
    const idx = this.memo.get(key);
    if (idx === undefined) return false;
    const o = this.frame;
    if (!this.bin) o.ascii(`g${idx}\n`);
    else if (idx < 256) o.byte(0x68, idx);
    else {
      o.byte(0x6a);
      const b = Buffer.alloc(4);
      b.writeUInt32LE(idx);
      o.bytes(b);
    }
    return true;
  }

  save(v) {
    this.saveInner(v);
    if (this.proto >= 4 && this.frame.n >= FRAME_TARGET) this.commit();
  }

  saveInner(v) {
    const o = this.frame;
    if (v === null || v === undefined) return o.byte(0x4e);
    if (v === true || v === false) {
      if (this.proto >= 2) return o.byte(v ? 0x88 : 0x89);
      return o.ascii(v ? 'I01\n' : 'I00\n');
    }
    if (typeof v === 'number' && Number.isInteger(v)) return this.saveInt(BigInt(v));
    if (typeof v === 'bigint') return this.saveInt(v);
    if (typeof v === 'number') return this.saveFloat(v);
    if (v instanceof Float) return this.saveFloat(v.value);
    if (typeof v === 'string') return this.saveStr(v);
    if (Buffer.isBuffer(v)) return this.saveBytes(v);
    if (v instanceof Global) return this.saveGlobal(v);
    if (this.get(v)) return;
    if (v instanceof Tuple) return this.saveTuple(v);
    if (Array.isArray(v)) return this.saveList(v);
    if (v instanceof Map) return this.saveDict(v);
    if (v instanceof FrozenSet) return this.saveFrozenSet(v);
    if (v instanceof ByteArray) return this.saveByteArray(v);
    if (v instanceof Reduce) return this.saveReduce(v);
    if (v instanceof NewObj) return this.saveNewObj(v);
    throw new Error(`cannot pickle ${typeof v}`);
  }

  saveInt(n) {
    const o = this.frame;
    if (this.bin && n >= 0n && n < 256n) return o.byte(0x4b, Number(n));
    if (this.bin && n >= 0n && n < 65536n) return o.byte(0x4d, Number(n) & 0xff, Number(n) >> 8);
    const int32 = n >= -(2n ** 31n) && n < 2n ** 31n;
    if (int32) {
      if (!this.bin) return o.ascii(`I${n}\n`);
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(n));
      o.byte(0x4a);
      return o.bytes(b);
    }
    if (this.proto < 2) return o.ascii(`L${n}L\n`);
    // LONG1: little-endian two's complement, as few bytes as hold the sign.
    const bytes = [];
    let x = n;
    for (;;) {
      const byte = Number(x & 0xffn);
      bytes.push(byte);
      x >>= 8n;
      if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
    }
    o.byte(0x8a, bytes.length, ...bytes);
  }

  saveFloat(x) {
    const o = this.frame;
    if (!this.bin) return o.ascii(`F${floatRepr(x)}\n`);
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    o.byte(0x47);
    o.bytes(b);
  }

  saveStr(s) {
    const key = `s:${s}`;
    if (this.get(key)) return;
    const o = this.frame;
    if (!this.bin) {
      // raw-unicode-escape: the generated strings are ASCII without backslashes or newlines.
      o.ascii(`V${s}\n`);
    } else {
      const b = Buffer.from(s, 'utf8');
      if (this.proto >= 4 && b.length < 256) o.byte(0x8c, b.length);
      else {
        const h = Buffer.alloc(5);
        h[0] = 0x58;
        h.writeUInt32LE(b.length, 1);
        o.bytes(h);
      }
      o.bytes(b);
    }
    this.put(key);
  }

  saveBytes(b) {
    if (this.proto < 3) {
      // What CPython writes for bytes below protocol 3: _codecs.encode(latin-1 text, 'latin1').
      if (b.length === 0) return this.saveReduce(new Reduce(global('builtins', 'bytes'), tuple()));
      return this.saveReduce(new Reduce(global('_codecs', 'encode'), tuple(b.toString('latin1'), 'latin1')));
    }
    const o = this.frame;
    if (b.length < 256) o.byte(0x43, b.length);
    else {
      const h = Buffer.alloc(5);
      h[0] = 0x42;
      h.writeUInt32LE(b.length, 1);
      o.bytes(h);
    }
    o.bytes(b);
    this.put(Symbol('bytes'));
  }

  saveByteArray(v) {
    if (this.proto < 5) return this.saveReduce(new Reduce(global('builtins', 'bytearray'), tuple(v.bytes)));
    const h = Buffer.alloc(9);
    h[0] = 0x96;
    h.writeBigUInt64LE(BigInt(v.bytes.length), 1);
    this.frame.bytes(h);
    this.frame.bytes(v.bytes);
    this.put(v);
  }

  saveGlobal(g) {
    const key = `g:${g.module}\n${g.name}`;
    if (this.get(key)) return;
    const o = this.frame;
    if (this.proto >= 4) {
      this.saveStr(g.module);
      this.saveStr(g.name);
      o.byte(0x93);
    } else {
      const module = this.proto < 3 ? (PY2_MODULES[g.module] ?? g.module) : g.module;
      o.ascii(`c${module}\n${g.name}\n`);
    }
    this.put(key);
  }

  saveTuple(t) {
    const o = this.frame;
    if (t.items.length === 0) return this.bin ? o.byte(0x29) : o.ascii('(t');
    if (this.proto >= 2 && t.items.length <= 3) {
      for (const x of t.items) this.save(x);
      o.byte([0x85, 0x86, 0x87][t.items.length - 1]);
    } else {
      o.byte(0x28);
      for (const x of t.items) this.save(x);
      o.byte(0x74);
    }
    this.put(t);
  }

  saveList(list) {
    const o = this.frame;
    if (this.bin) o.byte(0x5d);
    else o.ascii('(l');
    this.put(list);
    this.batch(list, (x) => this.save(x), 0x61, 0x65);
  }

  saveDict(map) {
    const o = this.frame;
    if (this.bin) o.byte(0x7d);
    else o.ascii('(d');
    this.put(map);
    this.saveItems([...map]);
  }

  saveItems(entries) {
    this.batch(
      entries,
      ([k, v]) => {
        this.save(k);
        this.save(v);
      },
      0x73,
      0x75,
    );
  }

  /** APPEND/SETITEM one at a time at protocol 0, else MARK … APPENDS/SETITEMS in batches of 1,000. */
  batch(items, saveOne, single, many) {
    const o = this.frame;
    if (!this.bin) {
      for (const x of items) {
        saveOne(x);
        o.byte(single);
      }
      return;
    }
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      if (chunk.length === 1) {
        saveOne(chunk[0]);
        o.byte(single);
        continue;
      }
      o.byte(0x28);
      for (const x of chunk) saveOne(x);
      o.byte(many);
    }
  }

  saveFrozenSet(s) {
    if (this.proto < 4) return this.saveReduce(new Reduce(global('builtins', 'frozenset'), tuple([...s.items])));
    this.frame.byte(0x28);
    for (const x of s.items) this.save(x);
    this.frame.byte(0x91);
    this.put(s);
  }

  saveReduce(r) {
    this.save(r.callable);
    this.save(r.args);
    this.frame.byte(0x52);
    this.put(r);
    if (r.items) this.saveItems(r.items);
    if (r.state !== undefined) {
      this.save(r.state);
      this.frame.byte(0x62);
    }
  }

  saveNewObj(r) {
    if (this.proto < 2) throw new Error('NEWOBJ needs protocol 2');
    this.save(r.cls);
    this.save(r.args);
    this.frame.byte(0x81);
    this.put(r);
    if (r.state !== undefined) {
      this.save(r.state);
      this.frame.byte(0x62);
    }
  }
}
