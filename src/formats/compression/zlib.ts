// zlib (RFC 1950) as joblib reads it: BinaryZlibFile (joblib 1.2) and zlib.decompress both decode only
// the first stream. Also joblib < 0.10's 'ZF' files: 'ZF' + 19-byte hex length (+ optional space) + zlib.
import { CorruptError } from '../../core/errors.js';
import { asInput, type CompressedInput } from './compressed-input.js';
import { MemorySink, type DeflateSink } from './deflate-sink.js';
import { OutputBuffer } from './output-buffer.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';

// Stream layout (RFC 1950 §2.2): 0 CMF (CM = low nibble, 8 = deflate; CINFO = high nibble, window
// log2 - 8, at most 7) | 1 FLG (bit 5 FDICT; (CMF·256 + FLG) % 31 = 0) | [2..5 DICTID if FDICT]
// | raw DEFLATE | u32be Adler-32 of the output.
// joblib 'ZF' (numpy_pickle_compat.write_zfile): 0..1 'ZF' | 2..20 hex(len) e.g. '0x1f4', space-padded
// to 19 = len(hex(2**64)) | [21 ' ' written by joblib <= 0.8.4 on Python 2] | zlib stream.
const ZF_HEADER = 21;

/** Parses the length field as Python's `int(field, 16)` does (whitespace, sign, 0x, underscores). */
function parseZfLength(field: Uint8Array): number | undefined {
  // Python's str.strip() also strips the separators 0x1C..0x1F; map them to spaces first.
  const text = Buffer.from(field.map((b) => (b >= 0x1c && b <= 0x1f ? 0x20 : b))).toString('latin1');
  const m = /^\s*([+-]?)(0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)\s*$/.exec(text);
  if (!m) return undefined;
  const value = parseInt(m[3]!.replace(/_/g, ''), 16);
  return m[1] === '-' ? -value : value;
}

/** True when `input` starts with joblib's legacy 'ZF' header. */
export function isJoblibZFile(input: Uint8Array): boolean {
  return input[0] === 0x5a && input[1] === 0x46;
}

/** Decodes the first zlib stream of `input` (or of a joblib 'ZF' file) into memory. */
export async function decompressZlib(input: Uint8Array, opts: DecompressOptions): Promise<DecompressResult> {
  const out = new OutputBuffer(opts, input.length);
  const r = await unzlibInto(asInput(input), new MemorySink(out, opts.sizeHint));
  return { bytes: out.result(), ...r };
}

/**
 * Reads the first zlib stream of `input` into `out` (memory, or the counting pass); the streams and notes. The
 * input is read forward a window at a time (the stream's data by the sink).
 */
export async function unzlibInto(input: CompressedInput, out: DeflateSink): Promise<Omit<DecompressResult, 'bytes'>> {
  const notes: string[] = [];
  const info: string[] = [];
  let start = 0;
  let declared: number | undefined;
  const head = input.view(0, ZF_HEADER + 1);
  if (isJoblibZFile(head)) {
    if (input.length < ZF_HEADER) throw new CorruptError("input ends inside joblib's 'ZF' header", input.length);
    declared = parseZfLength(head.subarray(2, ZF_HEADER));
    if (declared === undefined) notes.push("joblib 'ZF' length field is not a hex number (joblib raises ValueError)");
    info.push("joblib < 0.10 'ZF' file (read by joblib.numpy_pickle_compat.read_zfile)");
    start = head[ZF_HEADER] === 0x20 ? ZF_HEADER + 1 : ZF_HEADER;
  }
  const cmf = start < input.length ? input.byteAt(start) : undefined;
  const flg = start + 1 < input.length ? input.byteAt(start + 1) : undefined;
  if (cmf === undefined || flg === undefined) throw new CorruptError('input ends inside the zlib header', input.length);
  if ((cmf & 0x0f) !== 8) throw new CorruptError(`zlib compression method ${cmf & 0x0f} is not deflate`, start);
  if (cmf >> 4 > 7) notes.push(`zlib window field ${cmf >> 4} above 7 (zlib rejects the stream)`);
  if (((cmf << 8) | flg) % 31 !== 0) notes.push('zlib header check failed (zlib rejects the stream)');
  let dataStart = start + 2;
  if (flg & 0x20) {
    notes.push('zlib stream asks for a preset dictionary (Python raises "need dictionary")');
    dataStart += 4;
  }
  const end = await out.inflate(input, dataStart);
  let streams = 0;
  if (end.kind === 'corrupt') {
    corruptOrPrefix(out, notes, end.message, dataStart);
  } else if (end.kind === 'truncated') {
    corruptOrPrefix(out, notes, 'input ends inside the zlib stream', input.length);
  } else {
    streams = 1;
    const trailer = dataStart + end.consumed;
    if (trailer + 4 > input.length) {
      notes.push('input ends inside the Adler-32 trailer (zlib raises)');
    } else {
      const t = input.view(trailer, 4);
      const want = ((t[0]! << 24) | (t[1]! << 16) | (t[2]! << 8) | t[3]!) >>> 0;
      if (out.adler32() !== want) notes.push('Adler-32 mismatch (zlib raises "incorrect data check")');
      if (trailer + 4 < input.length) {
        notes.push(
          `${input.length - trailer - 4} bytes after the zlib stream not decoded (zlib.decompress ignores them; ` +
            "joblib's BinaryZlibFile loops forever on them)",
        );
      }
    }
  }
  if (declared !== undefined && declared !== out.length) {
    notes.push(`joblib 'ZF' header declares ${declared} bytes but the stream holds ${out.length} (joblib asserts)`);
  }
  return { streams, notes, ...(info.length ? { info } : {}) };
}
