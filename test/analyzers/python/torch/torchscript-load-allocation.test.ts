// TorchScript code run at load whose output size comes from a non-tensor argument under any name: list repetition,
// arange's end, eye's n*m, repeat_interleave's int count. The sizes come from the operator schemas (producers: every
// numeric argument not reviewed as a value sizes the output), not from argument names alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import table from '../../../../src/analyzers/python/torch/torchscript-ops.json' with { type: 'json' };
import { scriptedClass, signalsFor } from './signal-helpers.js';

const T = table as unknown as {
  work: Record<string, Record<string, [string, number[]]>>;
  repetition: string[];
  shapeFormulas: Record<string, string>;
};

const kinds = async (lines: string[]): Promise<unknown[]> =>
  (await signalsFor(scriptedClass(lines.flatMap((l) => l.split('\n'))).join('\n') + '\n', 'torchscript')).map(
    (s) => s.details?.kind,
  );

describe('TorchScript load code: sizes from non-tensor arguments', () => {
  it('the table sizes producers by schema (arange, eye n and m, repeat_interleave count, list repetition)', () => {
    assert.deepEqual(T.work['aten::arange']?.end?.[0], 'size');
    assert.deepEqual(T.work['aten::eye']?.m, ['size', [1]]);
    assert.deepEqual(T.work['aten::repeat_interleave']?.repeats, ['size', [1]]);
    assert.ok(T.repetition.includes('aten::mul'));
    assert.equal(T.shapeFormulas['aten::eye'], 'square');
  });
  const cases: [string, string, boolean][] = [
    ['list repetition by a stored count', 'self.buf = torch.mul([0], (state)[1])', true],
    ['list repetition by a small constant', 'self.buf = torch.mul([0], 4)', false],
    ['list repetition by a huge constant', 'self.buf = torch.mul([0], 150000000)', true],
    // `self.n` has no declared type: it may be an int count.
    ['repetition with the count first', 'self.buf = torch.mul(self.n, [0])', true],
    ['repetition of a name bound to a list', 'xs = [0]\nself.buf = torch.mul(xs, self.n)', true],
    ['repetition of a string from the state', 'self.buf = torch.mul((state)[0], self.n)', true],
    // `state: Tuple[str, Tensor]`: item 1 is a tensor, which is never the count of a repetition.
    ['a list times a stored tensor is not a repetition', 'xs = [0]\nself.buf = torch.mul(xs, (state)[1])', false],
    ['a stored tensor times itself is not a repetition', 'self.buf = torch.mul((state)[1], (state)[1])', false],
    ['repetition of a name bound to a list by a small constant', 'xs = [0]\nself.buf = torch.mul(xs, 4)', false],
    ['a tensor name times a stored number', 't = torch.ones([2])\nself.buf = torch.mul(t, (state)[1])', false],
    ['a stored number times a float literal', 'self.buf = torch.mul((state)[1], 2.)', false],
    ['arange to a stored end', 'self.buf = torch.arange((state)[1])', true],
    ['arange to a huge constant', 'self.buf = torch.arange(300000000)', true],
    ['arange to a small constant', 'self.buf = torch.arange(4)', false],
    ['arange over a short far range', 'self.buf = torch.arange(100000, 100010)', false],
    ['eye of a constant within the per-dimension bound but n*n large', 'self.buf = torch.eye(26000)', true],
    ['eye of a small constant', 'self.buf = torch.eye(4)', false],
    ['eye n by m large', 'self.buf = torch.eye(5000, 5000)', true],
    ['repeat_interleave by a stored int', 'self.buf = torch.repeat_interleave(torch.ones([2]), (state)[1])', true],
    ['repeat_interleave by a small constant', 'self.buf = torch.repeat_interleave(torch.ones([2]), 4)', false],
    [
      'tensor product by a stored number is not a repetition',
      'self.buf = torch.mul(torch.ones([2]), (state)[1])',
      false,
    ],
  ];
  for (const [name, line, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const ks = await kinds([line]);
      assert.equal(ks.includes('load-work-argument'), flagged, `${line}: ${JSON.stringify(ks)}`);
    });
});
