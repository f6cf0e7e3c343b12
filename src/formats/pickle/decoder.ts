// Streaming pickle opcode decoder with CPython `_pickle.c` argument semantics. Reads linearly across FRAME
// boundaries the way the C unpickler does (a frame only pre-reads bytes) and flags what a strict framed
// reader would reject. Payloads are skipped, never copied; the decoder allocates nothing per opcode
// except decoded short strings.
import type { ByteSource } from '../../sources/byte-source.js';
import { Arg, ARG_KIND, Op } from './opcodes.js';
import { latin1Text } from './short-string.js';
import {
  decodeUtf8SurrogatePass,
  latin1,
  parseDecimalKey,
  parseFloatLine,
  parseIntLine,
  parseLongLine,
  parseQuotedString,
  parseRawUnicodeEscape,
} from './text-args.js';

/** Why decoding stopped before a STOP opcode. */
export type DecodeFailureCode = 'EOF' | 'TRUNCATED' | 'UNKNOWN_OPCODE';

export interface DecodeFailure {
  readonly code: DecodeFailureCode;
  readonly message: string;
  /** Offset of the opcode that could not be decoded. */
  readonly offset: number;
  readonly opcode?: number;
}

export interface DecoderOptions {
  /** Strings longer than this (in bytes) are skipped and reported by position only. */
  keepStringBytes?: number;
  /** Text lines longer than this are consumed but not decoded (argErr is set). */
  maxLineBytes?: number;
  /** Read-ahead window for sources not in memory (tests use tiny windows to exercise refills). */
  chunkBytes?: number;
}

const CHUNK = 1 << 20;
/**
 * The first window of a source not in memory; each refill doubles it up to CHUNK. Most streams that are no pickle
 * end at their first opcode, and a remote source fetches what a window asks for (a 1 MiB first window read 1 MiB
 * of every large remote file; local reads only cost a few more calls).
 */
const FIRST_WINDOW = 4096;

/**
 * `argErr` of a text argument longer than `maxLineBytes`: consumed but not decoded. Not an error CPython raises
 * (it reads lines of any length), so the VM treats the value as unknown and reads on.
 */
export const LINE_TOO_LONG = 'argument line too long to decode (read on as an unknown value)';
const TWO32 = 4294967296;

/**
 * Decodes one opcode per `next()` call into public fields. Fields are valid until the following call.
 * Structural failures (unknown opcode, truncated argument, end of input) end decoding: `next()` returns
 * false and `failure` says why. Argument-level errors that CPython raises while the stream itself stays
 * decodable (bad INT literal, invalid UTF-8, unquoted STRING) are reported in `argErr`.
 */
export class PickleDecoder {
  // Window over the source: buf[pos..lim) holds bytes at absolute offsets base+pos.. .
  private buf: Uint8Array;
  /** The same bytes as `buf`, as a Buffer (fast latin-1 string decoding). */
  private bufB: Buffer;
  private base: number;
  private pos: number;
  private lim: number;
  private readonly inMemory: boolean;
  private readonly keepString: number;
  private readonly maxLine: number;
  private readonly chunk: number;
  /** The next refill's size: FIRST_WINDOW, doubled at each refill up to `chunk`. */
  private window: number;
  /**
   * The last well-formed GLOBAL/INST argument (both lines, newlines included) and its decoded names: an identical
   * next import is recognised by comparing bytes, without searching for newlines or decoding text again (import
   * floods repeat one import millions of times).
   */
  private lastImport: Uint8Array | undefined = undefined;
  private lastImportOp = -1;
  private lastImportNames: [string, string] = ['', ''];

  /** Opcode byte and its absolute offset. */
  op = 0;
  offset = 0;
  /** Absolute offset just past the opcode's argument. */
  argEnd = 0;
  /** Integer argument or value (U1/U2/I4/U4/U8, BININT*, INT/LONG when safe, memo keys, lengths). */
  num = 0;
  /** Integer value when it does not fit a safe JS integer (LONG, LONG1/4, INT fallback). */
  big: bigint | undefined = undefined;
  /** INT opcode produced a bool ("I00\n" / "I01\n"). */
  isBool = false;
  /** BINFLOAT / FLOAT value. */
  flt = 0;
  /** Decoded text argument (strings, GLOBAL/INST module, PERSID line). */
  str: string | undefined = undefined;
  /** GLOBAL/INST second line (name). */
  str2: string | undefined = undefined;
  /** Absolute offset and length of a counted payload (bytes, strings, LONG1/4 bodies). */
  payOff = 0;
  payLen = 0;
  /** CPython would raise on this opcode's argument; the message says why. */
  argErr: string | undefined = undefined;
  /** The opcode started inside a frame. */
  inFrame = false;
  /** The opcode or its argument runs past the end of the frame it started in. */
  straddle = false;
  /** FRAME opened before the previous frame ended. */
  frameNested = false;
  /** FRAME declares more bytes than remain in the stream. */
  frameBeyondEnd = false;
  /** Absolute end of the current frame, or -1 outside frames. */
  frameEnd = -1;
  failure: DecodeFailure | undefined = undefined;

  constructor(
    private readonly src: ByteSource,
    start = 0,
    /** Absolute end of the region to decode. */
    readonly end = src.size,
    opts: DecoderOptions = {},
  ) {
    this.keepString = opts.keepStringBytes ?? 4096;
    this.maxLine = opts.maxLineBytes ?? 1 << 20;
    this.chunk = opts.chunkBytes ?? CHUNK;
    this.window = Math.min(this.chunk, FIRST_WINDOW);
    if (src.bytes) {
      this.inMemory = true;
      this.buf = src.bytes.subarray(0, end);
      this.bufB = asBuffer(this.buf);
      this.base = 0;
      this.pos = start;
      this.lim = this.buf.length;
    } else {
      this.inMemory = false;
      this.buf = new Uint8Array(0);
      this.bufB = asBuffer(this.buf);
      this.base = start;
      this.pos = 0;
      this.lim = 0;
    }
  }

  /** Absolute offset of the next unread byte. */
  get position(): number {
    return this.base + this.pos;
  }

  // ---- the read window, for the VM's fused fast path (which decodes common opcodes itself) ----

  /** Window bytes: `windowBytes[windowPos .. windowLim)` are the bytes at absolute offsets `windowBase + windowPos ..`. */
  get windowBytes(): Uint8Array {
    return this.buf;
  }
  /** The window as a Buffer (native Latin-1 slicing of longer strings). */
  get windowText(): Buffer {
    return this.bufB;
  }
  get windowPos(): number {
    return this.pos;
  }
  get windowLim(): number {
    return this.lim;
  }
  get windowBase(): number {
    return this.base;
  }
  /** Strings up to this many bytes are decoded; longer ones are kept by position (see DecoderOptions). */
  get keepStringBytes(): number {
    return this.keepString;
  }
  /**
   * Hands back the cursor after the caller consumed whole opcodes from the window (`p` in window coordinates,
   * at most `windowLim`, never across a frame end). The fields describing the last opcode are left as they were.
   */
  resumeAt(p: number): void {
    this.pos = p;
  }

  /** Restarts decoding at an absolute offset (used after consuming out-of-band data such as joblib arrays). */
  seek(abs: number): void {
    if (this.inMemory) {
      this.pos = abs;
    } else if (abs >= this.base && abs <= this.base + this.lim) {
      this.pos = abs - this.base;
    } else {
      this.base = abs;
      this.pos = 0;
      this.lim = 0;
    }
    if (this.frameEnd >= 0 && abs >= this.frameEnd) this.frameEnd = -1;
  }

  private fill(n: number): boolean {
    if (this.lim - this.pos >= n) return true;
    if (this.inMemory) return false;
    const abs = this.base + this.pos;
    const toRead = Math.min(Math.max(n, this.window), this.end - abs);
    this.window = Math.min(this.chunk, this.window * 2);
    if (toRead <= 0) return false;
    return this.load(abs, toRead) >= n;
  }

  /** Moves the window to absolute offset `abs` and loads up to `want` bytes into it; returns how many it holds. */
  private load(abs: number, want: number): number {
    if (this.buf.length < want) {
      // Sized to what is left of the region (a 1 KB pickle gets a 1 KB window), at most one chunk unless one read
      // needs more.
      this.buf = new Uint8Array(Math.max(want, Math.min(this.chunk, this.end - abs)));
      this.bufB = asBuffer(this.buf);
    }
    let got: number;
    if (this.src.readInto !== undefined) got = this.src.readInto(abs, this.buf.subarray(0, want));
    else {
      const chunk = this.src.read(abs, want);
      this.buf.set(chunk, 0);
      got = chunk.length;
    }
    this.base = abs;
    this.pos = 0;
    this.lim = got;
    return got;
  }

  private skip(n: number): void {
    this.pos += n;
    if (!this.inMemory && this.pos > this.lim) {
      this.base += this.pos;
      this.pos = 0;
      this.lim = 0;
    }
  }

  /** Reads bytes [abs, abs+len) of the region (for payloads the VM needs later). */
  readPayload(abs: number, len: number): Uint8Array {
    if (this.inMemory) return this.buf.subarray(abs, abs + len);
    return this.src.read(abs, len).slice();
  }

  private fail(code: DecodeFailureCode, message: string): false {
    this.failure = { code, message, offset: this.offset, opcode: this.op };
    return false;
  }

  /**
   * Reads a '\n'-terminated line (newline included). Returns null when the line is longer than
   * maxLineBytes (it is consumed), undefined when the input ends first (failure set).
   */
  private readLine(): Uint8Array | null | undefined {
    for (;;) {
      const idx = this.buf.indexOf(0x0a, this.pos);
      if (idx >= 0 && idx < this.lim) {
        const line = this.buf.subarray(this.pos, idx + 1);
        this.pos = idx + 1;
        if (line.length > this.maxLine) return null;
        return line;
      }
      const have = this.lim - this.pos;
      if (this.inMemory || this.base + this.lim >= this.end) {
        this.fail('TRUNCATED', 'pickle data was truncated (no newline before end of input)');
        return undefined;
      }
      if (have > this.maxLine) {
        // Consume up to the newline without keeping the bytes.
        this.skip(have);
        for (;;) {
          if (!this.fill(1)) {
            this.fail('TRUNCATED', 'pickle data was truncated (no newline before end of input)');
            return undefined;
          }
          const j = this.buf.indexOf(0x0a, this.pos);
          if (j >= 0 && j < this.lim) {
            this.pos = j + 1;
            return null;
          }
          this.skip(this.lim - this.pos);
        }
      }
      // Grow the window so the whole line fits.
      // A source that yields no more than the window held (a file cut short while it is read) ends the line.
      const abs = this.base + this.pos;
      if (this.load(abs, Math.min(Math.max(have * 2, this.chunk), this.end - abs)) <= have) {
        this.fail('TRUNCATED', 'pickle data was truncated (no newline before end of input)');
        return undefined;
      }
    }
  }

  private readU(n: number): number | undefined {
    if (!this.fill(n)) return undefined;
    const b = this.buf;
    const p = this.pos;
    let v: number;
    switch (n) {
      case 1:
        v = b[p]!;
        break;
      case 2:
        v = b[p]! | (b[p + 1]! << 8);
        break;
      case 4:
        v = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 16777216;
        break;
      default: {
        const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 16777216;
        const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16)) + b[p + 7]! * 16777216;
        v = hi >= 0x200000 ? Infinity : hi * TWO32 + lo;
      }
    }
    this.pos += n;
    return v;
  }

  private decodeShortText(len: number, utf8: boolean): string | undefined {
    const b = this.buf;
    const p = this.pos;
    let ascii = true;
    for (let i = 0; i < len; i++) {
      if (b[p + i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii || !utf8) return latin1Text(b, this.bufB, p, len);
    return decodeUtf8SurrogatePass(b.subarray(p, p + len));
  }

  /**
   * Decodes the next opcode. Returns false at a structural failure (see `failure`). Only the fields an
   * opcode defines are written: `str`/`str2` for text arguments, `num`/`big`/`isBool` for integers,
   * `frameNested`/`frameBeyondEnd` for FRAME; `argErr` and `straddle` are reset for every opcode.
   */
  next(): boolean {
    let pos = this.pos;
    const start = this.base + pos;
    this.offset = start;
    if (start >= this.end) {
      this.op = -1;
      return this.fail('EOF', 'Ran out of input');
    }
    if (this.frameEnd >= 0 && start >= this.frameEnd) this.frameEnd = -1;
    this.inFrame = this.frameEnd >= 0;
    if (pos >= this.lim) {
      if (!this.fill(1)) return this.fail('EOF', 'Ran out of input');
      pos = this.pos;
    }
    const op = this.buf[pos]!;
    this.pos = pos + 1;
    this.op = op;
    this.argErr = undefined;
    this.straddle = false;
    const kind = ARG_KIND[op]!;
    switch (kind) {
      case -1:
        this.pos--;
        return this.fail('UNKNOWN_OPCODE', `invalid load key, '\\x${op.toString(16).padStart(2, '0')}'`);
      case Arg.None:
        if (this.inFrame && start + 1 > this.frameEnd) this.straddle = true;
        this.argEnd = start + 1;
        return true;
      case Arg.U1:
      case Arg.U2:
      case Arg.U4:
      case Arg.I4:
      case Arg.F8:
        // Fast path: the window holds the whole fixed-size argument (nearly always). Otherwise the general
        // readers refill the window or report truncation.
        if (this.lim - pos >= 9) {
          this.fixedArg(kind, pos + 1);
          break;
        }
        if (!this.generalArg(op, kind)) return false;
        break;
      default:
        if (!this.generalArg(op, kind)) return false;
    }
    return this.finishArg(op);
  }

  /** Fixed-size argument read straight from the window at `p`; the caller checked that 8 bytes are there. */
  private fixedArg(kind: number, p: number): void {
    const b = this.buf;
    switch (kind) {
      case Arg.U1:
        this.num = b[p]!;
        this.pos = p + 1;
        return;
      case Arg.U2:
        this.num = b[p]! | (b[p + 1]! << 8);
        this.pos = p + 2;
        return;
      case Arg.U4:
        this.num = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 16777216;
        this.pos = p + 4;
        return;
      case Arg.I4:
        this.num = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
        this.pos = p + 4;
        return;
      default:
        // F8: the value itself is never needed for analysis (see floatValue()).
        this.pos = p + 8;
    }
  }

  /** Any argument, refilling the window as needed. Returns false at a structural failure. */
  private generalArg(op: number, kind: number): boolean {
    switch (kind) {
      case Arg.U1:
        if (this.pos >= this.lim && !this.fill(1)) return this.fail('TRUNCATED', 'pickle data was truncated');
        this.num = this.buf[this.pos++]!;
        break;
      case Arg.U2:
      case Arg.U4: {
        const v = this.readU(kind === Arg.U2 ? 2 : 4);
        if (v === undefined) return this.fail('TRUNCATED', 'pickle data was truncated');
        this.num = v;
        break;
      }
      case Arg.I4: {
        const v = this.readU(4);
        if (v === undefined) return this.fail('TRUNCATED', 'pickle data was truncated');
        this.num = v | 0;
        break;
      }
      case Arg.U8: {
        const v = this.readU(8);
        if (v === undefined) return this.fail('TRUNCATED', 'pickle data was truncated');
        this.num = v;
        break;
      }
      case Arg.F8:
        // The value itself is never needed for analysis: skip the 8 bytes (see floatValue()).
        if (!this.fill(8)) return this.fail('TRUNCATED', 'pickle data was truncated');
        this.pos += 8;
        break;
      case Arg.Line:
        this.str = undefined;
        if (!this.decodeLineArg(op)) return false;
        break;
      case Arg.TwoLines: {
        if (this.repeatsLastImport(op)) break;
        const startAbs = this.base + this.pos;
        const l1 = this.readLine();
        if (l1 === undefined) return false;
        const s1 = l1 === null ? undefined : this.lineText(l1, op === Op.GLOBAL);
        const l2 = this.readLine();
        if (l2 === undefined) return false;
        const s2 = l2 === null ? undefined : this.lineText(l2, op === Op.GLOBAL);
        if (l1 === null || l2 === null) this.argErr = LINE_TOO_LONG;
        else if (l1.length < 2 || l2.length < 2) this.argErr = 'pickle data was truncated (empty import line)';
        else if (s1 === undefined || s2 === undefined)
          this.argErr = op === Op.GLOBAL ? 'import line is not valid UTF-8' : 'import line is not ASCII';
        // Undecodable lines are still shown (latin-1 view) so evidence names what the stream says.
        this.str = s1 ?? (l1 === null ? undefined : latin1(l1.subarray(0, l1.length - 1)));
        this.str2 = s2 ?? (l2 === null ? undefined : latin1(l2.subarray(0, l2.length - 1)));
        if (this.argErr === undefined) this.rememberImport(op, startAbs - this.base);
        break;
      }
      default:
        this.str = undefined;
        if (!this.decodeCounted(op, kind)) return false;
    }
    return true;
  }

  /** The argument at the window position repeats the last import byte for byte: names reused, position advanced. */
  private repeatsLastImport(op: number): boolean {
    const last = this.lastImport;
    if (last === undefined || op !== this.lastImportOp) return false;
    const n = last.length;
    const buf = this.buf;
    const p = this.pos;
    if (this.lim - p < n) return false;
    for (let i = 0; i < n; i++) if (buf[p + i] !== last[i]) return false;
    this.pos = p + n;
    this.str = this.lastImportNames[0];
    this.str2 = this.lastImportNames[1];
    return true;
  }

  private rememberImport(op: number, start: number): void {
    const len = this.pos - start;
    // Window refills move bytes: remember only an argument still wholly in the window, and only short ones.
    if (start < 0 || len > 512 || this.str === undefined || this.str2 === undefined) return;
    this.lastImport = this.buf.slice(start, this.pos);
    this.lastImportOp = op;
    this.lastImportNames = [this.str, this.str2];
  }

  /** Argument end, frame straddle, and FRAME bookkeeping, common to every opcode with an argument. */
  private finishArg(op: number): boolean {
    const argEnd = this.base + this.pos;
    this.argEnd = argEnd;
    if (this.inFrame && argEnd > this.frameEnd) this.straddle = true;
    if (op === Op.FRAME) {
      this.frameNested = this.frameEnd >= 0;
      const fe = argEnd + this.num;
      this.frameEnd = fe;
      this.frameBeyondEnd = !(fe <= this.end);
    }
    return true;
  }

  /** The BINFLOAT value of the opcode just decoded (read back from the stream on demand). */
  floatValue(): number {
    const b = this.readPayload(this.argEnd - 8, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false);
  }

  /** GLOBAL decodes its lines as UTF-8, INST as ASCII (both strict, newline excluded). */
  private lineText(line: Uint8Array, utf8: boolean): string | undefined {
    const body = line.subarray(0, line.length - 1);
    if (!isAsciiBytes(body)) return utf8 ? decodeUtf8SurrogatePassStrict(body) : undefined;
    // Lines are views of the window: decode in place (short names without a native call).
    return latin1Text(this.buf, this.bufB, body.byteOffset - this.buf.byteOffset, body.length);
  }

  private decodeLineArg(op: number): boolean {
    const line = this.readLine();
    if (line === undefined) return false;
    if (line === null) {
      this.argErr = LINE_TOO_LONG;
      return true;
    }
    switch (op) {
      case Op.INT: {
        const r = parseIntLine(line);
        if (!r.ok) this.argErr = r.error;
        else this.setInt(r.value, r.isBool);
        break;
      }
      case Op.LONG: {
        const r = parseLongLine(line);
        if (!r.ok) this.argErr = r.error;
        else this.setInt(r.value, false);
        break;
      }
      case Op.FLOAT: {
        const r = parseFloatLine(line);
        if (!r.ok) this.argErr = r.error;
        else this.flt = r.value;
        break;
      }
      case Op.STRING: {
        const r = parseQuotedString(line);
        if (!r.ok) this.argErr = r.error;
        else {
          // CPython then decodes with the unpickler's encoding (ASCII by default, latin-1 in numpy/torch
          // legacy paths); the latin-1 view is the lenient superset.
          this.str = latin1(r.bytes);
        }
        break;
      }
      case Op.UNICODE: {
        const r = parseRawUnicodeEscape(line.subarray(0, line.length - 1));
        if (!r.ok) this.argErr = r.error;
        else this.str = r.value;
        break;
      }
      case Op.PERSID: {
        const body = line.subarray(0, line.length - 1);
        this.str = latin1(body);
        if (!isAsciiBytes(body)) this.argErr = 'persistent id is not ASCII';
        break;
      }
      case Op.GET:
      case Op.PUT: {
        const v = parseDecimalKey(line);
        if (v === undefined) this.argErr = 'invalid literal for int() with base 10';
        else this.setInt(v, false);
        break;
      }
    }
    return true;
  }

  private setInt(v: bigint, isBool: boolean): void {
    this.isBool = isBool;
    if (v >= -9007199254740991n && v <= 9007199254740991n) {
      this.num = Number(v);
      this.big = undefined;
    } else {
      this.num = v > 0n ? Infinity : -Infinity;
      this.big = v;
    }
  }

  private decodeCounted(op: number, kind: number): boolean {
    let len: number | undefined;
    if (kind === Arg.Counted1) len = this.readU(1);
    else if (kind === Arg.Counted8) len = this.readU(8);
    else {
      len = this.readU(4);
      if (len !== undefined && kind === Arg.Counted4Signed && len >= 0x80000000) {
        this.argErr = 'LONG pickle has negative byte count';
        len = 0;
      }
    }
    if (len === undefined) return this.fail('TRUNCATED', 'pickle data was truncated');
    const payOff = this.base + this.pos;
    this.payOff = payOff;
    this.payLen = len;
    if (!(payOff + len <= this.end)) return this.fail('TRUNCATED', 'pickle data was truncated');
    switch (op) {
      case Op.SHORT_BINUNICODE:
      case Op.BINUNICODE:
      case Op.BINUNICODE8:
        if (len <= this.keepString) {
          if (!this.fill(len)) return this.fail('TRUNCATED', 'pickle data was truncated');
          const s = this.decodeShortText(len, true);
          if (s === undefined) this.argErr = "'utf-8' codec can't decode string argument";
          this.str = s;
          this.pos += len;
        } else this.skip(len);
        break;
      case Op.SHORT_BINSTRING:
      case Op.BINSTRING:
        if (len <= this.keepString) {
          if (!this.fill(len)) return this.fail('TRUNCATED', 'pickle data was truncated');
          this.str = this.decodeShortText(len, false);
          this.pos += len;
        } else this.skip(len);
        break;
      case Op.LONG1:
      case Op.LONG4:
        if (len <= 4096) {
          if (!this.fill(len)) return this.fail('TRUNCATED', 'pickle data was truncated');
          this.setInt(decodeLongLE(this.buf, this.pos, len), false);
          this.pos += len;
        } else {
          this.num = NaN;
          this.skip(len);
        }
        break;
      default:
        this.skip(len);
    }
    return true;
  }
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}

function isAsciiBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** GLOBAL lines are decoded with strict UTF-8 (no surrogatepass). */
function decodeUtf8SurrogatePassStrict(b: Uint8Array): string | undefined {
  if (isAsciiBytes(b)) return latin1(b);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** Little-endian two's-complement integer of `len` bytes (LONG1/LONG4 bodies). */
export function decodeLongLE(b: Uint8Array, p: number, len: number): bigint {
  if (len === 0) return 0n;
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i]!);
  if (b[p + len - 1]! & 0x80) v -= 1n << BigInt(8 * len);
  return v;
}
