// The README's policy example and CI snippets are exercised: the policy loads through the real loader; every
// "Use it in CI" snippet equals its file in examples/ci/ (those files are run by test/ci and test/package); and the
// GitLab job's sentinel command runs through the real CLI (same flags) with the README policy and writes a GitLab
// SAST report, valid against GitLab's schema, where `artifacts: reports: sast:` reads it.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatPolicyIssues, parsePolicy } from '../src/policy/load-policy.js';
import { RULES } from '../src/rules/index.js';
import { cli } from './helpers/cli.js';
import Ajv from 'ajv';
import { errorsText } from './helpers/json-schema.js';
import { evilPickle, P } from './helpers/pickle-builder.js';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const yamlBlocks = [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const policyExample = yamlBlocks.find((b) => b.startsWith('# sentinel-policy.yml'));
const EXAMPLES = join(import.meta.dirname, '..', 'examples', 'ci');
/** Fenced blocks whose info string names their file: ```yaml examples/ci/x.yml */
const fileBlocks = [...README.matchAll(/^```\w+ (examples\/ci\/[\w.-]+)\n([\s\S]*?)^```$/gm)].map((m) => ({
  file: m[1]!,
  text: m[2]!,
}));
const gitlabJob = fileBlocks.find((b) => b.file === 'examples/ci/gitlab-ci.yml')?.text;

describe('README', () => {
  it("lists every rule in its Rules table with the rule's severity, and no other", () => {
    const section = README.slice(README.indexOf('## Rules'), README.indexOf('\n## ', README.indexOf('## Rules') + 1));
    const rows = [...section.matchAll(/^\| ([A-Z]+(?:-[A-Z]+)+) \| ([A-Z]+) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(rows.sort(), RULES.map((r) => `${r.meta.id} ${r.meta.severity}`).sort());
  });

  it('documents every option of sentinel convert, in a Fix it section after the gate section', async () => {
    const gate = README.indexOf('## Release gate policy');
    const fix = README.indexOf('## Fix it');
    assert.ok(gate > 0 && fix > gate, 'Fix it follows the gate section');
    const help = (await cli(['convert', '--help'])).stdout;
    const options = [...help.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!).filter((o) => o !== '--help');
    assert.ok(options.length >= 8, help);
    const usage = README.slice(README.indexOf('## Usage'), README.indexOf('## What is scanned'));
    for (const o of new Set(options))
      assert.ok(new RegExp(`${o}(?![a-z-])`).test(usage), `${o} missing from the Usage synopsis`);
  });

  it('keeps its two set-up commands', () => {
    assert.ok(README.includes('```sh\nnpm ci && node bin/sentinel.js artifact examples/\nnpm ci && npm test\n```'));
  });

  it('the policy example loads through the real loader and uses every feature it describes', () => {
    assert.ok(policyExample, 'no ```yaml block starting with "# sentinel-policy.yml"');
    const r = parsePolicy(policyExample, 'README policy example');
    if (!r.ok) assert.fail(formatPolicyIssues('README policy example', r.issues));
    const p = r.policy;
    assert.equal(p.preset, 'strict');
    assert.ok(p.categories.has('PICKLE'));
    assert.equal(p.rules.get('PICKLE-EXEC')?.owner, 'AI/ML platform or model release owner');
    assert.ok(p.alsoAllow.has('mylib.layers.Residual'));
    assert.equal(p.acceptances.length, 1);
    assert.deepEqual(p.limits, { maxEntryBytes: 1073741824 });
  });

  it('"Use it in CI": a GitHub workflow, a GitLab job, a pre-commit config and the Node API example, each equal to its tested file', () => {
    assert.deepEqual(fileBlocks.map((b) => b.file).sort(), [
      'examples/ci/github-workflow.yml',
      'examples/ci/gitlab-ci.yml',
      'examples/ci/node-api.mjs',
      'examples/ci/pre-commit-config.yaml',
    ]);
    for (const b of fileBlocks) {
      assert.equal(
        b.text,
        readFileSync(join(import.meta.dirname, '..', b.file), 'utf8'),
        `${b.file} drifted from the README`,
      );
    }
    assert.ok(README.indexOf('## Use it in CI') < README.indexOf('examples/ci/github-workflow.yml'));
  });

  describe('the GitLab job', () => {
    let dir: string;
    const home = process.cwd();
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sentinel-readme-'));
      mkdirSync(join(dir, 'models', 'legacy'), { recursive: true });
      writeFileSync(join(dir, 'models', 'clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
      writeFileSync(
        join(dir, 'models', 'legacy', 'old.pkl'),
        new P().proto(4).stackGlobal('oldlib', 'Net').stop().bytes(),
      );
      writeFileSync(join(dir, 'sentinel-policy.yml'), policyExample ?? '');
      process.chdir(dir);
    });
    after(() => {
      process.chdir(home);
      rmSync(dir, { recursive: true, force: true });
    });

    function sentinelArgs(run: string): string[] {
      const words = run.trim().split(/\s+/);
      const i = words.indexOf('sentinel');
      assert.ok(i >= 0, `no sentinel command in: ${run}`);
      return words.slice(i + 1);
    }

    it('runs flags the CLI accepts, gates, and writes a valid GitLab SAST report where the job uploads it', async () => {
      assert.ok(gitlabJob, 'no GitLab job in the README');
      assert.equal(gitlabJob, readFileSync(join(EXAMPLES, 'gitlab-ci.yml'), 'utf8'));
      const job = (
        parse(gitlabJob) as Record<string, { script: string[]; artifacts: { when: string; reports: { sast: string } } }>
      )['sentinel']!;
      assert.equal(job.artifacts.when, 'always', 'the report must be uploaded when the gate fails');
      const args = sentinelArgs(job.script.find((l) => /(^|\s)sentinel artifact /.test(l))!);
      const out = job.artifacts.reports.sast;
      assert.ok(args.includes(`gitlab=${out}`), args.join(' '));

      // Clean models (the legacy one accepted by the README policy until 2030) → exit 0.
      const pass = await cli([...args, '--now', '2025-01-01']);
      assert.equal(pass.code, 0, pass.stderr);
      const schema = new (
        Ajv as unknown as new (o: object) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: never } }
      )({
        allErrors: true,
        strict: false,
      }).compile(
        JSON.parse(readFileSync(join(home, 'test', 'fixtures', 'gitlab', 'sast-report-format-15.1.4.json'), 'utf8')),
      );
      const report = JSON.parse(readFileSync(join(dir, out), 'utf8'));
      assert.ok(schema(report), errorsText(schema.errors));
      assert.deepEqual(
        report.vulnerabilities.map((v: { location: { file: string } }) => v.location.file),
        ['models/legacy/old.pkl'],
      );

      // A malicious model → the same command fails the job with exit code 1.
      writeFileSync(join(dir, 'models', 'evil.pkl'), evilPickle());
      const fail = await cli([...args, '--now', '2025-01-01']);
      assert.equal(fail.code, 1);
      rmSync(join(dir, 'models', 'evil.pkl'));
    });

    it('the commands the README suggests next to the examples are accepted too', async () => {
      const prev = await cli(['artifact', 'models/', '--format', 'json', '--output', 'previous.json']);
      assert.notEqual(prev.code, 2, prev.stderr);
      for (const extra of [
        ['--baseline', 'previous.json'],
        ['--format', 'markdown', '--output', 'comment.md'],
        ['--format', 'gitlab', '--output', 'gl.json'],
      ]) {
        const r = await cli(['artifact', 'models/', ...extra]);
        assert.notEqual(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      }
    });
  });
});
