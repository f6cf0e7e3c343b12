// `sentinel artifact`: exit codes, formats, rule filters, directory walks, and fail-closed error handling.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { P, evilPickle } from '../helpers/pickle-builder.js';
import { cli } from '../helpers/cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-'));
  mkdirSync(join(dir, 'models/sub'), { recursive: true });
  writeFileSync(join(dir, 'models/clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(dir, 'models/sub/evil.bin'), evilPickle());
  writeFileSync(join(dir, 'models/README.md'), '# models\n');
  writeFileSync(join(dir, 'models/config.json'), '{"a": 1}\n');
  writeFileSync(join(dir, 'clean.pkl'), new P().proto(2).none().stop().bytes());
  writeFileSync(join(dir, 'unknown.pkl'), new P().proto(4).stackGlobal('mylib', 'Net').stop().bytes());
  writeFileSync(join(dir, 'outside.pkl'), evilPickle());
  symlinkSync(join(dir, 'outside.pkl'), join(dir, 'models/link.pkl'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes', () => {
  it('0 when the gate passes', async () => {
    const r = await cli(['artifact', join(dir, 'clean.pkl')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Gate: PASSED/);
  });
  it('1 when a finding is at a fail-on severity', async () => {
    const r = await cli(['artifact', join(dir, 'models')]);
    assert.equal(r.code, 1);
  });
  it('--fail-on changes what fails the gate (the pickle threshold still judges the stream)', async () => {
    assert.equal((await cli(['artifact', join(dir, 'unknown.pkl')])).code, 1);
    // unknown.pkl is LIKELY_UNSAFE: above the strict threshold even when no finding is at fail_on.
    assert.equal((await cli(['artifact', join(dir, 'unknown.pkl'), '--fail-on', 'CRITICAL'])).code, 1);
    const relaxed = ['--fail-on', 'CRITICAL', '--max-acceptable-severity', 'LIKELY_UNSAFE'];
    assert.equal((await cli(['artifact', join(dir, 'unknown.pkl'), ...relaxed])).code, 0);
  });
  it('2 on usage errors', async () => {
    assert.equal((await cli(['artifact'])).code, 2);
    assert.equal((await cli(['artifact', dir, '--format', 'xml'])).code, 2);
    assert.equal((await cli(['artifact', dir, '--fail-on', 'HIHG'])).code, 2);
    assert.equal((await cli(['artifact', dir, '--rule', 'NOPE'])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
  });
  it("a missing path is the operator's error: exit 2 with one line on stderr, before any scan", async () => {
    const missing = join(dir, 'nope.pkl');
    const r = await cli(['artifact', missing, join(dir, 'models/sub/evil.bin'), '--format', 'json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `sentinel: ${missing}: no such file or directory\n`);
  });
});

describe('text output (seed format)', () => {
  it('prints rule, severity and decision, the title with what loading would do, the fix hint, then evidence', async () => {
    const r = await cli(['artifact', join(dir, 'models/sub/evil.bin')]);
    const lines = r.stdout.split('\n');
    const i = lines.indexOf('PICKLE-EXEC CRITICAL · blocks the release');
    assert.ok(i >= 0, r.stdout);
    assert.equal(lines[i + 1], 'Dangerous Pickle Execution: loading this file runs `os.system`');
    assert.equal(lines[i + 2], 'Do not load untrusted pickle files. Convert the artifact to a non-executable format.');
    assert.match(r.stdout, /evidence: {4}STACK_GLOBAL imports posix\.system \(= os\.system\)/);
    assert.match(r.stdout, /retest: {6}sentinel artifact .*evil\.bin --rule PICKLE/);
  });
  it('gives a retest command with the command word the user ran (scan, its alias artifact, or a bare path)', async () => {
    const evil = join(dir, 'models/sub/evil.bin');
    const retests = async (argv: string[]): Promise<string[]> =>
      (
        JSON.parse((await cli([...argv, '--format', 'json'])).stdout) as { findings: { retest: string }[] }
      ).findings.map((f) => f.retest);
    assert.deepEqual(await retests(['artifact', evil]), [`sentinel artifact ${evil} --rule PICKLE`]);
    assert.deepEqual(await retests(['scan', evil]), [`sentinel scan ${evil} --rule PICKLE`]);
    assert.deepEqual(await retests([evil]), [`sentinel scan ${evil} --rule PICKLE`]);
  });
  it('uses no colour when not on a TTY', async () => {
    const r = await cli(['artifact', join(dir, 'models/sub/evil.bin')]);
    assert.ok(!r.stdout.includes('\x1b['));
  });
});

describe('directory walks', () => {
  it('consider every file by content, ignore text, and report symlinks out of the root', async () => {
    const r = await cli(['artifact', join(dir, 'models'), '--format', 'json']);
    const j = JSON.parse(r.stdout);
    assert.equal(j.summary.files, 4); // clean.pkl, config.json, README.md, sub/evil.bin (the link is reported)
    const rules = j.findings.map((f: { ruleId: string; where: string }) => `${f.ruleId} ${f.where.slice(dir.length)}`);
    assert.deepEqual(rules.sort(), ['PICKLE-EXEC /models/sub/evil.bin@17', 'SCAN-INCOMPLETE /models/link.pkl'].sort());
  });
});

describe('JSON report', () => {
  it('is versioned and carries every record field, per-pickle safety and the gate', async () => {
    const r = await cli(['artifact', join(dir, 'models/sub/evil.bin'), '--format', 'json']);
    const j = JSON.parse(r.stdout);
    assert.equal(j.schemaVersion, '1.2.0');
    assert.equal(j.summary.exitCode, 1);
    assert.equal(j.summary.gate.passed, false);
    assert.equal(j.summary.worstSafety, 'OVERTLY_MALICIOUS');
    const f = j.findings[0];
    for (const k of [
      'ruleId',
      'severity',
      'title',
      'cwe',
      'owasp',
      'owner',
      'releaseDecision',
      'decision',
      'retest',
      'fixHint',
      'fix',
      'where',
      'evidence',
      'fingerprint',
    ]) {
      assert.ok(k in f, k);
    }
    assert.equal(j.pickles[0].safety, 'OVERTLY_MALICIOUS');
  });
  it('--output writes the report and nothing goes to stdout', async () => {
    const out = join(dir, 'report.json');
    const r = await cli(['artifact', join(dir, 'clean.pkl'), '--format', 'json', '--output', out]);
    assert.equal(r.stdout, '');
    assert.equal(r.code, 0);
  });
});

describe('--rule', () => {
  it('filters rule families but never coverage rules', async () => {
    const r = await cli(['artifact', join(dir, 'models'), '--rule', 'PICKLE-GLOBAL-IMPORT', '--format', 'json']);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([...new Set(j.findings.map((f: { ruleId: string }) => f.ruleId))], ['SCAN-INCOMPLETE']);
    assert.ok(j.rules.includes('SCAN-INCOMPLETE'));
    assert.ok(!j.rules.includes('PICKLE-EXEC'));
  });
});
