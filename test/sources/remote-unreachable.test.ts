// A registry or Hub that cannot be reached — the connection refused (a closed loopback port), its name not resolving,
// no answer in time — is a usage error of the command for hf:// and oci:// alike: exit 2, one line naming the request
// that failed; the library throws SentinelError, marked as an unreachable target (the service answers it 400, as a
// host that does not resolve: test/hostile/service-fairness.test.ts). A Hub that answers, even with an error, is
// reached (benign twin).
import { strict as assert } from 'node:assert';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scan, SentinelError } from '../../src/api/index.js';
import { isUnreachable, upstreamStatusOf } from '../../src/sources/remote/remote-target-error.js';
import { cli } from '../helpers/cli.js';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('a registry or Hub that cannot be reached', () => {
  let closed = 0;
  // Accepts connections and never answers.
  let silent: Server;
  const held: Socket[] = [];
  // Answers every request 503.
  let failing: HttpServer;
  before(async () => {
    closed = await closedPort();
    silent = createServer((s) => void held.push(s));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
    failing = createHttpServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((ok) => failing.listen(0, '127.0.0.1', () => ok()));
  });
  after(() => {
    for (const s of held) s.destroy();
    silent.close();
    failing.close();
  });
  const portOf = (s: Server | HttpServer): number => (s.address() as AddressInfo).port;

  const cases = (): { what: string; target: string; env: Record<string, string>; args?: string[] }[] => [
    { what: 'hf://, connection refused', target: 'hf://org/name', env: { HF_ENDPOINT: `http://127.0.0.1:${closed}` } },
    { what: 'oci://, connection refused', target: `oci://127.0.0.1:${closed}/org/repo:v1`, env: {} },
    {
      what: 'hf://, a name that does not resolve',
      target: 'hf://org/name',
      env: { HF_ENDPOINT: 'https://hub.invalid' },
    },
    { what: 'oci://, a name that does not resolve', target: 'oci://registry.invalid/org/repo:v1', env: {} },
    {
      what: 'hf://, no answer in time',
      target: 'hf://org/name',
      env: { HF_ENDPOINT: `http://127.0.0.1:${portOf(silent)}` },
      args: ['--remote-timeout', '1'],
    },
    {
      what: 'oci://, no answer in time',
      target: `oci://127.0.0.1:${portOf(silent)}/org/repo:v1`,
      env: {},
      args: ['--remote-timeout', '1'],
    },
  ];

  it('the command line: exit 2 and one line naming the request that failed, for hf:// and oci:// alike', async () => {
    for (const c of cases()) {
      const r = await cli(['artifact', c.target, '--remote-retries', '0', ...(c.args ?? [])], c.env);
      assert.equal(r.code, 2, `${c.what}: ${r.stderr}`);
      assert.equal(r.stdout, '', c.what);
      assert.match(r.stderr, /^sentinel: \S+: request failed: .+\n$/, c.what);
    }
  });

  it('the library: a SentinelError marked as an unreachable target', async () => {
    for (const c of cases()) {
      const timeout = c.args ? { requestTimeoutMs: 1000 } : {};
      await assert.rejects(
        scan(c.target, { remote: { env: c.env, retries: 0, ...timeout } }),
        (e: unknown) => e instanceof SentinelError && e.code === 'usage' && isUnreachable(e),
        c.what,
      );
    }
  });

  it('benign twin: a Hub that answers, even 503 every time, was reached, and its answer is the upstream status', async () => {
    for (const retries of [0, 2]) {
      await assert.rejects(
        scan('hf://org/name', { remote: { env: { HF_ENDPOINT: `http://127.0.0.1:${portOf(failing)}` }, retries } }),
        (e: unknown) =>
          e instanceof SentinelError && /HTTP 503/.test(e.message) && !isUnreachable(e) && upstreamStatusOf(e) === 503,
      );
    }
  });
});
