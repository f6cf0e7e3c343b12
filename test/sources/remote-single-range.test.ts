// A torch-written checkpoint (a data descriptor after every record, data aligned by a padding extra field) read over
// HTTP from servers that answer range requests differently (test/helpers/range-server.mjs on 127.0.0.1): with
// multipart answers, with the first range of a several-range request only (object stores and their CDNs), and with
// the whole file (Range ignored). The verdict needs the directory, the local headers and descriptors and data.pkl:
// the first two read within a small budget and find the pickle's call (on the one-range server without the storage
// records' local headers, which the file notes); a server that sends the whole file is abandoned at once and
// reported, never read whole.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/index.js';
import { buildZip } from '../formats/zip/zip-builder.js';

const SERVER = join(import.meta.dirname, '..', 'helpers', 'range-server.mjs');
const STORAGES = 300;
const STORAGE_BYTES = 64 * 1024;

/** BINUNICODE `s`. */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return Buffer.concat([Buffer.from([0x58]), n, b]);
}

/**
 * torch.save's data.pkl for a state dict of `n` float32 tensors (protocol 2, _rebuild_tensor_v2, persistent ids
 * naming data/<key>), with one more entry whose value calls posix.system('id').
 */
function dataPkl(n: number, numel: number): Buffer {
  const int = (v: number): Buffer => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(v, 1);
    return b;
  };
  const parts: Buffer[] = [
    Buffer.from([0x80, 0x02]),
    Buffer.from('ccollections\nOrderedDict\n'),
    Buffer.from([0x29, 0x52, 0x28]),
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      str(`layer${i}.weight`),
      Buffer.from('ctorch._utils\n_rebuild_tensor_v2\n(('),
      str('storage'),
      Buffer.from('ctorch\nFloatStorage\n'),
      str(String(i)),
      str('cpu'),
      int(numel),
      Buffer.from('tQ'), // TUPLE, BINPERSID
      Buffer.from([0x4b, 0]), // storage offset 0
      int(numel),
      Buffer.from([0x85, 0x4b, 1, 0x85, 0x89]), // (numel,), (1,), False
      Buffer.from('ccollections\nOrderedDict\n)R'),
      Buffer.from('tR'), // the arguments, REDUCE
    );
  }
  parts.push(str('hook'), Buffer.from('cposix\nsystem\n('), str('id'), Buffer.from('tR'), Buffer.from('u.'));
  return Buffer.concat(parts);
}

/** As torch.save lays a checkpoint out: data.pkl first, storages, version; descriptors and 64-byte alignment. */
function torchWritten(): Uint8Array {
  const entries = [
    { name: 'ckpt/data.pkl', data: dataPkl(STORAGES, STORAGE_BYTES / 4) },
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

/** HDF5 superblock probes (8 bytes at every power of two from 512) at or past `from` in a file of `size` bytes. */
function hdf5Probes(size: number, from: number): number {
  let n = 0;
  for (let at = 512; at + 8 <= size; at *= 2) if (at >= from) n++;
  return n;
}

interface Served {
  base: string;
  stats(): Promise<{ requests: number; bytes: number }>;
  stop(): Promise<void>;
}

async function serve(dir: string, mode: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('range server exited')));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    stats: async () => (await (await fetch(`${base}/__stats`)).json()) as { requests: number; bytes: number },
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
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
      const s = await serve(dir, mode);
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
        assert.equal((await s.stats()).requests, remote.requests);
      } finally {
        await s.stop();
      }
    });
  }

  it('whole: a server that answers a range with the whole file is left at once and the file is SCAN-INCOMPLETE', async () => {
    const s = await serve(dir, 'whole');
    try {
      const r = await scan(`${s.base}/ckpt.pt`, { remote: { retries: 1, requestTimeoutMs: 10_000 } });
      const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
      assert.ok(inc.length >= 1, r.findings.map((f) => f.ruleId).join(','));
      assert.match(JSON.stringify(inc), /ignored the Range/);
      assert.equal(r.summary.gate.passed, false);
      // Left after the answer's status line: not read whole, nor more than a request or two.
      assert.ok(r.summary.remote!.bytesRead < size / 4, `${r.summary.remote!.bytesRead} of ${size} bytes`);
      assert.ok((await s.stats()).requests <= 4);
    } finally {
      await s.stop();
    }
  });
});
