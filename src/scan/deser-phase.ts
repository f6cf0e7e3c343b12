// DESER's whole-program phase (a post-walk phase, post-walk.ts): every top-level Python file of a scan target is
// one module of a project. Files whose text names a deserializer, transport or serialized media type are analysed
// in the per-file scan; after the walk the project grows on demand (callers of functions that reach a sink, modules
// whose results feed one; bounded rounds) and the DESER rules run across the modules (analyzers/deser/).
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { ScanTarget } from '../core/scan-target.js';
import type { CallSite, PythonModule } from '../analyzers/python/module-model.js';
import type { CodeSignal } from '../analyzers/python/code-signal.js';
import { analyzePythonModule } from '../analyzers/python/analyze-module.js';
import { analyzeForDeser, mayHaveDeserSignals, mayHoldDeserializer } from '../analyzers/deser/gate.js';
import { detectModuleAlone, detectProjectSignals, type CutSink } from '../analyzers/deser/code.js';
import { FLOW_LIMITS, MAX_STEPS } from '../analyzers/deser/flow.js';
import { mayReceiveData } from '../analyzers/deser/sources.js';
import {
  isLibrarySignal,
  mayServe,
  moduleServes,
  projectServes,
  servesPackage,
  servingCounts,
  topPackage,
} from '../analyzers/deser/library-api.js';
import { DeserProject, moduleKeys, type ProjectInput } from '../analyzers/deser/project.js';
import {
  absoluteName,
  demandedModules,
  handsCallerData,
  literalSinkPaths,
  reachingNames,
  type NameAnchor,
} from '../analyzers/deser/demand.js';
import { isTestPath } from '../analyzers/python/test-code.js';
import { decodePythonSource } from '../analyzers/python/source-encoding.js';
import type { Finding } from '../core/finding.js';
import { errorMessage, LimitError } from '../core/errors.js';
import { RuleContext, retestCommand, type CodeFact, type IncompleteFact } from '../rules/rule.js';
import { DESER_NODES, PhaseDeadline, TIME_LIMIT, type PostWalkInput } from './post-walk.js';
import type { JobMember } from './scan-plan.js';
import type { ScanNote } from './engine.js';
import { FileSource } from '../sources/byte-source.js';
import type { Confinement } from '../sources/confine.js';
import { entryAt } from '../sources/entry-at.js';
import { isInside } from '../sources/model-cache.js';
import { pushTo } from '../core/multimap.js';

/**
 * Bounds of growing a project: rounds (each one more hop across files), modules loaded on demand per scan target,
 * and the project's work: source bytes the phase reads beyond the walk, each read counted (indexing a file for
 * callers, then parsing it when a data path needs it), and the syntax nodes of the modules the cross-module
 * analysis takes (DESER_NODES, post-walk.ts: its indexes, names and flows grow with them; the walk's modules first,
 * in path order, then those loaded on demand). Bytes and nodes, not time, so a verdict does not depend on the machine's load.
 * Reaching any of them while modules are still wanted is SCAN-INCOMPLETE naming the modules left out. `passes`
 * bounds the passes over the modules read that find which functions may hand their callers' data to a sink (each
 * pass adds the functions one call further from it): a chain of calls longer than that, still growing, is
 * SCAN-INCOMPLETE (maxDeserCallDepth) naming the modules where it stopped. Mutable for tests only.
 */
export const DEMAND_LIMITS = { rounds: 16, modules: 2000, workBytes: 128 * 1024 * 1024, passes: 512 };
/** Source files larger than this are not loaded on demand (the walk reports them when it meets them). */
const MAX_DEMAND_BYTES = 4 * 1024 * 1024;
/**
 * Largest module whose import statements the caller index reads (a module over MAX_DEMAND_BYTES is never analysed,
 * but when its imports name a function on a data path it is named in SCAN-INCOMPLETE rather than passed over).
 */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/**
 * Name-resolution steps per module for DESER (the front end's default when undefined). A module that runs out of
 * them has values left unknown, so a data path through it may be missed: SCAN-INCOMPLETE names the module
 * (deserBudgetIncomplete). Mutable for tests only.
 */
export const DESER_MODULE_LIMITS: { maxResolveSteps: number | undefined } = { maxResolveSteps: undefined };

/** SCAN-INCOMPLETE for a module whose DESER analysis ran out of its name-resolution budget, else undefined. */
export function deserBudgetIncomplete(
  module: PythonModule | undefined,
  location: IncompleteFact['location'],
): IncompleteFact | undefined {
  if (module?.stats.resolveBudgetExhausted !== true) return undefined;
  return {
    location,
    kind: 'limit',
    limit: 'maxResolveSteps',
    reason:
      `DESER analysis of ${location.chain.join(' > ')} ran out of its name-resolution budget ` +
      `(${module.stats.resolveSteps} steps): some values were left unresolved, so a deserializer fed from the ` +
      'network or a file in this module is not proven safe.',
  };
}

export const DESER_PHASE_ID = 'deser-project';

/** A file's summary for the phase: its analysis when its text names anything DESER reports on. */
/**
 * The summary's module when it was analysed with the front end's default options (no DESER resolve-step limit set),
 * so that the same file's other code rules (TORCH, import-time calls) can read it instead of analysing it again.
 */
export function reusableModule(summary: DeserSummary): PythonModule | undefined {
  return DESER_MODULE_LIMITS.maxResolveSteps === undefined ? summary.module : undefined;
}

interface DeserSummary {
  module?: PythonModule;
  /** The module's syntax nodes when the walk did not keep it (the scan's DESER_NODES budget was spent). */
  leftOut?: number;
}

function withResolveLimit(): { maxResolveSteps?: number } {
  const m = DESER_MODULE_LIMITS.maxResolveSteps;
  return m === undefined ? {} : { maxResolveSteps: m };
}

/**
 * Per file, in the per-file scan (a worker, maybe): parse and analyse only when the DESER gates let the file in,
 * and only while the scan's walk budget (`walk`: syntax nodes parsed so far, the most it may parse) is not spent.
 * Past it a module the text gate lets in is not parsed: it is marked left out (the phase names it in
 * SCAN-INCOMPLETE), so the walk's parse time is bounded whatever the project's size.
 */
export async function deserSummary(
  text: string,
  budget: { timeoutMs: number },
  walk?: { spent(): boolean; charge(nodes: number): void },
): Promise<DeserSummary> {
  if (walk?.spent() === true) return mayHaveDeserSignals(text) ? { leftOut: 0 } : {};
  const module = await analyzeForDeser(text, { ...withResolveLimit(), ...budget });
  if (module === undefined) return {};
  walk?.charge(module.stats.nodes);
  return { module };
}

interface Entry {
  member: JobMember;
  module: PythonModule | undefined;
  /** Path relative to the project's root (module names come from it), `/`-separated. */
  rel: string;
  /** False for a module of the project the scan did not name (read only when a data path needs it). */
  named: boolean;
  /** Past the project's node budget: not analysed, named in the SCAN-INCOMPLETE finding, never parsed again. */
  leftOut?: boolean;
}

/**
 * Figures of a run (for the bench and tests): files, modules analysed in the walk, named files the walk did not
 * analyse that the phase parsed, modules loaded on demand, rounds used, source bytes read, and the modules loaded
 * on demand in order with why (`hop1`, `hop2`, `callee` or `caller`: a round's demand), and the syntax nodes of the
 * modules the project analysis took.
 */
function noStats(): {
  files: number;
  analysedInWalk: number;
  namedParsed: number;
  loadedOnDemand: number;
  rounds: number;
  workBytes: number;
  nodes: number;
  loaded: { rel: string; why: string }[];
} {
  return {
    files: 0,
    analysedInWalk: 0,
    namedParsed: 0,
    loadedOnDemand: 0,
    rounds: 0,
    workBytes: 0,
    nodes: 0,
    loaded: [],
  };
}

/** The figures of the last run. */
export const lastRunStats = noStats();

/** After the walk: one project per scan target, grown on demand, then the DESER rules across its modules. */
export async function runDeserPhase(input: PostWalkInput): Promise<Finding[]> {
  Object.assign(lastRunStats, noStats());
  // One project per root: a directory scanned is its own root unless it is a package (then the directory above
  // its top package is); a file named on its own belongs to the root above its top package. Files of one root
  // form one project however they were named. A root that is an installed-packages folder (site-packages,
  // dist-packages, the standard library's lib/pythonX.Y) holds many distributions: there the project is the top packages the scan named, and the
  // other distributions are libraries it imports, never read as its modules.
  const groups = new Map<string, { entries: Entry[]; reach: boolean; tops: Set<string> }>();
  for (const { member, outcome } of input.files) {
    const s = outcome.summaries?.[DESER_PHASE_ID] as DeserSummary | undefined;
    if (s === undefined) continue;
    const t = member.target;
    const root = sourceRoot(t.isDirectory ? t.abs : dirname(member.path), input.confine);
    let g = groups.get(root);
    if (g === undefined) groups.set(root, (g = { entries: [], reach: false, tops: new Set() }));
    // Modules beyond what was walked are read when a package folder was scanned, or a file was named alone inside
    // a package or a project (pyproject.toml, setup.cfg or setup.py at the root); a loose script is a project of
    // the files named with it.
    g.reach ||= t.isDirectory ? root !== t.abs : root !== dirname(member.path) || isProjectRoot(root);
    const rel = relPosix(root, member.path);
    const slash = rel.indexOf('/');
    if (slash > 0) g.tops.add(rel.slice(0, slash));
    g.entries.push({
      member,
      module: s.module,
      rel,
      named: true,
      ...(s.leftOut !== undefined ? { leftOut: true } : {}),
    });
  }
  const out: Finding[] = [];
  // The scan's time limit, checked between units of work (a file read, a module parsed or indexed, a batch of
  // data-flow steps): once it has passed, a project not finished is SCAN-INCOMPLETE (timeCut), never a pass.
  const deadline = input.stop ? new PhaseDeadline(input.stop) : undefined;
  const tick = deadline ? () => deadline.check() : () => {};
  for (const [root, g] of groups) {
    const named = [...g.entries];
    try {
      tick();
      if (!g.reach && input.notes !== undefined) input.notes.push(...importsNotFollowed(root, g.entries));
      const from = isInstalledPackages(root) ? [...g.tops].sort().map((t) => join(root, t)) : [root];
      const cut = g.reach ? addProjectModules(root, from, g.entries, input.confine, tick) : undefined;
      out.push(...(await runTarget(root, g.entries, input.rules, cut, g.reach, tick)));
    } catch (e) {
      if (PhaseDeadline.isStop(e)) out.push(...timeCut(named, input, deadline!.stop.seconds));
      else if (isStackExhausted(e)) out.push(...stackCut(named, input));
      else throw e;
    }
  }
  return out;
}

/**
 * The scan's time limit ran out before a project's DESER analysis was done: its verdicts are not decided, so each
 * named module that may hold one (the walk analysed it, or left it out of the node budget) is SCAN-INCOMPLETE (limit
 * `timeLimitSeconds`), as a file the per-file scan did not finish is; a file already SCAN-INCOMPLETE by the time
 * limit is not named twice. With no such module, the project's first file carries it.
 */
function timeCut(named: readonly Entry[], input: PostWalkInput, seconds: number): Finding[] {
  const cutAlready = new Set<string>();
  for (const { member, outcome } of input.files)
    if (outcome.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' && f.evidence.details?.['limit'] === TIME_LIMIT))
      cutAlready.add(member.path);
  const open = named.filter((e) => !cutAlready.has(e.member.path));
  const held = open.filter((e) => e.module !== undefined || e.leftOut === true);
  const findings: Finding[] = [];
  for (const e of held.length > 0 ? held : open.slice(0, 1)) {
    const fact: IncompleteFact = {
      location: { chain: [e.member.path] },
      kind: 'limit',
      limit: TIME_LIMIT,
      reason:
        `the scan's time limit of ${seconds} s ran out during the DESER cross-module analysis, before this ` +
        'module was decided: a deserializer reached through it is not proven safe.',
    };
    const ctx = new RuleContext(e.member.target, e.member.stable);
    for (const r of input.rules) r.visit.incomplete?.(fact, ctx);
    findings.push(...ctx.findings);
  }
  return findings;
}

/** JavaScript's own stack ran out (a RangeError V8 throws): code whose shapes nest past what the analysis follows. */
function isStackExhausted(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * The DESER analysis of a project ran out of stack (a chain of receivers, calls or values nested past what it
 * follows): the project's named modules that may hold a verdict are SCAN-INCOMPLETE, never passed and never a crash
 * of the whole scan.
 */
function stackCut(named: readonly Entry[], input: PostWalkInput): Finding[] {
  const held = named.filter((e) => e.module !== undefined || e.leftOut === true);
  const findings: Finding[] = [];
  for (const e of held.length > 0 ? held : named.slice(0, 1)) {
    const fact: IncompleteFact = {
      location: { chain: [e.member.path] },
      kind: 'limit',
      limit: 'deserAnalysisStack',
      reason:
        'the DESER cross-module analysis of this project nested deeper than its stack allows before this module was ' +
        'decided: a deserializer reached through it is not proven safe.',
    };
    const ctx = new RuleContext(e.member.target, e.member.stable);
    for (const r of input.rules) r.visit.incomplete?.(fact, ctx);
    findings.push(...ctx.findings);
  }
  return findings;
}

/** Local modules listed per note, at most (the rest are counted). */
const MAX_NOTED_MODULES = 8;

/**
 * A loose script named alone (no package, no project metadata beside it) is a project of the files named with it:
 * the modules of its folder it imports are not read, so a loader they hold is not checked. The note names them and
 * says how to follow them (scan the folder); it is not a finding and does not change the gate.
 */
function importsNotFollowed(root: string, entries: readonly Entry[]): ScanNote[] {
  const named = new Set(entries.map((e) => e.rel));
  const notes: ScanNote[] = [];
  for (const e of entries) {
    if (e.member.target.isDirectory || e.leftOut === true) continue;
    const text = readText(e.member);
    if (text === undefined) continue;
    const local = new Set<string>();
    for (const name of importStatementNames(text, '').names) {
      const parts = name.split('.').filter((x) => x !== '');
      // The longest prefix of the dotted name that is a file or a package of the script's folder.
      for (let k = Math.min(parts.length, 8); k > 0; k--) {
        const base = parts.slice(0, k).join('/');
        // Asked of the folder's entries, never of what a link among them leads to (entry-at.ts).
        const rel = [`${base}.py`, `${base}/__init__.py`].find((r) => entryAt(root, r));
        if (rel === undefined) continue;
        if (!named.has(rel)) local.add(rel);
        break;
      }
    }
    if (local.size === 0) continue;
    const modules = [...local].sort();
    notes.push({
      kind: 'imports-not-followed',
      path: e.member.path,
      modules: modules.slice(0, MAX_NOTED_MODULES).map((m) => join(root, m)),
      ...(modules.length > MAX_NOTED_MODULES ? { more: modules.length - MAX_NOTED_MODULES } : {}),
      hint: retestCommand(root, 'DESER'),
    });
  }
  return notes;
}

/** Directories never read for project modules (VCS, environments, caches, build output). */
const SKIP_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  'env',
  '.tox',
  '.nox',
  'site-packages',
  '.mypy_cache',
  '.pytest_cache',
  'build',
  'dist',
  '.eggs',
]);

/** Python files read from a project root beyond the named ones, at most (a larger tree is SCAN-INCOMPLETE). */
export const MAX_PROJECT_FILES = 5000;

/**
 * The directory above the top package containing `dir` (`dir` itself when it is not a package), never above the
 * folders the scan is held to (`confine`, a service's roots): what lies outside them changes no answer.
 */
function sourceRoot(dir: string, confine: Confinement | undefined): string {
  let d = dir;
  for (let i = 0; i < 32 && entryAt(d, '__init__.py'); i++) {
    const up = dirname(d);
    if (up === d) break;
    if (confine !== undefined && !confine.every((group) => group.some((r) => isInside(r, up)))) break;
    d = up;
  }
  return d;
}

/**
 * A folder of many independent top-level packages: where Python installs distributions (`site-packages` of pip
 * and virtual environments, Debian's `dist-packages`, PEP 582's `__pypackages__/X.Y/lib`) and the standard
 * library's own folder (`lib/pythonX.Y`, recognised by its `os.py`). A package there is its own project.
 */
export function isInstalledPackages(dir: string): boolean {
  const parts = dir.split(sep);
  const base = parts[parts.length - 1] ?? '';
  return (
    base === 'site-packages' ||
    base === 'dist-packages' ||
    (base === 'lib' && parts.length >= 3 && parts[parts.length - 3] === '__pypackages__') ||
    (/^python\d+(?:\.\d+)?t?$/.test(base) && entryAt(dir, 'os.py'))
  );
}

/** A directory holding a Python project's metadata. */
function isProjectRoot(dir: string): boolean {
  return ['pyproject.toml', 'setup.cfg', 'setup.py'].some((m) => entryAt(dir, m));
}

function relPosix(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * Adds the project's other Python modules (not named by the scan) under the folders `from` (the root, or in an
 * installed-packages folder the top packages named) as entries read on demand; returns the limit reached when the
 * tree holds more than MAX_PROJECT_FILES of them.
 */
/** A project file's size before it is first read. */
const UNKNOWN_SIZE = -1;

function addProjectModules(
  root: string,
  from: readonly string[],
  entries: Entry[],
  confine: Confinement | undefined,
  tick: () => void,
): { limit: string; files: string[]; count?: number } | undefined {
  const have = new Set(entries.map((e) => e.rel));
  const target: ScanTarget = { arg: root, abs: root, isDirectory: true };
  // Each folder with its path relative to the root (`/`-separated): a child's paths are its parent's and its name
  // (a directory entry's name holds no separator), without normalising every path again (join, relative).
  const stack: [string, string][] = [...from].reverse().map((d) => [d, relPosix(root, d)]);
  let added = 0;
  while (stack.length > 0) {
    const [d, relD] = stack.pop()!;
    tick();
    let names: Dirent[];
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    const prefix = d.endsWith(sep) ? d : d + sep;
    const relPrefix = relD === '' ? '' : `${relD}/`;
    for (const dirent of names) {
      const n = dirent.name;
      const p = prefix + n;
      // The entry's own type (as lstat gives it: a symbolic link is neither a directory nor a file here).
      if (dirent.isDirectory()) {
        if (!SKIP_DIRS.has(n) && !n.startsWith('.')) stack.push([p, relPrefix + n]);
        continue;
      }
      if (!dirent.isFile() || !/\.pyw?$/.test(n)) continue;
      const rel = relPrefix + n;
      if (have.has(rel)) continue;
      if (added >= MAX_PROJECT_FILES) return { limit: 'maxDeserProjectFiles', files: [rel] };
      added++;
      have.add(rel);
      // Its size is looked up when the file is first read (most project files never are).
      // Held to the scan's roots, and opened without following a link (the listing saw a plain file).
      const member: JobMember = {
        index: -1,
        path: p,
        stable: rel,
        target,
        size: UNKNOWN_SIZE,
        ...(confine ? { confine, noFollow: true } : {}),
      };
      entries.push({ member, module: undefined, rel, named: false });
    }
  }
  return undefined;
}

/**
 * Which modules the project keeps once the walk left some out. The walk spends the node budget in the order its
 * threads scan the files (largest first), which says nothing of the data flow: a small handler module and the
 * module it hands the request to may be the ones left out. Here, in path order, the modules a client can send data
 * to come first (their text imports a serving framework: `mayServe`), then the project modules their import
 * statements name, and the modules those name (two hops); each of them not parsed yet is parsed (also one whose
 * text names no deserializer: the project would read it as a caller or a callee on the path), and modules off that
 * path are let go (the largest first) to make room for it. A module let go, or one that still
 * does not fit, is left out and named in SCAN-INCOMPLETE. Memory stays within the budget: a module is kept only
 * once others are let go.
 */
async function keepAlongFlow(entries: Entry[], keys: ReturnType<typeof moduleKeys>, tick: () => void): Promise<void> {
  const named = entries.filter((e) => e.named).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const byRel = new Map(named.map((e) => [e.rel, e]));
  const byKey = keyIndex(keys);
  const texts = new Map<Entry, string | undefined>();
  const textOf = (e: Entry): string | undefined => {
    if (!texts.has(e)) {
      tick();
      texts.set(e, readText(e.member));
    }
    return texts.get(e);
  };
  const wanted: Entry[] = [];
  const onPath = new Set<Entry>();
  let layer: Entry[] = [];
  for (const e of named) {
    const text = textOf(e);
    if (text !== undefined && mayServe(text)) layer.push(e);
  }
  for (let hop = 0; hop <= 2 && layer.length > 0; hop++) {
    const next: Entry[] = [];
    for (const e of layer) {
      if (onPath.has(e)) continue;
      onPath.add(e);
      wanted.push(e);
      if (hop === 2) continue;
      const text = textOf(e);
      if (text === undefined) continue;
      for (const rel of textImportedModules(text, keys.get(e.rel)?.pkg ?? '', byKey)) {
        const m = byRel.get(rel);
        if (m !== undefined && !onPath.has(m)) next.push(m);
      }
    }
    layer = next;
  }
  texts.clear();
  const parse = (e: Entry): boolean => e.module === undefined;
  if (!wanted.some(parse)) return;
  let nodes = 0;
  for (const e of named) nodes += e.module?.stats.nodes ?? 0;
  // Modules off the path, largest last (let go first).
  const offPath = named
    .filter((e) => e.module !== undefined && !onPath.has(e))
    .sort((a, b) => a.module!.stats.nodes - b.module!.stats.nodes);
  let offPathNodes = 0;
  for (const e of offPath) offPathNodes += e.module!.stats.nodes;
  for (const e of wanted) {
    if (!parse(e)) continue;
    tick();
    const text = readText(e.member);
    if (text === undefined) continue;
    let mod: PythonModule | undefined;
    try {
      mod =
        e.leftOut === true
          ? ((await analyzeForDeser(text, { ...withResolveLimit(), timeoutMs: 10_000 })) ??
            (await analyzePythonModule(text, { timeoutMs: 10_000 })))
          : await analyzePythonModule(text, { timeoutMs: 10_000 });
    } catch {
      continue;
    }
    const n = mod.stats.nodes;
    // A module that would not fit even with every module off the path let go stays as it was (left out, or for
    // one that names no deserializer, read by the project only if a data path asks for it), and nothing is let go.
    if (nodes - offPathNodes + n > DESER_NODES.max) continue;
    while (nodes + n > DESER_NODES.max) {
      const out = offPath.pop()!;
      nodes -= out.module!.stats.nodes;
      offPathNodes -= out.module!.stats.nodes;
      out.module = undefined;
      out.leftOut = true;
    }
    nodes += n;
    e.module = mod;
    delete e.leftOut;
  }
}

async function runTarget(
  root: string,
  entries: Entry[],
  rules: PostWalkInput['rules'],
  tooLarge: { limit: string; files: string[]; count?: number } | undefined,
  reach = false,
  /** The scan's time limit: throws once it has passed (PhaseDeadline.check). */
  tick: () => void = () => {},
): Promise<Finding[]> {
  const isPackageDir = (relDir: string): boolean =>
    entryAt(root, relDir === '' ? '__init__.py' : `${relDir}/__init__.py`);
  const stats = lastRunStats;
  stats.files += entries.length;
  const byStable = new Map(entries.map((e) => [e.rel, e]));
  let cut: { limit: string; files: string[]; count?: number } | undefined = tooLarge;
  /** Modules a data path asked for that could not be parsed (each named in its own SCAN-INCOMPLETE finding). */
  const unparsed: Unparsed[] = [];
  /** A file's text within the project's work budget; past it, the file is named in the SCAN-INCOMPLETE finding. */
  let work = 0;
  /** Texts of the callers a round's search found, read for it: taken by their parse in the same round. */
  const readyTexts = new Map<Entry, string>();
  const read = (e: Entry): string | undefined => {
    tick();
    if (e.member.size === UNKNOWN_SIZE) {
      let size: number;
      try {
        size = lstatSync(e.member.path).size;
      } catch {
        return undefined;
      }
      e.member = { ...e.member, size };
    }
    if (work + e.member.size > DEMAND_LIMITS.workBytes) {
      cut ??= { limit: 'maxDeserProjectWork', files: [] };
      if (cut.files.length < 5 && !cut.files.includes(e.rel)) cut.files.push(e.rel);
      return undefined;
    }
    // A caller's text the search for callers read this round (within the size a module is read at), else the file.
    const ready = readyTexts.get(e);
    readyTexts.delete(e);
    const text = ready ?? readText(e.member);
    work += e.member.size;
    stats.workBytes += e.member.size;
    return text;
  };
  const keys = moduleKeys(
    entries.map((e) => e.rel),
    isPackageDir,
  );
  /** Syntax nodes of the modules the project analysis takes; a module past the budget is left out and named. */
  let nodes = 0;
  const admit = (e: Entry): boolean => {
    const n = e.module?.stats.nodes ?? 0;
    if (!e.leftOut && nodes + n <= DESER_NODES.max) {
      nodes += n;
      return true;
    }
    leaveOut(e);
    return false;
  };
  /** Checked before a module is parsed: once the budget is spent, it is left out unparsed (and named). */
  const spent = (e: Entry): boolean => {
    if (nodes < DESER_NODES.max) return false;
    leaveOut(e);
    return true;
  };
  const leaveOut = (e: Entry): void => {
    e.module = undefined;
    e.leftOut = true;
    if (cut === undefined || cut === tooLarge) cut = { limit: 'maxDeserProjectNodes', files: [], count: 0 };
    if (cut.limit === 'maxDeserProjectNodes') {
      cut.count = (cut.count ?? 0) + 1;
      if (cut.files.length < 5) cut.files.push(e.rel);
    }
  };
  if (entries.some((e) => e.leftOut === true)) await keepAlongFlow(entries, keys, tick);
  for (const e of [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)))
    if (e.module !== undefined || e.leftOut) admit(e);
  let fresh = entries.filter((e) => e.module !== undefined);
  stats.analysedInWalk += fresh.length;
  if (reach) {
    // Files named alone (pre-commit, diff-based CI): each is analysed, and the project modules it imports are
    // read, so a handler here and a deserializer there meet whichever of the two was named.
    const imported = new Set<string>();
    // Modules called by a named file the data can enter on its own (a handler, a server, a client read, a
    // download, a receive: `mayReceiveData`): read whatever their text, and their callees are the second hop.
    const calledByNamed = new Set<string>();
    // The names the named files' calls look up in each first-hop module.
    const lookedUp = new Map<string, Set<string>>();
    // Texts read for the pre-check below, so a module it read is not read again as a hop.
    const texts = new Map<string, string | undefined>();
    const textOf = (e: Entry): string | undefined => {
      if (!texts.has(e.rel)) texts.set(e.rel, read(e));
      return texts.get(e.rel);
    };
    const byKey = keyIndex(keys);
    for (const e of entries) {
      if (!e.named || e.leftOut) continue;
      if (e.module === undefined) {
        const text = read(e);
        if (text === undefined) continue;
        // A named file whose text names no deserializer is on a data path only as the middle of one: it calls a
        // module that holds the deserializer (the first hop), or receives data and calls a module that calls one
        // (the second). Neither can hold when no project module its import statements name, nor any module those
        // name, passes the DESER text gate: then the file is not parsed (its imports read as text, never run).
        // Only for a file named on its own: in a package folder scanned every file is parsed up front, so that
        // the demand rounds need not rebuild long caller chains across it (they ran out of rounds in django and
        // twisted when those files were left to the rounds).
        if (
          !e.member.target.isDirectory &&
          !deserWithinTwoImports(text, e.rel, (st) => byStable.get(st), textOf, byKey, keys)
        )
          continue;
        if (spent(e)) continue;
        tick();
        try {
          e.module = await analyzePythonModule(text, { timeoutMs: 10_000 });
        } catch (err) {
          noteUnparsed(unparsed, e, text, err);
          continue;
        }
        if (!admit(e)) continue;
        stats.namedParsed++;
        fresh.push(e);
      }
      // The modules it calls into (a re-export it never calls, `from .pickle import read_pickle` in an api
      // module, puts no data path through it: reading every import read half of pandas for pandas/io/api.py).
      // A file the data can enter on its own hands it to any module it calls; any other file can put a module it
      // calls on a path only by handing on what its own callers pass it (the data comes from them), so only
      // modules it calls with such an argument are hops (a middle file's own constants, configuration or locals
      // hand a callee nothing of its callers': reading those modules was most of the cost of a file named alone).
      const mod = e.module;
      const pkg = keys.get(e.rel)?.pkg ?? '';
      // Named modules are analysed anyway: only the others are hops (a package scanned names all of its files).
      const imports = [...importedModules(mod, pkg, byKey)].filter((st) => byStable.get(st)?.named === false);
      const anyCalled = imports.length > 0 ? calledThrough(mod, pkg, byKey) : new Map<string, Set<string>>();
      // Whether data enters on its own is asked only of a file with a module to hop into (it indexes the module).
      const receives = imports.some((st) => anyCalled.has(st)) && mayReceiveData(mod);
      const called =
        imports.length === 0 || receives ? anyCalled : calledThrough(mod, pkg, byKey, handsCallerData(mod, e.rel));
      const hops = imports.filter((st) => called.has(st));
      for (const st of hops) {
        imported.add(st);
        if (receives) calledByNamed.add(st);
        let names = lookedUp.get(st);
        if (names === undefined) lookedUp.set(st, (names = new Set()));
        for (const n of called.get(st)!) names.add(n);
      }
    }
    // From any other named file the data comes from its callers (the demand rounds read them toward it), so a
    // module it calls can put it on a path only by holding the deserializer: those are read when their text names
    // a deserializer, transport or serialized media type (the DESER text gate); a module whose results feed a sink
    // in the named file is demanded by the rounds. Two hops: a module a receiving named file calls into may hand
    // the data on to a module it calls into (a handler here, a service there, the decoder one further), read
    // where the text gate passes. Only modules called, not every import, so a file named alone does not read the
    // package around it; and never two hops from a file with no source of its own: a library's own save/load two
    // modules down (statsmodels' smpickle for tsa/ardl/model.py) pulled in its callers across the package (229
    // modules read: 18.8 s CPU, against 3.9 s for the first hop only).
    const second = new Set<string>();
    // A name looked up in a first-hop module that only imports it from another project module (a package's
    // `from .codec import decode`) runs that module's code: the hop is into the module defining it, through the
    // ones re-exporting it (read too: the project resolves the call through them). Followed at most
    // REEXPORT_STEPS modules down, on their texts (never parsed for this).
    const reexports = followReexports(
      imported,
      lookedUp,
      calledByNamed,
      (st) => {
        const e = byStable.get(st);
        if (e === undefined) return undefined;
        return texts.has(st) ? texts.get(st) : (texts.set(st, read(e)), texts.get(st));
      },
      keys,
      byKey,
    );
    for (const st of reexports.through) imported.add(st);
    for (const [hop, list] of [
      [1, imported],
      [2, second],
    ] as const) {
      for (const st of list) {
        const e = byStable.get(st);
        if (e === undefined || e.module !== undefined || e.leftOut) continue;
        // A module every looked-up name of which is defined elsewhere (re-exported) is read only on the way to a
        // defining module read (otherwise its own text decides as below: it may define a name it also imports).
        if (hop === 1 && reexports.onlyReexports.has(st) && !reexports.needed.has(st)) continue;
        const text = texts.has(st) ? texts.get(st) : read(e);
        // A module only handed its callers' data by a named file (not called by one the data enters on its own)
        // matters only when it holds a deserializer: what it names for what it serves (media types, transport
        // settings) cannot put the named file on a path (`mayHoldDeserializer`; such hops were most of the reads
        // of a median file named alone, e.g. flask/helpers.py for flask/sessions.py, through `__import__`).
        if (
          text === undefined ||
          (hop === 2 && !mayHaveDeserSignals(text)) ||
          (hop === 1 && !calledByNamed.has(st) && !reexports.needed.has(st) && !mayHoldDeserializer(text))
        )
          continue;
        if (spent(e)) continue;
        tick();
        try {
          e.module = await analyzePythonModule(text, { timeoutMs: 10_000 });
        } catch (err) {
          noteUnparsed(unparsed, e, text, err);
          continue;
        }
        if (!admit(e)) continue;
        stats.loadedOnDemand++;
        stats.loaded.push({ rel: e.rel, why: `hop${hop}` });
        fresh.push(e);
        if (hop === 1 && calledByNamed.has(st))
          for (const s2 of calledModules(e.module, keys.get(e.rel)?.pkg ?? '', byKey))
            if (!imported.has(s2)) second.add(s2);
      }
    }
  }
  if (fresh.length === 0)
    return [
      ...(cut !== undefined && cut !== tooLarge ? incompleteProject(entries, cut, rules) : []),
      ...unparsedIncomplete(unparsed, rules),
    ];
  const names = new Map<string, NameAnchor[]>();
  // Identifier → files not analysed yet that contain it: read once, when a round first needs callers.
  let postings: Postings | undefined;
  const loadedBefore = stats.loadedOnDemand;
  /**
   * The files the modules analysed last demand: modules feeding their sinks, and callers of reaching functions.
   * Reaching names are found over every module read so far, to a fixpoint (a module read in an earlier round may
   * call a name found now); callers are the files not read yet that import a defining module (postings).
   */
  // Findings are reported on data paths through a named file, so callers are wanted only of functions defined in
  // a named module or in one read as a caller (upstream of a named one): the callers of a module read because a
  // named one imports or calls it (downstream) cannot put a named file on the path, and would grow the project
  // through the whole package (a named pandas/io/api.py read every caller of read_pickle).
  const up = new Set<string>(entries.filter((e) => e.named).map((e) => e.rel));
  const unnamedOnly = entries.some((e) => !e.named);
  const testOutsideNamed = unnamedOnly && !entries.some((e) => e.named && isTestPath(e.member.stable));
  const towardNamed = (ns: ReadonlyMap<string, NameAnchor[]>): Map<string, NameAnchor[]> => {
    const upKeys = new Set([...up].flatMap((r) => keys.get(r)?.keys ?? []));
    const out = new Map<string, NameAnchor[]>();
    for (const [n, anchors] of ns) {
      // A sink a named module only re-exports: its callers' findings would not run through the named file.
      const kept = anchors.filter((a) => a.keys.some((k) => upKeys.has(k)) && !(a.reexport === true && unnamedOnly));
      if (kept.length > 0) out.set(n, kept);
    }
    return out;
  };
  const demanded = (from: readonly Entry[]): { callees: Set<string>; callers: Set<string> } => {
    const loaded = entries
      .filter((e) => e.module !== undefined)
      .map((e) => ({ stable: e.rel, mod: e.module!, keys: keys.get(e.rel)!.keys, pkg: keys.get(e.rel)!.pkg }));
    const added = new Map<string, NameAnchor[]>();
    // When files are named alone, a module read only as their caller counts only on the way to them.
    const upKeys = new Set([...up].flatMap((r) => keys.get(r)?.keys ?? []));
    const path = unnamedOnly
      ? {
          callerOnly: (st: string) => up.has(st) && byStable.get(st)?.named !== true,
          toward: (a: NameAnchor) => a.keys.some((k) => upKeys.has(k)),
        }
      : undefined;
    // To a fixpoint: a function is found one call further from the sink each pass, and a name found late is the
    // one whose callers put the data on the path (an entry point far up a chain the modules were all read for).
    for (let pass = 0; ; pass++) {
      tick();
      const now = reachingNames(loaded, names, path);
      if (now.size === 0) break;
      for (const [n, a] of now) added.set(n, a);
      if (pass + 1 >= DEMAND_LIMITS.passes) {
        // Still growing: callers of functions further up are not known, so neither are the files holding them.
        cut ??= { limit: 'maxDeserCallDepth', files: [] };
        const at = cut.limit === 'maxDeserCallDepth' ? keyIndex(keys) : undefined;
        if (at !== undefined)
          for (const a of [...now.values()].flat())
            for (const k of a.keys) {
              const rel = at.get(k);
              if (rel !== undefined && cut.files.length < 5 && !cut.files.includes(rel)) cut.files.push(rel);
            }
        break;
      }
    }
    const callees = new Set<string>(
      demandedModules(
        from.map((e) => ({ stable: e.rel, mod: e.module! })),
        keys,
        names,
        (st) => !unnamedOnly || byStable.get(st)?.named === true,
      ),
    );
    const callers = new Set<string>();
    const upward = towardNamed(added);
    if (upward.size > 0) {
      let found: Set<number>;
      if (postings === undefined) ({ postings, callers: found } = identifierPostings(entries, read, keys, upward));
      else found = callerFiles(postings, upward);
      for (const i of found) {
        const e = entries[i]!;
        // Test code calling a named file that is not test code puts no deployed path through it.
        if (e.module === undefined && !(testOutsideNamed && isTestPath(e.member.stable))) {
          callers.add(e.rel);
          const text = postings.kept.get(i);
          if (text !== undefined) readyTexts.set(e, text);
        }
      }
      postings.kept.clear();
    }
    // A deserializer reading a literal path: the modules naming the same path may write it (an upload a handler
    // copies there), whatever calls they make. Not for files named alone (their folder is read only on their paths).
    const paths = unnamedOnly ? new Set<string>() : literalSinkPaths(from.map((e) => e.module!));
    if (paths.size > 0)
      for (const e of entries) {
        if (e.module !== undefined || e.leftOut === true || callers.has(e.rel)) continue;
        if (e.member.size === UNKNOWN_SIZE || e.member.size > MAX_DEMAND_BYTES) continue;
        const text = read(e);
        if (text === undefined || ![...paths].some((p) => text.includes(p))) continue;
        callers.add(e.rel);
        readyTexts.set(e, text);
      }
    return { callees, callers };
  };
  let round = 0;
  for (; round < DEMAND_LIMITS.rounds && fresh.length > 0; round++) {
    tick();
    stats.rounds = Math.max(stats.rounds, round + 1);
    const { callees, callers } = demanded(fresh);
    const wanted = new Set([...callees, ...callers]);
    for (const st of callers) up.add(st);
    fresh = [];
    for (const stable of wanted) {
      const e = byStable.get(stable);
      if (e === undefined || e.module !== undefined || e.leftOut) continue;
      if (stats.loadedOnDemand - loadedBefore >= DEMAND_LIMITS.modules) {
        cut ??= { limit: 'maxDeserModules', files: [] };
        if (cut.files.length < 5) cut.files.push(stable);
        continue;
      }
      if (spent(e)) continue;
      const text = read(e);
      if (text === undefined) {
        if (e.member.size > MAX_DEMAND_BYTES) noteTooLarge(unparsed, e);
        continue;
      }
      tick();
      try {
        e.module = await analyzePythonModule(text, { timeoutMs: 10_000 });
      } catch (err) {
        noteUnparsed(unparsed, e, text, err);
        continue;
      }
      if (!admit(e)) continue;
      stats.loadedOnDemand++;
      stats.loaded.push({ rel: e.rel, why: callees.has(stable) ? 'callee' : 'caller' });
      fresh.push(e);
    }
    readyTexts.clear();
  }
  // Rounds used up while modules loaded in the last one may still demand others: the chain across files was cut.
  // Modules whose results feed a sink are needed as they are; callers past the bound are needed only when the
  // analysis asks for the callers of a function they call (checked once the analysis has run).
  let pendingCallees: string[] = [];
  let pendingCallers = false;
  if (cut === undefined && round === DEMAND_LIMITS.rounds && fresh.length > 0) {
    const unread = (st: string): boolean => byStable.get(st)?.module === undefined;
    const p = demanded(fresh);
    pendingCallees = [...p.callees].filter(unread);
    pendingCallers = [...p.callers].some(unread);
    readyTexts.clear();
  }
  stats.nodes += nodes;
  const inputs: ProjectInput[] = entries
    .filter((e) => e.module !== undefined)
    .map((e) => ({ file: e.rel, relPath: e.rel, mod: e.module! }));
  // The module names computed above (the same paths and packages): not computed again for the whole tree.
  const project = new DeserProject(
    inputs,
    entries.map((e) => e.rel),
    isPackageDir,
    keys,
    tick,
  );
  const reachOf = importReach(entries, keys, tick);
  project.importReach = reachOf;
  project.distributedModule = distributedModules(entries, tick);
  const reaches = (from: string, to: string): boolean => {
    if (from === to) return true;
    const r = reachOf(from);
    return r === 'all' || r.has(to);
  };
  const cutSinks: CutSink[] = [];
  const found = detectProjectSignals(project, cutSinks);
  // A deserializer call of a named module that the data flow's own bound left undecided keeps what the module's own
  // analysis reports on it: the whole-program view may refine a module's verdict, never lose it by running out. Such
  // a call is SCAN-INCOMPLETE too (below, naming the bound), as the refinement it may have missed is not proven. A
  // cut call its module does not report on its own is left as the project decided it (its verdict rests on callers).
  const cutKept: CutSink[] = [];
  const cutNamed = cutSinks.filter((c) => byStable.get(c.file)?.named === true);
  if (cutNamed.length > 0) {
    const serves = projectServes(project);
    for (const file of new Set(cutNamed.map((c) => c.file))) {
      tick();
      const here = cutNamed.filter((c) => c.file === file);
      const alone = detectModuleAlone({ file, relPath: file, mod: byStable.get(file)!.module! }, isPackageDir);
      for (const c of here) {
        // A library API's finding holds only where the project serves nothing, as in the project's own verdicts.
        const kept = alone.filter(
          (s) =>
            s.line === c.line &&
            s.column === c.column &&
            s.ruleId !== 'DESER-PICKLE-TRANSPORT' &&
            !(serves && isLibrarySignal(s)),
        );
        if (kept.length === 0) continue;
        for (const s of kept) s.details.analysisTruncated = true;
        found.set(file, [...(found.get(file) ?? []), ...kept]);
        cutKept.push(c);
      }
    }
  }
  // Library-API findings hold only for a project that serves nothing: a module the text gate skipped may serve. Only
  // a finding the report would hold (below: in a named module, or on a data path through one) makes that worth asking.
  const reported = (stable: string, s: CodeSignal): boolean =>
    byStable.get(stable)?.named === true || (s.flow ?? []).some((f) => byStable.get(f.file)?.named === true);
  // Per top-level package: serving code of the package itself (not tests, examples or demos beside it) makes the
  // modules its imports reach an app's, whose entry points decide; a script at the project's root or a module of
  // another package importing it (servesPackage) makes the whole package an app's; an app elsewhere in the tree
  // does not withdraw another package's findings.
  const libraryTops = new Set<string>();
  for (const [stable, l] of found)
    if (l.some((s) => isLibrarySignal(s) && reported(stable, s))) libraryTops.add(topPackage(keys.get(stable)!.keys));
  for (const top of libraryTops) {
    const mine = entries.filter((e) => servingCounts(e.rel));
    const topOf = (e: Entry): string => topPackage(keys.get(e.rel)?.keys ?? []);
    const serving = await servesUnread(mine, tick, top, topOf);
    if (serving !== 'all' && serving.length === 0) continue;
    for (const [k, list] of found)
      if (
        topPackage(keys.get(k)!.keys) === top &&
        (serving === 'all' || serving.some((e) => topOf(e) !== top || reaches(e.rel, k)))
      )
        found.set(
          k,
          list.filter((s) => !isLibrarySignal(s)),
        );
  }
  if (pendingCallees.length > 0 || pendingCallers) {
    const past = [
      ...pendingCallees.filter((st) => {
        const ks = keys.get(st)!.keys;
        if (ks.some((k) => project.askedInto(k))) return true;
        // A base class there of a class whose methods may reach a sink (it may make the class a handler).
        const inside = (q: string): boolean => ks.some((k) => q === k || q.startsWith(`${k}.`));
        return project
          .outsideBases()
          .some(
            (b) =>
              inside(b.base) &&
              [...names.values()].some((as) =>
                as.some((a) => a.cls === b.cls && a.keys.some((k) => b.keys.includes(k))),
              ),
          );
      }),
      ...(pendingCallers ? unreadCallersOfAsked(project, towardNamed(names), postings, entries, testOutsideNamed) : []),
    ];
    if (past.length > 0) cut = { limit: 'maxDeserModuleDepth', files: past.slice(0, 5) };
  }
  const findings: Finding[] = [];
  if (cut !== undefined) findings.push(...incompleteProject(entries, cut, rules));
  findings.push(...unparsedIncomplete(unparsed, rules));
  if (cutKept.length > 0) findings.push(...cutFlow(byStable, cutKept, rules));
  for (const [stable, list] of found) {
    const e = byStable.get(stable)!;
    // A module the scan did not name is reported when the data path runs through a named one.
    const signals = list.filter((s) => reported(stable, s));
    if (signals.length === 0) continue;
    const fact: CodeFact = {
      location: { chain: [e.member.path] },
      kind: 'python',
      signals: signals.map((s) => localise(s, byStable, isTestPath(e.member.stable))),
    };
    const ctx = new RuleContext(e.member.target, e.member.stable);
    for (const r of rules) r.visit.code?.(fact, ctx);
    findings.push(...ctx.findings);
  }
  return findings;
}

/** Most unread modules parsed to find serving code; past it the project counts as serving (no library finding). */
const MAX_SERVING_PARSES = 64;
/** Modules larger than this are not read for serving code; such a module counts as serving. */
const MAX_SERVING_BYTES = 2_000_000;

/**
 * The modules of the project the analysis did not read (their text names no deserializer) that serve and count for
 * package `top` (servesPackage), or 'all' when any module may: one too large or unreadable, more candidates than
 * MAX_SERVING_PARSES, a parse that fails. The candidates are counted from their texts first and parsed only when
 * there are few enough: a package of hundreds of modules that may serve answers without one parse.
 */
async function servesUnread(
  entries: readonly Entry[],
  tick: () => void,
  top: string,
  topOf: (e: Entry) => string,
): Promise<Entry[] | 'all'> {
  const candidates: Entry[] = [];
  for (const e of entries) {
    if (e.module !== undefined) continue;
    tick();
    let size = e.member.size;
    if (size === UNKNOWN_SIZE) {
      try {
        size = lstatSync(e.member.path).size;
      } catch {
        continue;
      }
    }
    if (size > MAX_SERVING_BYTES) return 'all';
    const text = readText(e.member);
    if (text === undefined) return 'all';
    if (!mayServe(text)) continue;
    // Another package's module that never names this one cannot be an app built on it (servesPackage).
    if (topOf(e) !== top && e.rel.includes('/') && !text.includes(top)) continue;
    if (candidates.length >= MAX_SERVING_PARSES) return 'all';
    candidates.push(e);
  }
  const serving: Entry[] = [];
  for (const e of candidates) {
    tick();
    const text = readText(e.member);
    if (text === undefined) return 'all';
    try {
      const mod = await analyzePythonModule(text, { timeoutMs: 10_000 });
      const imports = mod.imports.map((i) => i.qualifiedName);
      if (servesPackage(top, e.rel, topOf(e), imports) && moduleServes(mod)) serving.push(e);
    } catch {
      return 'all';
    }
  }
  return serving;
}

/** `py_modules=[...]` of a `setup()` call: the modules a distribution ships outside any package. */
const PY_MODULES = /\bpy_modules\s*=\s*[[(]([^\])]*)[\])]/g;
const STRING_LITERAL = /(["'])([\w.]+)\1/g;

/**
 * Whether a module is a single-module distribution's own (named in `py_modules` of a `setup.py` of the project,
 * relative to that file's folder): the `setup.py` texts are read once, when first asked.
 */
function distributedModules(entries: readonly Entry[], tick: () => void): (relPath: string) => boolean {
  let shipped: Set<string> | undefined;
  return (relPath) => {
    if (shipped === undefined) {
      shipped = new Set();
      for (const e of entries) {
        if (e.rel !== 'setup.py' && !e.rel.endsWith('/setup.py')) continue;
        tick();
        const text = readText(e.member);
        if (text === undefined) continue;
        const dir = e.rel.slice(0, e.rel.length - 'setup.py'.length);
        for (const m of text.matchAll(PY_MODULES))
          for (const n of m[1]!.matchAll(STRING_LITERAL)) shipped.add(`${dir}${n[2]!.split('.').join('/')}.py`);
      }
    }
    return shipped.has(relPath);
  };
}

/**
 * The project modules (relative paths) each module's import statements reach, transitively, with the packages
 * (`__init__`) an import runs first (`import a.b.c` runs `a` and `a.b`); a name no module answers to is also looked
 * up in the importing module's own folder. Texts only, never parsed, each read once.
 * 'all' when a text on the way cannot be read (every module counts as reached).
 */
function importReach(
  entries: readonly Entry[],
  keys: ReturnType<typeof moduleKeys>,
  tick: () => void,
): (rel: string) => ReadonlySet<string> | 'all' {
  const byKey = keyIndex(keys);
  const byRel = new Map(entries.map((e) => [e.rel, e]));
  const direct = new Map<string, Set<string> | undefined>();
  const memo = new Map<string, ReadonlySet<string> | 'all'>();
  const importsOf = (rel: string): Set<string> | undefined => {
    if (!direct.has(rel)) {
      tick();
      const e = byRel.get(rel);
      const text = e === undefined ? undefined : readText(e.member);
      let out: Set<string> | undefined;
      if (text !== undefined) {
        out = new Set();
        const pkg = keys.get(rel)?.pkg ?? '';
        const folder = pkg === '' ? [] : pkg.split('.');
        for (const name of importStatementNames(text, pkg).names) {
          const parts = name.split('.').filter((x) => x !== '');
          // An absolute name, or one of the module's own folder (a script run from it has the folder on its path:
          // `from svc import handle` beside `svc.py` in a package folder).
          let m = longestModuleAt(parts, byKey, parts.length)?.rel;
          if (m === undefined && folder.length > 0) {
            const r = longestModuleAt([...folder, ...parts], byKey, folder.length + parts.length);
            if (r !== undefined && r.n > folder.length) m = r.rel;
          }
          if (m === undefined) continue;
          out.add(m);
          const dotted = (keys.get(m)?.keys[0] ?? '').split('.');
          for (let i = 1; i < dotted.length; i++) {
            const p = byKey.get(dotted.slice(0, i).join('.'));
            if (p !== undefined) out.add(p);
          }
        }
      }
      direct.set(rel, out);
    }
    return direct.get(rel);
  };
  return (from) => {
    let r = memo.get(from);
    if (r === undefined) {
      const seen = new Set<string>([from]);
      const stack = [from];
      r = seen;
      while (stack.length > 0) {
        const next = importsOf(stack.pop()!);
        if (next === undefined) {
          r = 'all';
          break;
        }
        for (const m of next)
          if (!seen.has(m)) {
            seen.add(m);
            stack.push(m);
          }
      }
      memo.set(from, r);
    }
    return r;
  };
}

/**
 * Files not read that call a function whose callers the analysis asked for, when that function may reach a sink
 * (a wanted name of the demand, at the same module): the callers past the rounds' bound that a verdict needed.
 */
function unreadCallersOfAsked(
  project: DeserProject,
  names: ReadonlyMap<string, NameAnchor[]>,
  postings: Postings | undefined,
  entries: readonly Entry[],
  skipTests: boolean,
): string[] {
  if (postings === undefined) return [];
  const asked = new Map<string, NameAnchor[]>();
  for (const a of project.askedCallers()) {
    const wanted = names.get(a.name);
    if (wanted === undefined || !wanted.some((w) => w.keys.some((k) => a.keys.includes(k)))) continue;
    const list = asked.get(a.name) ?? [];
    list.push({ keys: a.keys, ...(a.cls !== undefined ? { cls: a.cls } : {}) });
    asked.set(a.name, list);
    // Subclasses inheriting the method (in modules read): their instances' callers, and their own subclasses and
    // constructions in modules not read, call it too.
    if (a.cls === undefined) continue;
    const classes = [a.cls];
    for (let i = 0; i < classes.length; i++)
      for (const w of wanted)
        if (w.base === classes[i] && w.cls !== undefined && !classes.includes(w.cls)) {
          classes.push(w.cls);
          list.push({ keys: w.keys, cls: w.cls });
          const made = asked.get(w.cls) ?? [];
          made.push({ keys: w.keys });
          asked.set(w.cls, made);
        }
  }
  return [...callerFiles(postings, asked)]
    .map((i) => entries[i]!)
    .filter((e) => e.module === undefined && !(skipTests && isTestPath(e.member.stable)))
    .map((e) => e.rel);
}

/** A module a data path asked for whose parse failed (over a size or time limit, or refused). */
interface Unparsed {
  entry: Entry;
  limit: string | undefined;
  reason: string;
}

/**
 * Records a module the project analysis wanted (a caller of a function that reaches a deserializer, a callee feeding
 * one, a hop of a named file) but could not parse. A module whose text names a deserializer, scanned in the walk, is
 * already SCAN-INCOMPLETE from the per-file scan (its own parse failed the same way): not named twice.
 */
function noteUnparsed(list: Unparsed[], e: Entry, text: string, err: unknown): void {
  if (e.named && mayHaveDeserSignals(text)) return;
  if (list.some((u) => u.entry === e)) return;
  list.push({
    entry: e,
    limit: err instanceof LimitError ? err.limit : undefined,
    reason: errorMessage(err),
  });
}

/** Records a module a data path asked for that is larger than the analysis reads (MAX_DEMAND_BYTES). */
function noteTooLarge(list: Unparsed[], e: Entry): void {
  if (list.some((u) => u.entry === e)) return;
  list.push({
    entry: e,
    limit: 'maxDeserModuleBytes',
    reason: `the module has ${e.member.size} bytes, more than the ${MAX_DEMAND_BYTES} the analysis reads of one module`,
  });
}

/**
 * SCAN-INCOMPLETE for each module a data path toward a deserializer runs through (or may) that could not be parsed:
 * what it hands the deserializer is unknown, so the project's DESER verdict is not proven (at most five named).
 */
function unparsedIncomplete(list: readonly Unparsed[], rules: PostWalkInput['rules']): Finding[] {
  const findings: Finding[] = [];
  for (const u of list.slice(0, 5)) {
    const fact: IncompleteFact = {
      location: { chain: [u.entry.member.path] },
      kind: u.limit !== undefined ? 'limit' : 'unsupported',
      ...(u.limit !== undefined ? { limit: u.limit } : {}),
      reason:
        `DESER cross-module analysis could not parse this module, which a data path toward a deserializer may run ` +
        `through (it imports or is called by a module that deserializes): ${u.reason}. A deserializer reached ` +
        'through it is not proven safe.',
    };
    const ctx = new RuleContext(u.entry.member.target, u.entry.member.stable);
    for (const r of rules) r.visit.incomplete?.(fact, ctx);
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
  cut: { limit: string; files: string[]; count?: number },
  rules: PostWalkInput['rules'],
): Finding[] {
  const e = entries.find((x) => x.rel === cut.files[0]) ?? entries[0]!;
  const what =
    cut.limit === 'maxDeserProjectNodes'
      ? `the modules to analyse together hold more than ${DESER_NODES.max} syntax nodes (the project's ` +
        `work budget); ${cut.count ?? cut.files.length} module(s) were left out`
      : cut.limit === 'maxDeserModules'
        ? `more than ${DEMAND_LIMITS.modules} modules were needed`
        : cut.limit === 'maxDeserProjectWork'
          ? `reading the modules a data path needs would exceed the project's work budget ` +
            `(${DEMAND_LIMITS.workBytes} source bytes read, each read counted)`
          : cut.limit === 'maxDeserProjectFiles'
            ? `the project tree holds more than ${MAX_PROJECT_FILES} Python files`
            : cut.limit === 'maxDeserCallDepth'
              ? `the chain of calls handing data toward a deserializer is longer than ${DEMAND_LIMITS.passes} ` +
                'functions, so the callers further up it were not looked for'
              : `the chain of calls across files is longer than ${DEMAND_LIMITS.rounds} modules`;
  const fact: IncompleteFact = {
    location: { chain: [e.member.path] },
    kind: 'limit',
    limit: cut.limit,
    reason:
      `DESER cross-module analysis stopped: ${what}; ${cut.limit === 'maxDeserProjectNodes' ? 'not analysed' : cut.limit === 'maxDeserCallDepth' ? 'callers not looked for, of functions in' : 'not read'}` +
      `: ${cut.files.join(', ')}${(cut.count ?? 0) > cut.files.length ? ', …' : ''}. A deserializer reached ` +
      'through these modules is not proven safe.',
  };
  const ctx = new RuleContext(e.member.target, e.member.stable);
  for (const r of rules) r.visit.incomplete?.(fact, ctx);
  return ctx.findings;
}

/**
 * The data flow across the modules hit its own bound (a chain of callers deeper than it evaluates, or its steps
 * spent) on the way to deserializer calls of named modules that their modules report on their own, and left them
 * undecided: SCAN-INCOMPLETE on the first such module, naming the calls and the bound.
 */
function cutFlow(
  byStable: ReadonlyMap<string, Entry>,
  cut: readonly CutSink[],
  rules: PostWalkInput['rules'],
): Finding[] {
  const e = byStable.get(cut[0]!.file)!;
  const depth = cut.some((c) => c.cut === 'depth');
  const calls = cut.slice(0, 5).map((c) => `${c.sink} at ${c.file}:${c.line}`);
  const fact: IncompleteFact = {
    location: { chain: [e.member.path] },
    kind: 'limit',
    limit: depth ? 'maxDeserFlowDepth' : 'maxDeserFlowSteps',
    reason:
      `DESER cross-module data flow stopped at its bound (${depth ? `callers merged more than ${FLOW_LIMITS.evalDepth} levels deep` : `${MAX_STEPS} evaluation steps per module`}) ` +
      `on the way to ${calls.join(', ')}${cut.length > calls.length ? ', …' : ''}: what these deserializers load ` +
      'is not proven internal.',
  };
  const ctx = new RuleContext(e.member.target, e.member.stable);
  for (const r of rules) r.visit.incomplete?.(fact, ctx);
  return ctx.findings;
}

/** Module key (dotted name) → the rel path of the module it names (the first one, as moduleKeys lists them). */
function keyIndex(keys: ReadonlyMap<string, { keys: string[] }>): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const [rel, k] of keys) for (const key of k.keys) if (!byKey.has(key)) byKey.set(key, rel);
  return byKey;
}

/**
 * The project modules (rel paths) the import statements of a module's text name, each resolved to its longest
 * prefix that is a module: a superset of what its parse lists as imports (any indentation; a statement in a string
 * or a comment counts too).
 */
function textImportedModules(text: string, pkg: string, byKey: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  const { names } = importStatementNames(text, pkg);
  for (const name of names) {
    const rel = longestModule(name.split('.'), byKey);
    if (rel !== undefined) out.add(rel);
  }
  return out;
}

/** The module (rel path) a dotted name's longest prefix names, from `longest` parts down to one. */
function longestModule(
  parts: readonly string[],
  byKey: ReadonlyMap<string, string>,
  longest = parts.length,
): string | undefined {
  return longestModuleAt(
    parts.filter((x) => x !== ''),
    byKey,
    longest,
  )?.rel;
}

/**
 * Whether a project module the named file's import statements name (its first hop), or one that module's import
 * statements name (the second), has text passing the DESER text gate; otherwise no data path can run through the
 * named file (see runTarget). Texts only, never parsed; it stops at the first module that passes.
 */
function deserWithinTwoImports(
  text: string,
  rel: string,
  entryOf: (rel: string) => Entry | undefined,
  textOf: (e: Entry) => string | undefined,
  byKey: ReadonlyMap<string, string>,
  keys: ReadonlyMap<string, { pkg: string }>,
): boolean {
  const seen = new Set<string>([rel]);
  let layer = [...textImportedModules(text, keys.get(rel)?.pkg ?? '', byKey)];
  for (let hop = 1; hop <= 2 && layer.length > 0; hop++) {
    const next: string[] = [];
    // A package's `__init__.py` is no hop of its own: what it imports is reached at the same hop (a name called
    // through the package runs the module it re-exports from, `followReexports`).
    for (let i = 0; i < layer.length; i++) {
      const st = layer[i]!;
      if (seen.has(st)) continue;
      seen.add(st);
      const e = entryOf(st);
      if (e === undefined) continue;
      // A named module analysed in the walk passed the gate there.
      if (e.module !== undefined) return true;
      const t = textOf(e);
      if (t === undefined) continue;
      if (mayHaveDeserSignals(t)) return true;
      if (st === '__init__.py' || st.endsWith('/__init__.py'))
        layer.push(...textImportedModules(t, keys.get(st)?.pkg ?? '', byKey));
      else if (hop === 1) next.push(...textImportedModules(t, keys.get(st)?.pkg ?? '', byKey));
    }
    layer = next;
  }
  return false;
}

/** The project modules (their rel paths) a module imports, absolute or relative. */
function importedModules(mod: PythonModule, pkg: string, byKey: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const i of mod.imports) {
    if (i.kind === 'star') continue;
    let name = i.kind === 'from' ? `${i.module}.${i.name ?? ''}` : i.module;
    if (i.relativeLevel > 0) {
      const base = pkg.split('.').filter((x) => x !== '');
      name = [...base.slice(0, base.length - (i.relativeLevel - 1)), name.slice(i.relativeLevel)]
        .filter((x) => x !== '')
        .join('.');
    }
    const rel = longestModule(name.split('.'), byKey);
    if (rel !== undefined) out.push(rel);
  }
  return out;
}

/** The project modules (their rel paths) whose functions or classes a module calls by qualified name. */
function calledModules(
  mod: PythonModule,
  pkg: string,
  byKey: ReadonlyMap<string, string>,
  only?: (c: CallSite) => boolean,
): Set<string> {
  return new Set(calledThrough(mod, pkg, byKey, only).keys());
}

/**
 * calledModules with, per module, the names the calls look up in it (`app.pkg.decode(...)` looks up `decode` in
 * app/pkg/__init__.py; `app.pkg.codec.decode(...)` looks up `decode` in app/pkg/codec.py when that is a module).
 */
function calledThrough(
  mod: PythonModule,
  pkg: string,
  byKey: ReadonlyMap<string, string>,
  only?: (c: CallSite) => boolean,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of mod.calls)
    for (const v of c.callee.values) {
      if (only !== undefined && !only(c)) break;
      if (v.kind !== 'qualified') continue;
      // The callee's module: a prefix of its name without the last part (the function or class called).
      const parts = absoluteName(v.name, 0, pkg)
        .split('.')
        .filter((x) => x !== '');
      const found = longestModuleAt(parts, byKey, parts.length - 1);
      if (found === undefined) continue;
      let names = out.get(found.rel);
      if (names === undefined) out.set(found.rel, (names = new Set()));
      names.add(parts[found.n]!);
    }
  return out;
}

/**
 * Whether a module's text may bind `name` other than by importing it: a `def`/`class` of that name or an assignment
 * to it, at any indentation (a conditional definition replaces the import too).
 */
function definesName(text: string, name: string): boolean {
  const n = name.replace(/[^\w]/g, '');
  return new RegExp(
    `^[ \\t]*(?:(?:async[ \\t]+)?def|class)[ \\t]+${n}\\b|^[ \\t]*${n}[ \\t]*(?::[^=\\n]*)?=(?!=)|\\bglobal\\b[^\\n]*\\b${n}\\b`,
    'm',
  ).test(text);
}

/** Re-export steps followed from a first-hop module toward the module defining a name. */
const REEXPORT_STEPS = 4;

/**
 * For the first-hop modules of files named alone: the names looked up in them that they only import from another
 * project module, followed to the module defining each (at most REEXPORT_STEPS modules down). Returns the modules
 * on those ways (`through`: to read as first hops, each inheriting whether a receiving file calls the module it
 * came from), the modules each looked-up name of which is imported from elsewhere (`onlyReexports`: nothing of
 * theirs runs for these calls), and the modules to read whatever their text (`needed`: the first-hop module and
 * the ones between it and a defining module that will be read, so the project resolves the call through them).
 */
function followReexports(
  firstHops: ReadonlySet<string>,
  lookedUp: ReadonlyMap<string, ReadonlySet<string>>,
  calledByNamed: Set<string>,
  textOf: (rel: string) => string | undefined,
  keys: ReadonlyMap<string, { pkg: string }>,
  byKey: ReadonlyMap<string, string>,
): { through: Set<string>; onlyReexports: Set<string>; needed: Set<string> } {
  const through = new Set<string>();
  const onlyReexports = new Set<string>();
  const needed = new Set<string>();
  const bindings = new Map<string, ReturnType<typeof importBindings> | undefined>();
  const bindingsOf = (rel: string): ReturnType<typeof importBindings> | undefined => {
    if (!bindings.has(rel)) {
      const t = textOf(rel);
      bindings.set(rel, t === undefined ? undefined : importBindings(t, keys.get(rel)?.pkg ?? ''));
    }
    return bindings.get(rel);
  };
  /** Where `name` looked up in `rel` comes from: another project module and its name there, or undefined (here). */
  // A name bound to a module itself (`from .impl import codec as c`): that module is where the way ends (the
  // name looked up in it next is not known here), `name` undefined.
  const source = (rel: string, name: string): { rel: string; name?: string } | 'outside' | undefined => {
    const b = bindingsOf(rel);
    const q = b?.bound.get(name);
    if (b === undefined || b.open || q === undefined || definesName(textOf(rel)!, name)) return undefined;
    const parts = q.split('.').filter((x) => x !== '');
    const at = longestModuleAt(parts, byKey, parts.length);
    if (at === undefined) return 'outside';
    if (at.rel === rel) return undefined;
    return at.n === parts.length ? { rel: at.rel } : { rel: at.rel, name: parts[at.n]! };
  };
  for (const m of firstHops) {
    const names = lookedUp.get(m);
    if (names === undefined || names.size === 0) continue;
    let own = false;
    for (const name of names) {
      let at = source(m, name);
      // Defined here, or imported from outside the project (a library deserializer re-exported, `from pickle
      // import loads as decode`, is a sink looked up here): the module's own text decides, as for any hop.
      if (at === undefined || at === 'outside') {
        own = true;
        continue;
      }
      const way: string[] = [];
      for (let step = 0; typeof at === 'object' && step < REEXPORT_STEPS; step++) {
        if (way.includes(at.rel) || at.rel === m) break;
        way.push(at.rel);
        if (at.name === undefined) break;
        at = source(at.rel, at.name);
      }
      const defining = way[way.length - 1]!;
      const receiving = calledByNamed.has(m);
      const t = textOf(defining);
      const willRead = receiving || (t !== undefined && mayHoldDeserializer(t));
      for (const r of way) {
        through.add(r);
        if (receiving) calledByNamed.add(r);
      }
      if (willRead) {
        needed.add(m);
        for (const r of way.slice(0, -1)) needed.add(r);
      }
    }
    if (!own) onlyReexports.add(m);
  }
  return { through, onlyReexports, needed };
}

/** longestModule with the number of parts the module's name has. */
function longestModuleAt(
  parts: readonly string[],
  byKey: ReadonlyMap<string, string>,
  longest: number,
): { rel: string; n: number } | undefined {
  for (let n = Math.min(longest, parts.length); n >= 1; n--) {
    const rel = byKey.get(parts.slice(0, n).join('.'));
    if (rel !== undefined) return { rel, n };
  }
  return undefined;
}

/**
 * What a module's text binds by import statements: bound name → the absolute dotted name it stands for
 * (`from .codec import decode as d` binds `d` → `pkg.codec.decode`; `import a.b as c` binds `c` → `a.b`; `import
 * a.b` binds `a` → `a`), and whether it has a star import or a module `__getattr__` (then any name may come from
 * elsewhere, unseen here). Text only (statements in strings count too): used to follow a name a file named alone
 * calls through a package's re-export to the module defining it.
 */
function importBindings(text: string, pkg: string): { bound: Map<string, string>; open: boolean } {
  const bound = new Map<string, string>();
  let open = /^def[ \t]+__getattr__\b/m.test(text);
  const src = text.includes('\\') ? text.replace(/\\\r?\n/g, ' ') : text;
  for (const m of importStatements(src)) {
    if (m[1] !== undefined) {
      const base = absoluteName(m[1], 0, pkg);
      const list = (m[2] ?? '').replace(/#[^\n]*/g, '').replace(/[()]/g, ' ');
      for (const item of list.split(/[,;]/)) {
        const w = item.trim().split(/\s+/);
        if (w[0] === '*') open = true;
        if (w[0] === undefined || !IDENTIFIER.test(w[0])) continue;
        const name = w[1] === 'as' && w[2] !== undefined && IDENTIFIER.test(w[2]) ? w[2] : w[0];
        bound.set(name, base === '' ? w[0] : `${base}.${w[0]}`);
      }
    } else {
      for (const part of (m[3] ?? '').replace(/#.*/, '').split(/[,;]/)) {
        const w = part.trim().split(/\s+/);
        if (w[0] === undefined || !/^[\w.]+$/.test(w[0])) continue;
        if (w[1] === 'as' && w[2] !== undefined && IDENTIFIER.test(w[2])) bound.set(w[2], w[0]);
        else bound.set(w[0].split('.')[0]!, w[0].split('.')[0]!);
      }
    }
  }
  return { bound, open };
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

/**
 * A module's text, read through the confined open (sources/confine.ts): a walked file held to its walk's folders, a
 * module the project adds held to the scan's roots and opened without following a link (the listing saw a file).
 */
function readText(m: JobMember, maxBytes = MAX_DEMAND_BYTES): string | undefined {
  let src: FileSource | undefined;
  try {
    src = new FileSource(
      { chain: [m.path] },
      m.bytesPath ?? m.path,
      m.confine ? { within: m.confine, ...(m.noFollow ? { noFollow: true } : {}) } : undefined,
    );
    if (src.size > maxBytes) return undefined;
    const b = src.readWhole();
    const d = decodePythonSource(b);
    return d.ok ? d.text : undefined;
  } catch {
    return undefined;
  } finally {
    src?.close();
  }
}

interface Postings {
  /**
   * Absolute dotted name → the files whose import statements name it or a module below it (`from pkg.codec import
   * Codec` posts `pkg`, `pkg.codec` and `pkg.codec.Codec`; relative imports resolved from the file's package).
   */
  imported: Map<string, number[]>;
  /** The same for plain `import pkg` statements only (the rest of a dotted use, `pkg.codec.f()`, is in the text). */
  plain: Map<string, number[]>;
  /**
   * The names of `asked` file `i` may call: a name counts when it is an identifier of the file's text (as
   * `[A-Za-z_]\w*` splits it) and so is every word of one of its alternatives (the parts below a plain import; none
   * for a module an import statement names). Each word is looked up once per file, the most specific first (a
   * module's last part, then the parts above it, then the name): a part such as `io` or `tests` occurs in most
   * files, and looking for every asked word in every file asked was most of a search (pandas: 0.2 s). Only files
   * that import a wanted name's module are ever asked, so the index keeps the import statements alone and a file
   * asked is read again (not counted twice), once per search for callers, its text not kept: indexing every
   * identifier of every file was most of a file named alone's cost in a large package (torch: 15 MB of text for the
   * callers of one function), and keeping the texts added 30-40 MB to the peak of the 1 M-line bench.
   */
  namesIn(i: number, asked: ReadonlyMap<string, readonly (readonly string[])[]>): Set<string>;
  /**
   * The texts of the files the last search found calling an asked name (file index → text), for their parse to
   * take rather than read the file again; the caller empties it once the round has read what it wanted.
   */
  kept: Map<number, string>;
}

/** Import statements, parenthesised name lists included. */
const IMPORT_RE = /^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)|import[ \t]+([^\n]*))/gm;

/** The same statements at a line's start, sticky: tried only at the lines that hold `import`. */
const IMPORT_AT = new RegExp(IMPORT_RE.source, 'my');

/**
 * What `src.matchAll(IMPORT_RE)` yields, without trying the pattern at every character: a statement starts at a
 * line's start (after any of JavaScript's line terminators, as `^` reads them) and holds `import` on that line, so
 * only the start of each line where `import` occurs is tried, past the end of the statement matched before.
 */
function* importStatements(src: string): Generator<RegExpExecArray> {
  let end = 0;
  for (let at = src.indexOf('import'); at >= 0;) {
    let start = at;
    while (start > 0 && !LINE_TERMINATORS.has(src[start - 1]!)) start--;
    let next = at + 1;
    if (start >= end) {
      IMPORT_AT.lastIndex = start;
      const m = IMPORT_AT.exec(src);
      if (m !== null) {
        end = start + m[0].length;
        next = Math.max(next, end);
        yield m;
      }
    }
    // The rest of this line cannot start a statement.
    while (next < src.length && !LINE_TERMINATORS.has(src[next - 1]!)) next++;
    at = src.indexOf('import', next);
  }
}
const LINE_TERMINATORS: ReadonlySet<string> = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * The dotted names a module's import statements name (absolute; relative ones resolved from its package `pkg`):
 * `from pkg.codec import Codec, decode` names `pkg.codec`, `pkg.codec.Codec` and `pkg.codec.decode`; `import a.b`
 * names `a.b` (also listed in `plain`: the rest of a dotted use is in the text). Backslash continuations are joined.
 */
function importStatementNames(text: string, pkg: string): { names: Set<string>; plain: Set<string> } {
  const names = new Set<string>();
  const plain = new Set<string>();
  const src = text.includes('\\') ? text.replace(/\\\r?\n/g, ' ') : text;
  for (const m of importStatements(src)) {
    if (m[1] !== undefined) {
      const base = absoluteName(m[1], 0, pkg);
      names.add(base);
      for (const n of (m[2] ?? '').replace(/#[^\n]*/g, '').match(/[A-Za-z_]\w*/g) ?? [])
        if (n !== 'as') names.add(base === '' ? n : `${base}.${n}`);
    } else {
      for (const part of (m[3] ?? '').replace(/#.*/, '').split(/[,;]/)) {
        const q =
          part
            .trim()
            .replace(/^import\s+/, '')
            .split(/\s+/)[0] ?? '';
        if (!/^[\w.]+$/.test(q)) continue;
        names.add(q);
        plain.add(q);
      }
    }
  }
  return { names, plain };
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;
const IDENTIFIERS = /[A-Za-z_]\w*/g;
/** Words looked for in a file one by one before its identifiers are listed. */
const SCANNED_WORDS = 8;

/**
 * Whether `id` (an identifier) is one of the identifiers `text.match(/[A-Za-z_]\w*\/g)` lists: a run of word
 * characters that is `id` after leading digits (`1foo` lists `foo`, `a1foo` only `a1foo`).
 */
function hasIdentifier(text: string, id: string): boolean {
  let at = text.indexOf(id);
  while (at >= 0) {
    const end = at + id.length;
    if (end >= text.length || !WORD.test(text[end]!)) {
      let k = at - 1;
      while (k >= 0 && DIGIT.test(text[k]!)) k--;
      if (k < 0 || !WORD.test(text[k]!)) return true;
    }
    at = text.indexOf(id, at + 1);
  }
  return false;
}
const WORD = /\w/;
const DIGIT = /\d/;

/**
 * A file's identifiers (the runs `IDENTIFIERS` lists: a letter or `_`, then word characters) as a Bloom filter, two
 * bits per identifier and about one bit per four code units of text: a word it does not hold is not an identifier of
 * the text, so a file asked only such words in a later search for callers is not read again (a word it may hold is
 * looked for in the text). Made on the text read for the index, in one pass over its code units.
 */
function identifierFilter(text: string): Uint32Array {
  let words = 8;
  while (words < MAX_FILTER_WORDS && words * 128 < text.length) words *= 2;
  const filter = new Uint32Array(words);
  const mask = words * 32 - 1;
  const n = text.length;
  for (let i = 0; i < n;) {
    let c = text.charCodeAt(i);
    if (CHAR_CLASS[c] !== IDENTIFIER_START) {
      i++;
      continue;
    }
    let h = FNV_OFFSET;
    do {
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
      c = text.charCodeAt(i);
    } while (i < n && CHAR_CLASS[c] !== NOT_IDENTIFIER);
    const a = h & mask;
    const b = secondHash(h) & mask;
    filter[a >>> 5]! |= 1 << (a & 31);
    filter[b >>> 5]! |= 1 << (b & 31);
  }
  return filter;
}

/** Whether `id` may be an identifier of the text `filter` was made from (false: it is not). */
function mayHold(filter: Uint32Array, id: string): boolean {
  let h = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), FNV_PRIME);
  const mask = filter.length * 32 - 1;
  const a = h & mask;
  const b = secondHash(h) & mask;
  return (filter[a >>> 5]! & (1 << (a & 31))) !== 0 && (filter[b >>> 5]! & (1 << (b & 31))) !== 0;
}

/** A letter or `_` (ASCII, as `\w` reads it without the `u` flag). */
function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

const NOT_IDENTIFIER = 0;
const IDENTIFIER_START = 1;
/**
 * Per UTF-16 code unit: IDENTIFIER_START (a letter or `_`), 2 (a digit) or NOT_IDENTIFIER, as isIdentifierStart and
 * `[0-9]` read it; a table look-up per character instead of the comparisons (identifierFilter reads every character
 * of every module of the project).
 */
const CHAR_CLASS = (() => {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 128; c++)
    t[c] = isIdentifierStart(c) ? IDENTIFIER_START : c >= 48 && c <= 57 ? 2 : NOT_IDENTIFIER;
  return t;
})();

function secondHash(h: number): number {
  const x = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return x ^ (x >>> 12);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Largest filter: 2^17 words of 32 bits (512 KiB, for a text of 16 MiB). */
const MAX_FILTER_WORDS = 1 << 17;

/**
 * The names of `asked` a file's text may call: a name counts when it is an identifier of the text (as
 * `[A-Za-z_]\w*` splits it) and so is every word of one of its alternatives (Postings.namesIn).
 */
function namesInText(text: string, asked: ReadonlyMap<string, readonly (readonly string[])[]>): Set<string> {
  const found = new Set<string>();
  const known = new Map<string, boolean>();
  // Past a few words looked for, the file's identifiers are listed once (each search scans the whole text; a file
  // asked for the methods of a class many packages define was asked hundreds of words), the list not kept.
  let ids: Set<string> | undefined;
  const has = (id: string): boolean => {
    let b = known.get(id);
    if (b === undefined) {
      if (ids === undefined && known.size >= SCANNED_WORDS) ids = new Set(text.match(IDENTIFIERS));
      b = IDENTIFIER.test(id) && (ids !== undefined ? ids.has(id) : hasIdentifier(text, id));
      known.set(id, b);
    }
    return b;
  };
  // The last part of a module path first (`test_pickle` of pandas.tests.io.test_pickle): the rarest word.
  const holds = (words: readonly string[]): boolean => {
    for (let w = words.length - 1; w >= 0; w--) if (!has(words[w]!)) return false;
    return true;
  };
  for (const [name, alternatives] of asked) if (alternatives.some(holds) && has(name)) found.add(name);
  return found;
}

function identifierPostings(
  entries: readonly Entry[],
  read: (e: Entry) => string | undefined,
  keys: ReadonlyMap<string, { pkg: string }>,
  first: ReadonlyMap<string, NameAnchor[]>,
): { postings: Postings; callers: Set<number> } {
  const imported = new Map<string, number[]>();
  const plain = new Map<string, number[]>();
  /** Files read for the index. */
  const indexed = new Set<number>();
  /** Per file read for the index, its identifiers' filter: a file asked only words it lacks is not read again. */
  const filters = new Map<number, Uint32Array>();
  const add = (m: Map<string, number[]>, id: string, i: number): void => {
    const list = m.get(id);
    if (list === undefined) m.set(id, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  const prefixes = (q: string): string[] => {
    if (q === '' || q.startsWith('.') || q.endsWith('.') || q.includes('..')) {
      const parts = q.split('.').filter((x) => x !== '');
      return parts.map((_, n) => parts.slice(0, n + 1).join('.'));
    }
    const out: string[] = [];
    for (let at = q.indexOf('.'); at >= 0; at = q.indexOf('.', at + 1)) out.push(q.slice(0, at));
    out.push(q);
    return out;
  };
  // The first search for callers is answered on the texts read for the index (each file's asks follow from its own
  // import statements alone), so a file is not read a second time for it.
  const plan = askPlan(first);
  const asks = new Map<number, Map<string, string[][]>>();
  const calls = new Map<number, Set<string>>();
  const kept = new Map<number, string>();
  /** Keeps the text of a file found calling an asked name for its parse (a module within the size analysed). */
  const keep = (i: number, text: string, found: ReadonlySet<string>): void => {
    const size = entries[i]!.member.size;
    if (found.size > 0 && size !== UNKNOWN_SIZE && size <= MAX_DEMAND_BYTES) kept.set(i, text);
  };
  entries.forEach((e, i) => {
    if (e.module !== undefined) return;
    let text = read(e);
    // The size is known once read: a module too large to analyse is still indexed by its import statements.
    if (text === undefined && e.member.size > MAX_DEMAND_BYTES) text = readText(e.member, MAX_INDEX_BYTES);
    if (text === undefined) return;
    indexed.add(i);
    filters.set(i, identifierFilter(text));
    const pkg = keys.get(e.rel)?.pkg ?? '';
    const { names, plain: plainImports } = importStatementNames(text, pkg);
    const plainNames = new Set<string>();
    for (const q of plainImports) for (const p of prefixes(q)) plainNames.add(p);
    const all = new Set<string>();
    for (const q of names) for (const p of prefixes(q)) all.add(p);
    for (const q of all) add(imported, q, i);
    for (const q of plainNames) add(plain, q, i);
    let byName: Map<string, string[][]> | undefined;
    for (const [set, from] of [
      [all, plan.imported],
      [plainNames, plan.plain],
    ] as const)
      for (const q of set)
        for (const [name, words] of from.get(q) ?? []) {
          byName ??= new Map();
          pushTo(byName, name, words);
        }
    if (byName === undefined) return;
    asks.set(i, byName);
    const found = namesInText(text, byName);
    calls.set(i, found);
    keep(i, text, found);
  });
  const namesIn = (i: number, asked: ReadonlyMap<string, readonly (readonly string[])[]>): Set<string> => {
    const filter = filters.get(i);
    if (filter === undefined) return new Set();
    const may = (id: string): boolean => mayHold(filter, id);
    let any = false;
    for (const [name, alternatives] of asked)
      if (may(name) && alternatives.some((words) => words.every(may))) {
        any = true;
        break;
      }
    if (!any) return new Set();
    const text = readText(entries[i]!.member, MAX_INDEX_BYTES);
    if (text === undefined) return new Set();
    const found = namesInText(text, asked);
    keep(i, text, found);
    return found;
  };
  return { postings: { imported, plain, namesIn, kept }, callers: callersFound(first, asks, calls) };
}

/**
 * Files naming one of the functions and importing one of its modules, as Python resolves an import (absolute, or
 * relative to the file's package): `from pkg.codec import decode`, `from pkg import codec`, `from . import codec`,
 * `import pkg.codec`, or `import pkg` with `codec` in the text (`pkg.codec.decode(...)`; for `pkg.sub.codec`, both
 * `sub` and `codec`: a dotted use below a plain import spells every part of it). A caller has to import
 * what it calls, or an instance's class from that module; a file that only names an identifier of the same
 * spelling from elsewhere (`json.loads`, another package's `utils`) is not one.
 */
function callerFiles(postings: Postings, names: ReadonlyMap<string, NameAnchor[]>): Set<number> {
  // What each file will be asked: per name, the words that must be present with it (none when an import statement
  // names one of its modules; the module's parts below a plain import of a prefix); then each file read once.
  const asks = new Map<number, Map<string, string[][]>>();
  const plan = askPlan(names);
  for (const [from, posted] of [
    [plan.imported, postings.imported],
    [plan.plain, postings.plain],
  ] as const)
    for (const [q, list] of from) {
      const files = posted.get(q);
      if (files === undefined) continue;
      for (const [name, words] of list)
        for (const i of files) {
          let byName = asks.get(i);
          if (byName === undefined) asks.set(i, (byName = new Map()));
          pushTo(byName, name, words);
        }
    }
  const calls = new Map<number, Set<string>>();
  for (const [i, byName] of asks) calls.set(i, postings.namesIn(i, byName));
  return callersFound(names, asks, calls);
}

/**
 * Per dotted name a file's import statements may name (Postings.imported) or import plainly (Postings.plain), the
 * names of `names` a file doing so is asked, each with the words that must be present with it (none for a module
 * an import statement names; after `import a`, a use of `a.b.c.f` spells every part below the import, `b` and `c`).
 */
function askPlan(names: ReadonlyMap<string, NameAnchor[]>): {
  imported: Map<string, [string, string[]][]>;
  plain: Map<string, [string, string[]][]>;
} {
  const imported = new Map<string, [string, string[]][]>();
  const plain = new Map<string, [string, string[]][]>();
  for (const [name, anchors] of names) {
    // `@register`: a decorator wanted for the table it may fill; its module is read as a callee, its callers are not.
    if (name.startsWith('@')) continue;
    for (const a of anchors)
      for (const k of a.keys) {
        pushTo(imported, k, [name, []]);
        const parts = k.split('.');
        for (let n = 1; n < parts.length; n++) pushTo(plain, parts.slice(0, n).join('.'), [name, parts.slice(n)]);
      }
  }
  return { imported, plain };
}

/** The files (by index) found calling a name of `names`, in the order of the names and then of the files. */
function callersFound(
  names: ReadonlyMap<string, NameAnchor[]>,
  asks: ReadonlyMap<number, unknown>,
  calls: ReadonlyMap<number, ReadonlySet<string>>,
): Set<number> {
  const files = [...asks.keys()].sort((x, y) => x - y);
  const out = new Set<number>();
  for (const name of names.keys()) for (const i of files) if (calls.get(i)!.has(name)) out.add(i);
  return out;
}
