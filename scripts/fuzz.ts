// `npm run fuzz [minutes]`: runs every fuzz target of test/fuzz/targets.ts until its share of the time is up and
// prints executions per target and in total. Env: FUZZ_MINUTES (default 1), FUZZ_SEED (default: time-based,
// printed so a failure replays), FUZZ_TARGETS (comma-separated names). Exit 1 when a property failed.
import { runTarget, type TargetRun } from '../test/fuzz/run-target.js';
import { loadTargets } from '../test/fuzz/targets.js';

// The fuzz run checks each execution's wall-clock budget (npm test does not: see test/fuzz/targets.ts).
process.env['SENTINEL_FUZZ_BUDGET'] ??= '1';

const minutes = Number(process.argv[2] ?? process.env.FUZZ_MINUTES ?? 1);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const only = process.env.FUZZ_TARGETS?.split(',').filter(Boolean);
if (!(minutes > 0)) {
  console.error('usage: npm run fuzz [minutes]');
  process.exit(2);
}

const targets = (await loadTargets()).filter((t) => !only || only.includes(t.name));
const shares = targets.reduce((s, t) => s + (t.weight ?? 1), 0);
console.log(`fuzz: ${targets.length} targets, ${minutes} min, seed ${seed}`);
const runs: TargetRun[] = [];
for (const t of targets) {
  const run = await runTarget(t, { seed, timeLimitMs: (minutes * 60_000 * (t.weight ?? 1)) / shares });
  runs.push(run);
  const rate = Math.round((run.executions * 1000) / Math.max(1, run.ms));
  console.log(
    `${t.name.padEnd(24)} ${String(run.executions).padStart(10)} executions  ${rate}/s${run.failure ? '  FAILED' : ''}`,
  );
  if (run.failure) console.log(run.failure);
}
const total = runs.reduce((s, r) => s + r.executions, 0);
const failed = runs.filter((r) => r.failure).length;
console.log(`total ${total} executions, ${failed} failing target(s), seed ${seed}`);
process.exitCode = failed > 0 ? 1 : 0;
