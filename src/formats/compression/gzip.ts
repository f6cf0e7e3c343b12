// gzip (RFC 1952) as Python's gzip module reads it (GzipFile / gzip.decompress, CPython 3.11): every
// member in turn, zero bytes after a member skipped, anything else after a member an error.
import { asInput, type CompressedInput } from './compressed-input.js';
import { MemorySink, type DeflateSink } from './deflate-sink.js';
import { OutputBuffer } from './output-buffer.js';
import { corruptOrPrefix, type DecompressOptions, type DecompressResult } from './result.js';
import { crc32In, u32le } from './frame-bytes.js';

// Member header (RFC 1952 §2.3), offsets from the member start:
//   0 ID1 0x1f | 1 ID2 0x8b | 2 CM (8 = deflate) | 3 FLG | 4..7 MTIME | 8 XFL | 9 OS
//   [FEXTRA: u16le XLEN, XLEN bytes] [FNAME: bytes to NUL] [FCOMMENT: bytes to NUL] [FHCRC: u16le]
// then the raw DEFLATE data, then the trailer: u32le CRC32 of the member's output, u32le ISIZE (mod 2^32).
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

type Header = { ok: true; dataStart: number; notes: string[] } | { ok: false; message: string };

function parseHeader(input: CompressedInput, start: number): Header {
  const notes: string[] = [];
  const fixed = input.view(start, 10);
  if (fixed[0] !== 0x1f || fixed[1] !== 0x8b) {
    return { ok: false, message: 'not a gzip member (bad magic)' };
  }
  if (start + 10 > input.length) return { ok: false, message: 'input ends inside the member header' };
  if (fixed[2] !== 8) return { ok: false, message: `unknown compression method ${fixed[2]}` };
  const flags = fixed[3]!;
  if (flags & FRESERVED) notes.push('reserved header flag bits set (ignored by Python gzip, rejected by zlib)');
  let p = start + 10;
  if (flags & FEXTRA) {
    if (p + 2 > input.length) return { ok: false, message: 'input ends inside the FEXTRA field' };
    p += 2 + (input.byteAt(p) | (input.byteAt(p + 1) << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const nul = p <= input.length ? input.indexOf(0, p) : -1;
      if (nul < 0) return { ok: false, message: 'input ends inside a NUL-terminated header field' };
      p = nul + 1;
    }
  }
  if (flags & FHCRC) {
    if (p + 2 > input.length) return { ok: false, message: 'input ends inside the header CRC' };
    const want = input.byteAt(p) | (input.byteAt(p + 1) << 8);
    const got = crc32In(input, start, p) & 0xffff;
    if (want !== got) notes.push('header CRC16 mismatch (ignored by Python gzip, rejected by zlib)');
    p += 2;
  }
  if (p > input.length) return { ok: false, message: 'input ends inside the member header' };
  return { ok: true, dataStart: p, notes };
}

/** Decodes every gzip member of `input` into memory. */
export async function decompressGzip(input: Uint8Array, opts: DecompressOptions): Promise<DecompressResult> {
  const out = new OutputBuffer(opts, input.length);
  const r = await gunzipInto(asInput(input), new MemorySink(out, opts.sizeHint));
  return { bytes: out.result(), ...r };
}

/** The first position ≥ `from` of `input` whose byte is not 0, or the input's length. */
function skipZeros(input: CompressedInput, from: number): number {
  let p = from;
  while (p < input.length) {
    const part = input.chunk(p);
    let i = 0;
    while (i < part.length && part[i] === 0) i++;
    p += i;
    if (i < part.length) break;
  }
  return p;
}

/**
 * Reads every gzip member of `input` into `out` (memory, or the counting pass); the members and notes. The input is
 * read forward a window at a time: headers, zero padding and trailers, and each member's data by the sink.
 */
export async function gunzipInto(input: CompressedInput, out: DeflateSink): Promise<Omit<DecompressResult, 'bytes'>> {
  const notes: string[] = [];
  let pos = 0;
  let members = 0;
  let firstMemberEnd = -1;
  if (input.length === 0) notes.push('empty input (Python returns no data)');
  while (pos < input.length) {
    if (members > 0) {
      const zeros = pos;
      pos = skipZeros(input, pos);
      if (pos > zeros) {
        notes.push(`${pos - zeros} zero bytes after member ${members} (skipped by Python gzip)`);
        if (pos >= input.length) break;
      }
    }
    const header = parseHeader(input, pos);
    if (!header.ok) {
      if (members === 0) {
        corruptOrPrefix(out, notes, header.message, pos);
        break;
      }
      notes.push(
        `${input.length - pos} bytes of trailing data after member ${members}: ${header.message} ` +
          '(Python gzip raises BadGzipFile after returning the earlier members)',
      );
      break;
    }
    notes.push(...header.notes);
    const memberStart = out.length;
    const end = await out.inflate(input, header.dataStart);
    if (end.kind === 'corrupt') {
      corruptOrPrefix(out, notes, `gzip member ${members + 1}: ${end.message}`, header.dataStart);
      break;
    }
    if (end.kind === 'truncated') {
      corruptOrPrefix(out, notes, `input ends inside gzip member ${members + 1}`, input.length);
      break;
    }
    const trailer = header.dataStart + end.consumed;
    if (trailer + 8 > input.length) {
      members++;
      notes.push(`input ends inside the trailer of member ${members} (Python raises EOFError)`);
      break;
    }
    const size = out.length - memberStart;
    const tail = input.view(trailer, 8);
    if (out.lastCrc32() !== u32le(tail, 0))
      notes.push(`CRC32 mismatch in member ${members + 1} (Python raises BadGzipFile)`);
    if (u32le(tail, 4) !== size % 0x100000000) {
      notes.push(`ISIZE mismatch in member ${members + 1} (Python raises BadGzipFile)`);
    }
    members++;
    pos = trailer + 8;
    if (members === 1) firstMemberEnd = pos;
  }
  if (firstMemberEnd >= 0 && firstMemberEnd < input.length) {
    notes.push("joblib's BinaryGzipFile reads only the first member and loops forever on any byte after it");
  }
  return { streams: members, notes };
}
