// pandas' block reconstructor, pandas._libs.internals._unpickle_block(values, placement, ndim), called directly by a
// stream. Its body imports new_block inside the function, and new_block's maybe_coerce_values calls
// values._with_freq(None) of a DatetimeArray with a freq: the effect derivation follows imports made inside a
// function body, so that call is part of the reconstructor's model, and a planted _with_freq is judged as the call
// pandas makes — a name admitted only as a stored reference (pandas.get_dummies, builtins.hash) blocks the file,
// with the reconstructor named in the evidence. Twins: the array as pandas made it (with and without a freq), and the
// same callable planted under a name nothing looks up.
// Fixtures: scripts/fixtures/unpickle-block-calls.py (pandas' own objects and CPython's pickler; each file loaded once
// by the pandas that wrote it: manifest 'load').
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gateVerdict } from '../../helpers/blocking.js';

const ROOT = new URL('../../fixtures/unpickle-block/', import.meta.url).pathname;
interface Manifest {
  pandas: string;
  files: { file: string; expect: 'pass' | 'block'; what: string; load: string; protocol: number }[];
}

for (const dir of readdirSync(ROOT).sort()) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'manifest.json'), 'utf8')) as Manifest;
  describe(`pandas ${manifest.pandas}: calls _unpickle_block makes on the values it is given`, () => {
    it('holds twins pandas loads and files whose planted _with_freq pandas calls', () => {
      for (const f of manifest.files) {
        if (f.expect === 'pass') assert.match(f.load, /^loads: /, f.file);
        else assert.match(f.load, /^calls the planted _with_freq/, f.file);
      }
      assert.ok(manifest.files.filter((f) => f.expect === 'block').length >= 6);
      assert.ok(manifest.files.filter((f) => f.expect === 'pass').length >= 9);
    });
    for (const f of manifest.files) {
      it(`${f.expect}: ${f.file} (${f.what})`, async () => {
        const v = await gateVerdict(f.file, readFileSync(join(ROOT, dir, f.file)));
        if (f.expect === 'pass') {
          assert.deepEqual(v.blocking, [], v.why);
          return;
        }
        assert.ok(
          v.blocking.some(
            (x) => x.startsWith('PICKLE-GLOBAL-IMPORT: ') && x.includes('_unpickle_block') && x.includes('_with_freq'),
          ),
          v.why,
        );
      });
    }
  });
}
