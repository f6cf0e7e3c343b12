// Writes dist/bin/sentinel.js.cache: loads the bundle the way bin/sentinel.js does, runs the scans a user runs most
// (a real scikit-learn pickle and a real PyTorch zip checkpoint from examples/models, text report), then saves V8's
// cached data for every function compiled so far. V8 deserialises the whole cache at every start, so it holds what
// those scans run and no more: warmed on all of examples/ in text and JSON (YAML, Python, JSON reports) it was 1.1 MB
// and a 1 KB pickle cost 166 M main-thread instructions; warmed on these two, 157 M, the 50 MB checkpoint 1,670 M
// instead of 1,679 M, and other formats compile the few functions they add on first use.
'use strict';
const { rmSync } = require('node:fs');
const { loadBundle, CACHE } = require('../bin/load-bundle.js');

async function warm() {
  rmSync(CACHE, { force: true });
  const bundle = loadBundle();
  const io = { stdout: () => {}, stderr: () => {}, isTTY: false, stderrIsTTY: false, env: {} };
  for (const file of ['examples/models/classifier.pkl', 'examples/models/weights.pt']) {
    await bundle.exports.main(['artifact', file, '--jobs', '1'], io);
  }
  bundle.exports.restoreTierUp();
  bundle.saveCache();
}

warm().catch((e) => {
  console.error(`warm-code-cache: ${e.stack ?? e}`);
  process.exitCode = 1;
});
