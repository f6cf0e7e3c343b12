// Lazy loader and runner for the optional 7z-wasm dependency (7-Zip compiled to WebAssembly, LGPL + unRAR
// restriction). Each archive gets a fresh module instance with an in-memory file system only; nothing touches
// the real disk, stdin is closed (no password prompt can block) and 7-Zip's exit status never reaches the host.
// The archive is not copied in: it is a read-only node whose reads go to the byte source (Emscripten's WORKERFS
// node type, fed by our own reader); extracted files are allocated once at their listed size and handed out
// without a copy.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UnsupportedError } from '../../core/errors.js';
import { importEsm } from '../../core/import-esm.js';

/** The part of the Emscripten FS API used here (MEMFS, the default root file system). */
export interface WasmFs {
  mkdir(path: string): unknown;
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  readdir(path: string): string[];
  lstat(path: string): { mode: number; size: number };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  unlink(path: string): void;
  rmdir(path: string): void;
  lookupPath(path: string): { node: MemNode };
  getPath(node: MemNode): string;
  readonly root?: { mount?: { type?: MemFsType } };
}

/** The parts of Emscripten's MEMFS node and file-system object used to size and hand out extracted files. */
interface MemNode {
  contents?: Uint8Array | null;
  usedBytes?: number;
}
interface MemFsType {
  expandFileStorage?: (node: MemNode, capacity: number) => void;
}

/** Emscripten's WORKERFS: read-only file nodes over blob-like objects, read through `reader`. */
interface WorkerFs {
  FILE_MODE: number;
  reader: unknown;
  createNode(parent: unknown, name: string, mode: number, dev: number, contents: unknown): unknown;
}

interface WasmModule {
  FS: WasmFs;
  WORKERFS?: WorkerFs;
  callMain(args: string[]): void;
}

/** Random access to the archive (a ByteSource). */
export interface RuntimeInput {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** A slice of the input as WORKERFS's reader hands it back. */
interface Piece {
  readonly size: number;
  readonly buffer: ArrayBuffer;
}

type Factory = (opts: Record<string, unknown>) => Promise<WasmModule>;

let factory: Promise<Factory> | undefined;

/** Imports 7z-wasm once; UnsupportedError('7z support not installed', '7z') when the package is missing. */
export function loadSevenZipFactory(specifier = '7z-wasm'): Promise<Factory> {
  const load = async (): Promise<Factory> => {
    try {
      const mod = (await importEsm(specifier)) as { default?: unknown };
      if (typeof mod.default !== 'function') throw new Error('7z-wasm has no default export');
      return mod.default as Factory;
    } catch (e) {
      throw new UnsupportedError(`7z support not installed (${(e as Error).message})`, '7z');
    }
  };
  if (specifier !== '7z-wasm') return load();
  factory ??= load().catch((e: unknown) => {
    factory = undefined;
    throw e;
  });
  return factory;
}

/**
 * The file a worker thread loads 7z-wasm from (its CommonJS build, by the package's `main`); UnsupportedError('7z')
 * when the package is missing.
 */
export function resolveSevenZipModule(specifier = '7z-wasm'): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch (e) {
    throw new UnsupportedError(`7z support not installed (${(e as Error).message})`, '7z');
  }
}

/**
 * Wasm memory this thread's 7-Zip may grow to (its dictionaries and buffers): PPMd at -mx9 (192 MiB) fits. The batch
 * held beside it shrinks by the coders' memory (read-7z.ts); a coder that asks for more than this cap cannot
 * allocate it here and its entries are extracted in a worker thread instead.
 */
export const RUNTIME_MEMORY_CAP = 224 * 1024 * 1024;

/** The part of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The package's wasm, compiled once per process; null when it cannot be read (the module then loads it itself). */
function compiledWasm(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new WASM.Module(readFileSync(join(dirname(resolveSevenZipModule()), '7zz.wasm')));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Emscripten's `instantiateWasm` hook: instantiates `module` and refuses to grow the instance's memory past `cap`
 * bytes (the module's allocator then fails the allocation, and 7-Zip reports it).
 */
function cappedInstantiation(module: object, cap: number) {
  return (imports: object, done: (instance: object) => void): Record<string, never> => {
    const instance = new WASM.Instance(module, imports);
    const memory = instance.exports['memory'];
    if (memory instanceof WASM.Memory) {
      const grow = memory.grow.bind(memory);
      Object.defineProperty(memory, 'grow', {
        value: (pages: number): number => {
          if (memory.buffer.byteLength + pages * 65536 > cap) throw new RangeError('over the 7-Zip memory cap');
          return grow(pages);
        },
      });
    }
    done(instance);
    return {};
  };
}

/** One 7-Zip module instance with captured output. */
export class SevenZipRuntime {
  private constructor(
    private readonly module: WasmModule,
    /** Lines 7-Zip printed to stdout / stderr during the last run. */
    readonly out: string[],
    readonly err: string[],
  ) {}

  get fs(): WasmFs {
    return this.module.FS;
  }

  /**
   * Makes `input` the file `dir/name` without copying it into the module: a WORKERFS node whose reads call
   * `input.read`. Falls back to writing the bytes into MEMFS when this build has no WORKERFS. Returns true when
   * the input was not copied.
   */
  attachInput(dir: string, name: string, input: RuntimeInput): boolean {
    const fs = this.module.FS;
    fs.mkdir(dir);
    const wfs = this.module.WORKERFS;
    if (wfs && typeof wfs.createNode === 'function' && typeof fs.lookupPath === 'function') {
      wfs.reader = {
        readAsArrayBuffer: (p: Piece) => p.buffer,
      };
      const blob = {
        size: input.size,
        slice: (start: number, end: number): Piece => {
          const s = Math.max(0, Math.min(start, input.size));
          const v = input.read(s, Math.max(0, Math.min(end, input.size) - s));
          const whole = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer;
          // A copy when `v` is a view (Buffer#slice would not copy: node Buffers are views of a shared pool).
          return { size: v.length, buffer: whole ? (v.buffer as ArrayBuffer) : new Uint8Array(v).buffer };
        },
      };
      wfs.createNode(fs.lookupPath(dir).node, name, wfs.FILE_MODE, 0, blob);
      return true;
    }
    const all = new Uint8Array(input.size);
    const step = 16 * 1024 * 1024;
    for (let o = 0; o < input.size; o += step) all.set(input.read(o, step), o);
    fs.writeFile(`${dir}/${name}`, all);
    return false;
  }

  /**
   * Files at these paths are allocated once at their expected size when 7-Zip first writes them (MEMFS otherwise
   * grows a file by 1/8 at a time, holding the old and the new copy while it grows).
   */
  expectSizes(sizes: ReadonlyMap<string, number>): void {
    const fs = this.module.FS;
    const memfs = fs.root?.mount?.type;
    const grow = memfs?.expandFileStorage;
    if (!memfs || typeof grow !== 'function' || typeof fs.getPath !== 'function') return;
    memfs.expandFileStorage = (node: MemNode, capacity: number): void => {
      const want = sizes.get(fs.getPath(node));
      const have = node.contents?.length ?? 0;
      if (want !== undefined && capacity <= want && have < want) {
        const next = new Uint8Array(want);
        if (node.contents && node.usedBytes) next.set(node.contents.subarray(0, node.usedBytes));
        node.contents = next;
        return;
      }
      grow.call(memfs, node, capacity);
    };
  }

  /** The bytes of the regular file at `path` (no copy when MEMFS holds them), then removes the file. */
  take(path: string): Uint8Array {
    const fs = this.module.FS;
    let data: Uint8Array | undefined;
    try {
      const node = fs.lookupPath(path).node;
      if (node.contents instanceof Uint8Array) data = node.contents.subarray(0, node.usedBytes ?? 0);
    } catch {
      data = undefined;
    }
    data ??= fs.readFile(path).slice();
    fs.unlink(path);
    return data;
  }

  /** A fresh instance; its wasm memory is capped at `memoryCap` bytes when it is the package's own module. */
  static async create(specifier?: string, memoryCap = RUNTIME_MEMORY_CAP): Promise<SevenZipRuntime> {
    const make = await loadSevenZipFactory(specifier);
    const out: string[] = [];
    const err: string[] = [];
    const wasm = specifier === undefined || specifier === '7z-wasm' ? compiledWasm() : null;
    const module = await make({
      ...(wasm ? { instantiateWasm: cappedInstantiation(wasm, memoryCap) } : {}),
      print: (s: string) => out.push(s),
      printErr: (s: string) => err.push(s),
      stdin: () => null,
      noExitRuntime: true,
      onAbort: () => undefined,
    });
    return new SevenZipRuntime(module, out, err);
  }

  /**
   * Runs 7-Zip with `args`; returns its exit status and the exception it threw (wasm exceptions are numbers).
   * The Emscripten runtime writes every exit status into process.exitCode under Node; it is restored here so
   * that library code never changes how the host process exits.
   */
  run(args: string[]): { status?: number; threw?: unknown } {
    this.out.length = 0;
    this.err.length = 0;
    const saved = process.exitCode;
    try {
      const status = (this.module.callMain as (a: string[]) => unknown)(args);
      return typeof status === 'number' ? { status } : {};
    } catch (e) {
      return { threw: e };
    } finally {
      process.exitCode = saved;
    }
  }
}
