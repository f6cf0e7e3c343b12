// The scan pool's worker side: a FileScanner built from the scan's setup answers each job (one file's content,
// scan-plan.ts) with its plain outcomes. Started by scan-worker.ts, or by the bundled CLI's worker entry.
import { FileScanner, type ScanSetup } from './engine.js';
import type { FileOutcome } from './file-outcome.js';
import { servePool } from './pool-worker-loop.js';
import { deserNodesOf } from './post-walk.js';
import type { FileJob } from './scan-plan.js';

/**
 * Syntax nodes of DESER project modules held on a worker before its results are sent: a module's analysis takes
 * ~240 bytes of heap a node (a 500-function module of 8,500 nodes, ~2 MB), so this is a few MB. Results held longer
 * (64 such analyses at a time) kept ~340 MB of heap on each worker while the main thread held the analyses sent.
 */
const FLUSH_DESER_NODES = 16_000;

/** Serves scan jobs on this worker thread. */
export function serveScanWorker(): void {
  servePool<FileJob, FileOutcome[]>(
    (data) => {
      const scanner = new FileScanner(data as ScanSetup);
      return (job) => scanner.scan(job);
    },
    { of: (outcomes) => outcomes.reduce((n, o) => n + deserNodesOf(o), 0), flushAt: FLUSH_DESER_NODES },
  );
}
