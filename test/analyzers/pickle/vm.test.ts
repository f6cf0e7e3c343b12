// The symbolic VM against CPython's C unpickler semantics: imports resolved through every route, invocations
// recorded whatever happens to the result, structural anomalies, limits, and no exception on any input.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeStream } from '../../../src/analyzers/pickle/analyze.js';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P, u32, utf8 } from '../../helpers/pickle-builder.js';
import { HOSTILE_CHUNKS, mem, StreamLikeSource } from '../../helpers/sources.js';

const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };

function run(bytes: Uint8Array, opts: Partial<VmOptions> = {}): PickleRun {
  return runPickle(mem(bytes), 0, bytes.length, { ...OPTS, ...opts });
}
const imports = (r: PickleRun) => r.imports.map((i) => i.canonical);
const codes = (r: PickleRun) => r.anomalies.map((a) => a.code);

describe('import resolution', () => {
  const cases: [string, Uint8Array, string[]][] = [
    ['GLOBAL text', new P().global('posix', 'system').stop().bytes(), ['os.system']],
    ['STACK_GLOBAL', new P().proto(4).stackGlobal('nt', 'system').stop().bytes(), ['os.system']],
    ['INST', new P().mark().sbu('id').inst('os', 'system').stop().bytes(), ['os.system']],
    ['protocol 2 fix_imports', new P().proto(2).global('__builtin__', 'eval').stop().bytes(), ['builtins.eval']],
    ['commands → subprocess', new P().proto(2).global('commands', 'Popen').stop().bytes(), ['subprocess.Popen']],
    [
      'STACK_GLOBAL operands from the memo (BINPUT then BINGET)',
      new P()
        .proto(4)
        .sbu('os')
        .binput(7)
        .pop()
        .sbu('system')
        .binput(8)
        .pop()
        .binget(7)
        .binget(8)
        .op(Op.STACK_GLOBAL)
        .stop()
        .bytes(),
      ['os.system'],
    ],
    [
      'MEMOIZE uses the count of filled slots, not the highest key',
      // BINPUT 5 fills one slot, so the next MEMOIZE writes key 1; GET 1 must see 'system'.
      new P().proto(4).sbu('os').binput(5).sbu('system').memoize().pop().binget(1).op(Op.STACK_GLOBAL).stop().bytes(),
      ['os.system'],
    ],
    [
      'dotted name at protocol 4',
      new P().proto(4).stackGlobal('torch.serialization', 'os.system').stop().bytes(),
      ['torch.serialization.os.system'],
    ],
    [
      'getattr(import_module("os"), "system")',
      new P()
        .proto(2)
        .global('builtins', 'getattr')
        .global('importlib', 'import_module')
        .sbu('os')
        .tuple1()
        .reduce()
        .sbu('system')
        .tuple2()
        .reduce()
        .stop()
        .bytes(),
      ['builtins.getattr', 'importlib.import_module', 'os.<module>', 'os.system'],
    ],
  ];
  for (const [name, bytes, want] of cases) {
    it(name, () => assert.deepEqual(imports(run(bytes)), want));
  }

  it('EXT with a registration made by the same stream resolves through the registry', () => {
    const bytes = new P()
      .proto(2)
      .global('copyreg', 'add_extension')
      .sbu('posix')
      .sbu('system')
      .int(240)
      .op(Op.TUPLE3)
      .reduce()
      .pop()
      .op(Op.EXT1, 240)
      .stop()
      .bytes();
    const r = run(bytes);
    assert.deepEqual(imports(r), ['copyreg.add_extension', 'os.system']);
    assert.equal(r.imports[1]!.ext, 240);
  });
  it('EXT without a registration is an unresolved import and a fatal anomaly', () => {
    const r = run(new P().proto(2).op(Op.EXT2, 0x40, 0x1f).stop().bytes());
    assert.equal(r.imports[0]!.unresolved !== undefined, true);
    assert.deepEqual(codes(r), ['EXT_UNREGISTERED']);
    assert.equal(r.anomalies[0]!.fatal, true);
  });
  it('STACK_GLOBAL with a computed operand is unresolved', () => {
    const bytes = new P()
      .proto(4)
      .global('builtins', 'str')
      .emptyTuple()
      .reduce()
      .sbu('system')
      .op(Op.STACK_GLOBAL)
      .stop()
      .bytes();
    const r = run(bytes);
    assert.ok(codes(r).includes('STACK_GLOBAL_OPERANDS'));
    assert.ok(r.imports.some((i) => i.unresolved));
  });
});

describe('invocations', () => {
  it('REDUCE whose result is popped is still an invocation', () => {
    const r = run(new P().proto(4).call('posix', 'system').pop().none().stop().bytes());
    assert.deepEqual(
      r.calls.map((c) => [c.kind, c.callee?.canonical]),
      [['REDUCE', 'os.system']],
    );
  });
  it('OBJ, NEWOBJ and BUILD on a planted __setstate__', () => {
    const bytes = new P()
      .proto(2)
      .global('argparse', 'Namespace')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .sbu('__setstate__')
      .global('posix', 'system')
      .setitem()
      .build()
      .sbu('id')
      .build()
      .stop()
      .bytes();
    const r = run(bytes);
    assert.deepEqual(
      r.calls.map((c) => [c.kind, c.callee?.canonical]),
      [
        ['NEWOBJ', 'argparse.Namespace'],
        ['BUILD', 'argparse.Namespace'],
        ['BUILD', 'os.system'],
      ],
    );
    assert.ok(codes(r).includes('BUILD_DUNDER_STATE'));
  });
  it('BUILD on an imported module is recorded as BUILD_GLOBAL', () => {
    const bytes = new P().global('sys', 'modules').emptyDict().build().stop().bytes();
    assert.deepEqual(
      run(bytes).calls.map((c) => c.kind),
      ['BUILD_GLOBAL'],
    );
  });
  it('functools.partial(f)() invokes f', () => {
    const bytes = new P()
      .proto(4)
      .stackGlobal('functools', 'partial')
      .stackGlobal('posix', 'system')
      .sbu('id')
      .tuple2()
      .reduce()
      .emptyTuple()
      .reduce()
      .stop()
      .bytes();
    assert.ok(run(bytes).calls.some((c) => c.kind === 'REDUCE' && c.callee?.canonical === 'os.system'));
  });
});

describe('nested payloads', () => {
  const inner = new P().proto(2).global('posix', 'system').sbu('id').tuple1().reduce().stop().bytes();
  it('pickle.loads(bytes literal)', () => {
    const r = run(new P().proto(4).stackGlobal('_pickle', 'loads').bb(inner).tuple1().reduce().stop().bytes());
    assert.equal(r.nested.length, 1);
    assert.deepEqual([...r.nested[0]!.bytes], [...inner]);
  });
  it('torch.load(io.BytesIO(_codecs.encode(str, "latin1")))', () => {
    const text = Buffer.from(inner).toString('latin1');
    const bytes = new P()
      .proto(2)
      .global('torch.serialization', 'load')
      .global('_io', 'BytesIO')
      .global('_codecs', 'encode')
      .bu(text)
      .sbu('latin1')
      .tuple2()
      .reduce()
      .tuple1()
      .reduce()
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const r = run(bytes);
    assert.equal(r.nested.length, 1);
    assert.deepEqual([...r.nested[0]!.bytes], [...inner]);
  });
});

describe('structure (CPython tolerates or raises)', () => {
  const cases: [string, Uint8Array, string[]][] = [
    ['POP removes a MARK on top of the stack', new P().none().mark().pop().stop().bytes(), []],
    ['stack left under the result', new P().none().none().stop().bytes(), ['STACK_LEFTOVER']],
    ['mark left open', new P().mark().none().stop().bytes(), ['MARK_LEFT_OPEN']],
    [
      'items below a MARK are fenced off',
      new P().none().mark().op(Op.TUPLE1).stop().bytes(),
      ['STACK_UNDERFLOW', 'STACK_LEFTOVER', 'MARK_LEFT_OPEN'],
    ],
    ['missing memo key', new P().binget(3).stop().bytes(), ['MEMO_MISSING']],
    ['duplicate PROTO', new P().proto(2).proto(2).none().stop().bytes(), ['PROTO_DUPLICATE']],
    ['PROTO not first', new P().none().proto(2).stop().bytes(), ['PROTO_MISPLACED']],
    ['protocol 6', new P().proto(6).none().stop().bytes(), ['PROTO_UNSUPPORTED']],
    ['NEXT_BUFFER without buffers', new P().proto(5).op(Op.NEXT_BUFFER).stop().bytes(), ['OUT_OF_BAND_BUFFER']],
    ['persistent id without persistent_load', new P().sbu('x').op(Op.BINPERSID).stop().bytes(), ['PERSISTENT_ID']],
    ['no STOP', new P().none().bytes(), ['NO_STOP']],
    ['unknown opcode', Uint8Array.from([Op.NONE, 0xff]), ['UNKNOWN_OPCODE']],
    ['REDUCE on a non-tuple', new P().global('builtins', 'set').none().reduce().stop().bytes(), ['TYPE_ERROR']],
    ['dict with an unhashable key', new P().emptyDict().emptyList().none().setitem().stop().bytes(), ['TYPE_ERROR']],
  ];
  for (const [name, bytes, want] of cases) it(name, () => assert.deepEqual(codes(run(bytes)), want));

  it('FRAME straddle is flagged, and the stream is read the way CPython reads it', () => {
    const r = run(new P().proto(4).frame(2).sbu('abcdef').stop().bytes());
    assert.deepEqual(codes(r), ['FRAME_STRADDLE']);
    assert.equal(r.stopped, true);
  });
  it('a payload after a benign frame, unframed', () => {
    const benign = new P().none().pop().bytes();
    const bytes = new P().proto(4).frame(benign.length).raw(benign).call('posix', 'system').stop().bytes();
    const r = run(bytes);
    assert.deepEqual(imports(r), ['os.system']);
    assert.deepEqual(codes(r), ['UNFRAMED_OPCODES']);
  });
  it('a large bytes payload written outside frames is normal pickler output', () => {
    const big = new Uint8Array(70000);
    const bytes = new P()
      .proto(4)
      .frame(2)
      .none()
      .pop()
      .op(Op.BINBYTES, Uint8Array.from(u32(big.length)), big)
      .stop()
      .bytes();
    assert.deepEqual(codes(run(bytes)), []);
  });
  it('analysis continues after the first error (lenient) and marks later imports', () => {
    const bytes = new P().binget(9).pop().call('posix', 'system').stop().bytes();
    const r = run(bytes);
    assert.equal(r.errored, true);
    assert.equal(r.imports[0]!.afterError, true);
  });
  it('strict mode stops where CPython raises', () => {
    const bytes = new P().binget(9).pop().call('posix', 'system').stop().bytes();
    assert.deepEqual(imports(run(bytes, { strict: true })), []);
  });
});

describe('stacked pickles and trailing bytes', () => {
  it('reads every pickle until the bytes end', () => {
    const bytes = new P()
      .none()
      .stop()
      .proto(2)
      .none()
      .stop()
      .raw(new P().proto(4).call('posix', 'system').stop().bytes())
      .bytes();
    const a = analyzeStream(mem(bytes), 0, bytes.length, { limits: DEFAULT_LIMITS, loader: OPTS.loader });
    assert.equal(a.runs.length, 3);
    assert.deepEqual(imports(a.runs[2]!), ['os.system']);
  });
  it('non-pickle bytes after the last STOP are an anomaly', () => {
    const bytes = new P().none().stop().raw('\x00\x01\x02 garbage').bytes();
    const a = analyzeStream(mem(bytes), 0, bytes.length, { limits: DEFAULT_LIMITS, loader: OPTS.loader });
    assert.equal(a.runs.length, 1);
    assert.deepEqual(codes(a.runs[0]!), ['TRAILING_BYTES']);
  });
});

describe('joblib inline arrays', () => {
  it('skips array bytes after a NumpyArrayWrapper BUILD and keeps scanning', () => {
    const dtype = new P().global('numpy', 'dtype').sbu('f8').op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3).reduce();
    const bytes = new P()
      .proto(4)
      .stackGlobal('joblib.numpy_pickle', 'NumpyArrayWrapper')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .sbu('shape')
      .int(3)
      .tuple1()
      .setitem()
      .sbu('dtype')
      .raw(dtype.bytes())
      .setitem()
      .build()
      .raw(new Uint8Array(24).fill(0x63)) // 3 float64 values that look like GLOBAL opcodes
      .pop()
      .call('posix', 'system')
      .stop()
      .bytes();
    const r = run(bytes);
    assert.deepEqual(imports(r), ['joblib.numpy_pickle.NumpyArrayWrapper', 'numpy.dtype', 'os.system']);
    assert.deepEqual(codes(r), []);
  });
});

describe('joblib object arrays', () => {
  // Regression (found by the mutation loop): an object-array pickle that fails at its first byte must not make
  // the outer stream seek back and re-read the same wrapper forever.
  const objectWrapper = new P()
    .proto(4)
    .stackGlobal('joblib.numpy_pickle', 'NumpyArrayWrapper')
    .emptyTuple()
    .newobj()
    .emptyDict()
    .sbu('shape')
    .int(1)
    .tuple1()
    .setitem()
    .sbu('dtype')
    .raw(new P().global('numpy', 'dtype').sbu('O8').op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3).reduce().bytes())
    .setitem()
    .build()
    .raw(0xff)
    .stop()
    .bytes();
  for (const strict of [false, true]) {
    it(`ends with an anomaly when the inner pickle is broken (strict=${strict})`, () => {
      const r = run(objectWrapper, { strict });
      assert.ok(r.opcodes < 100, `${r.opcodes} opcodes`);
      assert.ok(codes(r).includes('UNKNOWN_OPCODE'));
    });
  }
});

describe('memo beyond the detail budget', () => {
  const wrapper = (p: P) =>
    p
      .stackGlobal('joblib.numpy_pickle', 'NumpyArrayWrapper')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .sbu('shape')
      .binget(0)
      .setitem()
      .sbu('dtype')
      .binget(1)
      .setitem()
      .build()
      .raw(new Uint8Array(16).fill(0x63))
      .pop();
  it('keeps joblib shapes and dtypes fetched from the memo (no false structure finding)', () => {
    const dtype = new P().global('numpy', 'dtype').sbu('f8').op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3).reduce();
    const p = new P().proto(4).int(2).tuple1().memoize().pop().raw(dtype.bytes()).memoize().pop();
    wrapper(wrapper(p)).call('posix', 'system').stop();
    const r = run(p.bytes(), { memoDetailEntries: 0 });
    assert.deepEqual(codes(r), []);
    assert.ok(imports(r).includes('os.system'));
  });
  it('a dropped non-identifier string used by STACK_GLOBAL is a LIMIT anomaly, never a silent pass', () => {
    // Longer than the very short strings the memo keeps whatever they hold (a dtype's byte order).
    const bytes = new P().proto(4).sbu('a-b-c').memoize().pop().binget(0).sbu('x').op(Op.STACK_GLOBAL).stop().bytes();
    const r = run(bytes, { memoDetailEntries: 0 });
    assert.deepEqual(codes(r), ['LIMIT']);
    assert.equal(r.anomalies[0]!.limit, 'maxMemoDetail');
  });
  it('identifier strings survive compaction', () => {
    const bytes = new P()
      .proto(4)
      .sbu('os')
      .memoize()
      .sbu('system')
      .memoize()
      .op(Op.STACK_GLOBAL)
      .pop()
      .binget(0)
      .binget(1)
      .op(Op.STACK_GLOBAL)
      .stop()
      .bytes();
    const r = run(bytes, { memoDetailEntries: 0 });
    // The second, identical import folds into the first.
    assert.deepEqual(imports(r), ['os.system']);
    assert.equal(r.imports[0]!.repeats, 1);
  });
});

describe('limits end the analysis with a LIMIT anomaly, never a crash', () => {
  const many = new P().proto(4);
  for (let i = 0; i < 100; i++) many.none();
  const bytes = many.stop().bytes();
  it('opcodes', () => {
    const r = run(bytes, { limits: { ...DEFAULT_LIMITS, maxOpcodes: 10 } });
    assert.equal(r.anomalies.at(-1)!.limit, 'maxOpcodes');
  });
  it('stack depth', () => {
    const r = run(bytes, { limits: { ...DEFAULT_LIMITS, maxStackDepth: 10 } });
    assert.equal(r.anomalies.at(-1)!.limit, 'maxStackDepth');
  });
  it('memo entries', () => {
    const m = new P().proto(4).none();
    for (let i = 0; i < 20; i++) m.memoize();
    const r = run(m.stop().bytes(), { limits: { ...DEFAULT_LIMITS, maxMemoEntries: 5 } });
    assert.equal(r.anomalies.at(-1)!.limit, 'maxMemoEntries');
  });
});

describe('robustness', () => {
  it('same facts whatever the read-ahead window', () => {
    const bytes = new P()
      .proto(4)
      .call('posix', 'system', 'x'.repeat(200))
      .pop()
      .op(Op.BINUNICODE, Uint8Array.from(u32(5000)), utf8('y'.repeat(5000)))
      .binput(1)
      .pop()
      .global('builtins', 'eval')
      .stop()
      .bytes();
    const ref = run(bytes);
    for (const chunk of HOSTILE_CHUNKS) {
      const r = runPickle(new StreamLikeSource(bytes), 0, bytes.length, { ...OPTS, chunkBytes: chunk });
      assert.deepEqual(imports(r), imports(ref));
      assert.deepEqual(codes(r), codes(ref));
    }
  });
  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        run(bytes);
        run(bytes, { strict: true });
      }),
      { numRuns: 2000 },
    );
  });
  it('mutated real-looking streams never throw', () => {
    const base = new P()
      .proto(4)
      .frame(60)
      .call('collections', 'OrderedDict', 'a')
      .sbu('k')
      .emptyList()
      .setitem()
      .stop()
      .bytes();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (muts) => {
          const b = base.slice();
          for (const [i, v] of muts) b[i] = v;
          run(b);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
