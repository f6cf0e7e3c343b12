// Codec sniffing by magic bytes, and joblib's own detection order (facts dumped from joblib 1.2.0's
// registered compressors by the fixture generator, so a drift from joblib fails here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JOBLIB_PREFIXES,
  decompress,
  sniffCodec,
  sniffJoblibCompression,
  sniffCodecIn,
  type Codec,
} from '../../../src/formats/compression/index.js';
import { fixture, manifest } from './manifest.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const ascii = (s: string) => new TextEncoder().encode(s);

describe('sniffCodec', () => {
  it('recognises every fixture as its codec (the legacy joblib ZF file excepted)', () => {
    for (const f of manifest.fixtures) {
      const head = fixture(f.file).subarray(0, 16);
      const expected: Codec | undefined = f.file === 'zlib/legacy-zf.pkl' ? undefined : f.codec;
      // Files that start with a skippable frame carry no codec magic of their own: the frame after them decides.
      if (f.file.endsWith('skippable.lz4') || f.file.endsWith('skippable.zst')) {
        assert.equal(sniffCodec(head), undefined, f.file);
        const whole = fixture(f.file);
        assert.equal(sniffCodecIn(head, { size: whole.length, read: (o, n) => whole.subarray(o, o + n) }), f.codec);
        continue;
      }
      assert.equal(sniffCodec(head), expected, f.file);
    }
  });

  const cases: [string, Uint8Array, Codec | undefined][] = [
    ['pickle protocol 4', hex('80049500'), undefined],
    ['zip', ascii('PK\x03\x04'), undefined],
    ['empty', new Uint8Array(0), undefined],
    ['bzip2 needs a level digit', ascii('BZh0'), undefined],
    ['bzip2 level 9', ascii('BZh91AY&SY'), 'bzip2'],
    ['zlib 78 9c', hex('789c'), 'zlib'],
    ['zlib 78 da', hex('78da'), 'zlib'],
    ['zlib 78 01', hex('7801'), 'zlib'],
    ['0x78 with a bad FCHECK is not zlib', hex('789d'), undefined],
    ['zlib with a preset dictionary is not sniffed', hex('78bb'), undefined],
    ['.lzma header joblib writes', hex('5d00004000ffffffffffffffff'), 'lzma'],
    ['.lzma with a known size', hex('5d0000800042000000000000000000'), 'lzma'],
    ['.lzma with a 3·2^20 dictionary', hex('5d0000300000100000000000000000'), 'lzma'],
    ['.lzma-like but dictionary 12345', hex('5d39300000ffffffffffffffff'), undefined],
    ['.lzma-like but too short', hex('5d00004000'), undefined],
    // A valid header whose range coder starts with a non-zero byte: liblzma refuses it at once (an H2O MOJO tree).
    ['.lzma header, range coder byte 05', hex('010000040000b04040050000000500'), undefined],
    ['.lzma header, range coder byte 00', hex('010000040000b04040050000000000'), 'lzma'],
    ['xz', hex('fd377a585a0000'), 'xz'],
    ['xz magic cut short', hex('fd377a585a'), undefined],
    ['lz4 frame', hex('04224d18'), 'lz4'],
    ['zstd frame', hex('28b52ffd'), 'zstd'],
    ['gzip', hex('1f8b08'), 'gzip'],
  ];
  for (const [name, head, want] of cases) {
    it(name, () => assert.equal(sniffCodec(head), want));
  }
});

describe("joblib's detection (numpy_pickle_utils._detect_compressor)", () => {
  const NAME_TO_CODEC: Record<string, Codec> = {
    compat: 'zlib',
    zlib: 'zlib',
    gzip: 'gzip',
    bz2: 'bzip2',
    lzma: 'lzma',
    xz: 'xz',
    lz4: 'lz4',
  };

  it('JOBLIB_PREFIXES lists joblib 1.2.0 prefixes in its order', () => {
    assert.deepEqual(
      JOBLIB_PREFIXES.map((p) => ({ name: p.joblibName, prefix: Buffer.from(p.prefix).toString('hex') })),
      manifest.joblibPrefixes,
    );
    for (const p of JOBLIB_PREFIXES) assert.equal(p.codec, NAME_TO_CODEC[p.joblibName]);
  });

  it('real joblib.dump files sniff as the compressor that wrote them', () => {
    for (const f of manifest.fixtures.filter((x) => x.file.startsWith('joblib/'))) {
      assert.equal(sniffJoblibCompression(fixture(f.file).subarray(0, 8)), f.codec, f.file);
    }
  });

  const cases: [string, Uint8Array, Codec | undefined][] = [
    ['uncompressed pickle', hex('80049500'), undefined],
    ["'BZ' alone is enough for joblib", ascii('BZ??'), 'bzip2'],
    ["one 'x' byte is enough for zlib", ascii('x'), 'zlib'],
    ["'ZF' (joblib < 0.10) maps to zlib", ascii('ZF0x1f4'), 'zlib'],
    ['a .lzma header with lc=0 is not joblib lzma', hex('000000400000'), undefined],
    ['xz', hex('fd377a585a00'), 'xz'],
    ['lz4', hex('04224d18'), 'lz4'],
  ];
  for (const [name, head, want] of cases) {
    it(name, () => assert.equal(sniffJoblibCompression(head), want));
  }

  it("decompress('zlib') reads the legacy 'ZF' layout, with or without the Python 2 space", async () => {
    const zf = fixture('zlib/legacy-zf.pkl');
    const plain = await decompress('zlib', zf, { maxOutputBytes: 1 << 20 });
    const spaced = new Uint8Array([...zf.subarray(0, 21), 0x20, ...zf.subarray(21)]);
    const withSpace = await decompress('zlib', spaced, { maxOutputBytes: 1 << 20 });
    assert.equal(plain.bytes.length, manifest.payloads.small!.length);
    assert.deepEqual(withSpace.bytes, plain.bytes);
    const lying = new Uint8Array(zf);
    lying.set(ascii('0x10'.padEnd(19)), 2);
    const r = await decompress('zlib', lying, { maxOutputBytes: 1 << 20 });
    assert.ok(
      r.notes.some((n) => /declares 16 bytes but the stream holds 3342/.test(n)),
      JSON.stringify(r.notes),
    );
  });
});
