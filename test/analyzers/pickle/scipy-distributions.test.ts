// scipy.stats distributions exec their pickled _parse_arg_template on unpickling (rv_generic.__setstate__): the
// template must be exactly what scipy generates, anything else is the exec it is (PICKLE-EXEC via builtins.exec).
// Fixtures: scripts/fixtures/scipy-distributions.py (real pickler, scipy 1.10).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  distributionStateProblem,
  isScipyDistributionClass,
  templateProblem,
} from '../../../src/analyzers/pickle/scipy-distributions.js';
import { K } from '../../../src/analyzers/pickle/values.js';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/scipy');
const UNIFORM =
  '\ndef _parse_args(self,  loc=0, scale=1):\n    return (), loc, scale\n\n' +
  'def _parse_args_rvs(self,  loc=0, scale=1, size=None):\n    return self._argcheck_rvs( loc, scale, size=size)\n\n' +
  "def _parse_args_stats(self,  loc=0, scale=1, moments='mv'):\n    return (), loc, scale, moments\n";
const RANDINT =
  '\ndef _parse_args(self, low, high,  loc=0):\n    return (low, high, ), loc, 1\n\n' +
  'def _parse_args_rvs(self, low, high,  loc=0, size=None):\n    return self._argcheck_rvs(low, high,  loc, 1, size=size)\n\n' +
  "def _parse_args_stats(self, low, high,  loc=0, moments='mv'):\n    return (low, high, ), loc, 1, moments\n";

describe('scipy _parse_arg_template', () => {
  const cases: [string, string, boolean][] = [
    ['continuous, no shapes (uniform)', UNIFORM, true],
    ['discrete, two shapes (randint)', RANDINT, true],
    ['code appended', UNIFORM + "__import__('os').system('id')\n", false],
    [
      'code in a default',
      UNIFORM.replace('loc=0, scale=1):\n    return', 'loc=0, scale=__import__("os")):\n    return'),
      false,
    ],
    ['a keyword as a shape name', RANDINT.replaceAll('low', 'lambda'), false],
    ['return value changed', UNIFORM.replace('return (), loc, scale\n', 'return print(1), loc, scale\n'), false],
    ['empty', '', false],
  ];
  for (const [name, t, ok] of cases) it(name, () => assert.equal(templateProblem(t) === undefined, ok));

  it('state shapes: plain dict checked, other containers refused, primitives harmless', () => {
    const dict = (keys: string[], vals: unknown[], n = keys.length) => ({ k: K.Dict, keys, vals, n }) as never;
    assert.equal(distributionStateProblem(dict(['a', '_parse_arg_template'], [1, UNIFORM])), undefined);
    assert.ok(distributionStateProblem(dict(['_parse_arg_template'], [UNIFORM + 'x=1\n'])));
    assert.ok(
      distributionStateProblem(dict(['_parse_arg_template', '_parse_arg_template'], [UNIFORM, UNIFORM + 'x\n'])),
    );
    assert.ok(distributionStateProblem(dict(['a'], [1], 70)), 'entries beyond the kept ones');
    assert.equal(distributionStateProblem(dict(['a'], [1])), undefined, 'no template: nothing of the pickle runs');
    assert.ok(distributionStateProblem({ k: K.Tuple, items: [], more: 0 } as never), 'a tuple of pairs can set it');
    assert.equal(distributionStateProblem('ab'), undefined);
  });

  it('the (ctor_param, random_state) state of scipy 1.0 - 1.5', () => {
    const dict = (keys: unknown[], vals: unknown[], n = keys.length) => ({ k: K.Dict, keys, vals, n }) as never;
    const old = (params: never, r: unknown = { k: K.Obj }) => ({ k: K.Tuple, items: [params, r], more: 0 }) as never;
    const NONE = { k: K.None };
    const norm = dict(
      ['momtype', 'a', 'b', 'xtol', 'badvalue', 'name', 'longname', 'shapes', 'extradoc', 'seed'],
      [1, { k: K.Float }, { k: K.Float }, { k: K.Float }, { k: K.Float }, 'norm', NONE, NONE, NONE, NONE],
    );
    const cases: [string, never, boolean][] = [
      ['norm as scipy 1.3 wrote it', old(norm), true],
      ['identifier shapes', old(dict(['a', 'b', 'shapes'], [0, 5, 'low, high'])), true],
      ['a keyword as a shape name', old(dict(['a', 'b', 'shapes'], [0, 5, 'low, lambda'])), false],
      ['code as a shape name', old(dict(['a', 'b', 'shapes'], [0, 5, 'x=__import__("os")'])), false],
      [
        'two entries (__dict__.update takes them as a name and a value)',
        old(dict(['name', 'shapes'], ['a', 'b'])),
        false,
      ],
      ['a parameter no constructor takes', old(dict(['a', 'b', '_parse_arg_template'], [0, 1, UNIFORM])), false],
      ['an object as a parameter', old(dict(['a', 'b', 'seed'], [0, 1, { k: K.Global }])), false],
      ['rv_sample values', old(dict(['a', 'b', 'values'], [0, 1, { k: K.Tuple, items: [], more: 0 }])), false],
      ['entries beyond the kept ones', old(dict(['a', 'b', 'name'], [0, 1, 'x'], 70)), false],
      ['item 1 a str', old(norm, 'x'), false],
    ];
    for (const [name, state, ok] of cases)
      assert.equal(distributionStateProblem(state) === undefined, ok, `${name}: ${distributionStateProblem(state)}`);
  });

  it('distribution classes', () => {
    for (const c of [
      'scipy.stats._continuous_distns.uniform_gen',
      'scipy.stats._discrete_distns.randint_gen',
      'scipy.stats._distn_infrastructure.rv_continuous',
      'scipy.stats._continuous_distns.rv_histogram',
    ])
      assert.ok(isScipyDistributionClass(c), c);
    for (const c of ['scipy.stats._distn_infrastructure.rv_continuous_frozen', 'scipy.sparse._csr.csr_matrix'])
      assert.ok(!isScipyDistributionClass(c), c);
  });
});

describe('real scipy pickles', () => {
  const execs = async (f: string) =>
    (await scanBytes(f, readFileSync(join(DIR, f)))).findings.filter(
      (x) => x.ruleId === 'PICKLE-EXEC' && String(x.evidence.signal).includes('builtins.exec'),
    ).length;
  for (const p of [2, 4, 5]) {
    it(`genuine distributions (protocol ${p}) exec nothing foreign and carry no dunder-state finding`, async () => {
      const r = await scanBytes('p.pkl', readFileSync(join(DIR, `param_distributions_p${p}.pkl`)));
      assert.equal(await execs(`param_distributions_p${p}.pkl`), 0);
      assert.ok(!r.findings.some((x) => String(x.evidence.signal).includes('special attribute')));
    });
  }
  it('an edited template is PICKLE-EXEC (builtins.exec via rv_generic.__setstate__)', async () => {
    assert.equal(await execs('tampered_template_p4.pkl'), 1);
  });
});
