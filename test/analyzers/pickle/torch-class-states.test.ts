// torch's native custom classes in TorchScript pickles: the numbers their __setstate__ reads from tensor records are
// read from the record bytes and held to what torch writes; a class without a model is reported.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  customClassStateProblem,
  tensorInts,
  type StorageReader,
} from '../../../src/analyzers/pickle/torch-class-states.js';
import type { ImportFact } from '../../../src/analyzers/pickle/facts.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { scanBytes } from '../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/torchscript-custom-class');
const CONV = '__torch__.torch.classes.quantized.Conv2dPackedParamsBase';

const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
const list = (...objs: PyVal[]): PyVal => ({ k: K.List, objs });
const none: PyVal = { k: K.None };
function global(module: string, name: string): PyVal {
  const imp = { module, name, canonical: `${module}.${name}`, canonicalModule: module } as unknown as ImportFact;
  return { k: K.Global, imp };
}
function call(module: string, name: string, ...args: PyVal[]): PyVal {
  return { k: K.Obj, callee: global(module, name), args: tuple(...args), call: undefined };
}
/** A 1-D tensor over storage record `key` of `storage` class, `n` elements at `offset`. */
function tensor(storage: string, key: string, n: number, offset = 0, numel = n): PyVal {
  const pid = tuple('storage', global('torch', storage), key, 'cpu', numel);
  return call('torch._utils', '_rebuild_tensor_v2', { k: K.Pers, pid }, offset, tuple(n), tuple(1), { k: K.False });
}
/** A quantized weight of the given size. */
function qweight(...size: number[]): PyVal {
  const pid = tuple('storage', global('torch', 'QInt8Storage'), 'w', 'cpu', 36);
  const params = tuple(global('torch', 'per_tensor_affine'), 0.1, 0);
  return call('torch._utils', '_rebuild_qtensor', { k: K.Pers, pid }, 0, tuple(...size), tuple(1), params);
}
const perChannel = (rows: number, scales: number, axis = 0): PyVal => {
  const pid = tuple('storage', global('torch', 'QInt8Storage'), 'w', 'cpu', 36);
  const q = tuple(global('torch', 'per_channel_affine'), vec('s', scales), vec('z', scales), axis);
  return call('torch._utils', '_rebuild_qtensor', { k: K.Pers, pid }, 0, tuple(rows, 36 / rows), tuple(1), q);
};
/** int16 config: [2, stride×2, padding×2, dilation×2, output padding×2, groups, transpose]. */
function reader(records: Record<string, Uint8Array>): StorageReader {
  return (key, start, length) => {
    const b = records[key];
    if (b === undefined) return 'the archive has no such record';
    return start + length > b.length ? 'the record ends before the element' : b.subarray(start, start + length);
  };
}
function int16(...v: number[]): Uint8Array {
  const out = new Uint8Array(v.length * 2);
  const dv = new DataView(out.buffer);
  v.forEach((x, i) => dv.setInt16(i * 2, x, true));
  return out;
}
const CONFIG = [2, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0];
function v2(config: number[], weight = qweight(4, 4, 3, 3)): [PyVal, StorageReader] {
  const state = tuple('2', list(tensor('ShortStorage', '0', config.length), weight), list(none));
  return [state, reader({ '0': int16(...config) })];
}
const at = (i: number, v: number): number[] => CONFIG.map((x, j) => (j === i ? v : x));

describe('quantized convolution packed parameters: numbers read from the config record', () => {
  const cases: [string, PyVal, StorageReader | undefined, boolean][] = [
    ['the config torch writes', ...v2(CONFIG), true],
    ['stride 2, padding 1, groups 2', ...v2([2, 2, 2, 1, 1, 1, 1, 0, 0, 2, 0]), true],
    ['a transposed convolution', ...v2(at(10, 1)), true],
    ['stride 0', ...v2(at(1, 0)), false],
    ['dilation 0', ...v2(at(6, 0)), false],
    ['groups 0', ...v2(at(9, 0)), false],
    ['negative padding', ...v2(at(3, -1)), false],
    ['negative output padding', ...v2(at(7, -2)), false],
    ['flags 2', ...v2(at(10, 2)), false],
    ['groups that do not divide the channels', ...v2(at(9, 3)), false],
    ['a short config', ...v2(CONFIG.slice(0, 10)), false],
    ['a 3-dimensional weight', ...v2(CONFIG, qweight(4, 4, 3)), false],
    ['no record reader', v2(CONFIG)[0], undefined, false],
    ['a record that is missing', v2(CONFIG)[0], reader({}), false],
    ['a record shorter than the tensor', v2(CONFIG)[0], reader({ '0': int16(2, 1, 1) }), false],
    [
      'a float config',
      tuple('2', list(tensor('FloatStorage', '0', 11), qweight(4, 4, 3, 3)), list(none)),
      reader({ '0': new Uint8Array(44) }),
      false,
    ],
    [
      'an int64 config (read by its dtype)',
      tuple('2', list(tensor('LongStorage', '0', 11), qweight(4, 4, 3, 3)), list(none)),
      reader({ '0': new Uint8Array(new BigInt64Array(CONFIG.map(BigInt)).buffer) }),
      true,
    ],
    [
      'a config past its storage',
      tuple('2', list(tensor('ShortStorage', '0', 11, 4, 11), qweight(4, 4, 3, 3)), list(none)),
      reader({ '0': int16(...CONFIG) }),
      false,
    ],
    [
      'a list of tensors the analysis did not keep whole',
      tuple('2', { k: K.List, objs: [], objsMore: true }, list(none)),
      reader({}),
      false,
    ],
    [
      'a version-3 state whose ints are not held',
      tuple(3, { k: K.List }, list(none, qweight(4, 4, 3, 3), none)),
      reader({}),
      false,
    ],
    [
      'a version-3 state with its ints',
      tuple(3, { k: K.List, items: CONFIG }, list(none, qweight(4, 4, 3, 3), none)),
      reader({}),
      true,
    ],
    [
      'a version-3 state with stride 0',
      tuple(3, { k: K.List, items: at(2, 0) }, list(none, qweight(4, 4, 3, 3), none)),
      reader({}),
      false,
    ],
    ['a dict', { k: K.Dict, keys: [], vals: [], n: 0 } as PyVal, reader({}), false],
  ];
  for (const [name, state, read, ok] of cases)
    it(`${ok ? 'admits' : 'reports'} ${name}`, () => {
      assert.equal(customClassStateProblem(CONV, state, read) === undefined, ok);
    });

  const v1 = (stride: number, groups: number): [PyVal, StorageReader] => {
    const one = (key: string): PyVal => tensor('LongStorage', key, 1);
    const state = tuple(
      qweight(4, 4, 3, 3),
      none,
      list(one('s'), one('s')),
      list(one('p'), one('p')),
      list(one('d'), one('d')),
      one('g'),
    );
    const i64 = (x: number) => new Uint8Array(new BigInt64Array([BigInt(x)]).buffer);
    return [state, reader({ s: i64(stride), p: i64(0), d: i64(1), g: i64(groups) })];
  };
  const v1Cases: [string, number, number, boolean][] = [
    ['stride 1, groups 1', 1, 1, true],
    ['stride 0', 0, 1, false],
    ['groups 0', 1, 0, false],
    ['a stride that is 0 as int16', 65536, 1, false],
  ];
  for (const [name, stride, groups, ok] of v1Cases)
    it(`version 1: ${ok ? 'admits' : 'reports'} ${name}`, () => {
      assert.equal(customClassStateProblem(CONV, ...v1(stride, groups)) === undefined, ok);
    });
});

const EMB = 'quantized.EmbeddingPackedParamsBase';
const vec = (key: string, n: number): PyVal => tensor('FloatStorage', key, n);
const qparams = (n: number, axis = 0): PyVal =>
  tuple(global('torch', 'per_channel_affine_float_qparams'), vec('s', n), vec('z', n), axis);
function embState(rows: number, q: PyVal, version = 1): PyVal {
  const pid = tuple('storage', global('torch', 'QUInt8Storage'), 'w', 'cpu', 120);
  const w = call('torch._utils', '_rebuild_qtensor', { k: K.Pers, pid }, 0, tuple(rows, 120 / rows), tuple(1, 1), q);
  return tuple(version, list(w), list(), list(8));
}
const lin = (): PyVal => call('__torch__.torch.classes.quantized', 'LinearPackedParamsBase');
function cell(type: string, biases: number, packed: number): PyVal {
  const lin = call('__torch__.torch.classes.quantized', 'LinearPackedParamsBase');
  const b = Array.from({ length: biases }, () => vec('b', 12));
  return tuple(type, list(...b), list(), list(1), list(...Array.from({ length: packed }, () => lin)));
}

describe('other custom classes', () => {
  const cases: [string, string, PyVal, boolean][] = [
    ['quantized linear (weight, bias)', 'quantized.LinearPackedParamsBase', tuple(qweight(4, 8), none), true],
    [
      'quantized linear with a bias per row',
      'quantized.LinearPackedParamsBase',
      tuple(qweight(4, 8), vec('b', 4)),
      true,
    ],
    [
      'quantized linear with a short bias',
      'quantized.LinearPackedParamsBase',
      tuple(qweight(4, 8), vec('b', 1)),
      false,
    ],
    ['quantized linear per channel', 'quantized.LinearPackedParamsBase', tuple(perChannel(4, 4), none), true],
    [
      'quantized linear, fewer scales than rows',
      'quantized.LinearPackedParamsBase',
      tuple(perChannel(4, 1), none),
      false,
    ],
    [
      'quantized linear per channel on axis 1',
      'quantized.LinearPackedParamsBase',
      tuple(perChannel(4, 4, 1), none),
      false,
    ],
    [
      'quantized linear with a 4-dimensional weight',
      'quantized.LinearPackedParamsBase',
      tuple(qweight(4, 8, 1, 1), none),
      false,
    ],
    ['XNNPACK conv context', 'xnnpack.Conv2dOpContext', tuple(qweight(4, 3, 3, 3), none, 1, 1, 1, 1, none, none), true],
    [
      'XNNPACK conv context of 7 items',
      'xnnpack.Conv2dOpContext',
      tuple(qweight(4, 3, 3, 3), none, 1, 1, 1, 1, none),
      false,
    ],
    ['XNNPACK linear context', 'xnnpack.LinearOpContext', tuple(qweight(2, 4), none, none, none), true],
    ['embedding parameters', EMB, embState(10, qparams(10)), true],
    ['embedding parameters, version 2', EMB, embState(10, qparams(10), 2), false],
    ['embedding parameters, no weight', EMB, tuple(1, list(), list(), list(8)), false],
    ['embedding parameters, rows past the scales', EMB, embState(120, qparams(10)), false],
    ['embedding parameters quantized along axis 1', EMB, embState(10, qparams(10, 1)), false],
    [
      'embedding parameters quantized per tensor',
      EMB,
      embState(10, tuple(global('torch', 'per_tensor_affine'), 0.1, 0)),
      false,
    ],
    ['dynamic RNN cell parameters', 'rnn.CellParamsBase', cell('quantized_dynamic', 2, 2), true],
    ['dynamic float16 RNN cell parameters', 'rnn.CellParamsBase', cell('quantized_fp16', 0, 2), true],
    ['a float16 type string torch does not write', 'rnn.CellParamsBase', cell('quantized_dynamic_fp16', 0, 2), false],
    [
      'dynamic RNN cell parameters with an object among the longs',
      'rnn.CellParamsBase',
      tuple('quantized_dynamic', list(vec('b', 12), vec('b', 12)), list(), list(qweight(1)), list(lin(), lin())),
      false,
    ],
    [
      'dynamic RNN cell parameters with one packed linear',
      'rnn.CellParamsBase',
      cell('quantized_dynamic', 2, 1),
      false,
    ],
    ['dynamic RNN cell parameters with three biases', 'rnn.CellParamsBase', cell('quantized_dynamic', 3, 2), false],
    ['static RNN cell parameters (no model)', 'rnn.CellParamsBase', cell('quantized', 6, 0), false],
    ['an RNN cell type torch has no deserialiser for', 'rnn.CellParamsBase', cell('quantized_dynamiX', 2, 2), false],
    ['sparse linear (no model)', 'sparse.LinearPackedParamsBase', tuple(1), false],
    ['a class torch may add', 'quantized.SomethingNew', tuple(), false],
  ];
  for (const [name, cls, state, ok] of cases)
    it(`${ok ? 'admits' : 'reports'} ${name}`, () => {
      const p = customClassStateProblem(`__torch__.torch.classes.${cls}`, state, reader({}));
      assert.equal(p === undefined, ok, p);
    });

  it('reads a strided view by its offset and stride', () => {
    const t = call(
      'torch._utils',
      '_rebuild_tensor_v2',
      { k: K.Pers, pid: tuple('storage', global('torch', 'IntStorage'), 'k', 'cpu', 6) },
      1,
      tuple(2),
      tuple(2),
    );
    const b = new Uint8Array(new Int32Array([10, 11, 12, 13, 14, 15]).buffer);
    assert.deepEqual(tensorInts(t, reader({ k: b })), [11n, 13n]);
  });
});

describe('real torch.jit archives (scripts/fixtures/torchscript-custom-class-state.py proves each load)', () => {
  const rules = async (name: string) => {
    const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
    return r.findings.map((f) => [f.ruleId, f.severity]);
  };
  const cases: [string, string[][]][] = [
    ['hostile_frozen_qconv_stride_zero.pt', [['PICKLE-STRUCT', 'HIGH']]],
    ['benign_frozen_qconv.pt', []],
    ['benign_frozen_qconv_stride2_groups2.pt', []],
    ['benign_frozen_qlinear.pt', []],
    ['benign_mobile_xnnpack.pt', []],
    ['benign_dynamic_quantized_rnn.pt', []],
    ['benign_quantized_embedding_8bit.pt', []],
    ['benign_quantized_embedding_4bit.pt', []],
    ['hostile_quantized_embedding_rows_past_scales.pt', [['PICKLE-STRUCT', 'HIGH']]],
  ];
  for (const [name, expected] of cases) it(name, async () => assert.deepEqual(await rules(name), expected));
});
