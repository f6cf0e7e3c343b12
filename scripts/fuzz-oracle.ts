// The oracle fuzzer (npm run fuzz:oracle [minutes] [--seed N] [--batch N] [--workers N] [--replay SEED:INDEX]
// [--attribute RUN.json --window N --repeat N] [--pool-from DIR] [--only REGEX] [--composer 1|2]):
// composes random pickle programs over the names the allowlist packs admit (random argument types, memo reuse,
// BUILD/SETITEMS/APPENDS on call results, nesting in every container), runs each under the real loaders
// (pickle.load, pandas.read_pickle, joblib.load, torch.load on a zip wrapping it, np.load(allow_pickle=True) on an
// object .npy) in forked /usr/bin/python3 children with an audit hook (scripts/fuzz-oracle/worker.py), and scans
// every program whose load raised a flagged event with Sentinel's library API, in process. A program that a loader
// lets reach a flagged event while Sentinel passes is a failure: written to test/fixtures/oracle-regressions/ with
// its seed, so this generator rewrites it (--replay). Offline, not in CI: it runs hostile programs (in children).
// --attribute re-runs the crashes a run recorded with one load per fresh child and names the program each crash comes
// from (attributeCrashes); --pool-from draws from the packs of an older tree, so that indexes mean the run's programs.
// --chroot DIR runs the loaders under DIR's /usr/bin/python3 (a Debian chroot made by scripts/oracle-chroot.sh, e.g.
// sid's newest pickle, pandas, joblib, torch and numpy; the worker and its input files are copied into DIR/tmp), and
// --python PATH under another interpreter of this host; the default is this host's /usr/bin/python3. torch.load runs
// with weights_only=False where torch has that argument (the hostile-user case: torch >= 2.6 defaults to True, which
// is not the pickle loader route); the summary records the interpreter and the torch.load mode.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/api/scan.js';
import { allPacks } from '../src/rules/data/allowlist.js';
import { buildZip } from '../test/formats/zip/zip-builder.js';
import { flaggedEvent } from './fuzz-oracle/events.js';
import { reviewedHooks } from './fuzz-oracle/reviewed.js';
import {
  coverageMarkdown,
  coverUnion,
  coverUnionMarkdown,
  outcomeOf,
  type CoverSummary,
  type Outcome,
  type PoolName,
  type UnionInput,
} from './fuzz-oracle/coverage.js';
import {
  ARG_KINDS,
  composeProgram,
  composeTargeted,
  ORACLE_MARKER,
  SHAPES,
  type AdmittedName,
  type ComposerVersion,
} from './fuzz-oracle/program.js';

const ROOT = new URL('..', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const WORKER = join(ROOT, 'scripts/fuzz-oracle/worker.py');

/** Where the loaders run: an interpreter of this host, or /usr/bin/python3 inside a chroot (--chroot). */
interface Interpreter {
  /** The command that starts the interpreter (then the worker's path and arguments). */
  command: string[];
  /** The chroot's directory, or '' for this host's file system. */
  root: string;
  /** The worker script as the interpreter sees it. */
  worker: string;
  /** A directory for the worker's input files: as this process writes it (host) and as the interpreter reads it. */
  dir: { host: string; inside: string };
}

function interpreterOf(a: { python?: string; chroot?: string }): Interpreter {
  if (a.chroot) {
    const root = a.chroot.replace(/\/+$/, '');
    const inside = `/tmp/sentinel-oracle-${process.pid}`;
    return {
      command: ['chroot', root, PYTHON],
      root,
      worker: `${inside}/worker.py`,
      dir: { host: root + inside, inside },
    };
  }
  return { command: [a.python ?? PYTHON], root: '', worker: WORKER, dir: { host: tmpdir(), inside: tmpdir() } };
}

/** Why the interpreter cannot run the worker, or undefined. */
function interpreterProblem(it: Interpreter): string | undefined {
  if (!it.root)
    return existsSync(it.command[0]!) ? undefined : `fuzz:oracle needs ${it.command[0]} with the ML libraries`;
  if (!existsSync(join(it.root, PYTHON)))
    return `${it.root} has no ${PYTHON} (scripts/oracle-chroot.sh SUITE ${it.root})`;
  // The worker reads /proc/self/status (its address-space cap), and torch and numpy read /proc at import.
  if (!existsSync(join(it.root, 'proc/self/status')))
    return `mount proc in the chroot: mount -t proc proc ${it.root}/proc`;
  return undefined;
}
const OUT = join(ROOT, 'test/fixtures/oracle-regressions');
const LOADERS = ['pickle', 'pandas', 'joblib', 'torch', 'numpy'] as const;
type Loader = (typeof LOADERS)[number];
const ALL_MASK = 31;
/** The loaders of the coverage mode: the five, and torch.load(f, weights_only=True) on the same zip (bit 32). */
const COVER_LOADERS = [...LOADERS, 'torch-wo'] as const;
type AnyLoader = (typeof COVER_LOADERS)[number];
const COVER_MASK = 63;

/**
 * The loader bits a coverage run uses under this interpreter: torch.load's two bits only where torch is installed (an
 * older suite's chroot may have no torch package: its ready line's torchLoad is null), weights_only=True only where
 * torch.load has the argument, pandas.read_pickle and joblib.load only where they read a stream (pandas >= 0.20,
 * joblib >= 0.10).
 */
function coverMask(ready: Ready): number {
  let mask = ready.torchLoad === null ? ALL_MASK & ~8 : ready.torchWeightsOnly ? COVER_MASK : ALL_MASK;
  if (ready.pandasStream === false) mask &= ~2;
  if (ready.joblibStream === false) mask &= ~4;
  return mask;
}

interface Args {
  minutes: number;
  seed: number;
  batch: number;
  workers: number;
  timeout: number;
  replay?: { seed: number; index: number };
  /** Stop after this many programs (else at the time limit, whichever is first). */
  programs?: number;
  /** Also write the run's summary to this file. */
  summary?: string;
  /** Run pandas.read_pickle on every program, also where its outcome is pickle.loads' (see worker.py). */
  allLoads: boolean;
  /** First program index (a run can continue another run of the same seed). */
  start: number;
  /** Compose the programs of [start, start + programs) without loading them and print the name pool they drew. */
  poolOnly: boolean;
  /** Draw only from these packs (labels as the summary's pool names them; "history/" takes every history pack). */
  packs?: string[];
  /**
   * A tree holding src/rules/data as a run drew from it (`git archive REV src/rules/data | tar -x -C DIR`): the name
   * pool is that tree's allPacks(), so that program i is the program i of a run made before the packs changed.
   */
  poolFrom?: string;
  /** Run records (summaries) whose recorded crashes are attributed to the programs that cause them. */
  attribute?: string[];
  /** Programs before a crash re-run one load per fresh child when the crashing program does not crash alone. */
  window: number;
  /** Times each single load is repeated in its own fresh child (a heap corruption may not fault every time). */
  repeat: number;
  /**
   * Load only the programs that draw a name matching this pattern (module.name); the others are composed (so indexes
   * keep their meaning) and skipped. Replays the programs of a run that touched one library.
   */
  only?: RegExp;
  /** The program composer (scripts/fuzz-oracle/program.ts ComposerVersion): 2 by default, 1 for runs that recorded none. */
  composer: ComposerVersion;
  /** Run the loaders under this interpreter of this host instead of /usr/bin/python3. */
  python?: string;
  /** Run the loaders under /usr/bin/python3 of this chroot (scripts/oracle-chroot.sh; /proc mounted in it). */
  chroot?: string;
  /** Coverage mode: every admitted name, each argument kind, `variants` programs each (coverOracle). */
  cover: boolean;
  variants: number;
  /** With --cover: only the names no loader resolves here, one program each (the loaders' refusal is checked). */
  unresolved: boolean;
  /** Print the markdown report of a coverage summary (a file --cover wrote) and exit. */
  coverReport?: string;
  /**
   * The coverage of the current packs over several coverage summaries (FILE, or FILE=DIR when the run drew from the
   * packs of an older tree DIR as --pool-from takes it): a name counts as exercised when any run exercised it.
   */
  coverUnion?: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    minutes: 5,
    seed: Date.now() % 1_000_000_007,
    batch: 256,
    workers: 1,
    timeout: 2,
    allLoads: false,
    start: 0,
    poolOnly: false,
    window: 32,
    repeat: 3,
    composer: 2,
    cover: false,
    variants: SHAPES,
    unresolved: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--seed') a.seed = Number(argv[++i]);
    else if (v === '--batch') a.batch = Number(argv[++i]);
    else if (v === '--workers') a.workers = Number(argv[++i]);
    else if (v === '--timeout') a.timeout = Number(argv[++i]);
    else if (v === '--programs') a.programs = Number(argv[++i]);
    else if (v === '--summary') a.summary = argv[++i];
    else if (v === '--all-loads') a.allLoads = true;
    else if (v === '--start') a.start = Number(argv[++i]);
    else if (v === '--pool-only') a.poolOnly = true;
    else if (v === '--packs') a.packs = argv[++i]!.split(',');
    else if (v === '--pool-from') a.poolFrom = argv[++i];
    else if (v === '--attribute') a.attribute = argv[++i]!.split(',');
    else if (v === '--window') a.window = Number(argv[++i]);
    else if (v === '--repeat') a.repeat = Number(argv[++i]);
    else if (v === '--only') a.only = new RegExp(argv[++i]!);
    else if (v === '--composer') a.composer = Number(argv[++i]) === 1 ? 1 : 2;
    else if (v === '--python') a.python = argv[++i];
    else if (v === '--chroot') a.chroot = argv[++i];
    else if (v === '--cover') a.cover = true;
    else if (v === '--variants') a.variants = Number(argv[++i]);
    else if (v === '--unresolved') a.unresolved = true;
    else if (v === '--cover-report') a.coverReport = argv[++i];
    else if (v === '--cover-union') a.coverUnion = argv[++i]!.split(',');
    else if (v === '--replay') {
      const [s, x] = argv[++i]!.split(':');
      a.replay = { seed: Number(s), index: Number(x) };
    } else if (/^\d+(\.\d+)?$/.test(v)) a.minutes = Number(v);
  }
  // --replay SEED:INDEX composes program INDEX of SEED (the run's --seed), not of the default seed.
  if (a.replay) a.seed = a.replay.seed;
  return a;
}

/** "history/joblib" for a history pack (scripts/data/derive-history.py), else the pack's id. */
function poolLabel(p: { id: string; generatedBy: string }): string {
  const m = /^scripts\/data\/derive-history\.py (\S+)/.exec(p.generatedBy);
  return m ? `history/${m[1]}` : p.id;
}

/**
 * Every admitted name of the built-in packs, the history packs included (module and attribute split at the last dot;
 * a name two packs list is in the pool once per pack).
 */
function admittedNames(packs: typeof allPacks): AdmittedName[] {
  const out: AdmittedName[] = [];
  for (const p of packs()) {
    const pack = poolLabel(p);
    for (const [canonical, e] of p.entries) {
      const dot = canonical.lastIndexOf('.');
      if (dot <= 0) continue;
      out.push({ module: canonical.slice(0, dot), name: canonical.slice(dot + 1), kind: e.kind ?? 'unknown', pack });
    }
  }
  return out.sort((x, y) => `${x.module}.${x.name}`.localeCompare(`${y.module}.${y.name}`));
}

/** The pickle as torch.save's zip layout reads it (archive/data.pkl, archive/version). */
function torchZip(pkl: Uint8Array): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: pkl },
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

/** The pickle as the data of a one-element object array in an .npy file (format 1.0). */
function objectNpy(pkl: Uint8Array): Uint8Array {
  let header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + h.length + pkl.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  out.set(h, 10);
  out.set(pkl, 10 + h.length);
  return out;
}

interface Forms {
  readonly pkl: Uint8Array;
  readonly zip: Uint8Array;
  readonly npy: Uint8Array;
}

function formsOf(pkl: Uint8Array): Forms {
  return { pkl, zip: torchZip(pkl), npy: objectNpy(pkl) };
}

interface LoadResult {
  loader: AnyLoader;
  program: number;
  end: string;
  /** [event, repr of its arguments, the reviewed hook whose own native parse raised it (not flagged; worker.py)]. */
  events: AuditEvent[];
  /** The worker's audit hook refused a flagged event (the operation did not happen). */
  veto: boolean;
  /** pandas.read_pickle whose outcome is pickle.loads' (its first step; it re-reads only after pandas' retry errors). */
  derived: boolean;
  /** CPU time of the load in the worker, microseconds. */
  us: number;
  /** The load child's pid when the load ended it (a crash or a timeout): the kernel's log names it. */
  pid?: number | null;
}

interface Ready {
  python: string;
  versions: Record<string, string | null>;
  /** Indexes (into the names file) of names neither pickle's find_class nor pandas' compat map resolves here. */
  unloadable: number[];
  /** The reviewed hooks (pack `rebuild` fields) installed here whose own native parse the oracle allows. */
  reviewedHooks: string[];
  /** How the worker calls torch.load (weights_only=False where torch has the argument); null: torch not installed. */
  torchLoad?: string | null;
  /** Whether torch.load has weights_only (loader bit 32 loads with weights_only=True). */
  torchWeightsOnly?: boolean;
  /** Whether pandas.read_pickle reads a stream here (pandas < 0.20 opens its argument as a path: no pandas loads). */
  pandasStream?: boolean;
  /** Whether joblib.load reads a stream here (joblib < 0.10 opens its argument as a path: no joblib loads). */
  joblibStream?: boolean;
  /** What records the events: the interpreter's audit hook, or the load server's wrappers (Python < 3.8). */
  monitor?: 'audit-hook' | 'emulated';
}

type AuditEvent = [string, string] | [string, string, string];

/** One load server (scripts/fuzz-oracle/worker.py): libraries imported once, programs loaded in forked children. */
class Worker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  readonly ready: Promise<Ready>;
  children = 0;
  killed = 0;

  constructor(it: Interpreter, namesFile: string, roots: readonly string[], reviewedFile: string) {
    const [cmd, ...pre] = it.command;
    this.proc = spawn(cmd!, [...pre, it.worker, namesFile, roots.join(','), reviewedFile], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr.on('data', (d: Buffer) => {
      if (process.env.ORACLE_DEBUG) process.stderr.write(d);
    });
    this.proc.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    this.ready = new Promise((resolve) => this.waiting.push((line) => resolve(JSON.parse(line) as Ready)));
  }

  /** Loads every program under every loader of `mask`; `fresh`: in a child forked for this request alone. */
  run(programs: readonly Forms[], mask: number, timeout: number, fresh = false, derive = false): Promise<LoadResult[]> {
    const parts: Buffer[] = [];
    const head = Buffer.alloc(14);
    head.writeUInt32LE(programs.length, 0);
    head.writeUInt8(mask, 4);
    head.writeDoubleLE(timeout, 5);
    head.writeUInt8((fresh ? 1 : 0) | (derive ? 2 : 0), 13);
    parts.push(head);
    for (const f of programs) {
      for (const b of [f.pkl, f.zip, f.npy]) {
        const len = Buffer.alloc(4);
        len.writeUInt32LE(b.length, 0);
        parts.push(len, Buffer.from(b));
      }
    }
    return new Promise((resolve) => {
      this.waiting.push((line) => {
        const r = JSON.parse(line) as { results: LoadResult[]; children: number; killed: number };
        this.children = r.children;
        this.killed = r.killed;
        resolve(r.results);
      });
      this.proc.stdin.write(Buffer.concat(parts));
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

const NAMES: Record<AnyLoader, string> = {
  pickle: 'program.pkl',
  pandas: 'program.pkl',
  joblib: 'program.pkl',
  torch: 'program.pt',
  numpy: 'program.npy',
  'torch-wo': 'program.pt',
};

/** The bytes loader `loader` reads. */
function formFor(loader: AnyLoader, f: Forms): Uint8Array {
  return loader === 'torch' || loader === 'torch-wo' ? f.zip : loader === 'numpy' ? f.npy : f.pkl;
}

/** The loader bit of `loader` in a worker's mask (torch.load with weights_only=True is bit 32). */
function loaderMask(loader: AnyLoader): number {
  return loader === 'torch-wo' ? 32 : 1 << LOADERS.indexOf(loader);
}

/** One load of `f` by `loader` alone, in a fresh child (no earlier program changed the process). */
async function runAlone(w: Worker, f: Forms, loader: AnyLoader, timeout: number): Promise<LoadResult | undefined> {
  const [r] = await w.run([f], loaderMask(loader), timeout, true);
  return r;
}

/** Writes the bytes `loader` read of `f` to the regression folder; their file name. */
function writeRegression(loader: AnyLoader, f: Forms): string {
  const bytes = formFor(loader, f);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const file = `${loader}-${hash}${NAMES[loader].slice(NAMES[loader].lastIndexOf('.'))}`;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, file), bytes);
  return file;
}

async function sentinelPasses(loader: AnyLoader, f: Forms): Promise<{ passes: boolean; rules: string[] }> {
  const bytes = formFor(loader, f);
  const r = await scan({ name: NAMES[loader], bytes }, { failOn: ['CRITICAL', 'HIGH', 'MEDIUM'] });
  return { passes: r.summary.exitCode === 0, rules: [...new Set(r.findings.map((x) => x.ruleId))] };
}

interface Failure {
  file: string;
  /** An event carries a string only the program holds (the stream chose the code, path or module). */
  steered: boolean;
  loader: AnyLoader;
  seed: number;
  index: number;
  events: AuditEvent[];
  end: string;
}

/** Payloads the oracle must see under every loader, veto (the marker file is never written) and Sentinel must block. */
const CANARIES = [
  `cos\nsystem\n(Vecho ${ORACLE_MARKER}\ntR.`,
  `cbuiltins\nopen\n(V/tmp/${ORACLE_MARKER}/canary\nVw\ntR.`,
  `cbuiltins\nexec\n(Vprint('${ORACLE_MARKER}')\ntR.`,
];

/**
 * Benign programs (an int; a call of int with three arguments, which raises TypeError, so pandas.read_pickle re-reads
 * the stream with its compat unpickler). What a loader raises on them is the loader's own doing (pandas < 1.2's
 * read_pickle imports the optional s3fs on every call), not a program's.
 */
const BENIGN = ['I1\n.', 'cbuiltins\nint\n(I1\nI2\nI3\ntR.'];

/** The flagged events the loaders raise on benign programs (event and arguments, as the load server reports them). */
async function environmentEvents(
  w: Worker,
  flagged: (e: string, a: string) => boolean,
  timeout: number,
  mask = ALL_MASK,
): Promise<Set<string>> {
  const results = await w.run(
    BENIGN.map((c) => formsOf(new TextEncoder().encode(c))),
    mask,
    timeout,
  );
  return new Set(results.flatMap((r) => r.events.filter(([e, a]) => flagged(e, a)).map(([e, a]) => `${e}\0${a}`)));
}

/**
 * The run starts only when each canary is flagged and vetoed under each loader of `mask` (the five loaders, or a
 * coverage run's loaders under an interpreter without torch) and Sentinel blocks it under each of the five.
 */
async function canaries(
  workers: readonly Worker[],
  flagged: (e: string, a: string) => boolean,
  timeout: number,
  root: string,
  mask = ALL_MASK,
): Promise<void> {
  const forms = CANARIES.map((c) => formsOf(new TextEncoder().encode(c)));
  const inMask = LOADERS.filter((l) => (mask & loaderMask(l)) !== 0).length;
  for (const w of workers) {
    const results = await w.run(forms, mask, timeout);
    for (const r of results) {
      const seen = r.events.some(([e, a]) => flagged(e, a));
      if (!seen || !r.veto) throw new Error(`canary ${r.program} under ${r.loader}: flagged ${seen}, vetoed ${r.veto}`);
    }
    if (results.length !== CANARIES.length * inMask) throw new Error(`canaries: ${results.length} loads`);
  }
  for (const [i, f] of forms.entries()) {
    for (const loader of LOADERS) {
      if ((await sentinelPasses(loader, f)).passes) throw new Error(`canary ${i} passes Sentinel under ${loader}`);
    }
  }
  if (existsSync(`${root}/tmp/${ORACLE_MARKER}/canary`))
    throw new Error('a canary wrote its file: the veto did not hold');
}

/** The kernel's log lines about a fault of process `pid` (dmesg: `python3[pid]: segfault at ...`), best effort. */
function kernelLines(pid: number | null | undefined): string[] {
  if (!pid) return [];
  const r = spawnSync('dmesg', [], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(`[${pid}]`))
    .map((l) => l.replace(/^\[\s*[\d.]+\]\s*/, '').trim())
    .slice(0, 4);
}

/** A crash a run record lists (its summary's `crashes.first`). */
interface CrashRecord {
  index: number;
  loader: Loader;
  end: string;
}

/** What one program's loads do alone: per loader, the ends of `repeat` loads, each in a fresh child. */
interface AloneResult {
  index: number;
  crashes: number;
  loads: number;
  byLoader: Partial<Record<Loader, string[]>>;
  kernel: string[];
}

interface Attribution {
  /** The program the run recorded as crashing. */
  crashIndex: number;
  run: string;
  recordedLoaders: string[];
  /** How the crash was attributed: the program crashes alone; an earlier program of the window crashes alone; the
   * crash needs earlier programs loaded in the same child (bisected); or it did not reproduce. */
  how: 'alone' | 'window' | 'sequence' | 'not-reproduced';
  culprits: number[];
  alone: AloneResult[];
  /** For 'sequence': the programs [from, crashIndex] loaded in one child reproduce it; from + 1 does not. */
  sequenceFrom?: number;
}

interface Culprit {
  index: number;
  sha256: string;
  bytes: number;
  /** Sentinel's verdict on the program as each loader reads it (exit 0 = passes). */
  sentinel: Record<Loader, { passes: boolean; rules: string[] }>;
  crashesAlone: AloneResult;
}

/**
 * --attribute RUNFILE[,RUNFILE]: re-runs the crashes a run recorded, one load per fresh child, so that each crash is
 * attributed to the program that causes it. The recorded program is loaded alone under each loader (`repeat` times,
 * each in a child forked for that load alone); if none of those loads crashes, each of the `window` programs before
 * it is loaded alone the same way; if none crashes either, the window is loaded in one child as the run loaded it
 * and bisected to the earliest program the crash needs. Each program a crash is attributed to is then scanned by
 * Sentinel under each loader's reading. Refuses to run when the name pool differs from the run's (program i would
 * not be the program the run loaded).
 */
async function attributeCrashes(
  args: Args,
  w: Worker,
  compose: (i: number) => Uint8Array,
  pool: { entries: number; unloadable: string[] },
): Promise<object> {
  const attributions: Attribution[] = [];
  const culprits = new Map<number, Culprit>();
  const aloneCache = new Map<number, AloneResult>();
  const alone = async (index: number): Promise<AloneResult> => {
    const seen = aloneCache.get(index);
    if (seen) return seen;
    const f = formsOf(compose(index));
    const res: AloneResult = { index, crashes: 0, loads: 0, byLoader: {}, kernel: [] };
    for (const loader of LOADERS) {
      const ends: string[] = [];
      for (let k = 0; k < args.repeat; k++) {
        const [r] = await w.run([f], 1 << LOADERS.indexOf(loader), args.timeout, true);
        res.loads++;
        ends.push(r!.end);
        if (r!.end.startsWith('crash:')) {
          res.crashes++;
          if (res.kernel.length < 4) res.kernel.push(...kernelLines(r!.pid).map((l) => `${loader}: ${l}`));
        }
      }
      res.byLoader[loader] = ends;
    }
    aloneCache.set(index, res);
    return res;
  };
  // Loads programs [from, to] in one fresh child, every loader, as a run does: does program `to` crash?
  const sequenceCrashes = async (from: number, to: number): Promise<boolean> => {
    const forms: Forms[] = [];
    for (let i = from; i <= to; i++) forms.push(formsOf(compose(i)));
    const results = await w.run(forms, ALL_MASK, args.timeout, true, true);
    return results.some((r) => r.program === to - from && r.end.startsWith('crash:'));
  };
  const runs: object[] = [];
  for (const file of args.attribute!) {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as {
      seed: number;
      composer?: ComposerVersion;
      indexes: [number, number];
      crashes?: { count: number; first: CrashRecord[] };
      pool?: { entries: number };
      unloadable?: { names: string[] };
    };
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (rec.seed !== args.seed) throw new Error(`${name}: seed ${rec.seed}, not --seed ${args.seed}`);
    // Runs that recorded no composer were written by version 1.
    if ((rec.composer ?? 1) !== args.composer)
      throw new Error(`${name}: composer ${rec.composer ?? 1}, not --composer ${args.composer}`);
    const runUnloadable = rec.unloadable?.names ?? [];
    if (
      rec.pool?.entries !== pool.entries ||
      runUnloadable.length !== pool.unloadable.length ||
      runUnloadable.some((n, i) => n !== pool.unloadable[i])
    ) {
      throw new Error(
        `${name}: the run drew from ${rec.pool?.entries} entries (${runUnloadable.length} unloadable), this pool has ` +
          `${pool.entries} (${pool.unloadable.length} unloadable): its program indexes are other programs here`,
      );
    }
    const recorded = rec.crashes?.first ?? [];
    if ((rec.crashes?.count ?? 0) > recorded.length) {
      process.stderr.write(`${name}: ${rec.crashes!.count} crashes, ${recorded.length} listed; attributing those\n`);
    }
    const byIndex = new Map<number, string[]>();
    for (const c of recorded) byIndex.set(c.index, [...(byIndex.get(c.index) ?? []), `${c.loader} ${c.end}`]);
    runs.push({ run: name, crashLoads: rec.crashes?.count ?? 0, listed: recorded.length, programs: byIndex.size });
    for (const [index, loads] of [...byIndex].sort((a, b) => a[0] - b[0])) {
      const a: Attribution = {
        crashIndex: index,
        run: name,
        recordedLoaders: loads,
        how: 'not-reproduced',
        culprits: [],
        alone: [],
      };
      const own = await alone(index);
      a.alone.push(own);
      if (own.crashes > 0) {
        a.how = 'alone';
        a.culprits.push(index);
      } else {
        const lo = Math.max(rec.indexes[0], index - args.window);
        for (let j = index - 1; j >= lo; j--) {
          const r = await alone(j);
          if (r.crashes > 0) {
            a.alone.push(r);
            a.culprits.push(j);
          }
        }
        if (a.culprits.length > 0) a.how = 'window';
        else if (await sequenceCrashes(lo, index)) {
          // Bisect the start: the latest `from` whose sequence [from, index] still crashes at `index`.
          let good = lo; // crashes
          let bad = index; // [index, index] alone does not crash
          while (bad - good > 1) {
            const mid = (good + bad) >> 1;
            if (await sequenceCrashes(mid, index)) good = mid;
            else bad = mid;
          }
          a.how = 'sequence';
          a.sequenceFrom = good;
          a.culprits.push(good);
        }
      }
      attributions.push(a);
      process.stderr.write(`crash ${index} (${name}): ${a.how} ${a.culprits.join(',')}\n`);
      for (const c of a.culprits) {
        if (culprits.has(c)) continue;
        const f = formsOf(compose(c));
        const sentinel = {} as Culprit['sentinel'];
        for (const loader of LOADERS) sentinel[loader] = await sentinelPasses(loader, f);
        culprits.set(c, {
          index: c,
          sha256: createHash('sha256').update(f.pkl).digest('hex'),
          bytes: f.pkl.length,
          sentinel,
          crashesAlone: await alone(c),
        });
      }
    }
  }
  const list = [...culprits.values()].sort((a, b) => a.index - b.index);
  const passed = list.filter((c) => LOADERS.some((l) => c.sentinel[l].passes));
  return {
    seed: args.seed,
    window: args.window,
    repeat: args.repeat,
    runs,
    crashPrograms: attributions.length,
    byHow: Object.fromEntries(
      (['alone', 'window', 'sequence', 'not-reproduced'] as const).map((h) => [
        h,
        attributions.filter((a) => a.how === h).length,
      ]),
    ),
    culprits: list.length,
    culpritsSentinelPasses: passed.map((c) => c.index),
    attributions,
    programs: list,
  };
}

/**
 * --cover: the oracle's coverage of the admitted names. Every distinct admitted name is called by programs with
 * arguments of every kind (ARG_KINDS) in `variants` call shapes (REDUCE; NEWOBJ/NEWOBJ_EX; REDUCE then BUILD with a
 * planted state, SETITEMS or APPENDS; handed as the callee of another admitted name), each program loaded by the five
 * loaders and by torch.load(weights_only=True). What each load did is classed (code ran, file written, file opened,
 * import, native call, crash, hang, clean); every load that did something is scanned by Sentinel, and one Sentinel
 * passes is re-run alone in a fresh child: still doing it, it is a pass-with-payload (written to
 * test/fixtures/oracle-regressions/ as the random mode writes its failures). A name is exercised when it resolves
 * under this interpreter and every one of its programs was loaded by every loader.
 */
async function coverOracle(
  args: Args,
  workers: readonly Worker[],
  all: readonly AdmittedName[],
  unloadable: ReadonlySet<number>,
  ready: Ready,
  counted: (ev: AuditEvent) => boolean,
  it: Interpreter,
): Promise<CoverSummary> {
  const t0 = Date.now();
  const resolvable = all.filter((_, i) => !unloadable.has(i));
  // Distinct names (a name two packs list is one target); resolvable when any of its entries resolves.
  const targets = new Map<string, { name: AdmittedName; packs: Set<string>; resolves: boolean }>();
  all.forEach((n, i) => {
    const key = `${n.module}.${n.name}`;
    const t = targets.get(key) ?? { name: n, packs: new Set<string>(), resolves: false };
    t.packs.add(n.pack ?? '?');
    if (!unloadable.has(i)) t.resolves = true;
    targets.set(key, t);
  });
  const chosen = [...targets.entries()].filter(([k]) => !args.only || args.only.test(k));
  const mask = coverMask(ready);
  const loaders = COVER_LOADERS.filter((l) => (mask & loaderMask(l)) !== 0);
  interface Job {
    key: string;
    kind: string;
    variant: number;
    forms: Forms;
  }
  const jobs: Job[] = [];
  for (const [key, t] of chosen) {
    if (args.unresolved) {
      // A name no loader here resolves: every loader must refuse it at find_class (one program shows it).
      if (!t.resolves)
        jobs.push({
          key,
          kind: 'random',
          variant: 0,
          forms: formsOf(composeTargeted(t.name, 'random', 0, resolvable, args.seed)),
        });
      continue;
    }
    if (!t.resolves) continue;
    for (const kind of ARG_KINDS) {
      for (let v = 0; v < args.variants; v++) {
        jobs.push({ key, kind, variant: v, forms: formsOf(composeTargeted(t.name, kind, v, resolvable, args.seed)) });
      }
    }
  }
  const perName = new Map<string, { programs: number; loads: number; outcomes: Partial<Record<Outcome, number>> }>();
  const outcomes: Record<string, Partial<Record<Outcome, number>>> = {};
  const byKind: Record<string, Partial<Record<Outcome, number>>> = {};
  const loads: Partial<Record<AnyLoader, number>> = {};
  const failures: (Failure & { target: string; kind: string; variant: number; outcome: Outcome })[] = [];
  const notConfirmed: { target: string; kind: string; variant: number; loader: AnyLoader; outcome: Outcome }[] = [];
  let judged = 0;
  let blocked = 0;
  let derived = 0;
  let next = 0;
  let done = 0;
  const blockedRules = new Map<string, number>();
  const ends: Record<string, number> = {};
  const examples: Record<string, { target: string; kind: string; loader: string; detail: string }> = {};
  async function loop(w: Worker): Promise<void> {
    while (next < jobs.length) {
      const batch = jobs.slice(next, next + args.batch);
      next += batch.length;
      const results = await w.run(
        batch.map((j) => j.forms),
        mask,
        args.timeout,
        false,
        !args.allLoads,
      );
      for (const r of results) {
        const job = batch[r.program]!;
        const stat = perName.get(job.key) ?? { programs: 0, loads: 0, outcomes: {} };
        perName.set(job.key, stat);
        stat.loads++;
        if (r.derived) derived++;
        loads[r.loader] = (loads[r.loader] ?? 0) + 1;
        const endKey = `${r.loader} ${r.end}`;
        ends[endKey] = (ends[endKey] ?? 0) + 1;
        const hits = r.events.filter((ev) => counted(ev));
        const o = outcomeOf(r.end, hits);
        stat.outcomes[o] = (stat.outcomes[o] ?? 0) + 1;
        const byL = (outcomes[r.loader] ??= {});
        byL[o] = (byL[o] ?? 0) + 1;
        const byK = (byKind[job.kind] ??= {});
        byK[o] = (byK[o] ?? 0) + 1;
        if (o === 'clean') continue;
        examples[`${r.loader} ${o}`] ??= {
          target: job.key,
          kind: job.kind,
          loader: r.loader,
          detail: hits.length > 0 ? `${hits[0]![0]} ${hits[0]![1].slice(0, 120)}` : r.end,
        };
        judged++;
        const verdict = await sentinelPasses(r.loader, job.forms);
        if (!verdict.passes) {
          blocked++;
          for (const rule of verdict.rules) blockedRules.set(rule, (blockedRules.get(rule) ?? 0) + 1);
          continue;
        }
        // Alone in a fresh child: does this load still do it?
        const again = await runAlone(w, job.forms, r.loader, args.timeout);
        const o2 = again
          ? outcomeOf(
              again.end,
              again.events.filter((ev) => counted(ev)),
            )
          : 'clean';
        if (o2 === 'clean') {
          notConfirmed.push({ target: job.key, kind: job.kind, variant: job.variant, loader: r.loader, outcome: o });
          continue;
        }
        const file = writeRegression(r.loader, job.forms);
        failures.push({
          file,
          steered: again!.events.some(([, a]) => a.includes(ORACLE_MARKER)),
          loader: r.loader,
          seed: args.seed,
          index: -1,
          events: again!.events.filter((ev) => counted(ev)),
          end: again!.end,
          target: job.key,
          kind: job.kind,
          variant: job.variant,
          outcome: o2,
        });
        process.stderr.write(`PASS-WITH-PAYLOAD ${file} ${job.key} ${job.kind}/${job.variant} ${r.loader} ${o2}\n`);
      }
      for (const j of batch) perName.get(j.key)!.programs++;
      done += batch.length;
    }
  }
  const progress = setInterval(() => {
    const sec = (Date.now() - t0) / 1000;
    process.stderr.write(
      `${new Date().toISOString()} ${done}/${jobs.length} programs in ${sec.toFixed(0)} s, ${judged} loads judged, ` +
        `${blocked} blocked, ${failures.length} pass-with-payload\n`,
    );
  }, 30_000);
  await Promise.all(workers.map((w) => loop(w)));
  clearInterval(progress);
  const perLoaderPrograms = args.unresolved ? 1 : args.variants * ARG_KINDS.length;
  const exercised = chosen.filter(([k, t]) => {
    const s = perName.get(k);
    return (
      t.resolves !== args.unresolved &&
      s !== undefined &&
      s.programs === perLoaderPrograms &&
      s.loads === s.programs * loaders.length
    );
  });
  const packStats: Record<string, { names: number; exercised: number; unresolved: string[] }> = {};
  const exercisedSet = new Set(exercised.map(([k]) => k));
  for (const [k, t] of chosen) {
    for (const p of t.packs) {
      const ps = (packStats[p] ??= { names: 0, exercised: 0, unresolved: [] });
      ps.names++;
      if (exercisedSet.has(k)) ps.exercised++;
      else ps.unresolved.push(k);
    }
  }
  const resolvingNames = chosen.filter(([, t]) => t.resolves).length;
  const failedNames = new Set(failures.map((f) => f.target));
  return {
    mode: args.unresolved ? 'cover-unresolved' : 'cover',
    seed: args.seed,
    variants: args.variants,
    argumentKinds: [...ARG_KINDS],
    loaders: [...loaders],
    torchLoad: ready.torchLoad ?? null,
    python: ready.python,
    // 'emulated' under Python < 3.8 (no audit hooks: the load server raises the events from wrappers, worker.py).
    ...(ready.monitor === 'emulated' ? { monitor: ready.monitor } : {}),
    interpreter: it.root ? `chroot ${it.root} ${PYTHON}` : it.command[0]!,
    versions: ready.versions,
    ...(args.only ? { only: args.only.source } : {}),
    seconds: Math.round((Date.now() - t0) / 1000),
    admittedEntries: all.length,
    admittedNames: chosen.length,
    resolvingNames,
    exercisedNames: exercised.length,
    coverage: Number((exercised.length / Math.max(1, chosen.length)).toFixed(4)),
    coverageOfResolving: Number((exercised.length / Math.max(1, resolvingNames)).toFixed(4)),
    programs: done,
    loads,
    pandasDecidedByPickleLoad: derived,
    ends,
    outcomes,
    outcomesByKind: byKind,
    examples,
    loadsJudged: judged,
    blockedBySentinel: blocked,
    blockedRules: Object.fromEntries([...blockedRules].sort((a, b) => b[1] - a[1])),
    passWithPayload: failures,
    passWithPayloadNames: [...failedNames].sort(),
    notConfirmedAlone: notConfirmed,
    byPack: Object.fromEntries(
      Object.entries(packStats).map(([p, v]) => [
        p,
        { names: v.names, exercised: v.exercised, notExercised: v.unresolved },
      ]),
    ),
    notExercised: chosen.filter(([k]) => !exercisedSet.has(k)).map(([k]) => k),
    exercised: exercised.map(([k]) => k),
  };
}

/** The distinct names of a tree's packs (module.name) with the packs that list each. */
function poolNames(packs: typeof allPacks): PoolName[] {
  const m = new Map<string, Set<string>>();
  for (const n of admittedNames(packs)) {
    const k = `${n.module}.${n.name}`;
    (m.get(k) ?? m.set(k, new Set()).get(k)!).add(n.pack ?? '?');
  }
  return [...m].map(([key, p]) => ({ key, packs: [...p].sort() }));
}

async function packsOf(dir: string | undefined): Promise<typeof allPacks> {
  return dir
    ? ((await import(join(dir, 'src/rules/data/allowlist.ts'))) as { allPacks: typeof allPacks }).allPacks
    : allPacks;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.coverReport) {
    process.stdout.write(coverageMarkdown(JSON.parse(readFileSync(args.coverReport, 'utf8')) as CoverSummary));
    return;
  }
  if (args.coverUnion) {
    const inputs: UnionInput[] = [];
    for (const spec of args.coverUnion) {
      const [file, dir] = spec.split('=');
      const summary = JSON.parse(readFileSync(file!, 'utf8')) as CoverSummary;
      inputs.push({ file: file!, summary, drawnPool: poolNames(await packsOf(dir)).map((p) => p.key) });
    }
    const union = coverUnion(poolNames(allPacks), inputs);
    process.stdout.write(coverUnionMarkdown(union));
    if (args.summary) writeFileSync(args.summary, JSON.stringify(union, null, 1) + '\n');
    return;
  }
  const it = interpreterOf(args);
  const problem = interpreterProblem(it);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
  const packs = await packsOf(args.poolFrom);
  const admitted = admittedNames(packs);
  const inPool = (label: string): boolean =>
    !args.packs || args.packs.some((p) => (p.endsWith('/') ? label.startsWith(p) : label === p));
  const all = admitted.filter((n) => inPool(n.pack ?? '?'));
  // The roots of every admitted name (not only the pool's): an import of a library the packs admit is not flagged.
  const roots = [...new Set(admitted.map((n) => n.module.split('.')[0]!))].sort();
  const rootSet = new Set(roots);
  const flagged = (event: string, args: string): boolean => flaggedEvent(event, args, rootSet);
  // An event a reviewed hook's own native parse raised (the worker's allowance tagged it) is not counted.
  // Events the loaders raise on benign programs (environmentEvents) are not counted either.
  const environment = new Set<string>();
  const counted = (ev: AuditEvent): boolean =>
    ev[2] === undefined && flagged(ev[0], ev[1]) && !environment.has(`${ev[0]}\0${ev[1]}`);
  mkdirSync(it.dir.host, { recursive: true });
  if (it.root) {
    copyFileSync(WORKER, join(it.dir.host, 'worker.py'));
    process.on('exit', () => rmSync(it.dir.host, { recursive: true, force: true }));
  }
  const namesName = `sentinel-oracle-names-${process.pid}.txt`;
  writeFileSync(join(it.dir.host, namesName), all.map((n) => `${n.module} ${n.name}`).join('\n'));
  const reviewedName = `sentinel-oracle-reviewed-${process.pid}.txt`;
  writeFileSync(join(it.dir.host, reviewedName), reviewedHooks(packs).join('\n'));
  const workers = Array.from(
    { length: args.replay || args.attribute ? 1 : args.workers },
    () => new Worker(it, join(it.dir.inside, namesName), roots, join(it.dir.inside, reviewedName)),
  );
  const ready = await Promise.all(workers.map((w) => w.ready));
  // Names no loader resolves here (their library, or that version of it, is not installed) are drawn rarely.
  const unloadableSet = new Set(ready[0]!.unloadable);
  const names = all.filter((_, i) => !unloadableSet.has(i));
  const rare = all.filter((_, i) => unloadableSet.has(i));
  // Programs that import at least one name of each pack (history packs as history/<lib>).
  const drawing = new Map<string, number>();
  let drawingHistory = 0;
  // --only: whether the last program composed with tally drew a matching name.
  let matched = true;
  const compose = (index: number, tally = false): Uint8Array => {
    if (!tally) return composeProgram(names, args.seed, index, rare, undefined, args.composer);
    if (args.only) {
      const only = args.only;
      const packs = new Set<string>();
      matched = false;
      const bytes = composeProgram(
        names,
        args.seed,
        index,
        rare,
        (n) => {
          packs.add(n.pack ?? '?');
          if (only.test(`${n.module}.${n.name}`)) matched = true;
        },
        args.composer,
      );
      if (!matched) return bytes;
      for (const p of packs) drawing.set(p, (drawing.get(p) ?? 0) + 1);
      if ([...packs].some((p) => p.startsWith('history/'))) drawingHistory++;
      return bytes;
    }
    const packs = new Set<string>();
    const bytes = composeProgram(names, args.seed, index, rare, (n) => packs.add(n.pack ?? '?'), args.composer);
    for (const p of packs) drawing.set(p, (drawing.get(p) ?? 0) + 1);
    if ([...packs].some((p) => p.startsWith('history/'))) drawingHistory++;
    return bytes;
  };
  const pool = (programs: number): object => {
    const labels = [...new Set(all.map((n) => n.pack ?? '?'))];
    return {
      source: `allPacks() of src/rules/data/allowlist.ts: ${
        args.packs ? `the entries of ${args.packs.join(', ')}` : 'every pack entry, history packs included'
      }`,
      entries: all.length,
      distinctNames: new Set(all.map((n) => `${n.module}.${n.name}`)).size,
      unloadable: rare.length,
      programs,
      programsDrawingHistory: drawingHistory,
      byPack: Object.fromEntries(
        labels.map((l) => [
          l,
          {
            entries: all.filter((n) => n.pack === l).length,
            unloadable: rare.filter((n) => n.pack === l).length,
            programsDrawing: drawing.get(l) ?? 0,
          },
        ]),
      ),
    };
  };
  if (args.replay) {
    workers[0]!.close();
    process.stdout.write(Buffer.from(compose(args.replay.index)).toString('hex') + '\n');
    return;
  }
  if (args.poolOnly) {
    workers[0]!.close();
    const n = args.programs ?? args.batch;
    for (let i = args.start; i < args.start + n; i++) compose(i, true);
    const byName = (l: string): string[] => rare.filter((x) => x.pack === l).map((x) => `${x.module}.${x.name}`);
    const history = [...new Set(all.map((x) => x.pack ?? '?'))].filter((l) => l.startsWith('history/'));
    const summary = {
      seed: args.seed,
      composer: args.composer,
      indexes: [args.start, args.start + n],
      pool: pool(n),
      unloadableHistory: Object.fromEntries(history.map((l) => [l, byName(l)])),
      python: ready[0]!.python,
      interpreter: it.root ? `chroot ${it.root} ${PYTHON}` : it.command[0],
      versions: ready[0]!.versions,
      unloadable: rare.map((n) => `${n.module}.${n.name}`),
    };
    process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
    if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 1) + '\n');
    return;
  }
  // A coverage run loads with the loaders the interpreter has (coverMask); the other modes need all five. The canaries
  // and the benign programs go to the five pickle loaders among them (weights_only=True refuses them by design).
  const mask = (args.cover ? coverMask(ready[0]!) : ALL_MASK) & ALL_MASK;
  await canaries(workers, flagged, args.timeout, it.root, mask);
  if (args.cover) {
    for (const k of await environmentEvents(workers[0]!, flagged, args.timeout, mask)) environment.add(k);
    const summary = {
      ...(await coverOracle(args, workers, all, unloadableSet, ready[0]!, counted, it)),
      environmentEvents: [...environment].map((k) => k.replace('\0', ' ')),
    };
    for (const w of workers) w.close();
    // Coverage programs are not (seed, index) programs: index -1, and the target, kind and variant that make them.
    recordFailures(summary.passWithPayload as unknown as Failure[]);
    process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
    if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 1) + '\n');
    return;
  }
  if (args.attribute) {
    const summary = await attributeCrashes(args, workers[0]!, (i) => compose(i), {
      entries: all.length,
      unloadable: rare.map((n) => `${n.module}.${n.name}`),
    });
    workers[0]!.close();
    process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
    if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 1) + '\n');
    return;
  }
  const t0 = Date.now();
  const until = t0 + args.minutes * 60_000;
  const ran: Record<Loader, number> = { pickle: 0, pandas: 0, joblib: 0, torch: 0, numpy: 0 };
  const ends: Record<string, number> = {};
  const noise = new Map<string, number>();
  const flaggedKinds = new Map<string, number>();
  // Events allowed as a reviewed hook's own native parse, by loader, event and hook.
  const reviewedParses = new Map<string, number>();
  const libraryCode = new Map<string, { count: number; index: number }>();
  const examples = new Map<string, { index: number; args: string }>();
  const failures: Failure[] = [];
  // Loads that ended the load child by a signal (a crash of the consumer: recorded, it is no audit event).
  const crashes: { index: number; loader: Loader; end: string }[] = [];
  let crashCount = 0;
  const vetoes: Record<Loader, number> = { pickle: 0, pandas: 0, joblib: 0, torch: 0, numpy: 0 };
  let vetoNotFlagged = 0;
  let derived = 0;
  const cpu: Record<Loader, number> = { pickle: 0, pandas: 0, joblib: 0, torch: 0, numpy: 0 };
  let flaggedLoads = 0;
  // Every flagged load (up to 5,000): program, loader, the flagged events, Sentinel's verdict.
  const flaggedList: {
    index: number;
    loader: Loader;
    end: string;
    events: [string, string][];
    blocked: boolean;
    rules: string[];
  }[] = [];
  let skipped = 0;
  let blocked = 0;
  let notConfirmed = 0;
  let next = args.start;
  let programs = 0;
  // SIGINT/SIGTERM: no new batch; the batches under way finish and the summary is written.
  let stopped = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stopped = true));
  const enough = (): boolean =>
    stopped || Date.now() >= until || (args.programs !== undefined && next >= args.start + args.programs);

  async function confirm(w: Worker, f: Forms, loader: Loader): Promise<LoadResult | undefined> {
    const r = await runAlone(w, f, loader, args.timeout);
    return r && r.events.some((ev) => counted(ev)) ? r : undefined;
  }

  async function loop(w: Worker): Promise<void> {
    while (!enough()) {
      const start = next;
      const count = args.programs !== undefined ? Math.min(args.batch, args.start + args.programs - start) : args.batch;
      next += count;
      const forms: Forms[] = [];
      // Program index of each form (every program of the batch, or with --only those that draw a matching name).
      const indexOf: number[] = [];
      for (let i = start; i < start + count; i++) {
        const f = formsOf(compose(i, true));
        if (!matched) {
          skipped++;
          continue;
        }
        forms.push(f);
        indexOf.push(i);
      }
      const results = forms.length > 0 ? await w.run(forms, ALL_MASK, args.timeout, false, !args.allLoads) : [];
      for (const r0 of results) {
        const r = r0 as LoadResult & { loader: Loader };
        const idx = r.program;
        const at = indexOf[idx]!;
        ran[r.loader]++;
        if (r.derived) derived++;
        cpu[r.loader] += r.us;
        ends[`${r.loader} ${r.end}`] = (ends[`${r.loader} ${r.end}`] ?? 0) + 1;
        if (r.end.startsWith('crash:')) {
          crashCount++;
          if (crashes.length < 500) crashes.push({ index: at, loader: r.loader, end: r.end });
        }
        for (const ev of r.events) {
          if (ev[2] !== undefined)
            reviewedParses.set(
              `${r.loader} ${ev[0]} ${ev[2]}`,
              (reviewedParses.get(`${r.loader} ${ev[0]} ${ev[2]}`) ?? 0) + 1,
            );
        }
        const hits = r.events.filter((ev) => counted(ev));
        if (r.veto) {
          vetoes[r.loader]++;
          if (hits.length === 0) vetoNotFlagged++;
        }
        const code = r.events.filter(([e, a]) => (e === 'exec' || e === 'compile') && !flagged(e, a));
        if (code.length > 0 && !/^\(b?["']\{'descr': /.test(code[0]![1])) {
          const key = `${r.loader} ${code[0]![1].slice(0, 80)}`;
          const seen = libraryCode.get(key);
          if (seen) seen.count++;
          else libraryCode.set(key, { count: 1, index: at });
        }
        for (const [e] of r.events.filter((ev) => !counted(ev))) noise.set(e, (noise.get(e) ?? 0) + 1);
        if (hits.length === 0) continue;
        flaggedLoads++;
        for (const [e, a] of hits) {
          const key = `${r.loader} ${e} ${e === 'import' || e === 'open' ? a.slice(0, 60) : ''}`.trim();
          flaggedKinds.set(key, (flaggedKinds.get(key) ?? 0) + 1);
          if (!examples.has(key)) examples.set(key, { index: at, args: a.slice(0, 160) });
        }
        const verdict = await sentinelPasses(r.loader, forms[idx]!);
        if (flaggedList.length < 5000) {
          flaggedList.push({
            index: at,
            loader: r.loader,
            end: r.end,
            events: hits.slice(0, 4).map(([e, a]) => [e, a.length > 120 ? `${a.slice(0, 60)}…${a.slice(-50)}` : a]),
            blocked: !verdict.passes,
            rules: verdict.rules,
          });
        }
        if (!verdict.passes) {
          blocked++;
          continue;
        }
        // Alone in a fresh child (no earlier program changed the process): still flagged?
        const alone = await confirm(w, forms[idx]!, r.loader);
        if (!alone) {
          notConfirmed++;
          process.stderr.write(`not confirmed alone: ${r.loader} ${args.seed}:${at} ${JSON.stringify(hits[0])}\n`);
          continue;
        }
        const file = writeRegression(r.loader, forms[idx]!);
        failures.push({
          file,
          steered: alone.events.some(([, a]) => a.includes(ORACLE_MARKER)),
          loader: r.loader,
          seed: args.seed,
          index: at,
          events: alone.events.filter((ev) => counted(ev)),
          end: alone.end,
        });
        process.stderr.write(`FAILURE ${file}: ${JSON.stringify(alone.events.slice(0, 3))}\n`);
      }
      programs += forms.length;
    }
  }

  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    process.stderr.write(
      `${new Date().toISOString()} ${programs} programs in ${s.toFixed(0)} s (${(programs / s).toFixed(1)}/s), ` +
        `${flaggedLoads} flagged loads, ${blocked} blocked by Sentinel, ${failures.length} failures, ` +
        `${workers.reduce((a, w) => a + w.children, 0)} children\n`,
    );
  }, 30_000);
  await Promise.all(workers.map((w) => loop(w)));
  clearInterval(progress);
  for (const w of workers) w.close();
  const seconds = (Date.now() - t0) / 1000;
  const summary = {
    seed: args.seed,
    composer: args.composer,
    indexes: [args.start, next],
    seconds: Math.round(seconds),
    programs,
    ...(args.only ? { only: args.only.source, skippedNotMatching: skipped } : {}),
    programsPerSecond: Number((programs / seconds).toFixed(1)),
    loads: ran,
    pandasDecidedByPickleLoad: derived,
    cpuMsPerLoad: Object.fromEntries(
      LOADERS.map((l) => [
        l,
        Number((cpu[l] / 1000 / Math.max(1, ran[l] - (l === 'pandas' ? derived : 0))).toFixed(3)),
      ]),
    ),
    flaggedLoads,
    flaggedEvents: Object.fromEntries([...flaggedKinds].sort((a, b) => b[1] - a[1]).slice(0, 40)),
    flaggedExamples: Object.fromEntries(examples),
    blockedBySentinel: blocked,
    flagged: flaggedList,
    reviewedHooks: ready[0]!.reviewedHooks.length,
    reviewedParses: Object.fromEntries(reviewedParses),
    libraryCode: Object.fromEntries(libraryCode),
    failures,
    crashes: { count: crashCount, first: crashes },
    ends,
    unflaggedEvents: Object.fromEntries(noise),
    vetoes,
    vetoNotFlagged,
    notConfirmedAlone: notConfirmed,
    children: workers.reduce((a, w) => a + w.children, 0),
    childrenKilled: workers.reduce((a, w) => a + w.killed, 0),
    workers: args.workers,
    batch: args.batch,
    timeoutSeconds: args.timeout,
    python: ready[0]!.python,
    interpreter: it.root ? `chroot ${it.root} ${PYTHON}` : it.command[0],
    torchLoad: ready[0]!.torchLoad ?? null,
    versions: ready[0]!.versions,
    names: all.length,
    pool: pool(programs),
    unloadable: {
      count: rare.length,
      byRoot: Object.fromEntries(
        [...new Set(rare.map((n) => n.module.split('.')[0]!))].map((r) => [
          r,
          rare.filter((n) => n.module.split('.')[0] === r).length,
        ]),
      ),
      names: rare.map((n) => `${n.module}.${n.name}`),
    },
  };
  process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 1) + '\n');
  recordFailures(failures);
}

/** Adds the failures' files to test/fixtures/oracle-regressions/manifest.json (files already listed are kept). */
function recordFailures(failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  const path = join(OUT, 'manifest.json');
  const old = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as { failures: Failure[] })
    : { failures: [] as Failure[] };
  const merged = [...old.failures, ...failures.filter((f) => !old.failures.some((o) => o.file === f.file))];
  writeFileSync(
    path,
    JSON.stringify({ generator: 'scripts/fuzz-oracle.ts (--replay SEED:INDEX)', failures: merged }, null, 1) + '\n',
  );
}

await main();
