// The VM's fused fast path against its general path: random opcode streams built from atoms that reach every
// opcode the fast path takes and every reason it has to hand one back (underflow, missing memo keys, non-ASCII
// or invalid UTF-8 text, frame ends, window ends, limits, the deadline checkpoint). Both paths must produce the
// same run, fact for fact, in memory and through small read-ahead windows.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeStream, type StreamOptions } from '../../../src/analyzers/pickle/analyze.js';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import type { ByteSource } from '../../../src/sources/byte-source.js';
import { mem, StreamLikeSource } from '../../helpers/sources.js';

const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number): number[] => [...u32(n), 0, 0, 0, 0];

const text = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => [...Buffer.from(s, 'latin1')].map((c) => c & 0x7f)),
  fc.uint8Array({ maxLength: 30 }).map((b) => [...b]),
  fc.constantFrom([...Buffer.from('os')], [...Buffer.from('system')], [...Buffer.from('é', 'utf8')], [0xc3]),
);
const key = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 300 }));

/** One opcode with its argument, as bytes. */
const atom: fc.Arbitrary<number[]> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constantFrom<number[]>(
      [Op.MARK],
      [Op.POP],
      [Op.NONE],
      [Op.NEWTRUE],
      [Op.NEWFALSE],
      [Op.EMPTY_LIST],
      [Op.EMPTY_DICT],
      [Op.EMPTY_TUPLE],
      [Op.MEMOIZE],
      [Op.TUPLE],
      [Op.TUPLE1],
      [Op.TUPLE2],
      [Op.TUPLE3],
      [Op.APPEND],
      [Op.APPENDS],
      [Op.SETITEM],
      [Op.SETITEMS],
    ),
  },
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 255 }).map((x) => [Op.BININT1, x]) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 65535 }).map((x) => [Op.BININT2, x & 0xff, x >> 8]) },
  { weight: 3, arbitrary: fc.integer().map((x) => [Op.BININT, ...u32(x)]) },
  // LONG1 of 0..8 bytes: up to 6 the fast path decodes it, longer ones (and bigints) go to the general path.
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => [Op.LONG1, b.length, ...b]) },
  {
    weight: 3,
    arbitrary: fc.double().map((x) => [Op.BINFLOAT, ...Buffer.from(new Float64Array([x]).buffer).reverse()]),
  },
  { weight: 8, arbitrary: text.map((t) => [Op.SHORT_BINUNICODE, t.length, ...t]) },
  { weight: 3, arbitrary: text.map((t) => [Op.BINUNICODE, ...u32(t.length), ...t]) },
  { weight: 2, arbitrary: text.map((t) => [Op.SHORT_BINSTRING, t.length, ...t]) },
  { weight: 2, arbitrary: text.map((t) => [Op.BINSTRING, ...u32(t.length), ...t]) },
  { weight: 2, arbitrary: text.map((t) => [Op.SHORT_BINBYTES, t.length, ...t]) },
  { weight: 2, arbitrary: text.map((t) => [Op.BINBYTES, ...u32(t.length), ...t]) },
  { weight: 4, arbitrary: key.map((k) => [Op.BINPUT, k & 0xff]) },
  { weight: 2, arbitrary: key.map((k) => [Op.LONG_BINPUT, ...u32(k)]) },
  { weight: 5, arbitrary: key.map((k) => [Op.BINGET, k & 0xff]) },
  { weight: 2, arbitrary: key.map((k) => [Op.LONG_BINGET, ...u32(k)]) },
  // General-path opcodes around them: imports, calls, frames, protocol, sets, persistent ids, stop.
  {
    weight: 6,
    arbitrary: fc.constantFrom<number[]>(
      [Op.STACK_GLOBAL],
      [Op.REDUCE],
      [Op.BUILD],
      [Op.NEWOBJ],
      [Op.DUP],
      [Op.POP_MARK],
      [Op.EMPTY_SET],
      [Op.ADDITEMS],
      [Op.BINPERSID],
      [Op.STOP],
      [Op.LIST],
      [Op.DICT],
      [Op.GLOBAL, ...Buffer.from('os\nsystem\n')],
      [Op.PROTO, 4],
      [Op.PROTO, 2],
    ),
  },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 80 }).map((n) => [Op.FRAME, ...u64(n)]) },
);

const stream = fc
  .tuple(fc.boolean(), fc.array(atom, { maxLength: 80 }), fc.boolean())
  .map(([proto, atoms, stop]) =>
    Uint8Array.from([...(proto ? [Op.PROTO, 4] : []), ...atoms.flat(), ...(stop ? [Op.STOP] : [])]),
  );

const options = fc.record({
  maxStackDepth: fc.constantFrom(1_000_000, 3, 8),
  maxMemoEntries: fc.constantFrom(20_000_000, 2, 5),
  maxOpcodes: fc.constantFrom(2_000_000_000, 4, 30),
  keepStringBytes: fc.constantFrom(4096, 0, 5),
  memoDetailEntries: fc.constantFrom(10_000, 0, 3),
  strict: fc.boolean(),
});

type Picked = { maxStackDepth: number; maxMemoEntries: number; maxOpcodes: number } & Partial<VmOptions>;

function vmOptions(o: Picked, generalOnly: boolean, chunkBytes?: number): VmOptions {
  const { maxStackDepth, maxMemoEntries, maxOpcodes, ...rest } = o;
  return {
    limits: { ...DEFAULT_LIMITS, maxStackDepth, maxMemoEntries, maxOpcodes },
    loader: { persistentLoad: true, joblibArrays: true },
    ...rest,
    generalOnly,
    ...(chunkBytes !== undefined ? { chunkBytes } : {}),
  };
}

const run = (src: ByteSource, o: VmOptions): PickleRun => runPickle(src, 0, src.size, o);

describe('fused fast path = general path', () => {
  it('same run for random streams, in memory and through small windows', () => {
    fc.assert(
      fc.property(stream, options, (bytes, o) => {
        const ref = run(mem(bytes), vmOptions(o, true));
        assert.deepStrictEqual(run(mem(bytes), vmOptions(o, false)), ref);
        for (const chunk of [7, 64]) {
          assert.deepStrictEqual(run(new StreamLikeSource(bytes), vmOptions(o, false, chunk)), ref);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('same stacked-pickle analysis', () => {
    fc.assert(
      fc.property(fc.array(stream, { minLength: 1, maxLength: 4 }), (parts) => {
        const bytes = Uint8Array.from(parts.flatMap((p) => [...p, Op.STOP]));
        const opts: StreamOptions = {
          limits: { ...DEFAULT_LIMITS, maxStackedPickles: 8 },
          loader: { persistentLoad: false, joblibArrays: true },
        };
        const fused = analyzeStream(mem(bytes), 0, bytes.length, opts);
        const general = analyzeStream(mem(bytes), 0, bytes.length, { ...opts, generalOnly: true });
        assert.deepStrictEqual(fused, general);
      }),
      { numRuns: 500 },
    );
  });

  it('the deadline is checked at the same opcode on long streams', () => {
    // 40 000 data opcodes: the fast path hands opcode 16384 to the general path, which sees the deadline passed.
    const body: number[] = [Op.PROTO, 4, Op.EMPTY_LIST, Op.MARK];
    for (let i = 0; i < 20_000; i++) body.push(Op.BININT1, i & 0xff);
    body.push(Op.APPENDS, Op.STOP);
    const bytes = Uint8Array.from(body);
    const base = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true }, deadline: 0 };
    const fast = run(mem(bytes), base);
    const general = run(mem(bytes), { ...base, generalOnly: true });
    assert.deepStrictEqual(fast, general);
    assert.equal(fast.anomalies.at(-1)?.limit, 'maxFileSeconds');
    assert.equal(fast.opcodes, 16384);
  });
});
