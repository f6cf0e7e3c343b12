#!/usr/bin/env node
// Bundles the CLI into one CommonJS file, dist/bin/sentinel.js, and writes V8's code cache for it (bin/load-bundle.js
// loads both). Measured reasons (Node 20, 1 KB pickle, CPU medians): the ES-module bundle cost ~73 ms over bare
// node, of which resolving, linking and compiling its modules was ~40 ms; Node 20 offers no compile cache for ES
// modules, but vm.Script takes cached data for one script, and with it the bundle starts ~40 ms sooner. The cache
// is taken after a warm-up scan of examples/ so that it holds the functions a scan runs. commander (pure JS, MIT)
// is bundled in; every other package stays external and is required when first needed (wasm grammars and 7z-wasm
// need their own files). The Node API is a separate ES-module bundle, dist/lib/. Types are checked by
// `npm run typecheck`; dist/<room>/ (scripts/emit.mjs) serves the bench scripts and is not packaged.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { splitByRoot } from './lib/split-by-root.mjs';

const BUNDLED = new Set(['commander']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }).filter(
  (d) => !BUNDLED.has(d),
);
const require = createRequire(import.meta.url);

/**
 * Node 20 cannot require() an ES-module-only package: such a dependency must be loaded with a dynamic import(),
 * which the bundle keeps as a real import(). A static import of one would fail only at run time, so it fails here.
 */
const esmOnlyGuard = {
  name: 'esm-only-guard',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'import-statement' && args.kind !== 'require-call') return undefined;
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      if (!external.includes(name)) return undefined;
      let meta;
      try {
        meta = JSON.parse(readFileSync(join(dirname(require.resolve(`${name}/package.json`)), 'package.json'), 'utf8'));
      } catch {
        return undefined; // not installed (optional) or no readable manifest: required at run time as before
      }
      const exp = meta.exports?.['.'] ?? meta.exports;
      const requirable =
        meta.type !== 'module' || typeof exp !== 'object' || exp === null || 'require' in exp || 'node' in exp;
      if (!requirable) {
        return {
          errors: [{ text: `${name} is an ES module only: load it with a dynamic import() (${args.importer})` }],
        };
      }
      return undefined;
    });
  },
};

/**
 * commander requires node:child_process at load time, only to spawn executable subcommands (which this CLI has
 * none of); loading it cost ~7 ms of every start. Its binding is made lazy. It also requires node:process, which is
 * the `process` object every module already has, but whose built-in module Node compiles on first require (0.7 M
 * instructions of every start): the global is used instead. The build fails if either line changes.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const lines = [
        [
          "const childProcess = require('node:child_process');",
          "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
        ],
        ["const process = require('node:process');", 'const process = globalThis.process;'],
      ];
      for (const [eager, lazy] of lines) {
        if (!text.includes(eager)) return { errors: [{ text: `${args.path}: the line \`${eager}\` changed` }] };
        text = text.replace(eager, lazy);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * `createRequire` from node:module, in the CLI bundle: every call in the sources is `createRequire(import.meta.url)`,
 * the bundle's own file, whose require the loader already hands the bundle (bin/load-bundle.js). Loading node:module
 * itself compiles Node's module, ES-module loader and source-map internals at every start (~5 M instructions, a
 * fifth of the bundle's own code cache); the build fails if another export of it is imported. The calls drop their
 * argument, so that no module's top-level code makes the bundle's URL (`import.meta.url`, made on first use).
 */
const bundleRequireAsCreateRequire = {
  name: 'bundle-require-as-create-require',
  setup(b) {
    b.onResolve({ filter: /^node:module$|^module$/ }, (args) =>
      args.kind === 'import-statement' ? { path: 'node:module', namespace: 'bundle-require' } : undefined,
    );
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('createRequire(import.meta.url)')) return undefined;
      return { contents: text.replaceAll('createRequire(import.meta.url)', 'createRequire()'), loader: 'ts' };
    });
    b.onLoad({ filter: /.*/, namespace: 'bundle-require' }, () => ({
      contents: 'export const createRequire = () => require;',
      loader: 'js',
    }));
  },
};

/**
 * JSON data as `JSON.parse('…')` of one string instead of esbuild's object literals: V8 builds a large object from JSON
 * text with its JSON parser far more cheaply than it instantiates the same object literal at every start. The
 * allowlist data (src/rules/data, ~510 KB and growing with every history pack) and the pickle VM's effect model are not
 * part of the bundle at all: each file is written beside the bundle (`data/<path under src>`) and becomes a loader that reads and parses it on the first
 * call, with its `pack` id and the module roots of its names (src/rules/data/allowlist.ts parses a pack when a name
 * falls under its roots). Measured: the bundle's text is read and copied into V8 at every start (~3 ms for 1.7 MB
 * here), and a run parses only the packs its names fall under. The pickle VM's native-class facts (native-new,
 * native-states and its history packs) are loaded the same way: a stream that builds no object of a named class never
 * parses them (~60 KB of JSON at every start otherwise). The TorchScript operator table (115 KB) is read only by the
 * TorchScript load rules (src/analyzers/python/torch/torchscript-ops.ts).
 */
const LAZY_DATA =
  /[\\/]src[\\/]((?:rules[\\/]data[\\/].*|analyzers[\\/]pickle[\\/]data[\\/](?:callable-effects|history-effects(?:-[a-z-]+)?|lookup-hooks|native-new|(?:history-)?native-states(?:-[a-z-]+)?)|analyzers[\\/]python[\\/]torch[\\/]torchscript-ops)\.json)$/;
/**
 * Smaller tables the pickle VM consults only for a stream that names a class or callable (protocol-2 name mappings,
 * pandas' public class names, Keras whole-model and dill type loads, the admitted Enums' members): their text stays in the bundle, parsed on the
 * first question (src/core/lazy-json.ts), so that a stream of plain data parses none of them (about 50 KB of JSON).
 */
const INLINE_LAZY_DATA =
  /[\\/]src[\\/]analyzers[\\/]pickle[\\/]data[\\/](?:compat-pickle|public-homes|keras-unpickle|dill-types|enum-members)\.json$/;
/**
 * The pickle VM's effect models, also split per top-level module (scripts/lib/split-by-root.mjs): a scan looks up the
 * hooks and classes of the names its pickles name, so it parses those modules' parts (a torch checkpoint: torch's)
 * instead of the whole 1.4 MB. The whole file stays beside them for the few questions asked of every entry.
 */
const SPLIT_DATA =
  /[\\/]analyzers[\\/]pickle[\\/]data[\\/](?:callable-effects|history-effects(?:-[a-z-]+)?|(?:history-)?native-states(?:-[a-z-]+)?)\.json$/;
const SPLIT_TABLES = ['classes', 'allowlistClasses', 'hooks'];
/**
 * A history pack's effect tables are also asked per name (src/analyzers/pickle/callable-effects.ts: its shape checks
 * at every call and BUILD, its lookup hooks, its functions' effect records, its family roots' classes, its heap types
 * at every object a call makes), so they are
 * split too: a stream whose names fall under none of a pack's modules reads nothing of that pack (a torch checkpoint
 * read every pack's head).
 */
const HISTORY_SPLIT_TABLES = [...SPLIT_TABLES, 'checks', 'lookups', 'callables', 'families', 'heapTypes'];
const splitTablesOf = (path) =>
  /[\\/]history-effects(?:-[a-z-]+)?\.json$/.test(path)
    ? HISTORY_SPLIT_TABLES
    : /native-states(?:-[a-z-]+)?\.json$/.test(path)
      ? NATIVE_STATES_SPLIT_TABLES
      : EFFECTS_SPLIT_TABLES;
/**
 * The native classes' state facts (native-states and its history packs) are asked per class the stream builds an
 * object of (src/analyzers/pickle/native-states.ts): a stream naming no module they list reads none of them.
 */
const NATIVE_STATES_SPLIT_TABLES = ['classes'];
/**
 * The effect model's function records are asked per name (a stream's callables), and iterated whole only for the
 * classes they return (a class the analysis cannot name): split, and also kept whole in the head, which only that
 * question reads (a 1 KB malicious pickle and a torch checkpoint read neither the head nor the whole file). Its
 * family roots' classes are asked per root.
 */
const EFFECTS_SPLIT_TABLES = [...SPLIT_TABLES, 'callables', 'families'];
const KEEP_WHOLE = ['callables'];
/**
 * JSON text in ASCII, every other character escaped (`\u2014`): the same value once parsed, but read as a one-byte
 * string. A data file with a single non-ASCII character (a dash in a note) was read into a two-byte string, which V8
 * parses more slowly and holds at twice the size.
 */
const asciiJson = (value) =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** Writes `rel`'s head and parts beside it (`<name>.parts/`) and returns the loader's parts field. */
const splitParts = (outdir, rel, data, reader, tables) => {
  const { head, parts, split, deep, inHead } = splitByRoot(data, tables, { keepWhole: KEEP_WHOLE });
  const dir = rel.replace(/\.json$/, '.parts');
  rmSync(join(outdir, dir), { recursive: true, force: true });
  mkdirSync(join(outdir, dir), { recursive: true });
  writeFileSync(join(outdir, dir, '-head.json'), asciiJson(head));
  const names = Object.keys(parts).sort();
  for (const name of names) writeFileSync(join(outdir, dir, `${name}.json`), asciiJson(parts[name]));
  const headLoader = `() => JSON.parse(${reader.read(JSON.stringify(`${dir}/-head.json`))})`;
  // One reader for every part, by name (a part's name is a dotted identifier: splitByRoot checks), and the names as
  // a list: a closure per part was ~160 bytes of bundle text and one more function in the code cache each.
  const partLoader = `(name) => JSON.parse(${reader.read(`${JSON.stringify(`${dir}/`)} + name + '.json'`)})`;
  return `[Symbol.for('sentinel-ml.lazyParts')]: { split: ${JSON.stringify(split)}, deep: ${JSON.stringify(deep)}, inHead: ${JSON.stringify(inHead)}, head: ${headLoader}, names: ${JSON.stringify(names)}, part: ${partLoader} }, `;
};
const rootOf = (name) => (name.includes('.') ? name.slice(0, name.indexOf('.')) : name);
/**
 * `reader`: the imports a data loader needs and `read(relExpr)`, the expression that reads a data file written beside
 * it, its path under the output folder given as a JavaScript expression.
 */
const jsonAsParse = (outdir, reader) => ({
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => {
      const data = JSON.parse(readFileSync(args.path, 'utf8'));
      const lazy = LAZY_DATA.exec(args.path);
      if (!lazy && INLINE_LAZY_DATA.test(args.path))
        return {
          contents: `export default { [Symbol.for('sentinel-ml.lazyJson')]: () => JSON.parse(${JSON.stringify(JSON.stringify(data))}) };`,
          loader: 'js',
        };
      if (!lazy)
        return { contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(data))});`, loader: 'js' };
      const rel = `data/${lazy[1].replace(/\\/g, '/')}`;
      mkdirSync(dirname(join(outdir, rel)), { recursive: true });
      writeFileSync(join(outdir, rel), asciiJson(data));
      const roots = new Set();
      for (const table of [data.entries, data.review, data.excluded])
        for (const k of Object.keys(table ?? {})) roots.add(rootOf(k));
      const head = { roots: [...roots].sort(), ...(typeof data.pack === 'string' ? { pack: data.pack } : {}) };
      const fields = JSON.stringify(head).slice(1, -1);
      const parts = SPLIT_DATA.test(args.path) ? splitParts(outdir, rel, data, reader, splitTablesOf(args.path)) : '';
      return {
        contents: `${reader.imports}export default { [Symbol.for('sentinel-ml.lazyJson')]: () => JSON.parse(${reader.read(JSON.stringify(rel))}), ${parts}${fields} };`,
        loader: 'js',
      };
    });
  },
});

rmSync('dist/bin', { recursive: true, force: true });
mkdirSync('dist/bin', { recursive: true });
// dist/bin holds CommonJS (the package is "type": "module").
writeFileSync('dist/bin/package.json', '{ "type": "commonjs" }\n');
// A run started with Node options whose code cache V8 rejects writes its own cache here, named by a hash of those
// options (bin/load-bundle.js): never part of the package, whatever ran in this checkout before it was packed.
writeFileSync('dist/bin/.npmignore', '*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].cache\n');

/** The CLI bundles' common options. */
const cliOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  // No comments or indentation and short local names: a smaller file to read, and a smaller code cache to
  // deserialise, at every start (short names: 1.74 -> 1.41 MB of bundle, 1.22 -> 1.15 MB of cache, 8 M fewer
  // instructions for a 1 KB pickle). ASCII only (checked below), so the loader can read it as Latin-1. No code reads
  // a function's or class's own name: messages and reports name things with string literals.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  charset: 'ascii',
  // import.meta in the sources: the bundle's own URL (worker entry, package resolution beside it), made on first use:
  // node:url's pathToFileURL compiles Node's URL internals (1.8 M instructions), which a plain pickle's run never needs.
  define: { 'import.meta.url': '__bundle.url', 'import.meta.resolve': '__bundleResolve' },
  // The file is the CommonJS function wrapper bin/load-bundle.js compiles, written out: the loader hands the text
  // to V8 as it was read rather than building a second 1 MB+ string around it at every start.
  banner: {
    js: "(function (exports, require, module, __filename, __dirname) {\nlet __bundleUrl;\nconst __bundle = { get url() { return (__bundleUrl ??= require('node:url').pathToFileURL(__filename).href); } };\nconst __bundleResolve = (s) => require('node:url').pathToFileURL(require.resolve(s)).href;",
  },
  footer: { js: '\n})' },
  logLevel: 'warning',
};
const cliPlugins = () => [
  esmOnlyGuard,
  lazyChildProcess,
  bundleRequireAsCreateRequire,
  jsonAsParse('dist/bin', {
    imports: '',
    read: (relExpr) => `require('node:fs').readFileSync(require('node:path').join(__dirname, ${relExpr}), 'utf8')`,
  }),
];

/**
 * The CLI is two scripts, each with its own code cache: dist/bin/sentinel.js, what a scan of a local model file runs
 * (the sources, the pickle VM, the format readers and expanders it imports statically, the rules, the policy and the
 * text, JSON and SARIF reports), and dist/bin/sentinel-lazy.js, every other module reached only through a dynamic
 * import() (the Python front end and the DESER room, the remote readers, the decompressors beyond inflate, ONNX,
 * HDF5, GGUF, the chat-template and model-config analysers, provenance and signatures, the other report formats,
 * the HTTP service and its queue, conversion), loaded by bin/load-bundle.js on the first such import. V8 deserialises
 * a whole cache and creates every top-level function of a script at every start, and the script's text is read and
 * copied at every start: a 1 KB pickle's run reads half the text it read as one script. Measured on a 2-core virtual
 * machine (CPU time over `node -e 0`, medians of interleaved runs): see docs/performance-budget.md.
 * HOST_IMPORTS are the import() targets kept in the first script: the reports a CI gate asks for most, and the scan
 * pool's worker side (every worker loads the first script).
 * Each module is in exactly one of the two (module state and classes are never duplicated): an import() from the
 * first into the second reads the module from the second (`sentinel-ml.lazyPart`), and an import of the first's
 * modules from the second calls the first's own initialiser and namespace (`sentinel-ml.hostModules`).
 */
const HOST_IMPORTS = /^src\/(?:report\/(?:text|json|sarif|wrap-text)\.ts|scan\/(?:worker-pool|serve-scan-worker)\.ts)$/;
const ENTRY = 'src/cli/bundle.ts';
const LAZY_OUT = 'dist/bin/sentinel-lazy.js';
const plan = await build({
  ...cliOptions,
  entryPoints: [ENTRY],
  outfile: 'dist/bin/sentinel.js',
  write: false,
  metafile: true,
  plugins: cliPlugins(),
});
const inputs = plan.metafile.inputs;
/** The first script: the modules reached from the entry through static imports and the import()s of HOST_IMPORTS. */
const HOST = new Set();
{
  const stack = [ENTRY];
  while (stack.length) {
    const f = stack.pop();
    if (HOST.has(f) || !inputs[f]) continue;
    HOST.add(f);
    for (const i of inputs[f].imports) {
      if (i.external || (i.kind === 'dynamic-import' && !HOST_IMPORTS.test(i.path))) continue;
      stack.push(i.path);
    }
  }
}
const LAZY = new Set(Object.keys(inputs).filter((f) => !HOST.has(f)));
if (![...LAZY].some((f) => f.startsWith('src/analyzers/deser/')))
  throw new Error('scripts/bundle.mjs: the DESER room is no longer behind an import()');
/** The first script's modules the second imports, and the second's modules the first imports dynamically. */
const hostExposed = new Set();
const lazyTargets = new Set();
/** A module of another namespace than the file system (the plugins' virtual modules): each build makes its own. */
const virtual = (f) => /^[a-z-]+:/.test(f);
for (const f of Object.keys(inputs)) {
  for (const i of inputs[f].imports) {
    if (i.external || virtual(i.path)) continue;
    if (LAZY.has(f) && HOST.has(i.path)) hostExposed.add(i.path);
    if (HOST.has(f) && LAZY.has(i.path)) {
      if (i.kind !== 'dynamic-import') throw new Error(`scripts/bundle.mjs: ${f} imports ${i.path} statically`);
      lazyTargets.add(i.path);
    }
  }
}
const here = process.cwd();
const abs = (rel) => join(here, rel);
const relOf = (file) => relative(here, file).split('\\').join('/');
/** Routes an import whose module lives in the other script (`other`) to a stub in `namespace`. */
const splitRouter = (other, namespace, kinds) => ({
  name: `split-${namespace}`,
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.splitResolving || !kinds.includes(args.kind)) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        namespace: args.namespace,
        pluginData: { splitResolving: true },
      });
      if (r.errors.length || r.external || !r.path) return undefined;
      const rel = relOf(r.path);
      return other.has(rel) ? { path: rel, namespace } : undefined;
    });
  },
});
const SYM_LAZY = "globalThis[Symbol.for('sentinel-ml.lazyPart')]";
const SYM_HOST = "globalThis[Symbol.for('sentinel-ml.hostModules')]";
const stubLoader = (namespace, body) => ({
  name: `stub-${namespace}`,
  setup(b) {
    b.onLoad({ filter: /.*/, namespace }, (args) => ({ contents: body(args.path), loader: 'js' }));
  },
});
const hostEntry =
  `export * from ${JSON.stringify(abs(ENTRY))};\n` +
  `${SYM_HOST} = {\n${[...hostExposed]
    .sort()
    .map((f) => `  ${JSON.stringify(f)}: () => require(${JSON.stringify(abs(f))}),`)
    .join('\n')}\n};\n`;
await build({
  ...cliOptions,
  stdin: { contents: hostEntry, resolveDir: here, sourcefile: 'sentinel-entry.js', loader: 'js' },
  outfile: 'dist/bin/sentinel.js',
  plugins: [
    splitRouter(LAZY, 'lazy-part', ['dynamic-import']),
    stubLoader('lazy-part', (rel) => `module.exports = ${SYM_LAZY}()[${JSON.stringify(rel)}]();\n`),
    ...cliPlugins(),
  ],
});
const lazyEntry = `export const modules = {\n${[...lazyTargets]
  .sort()
  .map((f) => `  ${JSON.stringify(f)}: () => require(${JSON.stringify(abs(f))}),`)
  .join('\n')}\n};\n`;
await build({
  ...cliOptions,
  stdin: { contents: lazyEntry, resolveDir: here, sourcefile: 'sentinel-lazy-entry.js', loader: 'js' },
  outfile: LAZY_OUT,
  plugins: [
    splitRouter(HOST, 'host-module', ['import-statement', 'require-call', 'dynamic-import']),
    stubLoader('host-module', (rel) => `module.exports = ${SYM_HOST}[${JSON.stringify(rel)}]();\n`),
    ...cliPlugins(),
  ],
});
for (const f of ['dist/bin/sentinel.js', LAZY_OUT]) {
  if (readFileSync(f).some((b) => b > 0x7f))
    throw new Error(`${f} is not ASCII: bin/load-bundle.js reads it as Latin-1`);
}

// The scan pool's worker entry (engine.ts starts ./scan-worker.js beside itself): the same bundle and code cache.
writeFileSync(
  'dist/bin/scan-worker.js',
  "// Scan pool worker entry of the bundled CLI (written by scripts/bundle.mjs).\n'use strict';\n" +
    "require('../../bin/load-bundle.js').loadBundle().exports.serveScanWorker();\n",
);
// The HTTP service's scan-thread entry (service/scan-threads.ts starts ./scan-thread-worker.js beside itself).
writeFileSync(
  'dist/bin/scan-thread-worker.js',
  "// Scan thread entry of `sentinel serve` in the bundled CLI (written by scripts/bundle.mjs).\n'use strict';\n" +
    "require('../../bin/load-bundle.js').loadBundle().exports.serveScanThread();\n",
);

// The Node API (the package's `exports`): an ES-module bundle in dist/lib/, code-split so that renderers, decoders
// and the Python analyser stay lazily loaded. Its scan-pool worker entry sits beside it (engine.ts starts
// ./scan-worker.js next to its own chunk) and shares its chunks. commander is not imported by the API.
rmSync('dist/lib', { recursive: true, force: true });
await build({
  entryPoints: { index: 'src/api/index.ts', 'scan-worker': 'src/scan/scan-worker.ts' },
  outdir: 'dist/lib',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [
    jsonAsParse('dist/lib', {
      imports: "import { readFileSync as readDataFile } from 'node:fs';\n",
      read: (relExpr) => `readDataFile(new URL('./' + ${relExpr}, import.meta.url), 'utf8')`,
    }),
  ],
  logLevel: 'warning',
});

// The code cache: a warm-up scan in a fresh process, then V8's cached data for everything it compiled.
execFileSync(process.execPath, ['scripts/warm-code-cache.cjs'], { stdio: 'inherit' });
