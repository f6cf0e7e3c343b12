#!/usr/bin/env node
// `npm run bench` (hostile rows): each hostile-input kind of the resource goals (tuple tower, over-long text
// argument, MARK flood, import floods, overlapping-entry zip bombs, gzip/xz/lz4/bzip2/7z bombs, nested-archive bombs, and large
// ordinary compressed pickles (gzip, lz4, zstd, bzip2, xz), bigger than what is held in memory) is
// generated OUTSIDE the repo (os.tmpdir) and scanned by the built CLI in fresh processes under default limits.
// Goals: every scan ends within 10 s with a finding; peak RSS < 512 MB. Prints wall time (median and range of
// RUNS), CPU seconds (user + system, median: steadier than wall time on a loaded machine), peak RSS (max), exit
// code and the blocking rules. Usage: node scripts/bench-hostile.mjs [--no-build]
// [--runs N] [--only name,name]
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createDeflateRaw, createGzip, deflateRawSync } from 'node:zlib';
import { scanOnce as scanOnceWith, summarize } from './bench-scan-once.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin', 'sentinel.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('--runs', 3));
const ONLY = arg('--only', '')?.split(',').filter(Boolean);
const MiB = 1024 * 1024;
if (!process.argv.includes('--no-build'))
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

const b = (s) => Buffer.from(s, 'latin1');
const u16 = (n) => {
  const x = Buffer.alloc(2);
  x.writeUInt16LE(n);
  return x;
};
const u32 = (n) => {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n >>> 0);
  return x;
};
/** `posix.system('true')` with protocol-0 opcodes: what every hostile stream ends with. */
const PAYLOAD = b("cposix\nsystem\n(S'true'\ntR.");

/** Streams `count` copies of `chunk` through a zlib transform; resolves to the compressed bytes. */
async function squeeze(transform, chunk, count, tail = Buffer.alloc(0), head = Buffer.alloc(0)) {
  const out = [];
  transform.on('data', (d) => out.push(d));
  const done = new Promise((res, rej) => {
    transform.on('end', res);
    transform.on('error', rej);
  });
  transform.write(head);
  for (let i = 0; i < count; i++) {
    if (!transform.write(chunk)) await new Promise((r) => transform.once('drain', r));
  }
  transform.end(tail);
  await done;
  return Buffer.concat(out);
}
const gzipOf = (chunk, count, tail, head) => squeeze(createGzip({ level: 9 }), chunk, count, tail, head);
const deflateOf = (chunk, count) => squeeze(createDeflateRaw({ level: 9 }), chunk, count);

function localHeader(name, method, crc, csize, usize) {
  const n = b(name);
  return Buffer.concat([
    u32(0x04034b50),
    u16(20),
    u16(0),
    u16(method),
    u16(0),
    u16(0x21),
    u32(crc),
    u32(csize),
    u32(usize),
    u16(n.length),
    u16(0),
    n,
  ]);
}
function centralHeader(name, method, crc, csize, usize, offset) {
  const n = b(name);
  return Buffer.concat([
    u32(0x02014b50),
    u16(20),
    u16(20),
    u16(0),
    u16(method),
    u16(0),
    u16(0x21),
    u32(crc),
    u32(csize),
    u32(usize),
    u16(n.length),
    u16(0),
    u16(0),
    u16(0),
    u16(0),
    u32(0),
    u32(offset),
    n,
  ]);
}
const eocd = (count, size, offset) =>
  Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(size), u32(offset), u16(0)]);
/** A zip of `members` ([name, bytes]), deflated, with real CRCs. */
function zipOf(members) {
  const locals = [];
  const centrals = [];
  let off = 0;
  for (const [name, data] of members) {
    const raw = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const l = Buffer.concat([localHeader(name, 8, crc, raw.length, data.length), raw]);
    centrals.push(centralHeader(name, 8, crc, raw.length, data.length, off));
    locals.push(l);
    off += l.length;
  }
  const cd = Buffer.concat(centrals);
  return Buffer.concat([...locals, cd, eocd(members.length, cd.length, off)]);
}
/** CRC-32 of `count` copies of `chunk`. */
function crcOf(chunk, count) {
  let c = 0;
  for (let i = 0; i < count; i++) c = crc32(chunk, c);
  return c;
}

const ZEROS = Buffer.alloc(16 * MiB);
/** 1 MiB of BININT2 + POP pairs (varied operands): the body of the large ordinary pickles. */
const PICKLE_UNIT = Buffer.alloc(MiB);
for (let i = 0, k = 0; i + 4 <= PICKLE_UNIT.length; i += 4, k++)
  PICKLE_UNIT.set([0x4d, (k * 13) & 255, (k >> 8) & 15, 0x30], i);
/** `parts` (an iterable of buffers) written to a file in `dir` and compressed by the shell command `cmd` (stdin). */
function viaCli(dir, cmd, parts) {
  const raw = join(dir, 'raw.bin');
  const fd = openSync(raw, 'w');
  for (const p of parts) writeSync(fd, p);
  closeSync(fd);
  try {
    return execFileSync('sh', ['-c', `${cmd} < '${raw}'`], { maxBuffer: 256 * MiB });
  } finally {
    rmSync(raw);
  }
}
/**
 * A protocol 2 pickle of `mib` MiB of PICKLE_UNITs, each with 1,024 operands drawn at random (seeded xorshift32), then the
 * payload: ~2 KiB of entropy per MiB keeps the ratio of every codec under maxRatio (1000).
 */
function* variedPickle(mib) {
  yield b('\x80\x02');
  let s = 2463534242;
  for (let u = 0; u < mib; u++) {
    const unit = Buffer.from(PICKLE_UNIT);
    for (let k = 0; k < 1024; k++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const at = ((s >>> 12) % (MiB / 4)) * 4;
      unit[at + 1] = s & 255;
      unit[at + 2] = (s >>> 4) & 255;
    }
    yield unit;
  }
  yield PAYLOAD;
}
const INPUTS = {
  /** 40 levels of t = (t, t), used as a dict key, set and frozenset member, then the payload. */
  'tuple-tower-40.pkl': async () => {
    let p = b('\x80\x02K\x01\x85q\x000');
    for (let i = 0; i < 40; i++) p = Buffer.concat([p, b('h\x00h\x00\x86q\x000')]);
    return Buffer.concat([p, b('}h\x00Ns0\x8f(h\x00\x900(h\x00\x910'), PAYLOAD]);
  },
  /** A protocol 0 string argument of 1 MiB + 4 KiB before the payload, gzipped. */
  'long-string-arg-1m.pkl.gz': () =>
    gzipOf(Buffer.alloc(MiB + 4096, 'a'), 1, Buffer.concat([b("'\n0"), PAYLOAD]), b("S'")),
  /** 150 M MARK opcodes, then the payload, gzipped. */
  'mark-flood-150m.pkl.gz': () => gzipOf(Buffer.alloc(MiB, '('), 150, PAYLOAD),
  /** 10 M identical GLOBAL imports, then the payload, gzipped. */
  'import-flood-10m.pkl.gz': () => gzipOf(Buffer.from('ccollections\nOrderedDict\n0'.repeat(40_000)), 250, PAYLOAD),
  /** 10 M memoized STACK_GLOBAL imports (module and name as SHORT_BINUNICODE each time), then the payload, gzipped. */
  'stack-global-flood-10m.pkl.gz': () =>
    gzipOf(b('\x8c\x0bcollections\x8c\x0bOrderedDict\x93\x940'.repeat(40_000)), 250, PAYLOAD, b('\x80\x04')),
  /** Not hostile: a 600 MiB pickle (BININT2 + POP), gzipped at ~150:1 — larger than what is held in memory. */
  'large-pickle-600m.pkl.gz': () => gzipOf(PICKLE_UNIT, 600, PAYLOAD, b('\x80\x02')),
  /** The same 600 MiB pickle behind an LZ4 frame (lz4 CLI, 4 MiB blocks): the payload sits past the held part. */
  'large-pickle-600m.pkl.lz4': (dir) =>
    viaCli(dir, 'lz4 -1 -c', [b('\x80\x02'), ...Array(600).fill(PICKLE_UNIT), PAYLOAD]),
  /** 600 MiB of a similar pickle (ratio under maxRatio) behind zstd (zstd CLI, level 3): streamed block by block. */
  'large-pickle-600m.pkl.zst': (dir) => viaCli(dir, 'zstd -3 -c', variedPickle(600)),
  /**
   * 300 MiB of it behind bzip2 (the first 256 MiB kept by the counting pass, the rest decoded again from the block
   * after it), xz and .lzma (counted, then decoded again on demand: xz -1 has a 1 MiB dictionary window).
   */
  'large-pickle-300m.pkl.bz2': (dir) => viaCli(dir, 'bzip2 -1 -c', variedPickle(300)),
  'large-pickle-300m.pkl.xz': (dir) => viaCli(dir, 'xz -T1 -1 -c', variedPickle(300)),
  'large-pickle-300m.pkl.lzma': (dir) => viaCli(dir, 'lzma -6 -c', variedPickle(300)),
  /** 300 MiB of it behind xz -9: a 64 MiB dictionary window. */
  'large-pickle-300m-9.pkl.xz': (dir) => viaCli(dir, 'xz -T1 -9 -c', variedPickle(300)),
  /** 900 MiB of it behind xz -6 in 24 MiB blocks (-T2): an 8 MiB dictionary window, reset block by block. */
  'large-pickle-900m.pkl.xz': (dir) => viaCli(dir, 'xz -T2 -6 -c', variedPickle(900)),
  /** 2,000 central-directory records onto one local header and one 1 GiB deflate stream. */
  'overlap-shared-1g.zip': async () => {
    const data = await deflateOf(ZEROS, 64);
    const crc = crcOf(ZEROS, 64);
    const local = Buffer.concat([localHeader('0', 8, crc, data.length, 1024 * MiB), data]);
    const cd = Buffer.concat(
      Array.from({ length: 2000 }, (_, i) => centralHeader(String(i), 8, crc, data.length, 1024 * MiB, 0)),
    );
    return Buffer.concat([local, cd, eocd(2000, cd.length, local.length)]);
  },
  /** 500 entries, each one's deflate stream quoting the next local header, onto one 256 MiB kernel. */
  'overlap-quoted-256m.zip': async () => {
    const kernel = await deflateOf(ZEROS, 16);
    const n = 500;
    const headers = [];
    const sizes = [];
    let after = kernel;
    let usize = 256 * MiB;
    for (let i = n - 1; i >= 0; i--) {
      const name = String(i).padStart(4, '0');
      sizes[i] = [after.length, usize];
      headers[i] = localHeader(name, 8, 0, after.length, usize);
      if (i > 0) {
        const h = headers[i];
        after = Buffer.concat([Buffer.from([0]), u16(h.length), u16(0xffff ^ h.length), h, after]);
        usize += h.length;
      }
    }
    const body = Buffer.concat([headers[0], after]);
    let pos = 0;
    const cds = [];
    for (let i = 0; i < n; i++) {
      cds.push(centralHeader(String(i).padStart(4, '0'), 8, 0, sizes[i][0], sizes[i][1], pos));
      if (i + 1 < n) pos += headers[i].length + 5;
    }
    const cd = Buffer.concat(cds);
    return Buffer.concat([body, cd, eocd(n, cd.length, body.length)]);
  },
  /** 2 GiB of zeros behind gzip (over the 1 GiB maxEntryBytes). */
  'gzip-bomb-2g.pkl.gz': () => gzipOf(ZEROS, 128),
  /** 1.5 GiB of zeros behind xz (xz CLI). */
  'xz-bomb-1536m.pkl.xz': async () =>
    execFileSync('sh', ['-c', 'head -c 1610612736 /dev/zero | xz -T1 -1 -c'], { maxBuffer: 64 * MiB }),
  /** 1.5 GiB of zeros behind an LZ4 frame (lz4 CLI): 255:1, under maxRatio, so it decodes to maxEntryBytes. */
  'lz4-bomb-1536m.pkl.lz4': async () =>
    execFileSync('sh', ['-c', 'head -c 1610612736 /dev/zero | lz4 -1 -c'], { maxBuffer: 64 * MiB }),
  /** 1.5 GiB of zeros behind bzip2 (bzip2 CLI, 100 kB blocks): ~10 KB, far over maxRatio. */
  'bzip2-bomb-1536m.pkl.bz2': async () =>
    execFileSync('sh', ['-c', 'head -c 1610612736 /dev/zero | bzip2 -1 -c'], { maxBuffer: 64 * MiB }),
  /** 1.5 GiB of zeros in a 7z entry (7z CLI). */
  '7z-bomb-1536m.7z': async (dir) => {
    const out = join(dir, 'gen.7z');
    execFileSync('sh', ['-c', `head -c 1610612736 /dev/zero | 7z a -si'zeros.pkl' -mx1 '${out}' >/dev/null`]);
    return readFileSync(out);
  },
  /** Zips of zips, fanout 8, 3 levels, 512 leaves of 1.25 GiB (refused by declared size). */
  'nested-bomb-1280m.zip': async () => nested(await deflateOf(ZEROS, 80), crcOf(ZEROS, 80), 1280 * MiB),
  /** The same shape with 256 MiB leaves: under maxEntryBytes, so the leaves inflate until a budget stops them. */
  'nested-bomb-256m.zip': async () => nested(await deflateOf(ZEROS, 16), crcOf(ZEROS, 16), 256 * MiB),
};
function nested(raw, crc, usize) {
  const local = Buffer.concat([localHeader('leaf.bin', 8, crc, raw.length, usize), raw]);
  const cd = centralHeader('leaf.bin', 8, crc, raw.length, usize, 0);
  let level = Buffer.concat([local, cd, eocd(1, cd.length, local.length)]);
  for (let d = 0; d < 3; d++) level = zipOf(Array.from({ length: 8 }, (_, i) => [`l${d}-${i}.zip`, level]));
  return level;
}

const scanOnce = (path) => scanOnceWith(cli, path, 600_000);

const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-hostile-'));
console.log(
  `hostile inputs (default limits), ${RUNS} run(s) each, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  'input                          size      wall s (median [range])  CPU s  peak RSS MB  exit  rules          goal',
);
try {
  for (const [name, make] of Object.entries(INPUTS)) {
    if (ONLY.length > 0 && !ONLY.includes(name)) continue;
    if (name.includes('xz') && !existsSync('/usr/bin/xz')) continue;
    if (name.includes('lz4') && !existsSync('/usr/bin/lz4')) continue;
    if (name.endsWith('.zst') && !existsSync('/usr/bin/zstd')) continue;
    if (name.endsWith('.bz2') && !existsSync('/usr/bin/bzip2')) continue;
    if (name.includes('7z') && !existsSync('/usr/bin/7z')) continue;
    const path = join(dir, name);
    const data = await make(dir);
    const fd = openSync(path, 'w');
    writeSync(fd, data);
    closeSync(fd);
    const runs = Array.from({ length: RUNS }, () => scanOnce(path));
    const { secs, med, cpu, rss, rules } = summarize(runs);
    const ok = secs[secs.length - 1] <= 10 && rss < 512 && runs.every((r) => r.code === 1) && rules.length > 0;
    console.log(
      `${name.padEnd(30)} ${(data.length / 1024).toFixed(0).padStart(6)} KB  ${med.toFixed(2).padStart(6)} [${secs[0].toFixed(2)}–${secs[secs.length - 1].toFixed(2)}]`.padEnd(
        68,
      ) +
        `${cpu.toFixed(2).padStart(6)}  ` +
        `${rss.toFixed(0).padStart(6)}      ${runs.map((r) => r.code).join('/')}   ${rules.join(',')}  ${ok ? 'ok' : 'MISSED'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
