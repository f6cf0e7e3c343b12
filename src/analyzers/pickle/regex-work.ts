// The work `re._compile(pattern, flags)` does at load: the pickle of a compiled pattern is a call of re._compile
// with the pattern's text, and CPython's sre compiler (sre_parse, sre_compile) runs in Python over it. Its time is not
// proportional to the text: every character class costs a fixed setup (about 150 µs: the charset optimiser builds a
// 256-entry map, then a 65,536-entry one when a member is past U+00FF, and a bitmap of it), and a range costs about
// half a microsecond per code point of the Basic Multilingual Plane it spans (the optimiser walks every one, case-
// folding each under IGNORECASE), so `[\x00-\U0010ffff]` (nine characters of source) costs 25-35 ms and a 160 KB
// text of them minutes. Measured with Debian's Python 3.11 on the patterns below; the model is an upper bound in
// microseconds, whatever the flags (a `(?i)` in the text sets IGNORECASE as the flags argument does, and the cost
// without it is of the same order):
// - each code point outside a class: 4; each class: 150 plus, per range, 0.5 per BMP code point and 1/512 per code
//   point above it; a range whose end the scanner cannot read (`\N{...}`) spans all of Unicode.
// - a bytes pattern: 50 per byte (a class per three bytes, each over at most 256 values).
// Libraries write patterns of a few dozen characters (scikit-learn's token_pattern `(?u)\b\w\w+\b`).
import { K, type PyVal } from './values.js';

/** Estimated compile time, in microseconds, past which one re._compile call is reported (a quarter second). */
export const REGEX_COMPILE_LIMIT = 250_000;
/** Items of the load's material budget (argument-work.ts MATERIAL_LIMIT) one microsecond of compiling costs. */
export const REGEX_ITEMS_PER_MICROSECOND = 64;

const UNICODE_SIZE = 0x110000;
const BMP_END = 0xffff;

/** The value of the escape at `cps[i]` (just after the backslash) in a class, and where it ends; NaN: unreadable. */
function classEscape(cps: readonly number[], i: number): { value: number; next: number } {
  const c = cps[i];
  if (c === undefined) return { value: NaN, next: i };
  const ch = String.fromCodePoint(c);
  const hex = (n: number): { value: number; next: number } => {
    const digits = cps
      .slice(i + 1, i + 1 + n)
      .map((d) => String.fromCodePoint(d))
      .join('');
    return /^[0-9a-fA-F]+$/.test(digits) && digits.length === n
      ? { value: parseInt(digits, 16), next: i + 1 + n }
      : { value: NaN, next: i + 1 };
  };
  if (ch === 'x') return hex(2);
  if (ch === 'u') return hex(4);
  if (ch === 'U') return hex(8);
  if (ch === 'N') return { value: NaN, next: i + 1 };
  if (ch >= '0' && ch <= '7') {
    let j = i;
    let v = 0;
    while (j < cps.length && j < i + 3 && cps[j]! >= 0x30 && cps[j]! <= 0x37) v = v * 8 + (cps[j++]! - 0x30);
    return { value: v, next: j };
  }
  // \d \w \s and their negations are categories, not range ends: -1.
  if ('dDwWsS'.includes(ch)) return { value: -1, next: i + 1 };
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
  return { value: simple[ch] ?? c, next: i + 1 };
}

/** Cost (µs) of the code points a range spans. */
function rangeCost(lo: number, hi: number): number {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return rangeCost(0, UNICODE_SIZE - 1);
  if (lo < 0 || hi < lo) return 0;
  const bmp = Math.max(0, Math.min(hi, BMP_END) - lo + 1);
  const astral = Math.max(0, hi - Math.max(lo, BMP_END + 1) + 1);
  return bmp / 2 + astral / 512;
}

/** Estimated compile time (µs) of a str pattern given as its code points. */
export function strPatternCost(cps: readonly number[]): number {
  let cost = 0;
  let i = 0;
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === 0x5c) {
      cost += 8;
      i += 2;
      continue;
    }
    if (c !== 0x5b) {
      cost += 4;
      i++;
      continue;
    }
    // A class: '[', an optional '^', a leading ']' taken literally, items up to the closing ']'.
    cost += 150;
    i++;
    if (cps[i] === 0x5e) i++;
    let first = true;
    while (i < cps.length && (first || cps[i] !== 0x5d)) {
      first = false;
      const end = (): number => {
        if (cps[i] === 0x5c) {
          const e = classEscape(cps, i + 1);
          i = e.next;
          return e.value;
        }
        return cps[i++]!;
      };
      const lo = end();
      if (cps[i] === 0x2d && i + 1 < cps.length && cps[i + 1] !== 0x5d) {
        i++;
        const hi = end();
        cost += rangeCost(lo, hi);
      }
      cost += 1;
    }
    i++;
  }
  return cost;
}

/**
 * The work model of a call of re._compile: the estimated compile time of its pattern, or `unread` when the pattern
 * is not a value the analysis holds as text (a str not kept, or an object that may be a str subclass).
 */
export function regexCompileCost(
  pattern: PyVal | undefined,
  readLong: (v: PyVal) => string | undefined,
): { cost: number } | { unread: string } {
  if (typeof pattern === 'string') return { cost: strPatternCost(Array.from(pattern, (ch) => ch.codePointAt(0)!)) };
  if (typeof pattern !== 'object') return { cost: 0 };
  if (pattern.k === K.Str) {
    const text = readLong(pattern);
    if (text === undefined) return { unread: 'a pattern text the analysis cannot read (too long, or not kept)' };
    return { cost: strPatternCost(Array.from(text, (ch) => ch.codePointAt(0)!)) };
  }
  if (pattern.k === K.Bytes || pattern.k === K.ByteArray)
    return pattern.len < 0 ? { unread: 'a bytes pattern the analysis did not keep' } : { cost: pattern.len * 50 };
  if (pattern.k === K.Obj || pattern.k === K.Unknown || pattern.k === K.Pers)
    return { unread: 'a pattern that is not a str or bytes the stream wrote (it may be a str subclass)' };
  return { cost: 0 };
}
