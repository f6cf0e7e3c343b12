// xxHash32 (Yann Collet's public algorithm description, xxhash_spec.md): used by the LZ4 frame format for
// its header, block and content checksums. Written from the specification; incremental (Xxh32) and one-shot.
import { u32le } from './frame-bytes.js';

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

/** xxHash32 over data given in pieces: `update` any number of times, then `digest`. */
export class Xxh32 {
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private total = 0;
  /** Bytes not yet part of a 16-byte stripe. */
  private readonly pending = new Uint8Array(16);
  private pendingLength = 0;

  constructor(private readonly seed = 0) {
    this.v1 = (seed + PRIME1 + PRIME2) | 0;
    this.v2 = (seed + PRIME2) | 0;
    this.v3 = seed | 0;
    this.v4 = (seed - PRIME1) | 0;
  }

  update(data: Uint8Array, start = 0, end = data.length): this {
    let i = start;
    this.total += end - start;
    if (this.pendingLength > 0) {
      const take = Math.min(16 - this.pendingLength, end - i);
      this.pending.set(data.subarray(i, i + take), this.pendingLength);
      this.pendingLength += take;
      i += take;
      if (this.pendingLength < 16) return this;
      this.stripes(this.pending, 0, 16);
      this.pendingLength = 0;
    }
    i = this.stripes(data, i, end);
    this.pending.set(data.subarray(i, end));
    this.pendingLength = end - i;
    return this;
  }

  /** The hash of everything given so far, as an unsigned 32-bit number. */
  digest(): number {
    let acc =
      this.total >= 16
        ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0
        : (this.seed + PRIME5) | 0;
    acc = (acc + (this.total % 0x100000000)) | 0;
    const data = this.pending;
    const end = this.pendingLength;
    let i = 0;
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

  /** Consumes the whole stripes of data[i, end); returns where they stop. */
  private stripes(data: Uint8Array, i: number, end: number): number {
    let { v1, v2, v3, v4 } = this;
    for (; i + 16 <= end; i += 16) {
      v1 = round(v1, u32le(data, i));
      v2 = round(v2, u32le(data, i + 4));
      v3 = round(v3, u32le(data, i + 8));
      v4 = round(v4, u32le(data, i + 12));
    }
    this.v1 = v1;
    this.v2 = v2;
    this.v3 = v3;
    this.v4 = v4;
    return i;
  }
}

/** xxHash32 of `data[start, end)` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  return new Xxh32(seed).update(data, start, end).digest();
}
