import { u32le } from './frame-bytes.js';
// xxHash32 (Yann Collet's public algorithm description, xxhash_spec.md): used by the LZ4 frame format for
// its header, block and content checksums. Written from the specification; one-shot over a byte range.

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** xxHash32 of `data[start, end)` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  const len = end - start;
  let i = start;
  let acc: number;
  if (len >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const stripesEnd = end - 16;
    while (i <= stripesEnd) {
      v1 = round(v1, u32le(data, i));
      v2 = round(v2, u32le(data, i + 4));
      v3 = round(v3, u32le(data, i + 8));
      v4 = round(v4, u32le(data, i + 12));
      i += 16;
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    acc = (seed + PRIME5) | 0;
  }
  acc = (acc + len) | 0;
  while (i + 4 <= end) {
    acc = Math.imul(rotl((acc + Math.imul(u32le(data, i), PRIME3)) | 0, 17), PRIME4);
    i += 4;
  }
  while (i < end) {
    acc = Math.imul(rotl((acc + Math.imul(data[i]!, PRIME5)) | 0, 11), PRIME1);
    i++;
  }
  acc ^= acc >>> 15;
  acc = Math.imul(acc, PRIME2);
  acc ^= acc >>> 13;
  acc = Math.imul(acc, PRIME3);
  acc ^= acc >>> 16;
  return acc >>> 0;
}
