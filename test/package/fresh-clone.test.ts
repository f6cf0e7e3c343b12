// A new user's first steps, on a fresh clone of this repository's committed HEAD (a local `git clone`, no network):
// the README's set-up command (its build, then the scan of the bundled examples) and the README's example commands,
// run from that clone's own build, with their output checked against the README's sample blocks. The dependencies
// are not downloaded again: the clone links this checkout's node_modules in place of `npm ci` (the lockfile is the
// same commit's). The examples run in a small project folder of their own (a git repository with the example models
// as models/); commands that need the network, a Hugging Face cache or a long-running server are left to their own
// tests (test/sources/, test/service/).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const hasGit = spawnSync('git', ['--version']).status === 0;
const hasModules = existsSync(join(ROOT, 'node_modules', '.bin', 'tsc'));
const skip = !hasGit
  ? 'git is not installed'
  : !hasModules
    ? 'node_modules is not installed in this checkout (npm ci)'
    : false;

/** The README's ```sh blocks, line by line (comments and continuations joined, as a shell reads them). */
const shLines = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) =>
  m[1]!
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean),
);
/** ```console samples: `$ node bin/sentinel.js ARGS` then what a 100-column terminal shows. */
const samples = [...README.matchAll(/^```console\n\$ node bin\/sentinel\.js (.*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  args: m[1]!.split(/\s+/),
  out: m[2]!,
}));

let tmp: string;
let clone: string;
let project: string;
before(() => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'sentinel-fresh-clone-'));
  clone = join(tmp, 'sentinel');
  execFileSync('git', ['clone', '--quiet', ROOT, clone], { stdio: 'pipe' });
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The clone's built CLI in a child process, its main() given a terminal of `columns` (the README's samples). */
function onTerminal(args: string[], cwd: string, columns = 100): Run {
  const script = `
const { loadBundle } = require(${JSON.stringify(join(clone, 'bin', 'load-bundle.js'))});
let out = '', err = '';
loadBundle().exports.main(${JSON.stringify(args)}, {
  stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: { ...process.env, NO_COLOR: '1' },
  isTTY: true, columns: ${columns},
}).then((code) => process.stdout.write(JSON.stringify({ code, out, err })));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { code: number; out: string; err: string };
  return { code: j.code, stdout: j.out, stderr: j.err };
}

/** `sentinel ARGS` as a shell runs it: the clone's bin/sentinel.js, output to a pipe. */
function sentinel(args: string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [join(clone, 'bin', 'sentinel.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Volatile parts of a report: none are expected in the compact samples; timings and temp paths are blanked. */
const normalise = (s: string): string =>
  s.replace(/\b\d+(?:\.\d+)? ?(?:ms|s)\b/g, '<time>').replaceAll(tmp ?? '\u0000', '<tmp>');

describe('the README on a fresh clone', { skip }, () => {
  it('its set-up command builds the clone and scans the examples: the gate fails as the sample shows', () => {
    const setup = shLines[0]!;
    const steps = setup.split('&&').map((s) => s.trim());
    assert.deepEqual(steps, ['npm ci', 'npm run build', 'node bin/sentinel.js scan examples/']);
    // npm ci: node_modules is linked (above); the build runs as the README says.
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: clone, stdio: 'pipe' });
    assert.ok(existsSync(join(clone, 'dist', 'bin', 'sentinel.js')), 'the build wrote the CLI bundle');
    const piped = sentinel(steps[2]!.split(/\s+/).slice(2), clone);
    assert.equal(piped.code, 1, piped.stderr);
    assert.match(piped.stdout, /^Gate: FAILED: /m);
    assert.match(piped.stdout, /PICKLE-EXEC/);
  });

  it('the second set-up command is the test run', () => {
    assert.equal(shLines[1], 'npm ci && npm test');
  });

  it('each sample terminal output of the README is what the clone prints (100 columns), with its exit code', () => {
    assert.ok(samples.length >= 2, 'a failing and a passing sample');
    for (const { args, out } of samples) {
      const r = onTerminal(args, clone);
      assert.equal(r.stderr, '', args.join(' '));
      assert.equal(normalise(r.stdout), normalise(out), args.join(' '));
      assert.equal(r.code, /^Gate: PASSED$/m.test(out) ? 0 : 1, args.join(' '));
    }
  });

  describe("the README's example commands, in a project of the user's", () => {
    before(() => {
      project = join(tmp, 'project');
      cpSync(join(clone, 'examples', 'models'), join(project, 'models'), { recursive: true });
      const git = (...a: string[]): void => {
        execFileSync('git', ['-c', 'user.email=u@example.com', '-c', 'user.name=u', ...a], {
          cwd: project,
          stdio: 'pipe',
        });
      };
      git('init', '-q', '.');
      git('add', 'models');
      git('commit', '-qm', 'models');
    });

    /** The sentinel commands the README shows that run locally, in the order it shows them. */
    const local = shLines
      .filter((l) => /^sentinel /.test(l))
      .filter((l) => !/hf:\/\/|oci:\/\/|https?:\/\/|~\/|\bserve\b|\$\(/.test(l));

    it('covers the scan, gate, policy, report and explain examples', () => {
      for (const want of ['sentinel scan models/', 'sentinel init', 'sentinel policy', 'sentinel explain PICKLE-EXEC'])
        assert.ok(local.includes(want), `${want} is no longer in the README`);
      assert.ok(local.length >= 9, local.join('\n'));
    });

    it('every one runs with the exit code its purpose gives, and writes what it names', () => {
      for (const line of local) {
        const args = line.split(/\s+/).slice(1);
        const r = sentinel(args, project);
        const scans = args[0] === 'scan' || args[0] === 'models/';
        // The example models include a malicious one: every scan fails the gate (1); the other commands pass (0).
        assert.equal(r.code, scans ? 1 : 0, `${line}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal error/, line);
        for (const m of line.matchAll(/(?:-o |=)([\w.-]+\.(?:sarif|html|json))/g)) {
          const file = join(project, m[1]!);
          assert.ok(existsSync(file), `${line}: ${m[1]} written`);
          if (m[1]!.endsWith('.sarif')) assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, '2.1.0');
          if (m[1]!.endsWith('.html')) assert.match(readFileSync(file, 'utf8'), /^<!doctype html>/i);
        }
        if (args[0] === 'init') assert.ok(existsSync(join(project, 'sentinel-policy.yml')));
        if (args[0] === 'explain') assert.match(r.stdout, /PICKLE-EXEC/);
        if (args.includes('-v')) assert.match(r.stdout, /sha256|SHA-256/i, 'the full record has the inventory');
      }
    });

    it('the baseline the policy section shows makes the same scan pass: nothing is new', () => {
      const baselineCmd = /`(sentinel scan models\/ --baseline previous\.json)`/.exec(README)?.[1];
      assert.ok(baselineCmd, 'the README shows a baseline scan');
      const first = sentinel(['scan', 'models/', '-f', 'json', '-o', 'previous.json'], project);
      assert.equal(first.code, 1, first.stderr);
      const again = sentinel(baselineCmd.split(/\s+/).slice(1), project);
      assert.equal(again.code, 0, again.stdout + again.stderr);
    });
  });
});
