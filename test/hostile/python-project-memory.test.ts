// A generated project far past the DESER project's node budget (2,000 modules of 500 functions, every one naming
// pickle; a Flask handler in app.py hands the request body to m0, the smallest module) scanned by the built CLI on
// two worker threads. The walk's budget is one count for the whole scan, so the threads together parse at most
// what the phase may keep, and the phase keeps the modules on the handler's path (the handler, then the modules it
// imports) before the others; a worker sends its analyses as soon as they weigh a few MB, so the threads' heaps
// do not hold what the main thread keeps. The peak resident memory stays within 1 GB (0.88–0.90 GB measured; 1.6 GB
// when each worker held 64 analyses before sending them, 2.2 GB, without the finding, when each thread had its own
// budget), the handler's finding is reported, and the modules left out are named in SCAN-INCOMPLETE.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { functionsProject } from '../../scripts/gen-python-project.mjs';

/** Peak resident memory the scan may take, in MB. */
const PEAK_MB = 1024;
const BIN = resolve('bin/sentinel.js');

let dir: string;
let probe: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-pyproject-mem-'));
  // Preloaded into the CLI's process: its peak resident set (kB on Linux) written to stderr at exit.
  probe = join(dir, 'peak.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  findings: { ruleId: string; evidence: { signal: string; details?: { limit?: string } } }[];
}

describe('a Python project past the DESER node budget', () => {
  it('2,000 modules of 500 functions: the handler finding and SCAN-INCOMPLETE naming what was left out, within 1 GB', (t) => {
    if (!existsSync(join('dist', 'bin', 'sentinel.js'))) {
      t.skip('the CLI is not built (npm run build)');
      return;
    }
    functionsProject(join(dir, 'p'), 2000 * 500, 500);
    const r = spawnSync(
      process.execPath,
      ['--require', probe, BIN, 'scan', join(dir, 'p'), '--rule', 'DESER', '--format', 'json', '--jobs', '2'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const peakKb = Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1]);
    assert.ok(Number.isFinite(peakKb), r.stderr.slice(-2000));
    const report = JSON.parse(r.stdout) as Report;
    const ids = report.findings.map((f) => f.ruleId);
    const hit = report.findings.find((f) => f.ruleId === 'DESER-NETWORK-INPUT');
    assert.ok(hit, JSON.stringify(ids));
    assert.match(hit.evidence.signal, /request\.data.*pickle\.loads/);
    const cut = report.findings.find(
      (f) => f.ruleId === 'SCAN-INCOMPLETE' && f.evidence.details?.limit === 'maxDeserProjectNodes',
    );
    assert.ok(cut, JSON.stringify(ids));
    assert.match(cut.evidence.signal, /\d+ module\(s\) were left out; not analysed: proj\/m\d+\.py/);
    assert.equal(r.status, 1);
    assert.ok(peakKb / 1024 <= PEAK_MB, `peak ${Math.round(peakKb / 1024)} MB > ${PEAK_MB} MB`);
  });
});
