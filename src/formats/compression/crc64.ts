// CRC-64/XZ (ECMA-182 polynomial, reflected 0xC96C5795D7870F42, init and xorout all ones), the check
// type 0x04 of the .xz container format. Table-driven over two 32-bit halves, whole or piece by piece.

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** CRC-64/XZ over data given in pieces. */
export class Crc64Xz {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array, start = 0, end = data.length): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const t = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[t]!;
      hi = (hi >>> 8) ^ TABLE_HI[t]!;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The CRC as 8 little-endian bytes (the order the .xz check field stores). */
  digest(): Uint8Array {
    const hi = ~this.hi >>> 0;
    const lo = ~this.lo >>> 0;
    return new Uint8Array([lo, lo >>> 8, lo >>> 16, lo >>> 24, hi, hi >>> 8, hi >>> 16, hi >>> 24]);
  }
}

/** CRC-64/XZ of `data[start, end)` as 8 little-endian bytes (the order the .xz check field stores). */
export function crc64xz(data: Uint8Array, start = 0, end = data.length): Uint8Array {
  const crc = new Crc64Xz();
  crc.update(data, start, end);
  return crc.digest();
}
