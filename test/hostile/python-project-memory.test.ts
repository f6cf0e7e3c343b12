// Python projects whose DESER modules hold more analysis than the project phase may keep at once: 201 modules of
// 500 functions each (every module names pickle, so the walk and the phase take all of them), a Flask handler
// calling the first. The built CLI scans the folder in a child process whose peak resident memory is read at exit:
// it stays within the 512 MB every reader keeps, the handler's data path is found, and the modules the memory
// budget left out are named (SCAN-INCOMPLETE), never passed as clean.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/** Peak resident memory of the scan, in MB. */
const PEAK_MB = 512;
const BIN = resolve('bin/sentinel.js');

let dir: string;
let probe: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-pyproj-mem-'));
  probe = join(dir, 'peak.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `files` modules of `per` functions each; the first function of m0 unpickles its argument; a handler calls it. */
function functionsProject(files: number, per: number): string {
  const pkg = join(dir, 'functions', 'proj');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, '__init__.py'), '');
  for (let f = 0; f < files; f++) {
    const lines = ['import pickle', ''];
    for (let i = 0; i < per; i++)
      lines.push(
        `def f${f}_${i}(data, k=${i}):`,
        '    x = [data, k]',
        i === 0 ? '    return pickle.loads(x[0])' : '    return x',
        '',
      );
    writeFileSync(join(pkg, `m${f}.py`), lines.join('\n'));
  }
  writeFileSync(
    join(pkg, 'app.py'),
    [
      'from flask import Flask, request',
      'from . import m0',
      'app = Flask(__name__)',
      '',
      "@app.route('/x', methods=['POST'])",
      'def h():',
      '    return m0.f0_0(request.data)',
      '',
    ].join('\n'),
  );
  return pkg;
}

interface Report {
  findings: { ruleId: string; evidence: { signal: string; details?: { limit?: string } } }[];
}

describe('Python projects past the DESER memory budget are scanned within 512 MB', () => {
  it('201 modules of 500 functions: DESER-NETWORK-INPUT, and SCAN-INCOMPLETE naming what was left out', () => {
    assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\` first`);
    const pkg = functionsProject(201, 500);
    const r = spawnSync(process.execPath, ['--require', probe, BIN, 'scan', pkg, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      timeout: 900_000,
    });
    assert.equal(r.status, 1, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(-2000)}`);
    const peak = /peak-rss-kb=(\d+)/.exec(r.stderr);
    assert.ok(peak !== null, r.stderr.slice(-2000));
    const peakMb = Number(peak[1]) / 1024;
    assert.ok(peakMb <= PEAK_MB, `peak resident memory ${peakMb.toFixed(0)} MB, more than ${PEAK_MB} MB`);
    const report = JSON.parse(r.stdout) as Report;
    const found = report.findings.map((f) =>
      f.ruleId === 'SCAN-INCOMPLETE' ? `${f.ruleId} ${f.evidence.details?.limit ?? f.evidence.signal}` : f.ruleId,
    );
    assert.ok(found.includes('DESER-NETWORK-INPUT'), JSON.stringify(found));
    assert.ok(found.includes('SCAN-INCOMPLETE maxDeserProjectMemory'), JSON.stringify(found));
  });
});
