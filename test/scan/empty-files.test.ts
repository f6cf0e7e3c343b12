// Empty files are checked on the calling thread without the reading pipeline (FileScanner.scanEmpty): their outcomes
// must be exactly what the full scan of the same file gives (FileScanner.scan, the path every file took before):
// same findings and fingerprints (the placeholder finding of an empty model file), same file summary, same digest
// identity; and a folder of empty and non-empty files must report what scanning each file in full reports.
import { strict as assert } from 'node:assert';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileScanner, scanPaths, type ScanSetup } from '../../src/scan/engine.js';
import { planScan, type FileJob } from '../../src/scan/scan-plan.js';
import type { FileOutcome } from '../../src/scan/file-outcome.js';
import { prefixOf, walk } from '../../src/sources/walker.js';
import { DigestBoard } from '../../src/scan/digest-board.js';
import { cli } from '../helpers/cli.js';
import { P, evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
/** Names of the empty files in `dir/mixed` (relative). */
const EMPTY = ['empty', 'model.pt', 'weights.safetensors', 'notes.txt', 'data.pkl', 'sub/model.pt', 'sub/.hidden'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-empty-'));
  const mixed = join(dir, 'mixed');
  mkdirSync(join(mixed, 'sub'), { recursive: true });
  mkdirSync(join(mixed, 'hard'));
  for (const n of EMPTY) writeFileSync(join(mixed, n), '');
  // The same empty content under a second path with the same base name (one job, two members) and by a link.
  linkSync(join(mixed, 'model.pt'), join(mixed, 'hard', 'model.pt'));
  symlinkSync(join(mixed, 'data.pkl'), join(mixed, 'link.pkl'));
  // A name that is not UTF-8 (read by its bytes).
  writeFileSync(Buffer.concat([Buffer.from(join(mixed, 'caf')), Buffer.from([0xe9]), Buffer.from('.pkl')]), '');
  // Enough non-empty files for the worker pool to start, one of them malicious, one a 1-byte file.
  for (let i = 0; i < 300; i++) {
    const bytes = i === 7 ? evilPickle() : new P().proto(4).emptyDict().str(`k${i}`).int(i).setitem().stop().bytes();
    writeFileSync(join(mixed, `p${String(i).padStart(3, '0')}.pkl`), bytes);
  }
  writeFileSync(join(mixed, 'one.bin'), 'x');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function jobsOf(path: string): FileJob[] {
  return planScan([...walk([path])]).jobs;
}

/** An outcome without the digest identity, which scanEmpty hands back beside its outcomes. */
function withoutContent(o: FileOutcome): FileOutcome {
  const { content: _content, ...rest } = o;
  return rest;
}

describe('empty files', () => {
  for (const [label, setup] of [
    ['default setup', {}],
    ['without SHA-256', { sha256: false }],
    ['PICKLE rules only', { only: ['PICKLE'] }],
  ] as [string, ScanSetup][]) {
    it(`scanEmpty gives the full scan's outcomes for every empty file (${label})`, async () => {
      const scanner = new FileScanner(setup);
      const jobs = jobsOf(join(dir, 'mixed')).filter((j) => j.members[0]!.size === 0);
      assert.ok(jobs.length >= EMPTY.length + 1, `${jobs.length} empty jobs`);
      assert.ok(
        jobs.some((j) => j.members.length === 2),
        'the hard link shares a job',
      );
      let placeholders = 0;
      for (const job of jobs) {
        const quick = scanner.scanEmpty(job, true);
        assert.ok(quick, `${job.members[0]!.path} was not checked as empty`);
        const full = await scanner.scan(job);
        assert.deepEqual(quick.outcomes, full.map(withoutContent), job.members[0]!.path);
        assert.deepEqual(quick.digest, full[0]!.content);
        if (setup.sha256 === false) assert.equal(quick.digest, undefined);
        else assert.equal(quick.outcomes[0]!.file?.sha256, full[0]!.file?.sha256);
        placeholders += quick.outcomes.filter((o) => o.findings.length > 0).length;
      }
      // model.pt (and its hard link), sub/model.pt, weights.safetensors, data.pkl (and its symlink) and the
      // non-UTF-8 .pkl are placeholders; the finding is a coverage rule, selected whatever the rule filter.
      assert.equal(placeholders, 7);
    });
  }

  it('a file that is not empty any more, or not there, is left to the full scan', () => {
    const d = join(dir, 'changed');
    mkdirSync(d);
    writeFileSync(join(d, 'grew.pkl'), '');
    writeFileSync(join(d, 'gone.pkl'), '');
    const jobs = jobsOf(d);
    writeFileSync(join(d, 'grew.pkl'), evilPickle());
    rmSync(join(d, 'gone.pkl'));
    const scanner = new FileScanner({});
    for (const job of jobs) assert.equal(scanner.scanEmpty(job, true), undefined, job.members[0]!.path);
  });

  it('a folder of empty and non-empty files reports what the full scan of each file reports', async () => {
    const mixed = join(dir, 'mixed');
    const scanner = new FileScanner({});
    const expected = { findings: [] as unknown[], files: [] as unknown[], pickles: [] as unknown[] };
    for (const job of jobsOf(mixed)) {
      for (const o of await scanner.scan(job)) {
        expected.findings.push(...o.findings);
        expected.pickles.push(...o.pickles);
        if (o.file) expected.files.push(o.file);
      }
    }
    for (const jobs of [1, 2]) {
      const r = await scanPaths([mixed], { jobs });
      // Outcomes come back in walk order, and the full-scan list above is in job order: compare by path.
      const byPath = <T extends { path?: string; where?: string }>(xs: T[]): T[] =>
        [...xs].sort((a, b) => ((a.path ?? a.where)! < (b.path ?? b.where)! ? -1 : 1));
      assert.deepEqual(byPath(r.files), byPath(expected.files as typeof r.files));
      const byFingerprint = (xs: typeof r.findings): typeof r.findings =>
        [...xs].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
      assert.deepEqual(byFingerprint(r.findings), byFingerprint(expected.findings as typeof r.findings));
      assert.equal(r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE').length, 7);
      assert.deepEqual(byPath(r.pickles), byPath(expected.pickles as typeof r.pickles));
      assert.equal(r.errors.length, 0);
      const empties = r.files.filter((f) => f.bytes === 0).length;
      assert.equal(empties, EMPTY.length + 3); // the hard link, the symlink and the non-UTF-8 name
      // Empty files never go to the pool; the 301 others do when two workers are asked for.
      assert.equal(r.scannedOnWorkers, jobs === 1 ? 0 : 301);
    }
  });

  it('the CLI report of the folder is the same on one thread and two, and fails the gate on the pickle', async () => {
    const mixed = join(dir, 'mixed');
    const strip = (s: string): unknown => {
      const r = JSON.parse(s) as Record<string, unknown>;
      delete r['startedAt'];
      delete r['durationMs'];
      return r;
    };
    const one = await cli(['artifact', mixed, '--format', 'json', '--jobs', '1', '--now', '2026-01-01']);
    const two = await cli(['artifact', mixed, '--format', 'json', '--jobs', '2', '--now', '2026-01-01']);
    assert.equal(one.code, 1);
    assert.equal(two.code, 1);
    assert.deepEqual(strip(two.stdout), strip(one.stdout));
    const report = strip(one.stdout) as { files: { path: string; bytes: number }[]; findings: { ruleId: string }[] };
    assert.equal(report.files.length, 7 + 3 + 301);
    assert.ok(report.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE'));
  });
});

describe('walk paths', () => {
  it('prefixOf(dir) + name is path.join(dir, name) for a one-segment name', () => {
    for (const d of ['/', '.', './', 'a', 'a/', 'a//b/', './a', '../x', '..', '/tmp/x', 'a/./b', '/a/../b/', 'x/..']) {
      for (const name of ['f', 'f.pt', '.hidden', '...', 'caf\\xe9']) {
        assert.equal(prefixOf(d) + name, join(d, name), `${d} + ${name}`);
      }
    }
  });
});

describe('digest board', () => {
  it('keeps no digest once released', () => {
    const board = new DigestBoard();
    const c = { id: '1:2', size: 0, mtimeMs: 1, ctimeMs: 2, sha256: 'ab' };
    board.add(c);
    const st = { dev: 1, ino: 2, size: 0, mtimeMs: 1, ctimeMs: 2 } as import('node:fs').Stats;
    assert.equal(board.lookup(st), 'ab');
    board.release();
    assert.equal(board.lookup(st), undefined);
    board.add(c);
    assert.equal(board.lookup(st), undefined);
  });
});
