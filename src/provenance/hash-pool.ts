// Hashing on worker threads: the digests of many files or shards computed in parallel, one job per file or byte
// range, each worker reading through its own fixed buffer (memory stays flat: workers × buffer). The worker is a
// few lines of our own code started from a string, so the same pool runs from the sources, the bundled CLI and the
// library build without a separate entry file. Falls back to hashing on this thread when workers cannot start.
import { availableParallelism } from 'node:os';
import { closeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openConfined } from '../sources/confine.js';
import { hashJobsInThread, hashWasmEntry, nodeAlgorithm, type HashJob } from './hash-ranges.js';

/**
 * The worker: answers {i, abs, start, end, algorithm, fd?} with {i, hex} or {i, error}; `fd`: a descriptor this
 * thread opened (and closes), confined (sources/confine.ts), read instead of opening `abs`. `algorithm` is a node:crypto
 * name, or `blake3` (hash-wasm, required from the path in workerData).
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(${4 << 20});
async function digester(algorithm) {
  if (algorithm !== 'blake3') return createHash(algorithm);
  const h = await require(workerData.hashWasm).createBLAKE3();
  h.init();
  return h;
}
parentPort.on('message', async (m) => {
  let fd;
  try {
    const h = await digester(m.algorithm);
    fd = m.fd === undefined ? openSync(m.abs, 'r') : m.fd;
    let pos = m.start;
    while (pos < m.end) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, m.end - pos), pos);
      if (n === 0) throw new Error('file ended at ' + pos + ', expected ' + m.end + ' bytes');
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      pos += n;
    }
    parentPort.postMessage({ i: m.i, hex: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ i: m.i, error: String(e && e.message || e) });
  } finally {
    if (fd !== undefined && m.fd === undefined) closeSync(fd);
  }
});
`;

/** Bytes below which hashing stays on this thread (starting workers costs more than it saves). */
export const POOL_MIN_BYTES = 64 << 20;

/**
 * Digests of every job (same order) on up to `threads` worker threads; largest jobs first, so one big file does not
 * start last. A job's I/O error is its result; a worker that dies hands its job back as an error.
 */
export async function hashJobsOnWorkers(
  jobs: readonly HashJob[],
  omsAlgorithm: string,
  threads = availableParallelism(),
  minBytes = POOL_MIN_BYTES,
): Promise<(string | Error)[]> {
  const algorithm = nodeAlgorithm(omsAlgorithm) ?? (omsAlgorithm === 'blake3' ? 'blake3' : undefined);
  const total = jobs.reduce((n, j) => n + (j.end - j.start), 0);
  const n = Math.min(threads, jobs.length);
  if (!algorithm || n < 2 || total < minBytes) return hashJobsInThread(jobs, omsAlgorithm);
  let hashWasm: string | undefined;
  if (algorithm === 'blake3') {
    try {
      hashWasm = hashWasmEntry();
    } catch {
      return hashJobsInThread(jobs, omsAlgorithm);
    }
  }
  const out = new Array<string | Error>(jobs.length);
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.end - jobs[b]!.start - (jobs[a]!.end - jobs[a]!.start));
  let next = 0;
  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm } });
      } catch {
        resolve();
        return;
      }
      let current = -1;
      // A confined job's file is opened here, checked on the descriptor, and read by the worker through it.
      let fd: number | undefined;
      const done = (): void => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      };
      const feed = (): void => {
        for (;;) {
          if (next >= order.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          current = order[next++]!;
          const j = jobs[current]!;
          if (j.within?.length) {
            try {
              fd = openConfined(j.abs, j.within);
            } catch (e) {
              out[current] = e as Error;
              continue;
            }
          }
          worker.postMessage({ i: current, abs: j.abs, start: j.start, end: j.end, algorithm, fd });
          return;
        }
      };
      worker.on('message', (m: { i: number; hex?: string; error?: string }) => {
        done();
        out[m.i] = m.hex ?? new Error(m.error ?? 'hashing failed');
        feed();
      });
      worker.on('error', (e) => {
        done();
        if (current >= 0 && out[current] === undefined) out[current] = e;
        resolve();
      });
      feed();
    });
  await Promise.all(Array.from({ length: n }, lane));
  // Jobs no worker could take (workers failed to start or died) are hashed here.
  const left: number[] = [];
  for (let i = 0; i < jobs.length; i++) if (out[i] === undefined) left.push(i);
  if (left.length) {
    const rest = await hashJobsInThread(
      left.map((i) => jobs[i]!),
      omsAlgorithm,
    );
    left.forEach((i, k) => (out[i] = rest[k]!));
  }
  return out;
}
