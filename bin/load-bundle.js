// Loads the bundled CLI (dist/bin/sentinel.js) through V8's code cache. Node 20 has no module compile cache
// (module.enableCompileCache is Node >= 22.1), so the bundle is compiled with vm.Script and the cached data the build
// wrote beside it, taken after a warm-up scan so that it holds the functions a scan runs: the CLI and every scan
// worker skip parsing and compiling. A cache V8 rejects (another Node version) costs only the compile; it is then
// rewritten when the folder is writable.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bin', 'sentinel.js');
const CACHE = BUNDLE + '.cache';
// A second cache of the same bundle, warmed also on Python source (the Python front end and the DESER room): V8
// deserialises a whole cache at every start, so the default one holds only what a model scan runs, and a run that
// will analyse Python starts from this one instead of compiling that code lazily (pythonCacheFor).
const PY_CACHE = BUNDLE + '.python.cache';

/**
 * Whether a CLI run with these arguments is likely to analyse Python source: a `.py`/`.pyw` file or a folder named,
 * or the DESER rules asked for. Only a choice of cache (speed): either cache is valid for the bundle, and V8 checks
 * it against the source and its flags.
 */
function pythonCacheFor(args) {
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    if (a === '--rule') {
      if (/(^|,)\s*DESER/i.test(String(args[i + 1] ?? ''))) return true;
      continue;
    }
    if (a.startsWith('--rule=')) {
      if (/[=,]\s*DESER/i.test(a)) return true;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (/\.pyw?$/i.test(a)) return true;
    try {
      if (fs.statSync(a).isDirectory()) return true;
    } catch {
      // not a local path (a subcommand, an option's value, a URL)
    }
  }
  return false;
}

/**
 * Loads the bundle; `exports` are its exports, `saveCache()` writes V8's cached data for what ran so far (to the
 * cache it was loaded with). `{ python: true }` loads it with the Python-warmed cache.
 */
function loadBundle(options) {
  const cacheFile = options && options.python ? PY_CACHE : CACHE;
  // The build writes the bundle in ASCII: Latin-1 decoding is the cheap way to read it.
  const source = fs.readFileSync(BUNDLE, 'latin1');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The file is already the function wrapper (`(function (exports, require, module, __filename, __dirname) {…})`).
  const script = new vm.Script(source, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
    // Real dynamic import() in the bundle (optional ESM packages) goes through Node's own loader.
    ...(vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
      ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }
      : {}),
  });
  // import() in a script compiled from cached data has no loader on Node 20: the bundle's ES-module-only packages
  // (h5wasm, 7z-wasm) are imported through this module's own import() (src/core/import-esm.ts).
  globalThis[Symbol.for('sentinel-ml.importEsm')] = (specifier) => import(specifier);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    cacheUsed,
    saveCache() {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // A read-only installation keeps compiling: nothing to do.
        }
      }
    },
  };
}

module.exports = { loadBundle, pythonCacheFor, BUNDLE, CACHE, PY_CACHE };
