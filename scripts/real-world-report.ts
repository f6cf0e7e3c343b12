// The real-world measure as a table: every file of test/fixtures/real-world/manifest.json that is present (git
// mirrors under SENTINEL_MIRRORS or /work/.mirror, the Debian installation), scanned as test/rules/packs/real-world.test.ts
// scans it, counted per library and per the version that wrote it (the version its path names, else the first
// release tag it appears in; for a library with no version in the file or path, the newest release of that library at
// the commit date, marked "by date": an upper bound). A second table counts files per library whose names the file's
// pickles import (a scikit-learn manifest file naming xgboost.* counts for XGBoost too).
// Scope of the measure (the measured libraries): a file is in scope when every module its pickles name belongs to one of
// the listed libraries (LIBRARY_OF) or to Python's standard library (the running CPython's sys.stdlib_module_names,
// plus the Python 2 names pickle's fix_imports maps); a file that names any other module (sklearn2pmml, skorch,
// morfessor, dill, __main__, ...) holds classes of a library no pack reviews and is reported out of scope, with the
// modules that put it there, never counted as a false block of the measure. A third table counts the in-scope files
// per library named and major version (0.y counts as its own major, as semantic versioning reads 0.y releases).
// A file blocked only by TORCH-LOAD-UNTRUSTED (a torch checkpoint torch.load(weights_only=True) refuses, every name in
// it admitted) is counted as "policy", apart from the blocked files: benign content the default policy blocks by design.
// A blocked file that its library's own loading refuses too (test/fixtures/real-world/loader-refusals.json, proven
// without running the file by scripts/data/real-world-refusals.py: a pickle that ends before STOP, an archive tarfile's
// data filter refuses) stays counted as blocked, and is counted again in the "loader refuses/unsafe" column: not a
// benign loadable file, so not a false block of the measure. So is a blocked file that a released build of its own
// library, one that resolves the file's names, loads memory-unsafely (test/fixtures/real-world/loader-oracle.json,
// written by scripts/data/real-world-loader-oracle.py from the distributions' real loaders in chroots: the load died of
// a signal in the library's hook, valgrind names the invalid read); the same column counts it.
// --half dev|held-out|all measures one half of the rows, split by repository (scripts/real-world-half.ts): false
// blocks are fixed only from the development half; the held-out half checks the fixes (docs/real-world-measure.md).
// Usage: node --import tsx scripts/real-world-report.ts [--blocked] [--out-of-scope] [--json FILE]
//          [--manifest FILE]... [--all] [--half dev|held-out|all]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import compat from '../src/analyzers/pickle/data/compat-pickle.json' with { type: 'json' };
import { MODULE_ALIASES } from '../src/analyzers/pickle/names.js';
import { scanBytes } from '../src/scan/engine.js';
import { HALVES, halfOf } from './real-world-half.js';

interface Entry {
  source: 'git' | 'debian';
  repository?: string;
  library?: string;
  package?: string;
  version?: string;
  tag?: string;
  writer?: string | null;
  writer_source?: string | null;
  origin?: 'public';
  commit?: string;
  path: string;
  sha256: string;
  kind: string;
}

const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const COMPANION_ABSENT = 'the file beside it is not in this scan';
// --manifest FILE (repeatable) reads those manifests; --all reads the three (the libraries' test data, the projects
// built on scikit-learn, the other public repositories); neither reads the libraries' test data alone.
const FIXTURES = new URL('../test/fixtures/real-world/', import.meta.url);
const manifestPaths: (string | URL)[] = process.argv.includes('--all')
  ? ['manifest.json', 'sklearn-manifest.json', 'public-manifest.json'].map((f) => new URL(f, FIXTURES))
  : process.argv.flatMap((a, i) => (process.argv[i - 1] === '--manifest' ? [a] : []));
if (manifestPaths.length === 0) manifestPaths.push(new URL('manifest.json', FIXTURES));
const halfArg = process.argv.includes('--half') ? process.argv[process.argv.indexOf('--half') + 1] : 'all';
if (!HALVES.includes(halfArg as never)) {
  console.error(`real-world-report: --half takes ${HALVES.join(', ')}`);
  process.exit(2);
}
const manifest = {
  files: manifestPaths
    .flatMap((p) => (JSON.parse(readFileSync(p, 'utf8')) as { files: Entry[] }).files)
    .filter((e) => halfArg === 'all' || halfOf(e) === halfArg),
};
console.log(
  `half: ${halfArg} (${manifest.files.length} rows of ` +
    `${new Set(manifest.files.map((e) => e.repository ?? e.package)).size} repositories or packages)`,
);

function bytesOf(e: Entry): Uint8Array | undefined {
  if (e.source === 'debian') return existsSync(e.path) ? readFileSync(e.path) : undefined;
  const repo = join(MIRRORS, e.repository!.replace('/', '+'), 'repo');
  if (!existsSync(repo)) return undefined;
  try {
    return execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${e.commit}:${e.path}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

/** Files their own loader refuses too, by sha256, with the proof. */
const REFUSALS_FILE = new URL('loader-refusals.json', FIXTURES);
const refusals = new Map<string, string>(
  existsSync(REFUSALS_FILE)
    ? (JSON.parse(readFileSync(REFUSALS_FILE, 'utf8')) as { files: { sha256: string; refuses: string }[] }).files.map(
        (f) => [f.sha256, f.refuses],
      )
    : [],
);
/** Files a released build of their own library that resolves their names loads memory-unsafely, with the proof. */
const ORACLE_FILE = new URL('loader-oracle.json', FIXTURES);
if (existsSync(ORACLE_FILE))
  for (const f of (
    JSON.parse(readFileSync(ORACLE_FILE, 'utf8')) as { files: { sha256: string; verdict: string; summary: string }[] }
  ).files)
    if (f.verdict.startsWith('unsafe') && !refusals.has(f.sha256))
      refusals.set(f.sha256, `a released build of its own library that resolves its names: ${f.summary}`);

// First release of each major.minor line (the library's release history) for the "by date" writer bound.
const RELEASES: Record<string, [string, string][]> = {
  torch: [
    ['0.1', '2017-01-18'],
    ['0.2', '2017-08-28'],
    ['0.3', '2017-12-05'],
    ['0.4', '2018-04-24'],
    ['1.0', '2018-12-07'],
    ['1.1', '2019-05-01'],
    ['1.2', '2019-08-08'],
    ['1.3', '2019-10-10'],
    ['1.4', '2020-01-15'],
    ['1.5', '2020-04-21'],
    ['1.6', '2020-07-28'],
    ['1.7', '2020-10-27'],
    ['1.8', '2021-03-04'],
    ['1.9', '2021-06-15'],
    ['1.10', '2021-10-21'],
    ['1.11', '2022-03-10'],
    ['1.12', '2022-06-28'],
    ['1.13', '2022-10-28'],
    ['2.0', '2023-03-15'],
    ['2.1', '2023-10-04'],
    ['2.2', '2024-01-30'],
    ['2.3', '2024-04-24'],
    ['2.4', '2024-07-24'],
    ['2.5', '2024-10-17'],
    ['2.6', '2025-01-29'],
    ['2.7', '2025-04-23'],
  ],
  xgboost: [
    ['0.6', '2016-07-29'],
    ['0.7', '2017-12-30'],
    ['0.80', '2018-08-13'],
    ['0.81', '2018-11-04'],
    ['0.82', '2019-03-03'],
    ['0.90', '2019-05-20'],
    ['1.0', '2020-02-20'],
    ['1.1', '2020-05-17'],
    ['1.2', '2020-08-22'],
    ['1.3', '2020-12-08'],
    ['1.4', '2021-04-11'],
    ['1.5', '2021-10-16'],
    ['1.6', '2022-04-15'],
    ['1.7', '2022-10-31'],
    ['2.0', '2023-09-12'],
    ['2.1', '2024-06-20'],
    ['3.0', '2025-03-15'],
  ],
  lightgbm: [
    ['2.0', '2017-04-30'],
    ['2.1', '2018-01-28'],
    ['2.2', '2018-09-02'],
    ['2.3', '2019-09-29'],
    ['3.0', '2020-08-31'],
    ['3.1', '2020-11-15'],
    ['3.2', '2021-03-22'],
    ['3.3', '2021-10-08'],
    ['4.0', '2023-07-14'],
    ['4.1', '2023-09-12'],
    ['4.2', '2023-12-21'],
    ['4.3', '2024-01-26'],
    ['4.4', '2024-06-26'],
    ['4.5', '2024-07-26'],
    ['4.6', '2025-02-15'],
  ],
  // From the libraries' release tags (their mirrors), the first release of each line since 2016.
  'scikit-learn': [
    ['0.17', '2015-11-05'],
    ['0.18', '2016-09-28'],
    ['0.19', '2017-08-11'],
    ['0.20', '2018-09-25'],
    ['0.21', '2019-05-09'],
    ['0.22', '2019-12-03'],
    ['0.23', '2020-05-12'],
    ['0.24', '2020-12-22'],
    ['1.0', '2021-09-24'],
    ['1.1', '2022-05-12'],
    ['1.2', '2022-12-08'],
    ['1.3', '2023-06-30'],
    ['1.4', '2024-01-18'],
    ['1.5', '2024-05-21'],
    ['1.6', '2024-12-09'],
    ['1.7', '2025-06-05'],
  ],
  networkx: [
    ['1.11', '2016-01-30'],
    ['2.0', '2017-09-20'],
    ['2.1', '2018-01-21'],
    ['2.2', '2018-09-19'],
    ['2.3', '2019-04-11'],
    ['2.4', '2019-10-16'],
    ['2.5', '2020-08-22'],
    ['2.6', '2021-07-08'],
    ['2.7', '2022-02-28'],
    ['2.8', '2022-04-09'],
    ['3.0', '2023-01-07'],
    ['3.1', '2023-04-04'],
    ['3.2', '2023-10-18'],
    ['3.3', '2024-04-06'],
    ['3.4', '2024-10-10'],
    ['3.5', '2025-05-29'],
  ],
  statsmodels: [
    ['0.6', '2014-11-05'],
    ['0.8', '2017-02-08'],
    ['0.9', '2018-05-14'],
    ['0.10', '2019-06-24'],
    ['0.11', '2020-01-22'],
    ['0.12', '2020-08-27'],
    ['0.13', '2021-10-01'],
    ['0.14', '2023-05-05'],
  ],
  gensim: [
    ['0.12', '2015-07-06'],
    ['0.13', '2016-06-21'],
    ['1.0', '2017-02-24'],
    ['2.0', '2017-04-10'],
    ['3.0', '2017-09-27'],
    ['4.0', '2021-03-25'],
    ['4.1', '2021-08-15'],
    ['4.2', '2022-05-01'],
    ['4.3', '2022-12-18'],
  ],
  numpy: [
    ['1.11', '2016-03-27'],
    ['1.12', '2017-01-15'],
    ['1.13', '2017-06-07'],
    ['1.14', '2018-01-06'],
    ['1.15', '2018-07-23'],
    ['1.16', '2019-01-13'],
    ['1.17', '2019-07-26'],
    ['1.18', '2019-12-22'],
    ['1.19', '2020-06-20'],
    ['1.20', '2021-01-30'],
    ['1.21', '2021-06-19'],
    ['1.22', '2021-12-30'],
    ['1.23', '2022-06-22'],
    ['1.24', '2022-12-17'],
    ['1.25', '2023-06-16'],
    ['1.26', '2023-09-16'],
    ['2.0', '2024-06-15'],
    ['2.1', '2024-08-18'],
    ['2.2', '2024-12-07'],
    ['2.3', '2025-06-07'],
  ],
  scipy: [
    ['0.17', '2016-01-22'],
    ['0.18', '2016-07-25'],
    ['0.19', '2017-03-09'],
    ['1.0', '2017-10-25'],
    ['1.5', '2020-06-20'],
    ['1.10', '2023-01-03'],
    ['1.15', '2025-01-02'],
  ],
  joblib: [
    ['0.9', '2015-10-14'],
    ['0.10', '2016-07-13'],
    ['0.11', '2017-03-02'],
    ['0.12', '2018-06-22'],
    ['0.13', '2018-11-14'],
    ['0.14', '2019-10-01'],
    ['0.15', '2020-05-15'],
    ['0.16', '2020-07-01'],
    ['0.17', '2020-10-02'],
    ['1.0', '2020-12-14'],
    ['1.1', '2021-10-07'],
    ['1.2', '2022-09-16'],
    ['1.3', '2023-06-28'],
    ['1.4', '2024-04-08'],
    ['1.5', '2025-05-03'],
  ],
  pandas: [
    ['0.18', '2016-03-13'],
    ['0.19', '2016-10-02'],
    ['0.20', '2017-05-05'],
    ['0.21', '2017-10-27'],
    ['0.22', '2017-12-29'],
    ['0.23', '2018-05-15'],
    ['0.24', '2019-01-25'],
    ['0.25', '2019-07-18'],
    ['1.0', '2020-01-29'],
    ['1.1', '2020-07-28'],
    ['1.2', '2020-12-26'],
    ['1.3', '2021-07-02'],
    ['1.4', '2022-01-22'],
    ['1.5', '2022-09-19'],
    ['2.0', '2023-04-03'],
    ['2.1', '2023-08-30'],
    ['2.2', '2024-01-19'],
    ['2.3', '2025-06-04'],
  ],
  catboost: [
    ['0.1', '2017-07-18'],
    ['0.10', '2018-09-10'],
    ['0.20', '2019-11-13'],
    ['0.26', '2021-06-11'],
    ['1.0', '2021-09-07'],
    ['1.1', '2022-09-20'],
    ['1.2', '2023-05-10'],
  ],
};
const dates = new Map<string, string>();
function commitDate(e: Entry): string | undefined {
  if (!e.commit || !e.repository) return undefined;
  let d = dates.get(e.commit);
  if (d === undefined) {
    const repo = join(MIRRORS, e.repository.replace('/', '+'), 'repo');
    try {
      d = execFileSync('git', ['-C', repo, 'log', '-1', '--format=%cs', e.commit], { encoding: 'utf8' }).trim();
    } catch {
      d = '';
    }
    dates.set(e.commit, d);
  }
  return d || undefined;
}
/** The newest release of `lib` at the commit date of the entry: the file cannot be newer (an upper bound). */
function byDate(lib: string, e: Entry): string | undefined {
  const d = commitDate(e);
  const rel = RELEASES[lib];
  if (!d || !rel) return undefined;
  const before = rel.filter(([, r]) => r <= d);
  return before.length ? `<= ${before[before.length - 1]![0]} by date` : `< ${rel[0]![0]} by date`;
}
// The library a top-level module name belongs to (the libraries the measure covers).
const LIBRARY_OF: Record<string, string> = {
  torch: 'torch',
  xgboost: 'xgboost',
  lightgbm: 'lightgbm',
  catboost: 'catboost',
  pytz: 'pytz',
  dateutil: 'dateutil',
  networkx: 'networkx',
  sklearn: 'scikit-learn',
  pandas: 'pandas',
  numpy: 'numpy',
  scipy: 'scipy',
  gensim: 'gensim',
  statsmodels: 'statsmodels',
  joblib: 'joblib',
};

/** Python's standard library, top-level names: the running CPython's list, Python 2's names and the VM's aliases. */
function stdlibModules(): Set<string> {
  const code = 'import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))';
  let names: string[] = [];
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      names = JSON.parse(execFileSync(py, ['-c', code], { encoding: 'utf8' })) as string[];
      break;
    } catch {
      continue;
    }
  }
  if (names.length === 0) throw new Error('real-world-report: needs python3 >= 3.10 for sys.stdlib_module_names');
  const py2 = Object.keys(compat.import_mapping).map((m) => m.split('.')[0]!);
  return new Set([...names, ...py2, ...Object.keys(MODULE_ALIASES), 'builtins']);
}
const STDLIB = stdlibModules();
/** The modules of a file's pickles outside the listed libraries and the standard library (out of scope). */
const outOfScope = (modules: Iterable<string>): string[] =>
  [...new Set(modules)].filter((m) => !Object.hasOwn(LIBRARY_OF, m) && !STDLIB.has(m)).sort();
/** A writer's major version: x of x.y for x >= 1, 0.y for 0.y (a 0.y release may break what 0.(y-1) wrote). */
function majorOf(w: string): string {
  const v = /(\d+)\.(\d+)/.exec(w);
  if (!v) return w;
  const bound = w.startsWith('<') ? '<= ' : '';
  return `${bound}${v[1] === '0' ? `0.${v[2]}` : v[1]}${w.includes('by date') ? ' by date' : ''}`;
}

const library = (e: Entry): string =>
  e.library ?? (e.package ?? '').replace(/^python3-/, '').replace(/^sklearn$/, 'scikit-learn') ?? '?';
const major = (v: string): string => v.replace(/^v/, '').split('.').slice(0, 2).join('.');
/** Whether the entry's repository is the library's own (or a fork of it): only then is its release tag the library's. */
const ownRepository = (e: Entry): boolean => e.repository?.split('/')[1]?.toLowerCase() === library(e).toLowerCase();
/** A writer version the project declared (a dependency pin) rather than one the file records. */
const pinnedMark = (e: Entry): string => (e.writer_source?.startsWith('pinned') ? ' pinned' : '');
const writer = (e: Entry): string =>
  e.writer
    ? `${major(e.writer)}${pinnedMark(e)}`
    : e.tag && ownRepository(e)
      ? `<= ${major(e.tag)}`
      : (byDate(library(e), e) ?? (e.version ? `deb ${major(e.version)}` : '?'));
/** The writer of a file for a library it names but is not the test data of: that library's release at the date. */
const writerFor = (lib: string, e: Entry): string =>
  lib === library(e) ? writer(e) : (byDate(lib, e) ?? (e.version ? `deb ${major(e.version)}` : '?'));

type Row = {
  files: number;
  blocked: number;
  companion: number;
  policy: number;
  own: number;
  names: string[];
  refused?: number;
};
/** Files blocked only by TORCH-LOAD-UNTRUSTED (policy), with where and why. */
const policyList: string[] = [];
const rows = new Map<string, Row>();
const named = new Map<string, Row>();
const blockedList: string[] = [];
/** The blocked files, with source and full evidence (--json; scripts/data/real-world-loader-oracle.py reads it). */
const blockedFiles: {
  repository?: string;
  commit?: string;
  path: string;
  sha256: string;
  inScope: boolean;
  signals: string[];
}[] = [];
/** In-scope files per library named and major version. */
const majors = new Map<string, Row>();
const scope = { in: 0, inBlocked: 0, inRefused: 0, out: 0, outBlocked: 0, outOwn: 0 };
const outModules = new Map<string, { files: number; blocked: number }>();
const outList: string[] = [];
let absent = 0;
for (const e of manifest.files) {
  const bytes = bytesOf(e);
  if (bytes === undefined) {
    absent++;
    continue;
  }
  const r = await scanBytes(basename(e.path), bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
  const key = `${library(e)}\t${writer(e)}`;
  const row = rows.get(key) ?? { files: 0, blocked: 0, companion: 0, policy: 0, own: 0, names: [] };
  const libs = new Set<string>();
  const modules = new Set<string>();
  for (const p of r.pickles)
    for (const g of p.globals ?? []) {
      modules.add(g.name.split('.')[0]!);
      libs.add(LIBRARY_OF[g.name.split('.')[0]!] ?? '');
    }
  libs.delete('');
  const outside = outOfScope(modules);
  const namedRows = [...libs].map((lib) => {
    const k = `${lib}\t${writerFor(lib, e)}`;
    const nr = named.get(k) ?? { files: 0, blocked: 0, companion: 0, policy: 0, own: 0, names: [] };
    named.set(k, nr);
    return nr;
  });
  // The libraries an in-scope file counts for: its own (the test data's library) and every listed library it names.
  const majorRows = outside.length
    ? []
    : [...new Set([library(e), ...libs])].map((lib) => {
        const k = `${lib}\t${majorOf(writerFor(lib, e))}`;
        const mr = majors.get(k) ?? { files: 0, blocked: 0, companion: 0, policy: 0, own: 0, names: [] };
        majors.set(k, mr);
        return mr;
      });
  for (const x of [row, ...namedRows, ...majorRows]) x.files++;
  const where = e.repository ? `${e.repository}:${e.path}` : e.path;
  const companionOnly = blocking.length > 0 && blocking.every((f) => f.evidence.signal.includes(COMPANION_ABSENT));
  // A torch checkpoint whose every pickle name is admitted but which cannot load with torch.load(weights_only=True):
  // TORCH-LOAD-UNTRUSTED by the catalogue's definition (every consumer is forced onto the unsafe loader), the class of
  // benign content the default policy must block (the shared corpus's "policy" files), counted apart from blocks.
  const policyOnly =
    blocking.length > 0 && !companionOnly && blocking.every((f) => f.ruleId === 'TORCH-LOAD-UNTRUSTED');
  const isBlocked = blocking.length > 0 && !companionOnly && !policyOnly;
  if (outside.length) {
    scope.out++;
    for (const m of outside) {
      const o = outModules.get(m) ?? { files: 0, blocked: 0 };
      o.files++;
      if (isBlocked) o.blocked++;
      outModules.set(m, o);
    }
    outList.push(`${where}\t${outside.join(', ')}`);
  } else scope.in++;
  if (policyOnly) {
    for (const x of [row, ...namedRows, ...majorRows]) x.policy++;
    policyList.push(`${where}\t${blocking.map((f) => f.evidence.signal.slice(0, 160)).join(' | ')}`);
  }
  if (companionOnly) for (const x of [row, ...namedRows, ...majorRows]) x.companion++;
  else if (isBlocked) {
    for (const x of [row, ...namedRows, ...majorRows]) x.blocked++;
    // Blocked for a name of the library itself (not only for another library's name in the same file).
    let own = false;
    [...libs].forEach((lib, i) => {
      const mods = Object.keys(LIBRARY_OF).filter((m) => LIBRARY_OF[m] === lib);
      if (blocking.some((f) => mods.some((m) => f.evidence.signal.includes(`imports ${m}.`)))) {
        namedRows[i]!.own++;
        own = true;
      }
    });
    const refused = refusals.get(e.sha256);
    if (refused !== undefined) for (const x of [row, ...namedRows, ...majorRows]) x.refused = (x.refused ?? 0) + 1;
    if (outside.length) {
      scope.outBlocked++;
      if (own) scope.outOwn++;
    } else {
      scope.inBlocked++;
      if (refused !== undefined) scope.inRefused++;
    }
    const tag =
      (outside.length ? `out of scope (${outside.join(', ')})` : 'in scope') +
      (refused !== undefined ? `; its own loader refuses it or is unsafe too: ${refused}` : '');
    blockedList.push(`${where}\t${tag}\t${blocking.map((f) => f.evidence.signal.slice(0, 160)).join(' | ')}`);
    blockedFiles.push({
      repository: e.repository,
      commit: e.commit,
      path: e.path,
      sha256: e.sha256,
      inScope: outside.length === 0,
      signals: blocking.map((f) => f.evidence.signal),
    });
  }
  rows.set(key, row);
}
const sorted = [...rows].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
console.log('library\twriter version\tfiles\tblocked\tcompanion-only\tpolicy\tloader refuses/unsafe too');
for (const [k, v] of sorted)
  console.log(`${k}\t${v.files}\t${v.blocked}\t${v.companion}\t${v.policy}\t${v.refused ?? 0}`);
const total = sorted.reduce((a, [, v]) => a + v.files, 0);
const blocked = sorted.reduce((a, [, v]) => a + v.blocked, 0);
console.log(`total\t\t${total}\t${blocked}\t(absent: ${absent})`);
console.log('\nlibrary named\twriter version\tfiles\tblocked\tcompanion-only\tblocked for its names');
const namedSorted = [...named].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
for (const [k, v] of namedSorted) console.log(`${k}\t${v.files}\t${v.blocked}\t${v.companion}\t${v.own}`);
console.log(
  `\nscope: ${scope.in} files name only the listed libraries and the standard library (the measure): ` +
    `${scope.inBlocked} blocked, ${scope.inRefused} of them refused by their own loader, or loaded ` +
    `memory-unsafely by a released build of it that resolves their names, too (not benign loadable files: ` +
    `${scope.inBlocked - scope.inRefused} false blocks) (${policyList.length} more blocked by policy only); ` +
    `${scope.out} name another library (out of scope): ${scope.outBlocked} blocked, ` +
    `${scope.outOwn} of them also for a listed library's name`,
);
console.log(
  '\nlibrary named (in scope)\tmajor version\tfiles\tblocked\tcompanion-only\tpolicy\tloader refuses/unsafe too',
);
const majorSorted = [...majors].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
for (const [k, v] of majorSorted)
  console.log(`${k}\t${v.files}\t${v.blocked}\t${v.companion}\t${v.policy}\t${v.refused ?? 0}`);
console.log('\nmodule outside the listed libraries\tfiles\tblocked');
for (const [m, v] of [...outModules].sort((a, b) => b[1].files - a[1].files || a[0].localeCompare(b[0])))
  console.log(`${m}\t${v.files}\t${v.blocked}`);
if (process.argv.includes('--blocked'))
  for (const b of [...blockedList, ...policyList.map((x) => `policy\t${x}`)]) console.log(b);
if (process.argv.includes('--out-of-scope')) for (const o of outList) console.log(o);
const j = process.argv.indexOf('--json');
if (j > 0)
  writeFileSync(
    process.argv[j + 1]!,
    JSON.stringify(
      {
        rows: Object.fromEntries(sorted),
        named: Object.fromEntries(namedSorted),
        scope,
        majors: Object.fromEntries(majorSorted),
        outOfScope: Object.fromEntries(outModules),
        blockedList,
        blockedFiles,
        policyList,
        outList,
      },
      null,
      1,
    ),
  );
