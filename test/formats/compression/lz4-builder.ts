// LZ4 frames for tests (not a product encoder): a greedy block encoder (4-byte hash, matches ≤ 65,535 bytes back,
// into earlier blocks when blocks are linked) and a frame writer, so tests can make streams of any size and shape.
// Frames it writes decode to their input with python-lz4 (checked by the lz4-stream test when python-lz4 exists).
import { xxhash32 } from '../../../src/formats/compression/xxhash32.js';

const MAX_OFFSET = 65535;

function lengthBytes(out: number[], n: number): void {
  for (; n >= 255; n -= 255) out.push(255);
  out.push(n);
}

/** One LZ4 block holding data[start, end); matches may reach back to data[from]. */
export function lz4Block(data: Uint8Array, from: number, start: number, end: number): Uint8Array {
  const out: number[] = [];
  const table = new Map<number, number>();
  const key = (i: number) => data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
  for (let i = Math.max(from, start - MAX_OFFSET); i + 4 <= start; i++) table.set(key(i), i);
  let lit = start;
  let i = start;
  const matchLimit = end - 12;
  while (i < matchLimit) {
    const k = key(i);
    const cand = table.get(k);
    table.set(k, i);
    if (cand === undefined || i - cand > MAX_OFFSET || key(cand) !== k) {
      i++;
      continue;
    }
    let len = 4;
    while (i + len < end - 5 && data[cand + len] === data[i + len]) len++;
    const litLen = i - lit;
    out.push((Math.min(litLen, 15) << 4) | Math.min(len - 4, 15));
    if (litLen >= 15) lengthBytes(out, litLen - 15);
    for (let j = lit; j < i; j++) out.push(data[j]!);
    out.push((i - cand) & 255, (i - cand) >>> 8);
    if (len - 4 >= 15) lengthBytes(out, len - 4 - 15);
    i += len;
    lit = i;
  }
  const litLen = end - lit;
  out.push(Math.min(litLen, 15) << 4);
  if (litLen >= 15) lengthBytes(out, litLen - 15);
  for (let j = lit; j < end; j++) out.push(data[j]!);
  return Uint8Array.from(out);
}

const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];

export interface FrameOptions {
  /** Block maximum size code 4..7 (64 KiB .. 4 MiB). */
  code?: number;
  linked?: boolean;
  contentChecksum?: boolean;
  blockChecksum?: boolean;
}

/** A frame header (magic, FLG, BD, header checksum). */
export function lz4Header(o: FrameOptions = {}): number[] {
  const flg = 0x40 | (o.linked ? 0 : 0x20) | (o.blockChecksum ? 0x10 : 0) | (o.contentChecksum ? 0x04 : 0);
  const desc = Uint8Array.from([flg, (o.code ?? 4) << 4]);
  return [...u32(0x184d2204), ...desc, (xxhash32(desc) >>> 8) & 0xff];
}

/** A frame of already-encoded blocks (`stored` ones raw) with an end mark. */
export function lz4FrameOfBlocks(blocks: { bytes: Uint8Array; stored?: boolean }[], o: FrameOptions = {}): Uint8Array {
  const out = lz4Header(o);
  for (const b of blocks) {
    out.push(...u32((b.bytes.length | (b.stored ? 0x80000000 : 0)) >>> 0));
    for (const x of b.bytes) out.push(x);
    if (o.blockChecksum) out.push(...u32(xxhash32(b.bytes)));
  }
  out.push(0, 0, 0, 0);
  return Uint8Array.from(out);
}

/** `data` as one LZ4 frame. */
export function lz4Frame(data: Uint8Array, o: FrameOptions = {}): Uint8Array {
  const max = 1 << (8 + 2 * (o.code ?? 4));
  const blocks: { bytes: Uint8Array; stored?: boolean }[] = [];
  for (let at = 0; at < data.length; at += max) {
    const end = Math.min(data.length, at + max);
    const bytes = lz4Block(data, o.linked ? 0 : at, at, end);
    blocks.push(bytes.length < end - at ? { bytes } : { bytes: data.subarray(at, end), stored: true });
  }
  const frame = lz4FrameOfBlocks(blocks, o);
  if (!o.contentChecksum) return frame;
  const out = new Uint8Array(frame.length + 4);
  out.set(frame);
  out.set(u32(xxhash32(data)), frame.length);
  return out;
}

/**
 * `n` bytes of text-like data with repeats reaching up to ~70,000 bytes back (some beyond LZ4's reach), seeded.
 */
export function repetitive(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  let i = 0;
  while (i < n) {
    if (i > 100 && rnd() < 0.6) {
      const back = 1 + Math.floor(rnd() * Math.min(i, 70_000));
      const len = 4 + Math.floor(rnd() * 300);
      for (let k = 0; k < len && i < n; k++, i++) out[i] = out[i - back]!;
    } else {
      const len = 1 + Math.floor(rnd() * 40);
      for (let k = 0; k < len && i < n; k++, i++) out[i] = 97 + Math.floor(rnd() * 26);
    }
  }
  return out;
}

/** `n` incompressible bytes, seeded (xorshift32). */
export function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 255;
  }
  return out;
}
