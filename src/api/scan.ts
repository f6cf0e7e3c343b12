// scan(): files, directories, bytes and streams → the gated report (the object the JSON reporter writes; schema
// schemas/report.schema.json). The one path from inputs to report: the CLI's `artifact` command calls it too.
// Never prints, never exits; invalid options throw SentinelError; an aborted signal rejects with its reason.
import { availableParallelism } from 'node:os';
import type { Limits } from '../core/limits.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import {
  isSafetyLevel,
  isSeverity,
  SAFETY_LEVELS,
  SEVERITIES,
  type SafetyLevel,
  type Severity,
} from '../core/severity.js';
import type { Baseline } from '../policy/baseline.js';
import { applyPolicy } from '../policy/gate.js';
import { DEFAULT_POLICY, withCliOverrides, type Policy } from '../policy/policy.js';
import { isPresetName, PRESET_NAMES, type PresetName } from '../policy/presets.js';
import { assembleReport, type SentinelReport } from '../report/report-model.js';
import { CATEGORIES, RULES } from '../rules/index.js';
import { retestAs, type ScanCommandWord } from '../rules/rule.js';
import {
  FileScanner,
  HEAD_BYTES,
  scanBytes,
  scanPaths,
  scanReadFile,
  scanSetupOf,
  TIME_LIMIT,
  WHOLE_FILE_BYTES,
  type EngineOptions,
  type ScanResult,
  type ScanStop,
} from '../scan/engine.js';
import { readBounded } from '../sources/stream-source.js';
import type { WholeFile } from '../sources/byte-source.js';
import { SentinelError } from './errors.js';
import { isoUtc } from '../core/iso-time.js';
import { innermostName } from '../core/location.js';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import type { EgressPolicy } from '../sources/remote/egress.js';
import { DEFAULT_REMOTE_OPTIONS, type RemoteCost, type RemoteOptions } from '../sources/remote/remote-file.js';
import {
  isRemoteArg,
  RemoteTargetError,
  type RemotePlan,
  type ResolveContext,
} from '../sources/remote/resolve-target.js';
import { resolveSignatureSetup, type SignatureScanOptions } from './signature-options.js';
import { peekShardPlan, runSignaturePhase, signatureWanted, type SignatureLookups } from '../scan/signature-phase.js';
import { DigestBoard } from '../scan/digest-board.js';
import type { ContentDigest } from '../scan/file-outcome.js';
import { selectRules } from '../scan/engine.js';
import type { ResultCache } from '../scan/result-cache.js';

/** Bytes to scan as if they were a file named `name` (a registry upload, an object-store blob). */
export interface VirtualBytes {
  /** Shown in locations and used for extension checks (`upload/model.pt`); nothing is read from disk. */
  readonly name: string;
  /** The content. */
  readonly bytes: Uint8Array;
}

/** A stream to scan as if it were a file named `name`; read into memory up to the `maxEntryBytes` limit. */
export interface VirtualStream {
  /** Shown in locations and used for extension checks; nothing is read from disk. */
  readonly name: string;
  /**
   * A Node `Readable`, a web `ReadableStream` or any async iterable of `Uint8Array` chunks. A stream longer than
   * `maxEntryBytes`, or still open after `maxFileSeconds`, is scanned as far as it was read and reported
   * SCAN-INCOMPLETE (never a pass).
   */
  readonly stream: AsyncIterable<Uint8Array>;
}

/** One thing to scan: a path (file or directory, walked) or content with a virtual name. */
export type ScanInput = string | VirtualBytes | VirtualStream;

/** Options of `scan`; every one is optional. */
export interface ScanOptions {
  /** The release-gate policy (from `loadPolicy`). Default: the built-in policy; no file is read implicitly. */
  readonly policy?: Policy;
  /** Rule IDs or categories to run (`PICKLE`, `TORCH-LOAD-UNTRUSTED`); coverage rules always run. Default: all. */
  readonly rules?: readonly string[];
  /**
   * The command word the scan was run with on the command line (`scan`, or its alias `artifact`): each finding's
   * retest command repeats it. Default `scan`.
   */
  readonly command?: ScanCommandWord;
  /** Pickle threshold preset; beats the policy. */
  readonly preset?: PresetName;
  /** Highest pickle safety level accepted; beats the preset and the policy. */
  readonly maxAcceptableSeverity?: SafetyLevel;
  /** Severities that fail the gate at every policy level (replaces `fail_on`). */
  readonly failOn?: readonly Severity[];
  /**
   * A previous JSON report (its text, or the parsed object): only findings whose fingerprint is new fail the gate,
   * and baseline findings that are gone are listed in `closed`.
   */
  readonly baseline?: string | object;
  /** Name of the baseline in messages and in `summary.gate.baseline.source`. Default `baseline`. */
  readonly baselineSource?: string;
  /** Budgets (bytes, depth, time, VM limits); beat the policy's `limits`. */
  readonly limits?: Partial<Limits>;
  /** Aborts the scan between files and container entries; `scan` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Time limit of the whole scan in seconds, from its start (default: none; each file still has `maxFileSeconds`).
   * When it runs out the scan ends normally: a file not reached is not read, a file being read stops at its next
   * time check, remote reads end at it, and each such file is SCAN-INCOMPLETE (limit `timeLimitSeconds`), decided
   * by the policy as any SCAN-INCOMPLETE is. 0 reads nothing. The DESER project phase after the per-file scans
   * checks it between units of work and stops once it has passed: each Python module it had not decided is then
   * SCAN-INCOMPLETE (limit `timeLimitSeconds`). Report building, the model-folder check (no reads) and signature
   * verification (beside the per-file scans, within its own budgets) are not bounded by it.
   */
  readonly timeLimitSeconds?: number;
  /** Clock for `startedAt` and acceptance expiry. Default: now. */
  readonly now?: Date;
  /** Directory relative paths and acceptance globs are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Called after each top-level file with the count so far and its path (progress display). */
  readonly onFile?: (done: number, path: string) => void;
  /**
   * Files scanned at once on worker threads (default 1: all on the calling thread). The report does not depend on
   * it. With workers, an abort stops them and rejects; a file already running on a worker is not waited for.
   * `'auto'`: as many as the machine's available parallelism, with workers started only where they pay on this
   * machine (see docs/benchmarks.md, "Worker threads"); a number is obeyed as asked.
   */
  readonly jobs?: number | 'auto';
  /**
   * Model-cache roots (a Hugging Face cache: `HF_HOME`, `HF_HUB_CACHE`): symlinks under a scanned path inside one
   * are followed within it, as the cache's snapshots link to its blobs. Default: none.
   */
  readonly cacheRoots?: readonly string[];
  /**
   * Folders every local file the scan opens must lie in (a service's `--root`s): each open is checked on the opened
   * descriptor, so a folder replaced by a link after a path was checked cannot lead the scan out. A file outside is
   * reported (SCAN-INCOMPLETE), never read. Default: none beyond each walked folder.
   */
  readonly roots?: readonly string[];
  /**
   * Globs of paths a directory walk leaves out (relative to the walked folder; a glob without `/` matches a name at
   * any depth), added to the policy's `exclude:`. Left-out entries are listed in `report.skipped`.
   */
  readonly exclude?: readonly string[];
  /** Leave out what the enclosing git checkout's .gitignore files ignore. Default false. */
  readonly respectGitignore?: boolean;
  /**
   * Leave out version-control stores (.git, .hg, .svn), virtual environments (pyvenv.cfg, conda-meta) and tool
   * caches (__pycache__, .tox, .mypy_cache, .pytest_cache, node_modules, ...) inside walked folders. Default true.
   */
  readonly defaultSkips?: boolean;
  /** How `https://`, `http://` and `hf://` inputs are read (range requests; bounded). */
  readonly remote?: RemoteScanOptions;
  /**
   * Model signatures (OpenSSF Model Signing): requirement, signature file and trust anchors. A signature file present
   * at a scanned path is verified and reported even without options; these add the requirement and whom to trust.
   */
  readonly signatures?: SignatureScanOptions;
  /**
   * Record each file's SHA-256 in `files[].sha256` (default true): the verdict is tied to the exact bytes. `false`
   * skips the extra read of large files (a header-only scan of a multi-gigabyte model then reads kilobytes).
   */
  readonly sha256?: boolean;
}

/** Options of remote inputs; every one is optional. */
export interface RemoteScanOptions {
  /** Plain `http://` beyond loopback hosts (default false). */
  readonly allowHttp?: boolean;
  /**
   * What outbound connections may reach: every redirect hop, token realm, retry and the address each connection
   * actually reaches is checked. Default: public addresses and the address classes of each target's own host (a
   * target on loopback may be redirected to loopback, a public one only to public addresses).
   */
  readonly egress?: EgressPolicy;
  /** Bytes fetched per file at most (default 256 MiB); more is SCAN-INCOMPLETE. */
  readonly maxBytesPerFile?: number;
  /** Retries of one request after 429, 5xx or a dropped connection (default 4). */
  readonly retries?: number;
  /** Bound of one request in milliseconds, retries included (default 60,000). */
  readonly requestTimeoutMs?: number;
  /**
   * Bound of all the scan's remote requests together, in milliseconds from the scan's start (default 1,800,000: 30
   * minutes): listings, probes, reads and their retries. A file not read by then is SCAN-INCOMPLETE, never clean.
   * 0: no total (each request keeps its own bound).
   */
  readonly totalTimeoutMs?: number;
  /** When (epoch ms) every remote request of the scan has ended at the latest, whatever `totalTimeoutMs` leaves. */
  readonly deadline?: number;
  /** Where credentials are looked up (`HF_TOKEN`, `HF_HOME`, `HF_ENDPOINT`, `DOCKER_CONFIG`). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Folder of the content-addressed result cache: files whose listing publishes a content hash (the Hub's sha256,
   * an OCI digest) and were scanned completely before, by this scanner version with the same rules and limits, are
   * not read again; the policy is applied afresh. Default: no cache.
   */
  readonly cacheDir?: string;
}

/** Upper-cases and checks rule IDs and categories against the registry. */
export function checkRules(sel: readonly string[]): string[] {
  const known = new Set<string>([...RULES.map((r) => r.meta.id), ...CATEGORIES]);
  for (const s of sel) {
    if (!known.has(s.toUpperCase())) {
      throw new SentinelError('usage', `unknown rule or category "${s}" (known: ${[...known].sort().join(', ')})`);
    }
  }
  return sel.map((s) => s.toUpperCase());
}

function checkOptions(o: ScanOptions): void {
  if (o.preset !== undefined && !isPresetName(o.preset)) {
    throw new SentinelError('usage', `unknown preset "${String(o.preset)}" (expected ${PRESET_NAMES.join(', ')})`);
  }
  if (o.maxAcceptableSeverity !== undefined && !isSafetyLevel(o.maxAcceptableSeverity)) {
    throw new SentinelError(
      'usage',
      `unknown safety level "${String(o.maxAcceptableSeverity)}" (expected ${SAFETY_LEVELS.join(', ')})`,
    );
  }
  if (o.timeLimitSeconds !== undefined && !(Number.isFinite(o.timeLimitSeconds) && o.timeLimitSeconds >= 0)) {
    throw new SentinelError('usage', `timeLimitSeconds must be a number >= 0, got ${String(o.timeLimitSeconds)}`);
  }
  if (o.jobs !== undefined && o.jobs !== 'auto' && !(Number.isInteger(o.jobs) && o.jobs >= 1)) {
    throw new SentinelError('usage', `jobs must be a whole number from 1 or 'auto', got ${String(o.jobs)}`);
  }
  for (const s of o.failOn ?? []) {
    if (!isSeverity(s))
      throw new SentinelError('usage', `unknown severity "${String(s)}" (expected ${SEVERITIES.join(', ')})`);
  }
}

async function parseBaselineOption(o: ScanOptions): Promise<Baseline | undefined> {
  if (o.baseline === undefined) return undefined;
  const { parseBaseline } = await import('../policy/baseline.js');
  const text = typeof o.baseline === 'string' ? o.baseline : JSON.stringify(o.baseline);
  const r = parseBaseline(text, o.baselineSource ?? 'baseline');
  if (!r.ok) throw new SentinelError('baseline', r.message);
  return r.baseline;
}

/** Why an input was not read: the scan's time limit ran out before it. */
function notReached(stop: ScanStop): string {
  return `not read: the scan's time limit of ${stop.seconds} s ran out before this input was reached`;
}

function isStream(x: VirtualBytes | VirtualStream): x is VirtualStream {
  return 'stream' in x;
}

/** Worker threads a scan may use: `'auto'` is the machine's available parallelism. */
function jobCount(jobs: number | 'auto' | undefined): number {
  return jobs === 'auto' ? availableParallelism() : (jobs ?? 1);
}

/** Scans the inputs in order and concatenates their results (each input is one or more top-level files). */
async function scanInputs(
  inputs: readonly ScanInput[],
  engine: EngineOptions,
  limits: Limits,
  remote: ResolveContext | undefined,
  cache?: ResultCache,
): Promise<ScanResult> {
  const parts: ScanResult[] = [];
  let done = 0;
  const onFile = engine.onFile;
  let paths: string[] = [];
  const flushPaths = async (): Promise<void> => {
    if (!paths.length) return;
    const base = done;
    let remoteScan;
    if (remote) {
      const { prepareRemote } = await import('../scan/remote-scan.js');
      try {
        remoteScan = await prepareRemote(paths, remote, cache);
      } catch (e) {
        if (e instanceof RemoteTargetError) throw new SentinelError('usage', e.message, { cause: e });
        throw e;
      }
    }
    const opts: EngineOptions = { ...engine, ...(remoteScan ? { remote: remoteScan } : {}) };
    const part = await scanPaths(paths, onFile ? { ...opts, onFile: (n, p) => onFile(base + n, p) } : opts);
    parts.push(part);
    done += part.files.length;
    paths = [];
  };
  for (const input of inputs) {
    if (typeof input === 'string') {
      paths.push(input);
      continue;
    }
    await flushPaths();
    if (typeof input !== 'object' || input === null || typeof input.name !== 'string' || !input.name) {
      throw new SentinelError(
        'usage',
        'each input is a path, { name, bytes } or { name, stream } with a non-empty name',
      );
    }
    const stop = engine.stop;
    if (isStream(input)) {
      const deadline = Math.min(Date.now() + limits.maxFileSeconds * 1000, stop?.at ?? Infinity);
      const read =
        stop && Date.now() >= stop.at
          ? { bytes: new Uint8Array(0), truncated: { limit: TIME_LIMIT, reason: notReached(stop) } }
          : await readBounded(input.stream, limits.maxEntryBytes, deadline, engine.signal);
      // A read the time limit cut short says so (the stream's own budget is not what ended it).
      const truncated =
        read.truncated?.limit === 'maxFileSeconds' && stop && Date.now() >= stop.at
          ? {
              limit: TIME_LIMIT,
              reason: `the scan's time limit of ${stop.seconds} s ran out while the ${read.truncated.reason.replace(/^stream /, 'stream was ')}`,
            }
          : read.truncated;
      parts.push(await scanBytes(input.name, read.bytes, engine, truncated));
    } else if (input.bytes instanceof Uint8Array) {
      parts.push(
        stop && Date.now() >= stop.at
          ? await scanBytes(input.name, new Uint8Array(0), engine, { limit: TIME_LIMIT, reason: notReached(stop) })
          : await scanBytes(input.name, input.bytes, engine),
      );
    } else {
      throw new SentinelError('usage', `input "${input.name}": bytes must be a Uint8Array`);
    }
    onFile?.(++done, input.name);
  }
  await flushPaths();
  return {
    findings: parts.flatMap((p) => p.findings),
    pickles: parts.flatMap((p) => p.pickles),
    files: parts.flatMap((p) => p.files),
    errors: parts.flatMap((p) => p.errors),
    skipped: parts.flatMap((p) => p.skipped ?? []),
    ...(parts.some((p) => p.notes?.length) ? { notes: parts.flatMap((p) => p.notes ?? []) } : {}),
    rules: parts[0]?.rules ?? [],
    durationMs: parts.reduce((n, p) => n + p.durationMs, 0),
    ...(parts.some((p) => p.readsBeside?.length) ? { readsBeside: parts.flatMap((p) => p.readsBeside ?? []) } : {}),
  };
}

/**
 * What `scanFacts` gathered: the engine's result (signature findings included), the signature verdicts and the
 * remote read cost, before any gate decision. Plain JSON: it can cross a process or a queue.
 */
export interface ScanFacts {
  readonly result: ScanResult;
  readonly targets: readonly string[];
  readonly startedAt: string;
  readonly signatures?: ScanReportSignatures;
  readonly remote?: { readonly bytesRead: number; readonly requests: number; readonly redirects: number };
}

type ScanReportSignatures = NonNullable<Parameters<typeof assembleReport>[0]['signatures']>;

interface Prepared {
  readonly list: readonly ScanInput[];
  readonly policy: Policy;
  readonly only: string[];
  readonly limits: Limits;
  readonly now: Date;
  readonly cwd: string;
}

function prepare(inputs: ScanInput | readonly ScanInput[], options: ScanOptions): Prepared {
  const list: readonly ScanInput[] = Array.isArray(inputs) ? inputs : [inputs as ScanInput];
  if (list.length === 0) throw new SentinelError('usage', 'nothing to scan: give at least one path or input');
  checkOptions(options);
  options.signal?.throwIfAborted();
  const only = checkRules(options.rules ?? []);
  const policy = withCliOverrides(options.policy ?? DEFAULT_POLICY, {
    ...(options.preset !== undefined ? { preset: options.preset } : {}),
    ...(options.maxAcceptableSeverity !== undefined ? { maxAcceptableSeverity: options.maxAcceptableSeverity } : {}),
    ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
  });
  const limits: Limits = { ...DEFAULT_LIMITS, ...policy.limits, ...options.limits };
  return { list, policy, only, limits, now: options.now ?? new Date(), cwd: options.cwd ?? process.cwd() };
}

/**
 * Every local path named as an input exists: a missing one is a usage error (SentinelError 'usage'), as on the
 * command line (exit 2) and in the service (400), never a scan finding. A path that exists but cannot be read is
 * scanned (SCAN-INCOMPLETE), and so is a file that disappears during the scan.
 */
function checkNamedPaths(p: Prepared, options: ScanOptions): void {
  // A scan held to roots (a service's or worker's) was checked when it was asked for: a path gone by now is reported
  // by the walk with one fixed text (sources/confine.ts NOT_OPENED_INSIDE), whatever lies outside the roots.
  if (options.roots) return;
  for (const i of p.list) {
    if (typeof i !== 'string' || isRemoteArg(i)) continue;
    try {
      statSync(resolve(p.cwd, i));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new SentinelError('usage', `${i}: no such file or directory`);
      if (code === 'ELOOP') throw new SentinelError('usage', `${i}: too many levels of symbolic links`);
    }
  }
}

/** What `gather` derives from the options alone (once per `factsScanner`). */
interface GatherSetup {
  readonly sigSetup: Awaited<ReturnType<typeof resolveSignatureSetup>>;
}

async function gather(p: Prepared, options: ScanOptions, setup?: GatherSetup): Promise<ScanFacts> {
  const { list, policy, only, limits, now, cwd } = p;
  const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
  const limit = options.timeLimitSeconds;
  const stop = limit !== undefined ? { at: Date.now() + limit * 1000, seconds: limit } : undefined;
  // Remote reads end at the time limit too (the earlier of it and the remote options' own deadline).
  const remoteOptions =
    stop && !(options.remote?.deadline !== undefined && options.remote.deadline <= stop.at)
      ? { ...options.remote, deadline: stop.at }
      : (options.remote ?? {});
  const remote = list.some((i) => typeof i === 'string' && isRemoteArg(i))
    ? await remoteContext(remoteOptions, cost, options.signal)
    : undefined;
  const sigSetup = setup?.sigSetup ?? (await resolveSignatureSetup(options.signatures, policy, cwd));
  const signaturePaths = list.filter((i): i is string => typeof i === 'string' && !isRemoteArg(i));
  // The check reads where the scan may read: inside the roots, and inside the scanned folder as its walk does.
  const sigWhere = {
    ...sigSetup,
    cwd,
    ...(options.roots ? { roots: options.roots } : {}),
    ...(options.cacheRoots ? { cacheRoots: options.cacheRoots } : {}),
  };
  // Signatures are verified beside the scan (hashing overlaps the per-file analysis); whole-file SHA-256 digests
  // the scan takes anyway are handed to the signature check instead of reading the files a second time.
  const board =
    signaturePaths.length && options.sha256 !== false
      ? new DigestBoard(await peekShardPlan(signaturePaths, sigWhere))
      : undefined;
  const shardDigests = board?.shardDigests();
  const signed = runSignaturePhase(signaturePaths, {
    ...(board ? { board } : {}),
    ...sigWhere,
    now,
    rules: selectRules(only),
    maxFiles: limits.maxEntries,
    threads: jobCount(options.jobs),
  });
  const scanned = scanInputs(
    list,
    {
      only,
      limits,
      ...(policy.alsoAllow.size ? { extraAllow: policy.alsoAllow } : {}),
      ...(policy.disabledPacks.size ? { disabledPacks: policy.disabledPacks } : {}),
      ...(policy.torchSafeGlobals.size ? { torchSafeGlobals: policy.torchSafeGlobals } : {}),
      ...(options.onFile ? { onFile: options.onFile } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(stop ? { stop } : {}),
      ...(options.jobs !== undefined ? { jobs: jobCount(options.jobs) } : {}),
      ...(options.jobs === 'auto' ? { autoJobs: true } : {}),
      ...(options.cacheRoots ? { cacheRoots: options.cacheRoots } : {}),
      ...(options.roots ? { roots: options.roots } : {}),
      ...(options.sha256 === false ? { sha256: false } : {}),
      ...(board ? { onDigest: (c: ContentDigest) => board.add(c) } : {}),
      ...(shardDigests ? { shardDigests } : {}),
      walk: {
        exclude: [...(policy.exclude ?? []), ...(options.exclude ?? [])],
        respectGitignore: options.respectGitignore ?? false,
        defaultSkips: options.defaultSkips ?? true,
      },
    },
    limits,
    remote,
    remote && options.remote?.cacheDir !== undefined
      ? await resultCache(options.remote.cacheDir, {
          only,
          limits,
          alsoAllow: policy.alsoAllow,
          disabledPacks: policy.disabledPacks,
          torchSafeGlobals: policy.torchSafeGlobals,
        })
      : undefined,
  );
  const [result, signatures] = await Promise.all([scanned.finally(() => board?.close()), signed]);
  return {
    result: { ...result, findings: [...result.findings, ...signatures.findings] },
    targets: list.map((i) => (typeof i === 'string' ? i : i.name)),
    startedAt: isoUtc(now),
    ...(signatures.verdicts ? { signatures: signatures.verdicts } : {}),
    ...(remote ? { remote: { bytesRead: cost.bytesRead, requests: cost.requests, redirects: cost.redirects } } : {}),
  };
}

/**
 * The baseline's files this run did not scan that no longer exist inside a local folder or file it scanned: deleted
 * or renamed. A file outside every scanned path is only out of scope (its existence says nothing about this run).
 */
function removedBaselineFiles(baseline: Baseline, facts: ScanFacts, cwd: string): ReadonlySet<string> {
  const scanned = new Set(facts.result.files.map((f) => f.path));
  const roots = facts.targets
    .filter((t) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(t) && t !== '-')
    .map((t) => resolve(cwd, t));
  const out = new Set<string>();
  for (const b of baseline.findings) {
    if (b.file === undefined || scanned.has(b.file) || out.has(b.file)) continue;
    const abs = resolve(cwd, b.file);
    if (!roots.some((r) => abs === r || abs.startsWith(r.endsWith(sep) ? r : r + sep))) continue;
    if (!existsSync(abs)) out.add(b.file);
  }
  return out;
}

async function gate(p: Prepared, facts: ScanFacts, options: ScanOptions): Promise<SentinelReport> {
  const { policy, now, cwd } = p;
  const { result } = facts;
  const baseline = await parseBaselineOption(options);
  const command = options.command ?? 'scan';
  const outcome = applyPolicy({
    findings:
      command === 'scan'
        ? result.findings
        : result.findings.map((f) => ({ ...f, retest: retestAs(f.retest, command) })),
    pickles: result.pickles,
    files: result.files,
    rules: result.rules,
    policy,
    today: isoUtc(now).slice(0, 10),
    ...(baseline ? { baseline, removedFiles: removedBaselineFiles(baseline, facts, cwd) } : {}),
    cwd,
  });
  return assembleReport({
    command: 'artifact',
    targets: facts.targets,
    startedAt: facts.startedAt,
    durationMs: result.durationMs,
    rules: result.rules,
    pickles: result.pickles,
    files: result.files,
    errors: result.errors,
    skipped: result.skipped ?? [],
    ...(result.notes?.length ? { notes: result.notes.map((n) => ({ ...n, hint: retestAs(n.hint, command) })) } : {}),
    outcome,
    policy,
    ...(facts.remote ? { remote: facts.remote } : {}),
    ...(facts.signatures ? { signatures: facts.signatures } : {}),
  });
}

/**
 * Scans without applying the gate: the per-file facts (findings as the rules report them, pickle verdicts, file
 * inventory, errors, signature verdicts) that `gateFacts` turns into the report. A scanning fleet runs this on its
 * workers and the gate where the report is wanted; `scan` is the two in one. Options only the gate uses (baseline,
 * failOn, preset, threshold) are ignored here; the policy's allowlist additions, excludes and limits are not.
 */
export async function scanFacts(
  inputs: ScanInput | readonly ScanInput[],
  options: ScanOptions = {},
): Promise<ScanFacts> {
  const p = prepare(inputs, options);
  checkNamedPaths(p, options);
  return gather(p, options);
}

/**
 * `scanFacts` with the options checked and resolved once (rules, policy overrides, signature set-up): for a service
 * that scans many inputs one by one with the same options. Each call gives what `scanFacts(input, options)` would,
 * with its own signal and clock.
 */
/** Scans one input at a time with options checked and resolved once (`factsScanner`). */
export interface FactsScanner {
  (input: ScanInput, o?: { signal?: AbortSignal }): Promise<ScanFacts>;
  /**
   * The facts a scan of `read.path` gives, for a local regular file the caller has already read whole
   * (`readWholeFile`, at most `WHOLE_FILE_BYTES`): scanned from those bytes, without opening the file again or
   * walking it. `sha256` is their digest when the caller has taken it. A file whose signature would be checked (a
   * signature file beside it, or a requirement) is scanned as a path. `signatureLookups`: what earlier calls of a
   * batch found at signature-file paths (each folder's signature file is looked up once for the batch).
   */
  file(
    read: WholeFile,
    o?: { signal?: AbortSignal; sha256?: string; signatureLookups?: SignatureLookups },
  ): Promise<ScanFacts>;
}

export async function factsScanner(options: ScanOptions = {}): Promise<FactsScanner> {
  const p = prepare('-', options);
  const setup: GatherSetup = { sigSetup: await resolveSignatureSetup(options.signatures, p.policy, p.cwd) };
  const scan = (input: ScanInput, o: { signal?: AbortSignal } = {}): Promise<ScanFacts> => {
    const opts: ScanOptions = o.signal ? { ...options, signal: o.signal } : options;
    opts.signal?.throwIfAborted();
    return gather({ ...p, list: [input], now: options.now ?? new Date() }, opts, setup);
  };
  // The engine options gather gives a path scan; the remote, walk, digest-board and shard options do not apply to
  // one local file read whole.
  const { policy, only, limits, cwd } = p;
  const scanner = new FileScanner(
    scanSetupOf({
      only,
      limits,
      ...(policy.alsoAllow.size ? { extraAllow: policy.alsoAllow } : {}),
      ...(policy.disabledPacks.size ? { disabledPacks: policy.disabledPacks } : {}),
      ...(policy.torchSafeGlobals.size ? { torchSafeGlobals: policy.torchSafeGlobals } : {}),
      ...(options.sha256 === false ? { sha256: false } : {}),
    }),
  );
  const sigWhere = { ...setup.sigSetup, cwd };
  const file = async (
    read: WholeFile,
    o: { signal?: AbortSignal; sha256?: string; signatureLookups?: SignatureLookups } = {},
  ): Promise<ScanFacts> => {
    if (read.bytes.length > WHOLE_FILE_BYTES || signatureWanted(read.path, sigWhere, o.signatureLookups)) {
      return scan(read.path, o.signal ? { signal: o.signal } : {});
    }
    const signal = o.signal ?? options.signal;
    signal?.throwIfAborted();
    const now = options.now ?? new Date();
    const r = await scanReadFile(scanner, read, {
      ...(o.sha256 !== undefined ? { sha256: o.sha256 } : {}),
      ...(signal ? { signal } : {}),
    });
    options.onFile?.(1, read.path);
    // What gather returns for one local path without a signature check (scanInputs' fields, no verdicts).
    return {
      result: {
        findings: r.findings,
        pickles: r.pickles,
        files: r.files,
        errors: r.errors,
        skipped: r.skipped ?? [],
        ...(r.notes?.length ? { notes: r.notes } : {}),
        rules: r.rules,
        durationMs: r.durationMs,
        ...(r.readsBeside ? { readsBeside: r.readsBeside } : {}),
      },
      targets: [read.path],
      startedAt: isoUtc(now),
      signatures: [],
    };
  };
  return Object.assign(scan, { file });
}

/** Merges the facts of several scans, in order, as if their targets had been scanned together. */
export function mergeFacts(parts: readonly ScanFacts[]): ScanFacts {
  const results = parts.map((p) => p.result);
  const signatures = parts.flatMap((p) => p.signatures ?? []);
  const remote = parts.filter((p) => p.remote);
  return {
    result: {
      findings: results.flatMap((r) => r.findings),
      pickles: results.flatMap((r) => r.pickles),
      files: results.flatMap((r) => r.files),
      errors: results.flatMap((r) => r.errors),
      skipped: results.flatMap((r) => r.skipped ?? []),
      ...(results.some((r) => r.notes?.length) ? { notes: results.flatMap((r) => r.notes ?? []) } : {}),
      rules: results[0]?.rules ?? [],
      durationMs: results.reduce((n, r) => n + r.durationMs, 0),
      ...(results.some((r) => r.readsBeside?.length)
        ? { readsBeside: results.flatMap((r) => r.readsBeside ?? []) }
        : {}),
    },
    targets: parts.flatMap((p) => p.targets),
    startedAt: parts.map((p) => p.startedAt).sort()[0] ?? isoUtc(new Date()),
    ...(signatures.length ? { signatures } : {}),
    ...(remote.length
      ? {
          remote: {
            bytesRead: remote.reduce((n, p) => n + p.remote!.bytesRead, 0),
            requests: remote.reduce((n, p) => n + p.remote!.requests, 0),
            redirects: remote.reduce((n, p) => n + p.remote!.redirects, 0),
          },
        }
      : {}),
  };
}

/** Applies the release-gate policy of `options` to facts from `scanFacts` and returns the report `scan` returns. */
export async function gateFacts(facts: ScanFacts, options: ScanOptions = {}): Promise<SentinelReport> {
  return gate(prepare(facts.targets, options), facts, options);
}

/**
 * Scans files, directories, bytes and streams, applies the release-gate policy and returns the report: the same
 * object `--format json` writes (schema `schemas/report.schema.json`). The gate verdict is
 * `report.summary.gate.passed` and the CLI's exit code `report.summary.exitCode`.
 *
 * Nothing is printed, written or executed. Unreadable or malformed inputs become findings (SCAN-INCOMPLETE), not
 * errors.
 *
 * @param inputs - a path, `{ name, bytes }`, `{ name, stream }`, or a list of them (scanned in order)
 * @throws SentinelError for invalid options or an invalid baseline; rejects with `signal.reason` when aborted
 */
export async function scan(
  inputs: ScanInput | readonly ScanInput[],
  options: ScanOptions = {},
): Promise<SentinelReport> {
  const p = prepare(inputs, options);
  checkNamedPaths(p, options);
  await parseBaselineOption(options); // an invalid baseline fails before the scan
  return gate(p, await gather(p, options), options);
}

async function resultCache(dir: string, setup: unknown): Promise<ResultCache> {
  const [{ ResultCache }, { TOOL_VERSION }] = await Promise.all([
    import('../scan/result-cache.js'),
    import('../report/scan-report.js'),
  ]);
  return new ResultCache(dir, TOOL_VERSION, setup);
}

/** The scan's remote deadline: the earlier of its total from now and the given time. */
function remoteDeadline(totalMs: number, at: number | undefined): { deadline?: { at: number; ms: number } } {
  const now = Date.now();
  const ends = [...(totalMs > 0 ? [now + totalMs] : []), ...(at !== undefined ? [at] : [])];
  if (!ends.length) return {};
  const end = Math.min(...ends);
  return { deadline: { at: end, ms: totalMs > 0 && end === now + totalMs ? totalMs : Math.max(0, end - now) } };
}

/** The default total of a scan's remote requests (`remote.totalTimeoutMs`): 30 minutes. */
export const DEFAULT_REMOTE_TOTAL_MS = 30 * 60_000;

export async function remoteContext(
  o: RemoteScanOptions,
  cost: RemoteCost,
  signal?: AbortSignal,
): Promise<ResolveContext> {
  const totalMs = o.totalTimeoutMs ?? DEFAULT_REMOTE_TOTAL_MS;
  const opts: RemoteOptions = {
    ...DEFAULT_REMOTE_OPTIONS,
    ...(o.allowHttp !== undefined ? { allowHttp: o.allowHttp } : {}),
    ...(o.egress !== undefined ? { egress: o.egress } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.maxBytesPerFile !== undefined ? { maxBytesPerFile: o.maxBytesPerFile } : {}),
    ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    ...remoteDeadline(totalMs, o.deadline),
  };
  for (const [k, v] of [
    ['totalTimeoutMs', totalMs],
    ['retries', opts.retries],
    ['maxBytesPerFile', opts.maxBytesPerFile],
    ['requestTimeoutMs', opts.requestTimeoutMs],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new SentinelError('usage', `remote.${k} must be a whole number >= 0`);
  }
  const [{ sharedBridge }, { sniffReads, followReads, TAIL_BYTES }, { readsHeadOnly }, listings] = await Promise.all([
    import('../sources/remote/sync-bridge.js'),
    import('../formats/sniff-reads.js'),
    import('../formats/json/tokenizers-file.js'),
    o.cacheDir !== undefined
      ? import('../sources/remote/listing-cache.js').then((m) => new m.ListingCache(o.cacheDir!))
      : undefined,
  ]);
  // Fetched while listing, for all files at once: what the scan will read of every file whatever its content (the
  // head the sniffers read, the engine's whole read of a small file, the sniffers' fixed reads), and what the head
  // makes certain (a safetensors header longer than the head).
  const plan: RemotePlan = {
    whole: WHOLE_FILE_BYTES,
    head: HEAD_BYTES,
    tail: TAIL_BYTES,
    reads: sniffReads,
    // With the tail in hand, a zip's local headers and pickles too (the zip reader loaded only then).
    follow: async (head, size, tail) => {
      const header = followReads(head, size);
      if (header.length || !tail) return header;
      const { zipFollowReads } = await import('../formats/zip-follow.js');
      return zipFollowReads(head, size, tail);
    },
    headOnly: (path, size) => readsHeadOnly(innermostName({ chain: [path] }), size),
  };
  return {
    bridge: sharedBridge(),
    opts,
    cost,
    env: o.env ?? process.env,
    homedir: homedir(),
    plan,
    ...(signal ? { signal } : {}),
    ...(listings ? { listings } : {}),
  };
}
