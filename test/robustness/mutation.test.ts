// Seeded, time-boxed mutation loop over real fixtures of every format: whatever the bytes, the engine returns
// findings or coverage gaps (typed errors), never an internal error, never a hang.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const SEEDS = [
  'real/torch/state-dict.pt',
  'real/torch/legacy-state-dict.pt',
  'real/torch/jit-script.pt',
  'real/joblib/logreg.joblib',
  'real/joblib/logreg-zlib-3.joblib',
  'real/joblib/logreg-bz2-3.joblib',
  'real/joblib/logreg-xz-3.joblib',
  'real/joblib/logreg-lz4-3.joblib',
  'real/numpy/savez-compressed.npz',
  'real/numpy/object-benign.npy',
  'real/sklearn/logreg-p0.pkl',
  'containers/tar/torch_v011_legacy.tar',
  'containers/tar/ustar_cli.tar.gz',
];

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = src.slice();
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const kind = r();
    const at = Math.floor(r() * b.length);
    if (kind < 0.6) b[at] = Math.floor(r() * 256);
    else if (kind < 0.8) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    else return b.subarray(0, at); // truncation
  }
  return b;
}

describe('mutated real fixtures', () => {
  for (const seed of SEEDS) {
    it(seed, async () => {
      const orig = new Uint8Array(readFileSync(join(ROOT, seed)));
      const r = rng(seed.length * 7919 + orig.length);
      let runs = 0;
      while (runs < 60) {
        const res = await scanBytes(seed, mutate(orig, r), { limits: { maxFileSeconds: 10 } });
        const internal = res.errors.filter((e) => e.message.startsWith('internal error'));
        assert.deepEqual(internal, [], `run ${runs}`);
        runs++;
      }
      assert.ok(runs > 0);
    });
  }
});
