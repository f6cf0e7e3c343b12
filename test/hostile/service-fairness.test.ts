// The service's slots and answers against hostile servers and clients, all on 127.0.0.1: a registry whose blobs drip
// forever cannot hold scan slots past the scan deadline (its scans end SCAN-INCOMPLETE or failed at the deadline,
// never clean, and a trivial scan queued behind them runs); uploads dripping just above the rate floor cannot keep
// every reception place (a newcomer takes the slowest one's place while it is under the fair share; places held at
// the fair share are kept); a malformed reference, a Hub that refuses a revision and a plain-http token realm are
// answered 400, 502 and 403, never 500. Deadlines and windows are the service's own options, made small; every loop
// is bounded by a count, and no assertion is about elapsed time.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { createScanService, type ScanService } from '../../src/service/http-service.js';
import { ScanRegistry } from '../../src/service/scan-registry.js';
import { opcodePickle } from '../service/fixtures.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function stop(...servers: { server: Server }[]): void {
  for (const s of servers) {
    s.server.closeAllConnections();
    s.server.close();
  }
}

async function listen(svc: ScanService): Promise<string> {
  await new Promise<void>((ok) => svc.server.listen(0, '127.0.0.1', () => ok()));
  return `http://127.0.0.1:${(svc.server.address() as AddressInfo).port}`;
}

const sha256 = (b: string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The guard's resolver: every name is public (the registries are reached through the egress endpoints). */
const publicLookup = async (): Promise<readonly string[]> => ['93.184.216.34'];

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-fairness-'));
  writeFileSync(join(dir, 'model.pkl'), opcodePickle('benign'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a dripping registry cannot hold scan slots', () => {
  const LAYERS = 40;
  const MAX_DRIPS = 300;
  let registry: { server: Server; port: number };
  const timers = new Set<NodeJS.Timeout>();
  before(async () => {
    const config = '{}';
    const layers = Array.from({ length: LAYERS }, (_, i) => ({
      mediaType: 'application/octet-stream',
      digest: sha256(`layer ${i}`),
      size: 100_000,
      annotations: { 'org.opencontainers.image.title': `m${i}.pkl` },
    }));
    const doc = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers,
    });
    registry = await serve((req, res) => {
      const url = req.url ?? '';
      if (url.includes('/manifests/')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        return void res.end(doc);
      }
      if (url.includes(`/blobs/${sha256(config)}`)) {
        return void res.writeHead(200, { 'content-length': config.length, etag: '"c"' }).end(config);
      }
      if (!url.includes('/blobs/')) return void res.writeHead(404).end();
      // Headers at once, then a byte every 100 ms: every request stays alive far past any deadline of the test.
      res.writeHead(206, {
        'content-range': 'bytes 0-99999/100000',
        'content-length': 100_000,
        etag: '"x"',
        'accept-ranges': 'bytes',
      });
      let drips = 0;
      const t = setInterval(() => {
        if (++drips > MAX_DRIPS) return void res.destroy();
        res.write(Buffer.from([0x80]));
      }, 100);
      timers.add(t);
      res.on('close', () => {
        clearInterval(t);
        timers.delete(t);
      });
    });
  });
  after(() => {
    for (const t of timers) clearInterval(t);
    stop(registry);
  });

  it(
    'the command line: the total remote time ends the scan, every unread layer SCAN-INCOMPLETE',
    { timeout: 60_000 },
    async () => {
      const r = await scan(`oci://127.0.0.1:${registry.port}/repo:t`, {
        remote: { totalTimeoutMs: 1000, requestTimeoutMs: 60_000 },
      });
      const late = r.findings.filter(
        (f) => f.ruleId === 'SCAN-INCOMPLETE' && /total remote time of 1 s/.test(JSON.stringify(f.evidence)),
      );
      assert.equal(late.length, LAYERS, JSON.stringify(r.findings.map((f) => [f.ruleId, f.evidence]).slice(0, 3)));
      assert.equal(r.summary.gate.passed, false, 'an unread layer never passes');
    },
  );

  it(
    'the service: two dripping scans end at the deadline, never clean, and a scan queued behind them runs',
    { timeout: 60_000 },
    async () => {
      const svc = createScanService({
        roots: [dir],
        maxRunning: 2,
        scanDeadlineMs: 30_000,
        egressEndpoints: [`127.0.0.1:${registry.port}`],
        lookupAll: publicLookup,
      });
      const base = await listen(svc);
      try {
        const post = async (t: string): Promise<string> => {
          const res = await fetch(`${base}/v1/scan`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ targets: [t] }),
          });
          assert.equal(res.status, 202, t);
          return ((await res.json()) as { id: string }).id;
        };
        const hostile = [
          await post(`oci://localhost:${registry.port}/repo:a`),
          await post(`oci://localhost:${registry.port}/repo:b`),
        ];
        const trivial = await post('model.pkl');
        type Status = { status: string; exitCode?: number; error?: string; report?: SentinelReport };
        const status = async (id: string): Promise<Status> =>
          (await (await fetch(`${base}/v1/scans/${id}`)).json()) as Status;
        const ended = async (id: string): Promise<Status> => {
          for (let k = 0; k < 1200; k++) {
            const s = await status(id);
            if (s.status !== 'queued' && s.status !== 'running') return s;
            await pause(50);
          }
          return status(id);
        };
        const t = await ended(trivial);
        assert.equal(t.status, 'done', `the trivial scan ran: ${JSON.stringify(t).slice(0, 400)}`);
        assert.equal(t.exitCode, 0);
        for (const id of hostile) {
          const s = await ended(id);
          if (s.status === 'done') {
            assert.equal(s.exitCode, 1, 'never clean');
            const late = s.report!.findings.filter(
              (f) => f.ruleId === 'SCAN-INCOMPLETE' && /total remote time/.test(JSON.stringify(f.evidence)),
            );
            assert.ok(late.length > 0, 'the report says the deadline cut the reads');
          } else {
            assert.equal(s.status, 'failed');
            assert.match(s.error ?? '', /scan deadline/);
          }
        }
      } finally {
        await svc.close(500);
      }
    },
  );
});

describe('the scan deadline', () => {
  it('a scan still running at its deadline fails saying so, and frees its slot', async () => {
    const reg = new ScanRegistry(1, 10, {}, 50);
    const stuck = reg.start(
      (signal) =>
        new Promise<SentinelReport>((_, fail) => {
          signal.addEventListener('abort', () => fail(signal.reason as Error), { once: true });
        }),
    );
    const next = reg.start(async () => ({}) as SentinelReport);
    const s = await stuck.ended;
    assert.equal(s.status, 'failed');
    assert.equal(s.deadline, true);
    assert.match(s.error ?? '', /scan deadline of 0.05 s/);
    assert.equal((await next.ended).status, 'done');
  });

  it('benign twin: a cancelled scan is cancelled, not past its deadline', async () => {
    const reg = new ScanRegistry(1, 10, {}, 60_000);
    const s = reg.start(
      (signal) =>
        new Promise<SentinelReport>((_, fail) => {
          signal.addEventListener('abort', () => fail(signal.reason as Error), { once: true });
        }),
    );
    await pause(10);
    reg.cancel(s.record.id, 'cancelled by the client');
    const r = await s.ended;
    assert.equal(r.status, 'cancelled');
    assert.equal(r.deadline, undefined);
  });
});

/**
 * An upload of `body` sent `step` bytes every `everyMs` ms on a raw socket; resolves with the answer's status and
 * text (status 0: the connection ended unanswered; -1: not answered after `maxSteps` pieces). `sockets` collects the
 * socket so that the test can close it.
 */
function upload(
  port: number,
  body: Buffer,
  step: number,
  everyMs: number,
  maxSteps: number,
  sockets: Set<Socket>,
): Promise<{ status: number; text: string }> {
  return new Promise((ok) => {
    const s: Socket = connect(port, '127.0.0.1');
    sockets.add(s);
    let sent = 0;
    let steps = 0;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (status: number): void => {
      clearInterval(timer);
      s.destroy();
      sockets.delete(s);
      ok({ status, text: answer });
    };
    s.on('data', (d) => {
      answer += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      const head = answer.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(answer);
      if (m && head >= 0 && len && answer.length >= head + 4 + Number(len[1])) done(Number(m[1]));
    });
    s.on('error', () => done(0));
    s.on('close', () => done(0));
    s.on('connect', () => {
      s.write(
        'POST /v1/scan?name=m.pkl HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n' +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      timer = setInterval(() => {
        if (sent >= body.length) return clearInterval(timer);
        if (steps++ >= maxSteps) return done(-1);
        s.write(body.subarray(sent, sent + step));
        sent += step;
      }, everyMs);
    });
  });
}

describe('slow uploads cannot keep every reception place', () => {
  const WINDOW_MS = 300;
  const FLOOR = 50; // bytes/s
  const benign = opcodePickle('benign');
  const sockets = new Set<Socket>();
  after(() => {
    for (const s of sockets) s.destroy();
  });

  /** Two uploads at 130 bytes/s (13 bytes every 100 ms: just above the floor) of a 4,000-byte body. */
  const drips = (port: number) => [0, 1].map(() => upload(port, Buffer.alloc(4000, 0x41), 13, 100, 400, sockets));

  it(
    'a newcomer takes the place of an upload under the fair share (408), and is scanned',
    { timeout: 60_000 },
    async () => {
      const svc = createScanService({
        roots: [dir],
        maxReceivingUploads: 2,
        uploadIdleMs: 60_000,
        uploadRateWindowMs: WINDOW_MS,
        uploadMinBytesPerSecond: FLOOR,
      });
      await listen(svc);
      const port = (svc.server.address() as AddressInfo).port;
      try {
        const held = drips(port);
        await pause(2 * WINDOW_MS);
        // Both places are held by drips the floor does not drop; the newcomer is received all the same…
        const first = await upload(port, benign, benign.length, 1, 1, sockets);
        assert.equal(first.status, 200, first.text.slice(0, 300));
        // …in the place of a drip, answered 408 for being under the fair share.
        const dropped = await Promise.race(held);
        assert.equal(dropped.status, 408, dropped.text.slice(0, 300));
        assert.match(dropped.text, /fair share/);
      } finally {
        for (const s of sockets) s.destroy();
        await svc.close(500);
      }
    },
  );

  it(
    'benign twin: uploads at the fair share keep their places; the newcomer is answered 503 with Retry-After',
    { timeout: 60_000 },
    async () => {
      const svc = createScanService({
        roots: [dir],
        maxReceivingUploads: 2,
        uploadIdleMs: 60_000,
        uploadRateWindowMs: WINDOW_MS,
        uploadMinBytesPerSecond: FLOOR,
        // 130 bytes/s is the fair share's double here.
        uploadFairBytesPerSecond: 65,
      });
      await listen(svc);
      const port = (svc.server.address() as AddressInfo).port;
      try {
        drips(port);
        await pause(2 * WINDOW_MS);
        const refused = await upload(port, benign, benign.length, 1, 1, sockets);
        assert.equal(refused.status, 503, refused.text.slice(0, 300));
        assert.match(refused.text, /retry-after: 1/i);
      } finally {
        for (const s of sockets) s.destroy();
        await svc.close(500);
      }
    },
  );
});

describe('client and upstream errors are not answered 500', () => {
  let hub: { server: Server; port: number };
  let registry: { server: Server; port: number };
  let canary: { server: Server; port: number };
  let canaryHits = 0;
  let svc: ScanService;
  let base = '';
  const saved = process.env['HF_ENDPOINT'];
  before(async () => {
    canary = await serve((_req, res) => {
      canaryHits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
    });
    hub = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Revision Not Found"}');
    });
    registry = await serve((req, res) => {
      // The challenge is chosen by the repository asked: a relative realm, a scheme-relative one, none, or a plain-http
      // realm in a ::ffff: spelling.
      const url = req.url ?? '';
      const challenge = url.startsWith('/v2/relrealm/')
        ? 'Bearer realm="/token",service="x"'
        : url.startsWith('/v2/schemerel/')
          ? `Bearer realm="//127.0.0.1:${canary.port}/token",service="x"`
          : url.startsWith('/v2/norealm/')
            ? 'Bearer service="x"'
            : `Bearer realm="http://[::ffff:127.0.0.1]:${canary.port}/token",service="x"`;
      res.writeHead(401, { 'www-authenticate': challenge }).end();
    });
    // The scan threads read the Hub endpoint from the environment they start with.
    process.env['HF_ENDPOINT'] = `http://localhost:${hub.port}`;
    svc = createScanService({
      roots: [dir],
      egressEndpoints: [`127.0.0.1:${hub.port}`, `127.0.0.1:${registry.port}`],
      lookupAll: publicLookup,
    });
    base = await listen(svc);
  });
  after(async () => {
    await svc.close(500);
    if (saved === undefined) delete process.env['HF_ENDPOINT'];
    else process.env['HF_ENDPOINT'] = saved;
    stop(hub, registry, canary);
  });

  const post = async (target: string): Promise<{ status: number; error: string }> => {
    const res = await fetch(`${base}/v1/scan?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ targets: [target] }),
    });
    const j = (await res.json()) as { error?: string };
    return { status: res.status, error: j.error ?? '' };
  };

  it('an invalid repository name is 400 before any scan', async () => {
    const r = await post(`oci://localhost:${registry.port}/Bad..Repo:t`);
    assert.equal(r.status, 400, r.error);
    assert.match(r.error, /invalid repository name/);
  });

  it('benign twin: a valid repository name is accepted (its registry then decides)', async () => {
    const r = await post(`oci://localhost:${registry.port}/good/repo:t`);
    assert.notEqual(r.status, 400, r.error);
    assert.notEqual(r.status, 500, r.error);
  });

  it('a revision the Hub does not know is 502, quoting the Hub', async () => {
    const r = await post('hf://org/name@nosuchrev');
    assert.equal(r.status, 502, r.error);
    assert.match(r.error, /HTTP 404/);
  });

  it("a challenge whose realm is missing or not an absolute URL is the registry's fault: 502, the canary never asked", async () => {
    const before = canaryHits;
    for (const repo of ['relrealm', 'schemerel', 'norealm']) {
      const r = await post(`oci://localhost:${registry.port}/${repo}:t`);
      assert.equal(r.status, 502, `${repo}: ${r.error}`);
      assert.match(r.error, /bearer challenge/, repo);
    }
    assert.equal(canaryHits, before);
  });

  it('a plain-http token realm in a ::ffff: spelling is refused 403, and never asked', async () => {
    const before = canaryHits;
    const r = await post(`oci://localhost:${registry.port}/repo:t`);
    assert.equal(r.status, 403, r.error);
    assert.match(r.error, /plain http/);
    assert.equal(canaryHits, before);
  });
});

describe('a registry or Hub that cannot be reached is answered 400, as a host that does not resolve', () => {
  let closed = 0;
  let svc: ScanService;
  let base = '';
  const saved = process.env['HF_ENDPOINT'];
  before(async () => {
    // A loopback port nothing listens on: bound, then closed.
    const s = await serve((_req, res) => res.end());
    closed = s.port;
    await new Promise<void>((r) => s.server.close(() => r()));
    // The scan threads read the Hub endpoint from the environment they start with.
    process.env['HF_ENDPOINT'] = `http://localhost:${closed}`;
    svc = createScanService({ roots: [dir], egressEndpoints: [`127.0.0.1:${closed}`], lookupAll: publicLookup });
    base = await listen(svc);
  });
  after(async () => {
    await svc.close(500);
    if (saved === undefined) delete process.env['HF_ENDPOINT'];
    else process.env['HF_ENDPOINT'] = saved;
  });

  const post = async (target: string): Promise<{ status: number; error: string }> => {
    const res = await fetch(`${base}/v1/scan?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ targets: [target] }),
    });
    const j = (await res.json()) as { error?: string };
    return { status: res.status, error: j.error ?? '' };
  };

  it('hf:// and oci:// whose connection is refused: 400, naming the request that failed', async () => {
    for (const target of ['hf://org/name', `oci://localhost:${closed}/org/repo:v1`]) {
      const r = await post(target);
      assert.equal(r.status, 400, `${target}: ${r.error}`);
      assert.match(r.error, new RegExp(`^http://localhost:${closed}/\\S+: request failed: .*ECONNREFUSED`), target);
    }
  });

  it('a host that does not resolve is 400 at the guard, in the same class', async () => {
    const svc2 = createScanService({
      roots: [dir],
      lookupAll: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    const base2 = await listen(svc2);
    try {
      const res = await fetch(`${base2}/v1/scan?wait=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ targets: ['oci://registry.example/org/repo:v1'] }),
      });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /does not resolve/);
    } finally {
      await svc2.close(500);
    }
  });
});
