// Construction, index, state and hashing routes (scripts/fixtures/soundness-s39.py), each proved or disproved with the real loader:
// (1) the pure-Python unpickler's NEWOBJ on an object calls the __new__ planted in its __dict__ (joblib.load);
// (2) pandas' compat load_newobj builds an Index subclass with object.__new__ (pandas.read_pickle): disproved as a
// bypass, the files were blocked before this change and stay blocked; (3) NDArrayBacked's 1-tuple and 3-tuple states
// and Cython's __pyx_unpickle_NDArrayBacked state set attributes (a planted __setstate__ a later BUILD calls);
// (4) BUILD hashes its state's keys again, so one dict keyed by a tower of shared tuples given to many BUILDs is a CPU
// bomb. Each "block" file is blocked by the finding of its mechanism; each benign twin passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('soundness-s39');

interface Fixture {
  readonly file: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly task: number;
  readonly what: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

/** What blocks each task's files: text its finding's evidence holds, or the anomaly it names. */
const NAMED: Readonly<Record<number, { text?: string; anomaly?: string }>> = {
  // The Booster the pure-Python load_newobj calls as the object's planted __new__ is judged as called (no other
  // opcode of these streams calls it).
  1: {
    text: 'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__ (its constructor was not ',
  },
  // The tzfile the Index's planted _cmp_method is (OpsMixin.__eq__, from the class's derived sinks) opens the path.
  2: { text: 'imports builtins.open via dateutil.tz.tz.tzfile' },
  3: { text: "assigns the special attribute '__setstate__'" },
  4: { anomaly: 'LOAD_COST' },
};

describe('construction, index, state and hashing routes (pure-Python NEWOBJ, compat Index, NDArrayBacked states, BUILD hashing)', () => {
  it('has block files of every task and a benign twin of each', () => {
    for (const task of [1, 2, 3, 4]) {
      assert.ok(
        fixtures.some((f) => f.task === task && f.expect === 'block'),
        `task ${task} block`,
      );
      assert.ok(
        fixtures.some((f) => f.task === task && f.expect === 'pass'),
        `task ${task} twin`,
      );
    }
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      const want = NAMED[f.task]!;
      assert.ok(
        scan.blocking.some((x) =>
          want.anomaly !== undefined
            ? anomalyOf(x) === want.anomaly
            : `${x.ruleId} ${x.evidence.signal}`.includes(want.text!),
        ),
        `${f.file}: no blocking finding names ${JSON.stringify(want)}:\n${scan.why}`,
      );
    });
  }
});
