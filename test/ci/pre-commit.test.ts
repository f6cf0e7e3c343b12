// The pre-commit hook with the real pre-commit (Debian's; skipped where it is not installed): a copy of this
// checkout committed as the hook repository and examples/ci/pre-commit-config.yaml pointed at it (repo, rev); a git
// repository with a malicious pickle staged fails `pre-commit run`, a clean one passes. pre-commit installs
// `language: node` hooks with `npm install`, `npm pack` (whose stdout must be the tarball name alone: .npmrc) and
// `npm install -g`, which costs minutes on a loaded machine: both runs share one store and so one installed hook
// (`pre-commit try-repo` would install it again, in a temporary store, for every run).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ROOT } from '../helpers/packed-package.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';

const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const skip = version.error || version.status !== 0 ? 'pre-commit is not installed (Debian package pre-commit)' : false;

const GIT = [
  '-c',
  'user.name=test',
  '-c',
  'user.email=test@example.com',
  '-c',
  'init.defaultBranch=main',
  '-c',
  'commit.gpgsign=false',
];
let tmp: string;
let env: NodeJS.ProcessEnv;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...GIT, ...args], { cwd, encoding: 'utf8', env });
}

function repoWith(name: string, files: Record<string, Uint8Array | string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
  git(dir, 'add', '.');
  return dir;
}

describe('pre-commit hook (.pre-commit-hooks.yaml)', { skip }, () => {
  let hookRepo: string;
  let rev: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sentinel-precommit-'));
    env = { ...process.env, PRE_COMMIT_HOME: join(tmp, 'cache'), PRE_COMMIT_COLOR: 'never', NO_COLOR: '1' };
    delete env['GIT_DIR'];
    delete env['GIT_INDEX_FILE'];
    // The hook repository: this checkout's files (tracked, and new ones not ignored), committed.
    hookRepo = join(tmp, 'hook-repo');
    const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && !f.startsWith('test/'));
    for (const f of listed) {
      try {
        cpSync(join(ROOT, f), join(hookRepo, f));
      } catch {
        // deleted in the working tree
      }
    }
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '.');
    git(hookRepo, 'commit', '-q', '-m', 'hook repository');
    rev = git(hookRepo, 'rev-parse', 'HEAD').trim();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('declares one node hook, sentinel, entry `sentinel artifact`, on every staged file', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0]!['id'], 'sentinel');
    assert.equal(hooks[0]!['language'], 'node');
    assert.equal(hooks[0]!['entry'], 'sentinel artifact');
  });

  function config(): string {
    const c = parse(readFileSync(join(ROOT, 'examples', 'ci', 'pre-commit-config.yaml'), 'utf8')) as {
      repos: { repo: string; rev: string; hooks: { id: string }[] }[];
    };
    assert.deepEqual(c.repos[0]!.hooks, [{ id: 'sentinel' }]);
    c.repos[0]!.repo = hookRepo;
    c.repos[0]!.rev = rev;
    return stringify(c);
  }

  it('`pre-commit run` with the README config: a staged malicious pickle fails the hook with PICKLE-EXEC', () => {
    const repo = repoWith('bad', {
      '.pre-commit-config.yaml': config(),
      'models/model.pkl': evilPickle(),
      'serve.py': 'import pickle\n\ndef load(path):\n    return 1\n',
    });
    const r = spawnSync('pre-commit', ['run'], { cwd: repo, encoding: 'utf8', env });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /sentinel.*Failed/);
    assert.match(r.stdout, /PICKLE-EXEC/);
  });

  it('`pre-commit run` with the README config: a clean repository passes', () => {
    const repo = repoWith('good', {
      '.pre-commit-config.yaml': config(),
      'models/model.pkl': new P().proto(4).emptyDict().stop().bytes(),
      'train.py': 'import torch\n\nmodel = torch.load("m.pt", weights_only=True)\n',
    });
    const r = spawnSync('pre-commit', ['run'], { cwd: repo, encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /sentinel.*Passed/);
  });
});
