// pandas frames and Series with datetime values (a DatetimeIndex with freq 'D' or 'MS', datetime columns, arrays taken
// by position) stored past the memo's detail budget, at protocols 2 - 5, written by pandas 1.5.3 and 2.3.3. pandas 2
// gives an array taken by position its ndarray's dtype object, so that one object is in the states of objects two
// memo stand-ins replace (the arrays' and the ndarrays'). Each stand-in's record keeps the names BUILD set, and the
// lookups of BlockManager.__setstate__ (_with_freq of block values, copy of axes) answer from them: pandas' own output
// passes past the budget as within it; a DatetimeArray that plants _with_freq (pandas calls it on block values with a
// freq) stays blocked past the budget, and within it whenever the planted object is not admitted as called.
// Fixtures: scripts/fixtures/memo-budget-freq.py (pandas' own objects and CPython's pickler; each file loaded once by
// the pandas that wrote it, which calls the planted _with_freq of block values: manifest 'load').
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gateVerdict } from '../../helpers/blocking.js';

const ROOT = new URL('../../fixtures/memo-budget-freq/', import.meta.url).pathname;
interface Manifest {
  pandas: string;
  files: { file: string; expect: 'pass' | 'block'; what: string; load: string; padding: number; protocol: number }[];
}

for (const dir of readdirSync(ROOT).sort()) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'manifest.json'), 'utf8')) as Manifest;
  describe(`pandas ${manifest.pandas} datetime values past the memo detail budget`, () => {
    it('holds pandas output on both sides of the budget, and twins whose planted method pandas calls', () => {
      for (const where of ['within', 'past'])
        assert.ok(manifest.files.some((f) => f.file === `frames-p4-${where}.pkl` && f.expect === 'pass'));
      for (const f of manifest.files) {
        if (f.file.startsWith('frames-')) assert.equal(f.load, 'loads', f.file);
        if (f.file.includes('-values-')) assert.equal(f.load, 'calls the planted _with_freq', f.file);
      }
    });
    for (const f of manifest.files) {
      it(`${f.expect}: ${f.file} (${f.what})`, async () => {
        const v = await gateVerdict(f.file, readFileSync(join(ROOT, dir, f.file)));
        if (f.expect === 'pass') {
          assert.deepEqual(v.blocking, [], v.why);
          assert.ok(v.safe, v.why);
          return;
        }
        assert.ok(v.blocking.length > 0, v.why);
        // A planted name the python pack admits only as a stored reference (builtins.hash): within the budget the
        // call pandas' block reconstructor makes is modelled and judged (the evidence names it); past the budget the
        // lookup on the stand-in answers "unknown", and that is what blocks the file.
        if (f.file.includes('-hash-'))
          assert.ok(
            v.blocking.some(
              (x) =>
                (x.startsWith('PICKLE-STRUCT: ') && x.includes('_with_freq')) ||
                (f.padding < 10_000 &&
                  x.startsWith('PICKLE-GLOBAL-IMPORT: ') &&
                  x.includes('_unpickle_block') &&
                  x.includes('_with_freq')),
            ),
            v.why,
          );
      });
    }
  });
}
