// Range requests over HTTP, checked (the text of a self-contained script, like light-fetch-source.ts, whose lightFetch
// it uses and includes): the fetch worker (fetch-worker-source.ts) runs it for the scanning thread, which waits on it
// synchronously, and the listing thread compiles it too (light-fetch.ts), so the listing's requests (a first range
// request per file, and what the head and tail show the scan will read) are made without starting a worker.
//
// Request: { id, url, direct?, headers, start, end | ranges, size, validator, timeoutMs, retries, allowHttp, egress }.
// \`end\` is exclusive; \`start\` < 0 asks for a suffix of -start bytes (used before the size is known). Reply: { id, ok,
// bytes? | parts?, size?, etag?, lastModified?, finalUrl?, requests (redirect hops included), redirects, received,
// kind?, message? }. Every response is checked: 206 with a Content-Range that names exactly the range asked for and
// the expected total size, a body of exactly that length, and the same ETag / Last-Modified as the first response.
// 429, 5xx and connection failures (also while a body is read) are retried with backoff (bounded); nothing else is.
// timeoutMs bounds the whole request: every attempt, and the waits between them. Every hop and connection is checked
// by the request's egress policy (egress-source.ts); a refusal is never retried.
// HTTP goes through lightFetch (light-fetch-source.ts), not Node's fetch.
import { LIGHT_FETCH_SOURCE } from './light-fetch-source.js';

export const RANGE_FETCH_SOURCE = String.raw`
${LIGHT_FETCH_SOURCE}
const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Fail extends Error {
  constructor(kind, message, retry, retryAfter) {
    super(message);
    this.kind = kind;
    this.retry = retry;
    this.retryAfter = retryAfter;
  }
}

function parseContentRange(v) {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec((v || '').trim());
  if (!m) return undefined;
  return { first: Number(m[1]), last: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

// Redirect hops are requests sent: counted in requests, and apart as redirects.
function countHops(stats, hops) {
  const n = typeof hops === 'number' && hops > 0 ? hops : 0;
  stats.requests += n;
  stats.redirects += n;
}

// Reads a response body of at most \`cap\` bytes, handing each chunk to \`take\` with its offset; a longer body is
// cancelled and refused (\`over\` says how), a failed connection is a retryable network failure. Returns the length.
async function readCapped(res, cap, stats, over, take) {
  let got = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch((e) => {
      throw new Fail('network', 'the connection failed while reading: ' + (e && e.message ? e.message : String(e)), true);
    });
    if (done) break;
    stats.received += value.length;
    if (got + value.length > cap) {
      await reader.cancel().catch(() => {});
      throw new Fail('length', over);
    }
    take(value, got);
    got += value.length;
  }
  return got;
}

async function readBody(res, want, stats) {
  const out = new Uint8Array(want);
  const got = await readCapped(res, want, stats, 'the server sent more bytes than the range it announced', (v, at) =>
    out.set(v, at),
  );
  if (got !== want) throw new Fail('length', 'the server sent ' + got + ' bytes for a range of ' + want, true);
  return out;
}

// What is left of the request's total time (timeoutMs covers every attempt and every wait between them).
function attemptMs(req) {
  return req.deadline !== undefined ? Math.max(1, req.deadline - Date.now()) : req.timeoutMs;
}

async function once(req, stats) {
  const headers = Object.assign({}, req.headers || {});
  headers['range'] = req.start < 0 ? 'bytes=' + req.start : 'bytes=' + req.start + '-' + (req.end - 1);
  headers['accept-encoding'] = 'identity';
  stats.requests++;
  let res;
  try {
    res = await lightFetch(req.url, { headers, timeoutMs: attemptMs(req), onLocation: req.onLocation, egress: req.egress });
  } catch (e) {
    countHops(stats, e && e.redirects);
    if (e && e.code === 'EGRESS_REFUSED') throw new Fail('egress', e.message);
    const cause = e && e.cause ? ' (' + (e.cause.code || e.cause.message || e.cause) + ')' : '';
    throw new Fail('network', 'request failed: ' + (e && e.message ? e.message : String(e)) + cause, true);
  }
  countHops(stats, res.redirects);
  const final = new URL(res.url || req.url);
  if (final.href === req.url) learnOrigin(inPlace, req.url);
  if (final.protocol === 'http:' && !req.allowHttp && !LOOPBACK.test(final.hostname)) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('insecure', 'redirected to plain http on a non-loopback host (' + final.host + ')');
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel().catch(() => {});
    const ra = Number(res.headers.get('retry-after'));
    throw new Fail('status', 'HTTP ' + res.status, true, Number.isFinite(ra) ? ra : undefined);
  }
  if (res.status === 200) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('range', 'the server ignored the Range header (HTTP 200 with the whole content)');
  }
  if (res.status === 416 && req.size === 0) {
    await res.body?.cancel().catch(() => {});
    return { bytes: new Uint8Array(0), size: 0, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), finalUrl: final.href };
  }
  if (res.status !== 206) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('status', 'HTTP ' + res.status + (res.status === 401 || res.status === 403 ? ' (credentials missing or refused)' : ''));
  }
  const cr = parseContentRange(res.headers.get('content-range'));
  if (!cr || cr.total === undefined) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('range', 'a 206 answer without a usable Content-Range (' + res.headers.get('content-range') + ')');
  }
  if (req.size !== undefined && cr.total !== req.size) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('changed', 'the size changed from ' + req.size + ' to ' + cr.total + ' bytes between requests');
  }
  const first = req.start < 0 ? Math.max(0, cr.total + req.start) : req.start;
  const last = req.start < 0 ? cr.total - 1 : Math.min(req.end, cr.total) - 1;
  if (cr.first !== first || cr.last !== last) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('range', 'asked for bytes ' + first + '-' + last + ', the server answered ' + cr.first + '-' + cr.last);
  }
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  const v = req.validator;
  if (v) {
    if ((v.etag || null) !== (etag || null) || (v.lastModified || null) !== (lastModified || null)) {
      await res.body?.cancel().catch(() => {});
      throw new Fail('changed', 'the content changed between requests (ETag ' + v.etag + ' became ' + etag + ')');
    }
  }
  const bytes = await readBody(res, last - first + 1, stats);
  return { bytes, size: cr.total, etag, lastModified, finalUrl: final.href };
}

// Several ranges in one request (RFC 9110 section 14.6, multipart/byteranges); every part must name exactly one of the ranges
// asked for, in order, with the expected total size. A server that answers one part for all of them is asked again
// range by range.
// Origins (after redirects) that answered a several-range request with one part or the whole content: RFC 9110
// lets a server do so (object stores such as S3 never answer multipart/byteranges). Their later several-range
// requests go range by range at once, without asking for multipart again.
const noMultipart = new Set();
// Origins that answered a several-range request with multipart/byteranges.
const multipartOk = new Set();
// Origins whose first several-range request is under way: the others to the same origin wait for its answer rather
// than each asking (and each dropping a connection on a whole-content answer) at once.
const multipartProbes = new Map();
// URLs that answered where they are (no redirect).
const inPlace = new Set();

// Several ranges asked one by one, all at once. A URL that may redirect (the Hub sends a stored file to its storage)
// and whose target is not known yet is asked for the first range alone until the redirect (or the answer) arrives;
// the other ranges then go where it leads, at once: one trip through the redirect per file rather than one per
// range, at no extra round trip when it redirects.
async function oneByOne(req, stats) {
  const ranges = req.ranges;
  const single = (r, [s, e]) => viaDirect(once, Object.assign({}, r, { ranges: undefined, start: s, end: e }), stats);
  let first;
  let rest = req;
  if (ranges.length > 1 && !req.direct && !inPlace.has(req.url)) {
    let located;
    const where = new Promise((r) => (located = r));
    first = single(Object.assign({}, req, { onLocation: (href) => located(href) }), ranges[0]);
    first.then(() => located(undefined), () => located(undefined));
    const href = await where;
    if (href && href !== req.url) rest = Object.assign({}, req, { direct: href });
  }
  const parts = await Promise.all(ranges.map((r, k) => (k === 0 && first ? first : single(rest, r))));
  for (const p of parts) {
    if (p.etag !== parts[0].etag || p.lastModified !== parts[0].lastModified) throw new Fail('changed', 'the content changed between requests');
  }
  return { parts: parts.map((p) => p.bytes), etag: parts[0].etag, lastModified: parts[0].lastModified, finalUrl: parts[0].finalUrl };
}

// Several ranges on an origin that answers one range per request: each on its own request, except those marked
// optional (req.optional[k]), which are left out (an empty part) rather than costing a request each.
async function byOrigin(req, stats) {
  const opt = req.optional;
  if (!opt || !opt.some(Boolean)) return oneByOne(req, stats);
  const keep = [];
  for (let k = 0; k < req.ranges.length; k++) if (!opt[k]) keep.push(k);
  const parts = req.ranges.map(() => new Uint8Array(0));
  if (!keep.length) return { parts, skipped: true, finalUrl: req.direct || req.url };
  const r = await oneByOne(Object.assign({}, req, { ranges: keep.map((k) => req.ranges[k]), optional: undefined }), stats);
  keep.forEach((k, i) => (parts[k] = r.parts[i]));
  return Object.assign({}, r, { parts });
}

async function multi(req, stats) {
  const origin = new URL(req.url).origin;
  for (;;) {
    if (noMultipart.has(origin)) return byOrigin(req, stats);
    if (multipartOk.has(origin)) break;
    const pending = multipartProbes.get(origin);
    if (!pending) break;
    await pending;
  }
  let settle;
  if (!multipartOk.has(origin)) multipartProbes.set(origin, new Promise((r) => (settle = r)));
  let r;
  try {
    r = await multiOnce(req, stats);
  } finally {
    // Settled as soon as the server's answer shows whether it sends several ranges in one answer, not after the
    // ranges were then asked one by one.
    if (settle) {
      multipartProbes.delete(origin);
      settle();
    }
  }
  if (r.firstPart) {
    // The first range came in the answer: the others one by one, with the same validators.
    const f = r.firstPart;
    const rest = await byOrigin(r.oneByOne, stats);
    if (rest.skipped) return { parts: [f.bytes, ...rest.parts], etag: f.etag, lastModified: f.lastModified, finalUrl: f.finalUrl };
    if (rest.etag !== f.etag || rest.lastModified !== f.lastModified) throw new Fail('changed', 'the content changed between requests');
    return { parts: [f.bytes, ...rest.parts], etag: f.etag, lastModified: f.lastModified, finalUrl: f.finalUrl };
  }
  return r.oneByOne ? byOrigin(r.oneByOne, stats) : r;
}

async function multiOnce(req, stats) {
  const headers = Object.assign({}, req.headers || {});
  headers['range'] = 'bytes=' + req.ranges.map(([s, e]) => s + '-' + (e - 1)).join(',');
  headers['accept-encoding'] = 'identity';
  stats.requests++;
  let res;
  try {
    res = await lightFetch(req.url, { headers, timeoutMs: attemptMs(req), egress: req.egress });
  } catch (e) {
    countHops(stats, e && e.redirects);
    if (e && e.code === 'EGRESS_REFUSED') throw new Fail('egress', e.message);
    throw new Fail('network', 'request failed: ' + (e && e.message ? e.message : String(e)), true);
  }
  countHops(stats, res.redirects);
  const final = new URL(res.url || req.url);
  if (final.href === req.url) learnOrigin(inPlace, req.url);
  if (final.protocol === 'http:' && !req.allowHttp && !LOOPBACK.test(final.hostname)) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('insecure', 'redirected to plain http on a non-loopback host (' + final.host + ')');
  }
  const type = res.headers.get('content-type') || '';
  const m = /^multipart\/byteranges;\s*boundary="?([^";]+)"?/i.exec(type);
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('status', 'HTTP ' + res.status, true);
  }
  if ((res.status === 200 || res.status === 206) && !m) {
    // One part or the whole content for several ranges: each range on its own request, all at once (a server that
    // ignores Range altogether fails there, as on any single-range request). An answer with exactly the first range
    // (object stores) is kept: the other ranges are asked for.
    learnOrigin(noMultipart, new URL(req.url).origin);
    if (res.url) learnOrigin(noMultipart, new URL(res.url).origin);
    const again = res.url && res.url !== req.url ? Object.assign({}, req, { direct: res.url }) : req;
    const cr = res.status === 206 ? parseContentRange(res.headers.get('content-range')) : undefined;
    const [s0, e0] = req.ranges[0];
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    const v = req.validator;
    const same = !v || ((v.etag || null) === (etag || null) && (v.lastModified || null) === (lastModified || null));
    if (!cr || cr.first !== s0 || cr.last !== e0 - 1 || cr.total === undefined || (req.size !== undefined && cr.total !== req.size) || !same) {
      await res.body?.cancel().catch(() => {});
      return { oneByOne: again };
    }
    const bytes = await readBody(res, e0 - s0, stats);
    return { firstPart: { bytes, etag, lastModified, finalUrl: final.href }, oneByOne: Object.assign({}, again, { ranges: req.ranges.slice(1), optional: req.optional && req.optional.slice(1) }) };
  }
  if (res.status !== 206) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('status', 'HTTP ' + res.status + (res.status === 401 || res.status === 403 ? ' (credentials missing or refused)' : ''));
  }
  learnOrigin(multipartOk, new URL(req.url).origin);
  learnOrigin(multipartOk, final.origin);
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  const v = req.validator;
  if (v && ((v.etag || null) !== (etag || null) || (v.lastModified || null) !== (lastModified || null))) {
    await res.body?.cancel().catch(() => {});
    throw new Fail('changed', 'the content changed between requests (ETag ' + v.etag + ' became ' + etag + ')');
  }
  const want = req.ranges.reduce((n, [s, e]) => n + (e - s), 0);
  const limit = want + req.ranges.length * 512 + 4096;
  const chunks = [];
  await readCapped(res, limit, stats, 'a multipart answer longer than the ranges asked for', (v) => chunks.push(v));
  const body = Buffer.concat(chunks);
  const delim = Buffer.from('--' + m[1]);
  const parts = [];
  let pos = body.indexOf(delim);
  for (const [s, e] of req.ranges) {
    if (pos < 0) throw new Fail('length', 'a multipart answer with fewer parts than ranges', true);
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new Fail('length', 'a truncated multipart answer', true);
    const head = body.subarray(pos + delim.length, headEnd).toString('latin1');
    const cr = parseContentRange((/content-range:\s*([^\r\n]+)/i.exec(head) || [])[1]);
    if (!cr || cr.first !== s || cr.last !== e - 1) throw new Fail('range', 'a multipart part for another range than asked for');
    if (req.size !== undefined && cr.total !== req.size) throw new Fail('changed', 'the size changed between requests');
    const start = headEnd + 4;
    if (start + (e - s) > body.length) throw new Fail('length', 'a multipart part shorter than its range', true);
    parts.push(new Uint8Array(body.subarray(start, start + (e - s))));
    pos = body.indexOf(delim, start + (e - s));
  }
  return { parts, etag, lastModified, finalUrl: final.href };
}

// A request for a URL whose redirect target is already known (the Hub sends every read of a stored file to its
// storage) goes there directly, saving a round trip per read; credentials are not sent to another origin (as fetch
// drops them on a cross-origin redirect). When the target refuses (an expired signed URL: 4xx), the original URL is
// asked again.
async function viaDirect(fn, req, stats) {
  if (req.direct && req.direct !== req.url) {
    const cross = new URL(req.direct).origin !== new URL(req.url).origin;
    const d = Object.assign({}, req, { url: req.direct, direct: undefined, headers: cross ? undefined : req.headers });
    try {
      return await fn(d, stats);
    } catch (e) {
      if (!(e instanceof Fail) || e.kind !== 'status' || !/^HTTP 4/.test(e.message)) throw e;
    }
  }
  return fn(req, stats);
}

// What the origins showed (multipart answers or not; URLs that answer in place), so that the other thread's requests
// (listing on the calling thread, reads of the scan in the worker) do not ask again. rangeLearned(since) gives what was
// learned after version \`since\` (undefined when nothing), rangeLearn(state) takes another thread's.
let learnedVersion = 0;
function learnOrigin(set, key) {
  if (set.has(key)) return;
  set.add(key);
  learnedVersion++;
}
function rangeLearned(since) {
  if (learnedVersion === since) return undefined;
  return { version: learnedVersion, noMultipart: [...noMultipart], multipartOk: [...multipartOk], inPlace: [...inPlace] };
}
function rangeLearn(state) {
  if (!state) return;
  for (const k of state.noMultipart || []) noMultipart.add(k);
  for (const k of state.multipartOk || []) multipartOk.add(k);
  for (const k of state.inPlace || []) inPlace.add(k);
}

async function rangeHandle(req0, reply) {
  const stats = { requests: 0, redirects: 0, received: 0 };
  // One deadline for the request, retries and backoff included.
  const req = Object.assign({}, req0, { deadline: Date.now() + req0.timeoutMs });
  const timeLeft = (wait) => req.deadline - Date.now() > wait;
  if (req.ranges) {
    let attempt = 0;
    for (;;) {
      try {
        const r = await viaDirect(multi, req, stats);
        reply({ id: req.id, ok: true, parts: r.parts, etag: r.etag, lastModified: r.lastModified, finalUrl: r.finalUrl, requests: stats.requests, redirects: stats.redirects, received: stats.received });
        return;
      } catch (e) {
        const f = e instanceof Fail ? e : new Fail('internal', String(e && e.message ? e.message : e));
        if (f.retry && attempt < req.retries && timeLeft(Math.min(2000, 100 * 2 ** attempt))) {
          attempt++;
          await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
          continue;
        }
        reply({ id: req.id, ok: false, kind: f.kind, message: f.message, requests: stats.requests, redirects: stats.redirects, received: stats.received });
        return;
      }
    }
  }
  let attempt = 0;
  for (;;) {
    try {
      const r = await viaDirect(once, req, stats);
      reply({ id: req.id, ok: true, bytes: r.bytes, size: r.size, etag: r.etag, lastModified: r.lastModified, finalUrl: r.finalUrl, requests: stats.requests, redirects: stats.redirects, received: stats.received }, [r.bytes.buffer]);
      return;
    } catch (e) {
      const f = e instanceof Fail ? e : new Fail('internal', String(e && e.message ? e.message : e));
      const asked = f.retryAfter !== undefined ? Math.min(2000, f.retryAfter * 1000) : 0;
      const backoff = Math.max(asked, Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      if (f.retry && attempt < req.retries && timeLeft(backoff)) {
        attempt++;
        await sleep(backoff);
        continue;
      }
      const tries = attempt > 0 ? ' (after ' + (attempt + 1) + ' attempts)' : '';
      reply({ id: req.id, ok: false, kind: f.kind, message: f.message + tries, requests: stats.requests, redirects: stats.redirects, received: stats.received });
      return;
    }
  }
}

// At most PARALLEL requests at once (a zip's hundreds of local-header prefetches would otherwise open as many
// connections); the rest wait their turn in arrival order. rangeQueue(reply) returns the function that takes a request;
// its answer goes to reply(msg, transfer).
const PARALLEL = 32;
function rangeQueue(reply) {
  let running = 0;
  const queue = [];
  const pump = () => {
    while (running < PARALLEL && queue.length) {
      const req = queue.shift();
      running++;
      rangeHandle(req, reply).finally(() => {
        running--;
        pump();
      });
    }
  };
  return (req) => {
    queue.push(req);
    pump();
  };
}
`;
