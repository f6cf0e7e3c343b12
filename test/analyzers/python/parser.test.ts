// The shared tree-sitter Python parser: lazy once-per-process init, tree lifetime, and parse budgets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitError } from '../../../src/core/errors.js';
import {
  MAX_NESTING,
  getPythonParser,
  pythonParserInitMs,
  sourceShape,
  withPythonTree,
} from '../../../src/analyzers/python/parser.js';

describe('getPythonParser', () => {
  it('initialises once and hands every caller the same parser', async () => {
    const [a, b] = await Promise.all([getPythonParser(), getPythonParser()]);
    assert.equal(a, b);
    assert.equal(await getPythonParser(), a);
    const ms = pythonParserInitMs();
    assert.ok(ms !== undefined && ms > 0);
  });
});

describe('withPythonTree', () => {
  it('passes the root node and returns the callback result', async () => {
    const r = await withPythonTree('import torch\nx = 1\n', (root) => [root.type, root.namedChildCount, root.hasError]);
    assert.deepEqual(r, ['module', 2, false]);
  });

  it('rethrows callback errors (the tree is still freed)', async () => {
    await assert.rejects(
      withPythonTree('x = 1', () => {
        throw new RangeError('boom');
      }),
      RangeError,
    );
    assert.equal(await withPythonTree('y = 2', (root) => root.text), 'y = 2');
  });

  it('rejects sources over maxSourceChars with a LimitError', async () => {
    await assert.rejects(
      withPythonTree('x = 1\n'.repeat(100), () => 0, { maxSourceChars: 99 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxSourceChars',
    );
  });

  it('cancels a parse that overruns timeoutMs with a LimitError, and the parser still works afterwards', async () => {
    const big = 'def f(x):\n    return g(x, [1, 2, 3], {"a": (4, 5)})\n'.repeat(15_000);
    await assert.rejects(
      withPythonTree(big, () => 0, { timeoutMs: 0 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxFileSeconds',
    );
    assert.equal(await withPythonTree('z = 3', (root) => root.namedChildCount), 1);
  });
});

describe('nesting bounds (hostile inputs end in a limit, in time proportional to the text)', () => {
  const nested = (n: number, open: string, close: string): string =>
    'import pickle\nx = ' + open.repeat(n) + 'pickle.loads(data)' + close.repeat(n) + '\n';

  it('100,000 nested calls, lists or chained attributes are LimitError maxPythonNesting', async () => {
    for (const text of [
      nested(100_000, 'f(', ')'),
      nested(100_000, '[', ']'),
      'import pickle\nx = pickle' + '.a'.repeat(100_000) + '.loads(data)\n',
    ]) {
      await assert.rejects(
        withPythonTree(text, () => 0),
        (e: unknown) => e instanceof LimitError && e.limit === 'maxPythonNesting',
      );
    }
  });

  it("CPython's own limit passes: 200 nested brackets, brackets inside strings and comments do not count", async () => {
    assert.deepEqual(sourceShape(nested(MAX_NESTING - 1, '(', ')')).nesting, MAX_NESTING);
    assert.equal(await withPythonTree(nested(MAX_NESTING - 1, '(', ')'), () => 1), 1);
    assert.deepEqual(sourceShape('s = "(((( [[[["  # ((((\nt = """\n{{{{\n"""\n'), {
      nesting: 0,
      chain: 0,
      operators: 0,
      tokens: 10,
      statements: 2,
      recursion: 0,
    });
    // Three attribute accesses and a call on one value.
    assert.equal(sourceShape('x = a.b.c.d(e.f)\n').chain, 4);
    // Operators counted per expression: commas, assignments and statements end one; brackets resume the outer one.
    assert.equal(sourceShape('x = a + b * (c - d) - e, f + g\ny = -1\n').operators, 3);
    assert.equal(sourceShape('x += a ** b // c if not d else e <= f != g\n').operators, 7);
    assert.equal(sourceShape('s = f"{a + b + c} - - - {{ + }}"\n').operators, 2);
  });
});
