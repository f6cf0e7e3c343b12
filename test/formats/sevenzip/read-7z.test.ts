// 7z fixtures made by the 7z CLI (LZMA2, LZMA, BZip2, Deflate, Copy, AES data, AES headers): listing parity with
// the CLI's `l -slt`, extracted bytes, caps checked before extraction, typed errors, and the missing-package path.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../../src/core/errors.js';
import { extract7z, extract7zEach, looksLike7z, read7z } from '../../../src/formats/sevenzip/index.js';
import type { SevenZipFile } from '../../../src/formats/sevenzip/index.js';
import { fixtureBytes, manifest, sha256 } from '../zip/container-manifest.js';
import { FileSource } from '../../../src/sources/byte-source.js';
import type { Location } from '../../../src/core/location.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'containers');

const OPTS = { maxEntries: 100, maxEntryBytes: 1024 * 1024 };

describe('7z fixtures', () => {
  assert.ok(manifest.sevenzip.length >= 7);
  for (const c of manifest.sevenzip) {
    describe(c.file, () => {
      const bytes = fixtureBytes(c.file);
      if (!c.cli.ok) {
        it(`throws ${c.expectError} where the CLI cannot list it (${c.cli.error})`, async () => {
          await assert.rejects(read7z(bytes, OPTS), (e: unknown) => (e as Error).name === c.expectError);
          await assert.rejects(extract7z(bytes, OPTS), (e: unknown) => (e as Error).name === c.expectError);
        });
        return;
      }
      const cliEntries = c.cli.entries;
      it('lists what `7z l -slt` lists', async () => {
        const listing = await read7z(bytes, OPTS);
        assert.deepEqual(
          listing.entries.map((e) => ({
            name: e.name,
            size: e.size,
            method: e.method,
            encrypted: e.encrypted,
            isDirectory: e.isDirectory,
          })),
          cliEntries,
        );
        assert.deepEqual(listing.anomalies, []);
      });
      it(
        c.expectError ? `every file fails with ${c.expectError}` : 'extracts every file with the original bytes',
        async () => {
          const x = await extract7z(bytes, OPTS);
          assert.equal(x.files.length, Object.keys(c.contents).length);
          for (const f of x.files) {
            if (c.expectError) {
              assert.equal(f.error?.name, c.expectError, f.entry.name);
              assert.equal(f.data, undefined);
              continue;
            }
            assert.equal(f.error, undefined, `${f.entry.name}: ${f.error?.message}`);
            assert.ok(f.data);
            assert.equal(sha256(f.data), c.contents[f.entry.name]?.sha256, f.entry.name);
          }
        },
      );
    });
  }
});

describe('7z limits and failures', () => {
  const lzma2 = fixtureBytes('7z/lzma2.7z');

  it('per-entry size cap is checked from the listing before extraction; other entries still extract', async () => {
    const x = await extract7z(lzma2, { maxEntries: 100, maxEntryBytes: 100 });
    const byName = new Map(x.files.map((f) => [f.entry.name, f]));
    const big = byName.get('nested/deeper/data.bin')!;
    assert.ok(big.error instanceof LimitError && big.error.limit === 'maxEntryBytes');
    assert.equal(big.data, undefined);
    assert.ok(byName.get('readme.txt')!.data);
    assert.ok(byName.get('nested/deeper/even/more/model.pkl')!.data);
  });

  it('maxTotalBytes stops extraction once the budget is spent', async () => {
    const x = await extract7z(lzma2, { maxEntries: 100, maxEntryBytes: 1 << 20, maxTotalBytes: 100 });
    const errors = x.files.filter((f) => f.error instanceof LimitError && f.error.limit === 'maxTotalBytes');
    assert.ok(errors.length >= 1);
    assert.ok(x.files.some((f) => f.data));
  });

  it('read from a byte source, in batches of bounded size: same bytes, each released after its hand-out', async () => {
    const c = manifest.sevenzip.find((x) => x.file === '7z/lzma2.7z')!;
    // A file on disk: its small reads are node Buffers, views of a shared pool.
    const file = new FileSource({ path: 'lzma2.7z' } as unknown as Location, join(FIXTURES, '7z', 'lzma2.7z'));
    let reads = 0;
    const input = {
      size: file.size,
      read: (o: number, n: number) => {
        reads++;
        return file.read(o, n);
      },
    };
    const seen: SevenZipFile[] = [];
    const held: number[] = [];
    await extract7zEach(
      input,
      OPTS,
      (f) => {
        seen.push(f);
        held.push(seen.filter((x) => x.data).length);
      },
      undefined,
      1,
    );
    assert.ok(reads > 0);
    assert.deepEqual(
      held,
      held.map(() => 1),
      'one batch of one entry at a time',
    );
    assert.ok(
      seen.every((f) => f.data === undefined),
      'released after the hand-out',
    );
    const once = await extract7z(lzma2, OPTS);
    const each = new Map<string, string>();
    await extract7zEach(input, OPTS, (f) => void each.set(f.entry.name, sha256(f.data!)), undefined, 1);
    assert.deepEqual(new Map(once.files.map((f) => [f.entry.name, sha256(f.data!)])), each);
    for (const [name, digest] of each) assert.equal(digest, c.contents[name]?.sha256, name);
  });

  it('maxEntries', async () => {
    await assert.rejects(
      read7z(lzma2, { maxEntries: 3, maxEntryBytes: 1 << 20 }),
      (e: unknown) => e instanceof LimitError && e.limit === 'maxEntries',
    );
  });

  it('non-7z bytes are CorruptError; a missing package is UnsupportedError(feature 7z)', async () => {
    await assert.rejects(read7z(fixtureBytes('zip/numpy.npz'), OPTS), CorruptError);
    await assert.rejects(
      extract7z(lzma2, OPTS, 'sentinel-no-such-7z-package'),
      (e: unknown) => e instanceof UnsupportedError && e.feature === '7z',
    );
  });

  it('damaged archives fail with typed errors only and never touch process.exitCode', async () => {
    let state = 0x1234567;
    const rand = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const typed = (e: unknown): boolean =>
      e instanceof CorruptError ||
      e instanceof EncryptedError ||
      e instanceof UnsupportedError ||
      e instanceof LimitError;
    for (let i = 0; i < 25; i++) {
      const b = lzma2.slice();
      for (let k = 0; k < 3; k++) b[6 + rand(b.length - 6)] = rand(256);
      try {
        const x = await extract7z(b, OPTS);
        for (const f of x.files) if (f.error) assert.ok(typed(f.error), String(f.error));
      } catch (e) {
        assert.ok(typed(e), `mutant ${i}: ${String(e)}`);
      }
    }
    assert.equal(process.exitCode, undefined);
  });

  it('sniffs the signature and reports timings', async () => {
    assert.equal(looksLike7z(lzma2), true);
    assert.equal(looksLike7z(fixtureBytes('zip/numpy.npz')), false);
    const x = await extract7z(lzma2, OPTS);
    assert.ok(x.timings.initMs >= 0 && x.timings.listMs >= 0 && x.timings.extractMs >= 0);
  });
});
