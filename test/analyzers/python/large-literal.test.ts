// A large display of constants is one opaque node; the code after it is analysed as usual.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { withPythonTree } from '../../../src/analyzers/python/parser.js';
import { LARGE_LITERAL_CHARS, toSyntaxTree, type SyntaxNode } from '../../../src/analyzers/python/syntax-tree.js';
import { detectDeserSignals } from '../../../src/analyzers/deser/code.js';

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

function table(root: SyntaxNode): SyntaxNode {
  const assign = root.namedChildren[2]!.namedChildren[0]!;
  return assign.namedChildren[1]!;
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
      const tree = await withPythonTree(c.text, (root) => toSyntaxTree(root, c.text));
      const t = table(tree.root);
      assert.ok(['dictionary', 'list', 'set'].includes(t.type), t.type);
      assert.equal(t.namedChildren.length === 0, c.opaque);
      // The walk resumes after the display: the handler's call is found at its line either way.
      const mod = await analyzePythonModule(c.text);
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
      const tree = await withPythonTree(c.text, (root) => toSyntaxTree(root, c.text));
      const t = table(tree.root);
      assert.equal(t.type, 'concatenated_string');
      assert.equal(t.namedChildren.length === 0, c.opaque);
      // Nodes copied out of the parser's tree: a few dozen for the code, none per literal of an opaque run.
      if (c.opaque) assert.ok(tree.nodes < 200, String(tree.nodes));
      const mod = await analyzePythonModule(c.text);
      const sinks = detectDeserSignals(mod).filter((s) => JSON.stringify(s).includes('pickle.loads'));
      assert.ok(sinks.length > 0, 'pickle.loads(request.data) found');
    });
  }
});
