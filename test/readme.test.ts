// The README and the docs it links to are kept true: the README fits about 300 lines with the install, the main
// command and a sample verdict on its first screen; its sample terminal output is what the CLI prints for the same
// command (on a 100-column terminal); every `sentinel` command it shows takes the options it is given; its CI
// snippets equal the tested files in examples/ci/; its policy loads; its links resolve. The docs keep the depth:
// the rules table of docs/detection.md lists every rule, docs/usage.md documents every option of `sentinel convert`,
// and the GitLab job of docs/ci.md runs through the real CLI with the policy of docs/policy.md and writes a GitLab
// SAST report, valid against GitLab's schema, where `artifacts: reports: sast:` reads it.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatPolicyIssues, parsePolicy } from '../src/policy/load-policy.js';
import { RULES } from '../src/rules/index.js';
import { cli } from './helpers/cli.js';
import Ajv from 'ajv';
import { errorsText } from './helpers/json-schema.js';
import { evilPickle, P } from './helpers/pickle-builder.js';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const doc = (name: string): string => readFileSync(join(ROOT, 'docs', name), 'utf8');
const yamlBlocks = (text: string): string[] => [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const policyExample = yamlBlocks(doc('policy.md')).find((b) => b.startsWith('# sentinel-policy.yml'));
const EXAMPLES = join(ROOT, 'examples', 'ci');
/** Fenced blocks whose info string names their file: ```yaml examples/ci/x.yml */
const fileBlocks = (text: string): { file: string; text: string }[] =>
  [...text.matchAll(/^```\w+ (examples\/ci\/[\w.-]+)\n([\s\S]*?)^```$/gm)].map((m) => ({ file: m[1]!, text: m[2]! }));
const gitlabJob = fileBlocks(doc('ci.md')).find((b) => b.file === 'examples/ci/gitlab-ci.yml')?.text;
/** ```console blocks: `$ node bin/sentinel.js ARGS` (or `$ sentinel ARGS`), then what the terminal shows. */
const samples = [...README.matchAll(/^```console\n\$ (?:node bin\/sentinel\.js|sentinel) (.*)\n([\s\S]*?)^```$/gm)].map(
  (m) => ({ args: m[1]!.split(/\s+/), out: m[2]! }),
);
/** Every `sentinel …` line of the README's ```sh blocks, comments and continuations left out. */
const commands = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').replace(/\\$/, ''))
  .flatMap((l) => {
    const i = l.search(/(^|[|&]\s*|\)\s)sentinel /);
    return i < 0 ? [] : [l.slice(l.indexOf('sentinel ', i)).trim()];
  });

describe('README', () => {
  it('is at most 300 lines; its first screen has the install, the main command and a sample verdict', () => {
    const lines = README.split('\n');
    assert.ok(lines.length <= 300, `${lines.length} lines`);
    const screen = lines.slice(0, 50).join('\n');
    assert.match(screen, /npm ci/);
    assert.match(screen, /sentinel\.js scan examples\//);
    assert.match(screen, /^Gate: FAILED: /m);
  });

  it('keeps its two set-up commands', () => {
    assert.ok(
      README.includes('```sh\nnpm ci && npm run build && node bin/sentinel.js scan examples/\nnpm ci && npm test\n```'),
    );
    assert.ok(
      samples.some((s) => s.args.join(' ') === 'scan examples/'),
      'a sample of the first command',
    );
    assert.match(README, /test suite, about \d+ minutes of CPU time/, 'how long the test run takes');
  });

  it('shows a failing and a passing sample run', () => {
    assert.ok(samples.some((s) => /^Gate: FAILED/m.test(s.out)));
    assert.ok(samples.some((s) => /^Gate: PASSED$/m.test(s.out)));
  });

  for (const { args, out } of samples) {
    it(`sentinel ${args.join(' ')}: prints what the README shows, with the exit code it says`, async () => {
      const home = process.cwd();
      process.chdir(ROOT);
      try {
        const r = await cli(args, { NO_COLOR: '1' }, { isTTY: true, columns: 100 });
        assert.equal(r.stderr, '');
        assert.equal(r.stdout, out);
        assert.equal(r.code, /^Gate: PASSED$/m.test(out) ? 0 : 1);
      } finally {
        process.chdir(home);
      }
    });
  }

  it('every sentinel command it shows names a command and options that command takes', async () => {
    assert.ok(commands.length >= 12, commands.join('\n'));
    const helps = new Map<string, string>();
    for (const c of commands) {
      const words = c.split(/\s+/).slice(1);
      const known = ['scan', 'artifact', 'init', 'policy', 'explain', 'serve', 'convert', 'rules', 'worker', 'submit'];
      const cmd = known.includes(words[0]!) ? words[0]! : 'scan';
      if (!helps.has(cmd)) {
        const h = await cli([cmd, '--help']);
        assert.equal(h.code, 0, cmd);
        helps.set(cmd, h.stdout);
      }
      for (const o of words.filter((w) => /^--?[a-z]/.test(w)).map((w) => w.replace(/=.*$/, '')))
        assert.ok(new RegExp(`(^|[ ,])${o}(?![a-z-])`, 'm').test(helps.get(cmd)!), `${c}: ${o} is no option of ${cmd}`);
    }
  });

  it("pins the Action, pre-commit and GitLab to the release tag of package.json's version (never a branch)", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const texts = [
      ['README.md', README],
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => [`docs/${f}`, doc(f)]),
      ...readdirSync(EXAMPLES).map((f) => [`examples/ci/${f}`, readFileSync(join(EXAMPLES, f), 'utf8')]),
    ] as const;
    const pins: Record<string, string[]> = { uses: [], rev: [], gitlab: [], tarball: [] };
    for (const [name, text] of texts) {
      for (const m of text.matchAll(/^\s*uses: [\w.-]+\/sentinel@(\S+)/gm)) pins['uses']!.push(`${name} ${m[1]}`);
      for (const m of text.matchAll(/repo: \S+\/sentinel\n\s+rev: ([\w.-]+)/g)) pins['rev']!.push(`${name} ${m[1]}`);
      for (const m of text.matchAll(/SENTINEL_REV: ([\w.-]+)/g)) pins['gitlab']!.push(`${name} ${m[1]}`);
      for (const m of text.matchAll(/sentinel-ml-(\d[\w.-]*?)\.tgz/g)) pins['tarball']!.push(`${name} v${m[1]}`);
    }
    for (const [kind, found] of Object.entries(pins)) {
      assert.ok(found.length > 0, `no ${kind} pin found`);
      // docs/releasing.md writes the version as X.Y.Z when it describes the steps.
      for (const f of found.filter((x) => !x.endsWith(' vX.Y.Z')))
        assert.ok(f.endsWith(` v${version}`), `${kind}: ${f} is not v${version}`);
    }
    assert.ok(
      pins['uses']!.some((f) => f.startsWith('README.md ')) && pins['rev']!.some((f) => f.startsWith('README.md ')),
    );
  });

  it("CHANGELOG.md has a section for package.json's version, first", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    assert.equal(/^## (\S+)/m.exec(changelog)?.[1], version);
  });

  it('its CI snippets equal the tested files in examples/ci/', () => {
    const blocks = fileBlocks(README);
    assert.deepEqual(blocks.map((b) => b.file).sort(), [
      'examples/ci/github-workflow.yml',
      'examples/ci/pre-commit-config.yaml',
    ]);
    for (const b of blocks) assert.equal(b.text, readFileSync(join(ROOT, b.file), 'utf8'), `${b.file} drifted`);
  });

  it('its policy example loads through the real loader', () => {
    const block = yamlBlocks(README).find((b) => b.startsWith('# sentinel-policy.yml'));
    assert.ok(block, 'no policy example');
    const r = parsePolicy(block, 'README policy');
    if (!r.ok) assert.fail(formatPolicyIssues('README policy', r.issues));
    assert.ok(r.policy.alsoAllow.has('mylib.layers.Residual'));
    assert.equal(r.policy.acceptances.length, 1);
  });

  it('states the number of rules and categories there are', () => {
    const m = /(\d+) rules in (\w+) categories/.exec(README);
    assert.ok(m);
    assert.equal(Number(m[1]), RULES.length);
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    assert.equal(words.indexOf(m[2]!), new Set(RULES.map((r) => r.meta.category)).size);
  });

  it('links only to files that exist (README and docs/)', () => {
    // Documents kept beside these by their own owners; linked before they are written.
    const alongside = new Set(['docs/benchmarks.md', 'docs/service-security.md', 'docs/root-confinement.md']);
    const pages = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const path = join(dirname(join(ROOT, page)), target);
        const rel = path.slice(ROOT.length + 1);
        if (alongside.has(rel) && !existsSync(path)) continue;
        assert.ok(existsSync(path), `${page}: link to ${target} does not resolve`);
      }
    }
  });
});

describe('docs', () => {
  it("docs/development.md's table of first-contact tests names only test files that exist, ten concerns", () => {
    const text = doc('development.md');
    const table = text.slice(text.indexOf('## What keeps the first contact true'));
    const rows = table.split('\n').filter((l) => /^\| (?!Concern |---)/.test(l));
    assert.equal(rows.length, 10, rows.join('\n'));
    const named = [...table.matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!);
    assert.ok(named.length >= 15);
    for (const f of named) assert.ok(existsSync(join(ROOT, f)), `${f} does not exist`);
  });

  it("docs/detection.md lists every rule in its Rules table with the rule's severity, and no other", () => {
    const rows = [...doc('detection.md').matchAll(/^\| ([A-Z]+(?:-[A-Z]+)+) \| ([A-Z]+) \|/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    assert.deepEqual(rows.sort(), RULES.map((r) => `${r.meta.id} ${r.meta.severity}`).sort());
  });

  it('docs/usage.md documents every option of sentinel convert', async () => {
    const help = (await cli(['convert', '--help'])).stdout;
    const options = [...help.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!).filter((o) => o !== '--help');
    assert.ok(options.length >= 8, help);
    const usage = doc('usage.md');
    for (const o of new Set(options))
      assert.ok(new RegExp(`${o}(?![a-z-])`).test(usage), `${o} missing from the usage synopsis`);
  });

  it('the policy example of docs/policy.md loads through the real loader and uses every feature it describes', () => {
    assert.ok(policyExample, 'no ```yaml block starting with "# sentinel-policy.yml"');
    const r = parsePolicy(policyExample, 'policy example');
    if (!r.ok) assert.fail(formatPolicyIssues('policy example', r.issues));
    const p = r.policy;
    assert.equal(p.preset, 'strict');
    assert.ok(p.categories.has('PICKLE'));
    assert.equal(p.rules.get('PICKLE-EXEC')?.owner, 'AI/ML platform or model release owner');
    assert.ok(p.alsoAllow.has('mylib.layers.Residual'));
    assert.equal(p.acceptances.length, 1);
    assert.deepEqual(p.limits, { maxEntryBytes: 1073741824 });
  });

  it('docs/ci.md: a GitHub workflow, a GitLab job, a pre-commit config and the Node API example, each equal to its tested file', () => {
    const blocks = fileBlocks(doc('ci.md'));
    assert.deepEqual(blocks.map((b) => b.file).sort(), [
      'examples/ci/github-workflow.yml',
      'examples/ci/gitlab-ci.yml',
      'examples/ci/node-api.mjs',
      'examples/ci/pre-commit-config.yaml',
    ]);
    for (const b of blocks) assert.equal(b.text, readFileSync(join(ROOT, b.file), 'utf8'), `${b.file} drifted`);
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
      assert.ok(gitlabJob, 'no GitLab job in docs/ci.md');
      assert.equal(gitlabJob, readFileSync(join(EXAMPLES, 'gitlab-ci.yml'), 'utf8'));
      const job = (
        parse(gitlabJob) as Record<string, { script: string[]; artifacts: { when: string; reports: { sast: string } } }>
      )['sentinel']!;
      assert.equal(job.artifacts.when, 'always', 'the report must be uploaded when the gate fails');
      const args = sentinelArgs(job.script.find((l) => /(^|\s)sentinel (scan|artifact) /.test(l))!);
      const out = job.artifacts.reports.sast;
      assert.ok(args.includes(`gitlab=${out}`), args.join(' '));

      // Clean models (the legacy one accepted by the example policy until 2030) → exit 0.
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

    it('the commands the docs suggest next to the examples are accepted too', async () => {
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
