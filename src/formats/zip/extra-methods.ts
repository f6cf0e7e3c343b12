// Zip compression methods Python's zipfile reads besides stored and deflate: bzip2 (12) and LZMA (14). numpy's
// np.load(.npz) and any zipfile-based loader read such archives; torch's miniz does not (the zip expander notes
// that for torch layouts). Loaded on demand by the zip expander: most archives never use them.
import { CorruptError } from '../../core/errors.js';
import { decompressBzip2 } from '../compression/bzip2.js';
import { ALONE_HEADER, decodeAloneStream } from '../compression/lzma-alone.js';
import { LzmaDecoder } from '../compression/lzma-decoder.js';
import { OutputBuffer } from '../compression/output-buffer.js';
import type { DecompressOptions } from '../compression/result.js';
import { registerZipMethod, type ZipMethodDecoder } from './open-entry.js';
import type { ZipEntry } from './zip-types.js';

/** General-purpose flag bit 1 for method 14: the LZMA stream ends with an end-of-stream marker. */
const FLAG_LZMA_EOS = 0x2;

const bzip2: ZipMethodDecoder = (data, _e, opts) => {
  const r = decompressBzip2(data, opts);
  return { bytes: r.bytes, notes: r.notes };
};

/**
 * APPNOTE 5.8.8: 2 bytes LZMA SDK version, u16le properties size (5), the properties (lc/lp/pb byte and the
 * dictionary size), then raw LZMA1 data. Rebuilt as a .lzma stream header (properties + size) for the decoder;
 * zipfile decodes it as FORMAT_RAW, which needs no declared size.
 */
const lzma: ZipMethodDecoder = (data, e: ZipEntry, opts: DecompressOptions) => {
  if (data.length < 4) throw new CorruptError('zip LZMA entry shorter than its 4-byte header', 0);
  const propsSize = data[2]! | (data[3]! << 8);
  if (propsSize !== 5 || data.length < 4 + propsSize)
    throw new CorruptError(`zip LZMA entry declares ${propsSize} property bytes (zipfile needs 5)`, 2);
  const stream = new Uint8Array(ALONE_HEADER + data.length - 9);
  stream.set(data.subarray(4, 9), 0);
  const eos = (e.flags & FLAG_LZMA_EOS) !== 0;
  const size = eos ? -1 : e.uncompressedSize;
  const view = new DataView(stream.buffer);
  if (size < 0) {
    view.setUint32(5, 0xffffffff, true);
    view.setUint32(9, 0xffffffff, true);
  } else {
    view.setUint32(5, size >>> 0, true);
    view.setUint32(9, Math.floor(size / 2 ** 32), true);
  }
  stream.set(data.subarray(9), ALONE_HEADER);
  const out = new OutputBuffer(opts, data.length);
  const notes: string[] = [];
  for (const chunk of decodeAloneStream(stream, 0, new LzmaDecoder(), notes)) out.push(chunk);
  return { bytes: out.result(), notes };
};

registerZipMethod(12, bzip2);
registerZipMethod(14, lzma);

/** Methods this module adds (the expander loads it when an archive uses one). */
export const EXTRA_METHODS: ReadonlySet<number> = new Set([12, 14]);
