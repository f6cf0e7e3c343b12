// Digests of whole files or byte ranges of them (OMS v1.0 §6.3: `files` and `shards` serialization), read in
// fixed-size chunks so memory stays flat whatever the file size. The algorithms of the OMS algorithm registry:
// sha256 and blake2b (BLAKE2b-512) through node:crypto (OpenSSL; SHA-256 with the CPU's SHA instructions), blake3
// through hash-wasm (BLAKE3 compiled to WebAssembly: node:crypto has no BLAKE3; ~0.5 GB per CPU-second here
// against SHA-256's ~1.4). Any other name is reported as unsupported, never guessed.
import { createHash } from 'node:crypto';
import { closeSync, read } from 'node:fs';
import { promisify } from 'node:util';
import { openConfined, type Confinement } from '../sources/confine.js';
import { createRequire } from 'node:module';

/** One digest to compute: bytes [start, end) of the file at `abs`. */
export interface HashJob {
  readonly abs: string;
  readonly start: number;
  readonly end: number;
  /**
   * Where the file must lie when opened (the scan's confinement, sources/confine.ts): checked on the opened
   * descriptor before any byte is read. Default: none.
   */
  readonly within?: Confinement;
}

const readAt = promisify(read);

const NODE_ALGORITHM: Readonly<Record<string, string>> = { sha256: 'sha256', blake2b: 'blake2b512' };

/** The node:crypto name of an OMS hash algorithm, or undefined when node:crypto does not provide it. */
export function nodeAlgorithm(oms: string): string | undefined {
  return NODE_ALGORITHM[oms];
}

/** Algorithms of the OMS registry this verifier computes. */
export const SUPPORTED_HASHES: readonly string[] = ['sha256', 'blake2b', 'blake3'];

/** An incremental digest. */
export interface Digester {
  update(bytes: Uint8Array): void;
  /** Lower-case hex. */
  digest(): string;
}

/** Where hash-wasm's CommonJS entry is (a worker thread requires it from there). */
export function hashWasmEntry(): string {
  return createRequire(import.meta.url).resolve('hash-wasm');
}

type HashWasm = typeof import('hash-wasm');
let hashWasm: HashWasm | undefined;

/**
 * A factory of digesters for an OMS algorithm, or undefined when it is not supported. BLAKE3's WebAssembly module
 * is loaded on first use (required, not imported: the CLI bundle keeps packages external and cannot import()).
 */
export async function digesterFactory(oms: string): Promise<(() => Promise<Digester>) | undefined> {
  const node = nodeAlgorithm(oms);
  if (node) {
    return async () => {
      const h = createHash(node);
      return { update: (b) => void h.update(b), digest: () => h.digest('hex') };
    };
  }
  if (oms === 'blake3') {
    hashWasm ??= createRequire(import.meta.url)('hash-wasm') as HashWasm;
    const { createBLAKE3 } = hashWasm;
    return async () => {
      const h = await createBLAKE3();
      h.init();
      return { update: (b) => void h.update(b), digest: () => h.digest('hex') };
    };
  }
  return undefined;
}

const CHUNK = 4 << 20;

/** Hex digest of one job, reading through `buf`. Rejects on I/O errors and when the file is shorter than `end`. */
export async function hashJob(job: HashJob, h: Digester, buf: Uint8Array): Promise<string> {
  const fd = openConfined(job.abs, job.within);
  try {
    let pos = job.start;
    while (pos < job.end) {
      const want = Math.min(buf.length, job.end - pos);
      const { bytesRead } = await readAt(fd, buf, 0, want, pos);
      if (bytesRead === 0) throw new Error(`file ended at ${pos}, expected ${job.end} bytes`);
      h.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest();
}

/**
 * Digests of every job (same order): a hex string, or the Error that stopped it. `concurrency` jobs run at once on
 * this thread (reads overlap; hashing shares the thread). The worker-thread pool (hash-pool.ts) spreads the
 * hashing over cores.
 */
export async function hashJobsInThread(
  jobs: readonly HashJob[],
  omsAlgorithm: string,
  concurrency = 2,
): Promise<(string | Error)[]> {
  const out: (string | Error)[] = new Array<string | Error>(jobs.length);
  let make: (() => Promise<Digester>) | undefined;
  try {
    make = await digesterFactory(omsAlgorithm);
  } catch (e) {
    return out.fill(new Error(`hash algorithm ${omsAlgorithm} could not be loaded: ${(e as Error).message}`));
  }
  if (!make) return out.fill(new Error(`hash algorithm ${omsAlgorithm} is not supported`));
  let next = 0;
  const lane = async (): Promise<void> => {
    const buf = new Uint8Array(CHUNK);
    while (next < jobs.length) {
      const i = next++;
      try {
        out[i] = await hashJob(jobs[i]!, await make(), buf);
      } catch (e) {
        out[i] = e as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
  return out;
}
