// Objects nested by mutation: each level an empty container of a C type whose deallocator frees what it holds
// recursively (deque, defaultdict, slice), given the previous level by APPEND, SETITEM or a call, with the previous
// level read back from the memo so the stack stays flat. The load returns normally; freeing the value overflows the C
// stack (SIGSEGV; pickle.loads of the 400,000-level deque form dies when the result is dropped). Filled bottom-up,
// top-down (each new level put into the last one read back from the memo) or in runs joined afterwards: each is
// reported past the limit, and each has a twin of the same shape 100 levels deep, or wide instead of deep, that passes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { NEST_LIMIT } from '../../../src/analyzers/pickle/nesting.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { scanBytes } from '../../../src/scan/engine.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const text = (s: string): number[] => [Op.SHORT_BINUNICODE, s.length, ...Buffer.from(s, 'latin1')];
const global = (m: string, n: string): number[] => [...text(m), ...text(n), Op.STACK_GLOBAL];
const put = (i: number): number[] => [Op.BINPUT, i];
const get = (i: number): number[] => [Op.BINGET, i];
const empty = (): number[] => [...get(0), Op.EMPTY_TUPLE, Op.REDUCE];

/**
 * The callable in memo 0, None as the first level in memo 1 (or `root`, a first level kept in memo 2 as the result),
 * then `level` repeated; the result is the last level (or the root).
 */
function tower(m: string, n: string, level: number[], depth: number, root: number[] = []): Uint8Array {
  const body = [...global(m, n), ...put(0), Op.POP, Op.NONE, ...put(1), Op.POP, ...root];
  const tail = root.length > 0 ? get(2) : get(1);
  for (let i = 0; i < depth; i++) body.push(...level);
  return Uint8Array.from([Op.PROTO, 4, ...body, ...tail, Op.STOP]);
}

// d = deque(); d.append(previous); memo[1] = d
const dequeAppend = [...empty(), ...get(1), Op.APPEND, ...put(1), Op.POP];
// d = defaultdict(); d[1] = previous; memo[1] = d
const defaultdictSet = [...empty(), Op.BININT1, 1, ...get(1), Op.SETITEM, ...put(1), Op.POP];
// s = slice(previous, None, None); memo[1] = s
const sliceCall = [...get(0), ...get(1), Op.NONE, Op.NONE, Op.TUPLE3, Op.REDUCE, ...put(1), Op.POP];
// Top-down: the root in memo 2; d = deque(); memo[1].append(d); memo[1] = d
const topDown = [...empty(), ...put(3), Op.POP, ...get(1), ...get(3), Op.APPEND, Op.POP, ...get(3), ...put(1), Op.POP];
const rootFirst = [...empty(), ...put(1), ...put(2), Op.POP];

/** Runs of `run` levels filled bottom-up, each joined below the last by appending to that run's bottom level. */
function joinedRuns(runs: number, run: number): Uint8Array {
  const body = [...global('collections', 'deque'), ...put(0), Op.POP];
  // memo 4: bottom of the chain so far; memo 5: its root.
  body.push(...empty(), ...put(4), ...put(5), Op.POP);
  for (let r = 0; r < runs; r++) {
    // A run: bottom b (memo 6), then run-1 levels above it, top in memo 1.
    body.push(...empty(), ...put(6), ...put(1), Op.POP);
    for (let i = 1; i < run; i++) body.push(...empty(), ...get(1), Op.APPEND, ...put(1), Op.POP);
    // Join: the chain's bottom (read back from the memo) is given the run's top; the run's bottom is the new bottom.
    body.push(...get(4), ...get(1), Op.APPEND, Op.POP, ...get(6), ...put(4), Op.POP);
  }
  return Uint8Array.from([Op.PROTO, 4, ...body, ...get(5), Op.STOP]);
}

/** A list of `n` deques side by side (wide, not deep), each holding one int. */
function wide(n: number): Uint8Array {
  const body = [...global('collections', 'deque'), ...put(0), Op.POP, Op.EMPTY_LIST];
  for (let i = 0; i < n; i++) body.push(...empty(), Op.BININT1, i & 0xff, Op.APPEND, Op.APPEND);
  return Uint8Array.from([Op.PROTO, 4, ...body, Op.STOP]);
}

/** A defaultdict of `n` defaultdicts of ints (bigram counts), each inner one filled before it is placed. */
function twoLevel(n: number): Uint8Array {
  const body = [...global('collections', 'defaultdict'), ...put(0), Op.POP, ...empty(), Op.MARK];
  for (let i = 0; i < n; i++)
    body.push(Op.BININT2, i & 0xff, i >> 8, ...empty(), Op.BININT1, 1, Op.BININT1, 2, Op.SETITEM);
  body.push(Op.SETITEMS);
  return Uint8Array.from([Op.PROTO, 4, ...body, Op.STOP]);
}

const DEEP = 20_000;
const cases: [string, Uint8Array, boolean][] = [
  ['deque given the previous level by APPEND', tower('collections', 'deque', dequeAppend, DEEP), true],
  ['twin: the same, 100 levels', tower('collections', 'deque', dequeAppend, 100), false],
  ['defaultdict given the previous level by SETITEM', tower('collections', 'defaultdict', defaultdictSet, DEEP), true],
  ['twin: the same, 100 levels', tower('collections', 'defaultdict', defaultdictSet, 100), false],
  ['slice made of the previous level read back from the memo', tower('builtins', 'slice', sliceCall, DEEP), true],
  ['twin: the same, 100 levels', tower('builtins', 'slice', sliceCall, 100), false],
  [
    'top-down: each new deque appended to the last one read back from the memo',
    tower('collections', 'deque', topDown, DEEP, rootFirst),
    true,
  ],
  ['twin: the same, 100 levels', tower('collections', 'deque', topDown, 100, rootFirst), false],
  ['runs of 100 filled bottom-up, 200 of them joined afterwards', joinedRuns(200, 100), true],
  ['twin: 2 such runs joined', joinedRuns(2, 100), false],
  ['twin: 30,000 deques side by side in one list', wide(30_000), false],
  ['twin: a defaultdict of 20,000 defaultdicts', twoLevel(20_000), false],
];

describe('objects nested by mutation', () => {
  for (const [name, bytes, blocked] of cases) {
    it(`${name}: ${blocked ? 'reported' : 'passes'}`, async () => {
      const r = await scanBytes('nest.pkl', bytes);
      const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 240)}`).join('\n');
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (blocked)
        assert.ok(
          blocking.some((x) => /levels deep/.test(x.evidence.signal)),
          why,
        );
      else assert.deepEqual(blocking, [], why);
    });
  }
  it('the limit sits far above what pickle writes (its recursion limit) and far below a crash', () => {
    assert.ok(NEST_LIMIT >= 5_000 && NEST_LIMIT <= 20_000);
  });
});

describe("a reader without a trashcan (torch.jit.load's C++ unpickler): lists, tuples and dicts are levels too", () => {
  /** Containers nested `depth` deep, straight (every level on the stack) or through the memo (a flat stack). */
  const straight = (kind: 'list' | 'tuple' | 'dict', depth: number): Uint8Array => {
    const open = { list: [Op.EMPTY_LIST, Op.MARK], tuple: [Op.MARK], dict: [Op.EMPTY_DICT, Op.MARK, Op.BININT1, 1] }[
      kind
    ];
    const inner = { list: [Op.EMPTY_LIST], tuple: [Op.EMPTY_TUPLE], dict: [Op.EMPTY_DICT] }[kind];
    const close = { list: [Op.APPENDS], tuple: [Op.TUPLE], dict: [Op.SETITEMS] }[kind];
    const body: number[] = [];
    for (let i = 0; i < depth - 1; i++) body.push(...open);
    body.push(...inner);
    for (let i = 0; i < depth - 1; i++) body.push(...close);
    return Uint8Array.from([Op.PROTO, 2, ...body, Op.STOP]);
  };
  // memo[k] = [memo[k - 1]] for k = 1 .. depth, each level under a key of its own (LONG_BINPUT / LONG_BINGET): a flat
  // stack, and past the memo's detail budget the levels are compacted.
  const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  const throughMemo = (depth: number): Uint8Array => {
    const body: number[] = [Op.EMPTY_LIST, Op.LONG_BINPUT, ...u32(0), Op.POP];
    for (let k = 1; k <= depth; k++)
      body.push(Op.EMPTY_LIST, Op.LONG_BINGET, ...u32(k - 1), Op.APPEND, Op.LONG_BINPUT, ...u32(k), Op.POP);
    return Uint8Array.from([Op.PROTO, 2, ...body, Op.LONG_BINGET, ...u32(depth), Op.STOP]);
  };
  const load = async (bytes: Uint8Array, nativeContainers: boolean) => {
    const { runPickle } = await import('../../../src/analyzers/pickle/vm.js');
    const { DEFAULT_LIMITS } = await import('../../../src/core/limits.js');
    const { mem } = await import('../../helpers/sources.js');
    const r = runPickle(mem(bytes), 0, bytes.length, {
      limits: DEFAULT_LIMITS,
      loader: { persistentLoad: true, joblibArrays: false, nativeContainers },
    });
    return r.anomalies.filter((a) => a.code === 'LOAD_COST').map((a) => a.message);
  };
  for (const kind of ['list', 'tuple', 'dict'] as const) {
    it(`${kind}s nested 3 x NEST_LIMIT deep: reported for that reader, not for CPython's`, async () => {
      const bytes = straight(kind, 3 * NEST_LIMIT);
      assert.ok((await load(bytes, true)).some((m) => m.includes('levels deep')));
      assert.deepEqual(await load(bytes, false), []);
    });
    it(`${kind}s nested 100 deep: not reported`, async () => {
      assert.deepEqual(await load(straight(kind, 100), true), []);
    });
  }
  it('lists chained through the memo (a flat stack, past the memo detail budget): reported', async () => {
    assert.ok((await load(throughMemo(3 * NEST_LIMIT), true)).some((m) => m.includes('levels deep')));
    assert.deepEqual(await load(throughMemo(100), true), []);
  });
});

// Instances of Python classes (heap types) are freed under CPython's trashcan: a chain of them adds no level, however
// deep and however it was filled. A documentation tree's nodes, each set into its parent after the parent was placed
// (read back from the memo: a late link per level, as a parent/children tree pickles), pass; the same chain of C
// deques is reported.
describe('chains of Python-class instances (heap types)', () => {
  // n = <class>(); memo[3] = n; memo[1].<state: {'c': n}> (BUILD on the level read back from the memo); memo[1] = n
  const topDownBuild = [
    ...get(0),
    Op.EMPTY_TUPLE,
    Op.NEWOBJ,
    ...put(3),
    Op.POP,
    ...get(1),
    Op.EMPTY_DICT,
    ...text('c'),
    ...get(3),
    Op.SETITEM,
    Op.BUILD,
    Op.POP,
    ...get(3),
    ...put(1),
    Op.POP,
  ];
  const root = [...get(0), Op.EMPTY_TUPLE, Op.NEWOBJ, ...put(1), ...put(2), Op.POP];
  it('docutils nodes set into their parents through the memo, 3 x NEST_LIMIT deep: passes', async () => {
    const r = await scanBytes('t.pkl', tower('docutils.nodes', 'paragraph', topDownBuild, 3 * NEST_LIMIT, root));
    assert.deepEqual(
      r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
      [],
    );
  });
  it('deques set into their parents the same way (a C type, unguarded): reported', async () => {
    const topDownAppend = [
      ...empty(),
      ...put(3),
      Op.POP,
      ...get(1),
      ...get(3),
      Op.APPEND,
      Op.POP,
      ...get(3),
      ...put(1),
      Op.POP,
    ];
    const r = await scanBytes('t.pkl', tower('collections', 'deque', topDownAppend, 3 * NEST_LIMIT, rootFirst));
    assert.ok(r.findings.some((f) => BLOCKING.has(f.severity) && /levels deep/.test(f.evidence.signal)));
  });
});
