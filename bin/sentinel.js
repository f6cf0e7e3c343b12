#!/usr/bin/env node
// Sets process.exitCode from the CLI's main(); nothing else (the bundle is loaded through V8's code cache).
'use strict';
const { loadBundle } = require('./load-bundle.js');

const bundle = loadBundle();
bundle.exports.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  if (!bundle.cacheUsed) bundle.saveCache();
});
