// One .xz stream (XZ file format 1.1.0: stream header, blocks, index, footer) with LZMA2 and delta
// filters, its output handed out in chunks. Integrity fields (CRC32/CRC64/SHA-256 checks computed as the output
// goes by, index, footer) are verified into notes.
import { zlib } from '../../core/builtins.js';
import { CorruptError, UnsupportedError } from '../../core/errors.js';
import { asInput, type CompressedInput } from './compressed-input.js';
import { DeltaDecoder } from './delta-filter.js';
import type { LzmaChunks, LzmaDecoder } from './lzma-decoder.js';
import { decodeLzma2, lzma2DictSize } from './lzma2.js';
import { XzBlockCheck } from './xz-block-check.js';
import { crc32In, u32le } from './frame-bytes.js';

// Stream header (12): 0..5 FD 37 7A 58 5A 00 | 6 flags byte 0 (0) | 7 flags byte 1 (check id, low
//   nibble) | 8..11 u32le CRC32 of bytes 6..7.
// Block: 0 header size byte s ((s + 1)·4 bytes; s = 0 means "index follows") | 1 flags (bits 0-1
//   filters − 1, bit 6 compressed size present, bit 7 uncompressed size present) | [VLI sizes] |
//   filter flags × n (VLI id, VLI props size, props) | zero padding | u32le CRC32 of the header;
//   then compressed data, zero padding to a multiple of 4, and the check (0/4/8/32… bytes).
// Index: 00 | VLI records | (VLI unpadded size, VLI uncompressed size) × records | zero padding to 4
//   | u32le CRC32. Footer (12): u32le CRC32 of 4..9 | 4..7 u32le backward size (index size / 4 − 1)
//   | 8..9 the header's flags | 10..11 'YZ'.
export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const FILTER_LZMA2 = 0x21;
const FILTER_DELTA = 0x03;
const BCJ_NAMES: Record<number, string> = {
  0x04: 'x86',
  0x05: 'PowerPC',
  0x06: 'IA-64',
  0x07: 'ARM',
  0x08: 'ARM-Thumb',
  0x09: 'SPARC',
  0x0a: 'ARM64',
  0x0b: 'RISC-V',
};

/**
 * Reads a multibyte integer (7 bits a byte, little-endian, at most 9 bytes) at `pos` below `end`; `base` is where
 * `b` starts in the input (for the offsets errors name).
 */
function readVli(b: Uint8Array | CompressedInput, pos: number, end: number, base = 0): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (pos + i >= end) throw new CorruptError('xz integer runs past its field', base + pos);
    const byte = b instanceof Uint8Array ? b[pos + i]! : b.byteAt(pos + i);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new CorruptError('xz integer is not in its shortest form', base + pos);
      return { value, next: pos + i + 1 };
    }
  }
  throw new CorruptError('xz integer longer than 9 bytes', base + pos);
}

interface BlockHeader {
  size: number;
  compressedSize?: number;
  uncompressedSize?: number;
  dictSize: number;
  deltas: number[];
}

function parseBlockHeader(data: CompressedInput, at: number, notes: string[]): BlockHeader {
  const size = (data.byteAt(at) + 1) * 4;
  if (at + size > data.length) throw new CorruptError('input ends inside an xz block header', data.length);
  // The header (at most 1,024 bytes) as one view: `input[i]` is input byte `at + i`.
  const input = data.view(at, size);
  const crcAt = size - 4;
  if (zlib().crc32(input.subarray(0, crcAt)) !== u32le(input, crcAt)) {
    notes.push('xz block header CRC32 mismatch (Python raises)');
  }
  const flags = input[1]!;
  if (flags & 0x3c) notes.push('xz block header reserved flag bits set (Python raises)');
  let p = 2;
  const header: BlockHeader = { size, dictSize: 0, deltas: [] };
  if (flags & 0x40) ({ value: header.compressedSize, next: p } = readVli(input, p, crcAt, at));
  if (flags & 0x80) ({ value: header.uncompressedSize, next: p } = readVli(input, p, crcAt, at));
  const count = (flags & 3) + 1;
  for (let i = 0; i < count; i++) {
    let id: number;
    let propsSize: number;
    ({ value: id, next: p } = readVli(input, p, crcAt, at));
    ({ value: propsSize, next: p } = readVli(input, p, crcAt, at));
    if (p + propsSize > crcAt) throw new CorruptError('xz filter properties run past the block header', at + p);
    const last = i === count - 1;
    if (id === FILTER_LZMA2) {
      if (!last) throw new CorruptError('xz LZMA2 filter is not the last filter', at + p);
      if (propsSize !== 1 || input[p]! > 40) throw new CorruptError('xz LZMA2 filter properties invalid', at + p);
      header.dictSize = lzma2DictSize(input[p]!);
    } else if (last) {
      throw new UnsupportedError(`xz filter chain ends with filter 0x${id.toString(16)}, not LZMA2`, 'xz-filter');
    } else if (id === FILTER_DELTA) {
      if (propsSize !== 1) throw new CorruptError('xz delta filter properties invalid', at + p);
      header.deltas.push(input[p]! + 1);
    } else if (BCJ_NAMES[id]) {
      throw new UnsupportedError(`xz ${BCJ_NAMES[id]} BCJ filter is not supported`, 'xz-bcj');
    } else {
      throw new UnsupportedError(`xz filter 0x${id.toString(16)}`, 'xz-filter');
    }
    p += propsSize;
  }
  for (; p < crcAt; p++) {
    if (input[p] !== 0) {
      notes.push('xz block header padding is not zero (Python raises)');
      break;
    }
  }
  return header;
}

/** The block's output as it goes by the delta filters (copied first: the window is the LZMA2 dictionary). */
class DeltaChain {
  private readonly decoders: DeltaDecoder[];
  private scratch = new Uint8Array(0);

  constructor(distances: number[]) {
    // The chain's first filter is applied last when decoding.
    this.decoders = distances.map((d) => new DeltaDecoder(d)).reverse();
  }

  /** The decoded bytes of `chunk`: a view of a buffer reused by the next call. */
  apply(chunk: Uint8Array): Uint8Array {
    if (this.scratch.length < chunk.length) this.scratch = new Uint8Array(Math.max(chunk.length, 64 * 1024));
    const out = this.scratch.subarray(0, chunk.length);
    out.set(chunk);
    for (const d of this.decoders) d.apply(out);
    return out;
  }
}

/**
 * Decodes the .xz stream at `start` with `decoder`, handing out its output in chunks (valid until the next step),
 * and returns the input offset after its footer. `verifyChecks` false skips the blocks' integrity checks (for a
 * decode again of bytes a first pass verified). Throws CorruptError on bad structure or data (after handing out
 * the bytes decoded before it), UnsupportedError for BCJ filters. Headers and footer are read as views, the index a
 * byte at a time (it may span windows).
 */
export function* decodeXzStream(
  data: Uint8Array | CompressedInput,
  start: number,
  decoder: LzmaDecoder,
  notes: string[],
  verifyChecks = true,
): LzmaChunks<number> {
  const input = asInput(data);
  if (start + 12 > input.length) throw new CorruptError('input ends inside the xz stream header', input.length);
  const head = input.view(start, 12);
  for (let i = 0; i < XZ_MAGIC.length; i++) {
    if (head[i] !== XZ_MAGIC[i]) throw new CorruptError('not an xz stream (bad magic)', start);
  }
  const flags0 = head[6]!;
  const flags1 = head[7]!;
  if (zlib().crc32(head.subarray(6, 8)) !== u32le(head, 8)) {
    notes.push('xz stream header CRC32 mismatch (Python raises)');
  }
  if (flags0 !== 0 || flags1 & 0xf0) notes.push('xz stream flags have reserved bits set (Python raises)');
  const check = flags1 & 0x0f;
  const checkSize = CHECK_SIZES[check]!;
  const unverified = new Set<number>();
  const records: { unpadded: number; uncompressed: number }[] = [];
  let pos = start + 12;
  for (;;) {
    if (pos >= input.length) throw new CorruptError('input ends inside the xz stream', input.length);
    if (input.byteAt(pos) === 0x00) break;
    const header = parseBlockHeader(input, pos, notes);
    const dataStart = pos + header.size;
    const deltas = header.deltas.length > 0 ? new DeltaChain(header.deltas) : undefined;
    const sum = verifyChecks ? new XzBlockCheck(check) : undefined;
    let produced = 0;
    const chunks = decodeLzma2(input, dataStart, input.length, decoder, header.dictSize, notes);
    let step = chunks.next();
    for (; !step.done; step = chunks.next()) {
      const chunk = deltas ? deltas.apply(step.value) : step.value;
      sum?.update(chunk);
      produced += chunk.length;
      yield chunk;
    }
    const dataEnd = step.value;
    const compressed = dataEnd - dataStart;
    const block = records.length + 1;
    if (header.compressedSize !== undefined && header.compressedSize !== compressed) {
      notes.push(`xz block ${block}: compressed size disagrees with its header (Python raises)`);
    }
    if (header.uncompressedSize !== undefined && header.uncompressedSize !== produced) {
      notes.push(`xz block ${block}: uncompressed size disagrees with its header (Python raises)`);
    }
    let p = dataEnd;
    while ((p - dataStart) % 4 !== 0) {
      if (p >= input.length) throw new CorruptError('input ends inside xz block padding', input.length);
      if (input.byteAt(p) !== 0) notes.push(`xz block ${block}: padding is not zero (Python raises)`);
      p++;
    }
    if (p + checkSize > input.length) throw new CorruptError('input ends inside an xz block check', input.length);
    if (!sum) {
      // Not verified again.
    } else if (!sum.known) unverified.add(check);
    else if (!sum.matches(input.view(p, checkSize))) {
      notes.push(`xz block ${block}: integrity check mismatch (Python raises)`);
    }
    p += checkSize;
    records.push({ unpadded: header.size + compressed + checkSize, uncompressed: produced });
    pos = p;
  }
  for (const id of unverified) notes.push(`xz check type 0x${id.toString(16)} not verified (unknown to this reader)`);

  // Index (read a byte at a time: it may be longer than a window).
  const indexStart = pos;
  const countField = readVli(input, pos + 1, input.length);
  const count = countField.value;
  let p = countField.next;
  if (count !== records.length) notes.push('xz index record count disagrees with the blocks (Python raises)');
  for (let i = 0; i < count; i++) {
    let unpadded: number;
    let uncompressed: number;
    ({ value: unpadded, next: p } = readVli(input, p, input.length));
    ({ value: uncompressed, next: p } = readVli(input, p, input.length));
    const r = records[i];
    if (r && (r.unpadded !== unpadded || r.uncompressed !== uncompressed)) {
      notes.push(`xz index record ${i + 1} disagrees with its block (Python raises)`);
    }
  }
  while ((p - indexStart) % 4 !== 0) {
    if (p >= input.length) throw new CorruptError('input ends inside the xz index', input.length);
    if (input.byteAt(p) !== 0) notes.push('xz index padding is not zero (Python raises)');
    p++;
  }
  if (p + 4 > input.length) throw new CorruptError('input ends inside the xz index', input.length);
  if (crc32In(input, indexStart, p) !== u32le(input.view(p, 4), 0))
    notes.push('xz index CRC32 mismatch (Python raises)');
  p += 4;
  const indexSize = p - indexStart;

  // Footer.
  if (p + 12 > input.length) throw new CorruptError('input ends inside the xz stream footer', input.length);
  const foot = input.view(p, 12);
  if (foot[10] !== 0x59 || foot[11] !== 0x5a) throw new CorruptError('xz stream footer magic missing', p + 10);
  if (zlib().crc32(foot.subarray(4, 10)) !== u32le(foot, 0))
    notes.push('xz stream footer CRC32 mismatch (Python raises)');
  if (u32le(foot, 4) !== indexSize / 4 - 1)
    notes.push('xz footer backward size disagrees with the index (Python raises)');
  if (foot[8] !== flags0 || foot[9] !== flags1) notes.push('xz footer flags differ from the header (Python raises)');
  return p + 12;
}
