// Upload-facing output: SARIF's automationDetails, versionControlProvenance (from the git checkout, credentials
// removed), repository-relative artifact URIs with uriBaseId SRCROOT; `--format gitlab` validated against GitLab's
// published SAST report schema (test/fixtures/gitlab, see PROVENANCE.md) for the sample report, for real CLI
// output and for every rule in the registry; the .git reader on plain checkouts, worktrees and detached HEADs.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { renderReport } from '../../src/api/render-report.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { RULES } from '../../src/rules/index.js';
import { findGitCheckout, publicRemoteUri } from '../../src/sources/git-checkout.js';
import { cli } from '../helpers/cli.js';
import { compileDraft04, errorsText } from '../helpers/json-schema.js';
import { evilPickle } from '../helpers/pickle-builder.js';
import { sampleReport } from '../helpers/sample-report.js';

/** Validates without narrowing the checked value's type (ajv's validators are type guards). */
function isValid(v: (d: unknown) => boolean, d: unknown): boolean {
  return v(d);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- reports are inspected as plain JSON */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const sarifSchema = compileDraft04(JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')));
const gitlabSchema = new (Ajv as unknown as new (o: object) => { compile(s: unknown): any })({
  allErrors: true,
  strict: false,
}).compile(JSON.parse(readFileSync(join(FIXTURES, 'gitlab', 'sast-report-format-15.1.4.json'), 'utf8')));

const SHA = 'a'.repeat(40);
let dir: string;
let report: SentinelReport;

/** A checkout made by hand: .git with HEAD, a loose or packed ref and an origin with a token in its URL. */
function fakeCheckout(root: string, o: { packed?: boolean; detached?: boolean } = {}): void {
  mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(root, '.git', 'HEAD'), o.detached ? `${SHA}\n` : 'ref: refs/heads/release/1.0\n');
  if (o.packed) writeFileSync(join(root, '.git', 'packed-refs'), `# pack-refs\n${SHA} refs/heads/release/1.0\n`);
  else {
    mkdirSync(join(root, '.git', 'refs', 'heads', 'release'), { recursive: true });
    writeFileSync(join(root, '.git', 'refs', 'heads', 'release', '1.0'), `${SHA}\n`);
  }
  writeFileSync(
    join(root, '.git', 'config'),
    '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://example.com/other.git\n' +
      '[remote "origin"]\n\turl = https://x-access-token:ghs_SECRET@github.com/acme/models.git\n',
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-codescan-'));
  report = await sampleReport();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('git checkout (read from .git)', () => {
  it('finds root, commit, branch and a credential-free origin from a subdirectory; packed refs; detached HEAD', () => {
    const root = join(dir, 'repo');
    fakeCheckout(root);
    mkdirSync(join(root, 'models', 'v1'), { recursive: true });
    assert.deepEqual(findGitCheckout(join(root, 'models', 'v1')), {
      root,
      revisionId: SHA,
      branch: 'release/1.0',
      repositoryUri: 'https://github.com/acme/models.git',
    });
    const packed = join(dir, 'packed');
    fakeCheckout(packed, { packed: true });
    assert.equal(findGitCheckout(packed)?.revisionId, SHA);
    const detached = join(dir, 'detached');
    fakeCheckout(detached, { detached: true });
    assert.deepEqual(
      { ...findGitCheckout(detached), repositoryUri: undefined },
      { root: detached, revisionId: SHA, repositoryUri: undefined },
    );
    assert.equal(findGitCheckout(tmpdir()) === undefined || findGitCheckout(tmpdir())?.root !== dir, true);
  });

  it('follows a worktree .git file to its gitdir and common dir', () => {
    const main = join(dir, 'main-repo');
    fakeCheckout(main);
    const wtGit = join(main, '.git', 'worktrees', 'wt');
    mkdirSync(wtGit, { recursive: true });
    writeFileSync(join(wtGit, 'HEAD'), 'ref: refs/heads/release/1.0\n');
    writeFileSync(join(wtGit, 'commondir'), '../..\n');
    const wt = join(dir, 'wt');
    mkdirSync(wt);
    writeFileSync(join(wt, '.git'), `gitdir: ${wtGit}\n`);
    assert.deepEqual(findGitCheckout(wt), {
      root: wt,
      revisionId: SHA,
      branch: 'release/1.0',
      repositoryUri: 'https://github.com/acme/models.git',
    });
  });

  it('remote URLs: tokens and user names removed, scp-like made a URI, local paths dropped', () => {
    assert.equal(publicRemoteUri('https://user:pw@gitlab.example.com/g/p.git'), 'https://gitlab.example.com/g/p.git');
    assert.equal(publicRemoteUri('git@github.com:acme/models.git'), 'ssh://github.com/acme/models.git');
    assert.equal(publicRemoteUri('/srv/git/models.git'), undefined);
    assert.equal(publicRemoteUri('file:///srv/git/models.git'), undefined);
  });
});

describe('SARIF for code scanning', () => {
  it('in a checkout: automationDetails, versionControlProvenance, SRCROOT-relative URIs; schema-valid', async () => {
    const root = join(dir, 'repo');
    const cwd = join(root, 'models', 'v1'); // the sample report's paths are relative to this directory
    const log = JSON.parse(await renderReport(report, 'sarif', { cwd }));
    assert.ok(isValid(sarifSchema, log), errorsText(sarifSchema.errors));
    const run = log.runs[0];
    assert.equal(run.automationDetails.id, `sentinel/${report.startedAt}`);
    assert.deepEqual(run.versionControlProvenance, [
      {
        repositoryUri: 'https://github.com/acme/models.git',
        revisionId: SHA,
        branch: 'release/1.0',
        mappedTo: { uriBaseId: 'SRCROOT' },
      },
    ]);
    assert.equal(run.originalUriBaseIds.SRCROOT.uri, `file://${root}/`);
    const evil = run.results.find((r: any) => r.ruleId === 'PICKLE-EXEC');
    assert.deepEqual(evil.locations[0].physicalLocation.artifactLocation, {
      uri: 'models/v1/models/evil.pkl',
      uriBaseId: 'SRCROOT',
    });
    assert.doesNotMatch(JSON.stringify(log), /ghs_SECRET|x-access-token/);
  });

  it('outside a checkout: paths relative to the working directory, no provenance; paths outside it are file URIs', async () => {
    const cwd = join(dir, 'plain');
    mkdirSync(cwd, { recursive: true });
    const log = JSON.parse(await renderReport(report, 'sarif', { cwd, checkout: null }));
    assert.ok(isValid(sarifSchema, log), errorsText(sarifSchema.errors));
    assert.equal(log.runs[0].versionControlProvenance, undefined);
    assert.equal(log.runs[0].originalUriBaseIds.SRCROOT.uri, `file://${cwd}/`);
    const outside = JSON.parse(
      await renderReport(
        {
          ...report,
          findings: report.findings.map((f) => ({ ...f, location: { ...f.location, chain: ['/elsewhere/m.pkl'] } })),
        },
        'sarif',
        { cwd, checkout: null },
      ),
    );
    assert.deepEqual(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation, {
      uri: 'file:///elsewhere/m.pkl',
    });
  });
});

describe('--format gitlab (GitLab SAST report 15.1.4)', () => {
  it('the sample report validates against the published schema, with every field mapped', async () => {
    const doc = JSON.parse(
      await renderReport(report, 'gitlab', { checkout: null, cwd: dir, docsUrl: 'https://d.example/rules/' }),
    );
    assert.ok(gitlabSchema(doc), errorsText(gitlabSchema.errors));
    assert.equal(doc.version, '15.1.4');
    assert.match(doc.scan.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(doc.vulnerabilities.length, report.findings.length);
    const exec = doc.vulnerabilities[report.findings.findIndex((f) => f.ruleId === 'PICKLE-EXEC')];
    assert.equal(exec.severity, 'Critical');
    assert.deepEqual(exec.identifiers[0], {
      type: 'sentinel_rule_id',
      name: 'PICKLE-EXEC',
      value: 'PICKLE-EXEC',
      url: 'https://d.example/rules/PICKLE-EXEC.md',
    });
    assert.deepEqual(exec.identifiers[1], {
      type: 'cwe',
      name: 'CWE-502',
      value: '502',
      url: 'https://cwe.mitre.org/data/definitions/502.html',
    });
    assert.deepEqual(exec.location, { file: 'models/evil.pkl' });
    assert.match(exec.details.decision.value, /^(block|gate|ticket|pass): /);
    assert.equal(new Set(doc.vulnerabilities.map((v: any) => v.id)).size, doc.vulnerabilities.length, 'ids unique');
    assert.deepEqual(
      doc.scan.primary_identifiers.map((i: any) => i.value),
      report.rules,
    );
  });

  it('every rule in the registry maps to a valid vulnerability (no hard-coded rule list)', async () => {
    const template = report.findings[0]!;
    const all: SentinelReport = {
      ...report,
      rules: RULES.map((r) => r.meta.id),
      findings: RULES.map((r, i) => ({
        ...template,
        ruleId: r.meta.id,
        category: r.meta.category,
        severity: r.meta.severity,
        title: r.meta.title,
        cwe: r.meta.cwe,
        fingerprint: `f${i}`,
      })),
    };
    const doc = JSON.parse(await renderReport(all, 'gitlab', { checkout: null }));
    assert.ok(gitlabSchema(doc), errorsText(gitlabSchema.errors));
    assert.deepEqual(
      doc.vulnerabilities.map((v: any) => v.identifiers[0].value),
      RULES.map((r) => r.meta.id),
    );
  });

  it('real CLI output, written with --write beside the text report, validates; the validator can fail', async () => {
    const scanDir = join(dir, 'cli');
    mkdirSync(scanDir, { recursive: true });
    writeFileSync(join(scanDir, 'evil.pkl'), evilPickle());
    writeFileSync(join(scanDir, 'load.py'), 'import torch\n\nmodel = torch.load("m.pt")\n');
    const out = join(dir, 'gl-sast-report.json');
    const r = await cli([
      'artifact',
      scanDir,
      '--format',
      'json',
      '--write',
      `gitlab=${out}`,
      '--write',
      `sarif=${out}.sarif`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(gitlabSchema(doc), errorsText(gitlabSchema.errors));
    const code = doc.vulnerabilities.find((v: any) => v.identifiers[0].value === 'TORCH-LOAD-UNTRUSTED');
    assert.equal(code.location.start_line, 3);
    assert.deepEqual(JSON.parse(r.stdout).findings.length, doc.vulnerabilities.length, 'one scan, same findings');
    assert.ok(sarifSchema(JSON.parse(readFileSync(`${out}.sarif`, 'utf8'))));
    const bad = await cli(['artifact', scanDir, '--write', 'pdf=x.pdf']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--write expects FORMAT=FILE/);

    const broken = structuredClone(doc);
    broken.vulnerabilities[0].severity = 'Severe';
    delete broken.scan.analyzer;
    assert.equal(gitlabSchema(broken), false);
  });
});
