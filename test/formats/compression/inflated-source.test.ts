// Large deflate outputs read without holding them: the counting pass agrees with the in-memory decode (size, notes,
// limits), and the on-demand source returns the same bytes as inflating whole, for forward, backward, head, tail and
// straddling reads, across gzip members and for zlib and zip entries; a pickle read through it is analysed in full.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { runPickle } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { LimitError } from '../../../src/core/errors.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { decompressToSource } from '../../../src/formats/compression/decompress-source.js';
import { InflatedSource } from '../../../src/formats/compression/inflated-source.js';
import { openEntry, readZip } from '../../../src/formats/zip/index.js';
import { openEntryBounded } from '../../../src/formats/zip/open-entry-bounded.js';
import { MemorySource, type ByteSource } from '../../../src/sources/byte-source.js';
import { buildZip } from '../zip/zip-builder.js';

const MB = 1024 * 1024;
const loc = { chain: ['t.gz'] };
const opts = { maxOutputBytes: 1 << 30, maxRatio: 1000, ratioGraceBytes: 64 * MB };
const HOLD = 64 * 1024;

/** 9 MB of compressible but varied bytes (a position-dependent pattern). */
function data(n = 9 * MB): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >>> 10)) & 0xff;
  return out;
}

/** Reads `src` in the given (offset, length) pattern and compares each read with `want`. */
function assertReads(src: ByteSource, want: Uint8Array, reads: [number, number][]): void {
  for (const [o, n] of reads) {
    const got = src.read(o, n);
    const exp = want.subarray(Math.min(o, want.length), Math.min(want.length, o + n));
    assert.equal(got.length, exp.length, `read(${o}, ${n}) length`);
    assert.ok(Buffer.from(got).equals(Buffer.from(exp)), `read(${o}, ${n}) bytes`);
  }
}

const PATTERN: [number, number][] = [
  [0, 64],
  [5, 100_000],
  [MB - 10, 20], // straddles the kept head
  [3 * MB, 500_000],
  [3 * MB + 100, 1000], // behind the newest byte, inside the window
  [6 * MB, MB], // forward
  [9 * MB - 100, 1000], // the tail, past the end
  [2 * MB, 4096], // behind the window: inflates again from the start
  [2 * MB + 4096, 7 * MB],
];

describe('gzip and zlib outputs larger than the hold are read on demand', () => {
  const whole = data();
  it('two gzip members: same bytes as inflating whole, same notes, one restart for the backward read', async () => {
    const gz = Buffer.concat([gzipSync(whole.subarray(0, 4 * MB)), gzipSync(whole.subarray(4 * MB))]);
    const r = await decompressToSource('gzip', gz, opts, loc, HOLD);
    assert.equal(r.streamed, true);
    assert.ok(r.source instanceof InflatedSource);
    assert.equal(r.source.size, whole.length);
    assert.equal(r.streams, 2);
    assert.deepEqual(r.notes, (await decompress('gzip', gz, opts)).notes);
    assertReads(r.source, whole, PATTERN);
    assert.equal((r.source as InflatedSource).restarts, 1);
    const into = new Uint8Array(MB);
    assert.equal(r.source.readInto!(5 * MB, into), MB);
    assert.ok(Buffer.from(into).equals(Buffer.from(whole.subarray(5 * MB, 6 * MB))));
  });
  it('a CRC mismatch and trailing garbage give the same notes as the in-memory decode', async () => {
    const gz = Buffer.concat([gzipSync(whole), Buffer.from('garbage')]);
    gz.writeUInt32LE((gz.readUInt32LE(gz.length - 15) ^ 1) >>> 0, gz.length - 15);
    const r = await decompressToSource('gzip', gz, opts, loc, HOLD);
    const mem = await decompress('gzip', gz, opts);
    assert.equal(r.streamed, true);
    assert.deepEqual(r.notes, mem.notes);
    assert.ok(r.notes.some((n) => n.includes('CRC32 mismatch')));
    assertReads(r.source, whole, [[7 * MB, 100]]);
  });
  it('zlib: same bytes and Adler-32 check as inflating whole', async () => {
    const z = deflateSync(whole);
    const r = await decompressToSource('zlib', z, opts, loc, HOLD);
    assert.equal(r.streamed, true);
    assert.deepEqual(r.notes, []);
    assertReads(r.source, inflateSync(z), PATTERN);
    z.writeUInt32BE((z.readUInt32BE(z.length - 4) ^ 1) >>> 0, z.length - 4);
    const bad = await decompressToSource('zlib', z, opts, loc, HOLD);
    assert.deepEqual(bad.notes, (await decompress('zlib', z, opts)).notes);
  });
  it('outputs under the hold are held in memory, as before', async () => {
    const gz = gzipSync(whole.subarray(0, 40_000));
    const r = await decompressToSource('gzip', gz, opts, loc, HOLD);
    assert.equal(r.streamed, false);
    assert.ok(r.source instanceof MemorySource);
    assert.ok(Buffer.from(r.source.read(0, 40_000)).equals(gunzipSync(gz)));
  });
  it('a bomb past the limit is refused by the counting pass with the in-memory decode’s limit', async () => {
    const gz = gzipSync(new Uint8Array(16 * MB));
    const limits = { maxOutputBytes: 8 * MB, maxRatio: 1000, ratioGraceBytes: 64 * MB };
    await assert.rejects(
      decompressToSource('gzip', gz, limits, loc, HOLD),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxEntryBytes' && e.spentBytes <= 8 * MB,
    );
    await assert.rejects(
      decompressToSource('gzip', gz, { ...limits, maxOutputBytes: 1 << 30, ratioGraceBytes: MB }, loc, HOLD),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxRatio',
    );
  });
  it('a pickle read through the source is analysed to its last opcode', async () => {
    // 2 MB of BININT1 + POP, then the payload: the import sits past the kept head.
    const body = Buffer.alloc(2 * MB, Buffer.from([0x4b, 0x01, 0x30]));
    const pkl = Buffer.concat([Buffer.from([0x80, 0x02]), body, Buffer.from("cposix\nsystem\n(S'true'\ntR.")]);
    const r = await decompressToSource('gzip', gzipSync(pkl), opts, loc, HOLD);
    assert.equal(r.streamed, true);
    const run = runPickle(r.source, 0, r.source.size, {
      limits: DEFAULT_LIMITS,
      loader: { persistentLoad: false, joblibArrays: true },
    });
    assert.equal(run.stopped, true);
    assert.deepEqual(
      run.imports.map((i) => i.canonical),
      ['os.system'],
    );
  });
});

describe('zip entries larger than the hold are read on demand', () => {
  const whole = data(6 * MB);
  const zip = buildZip([{ name: 'big.bin', data: whole, method: 8 }]);
  const src = new MemorySource({ chain: ['t.zip'] }, zip);
  const z = readZip(src, { maxEntries: 10 });
  const e = z.entries[0]!;
  it('same bytes and anomalies as openEntry', async () => {
    const o = await openEntryBounded(src, z, e, opts, HOLD);
    assert.ok(o.source instanceof InflatedSource);
    assert.deepEqual(o.anomalies, openEntry(src, z, e, opts).anomalies);
    assertReads(o.source, whole, [
      [0, 10],
      [4 * MB, MB],
      [6 * MB - 5, 10],
      [MB + 1, 3 * MB],
    ]);
  });
  it('a CRC mismatch is found by the counting pass', async () => {
    const bad = zip.slice();
    const dv = new DataView(bad.buffer);
    for (let i = 0; i + 4 <= bad.length; i++) {
      const sig = dv.getUint32(i, true);
      if (sig === 0x02014b50) dv.setUint32(i + 16, (e.crc32 ^ 1) >>> 0, true);
    }
    const bs = new MemorySource({ chain: ['t.zip'] }, bad);
    const bz = readZip(bs, { maxEntries: 10 });
    const o = await openEntryBounded(bs, bz, bz.entries[0]!, opts, HOLD);
    assert.ok(o.source instanceof InflatedSource);
    assert.deepEqual(
      o.anomalies.map((a) => a.code),
      openEntry(bs, bz, bz.entries[0]!, opts).anomalies.map((a) => a.code),
    );
    assert.ok(o.anomalies.some((a) => a.code === 'CRC_MISMATCH'));
  });
  it('an entry that inflates past the limit is refused by the counting pass', async () => {
    const raw = deflateRawSync(new Uint8Array(4 * MB));
    assert.ok(raw.length * 1032 > HOLD);
    const bz = buildZip([{ name: 'bomb.bin', data: new Uint8Array(4 * MB), method: 8 }]);
    const bs = new MemorySource({ chain: ['b.zip'] }, bz);
    const zz = readZip(bs, { maxEntries: 10 });
    // The declared size is under the cap only when the cap is generous; a lying size is caught while counting.
    const lie = bz.slice();
    const dv = new DataView(lie.buffer);
    for (let i = 0; i + 4 <= lie.length; i++) {
      const sig = dv.getUint32(i, true);
      if (sig === 0x04034b50) dv.setUint32(i + 22, 1000, true);
      else if (sig === 0x02014b50) dv.setUint32(i + 24, 1000, true);
    }
    const ls = new MemorySource({ chain: ['b.zip'] }, lie);
    const lz = readZip(ls, { maxEntries: 10 });
    await assert.rejects(
      openEntryBounded(ls, lz, lz.entries[0]!, { ...opts, maxOutputBytes: 2 * MB }, HOLD),
      (err: unknown) => err instanceof LimitError && err.limit === 'maxEntryBytes',
    );
    assert.equal(zz.entries.length, 1);
  });
});
