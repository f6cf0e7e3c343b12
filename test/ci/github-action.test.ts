// action.yml run the way the Actions runner runs a composite action: its `run` steps through
// `bash --noprofile --norc -eo pipefail` with the inputs mapped into each step's env, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_ENV (carried to later steps), GITHUB_ACTION_PATH and RUNNER_TEMP, and the action's
// outputs resolved from the scan step's outputs. The package comes from `npm pack` of this checkout (the `package`
// input); `uses:` steps (actions/setup-node) are not run here: Node 20 is checked instead. action.yml is validated
// with GitHub's own action schema (@actions/workflow-parser, the schema the runner's parser uses).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { compileDraft04, errorsText } from '../helpers/json-schema.js';
import { packTarball, ROOT } from '../helpers/packed-package.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';

/** Validates without narrowing the checked value's type (ajv's validators are type guards). */
function isValid(v: (d: unknown) => boolean, d: unknown): boolean {
  return v(d);
}

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const action = parse(TEXT) as ActionYml;

let tmp: string;
let tarball: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sentinel-action-'));
  tarball = packTarball(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
  env: Record<string, string>;
}

function keyValues(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function runnerEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(npm_|INPUT_|GITHUB_|RUNNER_)/i.test(k)) out[k] = v;
  return out;
}

/** `${{ inputs.x }}` is the only expression the action's step env uses (asserted below). */
function expand(value: string, inputs: Record<string, string>): string {
  return value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k: string) => inputs[k] ?? '');
}

/** Runs the action's run steps in order, as the runner does; stops at the first failing step. */
function runAction(
  workspace: string,
  given: Record<string, string>,
  only?: string,
  env0: Record<string, string> = {},
): Run {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = v.default ?? '';
  Object.assign(inputs, given);
  const runnerTemp = join(tmp, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  let env: Record<string, string> = { ...env0 };
  let log = '';
  let summary = '';
  const stepOutputs: Record<string, Record<string, string>> = {};
  let code = 0;
  for (const [i, step] of action.runs.steps.entries()) {
    if (step.uses !== undefined || (only !== undefined && step.id !== only)) continue;
    const files = {
      out: join(tmp, `out-${i}-${Date.now()}`),
      sum: join(tmp, `sum-${i}-${Date.now()}`),
      env: join(tmp, `env-${i}-${Date.now()}`),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const script = join(tmp, `step-${i}.sh`);
    writeFileSync(script, step.run!);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        // The runner's own environment (a machine's proxy and CA settings reach npm there too), without what
        // `npm test` adds or an outer Actions run would set.
        ...runnerEnv(),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: ROOT,
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: files.out,
        GITHUB_STEP_SUMMARY: files.sum,
        GITHUB_ENV: files.env,
        ...env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs)])),
      },
    });
    log += r.stdout + r.stderr;
    summary += readFileSync(files.sum, 'utf8');
    env = { ...env, ...keyValues(files.env) };
    if (step.id) stepOutputs[step.id] = keyValues(files.out);
    code = r.status ?? 128;
    if (code !== 0) break;
  }
  const outputs: Record<string, string> = {};
  for (const [k, o] of Object.entries(action.outputs)) {
    const m = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(o.value);
    assert.ok(m, `output ${k}: ${o.value}`);
    outputs[k] = stepOutputs[m[1]!]?.[m[2]!] ?? '';
  }
  return { code, log, outputs, summary, env };
}

describe('action.yml', () => {
  it("is valid under GitHub's action metadata schema (@actions/workflow-parser)", () => {
    const errors: string[] = [];
    const result = parseAction(
      { name: 'action.yml', content: TEXT },
      { error: (m) => errors.push(m), info: () => {}, verbose: () => {} },
    );
    const found = result.context.errors.getErrors().map((e) => e.message);
    assert.deepEqual([...errors, ...found], []);
    assert.ok(result.value, 'no template parsed');
    // The same parser rejects a broken action (the check can fail).
    const broken = parseAction(
      { name: 'action.yml', content: TEXT.replace('using: composite', 'using: cobol') },
      { error: () => {}, info: () => {}, verbose: () => {} },
    );
    assert.ok(broken.context.errors.getErrors().length > 0);
  });

  it('is a composite action on Node 20 with the documented inputs and outputs; steps use expressions only in env', () => {
    assert.equal(action.runs.using, 'composite');
    const setup = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    assert.equal(setup?.with?.['node-version'], 20);
    assert.equal(process.versions.node.split('.')[0], '20', 'these runs stand in for the Node 20 runtime');
    for (const k of ['path', 'policy', 'format', 'fail-on', 'baseline', 'sarif-file']) assert.ok(action.inputs[k], k);
    assert.deepEqual(Object.keys(action.outputs).sort(), ['exit-code', 'findings', 'report']);
    for (const s of action.runs.steps.filter((x) => x.run !== undefined)) {
      assert.equal(s.shell, 'bash');
      assert.doesNotMatch(s.run!, /\$\{\{/, 'inputs reach scripts through env only (no expression injection)');
    }
  });
});

describe('examples/ci/github-workflow.yml (the README workflow)', () => {
  const text = readFileSync(join(ROOT, 'examples', 'ci', 'github-workflow.yml'), 'utf8');
  it("is a valid workflow (GitHub's workflow schema) that uses this action with its inputs and uploads its SARIF", () => {
    const trace = { error: () => {}, info: () => {}, verbose: () => {} };
    const result = parseWorkflow({ name: 'github-workflow.yml', content: text }, trace);
    assert.deepEqual(
      result.context.errors.getErrors().map((e) => e.message),
      [],
    );
    const wf = parse(text) as { permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
    assert.equal(wf.permissions['security-events'], 'write', 'SARIF upload needs security-events: write');
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const gate = steps.find((s) => /^[\w-]+\/sentinel@/.test(s.uses ?? ''));
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(gate && upload);
    for (const k of Object.keys(gate.with ?? {})) assert.ok(action.inputs[k], `unknown input ${k}`);
    assert.equal((upload as Step & { if?: string }).if, 'always()', 'the upload must run when the gate fails');
    assert.equal(upload.with?.['sarif_file'], gate.with?.['sarif-file'] ?? action.inputs['sarif-file']!.default);
  });
});

describe('the action run as the runner runs it', () => {
  let workspace: string;
  let first: Run;
  before(() => {
    workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, 'models'), { recursive: true });
    writeFileSync(join(workspace, 'models', 'evil.pkl'), evilPickle());
    writeFileSync(join(workspace, 'models', 'clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
    first = runAction(workspace, { path: 'models', package: tarball });
  });

  it('a malicious model: the step fails with 1, SARIF and the JSON report are written, outputs and summary set', () => {
    assert.equal(first.code, 1, first.log);
    assert.equal(first.outputs['exit-code'], '1');
    assert.ok(Number(first.outputs['findings']) >= 1, first.outputs['findings']);
    const report = JSON.parse(readFileSync(first.outputs['report']!, 'utf8')) as { summary: { findings: number } };
    assert.equal(String(report.summary.findings), first.outputs['findings']);
    const sarif = JSON.parse(readFileSync(join(workspace, 'sentinel.sarif'), 'utf8'));
    const validate = compileDraft04(
      JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')),
    );
    assert.ok(isValid(validate, sarif), errorsText(validate.errors));
    assert.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'PICKLE-EXEC'));
    assert.match(first.summary, /PICKLE-EXEC/);
    assert.match(first.summary, /FAIL|fail/);
    assert.match(first.log, /PICKLE-EXEC CRITICAL/, 'the text report is in the job log');
    assert.ok(first.env['SENTINEL_BIN'], 'the install step exported the binary for later steps');
  });

  it('a clean path with format markdown and fail-on: exit 0, report in that format, no SARIF when sarif-file is empty', () => {
    const r = runAction(
      workspace,
      { path: 'models/clean.pkl', format: 'markdown', 'fail-on': 'CRITICAL', 'sarif-file': '' },
      'scan',
      first.env,
    );
    assert.equal(r.code, 0, r.log);
    assert.equal(r.outputs['exit-code'], '0');
    assert.equal(r.outputs['findings'], '0');
    assert.match(r.outputs['report']!, /\.md$/);
    assert.match(readFileSync(r.outputs['report']!, 'utf8'), /PASS|pass/);
  });

  it('several paths, one per line; an invalid policy exits 2 and says so in the summary', () => {
    const two = runAction(
      workspace,
      { path: 'models/clean.pkl\n  models/evil.pkl  \n', format: 'gitlab' },
      'scan',
      first.env,
    );
    assert.equal(two.code, 1, two.log);
    assert.match(two.outputs['report']!, /\.gitlab$/);
    writeFileSync(join(workspace, 'bad-policy.yml'), 'preset: lax\n');
    const bad = runAction(workspace, { path: 'models', policy: 'bad-policy.yml' }, 'scan', first.env);
    assert.equal(bad.code, 2);
    assert.equal(bad.outputs['exit-code'], '2');
    assert.equal(bad.outputs['findings'], '');
    assert.match(bad.summary, /could not run/);
  });

  it('remote targets: hf:// with the hf-token input and a loopback http:// URL are scanned; the report pins the revision; without the token the step exits 2', async () => {
    // The Hub stand-in (test/helpers/hub-server.mjs, the simulated part of the remote tests) in a process of its own:
    // the runner's steps run synchronously here.
    const repo = join(tmp, 'hub-repo');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'evil.pkl'), evilPickle());
    const config = '{"model_type": "bert"}';
    writeFileSync(join(repo, 'config.json'), config);
    const hub = spawn(process.execPath, [join(ROOT, 'test', 'helpers', 'hub-server.mjs'), repo, 'acme/act', 'hf_act'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await new Promise<string>((res) =>
        hub.stdout!.once('data', (d: Buffer) => res(d.toString().trim())),
      );
      const env = { ...first.env, HF_ENDPOINT: `http://127.0.0.1:${port}`, XDG_CACHE_HOME: join(tmp, 'cache') };
      const sha = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
      // A plain URL (the stand-in's storage path of config.json: no credentials needed there).
      const url = `http://127.0.0.1:${port}/storage/${createHash('sha256').update(config).digest('hex')}`;
      const r = runAction(workspace, { path: `hf://acme/act\n${url}`, 'hf-token': 'hf_act' }, 'scan', env);
      assert.equal(r.code, 1, r.log);
      assert.equal(r.outputs['exit-code'], '1');
      const report = JSON.parse(readFileSync(r.outputs['report']!, 'utf8')) as {
        files: { path: string }[];
        findings: { ruleId: string }[];
        summary: { remote?: { bytesRead: number; requests: number } };
      };
      assert.ok(report.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
      assert.ok(report.files.some((f) => f.path === `hf://acme/act@${sha}/evil.pkl`));
      assert.ok(
        report.files.some((f) => f.path === url),
        JSON.stringify(report.files.map((f) => f.path)),
      );
      assert.ok(report.summary.remote && report.summary.remote.requests > 0);
      const sarif = JSON.parse(readFileSync(join(workspace, 'sentinel.sarif'), 'utf8'));
      assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'PICKLE-EXEC'));
      const refused = runAction(workspace, { path: 'hf://acme/act' }, 'scan', env);
      assert.equal(refused.code, 2, refused.log);
      assert.match(refused.log, /HF_TOKEN/);
    } finally {
      hub.kill('SIGTERM');
    }
  });
});

describe('the action run from its own checkout (no package input)', () => {
  it('runs this checkout (built, nothing fetched from the registry); .gitignore and exclude are respected', () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'bin', 'sentinel.js')), 'the suite runs after npm run build');
    const workspace = join(tmp, 'own-checkout');
    mkdirSync(join(workspace, 'models'), { recursive: true });
    mkdirSync(join(workspace, 'old-reports'));
    writeFileSync(join(workspace, 'models', 'clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
    writeFileSync(join(workspace, 'scratch.pkl'), evilPickle());
    writeFileSync(join(workspace, 'old-reports', 'x.pkl'), evilPickle());
    writeFileSync(join(workspace, '.gitignore'), 'scratch.pkl\n');
    mkdirSync(join(workspace, '.git'));
    const r = runAction(workspace, { exclude: 'old-reports\n' });
    assert.equal(r.env['SENTINEL_BIN'], join(ROOT, 'bin', 'sentinel.js'), r.log);
    assert.equal(r.code, 0, r.log);
    const report = JSON.parse(readFileSync(r.outputs['report']!, 'utf8')) as { skipped: { path: string }[] };
    assert.deepEqual(report.skipped.map((x) => x.path).sort(), ['.git/', 'old-reports/', 'scratch.pkl']);
    // With respect-gitignore off, the ignored file is scanned and fails the gate.
    const off = runAction(workspace, { exclude: 'old-reports', 'respect-gitignore': 'false' }, 'scan', r.env);
    assert.equal(off.code, 1, off.log);
  });
});
