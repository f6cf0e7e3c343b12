// The strict set of reconstructions the converter honours as data, on hand-built pickles (forms the real writers
// produce, and near misses they never do): torch rebuilds over persistent-id storages including v3's float8 and
// unsigned dtypes, parameters, OrderedDict; and what is dropped — a rebuild reached through getattr or partial,
// bytes computed by a decoder, foreign classes, recursive containers — or refused (views outside their storage).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { flatten } from '../../../src/analyzers/tensors/flatten.js';
import { buildTree, TreeLimitError, type ResolvedStorage } from '../../../src/analyzers/tensors/rebuild.js';
import type { Node, TensorRef } from '../../../src/analyzers/tensors/tree.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { runPickle } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const STORAGE = new MemorySource({ chain: ['data'] }, new Uint8Array(64));

/** persistent_load stand-in: ('storage', <type>, key, 'cpu', numel) over a 64-byte record. */
function resolve(pid: PyVal): ResolvedStorage | string {
  if (typeof pid !== 'object' || pid.k !== K.Tuple) return 'not a tuple';
  const [, type, key, , n] = pid.items;
  if (typeof type !== 'object' || type.k !== K.Global || typeof key !== 'string' || typeof n !== 'number')
    return 'bad pid';
  const name = type.imp.importedName;
  const element =
    name === 'UntypedStorage'
      ? 'untyped'
      : name === 'FloatStorage'
        ? { torch: 'torch.float32', itemsize: 4, dtype: 'F32' as const }
        : { torch: 'torch.complex64', itemsize: 8, unsupported: 'complex' };
  return {
    data: { id: `data/${key}`, src: STORAGE, start: 0, bytes: 64, bigEndian: false },
    element,
    offset: 0,
    numel: n,
  };
}

/** Pushes `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` (protocol 2 forms). */
function tensorV2(p: P, opts: { storage?: string; offset?: number; size?: number[]; stride?: number[] } = {}): P {
  p.global('torch._utils', '_rebuild_tensor_v2').mark();
  p.mark()
    .sbu('storage')
    .global('torch', opts.storage ?? 'FloatStorage')
    .sbu('0')
    .sbu('cpu')
    .int(16)
    .tuple();
  p.op(Op.BINPERSID).int(opts.offset ?? 0);
  p.mark();
  for (const d of opts.size ?? [4]) p.int(d);
  p.tuple().mark();
  for (const d of opts.stride ?? [1]) p.int(d);
  p.tuple().op(Op.NEWFALSE).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  return p;
}

function tree(p: P): Node {
  const bytes = p.stop().bytes();
  const run = runPickle(mem(bytes), 0, bytes.length, {
    limits: DEFAULT_LIMITS,
    loader: { persistentLoad: true, joblibArrays: true },
    keepValues: true,
  });
  assert.ok(run.stopped && !run.errored, JSON.stringify(run.anomalies));
  return buildTree(run.value!, { src: mem(bytes), resolveStorage: resolve });
}

function dict(build: (p: P) => void): P {
  const p = new P().proto(2).emptyDict();
  build(p);
  return p;
}

function only(n: Node): TensorRef {
  const f = flatten(n);
  assert.equal(f.tensors.length, 1, JSON.stringify(f));
  return f.tensors[0]!.ref;
}

describe('tensor rebuilds honoured as data', () => {
  it('_rebuild_tensor_v2 over a typed storage, inside _rebuild_parameter, inside an OrderedDict', () => {
    const p = new P().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark().sbu('w');
    p.global('torch._utils', '_rebuild_parameter').mark();
    tensorV2(p, { size: [2, 3], stride: [3, 1] });
    p.op(Op.NEWTRUE).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce().op(Op.SETITEMS);
    const f = flatten(tree(p));
    assert.deepEqual(
      f.tensors.map((t) => [t.name, t.ref.dtype, t.ref.shape]),
      [['w', 'F32', [2, 3]]],
    );
    assert.equal(f.tensors[0]!.ref.storage?.id, 'data/0');
  });

  it('_rebuild_tensor_v3 with float8, uint16 and an unsupported fnuz dtype over an untyped storage', () => {
    for (const [name, dtype, unsupported] of [
      ['float8_e4m3fn', 'F8_E4M3', false],
      ['float8_e5m2', 'F8_E5M2', false],
      ['uint16', 'U16', false],
      ['float8_e4m3fnuz', undefined, true],
    ] as const) {
      const p = dict((q) => {
        q.sbu('t').global('torch._utils', '_rebuild_tensor_v3').mark();
        q.mark().sbu('storage').global('torch', 'UntypedStorage').sbu('0').sbu('cpu').int(16).tuple();
        q.op(Op.BINPERSID).int(0).int(4).tuple1().int(1).tuple1().op(Op.NEWFALSE);
        q.global('collections', 'OrderedDict').emptyTuple().reduce().global('torch', name).tuple().reduce().setitem();
      });
      const ref = only(tree(p));
      assert.equal(ref.dtype, dtype, name);
      assert.equal(ref.unsupported !== undefined, unsupported, name);
    }
  });

  it('a view reaching past its storage is refused; one inside is kept', () => {
    assert.match(
      only(tree(dict((q) => tensorV2(q.sbu('t'), { size: [20] }).setitem()))).unsupported!,
      /needs 80 bytes/,
    );
    const ok = only(tree(dict((q) => tensorV2(q.sbu('t'), { size: [4], stride: [4], offset: 0 }).setitem())));
    assert.equal(ok.unsupported, undefined);
  });

  it('a complex storage is a tensor that cannot be written (named), not a silent drop', () => {
    const ref = only(tree(dict((q) => tensorV2(q.sbu('z'), { storage: 'ComplexFloatStorage', size: [2] }).setitem())));
    assert.match(ref.unsupported!, /complex/);
  });
});

describe('anything else is dropped', () => {
  const droppedOf = (p: P): string[] => flatten(tree(p)).dropped.map((d) => `${d.path}: ${d.what}`);

  it('a rebuild function reached through getattr is not honoured', () => {
    const p = dict((q) => {
      q.sbu('t').global('builtins', 'getattr').global('torch', '_utils').sbu('_rebuild_tensor_v2').tuple2().reduce();
      q.mark().int(1).tuple().reduce().setitem();
    });
    assert.equal(flatten(tree(p)).tensors.length, 0);
    assert.match(
      droppedOf(p)[0]!,
      /^t: an object made by torch\._utils\._rebuild_tensor_v2 \(resolved through getattr\)/,
    );
  });

  it('a rebuild called through functools.partial is not honoured', () => {
    const p = dict((q) => {
      q.sbu('t').global('functools', 'partial').global('torch._utils', '_rebuild_tensor_v2').tuple1().reduce();
      q.emptyTuple().reduce().setitem();
    });
    assert.equal(flatten(tree(p)).tensors.length, 0);
    assert.equal(droppedOf(p).length, 1);
  });

  it('numpy array data computed by a decoder (base64) is not array data', () => {
    const p = dict((q) => {
      q.sbu('a').global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').int(0).tuple1();
      q.sbb(new Uint8Array([0x62]))
        .op(Op.TUPLE3)
        .reduce();
      q.mark().int(1).int(1).tuple1().global('numpy', 'dtype').sbu('u1').op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3);
      q.reduce().op(Op.NEWFALSE).global('base64', 'b64decode').sbu('AA==').tuple1().reduce().tuple().op(Op.BUILD);
      q.setitem();
    });
    assert.match(droppedOf(p)[0]!, /^a: a numpy array \(_reconstruct\) whose data is not a literal bytes value/);
  });

  it('foreign classes, sets, bytes and recursive lists are listed with their paths; plain values kept', () => {
    const p = dict((q) => {
      q.sbu('ns').global('argparse', 'Namespace').emptyTuple().reduce().setitem();
      q.sbu('s').op(Op.EMPTY_SET).setitem();
      q.sbu('b')
        .sbb(new Uint8Array([1, 2]))
        .setitem();
      q.sbu('r').emptyList().binput(9).binget(9).op(Op.APPEND).setitem();
      q.sbu('n')
        .op(Op.BINFLOAT, new Uint8Array([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]))
        .setitem();
    });
    const f = flatten(tree(p));
    assert.deepEqual(
      f.dropped.map((d) => d.path),
      ['ns', 's', 'b', 'r.0'],
    );
    assert.deepEqual(f.values, [{ key: 'n', json: '1.0' }]);
  });

  it('a value graph that expands without bound is refused, not walked', () => {
    // l0 = [], l(i+1) = [li, li]: 2^41 paths through 41 lists.
    const p = new P().proto(2).emptyList().binput(0);
    for (let i = 1; i <= 40; i++) {
      p.op(Op.POP)
        .emptyList()
        .binget(i - 1)
        .op(Op.APPEND)
        .binget(i - 1)
        .op(Op.APPEND)
        .binput(i);
    }
    const bytes = p.stop().bytes();
    const run = runPickle(mem(bytes), 0, bytes.length, {
      limits: DEFAULT_LIMITS,
      loader: { persistentLoad: false, joblibArrays: false },
      keepValues: true,
    });
    assert.throws(() => buildTree(run.value!, { src: mem(bytes), maxNodes: 100_000 }), TreeLimitError);
  });
});
