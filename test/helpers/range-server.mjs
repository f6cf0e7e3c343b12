// A static file server on 127.0.0.1 that answers range requests the way servers without multi-range support do, run
// as its own process (a scan blocks its thread while it waits for range answers): node range-server.mjs <dir>
// <mode>. It prints its port. Modes: first-range (a request for several ranges is answered 206 with the first range
// alone, as object stores and their CDNs answer), several-whole (a request for several ranges is answered 200 with
// the whole file, one range 206), whole (every GET is answered 200 with the whole file, Range ignored), multipart
// (several ranges in one multipart/byteranges answer). Single ranges and suffix ranges are
// answered 206 (except in `whole`), with a strong ETag and Last-Modified from the file's status. GET /__stats gives
// {requests, bytes, ranges} since the last GET /__reset: requests served, body bytes written (what the server sent,
// not what a client chose to read) and each request's Range header.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const root = process.argv[2];
const mode = process.argv[3] ?? 'first-range';
let stats = { requests: 0, bytes: 0, ranges: [] };

/** [first, last] byte ranges of a Range header for a file of `size` bytes; undefined when it is not one. */
function parseRange(h, size) {
  const m = /^bytes=(.+)$/.exec(h ?? '');
  if (!m) return undefined;
  const out = [];
  for (const part of m[1].split(',')) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(part);
    if (!r || (r[1] === '' && r[2] === '')) return undefined;
    const first = r[1] === '' ? Math.max(0, size - Number(r[2])) : Number(r[1]);
    const last = r[1] === '' || r[2] === '' ? size - 1 : Math.min(size - 1, Number(r[2]));
    if (first > last) continue;
    out.push([first, last]);
  }
  return out;
}

const server = createServer((req, res) => {
  const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
  if (url === '/__stats') {
    res.end(JSON.stringify(stats));
    return;
  }
  if (url === '/__reset') {
    stats = { requests: 0, bytes: 0, ranges: [] };
    res.end('ok');
    return;
  }
  stats.requests++;
  stats.ranges.push(req.headers.range ?? null);
  const path = join(root, normalize(url));
  let st;
  try {
    st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404).end();
    return;
  }
  const headers = { etag: `"${st.ino.toString(16)}-${st.size.toString(16)}"`, 'last-modified': st.mtime.toUTCString() };
  const send = (status, first, last, extra) => {
    res.writeHead(status, { ...headers, ...extra, 'content-length': last - first + 1 });
    if (req.method === 'HEAD' || last < first) return void res.end();
    const s = createReadStream(path, { start: first, end: last });
    s.on('data', (c) => (stats.bytes += c.length));
    s.pipe(res);
    res.on('close', () => s.destroy());
  };
  let ranges = mode === 'whole' ? undefined : parseRange(req.headers.range, st.size);
  if (mode === 'several-whole' && ranges && ranges.length > 1) ranges = undefined;
  if (!ranges) return send(200, 0, st.size - 1, {});
  if (!ranges.length) {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${st.size}` }).end();
    return;
  }
  if (ranges.length === 1 || mode === 'first-range') {
    const [first, last] = ranges[0];
    return send(206, first, last, { 'content-range': `bytes ${first}-${last}/${st.size}` });
  }
  // multipart/byteranges (RFC 9110 section 14.6), parts read whole: for the small ranges of tests only.
  const boundary = 'RANGESERVERBOUNDARY';
  const bufs = [];
  for (const [first, last] of ranges) {
    bufs.push(
      Buffer.from(
        `\r\n--${boundary}\r\ncontent-type: application/octet-stream\r\ncontent-range: bytes ${first}-${last}/${st.size}\r\n\r\n`,
      ),
    );
    const b = Buffer.alloc(last - first + 1);
    const fd = openSync(path, 'r');
    readSync(fd, b, 0, b.length, first);
    closeSync(fd);
    bufs.push(b);
  }
  bufs.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  const body = Buffer.concat(bufs);
  stats.bytes += body.length;
  res.writeHead(206, {
    ...headers,
    'content-type': `multipart/byteranges; boundary=${boundary}`,
    'content-length': body.length,
  });
  res.end(body);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
