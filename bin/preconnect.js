// Opens the connections a remote scan will make first while the CLI is still loading (bin/sentinel.js requires this
// only when an argument looks like hf://, https:// or http://): the TCP handshake (and TLS, once the event loop turns)
// runs beside the bundle's load instead of after it. The sockets are left under a global symbol; the listing thread's
// HTTP client (src/sources/remote/light-fetch-source.ts) takes them for its first requests to that origin. A socket
// nobody takes is unreferenced (it never keeps the process alive) and dies with the process. Opened: the Hub
// endpoint of `sentinel artifact hf://…` arguments (HF_ENDPOINT, else huggingface.co; one connection, for the
// revision request), and the origin of https:// and http:// arguments (two connections: a file's first bytes and its
// last are asked at once); plain http only to loopback hosts unless --allow-http, as the scan decides; never a URL
// with credentials; at most MAX origins. oci:// targets are not: their first requests come after a token exchange,
// which cannot take a socket opened here. A revision given as a full commit id is skipped: its listing may be kept,
// and then the scan sends nothing. Errors are swallowed: the scan opens its own connection.
'use strict';

const KEY = Symbol.for('sentinel-ml.preconnected');
const MAX = 4;
const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** The origins the arguments of `sentinel artifact ARGS` will contact first: [key, { protocol, host, port, count }]. */
function originsOf(args, env) {
  if (args[0] !== 'artifact') return [];
  const allowHttp = args.includes('--allow-http');
  const out = new Map();
  for (const a of args.slice(1)) {
    let url;
    let count;
    if (/^hf:\/\//i.test(a)) {
      // hf://[kind/]ORG/NAME[@REV][/PATH]: a full 40-digit commit id may need no request at all.
      if (/@[0-9a-f]{40}(?:\/|$)/.test(a)) continue;
      url = env.HF_ENDPOINT || 'https://huggingface.co';
      count = 1;
    } else if (/^https?:\/\//i.test(a)) {
      url = a;
      count = 2;
    } else continue;
    let u;
    try {
      u = new URL(url);
    } catch {
      continue;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') continue;
    if (u.protocol === 'http:' && !allowHttp && !LOOPBACK.test(u.hostname)) continue;
    if (u.username || u.password) continue;
    // Keyed as Node's HTTP agent names the connection it asks for: protocol, host (no brackets) and port.
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const key = `${u.protocol}//${host}:${port}`;
    const known = out.get(key);
    if (known) known.count = Math.max(known.count, count);
    else if (out.size < MAX) out.set(key, { protocol: u.protocol, host, port, count });
  }
  return [...out.entries()];
}

/** Starts the connections; returns how many were started. */
function preconnect(args, env) {
  const origins = originsOf(args, env);
  if (!origins.length) return 0;
  const net = require('node:net');
  const open = new Map();
  let started = 0;
  for (const [key, o] of origins) {
    const sockets = [];
    for (let i = 0; i < o.count; i++) {
      try {
        const host = o.host;
        const socket =
          o.protocol === 'https:'
            ? require('node:tls').connect({ host, port: o.port, ...(net.isIP(host) ? {} : { servername: host }) })
            : net.connect({ host, port: o.port });
        socket.setNoDelay(true);
        socket.unref();
        // An unused socket that fails or is closed by the server is dropped; the scan connects on its own.
        const drop = () => {
          const at = sockets.indexOf(socket);
          if (at >= 0) sockets.splice(at, 1);
        };
        socket.on('error', drop);
        socket.once('close', drop);
        socket.once('end', drop);
        sockets.push(socket);
        started++;
      } catch {
        // the scan connects on its own
      }
    }
    open.set(key, sockets);
  }
  globalThis[KEY] = open;
  return started;
}

module.exports = { preconnect, originsOf };
