// Writes dist/bin/sentinel.js.cache: loads the bundle the way bin/sentinel.js does, runs the scans a user runs most
// (a real scikit-learn pickle, a real PyTorch zip checkpoint and a malicious pickle from examples/models, text
// report), then saves V8's cached data for every function compiled so far. V8 deserialises the whole cache at every
// start, so it holds what those scans run and no more: warmed on all of examples/ in text and JSON (YAML, Python,
// JSON reports) it was 1.1 MB and a 1 KB pickle cost 166 M main-thread instructions; warmed on the first two, 157 M,
// the 50 MB checkpoint 1,670 M instead of 1,679 M, and other formats compile the few functions they add on first
// use. The third scan is the examples' malicious pickle (the gate fails): the finding's rule, policy and report code
// a failing gate runs. Measured under the CI budget's flags: the cache 1,133 KB instead of 1,109 KB, a 1 KB
// malicious pickle 3.6 M instructions cheaper (600.7 M against 604.3 M), a 1 KB benign pickle 0.6 M dearer and the
// 50 MB checkpoint 0.8 M.
// Then, in a fresh process (`python`), dist/bin/sentinel.js.python.cache: Python source only (a small serving app in
// scripts/warm/: one file named alone with --rule DESER, JSON report, and with every rule), for the runs
// bin/sentinel.js expects to analyse Python (bin/load-bundle.js pythonCacheFor). Measured on this 2-core machine,
// `--rule DESER --format json` on one Python file of a package, 15 runs each, round robin: 3-7 % less CPU than from
// the default cache (37 KB and 20 KB files); warmed also on the two model scans and the app's folder the cache was
// 1.54 MB instead of 1.30 MB and 3-11 ms slower. The 1 KB pickle keeps the smaller default cache. Each run
// also writes the cache of the bundle's second script (the modules reached only through import(): scripts/bundle.mjs),
// dist/bin/sentinel-lazy.js.cache and dist/bin/sentinel-lazy.js.python.cache.
'use strict';
const { execFileSync } = require('node:child_process');
const { loadBundle } = require('../bin/load-bundle.js');

const MODELS = ['examples/models/classifier.pkl', 'examples/models/weights.pt', 'examples/models/downloaded_model.bin'];
const APP = 'scripts/warm/app/server.py';

async function warm(python) {
  // Started with V8 options (the CI budget's), the cache is written under those options' name (bin/load-bundle.js).
  const bundle = loadBundle({ python, fresh: true });
  const io = { stdout: () => {}, stderr: () => {}, isTTY: false, stderrIsTTY: false, env: {} };
  const runs = python
    ? [
        ['artifact', APP, '--rule', 'DESER', '--format', 'json'],
        ['artifact', APP, '--jobs', '1'],
      ]
    : MODELS.map((file) => ['artifact', file, '--jobs', '1']);
  for (const args of runs) await bundle.exports.main(args, io);
  // The model scans import none of the second script's modules: its default cache holds its top level only, and a
  // run that imports one (another format, another report) compiles the functions it calls.
  if (!python) globalThis[Symbol.for('sentinel-ml.lazyPart')]();
  bundle.exports.restoreTierUp();
  bundle.saveCache();
}

const python = process.argv[2] === 'python';
warm(python)
  .then(() => {
    if (!python) execFileSync(process.execPath, [...process.execArgv, __filename, 'python'], { stdio: 'inherit' });
  })
  .catch((e) => {
    console.error(`warm-code-cache: ${e.stack ?? e}`);
    process.exitCode = 1;
  });
