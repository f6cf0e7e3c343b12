// Runs one scan in a fresh process for `npm run bench` and prints timing, peak RSS and counts as JSON.
import { scanPaths } from '../dist/scan/engine.js';

const t0 = performance.now();
const r = await scanPaths([process.argv[2]]);
const ms = performance.now() - t0;
console.log(
  JSON.stringify({
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
    findings: r.findings.length,
    pickles: r.pickles.length,
    opcodes: r.pickles.reduce((n, p) => n + p.opcodes, 0),
    rules: [...new Set(r.findings.map((f) => f.ruleId))],
  }),
);
