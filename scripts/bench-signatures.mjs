#!/usr/bin/env node
// `npm run bench` (signature row): a signed folder of safetensors files (default 10 GB: several 1 GiB shards and one
// big file of 40 %, random tensor data, written once outside the repo and reused) verified by the built CLI from page
// cache, beside `sha256sum` on the same files as the floor: one process, and two processes over the two halves of
// the bytes (the 2-core floor); `openssl dgst -sha256` the same two ways (OpenSSL's SHA-256 is what node:crypto
// runs; coreutils' sha256sum may not use the CPU's SHA instructions). Sentinel rows:
//   - the folder, OMS `files` serialization (the scan's whole-file digests are the signature's: one read of each byte);
//   - the same with --jobs 1 (everything on the main thread);
//   - the big file alone as a single-file model (`files`: a whole-file SHA-256 runs at one core's speed);
//   - the folder signed with `shards` serialization (512 MiB ranges; the scan takes the whole-file and the shard
//     digests in one read of files up to its per-thread share, shards of larger files are hashed on workers beside
//     it: each byte hashed twice, read once);
//   - the folder with --no-sha256 (the signature check alone).
// Each row: median of RUNS fresh processes (rows interleaved round by round) with the range, GB/s, CPU seconds (user
// + system) and GB per CPU-second (less disturbed by other load), peak RSS (GNU time), bytes read by the process
// (/proc/self/io rchar at exit, all threads: each byte read once is 1.00× the folder) and the load average (1 min)
// at the start of each run. Ratios to the sha256sum and openssl rows in the same rounds follow. Not a test: the
// figures depend on the machine and its load; the goal is >= 2 GB/s on this 2-core machine with flat memory.
// Usage: node scripts/bench-signatures.mjs [--no-build] [--gb N] [--files K] [--runs R] [--cli PATH] [--rm]
//   --cli PATH: another build's bin/sentinel.js (A/B against an older checkout).
import { execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomFillSync, sign } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const GIB = 1024 ** 3;
const TOTAL_GB = Number(arg('--gb', 10));
const FILES = Number(arg('--files', 7));
const RUNS = Number(arg('--runs', 3));
const SHARD = 512 * 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const cli = arg('--cli', join(root, 'bin', 'sentinel.js'));
if (!process.argv.includes('--no-build') && !process.argv.includes('--cli'))
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

// Layout: FILES - 1 equal shards and one big file of 40 % of the bytes (sizes multiples of 8).
const total = Math.floor((TOTAL_GB * GIB) / 8) * 8;
const bigSize = FILES > 1 ? Math.floor((total * 0.4) / 8) * 8 : total;
const shardSize = FILES > 1 ? Math.floor((total - bigSize) / (FILES - 1) / 8) * 8 : 0;
const dir = join(tmpdir(), `sentinel-bench-signatures-${TOTAL_GB}g-${FILES}f`);
const names = Array.from({ length: FILES - 1 }, (_, i) => `model-${String(i + 1).padStart(5, '0')}.safetensors`);
names.push('big.safetensors');
const sizeOf = (n) => (n === 'big.safetensors' ? bigSize : shardSize);

/** A safetensors file of `size` bytes: one U8 tensor over random data. */
function writeShard(path, size, seed) {
  let header = '';
  for (let pad = 0; ; pad++) {
    const json = `{"__metadata__":{"format":"pt"},"w${seed}":{"dtype":"U8","shape":[D],"data_offsets":[0,D]}}`;
    const data = size - 8 - (json.length + 2 * String(size).length - 2 + pad);
    const text = json.replaceAll('D', String(data)) + ' '.repeat(pad);
    if (8 + text.length + data === size && text.length % 8 === 0) {
      header = text;
      break;
    }
    if (pad > 64) throw new Error('cannot lay out the header');
  }
  const fd = openSync(path, 'w');
  const head = Buffer.alloc(8 + header.length);
  head.writeBigUInt64LE(BigInt(header.length));
  head.write(header, 8);
  writeSync(fd, head);
  const chunk = Buffer.allocUnsafe(64 << 20);
  let left = size - head.length;
  while (left > 0) {
    randomFillSync(chunk, 0, Math.min(chunk.length, 1 << 20)); // vary each chunk's start; the rest repeats
    const n = Math.min(left, chunk.length);
    writeSync(fd, chunk, 0, n);
    left -= n;
  }
  closeSync(fd);
}

const ready =
  existsSync(dir) && names.every((n) => existsSync(join(dir, n)) && statSync(join(dir, n)).size === sizeOf(n));
if (!ready) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = Date.now();
  names.forEach((n, i) => writeShard(join(dir, n), sizeOf(n), i));
  console.log(`wrote ${TOTAL_GB} GB in ${FILES} files to ${dir} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
const files = names.map((n) => join(dir, n));
const bytes = bigSize + shardSize * (FILES - 1);

/** Whole-file and 512 MiB-range SHA-256 digests, computed once and kept beside the folder. */
function digestsOf() {
  const cache = join(dir, '..', `sentinel-bench-signatures-${TOTAL_GB}g-${FILES}f.digests.json`);
  const stamp = names.map((n) => `${n}:${statSync(join(dir, n)).mtimeMs}`).join(',');
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, 'utf8'));
    if (c.stamp === stamp) return c;
  }
  const whole = {};
  const shards = {};
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const n of names) {
    const fd = openSync(join(dir, n), 'r');
    const h = createHash('sha256');
    let s = createHash('sha256');
    let pos = 0;
    const size = sizeOf(n);
    while (pos < size) {
      const want = Math.min(buf.length, SHARD - (pos % SHARD), size - pos);
      const got = readSync(fd, buf, 0, want, pos);
      h.update(buf.subarray(0, got));
      s.update(buf.subarray(0, got));
      pos += got;
      if (pos % SHARD === 0 || pos === size) {
        shards[`${n}:${Math.floor((pos - 1) / SHARD) * SHARD}:${pos}`] = s.digest('hex');
        s = createHash('sha256');
      }
    }
    closeSync(fd);
    whole[n] = h.digest('hex');
  }
  const c = { stamp, whole, shards };
  writeFileSync(cache, JSON.stringify(c));
  return c;
}
const t0 = Date.now();
const { whole, shards } = digestsOf();
if (Date.now() - t0 > 1000) console.log(`digests taken in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// One P-256 key signs every bundle (key method).
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(dir, '..', 'sentinel-bench-signatures-key.pem');
writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));

function writeBundle(path, resources, serialization) {
  const rootDigest = createHash('sha256')
    .update(
      Buffer.concat([...resources].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => Buffer.from(r.digest, 'hex'))),
    )
    .digest('hex');
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'bench', digest: { sha256: rootDigest } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization: { hash_type: 'sha256', allow_symlinks: false, ...serialization } },
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  writeFileSync(
    path,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        publicKey: {
          hint: createHash('sha256')
            .update(publicKey.export({ type: 'spki', format: 'pem' }))
            .digest('hex'),
        },
        tlogEntries: [],
      },
      dsseEnvelope: {
        payload: payload.toString('base64'),
        payloadType: type,
        signatures: [{ sig: sign('sha256', pae, privateKey).toString('base64'), keyid: '' }],
      },
    }),
  );
}
const res = (n, d) => ({ name: n, digest: d, algorithm: 'sha256' });
writeBundle(
  join(dir, 'model.sig'),
  names.map((n) => res(n, whole[n])),
  { method: 'files', ignore_paths: [] },
);
const bigSig = join(dir, '..', 'sentinel-bench-signatures-big.sig');
writeBundle(bigSig, [res('big.safetensors', whole['big.safetensors'])], { method: 'files', ignore_paths: [] });
const shardSig = join(dir, '..', 'sentinel-bench-signatures-shards.sig');
writeBundle(
  shardSig,
  Object.entries(shards).map(([n, d]) => res(n, d)),
  { method: 'shards', shard_size: SHARD, ignore_paths: ['model.sig'] },
);

// Bytes read by a Node process (all threads), written at exit to the file named by the environment.
const preload = join(dir, '..', 'sentinel-bench-signatures-io.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => { try { const io = require('fs').readFileSync('/proc/self/io', 'utf8'); ` +
    `require('fs').writeFileSync(process.env.BENCH_IO_OUT, /rchar: (\\d+)/.exec(io)[1]); } catch {} });\n`,
);
const ioOut = join(dir, '..', 'sentinel-bench-signatures-io.txt');

/** Processes at once (one per part); wall time of the slowest, highest peak RSS, CPU summed. */
async function run(parts, check) {
  const load = loadavg()[0];
  rmSync(ioOut, { force: true });
  const t = process.hrtime.bigint();
  const got = await Promise.all(
    parts.map(
      ([cmd, args]) =>
        new Promise((resolve, reject) => {
          const p = spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, BENCH_IO_OUT: ioOut },
          });
          let out = '';
          let err = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (err += d));
          p.on('close', (code) =>
            code === 0 || code === 1
              ? resolve({ out, m: err.trim().split('\n').at(-1).split(' ').map(Number) })
              : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`)),
          );
        }),
    ),
  );
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (check) check(got[0].out);
  return {
    ms,
    load,
    rssKb: Math.max(...got.map((g) => g.m[0])),
    cpuS: got.reduce((n, g) => n + g.m[1] + g.m[2], 0),
    rchar: existsSync(ioOut) ? Number(readFileSync(ioOut, 'utf8')) : undefined,
  };
}

const half = (() => {
  // Two parts of about equal bytes (the big file alone against the rest when it is the larger part).
  const a = [];
  const b = [];
  let na = 0;
  let nb = 0;
  for (const f of [...files].sort((x, y) => statSync(y).size - statSync(x).size)) {
    if (na <= nb) {
      a.push(f);
      na += statSync(f).size;
    } else {
      b.push(f);
      nb += statSync(f).size;
    }
  }
  return [a, b];
})();
const bigFile = join(dir, 'big.safetensors');

const verified = (what, count) => (out) => {
  const v = JSON.parse(out).signatures?.[0];
  if (v?.standing !== 'valid' || v.manifest !== 'match')
    throw new Error(`${what}: not verified: ${JSON.stringify(v)?.slice(0, 800)}`);
  if (count !== undefined && v.resources !== count) throw new Error(`${what}: ${v.resources} resources`);
};
const sentinel = (args) => [
  process.execPath,
  ['--require', preload, cli, 'artifact', ...args, '--require-signature', '--trust-key', keyFile, '--format', 'json'],
];
const ROWS = [
  { label: 'sha256sum, one process', bytes, parts: () => [['sha256sum', files]] },
  { label: 'sha256sum, two processes (halves)', bytes, parts: () => half.map((h) => ['sha256sum', h]) },
  { label: 'openssl dgst -sha256, one process', bytes, parts: () => [['openssl', ['dgst', '-sha256', ...files]]] },
  {
    label: 'openssl dgst -sha256, two processes',
    bytes,
    parts: () => half.map((h) => ['openssl', ['dgst', '-sha256', ...h]]),
  },
  { label: 'sentinel folder (files)', bytes, io: true, parts: () => [sentinel([dir])], check: verified('folder') },
  {
    label: 'sentinel folder (files), --jobs 1',
    bytes,
    io: true,
    parts: () => [sentinel([dir, '--jobs', '1'])],
    check: verified('folder --jobs 1'),
  },
  {
    label: 'sentinel folder (files), --no-sha256',
    bytes,
    io: true,
    parts: () => [sentinel([dir, '--no-sha256'])],
    check: verified('folder --no-sha256'),
  },
  {
    label: 'sentinel folder (shards of 512 MiB)',
    bytes,
    io: true,
    parts: () => [sentinel([dir, '--signature', shardSig])],
    check: verified('shards'),
  },
  {
    label: 'sha256sum, the big file',
    bytes: bigSize,
    parts: () => [['sha256sum', [bigFile]]],
  },
  {
    label: 'openssl dgst -sha256, the big file',
    bytes: bigSize,
    parts: () => [['openssl', ['dgst', '-sha256', bigFile]]],
  },
  {
    label: 'sentinel the big file alone (files)',
    bytes: bigSize,
    io: true,
    parts: () => [sentinel([bigFile, '--signature', bigSig])],
    check: verified('big file'),
  },
];
const only = arg('--rows');
const rows = only ? ROWS.filter((_, i) => only.split(',').map(Number).includes(i)) : ROWS;

// Warm the page cache.
for (const f of files) execFileSync('cat', [f], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(
  `signature verification from page cache: ${(bytes / GIB).toFixed(1)} GiB in ${FILES} files (big file ${(bigSize / GIB).toFixed(1)} GiB), ` +
    `${availableParallelism()} cores, ${RUNS} rounds; CLI ${cli}`,
);
console.log(`uptime at start: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
const results = rows.map(() => []);
for (let r = 0; r < RUNS; r++) {
  for (const [i, row] of rows.entries()) {
    const x = await run(row.parts(), row.check);
    results[i].push(x);
    // Progress (each run as it ends), so that a bench cut short still leaves its figures.
    console.error(
      `  round ${r + 1}: ${row.label}: ${(x.ms / 1000).toFixed(2)} s, ${(row.bytes / 1e9 / (x.ms / 1000)).toFixed(2)} GB/s, ` +
        `CPU ${x.cpuS.toFixed(1)} s, ${(x.rssKb / 1024).toFixed(0)} MB, load ${x.load.toFixed(1)}`,
    );
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const summary = rows.map((row, i) => {
  const rs = results[i];
  const ms = median(rs.map((x) => x.ms));
  const cpu = median(rs.map((x) => x.cpuS));
  return { row, ms, cpu, rs };
});
for (const { row, ms, cpu, rs } of summary) {
  const gb = row.bytes / 1e9;
  const rchar = row.io ? median(rs.map((x) => x.rchar ?? NaN)) : undefined;
  console.log(
    `${row.label.padEnd(40)} ${(ms / 1000).toFixed(2)} s (${(Math.min(...rs.map((x) => x.ms)) / 1000).toFixed(2)}-${(Math.max(...rs.map((x) => x.ms)) / 1000).toFixed(2)})  ` +
      `${(gb / (ms / 1000)).toFixed(2)} GB/s  CPU ${cpu.toFixed(1)} s = ${(gb / cpu).toFixed(2)} GB per CPU-s  ` +
      `peak RSS ${(Math.max(...rs.map((x) => x.rssKb)) / 1024).toFixed(0)} MB` +
      (rchar !== undefined ? `  read ${(rchar / row.bytes).toFixed(2)}x the bytes` : '') +
      `  load ${rs.map((x) => x.load.toFixed(1)).join('/')}`,
  );
}
// Ratios: each sentinel row's wall and CPU time against the floors over the same bytes, per round (the runs of one
// round are minutes apart at most), then the median.
const byLabel = (l) => summary.find((s) => s.row.label === l);
const ratio = (a, b, key) => median(a.rs.map((x, k) => b.rs[k][key] / x[key]));
for (const s of summary.filter((x) => x.row.label.startsWith('sentinel'))) {
  const big = s.row.bytes === bigSize && s.row.label.includes('big');
  const floors = big
    ? ['sha256sum, the big file', 'openssl dgst -sha256, the big file']
    : ['sha256sum, two processes (halves)', 'openssl dgst -sha256, two processes'];
  const parts = floors
    .map(byLabel)
    .filter(Boolean)
    .map(
      (f) =>
        `${ratio(s, f, 'ms').toFixed(2)}× the speed / ${ratio(s, f, 'cpuS').toFixed(2)}× the CPU efficiency of ${f.row.label}`,
    );
  if (parts.length) console.log(`${s.row.label}: ${parts.join('; ')}`);
}
console.log(`uptime at end: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
if (process.argv.includes('--rm')) rmSync(dir, { recursive: true, force: true });
