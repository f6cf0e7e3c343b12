// Shared-memory channel between the scanning thread and a 7z extraction worker (node:worker_threads, Atomics): the
// worker's 7-Zip writes the entry into a ring the scanning thread drains, and asks the scanning thread for archive
// bytes (the archive is never copied into the worker). Also the worker's own code, run with `eval` so that the same
// text works from the sources (tsx), the CLI bundle and the API bundle without a separate entry file.

/** Int32 cells of the control block (CONTROL_CELLS cells). */
export const Cell = {
  /** Bumped by the worker on every event the scanning thread waits for (data, read request, end). */
  ToMain: 0,
  /** Bumped by the scanning thread on every event the worker waits for (space, read answer, stop). */
  ToWorker: 1,
  /** Bytes in the ring not taken yet. */
  Filled: 2,
  /** Archive read: 0 idle, 1 asked by the worker, 2 answered, 3 failed. */
  Request: 3,
  RequestLength: 4,
  AnswerLength: 5,
  /** 0 running, 1 7-Zip returned (its exit code in ExitCode), 2 the worker failed (message in the text block). */
  Status: 6,
  ExitCode: 7,
  TextLength: 8,
  /** Set by the scanning thread: the worker stops at its next wait. */
  Stop: 9,
} as const;
export const CONTROL_CELLS = 10;
export const STATUS_RUNNING = 0;
export const STATUS_RETURNED = 1;
export const STATUS_FAILED = 2;

/** Shared buffers handed to the worker (workerData). */
export interface ChannelBuffers {
  readonly control: SharedArrayBuffer;
  /** Float64 [0]: offset of the archive read asked for. */
  readonly offset: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
  readonly io: SharedArrayBuffer;
  /** 7-Zip's stderr lines, or the worker's failure, as UTF-8 (truncated to its size). */
  readonly text: SharedArrayBuffer;
}

/** What the worker runs: the 7z-wasm module file, the archive size and 7-Zip's arguments. */
export interface WorkerJob extends ChannelBuffers {
  readonly modulePath: string;
  readonly archiveSize: number;
  readonly args: readonly string[];
  /** Largest wasm memory 7-Zip may grow to (bytes). */
  readonly memoryCap: number;
}

/**
 * The worker (CommonJS, run with `eval`). It caps the wasm memory (in its own realm), instantiates 7z-wasm, makes
 * /in/archive.7z a WORKERFS node whose reads ask the scanning thread (Request cells, `io` buffer), replaces fd 1 with
 * a device whose writes go into the ring (waiting while it is full), runs 7-Zip once and reports how it ended. Any
 * wait sees Stop and throws.
 */
export const WORKER_SOURCE = `'use strict';
const { workerData: job } = require('node:worker_threads');
const ctl = new Int32Array(job.control);
const at = new Float64Array(job.offset);
const ring = new Uint8Array(job.ring);
const io = new Uint8Array(job.io);
const text = new Uint8Array(job.text);
const errLines = [];
let ended = false;
let wpos = 0;
const toMain = () => { Atomics.add(ctl, ${Cell.ToMain}, 1); Atomics.notify(ctl, ${Cell.ToMain}); };
const waitFor = (ready) => {
  for (;;) {
    const seen = Atomics.load(ctl, ${Cell.ToWorker});
    if (Atomics.load(ctl, ${Cell.Stop}) !== 0) throw new Error('stopped by the scanning thread');
    if (ready()) return;
    Atomics.wait(ctl, ${Cell.ToWorker}, seen, 1000);
  }
};
const end = (status, code, message) => {
  if (ended) return;
  ended = true;
  const bytes = Buffer.from(message, 'utf8').subarray(0, text.length);
  text.set(bytes);
  Atomics.store(ctl, ${Cell.TextLength}, bytes.length);
  Atomics.store(ctl, ${Cell.ExitCode}, code);
  Atomics.store(ctl, ${Cell.Status}, status);
  toMain();
};
process.on('exit', (code) => end(${STATUS_FAILED}, code, 'the 7z extraction worker exited (code ' + code + ')'));
const readArchive = (start, stop) => {
  const out = new Uint8Array(Math.max(0, stop - start));
  let got = 0;
  while (got < out.length) {
    const n = Math.min(io.length, out.length - got);
    at[0] = start + got;
    Atomics.store(ctl, ${Cell.RequestLength}, n);
    Atomics.store(ctl, ${Cell.Request}, 1);
    toMain();
    waitFor(() => Atomics.load(ctl, ${Cell.Request}) !== 1);
    if (Atomics.load(ctl, ${Cell.Request}) !== 2) throw new Error('the archive could not be read');
    const k = Atomics.load(ctl, ${Cell.AnswerLength});
    out.set(io.subarray(0, k), got);
    Atomics.store(ctl, ${Cell.Request}, 0);
    if (k === 0) break;
    got += k;
  }
  return { size: got, buffer: out.buffer.slice(0, got) };
};
const sinkWrite = (stream, buffer, offset, length) => {
  const src = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
  let done = 0;
  while (done < length) {
    let space = 0;
    waitFor(() => (space = ring.length - Atomics.load(ctl, ${Cell.Filled})) > 0);
    const n = Math.min(length - done, space, ring.length - wpos);
    ring.set(src.subarray(done, done + n), wpos);
    wpos = (wpos + n) % ring.length;
    done += n;
    Atomics.add(ctl, ${Cell.Filled}, n);
    toMain();
  }
  return length;
};
// 7-Zip's memory (dictionaries, buffers) is the wasm memory: growing it past the cap fails like an allocation does.
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function (pages) {
  if (this.buffer.byteLength + pages * 65536 > job.memoryCap) throw new RangeError('over the memory cap');
  return grow.call(this, pages);
};
(async () => {
  try {
    const loaded = require(job.modulePath);
    const make = typeof loaded === 'function' ? loaded : loaded.default;
    const m = await make({
      print: () => undefined,
      printErr: (s) => { if (errLines.length < 64) errLines.push(String(s)); },
      stdin: () => null,
      noExitRuntime: true,
      onAbort: () => undefined,
    });
    const FS = m.FS;
    const W = m.WORKERFS;
    FS.mkdir('/in');
    W.reader = { readAsArrayBuffer: (piece) => piece.buffer };
    const archive = { size: job.archiveSize, slice: (s, e) => readArchive(s, Math.min(e, job.archiveSize)) };
    W.createNode(FS.lookupPath('/in').node, 'archive.7z', W.FILE_MODE, 0, archive);
    const dev = FS.makedev(64, 0);
    FS.registerDevice(dev, { open: () => undefined, close: () => undefined, write: sinkWrite });
    FS.mkdev('/dev/sentinel-sink', dev);
    FS.close(FS.getStream(1));
    if (FS.open('/dev/sentinel-sink', 'w').fd !== 1) throw new Error('stdout could not be redirected');
    const code = m.callMain(job.args.slice());
    process.exitCode = 0;
    end(${STATUS_RETURNED}, typeof code === 'number' ? code : 0, errLines.join('\\n'));
  } catch (e) {
    process.exitCode = 0;
    end(${STATUS_FAILED}, -1, errLines.concat([String((e && e.message) || e)]).join('\\n'));
  }
})();
`;
