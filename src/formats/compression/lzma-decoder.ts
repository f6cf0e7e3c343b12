// LZMA1 decoder core (range coder, literal/match/rep states), written from the format's published
// description; shared by .lzma (alone) streams and LZMA2 chunks. The whole output buffer is the window.
import { CorruptError } from '../../core/errors.js';
import type { OutputBuffer } from './output-buffer.js';

// Model layout. A probability is 11 bits (start 1024). Length coder, in one array:
//   [0] choice | [1] choice2 | [2 + posState·8 + sym] low 3-bit trees | [130 + posState·8 + sym] mid
//   3-bit trees | [258 + sym] high 8-bit tree. Distances: 6-bit posSlot tree per lenState (min(len, 3)),
//   reverse trees for slots 4..13 in `posSpecial` (index dist − slot + m), 4-bit reverse `align` tree.
const NUM_STATES = 12;
const PROB_INIT = 1024;
const TOP = 0x1000000;
const LEN_PROBS = 2 + 16 * 8 * 2 + 256;
const END_MARKER = 0xffffffff;
const MATCH_MIN = 2;

/** Why `decode` returned. */
export type LzmaStop = 'size' | 'marker';

export class LzmaDecoder {
  lc = 0;
  lp = 0;
  pb = 0;
  private literal = new Uint16Array(0x300);
  private readonly isMatch = new Uint16Array(NUM_STATES << 4);
  private readonly isRep = new Uint16Array(NUM_STATES);
  private readonly isRepG0 = new Uint16Array(NUM_STATES);
  private readonly isRepG1 = new Uint16Array(NUM_STATES);
  private readonly isRepG2 = new Uint16Array(NUM_STATES);
  private readonly isRep0Long = new Uint16Array(NUM_STATES << 4);
  private readonly posSlot = new Uint16Array(4 << 6);
  private readonly posSpecial = new Uint16Array(115);
  private readonly align = new Uint16Array(16);
  private readonly lenProbs = new Uint16Array(LEN_PROBS);
  private readonly repLenProbs = new Uint16Array(LEN_PROBS);

  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  private range = 0;
  private code = 0;
  input: Uint8Array = new Uint8Array(0);
  /** Next input byte to read, and the end of the input this decoder may read. */
  inPos = 0;
  inEnd = 0;

  /** Output index where the current dictionary starts (positions and distances count from it). */
  dictStart = 0;
  /** Declared dictionary size; a distance beyond it is reported once, not refused. */
  dictSize = 0;
  /** Set when a match distance exceeded `dictSize` (liblzma would refuse the stream). */
  distanceBeyondDict = false;
  /** Set when a match ran past the output end the caller asked for; the extra bytes were dropped. */
  matchOverrun = false;

  constructor(private readonly out: OutputBuffer) {}

  /** Sets lc/lp/pb and resets the probability model. */
  setProperties(lc: number, lp: number, pb: number): void {
    this.lc = lc;
    this.lp = lp;
    this.pb = pb;
    const size = 0x300 << (lc + lp);
    if (this.literal.length !== size) this.literal = new Uint16Array(size);
    this.resetState();
  }

  /** Resets probabilities, state and rep distances (LZMA2 state reset). */
  resetState(): void {
    this.literal.fill(PROB_INIT);
    this.isMatch.fill(PROB_INIT);
    this.isRep.fill(PROB_INIT);
    this.isRepG0.fill(PROB_INIT);
    this.isRepG1.fill(PROB_INIT);
    this.isRepG2.fill(PROB_INIT);
    this.isRep0Long.fill(PROB_INIT);
    this.posSlot.fill(PROB_INIT);
    this.posSpecial.fill(PROB_INIT);
    this.align.fill(PROB_INIT);
    this.lenProbs.fill(PROB_INIT);
    this.repLenProbs.fill(PROB_INIT);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /** Starts a new, empty dictionary at the current output end. */
  resetDictionary(dictSize: number): void {
    this.dictStart = this.out.length;
    this.dictSize = dictSize;
  }

  /** Reads the 5 range-coder init bytes at `pos`; returns the first byte (0 in valid streams). */
  initRangeCoder(input: Uint8Array, pos: number, end: number): number {
    this.input = input;
    this.inEnd = end;
    if (pos + 5 > end) throw new CorruptError('input ends inside the range coder init bytes', end);
    const first = input[pos]!;
    this.code = ((input[pos + 1]! << 24) | (input[pos + 2]! << 16) | (input[pos + 3]! << 8) | input[pos + 4]!) >>> 0;
    this.range = 0xffffffff;
    this.inPos = pos + 5;
    return first;
  }

  /** One normalisation step, as the decoder does at the end of a stream; true when the coder is finished (code 0). */
  finish(): boolean {
    if (this.range < TOP) this.normalize();
    return this.code === 0;
  }

  private normalize(): void {
    if (this.inPos >= this.inEnd) throw new CorruptError('input ends inside LZMA data', this.inEnd);
    this.range = (this.range << 8) >>> 0;
    this.code = ((this.code << 8) | this.input[this.inPos++]!) >>> 0;
  }

  private bit(p: Uint16Array, i: number): number {
    if (this.range < TOP) this.normalize();
    const prob = p[i]!;
    const bound = (this.range >>> 11) * prob;
    if (this.code < bound) {
      this.range = bound;
      p[i] = prob + ((2048 - prob) >>> 5);
      return 0;
    }
    this.range -= bound;
    this.code -= bound;
    p[i] = prob - (prob >>> 5);
    return 1;
  }

  private tree(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(p, base + m);
    return m - (1 << bits);
  }

  private reverseTree(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(p, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }

  private directBits(count: number): number {
    let r = 0;
    for (let i = 0; i < count; i++) {
      if (this.range < TOP) this.normalize();
      this.range >>>= 1;
      if (this.code >= this.range) {
        this.code -= this.range;
        r = (r << 1) | 1;
      } else {
        r <<= 1;
      }
    }
    return r >>> 0;
  }

  private length(p: Uint16Array, posState: number): number {
    if (this.bit(p, 0) === 0) return this.tree(p, 2 + (posState << 3), 3);
    if (this.bit(p, 1) === 0) return 8 + this.tree(p, 130 + (posState << 3), 3);
    return 16 + this.tree(p, 258, 8);
  }

  private distance(len: number): number {
    const slot = this.tree(this.posSlot, (len < 3 ? len : 3) << 6, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << direct) >>> 0;
    if (slot < 14) return dist + this.reverseTree(this.posSpecial, dist - slot, direct);
    dist += this.directBits(direct - 4) * 16;
    return dist + this.reverseTree(this.align, 0, 4);
  }

  /**
   * Decodes one symbol that must be the end marker (a .lzma stream of known size may end with one);
   * false when it is something else. Produces no output.
   */
  endMarker(): boolean {
    const posState = (this.out.length - this.dictStart) & ((1 << this.pb) - 1);
    if (this.bit(this.isMatch, (this.state << 4) | posState) === 0) return false;
    if (this.bit(this.isRep, this.state) !== 0) return false;
    const len = this.length(this.lenProbs, posState);
    return this.distance(len) === END_MARKER;
  }

  /**
   * Decodes until the output reaches `outEnd` (absolute index) or, when `allowMarker`, an end marker.
   * Throws CorruptError on invalid data (the output decoded so far stays in the buffer) and the
   * buffer's LimitError when the output passes its limit.
   */
  decode(outEnd: number, allowMarker: boolean): LzmaStop {
    const out = this.out;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    const lc = this.lc;
    const literal = this.literal;
    const dictStart = this.dictStart;
    let buf = out.buf;
    let pos = out.length;
    try {
      while (pos < outEnd) {
        const rel = pos - dictStart;
        const posState = rel & pbMask;
        const state = this.state;
        if (this.bit(this.isMatch, (state << 4) | posState) === 0) {
          if (pos >= buf.length) {
            out.length = pos;
            out.reserve(1);
            buf = out.buf;
          }
          const prev = rel > 0 ? buf[pos - 1]! : 0;
          const base = 0x300 * (((rel & lpMask) << lc) + (prev >>> (8 - lc)));
          // Literal bits inlined with the coder in locals: this loop is the decoder's hot path.
          let sym = 1;
          let range = this.range;
          let code = this.code;
          let inPos = this.inPos;
          const input = this.input;
          const inEnd = this.inEnd;
          let matchByte = state >= 7 ? buf[pos - this.rep0 - 1]! : 0;
          let matched = state >= 7;
          while (sym < 0x100) {
            let i = base + sym;
            let matchBit = 0;
            if (matched) {
              matchBit = (matchByte >>> 7) & 1;
              matchByte <<= 1;
              i += (1 + matchBit) << 8;
            }
            if (range < TOP) {
              if (inPos >= inEnd) {
                this.inPos = inPos;
                throw new CorruptError('input ends inside LZMA data', inEnd);
              }
              range = (range << 8) >>> 0;
              code = ((code << 8) | input[inPos++]!) >>> 0;
            }
            const prob = literal[i]!;
            const bound = (range >>> 11) * prob;
            let b: number;
            if (code < bound) {
              range = bound;
              literal[i] = prob + ((2048 - prob) >>> 5);
              b = 0;
            } else {
              range -= bound;
              code -= bound;
              literal[i] = prob - (prob >>> 5);
              b = 1;
            }
            sym = (sym << 1) | b;
            if (matched && matchBit !== b) matched = false;
          }
          this.range = range;
          this.code = code;
          this.inPos = inPos;
          buf[pos++] = sym & 0xff;
          this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
          continue;
        }
        let len: number;
        if (this.bit(this.isRep, state) === 0) {
          len = this.length(this.lenProbs, posState);
          this.state = state < 7 ? 7 : 10;
          const dist = this.distance(len);
          if (dist === END_MARKER) {
            if (!allowMarker) throw new CorruptError('LZMA end marker where none is allowed', this.inPos);
            return 'marker';
          }
          this.rep3 = this.rep2;
          this.rep2 = this.rep1;
          this.rep1 = this.rep0;
          this.rep0 = dist;
          if (dist >= this.dictSize && dist >= 4096) this.distanceBeyondDict = true;
        } else {
          if (this.bit(this.isRepG0, state) === 0) {
            if (this.bit(this.isRep0Long, (state << 4) | posState) === 0) {
              // Short rep: one byte at distance rep0.
              this.state = state < 7 ? 9 : 11;
              if (this.rep0 >= rel) throw new CorruptError('LZMA rep distance before the dictionary start', this.inPos);
              if (pos >= buf.length) {
                out.length = pos;
                out.reserve(1);
                buf = out.buf;
              }
              buf[pos] = buf[pos - this.rep0 - 1]!;
              pos++;
              continue;
            }
          } else {
            let dist: number;
            if (this.bit(this.isRepG1, state) === 0) {
              dist = this.rep1;
            } else {
              if (this.bit(this.isRepG2, state) === 0) {
                dist = this.rep2;
              } else {
                dist = this.rep3;
                this.rep3 = this.rep2;
              }
              this.rep2 = this.rep1;
            }
            this.rep1 = this.rep0;
            this.rep0 = dist;
          }
          len = this.length(this.repLenProbs, posState);
          this.state = state < 7 ? 8 : 11;
        }
        const dist = this.rep0;
        if (dist >= rel) throw new CorruptError('LZMA match distance before the dictionary start', this.inPos);
        let n = len + MATCH_MIN;
        if (pos + n > outEnd) {
          this.matchOverrun = true;
          n = outEnd - pos;
        }
        if (pos + n > buf.length) {
          out.length = pos;
          out.reserve(n);
          buf = out.buf;
        }
        let from = pos - dist - 1;
        if (dist + 1 >= n) {
          buf.copyWithin(pos, from, from + n);
          pos += n;
        } else {
          const stop = pos + n;
          while (pos < stop) buf[pos++] = buf[from++]!;
        }
      }
      return 'size';
    } finally {
      out.length = pos;
    }
  }
}
