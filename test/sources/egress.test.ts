// The egress policy of remote scans (src/sources/remote/egress-source.ts): the address classes (with the spellings
// that hide loopback), the URL check of every hop, and the HTTP client refusing a hop or a connection the policy does
// not allow before anything is sent. Servers on 127.0.0.1 only: the "allowed" origin is allowed by its endpoint
// (address and port), a canary on another port of 127.0.0.1 stands for an internal service.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  addressClass,
  egressAllows,
  egressCheckUrl,
  egressOfTarget,
  PUBLIC_ONLY,
  type EgressPolicy,
} from '../../src/sources/remote/egress.js';
import { lightFetch } from '../../src/sources/remote/light-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; port: number; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, port, base: `http://127.0.0.1:${port}` };
}

describe('address classes', () => {
  const table: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['ff02::1', 'reserved'],
    ['not-an-address', 'reserved'],
    ['1.2.3.400', 'reserved'],
    // Benign twins: public addresses, also in the spellings above.
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2606:4700::1111', 'public'],
  ];
  for (const [address, cls] of table) {
    it(`${address} is ${cls}`, () => assert.equal(addressClass(address), cls));
  }

  it('an endpoint is allowed on its port only, a class everywhere', () => {
    const p: EgressPolicy = { allow: [], endpoints: ['127.0.0.1:8080', '[fd00::5]:443'] };
    assert.equal(egressAllows('127.0.0.1', p, 8080), true);
    assert.equal(egressAllows('127.0.0.1', p, 8081), false);
    assert.equal(egressAllows('::ffff:127.0.0.1', p, 8080), false);
    assert.equal(egressAllows('fd00::5', p, 443), true);
    assert.equal(egressAllows('10.0.0.1', p, 443), false);
    assert.equal(egressAllows('10.0.0.1', { allow: ['private'] }, 443), true);
    assert.equal(egressAllows('8.8.8.8', PUBLIC_ONLY, 443), true);
  });
});

describe('the URL check of each hop', () => {
  const check = (to: string, from?: string, p: EgressPolicy = PUBLIC_ONLY) =>
    egressCheckUrl(new URL(to), from === undefined ? undefined : new URL(from), p)?.message;

  it('refuses https -> http, whatever the policy allows', () => {
    assert.match(
      check('http://example.org/x', 'https://example.org/y', { allow: ['loopback'] }) ?? '',
      /https to plain http/,
    );
    assert.equal(check('https://example.org/x', 'http://example.org/y'), undefined);
    assert.equal(check('http://example.org/x', 'http://example.org/y'), undefined);
  });

  it('refuses a literal address the policy does not allow, in every spelling the URL parser reads', () => {
    for (const u of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://10.0.0.1/',
    ]) {
      assert.match(check(u) ?? '', /refused to connect/, u);
    }
    assert.equal(check('http://93.184.216.34/'), undefined);
    assert.equal(check('http://127.0.0.1/', undefined, { allow: ['loopback'] }), undefined);
  });

  it('names the class of the address refused, with or without a port', () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1:8080/', 'a loopback address'],
      ['http://127.0.0.1/', 'a loopback address'],
      ['http://[::1]:8080/', 'a loopback address'],
      ['http://10.0.0.1:443/', 'a private address'],
      ['http://192.168.1.5:8000/', 'a private address'],
      ['http://169.254.169.254:80/latest/meta-data/', 'a link-local address'],
      ['http://[fe80::1]:8080/', 'a link-local address'],
      ['http://198.51.100.7:8080/', 'a reserved address'],
    ];
    for (const [u, what] of cases) assert.match(check(u) ?? '', new RegExp(`\\(${what};`), u);
    // The benign twin: a public address with a port is not refused.
    assert.equal(check('http://93.184.216.34:8080/'), undefined);
  });

  it('refuses credentials in a URL and other schemes', () => {
    assert.match(check('https://u:p@example.org/') ?? '', /credentials/);
    assert.match(check('file:///etc/passwd') ?? '', /unsupported protocol/);
  });
});

describe('the policy a named target gives', () => {
  it('public addresses and the classes of the target host', async () => {
    assert.deepEqual(await egressOfTarget('127.0.0.1'), { allow: ['loopback'] });
    assert.deepEqual(await egressOfTarget('[::1]'), { allow: ['loopback'] });
    assert.deepEqual(await egressOfTarget('93.184.216.34'), { allow: [] });
    assert.deepEqual(await egressOfTarget('models.example', async () => ['10.0.0.7', '93.184.216.34']), {
      allow: ['private'],
    });
    assert.deepEqual(
      await egressOfTarget('gone.example', async () => {
        throw new Error('ENOTFOUND');
      }),
      { allow: [] },
    );
  });
});

describe('the HTTP client under a policy', () => {
  let origin: { server: Server; port: number; base: string };
  let canary: { server: Server; port: number; base: string };
  let canaryHits = 0;
  let originHits = 0;
  before(async () => {
    canary = await serve((_req, res) => {
      canaryHits++;
      res.end('internal');
    });
    origin = await serve((req, res) => {
      originHits++;
      const to = new URL(req.url!, 'http://x').searchParams.get('to');
      if (to) return void res.writeHead(302, { location: to }).end();
      res.end('public bytes');
    });
  });
  after(() => {
    for (const s of [origin, canary]) {
      s.server.closeAllConnections();
      s.server.close();
    }
  });
  const policy = (): EgressPolicy => ({ allow: [], endpoints: [`127.0.0.1:${origin.port}`] });

  it('without a policy reaches public addresses only: loopback is refused before anything is sent', async () => {
    const before = originHits;
    await assert.rejects(lightFetch(`${origin.base}/x`, {}), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'EGRESS_REFUSED');
      return true;
    });
    await assert.rejects(
      lightFetch(`http://localhost:${origin.port}/x`, {}),
      /refused to connect to localhost \([^)]*\) \(a loopback address;/,
    );
    assert.equal(originHits, before);
  });

  it('follows a redirect the policy allows (the benign twin)', async () => {
    const res = await lightFetch(`${origin.base}/a?to=${encodeURIComponent(`${origin.base}/b`)}`, {
      egress: policy(),
    });
    assert.equal(res.status, 200);
    assert.equal(new TextDecoder().decode(await res.bytes(100)), 'public bytes');
  });

  it('refuses every redirect to the internal canary, whatever its spelling', async () => {
    for (const to of [
      `http://127.0.0.1:${canary.port}/`,
      `http://127.1:${canary.port}/`,
      `http://2130706433:${canary.port}/`,
      `http://[::ffff:127.0.0.1]:${canary.port}/`,
      `http://localhost:${canary.port}/`,
    ]) {
      await assert.rejects(
        lightFetch(`${origin.base}/r?to=${encodeURIComponent(to)}`, { egress: policy() }),
        /refused to connect/,
        to,
      );
    }
    assert.equal(canaryHits, 0);
  });

  it('checks the address a host name resolves to at connection time (no unchecked lookup)', async () => {
    // localhost resolves to loopback: the origin's endpoint is allowed by address and port, so the name reaches it
    // when the port is the origin's, never when it is the canary's.
    const ok = await lightFetch(`http://localhost:${origin.port}/x`, {
      egress: { allow: [], endpoints: [`127.0.0.1:${origin.port}`, `[::1]:${origin.port}`] },
    });
    assert.equal(ok.status, 200);
    await ok.bytes(100);
    await assert.rejects(
      lightFetch(`http://localhost:${canary.port}/x`, {
        egress: { allow: [], endpoints: [`127.0.0.1:${origin.port}`] },
      }),
      /refused to connect/,
    );
    assert.equal(canaryHits, 0);
  });

  it('refuses a host name on a port other than the endpoint port before connecting (no port probe)', async () => {
    // A TCP canary counting connections, on loopback like the endpoint but on another port.
    let connections = 0;
    const tcp = createNetServer((sock) => {
      connections++;
      sock.destroy();
    });
    await new Promise<void>((ok) => tcp.listen(0, '127.0.0.1', () => ok()));
    const port = (tcp.address() as AddressInfo).port;
    try {
      const egress: EgressPolicy = { allow: [], endpoints: [`127.0.0.1:${origin.port}`, `[::1]:${origin.port}`] };
      for (const url of [
        `http://localhost:${port}/x`,
        `${origin.base}/r?to=${encodeURIComponent(`http://localhost:${port}/x`)}`,
      ]) {
        await assert.rejects(lightFetch(url, { egress }), /refused to connect/, url);
      }
      assert.equal(connections, 0);
      // The twin: the endpoint's own port is reached by name.
      const ok = await lightFetch(`http://localhost:${origin.port}/x`, { egress });
      assert.equal(ok.status, 200);
      await ok.bytes(100);
    } finally {
      await new Promise<void>((ok) => tcp.close(() => ok()));
    }
  });
});
