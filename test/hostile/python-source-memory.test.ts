// Python sources just within the source-size limits (maxPythonTokens, maxPythonNesting), in the shapes that cost the
// analysis most per token: nested lambdas, lists of calls, many one-line statements, a large constant table followed
// by code, and long chains of calls (bare, or each link passed a name). Each is followed by a Flask handler that
// deserializes the request body. The built CLI scans each file in a child process whose peak resident memory is read
// at exit: it stays within the 512 MB every reader keeps, and the handler is found (or, past the module's
// name-resolution budget, the module is said to be incompletely analysed).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/** Peak resident memory one Python file may take, in MB. */
const PEAK_MB = 512;
const BIN = resolve('bin/sentinel.js');

let dir: string;
let probe: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-pymem-'));
  // Preloaded into the CLI's process: its peak resident set (kB on Linux) written to stderr at exit.
  probe = join(dir, 'peak.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const HANDLER = [
  '',
  'import pickle',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  "@app.route('/p', methods=['POST'])",
  'def handler():',
  '    return str(pickle.loads(request.data))',
  '',
].join('\n');

const lines = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i)).join('');

interface Report {
  findings: { ruleId: string; evidence: { signal: string; details?: { limit?: string } } }[];
}

describe('Python sources within the size limits are analysed within 512 MB', () => {
  const cases: { name: string; body: () => string; expect: string }[] = [
    {
      name: '1,400 lines of 190 nested lambdas',
      body: () => lines(1400, (j) => `g${j} = ${'lambda: '.repeat(190)}0\n`),
      expect: 'DESER-NETWORK-INPUT',
    },
    {
      name: 'a list of 115,000 calls',
      body: () => `def c(*a): pass\nL = [${Array.from({ length: 115_000 }, () => 'c(1)').join(', ')}]\n`,
      expect: 'DESER-NETWORK-INPUT',
    },
    {
      name: '84,000 chained assignments, one a line',
      body: () => 'a0 = 0\n' + lines(83_999, (i) => `a${i + 1} = a${i}\n`),
      expect: 'DESER-NETWORK-INPUT',
    },
    {
      name: '84,000 chained assignments on one line',
      body: () => 'b0 = 0; ' + Array.from({ length: 83_999 }, (_, i) => `b${i + 1} = b${i}`).join('; ') + '\n',
      expect: 'DESER-NETWORK-INPUT',
    },
    {
      name: 'a table of 600,000 tuples, then 80,000 assignments',
      body: () =>
        'a0 = 0\nT = [' +
        Array.from({ length: 600_000 }, (_, i) => `(${i}, 'v')`).join(', ') +
        ']\n' +
        lines(79_999, (i) => `a${i + 1} = a${i}\n`),
      expect: 'DESER-NETWORK-INPUT',
    },
    {
      // Every link of a chain starts where the chain does: its cut excerpts are one string, not one a link. The
      // chains cost more name-resolution steps than the module's budget: the verdict is that the module was not
      // fully analysed.
      name: '290 lines of 990 chained calls',
      body: () => 'def f(*a): return f\n' + lines(290, (j) => `y${j} = f${'()'.repeat(990)}\n`),
      expect: 'SCAN-INCOMPLETE maxResolveSteps',
    },
    {
      // Each link passes the same name: the facts of its argument share one list of names read.
      name: '195 lines of 999 chained calls, each passed a name',
      body: () => lines(195, (j) => `y${j} = f${'(x)'.repeat(999)}\n`),
      expect: 'SCAN-INCOMPLETE maxResolveSteps',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.expect}`, () => {
      assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\` first`);
      const file = join(dir, c.name.replace(/\W+/g, '-') + '.py');
      writeFileSync(file, c.body() + HANDLER);
      const r = spawnSync(process.execPath, ['--require', probe, BIN, 'scan', file, '--format', 'json'], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        timeout: 600_000,
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
      assert.deepEqual([...new Set(found)], [c.expect]);
    });
  }
});
