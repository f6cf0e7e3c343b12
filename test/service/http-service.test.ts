// The scanning service over real loopback HTTP (node:http server on a free port, requests with fetch): every route's
// answers are checked against schemas/openapi.json, reports equal the API's for the same input, and the limits
// (roots, SSRF, auth, upload size, stalled uploads, client disconnects) hold.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport } from '../../src/api/render-report.js';
import { scan } from '../../src/api/scan.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import {
  CONNECTIONS_CHECK_MS,
  HEADERS_TIMEOUT_MS,
  connectionClient,
  createScanService,
  type RequestLog,
  type ScanService,
} from '../../src/service/http-service.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';
import { opcodePickle } from './fixtures.js';

const openapi = JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};
const reportSchema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'));

/** A validator for the response schema of one documented path, method and status. */
function responseValidator(path: string, method: string, status: number) {
  const r = openapi.paths[path]?.[method]?.responses[String(status)];
  assert.ok(r, `${method.toUpperCase()} ${path} ${status} is not documented in openapi.json`);
  const schema = r.content?.['application/json']?.schema;
  if (!schema) return undefined;
  const inline = JSON.parse(
    JSON.stringify({ ...(schema as object), components: openapi.components }).replaceAll(
      '#/components/schemas/',
      '#/components/schemas/',
    ),
  );
  return compile2020({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $defs: { report: reportSchema },
    ...JSON.parse(JSON.stringify(inline).replaceAll('"report.schema.json"', '"#/$defs/report"')),
  });
}

interface Answer {
  status: number;
  body: string;
  json: unknown;
  type: string;
}

/** Sends a request and checks the answer against the OpenAPI document (route templates given as `doc`). */
async function call(
  svc: ScanService,
  doc: string,
  method: string,
  path: string,
  init: { body?: string | Uint8Array; type?: string; token?: string } = {},
): Promise<Answer> {
  const res = await fetch(svc.url() + path, {
    method,
    headers: {
      ...(init.type ? { 'content-type': init.type } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const body = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const json = type.startsWith('application/json') ? (JSON.parse(body) as unknown) : undefined;
  const validate = responseValidator(doc, method.toLowerCase(), res.status);
  if (validate) assert.ok(validate(json), `${method} ${path} ${res.status}: ${errorsText(validate.errors)}`);
  return { status: res.status, body, json, type };
}

/**
 * A benign pickle of about `bytes` bytes (a list built in batches of 1,000 small ints), served on 127.0.0.1 with
 * range requests (one range per answer); the first request for bytes in its middle, which only the scan's reading
 * asks for (the listing fetches its head and tail), is held until `release()`. `reached` settles when it arrives;
 * `abandoned` is set when its client gives up on it before the answer.
 */
async function heldMiddle(bytes: number): Promise<{
  url: string;
  reached: Promise<void>;
  released: boolean;
  abandoned: boolean;
  release: () => void;
  close: () => Promise<void>;
}> {
  const batch = Buffer.from([0x28, ...Array.from({ length: 1000 }, (_, i) => [0x4b, i & 0xff]).flat(), 0x65]);
  const n = Math.ceil(bytes / batch.length);
  const data = Buffer.concat([
    Buffer.from([0x80, 0x02, 0x5d]),
    ...Array.from({ length: n }, () => batch),
    Buffer.from([0x2e]),
  ]);
  const margin = 256 * 1024;
  let reached!: () => void;
  let release!: () => void;
  const gate = {
    reached: new Promise<void>((r) => (reached = r)),
    released: false,
    abandoned: false,
    release: () => {
      gate.released = true;
      release();
    },
  };
  const open = new Promise<void>((r) => (release = r));
  let held = false;
  const server = createServer((req, res) => {
    const m = /^bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '');
    if (!m) {
      res.writeHead(200, { 'content-length': data.length, etag: '"held"' }).end(data);
      return;
    }
    const start = m[1] ? Number(m[1]) : Math.max(0, data.length - Number(m[2]));
    const end = m[1] && m[2] ? Math.min(data.length - 1, Number(m[2])) : data.length - 1;
    const answer = (): void => {
      res
        .writeHead(206, {
          'content-length': end - start + 1,
          'content-range': `bytes ${start}-${end}/${data.length}`,
          etag: '"held"',
        })
        .end(data.subarray(start, end + 1));
    };
    if (!held && start >= margin && start < data.length - margin) {
      held = true;
      res.once('close', () => (gate.abandoned ||= !res.writableFinished));
      reached();
      void open.then(answer);
    } else answer();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return Object.assign(gate, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  });
}

const TOKEN = 'test-token-0123456789abcdef';
const benign = opcodePickle('benign');
const malicious = opcodePickle('os.system');

let dir: string;
let svc: ScanService;
const logs: RequestLog[] = [];

async function listen(s: ScanService): Promise<ScanService> {
  await new Promise<void>((ok) => s.server.listen(0, '127.0.0.1', () => ok()));
  return s;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-serve-'));
  writeFileSync(join(dir, 'ok.pkl'), benign);
  writeFileSync(join(dir, 'bad.pkl'), malicious);
  mkdirSync(join(dir, 'org', 'model'), { recursive: true });
  writeFileSync(join(dir, 'org', 'model', 'm.pkl'), malicious);
  symlinkSync(join('model', 'm.pkl'), join(dir, 'org', 'alias.pkl'));
  symlinkSync('/etc/hostname', join(dir, 'escape'));
  svc = await listen(
    createScanService({
      roots: [dir],
      token: TOKEN,
      maxUploadBytes: 64 * 1024,
      lookupAll: async (host) => (host === 'public.example' ? ['93.184.216.34'] : ['10.1.2.3']),
      log: (e) => logs.push(e),
    }),
  );
});

after(async () => {
  await svc.close(1000);
});

describe('sentinel serve API', () => {
  it('answers /healthz without a token and refuses /v1 and /metrics without the right one', async () => {
    const h = await call(svc, '/healthz', 'GET', '/healthz');
    assert.equal(h.status, 200);
    assert.equal((await call(svc, '/metrics', 'GET', '/metrics')).status, 401);
    assert.equal((await call(svc, '/metrics', 'GET', '/metrics', { token: 'wrong-token-0123456789' })).status, 401);
    const s = await call(svc, '/v1/scan', 'POST', '/v1/scan', {
      type: 'application/json',
      body: '{"targets":["ok.pkl"]}',
    });
    assert.equal(s.status, 401);
  });

  it('scans JSON targets: 202 then the status with the same report the API gives', async () => {
    const a = await call(svc, '/v1/scan', 'POST', '/v1/scan', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['ok.pkl', join(dir, 'bad.pkl')] }),
    });
    assert.equal(a.status, 202);
    const id = (a.json as { id: string }).id;
    let st: Answer;
    for (let i = 0; ; i++) {
      st = await call(svc, '/v1/scans/{id}', 'GET', `/v1/scans/${id}`, { token: TOKEN });
      if ((st.json as { status: string }).status === 'done') break;
      assert.ok(i < 6000, 'scan did not end');
      await new Promise((r) => setTimeout(r, 10));
    }
    const got = st.json as { exitCode: number; report: { findings: { ruleId: string; fingerprint: string }[] } };
    assert.equal(got.exitCode, 1);
    const direct = JSON.parse(
      await renderReport(await scan([join(dir, 'ok.pkl'), join(dir, 'bad.pkl')]), 'json'),
    ) as typeof got.report;
    assert.deepEqual(
      got.report.findings.map((f) => [f.ruleId, f.fingerprint]),
      direct.findings.map((f) => [f.ruleId, f.fingerprint]),
    );
    assert.ok(got.report.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
  });

  it('reports local targets relative to the root they were named under, never at the server path', async () => {
    const real = realpathSync(dir);
    const cases: { targets: string[]; shown: string[]; files: string[] }[] = [
      { targets: ['org/model'], shown: ['org/model'], files: ['org/model/m.pkl'] },
      // A name is shown as given where the command line repeats it (targets, retest), its paths normalised.
      { targets: ['./org/model/'], shown: ['./org/model/'], files: ['org/model/m.pkl'] },
      { targets: [join(dir, 'org', 'model')], shown: ['org/model'], files: ['org/model/m.pkl'] },
      { targets: [join(dir, 'org', 'model', 'm.pkl')], shown: ['org/model/m.pkl'], files: ['org/model/m.pkl'] },
      // Named through a link inside the root: shown as named, as the command line shows it.
      { targets: ['org/alias.pkl'], shown: ['org/alias.pkl'], files: ['org/alias.pkl'] },
      { targets: ['.'], shown: ['.'], files: ['bad.pkl', 'ok.pkl', 'org/alias.pkl', 'org/model/m.pkl'] },
    ];
    for (const c of cases) {
      const a = await call(svc, '/v1/scan', 'POST', '/v1/scan?wait=true', {
        type: 'application/json',
        token: TOKEN,
        body: JSON.stringify({ targets: c.targets }),
      });
      assert.equal(a.status, 200, a.body);
      const report = (a.json as { report: SentinelReport }).report;
      assert.deepEqual(report.targets, c.shown, c.targets[0]);
      assert.deepEqual(report.files.map((f) => f.path).sort(), c.files, c.targets[0]);
      const exec = report.findings.filter((f) => f.ruleId === 'PICKLE-EXEC');
      assert.ok(exec.length, c.targets[0]);
      for (const f of exec) {
        assert.ok(c.files.includes(f.location.chain[0]!), `${c.targets[0]}: ${f.where}`);
        assert.equal(f.retest, `sentinel scan ${c.shown[0]} --rule PICKLE`);
      }
      // No report format rendered from it names the server's folder.
      for (const format of ['json', 'text', 'markdown', 'html', 'junit'] as const) {
        const out = await renderReport(report, format, { verbose: true });
        assert.ok(!out.includes(dir) && !out.includes(real), `${c.targets[0]} (${format}) names ${dir}`);
      }
    }
  });

  it('scans an upload and answers with the report; the benign twin passes', async () => {
    const bad = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=model.pkl', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: malicious,
    });
    assert.equal(bad.status, 200);
    const b = bad.json as { exitCode: number; report: { findings: { ruleId: string }[]; targets: string[] } };
    assert.equal(b.exitCode, 1);
    assert.deepEqual(b.report.targets, ['model.pkl']);
    assert.ok(b.report.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    const ok = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=model.pkl', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: benign,
    });
    assert.equal((ok.json as { exitCode: number }).exitCode, 0);
  });

  it('refuses targets outside the roots (also through a symlink) and remote targets to private addresses', async () => {
    const cases: [string, number][] = [
      ['/etc/passwd', 400],
      ['../../etc/passwd', 400],
      ['escape', 400],
      ['missing.pkl', 400],
      ['/etc/no-such-file', 400],
      ['http://127.0.0.1:1/model.pt', 403],
      ['https://internal.example/model.pt', 403],
      ['oci://[::1]:5000/repo:tag', 403],
      ['https://user:pw@public.example/x', 400],
      ['ftp://public.example/x', 400],
    ];
    for (const [target, status] of cases) {
      const r = await call(svc, '/v1/scan', 'POST', '/v1/scan', {
        type: 'application/json',
        token: TOKEN,
        body: JSON.stringify({ targets: [target] }),
      });
      assert.equal(r.status, status, `${target}: ${r.body}`);
    }
    const pub = await call(svc, '/v1/scan', 'POST', '/v1/scan', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['https://public.example/model.pt'] }),
    });
    assert.equal(pub.status, 202, pub.body);
  });

  it('logs one structured line per answered request: method, path, status, time, scan and exit code, error', async () => {
    const from = logs.length;
    await call(svc, '/healthz', 'GET', '/healthz?probe=1');
    await call(svc, '/metrics', 'GET', '/metrics');
    const waited = await call(svc, '/v1/scan', 'POST', '/v1/scan?wait=true', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['bad.pkl'] }),
    });
    const id = (waited.json as { id: string }).id;
    await call(svc, '/v1/scans/{id}', 'GET', `/v1/scans/${id}`, { token: TOKEN });
    await call(svc, '/v1/scan', 'POST', '/v1/scan', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['missing.pkl'] }),
    });
    await new Promise((r) => setImmediate(r));
    const got = logs.slice(from).map(({ time, ms, ...rest }) => {
      assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.ok(typeof ms === 'number' && ms >= 0);
      return rest;
    });
    assert.deepEqual(got, [
      { event: 'request', method: 'GET', path: '/healthz', status: 200 },
      { event: 'request', method: 'GET', path: '/metrics', status: 401, error: 'missing or wrong bearer token' },
      { event: 'request', method: 'POST', path: '/v1/scan', status: 200, scan: id, exitCode: 1 },
      { event: 'request', method: 'GET', path: `/v1/scans/${id}`, status: 200, scan: id, exitCode: 1 },
      {
        event: 'request',
        method: 'POST',
        path: '/v1/scan',
        status: 400,
        error: "target missing.pkl: no such file or directory under the service's roots",
      },
    ]);
  });

  it('answers bad requests with the documented errors', async () => {
    const cases: [string, string | undefined, string, number][] = [
      ['/v1/scan', 'application/json', '{', 400],
      ['/v1/scan', 'application/json', '{"targets":[]}', 400],
      ['/v1/scan', 'application/json', '{"targets":[1]}', 400],
      ['/v1/scan', 'text/plain', 'x', 415],
      ['/v1/scan', 'application/octet-stream', 'x', 400],
      ['/v1/scan', 'application/json', '{"targets":["ok.pkl"],"rules":["NO-SUCH-RULE"]}', 400],
    ];
    for (const [path, type, body, status] of cases) {
      const r = await call(svc, '/v1/scan', 'POST', path, { token: TOKEN, body, ...(type ? { type } : {}) });
      assert.equal(r.status, status, `${type} ${body}: ${r.body}`);
    }
    const unknown = await call(svc, '/v1/scans/{id}', 'GET', '/v1/scans/00000000-0000-4000-8000-000000000000', {
      token: TOKEN,
    });
    assert.equal(unknown.status, 404);
  });

  it('runs a request naming known rules (the benign twin of an unknown rule id)', async () => {
    const r = await call(svc, '/v1/scan', 'POST', '/v1/scan?wait=true', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['bad.pkl'], rules: ['pickle-exec'] }),
    });
    assert.equal(r.status, 200, r.body);
    assert.equal((r.json as { exitCode: number }).exitCode, 1);
  });

  it('without a token, answers only requests addressed to its loopback names (DNS rebinding)', async () => {
    const open = await listen(createScanService({ roots: [dir] }));
    try {
      const port = new URL(open.url()).port;
      const get = (host: string) =>
        new Promise<number>((ok, fail) => {
          const r = request(`${open.url()}/healthz`, { headers: { host } }, (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          });
          r.on('error', fail);
          r.end();
        });
      for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`]) {
        assert.equal(await get(host), 200, host);
      }
      for (const host of [
        `attacker.example:${port}`,
        '127.0.0.1.attacker.example',
        'localhost.',
        '127.0.0.2',
        '127.0.0.1:x',
      ]) {
        assert.equal(await get(host), 403, host);
      }
      // Raw requests: two Host fields (refused whichever comes first), and a request line in absolute form (its
      // authority is the host the request is for, whatever the Host field says).
      const raw = (head: string) =>
        new Promise<number>((ok, fail) => {
          const c = connect(Number(port), '127.0.0.1', () => c.end(head + '\r\n'));
          let text = '';
          c.setEncoding('latin1');
          c.on('data', (d: string) => (text += d));
          c.on('error', fail);
          c.on('close', () => ok(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
        });
      const two = (a: string, b: string) =>
        `GET /healthz HTTP/1.1\r\nHost: ${a}\r\nHost: ${b}\r\nConnection: close\r\n`;
      assert.equal(await raw(two('localhost', 'attacker.example')), 400);
      assert.equal(await raw(two('attacker.example', 'localhost')), 400);
      const abs = (target: string) => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n`;
      assert.equal(await raw(abs('http://attacker.example/healthz')), 403);
      assert.equal(await raw(abs(`http://127.0.0.1:${port}/healthz`)), 200);
      assert.equal(await raw(abs('/healthz')), 200);
      // With a token the token decides, whatever the Host.
      const s = await call(svc, '/healthz', 'GET', '/healthz');
      assert.equal(s.status, 200);
    } finally {
      await open.close(1000);
    }
  });

  it('holds stalled headers to their deadline: Node sweeps the connections every second, not every 30 s', () => {
    // Node answers 408 to headers past headersTimeout only when it sweeps (connectionsCheckingInterval, 30 s by
    // default), so a stalled client would be held for up to the deadline plus a sweep.
    const s = createScanService({ roots: [], token: TOKEN });
    assert.equal(s.server.headersTimeout, HEADERS_TIMEOUT_MS);
    assert.equal(HEADERS_TIMEOUT_MS, 10_000);
    const swept = (s.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval;
    assert.equal(swept, CONNECTIONS_CHECK_MS);
    assert.ok(CONNECTIONS_CHECK_MS <= 1_000);
  });

  it('refuses an oversized upload (413) and a stalled one (408)', async () => {
    const big = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=big.bin', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: new Uint8Array(65 * 1024),
    });
    assert.equal(big.status, 413);
    // The same without a declared length (chunked): refused once the limit is passed.
    const chunked = await new Promise<number>((done, fail) => {
      const req = request(
        `${svc.url()}/v1/scan?name=big.bin`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
        },
        (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        },
      );
      req.on('error', fail);
      for (let i = 0; i < 20; i++) req.write(new Uint8Array(8 * 1024));
    });
    assert.equal(chunked, 413);
    // A stalled upload, to a service that waits for it only briefly (the shared one waits the default 30 s, so that
    // no other upload here depends on how soon the machine gets to read it).
    const stalling = await listen(
      createScanService({ roots: [dir], token: TOKEN, maxUploadBytes: 64 * 1024, uploadIdleMs: 200 }),
    );
    try {
      const status = await new Promise<number>((done, fail) => {
        const req = request(
          `${stalling.url()}/v1/scan?name=slow.pkl`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
          },
          (res) => {
            res.resume();
            done(res.statusCode ?? 0);
          },
        );
        req.on('error', fail);
        req.write(benign.subarray(0, 3)); // then nothing: the service drops it after uploadIdleMs
      });
      assert.equal(status, 408);
    } finally {
      await stalling.close(1000);
    }
  });

  it('starts no scan for an upload cut off before it is complete', async () => {
    // Scans of earlier cases may still end meanwhile: what counts is that no new one starts.
    const before = new Set(svc.registry.pending());
    const req = request(`${svc.url()}/v1/scan?name=cut.pkl`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
    });
    req.on('error', () => undefined);
    req.write(benign.subarray(0, 2));
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      svc.registry.pending().filter((id) => !before.has(id)),
      [],
    );
    // What it held is released: the next upload is received and scanned.
    const ok = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=model.pkl', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: benign,
    });
    assert.equal(ok.status, 200);
  });

  it('runs scans off its event loop: a small upload is answered while a scan is held mid-file', async () => {
    // The scan reads a remote pickle whose middle a loopback server holds back until this test lets it go: the scan
    // is provably unfinished (blocked inside its read) until then, whatever the scheduler does. The held read waits
    // synchronously on its scan thread; were the scan on the event loop, the loop would wait with it, and the small
    // upload (and the held answer, served from this process) would be answered only after the read gave up and the
    // scan had ended.
    const gate = await heldMiddle(3 * 1024 * 1024);
    const open = await listen(
      createScanService({ roots: [dir], token: TOKEN, maxUploadBytes: 64 * 1024, allowPrivateTargets: true }),
    );
    try {
      const a = await call(open, '/v1/scan', 'POST', '/v1/scan', {
        type: 'application/json',
        token: TOKEN,
        body: JSON.stringify({ targets: [`${gate.url}/held.pkl`] }),
      });
      assert.equal(a.status, 202);
      const id = (a.json as { id: string }).id;
      await gate.reached;
      const small = await call(open, '/v1/scan', 'POST', '/v1/scan?name=small.pkl', {
        type: 'application/octet-stream',
        token: TOKEN,
        body: benign,
      });
      assert.equal(small.status, 200);
      assert.equal((small.json as { exitCode: number }).exitCode, 0);
      assert.equal(gate.released, false);
      assert.equal(gate.abandoned, false, 'the held read was given up before the small upload was answered');
      assert.equal(open.registry.get(id)?.status, 'running', 'the small upload was answered after the held scan ended');
      gate.release();
      for (let i = 0; open.registry.get(id)?.status === 'running'; i++) {
        assert.ok(i < 6000, 'the scan did not end once its read was let go');
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = open.registry.get(id)!;
      assert.equal(r.status, 'done');
      // The held read was answered after the release, whole: a scan that had waited on the event loop would have
      // given it up (its request timing out while the loop could not answer it) and be incomplete.
      assert.deepEqual(
        r.report!.findings.map((f) => f.ruleId),
        [],
      );
      assert.equal(gate.abandoned, false);
    } finally {
      gate.release();
      await open.close(1000);
      await gate.close();
    }
  });

  it('exposes Prometheus metrics for what it did', async () => {
    const m = await call(svc, '/metrics', 'GET', '/metrics', { token: TOKEN });
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain/);
    assert.match(m.body, /^sentinel_scans_total\{status="done"\} [1-9]/m);
    assert.match(m.body, /^sentinel_findings_total\{severity="CRITICAL"\} [1-9]/m);
    assert.match(m.body, /^sentinel_queue_depth 0$/m);
    assert.match(m.body, /^sentinel_scan_duration_seconds_count [1-9]/m);
    assert.match(m.body, /^sentinel_upload_bytes_total [1-9]/m);
    assert.match(
      m.body,
      /^sentinel_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/m,
    );
  });

  it('caps the connections it holds and drops a JSON body that drips past its deadline', async () => {
    const capped = await listen(createScanService({ roots: [dir], maxConnections: 4, jsonBodyTotalMs: 1000 }));
    const { port } = capped.server.address() as AddressInfo;
    /** A connection that sends a scan request whose JSON body never completes; resolves with what it was answered. */
    const drip = (): { answer: Promise<string>; opened: Promise<void> } => {
      const sock = connect(port, '127.0.0.1');
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('error', () => undefined);
      const opened = new Promise<void>((ok) => sock.once('connect', () => ok()));
      void opened.then(() =>
        sock.write(
          'POST /v1/scan HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
        ),
      );
      return { opened, answer: new Promise((ok) => sock.once('close', () => ok(got))) };
    };
    try {
      const drips = [drip(), drip(), drip(), drip()];
      await Promise.all(drips.map((d) => d.opened));
      // Bounded wait until the server has taken the four connections.
      for (let i = 0; i < 200; i++) {
        const n = await new Promise<number>((ok) => capped.server.getConnections((_, c) => ok(c)));
        if (n >= 4) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // One more is closed unanswered while the four are held.
      const over = drip();
      assert.equal(await over.answer, '');
      // Each drip is answered 408 at its body deadline and its connection freed; then a request is served.
      for (const d of drips) assert.match(await d.answer, /^HTTP\/1\.1 408[\s\S]*not complete within 1000 ms/);
      assert.equal((await call(capped, '/healthz', 'GET', '/healthz')).status, 200);
    } finally {
      await capped.close(0);
    }
  });

  it('caps the connections of one client address, so that another address is still served', async () => {
    const capped = await listen(
      createScanService({ roots: [dir], maxConnectionsPerAddress: 3, jsonBodyTotalMs: 60_000 }),
    );
    const { port } = capped.server.address() as AddressInfo;
    /** A connection from `from` that sends `head`; resolves with everything it was answered once it closed. */
    const open = (from: string, head: string): { answer: Promise<string>; opened: Promise<void>; end: () => void } => {
      const sock = connect({ port, host: '127.0.0.1', localAddress: from });
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('error', () => undefined);
      const opened = new Promise<void>((ok) => sock.once('connect', () => ok()));
      void opened.then(() => sock.write(head));
      return { opened, answer: new Promise((ok) => sock.once('close', () => ok(got))), end: () => sock.destroy() };
    };
    const dripHead =
      'POST /v1/scan HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{';
    const health = 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n';
    const drips = [0, 1, 2].map(() => open('127.0.0.1', dripHead));
    try {
      await Promise.all(drips.map((d) => d.opened));
      // Bounded wait until the server holds the three connections.
      for (let i = 0; i < 200; i++) {
        const n = await new Promise<number>((ok) => capped.server.getConnections((_, c) => ok(c)));
        if (n >= 3) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // A fourth from the same address is closed unanswered, even a health check; another address is answered.
      assert.equal(await open('127.0.0.1', health).answer, '');
      assert.match(await open('127.0.0.2', health).answer, /^HTTP\/1\.1 200 /);
      // A place given back is taken again by the same address.
      drips[0]!.end();
      await drips[0]!.answer;
      let again = '';
      for (let i = 0; i < 200 && !again; i++) {
        again = await open('127.0.0.1', health).answer;
        if (!again) await new Promise((r) => setTimeout(r, 10));
      }
      assert.match(again, /^HTTP\/1\.1 200 /);
    } finally {
      for (const d of drips) d.end();
      await capped.close(0);
    }
  });

  it('counts an IPv4 client by its address and an IPv6 client by its /64 network', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', '127.0.0.1'],
      ['::ffff:10.1.2.3', '10.1.2.3'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
      ['2001:db8:1:3::9', '2001:db8:1:3::/64'],
      ['::1', '0:0:0:0::/64'],
    ];
    for (const [a, client] of cases) assert.equal(connectionClient({ remoteAddress: a }), client, a);
  });

  it('documents every route it serves, and nothing it does not', async () => {
    const served = ['/healthz', '/metrics', '/v1/scan', '/v1/scans/{id}'];
    assert.deepEqual(Object.keys(openapi.paths).sort(), served.sort());
  });
});
