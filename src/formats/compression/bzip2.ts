// bzip2 through seek-bzip, read as Python's bz2 module reads it (BZ2File / bz2.decompress): every stream
// in turn, bytes after a stream that do not start a new one ignored. Our own stream loop replaces
// seek-bzip's `decode` so that a checksum mismatch becomes a note and truncation is never silent. Output comes
// one block per step (blocks are independent), for the in-memory decode and the counting and re-decoding passes.
import { createRequire } from 'node:module';
import { decodeToMemory, type DecoderInput } from './chunk-source.js';
import { asInput, InputReadError, type CompressedInput } from './compressed-input.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';

// Stream layout: 0..2 'BZh' | 3 block size '1'..'9' (×100 kB) | blocks, each starting with the 48-bit
// magic 0x314159265359 and a u32 block CRC | end marker 0x177245385090 + u32 stream CRC | pad to a byte.

/** The byte-input shape seek-bzip reads from. */
interface SeekBzipInput {
  readByte(): number;
  read(buffer: Uint8Array, offset: number, length: number): number;
  seek(pos: number): void;
}

/** The byte-output shape seek-bzip writes to. */
interface SeekBzipOutput {
  writeByte(b: number): void;
}

/** The parts of seek-bzip's Bunzip object this file drives (seek-bzip 2.0.0, lib/index.js). */
interface Bunzip {
  _init_block(): boolean;
  _read_bunzip(): number;
  _start_bunzip(input: SeekBzipInput, output: SeekBzipOutput): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}
type BunzipConstructor = new (input: SeekBzipInput, output: SeekBzipOutput) => Bunzip;

const BunzipCtor = createRequire(import.meta.url)('seek-bzip') as BunzipConstructor;

/** Thrown by our input when seek-bzip reads past the end (seek-bzip itself would read `undefined`). */
class InputEnded extends Error {}

/** seek-bzip's input over a CompressedInput: bytes come from the current window view (no call per byte into the input). */
class Input implements SeekBzipInput {
  pos = 0;
  /** Input bytes [start, start + buf.length): a view of the input, refilled as `pos` leaves it. */
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  constructor(private readonly data: CompressedInput) {}
  readByte(): number {
    const i = this.pos - this.start;
    if (i >= 0 && i < this.buf.length) {
      this.pos++;
      return this.buf[i]!;
    }
    this.buf = this.data.view(this.pos, this.data.step);
    this.start = this.pos;
    if (this.buf.length === 0) throw new InputEnded('input ended');
    this.pos++;
    return this.buf[0]!;
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    const part = this.data.view(this.pos, length);
    buffer.set(part, offset);
    this.pos += part.length;
    return part.length === 0 ? -1 : part.length;
  }
  seek(pos: number): void {
    this.pos = pos;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * One block's output, reused from block to block. A block holds at most 900 kB before the initial run-length stage,
 * which expands 5 bytes to at most 259: under 47 MB.
 */
class BlockBytes {
  buf = new Uint8Array(1 << 20);
  length = 0;
  writeByte(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }
  /** The bytes so far (a view, valid until the next block), emptying the buffer. */
  take(): Uint8Array {
    const view = this.buf.subarray(0, this.length);
    this.length = 0;
    return view;
  }
}

/**
 * The output of every bzip2 stream of `input`, one block per step (a view, valid until the next step). Returns the
 * streams decoded; `notes` receives disagreements. Throws CorruptError when nothing could be decoded.
 */
export function* bzip2Chunks(raw: DecoderInput, notes: string[]): Generator<Uint8Array, number, undefined> {
  const input = asInput(raw);
  const block = new BlockBytes();
  const source = new Input(input);
  const sink: SeekBzipOutput = block;
  let total = 0;
  let streams = 0;
  let blocks = 0;
  try {
    const bz = new BunzipCtor(source, sink);
    for (;;) {
      if (bz._init_block()) {
        blocks++;
        let badCrc = false;
        try {
          bz._read_bunzip();
        } catch (e) {
          // The CRC is compared after the whole block was written, so decoding can go on.
          if (!(e instanceof TypeError && /Bad block CRC/.test(e.message))) throw e;
          badCrc = true;
        }
        if (block.length > 0) {
          total += block.length;
          yield block.take();
        }
        if (badCrc) notes.push(`block ${blocks} of stream ${streams + 1}: CRC mismatch (Python raises)`);
        continue;
      }
      const crc = bz.reader.read(32) >>> 0;
      streams++;
      blocks = 0;
      if (crc !== bz.streamCRC) notes.push(`stream ${streams}: combined CRC mismatch (Python raises)`);
      if (source.pos >= input.length) break;
      const next = source.pos;
      try {
        bz._start_bunzip(source, sink);
      } catch (e) {
        if (e instanceof InputReadError) throw e;
        notes.push(
          `${input.length - next} bytes after stream ${streams} are not a bzip2 stream ` +
            "(ignored by Python's bz2; a 1-3 byte 'BZh' start makes BZ2File raise EOFError)",
        );
        break;
      }
    }
  } catch (e) {
    // A source that failed or shrank is not a property of the stream: no partial result (re-decoding must not end early).
    if (e instanceof InputReadError) throw e;
    // What the broken block wrote before the error is output, as a streaming reader returns it.
    if (block.length > 0) {
      total += block.length;
      yield block.take();
    }
    if (e instanceof InputEnded) {
      corruptOrPrefix({ length: total }, notes, `input ends inside bzip2 stream ${streams + 1}`, input.length);
    } else {
      corruptOrPrefix({ length: total }, notes, `bzip2 stream ${streams + 1}: ${message(e)}`, source.pos);
    }
  }
  return streams;
}

/** Decodes every bzip2 stream of `input` into memory. */
export function decompressBzip2(input: DecoderInput, opts: DecompressOptions): DecompressResult {
  return decodeToMemory(bzip2Chunks, input, opts);
}
