// Codec detection by magic bytes only (no decoding). Strong magics first; zlib and .lzma, whose
// "magic" is a header that happens to be checkable, last and strictly.
import { u32le } from './frame-bytes.js';
import { aloneHeaderProblem } from './lzma-alone.js';
import type { Codec } from './result.js';
import { XZ_MAGIC } from './xz.js';

const LZ4_MAGIC = [0x04, 0x22, 0x4d, 0x18];
/** lz4(1)'s legacy format (lz4 -l), which lz4 -d reads. */
const LZ4_LEGACY_MAGIC = [0x02, 0x21, 0x4c, 0x18];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => head[i] === b);
}

/**
 * The codec whose signature `head` starts with: gzip 1F 8B, bzip2 'BZh1'..'BZh9', xz FD '7zXZ' 00,
 * lz4 frame 04 22 4D 18 or legacy 02 21 4C 18, zstd 28 B5 2F FD, zlib (CM 8, window ≤ 32 KiB, valid FCHECK, no preset
 * dictionary), .lzma (properties ≤ 224 with lc + lp ≤ 4, a 2^n or 2^n + 2^(n−1) dictionary and a size
 * that is unknown or below 2^38, i.e. a header liblzma's auto decoder accepts; needs 13 bytes), followed by the
 * zero byte liblzma's range decoder starts with (when the head holds it).
 */
export function sniffCodec(head: Uint8Array): Codec | undefined {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && head[3] !== undefined && head[3] >= 0x31 && head[3] <= 0x39) {
    return 'bzip2';
  }
  if (startsWith(head, XZ_MAGIC)) return 'xz';
  if (startsWith(head, LZ4_MAGIC) || startsWith(head, LZ4_LEGACY_MAGIC)) return 'lz4';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  const cmf = head[0];
  const flg = head[1];
  if (cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && cmf >> 4 <= 7) {
    if (((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0) return 'zlib';
  }
  // liblzma (Python's lzma, joblib) refuses a range coder whose first byte is not 0 before it yields any byte: data
  // whose first 13 bytes merely look like a header (an H2O MOJO tree file) is not an .lzma stream any loader reads.
  if (head.length >= 13 && aloneHeaderProblem(head, 0) === undefined && (head[13] ?? 0) === 0) return 'lzma';
  return undefined;
}

/** Skippable frames looked through before the first other frame decides; past them the stream is read as zstd. */
const MAX_SKIPPABLE_SNIFFED = 1 << 16;

function isSkippable(b: Uint8Array): boolean {
  return b.length >= 4 && (u32le(b, 0) & 0xfffffff0) >>> 0 === 0x184d2a50;
}

/**
 * `sniffCodec`, and for a stream that starts with skippable frames (u32le 0x184D2A50..0x184D2A5F, u32le size, that
 * many bytes: zstd(1), lz4(1), python-zstandard and python-lz4 skip them) the codec of the first frame after them:
 * lz4 for an LZ4 frame (or legacy frame), zstd otherwise (the zstd reader reports what follows when it is no zstd frame). Reads one
 * 8-byte header per skippable frame, at most MAX_SKIPPABLE_SNIFFED of them.
 */
export function sniffCodecIn(
  head: Uint8Array,
  src: { read(offset: number, length: number): Uint8Array; readonly size: number },
): Codec | undefined {
  const c = sniffCodec(head);
  if (c !== undefined || !isSkippable(head)) return c;
  let pos = 0;
  for (let n = 0; n < MAX_SKIPPABLE_SNIFFED; n++) {
    const h = pos + 8 <= head.length ? head.subarray(pos, pos + 8) : src.read(pos, 8);
    if (h.length < 8 || !isSkippable(h)) break;
    pos += 8 + u32le(h, 4);
    if (pos >= src.size) return 'zstd';
  }
  const next = pos + 4 <= head.length ? head.subarray(pos, pos + 4) : src.read(pos, 4);
  return startsWith(next, LZ4_MAGIC) || startsWith(next, LZ4_LEGACY_MAGIC) ? 'lz4' : 'zstd';
}
