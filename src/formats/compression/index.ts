// Decompression layer: sniff a codec by magic bytes and decode every stream/member/frame the way the
// Python loaders read it, under an output cap and a ratio limit. Python parity facts live in each codec file.
import { UnsupportedError } from '../../core/errors.js';
import { decompressGzip } from './gzip.js';
import type { Codec, DecompressOptions, DecompressResult } from './result.js';
import { decompressZlib } from './zlib.js';

export type { Codec, DecompressOptions, DecompressResult } from './result.js';
export { sniffCodec, sniffCodecIn } from './sniff.js';
export { JOBLIB_PREFIXES, sniffJoblibCompression, type JoblibPrefix } from './joblib.js';

/**
 * Decodes `input` as `codec`. Throws LimitError('maxEntryBytes' | 'maxRatio') as soon as the output
 * passes a limit (memory stays bounded by the limit), CorruptError when nothing could be decoded,
 * UnsupportedError for features no reader here implements (xz BCJ filters, zstd dictionaries).
 * Corruption after some output is NOT thrown: the result keeps the decoded prefix and a note
 * `corrupt after N bytes: …`, because Python's streaming readers hand those bytes to the unpickler
 * before they raise; the caller should scan the prefix and still report the entry as incomplete.
 * Empty input decodes to nothing, as Python's file readers do. The codecs other than gzip/zlib (node:zlib) are
 * loaded on first use: most scans never meet them, and the CLI starts once per artifact.
 */
export async function decompress(codec: Codec, input: Uint8Array, opts: DecompressOptions): Promise<DecompressResult> {
  if (input.length === 0) return { bytes: new Uint8Array(0), streams: 0, notes: ['empty input'] };
  switch (codec) {
    case 'gzip':
      return decompressGzip(input, opts);
    case 'zlib':
      return decompressZlib(input, opts);
    case 'bzip2':
      return (await import('./bzip2.js')).decompressBzip2(input, opts);
    case 'xz':
    case 'lzma':
      return (await import('./lzma.js')).decompressLzmaFamily(codec, input, opts);
    case 'lz4':
      return (await import('./lz4.js')).decompressLz4(input, opts);
    case 'zstd':
      return (await import('./zstd.js')).decompressZstd(input, opts);
    default:
      throw new UnsupportedError(`unknown codec ${String(codec)}`, 'codec');
  }
}
