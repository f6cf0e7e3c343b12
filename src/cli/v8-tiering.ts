// V8 tier-up for a CLI run that scans one large file. Node waits at exit for every optimising (TurboFan) compile
// still running on its background threads, and V8 starts one for a hot loop after well under a millisecond of
// interpretation: the pickle VM's loops (~4 KB of bytecode each) take 13-45 ms to compile on this kind of 2-core
// machine. A one-file scan that ends a few milliseconds after such a compile began (a checkpoint with a few hundred
// tensors) then waits for code it never runs: measured on Node 20 with the GPT-2-XL-shaped 5 GB checkpoint, 7-13 ms
// between the report and the process end, against 2-3 ms without the compile. V8 weighs a function's size before
// optimising it (`--bytecode-size-allowance-per-tick`: one more profiler tick per that many bytes of bytecode);
// weighing it 7.5x more delays the big loops until the work has shown it is long. Measured (Node 20, 2-core machine):
// the 5 GB checkpoint no longer waits (its wait disappears between 70 and 50; with 20 state dicts of up to 1,000
// tensors did not wait, 2,000 did in one run of three), the 100 MB opcode-dense pickle and 700-950 MB compressed
// inputs keep their speed, and the same setting process-wide cost directory scans of 10,000 small files 5-9 % (their
// many mid-size functions optimise later) — so it applies to one-file runs only, and never in a library host's
// process: only the CLI calls this.
//
// Node warns that a flag changed after start may do nothing, or worse; this one is a number V8's tiering manager
// reads at every profiler tick, its effect was measured on V8 11.3, and only 11.3 gets it.
// Flags are process-wide, and V8's code cache is keyed by them: the bundle is loaded (and its cache checked) with
// V8's defaults, the flag is set after, no scan worker starts for one file, and the defaults are back before the
// CLI writes a new cache (restoreTierUp).
//
// The same holds for WebAssembly: the Python grammar (tree-sitter, wasm) tiers its hot functions up to TurboFan after
// `--wasm-tiering-budget` bytes executed, and for one Python file or TorchScript archive those compiles are most of
// the run's CPU. Measured on Node 20 (V8 11.3), callgrind, all threads: a 158-byte Python file 640 M instructions,
// 378 M with the budget 10x the default; a 5 KB TorchScript archive 798 M, 803 M at 10x and 448 M at 100x (its
// parse is longer). Parsing a 12,000-line file (pandas' frame.py) once costs no more at 100x (CPU 381-421 ms against
// 415-556 ms, 3 runs each) and five times costs less (763 ms against 901 ms): the compiles cost more than they save at
// those sizes. So a one-file run, of any size, raises the budget 100x just before the grammar is compiled
// (onPythonParserLoad: node:v8 is loaded only when a Python parse happens), and restores it with the other flag.
//
// The analysis of that Python (the front end's passes, the DESER project) is JavaScript of the same kind as the
// pickle VM: large functions V8 would optimise on its background threads well before a one-file run ends. So the
// same parse delays the JavaScript tier-up too, whatever the file's size. Measured (Node 20, this 2-core machine,
// `--rule DESER --format json` on one file of an installed package, code cache in use, against the same build
// without it): 40 files near the median of the DESER single-file sample, two runs each, twice: CPU 0.90 and 0.91 of
// the build's without (median per file 0.91, 0.93); distributed/nanny.py (21 modules read) 2.2 s CPU against
// 2.6-3.1 s and 1.42-1.48 s wall against 1.50-1.73 s; pandas/core/frame.py 1.18-1.29 s CPU against 1.63-1.70 s,
// wall 0.75-0.83 s against 0.94-0.97 s; two generated 1 MB model files (little analysis) unchanged. A folder scan
// keeps V8's defaults (the 10,000-file cost above).
//
// A folder scan is the other way round: it runs the analysis over many small inputs, and most of its cost is V8
// optimising that code once per thread (docs/performance-budget.md: half of 1,000 small pickles on one thread).
// Inlining less into each optimised function (`--max-inlined-bytecode-size-cumulative`, bytecode bytes inlined into
// one function, 920 by default) makes each of those compiles cheaper, at a small cost per call in the optimised
// code; so once the CLI's own thread has scanned FOLDER_FILES files, V8 inlines a quarter of its default. A scan of
// fewer files (one file, a small folder) keeps the default, and a small folder loads no node:v8 for it (32 M
// instructions with the stream machinery it brings). Measured under the CI budget's flags (1,000 small pickles of
// seven kinds, one thread): 3,937 M instructions against 4,388 M; set before the first file, 3,909 M. Only files scanned on the CLI's thread count (src/scan/thread-scan-hook.ts): a folder
// the pool scans on worker threads keeps the defaults, since a worker started after a flag change would find the
// code cache keyed by other flags.
import { statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { onPythonParserLoad } from '../analyzers/python/parser-load-hook.js';
import { onThreadScan } from '../scan/thread-scan-hook.js';

const FLAG = '--bytecode-size-allowance-per-tick';
/** V8 11.3's default (node --v8-options), the value restored. */
const V8_DEFAULT = 150;
const ONE_FILE = 20;
/** A target that is one remote file (https://, http://). */
const ONE_URL = /^https?:\/\//i;
/** Below this a file cannot make the analysis loops hot; loading node:v8 (~1.5 ms, it brings node:stream) would be waste. */
const MIN_BYTES = 1024 * 1024;

const WASM_FLAG = '--wasm-tiering-budget';
/** V8 11.3's default (node --v8-options). */
const WASM_DEFAULT = 1_800_000;
const WASM_ONE_FILE = 100 * WASM_DEFAULT;

const INLINE_FLAG = '--max-inlined-bytecode-size-cumulative';
/** V8 11.3's default (node --v8-options), the value restored. */
const INLINE_DEFAULT = 920;
const INLINE_FOLDER = 230;
/** Files scanned on the CLI's thread before it inlines less. */
const FOLDER_FILES = 64;

let changed = false;
let inlineChanged = false;
let wasmChanged = false;

function setFlag(flag: string, value: number): void {
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString(`${flag}=${value}`);
}

/**
 * Delays V8's tier-up of large functions when the run scans exactly one regular file of at least 1 MiB. Only on
 * Node 20 (V8 11.3), where it was measured and where the restored default is known; elsewhere V8 keeps its own.
 */
export function delayTierUpForOneFile(paths: readonly string[], resolvePath: (p: string) => string): void {
  if (changed || paths.length !== 1 || paths[0] === '-') return;
  if (!process.versions.v8.startsWith('11.3.')) return;
  if (ONE_URL.test(paths[0]!)) {
    // An http(s):// target is one file, its size known only once asked: a checkpoint read over HTTP makes the pickle
    // VM's loops hot as a local one does, and the run would wait at its end for their compiles.
    delayTierUp();
    return;
  }
  let st: Stats | undefined;
  try {
    st = statSync(resolvePath(paths[0]!), { throwIfNoEntry: false });
  } catch {
    return; // unreadable or not a path (ENOTDIR, EACCES, ...): the scan reports it, V8 keeps its defaults
  }
  if (st === undefined || !st.isFile()) return;
  if (st.size < MIN_BYTES) onPythonParserLoad(delayPythonTierUp);
  else delayTierUp();
}

function delayWasmTierUp(): void {
  setFlag(WASM_FLAG, WASM_ONE_FILE);
  wasmChanged = true;
}

/** A one-file run that parses Python, of any size: the grammar and the analysis both tier up later. */
function delayPythonTierUp(): void {
  delayWasmTierUp();
  if (changed) return;
  setFlag(FLAG, ONE_FILE);
  changed = true;
}

function delayTierUp(): void {
  onPythonParserLoad(delayWasmTierUp);
  setFlag(FLAG, ONE_FILE);
  changed = true;
}

/**
 * A scan of several paths or of a folder: once FOLDER_FILES files have been scanned on this thread, V8 inlines less
 * into the functions it optimises from then on. Only on Node 20 (V8 11.3), where it was measured.
 */
export function inlineLessForFolders(paths: readonly string[], resolvePath: (p: string) => string): void {
  if (!process.versions.v8.startsWith('11.3.')) return;
  if (paths.length === 1) {
    let st: Stats | undefined;
    try {
      st = statSync(resolvePath(paths[0]!), { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (st === undefined || !st.isDirectory()) return;
  }
  onThreadScan((scanned) => {
    if (scanned < FOLDER_FILES) return;
    onThreadScan(undefined);
    setFlag(INLINE_FLAG, INLINE_FOLDER);
    inlineChanged = true;
  });
}

/** V8's default back (before the CLI writes its code cache: the cache is keyed by the flags). */
export function restoreTierUp(): void {
  onThreadScan(undefined);
  if (inlineChanged) setFlag(INLINE_FLAG, INLINE_DEFAULT);
  inlineChanged = false;
  onPythonParserLoad(undefined);
  if (wasmChanged) setFlag(WASM_FLAG, WASM_DEFAULT);
  wasmChanged = false;
  if (!changed) return;
  setFlag(FLAG, V8_DEFAULT);
  changed = false;
}
