// Case table over the committed zip fixtures: anomaly codes per file, and parity of names, sizes, offsets and
// entry bytes with Python's zipfile and PyTorch's miniz reader as recorded by scripts/fixtures/containers.py.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAll } from '../../../src/sources/byte-source.js';
import { openEntry, readZip, type ZipArchive, type ZipEntry } from '../../../src/formats/zip/index.js';
import { codesOf, fixtureSource, manifest, sha256 } from './container-manifest.js';

const OPEN = { maxOutputBytes: 16 * 1024 * 1024 };

function open(
  src: ReturnType<typeof fixtureSource>,
  zip: ZipArchive,
  e: ZipEntry,
): { bytes?: Uint8Array; codes: string[]; error?: string } {
  try {
    const r = openEntry(src, zip, e, OPEN);
    return { bytes: readAll(r.source), codes: codesOf(r.anomalies) };
  } catch (err) {
    return { codes: [], error: (err as Error).name };
  }
}

describe('readZip over the fixture manifest', () => {
  assert.ok(manifest.zip.length >= 25, 'manifest lists the zip fixtures');
  for (const c of manifest.zip) {
    describe(c.file, () => {
      const src = fixtureSource(c.file);
      const zip = readZip(src, { maxEntries: 1000 });

      it(`reports exactly ${c.expectedAnomalies.join(', ') || 'no anomalies'}`, () => {
        assert.deepEqual(codesOf(zip.anomalies), c.expectedAnomalies, JSON.stringify(zip.anomalies, null, 1));
        for (const a of zip.anomalies) assert.ok(a.message.length > 0);
      });

      it('opens entries with the expected read-time anomalies and errors', () => {
        for (const e of zip.entries) {
          const r = open(src, zip, e);
          assert.equal(r.error, c.expectedOpenErrors[e.name], `open error of ${e.name}`);
          if (!r.error)
            assert.deepEqual(r.codes, c.expectedEntryAnomalies[e.name] ?? [], `read anomalies of ${e.name}`);
        }
      });

      const py = c.zipfile;
      if (py.opens && py.entries) {
        const pyEntries = py.entries;
        it('lists the same entries, sizes, CRCs, methods, flags and offsets as zipfile', () => {
          const listed = zip.entries.filter((e) => !e.hidden);
          assert.deepEqual(
            listed.map((e) => e.name),
            pyEntries.map((p) => p.origName),
          );
          listed.forEach((e, i) => {
            const p = pyEntries[i]!;
            assert.equal(e.uncompressedSize, p.size, e.name);
            assert.equal(e.compressedSize, p.compressSize, e.name);
            assert.equal(e.crc32, p.crc, e.name);
            assert.equal(e.method, p.method, e.name);
            assert.equal(e.flags, p.flags, e.name);
            assert.equal(e.localHeaderOffset, p.headerOffset, e.name);
            assert.equal(e.isDirectory, p.isDir, e.name);
          });
          assert.equal(zip.comment, py.comment);
        });
        it('returns the bytes zipfile returns wherever zipfile can read', () => {
          zip.entries
            .filter((e) => !e.hidden)
            .forEach((e, i) => {
              const p = pyEntries[i]!;
              // bzip2/lzma members: zipfile decodes them, openEntry hands them off with UnsupportedError.
              if (!p.read.ok || c.expectedOpenErrors[e.name]) return;
              const r = open(src, zip, e);
              assert.ok(r.bytes, `${e.name} opened`);
              assert.equal(sha256(r.bytes), p.read.sha256, `${e.name} bytes equal zipfile's`);
            });
        });
      }

      const tr = c.torch.reader;
      if (tr.opens && tr.reads) {
        const reads = tr.reads;
        it('returns the bytes PyTorch (miniz) returns for every record it can read', () => {
          // PyTorchFileReader names records relative to the first entry's top directory.
          const root = zip.entries[0]!.name.split('/')[0]!;
          for (const [rec, view] of Object.entries(reads)) {
            if (!view.ok) continue;
            const e = zip.entries.find((x) => x.name === `${root}/${rec}` && !x.hidden);
            assert.ok(e, `entry for record ${rec}`);
            const r = open(src, zip, e);
            assert.ok(r.bytes, `${rec} opened`);
            assert.equal(sha256(r.bytes), view.sha256, `${rec} bytes equal miniz's`);
          }
        });
      }
    });
  }
});

describe('zip facts and parity details', () => {
  it('a real torch.save file: zip64 end records, descriptors, FB padding, 64-byte aligned data, no anomalies', () => {
    const zip = readZip(fixtureSource('zip/torch_state_dict.pt'), { maxEntries: 100 });
    assert.equal(zip.zip64, true);
    assert.equal(zip.anomalies.length, 0);
    assert.deepEqual(zip.facts, {
      dataDescriptorEntries: 4,
      paddingExtraEntries: 4,
      storedEntries: 4,
      deflatedEntries: 0,
      zip64ExtraEntries: 0,
    });
    for (const e of zip.entries) assert.equal(e.dataOffset % 64, 0, `${e.name} data is 64-byte aligned`);
    assert.equal(zip.prefixBytes, 0);
    assert.equal(zip.trailingBytes, 0);
  });

  it('torch.jit.save deflates code files and stores tensors', () => {
    const zip = readZip(fixtureSource('zip/torchscript.pt'), { maxEntries: 100 });
    assert.ok(zip.facts.deflatedEntries >= 2);
    assert.ok(zip.facts.storedEntries >= 3);
  });

  it('prefix: zipfile-style rebasing (shift 512) versus absolute offsets (shift 0)', () => {
    const plain = readZip(fixtureSource('zip/t_prefix512.pt'), { maxEntries: 100 });
    assert.equal(plain.prefixBytes, 512);
    assert.equal(plain.offsetShift, 512);
    const adjusted = readZip(fixtureSource('zip/t_prefix512_adjusted.pt'), { maxEntries: 100 });
    assert.equal(adjusted.prefixBytes, 512);
    assert.equal(adjusted.offsetShift, 0);
  });

  it('trailing bytes are counted', () => {
    assert.equal(readZip(fixtureSource('zip/t_trailing.pt'), { maxEntries: 100 }).trailingBytes, 64);
  });

  it('an unlisted local entry is exposed as a hidden entry and reads cleanly', () => {
    const src = fixtureSource('zip/t_hidden_local.pt');
    const zip = readZip(src, { maxEntries: 100 });
    const hidden = zip.entries.filter((e) => e.hidden);
    assert.deepEqual(
      hidden.map((e) => e.name),
      ['archive/hidden.pkl'],
    );
    const r = openEntry(src, zip, hidden[0]!, OPEN);
    const bytes = readAll(r.source);
    assert.deepEqual(r.anomalies, []);
    assert.equal(bytes[0], 0x80);
    assert.equal(bytes[bytes.length - 1], 0x2e);
    assert.deepEqual(r.source.location.chain, ['zip/t_hidden_local.pt', '/archive/hidden.pkl']);
  });

  it('name mismatch keeps both names; central name is what loaders look up', () => {
    const zip = readZip(fixtureSource('zip/t_name_mismatch.pt'), { maxEntries: 100 });
    const e = zip.entries[0]!;
    assert.equal(e.name, 'archive/data.pkl');
    assert.equal(e.localName, 'archive/datap.kl');
  });

  it('names without the UTF-8 flag decode as cp437 like zipfile', () => {
    const zip = readZip(fixtureSource('zip/names.zip'), { maxEntries: 100 });
    assert.deepEqual(
      zip.entries.map((e) => e.name),
      ['naïve/é.txt', 'x├⌐-cp437.txt', 'plain.txt'],
    );
    assert.deepEqual([...zip.entries[1]!.rawName.subarray(0, 3)], [0x78, 0xc3, 0xa9]);
  });

  it('stored entries are zero-copy slices located at parent!/name', () => {
    const src = fixtureSource('zip/torch_state_dict.pt');
    const zip = readZip(src, { maxEntries: 100 });
    const r = openEntry(src, zip, zip.entries[0]!, OPEN);
    assert.equal(r.source.bytes?.buffer, src.bytes.buffer);
    assert.deepEqual(r.source.location.chain, ['zip/torch_state_dict.pt', '/archive/data.pkl']);
    assert.equal(r.crcChecked, true);
  });
});
