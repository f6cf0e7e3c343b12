// Outside pickles against the load-cost model, made by scripts/fixtures/redteam-s39.py and proved with the real loader
// (test/differential/redteam-s39-proof.test.ts re-proves them): work a call's argument values choose, not the stream's
// size (CWE-400). bytes(n) and bytearray(n) allocate n bytes; a range is iterated by set/frozenset/deque/Counter/
// tuple.__new__/copyreg._reconstructor, and what they build is copied again at every call the memo passes it to;
// Fraction(text) and Fraction(Decimal(text)) compute 10 ** exponent; Decimal(int) is quadratic in the integer's length.
// Each "block" file is blocked with LOAD_COST; each benign twin (what CPython's pickler writes) passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { argumentWork, rangeLength, textExponent } from '../../src/analyzers/pickle/argument-work.js';
import { K, type PyVal } from '../../src/analyzers/pickle/values.js';
import {
  anomalyOf,
  assertCounts,
  assertPasses,
  fixtureDir,
  manifestFiles,
  scanFixture,
  type ProvedFixture,
} from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s39');

const fixtures = manifestFiles<ProvedFixture>(DIR);

describe('outside pickles: work chosen by argument values', () => {
  it('has block files and benign twins', () => assertCounts(fixtures, 10, 3));
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file), 240);
      const { blocking, why } = s;
      if (f.expect === 'pass') {
        assertPasses(s);
        return;
      }
      assert.ok(
        blocking.some((x) => anomalyOf(x) === 'LOAD_COST'),
        `${f.file} is not blocked by LOAD_COST:\n${why}`,
      );
    });
  }
});

describe('argument work model', () => {
  const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  it('computes len(range) as CPython does', () => {
    assert.equal(rangeLength(tuple(10)), 10);
    assert.equal(rangeLength(tuple(2, 10)), 8);
    assert.equal(rangeLength(tuple(0, 10, 3)), 4);
    assert.equal(rangeLength(tuple(10, 0, -3)), 4);
    assert.equal(rangeLength(tuple(10, 0)), 0);
    assert.equal(rangeLength(tuple(0n, 10n ** 30n)), 2 ** 52);
    assert.equal(rangeLength(tuple({ k: K.Unknown })), Infinity);
  });
  it('reads the exponent of a number text', () => {
    assert.equal(textExponent('1e9'), 9n);
    assert.equal(textExponent(' -2.5E-1_000 '), -1000n);
    assert.equal(textExponent('3/4'), 0n);
    assert.equal(textExponent('12'), 0n);
    // Python's \\d and int() read every script's decimal digits; its whitespace includes U+001C-U+001F and U+3000.
    assert.equal(textExponent('1e' + '\u0669'.repeat(9)), 999999999n);
    assert.equal(textExponent('1e' + '\uff19'.repeat(9)), 999999999n);
    assert.equal(textExponent('\u30001e\u0665\u0660\x1c'), 50n);
    assert.equal(textExponent('1e\u{1d7d7}'), 9n);
    // U+FEFF is JavaScript whitespace, not Python's: Fraction rejects the text.
    assert.equal(textExponent('1e5\ufeff'), 0n);
  });
  it('charges a range only to the calls it is passed to, and what they build to later calls', () => {
    const range = argumentWork('builtins.range', tuple(1000));
    assert.deepEqual(range, { items: 0, holds: 1000 });
    const r: PyVal = { k: K.Obj, callee: { k: K.Unknown }, args: tuple(1000), call: undefined, holds: 1000 };
    assert.deepEqual(argumentWork('builtins.set', tuple(r)), { items: 1000, holds: 1000 });
    assert.deepEqual(
      argumentWork(undefined, { k: K.Tuple, items: [], more: 0 }, { k: K.Dict, keys: ['x'], vals: [r], n: 1 }),
      {
        items: 1000,
        holds: 1000,
      },
    );
    assert.deepEqual(argumentWork('builtins.set', tuple(5)), { items: 0, holds: 0 });
  });
  it('charges bytes(n) its size and reports a long Decimal(int) and a large Fraction exponent', () => {
    assert.equal(argumentWork('builtins.bytearray', tuple(1 << 20)).items, 1 << 20);
    assert.equal(argumentWork('builtins.bytes', tuple('abc', 'latin-1')).items, 0);
    assert.match(argumentWork('decimal.Decimal', tuple({ k: K.Unknown, bits: 1 << 20 })).over ?? '', /quadratic/);
    assert.equal(argumentWork('decimal.Decimal', tuple(2n ** 100n)).over, undefined);
    assert.match(argumentWork('fractions.Fraction', tuple('1e1000001')).over ?? '', /10 \*\* 1000001/);
    assert.equal(argumentWork('fractions.Fraction', tuple('355/113')).over, undefined);
  });
});
