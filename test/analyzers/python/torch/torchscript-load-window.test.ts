// Windowed operators run at load (pooling, unfold): each output element reads a window of the input, so the work is
// the input's elements times the window per stride, whatever the input's origin (a stored input is paid for once,
// not once per window). The real archives are made by scripts/fixtures/torchscript-load-window.py, which proves the
// same code with a stored signal of 2e6 elements and a window of 1e6 still running after 30 s under torch.jit.load
// and torch.load(weights_only=True); the twins (the window striding by itself, a window of 3) load.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { archiveBlocking, assertRuleCase, scriptedClass, type RuleCase } from './signal-helpers.js';

const cls = scriptedClass;
const WINDOW = { kind: 'load-work-window', runsAtLoad: true };
const DIR = join(import.meta.dirname, '../../../fixtures/torchscript-load-window');
const T = table as unknown as { windowed: Record<string, [string, string | null, string | null]> };

describe('TorchScript load code: the windowed operators (derived, not empty)', () => {
  it('lists the poolings and unfold with their window and stride arguments', () => {
    assert.deepEqual(T.windowed['aten::avg_pool1d'], ['kernel_size', 'stride', 'window']);
    assert.deepEqual(T.windowed['aten::max_pool2d'], ['kernel_size', 'stride', 'window']);
    assert.deepEqual(T.windowed['aten::unfold'], ['size', 'step', null]);
    assert.deepEqual(T.windowed['aten::fractional_max_pool2d'], ['kernel_size', null, null]);
  });
});

const cases: RuleCase[] = [
  {
    name: 'avg_pool1d over a stored tensor, window 1e6, stride 1',
    src: cls(['self.w = torch.avg_pool1d((state)[1], 1000000, 1)']),
    expect: [[7, 'high']],
    details: { ...WINDOW, operator: 'aten::avg_pool1d' },
  },
  {
    name: 'avg_pool1d with the window as its stride (omitted)',
    src: cls(['self.w = torch.avg_pool1d((state)[1], 1000000)']),
    expect: [],
  },
  {
    name: "avg_pool1d with the printer's empty stride list",
    src: cls(['self.w = torch.avg_pool1d((state)[1], [1000000], annotate(List[int], []))']),
    expect: [],
    // The divisor rule reads the empty list as not a valid constant; the window rule reads it as the window.
    ignoreKinds: ['load-work-argument'],
  },
  {
    name: 'max_pool2d with a 100 x 100 window, stride 1 (1e4 reads per element)',
    src: cls(['self.w = torch.max_pool2d((state)[1], [100, 100], [1, 1])']),
    expect: [[7, 'high']],
    details: { ...WINDOW, operator: 'aten::max_pool2d' },
  },
  {
    name: 'max_pool2d with a 100 x 100 window, stride 10 (100 reads per element)',
    src: cls(['self.w = torch.max_pool2d((state)[1], [100, 100], [10, 10])']),
    expect: [],
  },
  {
    name: 'max_pool2d with one window size for both dimensions, 100, stride 1 (1e4 reads per element)',
    src: cls(['self.w = torch.max_pool2d((state)[1], [100], [1])']),
    expect: [[7, 'high']],
    details: WINDOW,
  },
  {
    name: 'max_pool2d with a 3 x 3 window, stride 1',
    src: cls(['self.w = torch.max_pool2d((state)[1], [3, 3], [1, 1], [1, 1])']),
    expect: [],
  },
  {
    name: 'max_pool1d with a stride from the state',
    src: cls(['self.w = torch.max_pool1d((state)[1], 8192, (state)[0])']),
    expect: [[7, 'high']],
    details: WINDOW,
    ignoreKinds: ['load-work-argument'],
  },
  {
    name: 'max_pool1d given its window by keyword',
    src: cls(['self.w = torch.max_pool1d((state)[1], kernel_size=[1000000], stride=[1])']),
    expect: [[7, 'high']],
    details: WINDOW,
  },
  {
    name: 'a window the printer hoists into a local name, 1e6 with stride 1',
    src: cls(['_0 = [1000000]', '_1 = [1]', 'self.w = torch.max_pool1d((state)[1], _0, _1)']),
    expect: [[9, 'high']],
    details: WINDOW,
  },
  {
    name: 'a window and stride the printer hoists into local names, 3 and 1',
    src: cls(['_0 = [3]', '_1 = [1]', 'self.w = torch.max_pool1d((state)[1], _0, _1)']),
    expect: [],
  },
  {
    name: 'a window passed to a method by its caller, 1e6 with stride 1',
    src: cls(
      ['self.w = (self).pool((state)[1], [1000000])'],
      ['  def pool(self: __torch__.M, x: Tensor, k: List[int]) -> Tensor:', '    return torch.max_pool1d(x, k, [1])'],
    ),
    expect: [[10, 'high']],
    details: WINDOW,
  },
  {
    name: 'a window passed to a method by its caller, 3 with stride 1',
    src: cls(
      ['self.w = (self).pool((state)[1], [3])'],
      ['  def pool(self: __torch__.M, x: Tensor, k: List[int]) -> Tensor:', '    return torch.max_pool1d(x, k, [1])'],
    ),
    expect: [],
  },
  {
    name: 'unfold of a stored tensor in the value-method form, window 1e6, step 1, then a reduction',
    src: cls(['a = (state)[1]', 'self.w = torch.sum(a.unfold(2, 1000000, 1), [-1])']),
    expect: [[8, 'high']],
    details: { ...WINDOW, operator: 'aten::unfold' },
  },
  {
    name: 'unfold stepping by its window',
    src: cls(['a = (state)[1]', 'self.w = torch.sum(a.unfold(2, 1000000, 1000000), [-1])']),
    expect: [],
  },
  {
    name: 'unfold with a small window, step 1',
    src: cls(['self.w = torch.unfold((state)[1], 0, 64, 1)']),
    expect: [],
  },
  {
    name: 'a pooling outside the code a load runs',
    src: cls(
      ['self.w = (state)[1]'],
      ['  def g(self: __torch__.M, x: Tensor) -> Tensor:', '    return torch.avg_pool1d(x, 1000000, 1)'],
    ),
    expect: [],
  },
];

describe('TorchScript load code: windowed operators over any operand (TORCH-SCRIPT-CUSTOM-OP)', () => {
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});

const blocking = (name: string): Promise<string[]> => archiveBlocking(DIR, name);

const REPORTED = ['TORCH-SCRIPT-CUSTOM-OP load-work-window'];
const ARCHIVES: [string, string[]][] = [
  ['hostile_avg_pool1d_stored_signal.pt', REPORTED],
  ['hostile_max_pool1d_stored_signal.pt', REPORTED],
  ['hostile_unfold_sum_stored_signal.pt', REPORTED],
  ['benign_avg_pool1d_window_stride.pt', []],
  ['benign_max_pool1d_small_window.pt', []],
  ['benign_unfold_sum_window_step.pt', []],
];

describe('real torch.jit.save archives windowing over a stored signal', () => {
  for (const [name, expected] of ARCHIVES)
    it(`${expected.length > 0 ? 'reports' : 'passes'} ${name}`, async () =>
      assert.deepEqual(await blocking(name), expected));
});
