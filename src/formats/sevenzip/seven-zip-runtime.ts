// Lazy loader and runner for the optional 7z-wasm dependency (7-Zip compiled to WebAssembly, LGPL + unRAR
// restriction). Each archive gets a fresh module instance with an in-memory file system only; nothing touches
// the real disk, stdin is closed (no password prompt can block) and 7-Zip's exit status never reaches the host.
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
}

interface WasmModule {
  FS: WasmFs;
  callMain(args: string[]): void;
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

  static async create(specifier?: string): Promise<SevenZipRuntime> {
    const make = await loadSevenZipFactory(specifier);
    const out: string[] = [];
    const err: string[] = [];
    const module = await make({
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
