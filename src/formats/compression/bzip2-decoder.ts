// One bzip2 stream's bit reader and block decoder (bzip2 1.0 format as libbzip2 1.0.8 reads it): block header,
// symbol map, selectors, Huffman tables (canonical limit/base decoding, with a 10-bit lookup table in front), MTF and
// RUNA/RUNB runs, inverse BWT, the initial run-length stage and the block CRC. Checks follow libbzip2's DATA_ERRORs.
import type { CompressedInput } from './compressed-input.js';

// Block layout, in bits after the 48-bit magic 0x314159265359: 32 block CRC | 1 randomised | 24 origPtr |
// 16 used-ranges bitmap + 16 per used range | 3 nGroups (2..6) | 15 nSelectors | selectors, unary MTF indexes |
// per group: 5-bit start length, then per symbol (1 0 = +1, 1 1 = -1)* 0 | Huffman symbols, 50 per selector.
// Stream end: 48-bit magic 0x177245385090 | 32 combined CRC | padding to a byte.

/** Thrown when decoding needed bits past the end of the input. */
export class InputEnded extends Error {}

/** Thrown on data a real reader refuses (libbzip2's BZ_DATA_ERROR and friends). */
export class Bzip2DataError extends Error {}

/** Bits looked up at once when decoding a Huffman symbol; longer codes go bit by bit. */
const FAST_BITS = 10;
const MAX_CODE_LEN = 20;
const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
/** libbzip2 1.0.8 keeps at most this many selectors and ignores the rest (CVE-2019-12900). */
const MAX_SELECTORS = 18002;
const GROUP_SIZE = 50;
/** A block's first 24 and last 24 magic bits, as the reader sees them. */
const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;

/** bzip2's CRC-32: polynomial 0x04c11db7, most significant bit first. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c;
  }
  return t;
})();

/** One Huffman group's decode tables. `fast[v]` for the next FAST_BITS bits v: symbol << 5 | length, 0 = longer, -1 = bad. */
class HuffmanGroup {
  readonly fast = new Int32Array(1 << FAST_BITS);
  readonly limit = new Int32Array(MAX_CODE_LEN + 2);
  readonly base = new Int32Array(MAX_CODE_LEN + 2);
  readonly perm = new Uint16Array(MAX_ALPHA);
  minLen = 0;
  maxLen = 0;
  symbols = 0;

  /** Canonical codes from `lengths[0..n)` (1..20 each), as libbzip2 assigns them: by length, then by symbol. */
  build(lengths: Uint8Array, n: number): void {
    let minLen = MAX_CODE_LEN;
    let maxLen = 0;
    const count = new Int32Array(MAX_CODE_LEN + 1);
    for (let s = 0; s < n; s++) {
      const l = lengths[s]!;
      count[l]!++;
      if (l < minLen) minLen = l;
      if (l > maxLen) maxLen = l;
    }
    let p = 0;
    for (let l = minLen; l <= maxLen; l++) for (let s = 0; s < n; s++) if (lengths[s] === l) this.perm[p++] = s;
    // Codes of length l run from `code` to limit[l]; a code's index in perm is code - base[l].
    let code = 0;
    let seen = 0;
    for (let l = minLen; l <= maxLen; l++) {
      this.base[l] = code - seen;
      code += count[l]!;
      seen += count[l]!;
      this.limit[l] = code - 1;
      code <<= 1;
    }
    this.minLen = minLen;
    this.maxLen = maxLen;
    this.symbols = n;
    // The limit method takes the first length l whose first l bits are <= limit[l]: for FAST_BITS-bit values that
    // is the prefix range [0, (limit[l] + 1) << (FAST_BITS - l)), so lengths fill the table from 0 upward in turn.
    const fast = this.fast;
    let filled = 0;
    const top = Math.min(maxLen, FAST_BITS);
    for (let l = minLen; l <= top; l++) {
      const bound = Math.min((this.limit[l]! + 1) * (1 << (FAST_BITS - l)), 1 << FAST_BITS);
      for (let v = filled; v < bound; v++) {
        const idx = (v >> (FAST_BITS - l)) - this.base[l]!;
        fast[v] = idx >= 0 && idx < n ? (this.perm[idx]! << 5) | l : -1;
      }
      if (bound > filled) filled = bound;
    }
    fast.fill(maxLen > FAST_BITS ? 0 : -1, filled);
  }
}

/**
 * Reads bzip2 streams from `input`: stream headers, block and end markers, and blocks. Positions are in bits; reading
 * past the end yields zero bits until `check()` (called at every boundary and error) throws InputEnded.
 */
export class Bzip2Decoder {
  private pos = 0;
  private buf = 0;
  private count = 0;
  private tt = new Uint32Array(0);
  private out = new Uint8Array(1 << 20);
  private readonly groups = Array.from({ length: MAX_GROUPS }, () => new HuffmanGroup());
  private readonly lengths = new Uint8Array(MAX_ALPHA);
  private readonly selectors = new Uint8Array(MAX_SELECTORS);
  private readonly seqToByte = new Uint8Array(256);
  private readonly mtf = new Uint8Array(256);
  private readonly byteCount = new Int32Array(256);
  /** The current stream's block size in bytes (100 000 x level). */
  private blockMax = 0;
  /** The CRC stored in the header of the block last opened by `next()`. */
  storedCrc = 0;
  /** The combined CRC stored at the end of the stream, after `next()` returned 'end'. */
  storedCombinedCrc = 0;

  /** Input bytes [winBase, winBase + win.length): a view of the input, moved forward (or back) as `pos` leaves it. */
  private win: Uint8Array = new Uint8Array(0);
  private winBase = 0;
  private readonly length: number;

  constructor(private readonly input: CompressedInput) {
    this.length = input.length;
  }

  /** The input byte at `i` (0 past the end): from the current view, else a new view at `i` (one window read). */
  private byteAt(i: number): number {
    const j = i - this.winBase;
    if (j >= 0 && j < this.win.length) return this.win[j]!;
    if (i < 0 || i >= this.length) return 0;
    this.win = this.input.chunk(i);
    this.winBase = i;
    return this.win[0]!;
  }

  /** The bit position of the next unread bit. */
  get bitPos(): number {
    return this.pos * 8 - this.count;
  }

  /** The byte position after the current one (the next stream starts there). */
  get nextByte(): number {
    return Math.ceil(this.bitPos / 8);
  }

  /** Moves to bit `bit`, for a stream of block size `level` (1..9). */
  seek(bit: number, level: number): void {
    this.pos = bit >>> 3;
    this.buf = 0;
    this.count = 0;
    this.blockMax = level * 100_000;
    if (bit & 7) this.bits(bit & 7);
  }

  /** Throws InputEnded when the bits read so far pass the end of the input. */
  check(): void {
    if (this.bitPos > this.length * 8) throw new InputEnded('input ended');
  }

  private bits(n: number): number {
    while (this.count < n) {
      const i = this.pos++;
      this.buf = (this.buf << 8) | this.byteAt(i);
      this.count += 8;
    }
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  /**
   * Reads a stream header ('BZh' + level '1'..'9') at byte `at`; returns the level, or 0 when the bytes there
   * (to the end of the input) are not one.
   */
  startStream(at: number): number {
    if (at + 4 > this.length || this.byteAt(at) !== 0x42 || this.byteAt(at + 1) !== 0x5a) return 0;
    if (this.byteAt(at + 2) !== 0x68) return 0;
    const level = this.byteAt(at + 3) - 0x30;
    if (level < 1 || level > 9) return 0;
    this.seek((at + 4) * 8, level);
    return level;
  }

  /** Reads the next marker: 'block' (its CRC in storedCrc) or 'end' (the stream CRC in storedCombinedCrc). */
  next(): 'block' | 'end' {
    const hi = this.bits(24);
    const lo = this.bits(24);
    const crc = ((this.bits(16) << 16) | this.bits(16)) >>> 0;
    this.check();
    if (hi === BLOCK_MAGIC_HI && lo === BLOCK_MAGIC_LO) {
      this.storedCrc = crc;
      return 'block';
    }
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      this.storedCombinedCrc = crc;
      return 'end';
    }
    throw new Bzip2DataError('bad block magic');
  }

  /**
   * Decodes the block `next()` opened. Returns its output (a view valid until the next call) and its computed CRC
   * in `crc`. Throws Bzip2DataError or InputEnded without output.
   */
  block(): { bytes: Uint8Array; crc: number } {
    try {
      return this.decodeBlock();
    } catch (e) {
      this.check();
      throw e;
    }
  }

  private decodeBlock(): { bytes: Uint8Array; crc: number } {
    if (this.bits(1)) throw new Bzip2DataError('randomised block (obsolete, not supported)');
    const origPtr = this.bits(24);
    if (origPtr >= 10 + this.blockMax) throw new Bzip2DataError('origPtr out of range');
    // Symbol map: which byte values occur, in order.
    const used = this.bits(16);
    let inUse = 0;
    for (let i = 0; i < 16; i++) {
      if (!(used & (0x8000 >>> i))) continue;
      const bitsOf = this.bits(16);
      for (let j = 0; j < 16; j++) if (bitsOf & (0x8000 >>> j)) this.seqToByte[inUse++] = i * 16 + j;
    }
    if (inUse === 0) throw new Bzip2DataError('no symbols in use');
    const alpha = inUse + 2;
    const nGroups = this.bits(3);
    if (nGroups < 2 || nGroups > MAX_GROUPS) throw new Bzip2DataError('bad number of Huffman groups');
    const nSelectorsRead = this.bits(15);
    if (nSelectorsRead < 1) throw new Bzip2DataError('no selectors');
    const groupMtf = [0, 1, 2, 3, 4, 5];
    for (let i = 0; i < nSelectorsRead; i++) {
      let j = 0;
      while (this.bits(1)) {
        j++;
        if (j >= nGroups) throw new Bzip2DataError('bad selector');
      }
      const g = groupMtf[j]!;
      for (let k = j; k > 0; k--) groupMtf[k] = groupMtf[k - 1]!;
      groupMtf[0] = g;
      if (i < MAX_SELECTORS) this.selectors[i] = g;
    }
    const nSelectors = Math.min(nSelectorsRead, MAX_SELECTORS);
    for (let g = 0; g < nGroups; g++) {
      let len = this.bits(5);
      for (let s = 0; s < alpha; s++) {
        for (;;) {
          if (len < 1 || len > MAX_CODE_LEN) throw new Bzip2DataError('bad code length');
          if (!this.bits(1)) break;
          len += this.bits(1) ? -1 : 1;
        }
        this.lengths[s] = len;
      }
      this.groups[g]!.build(this.lengths, alpha);
    }
    this.check();
    const nblock = this.readSymbols(alpha, nSelectors);
    this.check();
    if (origPtr >= nblock) throw new Bzip2DataError('origPtr out of range');
    return this.unsort(origPtr, nblock);
  }

  /** Huffman, RUNA/RUNB and MTF stages into tt (byte in the low 8 bits); counts bytes. Returns the block length. */
  private readSymbols(alpha: number, nSelectors: number): number {
    const blockMax = this.blockMax;
    if (this.tt.length < blockMax) this.tt = new Uint32Array(blockMax);
    const tt = this.tt;
    const mtf = this.mtf;
    const seqToByte = this.seqToByte;
    const byteCount = this.byteCount;
    byteCount.fill(0);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const eob = alpha - 1;
    const inputLength = this.length;
    // The input as the current view (refilled through byteAt when `pos` leaves it).
    let win = this.win;
    let winBase = this.winBase;
    let pos = this.pos;
    let buf = this.buf;
    let count = this.count;
    let nblock = 0;
    let run = 0;
    let runBit = 1;
    let selector = 0;
    let left = 0;
    let group = this.groups[0]!;
    let fast = group.fast;
    try {
      for (;;) {
        if (left === 0) {
          if (selector >= nSelectors) throw new Bzip2DataError('selectors ran out');
          group = this.groups[this.selectors[selector++]!]!;
          fast = group.fast;
          left = GROUP_SIZE;
        }
        left--;
        while (count <= 24) {
          const j = pos - winBase;
          let byte = 0;
          if (j >= 0 && j < win.length) byte = win[j]!;
          else if (pos < inputLength) {
            byte = this.byteAt(pos);
            win = this.win;
            winBase = this.winBase;
          }
          buf = (buf << 8) | byte;
          pos++;
          count += 8;
        }
        let sym: number;
        const e = fast[(buf >>> (count - FAST_BITS)) & ((1 << FAST_BITS) - 1)]!;
        if (e > 0) {
          count -= e & 31;
          sym = e >>> 5;
        } else {
          if (e < 0) throw new Bzip2DataError('bad Huffman code');
          let l = FAST_BITS + 1;
          for (;;) {
            if (l > group.maxLen) throw new Bzip2DataError('bad Huffman code');
            const v = (buf >>> (count - l)) & ((1 << l) - 1);
            if (v <= group.limit[l]!) {
              const idx = v - group.base[l]!;
              if (idx < 0 || idx >= group.symbols) throw new Bzip2DataError('bad Huffman code');
              sym = group.perm[idx]!;
              count -= l;
              break;
            }
            l++;
          }
        }
        if (sym <= 1) {
          // RUNA adds runBit, RUNB twice it: a bijective base-2 run length of the front byte.
          run += sym === 0 ? runBit : runBit << 1;
          runBit <<= 1;
          if (runBit >= 2 * 1024 * 1024) throw new Bzip2DataError('run too long');
          continue;
        }
        if (run > 0) {
          if (nblock + run > blockMax) throw new Bzip2DataError('block longer than its size');
          const b = seqToByte[mtf[0]!]!;
          byteCount[b]! += run;
          tt.fill(b, nblock, nblock + run);
          nblock += run;
          run = 0;
          runBit = 1;
        }
        if (sym === eob) break;
        if (nblock >= blockMax) throw new Bzip2DataError('block longer than its size');
        const i = sym - 1;
        const m = mtf[i]!;
        if (i < 16) for (let k = i; k > 0; k--) mtf[k] = mtf[k - 1]!;
        else mtf.copyWithin(1, 0, i);
        mtf[0] = m;
        const b = seqToByte[m]!;
        byteCount[b]!++;
        tt[nblock++] = b;
      }
    } finally {
      // Also on an error: check() then tells whether the input had ended.
      this.pos = pos;
      this.buf = buf;
      this.count = count;
    }
    return nblock;
  }

  /** Inverse BWT from origPtr, then the initial run-length stage (4 equal bytes + a count) and the CRC. */
  private unsort(origPtr: number, nblock: number): { bytes: Uint8Array; crc: number } {
    const tt = this.tt;
    const next = new Int32Array(256);
    for (let b = 0, sum = 0; b < 256; b++) {
      next[b] = sum;
      sum += this.byteCount[b]!;
    }
    for (let i = 0; i < nblock; i++) {
      const b = tt[i]! & 0xff;
      const at = next[b]!++;
      tt[at] = tt[at]! | (i << 8);
    }
    // Each 5 bytes expand to at most 4 + 255.
    const most = Math.ceil(nblock / 5) * 259 + 4;
    if (this.out.length < most) this.out = new Uint8Array(most);
    const out = this.out;
    let o = 0;
    let crc = -1;
    let p = tt[origPtr]! >>> 8;
    let last = -1;
    let same = 0;
    for (let i = 0; i < nblock; i++) {
      const e = tt[p]!;
      const b = e & 0xff;
      p = e >>> 8;
      if (same === 4) {
        for (let k = 0; k < b; k++) {
          out[o++] = last;
          crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!;
        }
        same = 0;
        continue;
      }
      if (b === last) same++;
      else {
        last = b;
        same = 1;
      }
      out[o++] = b;
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!;
    }
    return { bytes: out.subarray(0, o), crc: ~crc >>> 0 };
  }
}
