// Outside pickles against the allowlist packs: admitted names composed so that a hook's
// attribute lookup is answered by a class's own __getattr__/__getattribute__ from what the stream put in the object
// (statsmodels' ResultsWrapper forwards to its _results, torch's Module answers from its _buffers), and numpy.dtype
// given a comma string (numpy parses its repeat counts with ast.literal_eval). Each "block" file opened the path it
// chose, or had CPython compile its text, under the real pickle.load (scripts/fixtures/redteam.py, audit hook) and is
// blocked; each benign twin (the library's own pickle) passes. Lookup data: scripts/data/derive-lookup-hooks.py.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lookupAnsweredBy } from '../../src/analyzers/pickle/callable-effects.js';
import { checkDtypeSource, type EffectHost } from '../../src/analyzers/pickle/effect-checks.js';
import { K, type PyVal } from '../../src/analyzers/pickle/values.js';
import { scanPaths } from '../../src/scan/engine.js';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam');

interface Fixture {
  readonly file: string;
  readonly loader: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('red team: lookups a class answers from what the stream put in the object', () => {
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file), 240);
      const { blocking, why } = s;
      if (f.expect === 'pass') {
        assertPasses(s);
      } else assert.ok(blocking.length > 0, `${f.file} passes:\n${why}`);
    });
  }

  it('the finding names the lookup hook that answers', async () => {
    const r = await scanPaths([join(DIR, 'r1-results-wrapper-pop-week.pkl')]);
    assert.ok(
      r.findings.some((x) => x.evidence.signal.includes('statsmodels.base.wrapper.ResultsWrapper.__getattribute__')),
      r.findings.map((x) => x.evidence.signal).join('\n'),
    );
  });
});

describe('lookup hooks of admitted classes (derived)', () => {
  const WRAPPER = 'statsmodels.regression.linear_model.RegressionResultsWrapper';
  const cases: [string, string, string | undefined][] = [
    [WRAPPER, 'pop', 'statsmodels.base.wrapper.ResultsWrapper.__getattribute__'],
    [WRAPPER, 'add', 'statsmodels.base.wrapper.ResultsWrapper.__getattribute__'],
    // Its own methods are found on the class before the hook runs.
    [WRAPPER, '__setstate__', undefined],
    ['torch.nn.modules.activation.ReLU', 'pop', 'torch.nn.modules.module.Module.__getattr__'],
    // ModuleList defines pop/append/extend itself.
    ['torch.nn.modules.container.ModuleList', 'pop', undefined],
    // A name the derivation did not look for counts as lacking (fail closed).
    [WRAPPER, 'sentinel_never_derived', 'statsmodels.base.wrapper.ResultsWrapper.__getattribute__'],
    // Reviewed: scipy.sparse answers only its own names; NDFrame answers from data (not followed, see the script).
    ['scipy.sparse._csr.csr_matrix', 'pop', undefined],
    ['pandas.core.series.Series', 'join', undefined],
    // Classes without a lookup hook of their own.
    ['pandas._libs.tslibs.offsets.Week', 'pop', undefined],
    ['argparse.Namespace', 'pop', undefined],
  ];
  for (const [cls, name, hook] of cases) {
    it(`${cls}.${name}: ${hook ?? 'not answered by a hook'}`, () => assert.equal(lookupAnsweredBy(cls, name), hook));
  }
});

describe('numpy.dtype type strings', () => {
  const offShape = (arg: PyVal): string[] => {
    const seen: string[] = [];
    const host = { offShape: (m: string) => seen.push(m) } as unknown as EffectHost;
    checkDtypeSource(host, 'numpy.dtype', { k: K.Tuple, items: [arg, { k: K.False }, { k: K.True }], more: 0 });
    return seen;
  };
  // numpy's _check_for_commastring: a digit first (after an optional byte order), '()' first, a comma outside [].
  const cases: [PyVal, boolean][] = [
    ['f8', false],
    ['U7', false],
    ['V16', false],
    ['O8', false],
    ['M8[ns]', false],
    ['m8[1,2]', false],
    ['(2,3)i4', true],
    ['3f8', true],
    ['<3f8', true],
    ['()f8', true],
    ['i4,f8', true],
    [{ k: K.Str, off: 0, len: 5000, utf8: true }, true],
    [{ k: K.Dict, keys: ['names', 'formats'], vals: [{ k: K.List }, { k: K.List }], n: 2 }, true],
    [{ k: K.List }, true],
    [{ k: K.Unknown }, false],
    // numpy writes np.dtype(<scalar type>) for some dtypes (real numpy pickles with an np.matrix among other values).
    [{ k: K.Global, imp: { canonical: 'numpy.float64' } } as unknown as PyVal, false],
  ];
  for (const [arg, flagged] of cases) {
    it(`${typeof arg === 'string' ? JSON.stringify(arg) : JSON.stringify(arg).slice(0, 60)}: ${flagged ? 'off shape' : 'as numpy writes'}`, () =>
      assert.equal(offShape(arg).length, flagged ? 1 : 0));
  }
});
