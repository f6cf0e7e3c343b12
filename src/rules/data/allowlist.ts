// The trusted ML allowlist, as reviewed packs: one per library (packs/<pack>.json, each derived from the library
// by scripts/data/derive-pack.py and reviewed; torch and scikit-learn by their derive-*-allowlist.py scripts).
// Each entry is an exact canonical `module.name` (aliases resolved) with its reason, how CPython rebuilds it and,
// for entries admitted only in some roles, which calls are allowed. Each pack's review log names what it found and
// did not admit, and why. Checked only after the dangerous table: an allowlist entry can never mask a dangerous name.
// Names are looked up pack by pack in the packs' own tables and remembered.
import gensim from './packs/gensim.json' with { type: 'json' };
import joblib from './packs/joblib.json' with { type: 'json' };
import networkx from './packs/networkx.json' with { type: 'json' };
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
}

interface PackFile {
  readonly pack: string;
  readonly title: string;
  readonly versions: Record<string, string>;
  readonly entries: Record<
    string,
    { kind: string; reason: string; calls?: string; rebuild?: string; checked?: string }
  >;
  readonly review: Record<string, string>;
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

/** A pack's raw tables as its file holds them (looked up without building maps: see verdictOf). */
interface PackSource {
  readonly id: string;
  readonly entries: Readonly<Record<string, unknown>>;
  readonly review: Readonly<Record<string, string>>;
  /** The entry as the pack admits it (called only for a name the pack lists). */
  entry(name: string): AllowEntry;
  /** Title, versions and generator of the pack. */
  about(): Pick<PackInfo, 'title' | 'versions' | 'generatedBy'>;
}

const NO_REVIEW: Readonly<Record<string, string>> = Object.freeze({});

/** torch and scikit-learn, derived by their own scripts (entries are reason strings; sklearn's `excluded` is its review log). */
function legacySource(
  id: string,
  title: string,
  file: { entries: object; generated_by: string; excluded?: object },
  version: string,
): PackSource {
  const entries = file.entries as Record<string, string>;
  return {
    id,
    entries,
    review: (file.excluded ?? NO_REVIEW) as Record<string, string>,
    entry: (name) => ({ reason: entries[name]!, source: id }),
    about: () => ({ title, versions: { [id]: version }, generatedBy: file.generated_by }),
  };
}

function fileSource(f: PackFile): PackSource {
  return {
    id: f.pack,
    entries: f.entries,
    review: f.review,
    entry: (name) => {
      const e = f.entries[name]!;
      return {
        reason: e.reason,
        source: f.pack,
        kind: e.kind,
        ...(e.calls === 'new' || e.calls === 'none' ? { calls: e.calls } : {}),
        ...(e.rebuild ? { rebuild: e.rebuild } : {}),
        ...(e.checked ? { checked: e.checked } : {}),
      };
    },
    about: () => ({ title: f.title, versions: f.versions, generatedBy: `scripts/data/derive-pack.py ${f.pack}` }),
  };
}

let sources: readonly PackSource[] | undefined;

/** Every built-in pack's tables, in lookup order (the first pack that admits a name gives its entry). */
function packSources(): readonly PackSource[] {
  sources ??= [
    ...[python, numpy, scipy, pandas, pytzDateutil, joblib].map((f) => fileSource(f as PackFile)),
    legacySource(
      'scikit-learn',
      'scikit-learn estimators and the objects they hold',
      sklearnList,
      (sklearnList as { sklearn: string }).sklearn,
    ),
    legacySource('torch', 'PyTorch tensors, storages, dtypes and torch.nn layers', torchList, torchList.torch),
    ...[statsmodels, xgboost, gensim, networkx].map((f) => fileSource(f as PackFile)),
  ];
  return sources;
}

/** One pack in full (entries and review as maps), for listings and explanations. */
function packInfo(src: PackSource): PackInfo {
  const entries = new Map<string, AllowEntry>();
  for (const k of Object.keys(src.entries)) entries.set(k, src.entry(k));
  return { id: src.id, ...src.about(), entries, review: new Map(Object.entries(src.review)) };
}

let packs: readonly PackInfo[] | undefined;

/** Every built-in pack, in lookup order (the first pack that admits a name gives its entry). */
export function allPacks(): readonly PackInfo[] {
  packs ??= packSources().map(packInfo);
  return packs;
}

/** The pack ids, for policy validation. */
export function packIds(): string[] {
  return packSources().map((p) => p.id);
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
  let refused: Verdict['refused'];
  for (const p of packSources()) {
    if (Object.hasOwn(p.review, canonical)) {
      refused = { pack: p.id, reason: p.review[canonical]! };
      break;
    }
  }
  let allow: AllowEntry | undefined;
  if (refused === undefined) {
    for (const p of packSources()) {
      if (Object.hasOwn(p.entries, canonical)) {
        allow = p.entry(canonical);
        break;
      }
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
