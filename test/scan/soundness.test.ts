// Admitted names composed the way an attacker would: a class laundered through a callable that builds or returns an
// instance of a stream-chosen class, an admitted callable calling a stream-chosen object, pandas.read_pickle's compat
// reading, joblib's companion files. Each "block" file is blocked, each benign twin (the library's own pickle) passes.
// Fixtures: scripts/fixtures/soundness.py (CPython's pickler; every file proven once with the real loader named in
// the manifest, in a throwaway process with an audit hook). Effect model: scripts/data/derive-callable-effects.py.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  effectOf,
  attrsFromItems,
  classHookSinks,
  classHookSinksAll,
  inFamily,
  operationHooks,
} from '../../src/analyzers/pickle/callable-effects.js';
import { checkClassSinks, type ClassSinkHost, type HookInput } from '../../src/analyzers/pickle/class-sinks.js';
import { instanceClasses } from '../../src/analyzers/pickle/instance-class.js';
import { classStateHookProblems } from '../../src/analyzers/pickle/state-hooks.js';
import type { ImportFact } from '../../src/analyzers/pickle/facts.js';
import { K, NONE, type ObjV, type PyVal } from '../../src/analyzers/pickle/values.js';
import { scanBytes, scanPaths } from '../../src/scan/engine.js';
import { BLOCKING, assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('soundness');

interface Fixture {
  readonly file: string;
  readonly scan: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly mechanism: number;
  readonly what: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('soundness of admitted names on real pickles', () => {
  for (const f of fixtures) {
    it(`${f.expect}: ${f.scan} (mechanism ${f.mechanism}: ${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.scan), 240);
      const { blocking, why } = s;
      if (f.expect === 'pass') {
        assertPasses(s);
      } else assert.ok(blocking.length > 0, `${f.scan} passes:\n${why}`);
    });
  }

  it('the call a stream-chosen callable makes is a PICKLE-EXEC finding naming it', async () => {
    const r = await scanPaths([join(DIR, 'm2-generator-ctor-tzfile.pkl')]);
    const exec = r.findings.filter((x) => x.ruleId === 'PICKLE-EXEC');
    assert.ok(
      exec.some((x) => x.evidence.signal.includes('tzfile')),
      exec.map((x) => x.evidence.signal).join('\n'),
    );
  });

  it("read_pickle's compat reading is named in the evidence", async () => {
    const r = await scanPaths([join(DIR, 'm3-compat-reconstruct-scipy.pkl')]);
    assert.ok(
      r.findings.some((x) => x.ruleId === 'PICKLE-STRUCT' && x.evidence.signal.includes('compat unpickler')),
      r.findings.map((x) => x.evidence.signal).join('\n'),
    );
  });

  it('a joblib companion scanned alone is a finding naming the file joblib reads', async () => {
    const r = await scanPaths([join(DIR, 'm4-companion-alone.pkl')]);
    assert.ok(
      r.findings.some((x) => x.ruleId === 'PICKLE-STRUCT' && x.evidence.signal.includes('"model.pkl_01.npy"')),
      r.findings.map((x) => x.evidence.signal).join('\n'),
    );
  });
});

const g = (canonical: string): PyVal => ({
  k: K.Global,
  imp: { canonical, importedModule: canonical, importedName: '' } as unknown as ImportFact,
});
const call = (callee: string, ...items: PyVal[]): ObjV => ({
  k: K.Obj,
  callee: g(callee),
  args: { k: K.Tuple, items, more: 0 },
  call: undefined,
});
const dict = (...kv: [PyVal, PyVal][]): PyVal => ({
  k: K.Dict,
  keys: kv.map((x) => x[0]),
  vals: kv.map((x) => x[1]),
  n: kv.length,
});

describe('classes through admitted callables', () => {
  const DIST = 'scipy.stats._continuous_distns.uniform_gen';
  const cases: [string, PyVal, string[], boolean][] = [
    ['_new_Index(cls, d) is a cls', call('pandas.core.indexes.base._new_Index', g(DIST), dict()), [DIST], false],
    ['_reconstruct(cls, …) is a cls', call('numpy.core.multiarray._reconstruct', g(DIST), NONE, 'b'), [DIST], false],
    [
      'scalar(dtype, x) is a numpy scalar or x itself',
      call('numpy.core.multiarray.scalar', NONE, call('pandas.core.indexes.base._new_Index', g(DIST), dict())),
      ['numpy.generic', DIST],
      false,
    ],
    [
      'a fixed class',
      call('pandas._libs.tslibs.timedeltas._timedelta_unpickle', 1, 2),
      ['pandas._libs.tslibs.timedeltas.Timedelta'],
      false,
    ],
    ['a pack class called is itself', call('pandas.core.frame.DataFrame'), ['pandas.core.frame.DataFrame'], false],
    ['a name outside the packs may be anything', call('somewhere.make'), ['somewhere.make'], true],
    ['a class computed by the stream', call('pandas.core.indexes.base._new_Index', call('x.y'), dict()), [], true],
    ['an object called', { k: K.Obj, callee: call('x.y'), args: NONE, call: undefined }, [], true],
  ];
  for (const [name, v, names, unknown] of cases) {
    it(name, () => assert.deepEqual(instanceClasses(v), { names, unknown }));
  }
});

describe('state hooks on classes the stream does not name', () => {
  const unknown = { names: [], unknown: true };
  const template = '\ndef _parse_args(self, loc=0, scale=1):\n    return (), loc, scale\n__import__("os")';
  it('a state carrying a foreign template is checked (the class may be a distribution)', () => {
    assert.equal(classStateHookProblems(unknown, dict(['_parse_arg_template', template])).length, 1);
  });
  it('a state with a formula to restore is checked', () => {
    assert.equal(
      classStateHookProblems(unknown, dict(['restore_design_info', NONE], ['formula', 'y ~ f(x)'])).length,
      1,
    );
  });
  it('an ordinary state is not', () => {
    assert.deepEqual(classStateHookProblems(unknown, dict(['coef_', NONE], ['n_features_in_', 3])), []);
    assert.deepEqual(classStateHookProblems(unknown, { k: K.Tuple, items: [1, 2, 3], more: 0 }), []);
  });
  it("a known class's own hook still needs no trigger", () => {
    const known = { names: ['scipy.stats._continuous_distns.uniform_gen'], unknown: false };
    assert.equal(classStateHookProblems(known, { k: K.Tuple, items: [dict(), dict()], more: 0 }).length, 1);
  });
});

describe('the effect model (derived from the libraries)', () => {
  it('every reconstructor says what it returns', () => {
    for (const n of ['numpy.core.multiarray._reconstruct', 'pandas.core.indexes.base._new_Index', 'pytz._p']) {
      assert.ok(effectOf(n)?.returns.length, n);
    }
  });
  it('numpy never writes a ufunc call; its object loop calls element methods', () => {
    const e = effectOf('numpy.core._multiarray_umath.arctan2')!;
    assert.equal(e.written, 'reference');
    assert.deepEqual(e.calls, [{ method: 'arctan2', of: [0, 1], elements: true }]);
  });
  it('__generator_ctor calls its second argument with its first', () => {
    assert.deepEqual(effectOf('numpy.random._pickle.__generator_ctor')!.calls, [{ arg: 1, with: [0] }]);
  });
  it('argument families come from the class hierarchy', () => {
    assert.ok(inFamily('pandas.core.indexes.base.Index', 'pandas.core.indexes.range.RangeIndex'));
    assert.ok(inFamily('numpy.ndarray', 'numpy.memmap'));
    assert.ok(!inFamily('pandas.core.indexes.base.Index', 'scipy.stats._continuous_distns.uniform_gen'));
  });
  it('OptimizeResult answers attribute lookups from its items; DataFrame does not', () => {
    assert.ok(attrsFromItems('scipy.optimize._optimize.OptimizeResult'));
    assert.ok(!attrsFromItems('pandas.core.frame.DataFrame'));
  });
});

describe('constructor and state-hook sinks (derived from the libraries)', () => {
  it('the derivation reads what hooks do: tzfile opens its first argument, offsets pop from the state', () => {
    const tz = classHookSinks('dateutil.tz.tz.tzfile', 'init')!;
    assert.ok(tz.rec.sinks['arg:0']?.open, JSON.stringify(tz));
    assert.ok(tz.shape, 'tzfile.__init__ is admitted only in its shape (call-hooks.ts checks it)');
    const week = classHookSinks('pandas._libs.tslibs.offsets.Week', 'setstate')!;
    // state.pop(…) on the hook's parameter itself: checked on the state, not on what it holds.
    assert.ok(week.rec.sinks['state']?.ownMethods?.includes('pop'), JSON.stringify(week));
    const dist = classHookSinks('scipy.stats._continuous_distns.uniform_gen', 'setstate')!;
    assert.ok(dist.rec.sinks['state._parse_arg_template']?.exec, 'rv_generic.__setstate__ execs the template');
    assert.equal(classHookSinks('pandas.core.frame.DataFrame', 'new'), undefined, 'DataFrame.__new__ stores only');
  });

  // What a hook run does, recorded by a host: the objects called and the derived calls.
  const run = (canonical: string, hook: 'new' | 'init' | 'setstate', input: HookInput): string[] => {
    const seen: string[] = [];
    const host: ClassSinkHost = {
      invokeModelled: (callee) =>
        seen.push(typeof callee === 'object' && callee.k === K.Global ? `calls ${callee.imp.canonical}` : 'calls ?'),
      deriveCall: (module, name) => seen.push(`derives ${module}.${name}`),
      implicitHooks: () => {},
      plantedAttr: (v, name) =>
        typeof v === 'object' && v.k === K.Obj && typeof v.state === 'object' && v.state.k === K.Dict
          ? v.state.vals[v.state.keys.indexOf(name)]
          : undefined,
    };
    checkClassSinks(host, canonical, hook, input);
    return [...new Set(seen)];
  };
  const withState = (state: PyVal): ObjV => ({ ...call('argparse.Namespace'), state });
  const TZFILE = 'dateutil.tz.tz.tzfile';
  const WEEK = 'pandas._libs.tslibs.offsets.Week';
  const cases: [string, string, 'new' | 'init' | 'setstate', HookInput, string[]][] = [
    [
      'a planted method of the state is called',
      WEEK,
      'setstate',
      { state: withState(dict(['pop', g(TZFILE)])) },
      [`calls ${TZFILE}`],
    ],
    ['a plain dict state calls nothing', WEEK, 'setstate', { state: dict(['n', 1], ['normalize', NONE]) }, []],
    [
      'a planted str is not callable: nothing is called',
      WEEK,
      'setstate',
      { state: withState(dict(['pop', 'x'])) },
      [],
    ],
    [
      'a keyword of cls.__new__ (the dict _new_Index passes) is the argument it names',
      'pandas.core.indexes.base.Index',
      'new',
      { args: { k: K.Tuple, items: [], more: 0 }, kwargs: dict(['data', withState(dict(['astype', g(TZFILE)]))]) },
      [`calls ${TZFILE}`],
    ],
    [
      'tzfile(None, name) passes; its shape check covers the rest',
      TZFILE,
      'init',
      { args: { k: K.Tuple, items: [NONE, 'UTC'], more: 0 } },
      [],
    ],
    [
      'an object passed where tzfile reads it has its planted read() called',
      TZFILE,
      'init',
      { args: { k: K.Tuple, items: [withState(dict(['read', g(TZFILE)]))], more: 0 } },
      // The history pack's versions of tzfile.__init__ (no shape check of their own) also pass it to open().
      [`calls ${TZFILE}`, 'derives builtins.open'],
    ],
  ];
  for (const [name, cls, hook, input, expected] of cases) {
    it(name, () => assert.deepEqual(run(cls, hook, input), expected));
  }
});

describe('special methods an operation runs (derived from the libraries)', () => {
  it('a hook that indexes, tests membership or compares records the special method on the value it reads', () => {
    assert.deepEqual(classHookSinks('uuid.UUID', 'setstate')!.rec.sinks['state']?.dunders, [
      '__contains__',
      '__getitem__',
      '__iter__',
    ]);
    const hardtanh = classHookSinks('torch.nn.modules.activation.Hardtanh', 'init')!.rec.sinks;
    assert.ok(hardtanh['arg:1']?.dunders?.includes('__gt__'), JSON.stringify(hardtanh));
  });
  it("a class's special method that calls a method of its own object is a call sink of that attribute", () => {
    const getitem = classHookSinks('torch.nn.modules.container.ParameterDict', 'getitem')!;
    assert.match(getitem.rec.sinks['state._key_to_attr']?.call ?? '', /_key_to_attr/);
    const gt = classHookSinks('pandas.core.arrays.boolean.BooleanArray', 'gt')!;
    assert.match(gt.rec.sinks['state._cmp_method']?.call ?? '', /OpsMixin.__gt__/);
  });
  it("CPython's fallbacks: != runs __eq__, a truth test __len__, iteration __getitem__, `in` iterates", () => {
    assert.deepEqual(operationHooks(['__ne__']).sort(), ['eq', 'ne']);
    assert.deepEqual(operationHooks(['__bool__']).sort(), ['bool', 'len']);
    assert.deepEqual(operationHooks(['__iter__']).sort(), ['getitem', 'iter']);
    assert.deepEqual(operationHooks(['__contains__']).sort(), ['contains', 'eq', 'getitem', 'iter']);
    assert.deepEqual(operationHooks(['__gt__']).sort(), ['ge', 'gt', 'le', 'lt']);
    assert.deepEqual(operationHooks(['__unknown__']), []);
  });
  it('a hook whose value has such a method asks the host to run it on that value', () => {
    const seen: string[] = [];
    const host: ClassSinkHost = {
      invokeModelled: () => {},
      deriveCall: () => {},
      plantedAttr: () => undefined,
      implicitHooks: (_v, hooks) => seen.push(...hooks),
    };
    checkClassSinks(host, 'uuid.UUID', 'setstate', { state: call('torch.nn.modules.container.ParameterDict') });
    assert.ok(seen.includes('getitem') && seen.includes('contains'), seen.join(' '));
  });
});

// Streams written here opcode by opcode (the fixture script writes the proved files; these vary one thing at a time).
const sb = (text: string): Buffer => {
  const raw = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([0x8c, raw.length]), raw]);
};
const cls = (module: string, name: string): Buffer => Buffer.concat([sb(module), sb(name), Buffer.from([0x93])]);
const BOOL = cls('pandas.core.arrays.boolean', 'BooleanDtype');
const TZ = cls('dateutil.tz.tz', 'tzfile');
/** BooleanDtype() with one BUILD per state; each state is a list of (key, raw value). */
const dtype = (...builds: [string, Buffer][][]): Buffer =>
  Buffer.concat([
    BOOL,
    Buffer.from(')\x81', 'latin1'),
    ...builds.map((st) =>
      Buffer.concat([Buffer.from('}(', 'latin1'), ...st.flatMap(([k, v]) => [sb(k), v]), Buffer.from('ub', 'latin1')]),
    ),
  ]);
const pkl = (...parts: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from('\x80\x04', 'latin1'), ...parts, Buffer.from('.', 'latin1')]);
const blocks = async (bytes: Buffer): Promise<string[]> =>
  (await scanBytes('case.pkl', bytes)).findings
    .filter((x) => BLOCKING.has(x.severity))
    .map((x) => `${x.ruleId} ${x.evidence.signal.slice(0, 200)}`);

describe('dict keys and set members run __hash__ and __eq__ on every state BUILD gave them', () => {
  it("the derived __eq__ of pandas' dtypes calls the construct_from_string an instance dict plants", () => {
    const eq = classHookSinks('pandas.core.arrays.boolean.BooleanDtype', 'eq')!;
    assert.ok(eq.rec.sinks['state.construct_from_string']?.call !== undefined, JSON.stringify(eq));
  });
  const planted: [string, Buffer][] = [['construct_from_string', TZ]];
  const harmless: [string, Buffer][] = [['note', sb('x')]];
  // [name, stream, blocked]
  const cases: [string, Buffer, boolean][] = [
    [
      'a key with a planted construct_from_string (SETITEM)',
      pkl(Buffer.from('}'), dtype(planted), Buffer.from('K\x00s')),
      true,
    ],
    ['the same key with a harmless attribute', pkl(Buffer.from('}'), dtype(harmless), Buffer.from('K\x00s')), false],
    [
      'the key among others (SETITEMS, the fast path)',
      pkl(Buffer.from('}('), sb('a'), Buffer.from('K\x00'), dtype(planted), Buffer.from('K\x01u')),
      true,
    ],
    ['a set member (ADDITEMS)', pkl(Buffer.from('\x8f('), dtype(planted), Buffer.from('\x90')), true],
    ['a frozenset member', pkl(Buffer.from('('), dtype(planted), Buffer.from('\x91')), true],
    ['inside a tuple key', pkl(Buffer.from('}'), dtype(planted), Buffer.from('\x85K\x00s')), true],
    [
      'held by the state of a key (compared with == by its __eq__)',
      pkl(Buffer.from('}'), dtype([['a', dtype(planted)]]), Buffer.from('K\x00s')),
      true,
    ],
    [
      'planted by a first BUILD, a second one harmless',
      pkl(Buffer.from('}'), dtype(planted, harmless), Buffer.from('K\x00s')),
      true,
    ],
    [
      'planted by a BUILD after the insertion (the next collision compares that state)',
      pkl(
        Buffer.from('}'),
        dtype(),
        Buffer.from('\x94K\x00s'),
        Buffer.from('h\x00'),
        Buffer.from('}('),
        sb('construct_from_string'),
        TZ,
        Buffer.from('ub0'),
      ),
      true,
    ],
    ['not a key at all (no collision can run __eq__)', pkl(Buffer.from(']'), dtype(planted), Buffer.from('a')), false],
  ];
  for (const [name, bytes, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocks(bytes);
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
  it('more BUILDs of one object than the VM keeps are a finding', async () => {
    const many = Array.from({ length: 17 }, () => harmless);
    const r = await scanBytes('case.pkl', pkl(dtype(...many)));
    assert.ok(
      r.findings.some((x) => x.evidence.signal.includes('more than 16 times')),
      r.findings.map((x) => x.evidence.signal).join('\n'),
    );
  });
});

describe('hooks of the names the history packs admit (read from each pinned version)', () => {
  it("LightGBM's Booster.__setstate__ calls get() of its state in the versions the pack admits", () => {
    const all = classHookSinksAll('lightgbm.basic.Booster', 'setstate');
    assert.ok(all.length > 0 && all.every((h) => h.ref.endsWith('(history)') && !h.shape), JSON.stringify(all));
    assert.ok(all.some((h) => h.rec.sinks['state']?.methods?.includes('get')));
  });
  it('a name the history packs do not admit has no history record', () => {
    assert.deepEqual(
      classHookSinksAll('pandas.core.frame.DataFrame', 'setstate').filter((h) => h.ref.endsWith('(history)')),
      [],
    );
  });
});
