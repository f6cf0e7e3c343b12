// `sentinel artifact` with policies, thresholds, baselines and report formats; `sentinel rules`, `explain`,
// `init` and `policy`. Exit codes: 0 pass, 1 gate failed, 2 usage/policy/tool error.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FORMATS } from '../../src/cli/main.js';
import { RULES } from '../../src/rules/index.js';
import { cli } from '../helpers/cli.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';

let dir: string;
const framework = new P().proto(4).stackGlobal('torch.nn.modules.fancy', 'Fancy').stop().bytes();

// The CLI resolves paths, the policy file and --output against the working directory, like a shell user.
const home = process.cwd();
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-gate-'));
  process.chdir(dir);
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models/clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(dir, 'models/framework.pkl'), framework);
  writeFileSync(join(dir, 'evil.pkl'), evilPickle());
});
after(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

describe('policy file', () => {
  it('an invalid policy exits 2 with path-addressed errors on stderr and nothing on stdout', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'rules:\n  PICKLE-EXEC:\n    fail_on: [CRITICAL, HIHG]\nbogus: 1\n');
    const r = await cli(['artifact', 'models', '--policy', 'bad.yml', '--format', 'json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sentinel: invalid policy:\n/);
    assert.match(r.stderr, /bad\.yml:3:25: rules\.PICKLE-EXEC\.fail_on\[1\]: unknown severity "HIHG"/);
    assert.match(r.stderr, /bad\.yml:4:1: bogus: unknown key "bogus"/);
  });

  it('a refused also_allow entry exits 2 and says why', async () => {
    writeFileSync(join(dir, 'allow.yml'), 'also_allow:\n  - name: posix.system\n    justification: "needed"\n');
    const r = await cli(['artifact', 'models', '--policy', 'allow.yml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /also_allow\[0\]\.name: refused "posix\.system": "posix" is an alias of "os"/);
  });

  it('torch_safe_globals reaches the weights-only check (the add_safe_globals counterpart)', async () => {
    const ckpt = join(home, 'test', 'fixtures', 'real', 'torch', 'checkpoint-namespace.pt');
    const before = JSON.parse((await cli(['artifact', ckpt, '--format', 'json'])).stdout);
    assert.ok(before.findings.some((f: { ruleId: string }) => f.ruleId === 'TORCH-LOAD-UNTRUSTED'));
    writeFileSync(
      join(dir, 'torch.yml'),
      'torch_safe_globals:\n  - name: argparse.Namespace\n    justification: "training arguments"\n',
    );
    const r = await cli(['artifact', ckpt, '--format', 'json', '--policy', 'torch.yml']);
    const j = JSON.parse(r.stdout);
    assert.ok(!j.findings.some((f: { ruleId: string }) => f.ruleId === 'TORCH-LOAD-UNTRUSTED'), r.stdout);
    assert.deepEqual(j.policy.torchSafeGlobals, [{ name: 'argparse.Namespace', justification: 'training arguments' }]);
  });

  it('a missing --policy file exits 2', async () => {
    const r = await cli(['artifact', 'models', '--policy', 'nope.yml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read policy .*nope\.yml: ENOENT/);
  });

  it('sentinel-policy.yml in the working directory is picked up', async () => {
    assert.equal((await cli(['artifact', 'models'])).code, 1, 'strict by default');
    writeFileSync(join(dir, 'sentinel-policy.yml'), 'preset: moderate\n');
    try {
      const r = await cli(['artifact', 'models', '--format', 'json']);
      assert.equal(r.code, 0);
      const j = JSON.parse(r.stdout);
      assert.equal(j.policy.source, 'sentinel-policy.yml');
      assert.equal(j.findings[0].decision, 'ticket');
      assert.match(j.findings[0].decisionReason, /^accepted by threshold/);
    } finally {
      unlinkSync(join(dir, 'sentinel-policy.yml'));
    }
  });
});

describe('threshold flags override the policy', () => {
  const table: [string[], number][] = [
    [[], 1],
    [['--preset', 'moderate'], 0],
    [['--preset', 'permissive'], 0],
    [['--max-acceptable-severity', 'POSSIBLY_UNSAFE'], 0],
    [['--max-acceptable-severity', 'likely_safe'], 1],
    [['--preset', 'moderate', '--max-acceptable-severity', 'LIKELY_SAFE'], 1],
  ];
  for (const [flags, code] of table) {
    it(`${flags.join(' ') || '(none)'} → ${code}`, async () => {
      assert.equal((await cli(['artifact', 'models/framework.pkl', ...flags])).code, code);
    });
  }
  it('the CLI beats the policy file', async () => {
    writeFileSync(join(dir, 'moderate.yml'), 'preset: moderate\n');
    const r = await cli(['artifact', 'models', '--policy', 'moderate.yml', '--preset', 'strict', '--format', 'json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).policy.thresholdFrom, 'cli');
  });
  it('unknown values exit 2', async () => {
    assert.equal((await cli(['artifact', 'models', '--preset', 'lax'])).code, 2);
    const r = await cli(['artifact', 'models', '--max-acceptable-severity', 'SAFE']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown pickle safety level "SAFE"/);
  });
});

describe('acceptances and expiry (--now)', () => {
  it('a valid acceptance passes; the same acceptance after its expiry fails and says so', async () => {
    writeFileSync(
      join(dir, 'accept.yml'),
      'acceptances:\n  - rule: PICKLE-EXEC\n    path: "evil.pkl"\n    owner: sec\n    reason: "sandboxed loader"\n    expires: 2025-06-30\n',
    );
    const ok = await cli(['artifact', 'evil.pkl', '--policy', 'accept.yml', '--now', '2025-06-30']);
    // The pickle is still above the strict threshold only if some finding on it is unexcused: all are accepted.
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /accepted: {4}by sec until 2025-06-30: sandboxed loader/);
    const late = await cli(['artifact', 'evil.pkl', '--policy', 'accept.yml', '--now', '2025-07-01']);
    assert.equal(late.code, 1);
    assert.match(late.stdout, /accepted: {4}EXPIRED by sec until 2025-06-30/);
    assert.match(late.stdout, /Gate: FAILED: 1 finding fails the release \(1 acceptance expired\)/);
  });
  it('--now must be a date', async () => {
    assert.equal((await cli(['artifact', 'evil.pkl', '--now', 'tomorrow'])).code, 2);
  });
});

describe('--baseline', () => {
  it('fails only on new findings and lists closed ones', async () => {
    mkdirSync(join(dir, 'b'), { recursive: true });
    writeFileSync(join(dir, 'b/one.pkl'), evilPickle());
    writeFileSync(join(dir, 'b/two.pkl'), new P().proto(4).stackGlobal('mylib', 'Net').stop().bytes());
    const first = await cli(['artifact', 'b', '--format', 'json', '--output', 'prev.json']);
    assert.equal(first.code, 1);
    assert.equal(first.stdout, '');
    // Same findings: nothing new → pass.
    const same = await cli(['artifact', 'b', '--baseline', 'prev.json', '--format', 'json']);
    assert.equal(same.code, 0);
    const j = JSON.parse(same.stdout);
    assert.deepEqual(j.summary.gate.baseline, { source: 'prev.json', new: 0, existing: 2, closed: 0 });
    // Fix one file: its finding is closed (closure evidence); add a new problem: it fails.
    writeFileSync(join(dir, 'b/two.pkl'), new P().proto(4).emptyDict().stop().bytes());
    writeFileSync(join(dir, 'b/three.pkl'), evilPickle('subprocess', 'check_output'));
    const next = await cli(['artifact', 'b', '--baseline', 'prev.json', '--format', 'json']);
    assert.equal(next.code, 1);
    const k = JSON.parse(next.stdout);
    assert.deepEqual(
      k.findings.map((f: { where: string; baseline: string }) => [f.where.replace(/@\d+$/, ''), f.baseline]),
      [
        ['b/one.pkl', 'existing'],
        ['b/three.pkl', 'new'],
      ],
    );
    assert.deepEqual(
      k.closed.map((c: { where: string; closure: string }) => [c.where, c.closure]),
      [['b/two.pkl@14', 'signal-gone']],
    );
  });
  it('a file that is not a Sentinel report exits 2', async () => {
    writeFileSync(join(dir, 'junk.json'), '{"findings": 3}');
    const r = await cli(['artifact', 'models', '--baseline', 'junk.json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /junk\.json: not a Sentinel JSON report/);
  });
});

describe('formats, --output, --quiet, progress, colour', () => {
  const starts: Record<string, RegExp> = {
    text: /^Sentinel release gate report · sentinel \S+ · report schema \S+\n\nPICKLE-EXEC CRITICAL · blocks the release\n/,
    json: /^\{\n {2}"schemaVersion": "1\.2\.0"/,
    sarif: /^\{\n {2}"\$schema": "https:\/\/json\.schemastore\.org\/sarif-2\.1\.0\.json"/,
    html: /^<!doctype html>\n/,
    markdown: /^## ❌ Sentinel release gate: \*\*FAILED\*\*/,
    junit: /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /,
    gitlab: /^\{\n {2}"version": "15\.1\.4",\n {2}"schema": "https:\/\/gitlab\.com\//,
    cyclonedx: /^\{\n {2}"\$schema": "http:\/\/cyclonedx\.org\/schema\/bom-1\.6\.schema\.json"/,
  };
  for (const format of FORMATS) {
    it(`--format ${format}: only the report on stdout; --output writes the same bytes`, async () => {
      const r = await cli(['artifact', 'evil.pkl', '--format', format, '--now', '2025-01-01']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, starts[format]!);
      assert.equal(r.stderr, '');
      const out = `out.${format}`;
      const w = await cli(['artifact', 'evil.pkl', '--format', format, '--output', out, '--now', '2025-01-01']);
      assert.equal(w.code, 1);
      assert.equal(w.stdout, '');
      const strip = (s: string): string =>
        s
          .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, 'T')
          .replace(/"durationMs": \d+|\d+ ms|time="[\d.]+"/g, 'D')
          .replace(/urn:uuid:[0-9a-f-]+/g, 'U');
      assert.equal(strip(readFileSync(join(dir, out), 'utf8')), strip(r.stdout));
    });
  }
  it('--quiet prints no text report but keeps the exit code; machine formats are still printed', async () => {
    const q = await cli(['artifact', 'evil.pkl', '--quiet']);
    assert.deepEqual([q.code, q.stdout, q.stderr], [1, '', '']);
    const j = await cli(['artifact', 'evil.pkl', '--quiet', '--format', 'json']);
    assert.equal(JSON.parse(j.stdout).summary.exitCode, 1);
  });
  it('progress goes to stderr only when stderr is a terminal, and never with --quiet', async () => {
    const tty = await cli(['artifact', 'models', '--format', 'json'], {}, { stderrIsTTY: true });
    assert.match(tty.stderr, /^\r1 file\b/);
    assert.ok(tty.stderr.endsWith('\r\x1b[K'));
    JSON.parse(tty.stdout);
    const pipe = await cli(['artifact', 'models', '--format', 'json']);
    assert.equal(pipe.stderr, '');
    const quiet = await cli(['artifact', 'models', '--quiet'], {}, { stderrIsTTY: true });
    assert.equal(quiet.stderr, '');
  });
  it('colour only on a TTY and never with NO_COLOR', async () => {
    const tty = await cli(['artifact', 'evil.pkl'], {}, { isTTY: true });
    assert.ok(tty.stdout.includes('\x1b['));
    const noColor = await cli(['artifact', 'evil.pkl'], { NO_COLOR: '1' }, { isTTY: true });
    assert.ok(!noColor.stdout.includes('\x1b['));
    const file = await cli(['artifact', 'evil.pkl', '--output', 'o.txt'], {}, { isTTY: true });
    assert.ok(!readFileSync(join(dir, 'o.txt'), 'utf8').includes('\x1b['), file.stderr);
  });
});

describe('rules, explain, init, policy', () => {
  it('rules lists every rule (text and JSON)', async () => {
    const t = await cli(['rules']);
    assert.equal(t.code, 0);
    for (const r of RULES)
      assert.match(t.stdout, new RegExp(`^${r.meta.id} +${r.meta.category} +${r.meta.severity} `, 'm'));
    const j = await cli(['rules', '--format', 'json']);
    assert.deepEqual(
      JSON.parse(j.stdout).map((m: { id: string }) => m.id),
      RULES.map((r) => r.meta.id),
    );
  });
  it('explain prints the full record and guidance', async () => {
    const r = await cli(['explain', 'pickle-exec']);
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'PICKLE-EXEC CRITICAL',
      'Dangerous Pickle Execution',
      'Do not load untrusted pickle files. Convert the artifact to a non-executable format.',
    ]);
    for (const h of [
      'Description',
      'When it fires',
      'Evidence format',
      'False-positive notes',
      'Triage',
      'How to fix',
      'Retest',
      'Related rules',
    ]) {
      assert.ok(lines.includes(h), h);
    }
    assert.match(r.stdout, / {2}- PICKLE-GLOBAL-IMPORT: Unexpected Global Import/);
    assert.equal(JSON.parse((await cli(['explain', 'PICKLE-EXEC', '--format', 'json'])).stdout).meta.id, 'PICKLE-EXEC');
    // The Markdown page without the generated-file marker docs/rules/ carries.
    assert.match((await cli(['explain', 'PICKLE-EXEC', '--format', 'markdown'])).stdout, /^# PICKLE-EXEC — /);
  });
  it('explain of an unknown rule exits 2 and says where the known ones are listed', async () => {
    const r = await cli(['explain', 'NOPE']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown rule, pack or name "NOPE"; `sentinel rules` lists the rules and packs/);
  });
  it('init writes a starter policy that loads, refuses to overwrite, and --force overwrites', async () => {
    const sub = join(dir, 'init');
    mkdirSync(sub);
    const first = await cli(['init', 'init/sentinel-policy.yml']);
    assert.equal(first.code, 0);
    assert.ok(existsSync(join(sub, 'sentinel-policy.yml')));
    const check = await cli(['policy', 'init/sentinel-policy.yml']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /^init\/sentinel-policy\.yml: valid\n/);
    writeFileSync(join(sub, 'sentinel-policy.yml'), '# mine\n');
    const again = await cli(['init', 'init/sentinel-policy.yml']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force/);
    assert.equal(readFileSync(join(sub, 'sentinel-policy.yml'), 'utf8'), '# mine\n');
    assert.equal((await cli(['init', 'init/sentinel-policy.yml', '--force'])).code, 0);
    assert.notEqual(readFileSync(join(sub, 'sentinel-policy.yml'), 'utf8'), '# mine\n');
    // The written policy drives a scan.
    writeFileSync(join(sub, 'ok.pkl'), new P().proto(4).emptyDict().stop().bytes());
    assert.equal((await cli(['artifact', 'init/ok.pkl', '--policy', 'init/sentinel-policy.yml'])).code, 0);
  });
  it('policy reports an invalid file with exit 2', async () => {
    writeFileSync(join(dir, 'p2.yml'), 'preset: lax\n');
    const r = await cli(['policy', 'p2.yml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /p2\.yml:1:9: preset: unknown preset "lax"/);
  });
});
