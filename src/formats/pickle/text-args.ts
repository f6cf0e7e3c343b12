// Text and string arguments decoded exactly as CPython's C unpickler (_pickle.c) decodes them:
// INT via strtol(base 0) with a PyLong_FromString fallback, LONG, FLOAT, quoted STRING escapes,
// raw-unicode-escape for UNICODE, UTF-8 with surrogatepass for BINUNICODE*. Each returns a value or an error text.

import { latin1 as latin1Decoder, utf8Strict } from '../../core/text-decoders.js';

/** C isspace() in the "C" locale. */
function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

/** The line as a C string: CPython copies the line and C string functions stop at the first NUL. */
function cString(line: Uint8Array): Uint8Array {
  const nul = line.indexOf(0);
  return nul >= 0 ? line.subarray(0, nul) : line;
}

export type IntResult = { ok: true; value: bigint; isBool: boolean } | { ok: false; error: string };

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * glibc strtol(s, &end, 0): returns the value and the index where parsing stopped, or `end = 0` when no
 * digits were consumed. `overflow` mirrors errno == ERANGE.
 */
function strtol0(s: Uint8Array): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && isCSpace(s[i]!)) i++;
  let neg = false;
  if (s[i] === 0x2b || s[i] === 0x2d) {
    neg = s[i] === 0x2d;
    i++;
  }
  let base = 10;
  if (s[i] === 0x30) {
    if ((s[i + 1] === 0x78 || s[i + 1] === 0x58) && digitValue(s[i + 2] ?? 0) < 16) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  const digitsStart = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < s.length && digitValue(s[i]!) < base) {
    v = v * b + BigInt(digitValue(s[i]!));
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: 0, overflow: false };
  if (neg) v = -v;
  const overflow = v > LONG_MAX || v < LONG_MIN;
  return { value: v, end: i, overflow };
}

/** PyLong_FromString(s, NULL, base) with base 0 or 10 on a C string: whole string must be consumed. */
export function pyLongFromString(raw: Uint8Array, base: 0 | 10): bigint | undefined {
  const s = cString(raw);
  let i = 0;
  while (i < s.length && isCSpace(s[i]!)) i++;
  let neg = false;
  if (s[i] === 0x2b || s[i] === 0x2d) {
    neg = s[i] === 0x2d;
    i++;
  }
  let b = base === 0 ? 10 : 10;
  let prefixed = false;
  if (base === 0 && s[i] === 0x30) {
    const p = s[i + 1];
    if (p === 0x78 || p === 0x58) b = 16;
    else if (p === 0x6f || p === 0x4f) b = 8;
    else if (p === 0x62 || p === 0x42) b = 2;
    if (b !== 10) {
      i += 2;
      prefixed = true;
      if (s[i] === 0x5f) i++; // one underscore allowed right after the prefix
    }
  }
  const start = i;
  let v = 0n;
  let lastUnderscore = false;
  let digits = 0;
  let allZero = true;
  const bb = BigInt(b);
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === 0x5f) {
      if (lastUnderscore || digits === 0) return undefined;
      lastUnderscore = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= b) break;
    if (d !== 0) allZero = false;
    v = v * bb + BigInt(d);
    digits++;
    lastUnderscore = false;
  }
  if (digits === 0 || lastUnderscore) return undefined;
  // Base 0 forbids leading zeros in a non-zero decimal literal ("010").
  if (base === 0 && !prefixed && s[start] === 0x30 && !allZero) return undefined;
  while (i < s.length && isCSpace(s[i]!)) i++;
  if (i !== s.length) return undefined;
  return neg ? -v : v;
}

/** INT opcode ('I'): `line` includes the trailing '\n'. */
export function parseIntLine(line: Uint8Array): IntResult {
  if (line.length < 2) return { ok: false, error: 'pickle data was truncated (INT line too short)' };
  const s = cString(line);
  const r = strtol0(s);
  const stopAt = r.end === 0 ? 0 : r.end;
  const stopChar = stopAt < s.length ? s[stopAt] : 0; // reaching the NUL terminator reads as '\0'
  if (r.end !== 0 && !r.overflow && (stopChar === 0x0a || stopChar === 0)) {
    const isBool = line.length === 3 && (r.value === 0n || r.value === 1n);
    return { ok: true, value: r.value, isBool };
  }
  const v = pyLongFromString(line, 0);
  if (v === undefined) return { ok: false, error: 'could not convert string to int' };
  return { ok: true, value: v, isBool: false };
}

/** LONG opcode ('L'): optional trailing 'L' before the newline. */
export function parseLongLine(line: Uint8Array): IntResult {
  if (line.length < 2) return { ok: false, error: 'pickle data was truncated (LONG line too short)' };
  let body = line;
  if (line[line.length - 2] === 0x4c) body = line.subarray(0, line.length - 2);
  const v = pyLongFromString(body, 0);
  if (v === undefined) return { ok: false, error: 'invalid literal for int() with base 0' };
  return { ok: true, value: v, isBool: false };
}

/** GET/PUT text keys: PyLong_FromString(s, NULL, 10). */
export function parseDecimalKey(line: Uint8Array): bigint | undefined {
  return pyLongFromString(line, 10);
}

const FLOAT_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;

/** FLOAT opcode ('F'): PyOS_string_to_double, which must stop at '\n' or NUL. */
export function parseFloatLine(line: Uint8Array): { ok: true; value: number } | { ok: false; error: string } {
  const s = latin1Decoder().decode(cString(line));
  const m = FLOAT_RE.exec(s);
  if (!m) return { ok: false, error: 'could not convert string to float' };
  const rest = s.slice(m[0].length);
  if (!(rest === '' || rest.startsWith('\n'))) return { ok: false, error: 'could not convert string to float' };
  const t = m[0].toLowerCase().replace(/^\+/, '');
  let v: number;
  if (t.endsWith('inf') || t.endsWith('infinity')) v = t.startsWith('-') ? -Infinity : Infinity;
  else if (t.endsWith('nan')) v = NaN;
  else {
    v = Number(t);
    if (!Number.isFinite(v)) return { ok: false, error: 'float overflow' };
  }
  return { ok: true, value: v };
}

/**
 * STRING opcode ('S'): strip the newline, require matching outer quotes, then Python bytes-escape decoding.
 * Returns the decoded bytes; CPython then decodes them with the unpickler's encoding (ASCII by default).
 */
export function parseQuotedString(line: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const len = line.length - 1;
  const q = line[0];
  if (!(len >= 2 && q === line[len - 1] && (q === 0x27 || q === 0x22))) {
    return { ok: false, error: 'the STRING opcode argument must be quoted' };
  }
  const out: number[] = [];
  const end = len - 1;
  for (let i = 1; i < end; i++) {
    const c = line[i]!;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    i++;
    if (i >= end) return { ok: false, error: 'Trailing \\ in string' };
    const e = line[i]!;
    switch (e) {
      case 0x0a:
        break; // backslash-newline: line continuation
      case 0x5c:
      case 0x27:
      case 0x22:
        out.push(e);
        break;
      case 0x61:
        out.push(7);
        break;
      case 0x62:
        out.push(8);
        break;
      case 0x66:
        out.push(12);
        break;
      case 0x6e:
        out.push(10);
        break;
      case 0x72:
        out.push(13);
        break;
      case 0x74:
        out.push(9);
        break;
      case 0x76:
        out.push(11);
        break;
      case 0x78: {
        const h1 = digitValue(line[i + 1] ?? 0);
        const h2 = digitValue(line[i + 2] ?? 0);
        if (i + 2 >= end || h1 >= 16 || h2 >= 16) return { ok: false, error: 'invalid \\x escape' };
        out.push(h1 * 16 + h2);
        i += 2;
        break;
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          let n = 1;
          while (n < 3 && i + 1 < end && line[i + 1]! >= 0x30 && line[i + 1]! <= 0x37) {
            v = v * 8 + (line[i + 1]! - 0x30);
            i++;
            n++;
          }
          out.push(v & 0xff);
        } else {
          out.push(0x5c, e); // unknown escape: kept verbatim (DeprecationWarning in CPython)
        }
    }
  }
  return { ok: true, bytes: Uint8Array.from(out) };
}

/** UNICODE opcode ('V'): raw-unicode-escape over the line without its newline. */
export function parseRawUnicodeEscape(body: Uint8Array): { ok: true; value: string } | { ok: false; error: string } {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== 0x5c) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    // Count the run of backslashes: only an odd count before 'u'/'U' starts an escape.
    let j = i;
    while (j < body.length && body[j] === 0x5c) j++;
    const run = j - i;
    const next = body[j];
    if (run % 2 === 1 && (next === 0x75 || next === 0x55)) {
      out += '\\'.repeat(run - 1);
      const digits = next === 0x75 ? 4 : 8;
      let v = 0;
      for (let k = 0; k < digits; k++) {
        const d = digitValue(body[j + 1 + k] ?? 0);
        if (d >= 16) return { ok: false, error: `truncated \\${digits === 4 ? 'uXXXX' : 'UXXXXXXXX'} escape` };
        v = v * 16 + d;
      }
      if (v > 0x10ffff) return { ok: false, error: '\\Uxxxxxxxx out of range' };
      out += String.fromCodePoint(v);
      i = j + 1 + digits;
    } else {
      out += '\\'.repeat(run);
      i = j;
    }
  }
  return { ok: true, value: out };
}

/** UTF-8 with CPython's "surrogatepass": lone surrogates encoded as 3-byte sequences are accepted. */
export function decodeUtf8SurrogatePass(b: Uint8Array): string | undefined {
  try {
    return utf8Strict().decode(b);
  } catch {
    // fall through to the manual decoder, which differs only in accepting ED A0..BF xx
  }
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else return undefined;
    if (i + need >= b.length) return undefined;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff) return undefined;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Bytes as a Python 'latin-1' string (lenient view of BINSTRING/STRING contents). */
export function latin1(b: Uint8Array): string {
  return latin1Decoder().decode(b);
}

export function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/**
 * The ASCII subset of the identifier pattern below (`dottedIdent`): in ASCII, \p{L} is A-Z a-z, \p{Nd} is 0-9, \p{Pc}
 * is _ and the other classes are empty.
 */
const DOTTED_IDENT_ASCII = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NOT_PRINTABLE_ASCII = /[^ -~]/; // anything outside printable ASCII goes to the full pattern
/**
 * Built on first use: a Unicode property pattern costs about 2 ms to create and first run (ICU sets), paid at every
 * start when it was a module constant; names are nearly always ASCII.
 */
let dottedIdent: RegExp | undefined;

/** Is `s` a dotted Python identifier (`pkg.mod`, `Class.method`)? */
export function isDottedIdentifier(s: string): boolean {
  if (s.length === 0 || s.length > 512) return false;
  if (!NOT_PRINTABLE_ASCII.test(s)) return DOTTED_IDENT_ASCII.test(s);
  dottedIdent ??=
    /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*(?:\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)*$/u;
  return dottedIdent.test(s);
}
