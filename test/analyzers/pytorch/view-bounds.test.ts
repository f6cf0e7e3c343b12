// Tensors of a TorchScript archive viewing past their storage: torch.jit.load's native unpickler sets the offset,
// sizes and strides with no bounds check, so such a view reads or writes memory past the storage on first use. The
// real archives are made and proved by scripts/fixtures/torchscript-view-bounds.py (a clone at load in __setstate__,
// a traced constant and a quantized tensor when the module runs die with SIGSEGV under torch 1.13; the unmodified
// archives and a saved slice load and run).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { viewBoundsProblem } from '../../../src/analyzers/pickle/torch-class-states.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { scanBytes } from '../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/torchscript-view-bounds');

const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
const storage = (numel: number): PyVal => ({
  k: K.Pers,
  pid: tuple('storage', 'torch.FloatStorage', '0', 'cpu', numel),
});

describe('TorchScript tensor rebuilds: the view against its storage', () => {
  const cases: [string, PyVal, boolean][] = [
    ['the whole storage', tuple(storage(37), 0, tuple(37), tuple(1)), false],
    ['a slice at an offset', tuple(storage(37), 3, tuple(6), tuple(1)), false],
    ['a 2-D view reaching the last element', tuple(storage(12), 0, tuple(3, 4), tuple(4, 1)), false],
    ['a transposed view', tuple(storage(12), 0, tuple(4, 3), tuple(1, 4)), false],
    ['an expanded view (stride 0)', tuple(storage(1), 0, tuple(1000), tuple(0)), false],
    ['an empty view at the end', tuple(storage(4), 4, tuple(0), tuple(1)), false],
    ['a scalar', tuple(storage(1), 0, tuple(), tuple()), false],
    ['one element past the storage', tuple(storage(37), 1, tuple(37), tuple(1)), true],
    ['a stride of 2^24 over 37 elements', tuple(storage(37), 0, tuple(37), tuple(2 ** 24)), true],
    ['an offset past the storage', tuple(storage(4), 4, tuple(1), tuple(1)), true],
    ['a negative stride before the storage', tuple(storage(4), 0, tuple(2), tuple(-1)), true],
    ['a negative offset', tuple(storage(4), -1, tuple(1), tuple(1)), true],
    ['sizes and strides of different lengths', tuple(storage(4), 0, tuple(2, 2), tuple(1)), true],
    [
      '4-bit values: two per stored byte',
      tuple(
        { k: K.Pers, pid: tuple('storage', 'torch.QUInt4x2Storage', '0', 'cpu', 60) },
        0,
        tuple(10, 12),
        tuple(12, 1),
      ),
      false,
    ],
    [
      '4-bit values past the stored bytes',
      tuple(
        { k: K.Pers, pid: tuple('storage', 'torch.QUInt4x2Storage', '0', 'cpu', 59) },
        0,
        tuple(10, 12),
        tuple(12, 1),
      ),
      true,
    ],
    ['a size the analysis cannot read', tuple(storage(4), 0, { k: K.Unknown } as PyVal, tuple(1)), true],
  ];
  for (const [name, args, bad] of cases)
    it(`${bad ? 'reports' : 'passes'}: ${name}`, () => assert.equal(viewBoundsProblem(args) !== undefined, bad));

  const scan = async (name: string) =>
    (await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))))).findings.map((f) => [
      f.ruleId,
      f.severity,
      /without the bounds check/.test(JSON.stringify(f.evidence)),
    ]);
  for (const name of [
    'hostile_data_view_past_storage.pt',
    'hostile_constants_view_past_storage.pt',
    'hostile_quantized_view_past_storage.pt',
  ])
    it(`real archive: ${name} is a HIGH structural finding`, async () =>
      assert.deepEqual(await scan(name), [['PICKLE-STRUCT', 'HIGH', true]]));
  for (const name of [
    'benign_data_clone_stored.pt',
    'benign_data_view.pt',
    'benign_constants_captured.pt',
    'benign_quantized.pt',
  ])
    it(`real archive: ${name} passes`, async () => assert.deepEqual(await scan(name), []));
});
