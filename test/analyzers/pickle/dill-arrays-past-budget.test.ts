// dill's NumPy array rebuild, _create_array(f, args, state, npdict), past the pickle analysis's memo detail budget.
// Its proof is the import's own references, each consumed by a call in dill's shape whose argument tuples the memo kept
// whole, and the VM judges each step of that call itself, so a fitted TfidfVectorizer dill.dump wrote passes past the
// budget as within it. Twins: _create_array named once more outside a call (a reference no call consumes), and the
// shape with an admitted stored reference (builtins.hash) as f: both blocked on either side of the budget.
// Fixtures: scripts/fixtures/dill-arrays-past-budget.py (dill's own output; each file loaded once by that dill:
// manifest 'load').
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gateVerdict } from '../../helpers/blocking.js';

const ROOT = new URL('../../fixtures/dill-arrays-past-budget/', import.meta.url).pathname;
interface Manifest {
  dill: string;
  files: { file: string; expect: 'pass' | 'block'; what: string; load: string; padding: number }[];
}

for (const dir of readdirSync(ROOT).sort()) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'manifest.json'), 'utf8')) as Manifest;
  describe(`dill ${manifest.dill}: _create_array past the memo detail budget`, () => {
    it('holds dill output on both sides of the budget and a blocked twin of each kind', () => {
      for (const where of ['within', 'past']) {
        assert.ok(manifest.files.some((f) => f.file === `tfidf-${where}.pkl` && f.load === 'loads'));
        assert.ok(manifest.files.some((f) => f.file === `tfidf-stored-${where}.pkl` && f.expect === 'block'));
        assert.ok(manifest.files.some((f) => f.file === `hash-array-${where}.pkl` && f.expect === 'block'));
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
        const name = f.file.startsWith('hash-') ? 'builtins.hash' : '_create_array';
        assert.ok(
          v.blocking.some((x) => x.includes(name)),
          v.why,
        );
      });
    }
  });
}
