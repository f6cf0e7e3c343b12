// LZMA1 decoder core (range coder, literal/match/rep states), written from the format's published description;
// shared by .lzma (alone) streams, LZMA2 chunks and zip method 14. Output goes to a circular dictionary window
// (allocated as the output grows, at most the declared dictionary) and is handed out in bounded chunks.
import { CorruptError, LimitError } from '../../core/errors.js';
import type { CompressedInput } from './compressed-input.js';

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

/** The dictionary window's first allocation; it doubles as the output grows, up to the declared dictionary. */
const MIN_WINDOW = 64 * 1024;
/**
 * The largest dictionary window this reader holds. A stream may declare more (LZMA2 up to 4 GiB, .lzma any u32):
 * it is decoded with this window, and a match reaching further back fails closed with LimitError('lzmaWindowBytes')
 * (SCAN-INCOMPLETE) instead of an allocation beyond it. xz(1) presets use at most 64 MiB; with the 256 MiB a
 * counting pass keeps, this keeps a decode under 512 MB.
 */
export const MAX_LZMA_WINDOW = 128 * 1024 * 1024;
/** Output bytes decoded per step at most (a chunk handed out). */
const STEP = 2 * 1024 * 1024;

/** Why a decode returned. */
export type LzmaStop = 'size' | 'marker';

/** Output chunks: views of the decoder's window, valid until the next step. */
export type LzmaChunks<T> = Generator<Uint8Array, T, undefined>;

/** The window a dictionary of `dictSize` needs: at least 4 KiB, rounded up to 16 bytes, as liblzma allocates it. */
function dictionaryWindow(dictSize: number): number {
  return Math.ceil(Math.max(dictSize, 4096) / 16) * 16;
}

/** Bounds of one decoder; both default to this reader's (tests make them smaller). */
export interface LzmaDecoderOptions {
  /** Output bytes per step at most (default 2 MiB). */
  readonly step?: number;
  /** The largest window held (default MAX_LZMA_WINDOW). */
  readonly maxWindow?: number;
}

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
  private input: CompressedInput | undefined;
  /** Next input byte to read, and the end of the input this decoder may read. */
  inPos = 0;
  private inEnd = 0;
  // The input the range coder reads now: `buf[i]` is input byte `bufStart + i`, valid below `bufEnd` (≤ inEnd). A
  // view of the input's window (zero-copy), taken again when `inPos` reaches `bufEnd`.
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private bufEnd = 0;

  // Dictionary window: `win[pos]` is where the next output byte goes; the `min(rel, win.length)` bytes before it
  // (circularly) are the history matches may reach. It only wraps once it has grown to `maxWindow`.
  private win = new Uint8Array(0);
  private pos = 0;
  private maxWindow = 0;
  /** Output bytes since the dictionary reset (positions and distances count from it). */
  private rel = 0;
  /** Bytes of the current match still to copy (at distance rep0) when a step ended inside it. */
  private pending = 0;

  /** Declared dictionary size; a distance beyond it is reported once, not refused while the window holds it. */
  dictSize = 0;
  /** Set when a match distance exceeded `dictSize` (liblzma would refuse the stream). */
  distanceBeyondDict = false;
  /** Set when a match ran past the output end the caller asked for; the extra bytes were dropped. */
  matchOverrun = false;

  private readonly stepBytes: number;
  private readonly windowBound: number;

  constructor(opts: LzmaDecoderOptions = {}) {
    this.stepBytes = Math.max(1, opts.step ?? STEP);
    this.windowBound = Math.max(4096, opts.maxWindow ?? MAX_LZMA_WINDOW);
  }

  /** Bytes of the dictionary window allocated now. */
  get windowBytes(): number {
    return this.win.length;
  }

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

  /**
   * Starts a new, empty dictionary of `dictSize` bytes (the window already allocated is reused when it is not
   * larger than that dictionary needs). Earlier chunks must have been taken: the window is written over.
   */
  resetDictionary(dictSize: number): void {
    this.dictSize = dictSize;
    this.maxWindow = Math.min(dictionaryWindow(dictSize), this.windowBound);
    if (this.win.length > this.maxWindow) this.win = new Uint8Array(0);
    this.pos = 0;
    this.rel = 0;
    this.pending = 0;
  }

  /**
   * Starts the range coder on `input[pos, end)` (`end` ≤ its length): reads the 5 init bytes; returns the first byte
   * (0 in valid streams). The coder then reads the input forward, a window's view at a time.
   */
  initRangeCoder(input: CompressedInput, pos: number, end: number): number {
    this.input = input;
    this.inEnd = end;
    if (pos + 5 > end) throw new CorruptError('input ends inside the range coder init bytes', end);
    this.inPos = pos;
    this.bufStart = this.bufEnd = pos;
    const first = this.nextByte();
    let code = 0;
    for (let i = 0; i < 4; i++) code = ((code << 8) | this.nextByte()) >>> 0;
    this.code = code;
    this.range = 0xffffffff;
    return first;
  }

  /** The input byte at inPos, moving past it (the view is taken again at its end). */
  private nextByte(): number {
    if (this.inPos >= this.bufEnd) this.refill();
    return this.buf[this.inPos++ - this.bufStart]!;
  }

  /** The view of the input from inPos on: as much of [inPos, inEnd) as one window holds. */
  private refill(): void {
    if (this.inPos >= this.inEnd) throw new CorruptError('input ends inside LZMA data', this.inEnd);
    const input = this.input!;
    const view = input.chunk(this.inPos, this.inEnd - this.inPos);
    if (view.length === 0) throw new CorruptError('input ends inside LZMA data', this.inPos);
    this.buf = view;
    this.bufStart = this.inPos;
    this.bufEnd = this.inPos + view.length;
  }

  /** One normalisation step, as the decoder does at the end of a stream; true when the coder is finished (code 0). */
  finish(): boolean {
    if (this.range < TOP) this.normalize();
    return this.code === 0;
  }

  /** The range coder's read of compressed input after its init: one byte shifted into `code`. */
  private normalize(): void {
    if (this.inPos >= this.bufEnd) this.refill();
    this.range = (this.range << 8) >>> 0;
    this.code = ((this.code << 8) | this.buf[this.inPos++ - this.bufStart]!) >>> 0;
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
    const posState = this.rel & ((1 << this.pb) - 1);
    if (this.bit(this.isMatch, (this.state << 4) | posState) === 0) return false;
    if (this.bit(this.isRep, this.state) !== 0) return false;
    const len = this.length(this.lenProbs, posState);
    return this.distance(len) === END_MARKER;
  }

  /**
   * Decodes `size` output bytes (Infinity: until an end marker) or, when `allowMarker`, up to an end marker, in
   * chunks of at most 2 MiB. A match running past `size` is cut there (`matchOverrun`). Throws CorruptError on
   * invalid data after handing out the bytes decoded before it, and LimitError('lzmaWindowBytes') when a match
   * reaches further back than MAX_LZMA_WINDOW.
   */
  *decodeChunks(size: number, allowMarker: boolean): LzmaChunks<LzmaStop> {
    let left = size;
    for (;;) {
      if (left <= 0) {
        if (this.pending > 0) this.matchOverrun = true;
        this.pending = 0;
        return 'size';
      }
      const room = this.makeRoom();
      const start = this.pos;
      let stop: LzmaStop | undefined;
      try {
        stop = this.step(Math.min(left, room, this.stepBytes), allowMarker);
      } catch (e) {
        if (this.pos > start) yield this.win.subarray(start, this.pos);
        throw e;
      }
      left -= this.pos - start;
      if (this.pos > start) yield this.win.subarray(start, this.pos);
      if (stop === 'marker') return 'marker';
    }
  }

  /** Appends stored bytes to the dictionary (an LZMA2 uncompressed chunk), in chunks; a pending match is dropped. */
  *storeChunks(bytes: Uint8Array): LzmaChunks<void> {
    this.pending = 0;
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, this.makeRoom(), this.stepBytes);
      const start = this.pos;
      this.win.set(bytes.subarray(at, at + n), start);
      this.pos += n;
      this.rel += n;
      at += n;
      yield this.win.subarray(start, this.pos);
    }
  }

  /** Room after `pos` before the window must grow or wrap; grows it (doubling, up to maxWindow) or wraps it. */
  private makeRoom(): number {
    if (this.pos < this.win.length) return this.win.length - this.pos;
    if (this.win.length < this.maxWindow) {
      // Not wrapped yet: the history is win[0, pos).
      const bigger = new Uint8Array(Math.min(this.maxWindow, Math.max(MIN_WINDOW, this.win.length * 2)));
      bigger.set(this.win.subarray(0, this.pos));
      this.win = bigger;
    } else {
      this.pos = 0;
    }
    return this.win.length - this.pos;
  }

  /** The error for a match at distance `dist` (0-based) that the window does not hold. */
  private unreachable(dist: number): Error {
    if (dist >= this.rel) return new CorruptError('LZMA match distance before the dictionary start', this.inPos);
    // Within the declared dictionary but past the window held (only when the declared one is above the bound).
    if (dist < dictionaryWindow(this.dictSize)) {
      return new LimitError(
        'lzmaWindowBytes',
        `an LZMA match reaches ${dist + 1} bytes back, past the ${this.maxWindow}-byte dictionary window this ` +
          `reader holds (the stream declares ${this.dictSize} bytes)`,
      );
    }
    return new CorruptError('LZMA match distance beyond the dictionary size', this.inPos);
  }

  /**
   * Decodes exactly `n` output bytes into win[pos, pos + n) (n ≤ the room before the window's end), unless an end
   * marker comes first. Updates pos/rel even when it throws.
   */
  private step(n: number, allowMarker: boolean): 'marker' | undefined {
    const win = this.win;
    const size = win.length;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    const lc = this.lc;
    const literal = this.literal;
    let pos = this.pos;
    const stopAt = pos + n;
    // Output position (from the dictionary reset) of win[i] is relBase + i during this step: no wrap inside a step.
    const relBase = this.rel - pos;
    try {
      if (this.pending > 0) {
        const k = Math.min(this.pending, stopAt - pos);
        pos = this.copyMatch(pos, k);
        this.pending -= k;
      }
      while (pos < stopAt) {
        const rel = relBase + pos;
        const posState = rel & pbMask;
        const state = this.state;
        if (this.bit(this.isMatch, (state << 4) | posState) === 0) {
          const prev = rel > 0 ? win[pos > 0 ? pos - 1 : size - 1]! : 0;
          const base = 0x300 * (((rel & lpMask) << lc) + (prev >>> (8 - lc)));
          // Literal bits with the coder in locals: this loop is the decoder's hot path.
          let sym = 1;
          let range = this.range;
          let code = this.code;
          let matched = state >= 7;
          let matchByte = 0;
          if (matched) {
            const at = pos - this.rep0 - 1;
            matchByte = win[at < 0 ? at + size : at]!;
          }
          while (sym < 0x100) {
            let i = base + sym;
            let matchBit = 0;
            if (matched) {
              matchBit = (matchByte >>> 7) & 1;
              matchByte <<= 1;
              i += (1 + matchBit) << 8;
            }
            if (range < TOP) {
              this.range = range;
              this.code = code;
              this.normalize();
              range = this.range;
              code = this.code;
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
          win[pos++] = sym & 0xff;
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
              if (this.rep0 >= rel || this.rep0 >= size) throw this.unreachableAt(pos, relBase);
              const at = pos - this.rep0 - 1;
              win[pos] = win[at < 0 ? at + size : at]!;
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
        if (this.rep0 >= rel || this.rep0 >= size) throw this.unreachableAt(pos, relBase);
        const total = len + MATCH_MIN;
        const k = Math.min(total, stopAt - pos);
        pos = this.copyMatch(pos, k);
        this.pending = total - k;
      }
      return undefined;
    } finally {
      this.pos = pos;
      this.rel = relBase + pos;
    }
  }

  /** unreachable() with `rel` brought up to date first (it reads this.rel). */
  private unreachableAt(pos: number, relBase: number): Error {
    this.rel = relBase + pos;
    return this.unreachable(this.rep0);
  }

  /** Copies `k` bytes from distance rep0 to win[pos, pos + k) (no wrap at the destination); returns the new pos. */
  private copyMatch(pos: number, k: number): number {
    const win = this.win;
    const dist = this.rep0;
    const end = pos + k;
    let from = pos - dist - 1;
    if (from < 0) {
      // The source starts behind the wrap, after `pos`: a plain copy up to the window's end, then the rest from 0.
      from += win.length;
      const first = Math.min(k, win.length - from);
      win.copyWithin(pos, from, from + first);
      return first < k ? this.copyMatch(pos + first, k - first) : end;
    }
    if (k < 32) {
      while (pos < end) win[pos++] = win[from++]!;
    } else if (k <= dist + 1) {
      win.copyWithin(pos, from, end - dist - 1);
    } else if (dist === 0) {
      win.fill(win[from]!, pos, end);
    } else {
      // A repeating pattern: copy what is already there, doubling, each copy from before its destination.
      while (pos < end) {
        const n = Math.min(pos - from, end - pos);
        win.copyWithin(pos, from, from + n);
        pos += n;
      }
    }
    return end;
  }
}
