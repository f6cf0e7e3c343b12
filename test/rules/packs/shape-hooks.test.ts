// Every pack entry admitted with a "shape" verdict is recognised by the VM hook that checks that shape (a class the
// hook does not recognise would run its unpickling hook unchecked), and the hooks' own shape decisions.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { historyChecks, type HistoryCheck } from '../../../src/analyzers/pickle/callable-effects.js';
import { callHookProblem } from '../../../src/analyzers/pickle/call-hooks.js';
import { itemHookAfterBuild } from '../../../src/analyzers/pickle/item-hooks.js';
import { arrayArgProblem, emptyStateProblem, frameStateProblem } from '../../../src/analyzers/pickle/class-sinks.js';
import { nativeStateHook, nativeStateProblem } from '../../../src/analyzers/pickle/native-states.js';
import { distributionStateProblem } from '../../../src/analyzers/pickle/scipy-distributions.js';
import { stateHookProblem } from '../../../src/analyzers/pickle/state-hooks.js';
import {
  formulaProblem,
  frameProblem,
  modelDataStateInert,
  modelDataStateProblem,
} from '../../../src/analyzers/pickle/statsmodels-data.js';
import { xgboostModelStateProblem } from '../../../src/analyzers/pickle/xgboost-model.js';
import { fileResourceStateProblem } from '../../../src/analyzers/pickle/file-resource.js';
import { catboostStateProblem } from '../../../src/analyzers/pickle/catboost-model.js';
import { omegaconfStateProblem } from '../../../src/analyzers/pickle/omegaconf-state.js';
import { pydanticStateProblem } from '../../../src/analyzers/pickle/pydantic-state.js';
import {
  translationProxyArgsProblem,
  translationProxyStateProblem,
} from '../../../src/analyzers/pickle/translation-proxy.js';
import { K, NONE, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { allPacks } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const dict = (keys: PyVal[], vals: PyVal[], n = keys.length): PyVal => ({ k: K.Dict, keys, vals, n }) as PyVal;
const COMPUTED: PyVal = { k: K.Obj, callee: { k: K.Unknown }, args: { k: K.Unknown }, call: undefined } as PyVal;

describe('shape-checked pack entries are recognised by their hook', () => {
  const checked = allPacks().flatMap((p) => [...p.entries].filter(([, e]) => e.checked !== undefined));
  it('there are shape-checked entries', () => assert.ok(checked.length >= 3));
  for (const [name, e] of checked) {
    it(name, () => {
      if (e.checked!.includes('rv_generic.__setstate__')) {
        const bad = dict(['_parse_arg_template'], ['print(1)']);
        assert.ok(stateHookProblem(name, bad), `${name} must run the scipy template check`);
      } else if (e.checked!.includes('ModelData.__setstate__')) {
        const bad = dict(['restore_design_info', 'frame', 'formula'], [1, NONE, 'y ~ f(x)']);
        assert.ok(stateHookProblem(name, bad), `${name} must run the statsmodels formula check`);
      } else if (e.checked!.includes('calendar.holidays()')) {
        const args: PyVal = { k: K.Tuple, items: [1, NONE, 'Mon', NONE, COMPUTED], more: 0 };
        assert.ok(callHookProblem(name, args), `${name} must run the calendar check`);
      } else if (e.checked!.includes('_Booster')) {
        assert.ok(stateHookProblem(name, dict(['_Booster'], ['/etc/passwd'])), `${name} must run the _Booster check`);
      } else if (e.checked!.includes('tzfile.__init__')) {
        assert.ok(callHookProblem(name, { k: K.Tuple, items: ['/etc/passwd'], more: 0 }), name);
      } else if (e.checked!.includes('maybe_get_tz')) {
        const args: PyVal = { k: K.Tuple, items: [1, NONE, 'dateutil//etc/passwd'], more: 0 };
        assert.ok(callHookProblem(name, args), `${name} must run the Timestamp tz check`);
      } else if (e.checked!.includes('Timedelta(int value)')) {
        assert.ok(callHookProblem(name, { k: K.Tuple, items: ['1 day'], more: 0 }), `${name}: a str is parsed`);
        assert.equal(callHookProblem(name, { k: K.Tuple, items: [1], more: 0 }), undefined, `${name}: an int`);
      } else if (e.checked!.includes('StringDtype(storage')) {
        assert.ok(callHookProblem(name, { k: K.Tuple, items: ['/x', NONE], more: 0 }), `${name}: another storage`);
        assert.equal(callHookProblem(name, { k: K.Tuple, items: ['python'], more: 0 }), undefined, `${name}: python`);
      } else if (e.checked!.includes('arrow-arrays.ts')) {
        // pandas' Arrow-backed string array: the state pandas writes passes (an array _restore_array made); anything
        // else is handed to pyarrow.chunked_array (converted by pyarrow.asarray); SETITEM(S) on it is refused.
        const made = (canonical: string, items: PyVal[]): PyVal =>
          ({
            k: K.Obj,
            callee: { k: K.Global, imp: { canonical } },
            args: { k: K.Tuple, items, more: 0 },
            call: undefined,
          }) as PyVal;
        const array = made('pyarrow.lib._restore_array', []);
        assert.equal(stateHookProblem(name, dict(['_pa_array'], [array])), undefined, `${name}: a restored array`);
        assert.ok(stateHookProblem(name, dict(['_pa_array'], [COMPUTED])), `${name}: an object of an unknown class`);
        assert.ok(stateHookProblem(name, dict(['_pa_array', 'x'], [array, 1])), `${name}: a key pandas never writes`);
        assert.ok(stateHookProblem(name, dict(['_dtype'], [COMPUTED])), `${name}: no array`);
      } else if (e.checked!.includes('BUILD with a slot state')) {
        // A (dict, slots) state runs the property setters; the dict state scikit-learn writes does not.
        const slots: PyVal = { k: K.Tuple, items: [dict([], []), dict(['theta'], [1])], more: 0 };
        assert.ok(stateHookProblem(name, slots), `${name} must run the slot-state check`);
        assert.equal(stateHookProblem(name, dict(['theta'], [1])), undefined, `${name}: a dict state passes`);
      } else if (e.checked!.includes('native-states.ts')) {
        // A native __setstate__ that reads a tuple state's items unchecked: the lengths its library writes pass (with
        // numbers where it writes numbers); a shorter tuple, a dict, or an object where a number goes do not.
        const fact = nativeStateHook(name);
        assert.ok(fact, `${name}: no native state fact`);
        const n = fact.lengths[0]!;
        const numbers = new Set(fact.numbers ?? []);
        const tuple = (items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 }) as PyVal;
        const written = Array.from({ length: n }, (_, i): PyVal => (numbers.has(i) ? 1 : NONE));
        assert.equal(nativeStateProblem(name, tuple(written)), undefined, `${name}: the written state passes`);
        assert.ok(nativeStateProblem(name, tuple(written.slice(0, n - 1))), `${name}: a shorter tuple`);
        assert.ok(nativeStateProblem(name, dict(['a'], [1])), `${name}: a dict state`);
        const firstNumber = [...numbers][0];
        if (firstNumber !== undefined) {
          const planted = written.map((v, i) => (i === firstNumber ? COMPUTED : v));
          assert.ok(nativeStateProblem(name, tuple(planted)), `${name}: an object where a number goes`);
        }
      } else if (e.checked!.includes('item-hooks.ts')) {
        // A __setitem__ that reads what BUILD set: the VM recognises the class (a SETITEM after its BUILD is reported).
        assert.ok(itemHookAfterBuild([name]), `${name} must have an item hook`);
        assert.equal(itemHookAfterBuild(['builtins.dict']), undefined);
      } else if (/: (?:items|frame-state|new-empty)(?:;|$)/.test(e.checked!)) {
        // A history entry admitted in the shape pandas wrote, which the VM checks on every value that may be of it.
        const named = [...e.checked!.matchAll(/: (items|frame-state|new-empty)(?=;|$)/g)].map((m) => m[1]);
        for (const c of named) assert.ok(historyChecks(name).includes(c as HistoryCheck), `${name}: no ${c} check`);
        if (named.includes('frame-state')) {
          const tuple: PyVal = { k: K.Tuple, items: ['a', 'b', 'c', 'd'], more: 0 };
          assert.ok(frameStateProblem(tuple), `${name}: a legacy tuple state`);
          assert.equal(frameStateProblem(dict(['_typ'], ['panel'])), undefined, `${name}: the dict pandas wrote`);
        }
      } else if (/: catboost-state(?:;|$)/.test(e.checked!)) {
        // A CatBoost model: the VM checks one BUILD of the dict CatBoost writes (catboost-model.ts).
        assert.ok(historyChecks(name).includes('catboost-state'), `${name}: no catboost-state check`);
        const model: PyVal = { k: K.Bytes, off: 0, len: 4, via: 'test' } as PyVal;
        assert.equal(catboostStateProblem(dict(['depth', '__model'], [6, model]), 1), undefined, `${name}: written`);
        assert.ok(catboostStateProblem(dict(['__model'], ['/tmp/model.cbm']), 1), `${name}: a str model`);
      } else if (/: one-build(?:;|$)/.test(e.checked!)) {
        // A class whose lookup hook answers from what its state set: the VM reports a second BUILD on one object.
        assert.ok(historyChecks(name).includes('one-build'), `${name}: no one-build check`);
      } else if (/: file-resource(?:;|$)/.test(e.checked!)) {
        // sklearn-crfsuite's FileResource: the VM checks the state its library writes (file-resource.ts).
        assert.ok(historyChecks(name).includes('file-resource'), `${name}: no file-resource check`);
        const written = dict(['name', 'auto', 'prefix'], [NONE, { k: K.True } as PyVal, 'model']);
        assert.equal(fileResourceStateProblem(written), undefined, `${name}: written`);
        assert.ok(
          fileResourceStateProblem(dict(['name', 'auto', 'prefix'], [NONE, { k: K.True } as PyVal, '/x'])),
          name,
        );
      } else if (/: empty-state \(/.test(e.checked!)) {
        // quantile-forest's QuantileForest: an empty dict state only (its __setstate__ reads a non-empty one when the
        // call's flag is set), called with arrays, None, bools and numbers only (the flag's truth value is taken).
        assert.ok(historyChecks(name).includes('empty-state'), `${name}: no empty-state check`);
        assert.ok(historyChecks(name).includes('array-args'), `${name}: no array-args check`);
        assert.equal(emptyStateProblem(dict([], [])), undefined, `${name}: the empty dict`);
        assert.ok(emptyStateProblem(dict(['matrix'], [1])), `${name}: a dict with an entry`);
        assert.ok(emptyStateProblem(NONE), `${name}: None`);
        assert.equal(arrayArgProblem(NONE), undefined, `${name}: None`);
        assert.equal(arrayArgProblem({ k: K.False } as PyVal), undefined, `${name}: False`);
        assert.ok(arrayArgProblem('x'), `${name}: a str`);
        assert.ok(arrayArgProblem(COMPUTED), `${name}: an object of an unknown class`);
      } else if (/: translation-proxy(?:;|$)/.test(e.checked!)) {
        assert.ok(historyChecks(name).includes('translation-proxy'), `${name}: no translation-proxy check`);
        const tuple = (items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 }) as PyVal;
        const lazy: PyVal = { k: K.Global, imp: { canonical: 'sphinx.locale._lazy_translate' } } as PyVal;
        assert.equal(translationProxyStateProblem(tuple(['sphinx', 'general', 'Contents'])), undefined, name);
        assert.equal(translationProxyStateProblem(tuple([lazy, tuple(['sphinx', 'general', 'x'])])), undefined, name);
        assert.ok(translationProxyStateProblem(tuple([COMPUTED, tuple(['x'])])), `${name}: another function`);
        assert.ok(translationProxyArgsProblem(tuple([lazy]), undefined), `${name}: a function alone`);
        assert.equal(translationProxyArgsProblem(tuple([]), undefined), undefined, `${name}: no arguments`);
      } else if (/: (?:str-args|scalar-value)(?:;|$)/.test(e.checked!)) {
        const named = [...e.checked!.matchAll(/: (str-args|scalar-value)(?=;|$)/g)].map((m) => m[1]);
        for (const c of named) assert.ok(historyChecks(name).includes(c as HistoryCheck), `${name}: no ${c} check`);
      } else if (/omegaconf-state/.test(e.checked!)) {
        // OmegaConf's configs: the VM checks the state its library writes for the class (omegaconf-state.ts).
        assert.ok(historyChecks(name).includes('omegaconf-state'), `${name}: no omegaconf-state check`);
        assert.ok(omegaconfStateProblem(name, dict(['state'], [1])), `${name}: a key the library never writes`);
        assert.ok(omegaconfStateProblem(name, NONE), `${name}: None`);
        if (name.endsWith('Metadata')) {
          assert.equal(
            omegaconfStateProblem(name, dict(['key', 'optional'], ['lr', { k: K.True } as PyVal])),
            undefined,
          );
          assert.ok(omegaconfStateProblem(name, dict(['optional'], [COMPUTED])), `${name}: an object as a bool`);
        }
      } else if (/: pydantic-state(?:;|$)/.test(e.checked!)) {
        // pydantic 1 models: the VM checks the state BaseModel.__getstate__ writes (pydantic-state.ts).
        assert.ok(historyChecks(name).includes('pydantic-state'), `${name}: no pydantic-state check`);
        const fieldsSet: PyVal = { k: K.Set } as PyVal;
        const fields = dict(['page_content'], ['text']);
        const ok = dict(['__dict__', '__fields_set__'], [fields, fieldsSet]);
        assert.equal(pydanticStateProblem(ok), undefined, `${name}: the state pydantic writes`);
        const priv = (key: string): PyVal =>
          dict(['__dict__', '__fields_set__', '__private_attribute_values__'], [fields, fieldsSet, dict([key], [1])]);
        assert.equal(pydanticStateProblem(priv('_lc_kwargs')), undefined, `${name}: a private attribute`);
        assert.ok(pydanticStateProblem(priv('__class__')), `${name}: '__class__' as a private name`);
        assert.ok(pydanticStateProblem(priv('page_content')), `${name}: a public name`);
        assert.ok(pydanticStateProblem(dict(['state'], [1])), `${name}: a key pydantic never writes`);
        assert.ok(pydanticStateProblem(NONE), `${name}: None`);
        assert.ok(pydanticStateProblem(dict(['__dict__', '__fields_set__'], [COMPUTED, fieldsSet])), name);
      } else assert.fail(`${name}: no hook test for ${e.checked}`);
    });
  }
});

describe('history checks: items given to an object admitted without them', () => {
  const names = allPacks().flatMap((p) =>
    [...p.entries.keys()].filter((n) => historyChecks(n).includes('items') && p.id === 'pandas'),
  );
  it('there are such names', () => assert.ok(names.length >= 5));
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    const built = () =>
      new P()
        .proto(4)
        .stackGlobal(name.slice(0, dot), name.slice(dot + 1))
        .emptyTuple()
        .newobj();
    it(`${name}: SETITEM on an instance is reported, the instance alone is not`, async () => {
      const alone = await scanBytes('p.pkl', built().stop().bytes());
      assert.ok(!alone.findings.some((f) => f.evidence.signal.includes('on an object of')), name);
      const items = await scanBytes('p.pkl', built().sbu('k').none().setitem().stop().bytes());
      assert.ok(
        items.findings.some((f) => f.evidence.signal.includes(`SETITEMS on an object of ${name}`)),
        `${name}: ${items.findings.map((f) => f.evidence.signal).join('; ')}`,
      );
    });
  }
});

describe('history checks: NEWOBJ arguments of a class admitted rebuilt with none', () => {
  const names = allPacks().flatMap((p) => [...p.entries.keys()].filter((n) => historyChecks(n).includes('new-empty')));
  it('there are such names', () => assert.ok(names.length >= 2));
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    const cls = () => new P().proto(4).stackGlobal(name.slice(0, dot), name.slice(dot + 1));
    it(`${name}: NEWOBJ with arguments is reported, with none it is not`, async () => {
      const none = await scanBytes('p.pkl', cls().emptyTuple().newobj().stop().bytes());
      assert.ok(!none.findings.some((f) => f.evidence.signal.includes('with arguments')), name);
      const some = await scanBytes('p.pkl', cls().mark().int(1).tuple().newobj().stop().bytes());
      assert.ok(
        some.findings.some((f) => f.evidence.signal.includes(`NEWOBJ of ${name} with arguments`)),
        `${name}: ${some.findings.map((f) => f.evidence.signal).join('; ')}`,
      );
    });
  }
});

describe('scipy distribution state: methods the hook calls', () => {
  for (const key of ['_attach_methods', '_attach_argparser_methods']) {
    it(`a state setting ${key} is refused`, () => assert.ok(distributionStateProblem(dict([key], [COMPUTED]))));
  }
  it('a computed key may be either', () => assert.ok(distributionStateProblem(dict([COMPUTED], [1]))));
});

describe('patsy formulas', () => {
  const cases: [string, boolean][] = [
    ['y ~ x1 + x2', true],
    ['y ~ x1 * x2 - 1', true],
    ['y ~ (a + b + c)**2 + a:b / c', true],
    ['y ~ 0 + x', true],
    ['  y~x  ', true],
    ['y ~ x1 + C(g)', true],
    ['y ~ C(g) + C(h):x - 1', true],
    ['y ~ C( g )', true],
    ['y ~ C(C)', true],
    ['y ~ C(g, Treatment)', false],
    ["y ~ C(g, Treatment(reference='a'))", false],
    ['y ~ C()', false],
    ['y ~ C(1)', false],
    ['y ~ C((g))', false],
    ['y ~ C(g)(x)', false],
    ['y ~ C(g) z', false],
    ['y ~ C(lambda)', false],
    ['y ~ C(g', false],
    ['y ~ c(g)', false],
    ['y ~ f(g)', false],
    ['y ~ 2(g)', false],
    ['y ~ C(x.y)', false],
    ['y ~ I(x ** 2)', false],
    ['y ~ np.log(x)', false],
    ["y ~ __import__('os').system('id')", false],
    ['y ~ x (z)', false],
    ['y ~ (x)(z)', false],
    ['y ~ x z', false],
    ['y ~ x[0]', false],
    ['y ~ lambda', false],
    ['y ~ x | z', false],
    ['y ~ "x"', false],
    ['y ~ (x', false],
    ['y ~ x)', false],
    ['', false],
    ['y ~ x\u00e9', false],
  ];
  for (const [f, ok] of cases) it(JSON.stringify(f), () => assert.equal(formulaProblem(f) === undefined, ok));
});

describe('ModelData state', () => {
  const cases: [string, PyVal, boolean][] = [
    ['no restore_design_info (arrays)', dict(['endog', 'exog'], [NONE, NONE]), true],
    ['formula of names', dict(['restore_design_info', 'frame', 'formula'], [1, NONE, 'y ~ x1 + x2']), true],
    ['formula with C(name)', dict(['restore_design_info', 'frame', 'formula'], [1, NONE, 'y ~ C(g)']), true],
    ['formula with a call', dict(['restore_design_info', 'frame', 'formula'], [1, NONE, 'y ~ f(g)']), false],
    [
      'two formulas, one bad',
      dict(['restore_design_info', 'frame', 'formula', 'formula'], [1, NONE, 'y ~ x', 'f(x)']),
      false,
    ],
    ['formula not literal', dict(['restore_design_info', 'frame', 'formula'], [1, NONE, COMPUTED]), false],
    ['no frame (orig_endog.join is called)', dict(['restore_design_info', 'formula'], [1, 'y ~ x']), false],
    ['computed key', dict([COMPUTED, 'frame'], [1, NONE]), false],
    ['entries beyond the kept ones', dict(['a'], [1], 90), false],
    ['not a dict', { k: K.Tuple, items: [], more: 0 } as PyVal, false],
    ['unknown state', { k: K.Unknown } as PyVal, false],
  ];
  for (const [name, state, ok] of cases) {
    it(name, () => assert.equal(modelDataStateProblem(state) === undefined, ok));
  }
  // Inert: __setstate__ is only __dict__.update (its method sinks, orig_endog.join among them, are never reached).
  const inert: [string, PyVal, boolean][] = [
    [
      'the keys a results object writes',
      dict(['orig_endog', 'endog', '_cache', 'freq'], [COMPUTED, NONE, 1, NONE]),
      true,
    ],
    ['an int key', dict([3, 'endog'], [1, NONE]), true],
    ['restore_design_info (admitted shape, still not inert)', dict(['restore_design_info', 'frame'], [1, NONE]), false],
    ['a computed key (may be restore_design_info)', dict([COMPUTED, 'endog'], [1, NONE]), false],
    ['a long str key not read inline', dict([{ k: K.Str, off: 0, len: 19, utf8: true } as PyVal], [1]), false],
    ['entries beyond the kept ones', dict(['endog'], [NONE], 5), false],
    ['an opaque dict', { k: K.Dict, keys: [], vals: [], n: 0, opaque: true } as PyVal, false],
    ['an object with planted items', COMPUTED, false],
  ];
  for (const [name, state, ok] of inert) it(`inert: ${name}`, () => assert.equal(modelDataStateInert(state), ok));
});

describe('the data patsy looks names up in first', () => {
  const DF: PyVal = { k: K.Global, imp: { canonical: 'pandas.core.frame.DataFrame' } } as PyVal;
  const frame = (state: PyVal | undefined, callee: PyVal = DF): PyVal =>
    ({ k: K.Obj, callee, args: { k: K.Tuple, items: [], more: 0 }, call: undefined, state }) as PyVal;
  const EMPTY = dict([], []);
  const pandasState = (extraKeys: PyVal[] = [], extraVals: PyVal[] = []) =>
    dict(
      ['_mgr', '_typ', '_metadata', 'attrs', '_flags', ...extraKeys],
      [COMPUTED, 'dataframe', { k: K.List } as PyVal, EMPTY, EMPTY, ...extraVals],
    );
  const cases: [string, PyVal, boolean][] = [
    ['None (the lookup raises)', NONE, true],
    ['a DataFrame with the state pandas writes', frame(pandasState()), true],
    ['an old pickle (_data)', frame(dict(['_data', '_typ', '_metadata'], [COMPUTED, 'dataframe', NONE])), true],
    ['a state setting _constructor_sliced', frame(pandasState(['_constructor_sliced'], [COMPUTED])), false],
    ['a state setting _item_cache', frame(pandasState(['_item_cache'], [EMPTY])), false],
    ['a computed state key', frame(pandasState([COMPUTED], [1])), false],
    [
      'attrs made by a call (dict(attrs) calls its keys())',
      frame(dict(['_typ', 'attrs'], ['dataframe', COMPUTED])),
      false,
    ],
    ["_typ 'series'", frame(dict(['_typ'], ['series'])), false],
    ['a DataFrame never given its state', frame(undefined), false],
    ['a plain dict (any value under any name)', EMPTY, false],
    [
      'another class',
      frame(pandasState(), { k: K.Global, imp: { canonical: 'pandas.core.series.Series' } } as PyVal),
      false,
    ],
  ];
  for (const [name, f, ok] of cases) it(name, () => assert.equal(frameProblem(f) === undefined, ok));
  it('a formula of bare names or C(name) over a DataFrame with foreign state is refused', () => {
    const bad = frame(pandasState(['_constructor_sliced'], [COMPUTED]));
    for (const f of ['y ~ x', 'y ~ x + C(g)']) {
      assert.ok(modelDataStateProblem(dict(['restore_design_info', 'frame', 'formula'], [1, bad, f])), f);
      const good = frame(pandasState());
      assert.equal(modelDataStateProblem(dict(['restore_design_info', 'frame', 'formula'], [1, good, f])), undefined);
    }
  });
});

describe('pandas CustomBusiness* call shape', () => {
  const CBD = 'pandas._libs.tslibs.offsets.CustomBusinessDay';
  const t = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  const cases: [string, PyVal | undefined, boolean][] = [
    ['as pandas writes it (calendar None)', t(1, NONE, 'Mon Tue', t(), NONE, COMPUTED), true],
    ['no calendar argument', t(1), true],
    ['a calendar object', t(1, NONE, 'Mon Tue', NONE, COMPUTED), false],
    ['a str calendar', t(1, NONE, 'Mon Tue', NONE, 'x'), false],
    ['arguments added by a partial', undefined, false],
    ['nine arguments', t(1, 2, 3, 4, NONE, 6, 7, 8, 9), false],
  ];
  for (const [name, args, ok] of cases) it(name, () => assert.equal(callHookProblem(CBD, args) === undefined, ok));
  it('old spellings and the month offsets are checked too', () => {
    for (const c of ['pandas.tseries.offsets.CDay', 'pandas._libs.tslibs.offsets.CustomBusinessMonthEnd'])
      assert.ok(callHookProblem(c, t(1, NONE, 'Mon', NONE, COMPUTED)), c);
  });
});

describe('XGBModel state (XGBoost 0.47 - 1.0.2 load a non-Booster _Booster with Booster(model_file=...))', () => {
  const BOOSTER: PyVal = {
    k: K.Obj,
    callee: { k: K.Global, imp: { canonical: 'copyreg._reconstructor' } },
    args: { k: K.Tuple, items: [{ k: K.Global, imp: { canonical: 'xgboost.core.Booster' } }], more: 0 },
    call: undefined,
  } as PyVal;
  const OTHER: PyVal = {
    k: K.Obj,
    callee: { k: K.Global, imp: { canonical: 'numpy.str_' } },
    args: { k: K.Tuple, items: ['/etc/passwd'], more: 0 },
    call: undefined,
  } as PyVal;
  const cases: [string, PyVal, boolean][] = [
    ['a Booster', dict(['_Booster', 'n_estimators'], [BOOSTER, 2]), true],
    ['None (unfitted)', dict(['_Booster'], [NONE]), true],
    [
      'raw model bytes (the oldest releases)',
      dict(['_Booster'], [{ k: K.ByteArray, off: 0, len: 4, via: 'x' } as PyVal]),
      true,
    ],
    ['no _Booster', dict(['n_estimators'], [2]), true],
    ['a str: read as a model file path or URL', dict(['_Booster'], ['/etc/passwd']), false],
    ['an object of another class (a str subclass reads a path too)', dict(['_Booster'], [OTHER]), false],
    ['a computed key may be _Booster', dict([COMPUTED], ['/etc/passwd']), false],
    ['entries beyond the kept ones', dict(['a'], [1], 90), false],
    ['not a dict', { k: K.Unknown } as PyVal, false],
  ];
  for (const [name, state, ok] of cases)
    it(name, () => assert.equal(xgboostModelStateProblem(state) === undefined, ok));
  it('applies to every scikit-learn and Dask model class, not to the Booster', () => {
    for (const c of ['xgboost.sklearn.XGBClassifier', 'xgboost.sklearn.XGBModel', 'xgboost.dask.DaskXGBRegressor'])
      assert.ok(stateHookProblem(c, dict(['_Booster'], ['x'])), c);
    assert.equal(stateHookProblem('xgboost.core.Booster', dict(['_Booster'], ['x'])), undefined);
  });
});

describe('XGBModel state, end to end', () => {
  const model = (booster: (p: P) => P) => {
    const p = new P().proto(4).stackGlobal('xgboost.sklearn', 'XGBClassifier').emptyTuple().newobj();
    p.emptyDict().sbu('_Booster');
    return booster(p).setitem().build().stop().bytes();
  };
  it('a str _Booster is reported as the file read it makes', async () => {
    const r = await scanBytes(
      'm.pkl',
      model((p) => p.sbu('/etc/passwd')),
    );
    assert.ok(
      r.findings.some((f) => f.ruleId === 'PICKLE-EXEC' && f.evidence.signal.includes('_Booster')),
      r.findings.map((f) => `${f.ruleId}: ${f.evidence.signal}`).join('\n'),
    );
  });
  it('an unfitted model (None) passes, its evidence naming the XGBoost versions', async () => {
    const r = await scanBytes(
      'm.pkl',
      model((p) => p.none()),
    );
    assert.deepEqual(
      r.findings.filter((f) => f.severity !== 'INFO' && f.severity !== 'LOW').map((f) => f.ruleId),
      [],
    );
    const a = r.pickles.flatMap((x) => x.admitted ?? []).find((x) => x.name === 'xgboost.sklearn.XGBClassifier');
    assert.ok(a?.versions?.includes('xgboost 0.47 - v3.4.1'), JSON.stringify(a));
  });
});
