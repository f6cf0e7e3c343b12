// Sinks reached through admitted names (scripts/fixtures/soundness-open.py): NDFrame label lookups, a short
// state reaching a trusting native __setstate__ through an object of a class the analysis cannot name, list items whose
// special methods a comparison runs, and the pure-Python unpickler's load_build (joblib.load, pandas.read_pickle's
// compat reader) calling state.items(). Each "block" file ran its payload under the real loader the manifest names (an
// audit hook saw the open or the native symbol load, or the child faulted), and is blocked; each benign twin (the
// libraries' own pickles) passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { labelLookupBy } from '../../src/analyzers/pickle/callable-effects.js';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('soundness-open');

interface Fixture {
  readonly file: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly mechanism: number;
  readonly what: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

/** What each mechanism's fix reports (a finding's evidence names it), so that another check cannot stand in for it. */
const NAMED: Readonly<Record<number, string>> = {
  1: 'NDFrame.__getattr__ (from the labels of its data',
  2: "the object's class is not one the analysis can name, and the stream names",
  // The tzfile the BooleanArray's __eq__ calls (its class's derived sinks) opens the path the other list holds.
  3: 'imports builtins.open via dateutil.tz.tz.tzfile',
  // The Booster the pure-Python load_build calls through state.items() is judged as called.
  4: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
};

describe('sinks reached through admitted names: label lookups, short states, list items, load_build', () => {
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file));
      const { blocking, why } = scan;
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      assert.ok(blocking.length > 0, `${f.file} passes:\n${why}`);
      const named = NAMED[f.mechanism]!;
      assert.ok(
        blocking.some((x) => `${x.ruleId} ${x.evidence.signal}`.includes(named)),
        `${f.file}: no blocking finding names ${named}:\n${why}`,
      );
    });
  }
});

describe('label lookups (derived from pandas)', () => {
  const cases: [string, string, string | undefined][] = [
    ['pandas.core.series.Series', 'upper', 'pandas.core.generic.NDFrame.__getattr__'],
    ['pandas.core.series.Series', 'extend', 'pandas.core.generic.NDFrame.__getattr__'],
    ['pandas.core.frame.DataFrame', 'encode', 'pandas.core.generic.NDFrame.__getattr__'],
    // Names the classes define are found on the class before the hook runs.
    ['pandas.core.series.Series', 'pop', undefined],
    ['pandas.core.series.Series', '__setstate__', undefined],
    // Not a labelled class.
    ['argparse.Namespace', 'upper', undefined],
  ];
  for (const [cls, name, hook] of cases) {
    it(`${cls}.${name}: ${hook ?? 'not answered from labels'}`, () => assert.equal(labelLookupBy(cls, name), hook));
  }
});
