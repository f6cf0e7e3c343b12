// joblib's NumpyArrayWrapper subclass route (scripts/fixtures/joblib-subclass.py): with numpy 1.x,
// NumpyArrayWrapper.read compares the wrapper's subclass with ndarray and memmap (==) and rebuilds any other as
// `_reconstruct(subclass, (0,), 'b').__array_prepare__(array)`. The VM models that call: the subclass passes the
// effect check of an explicit `_reconstruct(subclass, (0,), 'b')` (numpy's ndarray family), and the class's
// __array_prepare__ must be one the effect model knows (numpy.ndarray's view); a class it cannot tell is not admitted.
// For an object-dtype wrapper, read() also calls byteswap() of what the object-array pickle returned when it claims a
// non-native byte order: a byteswap the stream planted (xgboost's Booster, admitted only when not called) is a call.
// Every file was loaded by the real joblib.load (joblib 1.2, numpy 1.24) under an audit hook when generated: the
// admitted subclasses rebuild an instance of themselves and raise no event; the others raise. The twins are what
// joblib.dump writes for a matrix (numeric and object), a masked array, a record array and a dict of wrappers.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('joblib-subclass');

interface Fixture {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  /** What blocks the file: an anomaly (PICKLE-STRUCT) or a rule id. */
  readonly finding: string | null;
  /** The audit event the real load raised (a block file's payload), if any. */
  readonly event: string | null;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe("joblib NumpyArrayWrapper's subclass route (_reconstruct + __array_prepare__)", () => {
  it('has block files, route files that pass, and joblib.dump twins', () => {
    assert.ok(fixtures.filter((f) => f.expect === 'block').length >= 4);
    assert.ok(fixtures.filter((f) => f.file.startsWith('twin-')).length >= 4);
    // Every pass file loaded under the real loader with no event; every block file's load raised (after its payload's
    // event, for the one that has a payload).
    for (const f of fixtures) {
      if (f.expect === 'pass') assert.match(f.proof, /^joblib\.load: loaded /, f.file);
      else
        assert.match(
          f.proof,
          f.event ? new RegExp(`^joblib\\.load: ${f.event} raised `) : /^joblib\.load: raised /,
          f.file,
        );
    }
    assert.ok(fixtures.some((f) => f.expect === 'block' && f.event === 'ctypes.dlsym'));
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
        scan.blocking.some((x) => anomalyOf(x) === want || x.ruleId === want),
        `${f.file}: no blocking finding names ${want}:\n${scan.why}`,
      );
    });
  }
});
