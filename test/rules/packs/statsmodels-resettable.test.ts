// statsmodels 0.8 - 0.9 results pickle their cache as a ResettableCache (a dict subclass) whose __setitem__, once the
// instance has a _resetdict, resets every key the _resetdict lists for the stored key, recursively. Loading sets
// _resetdict only by BUILD, and pickle writes the items before the state, so statsmodels' own files run only the plain
// store: the statsmodels history pack admits the name ("checked"), and the VM reports a SETITEM(S) after the object's
// BUILD (src/analyzers/pickle/item-hooks.ts). The fixtures (scripts/fixtures/history-resettable.py) were each loaded
// with pickle.load and statsmodels v0.9.0's own class in a throwaway child under a CPU limit: what the manifest's
// `seen` records is the proof (the fan-out twin is killed at the 10 s CPU limit, the cycle twin ends in RecursionError).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = new URL('../../fixtures/history-resettable/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: { file: string; blocked: boolean; why: string; seen: string }[];
};

describe('statsmodels ResettableCache (history pack, checked)', () => {
  it('the proofs hold: benign files load, the twins fan out or recurse under statsmodels 0.9.0', () => {
    const seen = Object.fromEntries(manifest.files.map((f) => [f.file, f.seen]));
    assert.equal(seen['benign/as-statsmodels-writes.pkl'], 'loaded, 1 items');
    assert.equal(seen['benign/items-then-resetdict.pkl'], 'loaded, 3 items');
    assert.equal(seen['hostile/fan-out-after-build.pkl'], 'killed at the 10 s CPU limit');
    assert.equal(seen['hostile/cycle-after-build.pkl'], 'raised RecursionError');
  });

  for (const f of manifest.files) {
    it(`${f.blocked ? 'blocks' : 'passes'} ${f.file}: ${f.why}`, async () => {
      const r = await scanBytes(f.file, readFileSync(join(DIR, f.file)));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
      if (!f.blocked) {
        assert.deepEqual(blocking, []);
        const got = r.pickles.flatMap((p) => p.admitted ?? []).find((a) => a.name.endsWith('ResettableCache'));
        assert.equal(got?.pack, 'statsmodels');
        assert.match(got?.versions ?? '', /v0\.8\.0 - v0\.9\.0/);
      } else
        assert.ok(
          blocking.some((s) => s.includes("SETITEM after the object's BUILD")),
          blocking.join('; '),
        );
    });
  }
});
