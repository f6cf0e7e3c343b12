// One process of `npm test` (scripts/test-run.mjs): imports the test files named on the command line, in their order,
// into this process, so the sources they share are loaded once instead of once per file. A file that fails to import
// is a failing test named after it; the others still run.
import { resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

// Resolved before any file runs: a test may change the working directory while later files are still imported.
const urls = process.argv.slice(2).map((f) => [f, pathToFileURL(resolve(f)).href]);
for (const [file, url] of urls) {
  try {
    await import(url);
  } catch (e) {
    test(`${file} (could not be imported)`, () => {
      throw e;
    });
  }
}
