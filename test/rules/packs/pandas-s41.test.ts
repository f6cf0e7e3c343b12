// Names of pandas' legacy pickles admitted from their releases' own hooks, from scripts/fixtures/pandas-s41.py: every "block"
// file either ran its payload under the real loader its manifest entry names (pandas 1.5.3; the proof line), or - for
// Panel, which only pandas 0.10 - 0.24 define - is proven by reading those versions' code (the proof line says so);
// every "pass" file is a shape pandas wrote.
// - pandas.core.internals.BlockManager / SingleBlockManager (the old location): their history model's `any` sink
//   counts every class or function the manager's state holds as called.
// - _new_DatetimeIndex (old and current name): admitted only with the d pandas wrote (a str tz opens a dateutil path).
// - pandas.core.index._new_Index(MultiIndex, d): levels must be pandas indexes, labels arrays.
// - pandas.core.panel.Panel: no items (SETITEMS), and a block manager or a dict with a str _typ as its state.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../../helpers/proof-fixtures.js';

interface Fixture {
  readonly file: string;
  readonly loader: 'pickle' | 'pandas';
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly proof: string;
}

const DIR = fixtureDir('pandas-s41');
/** Why each hostile file must be blocked (by its name's prefix): the check of exactly the admitted name. */
const WHY: Record<string, string | RegExp> = {
  // NDFrame's dict state: a property setter calls a planted method (the `any` sink reports the Booster as called).
  h10: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
  // The manager's `any` sink calls every class its state holds: the Booster is reported as called.
  h1: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
  h2: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
  h3: 'a str tz is resolved by name',
  // Timestamp's own shape check (applied to NEWOBJ too) or the tz-text check of every pandas call.
  h7: /names a dateutil zone file|the tz argument is not None or an unmodified pytz zone/,
  h4: 'a level is not a pandas index',
  h5: 'SETITEMS on an object of pandas.core.panel.Panel',
  h6: 'on pandas.core.panel.Panel: the state is a 4-item tuple',
  h8: 'pandas.core.daterange.DateRange: the pandas pack admits it only as a stored reference',
  h9: 'its state[legacy] reaches pandas 0.13 - 0.24 NDFrame.__setstate__',
  h11: /SETITEMS on an object of pandas\.core\.(series\.Series|frame\.DataFrame)/,
  h12: 'NEWOBJ of pandas.core.series.Series with arguments',
  h13: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
};

describe("pandas legacy names admitted from their releases' own hooks", () => {
  const files = manifestFiles<Fixture>(DIR);
  it('holds hostile twins and benign shapes', () => {
    assert.ok(files.filter((f) => f.expect === 'block').length >= 8);
    assert.ok(files.filter((f) => f.expect === 'pass').length >= 5);
  });
  for (const f of files) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file), 600);
      if (f.expect === 'pass') return assertPasses(s);
      const why = WHY[f.file.slice(0, f.file.indexOf('-'))]!;
      // The admitted names themselves are not what blocks the file: the check of their hook or state is.
      assert.ok(
        !s.blocking.some((x) =>
          /imports pandas\.(core\.(internals|panel|index)|tseries)\.\w+: not /.test(x.evidence.signal),
        ),
        `${f.file}: an admitted name is refused\n${s.why}`,
      );
      assert.ok(
        s.blocking.some((x) =>
          typeof why === 'string' ? x.evidence.signal.includes(why) : why.test(x.evidence.signal),
        ),
        `${f.file} must be blocked for: ${why}\n${s.why}`,
      );
    });
  }
});
