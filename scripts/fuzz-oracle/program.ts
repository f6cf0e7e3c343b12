// Random pickle programs for the oracle fuzzer (scripts/fuzz-oracle.ts), composed over the admitted names: calls
// (REDUCE, NEWOBJ, NEWOBJ_EX) with random argument types, BUILD with random states, SETITEMS/APPENDS/ADDITEMS on call
// results, memo reuse (the same object used twice), nesting in tuples, lists, dicts, sets and frozensets. Program
// `index` of `seed` is always the same bytes (a seeded generator per program), so a failure can be rewritten.
export interface AdmittedName {
  readonly module: string;
  readonly name: string;
  readonly kind: string;
  /** The pack whose entry this is (a name two packs list is in the pool twice, once per pack). */
  readonly pack?: string;
}

/**
 * Which composer writes the programs: 1, the programs of every run that recorded no composer (a replay of such a run must use it);
 * 2 adds a second BUILD on an earlier call's result (often with a memoized object as the state) and NEWOBJ with an
 * earlier call's result as the class (it draws differently only where version 1 makes a call, so the two share a
 * program's first opcodes up to there).
 */
export type ComposerVersion = 1 | 2;

/** Strings no library writes: an audit event that carries one was steered by the stream. */
export const ORACLE_MARKER = 'sentinel_oracle';

const MARKER_PATH = `/tmp/${ORACLE_MARKER}/f`;
const STRINGS = [
  '',
  'a',
  'x',
  'f8',
  '<i4',
  '|O',
  'O',
  'object',
  'C',
  'F',
  'utf-8',
  'latin1',
  'UTC',
  'Europe/Paris',
  'values',
  'data',
  'index',
  'columns',
  'dtype',
  'shape',
  'names',
  'w+',
  'r+',
  'wb',
  MARKER_PATH,
  ORACLE_MARKER,
  `${ORACLE_MARKER}_module`,
  `print('${ORACLE_MARKER}')`,
  `__import__('os').system('echo ${ORACLE_MARKER}')`,
  '__setstate__',
  '__reduce__',
  '__getattr__',
  '__class__',
  '__dict__',
  '__call__',
  '__init__',
  '__new__',
  'os',
  'system',
  'eval',
  'exec',
  'builtins',
  'open',
  'fit',
  'predict',
  'transform',
];

const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  POP: 0x30,
  BININT: 0x4a,
  BININT1: 0x4b,
  LONG1: 0x8a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  SHORT_BINBYTES: 0x43,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  EMPTY_LIST: 0x5d,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  BUILD: 0x62,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  PROTO: 0x80,
} as const;

/** mulberry32 seeded by (seed, index). */
function rng(seed: number, index: number): () => number {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Composer {
  private readonly out: number[] = [];
  private memo = 0;
  /** Memo indexes of emitted values, by what they are (for reuse). */
  private readonly made: { idx: number; what: 'value' | 'global' | 'call' | 'container' }[] = [];
  private budget = 60;

  constructor(
    private readonly r: () => number,
    private readonly names: readonly AdmittedName[],
    private readonly rare: readonly AdmittedName[],
    private readonly drawn?: (n: AdmittedName) => void,
    private readonly version: ComposerVersion = 1,
  ) {}

  /** Memo indexes of call results so far (objects a later opcode may target again). */
  private calls(): { idx: number }[] {
    return this.made.filter((m) => m.what === 'call');
  }

  /**
   * (Version 2.) A second BUILD on an object an earlier call made: the state a first BUILD set stays in its __dict__,
   * so an attribute it planted (__setstate__) is what this BUILD calls. The state is often a memoized object (a call
   * result that SETITEMS filled: a dict subclass whose entries CPython's default BUILD sets as attributes).
   */
  private rebuild(depth: number): void {
    this.get(this.pick(this.calls()).idx);
    if (this.made.length > 0 && this.r() < 0.4) this.get(this.pick(this.made).idx);
    else this.value(depth + 1);
    this.bytes(OP.BUILD);
  }

  /** (Version 2.) NEWOBJ with an earlier call's result as the class: the pure-Python unpickler calls its __new__. */
  private newobjOnObject(depth: number): void {
    this.get(this.pick(this.calls()).idx);
    this.args(depth);
    this.bytes(OP.NEWOBJ);
    this.put('call');
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  private bytes(...b: number[]): void {
    for (const x of b) this.out.push(x & 0xff);
  }

  private u32(n: number): void {
    this.bytes(n, n >>> 8, n >>> 16, n >>> 24);
  }

  private str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.bytes(OP.BINUNICODE);
    this.u32(b.length);
    this.bytes(...b);
  }

  /** Memoizes the value on top of the stack. */
  private put(what: 'value' | 'global' | 'call' | 'container'): void {
    const i = this.memo++;
    if (i < 256) this.bytes(OP.BINPUT, i);
    else {
      this.bytes(OP.LONG_BINPUT);
      this.u32(i);
    }
    this.made.push({ idx: i, what });
  }

  private get(i: number): void {
    if (i < 256) this.bytes(OP.BINGET, i);
    else {
      this.bytes(OP.LONG_BINGET);
      this.u32(i);
    }
  }

  private leaf(): void {
    const k = this.r();
    if (k < 0.25) {
      const n = this.pick([0, 1, 2, 3, 7, 8, 255, -1, 65536, 2 ** 31 - 1]);
      if (n >= 0 && n < 256) this.bytes(OP.BININT1, n);
      else {
        this.bytes(OP.BININT);
        this.u32(n >>> 0);
      }
    } else if (k < 0.3) {
      this.bytes(OP.LONG1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    } else if (k < 0.35) {
      this.bytes(OP.BINFLOAT, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0);
    } else if (k < 0.7) this.str(this.pick(STRINGS));
    else if (k < 0.78) {
      const b = this.pick([[], [0, 0, 0, 0, 0, 0, 0, 0], [0x61, 0x62, 0x63], [...innerPayload()]]);
      this.bytes(OP.SHORT_BINBYTES, b.length, ...b);
    } else if (k < 0.88) this.bytes(OP.NONE);
    else if (k < 0.94) this.bytes(OP.NEWTRUE);
    else this.bytes(OP.NEWFALSE);
  }

  private global(): void {
    const n = this.rare.length > 0 && this.r() < RARE_SHARE ? this.pick(this.rare) : this.pick(this.names);
    this.drawn?.(n);
    if (this.r() < 0.5) {
      this.bytes(OP.GLOBAL, ...new TextEncoder().encode(`${n.module}\n${n.name}\n`));
    } else {
      this.str(n.module);
      this.str(n.name);
      this.bytes(OP.STACK_GLOBAL);
    }
    this.put('global');
  }

  /** A tuple of 0-4 values (call arguments). */
  private args(depth: number): void {
    const n = Math.floor(this.r() * 5);
    if (n === 0) {
      this.bytes(OP.EMPTY_TUPLE);
      return;
    }
    this.bytes(OP.MARK);
    for (let i = 0; i < n; i++) this.value(depth + 1);
    this.bytes(OP.TUPLE);
  }

  private dictItems(depth: number): void {
    const n = 1 + Math.floor(this.r() * 3);
    this.bytes(OP.MARK);
    for (let i = 0; i < n; i++) {
      if (this.r() < 0.7) this.str(this.pick(STRINGS));
      else this.value(depth + 1);
      this.value(depth + 1);
    }
    this.bytes(OP.SETITEMS);
  }

  /** Pushes one value. */
  value(depth: number): void {
    this.budget--;
    const k = this.r();
    if (this.budget <= 0 || depth > 5) {
      if (this.made.length > 0 && k < 0.3) this.get(this.pick(this.made).idx);
      else this.leaf();
      return;
    }
    if (k < 0.22) this.leaf();
    else if (k < 0.32 && this.made.length > 0) this.get(this.pick(this.made).idx);
    else if (k < 0.42) this.global();
    else if (k < 0.62) this.call(depth);
    else if (k < 0.72) {
      this.bytes(OP.MARK);
      const n = Math.floor(this.r() * 4);
      for (let i = 0; i < n; i++) this.value(depth + 1);
      this.bytes(OP.TUPLE);
      this.put('container');
    } else if (k < 0.78) {
      this.bytes(OP.EMPTY_LIST, OP.MARK);
      const n = Math.floor(this.r() * 3);
      for (let i = 0; i < n; i++) this.value(depth + 1);
      this.bytes(OP.APPENDS);
      this.put('container');
    } else if (k < 0.86) {
      this.bytes(OP.EMPTY_DICT);
      this.dictItems(depth);
      this.put('container');
    } else if (k < 0.9) {
      this.bytes(OP.EMPTY_SET, OP.MARK);
      this.value(depth + 1);
      this.bytes(OP.ADDITEMS);
      this.put('container');
    } else if (k < 0.93) {
      this.bytes(OP.MARK);
      this.value(depth + 1);
      this.bytes(OP.FROZENSET);
      this.put('container');
    } else if (this.version >= 2 && k < 0.965 && this.calls().length > 0) this.rebuild(depth);
    else if (this.version >= 2 && k < 0.98 && this.calls().length > 0) this.newobjOnObject(depth);
    else this.call(depth);
  }

  /** A call of an admitted name (or of a call result), then possibly BUILD/SETITEMS/APPENDS/ADDITEMS on it. */
  private call(depth: number): void {
    const k = this.r();
    const calls = this.made.filter((m) => m.what === 'call');
    if (k < 0.1 && calls.length > 0) this.get(this.pick(calls).idx);
    else this.global();
    if (k < 0.6) {
      this.args(depth);
      this.bytes(OP.REDUCE);
    } else if (k < 0.85) {
      this.args(depth);
      this.bytes(OP.NEWOBJ);
    } else {
      this.args(depth);
      this.bytes(OP.EMPTY_DICT);
      if (this.r() < 0.5) this.dictItems(depth);
      this.bytes(OP.NEWOBJ_EX);
    }
    this.put('call');
    const after = this.r();
    if (after < 0.35) {
      // BUILD: a dict state, a (dict, slots) pair, or any value.
      const s = this.r();
      if (s < 0.5) {
        this.bytes(OP.EMPTY_DICT);
        this.dictItems(depth);
      } else if (s < 0.7) {
        this.bytes(OP.MARK, OP.EMPTY_DICT);
        this.dictItems(depth);
        this.bytes(OP.EMPTY_DICT);
        this.dictItems(depth);
        this.bytes(OP.TUPLE);
      } else this.value(depth + 1);
      this.bytes(OP.BUILD);
    } else if (after < 0.45) this.dictItems(depth);
    else if (after < 0.5) {
      this.bytes(OP.MARK);
      this.value(depth + 1);
      this.bytes(OP.APPENDS);
    } else if (after < 0.53) {
      this.bytes(OP.MARK);
      this.value(depth + 1);
      this.bytes(OP.ADDITEMS);
    }
  }

  /** Emits the import of one given name (memoized). */
  globalOf(n: AdmittedName): void {
    this.drawn?.(n);
    if (this.r() < 0.5) this.bytes(OP.GLOBAL, ...new TextEncoder().encode(`${n.module}\n${n.name}\n`));
    else {
      this.str(n.module);
      this.str(n.name);
      this.bytes(OP.STACK_GLOBAL);
    }
    this.put('global');
  }

  /** An integer of any size (BININT1, BININT or LONG1, little-endian two's complement). */
  private int(n: bigint): void {
    if (n >= 0n && n < 256n) return this.bytes(OP.BININT1, Number(n));
    if (n >= -(2n ** 31n) && n < 2n ** 31n) {
      this.bytes(OP.BININT);
      return this.u32(Number(BigInt.asUintN(32, n)));
    }
    const out: number[] = [];
    let v = n;
    for (;;) {
      out.push(Number(BigInt.asUintN(8, v)));
      v >>= 8n;
      const sign = (out[out.length - 1]! & 0x80) !== 0;
      if ((v === 0n && !sign) || (v === -1n && sign)) break;
    }
    this.bytes(OP.LONG1, out.length, ...out);
  }

  /** A name of `pool` whose kind is `kind` (any name when none is). */
  private nameOfKind(kind: string | undefined): AdmittedName {
    const of = kind === undefined ? this.names : this.names.filter((n) => n.kind === kind);
    return this.pick(of.length > 0 ? of : this.names);
  }

  /** A callable the stream reaches without any admitted name: os.system, builtins.eval and the like. */
  private streamCallable(): void {
    const [m, n] = this.pick(STREAM_CALLABLES);
    this.bytes(OP.GLOBAL, ...new TextEncoder().encode(`${m}\n${n}\n`));
  }

  /** One value of argument kind `kind`. */
  private argOf(kind: ArgKind, depth: number): void {
    switch (kind) {
      case 'empty':
        return this.bytes(OP.NONE);
      case 'zero':
        return this.r() < 0.7 ? this.int(0n) : this.bytes(OP.BINFLOAT, 0, 0, 0, 0, 0, 0, 0, 0);
      case 'huge':
        return this.int(this.pick(HUGE));
      case 'path':
        return this.r() < 0.8
          ? this.str(this.pick([MARKER_PATH, `${MARKER_PATH}.npy`, `/tmp/${ORACLE_MARKER}`, 'w', 'wb', 'r+', 'w+']))
          : this.bytes(OP.SHORT_BINBYTES, ...[MARKER_PATH.length, ...new TextEncoder().encode(MARKER_PATH)]);
      case 'code':
        return this.str(
          this.pick([
            `print('${ORACLE_MARKER}')`,
            `__import__('os').system('echo ${ORACLE_MARKER}')`,
            `${ORACLE_MARKER}_module`,
            `os.system`,
            'exec',
            'eval',
          ]),
        );
      case 'stream-callable':
        return this.streamCallable();
      case 'admitted-callable':
        return this.globalOf(this.nameOfKind(this.r() < 0.5 ? 'function' : undefined));
      case 'class':
        return this.globalOf(this.nameOfKind('class'));
      case 'planted':
        return this.planted(depth);
      case 'container':
        return this.container(depth);
      case 'random':
        return this.value(depth + 1);
      case 'callee':
        return this.argOf(this.pick(['code', 'path', 'zero', 'stream-callable'] as const), depth);
    }
  }

  /** An object of an admitted class whose BUILD planted methods and attributes (stream callables, admitted names). */
  private planted(depth: number): void {
    this.globalOf(this.nameOfKind('class'));
    this.bytes(OP.EMPTY_TUPLE, this.r() < 0.5 ? OP.REDUCE : OP.NEWOBJ);
    this.put('call');
    this.bytes(OP.EMPTY_DICT, OP.MARK);
    const n = 1 + Math.floor(this.r() * 3);
    for (let i = 0; i < n; i++) {
      this.str(this.pick(PLANTED_ATTRS));
      const k = this.r();
      if (k < 0.4) this.streamCallable();
      else if (k < 0.7) this.globalOf(this.names[Math.floor(this.r() * this.names.length)]!);
      else this.argOf(this.pick(['code', 'path', 'huge', 'zero'] as const), depth + 1);
    }
    this.bytes(OP.SETITEMS, OP.BUILD);
  }

  /** A list, tuple, dict or set holding values of the other kinds (marker strings, inner payloads, callables). */
  private container(depth: number): void {
    const inner = (): void => {
      const k = this.r();
      if (depth > 2 || k < 0.3) this.argOf(this.pick(['code', 'path', 'zero', 'huge'] as const), depth + 1);
      else if (k < 0.45) {
        const b = innerPayload();
        this.bytes(OP.SHORT_BINBYTES, b.length, ...b);
      } else if (k < 0.6) this.streamCallable();
      else if (k < 0.75) this.globalOf(this.names[Math.floor(this.r() * this.names.length)]!);
      else this.container(depth + 1);
    };
    const n = 1 + Math.floor(this.r() * 3);
    const c = this.r();
    if (c < 0.3) {
      this.bytes(OP.EMPTY_LIST, OP.MARK);
      for (let i = 0; i < n; i++) inner();
      this.bytes(OP.APPENDS);
    } else if (c < 0.6) {
      this.bytes(OP.MARK);
      for (let i = 0; i < n; i++) inner();
      this.bytes(OP.TUPLE);
    } else if (c < 0.9) {
      this.bytes(OP.EMPTY_DICT, OP.MARK);
      for (let i = 0; i < n; i++) {
        this.str(this.pick(STRINGS));
        inner();
      }
      this.bytes(OP.SETITEMS);
    } else {
      this.bytes(OP.EMPTY_SET, OP.MARK);
      this.argOf(this.pick(['code', 'path', 'zero'] as const), depth + 1);
      this.bytes(OP.ADDITEMS);
    }
    this.put('container');
  }

  /** The argument tuple of a targeted call: 0-3 values of `kind` (a stream callable is followed by its code). */
  private targetArgs(kind: ArgKind): void {
    if (kind === 'empty') return this.bytes(OP.EMPTY_TUPLE);
    this.bytes(OP.MARK);
    const n = 1 + Math.floor(this.r() * 3);
    for (let i = 0; i < n; i++) {
      if (i > 0 && this.r() < 0.35) this.argOf(this.pick(['code', 'path', 'zero', 'huge'] as const), 1);
      else this.argOf(kind, 1);
    }
    this.bytes(OP.TUPLE);
  }

  /**
   * One program that calls `target` with arguments of `kind` in call shape `shape` (0: REDUCE; 1: NEWOBJ or
   * NEWOBJ_EX; 2: REDUCE then BUILD with a planted state, SETITEMS or APPENDS on the result; 3: `target` as the
   * callee another admitted name is given, then called with arguments of `kind`).
   */
  targeted(target: AdmittedName, kind: ArgKind, shape: number): Uint8Array {
    this.bytes(OP.PROTO, 4);
    if (shape === 3) {
      this.globalOf(this.nameOfKind(this.r() < 0.5 ? 'function' : undefined));
      this.bytes(OP.MARK);
      this.globalOf(target);
      this.argOf(kind === 'empty' ? 'code' : kind, 1);
      this.bytes(OP.TUPLE, OP.REDUCE);
      this.put('call');
    } else {
      this.globalOf(target);
      this.targetArgs(kind);
      if (shape === 1 && this.r() < 0.5) {
        this.bytes(OP.EMPTY_DICT);
        if (this.r() < 0.6) this.dictItems(1);
        this.bytes(OP.NEWOBJ_EX);
      } else this.bytes(shape === 1 ? OP.NEWOBJ : OP.REDUCE);
      this.put('call');
      if (shape === 2) {
        const k = this.r();
        if (k < 0.6) {
          this.bytes(OP.EMPTY_DICT, OP.MARK);
          const n = 1 + Math.floor(this.r() * 3);
          for (let i = 0; i < n; i++) {
            this.str(this.pick(PLANTED_ATTRS));
            this.argOf(kind === 'empty' ? 'stream-callable' : kind, 1);
          }
          this.bytes(OP.SETITEMS, OP.BUILD);
        } else if (k < 0.8) this.dictItems(1);
        else {
          this.bytes(OP.MARK);
          this.argOf(kind, 1);
          this.bytes(OP.APPENDS);
        }
      }
    }
    this.bytes(OP.STOP);
    return Uint8Array.from(this.out);
  }

  program(): Uint8Array {
    this.bytes(OP.PROTO, 4);
    const top = 1 + Math.floor(this.r() * 3);
    for (let i = 0; i < top; i++) {
      this.value(0);
      if (i < top - 1) this.bytes(OP.POP);
    }
    this.bytes(OP.STOP);
    return Uint8Array.from(this.out);
  }
}

let inner: Uint8Array | undefined;
/** A short pickle that prints the marker when something unpickles it (bytes handed to an admitted callable). */
function innerPayload(): Uint8Array {
  inner ??= new TextEncoder().encode(`cbuiltins\nprint\n(V${ORACLE_MARKER}\ntR.`);
  return inner;
}

/**
 * The kinds of argument the coverage mode gives each admitted name: nothing, zero, huge integers, paths, code strings,
 * callables the stream reaches (os.system, builtins.eval: not admitted, so Sentinel blocks their import; they show
 * what the loader does with them), other admitted callables, admitted classes, objects with planted methods,
 * containers of all of these, random values, and the name handed as a callee to another admitted name.
 */
export const ARG_KINDS = [
  'empty',
  'zero',
  'huge',
  'path',
  'code',
  'stream-callable',
  'admitted-callable',
  'class',
  'planted',
  'container',
  'random',
  'callee',
] as const;
export type ArgKind = (typeof ARG_KINDS)[number];

/** Call shapes of a targeted program (Composer.targeted). */
export const SHAPES = 4;

const STREAM_CALLABLES: readonly (readonly [string, string])[] = [
  ['os', 'system'],
  ['posix', 'system'],
  ['builtins', 'eval'],
  ['builtins', 'exec'],
  ['builtins', '__import__'],
  ['builtins', 'getattr'],
  ['builtins', 'open'],
  ['subprocess', 'getoutput'],
];

const HUGE: readonly bigint[] = [2n ** 62n, 2n ** 63n - 1n, 10n ** 40n, -1n, -(2n ** 63n), 2n ** 31n - 1n, 65536n];

/** Attribute names a planted state sets (methods the loaders or libraries call on what they are given). */
const PLANTED_ATTRS = [
  '__setstate__',
  '__reduce__',
  '__getattr__',
  '__len__',
  '__iter__',
  'items',
  'keys',
  'get',
  'read',
  'readinto',
  'readline',
  'seek',
  'byteswap',
  'dtype',
  'shape',
  'append',
  'extend',
  'update',
  'add',
  '__array__',
  'fileno',
  'encode',
  'decode',
];

/**
 * Program `variant` of `target` with arguments of `kind` under `seed`: a seeded generator per (target, kind,
 * variant), so the same inputs are always the same bytes; the call shape is `variant % SHAPES`. `names` is the pool
 * the other admitted names of the program are drawn from.
 */
export function composeTargeted(
  target: AdmittedName,
  kind: ArgKind,
  variant: number,
  names: readonly AdmittedName[],
  seed: number,
  drawn?: (n: AdmittedName) => void,
): Uint8Array {
  let h = 0x811c9dc5;
  for (const ch of `${target.module}.${target.name}|${kind}|${variant}`)
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return new Composer(rng(seed, h >>> 0), names, [], drawn, 2).targeted(target, kind, variant % SHAPES);
}

/** Share of imports drawn from the rare list (names no loader resolves here: they end a load, or divert it). */
const RARE_SHARE = 0.02;

/**
 * Program `index` of `seed` over `names`; `rare` names (those no loader resolves on this machine) are drawn for a
 * small share of imports only, since each ends the load that reaches it (pandas.read_pickle then re-reads the stream
 * with its compat unpickler, so they still count). `drawn` sees every name the program imports (it does not change
 * the bytes).
 */
export function composeProgram(
  names: readonly AdmittedName[],
  seed: number,
  index: number,
  rare: readonly AdmittedName[] = [],
  drawn?: (n: AdmittedName) => void,
  version: ComposerVersion = 1,
): Uint8Array {
  return new Composer(rng(seed, index), names, rare, drawn, version).program();
}
