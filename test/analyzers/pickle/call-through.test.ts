// The VM's models of what admitted names do with the stream's values beyond their own call: a function that calls one
// of its arguments (torch's _rebuild_from_type: func(*args)) makes that call, judged as a call of the callee; a
// __setstate__ loop over a number the state sets (torch's RNNBase: range(num_layers)) is charged as work the stream's
// size does not bound.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };

function run(p: P): PickleRun {
  const bytes = p.stop().bytes();
  return runPickle(mem(bytes), 0, bytes.length, OPTS);
}
const called = (r: PickleRun) => r.calls.map((c) => c.callee?.canonical);
const imported = (r: PickleRun) => r.imports.map((i) => i.canonical);
const anomalies = (r: PickleRun, code: string) => r.anomalies.filter((a) => a.code === code).map((a) => a.message);

/** _rebuild_from_type(<func>, torch.Tensor, <args>, {}): `args` pushes the third argument. */
function rebuildFromType(name: string, func: [string, string], args: (p: P) => P): P {
  const p = new P()
    .proto(4)
    .stackGlobal('torch._tensor', name)
    .mark()
    .stackGlobal(...func);
  return args(p.stackGlobal('torch', 'Tensor')).emptyDict().tuple().reduce();
}

describe('call-through: an admitted function that calls its argument makes that call', () => {
  for (const name of ['_rebuild_from_type', '_rebuild_from_type_v2']) {
    it(`${name}(tzfile, Tensor, (path,), {}) calls tzfile(path), which opens the path`, () => {
      const r = run(rebuildFromType(name, ['dateutil.tz.tz', 'tzfile'], (p) => p.sbu('/etc/passwd').tuple1()));
      assert.ok(called(r).includes('dateutil.tz.tz.tzfile'), String(called(r)));
      assert.ok(imported(r).includes('builtins.open'), String(imported(r)));
    });
  }

  it("_rebuild_from_type(_ufunc_reconstruct, Tensor, ('os', 'system'), {}) imports os.system", () => {
    const r = run(
      rebuildFromType('_rebuild_from_type', ['numpy.core', '_ufunc_reconstruct'], (p) =>
        p.sbu('os').sbu('system').tuple2(),
      ),
    );
    assert.ok(imported(r).includes('os.system'), String(imported(r)));
  });

  it('the items it spreads, when not a tuple the analysis holds, are reported and the callee still called', () => {
    const r = run(rebuildFromType('_rebuild_from_type', ['dateutil.tz.tz', 'tzfile'], (p) => p.sbu('/etc/passwd')));
    assert.ok(
      anomalies(r, 'OFF_SHAPE_CALL').some((m) => m.includes('items of its argument 2')),
      String(r.anomalies),
    );
    assert.ok(called(r).includes('dateutil.tz.tz.tzfile'));
  });

  it("torch's own shape (the callee a rebuild helper, its arguments a tuple) is called without a report", () => {
    const r = run(
      rebuildFromType('_rebuild_from_type_v2', ['torch._utils', '_rebuild_meta_tensor_no_storage'], (p) =>
        p.mark().stackGlobal('torch', 'float32').mark().int(2).tuple().mark().int(1).tuple().op(Op.NEWFALSE).tuple(),
      ),
    );
    assert.deepEqual(anomalies(r, 'OFF_SHAPE_CALL'), []);
    assert.ok(called(r).includes('torch._utils._rebuild_meta_tensor_no_storage'));
  });
});

/** copyreg._reconstructor(LSTM, object, None) with a BUILD of {num_layers: <n>, ..., _all_weights: [[None]]}. */
function lstm(numLayers: (p: P) => P): P {
  let p = new P()
    .proto(4)
    .stackGlobal('copyreg', '_reconstructor')
    .stackGlobal('torch.nn.modules.rnn', 'LSTM')
    .stackGlobal('builtins', 'object')
    .none()
    .op(Op.TUPLE3)
    .reduce()
    .emptyDict();
  p = numLayers(p.sbu('num_layers')).setitem();
  return p.sbu('bias').op(Op.NEWFALSE).setitem().build();
}

describe("a __setstate__ loop bound read from the state is charged (torch's RNNBase: range(num_layers))", () => {
  it('two layers: no report', () => {
    assert.deepEqual(anomalies(run(lstm((p) => p.int(2))), 'LOAD_COST'), []);
  });
  it('2^21 layers: reported as work the stream does not bound', () => {
    const got = anomalies(run(lstm((p) => p.int(2 ** 21))), 'LOAD_COST');
    assert.ok(
      got.some((m) => m.includes('range(num_layers)')),
      String(got),
    );
  });
  it('a bound that is an object (its __index__ gives the count): reported', () => {
    const got = anomalies(
      run(lstm((p) => p.stackGlobal('collections', 'OrderedDict').emptyTuple().reduce())),
      'LOAD_COST',
    );
    assert.ok(
      got.some((m) => m.includes('__index__')),
      String(got),
    );
  });
});
