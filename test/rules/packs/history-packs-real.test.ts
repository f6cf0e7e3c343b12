// Released versions of category_encoders, imbalanced-learn, neat-python, keras_preprocessing, Keras (its text
// Tokenizer), sktime (with scikit-base), gensim, PyCaret (its preprocessing transformers), skforecast (its forecasters)
// feature-engine (its transformers, alone and in a scikit-learn Pipeline), LightFM (its model and Dataset) and
// scikit-surprise (its k-NN, baseline and random algorithms, Trainset, Dataset and surprise.dump.dump's Prediction
// tuples), hmmlearn (its Gaussian, GMM and categorical models), stable-baselines3 (VecNormalize.save of a wrapper
// holding Gymnasium spaces), NLTK (its classifiers and probability distributions), nbresult (ChallengeResult.write())
// lshashpy3 (LSHash.save()'s object array in an .npz) and sklearn-som (a fitted SOM), each run from its source tree at
// a pinned release, pickle small fitted objects (scripts/fixtures/history-packs-real.py): their
// packs admit every name those files hold, so each passes; a payload twin per library and version (the same object
// carrying a call to os.system in its state) is blocked. gensim's second version is Debian's (test/fixtures/real/gensim, checked with the other Debian releases).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../../src/scan/engine.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';

const ROOT = new URL('../../fixtures/real-history-packs/', import.meta.url).pathname;
interface Row {
  readonly file: string;
  readonly library: string;
  readonly version: string;
  readonly expect: 'benign' | 'malicious';
  readonly what: string;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { files: Row[] };
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
// Versions whose real output another fixture set holds: Debian's gensim (scripts/fixtures/real-ecosystem.py).
const ecosystem = JSON.parse(
  readFileSync(new URL('../../fixtures/real/ecosystem.json', import.meta.url).pathname, 'utf8'),
) as { versions: Record<string, string> };
const ELSEWHERE: Record<string, string | undefined> = { gensim: ecosystem.versions.gensim };

describe('history packs: real output of released versions', () => {
  it('holds two versions of each library, each with benign files and a payload twin', () => {
    const versions = new Map<string, Set<string>>();
    for (const f of manifest.files) {
      if (!versions.has(f.library)) versions.set(f.library, new Set());
      versions.get(f.library)!.add(f.version);
    }
    assert.deepEqual([...versions.keys()].sort(), [
      'category_encoders',
      'feature_engine',
      'gensim',
      'hmmlearn',
      'imbalanced-learn',
      'keras',
      'keras-preprocessing',
      'lightfm',
      'lshashpy3',
      'nbresult',
      'neat-python',
      'nltk',
      'pycaret',
      'skforecast',
      'sklearn-som',
      'sktime',
      'stable-baselines3',
      'surprise',
    ]);
    for (const [lib, tags] of versions) {
      const all = new Set([...tags, ...(ELSEWHERE[lib] === undefined ? [] : [ELSEWHERE[lib]])]);
      assert.ok(all.size >= 2, `${lib}: ${[...all].join(', ')}`);
      for (const tag of tags) {
        const rows = manifest.files.filter((f) => f.library === lib && f.version === tag);
        assert.ok(rows.some((f) => f.expect === 'benign') && rows.some((f) => f.expect === 'malicious'), tag);
      }
    }
  });
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.library} ${f.version}, ${f.what})`, async () => {
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.ruleId);
      if (f.expect === 'benign') assert.deepEqual(blocking, [], JSON.stringify(r.findings.map((x) => x.evidence)));
      else assert.ok(blocking.includes('PICKLE-EXEC'), blocking.join(', '));
    });
  }
});

// pmdarima cannot be run here (its ARIMA needs the package's compiled extensions): its ARIMA is checked on the state
// shape its releases write. Before 1.1 (and pyramid-arima) the state names a file of saved results ('tmp_pkl_') that
// __setstate__ unpickles: that path is the stream's, so such a state is reported; 1.1+ states without it pass.
describe('pmdarima ARIMA state', () => {
  const arima = (module: string, tmp: boolean): Uint8Array => {
    const p = new P().proto(4).global(module, 'ARIMA').emptyTuple().newobj().emptyDict();
    p.sbu('order').mark().int(1).int(0).int(0).tuple().setitem();
    p.sbu('pkg_version_').sbu('1.8.0').setitem();
    if (tmp) p.sbu('tmp_pkl_').sbu('/tmp/arima-results.pkl').setitem();
    return p.build().stop().bytes();
  };
  const cases: [string, boolean, boolean][] = [
    ['pmdarima.arima.arima', false, false],
    ['pmdarima.arima.arima', true, true],
    ['pyramid.arima.arima', false, false],
    ['pyramid.arima.arima', true, true],
  ];
  for (const [module, tmp, blocked] of cases) {
    it(`${module}.ARIMA ${tmp ? "with a 'tmp_pkl_' path is reported" : 'without a results path passes'}`, async () => {
      const r = await scanBytes('arima.pkl', arima(module, tmp));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => x.evidence.signal)));
    });
  }
  // ARIMA.__setstate__ (and _legacy_set_state) calls get() of the state it is given, never of what the state holds:
  // a fitted ARIMA's statsmodels results wrapper, whose class answers names it lacks from its results, sits in the
  // state and passes; the same wrapper given as the state itself is where get() is looked up, and is reported.
  const wrapper = (p: P): P => {
    p.global('statsmodels.tsa.statespace.sarimax', 'SARIMAXResultsWrapper').emptyTuple().newobj().emptyDict();
    p.sbu('_results').global('statsmodels.tsa.statespace.sarimax', 'SARIMAXResults').emptyTuple().newobj();
    return p.emptyDict().build().setitem().build();
  };
  for (const module of ['pmdarima.arima.arima', 'pyramid.arima.arima']) {
    it(`${module}.ARIMA holding its fitted results wrapper passes`, async () => {
      const p = new P().proto(4).global(module, 'ARIMA').emptyTuple().newobj().emptyDict();
      p.sbu('pkg_version_').sbu('1.8.0').setitem().sbu('arima_res_');
      const r = await scanBytes('arima.pkl', wrapper(p).setitem().build().stop().bytes());
      assert.deepEqual(
        r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal),
        [],
      );
    });
    it(`${module}.ARIMA given a results wrapper as its state is reported (get() is looked up on it)`, async () => {
      const p = new P().proto(4).global(module, 'ARIMA').emptyTuple().newobj();
      const r = await scanBytes('arima.pkl', wrapper(p).build().stop().bytes());
      const signals = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
      assert.ok(
        signals.some((s) => s.includes("'get' is looked up on an object of statsmodels")),
        signals.join('\n'),
      );
    });
  }
});

// The classes of the packs whose objects pickle through their __dict__ (no rebuild hook in any release): rebuilt as
// the library writes them (NEWOBJ with no arguments, then BUILD with a dict of plain data) they pass; the same class
// with a payload in its state, called with arguments (its constructor is not reviewed), or given a reference to an
// unmodelled callable in its state is blocked.
describe('history packs of plain-state classes: hostile twins', () => {
  const CLASSES: [string, string, string][] = [
    ['lightfm.lightfm', 'LightFM', 'no_components'],
    ['lightfm.data', 'Dataset', '_user_identity_features'],
    // scikit-surprise's algorithms of Cython modules (not run by the fixture script) and two it runs.
    ['surprise.prediction_algorithms.matrix_factorization', 'SVD', 'n_factors'],
    ['surprise.prediction_algorithms.matrix_factorization', 'SVDpp', 'n_factors'],
    ['surprise.prediction_algorithms.matrix_factorization', 'NMF', 'n_factors'],
    ['surprise.prediction_algorithms.slope_one', 'SlopeOne', 'n_x'],
    ['surprise.prediction_algorithms.co_clustering', 'CoClustering', 'n_cltr_u'],
    ['surprise.prediction_algorithms.knns', 'KNNBasic', 'k'],
    ['surprise.trainset', 'Trainset', 'n_users'],
    ['hmmlearn.hmm', 'GaussianHMM', 'n_components'],
    ['hmmlearn.hmm', 'GMMHMM', 'n_mix'],
    ['hmmlearn.base', 'ConvergenceMonitor', 'iter'],
    ['stable_baselines3.common.vec_env.vec_normalize', 'VecNormalize', 'clip_obs'],
    ['stable_baselines3.common.running_mean_std', 'RunningMeanStd', 'count'],
    ['gymnasium.spaces.box', 'Box', 'dtype'],
    ['gymnasium.spaces.discrete', 'Discrete', 'n'],
    ['gymnasium.spaces.multi_binary', 'MultiBinary', 'n'],
    ['gymnasium.spaces.multi_discrete', 'MultiDiscrete', 'nvec'],
    ['nltk.classify.naivebayes', 'NaiveBayesClassifier', '_labels'],
    ['nltk.classify.decisiontree', 'DecisionTreeClassifier', '_label'],
    ['nltk.classify.maxent', 'MaxentClassifier', '_logarithmic'],
    ['nltk.classify.maxent', 'BinaryMaxentFeatureEncoding', '_length'],
    ['nltk.probability', 'ELEProbDist', '_bins'],
    ['nltk.probability', 'ConditionalProbDist', '_factory_args'],
    ['nltk.tokenize.mwe', 'MWETokenizer', '_separator'],
    ['nbresult', 'ChallengeResult', 'cv'],
    ['lshashpy3.storage', 'InMemoryStorage', 'storage'],
    ['sklearn_som.som', 'SOM', 'weights'],
    ['prophet.forecaster', 'Prophet', 'history'],
    ['prophet.models', 'CmdStanPyBackend', 'stan_fit'],
    ['prophet.models', 'ModelParams', 'k'],
    ['fbprophet.forecaster', 'Prophet', 'history'],
    ['fbprophet.models', 'CmdStanPyBackend', 'stan_fit'],
    ['cmdstanpy.model', 'CmdStanModel', '_exe_file'],
    ['cmdstanpy.stanfit.runset', 'RunSet', '_args'],
    ['cmdstanpy.stanfit', 'RunSet', '_args'],
    ['cmdstanpy.stanfit.metadata', 'InferenceMetadata', '_cmdstan_config'],
    ['cmdstanpy.stanfit.mle', 'CmdStanMLE', '_mle'],
    ['cmdstanpy.stanfit.mcmc', 'CmdStanMCMC', '_draws'],
    ['cmdstanpy.cmdstan_args', 'CmdStanArgs', 'method_args'],
    ['cmdstanpy.cmdstan_args', 'OptimizeArgs', 'algorithm'],
    ['cmdstanpy.compilation', 'CompilerOptions', '_stanc_options'],
    ['stanio.reshape', 'Variable', 'dimensions'],
    ['implicit.cpu.als', 'AlternatingLeastSquares', 'item_factors'],
    ['implicit.cpu.bpr', 'BayesianPersonalizedRanking', 'user_factors'],
    ['implicit.cpu.lmf', 'LogisticMatrixFactorization', 'item_factors'],
  ];
  type Twin = 'plain' | 'payload' | 'called' | 'reference';
  const write = (module: string, name: string, key: string, twin: Twin): Uint8Array => {
    const p = new P().proto(4).global(module, name);
    if (twin === 'called') p.sbu('id').tuple1().reduce();
    else p.emptyTuple().newobj();
    p.emptyDict().sbu(key);
    if (twin === 'payload') p.call('os', 'system', 'id');
    else if (twin === 'reference') p.global('subprocess', 'Popen');
    else p.int(4);
    return p.setitem().build().stop().bytes();
  };
  for (const [module, name, key] of CLASSES) {
    for (const twin of ['plain', 'payload', 'called', 'reference'] as const) {
      const blocked = twin !== 'plain';
      it(`${module}.${name}, ${twin}: ${blocked ? 'blocked' : 'passes'}`, async () => {
        const r = await scanBytes('model.pkl', write(module, name, key, twin));
        const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
        assert.equal(
          blocking.length > 0,
          blocked,
          JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])),
        );
      });
    }
  }
});

// scikit-surprise's Prediction is a namedtuple subclass, pickled as NEWOBJ with its five fields: a field holding a
// payload is blocked like any other.
describe('scikit-surprise Prediction tuples', () => {
  const prediction = (payload: boolean): Uint8Array => {
    const p = new P().proto(4).global('surprise.prediction_algorithms.predictions', 'Prediction').mark();
    p.sbu('u1').sbu('a').int(4).int(4);
    if (payload) p.call('os', 'system', 'id');
    else p.emptyDict();
    return p.tuple().newobj().stop().bytes();
  };
  for (const payload of [false, true]) {
    it(`a Prediction ${payload ? 'whose details hold a call to os.system is blocked' : 'of plain fields passes'}`, async () => {
      const r = await scanBytes('predictions.pkl', prediction(payload));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, payload, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});

// hmmlearn's Gaussian models have a covars_ property setter, which runs only for BUILD's slot state: hmmlearn writes a
// dict state (the models have no __slots__), and a (dict, slots) pair is reported.
describe('hmmlearn Gaussian models: slot state', () => {
  for (const [module, name] of [
    ['hmmlearn.hmm', 'GaussianHMM'],
    ['hmmlearn.vhmm', 'VariationalGaussianHMM'],
  ] as const) {
    for (const slots of [false, true]) {
      it(`${module}.${name} with ${slots ? 'a slot state setting covars_ is blocked' : 'a dict state passes'}`, async () => {
        const p = new P().proto(4).global(module, name).emptyTuple().newobj();
        p.emptyDict().sbu('n_components').int(2).setitem();
        if (slots) p.emptyDict().sbu('covars_').int(1).setitem().tuple2();
        const r = await scanBytes('hmm.pkl', p.build().stop().bytes());
        const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
        assert.equal(blocking.length > 0, slots, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
      });
    }
  }
});

// stable-baselines3's VecNormalize inherits VecEnvWrapper.__getattr__, which answers a name the wrapper lacks from the
// venv the state may hold: a lookup the unpickler makes of such a name (APPENDS looks up 'extend') is reported.
// Gymnasium's Box.__setstate__ runs numpy's min, max and str on its bounds: a class or function held in low is
// counted as called there (a Discrete, whose hook never reads low, passes with the same state).
describe('stable-baselines3 and Gymnasium: what their hooks reach', () => {
  const VN = 'stable_baselines3.common.vec_env.vec_normalize';
  const wrapper = (appends: boolean): Uint8Array => {
    const p = new P().proto(4).global(VN, 'VecNormalize').emptyTuple().newobj().emptyDict();
    p.sbu('clip_obs').int(4).setitem().build();
    if (appends) p.mark().int(1).int(2).raw('e');
    return p.stop().bytes();
  };
  for (const appends of [false, true]) {
    it(`a VecNormalize ${appends ? "given items (APPENDS looks 'extend' up) is blocked" : 'with a dict state passes'}`, async () => {
      const r = await scanBytes('vec_normalize.pkl', wrapper(appends));
      const signals = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
      if (!appends) assert.deepEqual(signals, []);
      else
        assert.ok(
          signals.some((s) => s.includes("'extend' is looked up on an object of " + VN)),
          signals.join('\n'),
        );
    });
  }
  const space = (module: string, name: string): Uint8Array => {
    const p = new P().proto(4).global(module, name).emptyTuple().newobj().emptyDict();
    p.sbu('low').global('stable_baselines3.common.running_mean_std', 'RunningMeanStd').setitem();
    return p.build().stop().bytes();
  };
  for (const [module, name, blocked] of [
    ['gymnasium.spaces.box', 'Box', true],
    ['gymnasium.spaces.discrete', 'Discrete', false],
  ] as const) {
    it(`a ${name} whose low holds a class ${blocked ? 'is blocked (Box.__setstate__ reads low)' : 'passes'}`, async () => {
      const r = await scanBytes('space.pkl', space(module, name));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});

// NLTK's FreqDist is a collections.Counter subclass: Counter.__reduce__ writes a call of the class with a dict of
// counts, and ConditionalFreqDist's __reduce__ a call with no argument and its items for SETITEMS. Those calls pass;
// the same calls given a payload or an object of a class outside the packs, or a FreqDist given a reference to an
// unmodelled callable as an item, are blocked.
describe('NLTK FreqDist and ConditionalFreqDist calls', () => {
  const freq = (p: P): P => p.global('nltk.probability', 'FreqDist');
  const cases: [string, boolean, () => P][] = [
    [
      'FreqDist(<dict of counts>) passes',
      false,
      () => freq(new P().proto(4)).emptyDict().sbu('a').int(2).setitem().tuple1().reduce(),
    ],
    ['FreqDist() passes', false, () => freq(new P().proto(4)).emptyTuple().reduce()],
    [
      'FreqDist(<dict holding a call to os.system>) is blocked',
      true,
      () => freq(new P().proto(4)).emptyDict().sbu('a').call('os', 'system', 'id').setitem().tuple1().reduce(),
    ],
    [
      'FreqDist(<a subprocess.Popen object>) is blocked',
      true,
      () => freq(new P().proto(4)).global('subprocess', 'Popen').emptyTuple().newobj().tuple1().reduce(),
    ],
    [
      'FreqDist with subprocess.Popen stored as a count is blocked',
      true,
      () => freq(new P().proto(4)).emptyTuple().reduce().sbu('a').global('subprocess', 'Popen').setitem(),
    ],
    [
      'ConditionalFreqDist() with FreqDist items passes',
      false,
      () => {
        const p = new P().proto(4).global('nltk.probability', 'ConditionalFreqDist').emptyTuple().reduce();
        return freq(p.int(3)).emptyDict().sbu('cat').int(2).setitem().tuple1().reduce().setitem();
      },
    ],
    [
      'ConditionalFreqDist(<pairs holding a call to os.system>) is blocked',
      true,
      () => {
        const p = new P().proto(4).global('nltk.probability', 'ConditionalFreqDist');
        return p.int(3).call('os', 'system', 'id').tuple2().tuple1().tuple1().reduce();
      },
    ],
  ];
  for (const [what, blocked, write] of cases) {
    it(what, async () => {
      const r = await scanBytes('classifier.pkl', write().stop().bytes());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});

// NLTK's MWETokenizer is its __dict__ (NEWOBJ, BUILD): '_mwes', a Trie, and '_separator', a str. A Trie is a dict
// subclass (3.3 on) pickled by copyreg.__reduce_ex__: NEWOBJ with no argument and SETITEMS of its items, each a token
// mapped to a nested Trie, True mapped to None ending an expression. dict's own __setitem__ stores them; Trie's
// __missing__ and insert run only when the tokenizer is used. The shape the library writes passes; the same shape
// carrying a call, a reference to an unmodelled callable in a Trie or in a state key NLTK never writes, or a call of
// either class, is blocked.
describe('NLTK MWETokenizer and its Trie', () => {
  const trie = (p: P): P => p.global('nltk.collections', 'Trie').emptyTuple().newobj();
  const leaf = (p: P): P => trie(p).op(Op.NEWTRUE).none().setitem();
  const tokenizer = (mwes: (p: P) => P, extra?: (p: P) => P): P => {
    const p = new P().proto(4).global('nltk.tokenize.mwe', 'MWETokenizer').emptyTuple().newobj().emptyDict();
    mwes(p.sbu('_mwes')).setitem().sbu('_separator').sbu('_').setitem();
    return (extra === undefined ? p : extra(p).setitem()).build();
  };
  // {'a': {'lot': {True: None}}}
  const expressions = (p: P): P =>
    leaf(trie(trie(p).sbu('a')).sbu('lot'))
      .setitem()
      .setitem();
  const cases: [string, boolean, () => P][] = [
    ['an MWETokenizer holding a Trie of Tries passes', false, () => tokenizer(expressions)],
    ['an MWETokenizer with an empty Trie passes', false, () => tokenizer(trie)],
    [
      'a Trie holding a call to os.system is blocked',
      true,
      () => tokenizer((p) => trie(p).sbu('a').call('os', 'system', 'id').setitem()),
    ],
    [
      'a Trie holding subprocess.Popen where NLTK stores a Trie is blocked',
      true,
      () => tokenizer((p) => trie(p).sbu('a').global('subprocess', 'Popen').setitem()),
    ],
    [
      "a Trie given a planted 'insert' attribute holding subprocess.Popen is blocked",
      true,
      () => tokenizer((p) => trie(p).emptyDict().sbu('insert').global('subprocess', 'Popen').setitem().build()),
    ],
    [
      'an MWETokenizer state key NLTK never writes, holding subprocess.Popen, is blocked',
      true,
      () => tokenizer(expressions, (p) => p.sbu('tokenize').global('subprocess', 'Popen')),
    ],
    [
      "a Trie called with a list of strings (Trie(['ab'])) is blocked",
      true,
      () => {
        const p = new P().proto(4).global('nltk.collections', 'Trie');
        return p.emptyList().mark().sbu('ab').op(Op.APPENDS).tuple1().reduce();
      },
    ],
  ];
  for (const [what, blocked, write] of cases) {
    it(what, async () => {
      const r = await scanBytes('mwe.pkl', write().stop().bytes());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});

// NLTK's regular-expression tokenizers are their __dict__ (NEWOBJ, BUILD): '_pattern', '_gaps', '_discard_empty',
// '_flags' (a re.RegexFlag, written by value: RegexFlag(56)) and '_regexp' (re._compile(pattern, flags)). The shape
// the library writes passes; a flag or pattern built from something else, or a state key carrying a callable, is
// blocked.
describe('NLTK regular-expression tokenizers', () => {
  const flags = (p: P, value: (q: P) => P = (q) => q.int(56)): P =>
    value(p.global('re', 'RegexFlag')).tuple1().reduce();
  const tokenizer = (cls: string, extra?: (p: P) => P, flag: (p: P) => P = (p) => flags(p)): P => {
    const p = new P().proto(4).global('nltk.tokenize.regexp', cls).emptyTuple().newobj().emptyDict();
    p.sbu('_pattern').sbu('\\w+').setitem().sbu('_gaps').op(Op.NEWFALSE).setitem();
    p.sbu('_discard_empty').op(Op.NEWTRUE).setitem();
    flag(p.sbu('_flags')).setitem();
    flags(p.sbu('_regexp').global('re', '_compile').sbu('\\w+')).tuple2().reduce().setitem();
    return (extra === undefined ? p : extra(p).setitem()).build();
  };
  const cases: [string, boolean, () => P][] = [
    ['a RegexpTokenizer as pickled with its flags by value passes', false, () => tokenizer('RegexpTokenizer')],
    ['a WordPunctTokenizer passes', false, () => tokenizer('WordPunctTokenizer')],
    ['a WhitespaceTokenizer passes', false, () => tokenizer('WhitespaceTokenizer')],
    [
      'a RegexFlag called with a call to os.system is blocked',
      true,
      () => tokenizer('RegexpTokenizer', undefined, (p) => flags(p, (q) => q.call('os', 'system', 'id'))),
    ],
    [
      'a RegexFlag called with subprocess.Popen is blocked',
      true,
      () => tokenizer('RegexpTokenizer', undefined, (p) => flags(p, (q) => q.global('subprocess', 'Popen'))),
    ],
    [
      'a RegexFlag member written by name (CPython 3.11.0 - 3.11.4: getattr(RegexFlag, name)) passes',
      false,
      () =>
        tokenizer('RegexpTokenizer', undefined, (p) =>
          p.global('builtins', 'getattr').global('re', 'RegexFlag').sbu('UNICODE').tuple2().reduce(),
        ),
    ],
    [
      'a RegexFlag called with a tuple (a value no member has, formatted with repr) is blocked',
      true,
      () =>
        tokenizer('RegexpTokenizer', undefined, (p) =>
          flags(p, (q) => q.global('nltk.tokenize.regexp', 'RegexpTokenizer').emptyTuple().newobj().tuple1()),
        ),
    ],
    [
      'a tokenizer state key NLTK never writes, holding subprocess.Popen, is blocked',
      true,
      () => tokenizer('RegexpTokenizer', (p) => p.sbu('tokenize').global('subprocess', 'Popen')),
    ],
    [
      "a RegexpTokenizer called with a pattern (RegexpTokenizer('\\w+')) is blocked",
      true,
      () => new P().proto(4).global('nltk.tokenize.regexp', 'RegexpTokenizer').sbu('\\w+').tuple1().reduce(),
    ],
  ];
  for (const [what, blocked, write] of cases) {
    it(what, async () => {
      const r = await scanBytes('tokenizer.pkl', write().stop().bytes());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});
