// The plain-JS copy of a tree-sitter tree: same named nodes, ranges and field names as tree-sitter itself,
// comments dropped, and lines/columns computed exactly as tree-sitter computes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { withPythonTree } from '../../../src/analyzers/python/parser.js';
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
