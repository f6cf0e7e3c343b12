// Keys that share a CPython hash: integers that differ by a multiple of 2^61 − 1 (and tuples or numbers built from
// them) make every dict or set insertion compare with each earlier key of their hash, N²/2 comparisons for N keys.
// Each hostile shape below reaches the loader's hash tables a different way (SETITEMS, ADDITEMS, FROZENSET, a call
// that hashes a list or pairs, a memo read, tuple keys, numbers built from text); each has a twin of the same size
// whose keys do not collide (or stay under the bound) and passes. 30,000 colliding keys are 4.5·10^8 comparisons
// (past the 2^28 bound); pickle.loads of the dict form takes minutes of CPU at 200,000.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  COLLISION_PROBE_LIMIT,
  CollisionTally,
  HASH_MODULUS,
  keyClass,
  keyHash,
  type KeyClass,
} from '../../../src/analyzers/pickle/hash-collisions.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P as Pickle } from '../../helpers/pickle-builder.js';

const P = HASH_MODULUS;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

/** LONG1 of `v` (two's complement, little-endian, as pickle writes it). */
function long1(v: bigint): number[] {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    out.push(byte);
    x >>= 8n;
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return [Op.LONG1, out.length, ...out];
}
const text = (s: string): number[] => [Op.SHORT_BINUNICODE, s.length, ...Buffer.from(s, 'latin1')];
const global = (m: string, n: string): number[] => [...text(m), ...text(n), Op.STACK_GLOBAL];

/** Keys in batches of 1,000 between MARK and `close` (as the pickler batches them). */
function batched(keys: number[][], close: number, each: (k: number[]) => number[] = (k) => k): number[] {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    out.push(Op.MARK);
    for (const k of keys.slice(i, i + 1000)) out.push(...each(k));
    out.push(close);
  }
  return out;
}

/** Each key list is made once and shared by the cases that scan it (only the streams around it differ). */
const made = new Map<string, number[][]>();
const once = (key: string, make: () => number[][]): number[][] => {
  let v = made.get(key);
  if (!v) made.set(key, (v = make()));
  return v;
};

const N = 30_000;
const colliding = (n = N, sign = 1n): number[][] =>
  once(`colliding ${n} ${sign}`, () => Array.from({ length: n }, (_, i) => long1(sign * BigInt(i + 1) * P)));
const distinct = (n = N): number[][] =>
  once(`distinct ${n}`, () => Array.from({ length: n }, (_, i) => long1(10n ** 20n + BigInt(i))));
const repeated = (n = N): number[][] => once(`repeated ${n}`, () => Array.from({ length: n }, () => long1(7n * P)));

const asDict = (keys: number[][]): number[] => [Op.EMPTY_DICT, ...batched(keys, Op.SETITEMS, (k) => [...k, Op.NONE])];
const asSet = (keys: number[][]): number[] => [Op.EMPTY_SET, ...batched(keys, Op.ADDITEMS)];
const asFrozenset = (keys: number[][]): number[] => [Op.MARK, ...keys.flat(), Op.FROZENSET];
const asList = (keys: number[][], each: (k: number[]) => number[] = (k) => k): number[] => [
  Op.EMPTY_LIST,
  ...batched(keys, Op.APPENDS, each),
];
const called = (m: string, n: string, arg: number[]): number[] => [...global(m, n), ...arg, Op.TUPLE1, Op.REDUCE];
const pair = (k: number[]): number[] => [...k, Op.NONE, Op.TUPLE2];
const tagged = (k: number[]): number[] => [...k, ...text('a'), Op.TUPLE2, Op.NONE];
const fraction = (i: number): number[] => called('fractions', 'Fraction', text(`${BigInt(i + 1) * P}`));

const stream = (body: number[]): Uint8Array => Uint8Array.from([Op.PROTO, 4, ...body, Op.STOP]);

const cases: [string, (keys: number[][]) => number[], 'collide' | 'distinct' | 'repeated' | 'few'][] = [];
const shapes: [string, (keys: number[][]) => number[]][] = [
  ['dict keys (SETITEMS)', asDict],
  ['set members (ADDITEMS)', asSet],
  ['frozenset members (FROZENSET)', asFrozenset],
  ['builtins.set(list)', (k) => called('builtins', 'set', asList(k))],
  ['collections.Counter(list)', (k) => called('collections', 'Counter', asList(k))],
  ['collections.OrderedDict(list of pairs)', (k) => called('collections', 'OrderedDict', asList(k, pair))],
  [
    'builtins.set of a list read back from the memo',
    (k) => [...asList(k), Op.MEMOIZE, Op.POP, ...global('builtins', 'set'), Op.BINGET, 0, Op.TUPLE1, Op.REDUCE],
  ],
  ['tuple keys (int, str)', (k) => [Op.EMPTY_DICT, ...batched(k, Op.SETITEMS, tagged)]],
];
for (const [name, shape] of shapes) {
  cases.push([name, shape, 'collide'], [name, shape, 'distinct'], [name, shape, 'few']);
}
cases.push(['dict keys (SETITEMS)', asDict, 'repeated']);

// Keys whose hashes collide through a composite hash function: CPython's tuple hash (3.8+) folds item hashes into an
// accumulator with invertible steps, so for each small int x a second item y (a plain float, or an int below 2^61)
// is solved for that brings (x, y) to one chosen hash; a 2-member frozenset likewise through the xor of its members'
// shuffled hashes; a pandas Interval hashes as the tuple (left, right, closed). No item collides on its own.
const M64 = (1n << 64n) - 1n;
const XX1 = 11400714785074694791n;
const XX2 = 14029467366897019727n;
const XX5 = 2870177450012600261n;
const inverse = (a: bigint): bigint => {
  let x = 1n;
  for (let i = 0; i < 6; i++) x = (x * (2n - a * x)) & M64;
  return x;
};
const rotl31 = (x: bigint): bigint => ((x << 31n) | (x >> 33n)) & M64;
const XX2_INVERSE = inverse(XX2);
const TARGET = 0x1234567890abcdefn;

/** A float whose CPython hash is `hs` (signed): the mantissa is `hs` rotated within 61 bits so that it fits 53. */
function floatWithHash(hs: bigint): number | undefined {
  const h = hs < 0n ? -hs : hs;
  if (h >= P || h === 0n || hs === -1n) return undefined;
  const bits = h.toString(2).padStart(61, '0');
  if (!(bits + bits).includes('00000000')) return undefined;
  for (let r = 0; r < 61; r++) {
    const m = ((h >> BigInt(r)) | (h << BigInt(61 - r))) & P;
    if (m < 1n << 53n) return (hs < 0n ? -1 : 1) * Number(m) * 2 ** r;
  }
  return undefined;
}
/** The signed hash the second item of (x, y) needs for the tuple to hash to `target` (3.8+ fold). */
function secondHash(x: number, target: bigint): bigint {
  const acc = (rotl31((XX5 + BigInt(x) * XX2) & M64) * XX1) & M64;
  return BigInt.asIntN(64, ((target - acc) * XX2_INVERSE) & M64);
}
/** A 2-member frozenset {x, y}'s second member hash: shuffle(h(y)) = shuffle(x) ^ C (inverted). */
const FS_MUL = 3644798167n;
const shuffle = (h: bigint): bigint => ((h ^ 89869747n ^ (h << 16n)) * FS_MUL) & M64;
const FS_MUL_INVERSE = inverse(FS_MUL);
const frozensetSecondHash = (x: number, target: bigint): bigint =>
  BigInt.asIntN(64, unshuffle(shuffle(BigInt(x)) ^ (target & M64)));
/** An Interval's ends in order (left <= right). */
const ordered = (x: number, y: number | bigint): boolean => typeof y === 'number' && y >= x;
function unshuffle(w: bigint): bigint {
  const g = ((w * FS_MUL_INVERSE) & M64) ^ 89869747n;
  return (g ^ (g << 16n) ^ (g << 32n) ^ (g << 48n)) & M64;
}
const binfloat = (x: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return [Op.BINFLOAT, ...b];
};
const binint = (x: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(x);
  return [Op.BININT, ...b];
};

/**
 * Pairs (x, y) of `kind`: every pair hashes alike ('collide'), or each to its own value ('distinct': the target moves
 * with x), for `second` a float or an int; `keep` filters pairs (an Interval needs x <= y).
 */
function pairs(
  n: number,
  kind: 'collide' | 'distinct',
  second: 'float' | 'int',
  hashFor: (x: number, target: bigint) => bigint = secondHash,
  keep: (x: number, y: number | bigint) => boolean = anyPair,
): [number, number | bigint][] {
  // Made once per construction and extended on demand: a shorter list is a prefix of a longer one.
  const key = `${kind} ${second}`;
  let byKind = pairsMade.get(hashFor)?.get(keep);
  if (!byKind) {
    if (!pairsMade.has(hashFor)) pairsMade.set(hashFor, new Map());
    pairsMade.get(hashFor)!.set(keep, (byKind = new Map()));
  }
  let made = byKind.get(key);
  if (!made) byKind.set(key, (made = { out: [], x: 1 }));
  const out = made.out;
  for (let x = made.x; out.length < n; x++, made.x = x) {
    const hs = hashFor(x, kind === 'collide' ? TARGET : TARGET + BigInt(x) * 7919n);
    const y = second === 'float' ? floatWithHash(hs) : hs > -P && hs < P && hs !== -1n ? hs : undefined;
    if (y !== undefined && keep(x, y)) out.push([x, y]);
  }
  return out.slice(0, n);
}
type Pair = [number, number | bigint];
type Made = { out: Pair[]; x: number };
const pairsMade = new Map<
  (x: number, t: bigint) => bigint,
  Map<(x: number, y: number | bigint) => boolean, Map<string, Made>>
>();
function anyPair(): boolean {
  return true;
}
const item = (y: number | bigint): number[] => (typeof y === 'bigint' ? long1(y) : binfloat(y));
const tupleKeys = (ps: [number, number | bigint][]): number[][] =>
  ps.map(([x, y]) => [...binint(x), ...item(y), Op.TUPLE2]);
const frozensetKeys = (ps: [number, number | bigint][]): number[][] =>
  ps.map(([x, y]) => [Op.MARK, ...binint(x), ...item(y), Op.FROZENSET]);
const intervalKeys = (ps: [number, number | bigint][]): number[][] =>
  ps.map(([x, y]) => [Op.BINGET, 1, ...binint(x), ...item(y), Op.BINGET, 2, Op.TUPLE3, Op.REDUCE]);
const intervalHeader = [...global('pandas._libs.interval', 'Interval'), Op.BINPUT, 1, Op.POP, ...text('right')];
const nestedDict = (keys: number[][]): number[] => [Op.EMPTY_DICT, ...text('state'), ...asDict(keys), Op.SETITEM];

const composite: [string, (n: number, kind: 'collide' | 'distinct') => number[]][] = [
  ['(int, float) tuple dict keys', (n, kind) => asDict(tupleKeys(pairs(n, kind, 'float')))],
  ['(int, float) tuple set members', (n, kind) => asSet(tupleKeys(pairs(n, kind, 'float')))],
  ['(int, float) tuple frozenset members', (n, kind) => asFrozenset(tupleKeys(pairs(n, kind, 'float')))],
  ['(int, float) tuple keys of a nested dict', (n, kind) => nestedDict(tupleKeys(pairs(n, kind, 'float')))],
  ['(int, int) tuple dict keys', (n, kind) => asDict(tupleKeys(pairs(n, kind, 'int')))],
  ['(int, int) tuple set members', (n, kind) => asSet(tupleKeys(pairs(n, kind, 'int')))],
  ['(int, int) tuple frozenset members', (n, kind) => asFrozenset(tupleKeys(pairs(n, kind, 'int')))],
  ['(int, int) tuple keys of a nested dict', (n, kind) => nestedDict(tupleKeys(pairs(n, kind, 'int')))],
  [
    'frozenset {int, float} dict keys',
    (n, kind) => asDict(frozensetKeys(pairs(n, kind, 'float', frozensetSecondHash))),
  ],
  [
    'pandas Interval(int, float, right) dict keys',
    (n, kind) => [
      ...intervalHeader,
      Op.BINPUT,
      2,
      Op.POP,
      ...asDict(intervalKeys(pairs(n, kind, 'float', secondHash, ordered))),
    ],
  ],
];

/** Keys of one hash past the bound (24,000²/2 comparisons > 2^28), and as many of distinct hashes. */
const NC = 24_000;

describe('keys whose hashes collide through a composite hash function', () => {
  for (const [name, build] of composite) {
    // The same-size twin of distinct hashes is scanned for the dict of each construction: a set, a frozenset or a
    // nested dict of the same keys hashes them the same way.
    const twin = name.endsWith('dict keys');
    for (const [kind, n, blocked] of [
      ['collide', NC, true],
      ...(twin ? ([['distinct', NC, false]] as const) : []),
      ['collide', 10_000, false],
    ] as const) {
      const what =
        kind === 'distinct'
          ? `${n} keys of distinct hashes`
          : blocked
            ? `${n} keys of one hash`
            : `${n} keys of one hash (under the bound)`;
      it(`${name}: ${what} ${blocked ? 'is reported' : 'passes'}`, async () => {
        const r = await scanBytes('composite.pkl', stream(build(n, kind)));
        const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n');
        const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
        if (blocked)
          assert.ok(
            blocking.some((x) => /share hashes/.test(x.evidence.signal)),
            why,
          );
        else assert.deepEqual(blocking, [], why);
      });
    }
  }

  it('the constructions hash as intended (checked with the computed hash)', () => {
    const t = (x: number, y: number | bigint): PyVal =>
      ({ k: K.Tuple, items: [x, typeof y === 'bigint' ? y : { k: K.Float, v: y }], more: 0 }) as PyVal;
    // One value: the target before the fold's final length term.
    const hs = new Set(pairs(50, 'collide', 'float').map(([x, y]) => keyHash(t(x, y))?.h));
    assert.equal(hs.size, 1);
    const ints = new Set(pairs(50, 'collide', 'int').map(([x, y]) => keyHash(t(x, y))?.h));
    assert.deepEqual([...ints], [...hs]);
    assert.equal(new Set(pairs(50, 'distinct', 'float').map(([x, y]) => keyHash(t(x, y))?.h)).size, 50);
  });
});

describe('keys that share a hash', () => {
  for (const [name, shape, kind] of cases) {
    const keys =
      kind === 'collide'
        ? colliding()
        : kind === 'distinct'
          ? distinct()
          : kind === 'repeated'
            ? repeated()
            : colliding(10_000);
    const blocked = kind === 'collide';
    const what =
      kind === 'collide'
        ? `${N} integers that differ by multiples of 2^61-1`
        : kind === 'distinct'
          ? `${N} distinct long integers`
          : kind === 'repeated'
            ? `one long integer ${N} times`
            : '10,000 colliding integers (under the bound)';
    it(`${name}: ${what} ${blocked ? 'is reported' : 'passes'}`, async () => {
      const r = await scanBytes('keys.pkl', stream(shape(keys)));
      const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n');
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (blocked)
        assert.ok(
          blocking.some((x) => /share hashes/.test(x.evidence.signal)),
          why,
        );
      else assert.deepEqual(blocking, [], why);
    });
  }

  it('negative multiples collide as positive ones do (the sign is kept, the classes are distinct)', async () => {
    const r = await scanBytes('neg.pkl', stream(asDict(colliding(N, -1n))));
    assert.ok(r.findings.some((x) => /share hashes/.test(x.evidence.signal)));
  });

  it('numbers built from text by a numeric class (Fraction) may share any hash: counted as one class', async () => {
    const body = [Op.EMPTY_DICT];
    for (let i = 0; i < N; i += 1000) {
      body.push(Op.MARK);
      for (let j = i; j < Math.min(N, i + 1000); j++) body.push(...fraction(j), Op.NONE);
      body.push(Op.SETITEMS);
    }
    const r = await scanBytes('fractions.pkl', stream(body));
    assert.ok(
      r.findings.some((x) => /share hashes/.test(x.evidence.signal)),
      r.findings.map((x) => x.evidence.signal).join('\n'),
    );
  });

  it('uuid.UUID keys hash the integer their state restores: colliding ones are reported, distinct ones pass', async () => {
    // The per-key opcodes: state dict set, BUILD, value — written with the shape pickle writes for a UUID.
    const shaped = (step: bigint): Uint8Array => {
      const body = [...global('uuid', 'UUID'), Op.BINPUT, 1, Op.POP, Op.EMPTY_DICT];
      for (let i = 0; i < N; i += 1000) {
        body.push(Op.MARK);
        for (let k = i + 1; k <= Math.min(N, i + 1000); k++)
          body.push(
            Op.BINGET,
            1,
            Op.EMPTY_TUPLE,
            Op.NEWOBJ,
            Op.EMPTY_DICT,
            ...text('int'),
            ...long1(BigInt(k) * step),
            Op.SETITEM,
            Op.BUILD,
            Op.NONE,
          );
        body.push(Op.SETITEMS);
      }
      return stream(body);
    };
    const hit = await scanBytes('uuids.pkl', shaped(P));
    assert.ok(hit.findings.some((x) => /share hashes/.test(x.evidence.signal)));
    const twin = await scanBytes('uuids-twin.pkl', shaped(P + 12345n));
    assert.deepEqual(
      twin.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal),
      [],
    );
  });

  it('complex keys (hash(re) + 1000003·hash(im), parts of any value) count as one class: many are reported', async () => {
    const binfloat = (x: number): number[] => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(x);
      return [Op.BINFLOAT, ...b];
    };
    const complexes = (n: number): Uint8Array => {
      const body = [...global('builtins', 'complex'), Op.BINPUT, 1, Op.POP, Op.EMPTY_DICT];
      for (let i = 0; i < n; i += 1000) {
        body.push(Op.MARK);
        for (let k = i + 2; k < Math.min(n, i + 1000) + 2; k++)
          body.push(Op.BINGET, 1, ...binfloat(1000003 * k), ...binfloat(-k), Op.TUPLE2, Op.REDUCE, Op.NONE);
        body.push(Op.SETITEMS);
      }
      return stream(body);
    };
    const many = await scanBytes('complex.pkl', complexes(N));
    assert.ok(many.findings.some((x) => /share hashes/.test(x.evidence.signal)));
    const few = await scanBytes('complex-few.pkl', complexes(1000));
    assert.deepEqual(
      few.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal),
      [],
    );
  });

  it('classes follow CPython: value mod 2^61-1, the sign kept, -1 as -2, True as 1; short ints are not tracked', () => {
    const cls = (v: PyVal): KeyClass['cls'] | undefined => keyClass(v)?.cls;
    assert.equal(cls(3n * P), cls(5n * P));
    assert.equal(cls(P + 7n), cls(2n * P + 7n));
    assert.notEqual(cls(P + 7n), cls(-(P + 7n)));
    assert.equal(cls(-(P + 1n)), cls(-(2n * P + 1n)));
    assert.equal(cls(-(P + 1n)), 2n ** 64n - 2n, 'a hash of -1 is -2');
    assert.equal(cls(12345), undefined, 'an int within 53 bits hashes as itself');
    assert.equal(cls('abc'), undefined);
    const wild = { k: K.Unknown, bits: 80_000 } as PyVal;
    assert.equal(cls(wild), '?i?', 'an integer too long to keep may hash as any');
    const t = new CollisionTally();
    assert.equal(t.add({ cls: 'i0', old: 'i0', exact: 'a' }), 0);
    assert.equal(t.add({ cls: 'i0', old: 'i0', exact: 'b' }), 1);
    assert.equal(t.add({ cls: 'i0', old: 'i0', exact: 'a' }), 2, 'a lookup of an existing key walks the chain');
    assert.equal(t.add({ cls: 'i0', old: 'i0', exact: 'c' }), 2, 'a repeated key is not a new one');
    assert.equal(t.add({ cls: 'i0', old: 'i0', exact: undefined }), 3);
    assert.equal(
      t.add({ cls: 'i0', old: 'i0', exact: undefined }),
      4,
      'a key of unknown value counts as new each time',
    );
    assert.equal(t.potential, 0 + 1 + 2 + 3 + 4, 'a repeated key adds no potential');
    assert.ok(COLLISION_PROBE_LIMIT < (N * (N - 1)) / 2 && COLLISION_PROBE_LIMIT > (10_000 * 9_999) / 2);
    assert.ok(COLLISION_PROBE_LIMIT < (NC * (NC - 1)) / 2);
  });
});

describe('keys too large to spell', () => {
  it('a key tuple whose items are the level below, twice, 40 levels deep, is judged without an internal error', async () => {
    // t0 = (1, 2.5); t(k+1) = (tk, tk): the key's identity would double at each level.
    const body: number[] = [Op.EMPTY_DICT, Op.BININT1, 1, ...binfloat(2.5), Op.TUPLE2];
    for (let i = 0; i < 40; i++) body.push(Op.DUP, Op.TUPLE2);
    body.push(Op.NONE, Op.SETITEM);
    const r = await scanBytes('tower-key.pkl', stream(body));
    assert.deepEqual(
      r.errors.map((e) => e.message),
      [],
    );
    assert.ok(
      r.findings.some((x) => BLOCKING.has(x.severity)),
      'hashing the key does 2^40 item hashes',
    );
  });
});

describe('keys the VM cannot value, and comparisons that cost more than one step', () => {
  const scanned = async (p: Pickle): Promise<string[]> => {
    const r = await scanBytes('keys.pkl', p.stop().bytes());
    return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId} ${x.evidence.signal}`);
  };
  const shares = (found: string[]): boolean => found.some((s) => /share hashes/.test(s));

  /** A dict of `n` numpy scalars `scalar(dtype(code), bytes)`, the bytes of key k made by `raw(k)`. */
  const scalars = (n: number, code: string, raw: (k: number) => Uint8Array): Pickle => {
    const p = new Pickle().proto(4).stackGlobal('numpy.core.multiarray', 'scalar').binput(0).pop();
    p.stackGlobal('numpy', 'dtype').sbu(code).op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3).reduce().binput(1).pop();
    p.emptyDict();
    for (let i = 0; i < n; i += 1000) {
      p.mark();
      for (let k = i; k < Math.min(n, i + 1000); k++) p.binget(0).binget(1).sbb(raw(k)).tuple2().reduce().none();
      p.op(Op.SETITEMS);
    }
    return p;
  };
  /** `k` (non-negative) as `size` little-endian bytes, through its hex digits (linear in its length). */
  const le = (k: bigint, size: number): Uint8Array => {
    const hex = k.toString(16).padStart(size * 2, '0');
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16);
    return out;
  };
  const NAT = le(1n << 63n, 8);

  it('long double scalars (hashed as the nearest double) are a fail-closed class: 30,000 are reported', async () => {
    // 80-bit extended values past the largest double, all distinct: every one hashes as inf.
    const ld = (k: number): Uint8Array => {
      const b = le(0x8000000000000000n + BigInt(k), 16);
      b[8] = 0xfe;
      b[9] = 0x7f;
      return b;
    };
    assert.ok(shares(await scanned(scalars(30_000, 'f16', ld))));
  });
  it('float64 and int64 scalars hash as the numbers they hold: 30,000 distinct ones pass', async () => {
    const f8 = (k: number): Uint8Array => new Uint8Array(new Float64Array([k + 0.5]).buffer);
    assert.deepEqual(await scanned(scalars(30_000, 'f8', f8)), []);
    assert.deepEqual(await scanned(scalars(30_000, 'i8', (k) => le(BigInt(k), 8))), []);
  });
  it('datetime64 NaT keys (one hash, equal to nothing, slow to compare) are reported; 12,000 dates pass', async () => {
    assert.ok(shares(await scanned(scalars(12_000, 'M8', () => NAT))));
    assert.deepEqual(await scanned(scalars(12_000, 'M8', (k) => le(BigInt(k) * 86_400n, 8))), []);
  });

  /** A dict holding an integer of `bits` bits and three Decimals whose hashes equal its hash (all distinct). */
  const mixed = (bits: number): Pickle => {
    const big = (1n << BigInt(bits)) - 12345n;
    const h = big % P;
    const bytes = le(big, bits / 8 + 1);
    const p = new Pickle().proto(4).emptyDict();
    p.op(Op.LONG4, ...le(BigInt(bytes.length), 4), bytes)
      .none()
      .setitem();
    for (let k = 1n; k <= 3n; k++)
      p.stackGlobal('decimal', 'Decimal')
        .sbu(`${h + k * P}`)
        .tuple1()
        .reduce()
        .none()
        .setitem();
    return p;
  };
  it('Decimals may share the hash of a valued integer: compared with a 2^22-bit one, reported; with a small one, pass', async () => {
    assert.ok(shares(await scanned(mixed(1 << 22))));
    assert.deepEqual(await scanned(mixed(104)), []);
  });

  /**
   * 3,000 tuple keys (int(S, 16), second): each first item a new int made from one 1 MB hex text (all equal, each
   * comparison walks all of it), the second items distinct ints of one hash (5 + k·P), or of distinct hashes (5 + k).
   */
  const costly = (collide: boolean): Pickle => {
    const p = new Pickle().proto(4).stackGlobal('builtins', 'int').binput(0).pop();
    p.bu('f'.repeat(1 << 20))
      .binput(1)
      .pop();
    p.emptyDict();
    for (let i = 0; i < 3000; i += 1000) {
      p.mark();
      for (let k = i; k < i + 1000; k++) {
        const second = collide ? 5n + BigInt(k) * P : 5n + BigInt(k);
        const bytes = le(second, Math.ceil((second.toString(2).length + 1) / 8));
        p.binget(0).binget(1).int(16).tuple2().newobj();
        p.op(Op.LONG1, bytes.length, bytes).tuple2().none();
      }
      p.op(Op.SETITEMS);
    }
    return p;
  };
  it('equal-hash tuple keys whose comparisons each walk a 4-Mbit integer are reported; distinct hashes pass', async () => {
    assert.ok(shares(await scanned(costly(true))));
    assert.deepEqual(await scanned(costly(false)), []);
  });
});
