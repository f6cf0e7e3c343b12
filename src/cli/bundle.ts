// What the bundled CLI (dist/bin/sentinel.js, scripts/bundle.mjs) exports: main() for bin/sentinel.js, the scan
// pool's worker entry (a scan worker loads the same bundle and code cache as the CLI), the HTTP service's scan-thread
// entry, scanPaths for the start-up test and the bench, and restoreTierUp (V8's defaults back before a code cache is
// written).
export { main } from './main.js';
export { restoreTierUp } from './v8-tiering.js';
export { scanPaths } from '../scan/engine.js';

/** Runs `sentinel serve`'s scans on this worker thread (service/scan-threads.ts; loads only in those threads). */
export async function serveScanThread(): Promise<void> {
  (await import('../service/scan-thread.js')).serveScanThread();
}

/** Serves scan jobs on this worker thread (the worker code loads only in workers). */
export async function serveScanWorker(): Promise<void> {
  (await import('../scan/serve-scan-worker.js')).serveScanWorker();
}
