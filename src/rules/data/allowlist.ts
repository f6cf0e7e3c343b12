// The trusted ML allowlist, as reviewed packs: one per library (packs/<pack>.json, each derived from the library
// by scripts/data/derive-pack.py and reviewed; torch and scikit-learn by their derive-*-allowlist.py scripts).
// Each entry is an exact canonical `module.name` (aliases resolved) with its reason, how CPython rebuilds it and,
// for entries admitted only in some roles, which calls are allowed. Each pack's review log names what it found and
// did not admit, and why. Checked only after the dangerous table: an allowlist entry can never mask a dangerous name.
// Names are looked up pack by pack in the packs' own tables and remembered. History packs (packs/history/<lib>.json,
// scripts/data/derive-history.py) add what released versions of a library define and pickle, each entry with the
// version range it was reviewed in; they share their library's pack id (a policy turns both off together).
import gensim from './packs/gensim.json' with { type: 'json' };
import catboostHistory from './packs/history/catboost.json' with { type: 'json' };
import categoryEncodersHistory from './packs/history/category_encoders.json' with { type: 'json' };
import imbalancedLearnHistory from './packs/history/imbalanced-learn.json' with { type: 'json' };
import neatHistory from './packs/history/neat-python.json' with { type: 'json' };
import pmdarimaHistory from './packs/history/pmdarima.json' with { type: 'json' };
import pyramidHistory from './packs/history/pyramid.json' with { type: 'json' };
import skforecastHistory from './packs/history/skforecast.json' with { type: 'json' };
import featureEngineHistory from './packs/history/feature_engine.json' with { type: 'json' };
import lightfmHistory from './packs/history/lightfm.json' with { type: 'json' };
import surpriseHistory from './packs/history/surprise.json' with { type: 'json' };
import hmmlearnHistory from './packs/history/hmmlearn.json' with { type: 'json' };
import gymnasiumHistory from './packs/history/gymnasium.json' with { type: 'json' };
import sb3History from './packs/history/stable-baselines3.json' with { type: 'json' };
import nltkHistory from './packs/history/nltk.json' with { type: 'json' };
import nbresultHistory from './packs/history/nbresult.json' with { type: 'json' };
import lshashpy3History from './packs/history/lshashpy3.json' with { type: 'json' };
import sklearnSomHistory from './packs/history/sklearn-som.json' with { type: 'json' };
import sklearnExtraHistory from './packs/history/scikit-learn-extra.json' with { type: 'json' };
import quantileForestHistory from './packs/history/quantile-forest.json' with { type: 'json' };
import omegaconfHistory from './packs/history/omegaconf.json' with { type: 'json' };
import prophetHistory from './packs/history/prophet.json' with { type: 'json' };
import fbprophetHistory from './packs/history/fbprophet.json' with { type: 'json' };
import cmdstanpyHistory from './packs/history/cmdstanpy.json' with { type: 'json' };
import stanioHistory from './packs/history/stanio.json' with { type: 'json' };
import accelerateHistory from './packs/history/accelerate.json' with { type: 'json' };
import transformersHistory from './packs/history/transformers.json' with { type: 'json' };
import trlHistory from './packs/history/trl.json' with { type: 'json' };
import implicitHistory from './packs/history/implicit.json' with { type: 'json' };
import sklearnCrfsuiteHistory from './packs/history/sklearn-crfsuite.json' with { type: 'json' };
import pythonCrfsuiteHistory from './packs/history/python-crfsuite.json' with { type: 'json' };
import lifelinesHistory from './packs/history/lifelines.json' with { type: 'json' };
import dateutilHistory from './packs/history/dateutil.json' with { type: 'json' };
import gensimHistory from './packs/history/gensim.json' with { type: 'json' };
import joblibHistory from './packs/history/joblib.json' with { type: 'json' };
import lightgbmHistory from './packs/history/lightgbm.json' with { type: 'json' };
import networkxHistory from './packs/history/networkx.json' with { type: 'json' };
import kerasHistory from './packs/history/keras.json' with { type: 'json' };
import kerasPreprocessingHistory from './packs/history/keras-preprocessing.json' with { type: 'json' };
import numpyHistory from './packs/history/numpy.json' with { type: 'json' };
import pandasHistory from './packs/history/pandas.json' with { type: 'json' };
import pytzHistory from './packs/history/pytz.json' with { type: 'json' };
import scipyHistory from './packs/history/scipy.json' with { type: 'json' };
import sklearnHistory from './packs/history/scikit-learn.json' with { type: 'json' };
import statsmodelsHistory from './packs/history/statsmodels.json' with { type: 'json' };
import xgboostHistory from './packs/history/xgboost.json' with { type: 'json' };
import sktimeHistory from './packs/history/sktime.json' with { type: 'json' };
import pycaretHistory from './packs/history/pycaret.json' with { type: 'json' };
import docutilsHistory from './packs/history/docutils.json' with { type: 'json' };
import sphinxHistory from './packs/history/sphinx.json' with { type: 'json' };
import mystParserHistory from './packs/history/myst-parser.json' with { type: 'json' };
import pybtexHistory from './packs/history/pybtex.json' with { type: 'json' };
import bibtexHistory from './packs/history/sphinxcontrib-bibtex.json' with { type: 'json' };
import programOutputHistory from './packs/history/sphinxcontrib-programoutput.json' with { type: 'json' };
import externalTocHistory from './packs/history/sphinx-external-toc.json' with { type: 'json' };
import mystNbHistory from './packs/history/myst-nb.json' with { type: 'json' };

import langchainHistory from './packs/history/langchain.json' with { type: 'json' };
import hdbscanHistory from './packs/history/hdbscan.json' with { type: 'json' };
import joblib from './packs/joblib.json' with { type: 'json' };
import networkx from './packs/networkx.json' with { type: 'json' };
import pyarrow from './packs/pyarrow.json' with { type: 'json' };
import kerasPreprocessing from './packs/keras-preprocessing.json' with { type: 'json' };
import numpy from './packs/numpy.json' with { type: 'json' };
import pandas from './packs/pandas.json' with { type: 'json' };
import python from './packs/python.json' with { type: 'json' };
import pytzDateutil from './packs/pytz-dateutil.json' with { type: 'json' };
import scipy from './packs/scipy.json' with { type: 'json' };
import statsmodels from './packs/statsmodels.json' with { type: 'json' };
import xgboost from './packs/xgboost.json' with { type: 'json' };
import sklearnList from './sklearn-allowlist.json' with { type: 'json' };
import torchList from './torch-allowlist.json' with { type: 'json' };

/**
 * Which invocations the stream may make of an admitted name: 'new' = only rebuilt through `cls.__new__` or named as
 * a value (its constructor was not reviewed, or can do more than build data); 'none' = a stored reference the
 * library calls later, never called by the stream itself. Absent: any.
 */
export type AllowedCalls = 'new' | 'none';

/** An allowlist entry (a pack's, or the policy's also_allow) with the reason it is allowed. */
export interface AllowEntry {
  readonly reason: string;
  /** The pack the entry comes from ('python', 'numpy', 'pandas', …), 'torchscript', 'usage' or 'policy'. */
  readonly source: string;
  /** class, reconstructor, function, reference or value (packs only). */
  readonly kind?: string;
  readonly calls?: AllowedCalls;
  /** How CPython rebuilds the class: its reduce, __new__, __setstate__ and friends, by defining class. */
  readonly rebuild?: string;
  /** Hooks admitted only in the argument/state shape the library writes, which the pickle VM checks (packs only). */
  readonly checked?: string;
  /**
   * The library versions the entry was reviewed in: for a history pack's entry the released versions in which the
   * name resolves, for any other pack the installed version it was derived from.
   */
  readonly versions?: string;
  /**
   * The loader reading the entry's review covers: `pickle.load` with the installed library, `pickle.load with <lib>
   * <versions>` for a history pack's released versions, or the loader whose class-location table maps an old name to
   * the reviewed class (`pandas.read_pickle`).
   */
  readonly reading?: string;
}

/** The reading an entry's review covers (AllowEntry.reading), from its pack, versions and reason. */
function readingOf(id: string, versions: string | undefined, reason: string): string {
  const mapped = /(\S+) maps \S+ to it/.exec(reason)?.[1] ?? /(\S+) maps it to /.exec(reason)?.[1];
  const table = mapped !== undefined ? `${mapped} (its class-location table maps the old name)` : undefined;
  if (versions !== undefined)
    return table ? `pickle.load with ${id} ${versions}; ${table}` : `pickle.load with ${id} ${versions}`;
  if (table !== undefined && !/re-exports/.test(reason)) return table;
  return 'pickle.load';
}

interface PackFile {
  readonly pack: string;
  readonly title: string;
  readonly versions: Record<string, string>;
  readonly entries: Record<
    string,
    { kind: string; reason: string; calls?: string; rebuild?: string; checked?: string; versions?: string }
  >;
  readonly review: Record<string, string>;
  readonly generated_by?: string;
}

export interface PackInfo {
  readonly id: string;
  readonly title: string;
  /** Library versions the pack was derived from. */
  readonly versions: Readonly<Record<string, string>>;
  readonly generatedBy: string;
  readonly entries: ReadonlyMap<string, AllowEntry>;
  /** Names the review found and did not admit, with the reason. */
  readonly review: ReadonlyMap<string, string>;
}

/** A pack's tables as its file holds them (looked up without building maps: see verdictOf). */
interface PackTables {
  readonly entries: Readonly<Record<string, unknown>>;
  readonly review: Readonly<Record<string, string>>;
}

/** A pack: its id, the module roots its names fall under, and its tables, parsed on first use. */
interface PackSource {
  readonly id: string;
  /** First dotted component of every name the pack lists or refuses: a name under another root is not looked up. */
  readonly roots: ReadonlySet<string>;
  tables(): PackTables;
  /** The entry as the pack admits it (called only for a name the pack lists). */
  entry(name: string): AllowEntry;
  /** Title, versions and generator of the pack. */
  about(): Pick<PackInfo, 'title' | 'versions' | 'generatedBy'>;
}

/**
 * The CLI bundle emits each data file of this folder as a loader (scripts/bundle.mjs): the JSON text, parsed on the
 * first call, beside the file's `pack` id and the module roots of its names, so that a run parses only the packs its
 * names fall under (parsing all of them cost more than the rest of a small scan's start-up). Elsewhere the import is
 * the parsed JSON itself.
 */
const LAZY_JSON = Symbol.for('sentinel-ml.lazyJson');
interface LazyJson {
  readonly [LAZY_JSON]: () => unknown;
  readonly roots: readonly string[];
  readonly pack?: string;
}
const isLazy = (f: unknown): f is LazyJson => typeof (f as LazyJson)[LAZY_JSON] === 'function';

/** The module root of a dotted name (what pack routing compares). */
export function rootOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** The roots of every key of `tables` (a data file's `entries` and review log). */
export function rootsOfTables(...tables: (object | undefined)[]): Set<string> {
  const roots = new Set<string>();
  for (const t of tables) if (t) for (const k of Object.keys(t)) roots.add(rootOf(k));
  return roots;
}

/** The parsed data file, parsed once, and its roots. */
function dataOf<T extends object>(f: unknown, keysOf: (data: T) => (object | undefined)[]) {
  let data: T | undefined = isLazy(f) ? undefined : (f as T);
  const load = (): T => (data ??= (f as LazyJson)[LAZY_JSON]() as T);
  const roots = isLazy(f) ? new Set(f.roots) : rootsOfTables(...keysOf(load()));
  return { load, roots };
}

const NO_REVIEW: Readonly<Record<string, string>> = Object.freeze({});

interface LegacyFile {
  entries: Record<string, string>;
  generated_by: string;
  excluded?: Record<string, string>;
  /** torch: entries admitted from other releases' pinned source, with where each was read (their versions). */
  release_sources?: Record<string, string>;
  /** scikit-learn: what each entry is (class, function...) and how the library's own pickles use it. */
  evidence?: Record<string, { kind?: string; usage?: string[] }>;
  /** torch: entries admitted as stored references only (a layer holds them; the load never calls them). */
  stored_references?: string[];
  /**
   * torch: entries admitted through __new__ only (nn layer classes: torch writes them by NEWOBJ or copyreg's
   * reconstructor and BUILD; a call runs __init__ on the stream's arguments, whose work nothing bounds).
   */
  new_only?: string[];
}

const storedSets = new Map<string, ReadonlySet<string>>();
const newOnlySets = new Map<string, ReadonlySet<string>>();

/** A legacy table's entries admitted through __new__ only, as a set built once. */
function newOnly(id: string, load: () => LegacyFile): ReadonlySet<string> {
  let set = newOnlySets.get(id);
  if (set === undefined) newOnlySets.set(id, (set = new Set(load().new_only ?? [])));
  return set;
}

/** A legacy table's stored-reference-only entries, as a set built once. */
function storedRefs(id: string, load: () => LegacyFile): ReadonlySet<string> {
  let set = storedSets.get(id);
  if (set === undefined) storedSets.set(id, (set = new Set(load().stored_references ?? [])));
  return set;
}

/** torch and scikit-learn, derived by their own scripts (entries are reason strings; sklearn's `excluded` is its review log). */
function legacySource(id: string, title: string, file: unknown, versionKey: string): PackSource {
  const { load, roots } = dataOf<LegacyFile>(file, (d) => [d.entries, d.excluded]);
  return {
    id,
    roots,
    tables: () => {
      const d = load();
      return { entries: d.entries, review: d.excluded ?? NO_REVIEW };
    },
    entry: (name) => {
      const other = load().release_sources?.[name];
      // scikit-learn's functions (score functions, BisectingKMeans' k-means step) are values an estimator holds and
      // calls in fit: a stored reference, as the history pack admits the same functions at their older locations.
      // The stream's own call of one is no library shape, and the review of its body held for one version only
      // (scikit-learn 1.9's _kmeans_single_lloyd reads /proc/self/maps and calls into libgomp through threadpoolctl
      // before it looks at an argument; mutual_info_* run joblib workers from 1.5).
      // torch's functional ops likewise: a layer holds one and calls it in forward; torch writes no call of one, and
      // the stream's call reaches native kernels with arguments it chose (a zero divisor: SIGFPE).
      const stored = load().evidence?.[name]?.kind === 'function' || storedRefs(id, load).has(name);
      return {
        reason: load().entries[name]!,
        source: id,
        ...(stored ? { kind: 'reference', calls: 'none' as const } : {}),
        ...(!stored && newOnly(id, load).has(name) ? { calls: 'new' as const } : {}),
        versions: other ?? `${id} ${String((load() as unknown as Record<string, unknown>)[versionKey])}`,
        reading: other !== undefined ? `pickle.load with ${other}` : 'pickle.load',
      };
    },
    about: () => {
      const d = load();
      return {
        title,
        versions: { [id]: String((d as unknown as Record<string, unknown>)[versionKey]) },
        generatedBy: d.generated_by,
      };
    },
  };
}

/** "numpy 1.24.2": the installed version a pack was derived from (the pack's library, else the first listed). */
function installedVersion(id: string, versions: Readonly<Record<string, string>>): string {
  const own = versions[id] ?? versions[id.split('-')[0]!];
  if (own !== undefined) return `${id} ${own}`;
  const [lib, v] = Object.entries(versions)[0] ?? [id, '?'];
  return `${lib} ${v}`;
}

function fileSource(file: unknown): PackSource {
  const { load, roots } = dataOf<PackFile>(file, (d) => [d.entries, d.review]);
  const id = isLazy(file) ? file.pack! : load().pack;
  return {
    id,
    roots,
    tables: load,
    entry: (name) => {
      const e = load().entries[name]!;
      return {
        reason: e.reason,
        source: id,
        kind: e.kind,
        ...(e.calls === 'new' || e.calls === 'none' ? { calls: e.calls } : {}),
        ...(e.rebuild ? { rebuild: e.rebuild } : {}),
        ...(e.checked ? { checked: e.checked } : {}),
        versions: `${e.versions ? `${id} ${e.versions}` : installedVersion(id, load().versions)}`,
        reading: readingOf(id, e.versions, e.reason),
      };
    },
    about: () => {
      const f = load();
      return {
        title: f.title,
        versions: f.versions,
        generatedBy: f.generated_by ?? `scripts/data/derive-pack.py ${id}`,
      };
    },
  };
}

let sources: readonly PackSource[] | undefined;

/** Every built-in pack, in lookup order (the first pack that admits a name gives its entry). */
function packSources(): readonly PackSource[] {
  sources ??= [
    ...[python, numpy, scipy, pandas, pytzDateutil, joblib].map(fileSource),
    legacySource('scikit-learn', 'scikit-learn estimators and the objects they hold', sklearnList, 'sklearn'),
    legacySource('torch', 'PyTorch tensors, storages, dtypes and torch.nn layers', torchList, 'torch'),
    ...[statsmodels, xgboost, gensim, networkx, kerasPreprocessing, pyarrow].map(fileSource),
    // After every pack of the installed versions: a current entry keeps its own review and reason.
    ...[
      numpyHistory,
      scipyHistory,
      pandasHistory,
      sklearnHistory,
      statsmodelsHistory,
      gensimHistory,
      lightgbmHistory,
      joblibHistory,
      xgboostHistory,
      networkxHistory,
      pytzHistory,
      dateutilHistory,
      catboostHistory,
      kerasHistory,
      kerasPreprocessingHistory,
      categoryEncodersHistory,
      imbalancedLearnHistory,
      pmdarimaHistory,
      pyramidHistory,
      neatHistory,
      sktimeHistory,
      pycaretHistory,
      skforecastHistory,
      featureEngineHistory,
      lightfmHistory,
      surpriseHistory,
      hmmlearnHistory,
      gymnasiumHistory,
      sb3History,
      nltkHistory,
      nbresultHistory,
      lshashpy3History,
      prophetHistory,
      fbprophetHistory,
      cmdstanpyHistory,
      stanioHistory,
      accelerateHistory,
      transformersHistory,
      trlHistory,
      implicitHistory,
      sklearnCrfsuiteHistory,
      pythonCrfsuiteHistory,
      lifelinesHistory,
      sklearnSomHistory,
      sklearnExtraHistory,
      quantileForestHistory,
      omegaconfHistory,
      docutilsHistory,
      sphinxHistory,
      mystParserHistory,
      pybtexHistory,
      bibtexHistory,
      programOutputHistory,
      externalTocHistory,
      mystNbHistory,

      langchainHistory,
      hdbscanHistory,
    ].map(fileSource),
  ];
  return sources;
}

/** One pack in full (entries and review as maps), for listings and explanations. */
function packInfo(src: PackSource): PackInfo {
  const entries = new Map<string, AllowEntry>();
  const t = src.tables();
  for (const k of Object.keys(t.entries)) entries.set(k, src.entry(k));
  return { id: src.id, ...src.about(), entries, review: new Map(Object.entries(t.review)) };
}

let packs: readonly PackInfo[] | undefined;

/** Every built-in pack, in lookup order (the first pack that admits a name gives its entry). */
export function allPacks(): readonly PackInfo[] {
  packs ??= packSources().map(packInfo);
  return packs;
}

/** The pack ids, for policy validation. */
export function packIds(): string[] {
  return [...new Set(packSources().map((p) => p.id))];
}

/**
 * What the packs say about a name: the admitting entry (the first pack in lookup order that lists it, unless some
 * pack's review refused it) and the first refusal. Looked up pack by pack and remembered per name: building one
 * merged table of every pack cost a few milliseconds at the first lookup of every run that reads a pickle.
 */
interface Verdict {
  readonly allow: AllowEntry | undefined;
  readonly refused: { pack: string; reason: string } | undefined;
}

const verdicts = new Map<string, Verdict>();
const MAX_REMEMBERED = 100_000;

function verdictOf(canonical: string): Verdict {
  const seen = verdicts.get(canonical);
  if (seen !== undefined) return seen;
  const root = rootOf(canonical);
  const relevant = packSources().filter((p) => p.roots.has(root));
  let refused: Verdict['refused'];
  for (const p of relevant) {
    const review = p.tables().review;
    if (Object.hasOwn(review, canonical)) {
      refused = { pack: p.id, reason: review[canonical]! };
      break;
    }
  }
  let allow: AllowEntry | undefined;
  if (refused === undefined) {
    for (const p of relevant) {
      if (!Object.hasOwn(p.tables().entries, canonical)) continue;
      if (allow === undefined) {
        allow = p.entry(canonical);
        continue;
      }
      // The same library's history pack also reviewed the name: its released versions join the installed one. Where
      // the history review admits the name only as a stored reference (it did not read the older versions' __new__:
      // pandas' old DatetimeIndex, FrozenNDArray), that role is in force; its default 'new' adds no restriction (the
      // installed entry's own calls, e.g. dateutil's shape-checked tzfile call, stay in force).
      if (p.id !== allow.source) continue;
      const older = p.entry(canonical);
      if (older.versions !== undefined && !allow.versions?.includes(older.versions))
        allow = { ...allow, versions: `${allow.versions}; ${older.versions}` };
      if (older.reading !== undefined && !allow.reading?.includes(older.reading))
        allow = { ...allow, reading: allow.reading ? `${allow.reading}; ${older.reading}` : older.reading };
      if (older.calls === 'none' && allow.calls !== 'none') allow = { ...allow, calls: 'none' };
    }
  }
  const v = { allow, refused };
  // Names come from scanned streams: the memory of them is bounded.
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
  verdicts.set(canonical, v);
  return v;
}

/** The admitted entry for a canonical name, unless its pack is disabled. */
export function allowEntry(canonical: string, disabled?: ReadonlySet<string>): AllowEntry | undefined {
  const e = verdictOf(canonical).allow;
  return e === undefined || disabled?.has(e.source) ? undefined : e;
}

/** Why a pack's review did not admit `canonical`, if one did. */
export function refusedBy(canonical: string): { pack: string; reason: string } | undefined {
  return verdictOf(canonical).refused;
}
