// bzip2 read as Python's bz2 module reads it (BZ2File / bz2.decompress): every stream in turn, bytes after a stream
// that do not start a new one ignored. Blocks are decoded by Bzip2Decoder (libbzip2's checks); a block CRC mismatch
// becomes a note and truncation is never silent. Output comes one block per step (blocks are independent).
import { Bzip2DataError, Bzip2Decoder, InputEnded } from './bzip2-decoder.js';
import { decodeToMemory, type DecoderInput, type DecoderResume } from './chunk-source.js';
import { asInput, InputReadError } from './compressed-input.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';

// Stream layout: 0..2 'BZh' | 3 block size '1'..'9' (×100 kB) | blocks, each starting with the 48-bit
// magic 0x314159265359 and a u32 block CRC | end marker 0x177245385090 + u32 stream CRC | pad to a byte.

/** Where a block starts: its magic's bit offset, its stream's level, and the streams before it. */
interface BlockStart {
  readonly bit: number;
  readonly level: number;
  readonly streams: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The output of every bzip2 stream of `input`, one block per step (a view, valid until the next step). Returns the
 * streams decoded; `notes` receives disagreements. Throws CorruptError when nothing could be decoded. `resume.mark`
 * receives each step's block start; `resume.from` starts at one (the notes of a resumed run are not the stream's).
 */
export function* bzip2Chunks(
  raw: DecoderInput,
  notes: string[],
  _limit?: number,
  resume?: DecoderResume,
): Generator<Uint8Array, number, undefined> {
  const input = asInput(raw);
  const bz = new Bzip2Decoder(input);
  const from = resume?.from as BlockStart | undefined;
  let total = 0;
  let streams = from?.streams ?? 0;
  let level = from?.level ?? 0;
  let at = 0;
  try {
    if (from) bz.seek(from.bit, from.level);
    else if ((level = bz.startStream(0)) === 0) throw new Bzip2DataError('not a bzip2 stream (no BZh1..9 header)');
    for (;;) {
      let blocks = 0;
      let combined = 0;
      for (;;) {
        const bit = bz.bitPos;
        if (bz.next() !== 'block') break;
        blocks++;
        const stored = bz.storedCrc;
        combined = (((combined << 1) | (combined >>> 31)) ^ stored) >>> 0;
        const { bytes, crc } = bz.block();
        at = bz.bitPos;
        if (bytes.length > 0) {
          total += bytes.length;
          resume?.mark?.({ bit, level, streams });
          yield bytes;
        }
        if (crc !== stored) notes.push(`block ${blocks} of stream ${streams + 1}: CRC mismatch (Python raises)`);
      }
      streams++;
      if (bz.storedCombinedCrc !== combined) notes.push(`stream ${streams}: combined CRC mismatch (Python raises)`);
      const next = bz.nextByte;
      if (next >= input.length) break;
      if ((level = bz.startStream(next)) === 0) {
        notes.push(
          `${input.length - next} bytes after stream ${streams} are not a bzip2 stream ` +
            "(ignored by Python's bz2; a 1-3 byte 'BZh' start makes BZ2File raise EOFError)",
        );
        break;
      }
      at = next * 8;
    }
  } catch (e) {
    // A source that failed or shrank is not a property of the stream: never a "corrupt after N bytes" note.
    if (e instanceof InputReadError) throw e;
    if (e instanceof InputEnded) {
      corruptOrPrefix({ length: total }, notes, `input ends inside bzip2 stream ${streams + 1}`, input.length);
    } else {
      corruptOrPrefix({ length: total }, notes, `bzip2 stream ${streams + 1}: ${message(e)}`, at >>> 3);
    }
  }
  return streams;
}

/** Decodes every bzip2 stream of `input` into memory. */
export function decompressBzip2(input: DecoderInput, opts: DecompressOptions): DecompressResult {
  return decodeToMemory(bzip2Chunks, input, opts);
}
