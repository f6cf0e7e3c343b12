// JSON data parsed on first use. The CLI bundle emits large data files as loaders (scripts/bundle.mjs: the file is
// written beside the bundle and read and parsed on the first call); run from source, the import is the parsed JSON.

/** The global symbol under which a bundled data file's loader sits (scripts/bundle.mjs). */
export const LAZY_JSON = Symbol.for('sentinel-ml.lazyJson');

interface Loader {
  readonly [LAZY_JSON]: () => unknown;
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
