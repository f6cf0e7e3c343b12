#!/usr/bin/env node
// Sets process.exitCode from the CLI's main(); nothing else (the bundle is loaded through V8's code cache).
// A bundle that cannot be loaded or a failure outside main() is a tool error (exit 2), never a gate result.
// The Node version is checked first, in syntax every Node release parses, so an old Node gets a clear message
// rather than an internal error from a missing feature.
'use strict';
var nodeMajor = Number(String(process.versions.node).split('.')[0]);
if (!(nodeMajor >= 20)) {
  process.stderr.write(
    'sentinel: Node.js ' +
      process.versions.node +
      ' is too old: sentinel needs Node.js 20 or newer (see https://nodejs.org or your package manager)\n',
  );
  process.exitCode = 2;
} else if (process.argv.some((a) => /^(?:hf|https?):\/\//i.test(a))) {
  // A remote target: its first connections open while the bundle loads (bin/preconnect.js); the load waits one tick
  // so the connections are started first.
  try {
    require('./preconnect.js').preconnect(process.argv.slice(2), process.env);
  } catch {
    // the scan connects on its own
  }
  process.nextTick(run);
} else {
  run();
}

function toolError(message) {
  process.stderr.write(`sentinel: ${message}\n`);
  process.exitCode = 2;
}

function run() {
  const { loadBundle, pythonCacheFor } = require('./load-bundle.js');
  let bundle;
  try {
    bundle = loadBundle({ python: pythonCacheFor(process.argv.slice(2)) });
  } catch (e) {
    toolError(
      e && e.code === 'ENOENT'
        ? `the CLI is not built (${e.path} is missing): run \`npm run build\` (npm ci runs it)`
        : `could not load the CLI: ${e && e.message ? e.message : String(e)}`,
    );
  }
  if (bundle) {
    // A run whose main() never settles (the event loop drained while a promise still waited) is a tool error, never
    // a pass: the exit code stays 2 until main() answers.
    let settled = false;
    process.exitCode = 2;
    process.on('exit', () => {
      if (!settled) process.stderr.write('sentinel: internal error: the scan ended without a result\n');
    });
    bundle.exports.main(process.argv.slice(2)).then(
      (code) => {
        settled = true;
        process.exitCode = code;
        if (!bundle.cacheUsed || bundle.lazyCacheUsed === false) {
          // A cache is keyed by V8's flags: written with the defaults it was loaded with (src/cli/v8-tiering.ts).
          bundle.exports.restoreTierUp();
          bundle.saveCache();
        }
      },
      (e) => {
        settled = true;
        toolError(`internal error: ${e && e.stack ? e.stack : String(e)}`);
      },
    );
  }
}
