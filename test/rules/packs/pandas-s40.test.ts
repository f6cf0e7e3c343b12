// Shapes of pandas' legacy pickles admitted by the pandas packs, from scripts/fixtures/pandas-s40.py: every "block"
// file ran its payload under the real loader its manifest entry names (the proof line), every "pass" file loaded
// with nothing seen.
// - Timestamp(value, freq, tz) with tz a pytz zone (pytz._p / pytz._UTC), as pandas < 1.0's reduce wrote it: admitted
//   only while no BUILD or SETITEM of the stream reached a pytz object, because pytz._p returns the zone's shared
//   singleton and Timestamp's localisation reads its transition tables (total_seconds() of each offset).
// - __pyx_unpickle_PeriodMixin(PeriodArray, checksum, None), how pandas 1.1 - 1.2 pickled a PeriodArray: admitted as
//   that reconstructor; a state that plants to_numpy on the array is still reported where a manager calls it.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { callHookProblem } from '../../../src/analyzers/pickle/call-hooks.js';
import { K, NONE, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../../helpers/proof-fixtures.js';

interface Fixture {
  readonly file: string;
  readonly loader: 'pickle' | 'pandas';
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly proof: string;
}

const DIR = fixtureDir('pandas-s40');
const PLANTED = 'the stream gave state to a pytz object (a shared singleton)';
const BOOSTER_CALLED = 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__';

describe('pandas legacy shapes admitted by the pandas packs', () => {
  for (const f of manifestFiles<Fixture>(DIR)) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') return assertPasses(s);
      const why = f.file.startsWith('ts-') ? PLANTED : BOOSTER_CALLED;
      assert.ok(
        s.blocking.some((x) => x.evidence.signal.includes(why)),
        `${f.file} must be blocked for: ${why}\n${s.why}`,
      );
    });
  }
});

describe('Timestamp tz shape: pytz zones', () => {
  const TS = 'pandas.tslib.Timestamp';
  const zone = (callee: string, state?: PyVal): PyVal => ({
    k: K.Obj,
    callee: { k: K.Global, imp: { module: 'pytz', name: callee.slice(5), canonical: callee } } as PyVal,
    args: { k: K.Tuple, items: [], more: 0 },
    call: undefined,
    ...(state === undefined ? {} : { state }),
  });
  const args = (tz: PyVal): PyVal => ({ k: K.Tuple, items: [1n, NONE, tz], more: 0 });
  const clean = { pytzPlanted: false };
  const cases: [string, PyVal, { pytzPlanted: boolean } | undefined, boolean][] = [
    ['pytz._p zone, nothing planted', zone('pytz._p'), clean, true],
    ['pytz._UTC, nothing planted', zone('pytz._UTC'), clean, true],
    ['pytz._p zone, another pytz object was given state', zone('pytz._p'), { pytzPlanted: true }, false],
    ['pytz._p zone with its own BUILD state', zone('pytz._p', { k: K.Dict, keys: [], vals: [], n: 0 }), clean, false],
    ['an object of another reconstructor', zone('pytz.timezone'), clean, false],
    ['a str tz', 'US/Eastern', clean, false],
    ['no context (a caller that does not know the stream)', zone('pytz._p'), undefined, false],
  ];
  for (const [name, tz, ctx, ok] of cases)
    it(name, () => assert.equal(callHookProblem(TS, args(tz), ctx) === undefined, ok));
});
