#!/usr/bin/env node
// `npm run bench`: generates large artifacts OUTSIDE the repo (os.tmpdir), scans each in a fresh process and prints
// MB/s and peak RSS of the engine alone (no CLI). Not a test: figures depend on the machine. Targets: tensor-heavy
// pickle >= 1 GB/s, opcode-dense pickle >= 100 MB/s, peak RSS < 200 MB. Each row is the median of 3 runs in fresh
// processes. Then the CLI rows (bench-cli.mjs), what users run: the default command and, labelled, --quiet, on the
// shared workloads when they exist, process start to exit against bare node, with the peer scanners beside them when
// a folder of them is given (--peers DIR or $SENTINEL_BENCH_PEERS).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBench } from './bench-cli.mjs';
import { writeSparseTorchZip } from './bench-torch-zip.mjs';

const here = new URL('.', import.meta.url).pathname;
const worker = join(here, 'bench-worker.mjs');
const MB = 1024 * 1024;

class Writer {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.alloc(8 * MB);
    this.n = 0;
  }
  bytes(b) {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) writeSync(this.fd, b);
    else {
      this.buf.set(b, this.n);
      this.n += b.length;
    }
  }
  u8(...v) {
    if (this.n + v.length > this.buf.length) this.flush();
    for (const x of v) this.buf[this.n++] = x;
  }
  u32(v) {
    if (this.n + 4 > this.buf.length) this.flush();
    this.buf.writeUInt32LE(v >>> 0, this.n);
    this.n += 4;
  }
  u64(v) {
    if (this.n + 8 > this.buf.length) this.flush();
    this.buf.writeBigUInt64LE(BigInt(v), this.n);
    this.n += 8;
  }
  f64(v) {
    if (this.n + 8 > this.buf.length) this.flush();
    this.buf.writeDoubleBE(v, this.n);
    this.n += 8;
  }
  str(s) {
    const b = Buffer.from(s, 'utf8');
    this.u8(0x8c, b.length);
    this.bytes(b);
  }
  flush() {
    writeSync(this.fd, this.buf, 0, this.n);
    this.total = (this.total ?? 0) + this.n;
    this.n = 0;
  }
  written() {
    return (this.total ?? 0) + this.n;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/** A protocol-4 dict of tensors: numpy.core.numeric._frombuffer(BINBYTES8 payload, '<f4', (n,), 'C'). */
function tensorHeavy(path, totalBytes) {
  const w = new Writer(path);
  const tensor = 4 * MB;
  const payload = Buffer.alloc(tensor);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
  w.u8(0x80, 4, 0x7d, 0x94); // PROTO 4, EMPTY_DICT, MEMOIZE
  w.str('numpy.core.numeric');
  w.str('_frombuffer');
  w.u8(0x93, 0x94, 0x30); // STACK_GLOBAL, MEMOIZE (key 1), POP
  w.u8(0x28); // MARK (SETITEMS)
  const n = Math.ceil(totalBytes / tensor);
  for (let i = 0; i < n; i++) {
    w.str(`layer.${i}.weight`);
    w.u8(0x94, 0x68, 1, 0x28); // MEMOIZE, BINGET 1 (callable), MARK (args)
    w.u8(0x8e);
    w.u64(tensor); // BINBYTES8
    w.bytes(payload);
    w.str('<f4');
    w.u8(0x4a);
    w.u32(tensor / 4);
    w.u8(0x85); // BININT, TUPLE1 (shape)
    w.str('C');
    w.u8(0x74, 0x52, 0x94); // TUPLE, REDUCE, MEMOIZE
  }
  w.u8(0x75, 0x2e); // SETITEMS, STOP
  w.close();
}

/**
 * A protocol-4 list of records (int, float, str, [int, int, int]) in APPENDS batches of 1000, memoized the way
 * the pickler memoizes them (every str, list and tuple gets a MEMOIZE). With `framed`, the opcodes sit in FRAMEs
 * the way protocol 4 writes them: a frame is closed at a record boundary once it holds 64 KiB.
 */
function opcodeDense(path, totalBytes, framed = false) {
  const w = new Writer(path);
  const frame = framed ? Buffer.alloc(256 * 1024) : undefined;
  let inFrame = 0;
  // Opcodes go to `out`: straight to the file, or into the current frame.
  const out = framed
    ? {
        u8: (...v) => {
          for (const x of v) frame[inFrame++] = x;
        },
        u32: (v) => {
          frame.writeUInt32LE(v >>> 0, inFrame);
          inFrame += 4;
        },
        f64: (v) => {
          frame.writeDoubleBE(v, inFrame);
          inFrame += 8;
        },
        str: (s) => {
          const n = frame.write(s, inFrame + 2, 'utf8');
          frame[inFrame] = 0x8c;
          frame[inFrame + 1] = n;
          inFrame += 2 + n;
        },
      }
    : w;
  const commit = (force) => {
    if (!framed || (inFrame < 64 * 1024 && !force) || inFrame === 0) return;
    w.u8(0x95);
    w.u64(inFrame); // FRAME
    w.bytes(frame.subarray(0, inFrame));
    inFrame = 0;
  };
  w.u8(0x80, 4);
  out.u8(0x5d, 0x94); // EMPTY_LIST, MEMOIZE
  let i = 0;
  while (w.written() < totalBytes) {
    out.u8(0x28); // MARK
    for (let k = 0; k < 1000; k++, i++) {
      out.u8(0x28, 0x4a);
      out.u32(i); // MARK, BININT
      out.u8(0x47);
      out.f64(i * 0.5); // BINFLOAT
      out.str(`record-${i}`);
      out.u8(0x94, 0x5d, 0x94, 0x28, 0x4b, i & 0xff, 0x4b, (i >> 8) & 0xff, 0x4b, 7, 0x65); // MEMOIZE [] MEMOIZE MARK K K K APPENDS
      out.u8(0x74, 0x94); // TUPLE, MEMOIZE
      commit(false);
    }
    out.u8(0x65); // APPENDS
  }
  out.u8(0x2e); // STOP
  commit(true);
  w.close();
}

/** Scans `path` in RUNS fresh processes; prints the median time (with the range) and the highest peak RSS. */
const RUNS = 3;
function measure(label, path) {
  const size = statSync(path).size;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, [worker, path], { maxBuffer: 64 * MB }).toString();
    runs.push(JSON.parse(out));
  }
  runs.sort((a, b) => a.ms - b.ms);
  const r = runs[runs.length >> 1];
  const rss = Math.max(...runs.map((x) => x.maxRssKb));
  const mbps = size / MB / (r.ms / 1000);
  console.log(
    `${label.padEnd(36)} ${(size / MB).toFixed(0).padStart(6)} MB  ${r.ms.toFixed(0).padStart(6)} ms ` +
      `(${runs[0].ms.toFixed(0)}-${runs.at(-1).ms.toFixed(0)})  ${mbps.toFixed(0).padStart(6)} MB/s  ` +
      `peak RSS ${(rss / 1024).toFixed(0)} MB  findings ${r.findings} pickles ${r.pickles} opcodes ${r.opcodes}`,
  );
  return { size, ...r, mbps };
}

const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-'));
try {
  console.log(`node ${process.version}; artifacts in ${dir}`);
  const t = join(dir, 'tensor-heavy.pkl');
  tensorHeavy(t, 1024 * MB);
  measure('tensor-heavy pickle (1 GB)', t);
  rmSync(t);
  const d = join(dir, 'opcode-dense.pkl');
  opcodeDense(d, 100 * MB);
  measure('opcode-dense pickle (100 MB)', d);
  opcodeDense(d, 100 * MB, true);
  measure('opcode-dense pickle, framed (100 MB)', d);
  rmSync(d);
  // Scan time of a torch zip must not depend on its tensor bytes (records are never read).
  for (const [label, n, bytes] of [
    ['torch zip checkpoint (50 MB)', 20, 2.5 * MB],
    ['torch zip checkpoint (5 GB, sparse)', 20, 256 * MB],
  ]) {
    const z = join(dir, 'ckpt.pt');
    writeSparseTorchZip(z, n, bytes);
    measure(label, z);
    rmSync(z);
  }
  // The shared opcode-dense workload (dicts, tuples, lists, strings, bytes, LONG1 ints), when it was generated.
  const sharedDense = join(process.env.SENTINEL_BENCH_DIR ?? join(tmpdir(), 'sentinel-bench'), 'dense.pkl');
  if (existsSync(sharedDense)) measure('opcode-dense pickle, shared (100 MB)', sharedDense);
  const peers = process.argv.indexOf('--peers');
  await cliBench(dir, peers >= 0 ? { peers: process.argv[peers + 1] } : {});
} finally {
  rmSync(dir, { recursive: true, force: true });
}
