// Dead Python 2 branches: an if/elif decided by a major-version test for every Python 3 is dropped before facts
// are collected; anything the analyser cannot decide (minor versions, unknown names) keeps both branches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';

/** Which of the calls `live()` / `dead()` / `other()` survive in `if COND: live() else: other()`. */
async function kept(prelude: string, cond: string): Promise<string[]> {
  const text = ['import sys', prelude, `if ${cond}:`, '    first()', 'else:', '    second()', ''].join('\n');
  const mod = await analyzePythonModule(text);
  return mod.calls.map((c) => c.text).filter((t) => t === 'first()' || t === 'second()');
}

describe('dead version branches', () => {
  const cases: [string, string, string[]][] = [
    ['', 'sys.version_info[0] == 2', ['second()']],
    ['', 'sys.version_info[0] >= 3', ['first()']],
    ['', 'sys.version_info.major < 3', ['second()']],
    ['', 'sys.version_info < (3,)', ['second()']],
    ['', 'sys.version_info >= (3, 0)', ['first()', 'second()']],
    ['', 'sys.version_info < (3, 8)', ['first()', 'second()']],
    ['', 'sys.version_info > (2, 7)', ['first()']],
    ['', 'sys.version_info[:2] < (2, 7)', ['second()']],
    ['PY3 = sys.version_info[0] == 3', 'PY3', ['first()']],
    ['PY2 = sys.version_info[0] == 2', 'not PY2', ['first()']],
    ['PY2 = sys.version_info[0] == 2', 'PY2 and something()', ['second()']],
    ['PY2 = sys.version_info[0] == 2', 'PY2 or something()', ['first()', 'second()']],
    ['import six', 'six.PY2', ['second()']],
    ['from six import PY3', 'PY3', ['first()']],
    // A constant stored twice, or a name from an unknown module, is not decided.
    ['PY3 = sys.version_info[0] == 3\nPY3 = False', 'PY3', ['first()', 'second()']],
    ['from compat import PY3', 'PY3', ['first()', 'second()']],
    ['', 'platform_is_old', ['first()', 'second()']],
  ];
  for (const [prelude, cond, want] of cases) {
    it(`${prelude.replace(/\n/g, '; ') || '(no prelude)'} | if ${cond}`, async () => {
      assert.deepEqual(await kept(prelude, cond), want);
    });
  }

  it('an elif decided true drops the later clauses; one decided false drops only its body', async () => {
    const text = [
      'import sys',
      'if flag:',
      '    a()',
      'elif sys.version_info[0] == 2:',
      '    b()',
      'elif sys.version_info[0] == 3:',
      '    c()',
      'else:',
      '    d()',
      '',
    ].join('\n');
    const mod = await analyzePythonModule(text);
    assert.deepEqual(
      mod.calls.map((c) => c.text),
      ['a()', 'c()'],
    );
    // Call ids stay dense and in source order after the removal.
    assert.deepEqual(
      mod.calls.map((c) => c.id),
      [0, 1],
    );
  });

  it('bindings made only in a dead branch do not exist', async () => {
    const text = [
      'import sys, pickle, json',
      'if sys.version_info[0] < 3:',
      '    loads = pickle.loads',
      'else:',
      '    loads = json.loads',
      '',
    ].join('\n');
    const mod = await analyzePythonModule(text);
    const loads = mod.bindings.filter((b) => b.name === 'loads');
    assert.equal(loads.length, 1);
    assert.equal(loads[0]!.span.line, 5);
  });
});
