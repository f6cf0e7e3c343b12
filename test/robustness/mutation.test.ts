// Seeded, time-boxed mutation loop over real fixtures of every format: whatever the bytes, the engine returns
// findings or coverage gaps (typed errors), never an internal error, never a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertMutantsScan } from '../helpers/mutate.js';

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

describe('mutated real fixtures', () => {
  for (const seed of SEEDS) {
    it(seed, async () => {
      const orig = new Uint8Array(readFileSync(join(ROOT, seed)));
      await assertMutantsScan(seed, seed, orig, 60, { set: 0.6, flip: 0.8, fill: 0.8 });
    });
  }
});
