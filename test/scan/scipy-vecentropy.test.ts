// scipy's discrete distributions pickle vecentropy, numpy.vectorize of getattr(<the distribution>, '_entropy'): the
// exact shape scipy writes passes the default gate; the same names used another way (another receiver or name, a
// distribution already given its state, the bound method or vectorize called while loading, vectorize of another
// callable or with a filled cache, getattr kept as a value) stay blocked. Fixtures: scripts/fixtures/scipy-vecentropy.py
// (scipy's own pickles, each loaded once by the real loader and its vectorized callables called).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { itEachRealFixture } from './helpers/real-fixtures.js';
import type { PickleRun } from '../../src/analyzers/pickle/facts.js';
import { boundMethodProblem, vectorizeStateProblem } from '../../src/analyzers/pickle/scipy-vecentropy.js';
import { K, NONE, FALSE, type ObjV, type PyVal } from '../../src/analyzers/pickle/values.js';
import { runPickle, type VmOptions } from '../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Op } from '../../src/formats/pickle/opcodes.js';
import { classifyRun } from '../../src/rules/classify.js';
import { P } from '../helpers/pickle-builder.js';
import { mem } from '../helpers/sources.js';

const DIR = new URL('../fixtures/scipy-vecentropy/', import.meta.url).pathname;

describe("scipy's vecentropy on real pickles", () => {
  // The getattr or vectorize import itself is what is caught, not only other names the gadget uses.
  itEachRealFixture(
    DIR,
    (x, f) =>
      (x.ruleId === 'PICKLE-EXEC' || x.ruleId === 'PICKLE-GLOBAL-IMPORT') && x.evidence.signal.includes(f.caught),
  );
});

const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };
const run = (b: Uint8Array) => runPickle(mem(b), 0, b.length, OPTS);
/** Verdict kind per canonical name (the worst when a name is imported twice). */
function verdicts(r: PickleRun): Map<string, string> {
  const out = new Map<string, string>();
  for (const [imp, v] of classifyRun(r)) if (out.get(imp.canonical) !== 'dangerous') out.set(imp.canonical, v.kind);
  return out;
}

/** numpy.vectorize NEWOBJ'd, BUILD with the dict scipy's vecentropy has (`extra` after pyfunc, before SETITEMS). */
function stream(opts: { name?: string; dist?: string; tail?: (p: P) => P; extra?: (p: P) => P } = {}): Uint8Array {
  let p = new P()
    .proto(2)
    .global('numpy', 'vectorize')
    .emptyTuple()
    .newobj()
    .binput(0)
    .emptyDict()
    .mark()
    .sbu('pyfunc')
    .global('__builtin__', 'getattr')
    .binput(1)
    .global('scipy.stats._discrete_distns', opts.dist ?? 'randint_gen')
    .emptyTuple()
    .newobj()
    .sbu(opts.name ?? '_entropy')
    .tuple2()
    .reduce()
    .binput(2);
  p = (opts.extra ?? ((x) => x))(p);
  p = p
    .sbu('cache')
    .op(Op.NEWFALSE)
    .sbu('signature')
    .none()
    .sbu('_ufunc')
    .emptyDict()
    .sbu('otypes')
    .none()
    .sbu('excluded')
    .op(Op.EMPTY_SET)
    .sbu('_in_and_out_core_dims')
    .none()
    .op(Op.SETITEMS)
    .build();
  return (opts.tail ?? ((x) => x))(p).stop().bytes();
}

describe('the vetted shape in the VM', () => {
  it("scipy's shape: getattr and vectorize admitted for this stream", () => {
    const v = verdicts(run(stream()));
    assert.equal(v.get('builtins.getattr'), 'allowed');
    assert.equal(v.get('numpy.vectorize'), 'allowed');
  });
  const twins: [string, Parameters<typeof stream>[0], string][] = [
    // getattr on an instance with a constant name may still be admitted as a bound method stored as state
    // (vetted-uses.ts; the attribute is then a derived name no pack admits): the vectorize around it is not scipy's.
    ['another method name', { name: 'rvs' }, 'numpy.vectorize'],
    ['another receiver class', { dist: 'NotADistribution' }, 'numpy.vectorize'],
    ['getattr fetched again from the memo and kept as a value', { tail: (p) => p.binget(1).pop() }, 'builtins.getattr'],
    [
      'the bound method called while loading',
      { tail: (p) => p.binget(2).emptyTuple().reduce().pop() },
      'builtins.getattr',
    ],
    [
      'vectorize built again (its ufunc cache filled)',
      { tail: (p) => p.binget(0).emptyDict().sbu('_ufunc').emptyDict().setitem().build().pop() },
      'numpy.vectorize',
    ],
    ['vectorize called while loading', { tail: (p) => p.binget(0).emptyTuple().reduce().pop() }, 'numpy.vectorize'],
    ['a key vectorize does not write', { extra: (p) => p.sbu('nin').int(1) }, 'numpy.vectorize'],
  ];
  for (const [name, opts, refused] of twins) {
    it(`${name}: ${refused} keeps its verdict`, () => {
      const v = verdicts(run(stream(opts)));
      assert.notEqual(v.get(refused), 'allowed', JSON.stringify([...v]));
    });
  }
  it('nothing is vetted once the memo keeps stand-ins (a built distribution would look unbuilt)', () => {
    const b = stream();
    const v = verdicts(runPickle(mem(b), 0, b.length, { ...OPTS, memoDetailEntries: 1 }));
    assert.notEqual(v.get('builtins.getattr'), 'allowed');
    assert.notEqual(v.get('numpy.vectorize'), 'allowed');
  });
  it('the dist class must be a scipy distribution: the base stream is the control', () => {
    assert.equal(verdicts(run(stream({ dist: 'poisson_gen' }))).get('builtins.getattr'), 'allowed');
  });
});

describe('shape checks', () => {
  const dist = (state?: PyVal): ObjV => {
    const callee: PyVal = {
      k: K.Global,
      imp: { canonical: 'scipy.stats._discrete_distns.randint_gen' } as never,
    };
    const o: ObjV = { k: K.Obj, callee, args: { k: K.Tuple, items: [], more: 0 }, call: undefined };
    if (state !== undefined) o.state = state;
    return o;
  };
  const t = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  const getattrCases: [string, PyVal, boolean][] = [
    ['(unbuilt dist, _entropy)', t(dist(), '_entropy'), true],
    ['(unbuilt dist, _cdf_single)', t(dist(), '_cdf_single'), true],
    ['(built dist, _entropy)', t(dist({ k: K.Dict, keys: [], vals: [], n: 0 }), '_entropy'), false],
    ['(unbuilt dist, rvs)', t(dist(), 'rvs'), false],
    ['(unbuilt dist, computed name)', t(dist(), { k: K.Unknown }), false],
    ['(str, _entropy)', t('x', '_entropy'), false],
    [
      '(dist rebuilt by torch with its state, _entropy)',
      t(
        {
          k: K.Obj,
          callee: { k: K.Global, imp: { canonical: 'torch._tensor._rebuild_from_type_v2' } as never },
          args: t(NONE, dist().callee, t(), { k: K.Dict, keys: ['_entropy'], vals: [NONE], n: 1 }),
          call: undefined,
        } as ObjV,
        '_entropy',
      ),
      false,
    ],
    [
      '(dist via copyreg._reconstructor, _entropy)',
      t(
        {
          k: K.Obj,
          callee: { k: K.Global, imp: { canonical: 'copyreg._reconstructor' } as never },
          args: t(dist().callee, { k: K.Global, imp: { canonical: 'builtins.object' } as never } as PyVal, NONE),
          call: undefined,
        } as ObjV,
        '_entropy',
      ),
      true,
    ],
    ['three arguments (a default)', t(dist(), '_entropy', NONE), false],
  ];
  for (const [name, args, ok] of getattrCases) {
    it(`getattr${name}`, () => assert.equal(boundMethodProblem(args) === undefined, ok));
  }
  const bound: PyVal = { k: K.Obj, callee: NONE, args: NONE, call: undefined };
  const isBound = (v: PyVal) => v === bound;
  const state = (over: Record<string, PyVal> = {}): PyVal => {
    const base: Record<string, PyVal> = {
      pyfunc: bound,
      cache: FALSE,
      _ufunc: { k: K.Dict, keys: [], vals: [], n: 0 },
    };
    const all = { ...base, ...over };
    return { k: K.Dict, keys: Object.keys(all), vals: Object.values(all), n: Object.keys(all).length };
  };
  const stateCases: [string, PyVal, boolean][] = [
    ["scipy's", state(), true],
    ["otypes 'd'", state({ otypes: 'd' }), true],
    ['pyfunc another object', state({ pyfunc: { ...(bound as ObjV) } }), false],
    ['a filled ufunc cache', state({ _ufunc: { k: K.Dict, keys: [2], vals: [bound], n: 1 } }), false],
    ["otypes 'dd'", state({ otypes: 'dd' }), false],
    ['cache True', state({ cache: { k: K.True } }), false],
    ['an unknown key', state({ __call__: bound }), false],
    ['not a dict', t(bound), false],
  ];
  for (const [name, s, ok] of stateCases) {
    it(`vectorize state: ${name}`, () => assert.equal(vectorizeStateProblem(s, isBound) === undefined, ok));
  }
});
