// Zstandard (RFC 8878) as zstd(1) reads it: every frame, skippable frames skipped. Frames are found by
// walking block headers here and decoded by fzstd's streaming Decompress, fed one block at a time, so the output
// comes in steps of one block (the in-memory decode, and the counting and re-decoding passes of large outputs).
import { Decompress } from 'fzstd';
import { CorruptError, UnsupportedError } from '../../core/errors.js';
import { decodeToMemory, type DecoderInput } from './chunk-source.js';
import { asInput, InputReadError, type CompressedInput } from './compressed-input.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';
import { skippableFrameEndIn, u32le } from './frame-bytes.js';
import { lz4Chunks } from './lz4.js';

// Frame: 0..3 magic 28 B5 2F FD | FHD (bits 7-6 content-size field code, 5 single segment, 3 reserved,
//   2 content checksum, 1-0 dictionary-ID field code) | [window descriptor: exponent << 3 | mantissa,
//   absent in single-segment frames] | [dictionary ID: 0/1/2/4 bytes] | [content size: 0/1/2/4/8
//   bytes; 1 byte only for single segment, 2 bytes hold size − 256] | blocks: u24le header (bit 0
//   last, bits 1-2 type: 0 raw, 1 RLE, 2 compressed, 3 reserved; bits 3-23 size), then `size` bytes
//   (1 byte for RLE) | [u32le checksum: low 32 bits of XXH64 of the content].
// Skippable frame: u32le 0x184D2A50..0x184D2A5F | u32le size | size bytes.
const FRAME_MAGIC = 0xfd2fb528;
/** zstd(1) refuses larger windows unless given --memory / --long (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
const CLI_WINDOW_LIMIT = 1 << 27;
/** fzstd refuses windows above this (its `err(1)`). */
const FZSTD_WINDOW_MAX = 2145386496;
const MIN_WINDOW_CAP = 1 << 20;

interface FrameHeader {
  headerEnd: number;
  window: number;
  singleSegment: boolean;
  dictId: number;
  checksum: boolean;
}

/** Largest frame header: magic, FHD, window descriptor, 4-byte dictionary ID, 8-byte content size. */
const MAX_HEADER = 18;

function parseFrameHeader(whole: CompressedInput, start: number): FrameHeader {
  // `input[i]` is input byte start + i: the header is read through one view of at most MAX_HEADER bytes.
  const h = whole.view(start, MAX_HEADER);
  const input = { length: h.length, at: (i: number) => h[i - start]! };
  let p = start + 4;
  if (p - start >= input.length) throw new CorruptError('input ends inside a zstd frame header', whole.length);
  const fhd = input.at(p++);
  if (fhd & 0x08) throw new CorruptError('zstd frame header reserved bit set', start + 4);
  const singleSegment = (fhd & 0x20) !== 0;
  const fcsCode = fhd >>> 6;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsCode]!;
  let window = 0;
  if (!singleSegment) {
    if (p - start >= input.length) throw new CorruptError('input ends inside a zstd frame header', whole.length);
    const wd = input.at(p++);
    const base = 2 ** (10 + (wd >>> 3));
    window = base + (base / 8) * (wd & 7);
  }
  if (p - start + dictBytes + fcsBytes > input.length)
    throw new CorruptError('input ends inside a zstd frame header', whole.length);
  let dictId = 0;
  for (let i = 0; i < dictBytes; i++) dictId += input.at(p + i) * 2 ** (8 * i);
  p += dictBytes;
  let size = 0;
  for (let i = 0; i < fcsBytes; i++) size += input.at(p + i) * 2 ** (8 * i);
  if (fcsBytes === 2) size += 256;
  p += fcsBytes;
  if (singleSegment) window = size;
  return { headerEnd: p, window, singleSegment, dictId, checksum: (fhd & 0x04) !== 0 };
}

/** A block header (u24le) at `p`, or undefined when the input ends inside it. */
function blockHeader(input: CompressedInput, p: number): number | undefined {
  if (p + 3 > input.length) return undefined;
  const b = input.view(p, 3);
  return b[0]! | (b[1]! << 8) | (b[2]! << 16);
}

/** Where block `bh` at `p` ends. */
function blockEnd(bh: number, p: number): number {
  return p + 3 + (((bh >>> 1) & 3) === 1 ? 1 : bh >>> 3);
}

/** The most a compressed block decodes to (Block_Maximum_Size; less when the window is smaller). */
const BLOCK_MAX = 128 * 1024;

/**
 * Where the frame ends after its checksum, or the input length when the frame is cut short (block headers only are
 * read), and the most its whole blocks can decode to (raw and RLE blocks their size, a compressed block BLOCK_MAX).
 * Throws CorruptError at a reserved block type, before any of the frame is decoded.
 */
function frameEnd(input: CompressedInput, header: FrameHeader): { end: number; complete: boolean; most: number } {
  let p = header.headerEnd;
  let most = 0;
  for (;;) {
    const bh = blockHeader(input, p);
    if (bh === undefined) return { end: input.length, complete: false, most };
    const type = (bh >>> 1) & 3;
    if (type === 3) throw new CorruptError('zstd block type 3 is reserved', p);
    p = blockEnd(bh, p);
    if (p <= input.length) most += type === 2 ? BLOCK_MAX : bh >>> 3;
    if (bh & 1) break;
  }
  p += header.checksum ? 4 : 0;
  return p > input.length ? { end: input.length, complete: false, most } : { end: p, complete: true, most };
}

/**
 * The pieces of the frame `[start, end)` fzstd is fed, in order: the header and first block, then one block each,
 * the last piece running to `end` (the checksum, or where the input is cut). Input offsets [from, to).
 */
function* framePieces(input: CompressedInput, header: FrameHeader, end: number): Generator<[number, number]> {
  let from = header.headerEnd;
  let last = false;
  for (;;) {
    let to = end;
    const bh: number | undefined = last ? undefined : blockHeader(input, from);
    if (bh !== undefined && blockEnd(bh, from) <= end) {
      to = blockEnd(bh, from);
      last = (bh & 1) !== 0;
    }
    yield [from, to];
    if (to === end) return;
    from = to;
  }
}

/** Window descriptor byte for the smallest representable window of at least `size` bytes. */
function windowDescriptor(size: number): number {
  for (let exp = 0; exp < 32; exp++) {
    const base = 2 ** (10 + exp);
    for (let m = 0; m < 8; m++) if (base + (base / 8) * m >= size) return (exp << 3) | m;
  }
  return 0xff;
}

/**
 * The frame's header as fzstd should see it. fzstd allocates the declared window (or, in single-segment frames, the
 * declared content size) up front, so a header declaring more than the output can ever reach (the caller's limit,
 * or what the frame's blocks can decode to) is rewritten to a smaller window; nothing else in the frame depends on it:
 * no match reaches before the frame's first byte. A window of at least the frame's blocks' output holds every block
 * and keeps fzstd's block bound (the smaller of 128 KiB and the window) as declared. Only called for frames without
 * a dictionary.
 */
function headerForFzstd(header: Uint8Array, window: number, windowCap: number): Uint8Array {
  if (window <= windowCap) return header;
  // FHD: content checksum flag kept; no content size, not single segment, no dictionary-ID field.
  return new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, header[4]! & 0x04, windowDescriptor(windowCap)]);
}

/**
 * The header fzstd is given for the frame at `pos`: its window capped by the caller's limit and by `most`, what the
 * frame's blocks can decode to (a million tiny frames declaring large windows then allocate no large window each).
 */
function fzstdHead(input: CompressedInput, pos: number, header: FrameHeader, most: number, windowCap: number) {
  return headerForFzstd(input.view(pos, header.headerEnd - pos), header.window, Math.min(windowCap, Math.max(most, 1)));
}

/** The window fzstd allocates for the frame at `pos` (as its rewritten header declares it); `limit` as zstdChunks'. */
export function fzstdWindowAt(raw: DecoderInput, pos: number, limit: number): number {
  const input = asInput(raw);
  const header = parseFrameHeader(input, pos);
  const head = fzstdHead(input, pos, header, frameEnd(input, header).most, windowCapFor(limit));
  return parseFrameHeader(asInput(head), 0).window;
}

/** Output chunks of one decode; fresh arrays from fzstd, the caller's to keep. */
type Chunks<T> = Generator<Uint8Array, T, undefined>;

/** Largest output the caller will accept: sizes the window fzstd may allocate (see frameForFzstd). */
function windowCapFor(limit: number): number {
  return Math.min(FZSTD_WINDOW_MAX, Math.max(MIN_WINDOW_CAP, limit + 1));
}

/**
 * The output of every zstd frame of `input`, one block per step (at most the 2 MiB an RLE block can declare; never
 * an empty step).
 * `limit` is the largest output the caller accepts (caps the window fzstd allocates). Returns the frames decoded;
 * `notes` receives disagreements. Throws CorruptError when nothing could be decoded, UnsupportedError for a
 * dictionary frame first.
 */
export function* zstdChunks(raw: DecoderInput, notes: string[], limit: number): Chunks<number> {
  const input = asInput(raw);
  const windowCap = windowCapFor(limit);
  let total = 0;
  let frames = 0;
  let skipped = 0;
  let pos = 0;
  while (pos < input.length) {
    const magic = pos + 4 <= input.length ? u32le(input.view(pos, 4), 0) : -1;
    const skip = skippableFrameEndIn(input, pos);
    if (skip === 'truncated') {
      notes.push('input ends inside a skippable frame (zstd(1) raises)');
      break;
    }
    if (skip !== undefined) {
      pos = skip;
      skipped++;
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      if (frames === 0 && skipped === 0) throw new CorruptError('input is not a zstd frame', pos);
      // Only skippable frames so far (more than the sniffer looks through), then an LZ4 stream: what lz4(1), and
      // zstd(1) built with liblz4, read. Read as LZ4 from the start (its reader skips the same frames); nothing was
      // yielded yet.
      if (frames === 0 && lz4Magic(input, pos)) return yield* lz4Chunks(raw, notes);
      const other = foreignStreamAt(input, pos);
      notes.push(
        other === undefined
          ? `${input.length - pos} bytes after frame ${frames} are not a zstd frame (zstd(1) raises)`
          : `${input.length - pos} bytes after frame ${frames} are a ${other} stream, not a zstd frame (zstd(1) built ` +
              `with ${other} support decodes it too; other zstd readers stop or raise there); not read here`,
      );
      break;
    }
    const label = `zstd frame ${frames + 1}`;
    let failure: string | undefined;
    let failedAt = pos;
    try {
      const header = parseFrameHeader(input, pos);
      if (header.dictId !== 0) {
        const message = `${label} needs dictionary ${header.dictId}`;
        if (total === 0) throw new UnsupportedError(message, 'zstd-dictionary');
        notes.push(`${message}; not decoded`);
        break;
      }
      if (header.window > CLI_WINDOW_LIMIT && !header.singleSegment) {
        notes.push(`${label}: window of ${header.window} bytes (zstd(1) needs --memory to read it)`);
      }
      const { end, complete, most } = frameEnd(input, header);
      const head = fzstdHead(input, pos, header, most, windowCap);
      const got: Uint8Array[] = [];
      const decoder = new Decompress((chunk) => got.push(chunk));
      try {
        for (const [from, to] of framePieces(input, header, end)) {
          const piece = input.view(from, to - from);
          // The first piece carries the header (rewritten or not) as one push, as fzstd reads a header whole.
          decoder.push(from === header.headerEnd ? concat(head, piece) : piece, to === end);
          dropEmptyHeld(decoder);
          for (const chunk of got.splice(0)) {
            if (chunk.length === 0) continue;
            total += chunk.length;
            yield chunk;
          }
        }
      } catch (e) {
        if (e instanceof InputReadError) throw e;
        failure = e instanceof Error ? e.message : String(e);
      }
      for (const chunk of got.splice(0)) {
        if (chunk.length === 0) continue;
        total += chunk.length;
        yield chunk;
      }
      if (failure === undefined && !complete) failure = 'input ends inside the frame';
      pos = end;
    } catch (e) {
      if (!(e instanceof CorruptError) || e instanceof InputReadError) throw e;
      failure = e.message;
      failedAt = e.offset ?? pos;
    }
    if (failure !== undefined) {
      corruptOrPrefix({ length: total }, notes, `${label}: ${failure}`, failedAt);
      break;
    }
    frames++;
  }
  return frames;
}

/**
 * fzstd (0.1.x) keeps the unread rest of each pushed piece in `c` and clears that list only when the rest is not
 * empty: every piece read whole leaves an empty view in it, which holds the piece's whole buffer (here an input
 * window) for the rest of the frame. Those entries are dropped when nothing is held (`l === 0`: all are empty), so
 * the input windows are freed as decoding moves on. Checked by the memory row of the big-input bench.
 */
function dropEmptyHeld(decoder: Decompress): void {
  const held = decoder as unknown as { c?: Uint8Array[]; l?: number };
  if (held.l === 0 && Array.isArray(held.c) && held.c.length > 0) held.c = [];
}

/** `a` then `b` in one array. */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decodes every zstd frame of `input` into memory. */
export function decompressZstd(input: DecoderInput, opts: DecompressOptions): DecompressResult {
  return decodeToMemory(zstdChunks, input, opts);
}

/**
 * The format of another compressed stream starting at `pos`, among those zstd(1) can be built to decode after a zstd
 * frame (Debian's is built with zlib, liblzma and liblz4): gzip, xz, an LZ4 frame (not the legacy LZ4 format,
 * which it refuses there).
 */
function foreignStreamAt(input: CompressedInput, pos: number): string | undefined {
  if (pos + 6 > input.length) return undefined;
  const b = input.view(pos, 6);
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b[0] === 0x04 && b[1] === 0x22 && b[2] === 0x4d && b[3] === 0x18) return 'lz4';
  return undefined;
}

/** An LZ4 frame or legacy-format magic number at `pos`. */
function lz4Magic(input: CompressedInput, pos: number): boolean {
  if (pos + 4 > input.length) return false;
  const m = u32le(input.view(pos, 4), 0);
  return m === 0x184d2204 || m === 0x184c2102;
}
