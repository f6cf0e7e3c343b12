// A torch-written checkpoint (a data descriptor after every record, data aligned by a padding extra field) read over
// HTTP from servers that answer range requests differently (test/helpers/range-server.mjs on 127.0.0.1): with
// multipart answers, with the first range of a several-range request only (object stores and their CDNs), and with
// the whole file (Range ignored). The verdict needs the directory, the local headers and descriptors and data.pkl:
// the first two read within a small budget and find the pickle's call (on the one-range server without the storage
// records' local headers, which the file notes); a server that sends the whole file is abandoned at once and
// reported, never read whole.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/index.js';
import { buildZip } from '../formats/zip/zip-builder.js';
import { hdf5Probes, startRangeServer } from '../helpers/range-server-process.js';
import { torchDataPkl } from '../helpers/sparse-torch-checkpoint.js';

const STORAGES = 300;
const STORAGE_BYTES = 64 * 1024;

/** As torch.save lays a checkpoint out: data.pkl first, storages, version; descriptors and 64-byte alignment. */
function torchWritten(): Uint8Array {
  const entries = [
    {
      name: 'ckpt/data.pkl',
      data: torchDataPkl(
        Array.from({ length: STORAGES }, (_, i) => [`layer${i}.weight`, [STORAGE_BYTES / 4]] as const),
        'id',
      ),
    },
    ...Array.from({ length: STORAGES }, (_, i) => ({ name: `ckpt/data/${i}`, data: randomBytes(STORAGE_BYTES) })),
    { name: 'ckpt/version', data: Buffer.from('3\n') },
  ];
  let offset = 0;
  return buildZip(
    entries.map((e) => {
      const at = offset + 30 + e.name.length + 4;
      const pad = (64 - (at % 64)) % 64;
      const extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0x4246, 0); // 'FB', torch's padding field
      extra.writeUInt16LE(pad, 2);
      offset = at + pad + e.data.length + 16;
      return { ...e, descriptor: true, localExtra: extra };
    }),
  );
}

describe('remote checkpoint on servers with and without multi-range answers', () => {
  let dir: string;
  let size: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-single-range-'));
    const zip = torchWritten();
    size = zip.length;
    writeFileSync(join(dir, 'ckpt.pt'), zip);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, (remote: { bytesRead: number; requests: number }) => void][] = [
    ['multipart', (r) => assert.ok(r.requests <= 8, `${r.requests} requests`)],
    // The storage records' local headers are left out there (torch reads them only to locate the data): head, tail,
    // one several-range request whose first range (data.pkl, within 64 KiB) is kept, and one request per HDF5
    // superblock probe past it.
    ['first-range', (r) => assert.ok(r.requests <= 3 + hdf5Probes(size, 64 * 1024), `${r.requests} requests`)],
  ];
  for (const [mode, requests] of cases) {
    it(`${mode}: the pickle's call is found from the directory, headers and data.pkl, a small part of the file`, async () => {
      const s = await startRangeServer(dir, mode);
      try {
        const r = await scan(`${s.base}/ckpt.pt`, { remote: { retries: 1, requestTimeoutMs: 10_000 } });
        const rules = [...new Set(r.findings.map((f) => f.ruleId))];
        assert.ok(rules.includes('PICKLE-EXEC'), rules.join(','));
        assert.ok(
          !rules.includes('SCAN-INCOMPLETE'),
          JSON.stringify(r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE')),
        );
        assert.ok(!rules.includes('ARCHIVE-TAMPER'), rules.join(','));
        const remote = r.summary.remote!;
        assert.ok(remote.bytesRead < size / 16, `${remote.bytesRead} of ${size} bytes`);
        assert.ok(remote.bytesRead <= 2_000_000, `${remote.bytesRead} bytes`);
        requests(remote);
        const notes = JSON.stringify(r.files ?? r);
        if (mode === 'first-range') assert.match(notes, /storage-record local headers not read/);
        else assert.doesNotMatch(notes, /storage-record local headers not read/);
        assert.equal((await s.counts()).requests, remote.requests);
      } finally {
        await s.stop();
      }
    });
  }

  it('whole: a server that answers a range with the whole file is left at once and the file is SCAN-INCOMPLETE', async () => {
    const s = await startRangeServer(dir, 'whole');
    try {
      const r = await scan(`${s.base}/ckpt.pt`, { remote: { retries: 1, requestTimeoutMs: 10_000 } });
      const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
      assert.ok(inc.length >= 1, r.findings.map((f) => f.ruleId).join(','));
      assert.match(JSON.stringify(inc), /ignored the Range/);
      assert.equal(r.summary.gate.passed, false);
      // Left after the answer's status line: not read whole, nor more than a request or two.
      assert.ok(r.summary.remote!.bytesRead < size / 4, `${r.summary.remote!.bytesRead} of ${size} bytes`);
      assert.ok((await s.counts()).requests <= 4);
    } finally {
      await s.stop();
    }
  });
});
