// A torch checkpoint listed from a source where every range costs a request (a server answering one range per
// request): the storage records' local headers are not read while listing, the file notes it, the data is still
// found exactly when a record is opened, and nothing changes for a source that answers several ranges at once.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { openEntry } from '../../../src/formats/zip/open-entry.js';
import { readZip } from '../../../src/formats/zip/read-zip.js';
import type { ByteSource } from '../../../src/sources/byte-source.js';
import { buildZip } from './zip-builder.js';

/** A source over `bytes` without the in-memory fast path, recording the reads. */
class CountingSource implements ByteSource {
  readonly location = { chain: ['ckpt.pt'] };
  readonly reads: [number, number][] = [];
  constructor(
    private readonly data: Uint8Array,
    readonly oneRangePerRequest: boolean,
  ) {}
  get size(): number {
    return this.data.length;
  }
  read(offset: number, length: number): Uint8Array {
    this.reads.push([offset, offset + length]);
    return this.data.subarray(offset, offset + length);
  }
}

/** torch.save's layout: data.pkl, storages with a padding extra field and a descriptor, version. */
function checkpoint(root: string, storages: number): Uint8Array {
  const entries = [
    { name: `${root}/data.pkl`, data: Buffer.from([0x80, 0x02, 0x7d, 0x2e]) },
    ...Array.from({ length: storages }, (_, i) => ({ name: `${root}/data/${i}`, data: Buffer.alloc(4096, i + 1) })),
    { name: `${root}/version`, data: Buffer.from('3\n') },
  ];
  let offset = 0;
  return buildZip(
    entries.map((e) => {
      const at = offset + 30 + e.name.length + 4;
      const pad = (64 - (at % 64)) % 64;
      const extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0x4246, 0);
      extra.writeUInt16LE(pad, 2);
      offset = at + pad + e.data.length + 16;
      return { ...e, descriptor: true, localExtra: extra };
    }),
  );
}

/** Whether a read starts in [s, e) (a header window read starts at the header). */
const readsFrom = (src: CountingSource, s: number, e: number): boolean => src.reads.some(([a]) => a >= s && a < e);

describe('zip listing where every range costs a request', () => {
  const zip = checkpoint('ckpt', 6);
  for (const one of [true, false]) {
    it(`${one ? 'one range per request' : 'several ranges per request'}: storage-record headers ${one ? 'skipped and noted' : 'read'}, data found`, () => {
      const src = new CountingSource(zip, one);
      const z = readZip(src, { maxEntries: 100 });
      assert.deepEqual(z.anomalies, []);
      assert.equal(z.entries.length, 8);
      const storages = z.entries.filter((e) => /\/data\/\d+$/.test(e.name));
      for (const e of storages) assert.equal(readsFrom(src, e.localHeaderOffset, e.localHeaderOffset + 1), !one);
      // data.pkl and version keep their headers read either way.
      for (const e of z.entries.filter((x) => !/\/data\/\d+$/.test(x.name)))
        assert.ok(readsFrom(src, e.localHeaderOffset, e.localHeaderOffset + 1), e.name);
      if (one)
        assert.deepEqual(z.notes, [
          '6 storage-record local headers not read: the server answers one range per request (torch reads them only to locate the data)',
        ]);
      else assert.equal(z.notes, undefined);
      // Where headers are skipped, no read starts inside a record (the gap search included).
      if (one) for (const e of storages) assert.ok(!readsFrom(src, e.localHeaderOffset, e.endOffset + 4), e.name);
      // Opening a record reads its header then: the data starts after the padding field.
      const third = storages[2]!;
      const opened = openEntry(src, z, third, { maxOutputBytes: 1 << 20 });
      assert.deepEqual(Buffer.from(opened.source.read(0, 4096)), Buffer.alloc(4096, 3));
      assert.equal(third.localUnread, undefined);
    });
  }

  it('records named like storages without a data.pkl beside them are read as any entry', () => {
    const plain = buildZip([
      { name: 'x/data/0', data: Buffer.alloc(64, 1) },
      { name: 'x/other.pkl', data: Buffer.from([0x80, 0x02, 0x4e, 0x2e]) },
    ]);
    const src = new CountingSource(plain, true);
    const z = readZip(src, { maxEntries: 10 });
    assert.equal(z.notes, undefined);
    assert.ok(z.entries.every((e) => !e.localUnread));
  });
});
