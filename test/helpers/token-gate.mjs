// SIMULATED: a registry token service and the gate in front of the real registry that asks for its tokens, the
// flow of the distribution "token" auth (a 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`, a
// GET of the realm with the client's Basic credentials answering {"token"}, the request again with
// `Authorization: Bearer <token>`). Requests that carry a token it issued are forwarded to the registry on
// 127.0.0.1:<upstream-port> unchanged. Run as its own process (a scan blocks its thread while it waits for range
// answers): node token-gate.mjs <upstream-port> <user:password>; prints its port. GET /__count answers how many
// tokens were issued and requests refused.
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';

const upstream = Number(process.argv[2]);
const basic = Buffer.from(process.argv[3] ?? '').toString('base64');
const issued = new Set();
let tokens = 0;
let refused = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const self = `http://127.0.0.1:${server.address().port}`;
  if (url.pathname === '/__count') return res.end(JSON.stringify({ tokens, refused }));
  if (url.pathname === '/token') {
    if (req.headers.authorization !== `Basic ${basic}`) {
      refused++;
      return res.writeHead(401).end();
    }
    const t = randomBytes(16).toString('hex');
    issued.add(t);
    tokens++;
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: t }));
  }
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!m || !issued.has(m[1])) {
    refused++;
    const repo = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(url.pathname)?.[1] ?? '';
    return res
      .writeHead(401, {
        'www-authenticate': `Bearer realm="${self}/token",service="sentinel-test",scope="repository:${repo}:pull"`,
      })
      .end();
  }
  const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
  delete headers.authorization;
  const up = request({ host: '127.0.0.1', port: upstream, path: req.url, method: req.method, headers }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
