// A host's hook run after each file the scan engine scans on the calling thread (never for files scanned on worker
// threads, nor for empty files, which are only opened). The CLI tunes V8's inlining there once a folder scan has
// scanned enough files on its own thread (src/cli/v8-tiering.ts); library code never sets one. A hook set after the
// pool's workers started cannot change the V8 flags their code cache was checked against: the main thread scans
// only when no pool runs or after it has ended.

let hook: ((scanned: number) => void) | undefined;
let scanned = 0;

/** Sets (or, with `undefined`, removes) the hook; the count starts again from zero. */
export function onThreadScan(fn: ((scanned: number) => void) | undefined): void {
  hook = fn;
  scanned = 0;
}

/** Counts one file scanned on this thread and runs the hook with the count, if one is set (the engine calls it). */
export function runThreadScanHook(): void {
  if (hook) hook(++scanned);
}
