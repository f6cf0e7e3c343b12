// The seeded mutation loop of the robustness tests (test/robustness/mutation.test.ts over real fixtures of every
// format, model-mutation.test.ts over the model-format seeds): a fixture's bytes mutated a few places at a time, each
// mutant scanned, and no scan may end in an internal error (a finding or a typed coverage gap is fine).
import { strict as assert } from 'node:assert';
import { scanBytes } from '../../src/scan/engine.js';

/** Small deterministic PRNG (mulberry32): numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Where a mutation's kind draw falls: below `set` a byte is set, below `flip` a bit flipped, below `fill` 8 bytes
 * set to 0xff (a huge length or count; `fill` = `flip` never fills), else the bytes are cut there.
 */
export interface MutationOdds {
  readonly set: number;
  readonly flip: number;
  readonly fill: number;
}

/** A copy of `src` with 1 to 4 mutations drawn from `r`. */
export function mutate(src: Uint8Array, r: () => number, odds: MutationOdds): Uint8Array {
  const b = src.slice();
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const kind = r();
    const at = Math.floor(r() * b.length);
    if (kind < odds.set) b[at] = Math.floor(r() * 256);
    else if (kind < odds.flip) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    else if (kind < odds.fill) b.fill(0xff, at, Math.min(b.length, at + 8));
    else return b.subarray(0, at); // truncation
  }
  return b;
}

/** Scans `runs` mutants of `orig` (seeded from `seed`'s length and the size) under `name`: none an internal error. */
export async function assertMutantsScan(
  name: string,
  seed: string,
  orig: Uint8Array,
  runs: number,
  odds: MutationOdds,
): Promise<void> {
  const r = rng(seed.length * 7919 + orig.length);
  for (let run = 0; run < runs; run++) {
    const res = await scanBytes(name, mutate(orig, r, odds), { limits: { maxFileSeconds: 10 } });
    const internal = res.errors.filter((e) => e.message.startsWith('internal error'));
    assert.deepEqual(internal, [], `run ${run}`);
  }
}
