// Loads the bundled CLI (dist/bin/sentinel.js) through V8's code cache. Node 20 has no module compile cache
// (module.enableCompileCache is Node >= 22.1), so the bundle is compiled with vm.Script and the cached data the build
// wrote beside it, taken after a warm-up scan so that it holds the functions a scan runs: the CLI and every scan
// worker skip parsing and compiling. A cache V8 rejects (another Node version) costs only the compile; it is then
// rewritten when the folder is writable.
// V8 rejects a cache taken under other V8 flags (`--max-old-space-size` in NODE_OPTIONS, `--trace-gc`, ...). A run
// started with options whose cache was rejected writes its own cache beside the build's, named by a hash of those
// options, and loads it on later runs with the same options: the build's cache, taken with the defaults and warmed
// on the scans users run most, is never replaced by one a differently-started run wrote.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// The CommonJS loader's own createRequire: requiring node:module would compile Node's module, ES-module loader and
// source-map internals at every start.
const createRequire = module.constructor.createRequire || require('node:module').createRequire;

const BUNDLE = path.join(__dirname, '..', 'dist', 'bin', 'sentinel.js');
const CACHE = BUNDLE + '.cache';
// A second cache of the same bundle, warmed also on Python source (the Python front end and the DESER room): V8
// deserialises a whole cache at every start, so the default one holds only what a model scan runs, and a run that
// will analyse Python starts from this one instead of compiling that code lazily (pythonCacheFor).
const PY_CACHE = BUNDLE + '.python.cache';
// The modules reached only through a dynamic import() (scripts/bundle.mjs): a second script with its own cache,
// compiled on the first such import.
const LAZY = path.join(__dirname, '..', 'dist', 'bin', 'sentinel-lazy.js');
const LAZY_CACHE = LAZY + '.cache';
const LAZY_PY_CACHE = LAZY + '.python.cache';

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
      // No error object for a missing path (a subcommand, an option's value): building one costs more than the stat.
      const st = fs.statSync(a, { throwIfNoEntry: false });
      if (st && st.isDirectory()) return true;
    } catch {
      // not a local path (a URL, a name under a file)
    }
  }
  return false;
}

/** At most this many option-keyed caches are written beside the bundle (a bound on what runs leave behind). */
const MAX_KEYED_CACHES = 8;

/** The options this process started with that can change V8's flags: its command line and NODE_OPTIONS. */
function startOptions() {
  return [...process.execArgv, String(process.env.NODE_OPTIONS ?? '')].join(' ').trim();
}

/** `file` (…/sentinel.js[.python].cache) for a process started with `options`: FNV-1a of them in the name. */
function keyedCacheFile(file, options) {
  let h = 0x811c9dc5;
  for (let i = 0; i < options.length; i++) h = Math.imul(h ^ options.charCodeAt(i), 0x01000193) >>> 0;
  return file.replace(/\.cache$/, `.${h.toString(16).padStart(8, '0')}.cache`);
}

/**
 * `file`'s bytes, read into `buf` when they fit there (else into a new buffer of at least `room` bytes): a view of
 * exactly those bytes. Memory a process touches for the first time costs a page fault per 4 KB (measured on a 2-core
 * virtual machine: about 20 µs each, most of a CLI start-up's cost over bare node), so the loader reads the code
 * cache into the buffer the bundle's text was read into, which is no longer needed once that text is a string.
 */
function readInto(file, buf, room) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const into = buf && buf.length >= size ? buf : Buffer.allocUnsafeSlow(Math.max(size, room || 0));
    let n = 0;
    while (n < size) {
      const k = fs.readSync(fd, into, n, size - n, null);
      if (k === 0) break;
      n += k;
    }
    return into.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** `file`'s size, 0 when it is absent or cannot be read. */
function sizeOf(file) {
  try {
    const st = file ? fs.statSync(file, { throwIfNoEntry: false }) : undefined;
    return st ? st.size : 0;
  } catch {
    return 0;
  }
}

function readOrUndefined(file, buf) {
  try {
    return readInto(file, buf);
  } catch {
    return undefined;
  }
}

/**
 * Loads the bundle; `exports` are its exports. Its second script (dist/bin/sentinel-lazy.js: the modules reached only
 * through a dynamic import()) is compiled with its own cache on the first such import (with `python`, its
 * Python-warmed one). `saveCache()` writes V8's
 * cached data for what ran so far in each script loaded (to the cache it was loaded with, or for a process started
 * with options whose cache V8 rejected, to that options' own cache). `{ python: true }` loads the first script with
 * the Python-warmed cache; `{ fresh: true }` compiles without a cache (the build's warm-up).
 */
function loadBundle(options) {
  const fresh = Boolean(options && options.fresh);
  const started = startOptions();
  const python = Boolean(options && options.python);
  const main = compile(BUNDLE, python ? PY_CACHE : CACHE, started, fresh);
  // import() in a script compiled from cached data has no loader on Node 20: the bundle's ES-module-only packages
  // (h5wasm, 7z-wasm) are imported through this module's own import() (src/core/import-esm.ts).
  globalThis[Symbol.for('sentinel-ml.importEsm')] = (specifier) => import(specifier);
  let lazy;
  let lazyModules;
  // The second script: compiled and run once, on the first import() of one of its modules.
  globalThis[Symbol.for('sentinel-ml.lazyPart')] = () => {
    if (lazyModules === undefined) {
      lazy = compile(LAZY, python ? LAZY_PY_CACHE : LAZY_CACHE, started, fresh);
      lazyModules = lazy.run().modules;
    }
    return lazyModules;
  };
  const exports = main.run();
  return {
    exports,
    cacheUsed: main.cacheUsed,
    cacheFile: main.cacheFile,
    /** Whether the second script was loaded, and from its cache (undefined: not loaded). */
    get lazyCacheUsed() {
      return lazy && lazy.cacheUsed;
    },
    /**
     * Writes each loaded script's cache: the build's warm-up (`fresh`) always, a CLI run only a script whose cache
     * V8 rejected (bin/sentinel.js calls it then).
     */
    saveCache() {
      if (fresh || !main.cacheUsed) main.save();
      if (lazy && (fresh || !lazy.cacheUsed)) lazy.save();
    },
  };
}

/**
 * Compiles `file` (a CommonJS function wrapper) with the cache `baseFile`, or the one keyed by the options the
 * process started with when that exists; `run()` runs it and returns its exports, `save()` writes V8's cached data
 * for what ran so far (to the cache it was loaded with, or for options whose cache V8 rejected, to their own cache).
 */
function compile(file, baseFile, started, fresh) {
  const keyedFile = started ? keyedCacheFile(baseFile, started) : undefined;
  // The build writes the bundle in ASCII: Latin-1 decoding is the cheap way to read it.
  // The bundle's buffer is made large enough for the cache too (the Python-warmed one is larger than the bundle).
  const text = readInto(file, undefined, fresh ? 0 : Math.max(sizeOf(keyedFile), sizeOf(baseFile)));
  const source = text.latin1Slice(0, text.length);
  const spare = Buffer.from(text.buffer, text.byteOffset, text.buffer.byteLength - text.byteOffset);
  let cacheFile = baseFile;
  let cachedData;
  if (!fresh) {
    cachedData = keyedFile ? readOrUndefined(keyedFile, spare) : undefined;
    if (cachedData) cacheFile = keyedFile;
    else cachedData = readOrUndefined(baseFile, spare);
  }
  // The file is already the function wrapper (`(function (exports, require, module, __filename, __dirname) {…})`).
  const script = new vm.Script(source, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // Real dynamic import() in the bundle (optional ESM packages) goes through Node's own loader.
    ...(vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
      ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }
      : {}),
  });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  // Not used: the defaults rewrite the build's cache (another Node release), other options write their own.
  const saveTo = cacheUsed ? cacheFile : (keyedFile ?? baseFile);
  return {
    cacheUsed,
    cacheFile,
    run() {
      const module = { exports: {} };
      script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
      return module.exports;
    },
    save() {
      // The build's warm-up (`fresh`) always writes; a CLI run adds a new option-keyed cache only below the bound.
      if (!fresh && saveTo === keyedFile && !fs.existsSync(keyedFile)) {
        try {
          const keyed = fs.readdirSync(path.dirname(file)).filter((f) => /\.[0-9a-f]{8}\.cache$/.test(f));
          if (keyed.length >= MAX_KEYED_CACHES) return;
        } catch {
          return;
        }
      }
      const tmp = `${saveTo}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, saveTo);
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

module.exports = {
  loadBundle,
  pythonCacheFor,
  keyedCacheFile,
  BUNDLE,
  CACHE,
  PY_CACHE,
  LAZY,
  LAZY_CACHE,
  LAZY_PY_CACHE,
};
