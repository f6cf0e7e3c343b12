// One constructor model however the stream builds an object: the work a class's constructor does with its arguments
// (Fraction's 10 ** exponent) is charged for a call of the class, for NEWOBJ, and for the calls reconstructors make
// (copyreg._reconstructor's base.__new__(cls, state), copyreg.__newobj__, copyreg.__newobj_ex__, C.__new__); and
// re._compile is charged by its pattern's character classes and ranges (regex-work.ts). Benign twins pass.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { strPatternCost, REGEX_COMPILE_LIMIT } from '../../../src/analyzers/pickle/regex-work.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };

function run(p: P): PickleRun {
  const bytes = p.stop().bytes();
  return runPickle(mem(bytes), 0, bytes.length, OPTS);
}
const cost = (r: PickleRun) => r.anomalies.filter((a) => a.code === 'LOAD_COST').map((a) => a.message);
const cps = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);

const reconstructor = (text: string) =>
  new P()
    .proto(4)
    .stackGlobal('copyreg', '_reconstructor')
    .mark()
    .stackGlobal('fractions', 'Fraction')
    .stackGlobal('fractions', 'Fraction')
    .sbu(text)
    .tuple()
    .reduce();
const newobjHelper = (text: string) =>
  new P()
    .proto(4)
    .stackGlobal('copyreg', '__newobj__')
    .mark()
    .stackGlobal('fractions', 'Fraction')
    .sbu(text)
    .tuple()
    .reduce();
/** int.__new__(int, Decimal(arg)) as NEWOBJ writes it: Decimal.__int__ writes out the integer the Decimal stands for. */
const intOfDecimal = (arg: (p: P) => P) =>
  arg(new P().proto(4).stackGlobal('builtins', 'int').stackGlobal('decimal', 'Decimal'))
    .tuple1()
    .reduce()
    .tuple1()
    .newobj();
/** copyreg._reconstructor(int, int, Decimal(text)): base.__new__(cls, state) is int.__new__(int, Decimal(text)). */
const reconstructedInt = (text: string) =>
  new P()
    .proto(4)
    .stackGlobal('copyreg', '_reconstructor')
    .mark()
    .stackGlobal('builtins', 'int')
    .stackGlobal('builtins', 'int')
    .stackGlobal('decimal', 'Decimal')
    .sbu(text)
    .tuple1()
    .reduce()
    .tuple()
    .reduce();
/** Decimal((sign, digits, exponent)). */
const digitsTuple = (exponent: number) => (p: P) => p.mark().int(0).int(1).tuple1().int(exponent).tuple();
/** A non-negative int as LONG4 (little-endian bytes through its hex digits). */
const long4 = (p: P, v: bigint): P => {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Uint8Array.from({ length: hex.length / 2 + 1 }, (_, i) =>
    i < hex.length / 2 ? parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16) : 0,
  );
  const n = bytes.length;
  return p.op(Op.LONG4, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, bytes);
};
/** Fraction(v, 1) of an int `v`, then int.__new__(int, it) (NEWOBJ): an integer another admitted call makes. */
const intOfFraction = (p: P, v: bigint): P =>
  long4(p.stackGlobal('builtins', 'int').stackGlobal('fractions', 'Fraction'), v)
    .int(1)
    .tuple2()
    .reduce()
    .tuple1()
    .newobj();
const decimalOfMadeInt = (bits: number) =>
  intOfFraction(new P().proto(4).stackGlobal('decimal', 'Decimal'), (1n << BigInt(bits)) - 1n)
    .tuple1()
    .reduce();
const fractionOfMadeInts = (bits: number) =>
  intOfFraction(
    intOfFraction(new P().proto(4).stackGlobal('fractions', 'Fraction'), (1n << BigInt(bits)) - 1n),
    (1n << BigInt(bits)) - 3n,
  )
    .tuple2()
    .reduce();
const fractionOfDecimalTuple = (exponent: number) =>
  digitsTuple(exponent)(new P().proto(4).stackGlobal('fractions', 'Fraction').stackGlobal('decimal', 'Decimal'))
    .tuple1()
    .reduce()
    .tuple1()
    .reduce();
const fractionOfDecimalOfDecimal = (text: string) =>
  new P()
    .proto(4)
    .stackGlobal('fractions', 'Fraction')
    .stackGlobal('decimal', 'Decimal')
    .stackGlobal('decimal', 'Decimal')
    .sbu(text)
    .tuple1()
    .reduce()
    .tuple1()
    .reduce()
    .tuple1()
    .reduce();
const compile = (pattern: string) =>
  new P().proto(4).stackGlobal('re', '_compile').mark().bu8(pattern).int(34).tuple().reduce();

describe('constructor work through reconstructors and re._compile', () => {
  const hostile: [string, P][] = [
    ["copyreg._reconstructor(Fraction, Fraction, '1e1000000000')", reconstructor('1e1000000000')],
    ["copyreg.__newobj__(Fraction, '1e1000000000')", newobjHelper('1e1000000000')],
    ['re._compile of 20,000 classes over all of Unicode', compile('[\u0000-\u{10ffff}]'.repeat(20000))],
    ["int.__new__(int, Decimal('1e5000000')) (NEWOBJ)", intOfDecimal((p) => p.sbu('1e5000000'))],
    ['int.__new__(int, Decimal((0, (1,), 5000000)))', intOfDecimal(digitsTuple(5000000))],
    ["copyreg._reconstructor(int, int, Decimal('1e5000000'))", reconstructedInt('1e5000000')],
    ['Fraction(Decimal((0, (1,), 10**8)))', fractionOfDecimalTuple(100_000_000)],
    [
      "Fraction(Decimal(Decimal('1e100000000'))) (a Decimal of a Decimal: its size not read)",
      fractionOfDecimalOfDecimal('1e100000000'),
    ],
    ['Decimal(int.__new__(int, Fraction(n, 1))) of a 2^19-bit n', decimalOfMadeInt(1 << 19)],
    ['Fraction(int(Fraction(a, 1)), int(Fraction(b, 1))) of 300,000-bit integers', fractionOfMadeInts(300_000)],
  ];
  for (const [name, p] of hostile) it(`reports: ${name}`, () => assert.ok(cost(run(p)).length > 0, name));
  const benign: [string, P][] = [
    ["copyreg._reconstructor(Fraction, Fraction, '3/4')", reconstructor('3/4')],
    ["copyreg.__newobj__(Fraction, '1e5')", newobjHelper('1e5')],
    ["re._compile('(?u)\\\\b\\\\w\\\\w+\\\\b')", compile('(?u)\\b\\w\\w+\\b')],
    ['re._compile of a CJK class', compile('[\u4e00-\u9fff]+')],
    ["int.__new__(int, Decimal('1e50'))", intOfDecimal((p) => p.sbu('1e50'))],
    ['int.__new__(int, Decimal((0, (1,), 50)))', intOfDecimal(digitsTuple(50))],
    ["copyreg._reconstructor(int, int, Decimal('12345.5'))", reconstructedInt('12345.5')],
    ['Fraction(Decimal((0, (1,), 5)))', fractionOfDecimalTuple(5)],
    ['Decimal(int.__new__(int, Fraction(n, 1))) of a 100-bit n', decimalOfMadeInt(100)],
    ['Fraction(int(Fraction(a, 1)), int(Fraction(b, 1))) of 100-bit integers', fractionOfMadeInts(100)],
  ];
  for (const [name, p] of benign) it(`passes: ${name}`, () => assert.deepEqual(cost(run(p)), []));

  it('costs a class by the BMP code points its ranges span, and an unreadable range end as all of Unicode', () => {
    assert.ok(strPatternCost(cps('[\u0000-\uffff]')) > 30_000);
    assert.ok(strPatternCost(cps('[a-z]')) < 200);
    assert.ok(strPatternCost(cps('[\\N{LATIN SMALL LETTER A}-\\N{LATIN SMALL LETTER Z}]')) > 30_000);
    assert.ok(strPatternCost(cps('\\[\\x00-\\uffff]')) < 200, 'an escaped bracket opens no class');
    assert.ok(strPatternCost(cps('[\u0000-\u{10ffff}]'.repeat(20000))) > REGEX_COMPILE_LIMIT);
  });
});

/** copyreg._reconstructor(LSTM, object, None), BUILD {<holder>: {num_layers: <n>}, bias: False}. */
function lstmVia(holder: string, numLayers: (p: P) => P): P {
  const p = new P()
    .proto(4)
    .stackGlobal('copyreg', '_reconstructor')
    .stackGlobal('torch.nn.modules.rnn', 'LSTM')
    .stackGlobal('builtins', 'object')
    .none()
    .op(Op.TUPLE3)
    .reduce()
    .emptyDict()
    .sbu(holder)
    .emptyDict()
    .sbu('num_layers');
  return numLayers(p).setitem().setitem().sbu('bias').op(Op.NEWFALSE).setitem().build();
}

describe("a loop bound the class's __getattr__ answers (torch's Module: _parameters, _buffers, _modules)", () => {
  for (const holder of ['_parameters', '_buffers', '_modules']) {
    it(`num_layers = 2^21 in ${holder}: reported`, () =>
      assert.ok(
        cost(run(lstmVia(holder, (p) => p.int(2 ** 21)))).some((m) => m.includes('range(num_layers)')),
        holder,
      ));
    it(`num_layers = 2 in ${holder}: no report`, () =>
      assert.deepEqual(cost(run(lstmVia(holder, (p) => p.int(2)))), []));
  }
  it('a holder the analysis does not hold as a dict (a persistent id): reported', () => {
    const p = new P()
      .proto(4)
      .stackGlobal('copyreg', '_reconstructor')
      .stackGlobal('torch.nn.modules.rnn', 'LSTM')
      .stackGlobal('builtins', 'object')
      .none()
      .op(Op.TUPLE3)
      .reduce()
      .emptyDict()
      .sbu('_buffers')
      .sbu('x')
      .op(Op.BINPERSID)
      .setitem()
      .build();
    const bytes = p.stop().bytes();
    const r = runPickle(mem(bytes), 0, bytes.length, { ...OPTS, loader: { persistentLoad: true, joblibArrays: true } });
    assert.ok(
      cost(r).some((m) => m.includes('range(num_layers)')),
      String(cost(r)),
    );
  });
});

describe('the turns of such a loop cost what the Python code of one turn does (tens of microseconds)', () => {
  /** `count` LSTMs in a list, each with num_layers = `layers` in its _modules. */
  const lstms = (count: number, layers: number): PickleRun => {
    const q = new P().proto(4).op(Op.EMPTY_LIST).op(Op.MARK);
    for (let i = 0; i < count; i++) q.raw(...lstmBody(layers));
    return run(q.op(Op.APPENDS));
  };
  it('num_layers = 10^6 (under 2^20): reported', () =>
    assert.ok(cost(lstms(1, 1_000_000)).some((m) => m.includes('range(num_layers)'))));
  it('ten LSTMs of 2,000 layers each: reported together', () => assert.ok(cost(lstms(10, 2_000)).length > 0));
  it('ten LSTMs of 100 layers each: no report', () => assert.deepEqual(cost(lstms(10, 100)), []));
});

/** The opcodes of lstmVia('_modules', n) without its protocol header. */
function lstmBody(layers: number): number[] {
  const bytes = lstmVia('_modules', (p) => p.int(layers)).bytes();
  return Array.from(bytes.subarray(2));
}

describe('a range whose members all share one hash', () => {
  const P61 = (1n << 61n) - 1n;
  /** LONG1 of a non-negative int (little-endian two's complement, a zero byte when the top bit is set). */
  const long1 = (p: P, v: bigint): P => {
    const bytes: number[] = [];
    for (let x = v; x > 0n; x >>= 8n) bytes.push(Number(x & 0xffn));
    if (bytes.length === 0 || bytes[bytes.length - 1]! & 0x80) bytes.push(0);
    return p.raw(0x8a, bytes.length, ...bytes);
  };
  /** frozenset(range(0, step * n, step)). */
  const frozenRange = (step: bigint, n: bigint) => {
    const p = new P().proto(4).stackGlobal('builtins', 'frozenset').stackGlobal('builtins', 'range').mark().int(0);
    long1(p, step * n);
    long1(p, step);
    return run(p.tuple().reduce().tuple1().reduce());
  };
  it('a step that is a multiple of 2^61 - 1 over 200,000 members: every member hashes alike, reported', () => {
    assert.ok(cost(frozenRange(P61, 200_000n)).some((m) => m.includes('every member has the same hash')));
    assert.ok(cost(frozenRange(3n * P61, 200_000n)).some((m) => m.includes('every member has the same hash')));
  });
  it('benign twins: the same step over 20,000 members, or a step one less over 200,000, pass', () => {
    assert.deepEqual(cost(frozenRange(P61, 20_000n)), []);
    assert.deepEqual(cost(frozenRange(P61 - 1n, 200_000n)), []);
  });
});
