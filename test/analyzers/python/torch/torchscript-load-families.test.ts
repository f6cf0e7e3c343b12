// TorchScript code run at load may call only the operators of the reviewed load families (torchscript-ops.json
// `loadFamilies`, derived by scripts/data/derive-torchscript-ops.py): internal helpers, backward kernels, samplers
// writing into a noise operand, engines indexing a table with a stored dimension and observer helpers trust what
// their public forms validate. The real archives are made and proved by
// scripts/fixtures/torchscript-load-internal-ops.py: each hostile one dies by a signal under torch.jit.load and
// torch.load(weights_only=True), each twin (the public form of the same computation) loads.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { archiveBlocking, assertRuleCase, scriptedClass, signalsFor, type RuleCase } from './signal-helpers.js';

const T = table as unknown as {
  allowed: string[];
  stateFilledByTorch: string[];
  loadFamilies: Record<string, string[]>;
};
const ADMITTED = new Set(Object.values(T.loadFamilies).flat());
const UNREVIEWED = 'load-operation-unreviewed';
const cls = scriptedClass;
const DIR = join(import.meta.dirname, '../../../fixtures/torchscript-load-internal-ops');

/** Operators that skip their checks are reported as such first (torchscript-load-memory.test.ts). */
const REPORTED_KINDS = new Set([UNREVIEWED, 'load-operation-unchecked']);
const reportedCount = async (lines: string[], extra: string[] = [], kinds = REPORTED_KINDS): Promise<number> =>
  (await signalsFor(cls(lines, extra).join('\n') + '\n', 'torchscript')).filter((s) =>
    kinds.has(String(s.details?.kind)),
  ).length;
/** Admitted operators may still be reported for what they are given (an unchecked position argument), not as this. */
const unreviewedCount = (lines: string[]): Promise<number> => reportedCount(lines, [], new Set([UNREVIEWED]));

/** The printer writes an aten operator as `torch.<name>`, another namespace's as `ops.<ns>.<name>`. */
function callee(op: string): string {
  const ns = op.slice(0, op.indexOf('::'));
  const name = op.slice(op.indexOf('::') + 2);
  return ns === 'aten' ? `torch.${name}` : `ops.${ns}.${name}`;
}

describe('TorchScript load code: the load families', () => {
  it('admit the public forms and the packing torch does in __setstate__, not internal kernels', () => {
    for (const op of ['aten::cummax', 'aten::pdist', 'aten::rrelu', 'aten::add', 'aten::append', 'prim::dtype'])
      assert.ok(ADMITTED.has(op), op);
    for (const op of T.stateFilledByTorch) assert.ok(ADMITTED.has(op), op);
    for (const op of [
      'aten::_cummax_helper',
      'aten::_cummin_helper',
      'aten::_sobol_engine_draw',
      'aten::_sobol_engine_ff_',
      'aten::_sobol_engine_scramble_',
      'aten::_sobol_engine_initialize_state_',
      'aten::_pdist_backward',
      'aten::_cdist_backward',
      'aten::_fused_moving_avg_obs_fq_helper',
      'aten::rrelu_with_noise',
      'aten::rrelu_with_noise_',
      'aten::fused_moving_avg_obs_fake_quant',
      'aten::max_pool2d_with_indices_backward',
      'prims::div',
    ])
      assert.ok(!ADMITTED.has(op), op);
  });
  it('every admitted operator is an allowed one', () => {
    const allowed = new Set(T.allowed);
    assert.deepEqual(
      [...ADMITTED].filter((op) => !allowed.has(op)),
      [],
    );
  });
  it('every allowed operator outside the families is reported at load, in both call forms, and not outside it', async () => {
    const missed: string[] = [];
    for (const op of T.allowed) {
      if (ADMITTED.has(op)) continue;
      const ns = op.slice(0, op.indexOf('::'));
      const name = op.slice(op.indexOf('::') + 2);
      if ((await reportedCount([`self.w = ${callee(op)}((state)[1])`])) !== 1) missed.push(op + ' call');
      if (ns === 'aten' && !ADMITTED.has('prim::' + name))
        if ((await reportedCount(['a = (state)[1]', `self.w = a.${name}(a)`])) !== 1) missed.push(op + ' method');
      const elsewhere = ['  def g(self: __torch__.M, x: Tensor) -> Tensor:', `    return ${callee(op)}(x)`];
      if ((await reportedCount(['self.w = (state)[1]'], elsewhere)) !== 0) missed.push(op + ' outside load');
    }
    assert.deepEqual(missed, []);
  });
  it('no admitted operator is reported as outside the families, in both call forms', async () => {
    const wrong: string[] = [];
    for (const op of ADMITTED) {
      const ns = op.slice(0, op.indexOf('::'));
      const name = op.slice(op.indexOf('::') + 2);
      if ((await unreviewedCount([`self.w = ${callee(op)}((state)[1])`])) !== 0) wrong.push(op + ' call');
      if (
        (ns === 'aten' || ns === 'prim') &&
        (await unreviewedCount(['a = (state)[1]', `self.w = a.${name}(a)`])) !== 0
      )
        wrong.push(op + ' method');
    }
    assert.deepEqual(wrong, []);
  });
});

const cases: RuleCase[] = [
  {
    name: 'an internal helper writing into stored output operands',
    src: cls(['self.w = (state)[1]', 'r = ops.aten._cummax_helper(torch.ones([10000000]), self.w, self.w, 0)']),
    expect: [[8, 'high']],
    details: { kind: UNREVIEWED, operator: 'aten::_cummax_helper', runsAtLoad: true },
  },
  {
    name: 'the public form allocating its own outputs',
    src: cls(['self.w = (state)[1]', 'r = torch.cummax(torch.ones([10000000]), 0)']),
    expect: [],
  },
  {
    name: 'a backward kernel trusting a stored precomputed operand',
    src: cls(['self.w = ops.aten._pdist_backward((state)[1], (state)[1], 2., (state)[1])']),
    expect: [[7, 'high']],
    details: { kind: UNREVIEWED, operator: 'aten::_pdist_backward' },
  },
  {
    name: 'the forward form over the stored operand',
    src: cls(['self.w = torch.pdist((state)[1], 2.)']),
    expect: [],
  },
  {
    name: 'a sampler writing a noise value per element into a stored operand, in the value-method form',
    src: cls(['a = (state)[1]', 'self.w = a.rrelu_with_noise_(a, 0.1, 0.3, True)']),
    expect: [[8, 'high']],
    details: { kind: UNREVIEWED, operator: 'aten::rrelu_with_noise_' },
  },
  {
    name: 'rrelu, which allocates its own noise, in the value-method form',
    src: cls(['a = (state)[1]', 'self.w = a.rrelu(0.1, 0.3, True)']),
    expect: [],
  },
  {
    name: 'an engine indexing its table with a stored dimension',
    src: cls(['self.w = (torch._sobol_engine_draw((state)[1], 4, (state)[1], 1000000, 0, 6))[0]']),
    expect: [[7, 'high']],
    details: { kind: UNREVIEWED, operator: 'aten::_sobol_engine_draw' },
  },
  {
    name: 'a quantized kernel of the forward pass run at load',
    src: cls(['self.w = ops.quantized.linear_dynamic((state)[1], (state)[1])']),
    expect: [[7, 'high']],
    details: { kind: UNREVIEWED, operator: 'quantized::linear_dynamic' },
  },
  {
    name: 'packing a stored weight (torch quantized modules do it at load)',
    src: cls(['self.w = (state)[1]', 'p = ops.quantized.linear_prepack(self.w, None)']),
    expect: [],
  },
  {
    name: 'list, dict and string builtins and tensor arithmetic',
    src: cls([
      'xs = annotate(List[int], [])',
      'xs.append(1)',
      'd = {"a": 1}',
      'k = d.keys()',
      's = (state)[0].strip()',
      'self.w = torch.add((state)[1], 1)',
    ]),
    expect: [],
  },
  {
    name: 'an internal helper outside the code a load runs',
    src: cls(
      ['self.w = (state)[1]'],
      ['  def g(self: __torch__.M, x: Tensor) -> Tensor:', '    return ops.aten._cummax_helper(x, x, x, 0)'],
    ),
    expect: [],
  },
];

describe('TorchScript load code: operators outside the load families (TORCH-SCRIPT-CUSTOM-OP)', () => {
  for (const c of cases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});

const blocking = (name: string): Promise<string[]> => archiveBlocking(DIR, name);

const REPORTED = ['TORCH-SCRIPT-CUSTOM-OP ' + UNREVIEWED];
const ARCHIVES: [string, string[]][] = [
  ['hostile_cummax_helper_short_outputs.pt', REPORTED],
  ['hostile_pdist_backward_short_pdist.pt', REPORTED],
  ['hostile_rrelu_with_noise_short_noise.pt', REPORTED],
  ['hostile_sobol_draw_stored_dimension.pt', REPORTED],
  ['hostile_fq_helper_short_running_min.pt', REPORTED],
  ['benign_cummax.pt', []],
  ['benign_pdist.pt', []],
  ['benign_rrelu.pt', []],
  ['benign_quantize.pt', []],
];

describe('real torch.jit.save archives calling operators outside the load families', () => {
  for (const [name, expected] of ARCHIVES)
    it(`${expected.length > 0 ? 'reports' : 'passes'} ${name}`, async () =>
      assert.deepEqual(await blocking(name), expected));
  // torch.nn.functional's scripted code (normalize, layer_norm, pad, conv1d, embedding, batch_norm, ...), a dict
  // item set, string builtins and torch.no_grad at load: every operator is in a family (the load's other work rules
  // read its sizes on their own).
  it('torch.nn.functional and the builtins at load call only operators of the families', async () =>
    assert.deepEqual(
      (await blocking('benign_functional.pt')).filter((k) => k.endsWith(UNREVIEWED) || k.endsWith('load-work-window')),
      [],
    ));
});
