// The first hour of a new user, run through the CLI the way each step is described: a real git repository with
// committed checkpoints scanned at its root, virtualenvs and caches left out and listed, excludes and .gitignore,
// nothing-to-scan and placeholder model files, operator mistakes, non-UTF-8 names, the compact terminal report,
// the file inventory (SHA-256) and the globals listing, and the retest commands `sentinel init` writes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { reportIsWritten } from '../../src/cli/main.js';

const REAL = join(import.meta.dirname, '..', 'fixtures', 'real');
const CHECKPOINT = join(REAL, 'torch', 'adam-optimizer.pt');
const LEGACY = join(REAL, 'torch', 'legacy-state-dict.pt');
const GGUF = join(import.meta.dirname, '..', 'fixtures', 'model', 'hf-folder', 'tiny-llama-Q8_0.gguf');
const SAFETENSORS = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'model',
  'hf-folder',
  'model-00001-of-00002.safetensors',
);
const hasGit = spawnSync('git', ['--version']).status === 0;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-new-user-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  files: { path: string; bytes: number; sha256?: string }[];
  findings: { ruleId: string; severity: string; where: string; evidence: { signal: string } }[];
  skipped: { path: string; reason: string }[];
  pickles: { where: string; globals?: { name: string; verdict: string }[] }[];
  summary: { exitCode: number };
}

async function json(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await cli([...args, '--format', 'json']);
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as Report) : ({} as Report), stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=dev', ...args], {
    cwd,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

describe('walking a user repository', { skip: hasGit ? false : 'git is not installed' }, () => {
  let repo: string;
  before(() => {
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'models'), { recursive: true });
    copyFileSync(CHECKPOINT, join(repo, 'models', 'adam-optimizer.pt'));
    copyFileSync(LEGACY, join(repo, 'models', 'legacy-state-dict.pt'));
    writeFileSync(join(repo, 'app.py'), 'import torch\n\ndef load(p):\n    return torch.load(p, weights_only=True)\n');
    writeFileSync(join(repo, '.gitignore'), 'reports/\n*.log\n');
    mkdirSync(join(repo, 'reports'));
    // An earlier report and a log: ignored by git, and would be scanned without --respect-gitignore.
    writeFileSync(join(repo, 'reports', 'old.pt'), new Uint8Array(0));
    writeFileSync(join(repo, 'debug.log'), 'x\n');
    git(repo, 'init', '-q', '.');
    git(repo, 'add', 'app.py', '.gitignore', 'models');
    git(repo, 'commit', '-qm', 'checkpoints');
    // Packed objects too: git's stored copies of the checkpoints are zlib streams and a packfile.
    git(repo, 'gc', '-q');
    mkdirSync(join(repo, '.venv', 'lib'), { recursive: true });
    writeFileSync(join(repo, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    writeFileSync(join(repo, '.venv', 'lib', 'broken.pt'), new Uint8Array(0));
    mkdirSync(join(repo, 'env'));
    writeFileSync(join(repo, 'env', 'pyvenv.cfg'), 'home = /usr/bin\n');
    mkdirSync(join(repo, '__pycache__'));
    writeFileSync(join(repo, '__pycache__', 'app.cpython-311.pyc'), new Uint8Array(16));
    mkdirSync(join(repo, '.pytest_cache'));
    writeFileSync(join(repo, '.pytest_cache', 'x.pkl'), new Uint8Array(0));
  });

  it('a clean repository with committed checkpoints passes at its root; tool data is listed as skipped', async () => {
    const { code, report } = await json(['artifact', repo, '--respect-gitignore']);
    assert.equal(code, 0, JSON.stringify(report.findings, null, 1));
    const paths = report.files.map((f) => f.path.slice(repo.length + 1)).sort();
    assert.deepEqual(paths, ['.gitignore', 'app.py', 'models/adam-optimizer.pt', 'models/legacy-state-dict.pt']);
    const skipped = new Map(report.skipped.map((s) => [s.path.slice(repo.length + 1), s.reason]));
    assert.match(skipped.get('.git/') ?? '', /version-control store/);
    assert.match(skipped.get('.venv/') ?? '', /virtual environment/);
    assert.match(skipped.get('env/') ?? '', /virtual environment/);
    assert.match(skipped.get('__pycache__/') ?? '', /bytecode cache/);
    assert.match(skipped.get('.pytest_cache/') ?? '', /tool cache/);
    assert.match(skipped.get('reports/') ?? '', /ignored by \.gitignore/);
    assert.match(skipped.get('debug.log') ?? '', /ignored by \.gitignore/);
  });

  it('without --respect-gitignore the ignored files are scanned (an earlier empty report.pt is ticketed)', async () => {
    const { code, report } = await json(['artifact', repo]);
    assert.equal(code, 0, 'an empty model file is a MEDIUM ticket, not a block');
    assert.deepEqual(
      report.findings.map((f) => `${f.ruleId}:${f.severity}`),
      ['SCAN-INCOMPLETE:MEDIUM'],
    );
    assert.deepEqual(
      report.findings.map((f) => f.where.slice(repo.length + 1)),
      ['reports/old.pt'],
      'only the ignored placeholder; nothing under .git, .venv or the caches',
    );
  });

  it('--no-default-skips walks the tool data too (git objects are then read, and the .venv placeholder found)', async () => {
    const { report } = await json(['artifact', repo, '--no-default-skips', '--respect-gitignore']);
    assert.ok(report.files.some((f) => f.path.includes('/.git/')));
    assert.ok(report.findings.some((f) => f.where.endsWith('.venv/lib/broken.pt')));
  });

  it('--exclude (repeatable) and the policy exclude: leave paths out and list them', async () => {
    const policy = join(dir, 'exclude-policy.yml');
    writeFileSync(policy, 'exclude:\n  - "models/legacy*"\n');
    const { code, report } = await json([
      'artifact',
      repo,
      '--exclude',
      'reports',
      '--exclude',
      '*.log',
      '--policy',
      policy,
    ]);
    assert.equal(code, 0);
    const skipped = new Map(report.skipped.map((s) => [s.path.slice(repo.length + 1), s.reason]));
    assert.equal(skipped.get('reports/'), 'excluded by reports');
    assert.equal(skipped.get('debug.log'), 'excluded by *.log');
    assert.equal(skipped.get('models/legacy-state-dict.pt'), 'excluded by models/legacy*');
  });

  it('a scan that finds no file to scan is exit 2 with a message naming what was left out', async () => {
    const r = await cli(['artifact', repo, '--exclude', '*']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sentinel: nothing to scan: no file found in .*; \d+ entries left out \(/);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  });
});

describe('nothing silently clean', () => {
  it('an empty folder is exit 2', async () => {
    mkdirSync(join(dir, 'empty'));
    const r = await cli(['artifact', join(dir, 'empty')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing to scan/);
  });

  const zero = ['pt', 'safetensors', 'gguf', 'onnx', 'bin', 'pkl', 'joblib', 'npy', 'h5', 'ckpt'];
  for (const ext of zero) {
    it(`a 0-byte .${ext} is a MEDIUM finding (a ticket: nothing loads from zero bytes, the model is missing)`, async () => {
      const f = join(dir, `zero.${ext}`);
      writeFileSync(f, new Uint8Array(0));
      const { code, report } = await json(['artifact', f]);
      assert.equal(code, 0);
      assert.deepEqual(
        report.findings.map((x) => `${x.ruleId}:${x.severity}`),
        ['SCAN-INCOMPLETE:MEDIUM'],
      );
      assert.match(report.findings[0]!.evidence.signal, /empty \(0 bytes\)/);
      // With MEDIUM in the policy's fail_on it blocks.
      assert.equal((await json(['artifact', f, '--fail-on', 'MEDIUM'])).code, 1);
    });
  }

  it('a 0-byte text file is not a model and passes', async () => {
    const f = join(dir, 'notes.txt');
    writeFileSync(f, '');
    assert.equal((await json(['artifact', f])).code, 0);
  });

  const truncated: [string, string][] = [
    ['pytorch_model.bin', CHECKPOINT],
    ['model.pt', LEGACY],
    ['model.gguf', GGUF],
    ['model.safetensors', SAFETENSORS],
  ];
  for (const [name, real] of truncated) {
    it(`a truncated ${name} (the first half of a real one) is a finding`, async () => {
      const bytes = readFileSync(real);
      const f = join(dir, `half-${name}`);
      writeFileSync(f, bytes.subarray(0, bytes.length >> 1));
      const { code, report } = await json(['artifact', f]);
      assert.equal(code, 1);
      assert.ok(report.findings.length > 0);
    });
  }

  for (const name of ['pytorch_model.bin', 'model.pt', 'weights', 'model.onnx']) {
    it(`a Git LFS pointer named ${name} is SCAN-INCOMPLETE`, async () => {
      const d = join(dir, `lfs-${name}`);
      mkdirSync(d);
      writeFileSync(
        join(d, name),
        'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 440473133\n',
      );
      const { code, report } = await json(['artifact', join(d, name)]);
      assert.equal(code, 1);
      const f = report.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE');
      assert.match(f?.evidence.signal ?? '', /Git LFS pointer/);
      // Unlike an empty file, a pointer names content a deployment may pull and the gate has not seen: it blocks.
      assert.equal(f?.severity, 'HIGH');
    });
  }
});

describe('operator errors are errors', () => {
  it('a mistyped path: exit 2, one line on stderr, no report', async () => {
    const r = await cli(['artifact', join(dir, 'modles')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `sentinel: ${join(dir, 'modles')}: no such file or directory\n`);
  });

  it('a --write or --output target that cannot be written is refused before the scan', async () => {
    const f = join(dir, 'w.pt');
    copyFileSync(CHECKPOINT, f);
    const w = await cli(['artifact', f, '--write', `json=${join(dir, 'no-such-folder', 'r.json')}`]);
    assert.equal(w.code, 2);
    assert.equal(w.stdout, '', 'nothing scanned, nothing printed');
    assert.match(w.stderr, /^sentinel: --write .*: folder .* does not exist\n$/);
    const o = await cli(['artifact', f, '--output', dir]);
    assert.equal(o.code, 2);
    assert.match(o.stderr, /is a directory/);
  });

  it('a file name that is not UTF-8 is read by its bytes and reported escaped', async () => {
    const d = join(dir, 'latin1');
    mkdirSync(d);
    const name = Buffer.concat([Buffer.from(d + '/caf'), Buffer.from([0xe9]), Buffer.from('.pt')]);
    writeFileSync(name, readFileSync(CHECKPOINT));
    const { code, report } = await json(['artifact', d]);
    assert.equal(code, 0, JSON.stringify(report.findings));
    assert.deepEqual(
      report.files.map((f) => f.path),
      [join(d, 'caf\\xe9.pt')],
    );
    assert.equal(report.files[0]!.sha256, createHash('sha256').update(readFileSync(CHECKPOINT)).digest('hex'));
  });

  it('sentinel init writes no retest command narrower than the scan (no ./models/)', async () => {
    const f = join(dir, 'init-policy.yml');
    assert.equal((await cli(['init', f])).code, 0);
    const text = readFileSync(f, 'utf8');
    assert.ok(!text.includes('./models/'));
    assert.ok(!/^\s*retest:/m.test(text), 'retest is left to each finding (its own file) unless set on purpose');
  });
});

describe('reports a person reads', () => {
  let evil: string;
  before(() => {
    const d = join(dir, 'reports');
    mkdirSync(d);
    evil = join(d, 'evil.pkl');
    // cos\nsystem\n(S'id'\ntR. (protocol 0: os.system('id')).
    writeFileSync(evil, "cos\nsystem\n(S'id'\ntR.");
  });

  it('on a terminal the text report is compact and fits its width; one decision per finding', async () => {
    const r = await cli(['artifact', evil], {}, { isTTY: true, columns: 80 });
    assert.equal(r.code, 1);
    // eslint-disable-next-line no-control-regex -- strips the colour codes a terminal gets
    const text = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
    assert.match(text, /^CRITICAL PICKLE-EXEC · blocks the release$/m);
    assert.match(text, /: loading this file runs `os\.system`$/m);
    assert.match(text, /^ {2}retest: sentinel artifact /m);
    assert.ok(!/Block release; do not promote/.test(text), "the rule's default decision text is explain's");
    assert.ok(text.split('\n').length < 24, 'a few lines per finding, the fix and the retest command included');
  });

  it('--verbose gives the full record, with the inventory (SHA-256, size)', async () => {
    const r = await cli(['artifact', evil, '--verbose'], {}, { isTTY: true, columns: 80 });
    assert.match(r.stdout, /decision: {4}block — the policy fails the release on CRITICAL findings/);
    const sha = createHash('sha256').update(readFileSync(evil)).digest('hex');
    // At 80 columns a long path continues on indented lines, never at column 0, and no line is wider.
    assert.match(r.stdout, new RegExp(`^ {2}${sha} +\\d+\\s[\\s\\S]*?evil\\.pkl`, 'm'));
    // eslint-disable-next-line no-control-regex -- strips the colour codes a terminal gets
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    for (const line of lines) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
    assert.ok(!lines.some((l) => /^sentinel-new-user/.test(l)), 'a wrapped path starts at column 0');
  });

  it("every report carries each file's SHA-256 and size (JSON, SARIF); --no-sha256 leaves the digest out", async () => {
    const sha = createHash('sha256').update(readFileSync(evil)).digest('hex');
    const { report } = await json(['artifact', evil]);
    assert.deepEqual(
      report.files.map((f) => [f.bytes, f.sha256]),
      [[readFileSync(evil).length, sha]],
    );
    const sarif = JSON.parse((await cli(['artifact', evil, '--format', 'sarif'])).stdout) as {
      runs: { artifacts: { length: number; hashes?: Record<string, string> }[] }[];
    };
    assert.equal(sarif.runs[0]!.artifacts[0]!.hashes?.['sha-256'], sha);
    const off = await json(['artifact', evil, '--no-sha256']);
    assert.equal(off.report.files[0]!.sha256, undefined);
    assert.equal(off.report.files[0]!.bytes, readFileSync(evil).length);
  });

  it('a quiet text run writes no report; any other run or written report does', () => {
    const cases: [{ quiet?: boolean; format: string; output?: string }, number, boolean][] = [
      [{ quiet: true, format: 'text' }, 0, false],
      [{ format: 'text' }, 0, true],
      [{ quiet: false, format: 'text' }, 0, true],
      [{ quiet: true, format: 'json' }, 0, true],
      [{ quiet: true, format: 'text', output: 'r.txt' }, 0, true],
      [{ quiet: true, format: 'text' }, 1, true],
    ];
    for (const [o, writes, written] of cases)
      assert.equal(reportIsWritten(o, writes), written, JSON.stringify([o, writes]));
  });

  it('--list-globals prints what each pickle imports and how each name is judged', async () => {
    const f = join(dir, 'reports', 'mixed.pkl');
    // collections.OrderedDict (allowed) and mylib.Thing (unknown), protocol 0.
    writeFileSync(f, 'ccollections\nOrderedDict\n(tRcmylib\nThing\n(tR.');
    const r = await cli(['artifact', f, '--list-globals', '--quiet']);
    assert.match(r.stdout, /allowed +collections\.OrderedDict/);
    assert.match(r.stdout, /unknown +mylib\.Thing/);
    const { report } = await json(['artifact', f]);
    assert.deepEqual(report.pickles[0]!.globals, [
      { name: 'collections.OrderedDict', verdict: 'allowed' },
      { name: 'mylib.Thing', verdict: 'unknown' },
    ]);
  });
});

describe('installable as documented', () => {
  const BIN = join(import.meta.dirname, '..', '..', 'bin', 'sentinel.js');
  it('bin/sentinel.js refuses a Node older than 20 with a clear message (exit 2), before loading anything', () => {
    // The entry point as an older Node sees it: process.versions.node reports 18.
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.19.1' } });
         process.argv = [process.argv[0], ${JSON.stringify(BIN)}, 'artifact', '.'];
         require(${JSON.stringify(BIN)});`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sentinel: Node\.js 18\.19\.1 is too old: sentinel needs Node\.js 20 or newer/);
  });

  it('bin/sentinel.js: a run whose main() never settles exits 2 with a message, never 0', () => {
    // The bundle as a hang that drains the event loop would leave it: main() returns a promise nothing resolves.
    const loader = join(import.meta.dirname, '..', '..', 'bin', 'load-bundle.js');
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `require.cache[require.resolve(${JSON.stringify(loader)})] = { id: 'x', loaded: true, exports: {
           pythonCacheFor: () => false,
           loadBundle: () => ({ cacheUsed: true, exports: { main: () => new Promise(() => {}) } }) } };
         process.argv = [process.argv[0], ${JSON.stringify(BIN)}, 'artifact', '.'];
         require(${JSON.stringify(BIN)});`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^sentinel: internal error: the scan ended without a result/);
  });

  it('bin/sentinel.js parses as a plain ES2015 script (no syntax an old Node rejects before the check runs)', () => {
    const text = readFileSync(BIN, 'utf8').replace(/^#!.*\n/, '');
    assert.doesNotMatch(text, /\?\.|\?\?|\bimport\b|\bawait\b|#\w/, 'optional chaining, ??, ESM or private fields');
    // Compiles as a script (a syntax error throws here).
    new Function(text);
  });
});
