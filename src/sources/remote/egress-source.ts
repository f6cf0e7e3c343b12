// The egress policy of every outbound connection a remote scan makes: which addresses a connection may reach and
// which redirects may be followed. Kept as the text of a self-contained script like the HTTP client that calls it
// (light-fetch-source.ts pastes it in), so the one implementation runs in the fetch worker, on the listing thread
// and, through egress.ts, in the service's target guard.
//
// A policy is plain data ({ allow: [classes], endpoints?: ['address:port'] }) so it crosses threads with each request;
// an endpoint ('10.0.0.5:443', '[fd00::1]:8080') may be reached whatever its class, on that port only. Every address is sorted
// into one class: public, loopback, private, link-local or reserved (RFC 6890 special-purpose registries; an
// IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address takes the class of the IPv4 address it carries, since it
// reaches that host). Public is always allowed; a connection may reach another class only when the policy lists it.
//
// The checks, in the order a request meets them:
//   egressCheckUrl(url, from, policy)  before each request (the first, each redirect hop, each retry): http or https
//     only, no credentials in the URL, never https -> http, and an IP-literal host checked here (Node connects to a
//     literal without any lookup);
//   egressLookup(policy, port)  the `lookup` of the connection to that port: the host is resolved once, every
//     address it resolves to must be allowed on that port (an endpoint only on its own port), and the socket connects
//     to those checked addresses (Host and SNI stay the host name);
//   egressCheckSocket(socket, policy)  on each new connection's 'connect' (registered before the HTTP client writes
//     anything), and on a connection opened earlier (a kept-alive or pre-opened socket) before it is used: the
//     address actually connected to must be allowed, else the socket is destroyed before a byte is sent.
// A refusal is an Error with code EGRESS_REFUSED: never retried.
export const EGRESS_SOURCE = String.raw`
const EGRESS_CLASSES = ['public', 'loopback', 'private', 'link-local', 'reserved'];
function egressV4Class(a, b, c) {
  if (a === 127 || a === 0) return 'loopback'; // 0.0.0.0/8 connects to this host
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) {
    return 'private';
  }
  if (a === 169 && b === 254) return 'link-local';
  if (
    a >= 224 ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    (a === 192 && b === 88 && c === 99)
  ) {
    return 'reserved';
  }
  return 'public';
}
function egressParseV4(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const p = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  return p.every((x) => x <= 255) ? p : undefined;
}
// Eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part allowed), or undefined.
function egressParseV6(s) {
  let x = s.toLowerCase();
  const pct = x.indexOf('%');
  if (pct >= 0) x = x.slice(0, pct);
  const lastColon = x.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (x.indexOf('.', lastColon) >= 0) {
    const v4 = egressParseV4(x.slice(lastColon + 1));
    if (!v4) return undefined;
    x = x.slice(0, lastColon + 1) + ((v4[0] << 8) | v4[1]).toString(16) + ':' + ((v4[2] << 8) | v4[3]).toString(16);
  }
  const halves = x.split('::');
  if (halves.length > 2) return undefined;
  const part = (h) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const n = head.length + rest.length;
  if (halves.length === 1 ? n !== 8 : n > 7) return undefined;
  return [...head, ...new Array(8 - n).fill('0'), ...rest].map((g) => parseInt(g, 16));
}
// The class of an IP address (IPv4 dotted, or IPv6 with or without brackets); 'reserved' for anything unreadable.
function egressAddressClass(address) {
  let s = String(address);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const v4 = egressParseV4(s);
  if (v4) return egressV4Class(v4[0], v4[1], v4[2]);
  const g = egressParseV6(s);
  if (!g) return 'reserved';
  const embedded = (hi, lo) => egressV4Class(hi >> 8, hi & 255, lo >> 8);
  const zeroUpTo = (n) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(7) && g[7] === 1) return 'loopback'; // ::1
  if (zeroUpTo(8)) return 'loopback'; // :: connects to this host
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6], g[7]); // ::ffff:a.b.c.d, mapped
  if (zeroUpTo(6)) return embedded(g[6], g[7]) === 'public' ? 'reserved' : embedded(g[6], g[7]); // ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b) return embedded(g[6], g[7]) === 'public' ? 'public' : embedded(g[6], g[7]);
  if (g[0] === 0x2002) return embedded(g[1], g[2]) === 'public' ? 'public' : embedded(g[1], g[2]); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved'; // documentation
  if (g[0] === 0x100 && zeroUpTo(4)) return 'reserved'; // discard-only
  if ((g[0] & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3
  return 'public';
}
// Whether a connection may reach this address (and port: undefined while resolving, when it is not known yet).
function egressAllowed(address, policy, port) {
  const cls = egressAddressClass(address);
  if (cls === 'public') return true;
  const allow = policy && Array.isArray(policy.allow) ? policy.allow : [];
  if (allow.includes(cls)) return true;
  const endpoints = policy && Array.isArray(policy.endpoints) ? policy.endpoints : [];
  const bare = String(address).replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const spelled = bare.includes(':') ? '[' + bare + ']' : bare;
  return endpoints.some((e) => {
    const at = String(e).lastIndexOf(':');
    return String(e).slice(0, at).toLowerCase() === spelled && (port === undefined || String(e).slice(at + 1) === String(port));
  });
}
function egressRefused(message) {
  const e = new Error(message);
  e.code = 'EGRESS_REFUSED';
  return e;
}
function egressIsIp(host) {
  return egressParseV4(host) !== undefined || egressParseV6(host) !== undefined;
}
// The refusal of a connection to shown, which names the addresses (bare IP addresses) it would reach: each named
// by its class (loopback, private, link-local, reserved).
function egressRefusal(shown, addresses, policy) {
  const classes = [...new Set(addresses.map(egressAddressClass))];
  const what = !classes.length
    ? 'an address not known'
    : classes.length === 1
      ? 'a ' + classes[0] + ' address'
      : classes.join(' and ') + ' addresses';
  return egressRefused(
    'refused to connect to ' + shown + ' (' + what + '; this scan may reach public addresses' +
      (policy && policy.allow && policy.allow.length ? ' and ' + policy.allow.join(', ') : '') + ' only)',
  );
}
// Checks a URL before it is requested; from is the URL that redirected to it (undefined for the first request).
// Returns undefined or the refusal.
function egressCheckUrl(url, from, policy) {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return egressRefused('unsupported protocol ' + url.protocol);
  if (url.username || url.password) return egressRefused('a URL with credentials: ' + url.host);
  if (from && from.protocol === 'https:' && url.protocol === 'http:') {
    return egressRefused('refused a redirect from https to plain http (' + url.host + ')');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (egressIsIp(host) && !egressAllowed(host, policy, port)) return egressRefusal(url.host, [host], policy);
  return undefined;
}
// The lookup function of a connection to port under this policy (node:net's lookup signature; all addresses checked,
// with the port: an address allowed as an endpoint on another port is refused before any connection is opened).
function egressLookup(policy, port) {
  const dns = require('node:dns');
  return function lookup(hostname, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    }
    const family = typeof options === 'number' ? options : (options && options.family) || 0;
    dns.lookup(hostname, { all: true, verbatim: true, family }, (err, addresses) => {
      if (err) return callback(err);
      // Only the addresses the policy allows are connected to (all of them refused: the connection is refused).
      const ok = addresses.filter((a) => egressAllowed(a.address, policy, port));
      if (!ok.length) {
        const shown = addresses.map((a) => a.address).join(', ') || 'no address';
        return callback(egressRefusal(hostname + ' (' + shown + ')', addresses.map((a) => a.address), policy));
      }
      if (options && options.all) return callback(null, ok);
      return callback(null, ok[0].address, ok[0].family);
    });
  };
}
// Checks the peer of a socket: at once when it is connected, on 'connect' otherwise. A refused socket is destroyed
// with the refusal (the request using it fails with it).
function egressCheckSocket(socket, policy) {
  const check = () => {
    const peer = socket.remoteAddress;
    if (peer === undefined || !egressAllowed(peer, policy, socket.remotePort)) {
      socket.destroy(
        peer === undefined
          ? egressRefusal('an unknown peer', [], policy)
          : egressRefusal(peer + ':' + socket.remotePort, [peer], policy),
      );
    }
  };
  if (socket.connecting) socket.prependOnceListener('connect', check);
  else check();
  return socket;
}
// A short name of a policy (connection pools are kept apart by it: a socket opened under one policy is never reused
// under another).
function egressKey(policy) {
  const allow = policy && Array.isArray(policy.allow) ? policy.allow : [];
  const endpoints = policy && Array.isArray(policy.endpoints) ? [...policy.endpoints].sort() : [];
  return EGRESS_CLASSES.filter((c) => allow.includes(c)).join(',') + '|' + endpoints.join(',');
}
`;
