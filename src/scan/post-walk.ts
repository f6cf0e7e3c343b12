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
}

export interface PostWalkPhase {
  readonly id: string;
  /** Whether any selected rule needs this phase (it is skipped otherwise, and workers need not summarise for it). */
  wanted(rules: readonly Rule[]): boolean;
  /** Findings of the phase; they follow the per-file findings in the report, in the order returned. */
  run(input: PostWalkInput): Promise<readonly Finding[]>;
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
