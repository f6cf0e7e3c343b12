// Straight-line growth in TorchScript code run at load: a value doubled in fresh names (`t1 = torch.cat([t0, t0])`,
// `t2 = torch.cat([t1, t1])` …, as torch's printer writes unrolled self-concatenation, or `torch.repeat(t0, [2])`)
// is sized along its def-use chain from the constant shape it starts from, and each operator reading it is charged
// that many elements per turn of the loops around it. Case table with twins, and the real archives of
// scripts/fixtures/torchscript-load-chain-growth.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';
import { scriptedClass, signalsFor } from './signal-helpers.js';

const kinds = async (lines: string[]): Promise<unknown[]> =>
  (await signalsFor(scriptedClass(lines).join('\n') + '\n', 'torchscript'))
    .filter((s) => s.confidence === 'high')
    .map((s) => s.details?.kind);

/** `steps` doublings of a 16-element tensor in fresh names by `grow` (of the previous name), ending in `t<steps>`. */
const chain = (steps: number, grow: (prev: string) => string): string[] => [
  't0 = torch.ones([16])',
  ...Array.from({ length: steps }, (_, i) => `t${i + 1} = ${grow(`t${i}`)}`),
];
const cat = (p: string) => `torch.cat([${p}, ${p}])`;
const stack = (p: string) => `torch.stack([${p}, ${p}])`;
const repeat = (p: string) => `torch.repeat(${p}, [2])`;
const loop = (name: string, turns: number) => [`for i in range(${turns}):`, `  u = torch.add(${name}, 1)`];

describe('TorchScript load code: values grown along straight-line def-use chains', () => {
  const cases: [string, string[], boolean][] = [
    [
      '24 unrolled cat doublings, then a loop of 60000 turns on the grown tensor',
      [...chain(24, cat), ...loop('t24', 60000)],
      true,
    ],
    ['24 unrolled stack doublings, then a loop', [...chain(24, stack), ...loop('t24', 60000)], true],
    ['24 unrolled repeat doublings, then a loop', [...chain(24, repeat), ...loop('t24', 60000)], true],
    [
      'a sum of the grown tensor in a loop',
      [...chain(24, cat), 'for i in range(60000):', '  u = torch.sum(t24)'],
      true,
    ],
    ['twin: 3 doublings, then a loop of 16 turns', [...chain(3, cat), ...loop('t3', 16)], false],
    ['twin: 24 doublings of a 16-element tensor read once', [...chain(24, cat), 'u = torch.add(t24, 1)'], false],
    ['twin: a loop over the first link only', [...chain(24, cat), ...loop('t0', 60000)], false],
  ];
  for (const [name, lines, flagged] of cases)
    it(`${name}: ${flagged ? 'reported' : 'passes'}`, async () => {
      const got = await kinds(lines);
      if (flagged) assert.ok(got.includes('load-work-unbounded'), JSON.stringify(got));
      else assert.deepEqual(got, [], JSON.stringify(got));
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-chain-growth');

describe('TorchScript straight-line growth: archives made and proven by torch 1.13', () => {
  for (const form of ['cat', 'repeat'])
    for (const hostile of [true, false]) {
      const name = `${hostile ? 'hostile' : 'benign'}-${form}.pt`;
      it(`${name}: ${hostile ? 'the loop over the grown tensor is reported' : 'passes'}`, async () => {
        const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
        const got = r.findings
          .filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')
          .map((f) => f.evidence.details?.kind);
        assert.deepEqual(
          got,
          hostile ? ['load-work-unbounded'] : [],
          JSON.stringify(r.findings.map((f) => f.evidence.signal)),
        );
      });
    }
});
