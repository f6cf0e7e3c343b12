// SIMULATED: the only simulated part of the remote tests. A stand-in for the Hugging Face Hub answering the documented
// endpoints Sentinel's hf:// client uses, over the files of one local folder: GET /api/{kind}/{repo}/revision/{rev}
// ({ sha }), GET /api/{kind}/{repo}/tree/{sha}[/{path}][?recursive=true] (entries with type, path, size, oid and
// lfs { oid (sha256), size } for files over 1 KiB; 3 entries per page unless HUB_STANDIN_PAGE says otherwise, next
// page in a Link header), and
// GET /[{kind}/]{repo}/resolve/{sha}/{path} (302 to /storage/{sha256} for LFS files, as the Hub redirects to its
// storage; Range, ETag; a request for several ranges gets the whole content, HTTP 200, as object stores answer it).
// GET /__requests answers (and clears) the requests served so far, GET /__connections the connections accepted; GET /__push/{sha} makes main name commit {sha}
// and reads the folder again (a push: the old commit is gone). Run as its own process:
// node hub-server.mjs <folder> <repo> [token]; prints its port.
// Files are read from disk per request. The LFS sha256 of a file over 64 MiB is not computed (the bench serves
// sparse multi-GB files): the stand-in publishes sha256(path, size, mtime) as its id instead.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';

const [root, repo, token] = process.argv.slice(2);
let SHA = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
// Small pages make the tests follow Link headers; the bench sets a page size that holds its whole repository (a page
// of the real Hub's tree listing holds far more than 3 entries).
const PAGE = Number(process.env.HUB_STANDIN_PAGE) > 0 ? Number(process.env.HUB_STANDIN_PAGE) : 3;

function* walk(dir) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
const HASHED = 64 * 1024 * 1024;
const readFiles = () =>
  [...walk(root)].map((p) => {
    const st = statSync(p);
    const path = relative(root, p).split('\\').join('/');
    const bytes = st.size <= HASHED ? readFileSync(p) : undefined;
    const sha256 = bytes
      ? createHash('sha256').update(bytes).digest('hex')
      : createHash('sha256').update(`${path}\0${st.size}\0${st.mtimeMs}`).digest('hex');
    const oid = createHash('sha1')
      .update(bytes ? Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]) : sha256)
      .digest('hex');
    return { path, file: p, size: st.size, sha256, oid, lfs: st.size > 1024 };
  });
let files = readFiles();
let bySha = new Map(files.map((f) => [f.sha256, f]));

function serveBytes(req, res, f) {
  const etag = `"${f.sha256}"`;
  const size = f.size;
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    // Streamed: a client that asked for several ranges (not supported here, as on object stores) drops it at once.
    res.writeHead(200, { etag, 'content-length': size });
    createReadStream(f.file).pipe(res);
    return;
  }
  let start;
  let end;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  }
  if (start >= size || start > end) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  res
    .writeHead(206, { etag, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 })
    .end(slice(f, start, end + 1));
}

function slice(f, start, end) {
  const out = Buffer.alloc(end - start);
  const fd = openSync(f.file, 'r');
  try {
    readSync(fd, out, 0, out.length, start);
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Requests served (path and Range), read and cleared by GET /__requests (for tests that count round trips). */
let served = [];

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = decodeURIComponent(url.pathname);
  if (p.startsWith('/__push/')) {
    // A new commit on main: the folder is read again and main names the commit given (40 hex digits).
    SHA = p.slice('/__push/'.length);
    files = readFiles();
    bySha = new Map(files.map((f) => [f.sha256, f]));
    res.writeHead(200).end();
    return;
  }
  if (p === '/__connections') {
    // Connections accepted so far (this request's own included), then cleared.
    res.writeHead(200, { 'content-type': 'application/json' }).end(String(connections));
    connections = 0;
    return;
  }
  if (p === '/__requests') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
    served = [];
    return;
  }
  served.push({ path: p, range: req.headers.range ?? null });
  if (p.startsWith('/storage/')) {
    const f = bySha.get(p.slice('/storage/'.length));
    if (!f) return res.writeHead(404).end();
    return serveBytes(req, res, f);
  }
  if (token && req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401).end();
  for (const kind of ['models', 'datasets', 'spaces']) {
    const api = `/api/${kind}/${repo}/`;
    if (p.startsWith(api + 'revision/')) {
      const rev = p.slice((api + 'revision/').length);
      if (rev !== 'main' && rev !== SHA) return res.writeHead(404).end();
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repo, sha: SHA }));
    }
    if (p.startsWith(api + 'tree/' + SHA)) {
      const sub = p.slice((api + 'tree/' + SHA).length).replace(/^\//, '');
      const recursive = url.searchParams.get('recursive') === 'true';
      const inDir = files.filter((f) => {
        if (sub && !f.path.startsWith(sub + '/')) return false;
        const rest = sub ? f.path.slice(sub.length + 1) : f.path;
        return recursive || !rest.includes('/');
      });
      if (sub && inDir.length === 0) return res.writeHead(404).end();
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = inDir.slice(cursor, cursor + PAGE).map((f) => ({
        type: 'file',
        oid: f.oid,
        size: f.size,
        path: f.path,
        ...(f.lfs ? { lfs: { oid: f.sha256, size: f.size, pointerSize: 134 } } : {}),
      }));
      const headers = { 'content-type': 'application/json' };
      if (cursor + PAGE < inDir.length) {
        const next = new URL(url.href);
        next.searchParams.set('cursor', String(cursor + PAGE));
        headers.link = `<${next.pathname}${next.search}>; rel="next"`;
      }
      return res.writeHead(200, headers).end(JSON.stringify(page));
    }
    const resolve = `/${kind === 'models' ? '' : kind + '/'}${repo}/resolve/${SHA}/`;
    if (p.startsWith(resolve)) {
      const f = files.find((x) => x.path === p.slice(resolve.length));
      if (!f) return res.writeHead(404).end();
      if (f.lfs) return res.writeHead(302, { location: `/storage/${f.sha256}` }).end();
      return serveBytes(req, res, f);
    }
  }
  res.writeHead(404).end();
});
let connections = 0;
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
