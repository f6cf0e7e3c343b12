// Gate a model upload in a Node service: scan the stream under its name, render a Markdown summary, refuse on a
// failed gate. Run: node node-api.mjs model.pkl
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { loadPolicy, renderReport, scan } from 'sentinel-ml';

const file = process.argv[2] ?? 'model.pkl';
const policy = await loadPolicy(); // sentinel-policy.yml in the working directory, else the built-in policy
const report = await scan(
  { name: basename(file), stream: createReadStream(file) },
  { policy, signal: AbortSignal.timeout(120_000) },
);
console.log(await renderReport(report, 'markdown'));
if (!report.summary.gate.passed) {
  console.error(`refused: ${report.summary.gate.reasons.join('; ')}`);
  process.exitCode = report.summary.exitCode;
}
