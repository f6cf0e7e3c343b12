// DESER's whole-program phase (a post-walk phase, post-walk.ts): every top-level Python file of a scan target is
// one module of a project. Files whose text names a deserializer, transport or serialized media type are analysed
// in the per-file scan; after the walk the project grows on demand (callers of functions that reach a sink, modules
// whose results feed one; bounded rounds) and the DESER rules run across the modules (analyzers/deser/).
import { readFileSync } from 'node:fs';
import type { PythonModule } from '../analyzers/python/module-model.js';
import type { CodeSignal } from '../analyzers/python/code-signal.js';
import { analyzePythonModule } from '../analyzers/python/analyze-module.js';
import { analyzeForDeser } from '../analyzers/deser/gate.js';
import { detectProjectSignals } from '../analyzers/deser/code.js';
import { DeserProject, moduleKeys, type ProjectInput } from '../analyzers/deser/project.js';
import { demandedModules, reachingNames, type NameAnchor } from '../analyzers/deser/demand.js';
import { isTestPath } from '../analyzers/python/test-code.js';
import { decodePythonSource } from '../analyzers/python/source-encoding.js';
import type { Finding } from '../core/finding.js';
import { RuleContext, type CodeFact, type IncompleteFact } from '../rules/rule.js';
import type { PostWalkInput } from './post-walk.js';
import type { JobMember } from './scan-plan.js';

/**
 * Bounds of growing a project: rounds (each one more hop across files) and modules loaded on demand per scan
 * target. Reaching either while modules are still wanted is SCAN-INCOMPLETE. Mutable for tests only.
 */
export const DEMAND_LIMITS = { rounds: 6, modules: 2000 };
/** Source files larger than this are not loaded on demand (the walk reports them when it meets them). */
const MAX_DEMAND_BYTES = 4 * 1024 * 1024;

export const DESER_PHASE_ID = 'deser-project';

/** A file's summary for the phase: its analysis when its text names anything DESER reports on. */
interface DeserSummary {
  module?: PythonModule;
}

/** Per file, in the per-file scan (a worker, maybe): parse and analyse only when the DESER gates let the file in. */
export async function deserSummary(text: string, budget: { timeoutMs: number }): Promise<DeserSummary> {
  const module = await analyzeForDeser(text, budget);
  return module !== undefined ? { module } : {};
}

interface Entry {
  member: JobMember;
  module: PythonModule | undefined;
}

/** Figures of the last run (for the bench): files, modules analysed in the walk and on demand, rounds used. */
export const lastRunStats = { files: 0, analysedInWalk: 0, loadedOnDemand: 0, rounds: 0 };

/** After the walk: one project per scan target, grown on demand, then the DESER rules across its modules. */
export async function runDeserPhase(input: PostWalkInput): Promise<Finding[]> {
  Object.assign(lastRunStats, { files: 0, analysedInWalk: 0, loadedOnDemand: 0, rounds: 0 });
  const targets = new Map<string, Entry[]>();
  for (const { member, outcome } of input.files) {
    const s = outcome.summaries?.[DESER_PHASE_ID] as DeserSummary | undefined;
    if (s === undefined) continue;
    let list = targets.get(member.target.abs);
    if (list === undefined) targets.set(member.target.abs, (list = []));
    list.push({ member, module: s.module });
  }
  const out: Finding[] = [];
  for (const entries of targets.values()) out.push(...(await runTarget(entries, input.rules)));
  return out;
}

async function runTarget(entries: Entry[], rules: PostWalkInput['rules']): Promise<Finding[]> {
  const stats = lastRunStats;
  stats.files += entries.length;
  const byStable = new Map(entries.map((e) => [e.member.stable, e]));
  const keys = moduleKeys(entries.map((e) => e.member.stable));
  let fresh = entries.filter((e) => e.module !== undefined);
  stats.analysedInWalk += fresh.length;
  if (fresh.length === 0) return [];
  const names = new Map<string, NameAnchor[]>();
  // Identifier → files not analysed yet that contain it: read once, when a round first needs callers.
  let postings: Postings | undefined;
  const loadedBefore = stats.loadedOnDemand;
  let cut: { limit: string; files: string[] } | undefined;
  /** The files the modules analysed last demand: modules feeding their sinks, and callers of reaching functions. */
  const demanded = (from: readonly Entry[]): Set<string> => {
    const added = reachingNames(
      from.map((e) => ({ stable: e.member.stable, mod: e.module!, keys: keys.get(e.member.stable)!.keys })),
      names,
    );
    const wanted = new Set<string>(
      demandedModules(
        from.map((e) => ({ stable: e.member.stable, mod: e.module! })),
        keys,
        names,
      ),
    );
    if (added.size > 0) {
      postings ??= identifierPostings(entries);
      for (const i of callerFiles(postings, added)) {
        const e = entries[i]!;
        if (e.module === undefined) wanted.add(e.member.stable);
      }
    }
    return wanted;
  };
  let round = 0;
  for (; round < DEMAND_LIMITS.rounds && fresh.length > 0; round++) {
    stats.rounds = Math.max(stats.rounds, round + 1);
    const wanted = demanded(fresh);
    fresh = [];
    for (const stable of wanted) {
      const e = byStable.get(stable);
      if (e === undefined || e.module !== undefined) continue;
      if (stats.loadedOnDemand - loadedBefore >= DEMAND_LIMITS.modules) {
        cut ??= { limit: 'maxDeserModules', files: [] };
        if (cut.files.length < 5) cut.files.push(stable);
        continue;
      }
      const text = readText(e.member.path);
      if (text === undefined) continue;
      try {
        e.module = await analyzePythonModule(text, { timeoutMs: 10_000 });
      } catch {
        continue; // too large or too slow to parse: the per-file scan already decided what it reports on this file
      }
      stats.loadedOnDemand++;
      fresh.push(e);
    }
  }
  // Rounds used up while modules loaded in the last one may still demand others: the chain across files was cut.
  if (cut === undefined && round === DEMAND_LIMITS.rounds && fresh.length > 0) {
    const pending = [...demanded(fresh)].filter((st) => byStable.get(st)?.module === undefined);
    if (pending.length > 0) cut = { limit: 'maxDeserModuleDepth', files: pending.slice(0, 5) };
  }
  const inputs: ProjectInput[] = entries
    .filter((e) => e.module !== undefined)
    .map((e) => ({ file: e.member.stable, relPath: e.member.stable, mod: e.module! }));
  const project = new DeserProject(
    inputs,
    entries.map((e) => e.member.stable),
  );
  const findings: Finding[] = [];
  if (cut !== undefined) findings.push(...incompleteProject(entries, cut, rules));
  for (const [stable, signals] of detectProjectSignals(project)) {
    const e = byStable.get(stable)!;
    const fact: CodeFact = {
      location: { chain: [e.member.path] },
      kind: 'python',
      signals: signals.map((s) => localise(s, byStable, isTestPath(stable))),
    };
    const ctx = new RuleContext(e.member.target, e.member.stable);
    for (const r of rules) r.visit.code?.(fact, ctx);
    findings.push(...ctx.findings);
  }
  return findings;
}

/**
 * The cross-module analysis stopped before reading every module a data path needs: SCAN-INCOMPLETE on the first
 * module it could not read, naming the limit (a DESER verdict for the project is then not proven).
 */
function incompleteProject(
  entries: readonly Entry[],
  cut: { limit: string; files: string[] },
  rules: PostWalkInput['rules'],
): Finding[] {
  const e = entries.find((x) => x.member.stable === cut.files[0]) ?? entries[0]!;
  const what =
    cut.limit === 'maxDeserModules'
      ? `more than ${DEMAND_LIMITS.modules} modules were needed`
      : `the chain of calls across files is longer than ${DEMAND_LIMITS.rounds} modules`;
  const fact: IncompleteFact = {
    location: { chain: [e.member.path] },
    kind: 'limit',
    limit: cut.limit,
    reason:
      `DESER cross-module analysis stopped: ${what}; not read: ${cut.files.join(', ')}. A deserializer reached ` +
      'through these modules is not proven safe.',
  };
  const ctx = new RuleContext(e.member.target, e.member.stable);
  for (const r of rules) r.visit.incomplete?.(fact, ctx);
  return ctx.findings;
}

/** Flow steps name files by scanned path; test files say so in the evidence. */
function localise(s: CodeSignal, byStable: ReadonlyMap<string, Entry>, test: boolean): CodeSignal {
  const flow = s.flow?.map((f) => ({ ...f, file: byStable.get(f.file)?.member.path ?? f.file }));
  if (!test) return flow !== undefined ? { ...s, flow } : s;
  return {
    ...s,
    message: `${s.message} (In test code: decided as a ticket unless the policy sets test_code: gate.)`,
    details: { ...s.details, testCode: true },
    ...(flow !== undefined ? { flow } : {}),
  };
}

function readText(path: string): string | undefined {
  try {
    const b = readFileSync(path);
    if (b.length > MAX_DEMAND_BYTES) return undefined;
    const d = decodePythonSource(b);
    return d.ok ? d.text : undefined;
  } catch {
    return undefined;
  }
}

interface Postings {
  /** Identifier → indexes (into `entries`) of the files not analysed in the walk that contain it. */
  ids: Map<string, number[]>;
  /** The same for identifiers written in import statements (`from pkg.codec import Codec`, `import codec`). */
  imported: Map<string, number[]>;
}

/** Import statements, parenthesised name lists included. */
const IMPORT_RE = /^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)/gm;

function identifierPostings(entries: readonly Entry[]): Postings {
  const ids = new Map<string, number[]>();
  const imported = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, id: string, i: number): void => {
    const list = m.get(id);
    if (list === undefined) m.set(id, [i]);
    else list.push(i);
  };
  entries.forEach((e, i) => {
    if (e.module !== undefined) return;
    const text = readText(e.member.path);
    if (text === undefined) return;
    for (const id of new Set(text.match(/[A-Za-z_]\w*/g) ?? [])) add(ids, id, i);
    const inImports = new Set<string>();
    for (const stmt of text.match(IMPORT_RE) ?? [])
      for (const id of stmt.match(/[A-Za-z_]\w*/g) ?? []) inImports.add(id);
    for (const id of inImports) add(imported, id, i);
  });
  return { ids, imported };
}

/**
 * Files naming one of the functions and importing one of its anchors (its module, or its class): a caller has to
 * import what it calls, or receive an instance of a class it imports.
 */
function callerFiles(postings: Postings, names: ReadonlyMap<string, NameAnchor[]>): Set<number> {
  const out = new Set<number>();
  for (const [name, anchors] of names) {
    const files = postings.ids.get(name);
    if (files === undefined) continue;
    const anchored = new Set<number>();
    for (const a of anchors) {
      for (const i of postings.imported.get(a.module) ?? []) anchored.add(i);
      if (a.cls !== undefined) for (const i of postings.imported.get(a.cls) ?? []) anchored.add(i);
    }
    for (const i of files) if (anchored.has(i)) out.add(i);
  }
  return out;
}
