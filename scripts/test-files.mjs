// Prints the test files of one tier, one per line: `fast` (what `npm test` runs) or `slow` (the integration and
// long-running suites `npm run test:full` adds: packing and installing the package, the GitHub Action and
// pre-commit run as their runners run them, the container file, headless Chromium, the CPython differential
// tests, the hostile corpora, the seeded fuzz pass, the Redis queue with its worker processes, and the whole-corpus,
// stress and real-server runs listed below). Every test file is in exactly one tier.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SLOW = [
  /^test\/ci\//,
  /^test\/package\//,
  /^test\/differential\//,
  /^test\/hostile\//,
  /^test\/robustness\//,
  /^test\/report\/html-chromium\.test\.ts$/,
  /^test\/service\/scan-queue\.test\.ts$/,
  // Whole-corpus and stress runs: every fixture scanned with --jobs 1 and 4; compressed input in every window size
  // (property-based); 7z entries streamed from the 7z CLI's archives; the HTTP service on a real port; the API with
  // the optional packages made unresolvable in every thread; workers that die, hang or run out of memory; TypeDoc.
  /^test\/scan\/jobs-identical\.test\.ts$/,
  /^test\/formats\/compression\/input-windows\.test\.ts$/,
  /^test\/formats\/sevenzip\/streamed-entry\.test\.ts$/,
  /^test\/service\/http-service\.test\.ts$/,
  /^test\/api\/optional-packages\.test\.ts$/,
  /^test\/scan\/worker-pool\.test\.ts$/,
  /^test\/api\/api-docs\.test\.ts$/,
];

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The test files of a tier, sorted. */
export function testFiles(tier) {
  return walk('test')
    .map((f) => f.split('\\').join('/'))
    .sort()
    .filter((f) => SLOW.some((re) => re.test(f)) === (tier === 'slow'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const tier = process.argv[2];
  if (tier !== 'fast' && tier !== 'slow') {
    process.stderr.write('usage: node scripts/test-files.mjs fast|slow\n');
    process.exit(2);
  }
  process.stdout.write(testFiles(tier).join('\n') + '\n');
}
