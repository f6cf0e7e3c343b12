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
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
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
/** A safetensors file: 8-byte length, then the header text. */
function safetensorsOf(header) {
  const h = Buffer.from(header);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([n, h]);
}
const GADGET = "{{ cycler.__init__.__globals__.os.popen('true').read() }}";
/** A GGUF v3 string: u64 length and the bytes. */
const ggufStr = (s) => {
  const x = Buffer.from(s);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(x.length));
  return Buffer.concat([n, x]);
};
/** Runs /usr/bin/python3 with h5py to write `path`; the row is skipped when it is not there. */
function h5py(dir, name, code) {
  const out = join(dir, name);
  execFileSync('/usr/bin/python3', [
    '-c',
    `import h5py\nf = h5py.File(${JSON.stringify(out)}, 'w')\n${code}\nf.close()`,
  ]);
  return { path: out };
}
/** Model-format readers' bounds (every loop has a budget; a limit is a finding). */
Object.assign(INPUTS, {
  /** A chat template of 20,016 `set`s, 20,000 of them folding six 16-valued pieces each. */
  'template-sets-20k.json': () => {
    let t = '';
    for (let i = 0; i < 16; i++) t += `{% set x = "v${i}" %}`;
    t += '{% set y = x ~ x ~ x ~ x ~ x ~ x %}'.repeat(20_000);
    return Buffer.from(JSON.stringify({ chat_template: t + GADGET }));
  },
  /** A 60 MiB chat template in a tokenizer config. */
  'template-60m.json': () =>
    Buffer.from(JSON.stringify({ chat_template: '{{ messages }}'.repeat((60 * MiB) / 14) + GADGET })),
  /** A safetensors header of 1,000,000 tensor entries (58 MB, under the 100 MB reference limit). */
  'safetensors-1m-entries.safetensors': () =>
    safetensorsOf(
      '{' +
        Array.from({ length: 1_000_000 }, (_, i) => `"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`).join(
          ',',
        ) +
        '}',
    ),
  /** A safetensors header of 10,000,000 nested arrays. */
  'safetensors-deep-10m.safetensors': () =>
    safetensorsOf('{"a":' + '['.repeat(10_000_000) + ']'.repeat(10_000_000) + '}'),
  /** A weight index of 1,000,000 entries, one of them a shard outside the folder. */
  'weight-index-1m.json': () => {
    const wm = {};
    for (let i = 0; i < 1_000_000; i++)
      wm[`model.layers.${i}.weight`] = `model-${String(i % 1000).padStart(5, '0')}.safetensors`;
    wm['lm_head.weight'] = '../../outside/model.safetensors';
    return Buffer.from(JSON.stringify({ metadata: { total_size: 0 }, weight_map: wm }));
  },
  /** A GGUF whose first metadata value is an array of 50,000,000 empty strings (400 MB), then a chat template. */
  'gguf-50m-empty-strings.gguf': (dir) => {
    const path = join(dir, 'gguf-50m-empty-strings.gguf');
    const fd = openSync(path, 'w');
    const head = Buffer.alloc(24 + 0);
    head.write('GGUF', 0, 'latin1');
    head.writeUInt32LE(3, 4);
    head.writeBigUInt64LE(0n, 8);
    head.writeBigUInt64LE(2n, 16);
    const arr = Buffer.alloc(12);
    arr.writeUInt32LE(9, 0);
    arr.writeUInt32LE(8, 4);
    writeSync(fd, Buffer.concat([head, ggufStr('tokenizer.ggml.tokens'), arr.subarray(0, 8)]));
    const count = Buffer.alloc(8);
    count.writeBigUInt64LE(50_000_000n);
    writeSync(fd, count);
    const zeros = Buffer.alloc(8 * 1_000_000);
    for (let i = 0; i < 50; i++) writeSync(fd, zeros);
    const type = Buffer.alloc(4);
    type.writeUInt32LE(8);
    writeSync(fd, Buffer.concat([ggufStr('tokenizer.chat_template'), type, ggufStr(GADGET)]));
    closeSync(fd);
    return { path };
  },
  /** 200,000 empty files in one folder (not hostile content: the walk and per-file work must stay bounded). */
  '200k-empty-files/': (dir) => {
    const d = join(dir, '200k-empty-files');
    mkdirSync(d);
    for (let i = 0; i < 200_000; i++) closeSync(openSync(join(d, `f${i}`), 'w'));
    return { path: d, pass: true };
  },
  /** HDF5 whose groups hard-link back to the root (a cycle), and an external link outside the folder. */
  'hdf5-self-linked.h5': (dir) =>
    h5py(
      dir,
      'hdf5-self-linked.h5',
      "g = f.create_group('a')\ng['loop'] = f['/']\nf['loop'] = f['/']\nf['ext'] = h5py.ExternalLink('../../etc/passwd', '/x')",
    ),
  /** HDF5 with 2,000 nested groups. */
  'hdf5-deep-2000.h5': (dir) =>
    h5py(dir, 'hdf5-deep-2000.h5', "g = f\nfor i in range(2000):\n    g = g.create_group('g')"),
});

function nested(raw, crc, usize) {
  const local = Buffer.concat([localHeader('leaf.bin', 8, crc, raw.length, usize), raw]);
  const cd = centralHeader('leaf.bin', 8, crc, raw.length, usize, 0);
  let level = Buffer.concat([local, cd, eocd(1, cd.length, local.length)]);
  for (let d = 0; d < 3; d++) level = zipOf(Array.from({ length: 8 }, (_, i) => [`l${d}-${i}.zip`, level]));
  return level;
}

const scanOnce = (path) => scanOnceWith(cli, path, 600_000);
function hasH5py() {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import h5py'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

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
    if (name.includes('hdf5') && !hasH5py()) continue;
    let path = join(dir, name);
    const data = await make(dir);
    let pass = false;
    let size;
    if (Buffer.isBuffer(data)) {
      const fd = openSync(path, 'w');
      writeSync(fd, data);
      closeSync(fd);
      size = data.length;
    } else {
      path = data.path;
      pass = data.pass === true;
      size = statSync(path).isDirectory() ? 0 : statSync(path).size;
    }
    const runs = Array.from({ length: RUNS }, () => scanOnce(path));
    const { secs, med, cpu, rss, rules } = summarize(runs);
    // Rows of ordinary content at scale (pass) must end clean; hostile rows with a finding (exit 1).
    const verdict = pass ? runs.every((r) => r.code === 0) : runs.every((r) => r.code === 1) && rules.length > 0;
    const ok = secs[secs.length - 1] <= 10 && rss < 512 && verdict;
    console.log(
      `${name.padEnd(30)} ${(size / 1024).toFixed(0).padStart(6)} KB  ${med.toFixed(2).padStart(6)} [${secs[0].toFixed(2)}–${secs[secs.length - 1].toFixed(2)}]`.padEnd(
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
