// FactLog folds identical invocations into the first one recorded, per callee, whatever order they come in; a
// difference in kind, opcode, directness, error state or detail is its own fact; the cap stops new facts only.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { FactLog } from '../../../src/analyzers/pickle/fact-log.js';
import type { CallFact, CallKind, ImportFact } from '../../../src/analyzers/pickle/facts.js';

function imp(module: string, name: string): ImportFact {
  return {
    module,
    name,
    canonical: `${module}.${name}`,
    opcode: 'GLOBAL',
    offset: 0,
    protocol: 2,
    afterError: false,
  } as ImportFact;
}

const A = imp('torch._utils', '_rebuild_tensor_v2');
const B = imp('collections', 'OrderedDict');

function call(callee: ImportFact | undefined, over: Partial<CallFact> = {}): CallFact {
  return {
    kind: 'REDUCE' as CallKind,
    opcode: 'REDUCE',
    offset: 0,
    callee,
    direct: true,
    afterError: false,
    ...over,
  };
}

/** Facts recorded for `calls`, each as "callee kind opcode direct afterError detail xN". */
function folded(calls: CallFact[], cap = 100): string[] {
  const log = new FactLog({
    imports: 100,
    calls: cap,
    persistentIds: 100,
    nested: 1,
    nestedLiterals: 1,
    nestedBytes: 1,
  });
  for (const c of calls) log.addCall(c);
  return log.calls.map(
    (c) =>
      `${c.callee?.name ?? '-'} ${c.kind} ${c.opcode} ${c.direct} ${c.afterError} ${c.detail ?? ''} x${1 + (c.repeats ?? 0)}`,
  );
}

describe('FactLog call folding', () => {
  const cases: { name: string; calls: () => CallFact[]; want: string[] }[] = [
    {
      name: 'one callee repeated',
      calls: () => [call(A), call(A), call(A)],
      want: ['_rebuild_tensor_v2 REDUCE REDUCE true false  x3'],
    },
    {
      name: 'two callees alternating (a checkpoint: tensor, then its hooks dict)',
      calls: () => [call(A), call(B), call(A), call(B), call(A)],
      want: ['_rebuild_tensor_v2 REDUCE REDUCE true false  x3', 'OrderedDict REDUCE REDUCE true false  x2'],
    },
    {
      name: 'a different shape between identical ones folds back into the first',
      calls: () => [call(A), call(A, { direct: false }), call(A), call(A, { direct: false })],
      want: ['_rebuild_tensor_v2 REDUCE REDUCE true false  x2', '_rebuild_tensor_v2 REDUCE REDUCE false false  x2'],
    },
    {
      name: 'kind, opcode, error state and detail each make a new fact',
      calls: () => [
        call(A),
        call(A, { kind: 'NEWOBJ', opcode: 'NEWOBJ' }),
        call(A, { opcode: 'REDUCE', kind: 'BUILD' }),
        call(A, { afterError: true }),
        call(A, { detail: 'calls an object returned by persistent_load' }),
        call(A, { detail: 'calls an object returned by persistent_load' }),
      ],
      want: [
        '_rebuild_tensor_v2 REDUCE REDUCE true false  x1',
        '_rebuild_tensor_v2 NEWOBJ NEWOBJ true false  x1',
        '_rebuild_tensor_v2 BUILD REDUCE true false  x1',
        '_rebuild_tensor_v2 REDUCE REDUCE true true  x1',
        '_rebuild_tensor_v2 REDUCE REDUCE true false calls an object returned by persistent_load x2',
      ],
    },
    {
      name: 'calls of no import fold among themselves',
      calls: () => [call(undefined, { detail: 'x' }), call(undefined, { detail: 'x' })],
      want: ['- REDUCE REDUCE true false x x2'],
    },
    {
      name: 'at the cap, repeats still fold and new shapes are not stored',
      calls: () => [call(A), call(B), call(A), call(A, { direct: false })],
      want: ['_rebuild_tensor_v2 REDUCE REDUCE true false  x2'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(folded(c.calls(), c.name.startsWith('at the cap') ? 1 : 100), c.want);
    });
  }

  it('the cap is reported by name for a new shape', () => {
    const log = new FactLog({ imports: 1, calls: 1, persistentIds: 1, nested: 1, nestedLiterals: 1, nestedBytes: 1 });
    assert.equal(typeof log.addCall(call(A)), 'object');
    assert.equal(log.addCall(call(B)), 'calls');
    assert.equal(typeof log.addCall(call(A)), 'object');
  });
});
