// A number text too long for the VM to keep is still read for its exponent (argument-work.ts numberText): fractions
// and Decimal texts whose exponent makes Fraction compute 10 ** exponent are reported however long the text is, and
// a text the analysis cannot read is judged fail-closed. Fixtures by scripts/fixtures/oracle-s40.py (each hostile
// file killed at its CPU limit by pickle.loads when generated); the twin is fractions' own pickle of a long Fraction.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { argumentWork, TEXT_READ_LIMIT } from '../../../src/analyzers/pickle/argument-work.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { fixtureDir, scanFixture } from '../../helpers/proof-fixtures.js';

const DIR = fixtureDir('oracle-s40');

describe('number texts too long to keep', () => {
  const cases: [string, boolean][] = [
    ['fraction-long-text-exponent.pkl', true],
    ['decimal-long-text-fraction.pkl', true],
    ['twin-fraction-long.pkl', false],
  ];
  for (const [file, blocked] of cases) {
    it(`${file} is ${blocked ? 'reported' : 'passed'}`, async () => {
      const s = await scanFixture(DIR + file);
      if (blocked)
        assert.ok(
          s.blocking.some((f) => /10 \*\* 1000000000/.test(f.evidence.signal)),
          s.why,
        );
      else assert.equal(s.blocking.length, 0, s.why);
    });
  }

  it('a text the reader cannot read (too long, or lost) is judged; a short plain one is not', () => {
    const long: PyVal = { k: K.Str, off: 0, len: TEXT_READ_LIMIT + 1, utf8: true };
    const args = (v: PyVal): PyVal => ({ k: K.Tuple, items: [v] }) as PyVal;
    assert.match(argumentWork('fractions.Fraction', args(long), undefined, () => undefined).over ?? '', /cannot read/);
    assert.match(
      argumentWork('fractions.Fraction', args(long), undefined, () => ' 1e200000').over ?? '',
      /10 \*\* 200000/,
    );
    assert.equal(argumentWork('fractions.Fraction', args(long), undefined, () => '3/7').over, undefined);
    assert.equal(argumentWork('fractions.Fraction', args('1e5'), undefined).over, undefined);
  });

  it('a Fraction of two integers of millions of bits is reported (reducing them is quadratic); small ones are not', () => {
    const pair = (a: bigint, b: bigint): PyVal => ({ k: K.Tuple, items: [a, b] }) as unknown as PyVal;
    const big = 1n << 8_000_000n;
    assert.match(
      argumentWork('fractions.Fraction', pair(big + 1n, (big >> 4_000_000n) + 3n)).over ?? '',
      /digit operations/,
    );
    assert.equal(argumentWork('fractions.Fraction', pair((1n << 4000n) + 1n, (1n << 2000n) + 3n)).over, undefined);
    assert.equal(argumentWork('fractions.Fraction', pair(big + 1n, 7n)).over, undefined);
    // Integers too long for the VM to keep are judged by their length.
    const kept = (bits: number): PyVal => ({ k: K.Unknown, bits }) as PyVal;
    const longPair = { k: K.Tuple, items: [kept(8_000_000), kept(4_000_000)] } as unknown as PyVal;
    assert.match(argumentWork('fractions.Fraction', longPair).over ?? '', /8000000 and 4000000 bits/);
  });
});

describe('range lengths of long integers', () => {
  it('a range whose length is a long division of multi-million-bit integers is reported; a short quotient is not', () => {
    const args = (...v: PyVal[]): PyVal => ({ k: K.Tuple, items: v, more: 0 }) as unknown as PyVal;
    const a = 1n << 10_000_000n;
    assert.match(argumentWork('builtins.range', args(0, a, (1n << 5_000_000n) + 1n)).over ?? '', /long division/);
    assert.equal(argumentWork('builtins.range', args(0, a, (1n << 9_999_000n) + 1n)).over, undefined);
    assert.equal(argumentWork('builtins.range', args(0, 1000, 3)).over, undefined);
    const long = (bits: number): PyVal => ({ k: K.Unknown, bits }) as PyVal;
    assert.match(
      argumentWork('builtins.range', args(0, long(10_000_000), long(5_000_000))).over ?? '',
      /long division/,
    );
  });
});
