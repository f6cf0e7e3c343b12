// The scan engine: paths → files → sniff → expanders (containers recurse into child sources) → pickle VM and
// other analyzers (facts) → rules (findings). Errors on one file never stop the others, and every error or
// limit becomes a SCAN-INCOMPLETE fact: an unscannable file is never a pass.
import type { Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { extensionMismatch } from '../formats/extension.js';
import { readsHeadOnly } from '../formats/json/tokenizers-file.js';
import { looksLikeText } from '../formats/text.js';
import { analyzeStream } from '../analyzers/pickle/analyze.js';
import { loadsKerasUnsafely, UNSAFE_LOAD } from '../analyzers/pickle/keras-unpickle.js';
import type { ImportFact, PickleRun } from '../analyzers/pickle/facts.js';
import { scanCompanion } from './companion-files.js';
import type { LoaderModel } from '../analyzers/pickle/vm.js';
import type { StoredStates } from '../analyzers/pickle/stored-states.js';
import type { PythonModule } from '../analyzers/python/module-model.js';
import { torchScriptText } from '../analyzers/python/torch/torchscript-lexing.js';
import {
  classifyImport,
  classifyRun,
  importMatters,
  pickleSafety,
  type ClassifyOptions,
  type Verdict,
} from '../rules/classify.js';
import { RULES } from '../rules/index.js';
import {
  RuleContext,
  type CodeFact,
  type ContainerFact,
  type IncompleteFact,
  type ModelFact,
  type PickleFact,
  type Rule,
} from '../rules/rule.js';
import type { AllowEntry } from '../rules/data/allowlist.js';
import { FileSource, MemorySource, readAll, type ByteSource, type WholeFile } from '../sources/byte-source.js';
import { realRoots, type Confinement } from '../sources/confine.js';
import {
  digestBytes,
  digestFile,
  shardDigestsOf,
  type ShardDigestPlan,
  type ShardDigests,
} from '../sources/file-digest.js';
import { RemoteReadError } from '../sources/remote/remote-source.js';
import { listedDigestMatches, remoteWalkItems, type OpenedSource, type RemoteScan } from './remote-scan.js';
import { EXPANDERS, NAME_CHOSEN, polyglotReadings } from './expand/index.js';
import type { CodeKind, PickleUnitResult, TorchScriptCodeFile, UnitContext } from './expand/context.js';
import { walk, type WalkItem, type WalkOptions } from '../sources/walker.js';
import type { WalkFilterOptions } from '../sources/walk-filter.js';
import type { ContentDigest, FileOutcome } from './file-outcome.js';
import {
  DESER_NODES,
  DeserWalkBudget,
  keptForPhases,
  POST_WALK_PHASES,
  TIME_LIMIT,
  type PlacedOutcome,
} from './post-walk.js';
import { retarget } from './retarget.js';
import { placeholderReason } from './placeholder.js';
import { planScan, type FileJob, type JobMember } from './scan-plan.js';
import { CorruptError, EncryptedError, errorMessage, LimitError, UnsupportedError } from '../core/errors.js';
import type {
  AdmittedName,
  FileSummary,
  Finding,
  GlobalVerdict,
  ModelSummary,
  PickleVerdict,
  ScanError,
} from '../core/finding.js';
import { MODEL_FOLDER_PHASE, type ModelFolderSummary } from './model-folder-summary.js';
import { runThreadScanHook } from './thread-scan-hook.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { at, child, formatLocation, innermostName, nestedSegment, type Location } from '../core/location.js';
import { maxSafety, safetyRank, type SafetyLevel } from '../core/severity.js';

export interface EngineOptions {
  readonly limits?: Partial<Limits>;
  /** Rule IDs or categories to run (empty = all). SCAN, ARCHIVE and SIGN rules always run: coverage and provenance are not optional. */
  readonly only?: readonly string[];
  /** Per-scan allowlist extensions (policy also_allow). */
  readonly extraAllow?: ReadonlyMap<string, AllowEntry>;
  /** Allowlist packs turned off (policy allow_packs). */
  readonly disabledPacks?: ReadonlySet<string>;
  /**
   * Extra globals accepted by the torch weights-only check (policy counterpart of
   * torch.serialization.add_safe_globals), canonical `module.name` → justification.
   */
  readonly torchSafeGlobals?: ReadonlyMap<string, string>;
  /** Progress callback (files done, the path just finished), in completion order. */
  readonly onFile?: (done: number, path: string) => void;
  /**
   * Files scanned at once, on worker threads (default 1: everything on the calling thread). The report does not
   * depend on it: same findings, order and fingerprints.
   */
  readonly jobs?: number;
  /**
   * `jobs` is the machine's parallelism rather than a number asked for: a folder of small files starts workers only
   * where they pay on this machine (see POOL_MIN_FILES).
   */
  readonly autoJobs?: boolean;
  /** Model-cache roots (HF_HOME, HF_HUB_CACHE): symlinks under a scan path inside one are followed within it. */
  readonly cacheRoots?: readonly string[];
  /**
   * Folders every file the scan opens must lie in (a service's roots), checked on each opened descriptor
   * (sources/confine.ts) — the walked files, the files read beside them. Default: none beyond the walked folders.
   */
  readonly roots?: readonly string[];
  /**
   * Remote targets already resolved (listed and probed), by the scan argument that names them; they are scanned on
   * the calling thread through range requests (remote-scan.ts).
   */
  readonly remote?: RemoteScan;
  /** Stops the scan between files and between container entries: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * The scan's time limit (ScanStop): a file not started by then is not read, and a file being read stops at its
   * next time check; each is SCAN-INCOMPLETE (limit `timeLimitSeconds`). The scan itself ends normally.
   */
  readonly stop?: ScanStop;
  /** What a directory walk leaves out (default: version-control stores, virtualenvs, tool caches). */
  readonly walk?: WalkFilterOptions;
  /**
   * SHA-256 of every file scanned, in its summary (default true). Costs one more read of files over 1 MiB (about
   * 1.4 GB per CPU-second here, node:crypto); the header-only readers (safetensors, GGUF) otherwise read kilobytes.
   * A signature check in the same scan reuses these digests instead of reading the files again.
   */
  readonly sha256?: boolean;
  /**
   * Gets the whole-file SHA-256 of each local file scanned, with the identity of the file it is of, as each file
   * settles (signature verification reuses them: scan/digest-board.ts).
   */
  readonly onDigest?: (content: ContentDigest) => void;
  /**
   * Shard digests (an OMS `shards` signature being verified beside the scan) to take in the same read as the
   * whole-file SHA-256, for local files up to a size the engine picks from the walk: the scanned bytes over `jobs`
   * threads (a larger file is left to the signature check, whose workers hash its shards in parallel beside the
   * scan's whole-file hash on one thread). `onPlan` gets that size before any file is read.
   */
  readonly shardDigests?: ShardDigestPlan & { readonly onPlan?: (maxFileBytes: number) => void };
}

/**
 * When a scan's time limit runs out: `at` in ms since the epoch (plain data: it goes to worker threads, which share
 * the clock), `seconds` the limit as given, for the findings' text.
 */
export interface ScanStop {
  readonly at: number;
  readonly seconds: number;
}

/** The limit name a time-limit finding carries. */
export { TIME_LIMIT };

/** An entry a directory walk left out on purpose (listed in the report; not a finding). */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

/**
 * Something a scan did not read that its reader should know, with how to read it: not a finding, and the gate does
 * not look at it. `imports-not-followed`: a Python script named alone (no package or project metadata around it)
 * imports modules of its folder that were not scanned, so loaders in them were not checked.
 */
export interface ScanNote {
  readonly kind: 'imports-not-followed';
  /** The file named alone. */
  readonly path: string;
  /** The local modules it imports that were not scanned (at most 8, sorted). */
  readonly modules: readonly string[];
  /** How many more there are beyond `modules`. */
  readonly more?: number;
  /** The command that follows them (scans the folder). */
  readonly hint: string;
}

/** The options a worker thread needs to scan a file (plain, structured-cloneable data). */
export type ScanSetup = Pick<
  EngineOptions,
  'limits' | 'only' | 'extraAllow' | 'disabledPacks' | 'torchSafeGlobals' | 'sha256' | 'stop'
> & {
  /** Shard digests to take with the whole-file SHA-256 of files up to `maxFileBytes` (EngineOptions.shardDigests). */
  readonly shardPlan?: ShardDigestPlan & { readonly maxFileBytes: number };
  /**
   * The syntax nodes this scan's walk may parse for the DESER project phase (DESER_NODES, post-walk.ts), one budget
   * for the whole scan: `deserWalkShared` is the counter every scanner of the scan adds to (a SharedArrayBuffer's
   * view, handed to the worker threads with the setup), so that the threads together parse at most what the phase
   * may keep. Once spent, a further module that passes the DESER text gate is not parsed but marked left out, and
   * the phase decides what to keep (deser-phase.ts) and names the rest in SCAN-INCOMPLETE. Unset: no bound (a
   * scanner kept for many one-file scans).
   */
  readonly deserWalkNodes?: number;
  readonly deserWalkShared?: Int32Array;
};

export interface ScanResult {
  readonly findings: Finding[];
  readonly pickles: PickleVerdict[];
  readonly files: FileSummary[];
  readonly errors: ScanError[];
  /** Entries the walk left out (tool data, excludes, .gitignore), in walk order. */
  readonly skipped?: SkippedEntry[];
  /** What the scan did not read that a reader should know (ScanNote); absent when there is nothing to say. */
  readonly notes?: ScanNote[];
  readonly rules: readonly string[];
  readonly durationMs: number;
  /** Distinct file contents read (a file named by several paths is read once and reported under each). */
  readonly scannedFiles?: number;
  /** Files scanned on worker threads (0: everything ran on the calling thread). */
  readonly scannedOnWorkers?: number;
  /**
   * Scanned paths whose facts depend on files beside them (a joblib < 0.10 pickle naming its companion .npy files):
   * their facts are not a function of their content and name alone, so a content-addressed cache must not reuse them.
   */
  readonly readsBeside?: string[];
}

/** The `ignore` package (git's pattern rules), required only when a scan respects .gitignore. */
function loadIgnore(): () => Ignore {
  return createRequire(import.meta.url)('ignore') as () => Ignore;
}

/** The first bytes of every file, given to each expander's content check. */
export const HEAD_BYTES = 4096;
/** Model inventory lines kept per top-level file (an archive of many models lists the first ones). */
const MAX_MODEL_SUMMARIES = 1000;
/**
 * Files up to this size are read with one read call and scanned from memory: the sniffers and the pickle decoder
 * would otherwise read the same few kilobytes several times. Larger files are read window by window.
 */
export const WHOLE_FILE_BYTES = 1024 * 1024;
/** Source files larger than this are reported, not parsed. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/**
 * The code files of one TorchScript archive analysed together (their classes indexed once, calls followed across
 * them): at most this many files and bytes. Past either, the remaining files are read one by one and the limit is
 * reported; their classes are not followed from other files, so calls into them stay findings.
 */
export const MAX_TORCHSCRIPT_FILES = 4096;
export const MAX_TORCHSCRIPT_BYTES = 16 * 1024 * 1024;

/**
 * The code files of one TorchScript archive that are analysed together (the first ones, in archive order, within
 * `maxFiles` and `maxBytes`), those analysed one by one after a limit is met, and which limit that was.
 */
export function partitionTorchScriptCode<T extends { readonly src: { readonly size: number } }>(
  files: readonly T[],
  maxFiles: number,
  maxBytes: number,
): { together: T[]; alone: T[]; over?: string } {
  const together: T[] = [];
  let bytes = 0;
  for (const [i, f] of files.entries()) {
    const over =
      together.length >= maxFiles
        ? `more than ${maxFiles} TorchScript code files`
        : bytes + f.src.size > maxBytes
          ? `more than ${maxBytes} bytes of TorchScript code`
          : undefined;
    if (over !== undefined) return { together, alone: files.slice(i), over };
    bytes += f.src.size;
    together.push(f);
  }
  return { together, alone: [] };
}

/**
 * A file is sparse for the scan when at least SPARSE_MIN_HOLE bytes of its size are not stored on disk and what is
 * stored is under 1/SPARSE_RATIO of the size. A compressing file system stores model weights at a fraction of their
 * size too, but never 1/16 (that would be a file of zeros), so a real file does not meet both.
 */
const SPARSE_MIN_HOLE = 1024 * 1024 * 1024;
const SPARSE_RATIO = 16;

/** The bytes of a file's size not stored on disk when it is sparse (above), else undefined. */
export function sparseHoles(st: Pick<Stats, 'size' | 'blocks'>): number | undefined {
  // st_blocks counts 512-byte units; it is missing where the platform does not tell.
  if (typeof st.blocks !== 'number' || !Number.isFinite(st.blocks)) return undefined;
  const stored = st.blocks * 512;
  const holes = st.size - stored;
  return holes >= SPARSE_MIN_HOLE && stored * SPARSE_RATIO < st.size ? holes : undefined;
}

export function selectRules(only: readonly string[] | undefined): Rule[] {
  if (!only || only.length === 0) return [...RULES];
  const wanted = new Set(only.map((s) => s.toUpperCase()));
  return RULES.filter(
    (r) =>
      wanted.has(r.meta.id) ||
      wanted.has(r.meta.category) ||
      r.meta.category === 'SCAN' ||
      r.meta.category === 'ARCHIVE' ||
      r.meta.category === 'SIGN',
  );
}

/**
 * Scans the given paths (files or directories). Never throws for problems with the scanned bytes.
 *
 * Structure: the walk is listed first and planned into jobs (one per distinct content, scan-plan.ts); each job is
 * scanned by a FileScanner — on this thread, or on a worker pool when `jobs` > 1 and the work is large enough to
 * pay for starting workers — and yields plain FileOutcomes, placed back in walk order whatever order they finish
 * in. Cross-file phases (post-walk.ts) then run here, on the main thread, over the outcomes in walk order: per-file
 * work that a cross-file check needs is summarised into `FileOutcome.summaries` by the per-file scan.
 */
export async function scanPaths(paths: readonly string[], opts: EngineOptions = {}): Promise<ScanResult> {
  const t0 = Date.now();
  let setup = scanSetupOf(opts);
  opts.signal?.throwIfAborted();
  const confineTo = opts.roots ? realRoots(opts.roots) : undefined;
  const walkOpts: WalkOptions = {
    ...opts.walk,
    ...(opts.walk?.respectGitignore ? { gitignore: loadIgnore() } : {}),
    ...(opts.cacheRoots ? { cacheRoots: opts.cacheRoots } : {}),
    ...(confineTo ? { confineTo } : {}),
  };
  const remote = opts.remote;
  const items = remote
    ? paths.flatMap((p) => {
        const listing = remote.listings.get(p);
        return listing ? remoteWalkItems(listing) : [...walk([p], walkOpts)];
      })
    : [...walk(paths, walkOpts)];
  const skipped: SkippedEntry[] = [];
  const plan = planScan(items);
  if (opts.shardDigests && opts.sha256 !== false) {
    // One thread's share of the local bytes: a file up to it is hashed whole and in shards by the thread that scans
    // it (one read); a larger one would keep that thread busy for longer than the others need for everything else.
    let bytes = 0;
    for (const j of plan.jobs) if (!remote?.files.has(j.members[0]!.path)) bytes += j.members[0]!.size;
    const maxFileBytes = Math.floor(bytes / Math.max(1, opts.jobs ?? 1));
    const { algorithm, size } = opts.shardDigests;
    setup = { ...setup, shardPlan: { algorithm, size, maxFileBytes } };
    opts.shardDigests.onPlan?.(maxFileBytes);
  }
  // The walk parses Python modules for the DESER project within the phase's node budget (not past it: the phase
  // could not take them), counted once for all threads, so a project of any size costs bounded parse time and
  // memory however many threads scan it.
  setup = { ...setup, deserWalkNodes: DESER_NODES.max, deserWalkShared: DeserWalkBudget.counter() };
  const scanner = new FileScanner(setup, opts.signal, opts.remote);
  const placed: (PlacedOutcome | undefined)[] = new Array(items.length);
  const notScanned: (FileOutcome | undefined)[] = new Array(items.length);
  let done = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === 'file') continue;
    if (item.kind === 'excluded') {
      skipped.push({ path: item.directory ? item.path + '/' : item.path, reason: item.reason });
      continue;
    }
    notScanned[i] = scanner.notScanned(item);
    opts.onFile?.(++done, item.path);
  }
  // The jobs name everything left to read: the walk's items are let go before the scan (one per file).
  const walked = items.length;
  items.length = 0;
  // Python modules kept for the DESER project phase, in syntax nodes (bounded: keptForPhases).
  const kept = { nodes: 0 };
  const settle = (job: FileJob, outcomes: readonly FileOutcome[], digest?: ContentDigest): void => {
    if (digest && opts.onDigest) opts.onDigest(digest);
    job.members.forEach((member, k) => {
      placed[member.index] = { member, outcome: keptForPhases(outcomes[k]!, kept) };
      const content = outcomes[k]!.content;
      if (content && opts.onDigest) opts.onDigest(content);
      opts.onFile?.(++done, member.path);
    });
  };
  const scannedOnWorkers = await runJobs(
    plan.jobs,
    scanner,
    setup,
    opts.jobs ?? 1,
    opts.autoJobs === true,
    settle,
    opts.onDigest !== undefined,
    opts.signal,
    remote,
  );

  const out = { findings: [] as Finding[], pickles: [] as PickleVerdict[], files: [] as FileSummary[] };
  const errors: ScanError[] = [];
  const files: PlacedOutcome[] = [];
  const readsBeside: string[] = [];
  for (let i = 0; i < walked; i++) {
    const p = placed[i];
    if (p) files.push(p);
    if (p?.outcome.readsBeside) readsBeside.push(p.outcome.path);
    const o = p?.outcome ?? notScanned[i];
    if (!o) continue;
    out.pickles.push(...o.pickles);
    errors.push(...o.errors);
    if (o.file) out.files.push(o.file);
    out.findings.push(...o.findings);
  }
  const notes: ScanNote[] = [];
  for (const phase of POST_WALK_PHASES) {
    if (!phase.wanted(scanner.rules)) continue;
    const input = {
      files,
      rules: scanner.rules,
      limits: scanner.limits,
      notes,
      ...(opts.stop ? { stop: opts.stop } : {}),
    };
    out.findings.push(...(await phase.run(confineTo ? { ...input, confine: [confineTo] } : input)));
  }
  return {
    ...out,
    errors,
    skipped,
    ...(notes.length ? { notes } : {}),
    rules: scanner.rules.map((r) => r.meta.id),
    durationMs: Date.now() - t0,
    scannedFiles: plan.jobs.length,
    scannedOnWorkers,
    ...(readsBeside.length ? { readsBeside } : {}),
  };
}

/** How a walked file is opened: inside the walk's confinement, without following a link where the walk saw none. */
function openedAs(m: JobMember): { within?: Confinement; noFollow?: boolean } | undefined {
  if (!m.confine) return undefined;
  return m.noFollow ? { within: m.confine, noFollow: true } : { within: m.confine };
}

/** The part of the options a FileScanner needs (plain data: it also goes to worker threads). */
export function scanSetupOf(opts: EngineOptions): ScanSetup {
  return {
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.extraAllow ? { extraAllow: opts.extraAllow } : {}),
    ...(opts.disabledPacks?.size ? { disabledPacks: opts.disabledPacks } : {}),
    ...(opts.torchSafeGlobals ? { torchSafeGlobals: opts.torchSafeGlobals } : {}),
    ...(opts.sha256 === false ? { sha256: false } : {}),
    ...(opts.stop ? { stop: opts.stop } : {}),
  };
}

/**
 * What `scanPaths([read.path], opts)` gives for a local regular file that the caller has already read whole
 * (`readWholeFile`, at most WHOLE_FILE_BYTES) and that the options do not walk differently (no remote listing, no
 * shard digests, no digest board), scanned by `scanner` (`new FileScanner(scanSetupOf(opts))`, built once for many
 * such files): the same result from one open and one read of the file, which serve the caller too (a queue worker
 * hashes the bytes for its result cache before the scan). `sha256` is their digest when the caller has taken it.
 */
export async function scanReadFile(
  scanner: FileScanner,
  read: WholeFile,
  o: { readonly sha256?: string; readonly signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const t0 = Date.now();
  o.signal?.throwIfAborted();
  // The walk's item for a path that names a regular file (sources/walker.ts), from the status the read opened.
  const abs = resolve(read.path);
  const member: JobMember = {
    index: 0,
    path: read.path,
    stable: basename(abs),
    target: { arg: read.path, abs, isDirectory: false },
    size: read.opened.size,
    ...(read.confine ? { confine: read.confine } : {}),
  };
  const outcome = await scanner.scanRead(member, read, o.sha256, o.signal);
  const findings = [...outcome.findings];
  const notes: ScanNote[] = [];
  for (const phase of POST_WALK_PHASES) {
    if (!phase.wanted(scanner.rules)) continue;
    const input = {
      files: [{ member, outcome }],
      rules: scanner.rules,
      limits: scanner.limits,
      notes,
      ...(scanner.stop ? { stop: scanner.stop } : {}),
    };
    findings.push(...(await phase.run(read.confine ? { ...input, confine: read.confine } : input)));
  }
  return {
    findings,
    ...(notes.length ? { notes } : {}),
    pickles: [...outcome.pickles],
    files: outcome.file ? [outcome.file] : [],
    errors: [...outcome.errors],
    skipped: [],
    rules: scanner.rules.map((r) => r.meta.id),
    durationMs: Date.now() - t0,
    scannedFiles: 1,
    scannedOnWorkers: 0,
    ...(outcome.readsBeside ? { readsBeside: [outcome.path] } : {}),
  };
}

/**
 * Work below this many files and bytes is scanned on the calling thread: a worker costs its own start-up and its
 * own JIT warm-up (measured: 64 small pickles took ~130 ms more CPU on two workers than on the main thread).
 */
const POOL_MIN_FILES = 256;
const POOL_MIN_BYTES = 128 * 1024 * 1024;
/**
 * With the machine's parallelism chosen for it (`autoJobs`), a pool started for its file count alone needs more
 * workers than this: each worker repeats the JIT warm-up of the first thousand or so files, and two workers on two
 * cores share them with the calling thread and V8's compiler and collector threads. Measured on a 2-core machine:
 * 10,000 small pickles (29 MB) took 1.2 s wall and 1.5 s CPU on the calling thread, 1.5 s and 2.7 s on two workers;
 * 1,000 pickles of 100 KB about the same either way. Past POOL_MIN_BYTES the pool starts whatever the count.
 */
const AUTO_POOL_MIN_WORKERS = 3;

/**
 * Scans every job, on worker threads when asked for and worth it; `settle` gets each job's outcomes once. Returns
 * how many jobs ran on workers.
 */
async function runJobs(
  jobs: readonly FileJob[],
  scanner: FileScanner,
  setup: ScanSetup,
  workers: number,
  autoJobs: boolean,
  settle: (job: FileJob, outcomes: readonly FileOutcome[], digest?: ContentDigest) => void,
  wantDigests: boolean,
  signal?: AbortSignal,
  remote?: RemoteScan,
): Promise<number> {
  // Remote files are read on this thread (their reads wait on its fetch worker); only local files go to the pool.
  // Local files the walk found empty are checked here too (FileScanner.scanEmpty): sending one to a worker and its
  // outcome back cost far more than the open that is all its scan needs (200,000 empty files: 19-21 CPU-s with
  // them on two workers, 8 CPU-s here), and they do not count towards starting the pool.
  const onThisThread: number[] = [];
  const empty: number[] = [];
  /** Every job but the empty ones, in walk order. */
  const rest: number[] = [];
  const local: FileJob[] = [];
  const localIndex: number[] = [];
  let bytes = 0;
  jobs.forEach((j, i) => {
    const remoteFile = remote?.files.has(j.members[0]!.path) === true;
    if (!remoteFile && j.members[0]!.size === 0) {
      empty.push(i);
      return;
    }
    rest.push(i);
    if (remoteFile) onThisThread.push(i);
    else {
      local.push(j);
      localIndex.push(i);
      bytes += j.members[0]!.size;
    }
  });
  for (const i of empty) {
    signal?.throwIfAborted();
    const got = scanner.scanEmpty(jobs[i]!, wantDigests);
    if (got) settle(jobs[i]!, got.outcomes, got.digest);
    // Not empty (or not readable) any more: scanned as any other file, which reports what it finds.
    else settle(jobs[i]!, await scanner.scan(jobs[i]!));
  }
  let left: readonly number[] = rest;
  const manyFiles = local.length >= POOL_MIN_FILES && (!autoJobs || workers >= AUTO_POOL_MIN_WORKERS);
  if (workers > 1 && local.length > 1 && (manyFiles || bytes >= POOL_MIN_BYTES)) {
    // Largest files first (stable otherwise), so that a big file does not start last and run alone on one core
    // while the others idle; outcomes are placed back in walk order whatever order they finish in.
    const bySize = local
      .map((_, k) => k)
      .sort((a, b) => local[b]!.members[0]!.size - local[a]!.members[0]!.size || a - b);
    const sortedLocal = bySize.map((k) => local[k]!);
    const sortedIndex = bySize.map((k) => localIndex[k]!);
    for (let k = 0; k < bySize.length; k++) {
      local[k] = sortedLocal[k]!;
      localIndex[k] = sortedIndex[k]!;
    }
    const { runPool, workerEntry } = await import('./worker-pool.js');
    const ts = import.meta.url.endsWith('.ts');
    const back = await runPool(local, {
      script: workerEntry(new URL(ts ? './scan-worker.ts' : './scan-worker.js', import.meta.url)),
      workers: Math.min(workers, local.length),
      workerData: setup,
      weight: (job) => job.members[0]!.size + 4096,
      maxAheadWeight: 4 * 1024 * 1024,
      jobTimeoutMs: scanner.limits.maxFileSeconds * 1000 * 2 + 30_000,
      // A 16 MB young generation per worker (the default let 10,000 small pickles on two workers reach 191 MB RSS,
      // 155 MB with this, at the same CPU time).
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
      onResult: (i, outcomes: FileOutcome[]) => settle(local[i]!, outcomes),
      onCrash: (i, reason, timedOut) => settle(local[i]!, scanner.crashed(local[i]!, reason, timedOut)),
      ...(signal ? { signal } : {}),
      // Past the time limit no more files go out: those never sent are settled below, as not read.
      ...(scanner.stop ? { stopAt: scanner.stop.at } : {}),
    });
    left = [...onThisThread, ...back.map((k) => localIndex[k]!)];
  }
  for (const i of left) {
    signal?.throwIfAborted();
    settle(jobs[i]!, await scanner.scan(jobs[i]!));
    runThreadScanHook();
  }
  return jobs.length - empty.length - left.length;
}

/** Scans files for one configuration; used on the main thread and in each worker thread (scan-worker.ts). */
export class FileScanner {
  readonly limits: Limits;
  readonly rules: Rule[];
  private readonly classify: ClassifyOptions;
  private readonly torchSafe: ReadonlySet<string> | undefined;
  private readonly sha256: boolean;
  private readonly shardPlan: (ShardDigestPlan & { readonly maxFileBytes: number }) | undefined;
  /** Syntax nodes parsed for the DESER project so far by the scan and the most it may parse (ScanSetup.deserWalkNodes). */
  private readonly deserWalk: DeserWalkBudget | undefined;
  /** The scan's time limit, when it has one. */
  readonly stop: ScanStop | undefined;

  constructor(
    setup: ScanSetup,
    /** Main thread only (a signal cannot cross to a worker): checked before each container entry. */
    private readonly signal?: AbortSignal,
    /** Remote files and how to open them (main thread only). */
    private readonly remote?: RemoteScan,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...setup.limits };
    this.rules = selectRules(setup.only);
    this.classify = classifyOptions(setup);
    this.torchSafe = setup.torchSafeGlobals ? new Set(setup.torchSafeGlobals.keys()) : undefined;
    this.sha256 = setup.sha256 !== false;
    this.shardPlan = setup.shardPlan;
    this.deserWalk =
      setup.deserWalkNodes !== undefined ? new DeserWalkBudget(setup.deserWalkNodes, setup.deserWalkShared) : undefined;
    this.stop = setup.stop;
  }

  /** One outcome per member of the job: the first member is read, the others get its outcome re-targeted. */
  async scan(job: FileJob): Promise<FileOutcome[]> {
    // Past the scan's time limit the file is not opened: its outcome says it was not read.
    if (this.stop && Date.now() >= this.stop.at) return this.outOfTime(job);
    const first = job.members[0]!;
    // A remote file whose listing published its content hash: a complete earlier result for that content (same
    // scanner version and setup) is re-targeted instead of reading the file. Results are stored only under a digest
    // the scan verified on the bytes it read whole (a listed digest alone is a claim, never a key).
    const digest = this.remote?.files.get(first.path)?.digest;
    const cache = digest !== undefined ? this.remote?.cache : undefined;
    const name = first.stable.slice(first.stable.lastIndexOf('/') + 1);
    const hit = cache?.get(digest!, name);
    const { outcome, keys, verified } = hit
      ? { outcome: retarget(hit.outcome, hit.keys, first), keys: hit.keys, verified: false }
      : await this.scanFile(first);
    if (cache && !hit && verified) cache.put(digest!, name, { outcome, keys });
    return job.members.map((m, k) => (k === 0 ? outcome : retarget(outcome, keys, m)));
  }

  /**
   * What `scan` gives for a job of the one path `m` whose file the caller has already read whole
   * (`readWholeFile`, at most WHOLE_FILE_BYTES): the same outcome from the same bytes, without opening the file
   * again. `sha256` is the bytes' digest when the caller has taken it; `signal` replaces the scanner's.
   */
  async scanRead(m: JobMember, read: WholeFile, sha256?: string, signal?: AbortSignal): Promise<FileOutcome> {
    return (await this.scanFile(m, { read, ...(sha256 !== undefined ? { sha256 } : {}) }, signal ?? this.signal))
      .outcome;
  }

  private async scanFile(
    m: JobMember,
    pre?: { readonly read: WholeFile; readonly sha256?: string },
    signal = this.signal,
  ): Promise<{ outcome: FileOutcome; keys: readonly string[]; verified?: boolean }> {
    const ctx = new RuleContext(m.target, m.stable);
    let verified = false;
    const loc: Location = { chain: [m.path] };
    const fs = new FileScan(
      this.limits,
      this.rules,
      ctx,
      this.classify,
      this.torchSafe,
      signal,
      true,
      m.confine,
      this.stop,
    );
    fs.deserWalk = this.deserWalk;
    const errors: ScanError[] = [];
    let src: OpenedSource | undefined;
    let digest: string | undefined;
    let shards: ShardDigests | undefined;
    let content: ContentDigest | undefined;
    try {
      const remote = pre ? undefined : this.remote?.files.get(m.path);
      const local = remote || pre ? undefined : new FileSource(loc, m.bytesPath ?? m.path, openedAs(m));
      src = pre ? undefined : (local ?? this.remote!.open(loc, remote!));
      // A remote file the scan judges by its head (a tokenizers file) is not read whole: the rest would be fetched
      // for nothing. A local one is read whole all the same (one read, and its SHA-256 for the inventory).
      const whole = pre
        ? pre.read.bytes
        : src!.size <= WHOLE_FILE_BYTES && !(remote && readsHeadOnly(innermostName(loc), src!.size))
          ? src!.readWhole()
          : undefined;
      // A remote file read whole is checked against the digest its listing published: bytes that are not what the
      // listing names fail the scan (a registry serving other content than it lists), and only verified bytes may
      // key a cached result.
      if (remote?.digest !== undefined && whole && whole.length === remote.size) {
        verified = listedDigestMatches(remote.digest, whole);
        if (!verified) {
          dispatchIncomplete(this.rules, ctx, {
            location: loc,
            kind: 'io',
            reason: `the content read is not what the listing names (${remote.digest}): the server sent other bytes`,
          });
        }
      }
      const placeholder = whole ? placeholderReason(m.path, whole.length, whole) : undefined;
      if (placeholder) dispatchIncomplete(this.rules, ctx, { location: loc, kind: 'placeholder', ...placeholder });
      await fs.unit(whole ? new MemorySource(loc, whole) : src!, 0);
      // A remote file is hashed only when it was read whole: hashing a large one would download it.
      // A local file mostly made of holes (sparse: the size claims far more than the disk holds) is not hashed: its
      // hash would be a walk over zeros the file system makes up, bounded by nothing the file stores. Only a run that
      // records digests misses one; a run without them reads what its readers need, as for any file.
      const holes = this.sha256 && local && !whole ? sparseHoles(local.openedStat()) : undefined;
      if (holes !== undefined) {
        dispatchIncomplete(this.rules, ctx, {
          location: loc,
          kind: 'limit',
          reason:
            `sparse file: ${holes} of its ${src!.size} bytes are holes, not stored on disk (an unfinished ` +
            'download or a size made up to exhaust the scan): the data past what its reader needed was not read ' +
            'and the file was not hashed',
        });
      } else if (this.sha256 && (whole || (local && !(this.stop && Date.now() >= this.stop.at)))) {
        // (A large file is not hashed past the scan's time limit: its outcome says it was not fully scanned.)
        const plan = local && this.shardPlan && src!.size <= this.shardPlan.maxFileBytes ? this.shardPlan : undefined;
        if (whole) {
          digest = pre?.sha256 ?? digestBytes(whole);
          if (plan) shards = shardDigestsOf(whole, plan);
        } else if (plan) ({ sha256: digest, shards } = await digestFile(local!, signal, plan));
        else digest = await digestFile(local!, signal);
      }
      // Bytes appended or rewritten during the scan were not scanned: the verdict is about another file. A file
      // read before the scan was checked right after its read (the bytes scanned are the bytes read).
      const changed = pre ? pre.read.changed : src!.changed();
      if (changed !== undefined) {
        dispatchIncomplete(this.rules, ctx, {
          location: loc,
          kind: 'io',
          reason: `not scanned as it is now: ${changed}`,
        });
      } else if (local && digest !== undefined) content = contentDigest(local, digest, shards);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      errors.push({ where: m.path, message: errorMessage(e) });
      dispatchIncomplete(this.rules, ctx, { location: loc, kind: 'io', reason: errorMessage(e) });
    } finally {
      src?.close();
    }
    fs.endedAfterStop(loc, this.stop);
    const outcome = outcomeOf(m.path, m.size, fs, ctx, errors, digest);
    return { outcome: content ? { ...outcome, content } : outcome, keys: ctx.keys, verified };
  }

  /**
   * A job whose file the walk found empty, checked the way `scanFile` opens a file (the same open, the same regular-file
   * check, its size at open) without the reading pipeline: no reader claims zero bytes, so the outcome is what
   * `scanFile` gives for them — the placeholder finding of an empty model file, no formats, the SHA-256 of nothing —
   * built from shared parts. The file's identity comes back apart from the outcomes (`wantDigest`), so that outcomes
   * kept until the report do not each hold one. Undefined when the file cannot be opened, is not empty any more, or
   * the limits leave no time or depth for it: the caller scans it as any other file, which reports what it finds.
   */
  scanEmpty(job: FileJob, wantDigest: boolean): { outcomes: FileOutcome[]; digest?: ContentDigest } | undefined {
    const m = job.members[0]!;
    if (this.limits.maxDepth < 0 || (this.stop && Date.now() >= this.stop.at)) return undefined;
    const deadline = Date.now() + this.limits.maxFileSeconds * 1000;
    let opened: Stats;
    try {
      const src = new FileSource({ chain: [m.path] }, m.bytesPath ?? m.path, openedAs(m));
      opened = src.openedStat();
      src.close();
    } catch {
      return undefined;
    }
    if (opened.size !== 0 || Date.now() > deadline) return undefined;
    const placeholder = placeholderReason(m.path, 0, NOTHING);
    let findings: Finding[] = NO_FINDINGS;
    let keys: readonly string[] = [];
    if (placeholder) {
      const ctx = new RuleContext(m.target, m.stable);
      dispatchIncomplete(this.rules, ctx, { location: { chain: [m.path] }, kind: 'placeholder', ...placeholder });
      findings = ctx.findings;
      keys = ctx.keys;
    }
    const sha256 = this.sha256 ? emptyDigest() : undefined;
    const file: FileSummary = { path: m.path, formats: NO_FORMATS, bytes: m.size, ...(sha256 ? { sha256 } : {}) };
    const outcome: FileOutcome = { path: m.path, findings, pickles: NO_PICKLES, errors: NO_ERRORS, file };
    const outcomes = job.members.map((mm, k) => (k === 0 ? outcome : retarget(outcome, keys, mm)));
    if (!wantDigest || sha256 === undefined) return { outcomes };
    return {
      outcomes,
      digest: {
        id: `${opened.dev}:${opened.ino}`,
        size: 0,
        mtimeMs: opened.mtimeMs,
        ctimeMs: opened.ctimeMs,
        sha256,
      },
    };
  }

  /** A walk item that is not read: a path that could not be listed or opened, a symlink out of the root, a fifo. */
  notScanned(item: Exclude<WalkItem, { kind: 'file' | 'excluded' }>): FileOutcome {
    const ctx = new RuleContext(item.target, item.stable.split(sep).join('/'));
    const location: Location = { chain: [item.path] };
    if (item.kind === 'error') {
      dispatchIncomplete(this.rules, ctx, { location, kind: 'io', reason: item.reason });
      return {
        path: item.path,
        findings: ctx.findings,
        pickles: [],
        errors: [{ where: item.path, message: item.reason }],
      };
    }
    const symlink = item.reason.startsWith('symlink') || item.reason.startsWith('dangling');
    dispatchIncomplete(this.rules, ctx, { location, kind: symlink ? 'symlink' : 'unsupported', reason: item.reason });
    return { path: item.path, findings: ctx.findings, pickles: [], errors: [] };
  }

  /** Outcomes for a job not read because the scan's time limit ran out before it (fail closed). */
  outOfTime(job: FileJob): FileOutcome[] {
    const reason = `not read: the scan's time limit of ${this.stop!.seconds} s ran out before this file was reached`;
    return job.members.map((m) => {
      const ctx = new RuleContext(m.target, m.stable);
      dispatchIncomplete(this.rules, ctx, { location: { chain: [m.path] }, kind: 'limit', limit: TIME_LIMIT, reason });
      return {
        path: m.path,
        findings: ctx.findings,
        pickles: [],
        errors: [],
        file: { path: m.path, formats: [], bytes: m.size },
      };
    });
  }

  /** Outcomes for a job whose worker died while scanning it: the file was not fully read (fail closed). */
  crashed(job: FileJob, reason: string, timedOut: boolean): FileOutcome[] {
    return job.members.map((m) => {
      const ctx = new RuleContext(m.target, m.stable);
      const location: Location = { chain: [m.path] };
      dispatchIncomplete(
        this.rules,
        ctx,
        timedOut
          ? { location, kind: 'limit', limit: 'maxFileSeconds', reason }
          : { location, kind: 'corrupt', reason: `internal error: ${reason}` },
      );
      return {
        path: m.path,
        findings: ctx.findings,
        pickles: [],
        errors: [{ where: m.path, message: reason }],
        file: { path: m.path, formats: [], bytes: m.size },
      };
    });
  }
}

/** Zero bytes: what an empty file reads as. */
const NOTHING = new Uint8Array(0);
let nothingDigest: string | undefined;
/** The SHA-256 of zero bytes, one string for every empty file. */
function emptyDigest(): string {
  return (nothingDigest ??= digestBytes(NOTHING));
}
// One frozen empty list for every empty file's outcome (200,000 empty files kept ~19 MB of empty lists): nothing
// adds to an outcome's lists after its scan, and a frozen list would throw if anything did.
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];
const NO_PICKLES = Object.freeze([]) as unknown as PickleVerdict[];
const NO_ERRORS = Object.freeze([]) as unknown as ScanError[];
const NO_FORMATS: readonly string[] = Object.freeze([]);

function classifyOptions(opts: ScanSetup): ClassifyOptions {
  return {
    ...(opts.extraAllow ? { extraAllow: opts.extraAllow } : {}),
    ...(opts.disabledPacks?.size ? { disabledPacks: opts.disabledPacks } : {}),
  };
}

/**
 * Scans bytes already in memory as if they were a file named `name` (for library users and tests).
 * The same pipeline as scanPaths: sniffing, expanders, rules. `truncated` says the bytes are only a prefix of the
 * input (a stream cut at a budget): the file is then also SCAN-INCOMPLETE.
 */
export async function scanBytes(
  name: string,
  bytes: Uint8Array,
  opts: EngineOptions = {},
  truncated?: { readonly limit: string; readonly reason: string },
): Promise<ScanResult> {
  const t0 = Date.now();
  opts.signal?.throwIfAborted();
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const rules = selectRules(opts.only);
  const ctx = new RuleContext({ arg: name, abs: name, isDirectory: false }, name);
  const torchSafe = opts.torchSafeGlobals ? new Set(opts.torchSafeGlobals.keys()) : undefined;
  const fs = new FileScan(
    limits,
    rules,
    ctx,
    classifyOptions(opts),
    torchSafe,
    opts.signal,
    false,
    undefined,
    opts.stop,
  );
  const loc: Location = { chain: [name] };
  if (truncated) dispatchIncomplete(rules, ctx, { location: loc, kind: 'limit', ...truncated });
  // Input cut by the scan's time limit is not analysed: the time ran out (the finding above says so).
  if (truncated?.limit !== TIME_LIMIT) {
    const placeholder = placeholderReason(name, bytes.length, bytes);
    if (placeholder) dispatchIncomplete(rules, ctx, { location: loc, kind: 'placeholder', ...placeholder });
    await fs.unit(new MemorySource(loc, bytes), 0);
    fs.endedAfterStop(loc, opts.stop);
  }
  let safety: SafetyLevel | undefined;
  for (const v of fs.verdicts) safety = safety ? maxSafety(safety, v.safety) : v.safety;
  return {
    findings: ctx.findings,
    pickles: fs.verdicts,
    files: [
      fileSummary(
        name,
        bytes.length,
        fs,
        safety,
        ctx,
        opts.sha256 === false || truncated?.limit === TIME_LIMIT ? undefined : digestBytes(bytes),
      ),
    ],
    errors: fs.errors,
    rules: rules.map((r) => r.meta.id),
    durationMs: Date.now() - t0,
    scannedFiles: 1,
  };
}

/** A scanned file's outcome: its findings, pickle verdicts, errors and summary. */
/**
 * The digest with the identity of the file it was taken of, when the file is still that file (same status at open
 * and now, change time included: a rewrite that puts the modification time back still moves it).
 */
function contentDigest(src: FileSource, sha256: string, shards?: ShardDigests): ContentDigest | undefined {
  const was = src.openedStat();
  let now;
  try {
    now = src.stat();
  } catch {
    return undefined;
  }
  if (now.ctimeMs !== was.ctimeMs || now.mtimeMs !== was.mtimeMs || now.size !== was.size) return undefined;
  const id = `${was.dev}:${was.ino}`;
  return { id, size: was.size, mtimeMs: was.mtimeMs, ctimeMs: was.ctimeMs, sha256, ...(shards ? { shards } : {}) };
}

function outcomeOf(
  path: string,
  size: number,
  fs: FileScan,
  ctx: RuleContext,
  errors: ScanError[],
  digest: string | undefined,
): FileOutcome {
  errors.push(...fs.errors);
  let safety: SafetyLevel | undefined;
  for (const v of fs.verdicts) safety = safety ? maxSafety(safety, v.safety) : v.safety;
  const file = fileSummary(path, size, fs, safety, ctx, digest);
  return {
    path,
    findings: ctx.findings,
    pickles: fs.verdicts,
    errors,
    file,
    ...(fs.readsBeside ? { readsBeside: true } : {}),
    ...(fs.summaries !== undefined || fs.folder !== undefined
      ? { summaries: { ...fs.summaries, ...(fs.folder ? { [MODEL_FOLDER_PHASE]: fs.folder } : {}) } }
      : {}),
  };
}

/** The file's summary; an extension that disagrees with the content is added to the file's findings as evidence. */
function fileSummary(
  path: string,
  bytes: number,
  fs: FileScan,
  safety: SafetyLevel | undefined,
  ctx: RuleContext,
  digest: string | undefined,
): FileSummary {
  const formats = [...fs.formats];
  const mismatch = extensionMismatch(basename(path), formats);
  if (mismatch) {
    for (let i = 0; i < ctx.findings.length; i++) {
      const f = ctx.findings[i]!;
      ctx.findings[i] = {
        ...f,
        evidence: { ...f.evidence, details: { ...f.evidence.details, extensionMismatch: mismatch } },
      };
    }
  }
  return {
    path,
    formats,
    bytes,
    ...(fs.checked.size ? { checked: [...fs.checked] } : {}),
    ...(digest ? { sha256: digest } : {}),
    ...(safety ? { safety } : {}),
    ...(mismatch ? { extensionMismatch: mismatch } : {}),
    ...(fs.models.length ? { models: fs.models } : {}),
    ...(fs.notes.length ? { notes: fs.notes } : {}),
  };
}

function dispatchIncomplete(rules: readonly Rule[], ctx: RuleContext, fact: IncompleteFact): void {
  for (const r of rules) r.visit.incomplete?.(fact, ctx);
}

/** Where each reading of one source starts, and the member ranges its containers hand on unchanged. */
interface ReadingSpans {
  current: string;
  /** Expanders that read the source so far, in order. */
  readonly readings: string[];
  readonly starts: Map<string, number>;
  readonly members: (readonly [number, number])[];
}

/** Notes kept per top-level file. */
const MAX_FILE_NOTES = 20;

/** Member ranges kept per source for the polyglot check (a reading starting at a later member is still judged). */
const MAX_MEMBER_RANGES = 100_000;

/** Scans one top-level file and everything nested in it. */
class FileScan {
  readonly verdicts: PickleVerdict[] = [];
  readonly errors: ScanError[] = [];
  readonly formats = new Set<string>();
  /** What was checked besides the formats (a chat template, a config's remote-code references). */
  readonly checked = new Set<string>();
  /** Notes on what the file's readers ignore (trailing bytes after a ZIP end record, …). */
  readonly notes: string[] = [];
  /** What the cross-file phases (post-walk.ts) need of this file, by phase id. */
  summaries: Record<string, unknown> | undefined;
  readonly models: ModelSummary[] = [];
  /** What the model-folder phase needs from this file (top-level files of a path scan only). */
  folder: ModelFolderSummary | undefined;
  /** A pickle in this file names files beside it (read or not, the outcome depends on the folder). */
  readsBeside = false;
  /** The unit being scanned is an archive a Keras whole-model pickle loads (keras-unpickle.ts). */
  private unsafeKeras = false;
  private readonly deadline: number;
  private charged = 0;
  /** The scan's budget of syntax nodes parsed for the DESER project (FileScanner), when it has one. */
  deserWalk: DeserWalkBudget | undefined;

  constructor(
    readonly limits: Limits,
    private readonly rules: readonly Rule[],
    private readonly ctx: RuleContext,
    private readonly classify: ClassifyOptions,
    private readonly torchSafeGlobals?: ReadonlySet<string>,
    private readonly signal?: AbortSignal,
    /** True when post-walk phases run after this scan (scanPaths; not scanBytes). */
    private readonly postWalk = false,
    /** Where the scanned file had to lie when opened: files read beside it are held to the same folders. */
    readonly confine?: Confinement,
    /** The scan's time limit: the file's time budget ends at it when that comes first. */
    stop?: ScanStop,
  ) {
    const own = Date.now() + limits.maxFileSeconds * 1000;
    this.deadline = stop && stop.at < own ? stop.at : own;
    if (stop && stop.at < own) this.stop = stop;
  }

  /** The scan's time limit, when it ends this file's time budget. */
  private readonly stop: ScanStop | undefined;
  /** A finding already says the scan's time limit cut this file short. */
  private cutByStop = false;

  /** Whether the scanned file is a file on disk (a path scan), so files beside it can be read. */
  get onDisk(): boolean {
    return this.postWalk;
  }

  async unit(src: ByteSource, depth: number): Promise<void> {
    this.signal?.throwIfAborted();
    if (depth > this.limits.maxDepth) {
      this.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxDepth',
        reason: `nesting deeper than ${this.limits.maxDepth} levels`,
      });
      return;
    }
    if (Date.now() >= this.deadline) {
      this.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxFileSeconds',
        reason: 'time budget for this file exhausted',
      });
      return;
    }
    if (src.size === 0) return;
    const head = src.read(0, HEAD_BYTES);
    const ctx = this.unitContext(depth);
    // Every reading: each format whose loader would take these bytes reads them, not only the first one that
    // claims them (a file that is both a torch zip and safetensors, or a pickle and HDF5 behind a user block, runs
    // whichever loader its consumer picks). Two or more readings of one file are a polyglot (ARCHIVE-TAMPER).
    const readings = ctx.readings;
    let failed = false;
    for (const ex of EXPANDERS) {
      if (!ex.detect(head, src)) continue;
      ctx.current = ex.id;
      try {
        if (await ex.expand(src, ctx)) readings.push(ex.id);
      } catch (e) {
        if (this.signal?.aborted) throw this.signal.reason;
        this.failure(src.location, ex.id, e);
        // A reader that failed on bytes it recognised by structure is a reading too (fail closed on both).
        if (!NAME_CHOSEN.has(ex.id)) readings.push(ex.id);
        failed = true;
      }
    }
    // One reading (most files) is no polyglot: the distinct readings are only counted when there are two.
    const distinct = readings.length >= 2 ? polyglotReadings(readings, ctx.starts, ctx.members) : readings;
    if (distinct.length >= 2) {
      for (const r of this.rules) {
        r.visit.container?.(
          {
            location: src.location,
            format: distinct.join('+'),
            anomalies: [
              {
                code: 'POLYGLOT',
                message:
                  `the same bytes are read as ${distinct.join(', ')} by their respective loaders (each reading was ` +
                  'scanned): a file that several loaders read differently is never an accident',
                offset: 0,
              },
            ],
          },
          this.ctx,
        );
      }
    }
    // Nothing claimed the file: the inventory still says what it is.
    if (!failed && depth === 0 && this.formats.size === 0)
      this.formats.add(looksLikeText(head) ? 'text' : 'unrecognized');
  }

  private failure(location: Location, format: string, e: unknown): void {
    if (e instanceof RemoteReadError) this.incomplete({ location, kind: 'io', reason: e.message });
    else if (e instanceof LimitError) this.incomplete({ location, kind: 'limit', limit: e.limit, reason: e.message });
    else if (e instanceof EncryptedError) this.incomplete({ location, kind: 'encrypted', reason: e.message });
    else if (e instanceof UnsupportedError) this.incomplete({ location, kind: 'unsupported', reason: e.message });
    else if (e instanceof CorruptError)
      this.incomplete({ location, kind: 'corrupt', reason: `corrupt ${format}: ${e.message}` });
    else {
      // A tool bug must not turn into a pass: record the error and fail closed on this unit.
      this.errors.push({ where: formatLocation(location), message: `internal error in ${format}: ${errorMessage(e)}` });
      this.incomplete({
        location,
        kind: 'corrupt',
        reason: `internal error while reading ${format}: ${errorMessage(e)}`,
      });
    }
  }

  private unitContext(depth: number): UnitContext & ReadingSpans {
    // The context is its own reading record (a plain field `current`, not an accessor pair: an object literal with
    // accessors is built on V8's slow path, once per unit of every file).
    const starts = new Map<string, number>();
    const members: (readonly [number, number])[] = [];
    const readings: string[] = [];
    const ctx: UnitContext & ReadingSpans = {
      current: '',
      starts,
      members,
      memberRanges: (ranges) => {
        for (const r of ranges) if (members.length < MAX_MEMBER_RANGES) members.push(r);
      },
      readingStart: (offset) => starts.set(ctx.current, offset),
      readings,
      otherReadings: () => readings.filter((r) => !NAME_CHOSEN.has(r)),
      limits: this.limits,
      depth,
      deadline: this.deadline,
      scanChild: (src) => this.unit(src, depth + 1),
      analyzePickle: (src, start, end, loader, context, first, stopAfter) =>
        this.pickle(src, start, end, loader, context, depth, first, stopAfter),
      container: (fact) => {
        for (const r of this.rules) r.visit.container?.(fact, this.ctx);
      },
      native: (fact) => {
        for (const r of this.rules) r.visit.native?.(fact, this.ctx);
      },
      incomplete: (fact) => this.incomplete(fact),
      model: (fact) => this.model(fact),
      inventory: (summary) => {
        if (this.models.length < MAX_MODEL_SUMMARIES) this.models.push(summary);
      },
      folder: (summary) => {
        if (!this.postWalk || depth > 0) return false;
        this.folder = { ...this.folder, ...summary };
        return true;
      },
      code: (src, kind) => this.code(src, kind, depth),
      torchScriptCode: (archive, files, stored) => this.torchScriptCode(archive, files, stored),
      format: (name) => this.formats.add(name),
      checked: (what) => this.checked.add(what),
      note: (message) => {
        if (this.notes.length < MAX_FILE_NOTES && !this.notes.includes(message)) this.notes.push(message);
      },
      remainingBytes: () => Math.max(0, this.limits.maxTotalBytes - this.charged),
      charge: (bytes) => {
        this.charged += bytes;
        if (this.charged > this.limits.maxTotalBytes) {
          throw new LimitError(
            'maxTotalBytes',
            `more than ${this.limits.maxTotalBytes} bytes decompressed for this file`,
          );
        }
      },
    };
    return ctx;
  }

  private model(fact: ModelFact): void {
    if (this.unsafeKeras && fact.rule === 'MODEL-LAMBDA-CODE')
      fact = { ...fact, signal: `${fact.signal}; ${UNSAFE_LOAD}` };
    for (const r of this.rules) r.visit.model?.(fact, this.ctx);
  }

  /** Python source (modules, hubconf.py, TorchScript code/): the analyzer is loaded only when code is met. */
  private async code(src: ByteSource, kind: CodeKind, depth: number): Promise<void> {
    if (src.size > MAX_SOURCE_BYTES) {
      this.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntryBytes',
        reason: `source file of ${src.size} bytes is larger than ${MAX_SOURCE_BYTES}`,
      });
      return;
    }
    // Only the selected code rules' detectors run, on one analysis. When only DESER rules are selected, its gates
    // skip files that cannot yield a DESER signal (nothing named in the text: not parsed; only weights-only
    // torch.load calls: parsed, not analysed).
    const wantTorch = this.rules.some((r) => r.meta.category === 'TORCH' && r.visit.code !== undefined);
    const deserRules = kind !== 'torchscript' && this.rules.some((r) => r.meta.category === 'DESER');
    // Top-level Python files are modules of the scan's DESER project (deser-phase.ts): their DESER signals come
    // from the post-walk phase, which gets this file's summary.
    const project = deserRules && this.postWalk && src.location.chain.length === 1;
    const wantDeser = deserRules && !project;
    // A top-level module may be one a model folder's auto_map names: its import-time calls go to that phase.
    const wantImportTime =
      kind === 'python' && this.postWalk && depth === 0 && this.rules.some((r) => r.meta.category === 'MODEL');
    if (!wantTorch && !deserRules && !wantImportTime) return;
    const { decodePythonSource } = await import('../analyzers/python/source-encoding.js');
    // TorchScript code is read as torch reads it (UTF-8 whatever a coding line says; its line ends and indentation:
    // torchscript-lexing.ts).
    const bytes = readAll(src);
    const decoded: ReturnType<typeof decodePythonSource> =
      kind === 'torchscript'
        ? { ok: true, text: torchScriptText(bytes), encoding: 'utf-8' }
        : decodePythonSource(bytes);
    if (!decoded.ok) {
      // Python would decode (or refuse) it in that encoding; reading it as UTF-8 could hide what it runs.
      this.incomplete({
        location: src.location,
        kind: 'unsupported',
        reason: `Python source not analysed: ${decoded.reason}`,
      });
      return;
    }
    const text = decoded.text;
    // The project's analysis of this module, when it was made with the options the rules below would use: the same
    // module, not analysed a second time (two analyses of one large module held at once doubled its memory).
    let analysed: PythonModule | undefined;
    if (project) {
      const { deserSummary, deserBudgetIncomplete, DESER_PHASE_ID, reusableModule } = await import('./deser-phase.js');
      const budget = { timeoutMs: Math.max(1000, this.deadline - Date.now()) };
      const summary = await deserSummary(text, budget, this.deserWalk);
      this.summaries = { ...this.summaries, [DESER_PHASE_ID]: summary };
      const cut = deserBudgetIncomplete(summary.module, src.location);
      if (cut !== undefined) this.incomplete(cut);
      if (!wantTorch && !wantImportTime) return;
      analysed = reusableModule(summary);
    }
    const [{ analyzePythonModule, MAX_TORCHSCRIPT_RECURSION }, torch, deser, gate, importTime, phase] =
      await Promise.all([
        import('../analyzers/python/analyze-module.js'),
        wantTorch ? import('../analyzers/python/torch/torch-code.js') : undefined,
        wantDeser ? import('../analyzers/deser/code.js') : undefined,
        wantDeser && !wantTorch && !wantImportTime ? import('../analyzers/deser/gate.js') : undefined,
        wantImportTime ? import('../analyzers/python/torch/import-time-rule.js') : undefined,
        wantDeser ? import('./deser-phase.js') : undefined,
      ]);
    // The DESER rules' name-resolution budget holds here as in the project phase, and running out of it is said.
    const steps = phase?.DESER_MODULE_LIMITS.maxResolveSteps;
    const budget = {
      timeoutMs: Math.max(1000, this.deadline - Date.now()),
      ...(steps !== undefined ? { maxResolveSteps: steps } : {}),
    };
    const mod = analysed
      ? analysed
      : gate
        ? await gate.analyzeForDeser(text, budget)
        : await analyzePythonModule(text, {
            ...budget,
            ...(kind === 'torchscript' && torch ? { implicitGlobals: { ...torch.TORCHSCRIPT_IMPLICIT_GLOBALS } } : {}),
            // torch.jit.load parses every method of the file, called or not, with a recursive-descent parser.
            ...(kind === 'torchscript' ? { maxRecursion: MAX_TORCHSCRIPT_RECURSION, protocolUses: true } : {}),
          });
    if (mod === undefined) return;
    const cut = phase?.deserBudgetIncomplete(mod, src.location);
    if (cut !== undefined) this.incomplete(cut);
    if (importTime) {
      this.folder = {
        ...this.folder,
        python: {
          importTime: importTime.detectImportTimeCalls(mod),
          relativeImports: importTime.relativeImports(mod),
        },
      };
    }
    const signals = [
      ...(torch ? torch.detectTorchSignals(mod, { fileKind: kind }) : []),
      ...(deser && deser.mayHaveDeserSignals(text) ? deser.detectDeserSignals(mod) : []),
    ];
    const fact: CodeFact = { location: src.location, kind, signals };
    for (const r of this.rules) r.visit.code?.(fact, this.ctx);
  }

  /**
   * The `code/` files of one TorchScript archive: torch.jit.load finds a class by its module's file, so load code
   * that calls a class of another file runs that file's code. The files are analysed together, within
   * MAX_TORCHSCRIPT_FILES and MAX_TORCHSCRIPT_BYTES; the files past a limit are analysed alone.
   */
  private async torchScriptCode(
    archive: Location,
    files: readonly TorchScriptCodeFile[],
    stored?: StoredStates,
  ): Promise<void> {
    if (!this.rules.some((r) => r.meta.category === 'TORCH' && r.visit.code !== undefined)) return;
    const { together, alone, over } = partitionTorchScriptCode(
      files.filter((f) => {
        if (f.src.size <= MAX_SOURCE_BYTES) return true;
        this.incomplete({
          location: f.src.location,
          kind: 'limit',
          limit: 'maxEntryBytes',
          reason: `source file of ${f.src.size} bytes is larger than ${MAX_SOURCE_BYTES}`,
        });
        return false;
      }),
      MAX_TORCHSCRIPT_FILES,
      MAX_TORCHSCRIPT_BYTES,
    );
    for (const f of alone) await this.code(f.src, 'torchscript', 0);
    if (over !== undefined)
      this.incomplete({
        location: archive,
        kind: 'limit',
        limit: 'maxTorchScriptCode',
        reason:
          `${over}: the first ${together.length} files were analysed together and the rest one by one, so calls ` +
          'from load code into classes and functions of those files were not followed',
      });
    const [{ analyzePythonModule, MAX_TORCHSCRIPT_RECURSION }, torch, rule] = await Promise.all([
      import('../analyzers/python/analyze-module.js'),
      import('../analyzers/python/torch/torch-code.js'),
      import('../analyzers/python/torch/torchscript-load-rule.js'),
    ]);
    const read: { src: ByteSource; path: string; mod: PythonModule }[] = [];
    for (const f of together) {
      const mod = await analyzePythonModule(torchScriptText(readAll(f.src)), {
        timeoutMs: Math.max(1000, this.deadline - Date.now()),
        implicitGlobals: { ...torch.TORCHSCRIPT_IMPLICIT_GLOBALS },
        // torch.jit.load parses every method of the file, called or not, with a recursive-descent parser.
        maxRecursion: MAX_TORCHSCRIPT_RECURSION,
        // An operator on an object of an archive class runs the class's special method.
        protocolUses: true,
      });
      read.push({ src: f.src, path: f.path, mod });
    }
    const index = rule.indexTorchScriptArchive(
      read.map(({ mod, path }) => ({ mod, path })),
      stored,
    );
    read.forEach(({ src, mod }, file) => {
      const signals = torch.detectTorchSignals(mod, { fileKind: 'torchscript', archive: index, file });
      const fact: CodeFact = { location: src.location, kind: 'torchscript', signals };
      for (const r of this.rules) r.visit.code?.(fact, this.ctx);
    });
  }

  private incomplete(fact: IncompleteFact): void {
    // A time budget cut short by the scan's time limit says so: the limit reached is the scan's, not the file's.
    if (this.stop && fact.limit === 'maxFileSeconds' && Date.now() >= this.stop.at) {
      fact = {
        ...fact,
        limit: TIME_LIMIT,
        reason: `the scan's time limit of ${this.stop.seconds} s ran out while this file was read (${fact.reason})`,
      };
      this.cutByStop = true;
    }
    dispatchIncomplete(this.rules, this.ctx, fact);
  }

  /**
   * After the file's scan: a file that was still being scanned when the scan's time limit ran out was not fully
   * scanned by then, whatever stopped it (a pickle VM's time check is a PICKLE-STRUCT finding, or no check was
   * reached): one SCAN-INCOMPLETE says so, unless a finding already does.
   */
  endedAfterStop(location: Location, stop: ScanStop | undefined): void {
    if (!stop || this.cutByStop || Date.now() < stop.at) return;
    this.cutByStop = true;
    dispatchIncomplete(this.rules, this.ctx, {
      location,
      kind: 'limit',
      limit: TIME_LIMIT,
      reason: `the scan's time limit of ${stop.seconds} s ran out while this file was read: it was not fully scanned by then`,
    });
  }

  private async pickle(
    src: ByteSource,
    start: number,
    end: number,
    loader: LoaderModel,
    context: string,
    depth: number,
    first?: PickleRun,
    stopAfter?: number,
  ): Promise<PickleUnitResult> {
    const analysis = analyzeStream(
      src,
      start,
      end,
      {
        limits: this.limits,
        loader,
        deadline: this.deadline,
        maxNestedBytes: Math.min(this.limits.maxEntryBytes, 256 * 1024 * 1024),
        importMatters,
        plainReadingKeeps: (imp) => {
          const v = classifyImport(imp, this.classify);
          return v.kind === 'dangerous' || v.kind === 'unresolved' || (v.kind === 'unknown' && v.framework);
        },
        ...(stopAfter !== undefined ? { stopAfter } : {}),
      },
      first,
    );
    for (const run of analysis.runs) {
      const internal = run.anomalies.find((a) => a.code === 'INTERNAL_ERROR');
      if (internal !== undefined) {
        const location = at(src.location, internal.offset);
        this.errors.push({ where: formatLocation(location), message: `internal error in pickle: ${internal.message}` });
        this.incomplete({ location, kind: 'corrupt', reason: internal.message });
      }
      const verdicts = classifyRun(run, { ...this.classify, context });
      const childLevels: SafetyLevel[] = [];
      for (const n of run.nested) {
        if (depth + 1 > this.limits.maxDepth) {
          this.incomplete({
            location: at(src.location, n.offset),
            kind: 'limit',
            limit: 'maxDepth',
            reason: 'nested payload too deep',
          });
          continue;
        }
        const before = this.verdicts.length;
        const childSrc = new MemorySource(child(src.location, nestedSegment(n.offset)), n.bytes);
        // What Keras's whole-model unpickling builds from its archive is built with safe_mode=False: said with each
        // finding the archive's config gives.
        const outer = this.unsafeKeras;
        if (loadsKerasUnsafely(n.loader.canonical)) this.unsafeKeras = true;
        try {
          await this.unit(childSrc, depth + 1);
        } finally {
          this.unsafeKeras = outer;
        }
        for (const v of this.verdicts.slice(before)) childLevels.push(v.safety);
      }
      for (const c of run.companions ?? []) {
        this.readsBeside = true;
        const before = this.verdicts.length;
        await scanCompanion(this, src, run, c, depth);
        for (const v of this.verdicts.slice(before)) childLevels.push(v.safety);
      }
      const safety = pickleSafety(run, verdicts, childLevels);
      const fact: PickleFact = {
        run,
        location: src.location,
        context,
        verdicts,
        safety,
        ...(this.torchSafeGlobals ? { torchSafeGlobals: this.torchSafeGlobals } : {}),
      };
      for (const r of this.rules) r.visit.pickle?.(fact, this.ctx);
      this.verdicts.push({
        where: formatLocation(at(src.location, run.start)),
        safety,
        ...(run.protocol !== undefined ? { protocol: run.protocol } : {}),
        opcodes: run.opcodes,
        imports: run.imports.length,
        ...(run.imports.length ? { globals: globalsOf(verdicts) } : {}),
        context,
        ...admittedOf(verdicts),
      });
    }
    return { runs: analysis.runs, end: analysis.end };
  }
}

const MAX_LISTED_GLOBALS = 256;

/** The distinct imported names of one pickle run with their verdicts (inventory, `--list-globals`). */
function globalsOf(verdicts: ReadonlyMap<ImportFact, Verdict>): { name: string; verdict: GlobalVerdict }[] {
  const out = new Map<string, GlobalVerdict>();
  for (const [imp, v] of verdicts) {
    if (out.size >= MAX_LISTED_GLOBALS) break;
    const name = v.kind === 'unresolved' ? `? (${v.reason})` : `${imp.module}.${imp.name}`;
    if (!out.has(name)) out.set(name, v.kind);
  }
  return [...out].map(([name, verdict]) => ({ name, verdict }));
}

/** At most this many admitted names are listed per stream (a stream may import thousands of globals). */
const MAX_ADMITTED_LISTED = 200;

/** The distinct admitted globals of one stream, with the pack and versions that admitted each. */
function admittedOf(verdicts: ReadonlyMap<ImportFact, Verdict>): { admitted?: AdmittedName[] } {
  const out = new Map<string, AdmittedName>();
  for (const [imp, v] of verdicts) {
    if (v.kind !== 'allowed' || out.has(imp.canonical)) continue;
    if (out.size >= MAX_ADMITTED_LISTED) break;
    out.set(imp.canonical, {
      name: imp.canonical,
      pack: v.source,
      ...(v.versions ? { versions: v.versions } : {}),
      ...(v.reading ? { reading: v.reading } : {}),
    });
  }
  return out.size ? { admitted: [...out.values()] } : {};
}

/** Highest safety level over a list of pickle verdicts (LIKELY_SAFE when empty). */
export function worstSafety(vs: readonly PickleVerdict[]): SafetyLevel {
  let s: SafetyLevel = 'LIKELY_SAFE';
  for (const v of vs) if (safetyRank(v.safety) > safetyRank(s)) s = v.safety;
  return s;
}

export type { ContainerFact };
