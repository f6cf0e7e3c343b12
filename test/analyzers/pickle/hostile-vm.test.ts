// The VM on inputs built to exhaust it: shared and deep tuple keys (linear work), mark floods (a limit), import and
// call floods (folded, capped), nested-payload floods, over-long text arguments (never a reason to stop), an
// internal error (facts kept), and a protocol above the highest known (still a pickle).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { probePickle } from '../../../src/analyzers/pickle/analyze.js';
import type { PickleRun } from '../../../src/analyzers/pickle/facts.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { K } from '../../../src/analyzers/pickle/values.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };

function run(bytes: Uint8Array, opts: Partial<VmOptions> = {}): PickleRun {
  return runPickle(mem(bytes), 0, bytes.length, { ...OPTS, ...opts });
}
const canon = (r: PickleRun) => r.imports.map((i) => i.canonical);
const codes = (r: PickleRun) => r.anomalies.map((a) => a.code);
const payload = (p: P) => p.global('builtins', 'exec').sbu('1').tuple1().reduce();

/** A tower: t0 = (1,), t(n+1) = (tn, tn) (2^levels leaves, `levels + 1` distinct tuples), left on the stack. */
function tower(p: P, levels: number, leaf: (p: P) => P = (q) => q.int(1)): P {
  leaf(p).tuple1().binput(0).pop();
  for (let i = 0; i < levels; i++) p.binget(0).binget(0).tuple2().binput(0).pop();
  return p.binget(0);
}

describe('hashing keys: linear in distinct tuples', () => {
  for (const generalOnly of [false, true]) {
    const path = generalOnly ? 'general path' : 'fast path';
    it(`a 200-level shared tower as dict key, set and frozenset member (${path})`, () => {
      const p = new P().proto(2).emptyDict();
      tower(p, 200).none().setitem().pop();
      p.op(Op.EMPTY_SET).mark();
      tower(p, 200).op(Op.ADDITEMS).pop().mark();
      tower(p, 200).op(Op.FROZENSET).pop();
      const r = run(payload(p).stop().bytes(), { generalOnly });
      assert.equal(r.stopped, true);
      // The analysis stays linear; the load it models does not (CPython hashes 2^200 tuples): reported once.
      assert.deepEqual(codes(r), ['LOAD_COST']);
      assert.deepEqual(canon(r), ['builtins.exec']);
    });
    it(`the same tower never hashed, or 20 levels high as a key, costs nothing to report (${path})`, () => {
      const p = new P().proto(2).emptyList();
      tower(p, 200).op(Op.APPEND);
      p.pop().emptyDict();
      tower(p, 20).none().setitem().pop();
      const r = run(payload(p).stop().bytes(), { generalOnly });
      assert.equal(r.stopped, true);
      assert.deepEqual(codes(r), []);
    });
    it(`an unhashable leaf deep in a shared tower is still a TypeError (${path})`, () => {
      const p = new P().proto(2).emptyDict();
      tower(p, 100, (q) => q.emptyList())
        .none()
        .setitem();
      const r = run(p.stop().bytes(), { generalOnly });
      assert.ok(codes(r).includes('TYPE_ERROR'));
    });
  }
  it('a tower whose shared items sit past the kept prefix of long tuples is still costed', () => {
    // Each level is (0, 0, …70 ints…, t, t): the VM keeps 64 items of a tuple, the hash walks all of them.
    const p = new P().proto(2).emptyDict().int(1).tuple1().binput(0).pop();
    for (let i = 0; i < 60; i++) {
      p.mark();
      for (let j = 0; j < 70; j++) p.int(0);
      p.binget(0).binget(0).tuple().binput(0).pop();
    }
    const r = run(p.binget(0).none().setitem().stop().bytes());
    assert.deepEqual(codes(r), ['LOAD_COST']);
  });
  it('a key nested 300,000 tuples deep does not overflow the JS stack, and is reported', () => {
    const p = new P().proto(2).emptyDict().int(1);
    for (let i = 0; i < 300_000; i++) p.tuple1();
    const r = run(p.none().setitem().stop().bytes());
    assert.equal(r.stopped, true);
    // CPython's tuple hash recurses per level on the C stack: pickle.load dies with SIGSEGV on this key.
    assert.deepEqual(codes(r), ['LOAD_COST']);
    assert.match(r.anomalies[0]!.message, /300000 levels deep/);
  });
  it('the same tuple as a dict value is not hashed and not reported', () => {
    const p = new P().proto(2).emptyDict().none().int(1);
    for (let i = 0; i < 300_000; i++) p.tuple1();
    const r = run(p.setitem().stop().bytes());
    assert.equal(r.stopped, true);
    assert.deepEqual(codes(r), []);
  });
});

describe('mark stack limit', () => {
  for (const generalOnly of [false, true]) {
    it(`more MARKs than maxStackDepth end with a LIMIT anomaly (${generalOnly ? 'general' : 'fast'} path)`, () => {
      const p = new P();
      for (let i = 0; i < 1001; i++) p.mark();
      const r = run(payload(p).stop().bytes(), { generalOnly, limits: { ...DEFAULT_LIMITS, maxStackDepth: 1000 } });
      const limit = r.anomalies.find((a) => a.code === 'LIMIT');
      assert.equal(limit?.limit, 'maxStackDepth');
      assert.match(limit.message, /mark stack/);
    });
  }
  it('a limit reached before any CPython error still makes the bytes a pickle (probe)', () => {
    const p = new P();
    for (let i = 0; i < 1001; i++) p.mark();
    const bytes = payload(p).stop().bytes();
    const probe = probePickle(mem(bytes), 0, bytes.length, {
      limits: { ...DEFAULT_LIMITS, maxStackDepth: 1000 },
      loader: OPTS.loader,
    });
    assert.equal(probe?.evidence, 'limit-before-error');
  });
});

describe('fact lists: identical facts fold, every list is capped', () => {
  it('100,000 identical imports are one fact with a repeat count', () => {
    const p = new P();
    for (let i = 0; i < 100_000; i++) p.global('collections', 'OrderedDict').pop();
    const r = run(payload(p).stop().bytes());
    assert.deepEqual(canon(r), ['collections.OrderedDict', 'builtins.exec']);
    assert.equal(r.imports[0]!.repeats, 99_999);
  });
  for (const generalOnly of [false, true]) {
    const path = generalOnly ? 'general path' : 'fast path';
    it(`a memoized STACK_GLOBAL flood folds into one fact and one shared class value (${path})`, () => {
      const p = new P().proto(4);
      for (let i = 0; i < 100_000; i++) p.stackGlobal('collections', 'OrderedDict').memoize().pop();
      payload(p).pop();
      const r = run(p.binget(0).binget(99_999).tuple2().stop().bytes(), { generalOnly, keepValues: true });
      assert.deepEqual(canon(r), ['collections.OrderedDict', 'builtins.exec']);
      assert.equal(r.imports[0]!.repeats, 99_999);
      assert.equal(r.imports[0]!.opcode, 'STACK_GLOBAL');
      // find_class returns the same class object for every repeat: the VM keeps one value, not one per opcode.
      const v = r.value;
      assert.ok(typeof v === 'object' && v.k === K.Tuple);
      assert.equal(v.items[0], v.items[1]);
    });
    it(`a GLOBAL + PUT flood shares one class value too (${path})`, () => {
      const p = new P().proto(2);
      for (let i = 0; i < 1000; i++)
        p.global('collections', 'OrderedDict')
          .binput(i % 256)
          .pop();
      const r = run(p.binget(0).binget(1).tuple2().stop().bytes(), { generalOnly, keepValues: true });
      assert.equal(r.imports[0]!.repeats, 999);
      const v = r.value;
      assert.ok(typeof v === 'object' && v.k === K.Tuple);
      assert.equal(v.items[0], v.items[1]);
    });
  }
  it('alternating imports fold by name, not only with the previous one', () => {
    const p = new P();
    for (let i = 0; i < 1000; i++) p.global('collections', 'OrderedDict').pop().global('builtins', 'set').pop();
    const r = run(p.none().stop().bytes());
    assert.deepEqual(canon(r), ['collections.OrderedDict', 'builtins.set']);
    assert.deepEqual(
      r.imports.map((i) => i.repeats),
      [999, 999],
    );
  });
  it('identical calls fold; the invocation count survives', () => {
    const p = new P();
    for (let i = 0; i < 1000; i++) p.global('collections', 'OrderedDict').emptyTuple().reduce().pop();
    const r = run(p.none().stop().bytes());
    assert.equal(r.calls.length, 1);
    assert.equal(r.calls[0]!.repeats, 999);
  });
  it('distinct imports past the cap stop the run with a LIMIT anomaly', () => {
    const p = new P();
    for (let i = 0; i < 20; i++) p.global(`m${i}`, 'f').pop();
    const r = run(payload(p).stop().bytes(), { factCaps: { imports: 10 } });
    assert.equal(r.imports.length, 10);
    assert.equal(r.anomalies.find((a) => a.code === 'LIMIT')?.limit, 'maxStreamImports');
  });
  it('distinct calls past the cap stop the run', () => {
    const p = new P();
    for (let i = 0; i < 20; i++) p.global(`m${i}`, 'f').emptyTuple().reduce().pop();
    const r = run(p.none().stop().bytes(), { factCaps: { calls: 5 } });
    assert.equal(r.calls.length, 5);
    assert.equal(r.anomalies.find((a) => a.code === 'LIMIT')?.limit, 'maxStreamCalls');
  });
  it('persistent ids past the cap stop the run', () => {
    const p = new P();
    for (let i = 0; i < 20; i++) p.int(i).op(Op.BINPERSID).pop();
    const r = run(p.none().stop().bytes(), {
      loader: { persistentLoad: true, joblibArrays: false },
      factCaps: { persistentIds: 7 },
    });
    assert.equal(r.persistentIds.length, 7);
    assert.equal(r.anomalies.find((a) => a.code === 'LIMIT')?.limit, 'maxStreamPersistentIds');
  });
  it('derived nested payloads past maxNestedPickles are a LIMIT anomaly; the stream is read on', () => {
    // Bytes the stream builds by a call (here utf-8 encoding of a str) are not a literal of the stream.
    const p = new P();
    for (let i = 0; i < 5; i++)
      p.global('pickle', 'loads')
        .global('_codecs', 'encode')
        .sbu(`N.${' '.repeat(i)}`)
        .sbu('utf-8')
        .tuple2()
        .reduce()
        .tuple1()
        .reduce()
        .pop();
    const r = run(payload(p).stop().bytes(), { limits: { ...DEFAULT_LIMITS, maxNestedPickles: 3 } });
    assert.equal(r.nested.length, 3);
    assert.equal(r.anomalies.find((a) => a.code === 'LIMIT')?.limit, 'maxNestedPickles');
    assert.ok(canon(r).includes('builtins.exec'));
  });
  it("distinct bytes literals are the stream's own bytes: past maxNestedPickles each is scanned, no limit", () => {
    const p = new P();
    for (let i = 0; i < 5; i++)
      p.global('pickle', 'loads')
        .sbb(new Uint8Array([0x4b, i, 0x2e]))
        .tuple1()
        .reduce()
        .pop();
    const r = run(p.none().stop().bytes(), { limits: { ...DEFAULT_LIMITS, maxNestedPickles: 3 } });
    assert.equal(r.nested.length, 5);
    assert.equal(
      r.anomalies.some((a) => a.code === 'LIMIT'),
      false,
    );
  });
  it('a literal handed again through the memo is counted and charged, not scanned again; past the cap a LIMIT', () => {
    const p = new P()
      .global('pickle', 'loads')
      .binput(0)
      .pop()
      .sbb(new Uint8Array([0x4e, 0x2e]))
      .binput(1)
      .pop();
    for (let i = 0; i < 6; i++) p.binget(0).binget(1).tuple1().reduce().pop();
    const r = run(p.none().stop().bytes(), { factCaps: { nestedLiterals: 4 } });
    assert.equal(r.nested.length, 1);
    assert.equal(r.anomalies.find((a) => a.code === 'LIMIT')?.limit, 'maxNestedPickles');
  });
});

describe('over-long protocol 0 text arguments', () => {
  const LONG = (1 << 20) + 10;
  const cases: [string, string][] = [
    ['STRING', `S'${'a'.repeat(LONG)}'\n0`],
    ['UNICODE', `V${'a'.repeat(LONG)}\n0`],
    ['INT (blanks strtol skips)', `I${' '.repeat(LONG)}1\n0`],
    ['LONG', `L${'1'.repeat(LONG)}L\n0`],
    ['FLOAT', `F1.${'0'.repeat(LONG)}\n0`],
    ['PERSID', `P${'a'.repeat(LONG)}\n0`],
  ];
  for (const [name, text] of cases) {
    it(`${name}: an unknown value, no error; the payload after it is found (probe and run)`, () => {
      const bytes = payload(new P().raw(text)).stop().bytes();
      const loader = { persistentLoad: true, joblibArrays: false };
      const r = run(bytes, { loader });
      assert.deepEqual(canon(r), ['builtins.exec']);
      assert.equal(r.errored, false, JSON.stringify(r.anomalies));
      const probe = probePickle(mem(bytes), 0, bytes.length, { limits: DEFAULT_LIMITS, loader });
      assert.ok(probe !== undefined);
    });
  }
  it('a PUT key too long to read: reported, and a GET of the key it may have stored is not an error', () => {
    const bytes = payload(new P().raw(`I1\np${' '.repeat(LONG)}7\n0g7\n0`))
      .stop()
      .bytes();
    const r = run(bytes);
    assert.deepEqual(canon(r), ['builtins.exec']);
    assert.equal(r.errored, false);
    assert.deepEqual(codes(r), ['BAD_ARGUMENT', 'MEMO_MISSING']);
  });
  it('an import line too long to decode is an unresolved import, and reading goes on', () => {
    const bytes = payload(new P().raw(`cos\n${'a'.repeat(LONG)}\n0`))
      .stop()
      .bytes();
    const r = run(bytes);
    assert.equal(r.imports[0]!.unresolved, 'import line too long to decode');
    assert.ok(canon(r).includes('builtins.exec'));
  });
});

describe('internal errors keep the facts found before them', () => {
  it('an exception inside the analyser becomes an INTERNAL_ERROR anomaly after the imports seen', () => {
    const bytes = new P().proto(2).global('posix', 'system').pop().int(1).op(Op.BINPERSID).stop().bytes();
    const r = run(bytes, {
      loader: {
        persistentLoad: true,
        joblibArrays: false,
        checkPersistentId: () => {
          throw new RangeError('Map maximum size exceeded');
        },
      },
    });
    assert.deepEqual(canon(r), ['os.system']);
    assert.equal(r.anomalies.at(-1)?.code, 'INTERNAL_ERROR');
    assert.equal(r.errored, true);
  });
});

describe('protocol above the highest known', () => {
  it('PROTO 6 followed by a payload is a pickle (fail closed); bytes that go nowhere are not', () => {
    const evil = payload(new P().proto(6)).stop().bytes();
    assert.equal(probePickle(mem(evil), 0, evil.length, OPTS as never)?.evidence, 'protocol-header');
    const junk = new Uint8Array([0x80, 0x07, 0xff, 0xfe]);
    assert.equal(probePickle(mem(junk), 0, junk.length, OPTS as never), undefined);
  });
});

describe('items a lazy sequence yields, through the memo', () => {
  // _new_Index(RangeIndex, {'start': 0, 'stop': 2**62, 'step': 1}): pandas' pickle of a default index (three numbers).
  const rangeIndex = (p: P, stop: P = new P().int(2 ** 30)): P => {
    p.global('pandas.core.indexes.base', '_new_Index').global('pandas.core.indexes.range', 'RangeIndex');
    p.emptyDict().mark().sbu('start').int(0).sbu('stop').raw(stop.bytes()).sbu('step').int(1);
    return p.op(Op.SETITEMS).op(Op.TUPLE2).reduce();
  };
  for (const detail of [Infinity, 0]) {
    const where = detail === 0 ? 'stored after the memo detail budget' : 'kept whole by the memo';
    it(`deque(index, 0) of a RangeIndex read back from the memo walks its items (${where})`, () => {
      const p = rangeIndex(new P().proto(4)).binput(0).pop();
      p.global('collections', 'deque').binget(0).int(0).op(Op.TUPLE2).reduce().stop();
      const r = run(p.bytes(), { memoDetailEntries: detail });
      assert.deepEqual(codes(r), ['LOAD_COST']);
    });
  }
  it('the index stored and never iterated costs nothing', () => {
    const r = run(rangeIndex(new P().proto(4)).stop().bytes());
    assert.deepEqual(codes(r), []);
  });
  it('a RangeIndex whose keywords the memo summarised may be any range', () => {
    const p = new P().proto(4);
    p.global('pandas.core.indexes.base', '_new_Index').global('pandas.core.indexes.range', 'RangeIndex');
    p.emptyDict().mark().sbu('start').int(0).sbu('stop').int(5).sbu('step').int(1).op(Op.SETITEMS).binput(0).pop();
    p.binget(0).op(Op.TUPLE2).reduce().binput(1).pop();
    p.global('collections', 'deque').binget(1).int(0).op(Op.TUPLE2).reduce().stop();
    // (The _new_Index shape check also reports keywords it cannot read: OFF_SHAPE_CALL.)
    assert.ok(codes(run(p.bytes(), { memoDetailEntries: 0 })).includes('LOAD_COST'));
    assert.deepEqual(codes(run(p.bytes())), []);
  });
});

describe('hash depth through the memo past its detail budget', () => {
  // The memo keeps its first DEFAULT memo-detail entries whole and stores later values as stand-ins; a deep key that
  // goes through such a stand-in must still hash as deep. Shapes proven to crash pickle.load, pandas.read_pickle,
  // joblib.load, np.load(allow_pickle=True) and torch.load (SIGSEGV in CPython's tuple hash) at 200,000 levels.
  const u4 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const PAD = 10_050;
  const STEP = 5_000;
  /** `pad` memo entries, then a tuple `depth` levels deep stored and read back every STEP levels (LONG_BINPUT, POP, LONG_BINGET). */
  function deepViaMemo(depth: number, pad: number, asKey: boolean): Uint8Array {
    const p = new P().proto(2);
    for (let i = 0; i < pad; i++)
      p.int(0)
        .op(Op.LONG_BINPUT, ...u4(i))
        .pop();
    p.emptyDict();
    if (!asKey) p.int(1);
    p.raw(Op.EMPTY_TUPLE);
    let k = pad;
    for (let lvl = 1; lvl <= depth; lvl++) {
      p.tuple1();
      if (lvl % STEP === 0)
        p.op(Op.LONG_BINPUT, ...u4(k))
          .pop()
          .op(Op.LONG_BINGET, ...u4(k++));
    }
    if (asKey) p.int(1);
    return p.setitem().stop().bytes();
  }
  /** The same without POP (opcodes torch's weights-only unpickler accepts): each chunk is moved into a list. */
  function deepViaMemoNoPop(depth: number, pad: number): Uint8Array {
    const p = new P().proto(2).emptyList();
    for (let i = 0; i < pad; i++)
      p.int(0)
        .op(Op.LONG_BINPUT, ...u4(i))
        .op(Op.APPEND);
    let k = pad;
    p.mark().raw(Op.EMPTY_TUPLE);
    for (let done = 0; done < depth; done += STEP) {
      for (let i = 0; i < STEP; i++) p.tuple1();
      p.op(Op.LONG_BINPUT, ...u4(k))
        .op(Op.APPENDS)
        .mark()
        .op(Op.LONG_BINGET, ...u4(k++));
    }
    p.op(Op.APPENDS)
      .emptyDict()
      .op(Op.LONG_BINGET, ...u4(k - 1))
      .int(1)
      .setitem()
      .op(Op.APPEND);
    return p.stop().bytes();
  }
  const cases: [string, () => Uint8Array, string[]][] = [
    [
      'a key 200,000 levels deep, read back from the compacted memo every 5,000 levels',
      () => deepViaMemo(200_000, PAD, true),
      ['LOAD_COST'],
    ],
    [
      'the same with only 10 memo entries before it (nothing compacted)',
      () => deepViaMemo(200_000, 10, true),
      ['LOAD_COST'],
    ],
    ['the same without POP, through a list', () => deepViaMemoNoPop(200_000, PAD), ['LOAD_COST']],
    ['benign twin: the deep tuple as a dict value (never hashed)', () => deepViaMemo(200_000, PAD, false), []],
    [
      'benign twin: a key 9,000 levels deep, read back once from the compacted memo',
      () => deepViaMemo(9_000, PAD, true),
      [],
    ],
  ];
  for (const [name, make, want] of cases)
    it(name, () => {
      const r = run(make());
      assert.equal(r.stopped, true);
      assert.deepEqual(
        codes(r).filter((c) => c === 'LOAD_COST'),
        want,
      );
    });
});
