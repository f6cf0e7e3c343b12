// SARIF 2.1.0 output validated against the official OASIS schema (test/fixtures/sarif/, see PROVENANCE.md), for the
// sample report and for real CLI output, plus the code-scanning conventions the schema cannot check.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { artifactUri, renderSarif } from '../../src/report/sarif.js';
import { cli } from '../helpers/cli.js';
import { compileDraft04, errorsText } from '../helpers/json-schema.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';
import { sampleReport } from '../helpers/sample-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF logs are inspected as plain JSON */

let validate: ValidateFunction;
let report: SentinelReport;
let log: any;
let dir: string;

before(async () => {
  validate = compileDraft04(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')),
  );
  report = await sampleReport();
  log = JSON.parse(renderSarif(report, { docsBaseUri: 'https://example.com/docs/rules/' }));
  dir = mkdtempSync(join(tmpdir(), 'sentinel-sarif-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertValid(data: unknown): void {
  assert.ok(validate(data), errorsText(validate.errors));
}

describe('schema validation (official SARIF 2.1.0 JSON Schema)', () => {
  it('the sample report is a valid SARIF log', () => assertValid(log));

  it('real CLI output is valid, and nothing but the log is on stdout', async () => {
    writeFileSync(join(dir, 'evil.pkl'), evilPickle());
    writeFileSync(join(dir, 'odd name #1.pkl'), new P().proto(4).stackGlobal('mylib', 'Net').stop().bytes());
    writeFileSync(join(dir, 'load.py'), 'import torch\n\nmodel = torch.load("m.pt")\n');
    const r = await cli(['artifact', dir, '--format', 'sarif']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assertValid(out);
    assert.deepEqual(out.runs[0].results.map((x: any) => x.ruleId).sort(), [
      'PICKLE-EXEC',
      'PICKLE-GLOBAL-IMPORT',
      'TORCH-LOAD-UNTRUSTED',
    ]);
    // Source code: the region is the line and column of the call.
    const code = out.runs[0].results.find((x: any) => x.ruleId === 'TORCH-LOAD-UNTRUSTED');
    assert.equal(code.locations[0].physicalLocation.region.startLine, 3);
    assert.ok(code.locations[0].physicalLocation.region.startColumn >= 1);
    assert.equal(r.stderr, '');
  });

  it('a cross-file DESER finding carries its data path as a codeFlow (source, each hop, sink)', async () => {
    const project = join(import.meta.dirname, '..', 'fixtures', 'deser-projects', 'serde-chain', 'vulnerable');
    const r = await cli(['artifact', project, '--rule', 'DESER', '--format', 'sarif']);
    const out = JSON.parse(r.stdout);
    assertValid(out);
    const res = out.runs[0].results.find((x: any) => x.ruleId === 'DESER-NETWORK-INPUT');
    const steps = res.codeFlows[0].threadFlows[0].locations.map(
      (l: any) =>
        `${l.location.physicalLocation.artifactLocation.uri.split('/').slice(-2).join('/')}:${l.location.physicalLocation.region.startLine}`,
    );
    assert.deepEqual(steps, ['svc/server.py:10', 'svc/server.py:11', 'svc/worker.py:5', 'svc/serde.py:7']);
    assert.deepEqual(res.codeFlows[0].threadFlows[0].locations[2].kinds, ['call', 'taint']);
  });

  it('the validator rejects a broken log (the test can fail)', () => {
    const broken = structuredClone(log);
    delete broken.runs[0].tool.driver.name;
    broken.runs[0].results[0].level = 'fatal';
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(broken), false);
    const text = errorsText(validate.errors);
    assert.match(text, /\/runs\/0\/tool\/driver must have required property 'name'/);
    assert.match(text, /level must be equal to one of the allowed values/);
    assert.match(text, /startLine must be >= 1/);
  });
});

describe('code-scanning conventions', () => {
  it('rules come from metadata with help, helpUri, CWE tags, precision and security-severity', () => {
    const rules = log.runs[0].tool.driver.rules;
    assert.deepEqual(
      rules.map((r: any) => r.id),
      report.rules,
    );
    const exec = rules.find((r: any) => r.id === 'PICKLE-EXEC');
    assert.equal(exec.name, 'DangerousPickleExecution');
    assert.equal(exec.shortDescription.text, 'Dangerous Pickle Execution');
    assert.equal(exec.helpUri, 'https://example.com/docs/rules/PICKLE-EXEC.md');
    assert.match(exec.help.markdown, /^# PICKLE-EXEC — Dangerous Pickle Execution/);
    assert.match(exec.help.text, /Retest: sentinel scan/);
    assert.deepEqual(exec.properties.tags, ['security', 'pickle', 'external/cwe/cwe-502']);
    assert.equal(exec.properties['security-severity'], '9.5');
    assert.equal(exec.properties.precision, 'high');
    const imp = rules.find((r: any) => r.id === 'PICKLE-GLOBAL-IMPORT');
    assert.deepEqual(imp.properties.tags, ['security', 'pickle', 'external/cwe/cwe-502', 'external/cwe/cwe-829']);
    assert.equal(imp.properties['security-severity'], '8.0');
    assert.equal(imp.defaultConfiguration.level, 'error');
  });

  it('no helpUri unless a docs URL is given', () => {
    const plain = JSON.parse(renderSarif(report));
    assert.ok(plain.runs[0].tool.driver.rules.every((r: any) => r.helpUri === undefined));
  });

  it('every result points at its rule, carries a partial fingerprint and a level from its decision', () => {
    const rules = log.runs[0].tool.driver.rules;
    for (const [i, res] of log.runs[0].results.entries()) {
      const f = report.findings[i]!;
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.deepEqual(res.partialFingerprints, { 'sentinelFingerprint/v1': f.fingerprint });
      const level =
        f.decision === 'block' || f.decision === 'gate' ? 'error' : f.decision === 'ticket' ? 'warning' : 'note';
      assert.equal(res.level, level);
      assert.equal(res.properties.decisionReason, f.decisionReason);
    }
  });

  it('locations: relative URI, byteOffset for top-level files, logical location for container chains', () => {
    const results = log.runs[0].results;
    const evil = results.find((r: any) => r.ruleId === 'PICKLE-EXEC');
    assert.deepEqual(evil.locations[0].physicalLocation, {
      artifactLocation: { uri: 'models/evil.pkl', uriBaseId: 'SRCROOT' },
      region: { startLine: 1, byteOffset: 17 },
    });
    const deep = results.find((r: any) => r.ruleId === 'SCAN-INCOMPLETE');
    assert.deepEqual(deep.locations[0].physicalLocation.region, { startLine: 1 });
    assert.deepEqual(deep.locations[0].logicalLocations, [
      { fullyQualifiedName: 'models/deep.pkl.gz![gzip]', name: '[gzip]', kind: 'member' },
    ]);
  });

  it('accepted findings are suppressions with their justification; expired ones are rejected suppressions', () => {
    const results = log.runs[0].results;
    const accepted = results.find((r: any) => r.properties.where === 'models/custom.pkl@26');
    assert.deepEqual(accepted.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'in-house layer, reviewed in SEC-123 (accepted by ml-platform@example.com until 2025-12-31)',
      },
    ]);
    const expired = results.find((r: any) => r.properties.where.startsWith('models/hostile.pkl'));
    assert.equal(expired.suppressions[0].status, 'rejected');
    assert.match(expired.suppressions[0].justification, /^EXPIRED on 2025-01-31: /);
    const plain = results.find((r: any) => r.ruleId === 'SCAN-INCOMPLETE');
    assert.equal(plain.suppressions, undefined);
  });

  it('baseline state and closed findings', () => {
    const results = log.runs[0].results;
    assert.deepEqual(
      results.map((r: any) => r.baselineState),
      report.findings.map((f) => (f.baseline === 'existing' ? 'unchanged' : 'new')),
    );
    assert.equal(log.runs[0].properties.closed.length, 2);
    assert.equal(log.runs[0].properties.gate.passed, false);
  });

  it('tool errors are execution notifications', () => {
    const inv = log.runs[0].invocations[0];
    assert.equal(inv.executionSuccessful, false);
    assert.equal(inv.exitCode, 1);
    assert.deepEqual(inv.toolExecutionNotifications, [
      { level: 'error', message: { text: 'models/unreadable.pkl: EACCES: permission denied' } },
    ]);
  });
});

describe('artifactUri', () => {
  const table: [string, string][] = [
    ['models/a.pkl', 'models/a.pkl'],
    ['./models/a.pkl', 'models/a.pkl'],
    ['models\\win\\a.pkl', 'models/win/a.pkl'],
    ['odd name #1%.pkl', 'odd%20name%20%231%25.pkl'],
    ['/abs/path/a.pkl', 'file:///abs/path/a.pkl'],
  ];
  for (const [path, uri] of table) it(`${path} → ${uri}`, () => assert.equal(artifactUri(path), uri));
});
