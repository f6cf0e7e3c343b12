// The HTTP client of remote scans: the subset of fetch they use (GET, headers, redirects followed, an abort signal,
// the status, headers and a streamed body) over node:http / node:https with keep-alive connections (at most 32 per
// origin: more requests wait for one, as hundreds of ranges asked one by one would otherwise each open their own).
// Node's own fetch (undici) is not used: loading it costs a process 0.25-0.4 s of CPU at its first request (it is
// compiled from Node's internal sources on first use), more than a whole cached remote scan should take, while
// node:http is part of Node's start-up snapshot and node:https is loaded only for an https:// URL.
//
// Kept as the text of a self-contained script, like the fetch worker (fetch-worker-source.ts), so the one
// implementation runs in the worker (pasted into its source) and on the listing thread (light-fetch.ts compiles it
// once with the module loader as its only parameter). It is Sentinel's own code; no artifact content is ever run.
//
// `lightFetch(url, { headers, signal, timeoutMs })` resolves to { status, url (after redirects), headers: { get(name) },
// headerObject(), body: { getReader(), cancel() }, bytes(max) } or rejects (network failure, abort, too many
// redirects). Like fetch, it follows 301/302/303/307/308 up to 20 times and drops credentials (authorization, cookie)
// on a redirect to another origin. The timeout (or signal) covers the body too: it destroys the connection.
// `init.onLocation(href)`, when given, is called with each redirect's target as soon as the redirect arrives, and with
// the URL that answered when its answer arrives (before the body): a caller that has more requests for the same URL
// can send them where it leads without waiting for this one to end. `init.egress` is the egress policy
// (egress-source.ts) every hop and every connection of the request is checked against; without one, public
// addresses only.
import { EGRESS_SOURCE } from './egress-source.js';

export const LIGHT_FETCH_SOURCE = String.raw`
${EGRESS_SOURCE}
const lightFetchModules = {};
const lightFetchAgents = {};
function lightFetchModule(protocol) {
  const name = protocol === 'https:' ? 'node:https' : 'node:http';
  return lightFetchModules[name] || (lightFetchModules[name] = require(name));
}
// One pool per protocol and egress policy (egress-source.ts): a connection opened under one policy is never reused
// under another. Every connection is checked: its host resolved by the policy's lookup, its peer checked on connect
// before anything is written, a pre-opened one checked before it is taken.
function lightFetchAgent(protocol, policy) {
  const key = protocol + egressKey(policy);
  if (lightFetchAgents[key]) return lightFetchAgents[key];
  const agent = new (lightFetchModule(protocol).Agent)({ keepAlive: true, maxSockets: 32 });
  const create = agent.createConnection;
  // Connections the CLI opened while it loaded (bin/preconnect.js), lists by protocol, host and port: the first
  // requests to that origin take those sockets instead of opening their own. Absent in the fetch worker and in API
  // hosts.
  const preconnected = globalThis[Symbol.for('sentinel-ml.preconnected')];
  agent.createConnection = function (options, callback) {
    const sockets = preconnected instanceof Map ? preconnected.get(protocol + '//' + options.host + ':' + options.port) : undefined;
    while (Array.isArray(sockets) && sockets.length) {
      const socket = sockets.shift();
      if (!socket.destroyed && socket.readyState !== 'closed' && !socket.readableEnded) {
        socket.ref();
        return egressCheckSocket(socket, policy);
      }
    }
    const port = options.port || (protocol === 'https:' ? 443 : 80);
    return egressCheckSocket(create.call(this, Object.assign({}, options, { lookup: egressLookup(policy, port) }), callback), policy);
  };
  return (lightFetchAgents[key] = agent);
}
const LIGHT_FETCH_REDIRECTS = new Set([301, 302, 303, 307, 308]);
function lightFetch(input, init) {
  const signal = init && init.signal;
  const timeoutMs = init && init.timeoutMs;
  const onLocation = init && init.onLocation;
  const policy = init && init.egress;
  let headers = Object.assign({}, (init && init.headers) || {});
  return new Promise((resolve, reject) => {
    let current;
    let settled = false;
    let hops = 0;
    let timer;
    const release = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (signal) signal.removeEventListener('abort', onAbort);
    };
    const fail = (e) => {
      if (settled) return;
      settled = true;
      if (e && typeof e === 'object') {
        try {
          e.redirects = hops;
        } catch {}
      }
      if (signal) signal.removeEventListener('abort', onAbort);
      reject(e);
    };
    const stop = (reason) => {
      release();
      if (current) current.destroy(reason);
      fail(reason);
    };
    function onAbort() {
      stop(signal.reason instanceof Error ? signal.reason : new Error('The operation was aborted'));
    }
    if (signal) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);
    }
    if (timeoutMs !== undefined) {
      // A plain timer, not AbortSignal.timeout: hundreds of range requests each paid for an EventTarget signal. Timers
      // count from the event loop's clock, cached once per turn, so one armed after a long turn can fire early by the
      // wall clock: it is armed again for what is left, and the request ends no earlier than timeoutMs after it began
      // (a caller whose time was cut to a deadline sees the deadline passed when the timeout reaches it).
      const endsAt = Date.now() + timeoutMs;
      const arm = (ms) => {
        timer = setTimeout(() => {
          const left = endsAt - Date.now();
          if (left > 0) return arm(left);
          const e = new Error('no answer within ' + timeoutMs + ' ms');
          e.name = 'TimeoutError';
          stop(e);
        }, ms);
        if (timer.unref) timer.unref();
      };
      arm(timeoutMs);
    }
    const go = (href, from) => {
      let url;
      try {
        url = new URL(href);
      } catch {
        return fail(new TypeError('invalid URL ' + href));
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(new TypeError('unsupported protocol ' + url.protocol));
      const refused = egressCheckUrl(url, from, policy);
      if (refused) return fail(refused);
      let req;
      try {
        req = lightFetchModule(url.protocol).request(url, { method: 'GET', headers, agent: lightFetchAgent(url.protocol, policy) }, (res) => {
          const status = res.statusCode || 0;
          const loc = res.headers.location;
          if (LIGHT_FETCH_REDIRECTS.has(status) && typeof loc === 'string') {
            res.resume();
            if (hops >= 20) return fail(new TypeError('redirect count exceeded'));
            let next;
            try {
              next = new URL(loc, url);
            } catch {
              return fail(new TypeError('invalid redirect location ' + loc));
            }
            hops++;
            if (onLocation) onLocation(next.href);
            if (next.origin !== url.origin) {
              const kept = {};
              for (const k of Object.keys(headers)) if (!/^(authorization|cookie|proxy-authorization)$/i.test(k)) kept[k] = headers[k];
              headers = kept;
            }
            return go(next.href, url);
          }
          if (onLocation) onLocation(url.href);
          current = res;
          if (settled) return res.destroy();
          settled = true;
          res.once('end', release);
          res.once('close', release);
          resolve(lightFetchResponse(res, url.href, hops));
        });
      } catch (e) {
        return fail(e);
      }
      current = req;
      req.on('error', fail);
      req.end();
    };
    go(String(input));
  });
}
function lightFetchResponse(res, url, redirects) {
  // The body is taken from 'data' events into a queue (a stream's async iterator costs several times more per
  // response, and a range scan makes hundreds of small ones). Errors reach the reader; an unread body destroyed by an
  // abort must not throw.
  const queue = [];
  let ended = false;
  let failed = null;
  let wake = null;
  let flowing = false;
  const notify = () => {
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  res.on('error', (e) => {
    failed = failed || e;
    notify();
  });
  res.on('close', () => {
    if (!ended && !failed) failed = new Error('the connection closed before the body ended');
    notify();
  });
  const flow = () => {
    if (flowing) return;
    flowing = true;
    res.on('data', (c) => {
      queue.push(c);
      notify();
    });
    res.on('end', () => {
      ended = true;
      notify();
    });
  };
  const next = () => {
    flow();
    if (queue.length) return Promise.resolve({ done: false, value: queue.shift() });
    if (ended) return Promise.resolve({ done: true, value: undefined });
    if (failed) return Promise.reject(failed);
    return new Promise((resolve) => {
      wake = resolve;
    }).then(next);
  };
  const cancel = async () => {
    ended = true;
    res.destroy();
  };
  const get = (name) => {
    const v = res.headers[String(name).toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
  };
  return {
    status: res.statusCode || 0,
    url,
    redirects,
    headers: { get },
    headerObject() {
      const out = {};
      for (const k of Object.keys(res.headers)) out[k] = get(k);
      return out;
    },
    body: { cancel, getReader: () => ({ read: next, cancel }) },
    // The whole body in one new buffer, or undefined (and the connection closed) past max bytes.
    async bytes(max) {
      const chunks = [];
      let got = 0;
      for (;;) {
        const r = await next();
        if (r.done) break;
        got += r.value.length;
        if (got > max) {
          await cancel();
          return undefined;
        }
        chunks.push(r.value);
      }
      const out = new Uint8Array(got);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    },
  };
}
`;
