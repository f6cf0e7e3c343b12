// Synthetic zip cases too large or too many to commit: read cost on big entries, 70,000-entry zip64 archives,
// decompression caps, truncated deflate, unusual flags, sniffing, and a seeded mutation loop (typed errors only).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../../src/core/errors.js';
import { MemorySource, readAll, type ByteSource } from '../../../src/sources/byte-source.js';
import { crc32, entryPathFindings, looksLikeZip, openEntry, readZip } from '../../../src/formats/zip/index.js';
import { crc32ByTable } from '../../../src/formats/zip/crc32.js';
import { codesOf, fixtureBytes, manifest } from './container-manifest.js';
import { buildZip } from './zip-builder.js';

const loc = { chain: ['t.zip'] };

/** Wraps a source and counts the bytes handed out. */
class CountingSource implements ByteSource {
  readBytes = 0;
  readonly location = loc;
  readonly size: number;
  constructor(private readonly inner: ByteSource) {
    this.size = inner.size;
  }
  read(offset: number, length: number): Uint8Array {
    const b = this.inner.read(offset, length);
    this.readBytes += b.length;
    return b;
  }
}

function patchU32(b: Uint8Array, at: number, v: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
}

describe('zip read cost', () => {
  it('listing a zip with a 64 MiB stored entry reads only its structures', () => {
    const big = buildZip([
      { name: 'archive/data.pkl', data: new Uint8Array([0x80, 2, 0x4e, 0x2e]) },
      { name: 'archive/data/0', data: new Uint8Array(64 * 1024 * 1024) },
    ]);
    const src = new CountingSource(new MemorySource(loc, big));
    const zip = readZip(src, { maxEntries: 10 });
    assert.equal(zip.entries.length, 2);
    assert.deepEqual(zip.anomalies, []);
    assert.ok(src.readBytes < 256 * 1024, `read ${src.readBytes} bytes`);
    const r = openEntry(src, zip, zip.entries[1]!, { maxOutputBytes: 1024, maxCrcBytes: 1024 });
    assert.equal(r.source.size, 64 * 1024 * 1024);
    assert.equal(r.crcChecked, false, 'CRC of a stored entry above maxCrcBytes is skipped');
    assert.ok(src.readBytes < 256 * 1024, 'opening a stored entry is zero-copy');
  });

  it('70,000 entries: zip64 end records with 0xFFFF markers, and the maxEntries limit', () => {
    const entries = Array.from({ length: 70_000 }, (_, i) => ({ name: `e/${i}`, data: new Uint8Array([i & 0xff]) }));
    const bytes = buildZip(entries);
    const zip = readZip(new MemorySource(loc, bytes), { maxEntries: 100_000 });
    assert.equal(zip.entries.length, 70_000);
    assert.equal(zip.zip64, true);
    assert.deepEqual(zip.anomalies, []);
    assert.throws(
      () => readZip(new MemorySource(loc, bytes), { maxEntries: 1000 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxEntries',
    );
  });
});

describe('openEntry caps and lenient reads', () => {
  const bomb = buildZip([{ name: 'bomb.bin', data: new Uint8Array(20 * 1024 * 1024), method: 8 }]);
  const src = new MemorySource(loc, bomb);
  const zip = readZip(src, { maxEntries: 10 });
  const e = zip.entries[0]!;

  it('maxOutputBytes stops a deflate bomb with LimitError(maxEntryBytes)', () => {
    assert.throws(
      () => openEntry(src, zip, e, { maxOutputBytes: 1024 * 1024 }),
      (err: unknown) => err instanceof LimitError && err.limit === 'maxEntryBytes',
    );
  });
  it('maxRatio stops it once past the grace bytes', () => {
    assert.throws(
      () => openEntry(src, zip, e, { maxOutputBytes: 1 << 30, maxRatio: 50, ratioGraceBytes: 0 }),
      (err: unknown) => err instanceof LimitError && err.limit === 'maxRatio',
    );
    const ok = openEntry(src, zip, e, { maxOutputBytes: 1 << 30, maxRatio: 50, ratioGraceBytes: 64 * 1024 * 1024 });
    assert.equal(ok.source.size, 20 * 1024 * 1024);
    assert.deepEqual(ok.anomalies, []);
  });
  it('an entry that declares more than the ratio allows is refused before any byte is inflated', () => {
    // Nested bombs: thousands of leaves, each of which used to inflate up to the ratio cap before failing.
    assert.throws(
      () => openEntry(src, zip, e, { maxOutputBytes: 1 << 30, maxRatio: 50, ratioGraceBytes: 1024 * 1024 }),
      (err: unknown) =>
        err instanceof LimitError && err.limit === 'maxRatio' && err.spentBytes === 0 && /declares/.test(err.message),
    );
  });

  it('a deflate stream cut short returns the partial output like zipfile, with anomalies', () => {
    const text = new TextEncoder().encode('sentinel '.repeat(5000));
    const whole = buildZip([{ name: 'cut.txt', data: text, method: 8 }]);
    const z0 = readZip(new MemorySource(loc, whole), { maxEntries: 10 });
    const half = Math.floor(z0.entries[0]!.compressedSize / 2);
    const cut = whole.slice();
    patchU32(cut, 18, half); // local compressed size
    patchU32(cut, z0.centralDirectoryOffset + 20, half); // central compressed size
    const s = new MemorySource(loc, cut);
    const z = readZip(s, { maxEntries: 10 });
    assert.deepEqual(codesOf(z.anomalies), ['UNREFERENCED_BYTES']);
    const r = openEntry(s, z, z.entries[0]!, { maxOutputBytes: 1 << 20 });
    assert.deepEqual(codesOf(r.anomalies), ['CRC_MISMATCH', 'DEFLATE_TRUNCATED', 'UNCOMPRESSED_SIZE_MISMATCH']);
    assert.ok(r.source.size > 0 && r.source.size < text.length);
    assert.deepEqual(readAll(r.source), text.subarray(0, r.source.size));
  });

  it('unknown flag bits are UNUSUAL_FLAGS; invalid deflate is CorruptError, or EncryptedError with flag 0x1', () => {
    const odd = buildZip([{ name: 'a.txt', data: new Uint8Array([1, 2, 3]), flags: 0x1000 }]);
    assert.deepEqual(codesOf(readZip(new MemorySource(loc, odd), { maxEntries: 10 }).anomalies), ['UNUSUAL_FLAGS']);
    for (const [flags, cls] of [
      [0, CorruptError],
      [1, EncryptedError],
    ] as const) {
      const bad = buildZip([{ name: 'b.bin', data: new Uint8Array(64), method: 8, flags }]);
      const z = readZip(new MemorySource(loc, bad), { maxEntries: 10 });
      const e = z.entries[0]!;
      bad.fill(0xff, e.dataOffset, e.dataOffset + e.compressedSize); // block type 3: invalid
      assert.throws(() => openEntry(new MemorySource(loc, bad), z, e, { maxOutputBytes: 1 << 20 }), cls);
    }
  });

  it('structural cases: junk before the end record, missing local header, NUL and invalid UTF-8 names', () => {
    const base = buildZip([{ name: 'a.txt', data: new Uint8Array([1, 2, 3]) }]);
    const eocd = base.length - 22;
    const junk = new Uint8Array([...base.subarray(0, eocd), ...new Uint8Array(16).fill(0x41), ...base.subarray(eocd)]);
    const j = readZip(new MemorySource(loc, junk), { maxEntries: 10 });
    assert.equal(j.offsetShift, 0, 'miniz reading: the directory is at its stored offset');
    assert.deepEqual(codesOf(j.anomalies), ['UNREFERENCED_BYTES']);

    const moved = base.slice();
    const z0 = readZip(new MemorySource(loc, base), { maxEntries: 10 });
    patchU32(moved, z0.centralDirectoryOffset + 42, 7);
    const m = readZip(new MemorySource(loc, moved), { maxEntries: 10 });
    // The orphaned local header is exposed as a hidden entry of the same name.
    assert.deepEqual(codesOf(m.anomalies), ['DUPLICATE_NAME', 'LOCAL_HEADER_MISSING', 'UNLISTED_LOCAL_ENTRY']);
    assert.throws(
      () => openEntry(new MemorySource(loc, moved), m, m.entries[0]!, { maxOutputBytes: 100 }),
      CorruptError,
    );
    assert.equal(m.entries[1]!.hidden, true);

    const nul = buildZip([{ name: 'a.pkl\0.txt', data: new Uint8Array(1) }]);
    assert.deepEqual(codesOf(readZip(new MemorySource(loc, nul), { maxEntries: 10 }).anomalies), ['NAME_CONTAINS_NUL']);
    const bad = buildZip([{ name: 'x\u00e9', data: new Uint8Array(1), flags: 0x800 }]);
    const z = readZip(new MemorySource(loc, bad), { maxEntries: 10 });
    const nameAt = z.centralDirectoryOffset + 46 + 1;
    bad[nameAt] = 0xff; // central name byte no longer valid UTF-8
    assert.deepEqual(codesOf(readZip(new MemorySource(loc, bad), { maxEntries: 10 }).anomalies), [
      'LOCAL_CENTRAL_NAME_MISMATCH',
      'NAME_ENCODING_ERROR',
    ]);
  });

  it('an empty archive lists nothing and anomalies nothing; non-zips are CorruptError', () => {
    const empty = buildZip([]);
    const z = readZip(new MemorySource(loc, empty), { maxEntries: 10 });
    assert.equal(z.entries.length, 0);
    assert.deepEqual(z.anomalies, []);
    assert.throws(() => readZip(new MemorySource(loc, new Uint8Array(100)), { maxEntries: 10 }), CorruptError);
    assert.throws(() => readZip(new MemorySource(loc, new Uint8Array(3)), { maxEntries: 10 }), CorruptError);
  });
});

describe('looksLikeZip', () => {
  const cases: [string, Uint8Array, boolean][] = [
    ['torch.save', fixtureBytes('zip/torch_state_dict.pt'), true],
    ['prefixed torch.save', fixtureBytes('zip/t_prefix512.pt'), true],
    ['npz', fixtureBytes('zip/numpy.npz'), true],
    ['empty zip', buildZip([]), true],
    ['tar', fixtureBytes('tar/ustar.tar'), false],
    ['pickle', new Uint8Array([0x80, 2, 0x7d, 0x71, 0, 0x2e, ...new Array(30).fill(0)]), false],
    ['short', new Uint8Array([0x50, 0x4b]), false],
  ];
  for (const [label, bytes, expected] of cases) {
    it(`${label} → ${expected}`, () => assert.equal(looksLikeZip(new MemorySource(loc, bytes)), expected));
  }
});

describe('crc32 and entry path checks', () => {
  it('crc32 check value and chaining', () => {
    const data = new TextEncoder().encode('123456789');
    assert.equal(crc32(data), 0xcbf43926);
    assert.equal(crc32(data.subarray(4), crc32(data.subarray(0, 4))), 0xcbf43926);
  });
  it('crc32 chained over 3 MiB (past the bytes the table takes before the native crc32) equals a bitwise CRC', () => {
    const data = new Uint8Array(3 << 20);
    let x = 0x12345678;
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      data[i] = x >>> 24;
    }
    let bitwise = 0xffffffff;
    for (const b of data) {
      bitwise ^= b;
      for (let k = 0; k < 8; k++) bitwise = bitwise & 1 ? 0xedb88320 ^ (bitwise >>> 1) : bitwise >>> 1;
    }
    bitwise = (bitwise ^ 0xffffffff) >>> 0;
    let chained = 0;
    for (let at = 0; at < data.length; at += 96 * 1024) chained = crc32(data.subarray(at, at + 96 * 1024), chained);
    assert.equal(chained, bitwise);
    assert.equal(crc32ByTable(data), bitwise);
    // The table and the native crc32 continue each other's values.
    const half = data.length >> 1;
    assert.equal(crc32(data.subarray(half), crc32ByTable(data.subarray(0, half))), bitwise);
    assert.equal(crc32ByTable(data.subarray(half), crc32(data.subarray(0, half))), bitwise);
  });
  const paths: [string, string[]][] = [
    ['archive/data.pkl', []],
    ['../x', ['PATH_TRAVERSAL']],
    ['a/../../x', ['PATH_TRAVERSAL']],
    ['a/..b/c', []],
    ['/etc/passwd', ['ABSOLUTE_PATH']],
    ['\\\\server\\share', ['ABSOLUTE_PATH']],
    ['C:\\x', ['ABSOLUTE_PATH']],
    ['c:x', ['ABSOLUTE_PATH']],
    ['a\\b', ['ABSOLUTE_PATH']],
    ['..\\..\\x', ['PATH_TRAVERSAL', 'ABSOLUTE_PATH']],
  ];
  for (const [name, codes] of paths) {
    it(`${JSON.stringify(name)} → ${codes.join(', ') || 'clean'}`, () => {
      assert.deepEqual(
        entryPathFindings(name).map((f) => f.code),
        codes,
      );
    });
  }
});

describe('mutation loop: malformed zips only ever raise typed errors', () => {
  const typed = (e: unknown): boolean =>
    e instanceof CorruptError ||
    e instanceof LimitError ||
    e instanceof UnsupportedError ||
    e instanceof EncryptedError;
  // xorshift32, fixed seed: reproducible mutants.
  let state = 0x9e3779b9;
  const rand = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const seeds = manifest.zip
    .filter((c) => /torch_state_dict|torchscript|numpy_compressed|zip64_cli|t_hidden_local/.test(c.file))
    .map((c) => fixtureBytes(c.file));
  it('2,000 mutants', () => {
    let opened = 0;
    for (let i = 0; i < 2000; i++) {
      const seed = seeds[i % seeds.length]!;
      let b = seed.slice();
      const kind = rand(4);
      if (kind === 0) for (let k = 0; k < 1 + rand(8); k++) b[rand(b.length)] = rand(256);
      else if (kind === 1) b = b.subarray(0, rand(b.length));
      else if (kind === 2) patchU32(b, rand(b.length - 4), [0xffffffff, 0, rand(1 << 30), 0x7fffffff][rand(4)]!);
      else b.fill(rand(256), rand(b.length), rand(b.length));
      const src = new MemorySource(loc, b);
      try {
        const z = readZip(src, { maxEntries: 1000 });
        for (const e of z.entries) {
          try {
            readAll(openEntry(src, z, e, { maxOutputBytes: 1 << 20, maxRatio: 1000, ratioGraceBytes: 1 << 16 }).source);
            opened++;
          } catch (err) {
            assert.ok(typed(err), `mutant ${i} open: ${String(err)}`);
          }
        }
      } catch (err) {
        assert.ok(typed(err), `mutant ${i} list: ${String(err)}`);
      }
    }
    assert.ok(opened > 500, `${opened} entries opened`);
  });
});
