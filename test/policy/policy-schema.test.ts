// schemas/policy.schema.json is generated from the zod schema (drift fails); it accepts what the loader accepts
// on the starter policy, and `sentinel init`'s starter policy loads through the real loader.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatPolicyIssues, parsePolicy } from '../../src/policy/load-policy.js';
import { policyJsonSchema } from '../../src/policy/policy-schema.js';
import { starterPolicy } from '../../src/policy/starter-policy.js';
import { CATEGORIES } from '../../src/rules/index.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';

const FILE = join(import.meta.dirname, '..', '..', 'schemas', 'policy.schema.json');

describe('schemas/policy.schema.json', () => {
  it('matches the zod schema (regenerate: node --import tsx scripts/gen-schemas.ts)', () => {
    assert.deepEqual(JSON.parse(readFileSync(FILE, 'utf8')), policyJsonSchema());
  });

  const validate = compile2020(JSON.parse(readFileSync(FILE, 'utf8')));
  const table: [string, boolean][] = [
    ['category: PICKLE\nfail_on: [CRITICAL, HIGH]\nticket_on: [MEDIUM]\nretest: "x"', true],
    ['rules:\n  PICKLE-EXEC:\n    owner: a\n    fail_on: [CRITICAL, HIHG]', false],
    ['preset: moderate\nmax_acceptable_severity: SUSPICIOUS', true],
    ['preset: lax', false],
    ['bogus: 1', false],
    ['also_allow:\n  - mylib.Net\n  - name: a.B\n    justification: j', true],
    ['limits:\n  maxDepth: 3', true],
    ['limits:\n  maxBytes: 3', false],
  ];
  for (const [yaml, ok] of table) {
    it(`editor schema ${ok ? 'accepts' : 'rejects'}: ${yaml.split('\n')[0]}`, () => {
      assert.equal(validate(parse(yaml)), ok, errorsText(validate.errors));
      assert.equal(parsePolicy(yaml, 'p.yml').ok, ok, 'the loader agrees');
    });
  }
});

describe('starter policy (sentinel init)', () => {
  const text = starterPolicy();
  it('loads through the real loader and equals the default decisions', () => {
    const r = parsePolicy(text, 'sentinel-policy.yml');
    if (!r.ok) assert.fail(formatPolicyIssues('sentinel-policy.yml', r.issues));
    assert.equal(r.policy.preset, 'strict');
    assert.equal(r.policy.maxAcceptableSeverity, 'LIKELY_SAFE');
    assert.deepEqual(r.policy.defaults.failOn, ['CRITICAL', 'HIGH']);
    assert.deepEqual([...r.policy.categories.keys()], CATEGORIES);
  });
  it('validates against the published schema', () => {
    const validate = compile2020(JSON.parse(readFileSync(FILE, 'utf8')));
    assert.ok(validate(parse(text)), errorsText(validate.errors));
  });
  it('documents every top-level key (commented examples included)', () => {
    for (const key of Object.keys(policyJsonSchema()['properties'] as object)) {
      if (key === 'category') continue; // the seed single-block form; the starter uses `categories:`
      assert.match(text, new RegExp(`^#? ?${key}:`, 'm'), key);
    }
  });
});
