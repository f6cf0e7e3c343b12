// Lists and extracts 7z archives in memory with 7z-wasm: the archive is read from its byte source by the module (not
// copied in), listed with `l -slt`, size caps are checked against the listing BEFORE anything is extracted, then the
// allowed files are extracted by `x` runs of the same module instance in batches of at most HOLD_BYTES (one run
// when they fit: solid blocks decode once), each batch handed out and released before the next is extracted. An
// entry larger than HOLD_BYTES is never held: it is extracted in a worker thread, checked once, then read through a
// source that extracts it again on demand (streamed-entry.ts).
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { entryPathFindings } from '../zip/entry-path.js';
import { coderMemory } from './coder-memory.js';
import { parseSltListing } from './slt-listing.js';
import { resolveSevenZipModule, SevenZipRuntime } from './seven-zip-runtime.js';
import type {
  SevenZipAnomaly,
  SevenZipEntry,
  SevenZipExtraction,
  SevenZipFile,
  SevenZipListing,
  SevenZipOptions,
} from './sevenzip-types.js';
import { bytesInput, hasEncryptedHeader, looksLike7z, type ArchiveInput } from './start-header.js';

const ARCHIVE = '/in/archive.7z';
const OUT = '/out';
/** 7-Zip asks for a password only when it needs one; a fixed wrong one keeps it from prompting. */
const NO_PASSWORD = '-psentinel-no-password';
const COMMON = ['-t7z', '-bsp0', '-y', NO_PASSWORD];
/** Coder memory plus batch held by this thread's 7-Zip (with the scanner beside it, the process stays < 512 MB). */
const IN_THREAD_BUDGET = 320 * 1024 * 1024;
/** The batch hold never shrinks below this (coders that big are refused by RUNTIME_MEMORY_CAP anyway). */
const MIN_HOLD_BYTES = 32 * 1024 * 1024;
/** 7-Zip's message when an allocation fails (a dictionary or buffer over the wasm memory cap). */
const OUT_OF_MEMORY = /can'?t allocate|allocate required memory/i;
/** Extracted bytes held at once by one batch (an entry larger than this is streamed, never held). */
export const HOLD_BYTES = 256 * 1024 * 1024;

/** Lists a 7z archive (bytes in memory or a byte source). */
export async function read7z(input: Uint8Array | ArchiveInput, opts: SevenZipOptions): Promise<SevenZipListing> {
  const { listing } = await openAndList(input, opts);
  return listing;
}

/**
 * Lists and extracts every file entry within the limits, in one module instance, and returns them all (each
 * with its bytes or a typed error). Whole-archive problems (not 7z, encrypted headers, unreadable) are thrown.
 */
export async function extract7z(
  input: Uint8Array | ArchiveInput,
  opts: SevenZipOptions,
  specifier?: string,
): Promise<SevenZipExtraction> {
  const files: SevenZipFile[] = [];
  // Every entry is held (none streamed): this is the small-archive convenience.
  const all = { ...opts, streamAboveBytes: Infinity };
  const x = await extract7zEach(input, all, (f) => void files.push({ ...f }), specifier);
  return { ...x, files: files.sort((a, b) => a.entry.index - b.entry.index) };
}

/**
 * Lists and extracts every file entry within the limits and hands each to `onFile` as soon as its batch (at most
 * `holdBytes`) is extracted (its bytes are released after the call). An entry larger than `opts.streamAboveBytes`
 * comes as `streamed` instead of `data` (its sources are closed after the call). Per-entry problems become typed
 * errors on that entry (EncryptedError, LimitError, UnsupportedError, CorruptError); whole-archive problems are
 * thrown.
 */
export async function extract7zEach(
  input: Uint8Array | ArchiveInput,
  opts: SevenZipOptions,
  onFile: (file: SevenZipFile) => void | Promise<void>,
  specifier?: string,
  holdBytes = HOLD_BYTES,
): Promise<Omit<SevenZipExtraction, 'files'>> {
  const { listing, runtime, timings } = await openAndList(input, opts, specifier);
  const t0 = performance.now();
  const files: SevenZipFile[] = [];
  const wanted: SevenZipFile[] = [];
  let budget = opts.maxTotalBytes ?? Infinity;
  for (const entry of listing.entries) {
    if (entry.isDirectory || entry.isSymlink) continue;
    const file: SevenZipFile = { entry };
    files.push(file);
    if (entry.encrypted) {
      file.error = new EncryptedError(`7z entry ${JSON.stringify(entry.name)} is encrypted (${entry.method})`);
    } else if (entry.size > opts.maxEntryBytes) {
      file.error = new LimitError(
        'maxEntryBytes',
        `7z entry ${JSON.stringify(entry.name)}: ${entry.size} bytes exceed maxEntryBytes`,
      );
    } else if (entry.size > budget) {
      file.error = new LimitError(
        'maxTotalBytes',
        `7z entry ${JSON.stringify(entry.name)}: total extracted bytes would exceed maxTotalBytes`,
      );
    } else {
      budget -= entry.size;
      wanted.push(file);
    }
  }
  for (const f of files) if (f.error) await onFile(f);
  const counts = new Map<string, number>();
  for (const f of wanted) counts.set(f.entry.name, (counts.get(f.entry.name) ?? 0) + 1);
  runtime.expectSizes(
    new Map(wanted.filter((f) => counts.get(f.entry.name) === 1).map((f) => [OUT + '/' + f.entry.name, f.entry.size])),
  );
  const allFiles = listing.entries.filter((e) => !e.isDirectory).length;
  const src = input instanceof Uint8Array ? bytesInput(input) : input;
  /** Set once a worker could not allocate what a coder asks for: later fallbacks are refused without a worker. */
  let workerMemoryRefused: UnsupportedError | undefined;
  const handOutStreamed = async (f: SevenZipFile, fallback: boolean): Promise<void> => {
    const opened: { close(): void }[] = [];
    try {
      if (fallback && workerMemoryRefused) {
        throw new UnsupportedError(
          `7z entry ${JSON.stringify(f.entry.name)}: its coder needs more memory than 7-Zip may use here ` +
            `(as for an entry before it: ${workerMemoryRefused.message})`,
          '7z-memory',
        );
      }
      // Loaded on first use: node:worker_threads stays out of scans that never stream a 7z entry.
      const { checkStreamedEntry } = await import('./streamed-entry.js');
      const streamed = checkStreamedEntry({
        modulePath: resolveSevenZipModule(specifier),
        input: src,
        args: ['x', '-so', ...COMMON, '-bso0', ARCHIVE, '-spd', '--', f.entry.name],
        name: f.entry.name,
        ...sameNameSpan(listing.entries, f.entry),
        size: f.entry.size,
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
        ...(opts.workerMemoryCap !== undefined ? { memoryCap: opts.workerMemoryCap } : {}),
      });
      f.streamed = {
        size: streamed.size,
        source: (location) => {
          const s = streamed.source(location);
          opened.push(s);
          return s;
        },
      };
    } catch (e) {
      f.error = typedError(e, f.entry);
      if (f.error instanceof UnsupportedError && f.error.feature === '7z-memory') workerMemoryRefused ??= f.error;
    }
    try {
      await onFile(f);
    } finally {
      for (const s of opened) s.close();
      delete f.streamed;
    }
  };
  let n = 0;
  // What the coders will allocate in this thread comes on top of the batch held: the batch shrinks by it, and an
  // entry larger than what is left is streamed (its worker has its own memory).
  const coders = Math.max(0, ...wanted.map((f) => coderMemory(f.entry.method)));
  const fits = Math.max(MIN_HOLD_BYTES, IN_THREAD_BUDGET - coders);
  const hold = Math.min(holdBytes, fits);
  const asked = opts.streamAboveBytes ?? HOLD_BYTES;
  const streamAbove = asked === Infinity ? asked : Math.min(asked, fits);
  for (const batch of batches(wanted, hold, streamAbove)) {
    if (batch.length === 1 && batch[0]!.entry.size > streamAbove) {
      await handOutStreamed(batch[0]!, false);
      n++;
      continue;
    }
    const all = batch.length === files.length && files.length === allFiles;
    // -spd: names are literal paths, not wildcards. Without names every entry is extracted.
    const names = all ? [] : ['-spd', '--', ...batch.map((f) => f.entry.name)];
    const res = runtime.run(['x', '-o' + OUT, ...COMMON, ARCHIVE, ...names]);
    const failures = errorsByName(runtime.err);
    // A coder that needs more memory than this thread's 7-Zip may use: its entries go to a worker thread.
    const outOfMemory = runtime.err.some((line) => OUT_OF_MEMORY.test(line));
    const again = new Set<SevenZipFile>();
    for (const f of batch) {
      const problem = failures.get(f.entry.name);
      if (outOfMemory && !f.data && (!problem || OUT_OF_MEMORY.test(problem.message))) again.add(f);
      else if (problem) f.error = problem;
      else {
        const data = readRegular(runtime, OUT + '/' + f.entry.name, f.entry.size);
        if (data && (counts.get(f.entry.name) ?? 0) === 1) f.data = data;
        else {
          // 7-Zip rewrote the path (".." or leading "/" dropped) or two entries share it: extract it alone.
          f.data = extractAlone(runtime, f.entry, n) ?? undefined;
          if (!f.data) {
            f.error =
              res.threw !== undefined
                ? new CorruptError(`7z: extraction failed (${describeThrow(res.threw, runtime.err)})`)
                : new CorruptError(`7z entry ${JSON.stringify(f.entry.name)} could not be extracted`);
          }
        }
      }
      n++;
    }
    // Handed out in listing order, then released before the next batch is extracted.
    for (const f of batch) {
      if (again.has(f)) continue;
      await onFile(f);
      delete f.data;
    }
    removeTree(runtime, OUT);
    for (const f of again) await handOutStreamed(f, true);
  }
  return { ...listing, timings: { ...timings, extractMs: performance.now() - t0 } };
}

/**
 * Where `entry` sits in 7-Zip's `-so` output for its name: every file entry of that name is written, in listing order,
 * so its bytes start after the earlier ones (`skip`) and the run writes `total` bytes in all.
 */
function sameNameSpan(entries: SevenZipEntry[], entry: SevenZipEntry): { skip: number; total: number } {
  let skip = 0;
  let total = 0;
  for (const e of entries) {
    if (e.isDirectory || e.name !== entry.name) continue;
    if (e.index < entry.index) skip += e.size;
    total += e.size;
  }
  return { skip, total };
}

/** A failure of a streamed entry as the typed error the batch path would give it. */
function typedError(e: unknown, entry: SevenZipEntry): NonNullable<SevenZipFile['error']> {
  if (e instanceof LimitError || e instanceof EncryptedError || e instanceof UnsupportedError) return e;
  if (e instanceof CorruptError) return e;
  return new CorruptError(`7z entry ${JSON.stringify(entry.name)} could not be extracted (${String(e)})`);
}

/**
 * Consecutive runs of entries whose sizes sum to at most `hold` (an entry larger than `hold` alone, and so is an
 * entry larger than `streamAbove`).
 */
function batches(files: SevenZipFile[], hold: number, streamAbove: number): SevenZipFile[][] {
  const out: SevenZipFile[][] = [];
  let cur: SevenZipFile[] = [];
  let sum = 0;
  for (const f of files) {
    if (f.entry.size > streamAbove) {
      if (cur.length > 0) out.push(cur);
      out.push([f]);
      cur = [];
      sum = 0;
      continue;
    }
    if (cur.length > 0 && sum + f.entry.size > hold) {
      out.push(cur);
      cur = [];
      sum = 0;
    }
    cur.push(f);
    sum += f.entry.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

async function openAndList(
  input: Uint8Array | ArchiveInput,
  opts: SevenZipOptions,
  specifier?: string,
): Promise<{ listing: SevenZipListing; runtime: SevenZipRuntime; timings: { initMs: number; listMs: number } }> {
  const src = input instanceof Uint8Array ? bytesInput(input) : input;
  if (!looksLike7z(src.read(0, 6))) throw new CorruptError('not a 7z archive (signature missing)');
  if (hasEncryptedHeader(src))
    throw new EncryptedError('7z archive headers are encrypted (-mhe): nothing can be listed');
  const t0 = performance.now();
  const runtime = await SevenZipRuntime.create(specifier, opts.runtimeMemoryCap);
  const t1 = performance.now();
  runtime.attachInput('/in', 'archive.7z', src);
  const res = runtime.run(['l', '-slt', '-ba', ...COMMON, ARCHIVE]);
  const errors = runtime.err.join('\n');
  if (res.threw !== undefined || /ERROR|Can ?not open/i.test(errors)) {
    if (/password|encrypted/i.test(errors)) throw new EncryptedError(`7z: ${errors.trim()}`);
    if (/unsupported/i.test(errors)) throw new UnsupportedError(`7z: ${errors.trim()}`, '7z-method');
    throw new CorruptError(`7z: cannot list archive (${describeThrow(res.threw, runtime.err)})`);
  }
  const entries = parseSltListing(runtime.out);
  if (entries.length > opts.maxEntries)
    throw new LimitError('maxEntries', `7z: ${entries.length} entries exceed maxEntries`);
  const listing = { entries, anomalies: anomaliesOf(entries) };
  return { listing, runtime, timings: { initMs: t1 - t0, listMs: performance.now() - t1 } };
}

function anomaliesOf(entries: SevenZipEntry[]): SevenZipAnomaly[] {
  const out: SevenZipAnomaly[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    for (const f of entryPathFindings(e.name)) out.push({ code: f.code, message: f.message, entry: e.name });
    if (e.isSymlink)
      out.push({
        code: 'SYMLINK_ENTRY',
        message: 'symlink entry (listed, never extracted or followed)',
        entry: e.name,
      });
    if (seen.has(e.name))
      out.push({ code: 'DUPLICATE_NAME', message: 'name used by more than one entry', entry: e.name });
    seen.add(e.name);
  }
  return out;
}

function readRegular(runtime: SevenZipRuntime, path: string, size: number): Uint8Array | undefined {
  try {
    const st = runtime.fs.lstat(path);
    if (!runtime.fs.isFile(st.mode) || st.size !== size) return undefined;
    return runtime.take(path);
  } catch {
    return undefined;
  }
}

/** Removes what a batch left under `dir` (files 7-Zip wrote under rewritten names). */
function removeTree(runtime: SevenZipRuntime, dir: string): void {
  const fs = runtime.fs;
  let names: string[];
  try {
    names = fs.readdir(dir);
  } catch {
    return;
  }
  for (const x of names) {
    if (x === '.' || x === '..') continue;
    const p = dir + '/' + x;
    try {
      const st = fs.lstat(p);
      if (fs.isDir(st.mode)) {
        removeTree(runtime, p);
        fs.rmdir(p);
      } else fs.unlink(p);
    } catch {
      // left in place: it only costs memory until the module instance is dropped
    }
  }
}

/** Extracts one entry by its literal name into an empty directory and returns the single file found there. */
function extractAlone(runtime: SevenZipRuntime, entry: SevenZipEntry, n: number): Uint8Array | undefined {
  const dir = `/one/${n}`;
  runtime.run(['x', '-o' + dir, ...COMMON, ARCHIVE, '-spd', '--', entry.name]);
  const found: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = runtime.fs.readdir(d);
    } catch {
      return;
    }
    for (const x of names) {
      if (x === '.' || x === '..') continue;
      const p = d + '/' + x;
      const st = runtime.fs.lstat(p);
      if (runtime.fs.isDir(st.mode)) walk(p);
      else if (runtime.fs.isFile(st.mode)) found.push(p);
    }
  };
  walk(dir);
  if (found.length !== 1) return undefined;
  return readRegular(runtime, found[0]!, entry.size);
}

/** Per-entry errors from 7-Zip's stderr lines such as `ERROR: Data Error : name`. */
function errorsByName(lines: string[]): Map<string, CorruptError | EncryptedError | UnsupportedError> {
  const out = new Map<string, CorruptError | EncryptedError | UnsupportedError>();
  for (const line of lines.join('\n').split('\n')) {
    const m = /^ERROR: (.*?) : (.*)$/.exec(line.trim());
    if (!m) continue;
    const [, what = '', name = ''] = m;
    if (/password|encrypted/i.test(what))
      out.set(name, new EncryptedError(`7z entry ${JSON.stringify(name)}: ${what}`));
    else if (/unsupported/i.test(what))
      out.set(name, new UnsupportedError(`7z entry ${JSON.stringify(name)}: ${what}`, '7z-method'));
    else out.set(name, new CorruptError(`7z entry ${JSON.stringify(name)}: ${what}`));
  }
  return out;
}

function describeThrow(threw: unknown, err: string[]): string {
  const text = err.join(' ').trim();
  if (text) return text;
  return threw === undefined
    ? 'no output'
    : `7-Zip aborted (${typeof threw === 'number' ? 'wasm exception' : String(threw)})`;
}
