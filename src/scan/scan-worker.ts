// Worker-thread entry of the scan pool: a FileScanner built from the scan's setup answers each job (one file's
// content, scan-plan.ts) with its plain outcomes.
import { FileScanner, type ScanSetup } from './engine.js';
import type { FileOutcome } from './file-outcome.js';
import { servePool } from './pool-worker-loop.js';
import type { FileJob } from './scan-plan.js';

servePool<FileJob, FileOutcome[]>((data) => {
  const scanner = new FileScanner(data as ScanSetup);
  return (job) => scanner.scan(job);
});
