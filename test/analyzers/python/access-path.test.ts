// Facts added for the DESER data flow: access paths of expressions and callees, tuple/list elements, and
// comprehension variables as `for` assignments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';

describe('access paths', () => {
  it('describes a callee as root + attribute/subscript steps, with the root resolved', async () => {
    const mod = await analyzePythonModule('from flask import request\nx = request.files["model"].read()\n');
    const call = mod.calls.find((c) => c.callee.raw.endsWith('.read'))!;
    assert.deepEqual(call.callee.access, {
      root: { kind: 'name', name: 'request', qualifiedNames: ['flask.request'], resolution: 'import' },
      steps: [
        { kind: 'attr', name: 'files' },
        { kind: 'index', slice: false, key: { type: 'str', value: 'model' } },
        { kind: 'attr', name: 'read' },
      ],
    });
  });

  it('strips await and parentheses, roots at a call, marks slices, keeps non-literal keys out', async () => {
    const mod = await analyzePythonModule('async def f(req, k):\n    g((await req.body())[4:], cache[k])\n');
    const g = mod.calls.find((c) => c.callee.raw === 'g')!;
    const body = mod.calls.find((c) => c.callee.raw === 'req.body')!;
    assert.deepEqual(g.positional[0]!.access, {
      root: { kind: 'call', callId: body.id },
      steps: [{ kind: 'index', slice: true }],
    });
    assert.deepEqual(g.positional[1]!.access?.steps, [{ kind: 'index', slice: false }]);
    assert.equal(g.positional[1]!.access?.root.kind, 'name');
  });

  it('gives no access path to operators and literals', async () => {
    const mod = await analyzePythonModule('f(a + b, "x", [1])\n');
    assert.deepEqual(
      mod.calls[0]!.positional.map((p) => p.access),
      [undefined, undefined, undefined],
    );
  });
});

describe('elements and comprehension variables', () => {
  it('lists the elements of tuple/list arguments', async () => {
    const mod = await analyzePythonModule('import threading\nthreading.Thread(target=h, args=(conn, 3))\n');
    const args = mod.calls[0]!.keywords.find((k) => k.name === 'args')!.value;
    assert.deepEqual(
      args.elements?.map((e) => e.text),
      ['conn', '3'],
    );
  });

  it('records comprehension for-clauses as assignments of the enclosing scope', async () => {
    const mod = await analyzePythonModule('def f(ws):\n    return [m for m in ws]\n');
    const a = mod.assignments.find((x) => x.kind === 'for')!;
    assert.equal(a.scopeId, 1);
    assert.deepEqual(a.targets, [{ kind: 'name', name: 'm' }]);
    assert.equal(a.value?.text, 'ws');
  });
});
