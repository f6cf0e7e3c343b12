// Seeded, time-boxed mutation loop over the model-format seeds (test/fixtures/model/fuzz-seeds.json): whatever the
// bytes, the safetensors, GGUF, ONNX, HDF5/Keras, JSON and template readers give findings or coverage gaps, never an
// internal error, never a hang. (A fuzzer can take the same seed list.)
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const SEEDS = (JSON.parse(readFileSync(join(ROOT, 'model', 'fuzz-seeds.json'), 'utf8')) as { seeds: string[] }).seeds;

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
    if (kind < 0.5) b[at] = Math.floor(r() * 256);
    else if (kind < 0.7) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    else if (kind < 0.85)
      b.fill(0xff, at, Math.min(b.length, at + 8)); // a huge length or count
    else return b.subarray(0, at); // truncation
  }
  return b;
}

describe('mutated model-format seeds', () => {
  for (const seed of SEEDS) {
    it(seed, async () => {
      const orig = new Uint8Array(readFileSync(join(ROOT, seed)));
      const r = rng(seed.length * 7919 + orig.length);
      let runs = 0;
      while (runs < 40) {
        const res = await scanBytes(basename(seed), mutate(orig, r), { limits: { maxFileSeconds: 10 } });
        const internal = res.errors.filter((e) => e.message.startsWith('internal error'));
        assert.deepEqual(internal, [], `run ${runs}`);
        runs++;
      }
      assert.ok(runs > 0);
    });
  }
});
