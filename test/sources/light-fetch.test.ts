// The remote scans' HTTP client (src/sources/remote/light-fetch-source.ts) against node:http servers on 127.0.0.1:
// what it shares with fetch (redirects followed, credentials dropped on a redirect to another origin, a redirect
// limit, the timeout covering the body) and its bounded whole-body read.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { EgressPolicy } from '../../src/sources/remote/egress.js';
import { lightFetch as rawFetch, type LightFetch } from '../../src/sources/remote/light-fetch.js';

/** The servers here are on loopback: the requests may reach it. */
const LOOPBACK: EgressPolicy = { allow: ['loopback'] };
const lightFetch: LightFetch = (url, init) => rawFetch(url, { egress: LOOPBACK, ...init });

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('lightFetch', () => {
  let a: { server: Server; base: string };
  let b: { server: Server; base: string };
  const seen: { path: string; auth: string | undefined }[] = [];
  before(async () => {
    b = await serve((req, res) => {
      seen.push({ path: `b${req.url}`, auth: req.headers.authorization });
      res.end('from b');
    });
    a = await serve((req, res) => {
      seen.push({ path: `a${req.url}`, auth: req.headers.authorization });
      if (req.url === '/same') return void res.writeHead(302, { location: '/target' }).end();
      if (req.url === '/cross') return void res.writeHead(307, { location: `${b.base}/x` }).end();
      if (req.url === '/loop') return void res.writeHead(301, { location: '/loop' }).end();
      if (req.url === '/slow') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('x'.repeat(10)); // the rest never comes
        return;
      }
      if (req.url === '/big') return void res.end('y'.repeat(5000));
      res.writeHead(200, { 'x-two': ['1', '2'], etag: '"e"' }).end('target body');
    });
  });
  after(() => {
    a.server.closeAllConnections();
    b.server.closeAllConnections();
    a.server.close();
    b.server.close();
  });

  it('follows a same-origin redirect keeping the credentials, and reports the final URL and headers', async () => {
    seen.length = 0;
    const res = await lightFetch(`${a.base}/same`, { headers: { authorization: 'Bearer t' } });
    assert.equal(res.status, 200);
    assert.equal(res.url, `${a.base}/target`);
    assert.equal(res.headers.get('ETag'), '"e"');
    assert.equal(res.headers.get('x-two'), '1, 2');
    assert.equal(res.headers.get('missing'), null);
    assert.equal(new TextDecoder().decode(await res.bytes(1000)), 'target body');
    assert.deepEqual(seen, [
      { path: 'a/same', auth: 'Bearer t' },
      { path: 'a/target', auth: 'Bearer t' },
    ]);
  });

  it('drops the credentials on a redirect to another origin', async () => {
    seen.length = 0;
    const res = await lightFetch(`${a.base}/cross`, { headers: { Authorization: 'Bearer t', range: 'bytes=0-1' } });
    assert.equal(new TextDecoder().decode(await res.bytes(1000)), 'from b');
    assert.deepEqual(seen, [
      { path: 'a/cross', auth: 'Bearer t' },
      { path: 'b/x', auth: undefined },
    ]);
  });

  it('rejects after 20 redirects', async () => {
    await assert.rejects(lightFetch(`${a.base}/loop`, {}), /redirect count exceeded/);
  });

  it('the timeout (or an abort signal) also ends a body that stops coming', async () => {
    const res = await lightFetch(`${a.base}/slow`, { signal: AbortSignal.timeout(300) });
    assert.equal(res.status, 200);
    await assert.rejects(res.bytes(1000));
    const timed = await lightFetch(`${a.base}/slow`, { timeoutMs: 300 });
    assert.equal(timed.status, 200);
    await assert.rejects(timed.bytes(1000), /no answer within 300 ms/);
    // A body read in time is not cut by its timer later.
    const quick = await lightFetch(`${a.base}/same`, { timeoutMs: 300 });
    assert.equal((await quick.bytes(1000))?.length, 'target body'.length);
    await new Promise((r) => setTimeout(r, 400));
  });

  it('reports a timeout only once the wall clock has passed it, even when its timer fires early', async () => {
    // Timers count on the event loop's own clock; here the wall clock is made to run 60 ms behind it once the request
    // is under way, so the timer fires while Date.now() still says 40 ms of the 100 are left.
    const real = Date.now;
    const start = real();
    try {
      const res = await lightFetch(`${a.base}/slow`, { timeoutMs: 100 });
      Date.now = () => real() - 60;
      await assert.rejects(res.bytes(1000), /no answer within 100 ms/);
      assert.ok(Date.now() >= start + 100, `rejected at ${Date.now() - start} ms by the wall clock`);
    } finally {
      Date.now = real;
    }
  });

  it('a body longer than the bound is refused (undefined), a connection refused rejects', async () => {
    assert.equal(await (await lightFetch(`${a.base}/big`, {})).bytes(4999), undefined);
    assert.equal((await (await lightFetch(`${a.base}/big`, {})).bytes(5000))?.length, 5000);
    const closed = await serve(() => {});
    const url = closed.base;
    await new Promise((r) => closed.server.close(r));
    await assert.rejects(lightFetch(url, {}));
    await assert.rejects(lightFetch('ftp://127.0.0.1/x', {}), /unsupported protocol/);
  });
});
