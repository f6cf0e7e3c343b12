// The scan pool's worker side: a FileScanner built from the scan's setup answers each job (one file's content,
// scan-plan.ts) with its plain outcomes. Started by scan-worker.ts, or by the bundled CLI's worker entry.
import { FileScanner, type ScanSetup } from './engine.js';
import type { FileOutcome } from './file-outcome.js';
import { servePool } from './pool-worker-loop.js';
import type { FileJob } from './scan-plan.js';

/** Serves scan jobs on this worker thread. */
export function serveScanWorker(): void {
  servePool<FileJob, FileOutcome[]>((data) => {
    const scanner = new FileScanner(data as ScanSetup);
    return (job) => scanner.scan(job);
  });
}
