// A folder of many small files: with the machine's parallelism chosen for it (`jobs: 'auto'`, the CLI's default), the
// pool starts for the file count only with more than two workers; a number of jobs asked for is obeyed; past the byte
// threshold the pool starts whatever the count. The report is the same either way.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import { scanPaths } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-auto-jobs-'));
  mkdirSync(join(dir, 'small'));
  for (let i = 0; i < 300; i++) {
    const bytes = new P().proto(4).emptyDict().str(`k${i}`).int(i).setitem().stop().bytes();
    writeFileSync(join(dir, 'small', `p${String(i).padStart(3, '0')}.pkl`), bytes);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the pool for many small files under jobs: 'auto'", () => {
  const small = () => join(dir, 'small');

  it('two workers chosen for the machine: the files are scanned on the calling thread', async () => {
    const r = await scanPaths([small()], { jobs: 2, autoJobs: true });
    assert.equal(r.scannedFiles, 300);
    assert.equal(r.scannedOnWorkers, 0);
  });

  it('two workers asked for: the pool runs them', async () => {
    const r = await scanPaths([small()], { jobs: 2 });
    assert.equal(r.scannedOnWorkers, 300);
  });

  it('three workers chosen for the machine: the pool runs them, and the report is the same', async () => {
    const one = await scanPaths([small()], { jobs: 1 });
    const three = await scanPaths([small()], { jobs: 3, autoJobs: true });
    assert.equal(three.scannedOnWorkers, 300);
    assert.deepEqual({ ...three, durationMs: 0, scannedOnWorkers: 0 }, { ...one, durationMs: 0 });
  });

  it("the API accepts 'auto' and scans", async () => {
    const r = await scan(small(), { jobs: 'auto' });
    assert.equal(r.summary.gate.passed, true);
    assert.equal(r.files.length, 300);
  });
});
