// Large constant displays and large runs of adjacent constant strings, found in one linear pass over the source
// and blanked before tree-sitter parses it: the parser then never builds a node per element of a data table
// compiled into a module (a million-entry dict cost the parser alone hundreds of megabytes).

/** Displays and adjacent string literals at least this long (UTF-16 units) are kept opaque when they hold only constants. */
export const LARGE_LITERAL_CHARS = 256 * 1024;

interface Frame {
  start: number;
  /** Nothing but constants (strings without interpolation, numbers, signs, True/False/None, nested displays) so far. */
  constant: boolean;
  /** A display (list, tuple, set, dict or parentheses), not a call's arguments or a subscript. */
  display: boolean;
  /** Offset of the first comma directly inside, or -1. */
  firstComma: number;
}

/** Names before a bracket that make it a display rather than a call or subscript (`return [..]`, `in (..)`). */
const KEYWORDS_BEFORE_DISPLAY: ReadonlySet<string> = new Set([
  'and',
  'assert',
  'await',
  'elif',
  'else',
  'from',
  'if',
  'in',
  'is',
  'not',
  'or',
  'return',
  'while',
  'yield',
]);

const STRING_PREFIXES: ReadonlySet<string> = new Set(
  ['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf'].flatMap((p) =>
    p.length === 1
      ? [p, p.toUpperCase()]
      : [p, p.toUpperCase(), p[0]! + p[1]!.toUpperCase(), p[0]!.toUpperCase() + p[1]!],
  ),
);

/**
 * Ranges `[start, end)` to blank: inside a constant display at least LARGE_LITERAL_CHARS long, everything after its
 * first top-level comma up to the closing bracket (the display keeps its type and span: `[1,` ... `]`); inside such
 * a run of adjacent constant strings, everything between the first and the last string (the run stays a
 * concatenation of two constants with the same span). The tree conversion (syntax-tree.ts) then makes either one
 * opaque node, as it would have without the blanking. Anything with a name other than True/False/None, an operator
 * other than a sign, a call, a subscript or an f-string interpolation is not constant and is never blanked.
 */
export function largeLiteralRanges(text: string): LiteralRange[] {
  const out: LiteralRange[] = [];
  const n = text.length;
  if (n < LARGE_LITERAL_CHARS) return out;
  const frames: Frame[] = [];
  // The previous significant token ended a value (name, number, string, closing bracket): a bracket after it is a
  // call or subscript, a sign after it a binary operator.
  let afterValue = false;
  let prevString = false;
  // The current run of adjacent strings.
  let runStart = -1;
  let runFirstEnd = -1;
  let runLastStart = -1;
  let runLastEnd = -1;
  let runCount = 0;
  let runConstant = true;
  const endRun = (): void => {
    if (runCount >= 2 && runConstant && runLastEnd - runStart >= LARGE_LITERAL_CHARS)
      out.push([runFirstEnd, runLastStart, frames.length === 0]);
    runCount = 0;
    runConstant = true;
  };
  const nonConstant = (): void => {
    const top = frames[frames.length - 1];
    if (top !== undefined) top.constant = false;
  };
  /** A significant token other than a string: ends a run of strings. */
  const token = (): void => {
    if (prevString) endRun();
    prevString = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12) continue;
    if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
      i++;
      if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i++;
      continue;
    }
    if (c === 10 || c === 13) {
      if (frames.length === 0) {
        token();
        afterValue = false;
      }
      continue;
    }
    if (c === 35 /* # */) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13) i++;
      continue;
    }
    let prefix = '';
    let q = i;
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      const next = text.charCodeAt(j);
      if ((next === 34 || next === 39) && STRING_PREFIXES.has(name)) {
        prefix = name;
        q = j;
      } else {
        token();
        if (name !== 'True' && name !== 'False' && name !== 'None') nonConstant();
        afterValue = !KEYWORDS_BEFORE_DISPLAY.has(name);
        i = j - 1;
        continue;
      }
    }
    const qc = text.charCodeAt(q);
    if (qc === 34 || qc === 39) {
      const start = i;
      const triple = text.charCodeAt(q + 1) === qc && text.charCodeAt(q + 2) === qc;
      const ql = triple ? 3 : 1;
      const fString = prefix.includes('f') || prefix.includes('F');
      let constant = true;
      let j = q + ql;
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === qc && (!triple || (text.charCodeAt(j + 1) === qc && text.charCodeAt(j + 2) === qc))) {
          closed = true;
          break;
        } else if (!triple && (d === 10 || d === 13)) break;
        else if (fString && d === 123 /* { */) {
          if (text.charCodeAt(j + 1) === 123) j += 2;
          else {
            constant = false;
            j++;
          }
        } else j++;
      }
      const end = closed ? j + ql : j;
      if (!closed) constant = false;
      if (!constant) nonConstant();
      if (!prevString) {
        endRun();
        runStart = start;
        runFirstEnd = end;
      }
      runCount++;
      runLastStart = start;
      runLastEnd = end;
      if (!constant) runConstant = false;
      prevString = true;
      afterValue = true;
      i = end - 1;
      continue;
    }
    token();
    if (c === 40 || c === 91 || c === 123) {
      const display = c === 123 || !afterValue;
      if (!display) nonConstant();
      frames.push({ start: i, constant: true, display, firstComma: -1 });
      afterValue = false;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      const f = frames.pop();
      if (f !== undefined) {
        const kept = f.constant && f.display;
        if (kept && i + 1 - f.start >= LARGE_LITERAL_CHARS && f.firstComma >= 0 && f.firstComma + 1 < i)
          out.push([f.firstComma + 1, i, false]);
        if (!kept) nonConstant();
      }
      afterValue = true;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      const hex = c === 48 && /[xXoObB]/.test(text[i + 1] ?? '');
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isNameChar(d) || d === 46) j++;
        else if ((d === 43 || d === 45) && !hex && (text[j - 1] === 'e' || text[j - 1] === 'E')) j++;
        else break;
      }
      afterValue = true;
      i = j - 1;
      continue;
    }
    if (c === 44 /* , */) {
      const top = frames[frames.length - 1];
      if (top !== undefined && top.firstComma < 0) top.firstComma = i;
    } else if (c === 58 /* : */) {
      if (text.charCodeAt(i + 1) === 61) nonConstant();
    } else if (!((c === 45 || c === 43 || c === 126) /* - + ~ */ && !afterValue)) nonConstant();
    afterValue = false;
  }
  endRun();
  return mergeRanges(out);
}

/** `[start, end, outside brackets]`: a run outside brackets needs its line breaks continued. */
export type LiteralRange = [number, number, boolean];

/** Nested ranges (a display or run inside a blanked display) folded into the outer one. */
function mergeRanges(ranges: LiteralRange[]): LiteralRange[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: LiteralRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1], r[2]]);
  }
  return out;
}

/**
 * The source with every range of largeLiteralRanges replaced by spaces, same length (every offset unchanged) and
 * same line breaks (outside brackets a line break gets a backslash before it, so a run of strings stays one logical
 * line; a run where that is not possible is left as it is). Built in one array of code units: a part per line
 * would cost more than the source.
 */
export function blankLargeLiterals(text: string): string {
  const ranges = largeLiteralRanges(text);
  if (ranges.length === 0) return text;
  const n = text.length;
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[i] = text.charCodeAt(i);
  for (const [s, e, outside] of ranges) {
    if (outside && !continuable(units, s, e)) continue;
    for (let i = s; i < e; i++) {
      const c = units[i]!;
      if (c === 10 || c === 13) {
        if (outside && c === 10 && units[i - 1] !== 13) units[i - 1] = 92;
        else if (outside && c === 13) units[i - 1] = 92;
      } else units[i] = 32;
    }
  }
  // A lone surrogate decodes to U+FFFD, still one unit, and a leading BOM is kept: offsets are unchanged.
  return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(units);
}

/** Whether every line break in `[s, e)` has a position inside the range before it that is not a line break. */
function continuable(units: Uint16Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = units[i];
    if (c === 10 && units[i - 1] === 13) continue;
    if ((c === 10 || c === 13) && (i === s || units[i - 1] === 10 || units[i - 1] === 13)) return false;
  }
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}
