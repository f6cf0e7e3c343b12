// Seeded, time-boxed mutation loop over the model-format seeds (test/fixtures/model/fuzz-seeds.json): whatever the
// bytes, the safetensors, GGUF, ONNX, HDF5/Keras, JSON and template readers give findings or coverage gaps, never an
// internal error, never a hang. (A fuzzer can take the same seed list.)
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { assertMutantsScan } from '../helpers/mutate.js';

const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const SEEDS = (JSON.parse(readFileSync(join(ROOT, 'model', 'fuzz-seeds.json'), 'utf8')) as { seeds: string[] }).seeds;

describe('mutated model-format seeds', () => {
  for (const seed of SEEDS) {
    it(seed, async () => {
      const orig = new Uint8Array(readFileSync(join(ROOT, seed)));
      await assertMutantsScan(basename(seed), seed, orig, 40, { set: 0.5, flip: 0.7, fill: 0.85 });
    });
  }
});
