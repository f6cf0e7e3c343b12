// Runs one `sentinel convert` in a fresh process for `npm run bench` (the built CLI, in-process so that the peak
// RSS is this process's) and prints its time, peak RSS and exit code as JSON.
import { createRequire } from 'node:module';

// The CLI as bin/sentinel.js loads it (the bundle through V8's code cache).
const { loadBundle } = createRequire(import.meta.url)('../bin/load-bundle.js');
const { main } = loadBundle().exports;

const [input, output] = process.argv.slice(2);
let report = '';
const t0 = performance.now();
const code = await main(['convert', input, '-o', output, '--force', '--format', 'json'], {
  stdout: (s) => (report += s),
  stderr: (s) => process.stderr.write(s),
  isTTY: false,
  env: {},
});
const ms = performance.now() - t0;
const r = JSON.parse(report);
console.log(
  JSON.stringify({
    ms,
    // CPU time of all threads (main, I/O pool): a load-independent measure on a busy machine.
    cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    code,
    tensors: r.tensors.length,
    status: r.status,
  }),
);
