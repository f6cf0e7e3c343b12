// Remote https:// / http:// targets read with range requests from a real nginx (Debian's, started here on
// 127.0.0.1), and through a fault proxy in front of it (dropped connections, 503s, throttling, a server that ignores
// Range, wrong lengths and ranges, content replaced mid-scan): every case recovers by a bounded retry or ends
// SCAN-INCOMPLETE, never a pass.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan, SentinelError, type ScanOptions } from '../../src/api/index.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { evilPickle } from '../helpers/pickle-builder.js';
import { nginxMissing, startNginx, type Nginx } from '../helpers/nginx.js';
import { cli } from '../helpers/cli.js';
import { sharedPath, sharedSkip } from '../helpers/shared.js';

const skip = nginxMissing();
const CORPUS = sharedPath('corpus', 'files');
const PY = '/usr/bin/python3';

/** A benign pickle holding `n` bytes, then a second stacked pickle that calls posix.system (found only at the end). */
function bigThenEvil(n: number, fill: number): Buffer {
  const head = Buffer.from([0x80, 0x03, 0x42, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
  return Buffer.concat([head, Buffer.alloc(n, fill), Buffer.from([0x2e]), Buffer.from(evilPickle())]);
}

const quick: ScanOptions = { remote: { retries: 2, requestTimeoutMs: 5000 } };

function rules(r: SentinelReport): string[] {
  return [...new Set(r.findings.map((f) => f.ruleId))].sort();
}

describe('remote http targets (nginx)', { skip }, () => {
  let dir: string;
  let ng: Nginx;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-remote-'));
    writeFileSync(join(dir, 'big.pkl'), bigThenEvil(3 * 1024 * 1024, 0x41));
    writeFileSync(join(dir, 'big2.pkl'), bigThenEvil(3 * 1024 * 1024, 0x42));
    if (existsSync(PY)) {
      // A stored zip (Python's zipfile) of 300 entries of 8 KiB and a pickle at its end: its local headers are
      // fetched together (multi-range requests), not one request each.
      execFileSync(
        PY,
        [
          '-c',
          'import sys, zipfile, os\n' +
            'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:\n' +
            '    for i in range(300): z.writestr(f"blobs/{i}", os.urandom(8192))\n' +
            '    z.writestr("evil.pkl", sys.stdin.buffer.read())\n',
          join(dir, 'many.zip'),
        ],
        { input: Buffer.from(evilPickle()) },
      );
    }
    ng = await startNginx(dir);
  });
  after(async () => {
    await ng?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file larger than one request through ranges and finds what sits at its end', async () => {
    const remote = await scan(`${ng.base}/big.pkl`, quick);
    const local = await scan(join(dir, 'big.pkl'));
    assert.deepEqual(
      rules(remote),
      ['PICKLE-EXEC', 'PICKLE-GLOBAL-IMPORT'].filter((r) => rules(local).includes(r)),
    );
    assert.deepEqual(
      remote.findings.map((f) => f.fingerprint),
      local.findings.map((f) => f.fingerprint),
    );
    const cost = remote.summary.remote!;
    assert.ok(cost.requests >= 2, `${cost.requests} requests`);
    // The pickle reader skips the bytes payload: far less than the file is read.
    assert.ok(cost.bytesRead > 0 && cost.bytesRead < 2 * 1024 * 1024, `${cost.bytesRead} bytes`);
    assert.equal(local.summary.remote, undefined);
  });

  it(
    'a zip with hundreds of entries: local headers fetched in a few multi-range requests, same report as local',
    {
      skip: existsSync(PY) ? false : `${PY} is needed to write the zip`,
    },
    async () => {
      const remote = await scan(`${ng.base}/many.zip`, quick);
      const local = await scan(join(dir, 'many.zip'));
      assert.ok(rules(local).includes('PICKLE-EXEC'));
      assert.deepEqual(
        remote.findings.map((f) => [f.ruleId, f.fingerprint]),
        local.findings.map((f) => [f.ruleId, f.fingerprint]),
      );
      const cost = remote.summary.remote!;
      // Every entry is opened (its content decides its format): read-ahead grows as the reads move forward, so the
      // 301 entries cost a handful of requests, and no byte is fetched twice over.
      const size = statSync(join(dir, 'many.zip')).size;
      assert.ok(cost.requests <= 20, `${cost.requests} requests for 301 entries`);
      assert.ok(cost.bytesRead <= size * 1.2, `${cost.bytesRead} bytes of a ${size}-byte zip`);
    },
  );

  it('a missing file is SCAN-INCOMPLETE; local paths mix with URLs in order', async () => {
    const r = await scan([`${ng.base}/missing.pt`, join(dir, 'big.pkl')], quick);
    assert.equal(r.files.length, 1);
    const inc = r.findings.find((f) => f.ruleId === 'SCAN-INCOMPLETE')!;
    assert.match(JSON.stringify(inc), /404/);
    assert.equal(r.summary.gate.passed, false);
  });

  it('refuses plain http beyond loopback and credentials in URLs (usage errors, nothing fetched)', async () => {
    await assert.rejects(scan('http://example.invalid/m.pt'), (e: unknown) => e instanceof SentinelError);
    await assert.rejects(scan('https://u:p@example.invalid/m.pt'), (e: unknown) => e instanceof SentinelError);
    const c = await cli(['artifact', 'http://example.invalid/m.pt']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /loopback/);
  });

  it('the CLI scans URLs and reports the cost in JSON', async () => {
    const c = await cli(['artifact', `${ng.base}/big.pkl`, '--format', 'json', '--remote-retries', '1']);
    assert.equal(c.code, 1);
    const j = JSON.parse(c.stdout) as SentinelReport;
    assert.ok(j.summary.remote!.requests >= 2);
    assert.ok(j.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.ok(j.findings.every((f) => f.retest.includes(`${ng.base}/big.pkl`)));
  });

  describe('fault proxy', () => {
    let proxy: ChildProcess;
    let base: string;
    before(async () => {
      proxy = spawn(
        process.execPath,
        [join(import.meta.dirname, '..', 'helpers', 'fault-proxy.mjs'), String(ng.port)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const port = await new Promise<string>((resolve, reject) => {
        proxy.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
        proxy.once('exit', () => reject(new Error('fault proxy exited')));
      });
      base = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      const gone = new Promise((r) => proxy.once('exit', r));
      proxy.kill('SIGTERM');
      await gone;
    });
    const control = async (path: string): Promise<string> => (await fetch(base + path)).text();

    const run = async (m: string, retries = 2): Promise<SentinelReport> => {
      await control(`/__mode/${m}`);
      // Distinct validators for big.pkl and big2.pkl even when both were written within the same second.
      utimesSync(join(dir, 'big2.pkl'), new Date(2000, 1, 1), new Date(2000, 1, 1));
      return scan(`${base}/big.pkl`, { remote: { retries, requestTimeoutMs: 5000 } });
    };
    const incomplete = (r: SentinelReport, re: RegExp): void => {
      const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
      assert.ok(inc.length >= 1, `no SCAN-INCOMPLETE: ${rules(r).join(',')}`);
      assert.match(JSON.stringify(inc), re);
      assert.equal(r.summary.gate.passed, false);
    };

    it('recovers from dropped connections and 503s by retrying', async () => {
      for (const m of ['drop-first', '503-first']) {
        const r = await run(m);
        assert.deepEqual(
          rules(r).filter((x) => x === 'SCAN-INCOMPLETE'),
          [],
          `${m}: ${JSON.stringify(r.findings)}`,
        );
        assert.ok(rules(r).includes('PICKLE-EXEC'), m);
        assert.ok(r.summary.remote!.requests > 2, m);
      }
    });

    it('a throttled server is slow but read completely', async () => {
      const r = await run('throttle');
      assert.ok(rules(r).includes('PICKLE-EXEC'));
      assert.ok(!rules(r).includes('SCAN-INCOMPLETE'));
    });

    it('gives up after a bounded number of retries when connections always drop', async () => {
      const t0 = Date.now();
      const r = await run('drop-always', 2);
      incomplete(r, /request failed|attempts/);
      const count = Number(await control('/__count'));
      // The head request and its 2 retries, and the end-record tail asked beside the head (not retried: it is asked
      // again in the next round, which a failed head never reaches).
      assert.ok(count >= 1 && count <= 3 + 1, `${count} requests for retries=2`);
      assert.ok(Date.now() - t0 < 10_000);
    });

    it('a server that ignores Range, answers another range or a short body is SCAN-INCOMPLETE', async () => {
      incomplete(await run('ignore-range'), /ignored the Range/);
      incomplete(await run('wrong-range'), /answered/);
      incomplete(await run('short-body'), /bytes for a range/);
    });

    it('content replaced between requests (another ETag) is SCAN-INCOMPLETE, never a pass', async () => {
      incomplete(await run('change-after-first'), /changed/);
    });
  });
});

function* files(root: string): Generator<string> {
  for (const e of readdirSync(root).sort()) {
    const p = join(root, e);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

describe(
  'remote report equals local report (shared corpus through nginx)',
  { skip: skip || (statSafe(CORPUS) ? false : sharedSkip(CORPUS)) },
  () => {
    it('same findings, fingerprints, pickles and file facts for every corpus file', async () => {
      const ng = await startNginx(CORPUS);
      try {
        const paths = [...files(CORPUS)];
        const urls = paths.map((p) => `${ng.base}/${relative(CORPUS, p).split('/').map(encodeURIComponent).join('/')}`);
        const local = await scan(paths);
        const remote = await scan(urls, { remote: { retries: 2 } });
        const shown = new Map(paths.map((p, i) => [p, urls[i]!]));
        // Locations differ only in their first segment (the path as given: a local path or its URL); fingerprints
        // use the name relative to the target, so they are equal.
        assert.equal(remote.findings.length, local.findings.length);
        assert.deepEqual(
          remote.findings.map((f) => [f.ruleId, f.severity, f.fingerprint]),
          local.findings.map((f) => [f.ruleId, f.severity, f.fingerprint]),
        );
        assert.deepEqual(
          remote.pickles.map((p) => [p.safety, p.opcodes, p.imports, p.context]),
          local.pickles.map((p) => [p.safety, p.opcodes, p.imports, p.context]),
        );
        // A model's location starts with its file's path as given, like a finding's.
        const facts = (f: (typeof local.files)[number]) => ({
          ...f,
          path: '',
          ...(f.models
            ? {
                models: f.models.map((m) => ({
                  ...m,
                  where: m.where.startsWith(f.path) ? m.where.slice(f.path.length) : m.where,
                })),
              }
            : {}),
        });
        assert.deepEqual(remote.files.map(facts), local.files.map(facts));
        assert.deepEqual(
          remote.files.map((f) => f.path),
          local.files.map((f) => shown.get(f.path)),
        );
        assert.deepEqual(remote.summary.byRule, local.summary.byRule);
        assert.ok(remote.summary.remote!.requests >= paths.length);
      } finally {
        await ng.stop();
      }
    });
  },
);

function statSafe(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
