#!/usr/bin/env node
// `npm run bench` row for `sentinel convert`: a generated 1 GB torch.save-layout checkpoint (20 float32 tensors of
// 51.2 MB, every byte written) converted to safetensors in fresh processes — scan, gate, plan, copy with SHA-256 of
// every tensor, temporary file and rename. The input is read once first so it is in the page cache. Goal (issue):
// >= 1 GB/s, peak RSS < 150 MB. Median of 3 runs with the range, and the CPU time of that run (all threads; a
// figure that holds on a loaded machine). Not a test: figures depend on the machine.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFilledTorchZip } from './bench-torch-zip.mjs';

const here = new URL('.', import.meta.url).pathname;
const worker = join(here, 'bench-convert-worker.mjs');
const MB = 1024 * 1024;
const RUNS = 3;

// Input and output in memory-backed /dev/shm where the machine has it, so that the row measures the conversion
// (read from page cache, hash, write) and not the disk's write-back; elsewhere the temporary folder (said in the row).
const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(root, 'sentinel-bench-convert-'));
try {
  const input = join(dir, 'ckpt.pt');
  const output = join(dir, 'ckpt.safetensors');
  writeFilledTorchZip(input, 20, (1024 * MB) / 20 - (((1024 * MB) / 20) % 64));
  const size = statSync(input).size;
  // Warm the page cache in 8 MB reads: a child's peak RSS counts this process's (Linux keeps maxrss across exec).
  const fd = openSync(input, 'r');
  const buf = Buffer.alloc(8 * MB);
  for (let o = 0; o < size; o += buf.length) readSync(fd, buf, 0, buf.length, o);
  closeSync(fd);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    // Each run writes a new file, as a user's conversion does: the previous run's output is removed first, outside
    // the timing (replacing it would free its 1 GB of pages inside the measured rename).
    rmSync(output, { force: true });
    runs.push(JSON.parse(execFileSync(process.execPath, [worker, input, output], { maxBuffer: 64 * MB }).toString()));
    if (runs.at(-1).code !== 0) throw new Error(`convert exited ${runs.at(-1).code}`);
  }
  runs.sort((a, b) => a.ms - b.ms);
  const r = runs[runs.length >> 1];
  const rss = Math.max(...runs.map((x) => x.maxRssKb));
  console.log(
    `${'convert torch zip -> safetensors (1 GB)'.padEnd(36)} ${(size / MB).toFixed(0).padStart(6)} MB  ` +
      `${r.ms.toFixed(0).padStart(6)} ms (${runs[0].ms.toFixed(0)}-${runs.at(-1).ms.toFixed(0)})  ` +
      `${(size / MB / (r.ms / 1000)).toFixed(0).padStart(6)} MB/s  peak RSS ${(rss / 1024).toFixed(0)} MB  ` +
      `cpu ${(r.cpuMs / 1000).toFixed(2)} s  tensors ${r.tensors} (output ${(statSync(output).size / MB).toFixed(0)} MB ` +
      `in ${root})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
