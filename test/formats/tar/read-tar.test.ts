// Case table over the committed tar fixtures (anomalies, tarfile parity of names, types, sizes, offsets and
// bytes, hidden members), tar-stream as a second oracle with its measured disagreements, sniffing, number
// decoding, read cost and a seeded mutation loop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { CorruptError, LimitError, UnsupportedError } from '../../../src/core/errors.js';
import { MemorySource, readAll, type ByteSource } from '../../../src/sources/byte-source.js';
import { looksLikeTar, openTarEntry, readTar } from '../../../src/formats/tar/index.js';
import { nti } from '../../../src/formats/tar/tar-header.js';
import { codesOf, fixtureBytes, manifest, sha256 } from '../zip/container-manifest.js';

function tarBytes(file: string, gzip: boolean): Uint8Array {
  const raw = fixtureBytes(file);
  return gzip ? new Uint8Array(gunzipSync(raw)) : raw;
}

function source(file: string, bytes: Uint8Array): MemorySource {
  return new MemorySource({ chain: [file] }, bytes);
}

describe('readTar over the fixture manifest', () => {
  assert.ok(manifest.tar.length >= 15);
  for (const c of manifest.tar) {
    describe(c.file, () => {
      const src = source(c.file, tarBytes(c.file, c.gzip));
      if (c.expectError) {
        it(`throws ${c.expectError} where tarfile cannot open it (${c.tarfile.error})`, () => {
          assert.equal(c.tarfile.opens, false);
          assert.throws(
            () => readTar(src, { maxEntries: 100 }),
            (e: unknown) => (e as Error).name === c.expectError,
          );
        });
        return;
      }
      const tar = readTar(src, { maxEntries: 100 });
      it(`reports exactly ${c.expectedAnomalies.join(', ') || 'no anomalies'}`, () => {
        assert.deepEqual(codesOf(tar.anomalies), c.expectedAnomalies, JSON.stringify(tar.anomalies, null, 1));
      });
      it('lists what tarfile lists (names, types, sizes, links, offsets) and reads the same bytes', () => {
        const members = c.tarfile.members ?? [];
        const visible = tar.entries.filter((e) => !e.hidden);
        assert.deepEqual(
          visible.map((e) => e.name),
          members.map((m) => m.name),
        );
        visible.forEach((e, i) => {
          const m = members[i]!;
          assert.equal(e.typeflag, m.type, e.name);
          assert.equal(e.size, m.size, e.name);
          assert.equal(e.linkName ?? '', m.linkname, e.name);
          assert.equal(e.headerOffset, m.offset, e.name);
          assert.equal(e.type === 'sparse', m.sparse, e.name);
          if (m.sparse) return;
          assert.equal(e.dataOffset, m.offsetData, e.name);
          if (m.read?.ok) assert.equal(sha256(readAll(openTarEntry(src, e))), m.read.sha256, e.name);
        });
      });
    });
  }
});

describe('tar details', () => {
  it('members after a broken checksum are exposed as hidden, with their bytes', () => {
    const src = source('x', fixtureBytes('tar/bad_checksum_mid.tar'));
    const tar = readTar(src, { maxEntries: 10 });
    assert.deepEqual(
      tar.entries.map((e) => [e.name, e.hidden ?? false]),
      [
        ['a.txt', false],
        ['b.pkl', true],
        ['c.txt', true],
      ],
    );
    assert.equal(
      new TextDecoder().decode(readAll(openTarEntry(src, tar.entries[1]!))),
      'second member, hidden from tarfile\n',
    );
  });

  it('a second archive after the end-of-archive blocks is a hidden member', () => {
    const tar = readTar(source('x', fixtureBytes('tar/concatenated.tar')), { maxEntries: 10 });
    assert.deepEqual(
      tar.entries.filter((e) => e.hidden).map((e) => e.name),
      ['appended.pkl'],
    );
    assert.equal(tar.endOfArchive, 3072);
  });

  it('the PyTorch v0.1.1 layout lists its four members (torch 1.13 loads this file)', () => {
    const c = manifest.tar.find((x) => x.file === 'tar/torch_v011_legacy.tar')!;
    assert.equal(c.torch?.load.ok, true);
    const tar = readTar(source('x', fixtureBytes(c.file)), { maxEntries: 10 });
    assert.deepEqual(
      tar.entries.map((e) => e.name),
      ['sys_info', 'pickle', 'storages', 'tensors'],
    );
  });

  it('links and devices have no data; sparse members are unsupported; location is parent!/name', () => {
    const src = source('l.tar', fixtureBytes('tar/links.tar'));
    const tar = readTar(src, { maxEntries: 10 });
    for (const e of tar.entries.slice(1)) assert.equal(openTarEntry(src, e).size, 0, e.name);
    assert.deepEqual(openTarEntry(src, tar.entries[0]!).location.chain, ['l.tar', '/dir/a.txt']);
    const sparse = source('s', fixtureBytes('tar/sparse_gnu.tar'));
    const st = readTar(sparse, { maxEntries: 10 });
    assert.throws(
      () => openTarEntry(sparse, st.entries[0]!),
      (e: unknown) => e instanceof UnsupportedError && e.feature === 'tar-sparse',
    );
  });

  it('pax size overrides a zero ustar size field', () => {
    const tar = readTar(source('p', fixtureBytes('tar/pax.tar')), { maxEntries: 10 });
    const e = tar.entries.find((x) => x.name === 'size-from-pax.txt')!;
    assert.equal(e.size, 11);
    assert.equal(e.paxHeaders?.['comment'], 'global header from sentinel');
  });

  it('maxEntries is enforced', () => {
    assert.throws(
      () => readTar(source('x', fixtureBytes('tar/links.tar')), { maxEntries: 3 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxEntries',
    );
  });
});

describe('tar-stream as an oracle, and where it disagrees with tarfile', () => {
  async function tarStreamList(bytes: Uint8Array): Promise<{ names: string[]; error?: string }> {
    const ex = tarStream.extract();
    const names: string[] = [];
    const done = new Promise<{ names: string[]; error?: string }>((resolve) => {
      ex.on('entry', (h, stream, next) => {
        names.push(h.name.replace(/\/$/, ''));
        stream.on('error', () => next());
        stream.on('end', () => next());
        stream.resume();
      });
      ex.on('finish', () => resolve({ names }));
      ex.on('error', (e: Error) => resolve({ names, error: e.message }));
    });
    ex.end(Buffer.from(bytes));
    return done;
  }
  const agree = [
    'ustar.tar',
    'gnu_long.tar',
    'pax.tar',
    'links.tar',
    'traversal.tar',
    'duplicate.tar',
    'base256.tar',
    'torch_v011_legacy.tar',
  ];
  for (const f of agree) {
    it(`${f}: same member names`, async () => {
      const bytes = fixtureBytes('tar/' + f);
      const ours = readTar(source(f, bytes), { maxEntries: 100 }).entries.map((e) => e.name);
      const theirs = await tarStreamList(bytes);
      assert.equal(theirs.error, undefined);
      assert.deepEqual(theirs.names, ours);
    });
  }
  const disagree: [string, (r: { names: string[]; error?: string }) => void][] = [
    // tarfile ignores the size of a symlink header; tar-stream skips it and loses a.txt's header.
    ['symlink_size.tar', (r) => assert.ok(r.error && !r.names.includes('a.txt'))],
    // tarfile accepts signed-byte checksums (old Sun/NeXT tar); tar-stream rejects the archive.
    ['signed_checksum.tar', (r) => assert.ok(r.error && r.names.length === 0)],
    // tarfile stops at the first zero block; tar-stream reads on into the second archive.
    ['concatenated.tar', (r) => assert.ok(!r.error && r.names.includes('appended.pkl'))],
  ];
  for (const [f, check] of disagree) {
    it(`${f}: tar-stream disagrees with tarfile`, async () => check(await tarStreamList(fixtureBytes('tar/' + f))));
  }
});

describe('tar sniffing, numbers, read cost, mutations', () => {
  const sniff: [string, Uint8Array, boolean][] = [
    ['ustar', fixtureBytes('tar/ustar.tar'), true],
    ['gnu', fixtureBytes('tar/gnu_long.tar'), true],
    ['pax', fixtureBytes('tar/pax.tar'), true],
    ['signed checksum', fixtureBytes('tar/signed_checksum.tar'), true],
    ['bad first checksum', fixtureBytes('tar/bad_checksum_first.tar'), false],
    ['zip', fixtureBytes('zip/torch_state_dict.pt'), false],
    ['zeros', new Uint8Array(1024), false],
    ['short', new Uint8Array(100), false],
  ];
  for (const [label, bytes, expected] of sniff) {
    it(`looksLikeTar(${label}) → ${expected}`, () => assert.equal(looksLikeTar(source(label, bytes)), expected));
  }

  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const numbers: [string, Uint8Array, number | undefined][] = [
    ['octal with NUL', enc('0000644\0'), 0o644],
    ['spaces around', enc(' 17 \0\0\0\0'), 0o17],
    ['empty', new Uint8Array(8), 0],
    ['underscore (Python int)', enc('1_0\0'), 8],
    ['0o prefix (Python int)', enc('0o17\0'), 0o17],
    ['base-256 positive', new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0xbc]), 700],
    ['base-256 negative', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), -2],
    ['not octal', enc('0000899\0'), undefined],
    ['high byte', new Uint8Array([0x31, 0xe9, 0]), undefined],
  ];
  for (const [label, bytes, expected] of numbers) {
    it(`nti: ${label}`, () => assert.equal(nti(bytes), expected));
  }

  it('listing a tar with a 64 MiB member reads only headers; the member is a zero-copy slice', () => {
    const header = new Uint8Array(fixtureBytes('tar/ustar.tar').subarray(1536, 2048)); // b.bin's header
    const size = 64 * 1024 * 1024;
    header.set(new TextEncoder().encode(size.toString(8).padStart(11, '0') + '\0'), 124);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const v of header) sum += v;
    header.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const bytes = new Uint8Array(512 + size + 1024);
    bytes.set(header, 0);
    let read = 0;
    const inner = new MemorySource({ chain: ['big.tar'] }, bytes);
    const counting: ByteSource = {
      location: inner.location,
      size: inner.size,
      read(o, n) {
        const b = inner.read(o, n);
        read += b.length;
        return b;
      },
    };
    const tar = readTar(counting, { maxEntries: 10 });
    assert.equal(tar.entries.length, 1);
    assert.equal(tar.entries[0]!.size, size);
    assert.deepEqual(tar.anomalies, []);
    assert.ok(read < 4 * 1024 * 1024, `read ${read} bytes`);
    assert.equal(openTarEntry(counting, tar.entries[0]!).size, size);
  });

  it('2,000 mutants raise only typed errors', () => {
    let state = 0x2545f491;
    const rand = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const seeds = ['ustar.tar', 'gnu_long.tar', 'pax.tar', 'sparse_gnu.tar', 'links.tar'].map((f) =>
      fixtureBytes('tar/' + f).subarray(0, 6144),
    );
    for (let i = 0; i < 2000; i++) {
      const b = seeds[i % seeds.length]!.slice();
      for (let k = 0; k < 1 + rand(6); k++) b[rand(b.length)] = rand(256);
      const src = source('m', i % 7 === 0 ? b.subarray(0, rand(b.length)) : b);
      try {
        const tar = readTar(src, { maxEntries: 1000 });
        for (const e of tar.entries) {
          try {
            readAll(openTarEntry(src, e));
          } catch (err) {
            assert.ok(err instanceof UnsupportedError, String(err));
          }
        }
      } catch (err) {
        assert.ok(err instanceof CorruptError || err instanceof LimitError, `mutant ${i}: ${String(err)}`);
      }
    }
  });
});
