// The runner `npm test` runs the fast tier with (scripts/test-run.mjs): files share a process per core, a file that
// changes process-wide state runs alone, a failing or unimportable file fails the run, and one summary ends it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sentinel-test-run-case-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, body: string): string => {
  const p = join(dir, name);
  writeFileSync(p, `import { strict as assert } from 'node:assert';\nimport { it } from 'node:test';\n${body}\n`);
  return p;
};
const run = (...files: string[]) =>
  spawnSync(process.execPath, ['scripts/test-run.mjs', ...files], { cwd: ROOT, encoding: 'utf8' });

describe('the fast-tier runner', () => {
  const pass = file('pass.test.ts', "it('adds', () => assert.equal(1 + 1, 2));");
  const alone = file('alone.test.ts', "it('moves', () => { process.chdir(process.cwd()); });");
  const fail = file('fail.test.ts', "it('fails', () => assert.equal(1, 2));");
  const broken = file('broken.test.ts', "import './no-such-module.js';");

  it('runs shared and lone files, and passes when every test passes', () => {
    const r = run(pass, alone);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Running 2 test files: 1 in 1 shared processes, 1 alone/);
    assert.match(r.stdout, /Tests: 2 passed, 0 failed, 0 skipped\n/);
  });

  it('fails the run on a failing test and on a file that cannot be imported', () => {
    const r = run(pass, fail, broken);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /could not be imported/);
    assert.match(r.stdout, /Tests: 1 passed, 2 failed, 0 skipped — FAILED/);
  });
});
