// Streams that use an admitted name for what its effect model must say it does (scripts/fixtures/admitted-effects.py),
// each proved with the real loader: (1) an admitted function that calls its argument, torch's _rebuild_from_type
// (func(*args)), whose callee's restrictions and hooks apply to that call (dateutil's tzfile opens the path; numpy's
// _ufunc_reconstruct imports the name), under pickle.load, joblib.load and pandas.read_pickle; (2) a torch functional
// op, a stored reference only, called by the stream with a zero divisor (SIGFPE); (3) an LSTM whose state sets
// num_layers to 10**12, the bound of RNNBase.__setstate__'s loop, in its instance dict or in the _parameters, _buffers
// or _modules dict Module.__getattr__ answers it from (a hang); (4) a Fraction number text whose exponent is written in
// non-ASCII decimal digits or ends in Python-only whitespace, or that copyreg._reconstructor or copyreg.__newobj__ hands
// to Fraction.__new__ (10 ** exponent: a hang); (5) a quantized convolution module whose state sets stride 0, which its
// __setstate__ hands to native prepack code (SIGFPE); (6) re._compile given thousands of character classes over all of
// Unicode (a hang); (7) an IntervalDtype whose BUILD state sets a subtype text naming a dateutil zone path, handed to
// pandas' _new_IntervalIndex, which casts to it (dateutil opens the path). Each
// "block" file is blocked by a finding naming what its manifest says; each benign twin, written by the library, passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('admitted-effects');

interface Fixture {
  readonly file: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly mechanism: number;
  readonly what: string;
  /** Text of the blocking finding's rule and evidence. */
  readonly finding: string | null;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('admitted names used for what their effect model says: call-through, stored references, loop bounds, number texts, native prepack, pattern compiling', () => {
  it('has block files of every mechanism, proved by the real loader, and a benign twin of each', () => {
    for (const m of [1, 2, 3, 4, 5, 6, 7]) {
      assert.ok(
        fixtures.some((f) => f.mechanism === m && f.expect === 'block'),
        `mechanism ${m} block`,
      );
      assert.ok(
        fixtures.some((f) => f.mechanism === m && f.expect === 'pass'),
        `mechanism ${m} twin`,
      );
    }
    for (const f of fixtures.filter((x) => x.expect === 'block'))
      assert.match(f.proof, / (opens|runs|faults)\b|CPU limit/, f.file);
    for (const loader of ['pickle', 'joblib', 'pandas'])
      assert.ok(
        fixtures.some((f) => f.mechanism === 1 && f.expect === 'block' && f.loader === loader),
        loader,
      );
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      assert.ok(
        scan.blocking.some((x) => `${x.ruleId} ${x.evidence.signal}`.includes(f.finding!)),
        `${f.file}: no blocking finding names ${f.finding}:\n${scan.why}`,
      );
    });
  }
});
