// Scan jobs on BullMQ over Redis: `submit` adds one job per target, `worker` scans them, results go to a Redis
// stream. Delivery is at least once (a job whose worker dies is taken up again once its lock expires); results are
// written exactly once per job by one Lua script (result key SET NX + XADD), so a job run twice adds nothing the
// second time. A single-file result is also kept under its content hash, the scanner version and the scan settings,
// and reused by any later job for the same file content at the same path. Jobs that fail every attempt go to a
// dead-letter queue and leave a failed result, so a waiting submitter always ends.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Job, Queue, QueueEvents, Worker, type Job as BullJob, type Worker as BullWorker } from 'bullmq';
import { Redis, type Redis as RedisClient } from 'ioredis';
import { loadPolicy, type PolicyText } from '../api/load-policy.js';
import { scanFacts, type ScanFacts } from '../api/scan.js';
import { TOOL_VERSION } from '../report/scan-report.js';
import { guardTarget, TargetRefused } from './target-guard.js';

/** Where the queue lives. */
export interface QueueConfig {
  /** `redis://[user:password@]host:port[/db]` */
  readonly redisUrl: string;
  /** Queue name (default `sentinel-scan`); the results stream and keys are named after it. */
  readonly queue?: string;
}

/** What one job asks: one target, and the scan settings of the submitter's policy. */
export interface ScanJobData {
  readonly submission: string;
  readonly index: number;
  readonly target: string;
  readonly rules?: readonly string[];
  readonly policy?: PolicyText;
}

/** What a job ended with (the value of its result key and of its stream entry's `result` field). */
export interface ScanJobResult {
  readonly jobId: string;
  readonly submission: string;
  readonly index: number;
  readonly target: string;
  readonly status: 'done' | 'failed';
  readonly scanner: string;
  readonly facts?: ScanFacts;
  readonly error?: string;
  /** sha256 of the file's content, for a single-file target. */
  readonly sha256?: string;
  /** The facts came from the content-hash cache. */
  readonly cached?: boolean;
  readonly attempts: number;
  /** When the job was added and when its result was written (ms since the epoch): the job's latency. */
  readonly queuedAt?: number;
  readonly finishedAt?: number;
}

const DEFAULT_QUEUE = 'sentinel-scan';
/** Results and cached facts are kept this long (seconds). */
const RESULT_TTL_S = 7 * 24 * 3600;
/** The results stream keeps about this many entries. */
const STREAM_MAXLEN = 1_000_000;

const names = (c: QueueConfig) => {
  const q = c.queue ?? DEFAULT_QUEUE;
  return {
    queue: q,
    dead: `${q}-dead`,
    stream: `${q}:results`,
    result: (jobId: string) => `${q}:result:${jobId}`,
    facts: (key: string) => `${q}:facts:${key}`,
  };
};

// KEYS[1] result key, KEYS[2] stream; ARGV[1] result JSON, ARGV[2] ttl, ARGV[3] job id, ARGV[4] maxlen,
// ARGV[5] submission. Writes the result and its stream entry together, once.
const PUT_RESULT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'job', ARGV[3], 'submission', ARGV[5], 'result', ARGV[1])
  return 1
end
return 0`;

/** Parses a `redis://` URL into ioredis options (BullMQ needs `maxRetriesPerRequest: null` on worker connections). */
export function redisOptions(url: string): {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: object;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a redis URL: ${url}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`not a redis URL: ${url}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

async function newRedis(url: string, forWorker: boolean): Promise<RedisClient> {
  const r = new Redis({ ...redisOptions(url), ...(forWorker ? { maxRetriesPerRequest: null } : {}) });
  // ioredis reconnects by itself (a Redis restart, a dropped connection); without a listener it prints each error.
  r.on('error', () => undefined);
  return r;
}

/** Adds one job per target; returns the submission id and the job ids in target order. */
export async function submitJobs(
  cfg: QueueConfig,
  targets: readonly string[],
  o: { rules?: readonly string[]; policy?: PolicyText; attempts?: number; backoffMs?: number } = {},
): Promise<{ submission: string; jobIds: string[] }> {
  const n = names(cfg);
  const connection = await newRedis(cfg.redisUrl, false);
  const queue = new Queue<ScanJobData>(n.queue, { connection });
  try {
    const submission = randomUUID();
    const jobIds = targets.map((_, i) => `${submission}.${i}`);
    const BATCH = 1000;
    for (let i = 0; i < targets.length; i += BATCH) {
      await queue.addBulk(
        targets.slice(i, i + BATCH).map((target, k) => ({
          name: 'scan',
          data: {
            submission,
            index: i + k,
            target,
            ...(o.rules?.length ? { rules: o.rules } : {}),
            ...(o.policy ? { policy: o.policy } : {}),
          },
          opts: {
            jobId: jobIds[i + k]!,
            attempts: o.attempts ?? 3,
            backoff: { type: 'exponential', delay: o.backoffMs ?? 1000 },
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
    }
    return { submission, jobIds };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/**
 * Waits until every job has a result (reading the results stream from the start of the wait, after checking the
 * result keys of jobs that already ended). Rejects when `signal` aborts or `timeoutMs` passes.
 */
export async function waitForResults(
  cfg: QueueConfig,
  jobIds: readonly string[],
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ScanJobResult[]> {
  const n = names(cfg);
  const redis = await newRedis(cfg.redisUrl, true);
  const want = new Set(jobIds);
  const got = new Map<string, ScanJobResult>();
  const deadline = Date.now() + (o.timeoutMs ?? 24 * 3600 * 1000);
  try {
    // The stream position first, then the keys: a result written in between is seen by both (deduplicated).
    const last = (await redis.xrevrange(n.stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    for (let i = 0; i < jobIds.length; i += 500) {
      const ids = jobIds.slice(i, i + 500);
      const values = await redis.mget(...ids.map(n.result));
      values.forEach((v) => {
        if (v) {
          const r = JSON.parse(v) as ScanJobResult;
          got.set(r.jobId, r);
        }
      });
    }
    let from = last;
    while (got.size < want.size) {
      o.signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${want.size - got.size} of ${want.size} jobs`);
      const rows = (await redis.xread('COUNT', 1000, 'BLOCK', Math.min(left, 1000), 'STREAMS', n.stream, from)) as
        [string, [string, string[]][]][] | null;
      for (const [, entries] of rows ?? []) {
        for (const [id, fields] of entries) {
          from = id;
          const job = fields[fields.indexOf('job') + 1] ?? '';
          if (!want.has(job) || got.has(job)) continue;
          got.set(job, JSON.parse(fields[fields.indexOf('result') + 1] ?? '{}') as ScanJobResult);
        }
      }
    }
    return jobIds.map((id) => got.get(id)!);
  } finally {
    redis.disconnect();
  }
}

export interface WorkerOptions {
  /** Real paths local targets must lie in (none: remote targets only). */
  readonly roots: readonly string[];
  readonly allowPrivateTargets?: boolean;
  /** Jobs run at once by this worker (default 4). */
  readonly concurrency?: number;
  /** A job running longer is aborted and fails this attempt (default 600 s). */
  readonly jobSeconds?: number;
  /** A worker that stops renewing a job's lock for this long loses it to another worker (default 30 s). */
  readonly lockMs?: number;
  /** POSTs each result (without facts) to this URL; failures are not retried (the stream has it). */
  readonly webhook?: string;
  /** Called for each job that ended (tests, logs). */
  readonly onResult?: (r: ScanJobResult) => void;
}

/** Files up to this size are hashed from one read; larger ones are streamed. */
const ONE_READ_BYTES = 1024 * 1024;

async function sha256File(path: string): Promise<string | undefined> {
  const st = await stat(path);
  if (!st.isFile()) return undefined;
  const h = createHash('sha256');
  if (st.size <= ONE_READ_BYTES) return h.update(await readFile(path)).digest('hex');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** A running worker; `close` finishes jobs in flight (up to `graceMs`, then returns them to the queue). */
export interface ScanWorker {
  readonly worker: BullWorker<ScanJobData>;
  close(graceMs?: number): Promise<void>;
}

export async function startWorker(cfg: QueueConfig, o: WorkerOptions): Promise<ScanWorker> {
  const n = names(cfg);
  const connection = await newRedis(cfg.redisUrl, true);
  const store = await newRedis(cfg.redisUrl, true);
  store.defineCommand('sentinelPutResult', { numberOfKeys: 2, lua: PUT_RESULT });
  const dead = new Queue(n.dead, { connection: store });
  const put = (r: ScanJobResult): Promise<number> =>
    (
      store as unknown as {
        sentinelPutResult: (...a: (string | number)[]) => Promise<number>;
      }
    ).sentinelPutResult(
      n.result(r.jobId),
      n.stream,
      JSON.stringify(r),
      RESULT_TTL_S,
      r.jobId,
      STREAM_MAXLEN,
      r.submission,
    );
  const webhook = async (r: ScanJobResult): Promise<void> => {
    if (!o.webhook) return;
    const { facts, ...rest } = r;
    const summary = facts
      ? {
          ...rest,
          findings: facts.result.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, where: f.where })),
        }
      : rest;
    try {
      await fetch(o.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(summary),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      // The result is in the stream; a webhook that is down loses nothing.
    }
  };
  const finish = async (result: ScanJobResult): Promise<void> => {
    const r = { ...result, finishedAt: Date.now() };
    if ((await put(r)) === 1) {
      o.onResult?.(r);
      await webhook(r);
    }
  };

  const processJob = async (job: BullJob<ScanJobData>): Promise<void> => {
    const d = job.data;
    const jobId = job.id!;
    const base = {
      jobId,
      submission: d.submission,
      index: d.index,
      target: d.target,
      scanner: TOOL_VERSION,
      // Started attempts count a run lost with its worker (stalled), which attemptsMade does not.
      attempts: Math.max(job.attemptsStarted, job.attemptsMade + 1),
      queuedAt: job.timestamp,
    };
    let target: string;
    try {
      target = await guardTarget(d.target, { roots: o.roots, allowPrivate: o.allowPrivateTargets ?? false });
    } catch (e) {
      if (!(e instanceof TargetRefused)) throw e;
      // A refused target fails the same way every time: the result says so at once, no retries.
      await finish({ ...base, status: 'failed', error: e.message });
      return;
    }
    const settings = createHash('sha256')
      .update(JSON.stringify([d.rules ?? [], d.policy?.text ?? '']))
      .digest('hex')
      .slice(0, 16);
    const sha = /^[a-z]+:\/\//i.test(target) ? undefined : await sha256File(target).catch(() => undefined);
    const cacheKey = sha
      ? n.facts(`${TOOL_VERSION}:${settings}:${sha}:${createHash('sha256').update(d.target).digest('hex')}`)
      : undefined;
    if (cacheKey) {
      const hit = await store.get(cacheKey);
      if (hit) {
        await finish({ ...base, status: 'done', sha256: sha!, cached: true, facts: JSON.parse(hit) as ScanFacts });
        return;
      }
    }
    try {
      const policy = d.policy ? await loadPolicy(d.policy) : undefined;
      const facts = await scanFacts(isAbsolute(d.target) ? d.target : target, {
        ...(policy ? { policy } : {}),
        ...(d.rules?.length ? { rules: d.rules } : {}),
        signal: AbortSignal.timeout((o.jobSeconds ?? 600) * 1000),
      });
      if (cacheKey) await store.set(cacheKey, JSON.stringify(facts), 'EX', RESULT_TTL_S);
      await finish({ ...base, status: 'done', ...(sha ? { sha256: sha } : {}), facts });
    } catch (e) {
      // The last attempt leaves a failed result and a dead letter while it still holds the job's lock; earlier
      // attempts throw, and BullMQ retries them after the backoff.
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw e;
      await deadLetter(job, `failed ${job.attemptsMade + 1} times: ${(e as Error).message}`);
    }
  };

  const deadLetter = async (job: BullJob<ScanJobData>, reason: string): Promise<void> => {
    await dead.add('dead', { ...job.data, error: reason }, { jobId: job.id!, removeOnComplete: true });
    await finish({
      jobId: job.id!,
      submission: job.data.submission,
      index: job.data.index,
      target: job.data.target,
      scanner: TOOL_VERSION,
      status: 'failed',
      error: reason,
      attempts: job.attemptsMade + 1,
    });
  };

  const worker = new Worker<ScanJobData>(n.queue, processJob, {
    connection,
    concurrency: o.concurrency ?? 4,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: Math.max(500, Math.floor((o.lockMs ?? 30_000) / 2)),
    maxStalledCount: 2,
    autorun: true,
  });
  // Jobs that fail outside the processor (stalled more often than allowed: a worker that keeps dying on them)
  // get their dead letter here; whichever worker sees the event first writes it, the others add nothing.
  const eventsConnection = await newRedis(cfg.redisUrl, true);
  const events = new QueueEvents(n.queue, { connection: eventsConnection });
  events.on('failed', ({ jobId, failedReason }) => {
    void (async () => {
      if (await store.exists(n.result(jobId))) return;
      const job = await Job.fromId<ScanJobData>(worker, jobId);
      if (job && job.finishedOn) await deadLetter(job, failedReason);
    })().catch(() => undefined);
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  return {
    worker,
    async close(graceMs = 30_000) {
      const step = (what: string): void => {
        if (process.env['SENTINEL_DEBUG_CLOSE']) process.stderr.write(`close: ${what}\n`);
      };
      const timer = setTimeout(() => void worker.close(true), graceMs);
      step('worker');
      await worker.close();
      clearTimeout(timer);
      step('events');
      await events.close();
      step('dead');
      await dead.close();
      step('disconnect');
      connection.disconnect();
      store.disconnect();
      eventsConnection.disconnect();
    },
  };
}
