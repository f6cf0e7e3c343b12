// The range server of test/helpers/range-server.mjs run as a child process on 127.0.0.1 (a free port), with the
// requests and body bytes it served since it started; and the count of HDF5 superblock probes a remote read of a
// file makes past a point (libhdf5 looks for its signature at 0 and at every power of two from 512).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const SERVER = join(import.meta.dirname, 'range-server.mjs');

export interface RangeServer {
  readonly base: string;
  /** Requests served and body bytes sent since start. */
  counts(): Promise<{ requests: number; bytes: number }>;
  stop(): Promise<void>;
}

/** Serves `dir` in `mode` (multipart, first-range, several-whole, whole: see range-server.mjs). */
export async function startRangeServer(dir: string, mode: string): Promise<RangeServer> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('range server exited')));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    counts: async () => (await (await fetch(`${base}/__stats`)).json()) as { requests: number; bytes: number },
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** HDF5 superblock probes (8 bytes at every power of two from 512) at or past `from` in a file of `size` bytes. */
export function hdf5Probes(size: number, from: number): number {
  let n = 0;
  for (let at = 512; at + 8 <= size; at *= 2) if (at >= from) n++;
  return n;
}
