// Python's str operations as jinja2 evaluates them, for the constant folder: each function returns exactly what
// CPython returns, or undefined where it does not model the case (the caller then treats the value as unknown).
// Strings are sequences of code points, as in Python. Checked against CPython and jinja2 on recorded random cases
// (test/fixtures/model/template-fold/oracle.json, scripts/fixtures/template-fold-oracle.py).

/** Longest string a fold produces; longer results are unknown. */
export const MAX_FOLD_LENGTH = 512;

/** The characters str.isspace() accepts (str.strip() with no argument removes these). */
const PY_SPACE = new Set(
  [
    '\t',
    '\n',
    '\x0b',
    '\x0c',
    '\r',
    '\x1c',
    '\x1d',
    '\x1e',
    '\x1f',
    ' ',
    '\x85',
    '\xa0',
    '\u1680',
    '\u2000',
    '\u2001',
    '\u2002',
    '\u2003',
    '\u2004',
    '\u2005',
    '\u2006',
    '\u2007',
    '\u2008',
    '\u2009',
    '\u200a',
    '\u2028',
    '\u2029',
    '\u202f',
    '\u205f',
    '\u3000',
  ].map((c) => c.codePointAt(0)!),
);

function cps(s: string): string[] {
  return [...s];
}

function fits(s: string | undefined): string | undefined {
  return s !== undefined && s.length <= MAX_FOLD_LENGTH ? s : undefined;
}

/** `s[start:stop:step]`. */
export function pySlice(s: string, start?: number, stop?: number, step = 1): string | undefined {
  if (step === 0) return undefined;
  const chars = cps(s);
  const n = chars.length;
  const norm = (i: number | undefined, dflt: number, lo: number, hi: number): number => {
    if (i === undefined) return dflt;
    const j = i < 0 ? i + n : i;
    return Math.min(Math.max(j, lo), hi);
  };
  const out: string[] = [];
  if (step > 0) {
    for (let i = norm(start, 0, 0, n), e = norm(stop, n, 0, n); i < e; i += step) out.push(chars[i]!);
  } else {
    for (let i = norm(start, n - 1, -1, n - 1), e = norm(stop, -1, -1, n - 1); i > e; i += step) out.push(chars[i]!);
  }
  return out.join('');
}

/** `s[i]` (IndexError: undefined). */
export function pyIndex(s: string, i: number): string | undefined {
  const chars = cps(s);
  const j = i < 0 ? i + chars.length : i;
  return j >= 0 && j < chars.length ? chars[j] : undefined;
}

/** `s.strip(chars)`, `s.lstrip(chars)`, `s.rstrip(chars)`; chars null: whitespace as str.isspace() says. */
export function pyStrip(s: string, chars: string | null, side: 'both' | 'left' | 'right'): string {
  const set = chars === null ? PY_SPACE : new Set(cps(chars).map((c) => c.codePointAt(0)!));
  const a = cps(s);
  let i = 0;
  let j = a.length;
  if (side !== 'right') while (i < j && set.has(a[i]!.codePointAt(0)!)) i++;
  if (side !== 'left') while (j > i && set.has(a[j - 1]!.codePointAt(0)!)) j--;
  return a.slice(i, j).join('');
}

/** `s.replace(old, new, count)` (count < 0: all). */
export function pyReplace(s: string, old: string, rep: string, count = -1): string | undefined {
  const limit = count < 0 ? Infinity : count;
  if (old === '') {
    // Python inserts the replacement before every code point and at the end, count times at most.
    const a = cps(s);
    let out = '';
    let done = 0;
    for (let i = 0; i <= a.length; i++) {
      if (done < limit) {
        out += rep;
        done++;
      }
      if (i < a.length) out += a[i];
      if (out.length > MAX_FOLD_LENGTH) return undefined;
    }
    return out;
  }
  let out = '';
  let at = 0;
  let done = 0;
  while (done < limit) {
    const k = s.indexOf(old, at);
    if (k < 0) break;
    out += s.slice(at, k) + rep;
    at = k + old.length;
    done++;
    if (out.length > MAX_FOLD_LENGTH) return undefined;
  }
  return fits(out + s.slice(at));
}

/** `s.lower()` / `s.upper()`: ASCII only (Unicode case mappings differ between Python and JS versions). */
export function pyCase(s: string, to: 'lower' | 'upper'): string | undefined {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return undefined;
  return to === 'lower' ? s.toLowerCase() : s.toUpperCase();
}

/** `str(n)` for an integer the fold knows exactly. */
export function pyIntStr(n: number): string | undefined {
  return Number.isSafeInteger(n) ? String(n) : undefined;
}

/** `s * n`. */
export function pyRepeat(s: string, n: number): string | undefined {
  if (!Number.isSafeInteger(n)) return undefined;
  if (n <= 0) return '';
  if (s.length * n > MAX_FOLD_LENGTH) return undefined;
  return s.repeat(n);
}

export type PyArg = string | number;

/**
 * `fmt % args`: the conversions %s, %d, %i, %c and %% with no mapping key, flag, width or precision; any other
 * conversion is undefined. `args` is the tuple (a single non-tuple operand is a one-element tuple).
 */
export function pyPercent(fmt: string, args: readonly PyArg[]): string | undefined {
  let out = '';
  let k = 0;
  const a = cps(fmt);
  for (let i = 0; i < a.length; i++) {
    const c = a[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const conv = a[++i];
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (conv === undefined || k >= args.length) return undefined;
    const v = args[k++]!;
    if (conv === 's') {
      const t = typeof v === 'number' ? pyIntStr(v) : v;
      if (t === undefined) return undefined;
      out += t;
    } else if (conv === 'd' || conv === 'i') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return undefined;
      out += String(v);
    } else if (conv === 'c') {
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 0 || v > 0x10ffff) return undefined;
        out += String.fromCodePoint(v);
      } else if (cps(v).length === 1) out += v;
      else return undefined;
    } else return undefined;
    if (out.length > MAX_FOLD_LENGTH) return undefined;
  }
  // Python raises when arguments are left over.
  return k === args.length ? fits(out) : undefined;
}

/**
 * `fmt.format(*args)`: fields `{}` and `{N}` with no conversion or format spec, and the escapes `{{` and `}}`;
 * anything else (names, attributes, items, `!r`, `:spec`) is undefined.
 */
export function pyBraceFormat(fmt: string, args: readonly PyArg[]): string | undefined {
  let out = '';
  let auto = 0;
  let mode: 'auto' | 'manual' | undefined;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c === '}') {
      if (fmt[i + 1] !== '}') return undefined;
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (fmt[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    const end = fmt.indexOf('}', i);
    if (end < 0) return undefined;
    const field = fmt.slice(i + 1, end);
    let idx: number;
    if (field === '') {
      if (mode === 'manual') return undefined;
      mode = 'auto';
      idx = auto++;
    } else if (/^[0-9]{1,4}$/.test(field)) {
      if (mode === 'auto') return undefined;
      mode = 'manual';
      idx = Number(field);
    } else return undefined;
    const v = args[idx];
    if (v === undefined) return undefined;
    const s = typeof v === 'number' ? pyIntStr(v) : v;
    if (s === undefined) return undefined;
    out += s;
    if (out.length > MAX_FOLD_LENGTH) return undefined;
    i = end;
  }
  return fits(out);
}

/** `s[::-1]` (jinja2's reverse filter on a string). */
export function pyReverse(s: string): string {
  return cps(s).reverse().join('');
}

/** `next(iter(s))` / `next(reversed(s))`: jinja2's first and last filters on a string. */
export function pyFirstLast(s: string, which: 'first' | 'last'): string | undefined {
  const a = cps(s);
  return which === 'first' ? a[0] : a[a.length - 1];
}
