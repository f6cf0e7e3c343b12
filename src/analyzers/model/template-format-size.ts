// Output size of one application of a format string, from its specs alone: CPython writes every field at least as
// wide as its width, and a precision makes as many digits (`%.5000000f` writes five million of them whatever the
// value), so each evaluation allocates and fills that many characters whether or not its arguments change.

/** Digits a fixed-point conversion may write before the point (the largest double is about 1.8e308), with a sign. */
const FIXED_POINT_DIGITS = 310;
/** Characters an exponent or general float conversion writes besides its precision (sign, point, exponent). */
const FLOAT_EXTRA = 8;

/** A width or precision taken from an argument: positional index or keyword name, to its value (Infinity unknown). */
export type FormatArg = (key: number | string) => number;

/** Characters a field's precision makes for a conversion type (`''` for str.format's default type). */
function precisionSize(precision: number, type: string, style: 'percent' | 'brace'): number {
  if ('fF%'.includes(type) && type !== '') return precision + FIXED_POINT_DIGITS;
  if ('eEgGn'.includes(type) && type !== '') return precision + FLOAT_EXTRA;
  // str.format's default type writes a float like `g` (a string is cut to the precision).
  if (type === '') return style === 'brace' ? precision + FLOAT_EXTRA : 0;
  // %-format pads an integer with zeros to its precision; it cuts a string to it.
  if ('diuoxX'.includes(type)) return style === 'percent' ? precision : 0;
  return 0;
}

/**
 * Characters one application of a %-format string writes besides its arguments' own text: its literal text, and
 * for each conversion the larger of its width and what its precision makes. A `*` width or precision is the next
 * positional argument.
 */
function percentSize(fmt: string, arg: FormatArg): number {
  let size = 0;
  let index = 0;
  let last = 0;
  const spec = /%(?:\(([^)]*)\))?([-#0 +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])/g;
  for (const m of fmt.matchAll(spec)) {
    size += m.index - last;
    last = m.index + m[0].length;
    if (m[5] === '%' && m[0] === '%%') {
      size += 1;
      continue;
    }
    const take = (v: string | undefined): number => {
      if (v === undefined || v === '') return 0;
      if (v === '*') return Math.abs(arg(index++));
      return Number(v);
    };
    const width = take(m[3]);
    const precision = m[4] === undefined ? undefined : take(m[4]);
    if (m[1] === undefined && m[5] !== '%') index++;
    size += Math.max(width, precision === undefined ? 0 : precisionSize(precision, m[5]!, 'percent'));
  }
  return size + fmt.length - last;
}

/**
 * Characters one application of a str.format string writes besides its arguments' own text: its literal text, and
 * for each replacement field the larger of its width and what its precision makes. A nested field in a spec
 * (`{:>{}}`, `{0:{w}}`) is the argument it names, auto-numbered after the field that holds it, as CPython numbers it.
 */
function braceSize(fmt: string, arg: FormatArg): number {
  let size = 0;
  let auto = 0;
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if ((c === '{' || c === '}') && fmt[i + 1] === c) {
      size += 1;
      i += 2;
      continue;
    }
    if (c !== '{') {
      size += 1;
      i += 1;
      continue;
    }
    // A field: up to its matching brace (a spec may hold nested fields).
    let depth = 1;
    let j = i + 1;
    while (j < fmt.length && depth > 0) {
      if (fmt[j] === '{') depth++;
      else if (fmt[j] === '}') depth--;
      j++;
    }
    const field = fmt.slice(i + 1, j - 1);
    i = j;
    const colon = field.search(/[!:]/);
    const name = colon < 0 ? field : field.slice(0, colon);
    if (name === '') auto++;
    const specStart = field.indexOf(':', colon < 0 ? field.length : colon);
    if (specStart < 0) continue;
    let unbounded = false;
    const spec = field.slice(specStart + 1).replace(/\{([^{}]*)\}/g, (_, inner: string) => {
      const key = inner === '' ? auto++ : /^\d+$/.test(inner) ? Number(inner) : inner;
      const v = Math.abs(arg(key));
      if (!Number.isFinite(v)) unbounded = true;
      return Number.isFinite(v) ? String(Math.trunc(v)) : '0';
    });
    if (unbounded) return Infinity;
    const m = /^(?:[\s\S]?[<>=^])?[-+ ]?z?#?0?(\d+)?[,_]?(?:\.(\d+))?([a-zA-Z%])?$/.exec(spec);
    if (!m) {
      // A spec CPython refuses writes nothing; one this reading does not follow is sized by its largest number.
      const numbers = spec.match(/\d+/g)?.map(Number) ?? [0];
      size += Math.max(...numbers) + FIXED_POINT_DIGITS;
      continue;
    }
    const width = m[1] ? Number(m[1]) : 0;
    const precision = m[2] === undefined ? 0 : precisionSize(Number(m[2]), m[3] ?? '', 'brace');
    size += Math.max(width, precision);
  }
  return size;
}

/** Characters one application of a format string writes besides its arguments' own text (Infinity when unbounded). */
export function formatSpecSize(fmt: string, style: 'percent' | 'brace', arg: FormatArg): number {
  return style === 'percent' ? percentSize(fmt, arg) : braceSize(fmt, arg);
}
