// Differential test: every fixture made by scripts/fixtures/compression.py decodes to exactly what the
// real reader (Python's gzip/zlib/bz2/lzma, python-lz4, joblib, zstd(1)) returned, byte for byte, or —
// where that reader raises — to a superset of what it delivered before raising, with the expected notes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedError } from '../../../src/core/errors.js';
import { decompress } from '../../../src/formats/compression/index.js';
import { entry, fixture, manifest, pythonFact, sha256 } from './manifest.js';

type Out =
  /** Same bytes as the reference reader (which did not raise). */
  | { kind: 'python' }
  /** The whole payload, although the reader raised after delivering a prefix of it. */
  | { kind: 'payload'; payload: string }
  /** A prefix of the payload at least as long as what the reader delivered before raising. */
  | { kind: 'prefix'; payload: string }
  /** What xz(1) returns (Python's LZMAFile stops earlier). */
  | { kind: 'cli' };

interface Case {
  streams?: number;
  out?: Out;
  /** Every pattern must match some note; with `exactNotes`, notes beyond these fail the test. */
  notes?: RegExp[];
  throws?: new (...args: never[]) => Error;
}

const PY: Out = { kind: 'python' };
const CASES: Record<string, Case> = {
  'gzip/small.gz': { streams: 1, notes: [] },
  'gzip/fname.gz': { streams: 1, notes: [] },
  'gzip/cli.gz': { streams: 1, notes: [] },
  'gzip/two-members.gz': { streams: 2, notes: [/BinaryGzipFile reads only the first member/] },
  'gzip/trailing-zeros.gz': { streams: 1, notes: [/^7 zero bytes after member 1/, /BinaryGzipFile/] },
  'gzip/trailing-garbage.gz': {
    streams: 1,
    out: { kind: 'payload', payload: 'small' },
    notes: [/^7 bytes of trailing data after member 1: not a gzip member/],
  },
  'gzip/bad-crc.gz': { streams: 1, out: { kind: 'payload', payload: 'small' }, notes: [/CRC32 mismatch in member 1/] },
  'gzip/corrupt-tail.gz': {
    streams: 0,
    out: { kind: 'prefix', payload: 'small' },
    notes: [/^corrupt after \d+ bytes: input ends inside gzip member 1/],
  },
  'zlib/small.zlib': { streams: 1, notes: [] },
  'zlib/trailing-stream.zlib': { streams: 1, notes: [/^\d+ bytes after the zlib stream not decoded/] },
  'zlib/bad-adler.zlib': { streams: 1, out: { kind: 'payload', payload: 'small' }, notes: [/Adler-32 mismatch/] },
  'zlib/corrupt-tail.zlib': {
    streams: 0,
    out: { kind: 'prefix', payload: 'small' },
    notes: [/^corrupt after \d+ bytes: input ends inside the zlib stream/],
  },
  'zlib/legacy-zf.pkl': { streams: 1, notes: [] },
  'bzip2/small.bz2': { streams: 1, notes: [] },
  'bzip2/cli.bz2': { streams: 1, notes: [] },
  'bzip2/multi-block.bz2': { streams: 1, notes: [] },
  'bzip2/two-streams.bz2': { streams: 2, notes: [] },
  'bzip2/trailing-garbage.bz2': { streams: 1, notes: [/^7 bytes after stream 1 are not a bzip2 stream/] },
  'bzip2/corrupt-tail.bz2': {
    streams: 0,
    out: { kind: 'prefix', payload: 'big' },
    notes: [/^corrupt after \d+ bytes: input ends inside bzip2 stream 1/],
  },
  'bzip2/zeros-1m.bz2': { streams: 1, notes: [] },
  'xz/small.xz': { streams: 1, notes: [] },
  'xz/cli.xz': { streams: 1, notes: [] },
  'xz/crc32.xz': { streams: 1, notes: [] },
  'xz/sha256.xz': { streams: 1, notes: [] },
  'xz/no-check.xz': { streams: 1, notes: [] },
  'xz/delta.xz': { streams: 1, notes: [] },
  'xz/multi-block.xz': { streams: 1, notes: [] },
  'xz/two-streams.xz': { streams: 2, notes: [] },
  'xz/xz-then-lzma.xz': { streams: 2, notes: [] },
  'xz/padded.xz': { streams: 2, out: { kind: 'cli' }, notes: [/^4 zero bytes of padding before stream 2/] },
  'xz/trailing-garbage.xz': { streams: 1, notes: [/^7 bytes after stream 1 are not a stream/] },
  'xz/corrupt-tail.xz': {
    streams: 0,
    out: { kind: 'payload', payload: 'big' },
    notes: [/^corrupt after 107464 bytes: xz stream 1: input ends inside an xz block check/],
  },
  'xz/zeros-1m.xz': { streams: 1, notes: [] },
  'xz/bcj-x86.xz': { throws: UnsupportedError },
  'lzma/small.lzma': { streams: 1, notes: [] },
  'lzma/known-size.lzma': { streams: 1, notes: [] },
  'lzma/known-size-eos.lzma': { streams: 1, notes: [] },
  'lzma/two-streams.lzma': { streams: 2, notes: [] },
  'lzma/big.lzma': { streams: 1, notes: [] },
  'lzma/corrupt-tail.lzma': {
    streams: 0,
    out: { kind: 'prefix', payload: 'small' },
    notes: [/^corrupt after \d+ bytes: lzma stream 1: input ends inside LZMA data/],
  },
  'lzma/zeros-1m.lzma': { streams: 1, notes: [] },
  'lz4/small.lz4': { streams: 1, notes: [] },
  'lz4/py-checksums.lz4': { streams: 1, notes: [] },
  'lz4/py-linked.lz4': { streams: 1, notes: [] },
  'lz4/py-independent.lz4': { streams: 1, notes: [] },
  'lz4/cli-bx.lz4': { streams: 1, notes: [] },
  'lz4/cli-bi.lz4': { streams: 1, notes: [] },
  'lz4/two-frames.lz4': { streams: 2, notes: [] },
  'lz4/skippable.lz4': { streams: 1, notes: [] },
  'lz4/trailing-garbage.lz4': {
    streams: 1,
    out: { kind: 'payload', payload: 'small' },
    notes: [/^7 bytes after frame 1 are not an LZ4 frame/],
  },
  'lz4/bad-content-checksum.lz4': {
    streams: 1,
    out: { kind: 'payload', payload: 'small' },
    notes: [/LZ4 frame 1: content checksum mismatch/],
  },
  'lz4/corrupt-tail.lz4': {
    streams: 0,
    out: { kind: 'prefix', payload: 'big' },
    notes: [/^corrupt after \d+ bytes: LZ4 frame 1: LZ4 block ends inside/],
  },
  'zstd/small.zst': { streams: 1, notes: [] },
  'zstd/no-check.zst': { streams: 1, notes: [] },
  'zstd/two-frames.zst': { streams: 2, notes: [] },
  'zstd/skippable.zst': { streams: 1, notes: [] },
  'zstd/trailing-garbage.zst': {
    streams: 1,
    out: { kind: 'payload', payload: 'small' },
    notes: [/^7 bytes after frame 1 are not a zstd frame/],
  },
  'zstd/corrupt-tail.zst': {
    streams: 0,
    out: { kind: 'prefix', payload: 'bigbig' },
    notes: [/^corrupt after 131072 bytes: zstd frame 1: unexpected EOF/],
  },
  'zstd/zeros-1m.zst': { streams: 1, notes: [] },
  'zstd/varied-4m.zst': { streams: 1, notes: [] },
  'joblib/model.joblib.z': { streams: 1, notes: [] },
  'joblib/model.joblib.gz': { streams: 1, notes: [] },
  'joblib/model.joblib.bz2': { streams: 1, notes: [] },
  'joblib/model.joblib.lzma': { streams: 1, notes: [] },
  'joblib/model.joblib.xz': { streams: 1, notes: [] },
  'joblib/model.joblib.lz4': { streams: 1, notes: [] },
};

const LIMITS = { maxOutputBytes: 64 * 1024 * 1024 };

/** Payload bytes, taken from fixtures whose reference output is that payload (sha256 checked). */
async function payloads(): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const f of manifest.fixtures) {
    if (f.payload && !f.error && !out[f.payload]) {
      const r = await decompress(f.codec, fixture(f.file), LIMITS);
      assert.equal(sha256(r.bytes), manifest.payloads[f.payload]!.sha256);
      out[f.payload] = r.bytes;
    }
  }
  const big = out.big!;
  out.bigbig = new Uint8Array([...big, ...big]);
  return out;
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  return a.length >= prefix.length && Buffer.compare(a.subarray(0, prefix.length), prefix) === 0;
}

describe('compression fixtures (differential against the real readers)', async () => {
  const known = await payloads();

  it('has a case for every fixture and a fixture for every case', () => {
    assert.deepEqual(manifest.fixtures.map((f) => f.file).sort(), Object.keys(CASES).sort());
  });

  for (const f of manifest.fixtures) {
    const c = CASES[f.file];
    it(`${f.file} (${f.madeBy})`, async () => {
      assert.ok(c, 'case missing');
      const input = fixture(f.file);
      if (c.throws) {
        await assert.rejects(decompress(f.codec, input, LIMITS), c.throws);
        return;
      }
      const r = await decompress(f.codec, input, LIMITS);
      const out = c.out ?? PY;
      if (out.kind === 'python') {
        assert.equal(f.error, undefined, `reference reader raised: ${f.error}`);
        assert.equal(r.bytes.length, f.length);
        assert.equal(sha256(r.bytes), f.sha256);
      } else if (out.kind === 'cli') {
        assert.equal(r.bytes.length, f.cliLength);
        assert.equal(sha256(r.bytes), f.cliSha256);
        // …and it starts with what Python's LZMAFile returns.
        assert.equal(sha256(r.bytes.subarray(0, f.length)), f.sha256);
      } else {
        const payload = known[out.payload]!;
        assert.ok(payload, `payload ${out.payload}`);
        assert.ok(f.error, 'the reference reader is expected to raise here');
        // Everything the reader delivered before raising is in our output…
        assert.ok(r.bytes.length >= f.length, `${r.bytes.length} < ${f.length}`);
        assert.equal(sha256(r.bytes.subarray(0, f.length)), f.sha256);
        if (out.kind === 'payload') {
          assert.equal(sha256(r.bytes), sha256(payload));
        } else {
          // …and our prefix is genuine payload, not decoded garbage.
          assert.ok(r.bytes.length < payload.length);
          assert.ok(startsWith(payload, r.bytes), 'output is not a prefix of the payload');
        }
      }
      if (c.streams !== undefined) assert.equal(r.streams, c.streams);
      for (const pattern of c.notes ?? []) {
        assert.ok(
          r.notes.some((n) => pattern.test(n)),
          `no note matches ${pattern}: ${JSON.stringify(r.notes)}`,
        );
      }
      if (c.notes && c.notes.length === 0) assert.deepEqual(r.notes, []);
    });
  }

  it('padded.xz: Python stops at the stream padding (fact recorded by the generator)', () => {
    assert.equal(pythonFact('lzma.LZMAFile(xz + 4 zero bytes + xz).read()'), '10');
    assert.equal(entry('xz/padded.xz').length, manifest.payloads.small!.length);
  });
});
