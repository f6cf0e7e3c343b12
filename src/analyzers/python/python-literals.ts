// Python literal decoding from tree-sitter nodes: string/bytes literals (prefixes, escapes, implicit
// concatenation, f-strings), numbers, True/False/None. Follows the Python 3 lexical reference.
import type { SyntaxNode } from './syntax-tree.js';
import type { PyConstant } from './module-model.js';

export interface DecodedString {
  /** Decoded value; null for f-strings with interpolations. */
  value: string | null;
  isBytes: boolean;
  isFString: boolean;
}

/** Decode a `string` or `concatenated_string` node. */
export function decodeStringNode(node: SyntaxNode, src: string): DecodedString {
  if (node.type === 'concatenated_string') {
    // Kept without its parts (a large run of literals, syntax-tree.ts): its value is not known here.
    if (node.namedChildren.length === 0) return { value: null, isBytes: false, isFString: false };
    let value: string | null = '';
    let isBytes = false;
    let isFString = false;
    for (const part of node.namedChildren) {
      if (part.type !== 'string') continue;
      const d = decodeSingle(part, src);
      isBytes ||= d.isBytes;
      isFString ||= d.isFString;
      value = value === null || d.value === null ? null : value + d.value;
    }
    return { value, isBytes, isFString };
  }
  return decodeSingle(node, src);
}

function decodeSingle(node: SyntaxNode, src: string): DecodedString {
  const first = node.firstChild;
  const last = node.lastChild;
  if (first === null || last === null || first.type !== 'string_start' || last.type !== 'string_end') {
    return { value: null, isBytes: false, isFString: false };
  }
  const startText = src.slice(first.startIndex, first.endIndex);
  let end = startText.length;
  while (end > 0 && (startText[end - 1] === '"' || startText[end - 1] === "'")) end--;
  const prefix = startText.slice(0, end).toLowerCase();
  const isBytes = prefix.includes('b');
  const isFString = prefix.includes('f') || prefix.includes('t');
  const isRaw = prefix.includes('r');
  if (isFString) {
    for (const c of node.namedChildren) if (c.type === 'interpolation') return { value: null, isBytes, isFString };
  }
  let body = src.slice(first.endIndex, last.startIndex);
  if (isFString) body = body.replaceAll('{{', '{').replaceAll('}}', '}');
  const value = isRaw ? body : decodeEscapes(body, isBytes);
  return { value, isBytes, isFString };
}

const SIMPLE_ESCAPES: Record<string, string> = {
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

/** Python backslash escapes. `\N{...}` is kept as written (no Unicode name table); unknown escapes keep the backslash. */
export function decodeEscapes(body: string, isBytes: boolean): string {
  if (!body.includes('\\')) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      i++;
      continue;
    }
    const next = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (next === '\n') {
      i += 2;
    } else if (next === '\r') {
      i += body[i + 2] === '\n' ? 3 : 2;
    } else if (next >= '0' && next <= '7') {
      let j = i + 1;
      while (j < body.length && j < i + 4 && body[j]! >= '0' && body[j]! <= '7') j++;
      out += String.fromCharCode(parseInt(body.slice(i + 1, j), 8) & (isBytes ? 0xff : 0x1ff));
      i = j;
    } else if (next === 'x' || (!isBytes && (next === 'u' || next === 'U'))) {
      const digits = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + digits);
      const code = hex.length === digits && isHex(hex) ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(code) || code > 0x10ffff) {
        out += '\\' + next;
        i += 2;
      } else {
        out += String.fromCodePoint(code);
        i += 2 + digits;
      }
    } else {
      out += '\\' + next;
      i += 2;
    }
  }
  return out;
}

function isHex(s: string): boolean {
  for (const ch of s.toLowerCase()) if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

/** The literal value of a literal node (no name lookups); undefined when the node is not a plain literal. */
export function literalConstant(node: SyntaxNode, src: string): PyConstant | undefined {
  switch (node.type) {
    case 'true':
      return { type: 'bool', value: true };
    case 'false':
      return { type: 'bool', value: false };
    case 'none':
      return { type: 'none' };
    case 'integer':
      return parseInteger(src.slice(node.startIndex, node.endIndex));
    case 'float': {
      const t = src.slice(node.startIndex, node.endIndex).replaceAll('_', '');
      if (t.endsWith('j') || t.endsWith('J')) return undefined;
      const v = Number(t);
      return Number.isNaN(v) ? undefined : { type: 'float', value: v };
    }
    case 'string':
    case 'concatenated_string': {
      const d = decodeStringNode(node, src);
      if (d.value === null) return undefined;
      return d.isBytes ? { type: 'bytes', value: d.value } : { type: 'str', value: d.value };
    }
    default:
      return undefined;
  }
}

function parseInteger(raw: string): PyConstant | undefined {
  const t = raw.replaceAll('_', '').toLowerCase();
  if (t.endsWith('j') || t.endsWith('l')) return undefined;
  let v: number;
  if (t.startsWith('0x')) v = parseInt(t.slice(2), 16);
  else if (t.startsWith('0o')) v = parseInt(t.slice(2), 8);
  else if (t.startsWith('0b')) v = parseInt(t.slice(2), 2);
  else v = Number(t);
  return Number.isNaN(v) ? undefined : { type: 'int', value: v };
}

/** Python truthiness of a constant. */
export function isTruthy(c: PyConstant): boolean {
  switch (c.type) {
    case 'bool':
      return c.value;
    case 'none':
      return false;
    case 'str':
    case 'bytes':
      return c.value.length > 0;
    case 'int':
    case 'float':
      return c.value !== 0;
  }
}

export function sameConstant(a: PyConstant, b: PyConstant): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'none' || b.type === 'none') return true;
  return (a as { value: unknown }).value === (b as { value: unknown }).value;
}

/** Python-style rendering (`True`, `None`, `'x'`, `3`). */
export function formatConstant(c: PyConstant): string {
  switch (c.type) {
    case 'bool':
      return c.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'str':
      return JSON.stringify(c.value);
    case 'bytes':
      return 'b' + JSON.stringify(c.value);
    case 'int':
    case 'float':
      return String(c.value);
  }
}
