// Routes that set an instance attribute (scripts/fixtures/soundness-s41.py), each proved with the real loader: (1) a BUILD
// state that is an object of a dict subclass (statsmodels' Bunch, OrderedDict, Counter, defaultdict, a reconstructed
// OrderedDict): CPython's default BUILD sets every entry as an attribute, so a planted __setstate__ or __new__ ran
// unseen (pickle.load and joblib.load opened a chosen path; main passed every one); (2) types.SimpleNamespace given a
// positional mapping or iterable of pairs, whose entries become attributes from Python 3.13 (proved with CPython
// 3.13's pickle.loads); (3) functools.partial(Namespace, __new__=...), real with joblib.load and blocked by the import
// of functools.partial, which no pack admits; (4) torch's _rebuild_from_type_v2 applying its state by setattr per key
// of state.items(), on a state object whose planted items is Booster (pickle.load reached libxgboost; main passed it);
// (5) state dicts kept only in part (a __setstate__ entry past the first 64, or a state dict or pair read back from the
// memo after its 10,000-entry detail budget): pickle.load opened a chosen path; main passed them; (6) scikit-learn's
// Cython losses given an empty state (pickle.load dies of SIGSEGV; main passed them). Each "block" file is blocked by the finding its manifest names (an
// anomaly, or text of the finding); each benign twin, written by the library, passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('soundness-s41');

interface Fixture {
  readonly file: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly task: number;
  readonly what: string;
  /** What blocks the file: an anomaly (PICKLE-STRUCT) or text of the finding's rule and evidence. */
  readonly finding: string | null;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('dict-subclass states, SimpleNamespace entries, partial keywords, torch state.items(), partly kept states', () => {
  it('has block files of every task and a benign twin of each', () => {
    for (const task of [1, 2, 3, 4, 5, 6]) {
      assert.ok(
        fixtures.some((f) => f.task === task && f.expect === 'block'),
        `task ${task} block`,
      );
      assert.ok(
        fixtures.some((f) => f.task === task && f.expect === 'pass'),
        `task ${task} twin`,
      );
    }
    // Every block file's proof saw the payload: a chosen path opened, the planted __new__ reach libxgboost, a crash.
    for (const f of fixtures.filter((x) => x.expect === 'block'))
      assert.match(f.proof, / (opens|native) |signal:SIG/, f.file);
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      const want = f.finding!;
      assert.ok(
        scan.blocking.some((x) =>
          /^[A-Z_]+$/.test(want) ? anomalyOf(x) === want : `${x.ruleId} ${x.evidence.signal}`.includes(want),
        ),
        `${f.file}: no blocking finding names ${want}:\n${scan.why}`,
      );
    });
  }
});
