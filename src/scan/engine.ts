// The scan engine: paths → files → sniff → expanders (containers recurse into child sources) → pickle VM and
// other analyzers (facts) → rules (findings). Errors on one file never stop the others, and every error or
// limit becomes a SCAN-INCOMPLETE fact: an unscannable file is never a pass.
import { basename, sep } from 'node:path';
import { extensionMismatch } from '../formats/extension.js';
import { looksLikeText } from '../formats/text.js';
import { analyzeStream } from '../analyzers/pickle/analyze.js';
import type { ImportFact, PickleRun } from '../analyzers/pickle/facts.js';
import type { LoaderModel } from '../analyzers/pickle/vm.js';
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
import { FileSource, MemorySource, readAll, type ByteSource } from '../sources/byte-source.js';
import { EXPANDERS } from './expand/index.js';
import type { CodeKind, PickleUnitResult, UnitContext } from './expand/context.js';
import { walk, type WalkItem } from '../sources/walker.js';
import type { FileOutcome } from './file-outcome.js';
import { POST_WALK_PHASES, type PlacedOutcome } from './post-walk.js';
import { retarget } from './retarget.js';
import { planScan, type FileJob, type JobMember } from './scan-plan.js';
import { CorruptError, EncryptedError, errorMessage, LimitError, UnsupportedError } from '../core/errors.js';
import type { AdmittedName, FileSummary, Finding, ModelSummary, PickleVerdict, ScanError } from '../core/finding.js';
import { MODEL_FOLDER_PHASE, type ModelFolderSummary } from './model-folder-summary.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { at, child, formatLocation, nestedSegment, type Location } from '../core/location.js';
import { maxSafety, safetyRank, type SafetyLevel } from '../core/severity.js';

export interface EngineOptions {
  readonly limits?: Partial<Limits>;
  /** Rule IDs or categories to run (empty = all). SCAN and ARCHIVE rules always run: coverage is not optional. */
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
  /** Model-cache roots (HF_HOME, HF_HUB_CACHE): symlinks under a scan path inside one are followed within it. */
  readonly cacheRoots?: readonly string[];
  /** Stops the scan between files and between container entries: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The options a worker thread needs to scan a file (plain, structured-cloneable data). */
export type ScanSetup = Pick<EngineOptions, 'limits' | 'only' | 'extraAllow' | 'disabledPacks' | 'torchSafeGlobals'>;

export interface ScanResult {
  readonly findings: Finding[];
  readonly pickles: PickleVerdict[];
  readonly files: FileSummary[];
  readonly errors: ScanError[];
  readonly rules: readonly string[];
  readonly durationMs: number;
  /** Distinct file contents read (a file named by several paths is read once and reported under each). */
  readonly scannedFiles?: number;
  /** Files scanned on worker threads (0: everything ran on the calling thread). */
  readonly scannedOnWorkers?: number;
}

const HEAD_BYTES = 4096;
/** Model inventory lines kept per top-level file (an archive of many models lists the first ones). */
const MAX_MODEL_SUMMARIES = 1000;
/**
 * Files up to this size are read with one read call and scanned from memory: the sniffers and the pickle decoder
 * would otherwise read the same few kilobytes several times. Larger files are read window by window.
 */
const WHOLE_FILE_BYTES = 1024 * 1024;
/** Source files larger than this are reported, not parsed. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export function selectRules(only: readonly string[] | undefined): Rule[] {
  if (!only || only.length === 0) return [...RULES];
  const wanted = new Set(only.map((s) => s.toUpperCase()));
  return RULES.filter(
    (r) =>
      wanted.has(r.meta.id) ||
      wanted.has(r.meta.category) ||
      r.meta.category === 'SCAN' ||
      r.meta.category === 'ARCHIVE',
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
  const setup: ScanSetup = {
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.extraAllow ? { extraAllow: opts.extraAllow } : {}),
    ...(opts.disabledPacks?.size ? { disabledPacks: opts.disabledPacks } : {}),
    ...(opts.torchSafeGlobals ? { torchSafeGlobals: opts.torchSafeGlobals } : {}),
  };
  opts.signal?.throwIfAborted();
  const scanner = new FileScanner(setup, opts.signal);
  const items = [...walk(paths, opts.cacheRoots ? { cacheRoots: opts.cacheRoots } : {})];
  const plan = planScan(items);
  const placed: (PlacedOutcome | undefined)[] = new Array(items.length);
  const notScanned: (FileOutcome | undefined)[] = new Array(items.length);
  let done = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === 'file') continue;
    notScanned[i] = scanner.notScanned(item);
    opts.onFile?.(++done, item.path);
  }
  const settle = (job: FileJob, outcomes: readonly FileOutcome[]): void => {
    job.members.forEach((member, k) => {
      placed[member.index] = { member, outcome: outcomes[k]! };
      opts.onFile?.(++done, member.path);
    });
  };
  const scannedOnWorkers = await runJobs(plan.jobs, scanner, setup, opts.jobs ?? 1, settle, opts.signal);

  const out = { findings: [] as Finding[], pickles: [] as PickleVerdict[], files: [] as FileSummary[] };
  const errors: ScanError[] = [];
  const files: PlacedOutcome[] = [];
  for (let i = 0; i < items.length; i++) {
    const p = placed[i];
    if (p) files.push(p);
    const o = p?.outcome ?? notScanned[i];
    if (!o) continue;
    out.pickles.push(...o.pickles);
    errors.push(...o.errors);
    if (o.file) out.files.push(o.file);
    out.findings.push(...o.findings);
  }
  for (const phase of POST_WALK_PHASES) {
    if (!phase.wanted(scanner.rules)) continue;
    out.findings.push(...(await phase.run({ files, rules: scanner.rules, limits: scanner.limits })));
  }
  return {
    ...out,
    errors,
    rules: scanner.rules.map((r) => r.meta.id),
    durationMs: Date.now() - t0,
    scannedFiles: plan.jobs.length,
    scannedOnWorkers,
  };
}

/**
 * Work below this many files and bytes is scanned on the calling thread: a worker costs its own start-up and its
 * own JIT warm-up (measured: 64 small pickles took ~130 ms more CPU on two workers than on the main thread).
 */
const POOL_MIN_FILES = 256;
const POOL_MIN_BYTES = 128 * 1024 * 1024;

/**
 * Scans every job, on worker threads when asked for and worth it; `settle` gets each job's outcomes once. Returns
 * how many jobs ran on workers.
 */
async function runJobs(
  jobs: readonly FileJob[],
  scanner: FileScanner,
  setup: ScanSetup,
  workers: number,
  settle: (job: FileJob, outcomes: readonly FileOutcome[]) => void,
  signal?: AbortSignal,
): Promise<number> {
  let bytes = 0;
  for (const j of jobs) bytes += j.members[0]!.size;
  let left: readonly number[] = jobs.map((_, i) => i);
  if (workers > 1 && jobs.length > 1 && (jobs.length >= POOL_MIN_FILES || bytes >= POOL_MIN_BYTES)) {
    const { runPool, workerEntry } = await import('./worker-pool.js');
    const ts = import.meta.url.endsWith('.ts');
    left = await runPool(jobs, {
      script: workerEntry(new URL(ts ? './scan-worker.ts' : './scan-worker.js', import.meta.url)),
      workers: Math.min(workers, jobs.length),
      workerData: setup,
      weight: (job) => job.members[0]!.size + 4096,
      maxAheadWeight: 4 * 1024 * 1024,
      jobTimeoutMs: scanner.limits.maxFileSeconds * 1000 * 2 + 30_000,
      // A 16 MB young generation per worker (the default let 10,000 small pickles on two workers reach 191 MB RSS,
      // 155 MB with this, at the same CPU time).
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
      onResult: (i, outcomes: FileOutcome[]) => settle(jobs[i]!, outcomes),
      onCrash: (i, reason, timedOut) => settle(jobs[i]!, scanner.crashed(jobs[i]!, reason, timedOut)),
      ...(signal ? { signal } : {}),
    });
  }
  for (const i of left) {
    signal?.throwIfAborted();
    settle(jobs[i]!, await scanner.scan(jobs[i]!));
  }
  return jobs.length - left.length;
}

/** Scans files for one configuration; used on the main thread and in each worker thread (scan-worker.ts). */
export class FileScanner {
  readonly limits: Limits;
  readonly rules: Rule[];
  private readonly classify: ClassifyOptions;
  private readonly torchSafe: ReadonlySet<string> | undefined;

  constructor(
    setup: ScanSetup,
    /** Main thread only (a signal cannot cross to a worker): checked before each container entry. */
    private readonly signal?: AbortSignal,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...setup.limits };
    this.rules = selectRules(setup.only);
    this.classify = classifyOptions(setup);
    this.torchSafe = setup.torchSafeGlobals ? new Set(setup.torchSafeGlobals.keys()) : undefined;
  }

  /** One outcome per member of the job: the first member is read, the others get its outcome re-targeted. */
  async scan(job: FileJob): Promise<FileOutcome[]> {
    const first = job.members[0]!;
    const { outcome, keys } = await this.scanFile(first);
    return job.members.map((m, k) => (k === 0 ? outcome : retarget(outcome, keys, m)));
  }

  private async scanFile(m: JobMember): Promise<{ outcome: FileOutcome; keys: readonly string[] }> {
    const ctx = new RuleContext(m.target, m.stable);
    const loc: Location = { chain: [m.path] };
    const fs = new FileScan(this.limits, this.rules, ctx, this.classify, this.torchSafe, this.signal, true);
    const errors: ScanError[] = [];
    let src: FileSource | undefined;
    try {
      src = new FileSource(loc, m.path);
      await fs.unit(src.size <= WHOLE_FILE_BYTES ? new MemorySource(loc, src.readWhole()) : src, 0);
      // Bytes appended or rewritten during the scan were not scanned: the verdict is about another file.
      const changed = src.changed();
      if (changed !== undefined) {
        dispatchIncomplete(this.rules, ctx, {
          location: loc,
          kind: 'io',
          reason: `not scanned as it is now: ${changed}`,
        });
      }
    } catch (e) {
      if (this.signal?.aborted) throw this.signal.reason;
      errors.push({ where: m.path, message: errorMessage(e) });
      dispatchIncomplete(this.rules, ctx, { location: loc, kind: 'io', reason: errorMessage(e) });
    } finally {
      src?.close();
    }
    return { outcome: outcomeOf(m.path, m.size, fs, ctx, errors), keys: ctx.keys };
  }

  /** A walk item that is not read: a path that could not be listed or opened, a symlink out of the root, a fifo. */
  notScanned(item: Exclude<WalkItem, { kind: 'file' }>): FileOutcome {
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
  const fs = new FileScan(limits, rules, ctx, classifyOptions(opts), torchSafe, opts.signal);
  const loc: Location = { chain: [name] };
  if (truncated) dispatchIncomplete(rules, ctx, { location: loc, kind: 'limit', ...truncated });
  await fs.unit(new MemorySource(loc, bytes), 0);
  let safety: SafetyLevel | undefined;
  for (const v of fs.verdicts) safety = safety ? maxSafety(safety, v.safety) : v.safety;
  return {
    findings: ctx.findings,
    pickles: fs.verdicts,
    files: [fileSummary(name, bytes.length, fs, safety, ctx)],
    errors: fs.errors,
    rules: rules.map((r) => r.meta.id),
    durationMs: Date.now() - t0,
    scannedFiles: 1,
  };
}

/** A scanned file's outcome: its findings, pickle verdicts, errors and summary. */
function outcomeOf(path: string, size: number, fs: FileScan, ctx: RuleContext, errors: ScanError[]): FileOutcome {
  errors.push(...fs.errors);
  let safety: SafetyLevel | undefined;
  for (const v of fs.verdicts) safety = safety ? maxSafety(safety, v.safety) : v.safety;
  const file = fileSummary(path, size, fs, safety, ctx);
  return {
    path,
    findings: ctx.findings,
    pickles: fs.verdicts,
    errors,
    file,
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
    ...(safety ? { safety } : {}),
    ...(mismatch ? { extensionMismatch: mismatch } : {}),
    ...(fs.models.length ? { models: fs.models } : {}),
  };
}

function dispatchIncomplete(rules: readonly Rule[], ctx: RuleContext, fact: IncompleteFact): void {
  for (const r of rules) r.visit.incomplete?.(fact, ctx);
}

/** Scans one top-level file and everything nested in it. */
class FileScan {
  readonly verdicts: PickleVerdict[] = [];
  readonly errors: ScanError[] = [];
  readonly formats = new Set<string>();
  /** What the cross-file phases (post-walk.ts) need of this file, by phase id. */
  summaries: Record<string, unknown> | undefined;
  readonly models: ModelSummary[] = [];
  /** What the model-folder phase needs from this file (top-level files of a path scan only). */
  folder: ModelFolderSummary | undefined;
  private readonly deadline: number;
  private charged = 0;

  constructor(
    private readonly limits: Limits,
    private readonly rules: readonly Rule[],
    private readonly ctx: RuleContext,
    private readonly classify: ClassifyOptions,
    private readonly torchSafeGlobals?: ReadonlySet<string>,
    private readonly signal?: AbortSignal,
    /** True when post-walk phases run after this scan (scanPaths; not scanBytes). */
    private readonly postWalk = false,
  ) {
    this.deadline = Date.now() + limits.maxFileSeconds * 1000;
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
    if (Date.now() > this.deadline) {
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
    for (const ex of EXPANDERS) {
      if (!ex.detect(head, src)) continue;
      try {
        if (await ex.expand(src, ctx)) return;
      } catch (e) {
        if (this.signal?.aborted) throw this.signal.reason;
        this.failure(src.location, ex.id, e);
        return;
      }
    }
    // Nothing claimed the file: the inventory still says what it is.
    if (depth === 0 && this.formats.size === 0) this.formats.add(looksLikeText(head) ? 'text' : 'unrecognized');
  }

  private failure(location: Location, format: string, e: unknown): void {
    if (e instanceof LimitError) this.incomplete({ location, kind: 'limit', limit: e.limit, reason: e.message });
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

  private unitContext(depth: number): UnitContext {
    return {
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
      format: (name) => this.formats.add(name),
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
  }

  private model(fact: ModelFact): void {
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
    const text = new TextDecoder('utf-8').decode(readAll(src));
    if (project) {
      const { deserSummary, DESER_PHASE_ID } = await import('./deser-phase.js');
      const budget = { timeoutMs: Math.max(1000, this.deadline - Date.now()) };
      this.summaries = { ...this.summaries, [DESER_PHASE_ID]: await deserSummary(text, budget) };
      if (!wantTorch && !wantImportTime) return;
    }
    const [{ analyzePythonModule }, torch, deser, gate, importTime] = await Promise.all([
      import('../analyzers/python/analyze-module.js'),
      wantTorch ? import('../analyzers/python/torch-code.js') : undefined,
      wantDeser ? import('../analyzers/python/deser-code.js') : undefined,
      wantDeser && !wantTorch && !wantImportTime ? import('../analyzers/python/deser-gate.js') : undefined,
      wantImportTime ? import('../analyzers/python/import-time-rule.js') : undefined,
    ]);
    const budget = { timeoutMs: Math.max(1000, this.deadline - Date.now()) };
    const mod = gate
      ? await gate.analyzeForDeser(text, budget)
      : await analyzePythonModule(text, {
          ...budget,
          ...(kind === 'torchscript' && torch ? { implicitGlobals: { ...torch.TORCHSCRIPT_IMPLICIT_GLOBALS } } : {}),
        });
    if (mod === undefined) return;
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

  private incomplete(fact: IncompleteFact): void {
    dispatchIncomplete(this.rules, this.ctx, fact);
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
        await this.unit(childSrc, depth + 1);
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
        context,
        ...admittedOf(verdicts),
      });
    }
    return { runs: analysis.runs, end: analysis.end };
  }
}

/** At most this many admitted names are listed per stream (a stream may import thousands of globals). */
const MAX_ADMITTED_LISTED = 200;

/** The distinct admitted globals of one stream, with the pack and versions that admitted each. */
function admittedOf(verdicts: ReadonlyMap<ImportFact, Verdict>): { admitted?: AdmittedName[] } {
  const out = new Map<string, AdmittedName>();
  for (const [imp, v] of verdicts) {
    if (v.kind !== 'allowed' || out.has(imp.canonical)) continue;
    if (out.size >= MAX_ADMITTED_LISTED) break;
    out.set(imp.canonical, { name: imp.canonical, pack: v.source, ...(v.versions ? { versions: v.versions } : {}) });
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
