// Compressed streams (gzip, bzip2, xz, .lzma, lz4 frame, zstd, zlib, and joblib's old 'ZF' format): decoded in
// memory the way Python's readers decode them (every stream/member/frame), then sniffed and scanned as a child;
// gzip/zlib/LZ4/zstd/bzip2 output too large to hold is counted first and decoded again on demand while it is scanned,
// and their input is read in bounded windows (never whole) unless it is small.
// Strong signatures that fail to decode are reported; weak ones (zlib, .lzma headers) fall through silently.
import { CorruptError, LimitError } from '../../core/errors.js';
import { child, layerSegment } from '../../core/location.js';
import { InputReadError } from '../../formats/compression/compressed-input.js';
import { decompressToSource } from '../../formats/compression/decompress-source.js';
import { sniffCodecIn, sniffJoblibCompression, type Codec } from '../../formats/compression/index.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { Expander } from './context.js';

const WEAK: ReadonlySet<Codec> = new Set(['zlib', 'lzma']);

function codecOf(head: Uint8Array, src: ByteSource): Codec | undefined {
  // Skippable frames before a zstd or LZ4 frame are looked through, as the decoders skip them.
  const c = sniffCodecIn(head, src);
  if (c) return c;
  // joblib < 0.10 wrote 'ZF' + hex length + zlib data.
  return head[0] === 0x5a && head[1] === 0x46 ? sniffJoblibCompression(head) : undefined;
}

export const compressedExpander: Expander = {
  id: 'compressed',
  detect: (head, src) => codecOf(head, src) !== undefined,
  async expand(src, ctx) {
    const codec = codecOf(src.read(0, 64), src)!;
    if (src.size > ctx.limits.maxEntryBytes) {
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntryBytes',
        reason: `${codec} stream of ${src.size} bytes is larger than maxEntryBytes`,
      });
      return true;
    }
    let result;
    const remaining = ctx.remainingBytes();
    const location = child(src.location, layerSegment(codec));
    try {
      // gzip, zlib, LZ4, zstd, bzip2, xz and lzma outputs too large to hold are read through a source that decodes them
      // on demand; their input is read in windows when it is not small.
      result = await decompressToSource(
        codec,
        src,
        {
          maxOutputBytes: Math.min(ctx.limits.maxEntryBytes, remaining),
          maxRatio: ctx.limits.maxRatio,
          ratioGraceBytes: ctx.limits.ratioGraceBytes,
        },
        location,
      );
    } catch (e) {
      // A source that failed or shrank while read is reported whatever the signature's strength.
      if (e instanceof CorruptError && !(e instanceof InputReadError) && WEAK.has(codec)) return false;
      if (e instanceof LimitError) {
        // Work done before the limit counts against maxTotalBytes (charge throws once that is exhausted).
        if (e.spentBytes > 0) ctx.charge(e.spentBytes);
        if (e.limit === 'maxEntryBytes' && remaining < ctx.limits.maxEntryBytes) {
          throw new LimitError('maxTotalBytes', `only ${remaining} bytes left of maxTotalBytes: ${e.message}`);
        }
      }
      throw e;
    }
    // Informational container facts (joblib < 0.10's 'ZF' header) are never findings; only `notes` disagree.
    ctx.format(codec);
    ctx.charge(result.source.size);
    const corrupt = result.notes.filter((n) => n.startsWith('corrupt'));
    const other = result.notes.filter((n) => !n.startsWith('corrupt') && n !== 'empty input');
    if (corrupt.length) ctx.incomplete({ location, kind: 'corrupt', reason: corrupt.join('; ') });
    if (other.length) {
      ctx.container({
        location: src.location,
        format: codec,
        anomalies: other.map((message) => ({ code: 'STREAM_DISAGREEMENT', message })),
      });
    }
    if (result.source.size) await ctx.scanChild(result.source);
    // A checksum-valid tar header at byte 0 that also starts like a compressed stream (a member named so that its
    // first bytes form a .lzma or zlib header) is both: tarfile.open tries the compressed readings first and falls
    // back to the plain tar; the tar expander reads it too (every reading is scanned, engine.ts).
    return true;
  },
};
