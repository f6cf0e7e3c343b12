// Streams a planned conversion into a byte sink: the header, then every tensor's bytes in file order — contiguous
// runs copied straight from the input in chunks, views gathered by their strides (from the spanned storage bytes
// when they fit in memory, else run by run through a read window), big-endian elements swapped — hashing each
// tensor's output bytes (SHA-256) on the way. Memory stays at a few fixed buffers whatever the model size. Only
// tensor bytes and the planned header reach the sink.
import { createHash, type Hash } from 'node:crypto';
import { isContiguous, type StorageData, type TensorRef } from '../analyzers/tensors/tree.js';
import type { ConvertPlan } from './plan.js';

/** Receives the output in order. A returned promise must settle before the chunk's memory may be reused. */
export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

export interface WrittenTensor {
  readonly name: string;
  readonly sha256: string;
}

/** A storage read came back short: the input cannot be fully read (it changed or is truncated). */
export class ShortReadError extends Error {
  override readonly name = 'ShortReadError';
}

const CHUNK = 4 * 1024 * 1024;
const BUFFERS = 4;
/** Reads in flight in a pipelined copy (fewer than BUFFERS: the others are being written). */
const READ_AHEAD = 2;
/** A view's spanned storage bytes are read whole when at most this large; beyond, run by run. */
const SPAN_IN_MEMORY = 64 * 1024 * 1024;
const WINDOW = 4 * 1024 * 1024;

function readExactly(s: StorageData, offset: number, target: Uint8Array): void {
  if (offset < 0 || offset + target.length > s.bytes)
    throw new ShortReadError(`read of ${target.length} bytes at ${offset} lies outside ${s.id} (${s.bytes} bytes)`);
  const at = s.start + offset;
  let got: number;
  if (s.src.readInto) got = s.src.readInto(at, target);
  else {
    const b = s.src.read(at, target.length);
    target.set(b);
    got = b.length;
  }
  if (got !== target.length)
    throw new ShortReadError(`${s.id}: read ${got} of ${target.length} bytes at offset ${at} (the input changed?)`);
}

/** Fixed pool of output buffers; a full buffer is handed to the sink while the next ones fill. */
class Output {
  private readonly bufs: Buffer[] = [];
  private readonly pending: (Promise<void> | undefined)[] = [];
  /** The slot being filled and the fill position in it. */
  cur = 0;
  pos = 0;

  constructor(
    private readonly sink: ByteSink,
    readonly size: number,
    private readonly signal?: AbortSignal,
  ) {
    for (let i = 0; i < BUFFERS; i++) this.bufs.push(Buffer.allocUnsafe(size));
  }

  get buf(): Buffer {
    return this.bufs[this.cur]!;
  }

  get free(): number {
    return this.size - this.pos;
  }

  /** Hands bytes [0, n) of slot `i` to the sink. */
  submit(i: number, n: number): void {
    const r = this.sink.write(this.bufs[i]!.subarray(0, n));
    if (r instanceof Promise) {
      r.catch(() => {}); // awaited before the slot is reused or at the end; never an unhandled rejection
      this.pending[i] = r;
    } else this.pending[i] = undefined;
  }

  /** Moves to the next slot once the sink is done with its previous bytes. */
  async advance(): Promise<void> {
    this.signal?.throwIfAborted();
    this.cur = (this.cur + 1) % BUFFERS;
    this.pos = 0;
    const wait = this.pending[this.cur];
    if (wait) {
      this.pending[this.cur] = undefined;
      await wait;
    }
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    this.submit(this.cur, this.pos);
    await this.advance();
  }

  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.pending);
  }
}

/** Swaps each element of `b` (a whole number of elements) from big- to little-endian. */
function swap(b: Buffer, itemsize: number): void {
  if (itemsize === 2) b.swap16();
  else if (itemsize === 4) b.swap32();
  else if (itemsize === 8) b.swap64();
}

/**
 * The tensor's elements in C order as runs `[storage element, count]`: size-1 dimensions dropped, dimensions
 * whose strides chain merged, the innermost dimension one run when its stride is 1.
 */
function* runs(ref: TensorRef): Generator<[number, number]> {
  const dims: [number, number][] = [];
  for (let i = 0; i < ref.shape.length; i++) if (ref.shape[i] !== 1) dims.push([ref.shape[i]!, ref.strides[i]!]);
  for (let i = dims.length - 1; i > 0; i--) {
    const [n, s] = dims[i]!;
    const [pn, ps] = dims[i - 1]!;
    if (ps === s * n) {
      dims[i - 1] = [pn * n, s];
      dims.splice(i, 1);
    }
  }
  if (dims.some(([n]) => n === 0)) return;
  let innerCount = 1;
  let outer = dims;
  if (dims.length && dims[dims.length - 1]![1] === 1) {
    innerCount = dims[dims.length - 1]![0];
    outer = dims.slice(0, -1);
  }
  const idx = new Array<number>(outer.length).fill(0);
  let at = ref.offset;
  for (;;) {
    yield [at, innerCount];
    let d = outer.length - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      at += outer[d]![1];
      if (idx[d]! < outer[d]![0]) break;
      at -= outer[d]![0] * outer[d]![1];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Buffer sizes (tests shrink them to reach every path on small inputs). */
export interface WriteOptions {
  readonly chunkBytes?: number;
  readonly spanInMemoryBytes?: number;
  readonly windowBytes?: number;
  /** Checked at every buffer: an abort stops the copy with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Writes header and tensors; returns each tensor's SHA-256 in file order. */
export async function writeConversion(
  plan: ConvertPlan,
  sink: ByteSink,
  opts: WriteOptions = {},
): Promise<WrittenTensor[]> {
  const out = new Output(sink, opts.chunkBytes ?? CHUNK, opts.signal);
  let h = 0;
  const header = plan.layout.header;
  while (h < header.length) {
    const n = Math.min(out.free, header.length - h);
    out.buf.set(header.subarray(h, h + n), out.pos);
    out.pos += n;
    h += n;
    if (out.free === 0) await out.flush();
  }
  const written: WrittenTensor[] = [];
  for (const t of plan.tensors) {
    const hash = createHash('sha256');
    const ref = t.ref;
    const s = ref.storage;
    if (t.bytes > 0) {
      if (!s) throw new ShortReadError(`${t.name} has no storage`);
      const swapSize = s.bigEndian ? ref.itemsize : 1;
      if (isContiguous(ref.shape, ref.strides))
        await copyRun(out, s, ref.offset * ref.itemsize, t.bytes, swapSize, hash);
      else await gather(out, ref, s, swapSize, hash, opts);
    }
    written.push({ name: t.name, sha256: hash.digest('hex') });
  }
  await out.finish();
  return written;
}

/** Copies `length` bytes of the storage from `offset` (whole elements at a time when swapping). */
async function copyRun(
  out: Output,
  s: StorageData,
  offset: number,
  length: number,
  swapSize: number,
  hash: Hash,
): Promise<void> {
  if (s.src.readIntoAsync && length >= 2 * out.size) return copyRunPipelined(out, s, offset, length, swapSize, hash);
  let done = 0;
  while (done < length) {
    let n = Math.min(out.free, length - done);
    // Chunks end on 8-byte boundaries (whole elements to swap) except the tensor's last piece.
    if (n < length - done) n -= n % 8;
    if (n === 0) {
      await out.flush();
      continue;
    }
    const region = out.buf.subarray(out.pos, out.pos + n);
    readExactly(s, offset + done, region);
    if (swapSize > 1) swap(region, swapSize);
    hash.update(region);
    out.pos += n;
    done += n;
    if (out.free < 8) await out.flush();
  }
}

/**
 * Large runs from a file: whole buffers read on the I/O thread pool (two reads ahead) while the main thread
 * hashes the previous buffer and the sink writes the one before, so reading, hashing and writing overlap.
 */
async function copyRunPipelined(
  out: Output,
  s: StorageData,
  offset: number,
  length: number,
  swapSize: number,
  hash: Hash,
): Promise<void> {
  await out.flush();
  const inflight: { slot: number; buf: Buffer; at: number; n: number; read: Promise<number> }[] = [];
  let issued = 0;
  try {
    while (issued < length || inflight.length > 0) {
      while (inflight.length < READ_AHEAD && issued < length) {
        const n = Math.min(out.size, length - issued);
        const buf = out.buf.subarray(0, n);
        const at = offset + issued;
        if (at + n > s.bytes) throw new ShortReadError(`read of ${n} bytes at ${at} lies outside ${s.id}`);
        const read = s.src.readIntoAsync!(s.start + at, buf);
        read.catch(() => {}); // awaited below; an early exit must not leave an unhandled rejection
        inflight.push({ slot: out.cur, buf, at, n, read });
        issued += n;
        await out.advance();
      }
      const f = inflight.shift()!;
      const got = await f.read;
      if (got !== f.n)
        throw new ShortReadError(
          `${s.id}: read ${got} of ${f.n} bytes at offset ${s.start + f.at} (the input changed?)`,
        );
      if (swapSize > 1) swap(f.buf, swapSize);
      hash.update(f.buf);
      out.submit(f.slot, f.n);
    }
  } finally {
    await Promise.allSettled(inflight.map((f) => f.read));
  }
}

/** Gathers a non-contiguous view element run by element run. */
async function gather(
  out: Output,
  ref: TensorRef,
  s: StorageData,
  swapSize: number,
  hash: Hash,
  opts: WriteOptions,
): Promise<void> {
  const k = ref.itemsize;
  const windowBytes = opts.windowBytes ?? WINDOW;
  let last = ref.offset;
  for (let i = 0; i < ref.shape.length; i++) last += (ref.shape[i]! - 1) * ref.strides[i]!;
  const spanStart = ref.offset * k;
  const spanBytes = (last + 1) * k - spanStart;
  let win: Buffer;
  let winStart = 0;
  let winEnd = 0;
  if (spanBytes <= (opts.spanInMemoryBytes ?? SPAN_IN_MEMORY)) {
    win = Buffer.allocUnsafe(spanBytes);
    readExactly(s, spanStart, win);
    winStart = spanStart;
    winEnd = spanStart + spanBytes;
  } else win = Buffer.allocUnsafe(windowBytes);
  const spanEnd = spanStart + spanBytes;
  let regionStart = out.pos;
  const settle = (): void => {
    const region = out.buf.subarray(regionStart, out.pos);
    if (swapSize > 1) swap(region, swapSize);
    hash.update(region);
  };
  for (const [el, count] of runs(ref)) {
    let from = el * k;
    let left = count * k;
    while (left > 0) {
      if (out.free < k) {
        settle();
        await out.flush();
        regionStart = 0;
      }
      let n = Math.min(left, out.free - (out.free % k));
      if (from < winStart || from + Math.min(n, windowBytes) > winEnd) {
        // Refill the window at this run (only when the span did not fit in memory).
        winStart = from;
        winEnd = Math.min(spanEnd, from + windowBytes);
        readExactly(s, winStart, win.subarray(0, winEnd - winStart));
      }
      n = Math.min(n, winEnd - from);
      if (n <= 0) throw new Error('internal: the gather made no progress');
      const a = from - winStart;
      if (n <= 8) for (let b = 0; b < n; b++) out.buf[out.pos + b] = win[a + b]!;
      else win.copy(out.buf, out.pos, a, a + n);
      out.pos += n;
      from += n;
      left -= n;
    }
  }
  settle();
}
