#!/usr/bin/env node
// Writes dist/<room>/ (one ES module per source file, and the JSON data the sources import) for the bench and
// measurement scripts that import single modules; the CLI and the Node API are bundled from the sources by
// scripts/bundle.mjs and do not read it. Each file is transpiled on its own with esbuild's TypeScript transform,
// following tsconfig.json's compiler options (isolatedModules and verbatimModuleSyntax make a file's output depend
// on that file alone), as the test loader transpiles the sources the tests run. Types are checked by
// `npm run typecheck` (tsc over src, test and scripts), which `npm test` runs after the build.
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const SRC = 'src';
const OUT = 'dist';
const { compilerOptions } = JSON.parse(readFileSync('tsconfig.json', 'utf8'));

/** Every file under `dir` whose name passes `keep` (the tree is the repository's own sources: no links followed). */
function files(dir, keep, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, keep, out);
    else if (e.isFile() && keep(e.name)) out.push(p);
  }
  return out;
}

await build({
  entryPoints: files(SRC, (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')),
  outdir: OUT,
  outbase: SRC,
  bundle: false,
  format: 'esm',
  platform: 'node',
  // Node 20.10 is the first 20.x to take the import attributes (`with { type: 'json' }`) the sources write: a
  // lower target drops them, and Node refuses a JSON module imported without one.
  target: 'node20.10',
  tsconfigRaw: { compilerOptions },
  logLevel: 'warning',
});
for (const f of files(SRC, (n) => n.endsWith('.json'))) {
  const to = join(OUT, relative(SRC, f));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(f, to);
}
