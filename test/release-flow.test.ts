// The release workflow (.github/workflows/release.yml, docs/releasing.md) is a valid GitHub workflow that runs on a
// version tag, refuses a tag that is not v + package.json's version or has no CHANGELOG.md section, publishes with
// npm provenance only after the tests and with the OIDC permission provenance needs, and pushes the container image.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const TEXT = readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
const wf = parse(TEXT) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

describe('the release workflow', () => {
  it("is valid under GitHub's workflow schema", () => {
    const trace = { error: () => {}, info: () => {}, verbose: () => {} };
    const result = parseWorkflow({ name: 'release.yml', content: TEXT }, trace);
    assert.deepEqual(
      result.context.errors.getErrors().map((e) => e.message),
      [],
    );
  });

  it('runs on a version tag; publishes with provenance after the tests; then builds and pushes the image', () => {
    assert.deepEqual(wf.on.push.tags, ['v*']);
    assert.deepEqual(wf.permissions, { contents: 'read' }, 'least privilege by default');
    const { test, npm, image } = wf.jobs;
    assert.ok(test && npm && image);
    assert.equal(npm.needs, 'test');
    assert.equal(image.needs, 'npm');
    assert.ok(
      test.steps.some((s) => s.run?.includes('.ci/run')),
      'the fast and slow suites',
    );
    assert.equal(npm.permissions?.['id-token'], 'write', 'npm provenance needs the OIDC token');
    assert.ok(npm.steps.some((s) => /^npm publish --provenance\b/.test(s.run ?? '')));
    assert.ok(
      npm.steps.some((s) => s.run?.includes('--ignore-scripts')),
      'dependencies install without scripts',
    );
    assert.equal(image.permissions?.['packages'], 'write');
    assert.ok(image.steps.some((s) => s.uses?.startsWith('docker/build-push-action@') && s.with?.['push'] === true));
    for (const j of Object.values(wf.jobs))
      for (const s of j.steps) assert.doesNotMatch(s.run ?? '', /\$\{\{/, 'expressions reach scripts through env only');
  });

  it('its version check accepts v + the version with a changelog section and refuses anything else', () => {
    const check = wf.jobs['test']!.steps.find((s) => s.env?.['TAG'] !== undefined)!;
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-release-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }));
      const run = (tag: string, changelog: string): number | null => {
        writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
        return spawnSync('bash', ['-e', '-c', check.run!], { cwd: dir, env: { ...process.env, TAG: tag } }).status;
      };
      assert.equal(run('v1.2.3', '# Changelog\n\n## 1.2.3\n'), 0);
      assert.notEqual(run('v1.2.4', '# Changelog\n\n## 1.2.3\n'), 0, 'a tag of another version');
      assert.notEqual(run('1.2.3', '# Changelog\n\n## 1.2.3\n'), 0, 'a tag without the v');
      assert.notEqual(run('v1.2.3', '# Changelog\n\n## 1.2.2\n'), 0, 'no changelog section');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
