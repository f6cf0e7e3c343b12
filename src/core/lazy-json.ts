// JSON data parsed on first use. The CLI bundle emits large data files as loaders (scripts/bundle.mjs: the file is
// written beside the bundle and read and parsed on the first call); run from source, the import is the parsed JSON.
// Files whose tables are keyed by qualified Python names may also be split per top-level module, a large one per
// second-level module (scripts/lib/split-by-root.mjs): a lookup then parses only the part of the name's module.

import { Memo2 } from './memo2.js';

/** The global symbol under which a bundled data file's loader sits (scripts/bundle.mjs). */
export const LAZY_JSON = Symbol.for('sentinel-ml.lazyJson');
/** The global symbol under which a split data file's parts sit (scripts/bundle.mjs). */
export const LAZY_PARTS = Symbol.for('sentinel-ml.lazyParts');

interface Loader {
  readonly [LAZY_JSON]: () => unknown;
}

interface PartsLoader extends Loader {
  readonly [LAZY_PARTS]: {
    /** The tables split per root; every other field is in the head. */
    readonly split: readonly string[];
    /** Top-level modules split once more, by second-level module (partOf). */
    readonly deep?: readonly string[];
    /** Split tables also kept whole in the head: reading one whole reads the head, not the whole file. */
    readonly inHead?: readonly string[];
    readonly head: () => unknown;
    /** The parts that have entries (a part absent here has none in any split table). */
    readonly names: readonly string[];
    /** Reads and parses one of `names`. */
    readonly part: (name: string) => unknown;
  };
}

/** Whether an imported JSON module is the bundle's loader rather than the data itself. */
export function isLazyJson(imported: unknown): imported is Loader {
  return typeof (imported as Loader)[LAZY_JSON] === 'function';
}

/** The data of an imported JSON module, parsed once, on the first call. */
export function lazyJson<T>(imported: unknown): () => T {
  let data: T | undefined = isLazyJson(imported) ? undefined : (imported as T);
  return () => (data ??= (imported as Loader)[LAZY_JSON]() as T);
}

type Entry<V> = V extends Readonly<Record<string, infer E>> ? E : never;

/** A data file read by key: a split file's lookups parse the part of the key's module only. */
export interface KeyedJson<T> {
  /** `data[table][key]` (own keys only), or undefined. */
  get<K extends keyof T & string>(table: K, key: string): Entry<T[K]> | undefined;
  /** A whole field (a split table whole parses the whole file). */
  field<K extends keyof T & string>(name: K): T[K];
}

/**
 * The part a qualified name lives in, as scripts/lib/split-by-root.mjs splits: its top-level module, or for a module
 * in `deep` and a name of three parts or more its first two (`torch.nn.modules.linear.Linear` → `torch.nn`).
 */
function partOf(key: string, deep: ReadonlySet<string>): string {
  const dot = key.indexOf('.');
  const root = dot < 0 ? key : key.slice(0, dot);
  if (dot < 0 || !deep.has(root)) return root;
  const second = key.indexOf('.', dot + 1);
  return second < 0 ? root : key.slice(0, second);
}

function own<E>(table: unknown, key: string): E | undefined {
  return table !== null && typeof table === 'object' && Object.hasOwn(table, key)
    ? ((table as Record<string, E>)[key] as E)
    : undefined;
}

/** Keyed access to an imported JSON module: the parsed data, a bundle loader, or a bundle loader split per root. */
export function keyedJson<T extends object>(imported: unknown): KeyedJson<T> {
  const whole = lazyJson<T>(imported);
  const split = isLazyJson(imported) ? (imported as Partial<PartsLoader>)[LAZY_PARTS] : undefined;
  if (split === undefined) {
    return {
      get: remembered((table, key) => own((whole() as Record<string, unknown>)[table], key)),
      field: (name) => whole()[name],
    };
  }
  let head: Record<string, unknown> | undefined;
  const splitTables: ReadonlySet<string> = new Set(split.split);
  const deep: ReadonlySet<string> = new Set(split.deep ?? []);
  const inHead: ReadonlySet<string> = new Set(split.inHead ?? []);
  const names: ReadonlySet<string> = new Set(split.names);
  const parts = new Map<string, Record<string, unknown>>();
  const part = (name: string): Record<string, unknown> | undefined => {
    let p = parts.get(name);
    if (p === undefined && names.has(name)) {
      p = split.part(name) as Record<string, unknown>;
      parts.set(name, p);
    }
    return p;
  };
  return {
    get: remembered((table, key) =>
      splitTables.has(table)
        ? own(part(partOf(key, deep))?.[table], key)
        : own((head ??= split.head() as Record<string, unknown>)[table], key),
    ),
    field: (name) =>
      splitTables.has(name) && !inHead.has(name)
        ? whole()[name]
        : ((head ??= split.head() as Record<string, unknown>)[name] as never),
  };
}

/**
 * `read` with its answers remembered by table, then key: the analysis asks about the same few names object after
 * object. Bounded (keys come from scanned streams).
 */
function remembered(read: (table: string, key: string) => unknown): <V>(table: string, key: string) => V {
  const answers = new Memo2<string, string, unknown>(50_000);
  return <V>(table: string, key: string): V => answers.remember(table, key, read) as V;
}
