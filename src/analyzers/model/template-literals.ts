// Literals jinja2's lexer and parser read that the Jinja parser this analysis uses does not: numbers with an exponent
// (`1e3`, `2.5E-4`), digit separators (`1_000`), binary, octal and hex integers (`0b101`, `0o17`, `0x1F`), the string
// escapes Python's unicode-escape codec decodes (`\a`, octal `\101`, `\U0001F600`, a line continuation, an unknown
// escape kept as written), the empty tuple `()` and a tuple with a trailing comma (`('system',)`, `(a, b,)`). Each
// is rewritten into the form the parser reads with the same value, so a template jinja2 renders is never refused for
// its literals.
import { isNode, type JNode } from './template-print.js';

/** jinja2's float literal: digits with a fraction, an exponent or both (the lexer tries it before an integer). */
const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
/** jinja2's integer literal. */
const INTEGER_RE = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;
/** A name, which the lexer reads whole (digits inside it are no number). */
const NAME_RE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]+/uy;
/** Decimal exponents past which a float is infinite or zero whatever its digits (doubles span 1e-324 to 1e308). */
const FLOAT_EXPONENT_LIMIT = 400;

/** A float literal as a plain decimal (digits, one point) with the same value: the parser reads no exponent. */
export function decimalFloat(text: string): string {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text.replace(/_/g, '').toLowerCase());
  if (!m) return text;
  let digits = m[1]! + (m[2] ?? '');
  let point = m[1]!.length + Number(m[3] ?? 0);
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead).replace(/0+$/, '');
  point -= lead;
  if (!digits || point < -FLOAT_EXPONENT_LIMIT) return '0.0';
  if (point > FLOAT_EXPONENT_LIMIT) return `1${'0'.repeat(FLOAT_EXPONENT_LIMIT)}.0`;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** An integer literal in decimal digits (Python reads it with int(text, 0) once its separators are gone). */
export function decimalInteger(text: string): string {
  return BigInt(text.replace(/_/g, '').toLowerCase()).toString();
}

/** The escapes the parser reads, for the characters that need one in a single-quoted literal. */
const PARSER_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

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
  '\n': '',
};

/**
 * The text of a string literal's body as jinja2 decodes it: newlines normalised, then Python's unicode-escape codec
 * over the body with every non-ASCII character written as its backslash escape first. Undefined when the codec
 * refuses it (jinja2 then refuses the template) or for a named escape (`\N{…}`), which is not decoded here.
 */
export function pythonStringBody(body: string): string | undefined {
  const s = body.replace(/\r\n?/g, '\n');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return undefined;
    const code = s.codePointAt(i + 1)!;
    if (code > 0x7f) {
      // backslashreplace wrote the character as \xhh, \uhhhh or \Uhhhhhhhh: the backslash before it escapes that
      // backslash, and the rest of the escape stays as text.
      const hex = code.toString(16);
      out +=
        code <= 0xff
          ? `\\x${hex.padStart(2, '0')}`
          : code <= 0xffff
            ? `\\u${hex.padStart(4, '0')}`
            : `\\U${hex.padStart(8, '0')}`;
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i++;
      continue;
    }
    if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(oct, 8));
      i += oct.length;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width) {
      const hex = s.slice(i + 2, i + 2 + width);
      if (hex.length !== width || !/^[\da-f]+$/i.test(hex)) return undefined;
      const v = parseInt(hex, 16);
      if (v > 0x10ffff) return undefined;
      out += String.fromCodePoint(v);
      i += 1 + width;
      continue;
    }
    if (e === 'N') return undefined;
    // Any other escape is kept as written.
    out += '\\' + e;
    i++;
  }
  return out;
}

/** A string literal the parser reads with the value jinja2 gives it, or undefined when that value is not known. */
function parserString(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  if (!body.includes('\\') && !body.includes('\r')) return literal;
  const v = pythonStringBody(body);
  return v === undefined ? undefined : `'${v.replace(/[\\'\n\r\t\b\f\v]/g, (c) => PARSER_ESCAPES[c]!)}'`;
}

/**
 * The template with the number and string literals inside its tags written in the forms the parser reads, with the
 * values jinja2's lexer gives them. Text outside tags, comments and names are left as they are; a string whose value
 * cannot be worked out is left as written (the parser then refuses it, and the template is checked token by token).
 */
export function parserLiterals(text: string): string {
  if (!/\d[_.a-z]|\\|\r/i.test(text)) return text;
  let out = '';
  let done = 0;
  let i = 0;
  for (;;) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const kind = text[open + 1];
    if (kind === '#') {
      const close = text.indexOf('#}', open + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (kind !== '{' && kind !== '%') {
      i = open + 1;
      continue;
    }
    const closer = kind === '{' ? '}}' : '%}';
    let k = open + 2;
    let braces = 0;
    let ended = false;
    while (k < text.length) {
      const c = text[k]!;
      if (braces === 0 && text.startsWith(closer, k)) {
        ended = true;
        break;
      }
      if (c === '{') braces++;
      else if (c === '}') braces = Math.max(0, braces - 1);
      if (c === "'" || c === '"') {
        const end = stringEnd(text, k);
        if (end < 0) break;
        const lit = text.slice(k, end);
        const rewritten = parserString(lit);
        if (rewritten !== undefined && rewritten !== lit) {
          out += text.slice(done, k) + rewritten;
          done = end;
        }
        k = end;
        continue;
      }
      if (/\d/.test(c)) {
        FLOAT_RE.lastIndex = k;
        const f = text[k - 1] === '.' ? null : FLOAT_RE.exec(text);
        INTEGER_RE.lastIndex = k;
        const n = f ? null : INTEGER_RE.exec(text);
        const lit = f?.[0] ?? n?.[0];
        if (lit) {
          const plain = f ? decimalFloat(lit) : /^\d+$/.test(lit) ? lit : decimalInteger(lit);
          if (plain !== lit) {
            out += text.slice(done, k) + plain;
            done = k + lit.length;
          }
          k += lit.length;
          continue;
        }
      }
      NAME_RE.lastIndex = k;
      const name = /\d/.test(c) ? null : NAME_RE.exec(text);
      k += name ? name[0].length : 1;
    }
    if (!ended) break;
    i = k + 2;
  }
  return done === 0 ? text : out + text.slice(done);
}

/** The index just past the string literal opening at `at`, or -1 when it is not closed. */
function stringEnd(text: string, at: number): number {
  const quote = text[at];
  for (let k = at + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === quote) return k + 1;
  }
  return -1;
}

/** Names no template can write, marking an empty tuple and a trailing comma for the parse tree's fix-up. */
const EMPTY_TUPLE = '\u0000()';
const TUPLE_END = '\u0000,)';
/** Words before `(` that make it a grouping, not a call. */
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'elif', 'else', 'for']);

/**
 * The tokens with a marker where a parenthesised tuple has no item or a trailing comma (the parser reads neither):
 * `()` holds the empty-tuple marker, `(x,)` a last item that is the end marker. tupleLiterals() turns them back into
 * the tuples jinja2 makes. A call's parentheses (after a name, a call, a subscript) are left alone: a call's trailing
 * comma is read.
 */
export function withTupleMarkers<T extends { value: string; type: string }>(
  tokens: T[],
  make: (t: T, v: string) => T,
): T[] {
  if (
    !tokens.some(
      (t, i) => t.type === 'CloseParen' && (tokens[i - 1]?.type === 'OpenParen' || tokens[i - 1]?.type === 'Comma'),
    )
  )
    return tokens;
  const out: T[] = [];
  const groups: boolean[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (t.type === 'OpenParen') {
      const call =
        !!prev &&
        ((prev.type === 'Identifier' && !KEYWORDS.has(prev.value)) ||
          prev.type === 'CloseParen' ||
          prev.type === 'CloseSquareBracket' ||
          prev.type === 'StringLiteral');
      groups.push(!call);
    } else if (t.type === 'CloseParen') {
      const group = groups.pop() ?? false;
      if (group && prev?.type === 'OpenParen') out.push(make(t, EMPTY_TUPLE));
      else if (group && prev?.type === 'Comma') out.push(make(t, TUPLE_END));
    }
    out.push(t);
  }
  return out;
}

/** The parse tree with the markers of withTupleMarkers() made into the tuples they stand for. */
export function tupleLiterals(root: JNode): JNode {
  const fix = (v: unknown): unknown => {
    if (!isNode(v)) return v;
    if (v.type === 'Identifier' && v['value'] === EMPTY_TUPLE) return { type: 'TupleLiteral', value: [] };
    return v;
  };
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length) {
    const v = stack.pop();
    if (seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        v[i] = fix(v[i]);
        stack.push(v[i]);
      }
      continue;
    }
    if (!isNode(v)) continue;
    const node = v as Record<string, unknown>;
    if (v.type === 'TupleLiteral' && Array.isArray(node['value']))
      node['value'] = (node['value'] as unknown[]).filter(
        (x) => !(isNode(x) && x.type === 'Identifier' && x['value'] === TUPLE_END),
      );
    for (const [k, x] of Object.entries(node)) {
      if (k === 'type') continue;
      if (x instanceof Map) {
        const m = new Map<unknown, unknown>();
        for (const [a, b] of x) m.set(fix(a), fix(b));
        node[k] = m;
        for (const [a, b] of m) stack.push(a, b);
      } else {
        node[k] = fix(x);
        stack.push(node[k]);
      }
    }
  }
  return root;
}
