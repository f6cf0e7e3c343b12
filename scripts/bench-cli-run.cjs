// Runs the CLI exactly as bin/sentinel.js does (the bundle through its code cache) for `npm run bench`, and reports
// its own peak RSS and CPU time (all threads, workers included) as one JSON line on stderr at exit: Node gives a
// parent no rusage of its children. With BENCH_BARE=1 it runs nothing: the floor of a node process that reports.
'use strict';
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(
    `\n${JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`,
  );
});
if (process.env.BENCH_BARE !== '1') {
  const { loadBundle, pythonCacheFor } = require('../bin/load-bundle.js');
  // The cache bin/sentinel.js would choose for these arguments (a folder loads the Python-warmed one).
  loadBundle({ python: pythonCacheFor(process.argv.slice(2)) })
    .exports.main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
}
