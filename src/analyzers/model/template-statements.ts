// Syntax jinja2 3.1 reads that the Jinja parser this analysis uses does not, rewritten at the token level into forms
// it reads with the same meaning for the analysis:
// - a test with arguments: `x is divisibleby(2)`, `x is divisibleby 2`, `x is not sameas y`, `x is in [1, 2]`,
//   `x is eq(y, z=1)` (jinja2's parse_test: a call's arguments in parentheses, or one argument that is a primary
//   expression with its subscripts and calls, unless the next word is `else`, `or` or `and`). The test becomes a
//   marked filter call at the same place in the postfix chain (jinja2 reads tests and filters in one chain, left to
//   right), and restoreTests() turns it back into a test node that carries its arguments;
// - `{% with a = 1, b = x %}…{% endwith %}`: a block that renders its body once with those names set, read as
//   `{% if true %}{% set a = 1 %}{% set b = x %}…{% endif %}` (the analysis joins every definition of a name);
// - `{% block name [scoped] [required] %}…{% endblock [name] %}`: a template rendered on its own renders its blocks
//   in place, read as `{% if true %}…{% endif %}`;
// - `{% autoescape expr %}…{% endautoescape %}`: its expression is evaluated, its body rendered once, read as
//   `{% if (expr) or true %}…{% endif %}`.
// `{% do %}` is not jinja2's without the `do` extension, which transformers does not load; `include`, `import`,
// `extends` and `from` load other templates and are left to the token check, which reports them.
import { isNode, type JNode } from './template-print.js';

/** The marker of a test rewritten as a filter call (no template can write this name). */
const TEST_MARK = '\u0000is:';

interface Tok {
  value: string;
  type: string;
}

/** Tokens that close a bracket opened by the token type on the left. */
const CLOSERS: Readonly<Record<string, string>> = {
  OpenParen: 'CloseParen',
  OpenSquareBracket: 'CloseSquareBracket',
  OpenCurlyBracket: 'CloseCurlyBracket',
};

/** The index just past the bracket group that opens at `i`, or -1 when it does not close. */
function groupEnd(tokens: readonly Tok[], i: number): number {
  let depth = 0;
  for (let k = i; k < tokens.length; k++) {
    const t = tokens[k]!.type;
    if (t in CLOSERS) depth++;
    else if (t === 'CloseParen' || t === 'CloseSquareBracket' || t === 'CloseCurlyBracket') {
      depth--;
      if (depth === 0) return k + 1;
    } else if (t === 'CloseExpression' || t === 'CloseStatement') return -1;
  }
  return -1;
}

/**
 * The end of jinja2's primary expression with its postfix (`.name`, `[…]`, `(…)`) starting at `i`, or -1 when none
 * starts there. Adjacent string literals are one string in jinja2.
 */
function primaryEnd(tokens: readonly Tok[], i: number): number {
  const t = tokens[i];
  if (!t) return -1;
  let k: number;
  if (t.type === 'StringLiteral') {
    k = i + 1;
    while (tokens[k]?.type === 'StringLiteral') k++;
  } else if (t.type === 'NumericLiteral' || t.type === 'Identifier') k = i + 1;
  else if (t.type in CLOSERS) k = groupEnd(tokens, i);
  else return -1;
  while (k > 0 && k < tokens.length) {
    const n = tokens[k]!;
    if (n.type === 'Dot' && tokens[k + 1]?.type === 'Identifier') k += 2;
    else if (n.type === 'OpenSquareBracket' || n.type === 'OpenParen') k = groupEnd(tokens, k);
    else break;
  }
  return k;
}

/** Words after a test's name that start no argument (jinja2's parse_test). */
const NOT_ARGUMENTS: ReadonlySet<string> = new Set(['else', 'or', 'and']);

/** Tokens with every test that takes arguments written as a marked filter call. Throws where jinja2 refuses. */
function testCalls<T extends Tok>(tokens: T[], make: (t: T, type: string, value: string) => T): T[] {
  if (!tokens.some((t) => t.type === 'Identifier' && t.value === 'is')) return tokens;
  const out: T[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'Identifier' || t.value !== 'is') {
      out.push(t);
      continue;
    }
    let j = i + 1;
    const negate = tokens[j]?.type === 'Identifier' && tokens[j]!.value === 'not';
    if (negate) j++;
    if (tokens[j]?.type !== 'Identifier') {
      out.push(t);
      continue;
    }
    let name = tokens[j]!.value;
    while (tokens[j + 1]?.type === 'Dot' && tokens[j + 2]?.type === 'Identifier') {
      name += '.' + tokens[j + 2]!.value;
      j += 2;
    }
    const next = tokens[j + 1];
    let args: T[];
    let end: number;
    if (next?.type === 'OpenParen') {
      end = groupEnd(tokens, j + 1);
      if (end < 0) throw new SyntaxError('Parser Error: an unclosed argument list of a test');
      args = tokens.slice(j + 2, end - 1);
    } else if (
      next &&
      (next.type === 'StringLiteral' ||
        next.type === 'NumericLiteral' ||
        next.type === 'OpenSquareBracket' ||
        next.type === 'OpenCurlyBracket' ||
        (next.type === 'Identifier' && !NOT_ARGUMENTS.has(next.value)))
    ) {
      if (next.type === 'Identifier' && next.value === 'is')
        throw new SyntaxError('Parser Error: You cannot chain multiple tests with is');
      end = primaryEnd(tokens, j + 1);
      if (end < 0) throw new SyntaxError('Parser Error: an unclosed argument of a test');
      args = tokens.slice(j + 1, end);
    } else {
      // No arguments: the parser reads the test as it stands.
      out.push(t);
      continue;
    }
    out.push(
      make(t, 'Pipe', '|'),
      make(t, 'Identifier', `${TEST_MARK}${negate ? 'not ' : ''}${name}`),
      make(t, 'OpenParen', '('),
      ...args,
      make(t, 'CloseParen', ')'),
    );
    i = end - 1;
  }
  return out;
}

/** The index of the statement's closing `%}` from `i`, or -1. */
function statementEnd(tokens: readonly Tok[], i: number): number {
  for (let k = i; k < tokens.length; k++) if (tokens[k]!.type === 'CloseStatement') return k;
  return -1;
}

/** Top-level indices of `type` tokens between `from` and `to` (outside brackets). */
function topLevel(tokens: readonly Tok[], from: number, to: number, type: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!.type;
    if (t in CLOSERS) depth++;
    else if (t === 'CloseParen' || t === 'CloseSquareBracket' || t === 'CloseCurlyBracket') depth--;
    else if (depth === 0 && t === type) out.push(k);
  }
  return out;
}

/** Tokens with `with`, `block` and `autoescape` blocks written as the blocks the parser reads. */
function blockStatements<T extends Tok>(tokens: T[], make: (t: T, type: string, value: string) => T): T[] {
  const names = new Set(['with', 'endwith', 'block', 'endblock', 'autoescape', 'endautoescape']);
  if (!tokens.some((t, i) => t.type === 'Identifier' && names.has(t.value) && tokens[i - 1]?.type === 'OpenStatement'))
    return tokens;
  const out: T[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    const word = tokens[i + 1];
    if (open.type !== 'OpenStatement' || word?.type !== 'Identifier' || !names.has(word.value)) {
      out.push(open);
      continue;
    }
    const close = statementEnd(tokens, i + 2);
    if (close < 0) throw new SyntaxError(`Parser Error: an unclosed {% ${word.value} %}`);
    const ident = (v: string): T => make(word, 'Identifier', v);
    const stmt = (...inner: T[]): T[] => [open, ...inner, tokens[close]!];
    if (word.value.startsWith('end')) out.push(...stmt(ident('endif')));
    else if (word.value === 'block') out.push(...stmt(ident('if'), ident('true')));
    else if (word.value === 'autoescape')
      out.push(
        ...stmt(
          ident('if'),
          make(word, 'OpenParen', '('),
          ...tokens.slice(i + 2, close),
          make(word, 'CloseParen', ')'),
          ident('or'),
          ident('true'),
        ),
      );
    else {
      // with: `target = value` pairs separated by commas; a target may be a tuple (its commas come before its `=`).
      out.push(...stmt(ident('if'), ident('true')));
      const equals = topLevel(tokens, i + 2, close, 'Equals');
      const commas = topLevel(tokens, i + 2, close, 'Comma');
      let start = i + 2;
      for (const [e, eq] of equals.entries()) {
        const nextEq = equals[e + 1];
        // The value runs to the last top-level comma before the next `=` (or to the statement's end).
        const stop = nextEq === undefined ? close : commas.filter((c) => c > eq && c < nextEq).pop();
        if (stop === undefined) throw new SyntaxError('Parser Error: expected a comma between with targets');
        out.push(...stmt(ident('set'), ...tokens.slice(start, eq), tokens[eq]!, ...tokens.slice(eq + 1, stop)));
        start = stop + 1;
      }
      if (start < close) throw new SyntaxError('Parser Error: a with target without a value');
    }
    i = close;
  }
  return out;
}

/** The tokens with the syntax of this module's header written in forms the parser reads. */
export function jinjaSyntax<T extends Tok>(tokens: T[], make: (t: T, type: string, value: string) => T): T[] {
  return testCalls(blockStatements(tokens, make), make);
}

/**
 * The tree with every marked filter call (a test with arguments) turned back into the test: a TestExpression with its
 * operand, negation, name and an `args` list (which every walk of the tree visits).
 */
export function restoreTests(root: JNode): JNode {
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length) {
    const v = stack.pop();
    if (seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (v instanceof Map) {
      for (const [a, b] of v) stack.push(a, b);
      continue;
    }
    if (!isNode(v)) continue;
    const node = v as Record<string, unknown>;
    const f = node['filter'];
    if (v.type === 'FilterExpression' && isNode(f) && f.type === 'CallExpression') {
      const callee = f['callee'];
      const mark = isNode(callee) && callee.type === 'Identifier' ? String(callee['value']) : '';
      if (mark.startsWith(TEST_MARK)) {
        const name = mark.slice(TEST_MARK.length);
        const negate = name.startsWith('not ');
        node['type'] = 'TestExpression';
        node['negate'] = negate;
        node['test'] = { ...(callee as JNode), value: negate ? name.slice(4) : name };
        node['args'] = f['args'];
        delete node['filter'];
      }
    }
    for (const [k, x] of Object.entries(node)) if (k !== 'type') stack.push(x);
  }
  return root;
}
