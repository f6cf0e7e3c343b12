// The VM's value-keeping mode (used by `sentinel convert`): the same facts as a scan on random opcode streams, and
// the values themselves kept — list contents, float values, every container item, items stored on objects by
// SETITEMS (OrderedDict), the STOP value and joblib array positions.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

const atom: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom<number[]>(
    [Op.MARK],
    [Op.POP],
    [Op.NONE],
    [Op.EMPTY_LIST],
    [Op.EMPTY_DICT],
    [Op.EMPTY_TUPLE],
    [Op.MEMOIZE],
    [Op.TUPLE],
    [Op.TUPLE2],
    [Op.APPEND],
    [Op.APPENDS],
    [Op.SETITEM],
    [Op.SETITEMS],
    [Op.LIST],
    [Op.DICT],
    [Op.REDUCE],
    [Op.BUILD],
    [Op.STACK_GLOBAL],
    [Op.BINPERSID],
    [Op.STOP],
    [Op.GLOBAL, ...Buffer.from('collections\nOrderedDict\n')],
    [Op.GLOBAL, ...Buffer.from('os\nsystem\n')],
  ),
  fc.integer({ min: 0, max: 255 }).map((x) => [Op.BININT1, x]),
  fc.double().map((x) => [Op.BINFLOAT, ...Buffer.from(new Float64Array([x]).buffer).reverse()]),
  fc.constantFrom('a', 'os', 'system', '__setstate__').map((t) => [Op.SHORT_BINUNICODE, t.length, ...Buffer.from(t)]),
  fc.integer({ min: 0, max: 5 }).map((k) => [Op.BINPUT, k]),
  fc.integer({ min: 0, max: 5 }).map((k) => [Op.BINGET, k]),
  fc.integer({ min: 0, max: 5 }).map((k) => [Op.LONG_BINGET, ...u32(k)]),
);

// At most 60 opcodes: no container outgrows the 64 items a scan keeps, so both modes see the same values.
const stream = fc
  .array(atom, { maxLength: 60 })
  .map((atoms) => Uint8Array.from([Op.PROTO, 4, ...atoms.flat(), Op.STOP]));

function opts(keepValues: boolean): VmOptions {
  return {
    limits: DEFAULT_LIMITS,
    loader: { persistentLoad: true, joblibArrays: true },
    keepStringBytes: 4096,
    memoDetailEntries: Infinity,
    keepValues,
  };
}

function facts(r: PickleRun): Omit<PickleRun, 'value'> {
  const { value, ...rest } = r;
  void value;
  return rest;
}

const keep = (bytes: Uint8Array): PickleRun => runPickle(mem(bytes), 0, bytes.length, opts(true));

describe('VM value-keeping mode', () => {
  it('produces the same facts as a scan', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const scan = runPickle(mem(bytes), 0, bytes.length, opts(false));
        assert.equal(scan.value, undefined);
        assert.deepStrictEqual(facts(keep(bytes)), facts(scan));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps list contents, floats, long tuples and all dict items', () => {
    const p = new P().proto(4).op(Op.EMPTY_DICT).op(Op.MARK);
    p.op(Op.SHORT_BINUNICODE, 1, 'l').op(Op.EMPTY_LIST).op(Op.MARK);
    for (let i = 0; i < 100; i++) p.int(i);
    p.op(Op.APPENDS).op(Op.BININT1, 7).op(Op.APPEND);
    p.op(Op.SHORT_BINUNICODE, 1, 'f').op(Op.BINFLOAT, Buffer.from([0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]));
    p.op(Op.SHORT_BINUNICODE, 1, 't').op(Op.MARK);
    for (let i = 0; i < 70; i++) p.int(i);
    p.op(Op.TUPLE).op(Op.SETITEMS);
    for (let i = 0; i < 80; i++)
      p.op(Op.SHORT_BINUNICODE, 3, `k${String(i).padStart(2, '0')}`)
        .int(i)
        .op(Op.SETITEM);
    const r = keep(p.stop().bytes());
    const v = r.value as Extract<PyVal, { k: K.Dict }>;
    assert.equal(v.k, K.Dict);
    assert.equal(v.keys.length, 83);
    const l = v.vals[0] as { k: K; items?: PyVal[] };
    assert.equal(l.items?.length, 101);
    assert.equal(l.items?.[100], 7);
    assert.deepEqual(v.vals[1], { k: K.Float, v: 0.1 });
    assert.equal((v.vals[2] as { items: PyVal[] }).items.length, 70);
    assert.equal(v.keys[82], 'k79');
  });

  it('keeps the items SETITEMS stores on an OrderedDict and its BUILD state', () => {
    const p = new P()
      .proto(2)
      .global('collections', 'OrderedDict')
      .op(Op.EMPTY_TUPLE)
      .op(Op.REDUCE)
      .op(Op.MARK)
      .op(Op.SHORT_BINUNICODE, 1, 'a')
      .int(1)
      .op(Op.SHORT_BINUNICODE, 1, 'b')
      .int(2)
      .op(Op.SETITEMS)
      .op(Op.EMPTY_DICT)
      .op(Op.SHORT_BINUNICODE, 9, '_metadata')
      .op(Op.NONE)
      .op(Op.SETITEM)
      .op(Op.BUILD)
      .stop();
    const r = keep(p.bytes());
    const v = r.value as Extract<PyVal, { k: K.Obj }>;
    assert.equal(v.k, K.Obj);
    assert.deepEqual(v.items?.keys, ['a', 'b']);
    assert.deepEqual(v.items?.vals, [1, 2]);
    assert.equal((v.state as { k: K }).k, K.Dict);
    // The scan records the same call facts without keeping the items.
    const scan = runPickle(mem(p.bytes()), 0, p.length, opts(false));
    assert.deepEqual(
      scan.calls.map((c) => c.kind),
      r.calls.map((c) => c.kind),
    );
  });
});
