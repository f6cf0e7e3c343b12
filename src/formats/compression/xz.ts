// One .xz stream (XZ file format 1.1.0: stream header, blocks, index, footer) with LZMA2 and delta
// filters. Integrity fields (CRC32/CRC64/SHA-256 checks, index, footer) are verified into notes.
import { crypto, zlib } from '../../core/builtins.js';
import { CorruptError, UnsupportedError } from '../../core/errors.js';
import { crc64xz } from './crc64.js';
import { decodeLzma2, lzma2DictSize } from './lzma2.js';
import type { OutputBuffer } from './output-buffer.js';
import { u32le } from './frame-bytes.js';

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
const CHECK_NONE = 0x0;
const CHECK_CRC32 = 0x1;
const CHECK_CRC64 = 0x4;
const CHECK_SHA256 = 0xa;
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

/** Reads a multibyte integer (7 bits a byte, little-endian, at most 9 bytes) at `pos` below `end`. */
function readVli(b: Uint8Array, pos: number, end: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (pos + i >= end) throw new CorruptError('xz integer runs past its field', pos);
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new CorruptError('xz integer is not in its shortest form', pos);
      return { value, next: pos + i + 1 };
    }
  }
  throw new CorruptError('xz integer longer than 9 bytes', pos);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function verifyCheck(
  check: number,
  data: Uint8Array,
  stored: Uint8Array,
  block: number,
  notes: string[],
  unverified: Set<number>,
): void {
  let ok: boolean;
  if (check === CHECK_NONE) return;
  if (check === CHECK_CRC32) {
    ok = zlib().crc32(data) === u32le(stored, 0);
  } else if (check === CHECK_CRC64) {
    ok = sameBytes(crc64xz(data), stored);
  } else if (check === CHECK_SHA256) {
    ok = sameBytes(crypto().createHash('sha256').update(data).digest(), stored);
  } else {
    unverified.add(check);
    return;
  }
  if (!ok) notes.push(`xz block ${block}: integrity check mismatch (Python raises)`);
}

interface BlockHeader {
  size: number;
  compressedSize?: number;
  uncompressedSize?: number;
  dictSize: number;
  deltas: number[];
}

function parseBlockHeader(input: Uint8Array, pos: number, notes: string[]): BlockHeader {
  const size = (input[pos]! + 1) * 4;
  if (pos + size > input.length) throw new CorruptError('input ends inside an xz block header', input.length);
  const crcAt = pos + size - 4;
  if (zlib().crc32(input.subarray(pos, crcAt)) !== u32le(input, crcAt)) {
    notes.push('xz block header CRC32 mismatch (Python raises)');
  }
  const flags = input[pos + 1]!;
  if (flags & 0x3c) notes.push('xz block header reserved flag bits set (Python raises)');
  let p = pos + 2;
  const header: BlockHeader = { size, dictSize: 0, deltas: [] };
  if (flags & 0x40) ({ value: header.compressedSize, next: p } = readVli(input, p, crcAt));
  if (flags & 0x80) ({ value: header.uncompressedSize, next: p } = readVli(input, p, crcAt));
  const count = (flags & 3) + 1;
  for (let i = 0; i < count; i++) {
    let id: number;
    let propsSize: number;
    ({ value: id, next: p } = readVli(input, p, crcAt));
    ({ value: propsSize, next: p } = readVli(input, p, crcAt));
    if (p + propsSize > crcAt) throw new CorruptError('xz filter properties run past the block header', p);
    const last = i === count - 1;
    if (id === FILTER_LZMA2) {
      if (!last) throw new CorruptError('xz LZMA2 filter is not the last filter', p);
      if (propsSize !== 1 || input[p]! > 40) throw new CorruptError('xz LZMA2 filter properties invalid', p);
      header.dictSize = lzma2DictSize(input[p]!);
    } else if (last) {
      throw new UnsupportedError(`xz filter chain ends with filter 0x${id.toString(16)}, not LZMA2`, 'xz-filter');
    } else if (id === FILTER_DELTA) {
      if (propsSize !== 1) throw new CorruptError('xz delta filter properties invalid', p);
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

/** Undoes the delta filter in place over `buf[start, end)` (history before `start` is zero). */
function undoDelta(buf: Uint8Array, start: number, end: number, distance: number): void {
  for (let i = start + distance; i < end; i++) buf[i] = (buf[i]! + buf[i - distance]!) & 0xff;
}

/**
 * Decodes the .xz stream at `start` into `out` and returns the input offset after its footer. Throws
 * CorruptError on bad structure or data (decoded bytes stay in `out`), UnsupportedError for BCJ filters.
 */
export function decodeXzStream(input: Uint8Array, start: number, out: OutputBuffer, notes: string[]): number {
  if (start + 12 > input.length) throw new CorruptError('input ends inside the xz stream header', input.length);
  for (let i = 0; i < XZ_MAGIC.length; i++) {
    if (input[start + i] !== XZ_MAGIC[i]) throw new CorruptError('not an xz stream (bad magic)', start);
  }
  const flags0 = input[start + 6]!;
  const flags1 = input[start + 7]!;
  if (zlib().crc32(input.subarray(start + 6, start + 8)) !== u32le(input, start + 8)) {
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
    if (input[pos] === 0x00) break;
    const header = parseBlockHeader(input, pos, notes);
    const dataStart = pos + header.size;
    const outStart = out.length;
    let dataEnd: number;
    try {
      dataEnd = decodeLzma2(input, dataStart, input.length, out, header.dictSize, notes);
    } finally {
      for (let i = header.deltas.length - 1; i >= 0; i--) undoDelta(out.buf, outStart, out.length, header.deltas[i]!);
    }
    const compressed = dataEnd - dataStart;
    const produced = out.length - outStart;
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
      if (input[p] !== 0) notes.push(`xz block ${block}: padding is not zero (Python raises)`);
      p++;
    }
    if (p + checkSize > input.length) throw new CorruptError('input ends inside an xz block check', input.length);
    verifyCheck(
      check,
      out.buf.subarray(outStart, out.length),
      input.subarray(p, p + checkSize),
      block,
      notes,
      unverified,
    );
    p += checkSize;
    records.push({ unpadded: header.size + compressed + checkSize, uncompressed: produced });
    pos = p;
  }
  for (const id of unverified) notes.push(`xz check type 0x${id.toString(16)} not verified (unknown to this reader)`);

  // Index.
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
    if (input[p] !== 0) notes.push('xz index padding is not zero (Python raises)');
    p++;
  }
  if (p + 4 > input.length) throw new CorruptError('input ends inside the xz index', input.length);
  if (zlib().crc32(input.subarray(indexStart, p)) !== u32le(input, p))
    notes.push('xz index CRC32 mismatch (Python raises)');
  p += 4;
  const indexSize = p - indexStart;

  // Footer.
  if (p + 12 > input.length) throw new CorruptError('input ends inside the xz stream footer', input.length);
  if (input[p + 10] !== 0x59 || input[p + 11] !== 0x5a)
    throw new CorruptError('xz stream footer magic missing', p + 10);
  if (zlib().crc32(input.subarray(p + 4, p + 10)) !== u32le(input, p))
    notes.push('xz stream footer CRC32 mismatch (Python raises)');
  if (u32le(input, p + 4) !== indexSize / 4 - 1)
    notes.push('xz footer backward size disagrees with the index (Python raises)');
  if (input[p + 8] !== flags0 || input[p + 9] !== flags1)
    notes.push('xz footer flags differ from the header (Python raises)');
  return p + 12;
}
