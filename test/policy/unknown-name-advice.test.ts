// The advice on a name no pack admits: which library, which packs cover that library, and policy lines that do admit
// the name when a reviewer adds them (checked by loading them as a policy and scanning again).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { unknownNameAdvice } from '../../src/rules/unknown-name-advice.js';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

/** A pickle rebuilding `module.name` with NEWOBJ (the class is called). */
const rebuilds = (module: string, name: string): Uint8Array =>
  new P().proto(4).op(0x63, `${module}\n${name}\n`).op(0x29).op(0x81).stop().bytes();
/** A pickle that only references `module.name` (a stored class, never called). */
const references = (module: string, name: string): Uint8Array =>
  new P().proto(4).op(0x63, `${module}\n${name}\n`).stop().bytes();

const cases: [string, string, boolean, RegExp][] = [
  ['skorch.net', 'NeuralNet', true, /^skorch has no reviewed pack; .*call it with arguments/],
  ['hmmlearn.hmm', 'GaussianHMM', false, /^hmmlearn has no reviewed pack; .*rebuild it through its pickle hooks/],
  ['sklearn.no_such_module', 'Estimator', true, /^sklearn's reviewed packs \(.*scikit-learn .*\) do not list it/],
  ['gensim.no_such_module', 'Model', true, /^gensim's reviewed packs? \(.*gensim .*\) do(es)? not list it/],
];

describe('advice on a name outside every pack', () => {
  for (const [module, name, called, text] of cases) {
    it(`${module}.${name}: names the library and its packs, and the policy lines admit it`, async () => {
      const bytes = called ? rebuilds(module, name) : references(module, name);
      const plain = await scanBytes('m.pkl', bytes);
      const f = plain.findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT');
      assert.ok(f, 'the name is reported');
      const advice = unknownNameAdvice(`${module}.${name}`, called);
      assert.match(advice.text, text);
      assert.ok(f.evidence.signal.endsWith(advice.text), f.evidence.signal);
      assert.equal(f.evidence.details?.['library'], module.split('.')[0]);
      assert.equal(f.evidence.details?.['alsoAllow'], advice.alsoAllow);
      const policy = parsePolicy(advice.alsoAllow.replace(/"<[^>]*>"/, '"reviewed"'), 'p.yml');
      assert.ok(policy.ok, JSON.stringify(policy));
      if (!policy.ok) return;
      const admitted = await scanBytes('m.pkl', bytes, { extraAllow: policy.policy.alsoAllow });
      assert.deepEqual(
        admitted.findings.map((x) => x.ruleId),
        [],
      );
    });
  }
  it('a name refused by a pack keeps the pack reason, not the advice', async () => {
    const r = await scanBytes('m.pkl', rebuilds('builtins', 'eval'));
    assert.ok(!r.findings.some((x) => x.evidence.details?.['alsoAllow'] !== undefined));
  });
});
