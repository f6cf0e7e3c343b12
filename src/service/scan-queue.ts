// Scan jobs on BullMQ over Redis: `submit` adds the targets as jobs — local paths in batches of up to 128 targets
// per job, URLs one per job — `worker` scans them, and every target gets its own result in a Redis stream. A batched
// target that is not a small regular file (a folder, a file over 1 MiB) is moved by the worker to a job of its own,
// so that large scans spread over the workers; the submitter looks at no file. Delivery is at least once (a job
// whose worker dies is taken up again once its lock expires); results are written exactly once per target by one
// Lua script per job, so a job run twice adds nothing the second time, and a rerun scans only the targets without a
// result. Each result is kept once, in its stream entry: the target's result key holds that entry's id (written
// with it, only if the key is new), and the stream is trimmed by age to the keys' lifetime, so an entry outlives its
// key. A single-file result is also found by its content hash, base name, scanner version and scan settings
// (facts-cache.ts: a cache key holding the entry's id), and reused by any later job for the same content under the
// same name, in any folder. A stored result names its list of rules run by a digest (`ruleList`, the list kept once
// under `<queue>:rules:<digest>`) instead of carrying it; waitForResults puts the list back. A target that fails
// every attempt goes to a dead-letter queue and leaves a failed result, so a waiting submitter always ends.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, read, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { Job, Queue, QueueEvents, Worker, type Job as BullJob, type Worker as BullWorker } from 'bullmq';
import { Redis, type Redis as RedisClient } from 'ioredis';
import { loadPolicy, type PolicyText } from '../api/load-policy.js';
import { checkRules, factsScanner, type ScanFacts } from '../api/scan.js';
import { readWholeFile, type WholeFile } from '../sources/byte-source.js';
import { openConfined, realRoots, type Confinement } from '../sources/confine.js';
import { isoUtc } from '../core/iso-time.js';
import { TOOL_VERSION } from '../report/scan-report.js';
import { digestBytes, useNodeCryptoForSmallDigests } from '../sources/file-digest.js';
import { factsKey, retargetFacts, reusableAt, storable } from './facts-cache.js';
import { ANY_ADDRESS, PUBLIC_ONLY, withEndpoints } from '../sources/remote/egress.js';
import { guardTarget, TargetRefused } from './target-guard.js';
import { ScanThreads } from './scan-threads.js';
import type { SignatureLookups } from '../scan/signature-phase.js';
import { sparseHoles } from '../scan/engine.js';
import { RuleContext } from '../rules/rule.js';
import { scanIncomplete } from '../rules/scan-incomplete.js';

/** Where the queue lives. */
export interface QueueConfig {
  /** `redis://[user:password@]host:port[/db]` */
  readonly redisUrl: string;
  /** Queue name (default `sentinel-scan`); the results stream and keys are named after it. */
  readonly queue?: string;
}

/**
 * What one job asks: targets `first`, `first + 1`, … of a submission, and the scan settings of the submitter's
 * policy. Target `first + k`'s result id is `<submission>.<first + k>`.
 */
export interface ScanJobData {
  readonly submission: string;
  readonly first: number;
  readonly targets: readonly string[];
  /**
   * How the submitter named each target (`''`: as sent), parallel to `targets`: reports show a local target as
   * named, not at the absolute path the workers scan (service/report-paths.ts).
   */
  readonly labels?: readonly string[];
  readonly rules?: readonly string[];
  readonly policy?: PolicyText;
  /** When the target was first queued, for a target a worker moved out of a batch to a job of its own. */
  readonly queuedAt?: number;
}

/** What a target ended with (its stream entry's `result` field; the target's result key holds the entry's id). */
export interface ScanJobResult {
  /** The target's result id, `<submission>.<index>` (what `submitJobs` returned for it). */
  readonly jobId: string;
  readonly submission: string;
  readonly index: number;
  readonly target: string;
  /** How the submitter named the target, when not as sent (its report shows this name). */
  readonly label?: string;
  readonly status: 'done' | 'failed';
  readonly scanner: string;
  readonly facts?: ScanFacts;
  readonly error?: string;
  /** sha256 of the file's content, for a single-file target. */
  readonly sha256?: string;
  /** The facts came from the content-hash cache. */
  readonly cached?: boolean;
  readonly attempts: number;
  /**
   * In Redis: the digest naming the list of rules run (`facts.result.rules`), which the stored result leaves out
   * (the list is kept once, under `<queue>:rules:<ruleList>`); the results waitForResults returns carry the list.
   */
  readonly ruleList?: string;
  /** When the job was added and when its result was written (ms since the epoch): the target's latency. */
  readonly queuedAt?: number;
  readonly finishedAt?: number;
}

const DEFAULT_QUEUE = 'sentinel-scan';
/** Results (stream entries) and the keys naming them are kept this long (seconds). */
const RESULT_TTL_S = 7 * 24 * 3600;
/**
 * Targets per job by default (small files only). Measured (10,000 ~1 KB pickles, one worker, load 20-28, two runs
 * each): 128 against 32 cut CPU per file by 20-26 us in the worker, 26-27 in redis-server and 24-44 in the submitter
 * (BullMQ's per-job work: fetch, lock, completion, events).
 */
export const DEFAULT_BATCH = 128;
/** Local files up to this size share jobs; a worker moves larger ones and folders out of a batch to a job each. */
const BATCH_FILE_BYTES = 1024 * 1024;

const names = (c: QueueConfig) => {
  const q = c.queue ?? DEFAULT_QUEUE;
  return {
    queue: q,
    dead: `${q}-dead`,
    stream: `${q}:results`,
    result: (id: string) => `${q}:result:${id}`,
    facts: (key: string) => `${q}:facts:${key}`,
    rules: (id: string) => `${q}:rules:${id}`,
    /** A submission's number of targets (`sentinel results` reads its results back by it). */
    submission: (id: string) => `${q}:submission:${id}`,
  };
};

// KEYS[1] stream, KEYS[2] the rule-list key, then per result its result key and its cache key; ARGV[1] ttl, ARGV[2]
// the rule list's JSON ('': none in these results), then per result: id, submission, result JSON, '1' to point the
// cache key at the result ('': not). Adds each result's stream entry and sets its result key to the entry's id, only
// if the key is new; returns 1/0 per result (written now / was already there). The result is stored once, in the
// entry; entries older than the keys' lifetime are trimmed (MINID, by the server's clock), so no key outlives its
// entry. The rule list's key is written again with each call, so it outlives every result naming it. The cache key
// holds the entry's id, and only of a result written now (a result already there may be another run's, of other
// bytes).
const PUT_RESULTS = `
local out = {}
local ttl = tonumber(ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ttl) end
local minid = tostring(tonumber(redis.call('TIME')[1]) - ttl) .. '000'
local n = (#KEYS - 2) / 2
for i = 1, n do
  local rk, ck = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local a = 2 + (i - 1) * 4
  if redis.call('EXISTS', rk) == 0 then
    local id = redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*', 'job', ARGV[a + 1], 'submission', ARGV[a + 2], 'result', ARGV[a + 3])
    redis.call('SET', rk, id, 'EX', ttl)
    if ARGV[a + 4] == '1' then redis.call('SET', ck, id, 'EX', ttl) end
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;

/** A stream entry id (`<ms>-<seq>`), as result and cache keys hold. */
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * The results that result or cache keys' values name (stream entry ids), read in one round trip; undefined where a
 * value is no entry id or its entry is gone. A value that is a result's JSON (written by a build that kept the
 * result in the key) is that result.
 */
async function resultsAt(
  redis: RedisClient,
  stream: string,
  values: readonly (string | null | undefined)[],
): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = values.map((v) => (v?.startsWith('{') ? v : undefined));
  const at = values.flatMap((v, i) => (v && ENTRY_ID.test(v) ? [i] : []));
  if (!at.length) return out;
  const pipe = redis.pipeline();
  for (const i of at) pipe.xrangeBuffer(stream, values[i]!, values[i]!, 'COUNT', 1);
  const replies = (await pipe.exec()) ?? [];
  at.forEach((i, k) => {
    const [err, rows] = replies[k] ?? [null, null];
    const fields = !err ? (rows as [Buffer, Buffer[]][] | null)?.[0]?.[1] : undefined;
    out[i] = fields ? field(fields, 'result') : undefined;
  });
  return out;
}

/** A rule list's id: the first 16 hex digits of the SHA-256 of its JSON. */
function ruleListId(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/**
 * Puts each result's list of rules back (results as stored name it by `ruleList`), reading each list once per
 * process (`known`: id -> list). A list that is no longer in Redis is an error: a report must say which rules ran.
 */
async function withRules(
  redis: RedisClient,
  n: ReturnType<typeof names>,
  results: ScanJobResult[],
  known: Map<string, readonly string[]>,
): Promise<void> {
  const missing = [...new Set(results.flatMap((r) => (r.ruleList && !known.has(r.ruleList) ? [r.ruleList] : [])))];
  if (missing.length) {
    const lists = await redis.mget(...missing.map(n.rules));
    missing.forEach((id, i) => {
      const v = lists[i];
      if (v === null || v === undefined) throw new Error(`the list of rules ${id} of a stored result is not in Redis`);
      known.set(id, JSON.parse(v) as string[]);
    });
  }
  // The results are parsed from Redis by the caller and not shared: the list is set on them, not on copies.
  for (const r of results) {
    if (r.ruleList && r.facts) (r.facts.result as { rules: readonly string[] }).rules = known.get(r.ruleList)!;
  }
}

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

/** A URL target (`hf://`, `oci://`, `https://` …): a job of its own. */
const URL_TARGET = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Adds the targets as jobs (local paths up to `batch` per job, URLs one per job: what a path is, the worker finds
 * out); returns the submission id and each target's result id, in target order.
 */
export async function submitJobs(
  cfg: QueueConfig,
  targets: readonly string[],
  o: {
    rules?: readonly string[];
    policy?: PolicyText;
    attempts?: number;
    backoffMs?: number;
    batch?: number;
    /** How each target was named, parallel to `targets` (undefined or `''`: as sent); see ScanJobData.labels. */
    labels?: readonly (string | undefined)[];
  } = {},
): Promise<{ submission: string; jobIds: string[] }> {
  // An unknown rule is refused before anything is queued (a usage error), not found by every job.
  if (o.rules?.length) checkRules(o.rules);
  const n = names(cfg);
  const connection = await newRedis(cfg.redisUrl, false);
  const queue = new Queue<ScanJobData>(n.queue, { connection });
  try {
    const submission = randomUUID();
    const jobIds = targets.map((_, i) => `${submission}.${i}`);
    // Kept as long as its results: `sentinel results SUBMISSION` reads them back without the list of targets.
    await connection.set(n.submission(submission), String(targets.length), 'EX', RESULT_TTL_S);
    const batch = Math.max(1, o.batch ?? DEFAULT_BATCH);
    // Consecutive local paths share a job; a URL ends the run and gets a job of its own.
    const groups: { first: number; targets: string[] }[] = [];
    let open: { first: number; targets: string[] } | undefined;
    targets.forEach((t, i) => {
      if (batch > 1 && !URL_TARGET.test(t)) {
        if (!open || open.targets.length >= batch) groups.push((open = { first: i, targets: [] }));
        open.targets.push(t);
      } else {
        open = undefined;
        groups.push({ first: i, targets: [t] });
      }
    });
    const ADD = 1000;
    for (let i = 0; i < groups.length; i += ADD) {
      await queue.addBulk(
        groups.slice(i, i + ADD).map((g) => ({
          name: 'scan',
          data: {
            submission,
            first: g.first,
            targets: g.targets,
            ...labelsOf(o.labels, g.first, g.targets.length),
            ...(o.rules?.length ? { rules: o.rules } : {}),
            ...(o.policy ? { policy: o.policy } : {}),
          },
          opts: {
            // A job is named by its first target's result id (a one-target job's id is that target's).
            jobId: jobIds[g.first]!,
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

/** The labels of targets `first` … `first + n - 1`, when any is given. */
function labelsOf(
  labels: readonly (string | undefined)[] | undefined,
  first: number,
  n: number,
): { labels?: string[] } {
  const mine = Array.from({ length: n }, (_, k) => labels?.[first + k] ?? '');
  return mine.some((l) => l !== '') ? { labels: mine } : {};
}

/** A failed result for a target whose stored result cannot be read. */
function lostResult(jobId: string, why: string): ScanJobResult {
  const dot = jobId.lastIndexOf('.');
  return {
    jobId,
    submission: jobId.slice(0, dot),
    index: Number(jobId.slice(dot + 1)),
    target: '',
    status: 'failed',
    scanner: TOOL_VERSION,
    error: why,
    attempts: 0,
  };
}

/** The value of the field `name` of a stream entry read as buffers (`[name, value, name, value, …]`). */
function field(fields: readonly Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i]!.length === name.length && fields[i]!.toString('latin1') === name)
      return fields[i + 1]!.toString('utf8');
  }
  return undefined;
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
      const stored = await resultsAt(redis, n.stream, values);
      values.forEach((v, k) => {
        if (!v) return;
        const json = stored[k];
        // A result key whose entry is gone (trimmed by hand, or a stream deleted) cannot be waited for: a failed
        // result says so.
        const r: ScanJobResult =
          json !== undefined
            ? (JSON.parse(json) as ScanJobResult)
            : lostResult(ids[k]!, 'its result key names no entry of the results stream');
        got.set(ids[k]!, r);
      });
    }
    let from = last;
    while (got.size < want.size) {
      o.signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${want.size - got.size} of ${want.size} jobs`);
      // Read as buffers: ioredis turns every field of a string reply into a string, and only the job id of each
      // entry (and the result of a wanted one) is needed here. Measured (10,000 entries of ~0.9 KB): 4-15 us per
      // entry against 21-27 read as strings.
      const rows = (await redis.xreadBuffer(
        'COUNT',
        1000,
        'BLOCK',
        Math.min(left, 1000),
        'STREAMS',
        n.stream,
        from,
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      for (const [, entries] of rows ?? []) {
        for (const [, fields] of entries) {
          const job = field(fields, 'job');
          if (job === undefined || !want.has(job) || got.has(job)) continue;
          got.set(job, JSON.parse(field(fields, 'result') ?? '{}') as ScanJobResult);
        }
        const tail = entries[entries.length - 1];
        if (tail) from = tail[0].toString('latin1'); // stream ids are ASCII
      }
    }
    const results = jobIds.map((id) => got.get(id)!);
    await withRules(redis, n, results, new Map());
    return results;
  } finally {
    redis.disconnect();
  }
}

/** A submission id as submitJobs makes it. */
const SUBMISSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A submission that cannot be read back: not an id, unknown, or its results expired (a usage error). */
export class UnknownSubmission extends Error {}

/**
 * The results of a submission, in target order (`sentinel results SUBMISSION`): waits up to `timeoutMs` (0: not at
 * all; a result not written yet then rejects, saying how many are missing) for targets still being scanned.
 */
export async function readSubmission(
  cfg: QueueConfig,
  submission: string,
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ScanJobResult[]> {
  if (!SUBMISSION_ID.test(submission)) throw new UnknownSubmission(`${submission} is not a submission id`);
  const redis = await newRedis(cfg.redisUrl, false);
  let count: string | null;
  try {
    count = await redis.get(names(cfg).submission(submission));
  } finally {
    redis.disconnect();
  }
  const n = Number(count);
  if (count === null || !Number.isSafeInteger(n) || n < 1) {
    throw new UnknownSubmission(
      `no submission ${submission} on this queue (unknown, or its results expired ${RESULT_TTL_S / 86_400} days after it was submitted)`,
    );
  }
  const jobIds = Array.from({ length: n }, (_, i) => `${submission}.${i}`);
  return waitForResults(cfg, jobIds, { timeoutMs: o.timeoutMs ?? 0, ...(o.signal ? { signal: o.signal } : {}) });
}

/** One ended target, as `sentinel worker` logs it (one JSON line on stderr). */
export interface JobLog {
  /** When its result was written (ISO 8601, UTC). */
  readonly time: string;
  readonly event: 'job';
  /** The target's result id, `<submission>.<index>`. */
  readonly job: string;
  readonly submission: string;
  readonly target: string;
  readonly status: 'done' | 'failed';
  /** Findings by severity (done only). */
  readonly findings?: Readonly<Record<string, number>>;
  /** The result came from the content-hash cache. */
  readonly cached?: boolean;
  readonly attempts: number;
  /** From queueing to the result (ms). */
  readonly ms?: number;
  readonly error?: string;
}

/** The log line of an ended target. */
export function jobLogEntry(r: ScanJobResult): JobLog {
  const bySeverity: Record<string, number> = {};
  for (const f of r.facts?.result.findings ?? []) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  return {
    time: new Date(r.finishedAt ?? Date.now()).toISOString(),
    event: 'job',
    job: r.jobId,
    submission: r.submission,
    target: r.target,
    status: r.status,
    ...(r.facts ? { findings: bySeverity } : {}),
    ...(r.cached ? { cached: true } : {}),
    attempts: r.attempts,
    ...(r.queuedAt !== undefined && r.finishedAt !== undefined ? { ms: r.finishedAt - r.queuedAt } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
  };
}

export interface WorkerOptions {
  /** Real paths local targets must lie in (none: remote targets only). */
  readonly roots: readonly string[];
  readonly allowPrivateTargets?: boolean;
  /** Endpoints (`address:port`) the scans' connections may reach though they are not public (egress.ts). */
  readonly egressEndpoints?: readonly string[];
  /** Stops the start (the worker not ready yet, e.g. Redis unreachable): startWorker rejects, connections dropped. */
  readonly signal?: AbortSignal;
  /** Jobs run at once by this worker (default 4). */
  readonly concurrency?: number;
  /** A target scanning longer is aborted and fails this attempt (default 600 s). */
  readonly jobSeconds?: number;
  /** A worker that stops renewing a job's lock for this long loses it to another worker (default 30 s). */
  readonly lockMs?: number;
  /** POSTs each result (without facts) to this URL; failures are not retried (the stream has it). */
  readonly webhook?: string;
  /** Called for each target that ended (tests, logs). */
  readonly onResult?: (r: ScanJobResult) => void;
  /** Scans of made-up small pickles before the first job (default DEFAULT_WARM_UP_SCANS; 0: none). */
  readonly warmUpScans?: number;
  /** Called between a local file's digest and its scan by path (tests: a file rewritten in between). */
  readonly afterDigest?: (path: string) => void | Promise<void>;
}

/**
 * Scans run at start by default. Measured (10,000 ~1 KB pickles through 2 workers, load ~30): workers that had
 * scanned 5,000 other files first spent 215-230 us CPU per file between them, fresh ones 410-490 — V8 optimises the
 * scan code in each worker anew, and a fresh worker pays it, and the deoptimisations of code tuned on too few files,
 * within its first jobs. Sweep of the size (scripts/bench-warm-up.mjs: a worker's per-file path on 5,000 ~1 KB
 * pickles after the warm-up, three interleaved rounds, load 30-40): 0 / 200 / 500 / 2,000 scans cost 0 / 0.23-0.29 /
 * 0.43-0.57 / 1.13-1.57 s CPU to ready, then 595-768 / 524-682 / 381-565 / 278-330 us per file over the first 1,000
 * files and 211-268 / 236-297 / 172-237 / 149-182 over the next 4,000. 2,000 is the cheapest per file after ready,
 * over the first files and after them; its CPU beyond no warm-up was repaid after some 7,000-38,000 files per worker
 * (per round). A worker that lives for fewer files costs least with `--warm-up 0` (291-334 us per file over its
 * first 5,000, start-up included, against 401-521 with 2,000). Re-measured over 10,000 files (three rounds, load
 * 29-34): 1,000 / 2,000 / 3,000 scans cost 0.91-1.32 / 1.31-1.47 / 1.60-1.65 s CPU to ready, then 347-499 /
 * 251-309 / 172-275 us per file over the first 1,000 files and 134-215 / 124-138 / 122-164 over the next 9,000:
 * 1,000 does not reach 2,000's steady state, and 3,000 adds CPU to ready that 10,000 files do not repay (249-375 /
 * 267-295 / 290-341 us per file with the warm-up counted), so 2,000 stays.
 */
export const DEFAULT_WARM_UP_SCANS = 2000;

/** Small pickles of the shapes registries hold most (dicts of names to numbers, lists of floats, an allowed class). */
function warmUpPickles(): Buffer[] {
  const str = (t: string): Buffer =>
    Buffer.concat([Buffer.from([0x8c, t.length]), Buffer.from(t), Buffer.from([0x94])]);
  const int = (v: number): Buffer => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(v, 1);
    return b;
  };
  const float = (v: number): Buffer => {
    const b = Buffer.alloc(9);
    b[0] = 0x47; // BINFLOAT
    b.writeDoubleBE(v, 1);
    return b;
  };
  const out: Buffer[] = [];
  for (const n of [4, 16, 48, 96]) {
    const pairs = Array.from({ length: n }, (_, k) => Buffer.concat([str(`w${n}_${k}`), int(k * 7919 - n)]));
    // {name: int, ...} (protocol 4)
    out.push(Buffer.concat([Buffer.from([0x80, 0x04, 0x7d, 0x94, 0x28]), ...pairs, Buffer.from([0x75, 0x2e])]));
    // [float, ...] (protocol 2)
    const floats = Array.from({ length: n }, (_, k) => float(k / 3));
    out.push(Buffer.concat([Buffer.from([0x80, 0x02, 0x5d, 0x71, 0x00, 0x28]), ...floats, Buffer.from([0x65, 0x2e])]));
    // collections.OrderedDict of names to ints (protocol 4: STACK_GLOBAL, REDUCE, SETITEMS)
    out.push(
      Buffer.concat([
        Buffer.from([0x80, 0x04]),
        str('collections'),
        str('OrderedDict'),
        Buffer.from([0x93, 0x94, 0x29, 0x52, 0x94, 0x28]),
        ...pairs,
        Buffer.from([0x75, 0x2e]),
      ]),
    );
  }
  return out;
}

/**
 * Scans made-up small pickles the way a job's targets are scanned (written to a temporary folder, read whole,
 * hashed, scanned, their facts serialised), so that a worker's first jobs run code V8 has optimised. Results are
 * dropped; a worker that cannot warm up (no writable temporary folder) starts without it. Exported for
 * scripts/bench-warm-up.mjs.
 */
export async function warmUp(scans: number): Promise<void> {
  if (scans <= 0) return;
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-warm-up-'));
    const folder = dir;
    const paths = warmUpPickles().map((bytes, i) => {
      const p = join(folder, `w${i}.pkl`);
      writeFileSync(p, bytes);
      return p;
    });
    const scan = await factsScanner({});
    const signatureLookups: SignatureLookups = new Map();
    for (let i = 0; i < scans; i++) {
      const read = readSmall(paths[i % paths.length]!);
      if (!read) continue;
      const sha256 = digestBytes(read.bytes);
      const facts = await scan.file(read, { sha256, signatureLookups });
      JSON.stringify({ key: factsKey(TOOL_VERSION, '', sha256, read.path), facts });
    }
  } catch {
    // Only slower first jobs.
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** What identifies a file's content without reading it: device, inode, size, modification and change times. */
function identityOf(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/**
 * Hashes a regular file in chunks, without holding the event loop: `signal` (the job's time budget, the worker's
 * stop) ends it between chunks. Its identity (`identityOf`) is taken before the first byte is read; the scan of the
 * path must find the same identity after it, else the digest may name other bytes than those analysed. A sparse
 * file is not hashed (`sha` undefined): its scan reports it without reading the holes.
 */
async function digestTarget(
  path: string,
  within: Confinement | undefined,
  signal: AbortSignal,
): Promise<{ sha?: string; identity: string } | undefined> {
  const fd = openConfined(path, within);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const identity = identityOf(st);
    if (sparseHoles(st) !== undefined) return { identity };
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, Math.max(1, st.size)));
    for (;;) {
      signal.throwIfAborted();
      const got = await new Promise<number>((done, fail) =>
        read(fd, buf, 0, buf.length, null, (e, n) => (e ? fail(e) : done(n))),
      );
      if (got <= 0) break;
      h.update(buf.subarray(0, got));
    }
    return { sha: h.digest('hex'), identity };
  } finally {
    closeSync(fd);
  }
}

/** Why the file at `path` is not the one whose identity was taken before its digest, or undefined. */
function changedSince(path: string, identity: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return NO_LONGER_NAMES;
  }
  const now = identityOf(st);
  if (now === identity) return undefined;
  // The path naming another file and naming nothing get one reason: which of them happens can depend on a path
  // outside the roots (a folder on the way replaced by a link out), and must change no answer.
  const file = (id: string): string => id.split(':', 2).join(':');
  return file(now) === file(identity) ? 'it was modified between its digest and the end of its scan' : NO_LONGER_NAMES;
}

const NO_LONGER_NAMES = 'the path no longer names the file scanned';

/** The facts of a scan of `path` with a SCAN-INCOMPLETE finding saying the file changed (`why`). */
function withChange(facts: ScanFacts, path: string, why: string): ScanFacts {
  const ctx = new RuleContext({ arg: path, abs: resolve(path), isDirectory: false }, basename(path));
  scanIncomplete.visit.incomplete!(
    { location: { chain: [path] }, kind: 'io', reason: `not scanned as it is now: ${why}` },
    ctx,
  );
  return { ...facts, result: { ...facts.result, findings: [...facts.result.findings, ...ctx.findings] } };
}

/** A cached result with single-file facts (undefined for anything else: the target is scanned). */
function cachedResult(stored: string): ScanJobResult | undefined {
  try {
    const r = JSON.parse(stored) as ScanJobResult;
    const f = r.facts;
    return f && Array.isArray(f.targets) && f.targets.length === 1 && Array.isArray(f.result?.findings) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** A local target read whole for its hash and its scan (one open and one read), or undefined: scanned as a path. */
function readSmall(path: string, within?: Confinement): WholeFile | undefined {
  try {
    return readWholeFile(path, BATCH_FILE_BYTES, within);
  } catch {
    return undefined; // not a regular file, or unreadable: the scan of the path reports what it is
  }
}

/** The job id of a batched target moved to a job of its own (`<result id>.own`). */
function ownJobId(resultId: string): string {
  return `${resultId}.own`;
}

/**
 * A running worker; `close` finishes jobs in flight (up to `graceMs`, then returns them to the queue). It answers
 * true when everything closed within the grace, false when the grace ran out (Redis gone or not answering, or jobs
 * still running): the connections are then dropped, but the queue library may keep a timer of its own alive, so a
 * process that must end ends itself.
 */
export interface ScanWorker {
  readonly worker: BullWorker<ScanJobData>;
  close(graceMs?: number): Promise<boolean>;
}

/** One target's outcome within a job, before it is written. */
interface Outcome {
  readonly result: ScanJobResult;
  /** Keep the result (its facts) under this cache key too. */
  readonly cache?: { readonly key: string };
}

export async function startWorker(cfg: QueueConfig, o: WorkerOptions): Promise<ScanWorker> {
  const n = names(cfg);
  /** Aborted when a stop's grace runs out: a digest in progress ends at its next chunk. */
  const stop = new AbortController();
  // This process hashes every target with node:crypto before its scan: the scan's own digests use it too.
  useNodeCryptoForSmallDigests();
  await warmUp(o.warmUpScans ?? DEFAULT_WARM_UP_SCANS);
  const egress = withEndpoints(o.allowPrivateTargets ? ANY_ADDRESS : PUBLIC_ONLY, o.egressEndpoints);
  // Folders, large files and URLs are scanned on worker threads (the service's, scan-threads.ts), one per job at
  // most, started when needed: a long analysis (a project of thousands of modules) then never holds this event
  // loop, and the time budget or the stop ends it — a thread that does not stop its scan within a second of the
  // abort is stopped. Small files read whole are scanned here (their scans are short and cost less without a
  // thread's round trip).
  const threads = new ScanThreads(o.concurrency ?? 4, { roots: o.roots, egress }, true);
  const connection = await newRedis(cfg.redisUrl, true);
  const store = await newRedis(cfg.redisUrl, true);
  store.defineCommand('sentinelPutResults', { lua: PUT_RESULTS });
  const dead = new Queue(n.dead, { connection: store });
  /** The scan queue itself, for batched targets moved to jobs of their own. */
  const own = new Queue<ScanJobData>(n.queue, { connection: store });
  /** Rule lists met, by id (stored results name them), and the ids of lists by their joined ids. */
  const ruleLists = new Map<string, readonly string[]>();
  const listIds = new Map<string, { id: string; json: string }>();
  /** Writes the outcomes in one round trip; returns those written now (not already there). */
  const put = async (outs: readonly Outcome[]): Promise<ScanJobResult[]> => {
    if (!outs.length) return [];
    const now = Date.now();
    const rs = outs.map((x) => ({ ...x.result, finishedAt: now }));
    // The results of one job share their settings, hence their list of rules: kept once, named in each result.
    let list: { id: string; json: string } | undefined;
    const stored = rs.map((r) => {
      const rules = r.facts?.result.rules;
      if (!rules) return JSON.stringify(r);
      const joined = rules.join(',');
      let l = listIds.get(joined);
      if (!l) {
        const json = JSON.stringify(rules);
        l = { id: ruleListId(json), json };
        listIds.set(joined, l);
        ruleLists.set(l.id, rules);
      }
      // Another list in the same job (not expected) stays inline.
      if (list && list.id !== l.id) return JSON.stringify(r);
      list = l;
      // The list is left out of the JSON by setting it undefined for the (synchronous) call and back right after,
      // before any other code runs: cheaper than copying the result, its facts and their result without it.
      const result = r.facts!.result as { rules: readonly string[] | undefined };
      result.rules = undefined;
      try {
        return JSON.stringify({ ...r, ruleList: l.id });
      } finally {
        result.rules = rules;
      }
    });
    const keys = [
      n.stream,
      list ? n.rules(list.id) : n.stream,
      ...outs.flatMap((x, i) => [n.result(rs[i]!.jobId), x.cache ? n.facts(x.cache.key) : n.stream]),
    ];
    const args = outs.flatMap((x, i) => [rs[i]!.jobId, rs[i]!.submission, stored[i]!, x.cache ? '1' : '']);
    const written = await (
      store as unknown as { sentinelPutResults: (nkeys: number, ...a: (string | number)[]) => Promise<number[]> }
    ).sentinelPutResults(keys.length, ...keys, RESULT_TTL_S, list?.json ?? '', ...args);
    return rs.filter((_, i) => written[i] === 1);
  };
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
  const finish = async (outs: readonly Outcome[]): Promise<void> => {
    for (const r of await put(outs)) {
      o.onResult?.(r);
      await webhook(r);
    }
  };

  const base = (job: BullJob<ScanJobData>, k: number) => {
    const d = job.data;
    return {
      jobId: `${d.submission}.${d.first + k}`,
      submission: d.submission,
      index: d.first + k,
      target: d.targets[k]!,
      ...(d.labels?.[k] ? { label: d.labels[k] } : {}),
      scanner: TOOL_VERSION,
      // Started attempts count a run lost with its worker (stalled), which attemptsMade does not.
      attempts: Math.max(job.attemptsStarted, job.attemptsMade + 1),
      queuedAt: d.queuedAt ?? job.timestamp,
    };
  };

  const processJob = async (job: BullJob<ScanJobData>): Promise<void> => {
    const d = job.data;
    // A rerun (retry, or a job whose worker died) scans only the targets that have no result yet.
    let todo = d.targets.map((_, k) => k);
    if (job.attemptsStarted > 1 || job.attemptsMade > 0) {
      const have = await store.mget(...todo.map((k) => n.result(`${d.submission}.${d.first + k}`)));
      todo = todo.filter((_, i) => have[i] === null);
    }
    const outs: Outcome[] = [];
    const within: Confinement = [realRoots(o.roots)];
    const failed: { k: number; error: Error }[] = [];
    const settings = createHash('sha256')
      .update(JSON.stringify([d.rules ?? [], d.policy?.text ?? '']))
      .digest('hex')
      .slice(0, 16);
    // A remote target's requests end a tenth before the job's time budget, so that its result still says which
    // files were not read (SCAN-INCOMPLETE) rather than only that the budget ran out.
    const remoteTotalMs = Math.max(1, Math.floor((o.jobSeconds ?? 600) * 900));
    let policy: Awaited<ReturnType<typeof loadPolicy>> | undefined;
    let scan: Awaited<ReturnType<typeof factsScanner>> | undefined;
    let setupError: Error | undefined;
    try {
      policy = d.policy ? await loadPolicy(d.policy) : undefined;
      // Options checked and resolved once for the job's targets.
      scan = await factsScanner({
        roots: o.roots,
        ...(policy ? { policy } : {}),
        ...(d.rules?.length ? { rules: d.rules } : {}),
        remote: { egress, totalTimeoutMs: remoteTotalMs },
      });
    } catch (e) {
      setupError = e as Error;
    }
    // The cache answers single files when the policy verifies no signatures (a verdict depends on the folder).
    const cacheable = policy?.signatures === undefined;
    // Folders' real paths and their signature files, looked up once for the job's targets (most share a folder).
    const realFolders = new Map<string, string>();
    const signatureLookups: SignatureLookups = new Map();
    // Targets checked against the roots, read (small files: one read for the hash and the scan) and hashed, then
    // looked up in the cache in one round trip.
    const planned: { k: number; path: string; read?: WholeFile; sha?: string; key?: string; identity?: string }[] = [];
    const budgetMs = (o.jobSeconds ?? 600) * 1000;
    const overBudget = (): Error => new Error(`the scan ran past its time budget of ${budgetMs / 1000} s`);
    /** Batched targets that are no small regular file: each goes to a job of its own. */
    const moved: number[] = [];
    for (const k of todo) {
      const b = base(job, k);
      let target: string;
      try {
        target = await guardTarget(b.target, {
          roots: o.roots,
          allowPrivate: o.allowPrivateTargets ?? false,
          realFolders,
        });
      } catch (e) {
        if (!(e instanceof TargetRefused)) throw e;
        // A refused target fails the same way every time: the result says so at once, no retries.
        outs.push({ result: { ...b, status: 'failed', error: e.message } });
        continue;
      }
      const path = isAbsolute(b.target) ? b.target : target;
      let read: WholeFile | undefined;
      let sha: string | undefined;
      let identity: string | undefined;
      if (!/^[a-z]+:\/\//i.test(target)) {
        // Opened inside the roots, checked on the opened descriptor (sources/confine.ts): a folder replaced by a link
        // since the guard looked is refused here, and again by the scan of the path.
        read = readSmall(path, within);
        if (!read && d.targets.length > 1) {
          moved.push(k);
          continue;
        }
        // Bytes that changed while they were read are scanned (and reported so), not looked up.
        if (read) sha = read.changed === undefined ? digestBytes(read.bytes) : undefined;
        else {
          // A large file is hashed within the target's time budget and the worker's stop.
          const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(budgetMs)]);
          try {
            const d = await digestTarget(target, within, signal);
            sha = d?.sha;
            identity = d?.identity;
          } catch {
            if (signal.aborted) {
              failed.push({ k, error: stop.signal.aborted ? new Error('the worker stopped') : overBudget() });
              continue;
            }
            sha = undefined;
          }
          if (sha !== undefined) await o.afterDigest?.(path);
        }
      }
      planned.push({
        k,
        path,
        ...(identity !== undefined ? { identity } : {}),
        ...(read ? { read } : {}),
        ...(sha ? { sha, key: factsKey(TOOL_VERSION, settings, sha, path) } : {}),
      });
    }
    // Added before this job's scans, so that other workers take them up meanwhile; this job ends only once they
    // are queued (a failed add fails the attempt, and the rerun moves them again).
    if (moved.length) await moveOut(job, moved);
    const hit = cacheable ? await cacheHits(planned, signatureLookups) : new Map<number, ScanFacts>();
    // The time budget of the target being scanned: one controller and one timer for the job, the timer re-armed
    // for what is left of the current target's budget when it fires early (a timer and a signal per target cost
    // more than the scan of a small file's share of them).
    let budget = new AbortController();
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    const watch = (): void => {
      const left = started + budgetMs - Date.now();
      if (left > 0) {
        timer = setTimeout(watch, left);
        return;
      }
      timer = undefined;
      budget.abort(overBudget());
    };
    try {
      for (const p of planned) {
        const b = base(job, p.k);
        const cachedFacts = hit.get(p.k);
        if (cachedFacts) {
          const facts = retargetFacts(cachedFacts, p.path, isoUtc(new Date()));
          outs.push({ result: { ...b, status: 'done', sha256: p.sha!, cached: true, facts } });
          continue;
        }
        if (budget.signal.aborted) budget = new AbortController();
        started = Date.now();
        timer ??= setTimeout(watch, budgetMs);
        try {
          if (setupError || !scan) throw setupError;
          const signal = budget.signal;
          let facts = p.read
            ? await scan.file(p.read, { signal, signatureLookups, ...(p.sha ? { sha256: p.sha } : {}) })
            : threads.available
              ? await threads.facts(
                  p.path,
                  {
                    ...(policy ? { policy } : {}),
                    ...(d.rules?.length ? { rules: d.rules } : {}),
                    remoteTotalMs,
                  },
                  AbortSignal.any([signal, stop.signal]),
                )
              : await scan(p.path, { signal });
          // A file hashed before its scan by path must still be the file hashed (same inode, size, modification
          // and change times: the change time cannot be set back): else the digest may name bytes the scan did
          // not analyse, and the result says the file changed and is not stored.
          const change = p.identity !== undefined ? changedSince(p.path, p.identity) : undefined;
          if (change !== undefined) facts = withChange(facts, p.path, change);
          const keep = change === undefined && cacheable && p.key !== undefined && storable(facts, p.path, p.sha!);
          outs.push({
            result: { ...b, status: 'done', ...(p.sha ? { sha256: p.sha } : {}), facts },
            ...(keep ? { cache: { key: p.key! } } : {}),
          });
        } catch (e) {
          failed.push({ k: p.k, error: e as Error });
        }
      }
    } finally {
      clearTimeout(timer);
    }
    // Stopped at the end of the grace: the connections are being dropped, so the job is neither finished nor failed
    // here (the queue library would retry those writes on a closed connection without end); it goes back to the
    // queue when its lock runs out, and its rerun scans the targets that have no result.
    if (stop.signal.aborted) return new Promise<never>(() => undefined);
    await finish(outs);
    if (!failed.length) return;
    // Earlier attempts throw, and BullMQ retries the job after the backoff (the targets done now are not scanned
    // again); the last attempt leaves failed results and dead letters while it still holds the job's lock.
    if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
      throw new Error(failed.map((f) => `${d.targets[f.k]}: ${f.error.message}`).join('; '));
    }
    await deadLetter(
      job,
      failed.map((f) => [f.k, `failed ${job.attemptsMade + 1} times: ${f.error.message}`]),
    );
  };

  /**
   * Facts the cache holds for the planned targets, by target: a cache key holds the stream entry id of the result
   * of an earlier scan of the same content under the same name and settings, whose facts are reused unless a
   * signature file lies beside the new path.
   */
  const cacheHits = async (
    planned: readonly { k: number; path: string; sha?: string; key?: string }[],
    seen: SignatureLookups,
  ) => {
    const out = new Map<number, ScanFacts>();
    const lookups = planned.filter((p) => p.key);
    if (!lookups.length) return out;
    const pointers = await store.mget(...lookups.map((p) => n.facts(p.key!)));
    const found = lookups.flatMap((p, i) => {
      const id = pointers[i];
      return id && ENTRY_ID.test(id) && reusableAt(p.path, seen) ? [{ p, id }] : [];
    });
    if (!found.length) return out;
    const values = await resultsAt(
      store,
      n.stream,
      found.map((f) => f.id),
    );
    const hits: { k: number; r: ScanJobResult }[] = [];
    values.forEach((v, i) => {
      const r = v ? cachedResult(v) : undefined;
      if (r && r.sha256 === found[i]!.p.sha) hits.push({ k: found[i]!.p.k, r });
    });
    const results = hits.map((h) => h.r);
    try {
      await withRules(store, n, results, ruleLists);
    } catch {
      return out; // a result whose rule list is gone is not reused: the targets are scanned
    }
    hits.forEach((h, i) => out.set(h.k, results[i]!.facts!));
    return out;
  };

  /**
   * Adds targets `k` of a batch job as jobs of their own, with the batch's attempts, backoff and settings, named
   * `<result id>.own` (a batch job is named by its first target's result id). Adding a job that is still there is
   * a no-op, so a rerun of the batch does not queue a target twice; one whose job ended has a result and is not
   * moved again.
   */
  const moveOut = async (job: BullJob<ScanJobData>, ks: readonly number[]): Promise<void> => {
    const d = job.data;
    const { attempts, backoff, removeOnComplete, removeOnFail } = job.opts;
    await own.addBulk(
      ks.map((k) => ({
        name: 'scan',
        data: {
          submission: d.submission,
          first: d.first + k,
          targets: [d.targets[k]!],
          ...(d.labels?.[k] ? { labels: [d.labels[k]] } : {}),
          ...(d.rules ? { rules: d.rules } : {}),
          ...(d.policy ? { policy: d.policy } : {}),
          queuedAt: d.queuedAt ?? job.timestamp,
        },
        opts: {
          jobId: ownJobId(`${d.submission}.${d.first + k}`),
          ...(attempts !== undefined ? { attempts } : {}),
          ...(backoff !== undefined ? { backoff } : {}),
          ...(removeOnComplete !== undefined ? { removeOnComplete } : {}),
          ...(removeOnFail !== undefined ? { removeOnFail } : {}),
        },
      })),
    );
  };

  /** Dead letters and failed results for targets `k` of the job (reasons beside them). */
  const deadLetter = async (job: BullJob<ScanJobData>, which: readonly [number, string][]): Promise<void> => {
    const d = job.data;
    await dead.addBulk(
      which.map(([k, error]) => ({
        name: 'dead',
        data: { submission: d.submission, index: d.first + k, target: d.targets[k]!, error },
        opts: { jobId: `${d.submission}.${d.first + k}`, removeOnComplete: true },
      })),
    );
    await finish(
      which.map(([k, error]) => ({
        result: { ...base(job, k), status: 'failed', error, attempts: job.attemptsMade + 1 },
      })),
    );
  };

  const worker = new Worker<ScanJobData>(n.queue, processJob, {
    connection,
    concurrency: o.concurrency ?? 4,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: Math.max(500, Math.floor((o.lockMs ?? 30_000) / 2)),
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('error', () => undefined);
  const disconnect = (): void => {
    connection.disconnect();
    store.disconnect();
    // The worker's own connection (BullMQ duplicates it for blocking reads).
    void worker.disconnect().catch(() => undefined);
  };
  // Stopped before it is ready (Redis unreachable: ready never comes): the connections are dropped at once.
  if (o.signal) {
    const signal = o.signal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('the worker was stopped'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([worker.waitUntilReady(), aborted]);
    } catch (e) {
      disconnect();
      void worker.close(true).catch(() => undefined);
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  } else await worker.waitUntilReady();
  // Listened for once the worker is ready: BullMQ's event reader duplicates its connection and, until that
  // connection is ready, cannot close it (a worker stopped while Redis is unreachable would keep reconnecting).
  // Jobs that fail outside the processor (stalled more often than allowed: a worker that keeps dying on them)
  // get their dead letters here, for the targets without a result; whichever worker sees the event first writes
  // them, the others add nothing.
  const eventsConnection = await newRedis(cfg.redisUrl, true);
  const events = new QueueEvents(n.queue, { connection: eventsConnection });
  events.on('failed', ({ jobId, failedReason }) => {
    void (async () => {
      const job = await Job.fromId<ScanJobData>(worker, jobId);
      if (!job || !job.finishedOn) return;
      const d = job.data;
      const have = await store.mget(...d.targets.map((_, k) => n.result(`${d.submission}.${d.first + k}`)));
      let open = d.targets.map((_, k) => k).filter((k) => have[k] === null);
      // A target moved to a job of its own gets its result or dead letter from that job.
      if (d.targets.length > 1 && open.length) {
        const mine = await Promise.all(open.map((k) => own.getJob(ownJobId(`${d.submission}.${d.first + k}`))));
        open = open.filter((_, i) => !mine[i]);
      }
      if (open.length)
        await deadLetter(
          job,
          open.map((k) => [k, failedReason]),
        );
    })().catch(() => undefined);
  });
  const disconnectAll = (): void => {
    disconnect();
    eventsConnection.disconnect();
    void events.disconnect().catch(() => undefined);
  };
  return {
    worker,
    async close(graceMs = 30_000) {
      const step = (what: string): void => {
        if (process.env['SENTINEL_DEBUG_CLOSE']) process.stderr.write(`close: ${what}\n`);
      };
      // The whole close is bounded by the grace: with Redis gone or silent, the closes below wait on commands that
      // never complete (the queue library's close, once started, ignores a later forced close), so when the grace
      // runs out the connections are dropped and the close answers false. The queue library may then still hold a
      // timer of its own (its lock renewal): the caller ends the process.
      let hard: NodeJS.Timeout | undefined;
      const bound = new Promise<false>(
        (r) =>
          (hard = setTimeout(() => {
            stop.abort(new Error('the worker stopped'));
            r(false);
          }, graceMs)),
      );
      const closing = (async () => {
        step('worker');
        await worker.close();
        step('events');
        await events.close();
        step('dead');
        await dead.close();
        await own.close();
        return true as const;
      })();
      closing.catch(() => undefined);
      const clean = await Promise.race([closing.catch(() => false as const), bound]);
      clearTimeout(hard);
      step(clean ? 'disconnect' : 'disconnect (grace over)');
      disconnectAll();
      if (!clean) void worker.close(true).catch(() => undefined);
      await threads.close();
      return clean;
    },
  };
}
