// One 7z entry extracted by 7-Zip (7z-wasm, `x -so`) in a worker thread and read as a sequence of chunks in bounded
// memory: the worker writes into a shared ring and waits while it is full; this thread drains it, answers the
// worker's archive reads from the byte source, and watches the deadline. A worker that fails, stops answering or
// runs past the deadline ends the extraction with a typed error, and is terminated on every path.
import { Worker } from 'node:worker_threads';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import type { ChunkProducer } from '../compression/redecoded-source.js';
import {
  CONTROL_CELLS,
  Cell,
  STATUS_FAILED,
  STATUS_RUNNING,
  WORKER_SOURCE,
  type WorkerJob,
} from './extract-channel.js';
import type { ArchiveInput } from './start-header.js';

/** Extracted bytes buffered between the worker and this thread. */
const RING_BYTES = 8 * 1024 * 1024;
/** Largest archive read answered at once (7-Zip's larger reads are asked in pieces). */
const IO_BYTES = 1024 * 1024;
const TEXT_BYTES = 16 * 1024;
/** Most bytes one pull hands out. */
const PULL_BYTES = 1024 * 1024;
/** A worker that has neither written, read nor ended for this long is taken for dead (it cannot say so itself). */
export const STALL_MS = 120_000;
/**
 * Wasm memory 7-Zip may use in the worker: a coder that asks for more (an LZMA dictionary over ~300 MiB, whose pages
 * fill as the entry is written) cannot allocate it, and the entry is UnsupportedError('7z-memory'). With the
 * scanning thread (~150 MB) this keeps the process under 512 MB.
 */
export const WORKER_MEMORY_CAP = 320 * 1024 * 1024;
/** Longest single wait before the deadline and the stall are checked again. */
const WAIT_SLICE_MS = 200;

/** Extraction workers started and still running in this thread (diagnostics: every path must end them). */
export const extractionWorkers = { started: 0, running: 0 };

/** Which bytes of 7-Zip's output are the entry, and what ends the extraction. */
export interface EntryExtractionOptions {
  /** The 7z-wasm module file (resolved by the caller). */
  readonly modulePath: string;
  readonly input: ArchiveInput;
  /** 7-Zip's arguments (an `x -so` run naming the entry). */
  readonly args: readonly string[];
  /** Entry name, for messages. */
  readonly name: string;
  /** Output bytes before the entry (earlier entries of the same name, written first by `-so`). */
  readonly skip: number;
  /** The entry's listed size. */
  readonly size: number;
  /** Output 7-Zip must write in all (the sizes of every entry of that name). */
  readonly total: number;
  /**
   * Read the whole output and check how 7-Zip ended (data errors, CRC, sizes) before the last pull returns [];
   * otherwise stop as soon as the entry's bytes are out (a re-extraction of an entry already checked).
   */
  readonly verify: boolean;
  /** Absolute deadline (ms since epoch): LimitError('maxFileSeconds') when passed. */
  readonly deadline?: number;
  readonly stallMs?: number;
  /** Wasm memory 7-Zip may grow to (default WORKER_MEMORY_CAP). */
  readonly memoryCap?: number;
}

/** A running extraction of one entry: pull() hands out its bytes in order, [] at its end. */
export class EntryExtraction implements ChunkProducer {
  /** Entry bytes handed out so far. */
  produced = 0;
  private worker: Worker | undefined;
  private ctl!: Int32Array;
  private offset!: Float64Array;
  private ring!: Uint8Array;
  private io!: Uint8Array;
  private text!: Uint8Array;
  /** 7-Zip output taken from the ring so far (entry bytes and what surrounds them). */
  private taken = 0;
  private rpos = 0;
  private done = false;
  private lastProgress = 0;

  constructor(private readonly o: EntryExtractionOptions) {}

  pull(): Uint8Array[] {
    if (this.done) return [];
    try {
      return this.step();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Stops the worker (idempotent). */
  close(): void {
    this.done = true;
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    Atomics.store(this.ctl, Cell.Stop, 1);
    this.bump();
    void w.terminate().catch(() => undefined);
  }

  private start(): void {
    this.checkDeadline();
    const buffers = {
      control: new SharedArrayBuffer(CONTROL_CELLS * 4),
      offset: new SharedArrayBuffer(8),
      ring: new SharedArrayBuffer(RING_BYTES),
      io: new SharedArrayBuffer(IO_BYTES),
      text: new SharedArrayBuffer(TEXT_BYTES),
    };
    this.ctl = new Int32Array(buffers.control);
    this.offset = new Float64Array(buffers.offset);
    this.ring = new Uint8Array(buffers.ring);
    this.io = new Uint8Array(buffers.io);
    this.text = new Uint8Array(buffers.text);
    const job: WorkerJob = {
      ...buffers,
      modulePath: this.o.modulePath,
      archiveSize: this.o.input.size,
      args: this.o.args,
      memoryCap: this.o.memoryCap ?? WORKER_MEMORY_CAP,
    };
    try {
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: job,
        // Plain JavaScript: none of the host's Node options (loaders, inspector) are needed.
        execArgv: [],
        // Its JS heap holds only short-lived read pieces; 7-Zip's memory is the wasm memory (2 GiB at most).
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
        stdout: true,
        stderr: true,
      });
    } catch (e) {
      throw new CorruptError(`7z entry ${JSON.stringify(this.o.name)}: the extraction worker could not start (${e})`);
    }
    extractionWorkers.started++;
    extractionWorkers.running++;
    // Its end is read from shared memory; the events only keep an unhandled 'error' from reaching the process.
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => void extractionWorkers.running--);
    this.worker.unref();
    this.lastProgress = Date.now();
  }

  private step(): Uint8Array[] {
    if (!this.worker) this.start();
    const ctl = this.ctl;
    for (;;) {
      const seen = Atomics.load(ctl, Cell.ToMain);
      if (Atomics.load(ctl, Cell.Request) === 1) {
        this.answerRead();
        continue;
      }
      const status = Atomics.load(ctl, Cell.Status);
      const filled = Atomics.load(ctl, Cell.Filled);
      if (filled > 0) {
        const out = this.take(Math.min(filled, PULL_BYTES));
        if (out) return [out];
        continue;
      }
      if (status !== STATUS_RUNNING) return this.finish(status);
      this.checkDeadline();
      if (Date.now() - this.lastProgress > (this.o.stallMs ?? STALL_MS)) {
        throw new CorruptError(
          `7z entry ${JSON.stringify(this.o.name)}: the extraction worker stopped responding ` +
            `(${this.produced} of ${this.o.size} bytes out)`,
        );
      }
      Atomics.wait(ctl, Cell.ToMain, seen, WAIT_SLICE_MS);
    }
  }

  /** Takes n bytes from the ring; returns the part that belongs to the entry (undefined when none does). */
  private take(n: number): Uint8Array | undefined {
    const all = new Uint8Array(n);
    const first = Math.min(n, this.ring.length - this.rpos);
    all.set(this.ring.subarray(this.rpos, this.rpos + first), 0);
    if (first < n) all.set(this.ring.subarray(0, n - first), first);
    this.rpos = (this.rpos + n) % this.ring.length;
    Atomics.sub(this.ctl, Cell.Filled, n);
    this.bump();
    this.lastProgress = Date.now();
    const from = this.taken;
    this.taken += n;
    if (this.taken > this.o.total) {
      throw new CorruptError(
        `7z entry ${JSON.stringify(this.o.name)}: 7-Zip wrote more than the ${this.o.total} bytes listed`,
      );
    }
    const s = Math.max(from, this.o.skip);
    const e = Math.min(this.taken, this.o.skip + this.o.size);
    if (e <= s) return undefined;
    this.produced += e - s;
    if (!this.o.verify && this.produced === this.o.size) this.close();
    return s === from && e === this.taken ? all : all.subarray(s - from, e - from);
  }

  private answerRead(): void {
    const ctl = this.ctl;
    const n = Math.min(Atomics.load(ctl, Cell.RequestLength), this.io.length);
    const at = this.offset[0]!;
    try {
      const bytes = this.o.input.read(at, n);
      const k = Math.min(bytes.length, n);
      this.io.set(bytes.subarray(0, k), 0);
      Atomics.store(ctl, Cell.AnswerLength, k);
      Atomics.store(ctl, Cell.Request, 2);
    } catch {
      Atomics.store(ctl, Cell.Request, 3);
    }
    this.lastProgress = Date.now();
    this.bump();
  }

  /** The worker ended and the ring is empty: checks how, then [] (or throws). */
  private finish(status: number): Uint8Array[] {
    const ctl = this.ctl;
    const message = Buffer.from(this.text.subarray(0, Atomics.load(ctl, Cell.TextLength)))
      .toString('utf8')
      .trim();
    const code = Atomics.load(ctl, Cell.ExitCode);
    this.close();
    const name = JSON.stringify(this.o.name);
    if (status === STATUS_FAILED) {
      throw new CorruptError(`7z entry ${name}: extraction failed (${message || 'the worker stopped'})`);
    }
    if (code !== 0 || /ERROR/i.test(message)) {
      const what = message || `7-Zip exit code ${code}`;
      if (/password|encrypted/i.test(what)) throw new EncryptedError(`7z entry ${name}: ${what}`);
      if (/allocate|memory/i.test(what)) {
        throw new UnsupportedError(
          `7z entry ${name}: its coder needs more memory than the ` +
            `${(this.o.memoryCap ?? WORKER_MEMORY_CAP) / 1048576} MiB 7-Zip may use ` +
            `here (${what})`,
          '7z-memory',
        );
      }
      if (/unsupported/i.test(what)) throw new UnsupportedError(`7z entry ${name}: ${what}`, '7z-method');
      throw new CorruptError(`7z entry ${name}: ${what}`);
    }
    if (this.produced !== this.o.size || (this.o.verify && this.taken !== this.o.total)) {
      throw new CorruptError(
        `7z entry ${name}: 7-Zip wrote ${this.produced} bytes of the ${this.o.size} listed` +
          (this.taken !== this.produced ? ` (${this.taken} in all, ${this.o.total} expected)` : ''),
      );
    }
    return [];
  }

  private checkDeadline(): void {
    if (this.o.deadline !== undefined && Date.now() > this.o.deadline) {
      throw new LimitError(
        'maxFileSeconds',
        `time budget for this file exhausted while extracting 7z entry ${JSON.stringify(this.o.name)}`,
      );
    }
  }

  private bump(): void {
    Atomics.add(this.ctl, Cell.ToWorker, 1);
    Atomics.notify(this.ctl, Cell.ToWorker);
  }
}
