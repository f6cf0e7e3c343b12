// Writes dist/bin/sentinel.js.cache: loads the bundle the way bin/sentinel.js does, runs the scans a user runs first
// (examples/ in text and JSON, on this thread), then saves V8's cached data for every function compiled so far.
'use strict';
const { rmSync } = require('node:fs');
const { loadBundle, CACHE } = require('../bin/load-bundle.js');

async function warm() {
  rmSync(CACHE, { force: true });
  const bundle = loadBundle();
  const io = { stdout: () => {}, stderr: () => {}, isTTY: false, stderrIsTTY: false, env: {} };
  for (const format of ['text', 'json']) {
    await bundle.exports.main(['artifact', 'examples', '--jobs', '1', '--format', format], io);
  }
  bundle.exports.restoreTierUp();
  bundle.saveCache();
}

warm().catch((e) => {
  console.error(`warm-code-cache: ${e.stack ?? e}`);
  process.exitCode = 1;
});
