// The TypeScript loader `npm test` runs the test files with (`node --import ./scripts/test-ts-loader.mjs --test ...`):
// each .ts module is transpiled by esbuild as tsx transpiles it (esbuild's TypeScript transform for this Node version,
// following tsconfig.json's compiler options; without tsx's whitespace minifying and keepNames, which change no name
// in a transform that neither minifies nor bundles) and the transpiled text is kept on disk, keyed by the module's
// path and text, so that each of the ~300 test processes reads it back instead of transpiling again. tsx does the
// same with more machinery per module (tsconfig paths, CommonJS, extensionless and directory imports, none of which
// the sources and tests use), which cost each test process about 0.4 s of CPU more. `node --import tsx` still runs
// everything: scripts and single test files. The hooks are registered on the main thread; the worker threads the
// sources start from their .ts modules register them too (src/scan/worker-pool.ts workerEntry, told where by
// SENTINEL_TS_HOOKS; tsx's otherwise, about 0.45 s more per worker).
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

process.setSourceMapsEnabled(true); // stack traces name the .ts lines, as under tsx
if (isMainThread) {
  const hooks = new URL('./test-ts-loader-hooks.mjs', import.meta.url).href;
  register(hooks);
  // Worker threads the sources start from their .ts modules register the same hooks (src/scan/worker-pool.ts).
  process.env.SENTINEL_TS_HOOKS = hooks;
}
