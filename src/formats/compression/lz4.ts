// LZ4 frame format (lz4 Frame Format Description 1.6.x) as python-lz4's LZ4FrameFile reads it (joblib's
// 'lz4' compressor): every frame, skippable frames skipped. Checksums are verified into notes, not errors. Legacy
// frames (lz4 -l) are decoded as lz4(1) decodes them, so that what `lz4 -d` hands a loader is what is scanned.
// One decoder emits the output block by block from a window holding only the 64 KiB of history that matches can
// reach, so the same code serves the in-memory decode and the counting and re-decoding passes of large outputs.
import { CorruptError } from '../../core/errors.js';
import { decodeToMemory, type DecoderInput } from './chunk-source.js';
import { asInput, InputReadError, type CompressedInput } from './compressed-input.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';
import { Xxh32, xxhash32 } from './xxhash32.js';
import { skippableFrameEndIn, u32le } from './frame-bytes.js';

// Frame: 0..3 magic 04 22 4D 18 | 4 FLG (bits 7-6 version = 01, 5 block independence, 4 block
//   checksum, 3 content size, 2 content checksum, 1 reserved, 0 dictionary ID) | 5 BD (bits 6-4 block
//   max size: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB; other bits reserved) | [u64le content
//   size] | [u32le dictionary ID] | HC = (xxh32(FLG..last descriptor byte) >> 8) & 0xFF
//   | blocks: u32le size (bit 31 = stored uncompressed; 0 = end mark), data, [u32le xxh32(data)]
//   | [u32le xxh32(all decoded content)].
// Skippable frame: u32le 0x184D2A50..0x184D2A5F | u32le size | size bytes.
// Legacy frame (lz4(1) -l, read by lz4(1) -d; python-lz4 does not read it): magic 02 21 4C 18 | blocks: u32le
//   compressed size, that many bytes of an independent block of at most 8 MiB output. The frame ends at the end of
//   the input, or at a size word larger than LZ4_COMPRESSBOUND(8 MiB), which lz4(1) reads as the next frame's magic.
// Block sequences: token (literal length << 4 | match length − 4, 15 = more bytes follow, each 255 =
//   more), literals, u16le offset (1..65535), extra length bytes. The last sequence has literals only.
const FRAME_MAGIC = 0x184d2204;
const LEGACY_MAGIC = 0x184c2102;

/** A legacy block's largest output (lz4(1)'s LEGACY_BLOCKSIZE). */
const LEGACY_BLOCK = 8 * 1024 * 1024;
/** LZ4_COMPRESSBOUND(8 MiB): a larger size word ends a legacy frame (it is the next frame's magic). */
const LEGACY_SIZE_BOUND = LEGACY_BLOCK + Math.floor(LEGACY_BLOCK / 255) + 16;

/** History the decoder keeps: match offsets are 16-bit (1..65535). */
const HISTORY = 64 * 1024;
/** Output room beyond the history, so that small blocks share one slide of the window. */
const MIN_ROOM = 1024 * 1024;

/** A block that decodes past its frame's declared block maximum (python-lz4: ERROR_decompressionFailed). */
class BlockOverflow extends Error {}

/**
 * The decoder's output: `buf[0, length)` holds the newest output, `buf[i]` being output byte `base + i`. Before each
 * block it keeps at least HISTORY bytes of what came before and room for the block's declared maximum, no more.
 */
class Lz4Window {
  buf = new Uint8Array(0);
  length = 0;
  base = 0;
  /** Where the current block must end in `buf`, at the latest. */
  blockEnd = 0;

  /** Output bytes so far. */
  get total(): number {
    return this.base + this.length;
  }

  /** Makes room for a block of at most `max` bytes; the block may not write past it. */
  startBlock(max: number): void {
    if (this.length + max > this.buf.length) {
      const keep = Math.min(this.length, HISTORY);
      const from = this.length - keep;
      if (keep + max > this.buf.length) {
        const bigger = new Uint8Array(HISTORY + Math.max(max, MIN_ROOM));
        bigger.set(this.buf.subarray(from, this.length));
        this.buf = bigger;
      } else {
        this.buf.copyWithin(0, from, this.length);
      }
      this.base += from;
      this.length = keep;
    }
    this.blockEnd = this.length + max;
  }

  push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.blockEnd) throw new BlockOverflow();
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
}

/** Where a block's matches may reach (output offsets): below `floor` is corrupt; below `independentFloor` only noted. */
interface Reach {
  floor: number;
  independentFloor: number;
  reachedBack: boolean;
}

/**
 * Decodes one LZ4 block `input[start, end)` into `out`. Throws CorruptError on invalid or truncated data and
 * BlockOverflow past the block maximum, keeping the bytes decoded so far. `base`: where `input` starts in the whole
 * input (for the offsets errors name).
 */
function decodeBlock(input: Uint8Array, start: number, end: number, out: Lz4Window, reach: Reach, base: number): void {
  let s = start;
  let o = out.length;
  const buf = out.buf;
  // Output before the window is gone (never reachable with 16-bit offsets): treated as before the frame.
  const floor = Math.max(0, reach.floor - out.base);
  const independentFloor = reach.independentFloor - out.base;
  try {
    while (s < end) {
      const token = input[s++]!;
      let lit = token >>> 4;
      if (lit === 15) {
        let b: number;
        do {
          if (s >= end) throw new CorruptError('LZ4 block ends inside a literal length', base + s);
          b = input[s++]!;
          lit += b;
        } while (b === 255);
      }
      if (lit > 0) {
        const avail = Math.min(lit, end - s);
        if (o + avail > out.blockEnd) throw new BlockOverflow();
        buf.set(input.subarray(s, s + avail), o);
        o += avail;
        s += avail;
        if (avail < lit) throw new CorruptError('LZ4 block ends inside literals', base + end);
      }
      if (s >= end) return;
      if (s + 2 > end) throw new CorruptError('LZ4 block ends inside a match offset', base + end);
      const offset = input[s]! | (input[s + 1]! << 8);
      s += 2;
      if (offset === 0) throw new CorruptError('LZ4 match offset 0', base + s - 2);
      let len = token & 15;
      if (len === 15) {
        let b: number;
        do {
          if (s >= end) throw new CorruptError('LZ4 block ends inside a match length', base + s);
          b = input[s++]!;
          len += b;
        } while (b === 255);
      }
      len += 4;
      let from = o - offset;
      if (from < floor) throw new CorruptError('LZ4 match reaches before the start of its frame', base + s);
      if (from < independentFloor) reach.reachedBack = true;
      if (o + len > out.blockEnd) throw new BlockOverflow();
      if (offset >= len) {
        buf.copyWithin(o, from, from + len);
        o += len;
      } else {
        const stop = o + len;
        while (o < stop) buf[o++] = buf[from++]!;
      }
    }
  } finally {
    out.length = o;
  }
}

/** Output chunks of one LZ4 frame: views of `out`, valid until the next step. */
type Chunks<T> = Generator<Uint8Array, T, undefined>;

/**
 * Decodes the frame whose magic is at `start`, block by block; returns the input offset after it, or undefined when
 * a block is larger than the declared maximum (decoding stops before that block, as python-lz4 raises there).
 */
function* decodeFrame(
  input: CompressedInput,
  start: number,
  out: Lz4Window,
  notes: string[],
  frame: number,
): Chunks<number | undefined> {
  const p = start + 4;
  if (p + 3 > input.length) throw new CorruptError('input ends inside an LZ4 frame header', input.length);
  // The descriptor (p..descEnd) and its checksum byte: at most 15 bytes, one view (`d[i]` is input byte p + i).
  const d = input.view(p, 15);
  const flg = d[0]!;
  const bd = d[1]!;
  if (flg >>> 6 !== 1) throw new CorruptError(`LZ4 frame version ${flg >>> 6} is not 1`, p);
  const independent = (flg & 0x20) !== 0;
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  const label = `LZ4 frame ${frame}`;
  if (flg & 0x02 || bd & 0x8f) notes.push(`${label}: reserved header bits set (python-lz4 raises)`);
  const code = (bd >>> 4) & 7;
  if (code < 4) notes.push(`${label}: invalid block maximum size code ${code} (python-lz4 raises)`);
  const blockMax = code < 4 ? 4 * 1024 * 1024 : 1 << (8 + 2 * code);
  const descEnd = p + 2 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
  if (descEnd + 1 > input.length) throw new CorruptError('input ends inside an LZ4 frame header', input.length);
  const contentSize = hasContentSize ? u32le(d, 6) * 0x100000000 + u32le(d, 2) : undefined;
  if (hasDictId) {
    notes.push(`${label}: names dictionary ${u32le(d, descEnd - 4 - p)}; decoded without it`);
  }
  if (((xxhash32(d, 0, descEnd - p) >>> 8) & 0xff) !== d[descEnd - p]) {
    notes.push(`${label}: header checksum mismatch (python-lz4 raises)`);
  }
  let q = descEnd + 1;
  const frameStart = out.total;
  const reach: Reach = { floor: frameStart, independentFloor: frameStart, reachedBack: false };
  const content = contentChecksum ? new Xxh32() : undefined;
  let oversize = false;
  let badBlockSums = 0;
  for (;;) {
    if (q + 4 > input.length) throw new CorruptError('input ends before the LZ4 end mark', input.length);
    const word = u32le(input.view(q, 4), 0);
    q += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    out.startBlock(blockMax);
    const blockStart = out.length;
    // The block's bytes (at most blockMax are read; a larger block is refused before its data is read).
    let data: Uint8Array = new Uint8Array(0);
    try {
      if (size > blockMax) throw new BlockOverflow();
      data = input.view(q, size);
      if (stored) {
        out.push(data);
      } else {
        reach.independentFloor = independent ? out.total : frameStart;
        decodeBlock(data, 0, data.length, out, reach, q);
      }
    } catch (e) {
      if (!(e instanceof BlockOverflow)) {
        if (out.length > blockStart) yield out.buf.subarray(blockStart, out.length);
        throw e;
      }
      out.length = blockStart;
      oversize = true;
      break;
    }
    if (out.length > blockStart) {
      const chunk = out.buf.subarray(blockStart, out.length);
      content?.update(chunk);
      yield chunk;
    }
    if (data.length < size) throw new CorruptError('input ends inside an LZ4 block', input.length);
    q += size;
    if (blockChecksum) {
      if (q + 4 > input.length) throw new CorruptError('input ends inside an LZ4 block checksum', input.length);
      if (xxhash32(data, 0, size) !== u32le(input.view(q, 4), 0)) badBlockSums++;
      q += 4;
    }
  }
  if (oversize) notes.push(`${label}: a block is larger than the declared maximum (python-lz4 raises)`);
  if (badBlockSums) notes.push(`${label}: ${badBlockSums} block checksum mismatch(es) (python-lz4 raises)`);
  if (reach.reachedBack) {
    notes.push(`${label}: a block refers to an earlier block although blocks are independent (python-lz4 raises)`);
  }
  if (oversize) return undefined;
  const produced = out.total - frameStart;
  if (content) {
    if (q + 4 > input.length) throw new CorruptError('input ends inside the LZ4 content checksum', input.length);
    if (content.digest() !== u32le(input.view(q, 4), 0)) {
      notes.push(`${label}: content checksum mismatch (python-lz4 raises)`);
    }
    q += 4;
  }
  if (contentSize !== undefined && contentSize !== produced) {
    notes.push(`${label}: declares ${contentSize} bytes but holds ${produced} (python-lz4 raises)`);
  }
  return q;
}

/**
 * Decodes the legacy frame whose magic is at `start` as lz4(1) -d does: each block on its own into at most 8 MiB (a
 * block that does not fit, is empty, or is cut short is corrupt). Returns the input offset where the frame ends: the
 * end of the input, or a size word too large for a block (the next frame's magic, read there).
 */
function* decodeLegacyFrame(input: CompressedInput, start: number, out: Lz4Window): Chunks<number> {
  let q = start + 4;
  for (;;) {
    if (q >= input.length) return q;
    if (q + 4 > input.length) throw new CorruptError('input ends inside a legacy LZ4 block size', input.length);
    const size = u32le(input.view(q, 4), 0);
    if (size > LEGACY_SIZE_BOUND) return q;
    if (size === 0) throw new CorruptError('legacy LZ4 block of 0 bytes (lz4(1) fails to decode it)', q);
    q += 4;
    const data = input.view(q, size);
    if (data.length < size) throw new CorruptError('input ends inside a legacy LZ4 block', input.length);
    out.startBlock(LEGACY_BLOCK);
    const blockStart = out.length;
    // Blocks are independent: a match may not reach before its own block.
    const reach: Reach = { floor: out.total, independentFloor: out.total, reachedBack: false };
    try {
      decodeBlock(data, 0, size, out, reach, q);
    } catch (e) {
      if (out.length > blockStart) yield out.buf.subarray(blockStart, out.length);
      if (e instanceof BlockOverflow) throw new CorruptError('legacy LZ4 block decodes to more than 8 MiB', q);
      throw e;
    }
    if (out.length > blockStart) yield out.buf.subarray(blockStart, out.length);
    q += size;
  }
}

/**
 * The output of every LZ4 frame of `input`, in chunks of at most one block (≤ 4 MiB): views of the decoder's window,
 * valid until the next step. Returns the frames decoded; `notes` receives what a strict reader would disagree with.
 * Throws CorruptError when nothing could be decoded.
 */
export function* lz4Chunks(raw: DecoderInput, notes: string[]): Chunks<number> {
  const input = asInput(raw);
  const out = new Lz4Window();
  let frames = 0;
  let skipped = 0;
  let pos = 0;
  while (pos < input.length) {
    const magic = pos + 4 <= input.length ? u32le(input.view(pos, 4), 0) : -1;
    const skip = skippableFrameEndIn(input, pos);
    if (skip === 'truncated') {
      notes.push('input ends inside a skippable frame (python-lz4 raises EOFError)');
      break;
    }
    if (skip !== undefined) {
      pos = skip;
      skipped++;
      continue;
    }
    if (magic !== FRAME_MAGIC && magic !== LEGACY_MAGIC) {
      if (frames === 0 && skipped === 0) throw new CorruptError('input is not an LZ4 frame', pos);
      notes.push(`${input.length - pos} bytes after frame ${frames} are not an LZ4 frame (python-lz4 raises)`);
      break;
    }
    try {
      const next =
        magic === LEGACY_MAGIC
          ? yield* decodeLegacyFrame(input, pos, out)
          : yield* decodeFrame(input, pos, out, notes, frames + 1);
      if (next === undefined) break;
      pos = next;
      frames++;
    } catch (e) {
      if (!(e instanceof CorruptError) || e instanceof InputReadError) throw e;
      corruptOrPrefix({ length: out.total }, notes, `LZ4 frame ${frames + 1}: ${e.message}`, e.offset);
      break;
    }
  }
  return frames;
}

/** Decodes every LZ4 frame of `input` into memory. */
export function decompressLz4(input: DecoderInput, opts: DecompressOptions): DecompressResult {
  return decodeToMemory(lz4Chunks, input, opts);
}
