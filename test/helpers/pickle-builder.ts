// A small pickle opcode assembler for tests: builds streams the real pickler never writes (payloads after
// errors, memo confusion, frame straddles, dotted names) byte by byte, with offsets recorded by label.
import { Op } from '../../src/formats/pickle/opcodes.js';

export class P {
  private readonly parts: number[] = [];
  /** Offsets of labelled opcodes (label → offset of the opcode byte). */
  readonly at: Record<string, number> = {};

  get length(): number {
    return this.parts.length;
  }

  label(name: string): this {
    this.at[name] = this.parts.length;
    return this;
  }

  raw(...bytes: (number | string | Uint8Array)[]): this {
    for (const b of bytes) {
      if (typeof b === 'number') this.parts.push(b);
      else if (typeof b === 'string') for (const c of Buffer.from(b, 'latin1')) this.parts.push(c);
      else for (const c of b) this.parts.push(c);
    }
    return this;
  }

  op(code: number, ...arg: (number | string | Uint8Array)[]): this {
    return this.raw(code, ...arg);
  }

  proto(n: number): this {
    return this.op(Op.PROTO, n);
  }
  frame(n: number): this {
    return this.op(Op.FRAME, ...u64(n));
  }
  stop(): this {
    return this.op(Op.STOP);
  }
  mark(): this {
    return this.op(Op.MARK);
  }
  none(): this {
    return this.op(Op.NONE);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(Op.BININT1, n);
    if (n >= 0 && n < 65536) return this.op(Op.BININT2, n & 0xff, n >> 8);
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.op(Op.BININT, b);
  }
  /** Text GLOBAL (protocol 0 form). */
  global(module: string, name: string): this {
    return this.op(Op.GLOBAL, utf8(module + '\n' + name + '\n'));
  }
  inst(module: string, name: string): this {
    return this.op(Op.INST, utf8(module + '\n' + name + '\n'));
  }
  sbu(s: string): this {
    const b = utf8(s);
    return this.op(Op.SHORT_BINUNICODE, b.length, b);
  }
  bu(s: string): this {
    const b = utf8(s);
    return this.op(Op.BINUNICODE, ...u32(b.length), b);
  }
  bu8(s: string): this {
    const b = utf8(s);
    return this.op(Op.BINUNICODE8, ...u64(b.length), b);
  }
  str(s: string): this {
    return this.op(Op.STRING, utf8(`'${s}'\n`));
  }
  sbb(b: Uint8Array): this {
    return this.op(Op.SHORT_BINBYTES, b.length, b);
  }
  bb(b: Uint8Array): this {
    return this.op(Op.BINBYTES, ...u32(b.length), b);
  }
  stackGlobal(module: string, name: string): this {
    return this.sbu(module).sbu(name).op(Op.STACK_GLOBAL);
  }
  tuple1(): this {
    return this.op(Op.TUPLE1);
  }
  tuple2(): this {
    return this.op(Op.TUPLE2);
  }
  tuple(): this {
    return this.op(Op.TUPLE);
  }
  emptyTuple(): this {
    return this.op(Op.EMPTY_TUPLE);
  }
  reduce(): this {
    return this.op(Op.REDUCE);
  }
  build(): this {
    return this.op(Op.BUILD);
  }
  newobj(): this {
    return this.op(Op.NEWOBJ);
  }
  obj(): this {
    return this.op(Op.OBJ);
  }
  pop(): this {
    return this.op(Op.POP);
  }
  memoize(): this {
    return this.op(Op.MEMOIZE);
  }
  binput(n: number): this {
    return this.op(Op.BINPUT, n);
  }
  binget(n: number): this {
    return this.op(Op.BINGET, n);
  }
  emptyDict(): this {
    return this.op(Op.EMPTY_DICT);
  }
  emptyList(): this {
    return this.op(Op.EMPTY_LIST);
  }
  setitem(): this {
    return this.op(Op.SETITEM);
  }
  /** `module.name(arg)` via STACK_GLOBAL + SHORT_BINUNICODE + TUPLE1 + REDUCE. */
  call(module: string, name: string, arg = 'id'): this {
    return this.stackGlobal(module, name).sbu(arg).tuple1().reduce();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function u64(n: number): number[] {
  const lo = n % 4294967296;
  const hi = Math.floor(n / 4294967296);
  return [...u32(lo), ...u32(hi)];
}

/** A complete protocol-4 pickle calling `module.name(arg)` (what a malicious __reduce__ produces). */
export function evilPickle(module = 'posix', name = 'system', arg = 'id'): Uint8Array {
  return new P().proto(4).call(module, name, arg).stop().bytes();
}

/**
 * A torch.save-style data.pkl: `_rebuild_tensor_v2` of a 2-element FloatStorage whose single persistent id names
 * storage record `key` (offset 0, size (2,), stride (1,)); `tail` adds opcodes before STOP.
 */
export function torchDataPkl(key: string, tail: (p: P) => P = (p) => p): Uint8Array {
  const p = new P()
    .proto(2)
    .global('torch._utils', '_rebuild_tensor_v2')
    .mark()
    .mark()
    .bu('storage')
    .global('torch', 'FloatStorage')
    .bu(key)
    .bu('cpu')
    .int(2)
    .tuple()
    .op(Op.BINPERSID)
    .int(0)
    .int(2)
    .tuple1()
    .int(1)
    .tuple1()
    .op(Op.NEWFALSE)
    .global('collections', 'OrderedDict')
    .emptyTuple()
    .reduce()
    .tuple()
    .reduce();
  return tail(p).stop().bytes();
}
