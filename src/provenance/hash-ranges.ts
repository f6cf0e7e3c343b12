// Digests of whole files or byte ranges of them (OMS v1.0 §6.3: `files` and `shards` serialization), read in
// fixed-size chunks so memory stays flat whatever the file size. Algorithms of the OMS registry that node:crypto
// provides (sha256, blake2b = BLAKE2b-512); blake3 is reported as unsupported, never guessed.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** One digest to compute: bytes [start, end) of the file at `abs`. */
export interface HashJob {
  readonly abs: string;
  readonly start: number;
  readonly end: number;
}

const NODE_ALGORITHM: Readonly<Record<string, string>> = { sha256: 'sha256', blake2b: 'blake2b512' };

/** The node:crypto name of an OMS hash algorithm, or undefined when it is not available here. */
export function nodeAlgorithm(oms: string): string | undefined {
  return NODE_ALGORITHM[oms];
}

const CHUNK = 4 << 20;

/** Hex digest of one job, reading through `buf`. Rejects on I/O errors and when the file is shorter than `end`. */
export async function hashJob(job: HashJob, algorithm: string, buf: Uint8Array): Promise<string> {
  const h = createHash(algorithm);
  const fh = await open(job.abs, 'r');
  try {
    let pos = job.start;
    while (pos < job.end) {
      const want = Math.min(buf.length, job.end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw new Error(`file ended at ${pos}, expected ${job.end} bytes`);
      h.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
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
  const algorithm = nodeAlgorithm(omsAlgorithm);
  const out: (string | Error)[] = new Array<string | Error>(jobs.length);
  if (!algorithm) return out.fill(new Error(`hash algorithm ${omsAlgorithm} is not supported`));
  let next = 0;
  const lane = async (): Promise<void> => {
    const buf = new Uint8Array(CHUNK);
    while (next < jobs.length) {
      const i = next++;
      try {
        out[i] = await hashJob(jobs[i]!, algorithm, buf);
      } catch (e) {
        out[i] = e as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
  return out;
}
