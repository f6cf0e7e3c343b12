// pandas fills its own khash tables at load from values the stream writes (khash-cost.ts): a Categorical given the
// dict state pandas wrote before 0.21 validates its categories, CategoricalIndex.__new__ validates the categories it
// is given (or factorizes its data), MultiIndex.__new__ checks that every level is unique, and NEWOBJ of these classes
// runs the same __new__, and the block manager state pandas wrote before 0.14.1 makes pandas <= 1.0 look the block
// items up in the items axis. int64 keys chosen in the kernel of kh_int64_hash_func (and float64 keys of one murmur2 hash,
// and Python ints whose hashes fold to one 32-bit value) share one probe sequence: N of them cost N²/2 comparisons.
// The fixtures (scripts/fixtures/pandas-khash.py, written with pandas 1.5.3, stored gzipped) hold 24,000 keys (2.9·10^8 comparisons,
// past the 2^28 bound); each colliding one has a twin of the same size whose keys hash apart, and some one of 16,000
// colliding keys (under the bound).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'pandas-khash');
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

const cases: [string, string, RegExp | undefined][] = [
  ['legacy Categorical state, int64 categories of one hash', 'cat-collide.pkl', /Categorical.__setstate__/],
  ['legacy Categorical state, distinct int64 categories', 'cat-distinct.pkl', undefined],
  ['legacy Categorical state, a list of 24,000 int categories (unseen)', 'cat-list-collide.pkl', /24000 listed/],
  ['legacy Categorical state, a list of 16,000 int categories', 'cat-list-under.pkl', undefined],
  ['_new_Index(CategoricalIndex) given a list of 24,000 ints as data', 'ci-list-data-collide.pkl', /factorize/],
  ['_new_Index(CategoricalIndex) given a list of 16,000 ints as data', 'ci-list-data-under.pkl', undefined],
  ['_new_Index(Index) given a list of 24,000 tuples as data', 'idx-tuples-collide.pkl', /from_tuples/],
  ['_new_Index(Index) given a list of 16,000 tuples as data', 'idx-tuples-under.pkl', undefined],
  ['legacy Categorical state at protocol 5, int64 categories of one hash', 'cat-p5-collide.pkl', /24000 int64/],
  ['legacy Categorical state at protocol 5, distinct int64 categories', 'cat-p5-distinct.pkl', undefined],
  ['DataFrame.to_pickle, a MultiIndex level of one hash', 'mi-frame-p5-collide.pkl', /level.is_unique/],
  ['DataFrame.to_pickle, a distinct MultiIndex level', 'mi-frame-p5-distinct.pkl', undefined],
  ['legacy Categorical state, categories read back from the memo past its budget', 'cat-memo-collide.pkl', /memo/],
  ['legacy Categorical state after the memo budget, distinct categories inline', 'cat-memo-inline.pkl', undefined],
  ['legacy Categorical state by joblib.dump, int64 categories of one hash', 'cat-collide.joblib', /24000 int64/],
  ['legacy Categorical state by joblib.dump, distinct int64 categories', 'cat-distinct.joblib', undefined],
  ['legacy Categorical state, 16,000 int64 categories of one hash', 'cat-under.pkl', undefined],
  ['legacy Categorical state, float64 categories of one murmur2 hash', 'catf-collide.pkl', /24000 float64 values/],
  ['legacy Categorical state, distinct float64 categories', 'catf-distinct.pkl', undefined],
  ['legacy Categorical state, 24,000 object categories (items not in view)', 'cato-collide.pkl', /object values/],
  ['legacy Categorical state, 16,000 object categories', 'cato-under.pkl', undefined],
  ['_new_Index(CategoricalIndex) given categories of one hash', 'ci-collide.pkl', /given categories/],
  ['_new_Index(CategoricalIndex) given distinct categories', 'ci-distinct.pkl', undefined],
  ['_new_Index(CategoricalIndex) given int64 data of one hash', 'ci-data-collide.pkl', /factorize/],
  ['_new_Index(CategoricalIndex) given distinct int64 data', 'ci-data-distinct.pkl', undefined],
  ['NEWOBJ_EX CategoricalIndex(categories=) of one hash', 'ci-new-collide.pkl', /given categories/],
  ['NEWOBJ_EX CategoricalIndex(categories=) distinct', 'ci-new-distinct.pkl', undefined],
  ['MultiIndex as pandas pickles it, a level of one hash', 'mi-collide.pkl', /level.is_unique/],
  ['MultiIndex as pandas pickles it, a distinct level', 'mi-distinct.pkl', undefined],
  ['MultiIndex as pandas pickles it, a level of 24,000 strings', 'mi-strings.pkl', undefined],
  ['legacy Categorical state, 24,000 str categories', 'cat-strings.pkl', undefined],
  ['NEWOBJ MultiIndex, an object level of 24,000 ints (unseen)', 'mi-new-obj-collide.pkl', /24000 object values/],
  ['NEWOBJ MultiIndex, an object level of 16,000 ints', 'mi-new-obj-under.pkl', undefined],
  ['NEWOBJ MultiIndex(levels, codes), a level of one hash', 'mi-new-collide.pkl', /level.is_unique/],
  ['NEWOBJ MultiIndex(levels, codes), a distinct level', 'mi-new-distinct.pkl', undefined],
  ['NEWOBJ MultiIndex(levels, codes), a datetime64 level of one hash', 'mi-new-dt-collide.pkl', /level.is_unique/],
  ['NEWOBJ MultiIndex(levels, codes), a distinct datetime64 level', 'mi-new-dt-distinct.pkl', undefined],
  ['block manager state of pandas < 0.14.1, an items axis of one hash', 'mgr-legacy-collide.pkl', /get_indexer/],
  ['block manager state of pandas < 0.14.1, a distinct items axis', 'mgr-legacy-distinct.pkl', undefined],
];

describe('pandas khash tables filled at load', () => {
  for (const [name, file, blocked] of cases) {
    it(`${blocked === undefined ? 'passes' : 'reports'}: ${name}`, async () => {
      const r = await scanBytes(file, new Uint8Array(gunzipSync(readFileSync(join(DIR, `${file}.gz`)))));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 300)}`).join('\n');
      if (blocked === undefined) {
        assert.deepEqual(blocking, [], why);
        return;
      }
      const hit = blocking.find((x) => /khash tables/.test(x.evidence.signal));
      assert.ok(hit !== undefined, why);
      assert.match(hit.evidence.signal, blocked);
    });
  }
});
