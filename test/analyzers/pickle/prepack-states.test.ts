// The state torch's quantized convolution modules hand to native prepack code: admitted only as the library writes it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { prepacksState, prepackStateProblem } from '../../../src/analyzers/pickle/prepack-states.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';

const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
const CONV = 'torch.ao.nn.quantized.modules.conv.Conv2d';

/** The 15-item state _ConvNd.__getstate__ writes, with `over` replacing items by index. */
function state(over: Record<number, PyVal> = {}): PyVal {
  const items: PyVal[] = [
    4,
    4,
    tuple(3, 3),
    tuple(1, 1),
    tuple(0, 0),
    tuple(1, 1),
    { k: K.False },
    tuple(0, 0),
    1,
    'zeros',
    { k: K.Unknown },
    { k: K.None },
    { k: K.Float, v: 1 } as PyVal,
    0,
    { k: K.True },
  ];
  for (const [i, v] of Object.entries(over)) items[Number(i)] = v;
  return tuple(...items);
}

describe('quantized convolution state handed to native prepack code', () => {
  it('covers the quantized, dynamic and intrinsic convolution classes, not the float ones', () => {
    for (const c of [
      CONV,
      'torch.ao.nn.quantized.modules.conv.ConvTranspose3d',
      'torch.ao.nn.quantized.dynamic.modules.conv.Conv1d',
      'torch.nn.intrinsic.quantized.modules.conv_relu.ConvReLU2d',
    ])
      assert.ok(prepacksState(c), c);
    assert.equal(prepacksState('torch.nn.modules.conv.Conv2d'), false);
  });
  const cases: [string, PyVal, boolean][] = [
    ['the state the library writes', state(), true],
    ['stride 2, padding 1, groups 2', state({ 3: tuple(2, 2), 4: tuple(1, 1), 8: 2 }), true],
    ['stride 0', state({ 3: tuple(0, 0) }), false],
    ['dilation 0', state({ 5: tuple(1, 0) }), false],
    ['groups 0', state({ 8: 0 }), false],
    ['negative padding', state({ 4: tuple(-1, 0) }), false],
    ['a huge stride', state({ 3: tuple(2n ** 40n, 1) }), false],
    ['a stride the analysis does not hold', state({ 3: { k: K.Unknown } }), false],
    ['a bool groups', state({ 8: { k: K.True } }), false],
    ['a 14-item tuple', tuple(...(state() as { items: PyVal[] }).items.slice(0, 14)), false],
    ['a dict', { k: K.Dict, keys: [], vals: [], n: 0 } as PyVal, false],
  ];
  for (const [name, s, ok] of cases)
    it(`${ok ? 'admits' : 'reports'} ${name}`, () => {
      assert.equal(prepackStateProblem(CONV, s) === undefined, ok);
    });
  it('reads the same state for the class TorchScript compiles from torch quantized Conv2d', () => {
    const scripted = '__torch__.torch.ao.nn.quantized.modules.conv.Conv2d';
    assert.ok(prepacksState(scripted));
    assert.equal(prepackStateProblem(scripted, state()), undefined);
    assert.ok(prepackStateProblem(scripted, state({ 3: tuple(0, 0) })));
    assert.ok(prepacksState('__torch__.torch.ao.nn.quantized.modules.conv.___torch_mangle_3.Conv2d'));
    assert.equal(prepacksState('__torch__.M'), false);
    assert.equal(prepacksState('__torch__.___torch_mangle_1.QuantConv'), false);
  });
  it('leaves other classes alone', () => {
    assert.equal(prepackStateProblem('torch.nn.modules.conv.Conv2d', state({ 3: tuple(0, 0) })), undefined);
  });
});
