// `sentinel worker` and `sentinel submit`: scan jobs on BullMQ over Redis (src/service/scan-queue.ts). A worker runs
// until SIGINT/SIGTERM and then finishes its jobs in flight; `submit --wait` gates the results with the local policy
// and prints the report (and exit code) `sentinel scan` would give for the same targets.
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPolicy, type PolicyText } from '../api/load-policy.js';
import { renderReport } from '../api/render-report.js';
import { checkRules, gateFacts, mergeFacts } from '../api/scan.js';
import { POLICY_FILE_NAME } from '../policy/policy.js';
import { isSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import { relabelFacts, submitLabel } from '../service/report-paths.js';
import type { ScanJobResult } from '../service/scan-queue.js';
import { FORMATS, UsageError, type Format, type Io } from './main.js';

export interface WorkerCliOptions {
  redis: string;
  queue?: string;
  root: string[];
  concurrency?: string;
  jobSeconds?: string;
  lockSeconds?: string;
  graceSeconds?: string;
  webhook?: string;
  allowPrivateTargets?: boolean;
  warmUp?: string;
}

export interface SubmitCliOptions {
  redis: string;
  queue?: string;
  wait?: boolean;
  timeout?: string;
  format: Format;
  output?: string;
  policy?: string;
  rule: string[];
  failOn?: string;
  attempts?: string;
  batch?: string;
}

function whole(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, got "${v}"`);
  }
  return n;
}

/**
 * The queue module, loaded on use (it pulls BullMQ and ioredis), and the queue named by `--redis` and `--queue`;
 * a Redis URL that cannot be one is a usage error.
 */
async function openQueue(o: { redis: string; queue?: string }) {
  const q = await import('../service/scan-queue.js');
  try {
    q.redisOptions(o.redis);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { q, cfg: { redisUrl: o.redis, ...(o.queue ? { queue: o.queue } : {}) } };
}

export async function runWorker(o: WorkerCliOptions, io: Io): Promise<number> {
  const roots = o.root.map((r) => {
    try {
      return realpathSync(resolve(r));
    } catch (e) {
      throw new UsageError(`--root ${r}: ${(e as Error).message}`);
    }
  });
  const { q, cfg } = await openQueue(o);
  const { startWorker, jobLogEntry } = q;
  const concurrency = whole('--concurrency', o.concurrency, 1, 256);
  const jobSeconds = whole('--job-seconds', o.jobSeconds, 1, 86_400);
  const lockSeconds = whole('--lock-seconds', o.lockSeconds, 1, 3600);
  const grace = whole('--grace-seconds', o.graceSeconds, 0, 3600) ?? 30;
  const warmUpScans = whole('--warm-up', o.warmUp, 0, 1_000_000);
  // Listened for from the start: a worker stopped before it is ready (Redis unreachable) ends at once.
  const stopping = new AbortController();
  /** The exit code once the stop is decided; until then a forced exit is a tool error. */
  let code = 2;
  const stopped = new Promise<void>((stop) => {
    const onSignal = (): void => {
      stopping.abort(new Error('stopped before the worker was ready'));
      // The backstop: every close below is bounded by the grace, but the queue library may keep timers of its own
      // (its lock renewal, a reconnect) alive on a Redis that is gone or silent. Unreferenced, this timer fires only
      // when something still holds the process a second past the grace.
      setTimeout(
        () => {
          io.stderr(`sentinel: worker still held ${grace} s after the stop signal (Redis gone?): exiting\n`);
          process.exit(code);
        },
        grace * 1000 + 1000,
      ).unref();
      stop();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  io.stderr(`sentinel: worker starting on queue ${o.queue ?? 'sentinel-scan'}: connecting to Redis\n`);
  let w: Awaited<ReturnType<typeof startWorker>>;
  try {
    w = await startWorker(cfg, {
      roots,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(jobSeconds !== undefined ? { jobSeconds } : {}),
      ...(lockSeconds !== undefined ? { lockMs: lockSeconds * 1000 } : {}),
      ...(o.webhook ? { webhook: o.webhook } : {}),
      allowPrivateTargets: o.allowPrivateTargets ?? false,
      ...(warmUpScans !== undefined ? { warmUpScans } : {}),
      signal: stopping.signal,
      // One JSON line per ended target on stderr.
      onResult: (r) => io.stderr(JSON.stringify(jobLogEntry(r)) + '\n'),
    });
  } catch (e) {
    if (!stopping.signal.aborted) throw e;
    io.stderr('sentinel: worker stopped before it was ready (is Redis reachable?)\n');
    return (code = 0);
  }
  io.stderr(`sentinel: worker ready on queue ${o.queue ?? 'sentinel-scan'}\n`);
  await stopped;
  io.stderr('sentinel: worker stopping: finishing jobs in flight\n');
  if (await w.close(grace * 1000)) return (code = 0);
  // Redis gone or not answering, or jobs still running: their locks lapse and other workers take them again.
  io.stderr(
    `sentinel: worker stopped without a clean close: the queue did not close within ${grace} s (Redis gone or not answering, or jobs still running); connections dropped\n`,
  );
  return (code = 2);
}

function severities(list: string | undefined): Severity[] | undefined {
  return list?.split(',').map((x) => {
    const s = x.trim().toUpperCase();
    if (!isSeverity(s)) throw new UsageError(`unknown severity "${x}" (expected ${SEVERITIES.join(', ')})`);
    return s;
  });
}

function policyText(file: string | undefined): PolicyText | undefined {
  const path = resolve(file ?? POLICY_FILE_NAME);
  if (file === undefined && !existsSync(path)) return undefined;
  try {
    return { text: readFileSync(path, 'utf8'), source: file ?? POLICY_FILE_NAME };
  } catch (e) {
    throw new UsageError(`cannot read policy ${path}: ${(e as Error).message}`);
  }
}

export async function runSubmit(targets: string[], o: SubmitCliOptions, io: Io): Promise<number> {
  const rules = checkRules(o.rule);
  const failOn = severities(o.failOn);
  if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown format ${o.format}`);
  const text = policyText(o.policy);
  const policy = text ? await loadPolicy(text) : undefined;
  const timeout = whole('--timeout', o.timeout, 1, 7 * 86_400);
  const attempts = whole('--attempts', o.attempts, 1, 100);
  const batch = whole('--batch', o.batch, 1, 10_000);
  const { q, cfg } = await openQueue(o);
  // Local paths go out absolute: the workers resolve nothing against this process's working directory. Each goes
  // with the name it was given here, which the reports show (as `sentinel scan` shows the paths it is given).
  const sent = targets.map((t) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : resolve(t)));
  const labels = targets.map((t, i) => (submitLabel(t, sent[i]!) ? t : undefined));
  const { submission, jobIds } = await q.submitJobs(cfg, sent, {
    labels,
    ...(rules.length ? { rules } : {}),
    ...(text ? { policy: text } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(batch !== undefined ? { batch } : {}),
  });
  if (!o.wait) {
    io.stdout(JSON.stringify({ submission, jobs: jobIds }) + '\n');
    return 0;
  }
  let results: ScanJobResult[];
  try {
    results = await q.waitForResults(cfg, jobIds, timeout !== undefined ? { timeoutMs: timeout * 1000 } : {});
  } catch (e) {
    if (!/^timed out waiting for/.test((e as Error).message)) throw e;
    io.stderr(
      `sentinel: submission ${submission}: ${(e as Error).message.replace(/^timed out waiting for (\d+) of (\d+) jobs$/, '$1 of $2 targets have no result yet')} after --timeout ${timeout} s (\`sentinel results --wait ${submission}\` waits for them)\n`,
    );
    return 2;
  }
  return reportResults(
    results,
    {
      format: o.format,
      ...(o.output !== undefined ? { output: o.output } : {}),
      rules,
      ...(policy ? { policy } : {}),
      ...(failOn ? { failOn } : {}),
    },
    io,
  );
}

/** Gates the results with the local policy and prints the report `sentinel scan` gives; its exit code. */
async function reportResults(
  results: readonly ScanJobResult[],
  o: {
    format: Format;
    output?: string;
    rules: readonly string[];
    policy?: Awaited<ReturnType<typeof loadPolicy>>;
    failOn?: Severity[];
  },
  io: Io,
): Promise<number> {
  const { rules, policy, failOn } = o;
  const failed = results.filter((r) => r.status !== 'done' || !r.facts);
  for (const r of failed)
    io.stderr(`sentinel: ${r.label || r.target || r.jobId}: the scan job failed: ${r.error ?? 'no facts'}\n`);
  // Each target's paths as the submitter named it, not as the workers scanned it.
  const done = results
    .filter((r) => r.status === 'done' && r.facts)
    .map((r) => {
      const label = r.label !== undefined ? submitLabel(r.label, r.target) : undefined;
      return label ? relabelFacts(r.facts!, [label]) : r.facts!;
    });
  if (!done.length) return 2;
  const report = await gateFacts(mergeFacts(done), {
    ...(policy ? { policy } : {}),
    ...(rules.length ? { rules } : {}),
    ...(failOn ? { failOn } : {}),
  });
  const rendered = await renderReport(report, o.format, { cwd: process.cwd() });
  if (o.output) writeFileSync(resolve(o.output), rendered);
  else io.stdout(rendered);
  return report.summary.exitCode === 1 ? 1 : failed.length ? 2 : report.summary.exitCode;
}

export interface ResultsCliOptions {
  redis: string;
  queue?: string;
  wait?: boolean;
  timeout?: string;
  format: Format;
  output?: string;
  policy?: string;
  rule: string[];
  failOn?: string;
}

/**
 * `sentinel results SUBMISSION`: the results of an earlier `submit`, gated with the local policy and printed as
 * `submit --wait` prints them. Without --wait, a submission with targets still being scanned is exit 2 (said so).
 */
export async function runResults(submission: string, o: ResultsCliOptions, io: Io): Promise<number> {
  const rules = checkRules(o.rule);
  const failOn = severities(o.failOn);
  if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown format ${o.format}`);
  const text = policyText(o.policy);
  const policy = text ? await loadPolicy(text) : undefined;
  const timeout = whole('--timeout', o.timeout, 1, 7 * 86_400);
  const { q, cfg } = await openQueue(o);
  const { readSubmission, UnknownSubmission } = q;
  let results: ScanJobResult[];
  try {
    results = await readSubmission(cfg, submission, { timeoutMs: o.wait ? (timeout ?? 24 * 3600) * 1000 : 0 });
  } catch (e) {
    if (e instanceof UnknownSubmission) throw new UsageError(e.message);
    if (!o.wait && /^timed out waiting for/.test((e as Error).message)) {
      io.stderr(
        `sentinel: submission ${submission}: ${(e as Error).message.replace(/^timed out waiting for (\d+) of (\d+) jobs$/, '$1 of $2 targets have no result yet')} (--wait waits for them)\n`,
      );
      return 2;
    }
    throw e;
  }
  return reportResults(
    results,
    {
      format: o.format,
      ...(o.output !== undefined ? { output: o.output } : {}),
      rules,
      ...(policy ? { policy } : {}),
      ...(failOn ? { failOn } : {}),
    },
    io,
  );
}
