// A large display of constants is one opaque node, blanked before parsing; the code after it is analysed as usual.
// Expressions nested or sized beyond what the parser and the analysis can hold in bounded memory end with a limit
// (SCAN-INCOMPLETE), never with the module dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule, analyzePythonModuleUnless } from '../../../src/analyzers/python/analyze-module.js';
import { withPythonTree } from '../../../src/analyzers/python/parser.js';
import { type PythonModule } from '../../../src/analyzers/python/module-model.js';
import {
  LARGE_LITERAL_CHARS,
  toSyntaxTree,
  type SyntaxNode,
  type SyntaxTree,
} from '../../../src/analyzers/python/syntax-tree.js';
import { detectDeserSignals } from '../../../src/analyzers/deser/code.js';
import { blankLargeLiterals } from '../../../src/analyzers/python/large-literals.js';
import {
  MAX_ATTRIBUTE_CHAIN,
  MAX_OPERATOR_CHAIN,
  MAX_TOKENS,
  STATEMENT_WEIGHT,
  sourceShape,
} from '../../../src/analyzers/python/parser.js';
import { LimitError } from '../../../src/core/errors.js';

const HANDLER = [
  '',
  'app = Flask(__name__)',
  '',
  "@app.route('/p', methods=['POST'])",
  'def handler():',
  '    return str(pickle.loads(request.data))',
  '',
].join('\n');

/** A module: imports, `TABLE = <display>` of `n` entries made by `entry`, then a Flask handler. */
function source(open: string, close: string, n: number, entry: (i: number) => string): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(`    ${entry(i)},`);
  return ['import os, pickle', 'from flask import Flask, request', `TABLE = ${open}`, ...rows, close, HANDLER].join(
    '\n',
  );
}

const N = Math.ceil(LARGE_LITERAL_CHARS / 10);

/** `text` is the LimitError `limit` when one is named, else analysed with the handler's pickle.loads found at its line. */
async function limitOrHandlerFound(text: string, limit: string | undefined): Promise<void> {
  if (limit !== undefined) {
    await assert.rejects(analyzePythonModule(text), (e: unknown) => e instanceof LimitError && e.limit === limit);
    return;
  }
  const mod = await analyzePythonModule(text);
  const sinks = detectDeserSignals(mod).filter((s) => JSON.stringify(s).includes('pickle.loads'));
  const line = text.split('\n').findIndex((l) => l.includes('pickle.loads')) + 1;
  assert.ok(JSON.stringify(sinks).includes(`"line":${line}`), `pickle.loads at line ${line}`);
}

function table(root: SyntaxNode): SyntaxNode {
  const assign = root.namedChildren[2]!.namedChildren[0]!;
  return assign.namedChildren[1]!;
}

/** The module analysed, and the syntax tree copied out of the same parse (one parse of the large text, not two). */
async function analysedWithTree(text: string): Promise<{ mod: PythonModule; tree: SyntaxTree }> {
  let tree: SyntaxTree | undefined;
  const mod = await analyzePythonModuleUnless(text, {}, (root, source) => {
    tree = toSyntaxTree(root, source);
    return false;
  });
  assert.ok(mod !== undefined && tree !== undefined);
  return { mod, tree };
}

describe('large constant displays', () => {
  const cases: { name: string; text: string; opaque: boolean }[] = [
    { name: 'dict of strings to ints', text: source('{', '}', N, (i) => `'k_${i}': ${i}`), opaque: true },
    { name: 'list of nested tuples', text: source('[', ']', N, (i) => `(-${i}, 1.5, None, "a\\n")`), opaque: true },
    { name: 'set of strings', text: source('{', '}', N, (i) => `'s${i}' 'x'`), opaque: true },
    // Benign twins of the shape: not constant, or too small, keep every element.
    {
      name: 'dict with one call',
      text: source('{', '}', N, (i) => (i === N - 1 ? `'k': os.getcwd()` : `'k_${i}': ${i}`)),
      opaque: false,
    },
    { name: 'small dict', text: source('{', '}', 50, (i) => `'k_${i}': ${i}`), opaque: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.opaque ? 'one opaque node' : 'elements kept'}`, async () => {
      const { mod, tree } = await analysedWithTree(c.text);
      const t = table(tree.root);
      assert.ok(['dictionary', 'list', 'set'].includes(t.type), t.type);
      assert.equal(t.namedChildren.length === 0, c.opaque);
      // The walk resumes after the display: the handler's call is found at its line either way.
      const sinks = detectDeserSignals(mod).filter((s) => JSON.stringify(s).includes('pickle.loads'));
      assert.ok(sinks.length > 0, 'pickle.loads(request.data) found');
      const line = c.text.split('\n').findIndex((l) => l.includes('pickle.loads')) + 1;
      assert.ok(JSON.stringify(sinks).includes(`"line":${line}`), `at line ${line}`);
    });
  }
});

describe('large runs of adjacent string literals', () => {
  /** `PAYLOAD = <n parts made by part>`, then the handler; the run is the assignment's right side. */
  const run = (n: number, part: (i: number) => string): string =>
    [
      'import os, pickle',
      'from flask import Flask, request',
      `PAYLOAD = ${Array.from({ length: n }, (_, i) => part(i)).join(' ')}`,
      HANDLER,
    ].join('\n');
  const M = Math.ceil(LARGE_LITERAL_CHARS / 4) + 1;
  const cases: { name: string; text: string; opaque: boolean }[] = [
    { name: 'a run of short literals', text: run(M, () => `"a"`), opaque: true },
    { name: 'f-strings without interpolations (escaped braces)', text: run(M, () => `f"{{}}"`), opaque: true },
    // Benign twins: an interpolation, or a short run, keeps the parts (and the value where it is known).
    { name: 'a run with one interpolation', text: run(M, (i) => (i === 7 ? `f"{os.sep}"` : `"a"`)), opaque: false },
    { name: 'a short run', text: run(50, () => `"a"`), opaque: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.opaque ? 'one opaque node, nodes not proportional to the parts' : 'parts kept'}`, async () => {
      const { mod, tree } = await analysedWithTree(c.text);
      const t = table(tree.root);
      assert.equal(t.type, 'concatenated_string');
      assert.equal(t.namedChildren.length === 0, c.opaque);
      // Nodes copied out of the parser's tree: a few dozen for the code, none per literal of an opaque run.
      if (c.opaque) assert.ok(tree.nodes < 200, String(tree.nodes));
      const sinks = detectDeserSignals(mod).filter((s) => JSON.stringify(s).includes('pickle.loads'));
      assert.ok(sinks.length > 0, 'pickle.loads(request.data) found');
    });
  }
});

describe('expressions too large or too deep to parse end with a limit; the same shapes at ordinary sizes are analysed', () => {
  /** `x = <expr>`, then the handler: found when the module is analysed, or the whole module is a limit. */
  const module = (expr: string): string =>
    ['import os, pickle', 'from flask import Flask, request', 'y = 1', `x = ${expr}`, HANDLER].join('\n');
  const join = (n: number, part: string, sep: string): string => Array.from({ length: n }, () => part).join(sep);
  // Operators, and terms joined by one more than the limit allows.
  const OPS = MAX_OPERATOR_CHAIN + 1;
  const TERMS = OPS + 1;
  const cases: { name: string; expr: string; limit?: string }[] = [
    { name: 'a chain of + over names', expr: join(TERMS, 'y', '+'), limit: 'maxPythonNesting' },
    { name: 'a chain of + over strings', expr: join(TERMS, "'ab'", '+'), limit: 'maxPythonNesting' },
    { name: 'unary minus signs', expr: '-'.repeat(OPS) + '1', limit: 'maxPythonNesting' },
    { name: 'not operators', expr: 'not '.repeat(OPS) + 'y', limit: 'maxPythonNesting' },
    {
      name: 'an operator chain inside an f-string field',
      expr: `f'{${join(TERMS, 'y', '+')}}'`,
      limit: 'maxPythonNesting',
    },
    { name: 'chained calls', expr: 'os.getcwd' + '()'.repeat(MAX_ATTRIBUTE_CHAIN + 1), limit: 'maxPythonNesting' },
    {
      name: 'adjacent f-strings with fields',
      expr: `(${join(Math.ceil(MAX_TOKENS / 6) + 1, "f'a{y}'", ' ')})`,
      limit: 'maxPythonTokens',
    },
    { name: 'a list of names', expr: `[${join(Math.ceil(MAX_TOKENS / 2) + 1, 'y', ',')}]`, limit: 'maxPythonTokens' },
    // Benign twins: the same shapes at sizes real code has, and constant tables of any size.
    { name: 'a chain of + over names, short', expr: join(1000, 'y', '+') },
    { name: 'unary minus signs, few', expr: '- '.repeat(50) + '1' },
    { name: 'adjacent f-strings with fields, a few thousand', expr: `(${join(3000, "f'a{y}'", ' ')})` },
    { name: 'chained method calls, short', expr: "' '.strip()" + '.strip()'.repeat(200) },
    { name: 'a list of constants larger than the token budget', expr: `[${join(MAX_TOKENS, '-1', ',')}]` },
    {
      name: 'a dict of constants larger than the token budget, one entry per line',
      expr: `{\n${Array.from({ length: MAX_TOKENS / 8 }, (_, i) => `    'k${i}': (${i}, 1.5e-3, None),`).join('\n')}\n}`,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.limit ?? 'analysed, the handler after it found at its line'}`, async () => {
      await limitOrHandlerFound(module(c.expr), c.limit);
    });
  }
});

describe('statements weigh more than their tokens: a source of many short statements ends with a limit', () => {
  it('counts logical lines and `;`-separated statements, not blank lines, comments or continuation lines', () => {
    const text = ['a = 1', '', '# note', 'b = 2; c = 3', 'if a:', '    d = (1,', '         2)', 'e = \\', '  4'].join(
      '\n',
    );
    assert.equal(sourceShape(text).statements, 6);
  });
  // `aN = N`: 3 tokens and one statement.
  const perLine = 3 + STATEMENT_WEIGHT;
  const over = Math.ceil(MAX_TOKENS / perLine) + 1;
  const cases: { name: string; body: string; limit?: string }[] = [
    {
      name: 'short assignments, one per line, past the weight',
      body: Array.from({ length: over }, (_, i) => `a${i} = ${i}`).join('\n'),
      limit: 'maxPythonTokens',
    },
    {
      name: 'the same statements on one line, separated by ;',
      body: Array.from({ length: over }, (_, i) => `a${i} = ${i}`).join('; '),
      limit: 'maxPythonTokens',
    },
    // Benign twin: many statements, as large generated modules have.
    {
      name: 'twenty thousand short assignments',
      body: Array.from({ length: 20_000 }, (_, i) => `a${i} = ${i}`).join('\n'),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.limit ?? 'analysed, the handler after it found at its line'}`, async () => {
      const text = ['import os, pickle', 'from flask import Flask, request', c.body, HANDLER].join('\n');
      if (c.limit !== undefined)
        assert.ok(sourceShape(text).tokens < MAX_TOKENS, 'the tokens alone are within the budget');
      await limitOrHandlerFound(text, c.limit);
    });
  }
});

describe('large constant tables are blanked before parsing, offsets and lines unchanged', () => {
  const big = (n: number, part: (i: number) => string, sep: string): string =>
    Array.from({ length: n }, (_, i) => part(i)).join(sep);
  const N = Math.ceil(LARGE_LITERAL_CHARS / 2);
  const cases: { name: string; text: string; blanked: boolean }[] = [
    { name: 'a list after `=`', text: `x = [${big(N, () => '1', ', ')}]\n`, blanked: true },
    { name: 'a tuple after `return`', text: `def f():\n    return (${big(N, () => '"a"', ', ')})\n`, blanked: true },
    {
      name: 'strings continued over lines outside brackets, triple-quoted ones spanning lines',
      text: `x = ${big(N / 2, () => "'a' '''b\nc''' \\", '\n')}\n'z'\n`,
      blanked: true,
    },
    {
      name: 'a constant table inside a dict that also calls',
      text: `d = {'f': f(), 't': [${big(N, () => '1', ',')}]}\n`,
      blanked: true,
    },
    // Not constant tables: a call's arguments, a subscript, a name, an f-string field, a binary operator.
    { name: "a call's arguments", text: `f(${big(N, () => '1', ', ')})\n`, blanked: false },
    { name: 'a subscript', text: `x[${big(N, () => '1', ', ')}]\n`, blanked: false },
    {
      name: 'a list with one name',
      text: `x = [${big(N, (i) => (i === N - 2 ? 'os' : '1'), ', ')}]\n`,
      blanked: false,
    },
    {
      name: 'a list with one f-string field',
      text: `x = [${big(N, (i) => (i === 9 ? "f'{a}'" : "f'{{}}'"), ', ')}]\n`,
      blanked: false,
    },
    {
      name: 'a list with one binary minus',
      text: `x = [${big(N, (i) => (i === 9 ? '2-1' : '1'), ', ')}]\n`,
      blanked: false,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.blanked ? 'blanked' : 'kept'}`, async () => {
      const out = blankLargeLiterals(c.text);
      assert.equal(out.length, c.text.length);
      assert.equal(out.split('\n').length, c.text.split('\n').length);
      assert.equal(out !== c.text, c.blanked);
      // The parse of the blanked text is clean and ends where the source ends.
      const ok = await withPythonTree(out, (root) => !root.hasError && root.endIndex === c.text.length);
      assert.ok(ok || (await withPythonTree(c.text, (root) => root.hasError)), 'blanking adds no parse error');
    });
  }
});
