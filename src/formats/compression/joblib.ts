// joblib's own compression detection (joblib 1.2.0: compressor.py prefixes, numpy_pickle.py
// registration order, numpy_pickle_utils._detect_compressor): prefix match only, first hit wins.
import type { Codec } from './result.js';

/** One prefix joblib sniffs, in the order `_detect_compressor` tries them. */
export interface JoblibPrefix {
  /** joblib's name for it ('compat' is the pre-0.10 'ZF' format). */
  readonly joblibName: 'compat' | 'zlib' | 'gzip' | 'bz2' | 'lzma' | 'xz' | 'lz4';
  readonly codec: Codec;
  readonly prefix: readonly number[];
  /** The reader joblib opens for it. */
  readonly reader: string;
}

/**
 * joblib's prefixes in `_detect_compressor` order: the 'ZF' check first, then the registered
 * compressors in registration order (zlib, gzip, bz2, lzma, xz, lz4). Note that joblib checks only
 * 'BZ' for bz2 (not 'BZh'), a single 0x78 byte for zlib, and reads both 'lzma' and 'xz' with
 * `lzma.LZMAFile(fileobj, 'rb')`, i.e. FORMAT_AUTO.
 */
export const JOBLIB_PREFIXES: readonly JoblibPrefix[] = Object.freeze([
  { joblibName: 'compat', codec: 'zlib', prefix: [0x5a, 0x46], reader: 'numpy_pickle_compat.read_zfile' },
  { joblibName: 'zlib', codec: 'zlib', prefix: [0x78], reader: 'compressor.BinaryZlibFile' },
  { joblibName: 'gzip', codec: 'gzip', prefix: [0x1f, 0x8b], reader: 'compressor.BinaryGzipFile' },
  { joblibName: 'bz2', codec: 'bzip2', prefix: [0x42, 0x5a], reader: 'bz2.BZ2File' },
  { joblibName: 'lzma', codec: 'lzma', prefix: [0x5d, 0x00], reader: 'lzma.LZMAFile (FORMAT_AUTO)' },
  { joblibName: 'xz', codec: 'xz', prefix: [0xfd, 0x37, 0x7a, 0x58, 0x5a], reader: 'lzma.LZMAFile (FORMAT_AUTO)' },
  { joblibName: 'lz4', codec: 'lz4', prefix: [0x04, 0x22, 0x4d, 0x18], reader: 'lz4.frame.LZ4FrameFile' },
] as const);

/**
 * The codec joblib would pick for a file starting with `head`, or undefined for "not-compressed".
 * The 'ZF' ('compat') format of joblib < 0.10 maps to 'zlib': `decompress('zlib', …)` recognises the
 * 'ZF' + 19-byte hex length header (plus the optional space of joblib ≤ 0.8.4) and decodes the zlib
 * stream behind it, as `numpy_pickle_compat.read_zfile` does. 'Z' (0x5A) can never start a zlib stream
 * (its compression method nibble would be 10), so the two cannot be confused.
 */
export function sniffJoblibCompression(head: Uint8Array): Codec | undefined {
  for (const entry of JOBLIB_PREFIXES) {
    if (entry.prefix.every((b, i) => head[i] === b)) return entry.codec;
  }
  return undefined;
}
