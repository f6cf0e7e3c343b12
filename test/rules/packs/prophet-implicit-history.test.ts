// Prophet (prophet and, before 1.0, fbprophet), cmdstanpy, stanio and implicit history packs
// (scripts/data/history/{prophet,fbprophet,cmdstanpy,stanio,implicit}.py). None of these libraries is installed here
// (no Debian package; PyPI unreachable), and a fitted Prophet needs CmdStan's compiled model, so the benign rows are
// built opcode by opcode after the structure of real pickles public projects committed: a Prophet, its
// CmdStanPyBackend and the cmdstanpy objects it holds are NEWOBJ with no arguments and one BUILD of a dict; the
// cmdstanpy and stanio enums are calls of the class with their value (Enum.__reduce_ex__). Those real files
// (prophet-implicit-manifest.json: repository, commit, path, sha256) are scanned at the end when their mirrors are
// present. Each hostile twin changes one thing.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const blockingOf = async (bytes: Uint8Array): Promise<string[]> => {
  const r = await scanBytes('model.pkl', bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId}: ${x.evidence.signal}`);
};

/** An enum member as Enum.__reduce_ex__ writes it: the class called with the value (which `value` writes). */
const member = (p: P, module: string, name: string, value: (q: P) => P): P =>
  value(p.stackGlobal(module, name)).tuple1().reduce();

/**
 * A fitted Prophet as pickle.dump writes it (protocol 4): its __dict__ holds settings and a CmdStanPyBackend, whose
 * __dict__ holds a CmdStanModel and a CmdStanMLE; the fit holds its RunSet (CmdStanArgs with OptimizeArgs and the
 * Method enum) and an InferenceMetadata whose variables are stanio Variables with a VariableType. `fit` replaces the
 * MLE's dict entries (a hostile twin's), `method` the Method member's value.
 */
function prophet(
  module = 'prophet',
  parts: { fit?: (p: P) => P; method?: (p: P) => P; after?: (p: P) => P } = {},
): Uint8Array {
  const p = new P().proto(4).stackGlobal(`${module}.forecaster`, 'Prophet').emptyTuple().newobj().emptyDict();
  p.sbu('growth').sbu('linear').setitem().sbu('n_changepoints').int(25).setitem();
  p.sbu('stan_backend').stackGlobal(`${module}.models`, 'CmdStanPyBackend').emptyTuple().newobj().emptyDict();
  p.sbu('model').stackGlobal('cmdstanpy.model', 'CmdStanModel').emptyTuple().newobj().emptyDict();
  p.sbu('_name').sbu('prophet_model').setitem();
  p.sbu('_compiler_options')
    .stackGlobal('cmdstanpy.compilation', 'CompilerOptions')
    .emptyTuple()
    .newobj()
    .emptyDict()
    .sbu('_stanc_options')
    .emptyDict()
    .setitem()
    .build()
    .setitem();
  p.build().setitem();
  p.sbu('stan_fit').stackGlobal('cmdstanpy.stanfit.mle', 'CmdStanMLE').emptyTuple().newobj().emptyDict();
  p.sbu('runset').stackGlobal('cmdstanpy.stanfit.runset', 'RunSet').emptyTuple().newobj().emptyDict();
  p.sbu('_args').stackGlobal('cmdstanpy.cmdstan_args', 'CmdStanArgs').emptyTuple().newobj().emptyDict();
  p.sbu('method_args').stackGlobal('cmdstanpy.cmdstan_args', 'OptimizeArgs').emptyTuple().newobj().emptyDict();
  p.sbu('algorithm').sbu('LBFGS').setitem().sbu('iter').int(10000).setitem().build().setitem();
  p.sbu('method');
  member(p, 'cmdstanpy.cmdstan_args', 'Method', parts.method ?? ((q) => q.int(2))).setitem();
  p.build().setitem().sbu('_retcodes').mark().int(0).raw('l').setitem().build().setitem();
  p.sbu('_metadata').stackGlobal('cmdstanpy.stanfit.metadata', 'InferenceMetadata').emptyTuple().newobj().emptyDict();
  p.sbu('_stan_vars').emptyDict().sbu('k');
  p.stackGlobal('stanio.reshape', 'Variable').emptyTuple().newobj().emptyDict();
  p.sbu('name').sbu('k').setitem().sbu('start_idx').int(1).setitem().sbu('type');
  member(p, 'stanio.reshape', 'VariableType', (q) => q.int(1)).setitem();
  p.build().setitem().setitem().build().setitem();
  if (parts.fit) parts.fit(p);
  p.build().setitem();
  p.build().setitem();
  p.build();
  if (parts.after) parts.after(p);
  return p.stop().bytes();
}

describe('Prophet, cmdstanpy and stanio history packs', () => {
  it('a fitted Prophet (prophet >= 1.0) with its cmdstanpy fit and stanio variables passes', async () => {
    assert.deepEqual(await blockingOf(prophet()), []);
  });
  it('a fitted Prophet of fbprophet (before 1.0) with a CmdStanPyBackend passes', async () => {
    assert.deepEqual(await blockingOf(prophet('fbprophet')), []);
  });
  const twins: [string, (p: P) => P][] = [
    ['a fit whose state holds a call to os.system', (p) => p.sbu('_mle').call('os', 'system', 'id').setitem()],
    [
      'a fit whose state holds a reference to subprocess.Popen',
      (p) => p.sbu('_mle').global('subprocess', 'Popen').setitem(),
    ],
    [
      'a fit holding a CmdStanModel called with an argument (its constructor compiles)',
      (p) => p.sbu('_model').stackGlobal('cmdstanpy.model', 'CmdStanModel').sbu('m.stan').tuple1().reduce().setitem(),
    ],
    [
      'a fit holding PyStanBackend (its pystan model loads compiled code)',
      (p) => p.sbu('_backend').stackGlobal('fbprophet.models', 'PyStanBackend').emptyTuple().newobj().setitem(),
    ],
  ];
  for (const [what, fit] of twins) {
    it(`a Prophet with ${what} is blocked`, async () => {
      assert.notDeepEqual(await blockingOf(prophet('prophet', { fit })), []);
    });
  }
  // Enum.__new__ formats a value that is no member's with repr(): an object there runs its class's __repr__.
  it('a Method member called with an object of an admitted class is blocked', async () => {
    const object = (q: P) => q.stackGlobal('cmdstanpy.compiler_opts', 'CompilerOptions').emptyTuple().newobj();
    const signals = await blockingOf(prophet('prophet', { method: object }));
    assert.ok(
      signals.some((x) => x.includes('cmdstanpy.cmdstan_args.Method') && x.includes('formatted')),
      signals.join('\n'),
    );
  });
  it('a Method member called with a tuple of numbers passes the value check (an Enum value may be a tuple)', async () => {
    const signals = await blockingOf(prophet('prophet', { method: (q) => q.int(1).int(2).tuple2() }));
    assert.ok(!signals.some((x) => x.includes('formatted')), signals.join('\n'));
  });
  it('a Method member called with a call to os.system is blocked', async () => {
    assert.notDeepEqual(await blockingOf(prophet('prophet', { method: (q) => q.call('os', 'system', 'id') })), []);
  });
  // CmdStanMLE answers a name it lacks with stan_variable (HISTORY_LOOKUPS): a lookup the unpickler makes of such a
  // name (APPENDS looks up 'extend') is reported.
  it("a CmdStanMLE given items (APPENDS looks 'extend' up) is blocked", async () => {
    const p = new P().proto(4).stackGlobal('cmdstanpy.stanfit.mle', 'CmdStanMLE').emptyTuple().newobj();
    p.emptyDict().build().mark().int(1).raw('e');
    const signals = await blockingOf(p.stop().bytes());
    assert.ok(
      signals.some((s) => s.includes("'extend'")),
      signals.join('\n'),
    );
  });
});

describe('implicit history pack', () => {
  const model = (module: string, name: string, payload: boolean): Uint8Array => {
    const p = new P().proto(4).stackGlobal(module, name).emptyTuple().newobj().emptyDict();
    p.sbu('factors').int(64).setitem().sbu('regularization').int(0).setitem().sbu('item_factors');
    if (payload) p.call('os', 'system', 'id');
    else p.none();
    return p.setitem().build().stop().bytes();
  };
  const CPU: [string, string][] = [
    ['implicit.cpu.als', 'AlternatingLeastSquares'],
    ['implicit.cpu.bpr', 'BayesianPersonalizedRanking'],
    ['implicit.cpu.lmf', 'LogisticMatrixFactorization'],
  ];
  for (const [module, name] of CPU) {
    it(`${module}.${name} of plain state passes; with a call to os.system in its state it is blocked`, async () => {
      assert.deepEqual(await blockingOf(model(module, name, false)), []);
      assert.notDeepEqual(await blockingOf(model(module, name, true)), []);
    });
  }
  // The GPU models' __setstate__ builds CUDA matrices from the state: not admitted, whatever the state.
  for (const name of ['AlternatingLeastSquares', 'BayesianPersonalizedRanking']) {
    it(`implicit.gpu's ${name} is blocked`, async () => {
      const signals = await blockingOf(
        model(`implicit.gpu.${name === 'AlternatingLeastSquares' ? 'als' : 'bpr'}`, name, false),
      );
      assert.notDeepEqual(signals, []);
    });
  }
});

interface Entry {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly library: string;
}
const { present, skip } = mirroredManifest<Entry>(
  new URL('../../fixtures/real-world/prophet-implicit-manifest.json', import.meta.url),
  'no real Prophet or implicit pickle present',
);

describe('real Prophet and implicit pickles of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.library}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      assert.deepEqual(await blockingOf(bytes), []);
    });
  }
});

// A name admitted only rebuilt through __new__ is reported when the stream also calls it, whichever comes first.
describe('a class admitted through __new__ only, rebuilt and then called', () => {
  for (const [module, name] of [
    ['cmdstanpy.model', 'CmdStanModel'],
    ['nbresult', 'ChallengeResult'],
  ] as const) {
    for (const calledFirst of [false, true]) {
      it(`${module}.${name}: a call ${calledFirst ? 'before' : 'after'} a NEWOBJ of it is blocked`, async () => {
        const p = new P().proto(4).emptyList().mark();
        const call = (): P => p.stackGlobal(module, name).sbu('model.stan').tuple1().reduce();
        const rebuilt = (): P => p.stackGlobal(module, name).emptyTuple().newobj();
        if (calledFirst) call();
        rebuilt();
        if (!calledFirst) call();
        const signals = await blockingOf(p.raw('e').stop().bytes());
        assert.ok(
          signals.some((s) => s.includes('this stream calls it (REDUCE)')),
          signals.join('\n'),
        );
      });
    }
  }
});
