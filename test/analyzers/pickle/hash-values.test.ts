// The hash Sentinel computes for a key (hash-collisions.ts keyHash) is CPython's: checked against a table of random
// ints of any size, bools, floats of any bit pattern, complex numbers, tuples and frozensets of them (nested) with the
// hash /usr/bin/python3 gave each (scripts/fixtures/hash-values.py). The pre-3.8 tuple fold and NaN (hash 0 before
// 3.10) are checked against values worked by hand from their definitions.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { keyClass, keyHash, noteFrozenset } from '../../../src/analyzers/pickle/hash-collisions.js';
import { K, type PyVal, type SetV } from '../../../src/analyzers/pickle/values.js';

type Enc = ['i', string] | ['b', number] | ['f', string] | ['c', string, string] | ['t' | 'z', Enc[]];

const table = JSON.parse(readFileSync(new URL('../../fixtures/hash-values/table.json', import.meta.url), 'utf8')) as {
  python: string;
  rows: { key: Enc; hash: string }[];
};

const float = (hex: string): PyVal => ({ k: K.Float, v: Buffer.from(hex, 'hex').readDoubleBE(0) }) as PyVal;
const global = (canonical: string): PyVal => ({ k: K.Global, imp: { canonical } }) as unknown as PyVal;

function decode(e: Enc): PyVal {
  switch (e[0]) {
    case 'i': {
      const v = BigInt(e[1]);
      return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
    }
    case 'b':
      return { k: e[1] === 1 ? K.True : K.False } as PyVal;
    case 'f':
      return float(e[1]);
    case 'c':
      return {
        k: K.Obj,
        callee: global('builtins.complex'),
        args: { k: K.Tuple, items: [float(e[1]), float(e[2])], more: 0 },
        call: undefined,
      } as PyVal;
    case 't':
      return { k: K.Tuple, items: e[1].map(decode), more: 0 } as PyVal;
    case 'z': {
      const s: SetV = { k: K.FrozenSet };
      noteFrozenset(s, e[1].map(decode));
      return s;
    }
  }
}

describe('CPython hash values', () => {
  it('a frozenset of more than 4,096 members is not valued: as a key it falls into a fail-closed class', () => {
    const big: SetV = { k: K.FrozenSet };
    noteFrozenset(
      big,
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.equal(keyHash(big), undefined);
    assert.equal(keyClass(big)?.exact, undefined);
    assert.equal(keyClass(big)?.cls, '?F');
    const small: SetV = { k: K.FrozenSet };
    noteFrozenset(small, [1, 2]);
    // Python: hash(frozenset({1, 2})) == -1826646154956904602.
    assert.equal(keyClass(small)?.cls, BigInt.asUintN(64, -1826646154956904602n));
  });

  it(`agrees with Python ${table.python} on ${table.rows.length} keys`, () => {
    assert.ok(table.rows.length >= 4000);
    const kinds = new Set<string>();
    let wrong = 0;
    const first: string[] = [];
    for (const row of table.rows) {
      kinds.add(row.key[0]);
      const got = keyHash(decode(row.key))?.h;
      const want = BigInt.asUintN(64, BigInt(row.hash));
      if (got !== want) {
        wrong++;
        if (first.length < 5) first.push(`${JSON.stringify(row.key).slice(0, 200)}: ${String(got)} != ${want}`);
      }
    }
    assert.equal(wrong, 0, first.join('\n'));
    assert.deepEqual([...kinds].sort(), ['b', 'c', 'f', 'i', 't', 'z']);
  });

  it('the pre-3.8 tuple fold: seed 0x345678, multiplier 1000003 stepped by 82520 + 2·(items left), plus 97531', () => {
    const M = 2n ** 64n;
    const fold = (lanes: bigint[]): bigint => {
      let x = 0x345678n;
      let m = 1000003n;
      lanes.forEach((y, i) => {
        x = ((x ^ y) * m) % M;
        m = (m + 82520n + 2n * BigInt(lanes.length - 1 - i)) % M;
      });
      return (x + 97531n) % M;
    };
    const t = (items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 }) as PyVal;
    assert.equal(keyHash(t([]))?.o, fold([]));
    assert.equal(keyHash(t([1, 2, 3]))?.o, fold([1n, 2n, 3n]));
    assert.equal(keyHash(t([-1, t([5])]))?.o, fold([BigInt.asUintN(64, -2n), fold([5n])]));
    // Python 3.7: hash((1, 2, 3)) == 2528502973977326415, hash(()) == 3527539.
    assert.equal(keyHash(t([1, 2, 3]))?.o, 2528502973977326415n);
    assert.equal(keyHash(t([]))?.o, 3527539n);
  });

  it('a NaN hashes as 0 (before 3.10) and equals no other NaN; 1, 1.0 and True are one key', () => {
    assert.equal(keyHash({ k: K.Float, v: NaN } as PyVal)?.h, 0n);
    // Python 3.9: hash((float('nan'), 1)) == -1950498447580522560.
    const nanPair = { k: K.Tuple, items: [{ k: K.Float, v: NaN }, 1], more: 0 } as PyVal;
    assert.equal(keyHash(nanPair)?.h, BigInt.asUintN(64, -1950498447580522560n));
    assert.equal(keyHash({ k: K.Float, v: 1 } as PyVal)?.h, keyHash(1)?.h);
    assert.equal(keyHash({ k: K.True } as PyVal)?.h, 1n);
  });

  it('a str is a fixed unknown lane: tuples collide exactly when the state before it and the lanes after it agree', () => {
    const t = (items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 }) as PyVal;
    const a = keyHash(t([1, 'x', 2]));
    assert.equal(typeof a?.h, 'string');
    assert.deepEqual(keyHash(t([1, 'x', 2])), a);
    assert.notDeepEqual(keyHash(t([1, 'y', 2]))?.h, a?.h);
    assert.notDeepEqual(keyHash(t([3, 'x', 2]))?.h, a?.h);
    assert.equal(keyHash(t([1, 'x', 2]))?.o, keyHash(t([1, 'x', 2]))?.o);
    assert.notEqual(keyHash(t([1, 'x', 2]))?.o, keyHash(t([1, 'x', 3]))?.o);
  });
});
