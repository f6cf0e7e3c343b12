// The trusted ML allowlist, as reviewed packs: one per library (packs/<pack>.json, each derived from the library
// by scripts/data/derive-pack.py and reviewed; torch and scikit-learn by their derive-*-allowlist.py scripts).
// Each entry is an exact canonical `module.name` (aliases resolved) with its reason, how CPython rebuilds it and,
// for entries admitted only in some roles, which calls are allowed. Each pack's review log names what it found and
// did not admit, and why. Checked only after the dangerous table: an allowlist entry can never mask a dangerous name.
// The tables are built on first lookup (O(1) per name afterwards).
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
}

interface PackFile {
  readonly pack: string;
  readonly title: string;
  readonly versions: Record<string, string>;
  readonly entries: Record<string, { kind: string; reason: string; calls?: string; rebuild?: string }>;
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

/** torch and scikit-learn, derived by their own scripts (entries are reason strings; sklearn's `excluded` is its review log). */
function legacy(
  id: string,
  title: string,
  file: { entries: object; generated_by: string; excluded?: object },
  v: string,
): PackInfo {
  const entries = new Map<string, AllowEntry>();
  for (const [k, reason] of Object.entries(file.entries as Record<string, string>)) {
    entries.set(k, { reason, source: id });
  }
  const review = new Map(Object.entries((file.excluded ?? {}) as Record<string, string>));
  return { id, title, versions: { [id]: v }, generatedBy: file.generated_by, entries, review };
}

function fromFile(f: PackFile): PackInfo {
  const entries = new Map<string, AllowEntry>();
  for (const [k, e] of Object.entries(f.entries)) {
    entries.set(k, {
      reason: e.reason,
      source: f.pack,
      kind: e.kind,
      ...(e.calls === 'new' || e.calls === 'none' ? { calls: e.calls } : {}),
      ...(e.rebuild ? { rebuild: e.rebuild } : {}),
    });
  }
  return {
    id: f.pack,
    title: f.title,
    versions: f.versions,
    generatedBy: `scripts/data/derive-pack.py ${f.pack}`,
    entries,
    review: new Map(Object.entries(f.review)),
  };
}

let packs: readonly PackInfo[] | undefined;

/** Every built-in pack, in lookup order (the first pack that admits a name gives its entry). */
export function allPacks(): readonly PackInfo[] {
  packs ??= [
    ...[python, numpy, scipy, pandas, pytzDateutil, joblib].map((f) => fromFile(f as PackFile)),
    legacy(
      'scikit-learn',
      'scikit-learn estimators and the objects they hold',
      sklearnList,
      (sklearnList as { sklearn: string }).sklearn,
    ),
    legacy('torch', 'PyTorch tensors, storages, dtypes and torch.nn layers', torchList, torchList.torch),
    ...[statsmodels, xgboost, gensim, networkx].map((f) => fromFile(f as PackFile)),
  ];
  return packs;
}

/** The pack ids, for policy validation. */
export function packIds(): string[] {
  return allPacks().map((p) => p.id);
}

interface Tables {
  readonly allow: Map<string, AllowEntry>;
  /** Names some pack's review refused: never admitted by another pack's list. */
  readonly refused: Map<string, { pack: string; reason: string }>;
}

let tables: Tables | undefined;

function build(): Tables {
  const allow = new Map<string, AllowEntry>();
  const refused = new Map<string, { pack: string; reason: string }>();
  for (const p of allPacks())
    for (const [k, reason] of p.review) if (!refused.has(k)) refused.set(k, { pack: p.id, reason });
  for (const p of allPacks()) {
    for (const [k, e] of p.entries) if (!allow.has(k) && !refused.has(k)) allow.set(k, e);
  }
  return { allow, refused };
}

/** The admitted entry for a canonical name, unless its pack is disabled. */
export function allowEntry(canonical: string, disabled?: ReadonlySet<string>): AllowEntry | undefined {
  tables ??= build();
  const e = tables.allow.get(canonical);
  return e === undefined || disabled?.has(e.source) ? undefined : e;
}

/** Why a pack's review did not admit `canonical`, if one did. */
export function refusedBy(canonical: string): { pack: string; reason: string } | undefined {
  tables ??= build();
  return tables.refused.get(canonical);
}
