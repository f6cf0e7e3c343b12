// Runs one fuzz target with fast-check: a seeded number of runs (tests) or until a time limit (`npm run fuzz`).
import fc from 'fast-check';
import { checkScan, type FuzzTarget } from './targets.js';

export interface TargetRun {
  readonly target: string;
  readonly executions: number;
  readonly ms: number;
  /** fast-check's report of the (shrunk) counterexample, with the seed and path that replay it. */
  readonly failure?: string;
}

export async function runTarget(
  t: FuzzTarget,
  opts: { seed: number; numRuns?: number; timeLimitMs?: number },
): Promise<TargetRun> {
  const check = t.check ?? checkScan;
  const t0 = Date.now();
  const details = await fc.check(
    fc.asyncProperty(t.arb, (c) => check(c)),
    {
      seed: opts.seed,
      numRuns: opts.numRuns ?? 2_000_000_000,
      ...(opts.timeLimitMs !== undefined ? { interruptAfterTimeLimit: opts.timeLimitMs } : {}),
      endOnFailure: true,
    },
  );
  const run = { target: t.name, executions: details.numRuns, ms: Date.now() - t0 };
  if (!details.failed) return run;
  const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return { ...run, failure: `${err}\n${fc.defaultReportMessage(details) ?? ''}` };
}
