// `sentinel scan --time-limit SECONDS` (API `timeLimitSeconds`): the whole scan's time limit. When it runs out the
// scan ends normally and every file not fully read is SCAN-INCOMPLETE (limit timeLimitSeconds), so the gate never
// passes unscanned files; a limit that does not run out changes nothing. No case depends on how fast the machine
// is: a limit of 0 has run out before the first file, and the partial case moves a mocked clock between files.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { scan } from '../../src/api/scan.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { P, evilPickle } from '../helpers/pickle-builder.js';
import { cli } from '../helpers/cli.js';
import { PHASE_CLOCK } from '../../src/scan/post-walk.js';

let dir: string;
/** Benign files only. */
let clean: string;
/** A malicious pickle among benign files. */
let mixed: string;
/** Enough files for `--jobs 2` to scan them on worker threads (at least 256). */
let many: string;
const MANY = 260;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-time-limit-'));
  clean = join(dir, 'clean');
  mixed = join(dir, 'mixed');
  many = join(dir, 'many');
  for (const d of [clean, mixed, many]) mkdirSync(d);
  writeFileSync(join(clean, 'a.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(clean, 'b.pkl'), new P().proto(2).none().stop().bytes());
  writeFileSync(join(clean, 'README.md'), '# models\n');
  writeFileSync(join(mixed, 'a.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(mixed, 'evil.bin'), evilPickle());
  writeFileSync(join(mixed, 'empty.pt'), '');
  writeFileSync(join(mixed, 'z.pkl'), new P().proto(2).none().stop().bytes());
  for (let i = 0; i < MANY; i++) {
    writeFileSync(
      join(many, `f${String(i).padStart(3, '0')}.pkl`),
      i === 7 ? evilPickle() : new P().proto(2).none().stop().bytes(),
    );
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface JsonReport {
  files: { path: string; sha256?: string }[];
  findings: {
    ruleId: string;
    location: { chain: string[] };
    evidence: { signal: string; details?: { limit?: string } };
  }[];
}

/** The files a report says the time limit left unfinished, sorted. */
function overLimit(r: JsonReport | SentinelReport): string[] {
  return r.findings
    .filter((f) => f.ruleId === 'SCAN-INCOMPLETE' && f.evidence.details?.['limit'] === 'timeLimitSeconds')
    .map((f) => f.location.chain[0]!)
    .sort();
}

/** Rule and place of every finding, sorted (what a report found, apart from times and digests). */
function found(r: JsonReport | SentinelReport): string[] {
  return r.findings.map((f) => `${f.ruleId} ${f.location.chain.join('!')}`).sort();
}

describe('scan --time-limit', () => {
  const cases: {
    name: string;
    args: () => string[];
    code: number;
    /** Files reported unfinished by the time limit (names under the scanned folder), or 'all'. */
    unfinished: string[] | 'all';
    /** Findings of other rules that must be there (or, with `none`, must not). */
    has?: string[];
    none?: string[];
  }[] = [
    {
      name: 'a limit of 0 reads nothing: every file of the folder is SCAN-INCOMPLETE and the gate fails',
      args: () => [clean, '--time-limit', '0'],
      code: 1,
      unfinished: 'all',
    },
    {
      name: 'a malicious file not reached is not called clean, and is not read (no PICKLE-EXEC)',
      args: () => [mixed, '--time-limit', '0'],
      code: 1,
      unfinished: 'all',
      // The empty model file is not opened either: no placeholder finding, only the time limit's.
      none: ['PICKLE-EXEC', 'SCAN-INCOMPLETE placeholder'],
    },
    {
      name: 'files sent to worker threads (--jobs 2, 260 files) are each SCAN-INCOMPLETE',
      args: () => [many, '--time-limit', '0', '--jobs', '2'],
      code: 1,
      unfinished: 'all',
      none: ['PICKLE-EXEC'],
    },
    {
      name: 'benign twin: a limit that does not run out leaves a clean folder clean',
      args: () => [clean, '--time-limit', '86400'],
      code: 0,
      unfinished: [],
    },
    {
      name: 'benign twin: a limit that does not run out finds what a scan without it finds',
      args: () => [mixed, '--time-limit', '86400'],
      code: 1,
      unfinished: [],
      has: ['PICKLE-EXEC', 'SCAN-INCOMPLETE'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const args = c.args();
      const r = await cli(['scan', ...args, '--format', 'json']);
      assert.equal(r.code, c.code, r.stderr);
      const report = JSON.parse(r.stdout) as JsonReport;
      const files = report.files.map((f) => f.path).sort();
      const want = c.unfinished === 'all' ? files : c.unfinished;
      assert.deepEqual(overLimit(report), want);
      if (c.unfinished === 'all') {
        assert.ok(files.length >= 3, 'every walked file is listed in the inventory');
        // Nothing was read: no digest names bytes that were not read.
        assert.ok(report.files.every((f) => f.sha256 === undefined));
        assert.match(r.stderr, new RegExp(`time limit of 0 s ran out: ${files.length} files were not fully scanned`));
        assert.ok(
          report.findings.every(
            (f) => f.ruleId !== 'SCAN-INCOMPLETE' || /time limit of 0 s ran out/.test(f.evidence.signal),
          ),
        );
      } else {
        assert.equal(r.stderr, '');
        // The same findings as the scan without a limit.
        const plain = await cli(['scan', args[0]!, '--format', 'json']);
        assert.equal(plain.code, r.code);
        assert.deepEqual(found(report), found(JSON.parse(plain.stdout) as JsonReport));
      }
      for (const h of c.has ?? [])
        assert.ok(
          found(report).some((f) => f.startsWith(h)),
          h,
        );
      for (const n of c.none ?? []) {
        const [rule, kind] = n.split(' ');
        assert.ok(
          !report.findings.some((f) => f.ruleId === rule && (kind === undefined || f.evidence.signal.startsWith(kind))),
          n,
        );
      }
    });
  }

  it('standard input past the limit is not read and is SCAN-INCOMPLETE', async () => {
    let pulled = 0;
    const stdin = {
      async *[Symbol.asyncIterator]() {
        pulled++;
        yield evilPickle();
      },
    };
    const r = await cli(['scan', '-', '--time-limit', '0', '--format', 'json'], {}, { stdin });
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(overLimit(report), ['<stdin>']);
    assert.ok(!report.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.equal(pulled, 0, 'the stream was not read');
  });

  it('is a usage error unless a whole number of seconds from 0', async () => {
    for (const bad of ['-1', 'abc', '1.5', '', '99999999']) {
      const r = await cli(['scan', clean, '--time-limit', bad]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--time-limit expects a whole number of seconds/, bad);
    }
  });
});

describe('timeLimitSeconds (API): the limit running out between files', () => {
  it('files finished before it keep their findings; the files after it are each SCAN-INCOMPLETE', async () => {
    // The clock is mocked and stands still but for one step of 60 s after the second file: which files finish
    // before the limit does not depend on the machine's speed.
    const folder = join(dir, 'partial');
    mkdirSync(folder);
    const names = ['1-evil.pkl', '2-clean.pkl', '3-evil.pkl', '4-clean.pkl', '5-clean.pkl'];
    for (const n of names) {
      writeFileSync(join(folder, n), n.includes('evil') ? evilPickle() : new P().proto(2).none().stop().bytes());
    }
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    let report: SentinelReport;
    try {
      report = await scan(folder, {
        timeLimitSeconds: 30,
        onFile: (done) => {
          if (done === 2) mock.timers.tick(60_000);
        },
      });
    } finally {
      mock.timers.reset();
    }
    const at = (n: string) => join(folder, n);
    assert.deepEqual(overLimit(report), [at('3-evil.pkl'), at('4-clean.pkl'), at('5-clean.pkl')]);
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === 'PICKLE-EXEC').map((f) => f.location.chain[0]),
      [at('1-evil.pkl')],
      'the malicious file read before the limit is found; the one after it is not read',
    );
    assert.equal(report.summary.exitCode, 1);
    assert.deepEqual(
      report.files.map((f) => f.path),
      names.map(at),
      'every file is in the inventory',
    );
  });

  it('a limit that is not a number from 0 is refused', async () => {
    for (const bad of [-1, Number.NaN, Infinity]) {
      await assert.rejects(scan(dir, { timeLimitSeconds: bad }), /timeLimitSeconds must be a number >= 0/);
    }
  });
});

describe('timeLimitSeconds (API): the cross-file DESER analysis stops at the limit', () => {
  // A Flask handler in one module hands the request body to pickle.loads in another: only the cross-file analysis
  // finds it. The phase reads its deadline on PHASE_CLOCK, which the cases move on cue (after a given number of
  // checks): where the analysis is cut does not depend on the machine's speed. The per-file reads keep the real
  // clock, and their limit (an hour) does not run out.
  let project: string;
  before(() => {
    project = join(dir, 'deser-project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'app.py'),
      'from flask import Flask, request\nimport codec\n\napp = Flask(__name__)\n\n\n' +
        '@app.route("/p", methods=["POST"])\ndef h():\n    return codec.load(request.data)\n',
    );
    writeFileSync(join(project, 'codec.py'), 'import pickle\n\n\ndef load(b):\n    return pickle.loads(b)\n');
  });

  /** Scans the project with the phase's clock passing the deadline at check number `cutAt` (never: undefined). */
  async function scanCut(cutAt: number | undefined, limit: number | undefined = 3600) {
    const real = PHASE_CLOCK.now;
    let checks = 0;
    PHASE_CLOCK.now = () => {
      const k = checks++;
      return cutAt !== undefined && k >= cutAt ? Number.MAX_SAFE_INTEGER : 0;
    };
    try {
      const report = await scan(project, limit !== undefined ? { timeLimitSeconds: limit } : {});
      return { report, checks };
    } finally {
      PHASE_CLOCK.now = real;
    }
  }
  const deser = (r: SentinelReport) =>
    r.findings.filter((f) => f.ruleId === 'DESER-NETWORK-INPUT').map((f) => f.location.chain[0]);

  it('without a limit, and with one that does not run out, the data path across the modules is found', async () => {
    for (const limit of [undefined, 3600]) {
      const { report } = await scanCut(undefined, limit);
      assert.deepEqual(deser(report), [join(project, 'codec.py')], `limit ${limit}`);
      assert.deepEqual(overLimit(report), [], `limit ${limit}`);
    }
  });

  it('a limit that has passed when the phase starts: the module with the deserializer is SCAN-INCOMPLETE', async () => {
    const { report } = await scanCut(0);
    // app.py names no deserializer: the walk did not analyse it, and no DESER verdict can fall on it.
    assert.deepEqual(overLimit(report), [join(project, 'codec.py')]);
    assert.deepEqual(deser(report), []);
    assert.equal(report.summary.exitCode, 1);
    const f = report.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE')!;
    assert.match(JSON.stringify(f), /time limit of 3600 s ran out during the DESER cross-module analysis/);
  });

  it('cut at any of its checks, the phase never passes the project silently', async () => {
    const { checks } = await scanCut(undefined);
    // Reading, indexing and analysing the modules, and the data flow, each check the deadline.
    assert.ok(checks >= 6, `${checks} checks`);
    for (let k = 0; k < checks; k++) {
      const { report } = await scanCut(k);
      // codec.py always; app.py too once the analysis has read it.
      assert.ok(overLimit(report).includes(join(project, 'codec.py')), `cut at check ${k}`);
      assert.ok(
        overLimit(report).every((p) => p === join(project, 'codec.py') || p === join(project, 'app.py')),
        `cut at check ${k}`,
      );
      assert.deepEqual(deser(report), [], `cut at check ${k}`);
      assert.equal(report.summary.exitCode, 1, `cut at check ${k}`);
    }
  });
});
