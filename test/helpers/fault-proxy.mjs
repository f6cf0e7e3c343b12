// A misbehaving HTTP proxy for fault tests, run as its own process (the scanning thread blocks while it waits for
// range answers, so the proxy cannot share its event loop): node fault-proxy.mjs <upstream-port>. It prints its
// port, then forwards to 127.0.0.1:<upstream-port> with the fault selected by GET /__mode/<mode> (which also resets
// the request count; GET /__count reads it). Modes: pass, drop-first, drop-always, 503-first, throttle,
// ignore-range, first-range (a request for several ranges is answered with its first range alone, as object stores
// and their CDNs answer), wrong-range, short-body, change-after-first (after the first request, big.pkl is served
// from big2.pkl), delay-<ms> (every request is held <ms> before it is forwarded: added latency for the bench).
import { createServer, request } from 'node:http';
import { setTimeout } from 'node:timers';

const upstream = Number(process.argv[2]);
let mode = 'pass';
let count = 0;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/__mode/')) {
    mode = url.slice('/__mode/'.length);
    count = 0;
    res.end('ok');
    return;
  }
  if (url === '/__count') {
    res.end(String(count));
    return;
  }
  const n = ++count;
  const delay = /^delay-(\d+)$/.exec(mode);
  if (delay) {
    setTimeout(() => forward(req, res, url, n), Number(delay[1]));
    return;
  }
  forward(req, res, url, n);
});

function forward(req, res, url, n) {
  const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
  if (mode === 'ignore-range') delete headers.range;
  if (mode === 'first-range' && headers.range) headers.range = headers.range.split(',')[0];
  if (mode === 'drop-always' || (mode === 'drop-first' && n <= 2)) {
    req.socket.destroy();
    return;
  }
  if (mode === '503-first' && n <= 2) {
    res.writeHead(503, { 'retry-after': '0' }).end();
    return;
  }
  const path = mode === 'change-after-first' && n > 1 ? url.replace('big.pkl', 'big2.pkl') : url;
  const up = request({ host: '127.0.0.1', port: upstream, path, method: req.method, headers }, (u) => {
    const h = { ...u.headers };
    if (mode === 'wrong-range' && h['content-range']) {
      h['content-range'] = h['content-range'].replace(/^bytes (\d+)-/, (_, a) => `bytes ${Number(a) + 1}-`);
    }
    if (mode === 'short-body' && u.statusCode === 206) {
      const want = Math.max(0, Number(h['content-length']) - 10);
      h['content-length'] = String(want);
      res.writeHead(206, h);
      let sent = 0;
      u.on('data', (c) => {
        const take = Math.max(0, Math.min(c.length, want - sent));
        sent += take;
        if (take) res.write(c.subarray(0, take));
      });
      u.on('end', () => res.end());
      return;
    }
    res.writeHead(u.statusCode ?? 502, h);
    if (mode === 'throttle') {
      u.on('data', (c) => {
        u.pause();
        res.write(c);
        setTimeout(() => u.resume(), 5);
      });
      u.on('end', () => res.end());
    } else u.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
