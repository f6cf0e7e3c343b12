// A parser for the Python literals NumPy writes in .npy headers (ast.literal_eval's subset: dict, list, tuple,
// str, bytes, int, float, True/False/None). Parsing only: nothing is evaluated.
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

class LiteralParser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private fail(what: string): never {
    throw new CorruptError(`${what} at ${this.i} in header`, this.i);
  }

  value(depth: number): PyLiteral {
    if (depth > 64) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dict(depth);
    if (c === '[') return this.seq(']', depth);
    if (c === '(') {
      const items = this.seq(')', depth);
      return { tuple: items };
    }
    if (c === "'" || c === '"') return this.str();
    if ((c === 'b' || c === 'B') && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
      this.i++;
      return this.str();
    }
    const m = /^(True|False|None|[+-]?(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[lLjJ]?)/.exec(
      this.s.slice(this.i),
    );
    if (!m) this.fail('unexpected token');
    this.i += m[0].length;
    const t = m[0];
    if (t === 'True') return true;
    if (t === 'False') return false;
    if (t === 'None') return null;
    const n = Number(t.replace(/[_lLjJ]/g, ''));
    if (Number.isNaN(n)) this.fail('bad number');
    return n;
  }

  private seq(close: string, depth: number): PyLiteral[] {
    this.i++;
    const items: PyLiteral[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected , or ${close}`);
    }
  }

  private dict(depth: number): Map<PyLiteral, PyLiteral> {
    this.i++;
    const m = new Map<PyLiteral, PyLiteral>();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return m;
      }
      const k = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected :');
      this.i++;
      m.set(k, this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('expected , or }');
    }
  }

  private str(): string {
    const q = this.s[this.i]!;
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        this.i += 2;
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === '0' ? '\0' : (e ?? '');
        continue;
      }
      out += c;
      this.i++;
    }
    this.fail('unterminated string');
  }
}
