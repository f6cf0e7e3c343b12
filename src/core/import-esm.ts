// Loads an ES-module-only package with a real dynamic import() that also works inside the CLI bundle. The bundle
// is one CommonJS script compiled from V8's code cache (bin/load-bundle.js); on Node 20 a script compiled from
// cached data loses its dynamic-import callback ("A dynamic import callback was not specified"). The loader
// (bin/load-bundle.js, an ordinary CommonJS module whose import() works) registers an import function under
// IMPORT_ESM_KEY, used first. Without it: the plain import(), then a tiny script compiled here without cached data
// (Node's vm loader constant, which prints an ExperimentalWarning).
import { Script, constants } from 'node:vm';

let fallback: ((specifier: string) => Promise<unknown>) | undefined;

/** The global symbol under which bin/load-bundle.js registers its import function. */
export const IMPORT_ESM_KEY = Symbol.for('sentinel-ml.importEsm');

/** `import(specifier)` that survives the code-cached CLI bundle. */
export async function importEsm(specifier: string): Promise<unknown> {
  const registered = (globalThis as Record<symbol, unknown>)[IMPORT_ESM_KEY];
  if (typeof registered === 'function') return (registered as (s: string) => Promise<unknown>)(specifier);
  if (!fallback) {
    try {
      return await import(specifier);
    } catch (e) {
      if (!(e instanceof Error) || !/dynamic import callback/i.test(e.message)) throw e;
    }
    const loader = (constants as unknown as Record<string, unknown>)['USE_MAIN_CONTEXT_DEFAULT_LOADER'];
    fallback = new Script('(specifier) => import(specifier)', {
      filename: 'sentinel-import-esm',
      ...(loader !== undefined ? { importModuleDynamically: loader as never } : {}),
    }).runInThisContext() as (specifier: string) => Promise<unknown>;
  }
  return fallback(specifier);
}
