// The short, seeded pass of every fuzz target (test/fuzz/targets.ts): the same properties `npm run fuzz` checks
// for minutes, run for a fixed number of cases so that a regression shows up on every CI run.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import { runTarget } from '../fuzz/run-target.js';
import { loadTargets, type FuzzTarget } from '../fuzz/targets.js';

const SEED = 20261123;

describe('fuzz targets (seeded pass)', async () => {
  let targets: FuzzTarget[] = [];
  before(async () => {
    targets = await loadTargets();
  });
  const names = (await loadTargets()).map((t) => t.name);
  for (const name of names) {
    it(name, async () => {
      const t = targets.find((x) => x.name === name)!;
      const run = await runTarget(t, { seed: SEED, numRuns: t.ciRuns });
      assert.equal(run.failure, undefined, run.failure);
      assert.equal(run.executions, t.ciRuns);
    });
  }
});
