// Pickled numpy.dtype states (src/analyzers/pickle/numpy-dtype.ts): what numpy's arraydescr_setstate makes of them.
// Case table: each state numpy's own reduce writes passes; each state numpy applies and then misuses (object flags
// cleared, object flags on a type without objects, fields or a sub-array past the item, a dtype changed after the
// stream handed it out) is PICKLE-STRUCT DTYPE_STATE. And the item sizes joblib's wrapper reads: numpy's, not the
// state's numbers.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { argumentWork } from '../../../src/analyzers/pickle/argument-work.js';
import { allocationWork, arrayStateHolds, dtypeModel } from '../../../src/analyzers/pickle/numpy-dtype.js';
import type { ImportFact } from '../../../src/analyzers/pickle/facts.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

/** numpy.dtype(type, False, copy) with an optional BUILD state. */
interface D {
  readonly dtype: string | { readonly global: string };
  readonly state?: V[];
  readonly copy?: boolean;
}
type V = null | number | string | boolean | D | V[] | Map<string, V>;

function emit(p: P, v: V): void {
  if (v === null) p.none();
  else if (typeof v === 'number') p.int(v);
  else if (typeof v === 'string') p.sbu(v);
  else if (typeof v === 'boolean') p.raw(v ? 0x88 : 0x89);
  else if (Array.isArray(v)) {
    p.mark();
    for (const x of v) emit(p, x);
    p.tuple();
  } else if (v instanceof Map) {
    p.emptyDict();
    for (const [k, x] of v) {
      p.sbu(k);
      emit(p, x);
      p.setitem();
    }
  } else {
    p.stackGlobal('numpy', 'dtype');
    if (typeof v.dtype === 'string') p.sbu(v.dtype);
    else p.stackGlobal('numpy', v.dtype.global.slice('numpy.'.length));
    p.raw(0x89, v.copy === false ? 0x89 : 0x88)
      .op(0x87)
      .reduce();
    if (v.state !== undefined) {
      emit(p, v.state);
      p.build();
    }
  }
}

function stream(v: V): Uint8Array {
  const p = new P().proto(4);
  emit(p, v);
  return p.stop().bytes();
}

async function anomalies(bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes('d.pkl', bytes);
  return r.findings.map((f) => (f.evidence.details as { anomaly?: string } | undefined)?.anomaly ?? f.ruleId);
}

const f8: D = { dtype: 'f8', state: [3, '<', null, null, null, -1, -1, 0] };
const i4: D = { dtype: 'i4', state: [3, '<', null, null, null, -1, -1, 0] };
const O: D = { dtype: 'O8', state: [3, '|', null, null, null, -1, -1, 63] };
const fields = (...f: [string, D, number][]): Map<string, V> => new Map(f.map(([n, d, off]) => [n, [d, off]]));

// What numpy 1.24's __reduce__ writes (checked against the installed numpy when this table was made).
const WRITTEN: [string, D][] = [
  ['f8', f8],
  ['object', O],
  ['U3', { dtype: 'U3', state: [3, '<', null, null, null, 12, 4, 8] }],
  ['S5', { dtype: 'S5', state: [3, '|', null, null, null, 5, 1, 0] }],
  ['V4', { dtype: 'V4', state: [3, '|', null, null, null, 4, 1, 0] }],
  ['datetime64[ns]', { dtype: 'M8', state: [4, '<', null, null, null, -1, -1, 0, [new Map(), ['ns', 1, 1, 1]]] }],
  [
    'struct with an object field',
    { dtype: 'V16', state: [3, '|', null, ['a', 'b'], fields(['a', O, 0], ['b', f8, 8]), 16, 1, 27] },
  ],
  [
    'aligned struct with an object field',
    { dtype: 'V16', state: [3, '|', null, ['a', 'b'], fields(['a', O, 0], ['b', f8, 8]), 16, 8, -101] },
  ],
  [
    'aligned struct',
    { dtype: 'V16', state: [3, '|', null, ['a', 'b'], fields(['a', f8, 0], ['b', i4, 8]), 16, 8, -112] },
  ],
  [
    'aligned struct with an object field, numpy 2 (flags written unsigned)',
    { dtype: 'V16', state: [3, '|', null, ['a', 'b'], fields(['a', O, 0], ['b', f8, 8]), 16, 8, 155] },
  ],
  ['object sub-array', { dtype: 'V16', state: [3, '|', [O, [2]], null, null, 16, 8, 63] }],
  ['f8 sub-array (2, 3)', { dtype: 'V48', state: [3, '|', [f8, [2, 3]], null, null, 48, 8, 0] }],
  ['struct with an offset field', { dtype: 'V24', state: [3, '|', null, ['a'], fields(['a', f8, 8]), 24, 1, 16] }],
  [
    'record struct (numpy.record type)',
    { dtype: { global: 'numpy.record' }, state: [3, '|', null, ['a'], fields(['a', i4, 0]), 4, 1, 16] },
  ],
  ['version 2 object flags 0 (numpy recomputes them)', { dtype: 'O8', state: [2, '|', null, null, null, -1, -1, 0] }],
  ['5-item V state', { dtype: 'V8', state: ['|', null, null, 64, 1] }],
  ['no BUILD', { dtype: 'O8' }],
  // What 32-bit builds wrote (pandas 0.13's i686 legacy pickles): numpy reads O4 as the object type too.
  ['O4 object, version 2 flags 0 (a 32-bit writer)', { dtype: 'O4', state: [2, '|', null, null, null, -1, -1, 0] }],
];

const UNSAFE: [string, D][] = [
  ['object, flags 0', { dtype: 'O8', state: [3, '|', null, null, null, -1, -1, 0] }],
  ['O4 object, flags 0', { dtype: 'O4', state: [3, '|', null, null, null, -1, -1, 0] }],
  ['object, 7-item state (flags 0)', { dtype: 'O8', state: [3, '|', null, null, null, -1, -1] }],
  ['object, flags 27 (no NPY_ITEM_IS_POINTER)', { dtype: 'O8', state: [3, '|', null, null, null, -1, -1, 27] }],
  ['f8 with object flags', { dtype: 'f8', state: [3, '<', null, null, null, -1, -1, 63] }],
  ['V8 with NPY_LIST_PICKLE only', { dtype: 'V8', state: [3, '|', null, null, null, 8, 1, 2] }],
  [
    'struct with an object field, flags 0',
    { dtype: 'V16', state: [3, '|', null, ['a'], fields(['a', O, 0]), 16, 1, 0] },
  ],
  ['field past the item', { dtype: 'V8', state: [3, '|', null, ['a'], fields(['a', f8, 4]), 8, 1, 16] }],
  ['field at a negative offset', { dtype: 'V8', state: [3, '|', null, ['a'], fields(['a', f8, -8]), 8, 1, 16] }],
  ['name without a field', { dtype: 'V8', state: [3, '|', null, ['a', 'b'], fields(['a', f8, 0]), 8, 1, 16] }],
  ['fields on an f8', { dtype: 'f8', state: [3, '<', null, ['a'], fields(['a', O, 0]), -1, -1, 27] }],
  ['sub-array past the item', { dtype: 'V16', state: [3, '|', [f8, [4]], null, null, 16, 8, 0] }],
  [
    'version 2, object sub-array (numpy recomputes flags from fields only)',
    { dtype: 'V16', state: [2, '|', [O, [2]], null, null, 16, 8, 0] },
  ],
  ['U item size not a multiple of 4', { dtype: 'U1', state: [3, '<', null, null, null, 5, 4, 8] }],
  ['S item size negative', { dtype: 'S5', state: [3, '|', null, null, null, -1, 1, 0] }],
  ['flags past a byte', { dtype: 'f8', state: [3, '<', null, null, null, -1, -1, 0x100] }],
  ['10-item state', { dtype: 'f8', state: [3, '<', null, null, null, -1, -1, 0, null, null] }],
  ['6-item state', { dtype: 'V8', state: [3, '|', null, null, 8, 1] }],
  ['copy False (numpy shares the dtype)', { dtype: 'O8', state: [3, '|', null, null, null, -1, -1, 63], copy: false }],
  ['type by name', { dtype: 'float64', state: [3, '<', null, null, null, -1, -1, 0] }],
];

describe('numpy.dtype states', () => {
  for (const [name, d] of WRITTEN)
    it(`pass: ${name}`, async () => assert.deepEqual(await anomalies(stream(d)), [], name));
  for (const [name, d] of UNSAFE)
    it(`block: ${name}`, async () => assert.ok((await anomalies(stream(d))).includes('DTYPE_STATE'), name));

  const dtypeCall = (p: P, typestr: string): P =>
    p.stackGlobal('numpy', 'dtype').sbu(typestr).raw(0x89, 0x88).op(0x87).reduce();
  const f8State = (p: P): P => {
    emit(p, f8.state!);
    return p;
  };
  it('block: a second BUILD on one dtype', async () => {
    const p = f8State(dtypeCall(new P().proto(4), 'f8')).build();
    f8State(p).build();
    assert.ok((await anomalies(p.stop().bytes())).includes('DTYPE_STATE'));
  });
  it('block: BUILD on a dtype read back from the memo (an earlier user holds it)', async () => {
    const p = dtypeCall(new P().proto(4), 'V8').memoize().pop().mark().binget(0).binget(0);
    emit(p, [3, '|', null, null, null, 1 << 20, 1, 0]);
    p.build().tuple();
    assert.ok((await anomalies(p.stop().bytes())).includes('DTYPE_STATE'));
  });
  it('block: SETITEM on the fields dict of a dtype after its BUILD', async () => {
    const p = new P().proto(4).mark();
    dtypeCall(p, 'V8');
    p.mark().int(3).sbu('|').none().sbu('a').op(0x85).emptyDict().memoize().sbu('a');
    emit(p, [f8, 0]);
    p.setitem().int(8).int(1).int(16).tuple().build();
    p.binget(0).sbu('b');
    emit(p, [O, 1 << 20]);
    p.setitem().tuple();
    assert.ok((await anomalies(p.stop().bytes())).includes('DTYPE_STATE'));
  });
  it('pass: a built dtype read back from the memo and used again (what picklers write)', async () => {
    const p = f8State(dtypeCall(new P().proto(4), 'f8').memoize())
      .build()
      .binget(0)
      .tuple2();
    assert.deepEqual(await anomalies(p.stop().bytes()), []);
  });
});

describe('numpy.dtype item sizes (what joblib reads)', () => {
  const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  const NONE: PyVal = { k: K.None };
  const TRUE: PyVal = { k: K.True };
  const FALSE: PyVal = { k: K.False };
  const dt = (typestr: string, state?: PyVal): PyVal => ({
    k: K.Obj,
    callee: { k: K.Global, imp: { canonical: 'numpy.dtype' } as unknown as ImportFact },
    args: tuple(typestr, FALSE, TRUE),
    call: undefined,
    ...(state !== undefined ? { state } : {}),
  });
  it('takes elsize from the state for S, U and V only', () => {
    assert.equal(dtypeModel(dt('f8', tuple(3, '<', NONE, NONE, NONE, 1, 1, 0)))?.itemsize, 8);
    assert.equal(dtypeModel(dt('S8', tuple(3, '|', NONE, NONE, NONE, 2, 1, 0)))?.itemsize, 2);
    assert.equal(dtypeModel(dt('U2', tuple(3, '<', NONE, NONE, NONE, 8, 4, 8)))?.itemsize, 8);
    assert.equal(dtypeModel(dt('U2'))?.itemsize, 8);
  });
  it('reads the 5-item layout at its own positions', () => {
    assert.equal(dtypeModel(dt('V8', tuple('|', NONE, NONE, 64, 1)))?.itemsize, 64);
  });
  it('takes hasobject from the flags numpy keeps', () => {
    assert.equal(dtypeModel(dt('O8'))?.hasObject, true);
    assert.equal(dtypeModel(dt('f8', tuple(3, '<', NONE, NONE, NONE, -1, -1, 0)))?.hasObject, false);
    assert.equal(dtypeModel(dt('O8', tuple(2, '|', NONE, NONE, NONE, -1, -1, 0)))?.hasObject, true);
    assert.equal(dtypeModel(dt('O8', tuple(3, '|', NONE, NONE, NONE, -1, -1, 0))), undefined);
  });
  it('counts the items an array of zero-size items claims for no byte of the stream', () => {
    const bytes = (len: number): PyVal => ({ k: K.Bytes, off: 0, len, via: 'SHORT_BINBYTES' });
    const v0 = dt('V0', tuple(3, '|', NONE, NONE, NONE, 0, 1, 0));
    assert.equal(arrayStateHolds(tuple(1, tuple(2 ** 40), v0, FALSE, bytes(0))), 2 ** 40);
    assert.equal(arrayStateHolds(tuple(tuple(5), v0, FALSE, bytes(0))), 5);
    assert.equal(arrayStateHolds(tuple(1, tuple(2 ** 40), dt('f8'), FALSE, bytes(0))), 0);
    // An item size the analysis cannot read: the bytes written bound the count.
    assert.equal(arrayStateHolds(tuple(1, tuple(4), NONE, FALSE, bytes(32))), 0);
    assert.equal(arrayStateHolds(tuple(1, tuple(2 ** 40), NONE, FALSE, bytes(32))), 2 ** 40);
    assert.equal(arrayStateHolds(tuple(1, { k: K.Unknown }, v0, FALSE, bytes(0))), 2 ** 52);
  });
  it('sizes the arrays a shape argument allocates', () => {
    const R = 'numpy.core.multiarray._reconstruct';
    const cls: PyVal = { k: K.Global, imp: { canonical: 'numpy.ndarray' } as unknown as ImportFact };
    // What numpy writes: _reconstruct(ndarray, (0,), b'b').
    assert.deepEqual(allocationWork(R, tuple(cls, tuple(0), { k: K.Bytes, off: 0, len: 1, via: 'x' })), {
      count: 0,
      bytes: 0,
    });
    assert.deepEqual(allocationWork(R, tuple(cls, tuple(2 ** 34), 'u1')), { count: 2 ** 34, bytes: 2 ** 34 });
    assert.deepEqual(allocationWork('numpy.ndarray', tuple(tuple(1000, 1000))), { count: 1e6, bytes: 8e6 });
    assert.deepEqual(allocationWork('numpy.ndarray', tuple(tuple(2 ** 40), dt('V0'))), { count: 2 ** 40, bytes: 0 });
    assert.equal(allocationWork('numpy.dtype', tuple('f8')), undefined);
  });
  it("charges a pandas RangeIndex's items to the callables that iterate it, not to pandas' managers", () => {
    const ri: PyVal = {
      k: K.Global,
      imp: { canonical: 'pandas.core.indexes.range.RangeIndex' } as unknown as ImportFact,
    };
    const d: PyVal = { k: K.Dict, keys: ['start', 'stop', 'step', 'name'], vals: [0, 10 ** 12, 1, NONE], n: 4 };
    const made = argumentWork('pandas.core.indexes.base._new_Index', tuple(ri, d));
    assert.equal(made.lazy, 10 ** 12);
    const index: PyVal = { k: K.Obj, callee: ri, args: tuple(), call: undefined, lazy: 10 ** 12 };
    assert.equal(argumentWork('collections.deque', tuple(index, 0)).items, 10 ** 12);
    assert.equal(argumentWork('builtins.set', tuple(index)).items, 10 ** 12);
    assert.equal(argumentWork('pandas.core.internals.managers.SingleBlockManager', tuple(NONE, index)).items, 0);
    assert.equal(argumentWork('pandas.core.indexes.range.RangeIndex', tuple(3, 10, 2)).lazy, 4);
  });
});
