#!/usr/bin/env node
// Bundles the CLI into dist/bin/ (ESM, code-split so that lazily imported parts stay lazy). Measured reasons:
// resolving and linking ~90 separate ES modules cost ~25 ms of every invocation, and loading commander through
// Node's CommonJS loader another ~10 ms; a release gate runs once per artifact. commander (pure JS, MIT) is
// therefore bundled in; every other package stays external (wasm grammars and 7z-wasm need their own files; the
// rest are loaded lazily). `tsc` remains the type checker and builds dist/ for library use.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const BUNDLED = new Set(['commander']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((d) => !BUNDLED.has(d));

// Chunk names carry content hashes: clear old ones so dist/bin holds exactly this build.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  // The scan pool's worker entry sits beside the CLI (engine.ts finds it as ./scan-worker.js) and shares its chunks.
  entryPoints: { main: 'src/cli/main.ts', 'scan-worker': 'src/scan/scan-worker.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // commander is CommonJS and requires Node built-ins; give its bundled code a real `require`.
  banner: {
    js: "import { createRequire as __sentinelRequire } from 'node:module';\nconst require = __sentinelRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
