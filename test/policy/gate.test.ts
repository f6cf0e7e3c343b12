// Release decisions as case tables: policy + findings (+ pickle safety levels, acceptances, baseline) →
// per-finding decision and the gate verdict / exit code.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Finding, PickleVerdict } from '../../src/core/finding.js';
import type { SafetyLevel, Severity } from '../../src/core/severity.js';
import { applyPolicy, exitCode, type GateInput } from '../../src/policy/gate.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { DEFAULT_POLICY, withCliOverrides, type Policy } from '../../src/policy/policy.js';
import { ruleById, RULES } from '../../src/rules/index.js';

let n = 0;
function finding(
  ruleId: string,
  o: { severity?: Severity; file?: string; stream?: string; chain?: string[]; fp?: string } = {},
): Finding {
  const meta = ruleById(ruleId)!.meta;
  const file = o.file ?? 'models/a.pkl';
  const chain = o.chain ?? [file];
  return {
    ruleId,
    category: meta.category,
    severity: o.severity ?? meta.severity,
    title: meta.title,
    cwe: meta.cwe,
    owasp: meta.owasp,
    fpRisk: meta.fpRisk,
    owner: meta.owner,
    releaseDecision: meta.decision,
    retest: `sentinel artifact models --rule ${meta.category}`,
    fixHint: meta.fixHint,
    fix: meta.fix,
    location: { chain, offset: 3 },
    where: `${chain.join('!')}@3`,
    evidence: { signal: 'test signal' },
    ...(o.stream !== undefined ? { stream: o.stream } : {}),
    fingerprint: o.fp ?? (n++).toString(16).padStart(32, '0'),
  };
}

function pickle(where: string, safety: SafetyLevel): PickleVerdict {
  return { where, safety, opcodes: 3, imports: 1, context: 'pickle' };
}

function policy(yaml: string): Policy {
  const r = parsePolicy(yaml, 'p.yml');
  if (!r.ok) assert.fail(JSON.stringify(r.issues));
  return r.policy;
}

const ALL_RULES = RULES.map((r) => r.meta.id);

function run(p: Partial<GateInput> & { findings: Finding[] }) {
  return applyPolicy({
    pickles: [],
    files: [{ path: 'models/a.pkl', formats: ['pickle'], bytes: 10 }],
    rules: ALL_RULES,
    policy: DEFAULT_POLICY,
    today: '2025-06-01',
    ...p,
  });
}

describe('decisions by severity (seed CI policy: fail_on CRITICAL,HIGH; ticket_on MEDIUM)', () => {
  const table: [Severity, string, boolean][] = [
    ['CRITICAL', 'block', false],
    ['HIGH', 'gate', false],
    ['MEDIUM', 'ticket', true],
    ['LOW', 'pass', true],
    ['INFO', 'pass', true],
  ];
  for (const [severity, decision, passed] of table) {
    it(`${severity} → ${decision}, gate ${passed ? 'passes' : 'fails'}`, () => {
      const out = run({ findings: [finding('SCAN-INCOMPLETE', { severity })] });
      assert.equal(out.findings[0]!.decision, decision);
      assert.equal(out.gate.passed, passed);
      assert.equal(exitCode(out.gate, 0), passed ? 0 : 1);
    });
  }
});

describe('rule beats category beats default', () => {
  const p = policy(`
fail_on: [CRITICAL]
ticket_on: [HIGH]
categories:
  - category: PICKLE
    fail_on: [CRITICAL, HIGH, MEDIUM]
    owner: pickle-team
    retest: "make retest-pickle"
rules:
  PICKLE-STRUCT:
    fail_on: [CRITICAL]
    ticket_on: [HIGH]
    owner: struct-owner
`);
  const table: [string, Severity | undefined, string, RegExp, string, string][] = [
    [
      'SCAN-INCOMPLETE',
      'HIGH',
      'ticket',
      /in ticket_on \(default\)/,
      'AI/ML platform or model release owner',
      'sentinel artifact models --rule SCAN',
    ],
    [
      'SCAN-INCOMPLETE',
      'CRITICAL',
      'block',
      /in fail_on \(default\)/,
      'AI/ML platform or model release owner',
      'sentinel artifact models --rule SCAN',
    ],
    ['PICKLE-GLOBAL-IMPORT', 'HIGH', 'gate', /in fail_on \(category PICKLE\)/, 'pickle-team', 'make retest-pickle'],
    [
      'PICKLE-GLOBAL-IMPORT',
      'MEDIUM',
      'gate',
      /MEDIUM is in fail_on \(category PICKLE\)/,
      'pickle-team',
      'make retest-pickle',
    ],
    ['PICKLE-STRUCT', 'HIGH', 'ticket', /in ticket_on \(rule PICKLE-STRUCT\)/, 'struct-owner', 'make retest-pickle'],
    ['PICKLE-STRUCT', 'LOW', 'pass', /neither/, 'struct-owner', 'make retest-pickle'],
  ];
  for (const [rule, severity, decision, why, owner, retest] of table) {
    it(`${rule} ${severity} → ${decision}`, () => {
      const out = run({ findings: [finding(rule, severity ? { severity } : {})], policy: p });
      const f = out.findings[0]!;
      assert.equal(f.decision, decision);
      assert.match(f.decisionReason, why);
      assert.equal(f.owner, owner);
      assert.equal(f.retest, retest);
    });
  }

  it('--fail-on replaces fail_on at every level and drops those severities from ticket_on', () => {
    const cli = withCliOverrides(p, { failOn: ['CRITICAL'] });
    const out = run({ findings: [finding('PICKLE-GLOBAL-IMPORT'), finding('PICKLE-STRUCT')], policy: cli });
    assert.deepEqual(
      out.findings.map((f) => f.decision),
      ['ticket', 'ticket'],
      'HIGH stays in the default ticket_on',
    );
  });
});

describe('pickle threshold (the presets)', () => {
  const stream = 'models/a.pkl@0';
  // [preset flag, stream safety, decision of its HIGH finding, gate passes, over-threshold pickles]
  const table: [string, SafetyLevel, string, boolean, number][] = [
    ['strict', 'POSSIBLY_UNSAFE', 'gate', false, 1],
    ['moderate', 'POSSIBLY_UNSAFE', 'ticket', true, 0],
    ['moderate', 'SUSPICIOUS', 'gate', false, 1],
    ['permissive', 'SUSPICIOUS', 'ticket', true, 0],
    ['permissive', 'LIKELY_UNSAFE', 'gate', false, 1],
  ];
  for (const [preset, safety, decision, passed, over] of table) {
    it(`${preset}: a ${safety} pickle → its finding ${decision}, gate ${passed ? 'passes' : 'fails'}`, () => {
      const p = withCliOverrides(DEFAULT_POLICY, { preset: preset as 'strict' });
      const out = run({
        findings: [finding('PICKLE-GLOBAL-IMPORT', { stream })],
        pickles: [pickle(stream, safety)],
        policy: p,
      });
      assert.equal(out.findings[0]!.decision, decision);
      if (decision === 'ticket') assert.match(out.findings[0]!.decisionReason, /^accepted by threshold: pickle safety/);
      assert.equal(out.gate.passed, passed);
      assert.equal(out.gate.overThreshold.length, over);
      assert.equal(out.gate.thresholdAccepted, decision === 'ticket' ? 1 : 0);
    });
  }

  it('a pickle above the threshold fails the gate even when none of its findings is at fail_on', () => {
    const p = withCliOverrides(DEFAULT_POLICY, { failOn: ['CRITICAL'] });
    const out = run({
      findings: [finding('PICKLE-GLOBAL-IMPORT', { stream })],
      pickles: [pickle(stream, 'LIKELY_UNSAFE')],
      policy: p,
    });
    assert.equal(out.findings[0]!.decision, 'pass');
    assert.equal(out.gate.passed, false);
    assert.deepEqual(out.gate.overThreshold, [{ where: stream, safety: 'LIKELY_UNSAFE', context: 'pickle' }]);
    assert.deepEqual(out.gate.reasons, [
      'pickle models/a.pkl@0 is LIKELY_UNSAFE, above max_acceptable_severity LIKELY_SAFE',
    ]);
  });

  it('a pickle above the threshold with no finding at all fails closed', () => {
    const out = run({ findings: [], pickles: [pickle(stream, 'SUSPICIOUS')] });
    assert.equal(out.gate.passed, false);
  });

  it('--max-acceptable-severity beats the preset; a threshold never upgrades a pass', () => {
    const p = withCliOverrides(DEFAULT_POLICY, { preset: 'strict', maxAcceptableSeverity: 'LIKELY_UNSAFE' });
    const out = run({
      findings: [finding('PICKLE-GLOBAL-IMPORT', { stream, severity: 'LOW' })],
      pickles: [pickle(stream, 'LIKELY_UNSAFE')],
      policy: p,
    });
    assert.equal(out.findings[0]!.decision, 'pass');
    assert.equal(out.gate.passed, true);
  });

  it('only PICKLE findings are judged by the threshold', () => {
    const p = withCliOverrides(DEFAULT_POLICY, { preset: 'permissive' });
    const out = run({
      findings: [finding('SCAN-INCOMPLETE', { stream })],
      pickles: [pickle(stream, 'POSSIBLY_UNSAFE')],
      policy: p,
    });
    assert.equal(out.findings[0]!.decision, 'gate');
  });

  it('is not applied when no PICKLE rule ran (e.g. --rule SCAN)', () => {
    const out = run({
      findings: [],
      pickles: [pickle(stream, 'LIKELY_UNSAFE')],
      rules: ['SCAN-INCOMPLETE', 'ARCHIVE-TAMPER'],
    });
    assert.equal(out.gate.thresholdApplied, false);
    assert.equal(out.gate.passed, true);
  });

  it('a pickle whose findings (also on nested streams) are all accepted does not fail by threshold', () => {
    const nested = 'models/a.pkl!@40@0';
    const p = policy(`
acceptances:
  - rule: PICKLE-EXEC
    path: "models/*.pkl"
    owner: alice
    reason: sandboxed
    expires: 2025-12-31
`);
    const out = run({
      findings: [finding('PICKLE-EXEC', { stream: nested })],
      pickles: [pickle(stream, 'OVERTLY_MALICIOUS'), pickle(nested, 'OVERTLY_MALICIOUS')],
      policy: p,
    });
    assert.equal(out.findings[0]!.decision, 'pass');
    assert.deepEqual(out.gate.overThreshold, []);
    assert.equal(out.gate.passed, true);
  });
});

describe('acceptances', () => {
  const accept = (extra: string, expires = '2025-06-30'): Policy =>
    policy(`acceptances:\n  - ${extra}\n    owner: alice\n    reason: "vetted by security"\n    expires: ${expires}\n`);
  const fp = 'ab'.repeat(16);

  const table: [string, string, string, boolean, boolean | undefined][] = [
    ['by fingerprint, valid', `fingerprint: ${fp}`, '2025-06-30', true, false],
    ['valid through its last day', `fingerprint: ${fp}`, '2025-06-01', true, false],
    ['expired the day before', `fingerprint: ${fp}`, '2025-05-31', false, true],
    ['other fingerprint', `fingerprint: ${'cd'.repeat(16)}`, '2025-06-30', false, undefined],
    ['rule + glob', 'rule: PICKLE-EXEC\n    path: "models/**"', '2025-06-30', true, false],
    ['rule + ** glob at any depth', 'rule: PICKLE-EXEC\n    path: "**/a.pkl"', '2025-06-30', true, false],
    ['rule + glob, other rule', 'rule: PICKLE-STRUCT\n    path: "models/**"', '2025-06-30', false, undefined],
    ['rule + glob, other path', 'rule: PICKLE-EXEC\n    path: "data/*.pkl"', '2025-06-30', false, undefined],
    [
      'fingerprint + rule must both match',
      `fingerprint: ${fp}\n    rule: PICKLE-STRUCT`,
      '2025-06-30',
      false,
      undefined,
    ],
  ];
  for (const [name, entry, expires, passed, expired] of table) {
    it(`${name} → gate ${passed ? 'passes' : 'fails'}`, () => {
      const out = run({ findings: [finding('PICKLE-EXEC', { fp })], policy: accept(entry, expires) });
      const f = out.findings[0]!;
      assert.equal(out.gate.passed, passed);
      assert.equal(f.accepted?.expired, expired);
      if (expired === false) {
        assert.equal(f.decision, 'pass');
        assert.match(f.decisionReason, /^risk accepted by alice until 2025-\d\d-\d\d: vetted by security$/);
        assert.equal(out.gate.accepted, 1);
      }
      if (expired === true) {
        assert.equal(f.decision, 'block', 'an expired acceptance does not suppress');
        assert.match(f.decisionReason, /^acceptance by alice expired on 2025-05-31; CRITICAL is in fail_on/);
        assert.equal(out.gate.expiredAcceptances, 1);
        assert.match(out.gate.reasons[0]!, /1 of them with an expired acceptance/);
      }
      assert.equal(out.unusedAcceptances.length, expired === undefined ? 1 : 0);
    });
  }

  it('globs match absolute scanned paths relative to the working directory', () => {
    const out = run({
      findings: [finding('PICKLE-EXEC', { file: '/repo/models/a.pkl' })],
      policy: accept('rule: PICKLE-EXEC\n    path: "models/*.pkl"'),
      cwd: '/repo',
    });
    assert.equal(out.gate.passed, true);
    const outside = run({
      findings: [finding('PICKLE-EXEC', { file: '/elsewhere/models/a.pkl' })],
      policy: accept('rule: PICKLE-EXEC\n    path: "models/*.pkl"'),
      cwd: '/repo',
    });
    assert.equal(outside.gate.passed, false);
  });

  it('a valid acceptance wins over an expired one for the same finding', () => {
    const p = policy(`
acceptances:
  - fingerprint: ${fp}
    owner: old
    reason: first
    expires: 2024-01-01
  - rule: PICKLE-EXEC
    path: "models/**"
    owner: new
    reason: renewed
    expires: 2026-01-01
`);
    const out = run({ findings: [finding('PICKLE-EXEC', { fp })], policy: p });
    assert.equal(out.findings[0]!.accepted?.owner, 'new');
    assert.equal(out.gate.passed, true);
  });
});

describe('baseline: only new findings fail; closed findings are listed', () => {
  const a = finding('PICKLE-EXEC', { fp: '1'.repeat(32) });
  const b = finding('PICKLE-GLOBAL-IMPORT', { fp: '2'.repeat(32) });
  const baseline = {
    source: 'prev.json',
    findings: [
      { fingerprint: a.fingerprint, ruleId: 'PICKLE-EXEC', file: 'models/a.pkl' },
      { fingerprint: '3'.repeat(32), ruleId: 'PICKLE-STRUCT', where: 'models/a.pkl@9', file: 'models/a.pkl' },
      { fingerprint: '4'.repeat(32), ruleId: 'PICKLE-EXEC', file: 'models/gone.pkl' },
      { fingerprint: '5'.repeat(32), ruleId: 'ARCHIVE-TAMPER', file: 'models/b.zip' },
      { fingerprint: '6'.repeat(32), ruleId: 'PICKLE-EXEC', file: '/other/checkout/models/a.pkl' },
    ],
  };

  it('existing findings become tickets, new ones keep their decision', () => {
    const out = run({ findings: [a, b], baseline });
    assert.deepEqual(
      out.findings.map((f) => [f.baseline, f.decision]),
      [
        ['existing', 'ticket'],
        ['new', 'gate'],
      ],
    );
    assert.match(out.findings[0]!.decisionReason, /^existing in baseline \(not new\); would be block/);
    assert.equal(out.gate.passed, false);
    assert.deepEqual(out.gate.baseline, { source: 'prev.json', new: 1, existing: 1, closed: 4 });
    assert.match(out.gate.reasons[0]!, /^1 new finding\(s\) at fail_on/);
  });

  it('passes when nothing is new', () => {
    const out = run({ findings: [a], baseline });
    assert.equal(out.gate.passed, true);
  });

  it('closure evidence: gone from a fully rescanned file, not rescanned, or rescan incomplete', () => {
    const out = run({ findings: [a], baseline, rules: ALL_RULES.filter((r) => r !== 'ARCHIVE-TAMPER') });
    assert.deepEqual(
      out.closed.map((c) => [c.fingerprint[0], c.closure]),
      [
        ['3', 'signal-gone'],
        ['4', 'file-not-scanned'],
        ['6', 'signal-gone'],
      ],
      'ARCHIVE-TAMPER did not run, so its baseline finding is not claimed closed',
    );
    const incomplete = run({ findings: [a, finding('SCAN-INCOMPLETE')], baseline });
    assert.equal(incomplete.closed.find((c) => c.fingerprint[0] === '3')?.closure, 'rescan-incomplete');
  });

  it('a file that no longer exists closes its findings as file-removed, not as file-not-scanned', () => {
    const out = run({ findings: [a], baseline, removedFiles: new Set(['models/gone.pkl']) });
    assert.equal(out.closed.find((c) => c.fingerprint[0] === '4')?.closure, 'file-removed');
    // A removed-file set that does not name the file (it exists, out of scope) leaves it not scanned.
    const other = run({ findings: [a], baseline, removedFiles: new Set(['models/other.pkl']) });
    assert.equal(other.closed.find((c) => c.fingerprint[0] === '4')?.closure, 'file-not-scanned');
  });

  it('an expired acceptance on an existing finding still fails', () => {
    const p = policy(
      `acceptances:\n  - fingerprint: ${a.fingerprint}\n    owner: o\n    reason: r\n    expires: 2025-01-01\n`,
    );
    const out = run({ findings: [a], baseline, policy: p });
    assert.equal(out.findings[0]!.decision, 'block');
    assert.equal(out.gate.passed, false);
  });

  it('a pickle above the threshold whose findings are all existing does not fail', () => {
    const s = 'models/a.pkl@0';
    const old = finding('PICKLE-GLOBAL-IMPORT', { fp: '7'.repeat(32), stream: s });
    const out = run({
      findings: [old],
      pickles: [pickle(s, 'LIKELY_UNSAFE')],
      baseline: { source: 'b', findings: [{ fingerprint: old.fingerprint, ruleId: old.ruleId }] },
    });
    assert.equal(out.gate.passed, true);
  });
});

describe('exit codes', () => {
  const table: [boolean, number, number][] = [
    [true, 0, 0],
    [true, 2, 2],
    [false, 0, 1],
    [false, 3, 1],
  ];
  for (const [passed, errors, code] of table) {
    it(`gate ${passed ? 'passed' : 'failed'} with ${errors} tool error(s) → ${code}`, () => {
      const out = run({ findings: passed ? [] : [finding('PICKLE-EXEC')] });
      assert.equal(exitCode(out.gate, errors), code);
    });
  }
});

describe('test code (pytest layout)', () => {
  const inTests = (): Finding => {
    const f = finding('DESER-NETWORK-INPUT', { file: 'tests/test_api.py' });
    return { ...f, evidence: { ...f.evidence, details: { testCode: true } } };
  };
  it('a CRITICAL finding in test code is a ticket by default, and says why', () => {
    const out = run({ findings: [inTests()] });
    assert.equal(out.findings[0]!.decision, 'ticket');
    assert.match(out.findings[0]!.decisionReason, /test code.*test_code: gate.*would be block/);
    assert.equal(out.gate.passed, true);
  });
  it('test_code: gate decides it by severity', () => {
    const out = run({ findings: [inTests()], policy: policy('test_code: gate\n') });
    assert.equal(out.findings[0]!.decision, 'block');
    assert.equal(out.gate.passed, false);
  });
  it('test_code takes ticket or gate only', () => {
    const r = parsePolicy('test_code: pass\n', 'p.yml');
    assert.equal(r.ok, false);
  });
});
