// sentinel-policy.yml loading: the seed's block form, several categories, per-rule overrides, thresholds,
// extensions, acceptances and limits; every error path-addressed with its line:column.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatPolicyIssues, parsePolicy, type PolicyIssue } from '../../src/policy/load-policy.js';
import type { Policy } from '../../src/policy/policy.js';

function ok(text: string): Policy {
  const r = parsePolicy(text, 'p.yml');
  if (!r.ok) assert.fail(formatPolicyIssues('p.yml', r.issues));
  return r.policy;
}

function issues(text: string): readonly PolicyIssue[] {
  const r = parsePolicy(text, 'p.yml');
  assert.equal(r.ok, false, 'expected the policy to be rejected');
  return r.ok ? [] : r.issues;
}

describe('valid policies', () => {
  it('the block form (the CI policy layout) sets that category', () => {
    const p = ok(
      'category: PICKLE\nfail_on:\n- CRITICAL\n- HIGH\nticket_on:\n- MEDIUM\nretest: "sentinel artifact ./models/ --rule PICKLE"\n',
    );
    assert.deepEqual(p.categories.get('PICKLE'), {
      failOn: ['CRITICAL', 'HIGH'],
      ticketOn: ['MEDIUM'],
      retest: 'sentinel artifact ./models/ --rule PICKLE',
    });
    assert.deepEqual(p.defaults.failOn, ['CRITICAL', 'HIGH']);
    assert.equal(p.preset, 'strict');
    assert.equal(p.maxAcceptableSeverity, 'LIKELY_SAFE');
    assert.equal(p.thresholdFrom, 'preset');
  });

  it('several categories in one file, rules, and top-level defaults', () => {
    const p = ok(`
fail_on: [CRITICAL]
ticket_on: [HIGH, MEDIUM]
categories:
  - category: PICKLE
    fail_on: [CRITICAL, HIGH]
  - category: SCAN
    ticket_on: [HIGH]
    owner: "platform"
rules:
  PICKLE-EXEC:
    owner: "AI/ML platform or model release owner"
    fail_on: ["CRITICAL", "HIGH"]
    retest: "sentinel artifact ./models/ --rule PICKLE"
`);
    assert.deepEqual(p.defaults.failOn, ['CRITICAL']);
    assert.deepEqual(p.defaults.ticketOn, ['HIGH', 'MEDIUM']);
    assert.deepEqual(p.categories.get('PICKLE')?.failOn, ['CRITICAL', 'HIGH']);
    assert.equal(p.categories.get('SCAN')?.owner, 'platform');
    assert.equal(p.rules.get('PICKLE-EXEC')?.owner, 'AI/ML platform or model release owner');
  });

  it('an empty file or a comment-only file is the default policy', () => {
    for (const text of ['', '# nothing\n', '---\n']) {
      const p = ok(text);
      assert.deepEqual(p.defaults.failOn, ['CRITICAL', 'HIGH']);
      assert.equal(p.acceptances.length, 0);
    }
  });

  const thresholds: [string, string, string, string][] = [
    ['preset: moderate', 'moderate', 'POSSIBLY_UNSAFE', 'policy'],
    ['preset: permissive', 'permissive', 'SUSPICIOUS', 'policy'],
    ['max_acceptable_severity: LIKELY_UNSAFE', 'strict', 'LIKELY_UNSAFE', 'policy'],
    ['preset: permissive\nmax_acceptable_severity: POSSIBLY_UNSAFE', 'permissive', 'POSSIBLY_UNSAFE', 'policy'],
  ];
  for (const [text, preset, max, from] of thresholds) {
    it(`threshold: ${text.replace('\n', ' + ')} → ${max}`, () => {
      const p = ok(text);
      assert.equal(p.preset, preset);
      assert.equal(p.maxAcceptableSeverity, max);
      assert.equal(p.thresholdFrom, from);
    });
  }

  it('also_allow: a bare string gets the default justification (the allowlist-extension rules); canonical names are stored', () => {
    const p = ok(`
also_allow:
  - mylib.layers.Residual
  - name: other.Model
    justification: "rebuilt from tensors only"
torch_safe_globals:
  - name: mylib.Config
    justification: "dataclass of floats"
`);
    assert.deepEqual(
      [...p.alsoAllow],
      [
        ['mylib.layers.Residual', { reason: 'Import explicitly allowed by user', source: 'policy' }],
        ['other.Model', { reason: 'rebuilt from tensors only', source: 'policy' }],
      ],
    );
    assert.deepEqual([...p.torchSafeGlobals], [['mylib.Config', 'dataclass of floats']]);
  });

  it('acceptances by fingerprint or rule + path, and limits', () => {
    const p = ok(`
acceptances:
  - fingerprint: 0123456789abcdef0123456789abcdef
    owner: alice
    reason: vetted
    expires: 2030-01-31
  - rule: PICKLE-GLOBAL-IMPORT
    path: "models/legacy/**"
    owner: bob
    reason: legacy
    expires: "2030-02-28"
limits:
  maxDepth: 4
  maxEntryBytes: 1048576
`);
    assert.equal(p.acceptances.length, 2);
    assert.equal(p.acceptances[0]!.fingerprint, '0123456789abcdef0123456789abcdef');
    assert.equal(p.acceptances[1]!.path, 'models/legacy/**');
    assert.equal(p.acceptances[1]!.expires, '2030-02-28');
    assert.deepEqual(p.limits, { maxDepth: 4, maxEntryBytes: 1048576 });
  });
});

describe('errors are path-addressed with line and column', () => {
  const cases: { name: string; text: string; path: string; message: RegExp; line?: number }[] = [
    {
      name: 'unknown severity in a rule',
      text: 'rules:\n  PICKLE-EXEC:\n    fail_on: [CRITICAL, HIHG]\n',
      path: 'rules.PICKLE-EXEC.fail_on[1]',
      message: /^unknown severity "HIHG" \(expected CRITICAL, HIGH, MEDIUM, LOW, INFO\)$/,
      line: 3,
    },
    {
      name: 'lower-case severity',
      text: 'fail_on:\n  - critical\n',
      path: 'fail_on[0]',
      message: /unknown severity "critical"/,
      line: 2,
    },
    {
      name: 'unknown top-level key',
      text: 'fail_on: [HIGH]\nfial_on: [HIGH]\n',
      path: 'fial_on',
      message: /^unknown key "fial_on" \(expected .*fail_on/,
      line: 2,
    },
    {
      name: 'unknown rule ID',
      text: 'rules:\n  PICKLE-EXECC:\n    owner: x\n',
      path: 'rules.PICKLE-EXECC',
      message: /unknown rule "PICKLE-EXECC"/,
      line: 2,
    },
    {
      name: 'unknown key in a rule',
      text: 'rules:\n  PICKLE-EXEC:\n    onwer: x\n',
      path: 'rules.PICKLE-EXEC.onwer',
      message: /unknown key "onwer" \(expected fail_on, ticket_on, retest, owner\)/,
      line: 3,
    },
    {
      name: 'unknown category',
      text: 'categories:\n  - category: PICKEL\n',
      path: 'categories[0].category',
      message: /unknown category "PICKEL"/,
      line: 2,
    },
    {
      name: 'unknown preset',
      text: 'preset: lax\n',
      path: 'preset',
      message: /unknown preset "lax" \(expected strict, moderate, permissive\)/,
      line: 1,
    },
    {
      name: 'unknown safety level',
      text: 'max_acceptable_severity: SAFE\n',
      path: 'max_acceptable_severity',
      message: /unknown safety level "SAFE"/,
      line: 1,
    },
    {
      name: 'severity in both fail_on and ticket_on',
      text: 'category: PICKLE\nfail_on: [HIGH]\nticket_on: [MEDIUM, HIGH]\n',
      path: 'ticket_on[1]',
      message: /HIGH is also in fail_on/,
      line: 3,
    },
    {
      name: 'a severity listed twice',
      text: 'fail_on: [HIGH, HIGH]\n',
      path: 'fail_on',
      message: /listed twice/,
      line: 1,
    },
    {
      name: 'two blocks for one category',
      text: 'category: PICKLE\ncategories:\n  - category: PICKLE\n',
      path: 'categories[0].category',
      message: /category PICKLE has two blocks/,
      line: 3,
    },
    {
      name: 'acceptance without fingerprint or rule+path',
      text: 'acceptances:\n  - rule: PICKLE-EXEC\n    owner: a\n    reason: r\n    expires: 2030-01-01\n',
      path: 'acceptances[0]',
      message: /needs a fingerprint, or both rule and path/,
      line: 2,
    },
    {
      name: 'acceptance with a bad date',
      text: 'acceptances:\n  - fingerprint: 0123456789abcdef\n    owner: a\n    reason: r\n    expires: 2030-02-30\n',
      path: 'acceptances[0].expires',
      message: /not a calendar date/,
      line: 5,
    },
    {
      name: 'acceptance missing its owner',
      text: 'acceptances:\n  - fingerprint: 0123456789abcdef\n    reason: r\n    expires: 2030-02-01\n',
      path: 'acceptances[0].owner',
      message: /expected string/,
    },
    {
      name: 'acceptance glob with an unclosed brace',
      text: 'acceptances:\n  - rule: PICKLE-EXEC\n    path: "models/{a,b"\n    owner: a\n    reason: r\n    expires: 2030-01-01\n',
      path: 'acceptances[0].path',
      message: /unclosed "\{"/,
      line: 3,
    },
    {
      name: 'unknown limit',
      text: 'limits:\n  maxBytes: 5\n',
      path: 'limits.maxBytes',
      message: /unknown key "maxBytes" \(expected maxDepth, /,
      line: 2,
    },
    {
      name: 'negative limit',
      text: 'limits:\n  maxDepth: -1\n',
      path: 'limits.maxDepth',
      message: /must be > 0/,
      line: 2,
    },
    {
      name: 'also_allow entry of the wrong type',
      text: 'also_allow:\n  - 42\n',
      path: 'also_allow[0]',
      message: /expected "module\.name" or \{name/,
      line: 2,
    },
    {
      name: 'also_allow object without justification',
      text: 'also_allow:\n  - name: mylib.Net\n',
      path: 'also_allow[0]',
      message: /expected "module\.name" or \{name/,
      line: 2,
    },
    {
      name: 'a document that is not a mapping',
      text: '- a\n- b\n',
      path: '',
      message: /must be a mapping/,
      line: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = issues(c.text);
      const hit = got.find((i) => i.path === c.path && c.message.test(i.message));
      assert.ok(hit, `no issue at ${c.path} matching ${c.message}; got ${JSON.stringify(got)}`);
      if (c.line !== undefined) assert.equal(hit.line, c.line, JSON.stringify(hit));
    });
  }

  it('duplicate keys are YAML errors with their line', () => {
    const got = issues('fail_on: [HIGH]\nrules:\n  PICKLE-EXEC:\n    owner: a\n    owner: b\n');
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /DUPLICATE_KEY/);
    assert.equal(got[0]!.line, 5);
  });

  it('unknown tags (e.g. !!python/object) are refused, not turned into strings', () => {
    const got = issues('retest: !!python/object:os.system x\n');
    assert.match(got[0]!.message, /TAG_RESOLVE_FAILED|Unresolved tag/);
  });

  it('syntax errors carry a position', () => {
    const got = issues('fail_on: [HIGH\nrules: {\n');
    assert.ok(got.length > 0);
    assert.ok(got[0]!.line !== undefined);
  });

  it('formatPolicyIssues prints file:line:col: path: message', () => {
    const r = parsePolicy('rules:\n  PICKLE-EXEC:\n    fail_on: [CRITICAL, HIHG]\n', 'sentinel-policy.yml');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(
        formatPolicyIssues('sentinel-policy.yml', r.issues),
        'sentinel-policy.yml:3:25: rules.PICKLE-EXEC.fail_on[1]: unknown severity "HIHG" (expected CRITICAL, HIGH, MEDIUM, LOW, INFO)',
      );
    }
  });

  it('reports every problem at once', () => {
    const got = issues('preset: lax\nfail_on: [HIHG]\nbogus: 1\n');
    assert.deepEqual(got.map((i) => i.path).sort(), ['bogus', 'fail_on[0]', 'preset']);
  });
});
