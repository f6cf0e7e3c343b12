// A parser for the Python literals NumPy reads from .npy headers with ast.literal_eval: dict, list, tuple, set, str
// and bytes (prefixes, escapes, triple quotes, adjacent-literal concatenation), int (decimal, hex, octal, binary,
// underscores), float, complex, True/False/None, and parentheses that group without making a tuple. Parsing only.
import { CorruptError } from '../../core/errors.js';

export type PyLiteral =
  string | number | boolean | null | PyLiteral[] | { tuple: PyLiteral[] } | Map<PyLiteral, PyLiteral>;

export function parsePyLiteral(text: string): PyLiteral {
  const p = new LiteralParser(text);
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length)
    throw new CorruptError(`unexpected ${JSON.stringify(text.slice(p.i, p.i + 10))} in header`, p.i);
  return v;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** `+ 2j` after a number: the imaginary part of a complex literal (sticky: tested at one position, no copying). */
const IMAGINARY = /[+-]\s*(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]/y;

class LiteralParser {
  i = 0;
  constructor(private readonly s: string) {}

  /** White space, and backslash-newline line continuations (the tokenizer joins those lines). */
  ws(): void {
    for (;;) {
      while (this.i < this.s.length && /[ \t\f\r\n]/.test(this.s[this.i]!)) this.i++;
      if (this.s[this.i] === '\\' && (this.s[this.i + 1] === '\n' || this.s[this.i + 1] === '\r')) {
        this.i += 2;
        continue;
      }
      if (this.s[this.i] === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        continue;
      }
      return;
    }
  }

  private fail(what: string): never {
    throw new CorruptError(`${what} at ${this.i} in header`, this.i);
  }

  value(depth: number): PyLiteral {
    if (depth > 64) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dictOrSet(depth);
    if (c === '[') return this.seq(']', depth).items;
    if (c === '(') {
      const { items, comma } = this.seq(')', depth);
      // (x) is x; (x,) and () are tuples.
      return items.length === 1 && !comma ? items[0]! : { tuple: items };
    }
    if (this.atString()) return this.strings();
    return this.number();
  }

  private atString(): boolean {
    const m = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?['"]/.exec(this.s.slice(this.i, this.i + 3));
    return m !== null;
  }

  /** One or more adjacent string (or bytes) literals, concatenated. */
  private strings(): string {
    let out = '';
    let kind: 'str' | 'bytes' | undefined;
    do {
      const lit = this.str();
      if (kind !== undefined && kind !== lit.kind) this.fail('cannot mix bytes and nonbytes literals');
      kind = lit.kind;
      out += lit.text;
      this.ws();
    } while (this.atString());
    return out;
  }

  private number(): PyLiteral {
    const rest = this.s.slice(this.i, this.i + 400);
    const named = /^(True|False|None)(?![\w])/.exec(rest);
    if (named) {
      this.i += named[0].length;
      return named[1] === 'True' ? true : named[1] === 'False' ? false : null;
    }
    const sign = /^[+-]\s*/.exec(rest);
    let neg = false;
    if (sign) {
      neg = rest[0] === '-';
      this.i += sign[0].length;
    }
    const t = this.s.slice(this.i, this.i + 400);
    const m =
      /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)[lLjJ]?/.exec(
        t,
      );
    if (!m || m[0] === '' || m[0] === '.' || !/\d/.test(m[0])) this.fail('unexpected token');
    this.i += m[0].length;
    const text = m[0].replace(/_/g, '').replace(/[lLjJ]$/, '');
    const n = Number(text);
    if (Number.isNaN(n)) this.fail('bad number');
    // Complex literals (and a + b complex sums) never matter to a header: kept as their real part.
    this.ws();
    IMAGINARY.lastIndex = this.i;
    if (IMAGINARY.test(this.s)) this.number();
    return neg ? -n : n;
  }

  private seq(close: string, depth: number): { items: PyLiteral[]; comma: boolean } {
    this.i++;
    const items: PyLiteral[] = [];
    let comma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return { items, comma };
      }
      items.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        comma = true;
      } else if (this.s[this.i] !== close) this.fail(`expected , or ${close}`);
    }
  }

  /** A dict, or a set (read as a list: it iterates its members, in an order that no verdict depends on). */
  private dictOrSet(depth: number): Map<PyLiteral, PyLiteral> | PyLiteral[] {
    this.i++;
    const m = new Map<PyLiteral, PyLiteral>();
    const set: PyLiteral[] = [];
    let isSet: boolean | undefined;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return isSet === true ? set : m;
      }
      const k = this.value(depth + 1);
      this.ws();
      if (isSet === undefined) isSet = this.s[this.i] !== ':';
      if (isSet) set.push(k);
      else {
        if (this.s[this.i] !== ':') this.fail('expected :');
        this.i++;
        m.set(k, this.value(depth + 1));
        this.ws();
      }
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('expected , or }');
    }
  }

  private str(): { text: string; kind: 'str' | 'bytes' } {
    let raw = false;
    let bytes = false;
    while (this.s[this.i] !== "'" && this.s[this.i] !== '"') {
      const p = this.s[this.i]!.toLowerCase();
      if (p === 'r') raw = true;
      if (p === 'b') bytes = true;
      this.i++;
    }
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    let out = '';
    while (this.i < this.s.length) {
      if (this.s.startsWith(close, this.i)) {
        this.i += close.length;
        return { text: out, kind: bytes ? 'bytes' : 'str' };
      }
      const c = this.s[this.i]!;
      if (!triple && (c === '\n' || c === '\r')) this.fail('unterminated string');
      if (c === '\\') {
        if (raw) {
          out += c + (this.s[this.i + 1] ?? '');
          this.i += 2;
          continue;
        }
        out += this.escape(bytes);
        continue;
      }
      out += c;
      this.i++;
    }
    this.fail('unterminated string');
  }

  private escape(bytes: boolean): string {
    const e = this.s[this.i + 1] ?? '';
    this.i += 2;
    if (e === '\n') return '';
    if (e === '\r') {
      if (this.s[this.i] === '\n') this.i++;
      return '';
    }
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!;
    if (/[0-7]/.test(e)) {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(this.s[this.i] ?? '')) digits += this.s[this.i++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const h = this.s.slice(this.i, this.i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(h)) this.fail('truncated escape');
      this.i += hexLen;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff) this.fail('illegal Unicode character');
      return String.fromCodePoint(cp);
    }
    if (!bytes && e === 'N') this.fail('named Unicode escapes are not supported');
    // An unknown escape keeps its backslash.
    return `\\${e}`;
  }
}
