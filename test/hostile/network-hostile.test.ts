// Hostile servers against the remote readers, the service and the result cache, all on 127.0.0.1: redirect chains
// toward an internal canary (other ports, the ::ffff: and short spellings of loopback), an OCI auth challenge whose
// realm names the canary, a registry whose blob redirects to it, DNS rebinding (the guard's resolver answers a
// public address, the connection's answers loopback), a dripping server against the total request deadline, and a
// registry that lists one digest and serves other bytes (the result cache must never take its word). The canary
// stands for an internal service: every test counts the requests it received, and none may reach it.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import { createScanService, type ScanService } from '../../src/service/http-service.js';
import { opcodePickle } from '../service/fixtures.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface Running {
  server: Server;
  port: number;
  base: string;
}

async function serve(handler: Handler): Promise<Running> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, port, base: `http://127.0.0.1:${port}` };
}

function stop(...servers: Running[]): void {
  for (const s of servers) {
    s.server.closeAllConnections();
    s.server.close();
  }
}

const sha256 = (b: Uint8Array | string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** Serves `bytes` with range support (206, Content-Range, an ETag), as a registry's blob store does. */
function sendRange(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`;
  if (!m) return void res.writeHead(200, { etag, 'content-length': bytes.length }).end(bytes);
  let start = m[1] ? Number(m[1]) : Math.max(0, bytes.length - Number(m[2]));
  let end = m[1] ? (m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1) : bytes.length - 1;
  if (start > end) [start, end] = [0, bytes.length - 1];
  res.writeHead(206, {
    etag,
    'content-range': `bytes ${start}-${end}/${bytes.length}`,
    'content-length': end - start + 1,
  });
  res.end(bytes.subarray(start, end + 1));
}

/** An OCI image manifest of one layer named model.pkl, listed with `digest` and `size`, and an empty config. */
function manifest(digest: string, size: number): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 },
    layers: [
      {
        mediaType: 'application/octet-stream',
        digest,
        size,
        annotations: { 'org.opencontainers.image.title': 'model.pkl' },
      },
    ],
  });
}

/**
 * A registry of one repository `repo:v1` whose manifest lists `listed` as the digest of model.pkl and whose blob
 * store answers that digest with `served` (a lie when they differ); `blob` overrides how a blob request is answered.
 */
function registry(listed: string, served: Buffer, blob?: Handler): Handler {
  return (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/' || url === '/v2') return void res.writeHead(200).end('{}');
    if (/^\/v2\/repo\/manifests\//.test(url)) {
      return void res
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
        .end(manifest(listed, served.length));
    }
    const b = /^\/v2\/repo\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    if (b && b[1] === sha256('{}')) return sendRange(req, res, Buffer.from('{}'));
    if (b && b[1] === listed) return blob ? blob(req, res) : sendRange(req, res, served);
    res.writeHead(404).end();
  };
}

const TOKEN = 'test-token-0123456789abcdef';
const benign = opcodePickle('benign');
const payload = opcodePickle('os.system');

let canary: Running;
let canaryHits = 0;
before(async () => {
  canary = await serve((_req, res) => {
    canaryHits++;
    res.writeHead(200, { etag: '"c"', 'content-range': 'bytes 0-7/8' }).end('internal');
  });
});
after(() => stop(canary));

/** Polls nothing: the service is asked to wait for the scan and answer with its report. */
async function scanVia(svc: ScanService, targets: string[]): Promise<{ status: number; body: string }> {
  const res = await fetch(`${svc.url()}/v1/scan?wait=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ targets }),
  });
  return { status: res.status, body: await res.text() };
}

async function listen(s: ScanService): Promise<ScanService> {
  await new Promise<void>((ok) => s.server.listen(0, '127.0.0.1', () => ok()));
  return s;
}

describe('the service against hostile servers (every hop and connection checked)', () => {
  let origin: Running;
  let svc: ScanService;
  before(async () => {
    origin = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const to = url.searchParams.get('to');
      // A chain: /hop?n=2&to=X redirects to /hop?n=1&to=X, then to X.
      const n = Number(url.searchParams.get('n') ?? '0');
      if (to && n > 0) {
        return void res.writeHead(302, { location: `/hop?n=${n - 1}&to=${encodeURIComponent(to)}` }).end();
      }
      if (to) return void res.writeHead(307, { location: to }).end();
      if (url.pathname.startsWith('/v2/realm/')) {
        return void res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://127.0.0.1:${canary.port}/token",service="reg",scope="repository:realm:pull"`,
          })
          .end();
      }
      if (url.pathname.startsWith('/v2/')) {
        return registry(sha256(payload), payload, (_q, r) =>
          r.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${canary.port}/blob` }).end(),
        )(req, res);
      }
      if (url.pathname === '/model.pkl') return sendRange(req, res, benign);
      res.writeHead(404).end();
    });
    // The service reaches public addresses and, as an internal mirror would be allowed, the origin's endpoint only.
    // Its guard's resolver says every host is public: what the connection reaches is checked all the same.
    svc = await listen(
      createScanService({
        roots: [],
        lookupAll: async () => ['93.184.216.34'],
        egressEndpoints: [`127.0.0.1:${origin.port}`],
      }),
    );
  });
  after(async () => {
    await svc.close(1000);
    stop(origin);
  });

  it('reads from the allowed origin (the benign twin)', async () => {
    const r = await scanVia(svc, [`http://localhost:${origin.port}/model.pkl`]);
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { exitCode: number }).exitCode, 0, r.body);
  });

  it('refuses redirects to the canary in every spelling, after any number of hops', async () => {
    const before = canaryHits;
    const spellings = [
      `http://127.0.0.1:${canary.port}/model.pkl`,
      `http://127.1:${canary.port}/model.pkl`,
      `http://2130706433:${canary.port}/model.pkl`,
      `http://[::ffff:127.0.0.1]:${canary.port}/model.pkl`,
      `http://localhost:${canary.port}/model.pkl`,
    ];
    const targets = spellings.flatMap((to) => [
      `http://localhost:${origin.port}/r?to=${encodeURIComponent(to)}`,
      `http://localhost:${origin.port}/hop?n=3&to=${encodeURIComponent(to)}`,
    ]);
    const r = await scanVia(svc, targets);
    assert.equal(r.status, 200, r.body);
    assert.equal(canaryHits, before, 'a redirect reached the internal canary');
    assert.match(r.body, /refused to connect/);
    assert.notEqual((JSON.parse(r.body) as { exitCode: number }).exitCode, 0);
  });

  it('refuses an OCI auth challenge whose realm is the canary', async () => {
    const before = canaryHits;
    const r = await scanVia(svc, [`oci://localhost:${origin.port}/realm:v1`]);
    assert.equal(canaryHits, before, 'the token request reached the internal canary');
    assert.match(r.body, /refused to connect to 127\.0\.0\.1:\d+ \(a loopback address;/);
    // A refused remote is the client's target, not a server fault: 403, as the guard answers an unreachable host.
    assert.equal(r.status, 403, r.body);
  });

  it('refuses a registry blob redirect to the canary', async () => {
    const before = canaryHits;
    const r = await scanVia(svc, [`oci://localhost:${origin.port}/repo:v1`]);
    assert.equal(canaryHits, before, 'the blob read reached the internal canary');
    assert.match(r.body, /refused to connect/);
    assert.notEqual((JSON.parse(r.body) as { exitCode?: number }).exitCode, 0);
  });

  it('refuses DNS rebinding: the guard resolved a public address, the connection is checked where it goes', async () => {
    const before = canaryHits;
    const r = await scanVia(svc, [`http://localhost:${canary.port}/model.pkl`]);
    assert.equal(canaryHits, before, 'the rebound name reached the internal canary');
    assert.match(r.body, /refused to connect/);
  });
});

describe('the service against dripping clients', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-drip-'));
    writeFileSync(join(dir, 'ok.pkl'), benign);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const post = async (s: ScanService, path: string, type: string, body: string | Uint8Array) => {
    const res = await fetch(`${s.url()}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${TOKEN}` },
      body,
    });
    return { status: res.status, body: await res.text() };
  };

  it('dripping bodies hold no scan slot, are bounded in total, and only so many are received at once', async () => {
    const s = await listen(
      createScanService({
        roots: [dir],
        token: TOKEN,
        maxRunning: 1,
        maxReceivingUploads: 2,
        uploadIdleMs: 1000,
        bodyTotalMs: 6000,
        // The cap alone: no upload gives its place to a newcomer (the fair share: service-fairness.test.ts).
        uploadFairBytesPerSecond: 0,
      }),
    );
    const events: string[] = [];
    /** Sends `body` a byte at a time every 250 ms (at most 40 bytes: the loop is bounded), or until answered. */
    const drip = (path: string, type: string, body: Uint8Array, label: string) =>
      new Promise<number>((done) => {
        let answered = false;
        const req = request(
          `${s.url()}${path}`,
          { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${TOKEN}` } },
          (res) => {
            answered = true;
            res.resume();
            events.push(`${label} answered ${res.statusCode}`);
            done(res.statusCode ?? 0);
          },
        );
        req.on('error', () => {
          if (!answered) done(0);
        });
        void (async () => {
          for (let i = 0; i < Math.min(40, body.length) && !answered; i++) {
            req.write(body.subarray(i, i + 1));
            await new Promise((r) => setTimeout(r, 250));
          }
          if (!answered) req.end();
        })();
      });
    try {
      const long = new Uint8Array(40).fill(0x4e);
      const a = drip('/v1/scan?name=a.pkl', 'application/octet-stream', long, 'a');
      const b = drip('/v1/scan?name=b.pkl', 'application/octet-stream', long, 'b');
      const j = drip('/v1/scan', 'application/json', Buffer.from(`{"targets":["ok.pkl"]${' '.repeat(40)}}`), 'json');
      await new Promise((r) => setTimeout(r, 200));
      // A third upload while two are arriving: refused at once.
      const third = await post(s, '/v1/scan?name=c.pkl', 'application/octet-stream', benign);
      assert.equal(third.status, 503);
      // The two dripping uploads held no slot: a scan of JSON targets ran meanwhile (its own body dripped past the
      // total deadline too, so it is refused the same way).
      const quick = await post(s, '/v1/scan?wait=true', 'application/json', '{"targets":["ok.pkl"]}');
      events.push('quick scan answered');
      assert.equal(quick.status, 200, quick.body);
      assert.deepEqual(await Promise.all([a, b, j]), [408, 408, 408]);
      assert.equal(events[0], 'quick scan answered', events.join(', '));
    } finally {
      await s.close(1000);
    }
  });
});

describe('the result cache against a lying registry', () => {
  let liar: Running;
  let honest: Running;
  let cacheDir: string;
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'sentinel-cache-'));
    // A lists the payload's digest and serves harmless bytes; B serves the payload under that digest.
    liar = await serve(registry(sha256(payload), benign));
    honest = await serve(registry(sha256(payload), payload));
  });
  after(() => {
    stop(liar, honest);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('never caches bytes under a digest they do not have: the payload served later is read and found', async () => {
    const first = await scan(`oci://127.0.0.1:${liar.port}/repo:v1`, { remote: { cacheDir, retries: 0 } });
    // The lie itself fails the scan: the bytes read are not what the listing names.
    assert.ok(
      first.findings.some(
        (f) => f.ruleId === 'SCAN-INCOMPLETE' && /not what the listing names/.test(JSON.stringify(f)),
      ),
      JSON.stringify(first.findings),
    );
    const second = await scan(`oci://127.0.0.1:${honest.port}/repo:v1`, { remote: { cacheDir, retries: 0 } });
    assert.ok(
      second.findings.some((f) => f.ruleId === 'PICKLE-EXEC'),
      JSON.stringify(second.findings.map((f) => f.ruleId)),
    );
    assert.equal(second.summary.exitCode, 1);
    // Verified bytes are cached: the same content again is not read (the benign twin of the lie).
    const third = await scan(`oci://127.0.0.1:${honest.port}/repo:v1`, { remote: { cacheDir, retries: 0 } });
    assert.deepEqual(
      third.findings.map((f) => [f.ruleId, f.fingerprint]),
      second.findings.map((f) => [f.ruleId, f.fingerprint]),
    );
    assert.ok(third.summary.remote!.bytesRead < second.summary.remote!.bytesRead, JSON.stringify(third.summary.remote));
  });
});
