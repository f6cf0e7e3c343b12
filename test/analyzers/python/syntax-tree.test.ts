// The plain-JS copy of a tree-sitter tree: same named nodes, ranges and field names as tree-sitter itself,
// comments dropped, and lines/columns computed exactly as tree-sitter computes them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { treeCursorCalls, withPythonTree } from '../../../src/analyzers/python/parser.js';
import { LineIndex, toSyntaxTree, type SyntaxNode } from '../../../src/analyzers/python/syntax-tree.js';

const SOURCE = [
  'import torch  # comment',
  's = "é😀\\t"\r',
  '\tx = torch.load(p,\r\n     weights_only=True)',
  'def f(a, *, b=1):',
  '    """doc"""',
  '    return a if b else -a',
  '',
].join('\n');

function flatten(
  wasm: Node,
  out: [string, number, number, number, number, number, number, string | null][],
  field: string | null,
): void {
  if (wasm.type === 'comment') return;
  out.push([
    wasm.type,
    wasm.startIndex,
    wasm.endIndex,
    wasm.startPosition.row,
    wasm.startPosition.column,
    wasm.endPosition.row,
    wasm.endPosition.column,
    field,
  ]);
  wasm.namedChildren.forEach((c, i) => flatten(c, out, wasm.fieldNameForNamedChild(i)));
}

function flattenJs(
  n: SyntaxNode,
  out: [string, number, number, number, number, number, number, string | null][],
): void {
  out.push([
    n.type,
    n.startIndex,
    n.endIndex,
    n.startPosition.row,
    n.startPosition.column,
    n.endPosition.row,
    n.endPosition.column,
    n.field,
  ]);
  for (const c of n.namedChildren) flattenJs(c, out);
}

describe('toSyntaxTree', () => {
  it('keeps every named node with tree-sitter ranges, positions and field names, minus comments', async () => {
    await withPythonTree(SOURCE, (root) => {
      const expected: [string, number, number, number, number, number, number, string | null][] = [];
      flatten(root, expected, null);
      const tree = toSyntaxTree(root, SOURCE);
      const got: typeof expected = [];
      flattenJs(tree.root, got);
      assert.deepEqual(got, expected);
      assert.ok(!got.some((g) => g[0] === 'comment'));
      assert.deepEqual(
        tree.calls.map((c) => SOURCE.slice(c.startIndex, c.endIndex)),
        ['torch.load(p,\r\n     weights_only=True)'],
      );
    });
  });

  it('answers field lookups like tree-sitter', async () => {
    await withPythonTree('f(x)(y)\n', (root) => {
      const tree = toSyntaxTree(root, 'f(x)(y)\n');
      assert.deepEqual(
        tree.calls.map((c) => c.childForFieldName('function')?.type),
        ['call', 'identifier'],
      );
    });
  });
});

/** Every .py file under a folder, at most `max`. */
function pyFiles(dir: string, max: number, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= max) break;
    const p = join(dir, e.name);
    if (e.isDirectory()) pyFiles(p, max, out);
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

describe('toSyntaxTree (the cursor walk) against the Node API', () => {
  // Syntax errors, MISSING nodes, comments between tokens and inside brackets, decorators, nested strings.
  const SHAPES = [
    'def f(:\n    return (1,\n',
    'x = [1, # c\n  2, # d\n]\n@dec  # c\nclass A(B, metaclass=M):  # c\n    pass\n',
    'f"{a!r:>{w}}" f\'{b}\'\nprint(*a, **k)\nlambda *a, b=1: (yield)\n',
    'if x:\n  pass\n else:\n',
    'match p:\n    case [1, *r] if r: pass\n    case {"k": v, **kw}: pass\n',
    '',
    '# only a comment\n',
  ];
  const fixtures = pyFiles(join(import.meta.dirname, '..', '..', 'fixtures'), 400);
  /** Seeded cuts and insertions into the fixtures: error recovery makes the trees the grammar alone does not. */
  function mutated(count: number): string[] {
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const TOKENS = [
      'is not',
      'not in',
      '(',
      ')',
      ':',
      '\n',
      '    ',
      'lambda',
      '"',
      "'''",
      'f"{',
      '}',
      ',',
      '**',
      '=',
      'def ',
      '@',
      '#',
      '\\',
      'match ',
      '`',
      ';',
    ];
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      let text = readFileSync(fixtures[Math.floor(rnd() * fixtures.length)]!, 'utf8').slice(0, 8000);
      for (let j = 1 + Math.floor(rnd() * 12); j > 0; j--) {
        const at = Math.floor(rnd() * text.length);
        const r = rnd();
        if (r < 0.45) text = text.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)]! + text.slice(at);
        else if (r < 0.8) text = text.slice(0, at) + text.slice(at + Math.floor(rnd() * 40));
        else text = text.slice(0, at);
      }
      out.push(text);
    }
    return out;
  }
  // A chain deep enough to grow the cursor's stack (its first state word, the stack's address, moves).
  const DEEP = `x = 1${' + 1'.repeat(400)}\ny = ${'('.repeat(120)}g(z)${')'.repeat(120)}\n`;
  it(`copies ${SHAPES.length + 1} odd shapes, ${fixtures.length} fixture files and 400 mutations of them exactly as namedChildren and fieldNameForNamedChild read them, on the module's exports and through the TreeCursor API alike`, async () => {
    assert.ok(fixtures.length >= 100, String(fixtures.length));
    for (const text of [...SHAPES, DEEP, ...fixtures.map((f) => readFileSync(f, 'utf8')), ...mutated(400)]) {
      await withPythonTree(text, (root) => {
        const expected: [string, number, number, number, number, number, number, string | null][] = [];
        for (const [i, c] of root.namedChildren.entries()) flatten(c, expected, root.fieldNameForNamedChild(i));
        const tree = toSyntaxTree(root, text);
        const got: typeof expected = [];
        for (const c of tree.root.namedChildren) flattenJs(c, got);
        assert.deepEqual(got, expected);
        const viaApi: typeof expected = [];
        for (const c of toSyntaxTree(root, text, true).root.namedChildren) flattenJs(c, viaApi);
        assert.deepEqual(viaApi, expected);
        assert.equal(tree.nodes, got.length + 1);
        const calls: string[] = [];
        (function walk(n: Node): void {
          if (n.type === 'call') calls.push(`${n.startIndex}:${n.endIndex}`);
          for (const c of n.namedChildren) if (c.type !== 'comment') walk(c);
        })(root);
        assert.deepEqual(
          tree.calls.map((c) => `${c.startIndex}:${c.endIndex}`),
          calls.sort(
            (a, b) =>
              Number(a.split(':')[0]) - Number(b.split(':')[0]) || Number(b.split(':')[1]) - Number(a.split(':')[1]),
          ),
        );
      });
    }
  });
});

describe("the walk on the grammar module's exports", () => {
  it('is the one toSyntaxTree takes once the grammar is loaded, and leaves the cursor and the tree usable', async () => {
    const text = `a = ${'{'.repeat(100)}${'}'.repeat(100)}\nb = f(1)\n`;
    await withPythonTree(text, (root) => {
      assert.ok(treeCursorCalls() !== undefined, 'this web-tree-sitter build has the cursor exports');
      const first = toSyntaxTree(root, text);
      // The transfer buffer is web-tree-sitter's again: the Node API and a second walk read the same tree.
      const again = toSyntaxTree(root, text);
      assert.equal(again.nodes, first.nodes);
      assert.equal(root.namedChildren[1]!.type, 'expression_statement');
      const cursor = root.walk();
      assert.ok(cursor.gotoFirstChild());
      assert.ok(cursor.gotoNextSibling());
      assert.equal(cursor.nodeType, 'expression_statement');
      cursor.delete();
      assert.deepEqual(
        first.calls.map((c) => text.slice(c.startIndex, c.endIndex)),
        ['f(1)'],
      );
    });
  });

  it('hands the state back to the cursor after moves that moved its stack', async () => {
    // A left-nested chain: each first child is the next `+`, 401 levels down, so the cursor's stack grows.
    const text = `1${' + 1'.repeat(400)}\n`;
    await withPythonTree(text, (root) => {
      const raw = treeCursorCalls()!;
      const cursor = root.walk();
      // A second cursor allocated right after the first keeps the allocator from growing the first one's stack in
      // place, whatever earlier parses left in the heap: the stack must move for this case to prove anything.
      const blocker = root.walk();
      const words = cursor as unknown as Record<number, number>;
      const stackBefore = words[0];
      const t = raw.load(cursor);
      let depth = 0;
      while (raw.firstChild(t) === 1) depth++;
      const start = raw.startIndex(t);
      raw.parent(t);
      raw.store(cursor);
      assert.notEqual(words[0], stackBefore, 'the stack moved (else this case proves nothing)');
      assert.equal(cursor.currentDepth, depth - 1);
      assert.equal(cursor.nodeType, 'binary_operator');
      assert.ok(cursor.gotoFirstChild());
      assert.equal(cursor.startIndex, start);
      cursor.delete();
      blocker.delete();
    });
  });
});

describe('LineIndex', () => {
  it('counts rows at \\n only and columns in UTF-16 units', () => {
    const idx = new LineIndex('ab\r\ncd\né😀x');
    assert.deepEqual(idx.point(0), { row: 0, column: 0 });
    assert.deepEqual(idx.point(3), { row: 0, column: 3 });
    assert.deepEqual(idx.point(4), { row: 1, column: 0 });
    assert.deepEqual(idx.point(11), { row: 2, column: 4 });
    assert.equal(idx.lineCount, 3);
  });
});
