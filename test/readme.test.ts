// The README's policy example and GitHub Actions snippet are exercised: the policy loads through the real loader,
// and the workflow's sentinel command runs through the real CLI (same flags) and writes valid SARIF to the file the
// upload step uploads.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatPolicyIssues, parsePolicy } from '../src/policy/load-policy.js';
import { RULES } from '../src/rules/index.js';
import { cli } from './helpers/cli.js';
import { compileDraft04, errorsText } from './helpers/json-schema.js';
import { evilPickle, P } from './helpers/pickle-builder.js';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const yamlBlocks = [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const policyExample = yamlBlocks.find((b) => b.startsWith('# sentinel-policy.yml'));
const workflow = yamlBlocks.find((b) => /^jobs:/m.test(b));

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
}

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

  describe('the GitHub Actions snippet', () => {
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

    const steps = (): Step[] => {
      assert.ok(workflow, 'no workflow ```yaml block');
      const wf = parse(workflow) as { jobs: Record<string, { steps: Step[] }>; permissions: Record<string, string> };
      assert.equal(wf.permissions['security-events'], 'write', 'SARIF upload needs security-events: write');
      return Object.values(wf.jobs).flatMap((j) => j.steps);
    };

    function sentinelArgs(run: string): string[] {
      const words = run.trim().split(/\s+/);
      const i = words.indexOf('sentinel');
      assert.ok(i >= 0, `no sentinel command in: ${run}`);
      return words.slice(i + 1);
    }

    it('runs the same flags the CLI accepts, gates, and writes valid SARIF where the upload step reads it', async () => {
      const all = steps();
      const gate = all.find((s) => s.run?.includes('sentinel artifact'));
      const upload = all.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
      assert.ok(gate && upload);
      assert.equal(upload.if, 'always()', 'the upload must run when the gate fails');
      const args = sentinelArgs(gate.run!);
      const out = args[args.indexOf('--output') + 1];
      assert.equal(upload.with?.['sarif_file'], out);

      // Clean models (legacy one accepted by the README policy until 2030) → exit 0.
      const pass = await cli([...args, '--now', '2025-01-01']);
      assert.equal(pass.code, 0, pass.stderr);
      assert.equal(pass.stdout, '', 'the report goes to the SARIF file, not stdout');
      const sarif = JSON.parse(readFileSync(join(dir, out!), 'utf8')) as {
        runs: { results: { suppressions: { status: string }[] }[] }[];
      };
      const validate = compileDraft04(
        JSON.parse(readFileSync(join(home, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')),
      );
      assert.ok(validate(sarif), errorsText(validate.errors));
      assert.equal(sarif.runs[0]!.results[0]!.suppressions[0]!.status, 'accepted');

      // A malicious model → the same command fails the job with exit code 1.
      writeFileSync(join(dir, 'models', 'evil.pkl'), evilPickle());
      const fail = await cli([...args, '--now', '2025-01-01']);
      assert.equal(fail.code, 1);
      rmSync(join(dir, 'models', 'evil.pkl'));
    });

    it('the commands the README suggests next to it are accepted too', async () => {
      const prev = await cli(['artifact', 'models/', '--format', 'json', '--output', 'previous.json']);
      assert.notEqual(prev.code, 2, prev.stderr);
      for (const extra of [
        ['--baseline', 'previous.json'],
        ['--format', 'markdown', '--output', 'comment.md'],
      ]) {
        const r = await cli(['artifact', 'models/', ...extra]);
        assert.notEqual(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      }
    });
  });
});
