// A ~5 GB torch checkpoint (test/helpers/sparse-torch-checkpoint.ts: GPT-2-XL-shaped, storage records as holes) read
// over HTTP from servers that answer several-range requests differently: multipart/byteranges (the range server of
// test/helpers/range-server.mjs and a real nginx), the first range only (object stores and their CDNs), the whole
// file for several ranges, and the whole file for any Range. Bytes and requests are those the servers counted. Where
// the server answers ranges, the findings are those of a local scan of the same file (but for the local scan's note
// that the file is sparse on disk); a server that ignores Range is left at once and the file is SCAN-INCOMPLETE.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/index.js';
import { nginxMissing, startNginx } from '../helpers/nginx.js';
import { writeSparseCheckpoint5gb } from '../helpers/sparse-torch-checkpoint.js';

const SERVER = join(import.meta.dirname, '..', 'helpers', 'range-server.mjs');
const MAX_BYTES = 2_000_000;
const MAX_REQUESTS = 8;
const REMOTE = { retries: 1, requestTimeoutMs: 20_000 };

interface Counted {
  base: string;
  /** Requests served and body bytes sent since start. */
  counts(): Promise<{ requests: number; bytes: number }>;
  stop(): Promise<void>;
}

async function rangeServer(dir: string, mode: string): Promise<Counted> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('range server exited')));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    counts: async () => (await (await fetch(`${base}/__stats`)).json()) as { requests: number; bytes: number },
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

async function nginxServer(dir: string, log: string): Promise<Counted> {
  writeFileSync(log, '');
  const ng = await startNginx(dir, '', { accessLog: log });
  const lines = (): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // Requests from here on (not the start-up check's).
  const from = lines().length;
  return {
    base: ng.base,
    counts: async () => {
      const scan = lines().slice(from);
      return { requests: scan.length, bytes: scan.reduce((n, l) => n + Number(l.split(' ')[1]), 0) };
    },
    stop: () => ng.stop(),
  };
}

/** HDF5 superblock probes (8 bytes at every power of two from 512) at or past `from` in a file of `size` bytes. */
function hdf5Probes(size: number, from: number): number {
  let n = 0;
  for (let at = 512; at + 8 <= size; at *= 2) if (at >= from) n++;
  return n;
}

type Report = Awaited<ReturnType<typeof scan>>;

/** What decides a verdict: each finding (rule, severity, decision, where in the file, fingerprint), the file's facts. */
function verdict(r: Report): unknown {
  const onDisk = (f: Report['findings'][number]): boolean =>
    f.ruleId === 'SCAN-INCOMPLETE' && /^limit: sparse file/.test(f.evidence.signal);
  return {
    findings: r.findings
      .filter((f) => !onDisk(f))
      .map((f) => ({
        rule: f.ruleId,
        severity: f.severity,
        decision: f.decision,
        where: f.location.chain.slice(1).join('/'),
        fingerprint: f.fingerprint,
        signal: f.evidence.signal,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    files: r.files.map((f) => ({ formats: f.formats, bytes: f.bytes, safety: f.safety, models: f.models?.length })),
  };
}

describe('a 5 GB torch checkpoint over HTTP', () => {
  let dir: string;
  let logs: string;
  const size: Record<string, number> = {};
  const local: Record<string, Report> = {};
  const files = ['benign.pt', 'payload.pt'] as const;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-ckpt-5gb-'));
    logs = mkdtempSync(join(tmpdir(), 'sentinel-ckpt-5gb-logs-'));
    size['benign.pt'] = writeSparseCheckpoint5gb(join(dir, 'benign.pt'));
    size['payload.pt'] = writeSparseCheckpoint5gb(join(dir, 'payload.pt'), { payload: 'id' });
    for (const f of files) local[f] = await scan(join(dir, f));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(logs, { recursive: true, force: true });
  });

  it('the local scans: the benign file passes but for being sparse on disk, the payload is found', () => {
    assert.ok(size['benign.pt']! > 5e9, String(size['benign.pt']));
    assert.deepEqual(
      local['benign.pt']!.findings.map((f) => f.ruleId),
      ['SCAN-INCOMPLETE'],
    );
    assert.ok(local['payload.pt']!.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
  });

  // Requests a server that sends one range per answer costs: the head, the end-record tail, one several-range request
  // whose first range (data.pkl and byteorder, the first 64 KiB) is kept, then one request per HDF5 superblock probe
  // (libhdf5 looks at every power of two up to the end of the file) past it. A server that answers a several-range
  // request with the whole file costs that request and the first range asked again.
  const oneRange = (s: number): number => 3 + hdf5Probes(s, 64 * 1024);
  const servers: [string, (size: number) => number][] = [
    ['multipart', () => MAX_REQUESTS],
    ['nginx', () => MAX_REQUESTS],
    ['first-range', oneRange],
    ['several-whole', (s) => oneRange(s) + 1],
  ];
  for (const [server, maxRequests] of servers) {
    for (const file of files) {
      it(
        `${server}, ${file}: the local scan's findings, at most ${MAX_BYTES} bytes`,
        {
          skip: server === 'nginx' && nginxMissing(),
        },
        async () => {
          const s =
            server === 'nginx'
              ? await nginxServer(dir, join(logs, `${file}.access.log`))
              : await rangeServer(dir, server);
          try {
            const r = await scan(`${s.base}/${file}`, { remote: REMOTE });
            assert.deepEqual(verdict(r), verdict(local[file]!));
            const counted = await s.counts();
            assert.ok(counted.bytes <= MAX_BYTES, `${counted.bytes} bytes sent`);
            assert.ok(counted.requests <= maxRequests(size[file]!), `${counted.requests} requests`);
            assert.equal(counted.requests, r.summary.remote!.requests);
            assert.ok(r.summary.remote!.bytesRead <= counted.bytes);
            const notes = JSON.stringify(r.files[0]!.notes ?? []);
            if (server === 'multipart' || server === 'nginx') assert.doesNotMatch(notes, /local headers not read/);
            else assert.match(notes, /460 storage-record local headers not read/);
          } finally {
            await s.stop();
          }
        },
      );
    }
  }

  it('a server that ignores Range: left at its first answers, SCAN-INCOMPLETE, never a pass', async () => {
    const s = await rangeServer(dir, 'whole');
    try {
      const r = await scan(`${s.base}/benign.pt`, { remote: REMOTE });
      const incomplete = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
      assert.match(JSON.stringify(incomplete), /ignored the Range/);
      assert.equal(r.summary.gate.passed, false);
      const counted = await s.counts();
      // The server writes into the connection until the client closes it: a few socket buffers, not the file.
      assert.ok(counted.bytes <= MAX_BYTES, `${counted.bytes} bytes sent`);
      assert.ok(counted.requests <= 2, `${counted.requests} requests`);
      assert.ok(r.summary.remote!.bytesRead <= counted.bytes);
    } finally {
      await s.stop();
    }
  });
});
