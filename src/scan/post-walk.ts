// Cross-file phases: checks that need several files at once (a project index over all Python modules of a scan, a
// model folder's config.json read together with the code beside it). They run on the main thread after every
// file has been scanned (in worker threads or not), over the per-file outcomes in walk order, and read only what
// the outcomes carry: the findings and summaries (`FileOutcome.summaries[phase id]`) the per-file scan produced.
import type { Limits } from '../core/limits.js';
import type { Finding } from '../core/finding.js';
import type { Rule } from '../rules/rule.js';
import type { Confinement } from '../sources/confine.js';
import type { FileOutcome } from './file-outcome.js';
import type { JobMember } from './scan-plan.js';
import type { ScanNote, ScanStop } from './engine.js';
import { LimitError } from '../core/errors.js';
import { MODEL_FOLDER_PHASE } from './model-folder-summary.js';

/** One scanned path with its outcome (walk order). `member` names the path, its stable name and scan target. */
export interface PlacedOutcome {
  readonly member: JobMember;
  readonly outcome: FileOutcome;
}

export interface PostWalkInput {
  readonly files: readonly PlacedOutcome[];
  /** The rules selected for this scan. */
  readonly rules: readonly Rule[];
  readonly limits: Limits;
  /** Folders a phase's own reads must lie in (a service's roots; sources/confine.ts). Default: none. */
  readonly confine?: Confinement;
  /** Where a phase records what it did not read that a reader should know (ScanNote: never a finding). */
  readonly notes?: ScanNote[];
  /**
   * The scan's time limit, when it has one: a phase checks it between its units of work (PhaseDeadline) and, once
   * it has passed, stops and reports what it did not decide as SCAN-INCOMPLETE (limit `timeLimitSeconds`).
   */
  readonly stop?: ScanStop;
}

export interface PostWalkPhase {
  readonly id: string;
  /** Whether any selected rule needs this phase (it is skipped otherwise, and workers need not summarise for it). */
  wanted(rules: readonly Rule[]): boolean;
  /** Findings of the phase; they follow the per-file findings in the report, in the order returned. */
  run(input: PostWalkInput): Promise<readonly Finding[]>;
}

/** The limit name a time-limit finding carries (the scan's `timeLimitSeconds`). */
export const TIME_LIMIT = 'timeLimitSeconds';

/** The clock the phases read their deadline on. Mutable for tests only (a clock that passes the deadline on cue). */
export const PHASE_CLOCK = { now: (): number => Date.now() };

/**
 * The scan's time limit as a phase checks it: `check()` between units of work (a module read or parsed, a module
 * indexed or analysed, a batch of data-flow steps) throws LimitError(TIME_LIMIT) once the limit has passed, so the
 * phase ends within one unit of it. Each check reads the clock: callers space them by work, not per operation.
 */
export class PhaseDeadline {
  constructor(readonly stop: ScanStop) {}
  passed(): boolean {
    return PHASE_CLOCK.now() >= this.stop.at;
  }
  check(): void {
    if (this.passed()) throw new LimitError(TIME_LIMIT, `the scan's time limit of ${this.stop.seconds} s ran out`);
  }
  /** Whether `e` is the error `check` throws. */
  static isStop(e: unknown): e is LimitError {
    return e instanceof LimitError && e.limit === TIME_LIMIT;
  }
}

/**
 * The DESER project phase's work budget in syntax nodes (our own count of the Python modules it takes): the modules
 * the walk keeps for the phase, summed over the scan, and those the phase analyses together. A module past it is
 * not kept (its outcome says it was left out) and the phase names it in a SCAN-INCOMPLETE finding. Nodes, not
 * time, so a verdict does not depend on the machine's load; real code has ~0.12 nodes per source byte, so the
 * default is ~16 MB of Python that names a deserializer. It bounds memory too: the modules' analyses are what the
 * scan keeps, ~240 bytes of heap a node (a generated project of 500-function modules, every one naming pickle,
 * peaks at ~0.9 GB on two threads, as on one: a worker sends its analyses once they weigh 16,000 nodes,
 * serve-scan-worker.ts), and real projects need this figure: scipy's 250,000 lines take ~0.6 M in the walk plus
 * the modules loaded on demand, and 1,000,000 cut scikit-learn, SciPy and NumPy short.
 * Mutable for tests only.
 */
export const DESER_NODES = { max: 2_000_000 };

/**
 * Syntax nodes the walk has parsed for the DESER project and the most it may parse: one count for the whole scan,
 * kept in a SharedArrayBuffer so that the calling thread and every worker thread add to the same number (each
 * thread checks it before it parses a module, so the walk parses at most the budget and one module per thread).
 */
export class DeserWalkBudget {
  readonly counts: Int32Array;
  constructor(
    readonly max: number,
    counts?: Int32Array,
  ) {
    this.counts = counts ?? DeserWalkBudget.counter();
  }
  /** A fresh counter to share between threads (in ScanSetup). */
  static counter(): Int32Array {
    return new Int32Array(new SharedArrayBuffer(4));
  }
  get nodes(): number {
    return Atomics.load(this.counts, 0);
  }
  spent(): boolean {
    return this.nodes >= this.max;
  }
  /** Counts a module parsed (at most the budget at once, so that the sum cannot overflow). */
  charge(nodes: number): void {
    Atomics.add(this.counts, 0, Math.min(nodes, this.max));
  }
}

/** Syntax nodes of the DESER project module an outcome carries (0 when it carries none). */
export function deserNodesOf(outcome: FileOutcome): number {
  const s = outcome.summaries?.['deser-project'] as { module?: { stats: { nodes: number } } } | undefined;
  return s?.module?.stats.nodes ?? 0;
}

/**
 * The outcome as the scan keeps it for the phases: its DESER module dropped (a `leftOut` mark with its node count
 * in its place) once the modules kept so far hold DESER_NODES.max nodes.
 */
export function keptForPhases(outcome: FileOutcome, kept: { nodes: number }): FileOutcome {
  const s = outcome.summaries?.['deser-project'] as { module?: { stats: { nodes: number } } } | undefined;
  const n = s?.module?.stats.nodes;
  if (n === undefined) return outcome;
  if (kept.nodes + n <= DESER_NODES.max) {
    kept.nodes += n;
    return outcome;
  }
  return { ...outcome, summaries: { ...outcome.summaries, ['deser-project']: { leftOut: n } } };
}

/**
 * DESER's whole-program view (deser-phase.ts, loaded when run): the scan's top-level Python files as one project
 * per scan target, composed across modules.
 */
const DESER_PROJECT: PostWalkPhase = {
  id: 'deser-project',
  wanted: (rules) => rules.some((r) => r.meta.category === 'DESER'),
  // Nothing to compose without a Python file (and no reason to load the Python analyser for a pickle).
  run: async (input) =>
    input.files.some((f) => f.outcome.summaries?.['deser-project'] !== undefined)
      ? (await import('./deser-phase.js')).runDeserPhase(input)
      : [],
};

/**
 * Model folders: a config.json/tokenizer_config.json auto_map judged with the modules beside it (MODEL-REMOTE-CODE).
 * The phase's code is loaded only when a file summarised for it.
 */
const modelFolderPhase: PostWalkPhase = {
  id: MODEL_FOLDER_PHASE,
  wanted: (rules) => rules.some((r) => r.meta.category === 'MODEL'),
  async run({ files, rules }) {
    if (!files.some((f) => f.outcome.summaries?.[MODEL_FOLDER_PHASE] !== undefined)) return [];
    const { modelFolderFindings } = await import('./model-folder.js');
    return modelFolderFindings(files, rules);
  },
};

/** The registered phases, in the order they run. */
export const POST_WALK_PHASES: readonly PostWalkPhase[] = [DESER_PROJECT, modelFolderPhase];
