// The scanning service over real loopback HTTP (node:http server on a free port, requests with fetch): every route's
// answers are checked against schemas/openapi.json, reports equal the API's for the same input, and the limits
// (roots, SSRF, auth, upload size, stalled uploads, client disconnects) hold.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport } from '../../src/api/render-report.js';
import { scan } from '../../src/api/scan.js';
import { createScanService, type ScanService } from '../../src/service/http-service.js';
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

const TOKEN = 'test-token-0123456789abcdef';
const benign = opcodePickle('benign');
const malicious = opcodePickle('os.system');

let dir: string;
let svc: ScanService;

async function listen(s: ScanService): Promise<ScanService> {
  await new Promise<void>((ok) => s.server.listen(0, '127.0.0.1', () => ok()));
  return s;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-serve-'));
  writeFileSync(join(dir, 'ok.pkl'), benign);
  writeFileSync(join(dir, 'bad.pkl'), malicious);
  symlinkSync('/etc/hostname', join(dir, 'escape'));
  svc = await listen(
    createScanService({
      roots: [dir],
      token: TOKEN,
      maxUploadBytes: 64 * 1024,
      uploadIdleMs: 300,
      lookupAll: async (host) => (host === 'public.example' ? ['93.184.216.34'] : ['10.1.2.3']),
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
      assert.ok(i < 500, 'scan did not end');
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
      // With a token the token decides, whatever the Host.
      const s = await call(svc, '/healthz', 'GET', '/healthz');
      assert.equal(s.status, 200);
    } finally {
      await open.close(1000);
    }
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
    const status = await new Promise<number>((done, fail) => {
      const req = request(
        `${svc.url()}/v1/scan?name=slow.pkl`,
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
  });

  it('starts no scan for an upload cut off before it is complete', async () => {
    const before = svc.registry.pending().length;
    const req = request(`${svc.url()}/v1/scan?name=cut.pkl`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
    });
    req.on('error', () => undefined);
    req.write(benign.subarray(0, 2));
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(svc.registry.pending().length, before);
    // What it held is released: the next upload is received and scanned.
    const ok = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=model.pkl', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: benign,
    });
    assert.equal(ok.status, 200);
  });

  it('runs scans off its event loop: a small upload is answered while a large scan is still running', async () => {
    // 4,000 distinct small pickles in one folder: seconds of scanning (on the event loop it would hold every other
    // request until it ended, as a file's scan awaits no I/O the loop could serve requests in between).
    const big = join(dir, 'big');
    mkdirSync(big);
    for (let i = 0; i < 4000; i++) {
      const key = Buffer.from(`key_${i}`);
      // protocol 4: EMPTY_DICT, MEMOIZE, SHORT_BINUNICODE key, MEMOIZE, BININT i, SETITEM, STOP
      const body = [0x80, 0x04, 0x7d, 0x94, 0x8c, key.length, ...key, 0x94, 0x4a, ...[0, 0, 0, 0], 0x73, 0x2e];
      const b = Buffer.from(body);
      b.writeInt32LE(i, 8 + key.length);
      writeFileSync(join(big, `p${i}.pkl`), b);
    }
    const a = await call(svc, '/v1/scan', 'POST', '/v1/scan', {
      type: 'application/json',
      token: TOKEN,
      body: JSON.stringify({ targets: ['big'] }),
    });
    assert.equal(a.status, 202);
    const id = (a.json as { id: string }).id;
    const status = async (): Promise<string> =>
      ((await call(svc, '/v1/scans/{id}', 'GET', `/v1/scans/${id}`, { token: TOKEN })).json as { status: string })
        .status;
    for (let i = 0; (await status()) === 'queued'; i++) {
      assert.ok(i < 500, 'the large scan did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    const small = await call(svc, '/v1/scan', 'POST', '/v1/scan?name=small.pkl', {
      type: 'application/octet-stream',
      token: TOKEN,
      body: benign,
    });
    assert.equal(small.status, 200);
    assert.equal((small.json as { exitCode: number }).exitCode, 0);
    assert.equal(await status(), 'running', 'the small upload was answered only after the large scan had ended');
    for (let i = 0; (await status()) !== 'done'; i++) {
      assert.ok(i < 6000, 'the large scan did not end');
      await new Promise((r) => setTimeout(r, 10));
    }
    const r = svc.registry.get(id)!.report!;
    assert.equal(r.summary.exitCode, 0);
    assert.equal(r.files.length, 4000);
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

  it('documents every route it serves, and nothing it does not', async () => {
    const served = ['/healthz', '/metrics', '/v1/scan', '/v1/scans/{id}'];
    assert.deepEqual(Object.keys(openapi.paths).sort(), served.sort());
  });
});
