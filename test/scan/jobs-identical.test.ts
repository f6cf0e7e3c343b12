// `--jobs 1` and `--jobs 4` must give the same report (timings aside): same findings in the same order, same
// fingerprints, same pickles, files, errors and exit code. The corpus is every fixture and example in the repository
// (real framework output, malicious and benign), 300 generated small pickles (more than the engine keeps on one
// thread), a dangling symlink and symlinks in and out of the root; the shared labelled corpus is added when present.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { cli } from '../helpers/cli.js';
import { P, evilPickle } from '../helpers/pickle-builder.js';

const REPO = new URL('../../', import.meta.url).pathname;
const SHARED_CORPUS = join(REPO, '..', 'shared', 'corpus', 'files');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-jobs-'));
  const corpus = join(dir, 'corpus');
  cpSync(join(REPO, 'test', 'fixtures'), join(corpus, 'fixtures'), { recursive: true });
  cpSync(join(REPO, 'examples'), join(corpus, 'examples'), { recursive: true });
  if (existsSync(SHARED_CORPUS)) cpSync(SHARED_CORPUS, join(corpus, 'shared'), { recursive: true });
  mkdirSync(join(corpus, 'generated'));
  for (let i = 0; i < 300; i++) {
    const bytes =
      i % 7 === 0
        ? evilPickle()
        : new P()
            .proto(2 + (i % 4))
            .emptyDict()
            .str(`k${i}`)
            .int(i)
            .setitem()
            .stop()
            .bytes();
    writeFileSync(join(corpus, 'generated', `p${String(i).padStart(3, '0')}.pkl`), bytes);
  }
  writeFileSync(join(dir, 'outside.pkl'), evilPickle());
  symlinkSync(join(dir, 'outside.pkl'), join(corpus, 'generated', 'escape.pkl'));
  symlinkSync(join(corpus, 'generated', 'p007.pkl'), join(corpus, 'generated', 'inside-link.pkl'));
  symlinkSync(join(dir, 'nowhere'), join(corpus, 'generated', 'dangling.pkl'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON report without the fields that are timings. */
function withoutTimings(json: string): unknown {
  const r = JSON.parse(json) as Record<string, unknown>;
  for (const k of ['startedAt', 'finishedAt', 'durationMs']) delete r[k];
  const scan = r['scan'] as Record<string, unknown> | undefined;
  if (scan) for (const k of ['startedAt', 'finishedAt', 'durationMs']) delete scan[k];
  return r;
}

describe('worker pool', () => {
  it('scans on worker threads when asked to (and the report does not change)', async () => {
    const generated = join(dir, 'corpus', 'generated');
    const one = await scanPaths([generated], { jobs: 1 });
    const two = await scanPaths([generated], { jobs: 2 });
    assert.equal(one.scannedOnWorkers, 0);
    assert.equal(two.scannedOnWorkers, two.scannedFiles);
    assert.ok(two.files.length >= 300);
    assert.deepEqual({ ...two, durationMs: 0, scannedOnWorkers: 0 }, { ...one, durationMs: 0 });
  });

  it('--jobs 4 reports exactly what --jobs 1 reports on the whole corpus', async () => {
    const corpus = join(dir, 'corpus');
    const one = await cli(['artifact', corpus, '--format', 'json', '--jobs', '1', '--now', '2026-01-01']);
    const four = await cli(['artifact', corpus, '--format', 'json', '--jobs', '4', '--now', '2026-01-01']);
    assert.equal(four.code, one.code);
    assert.equal(one.code, 1);
    const a = withoutTimings(one.stdout) as { findings: unknown[]; files: unknown[] };
    assert.ok(a.files.length > 500, `corpus too small: ${a.files.length} files`);
    assert.ok(a.findings.length > 50);
    if (existsSync(SHARED_CORPUS)) {
      // The shared labelled corpus (benign and malicious files from real tools) is part of the comparison.
      const shared = JSON.stringify(a.files).split(`${join('corpus', 'shared')}/`).length - 1;
      assert.ok(shared >= 100, `shared corpus files in the report: ${shared}`);
    }
    assert.equal(JSON.stringify(withoutTimings(four.stdout)), JSON.stringify(a));
    assert.equal(four.stderr, one.stderr);
  });
});
