// What a remote file's listing fetches before the scan reads it (http-target.ts probeFile with the scan's plan):
// for a file whose size is not known yet, the head and the end-record tail at once; then, in one more round, what the
// scan will read as the head and tail show (a zip's local header windows, its pickles' data). Against a bridge that
// serves a buffer in memory and records every request, so the rounds and ranges are exact; then the zip is read
// through a remote source and must need no request at all.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { followReads, sniffReads, TAIL_BYTES } from '../../src/formats/sniff-reads.js';
import { zipFollowReads } from '../../src/formats/zip-follow.js';
import { readZip } from '../../src/formats/zip/read-zip.js';
import { probeFile } from '../../src/sources/remote/http-target.js';
import { DEFAULT_REMOTE_OPTIONS, type RemoteCost, type RemoteFile } from '../../src/sources/remote/remote-file.js';
import { RemoteSource } from '../../src/sources/remote/remote-source.js';
import type { RemotePlan } from '../../src/sources/remote/resolve-target.js';
import type { RangeReply, RangeRequest, SyncBridge } from '../../src/sources/remote/sync-bridge.js';
import { buildZip } from '../formats/zip/zip-builder.js';
import { evilPickle } from '../helpers/pickle-builder.js';

const plan: RemotePlan = {
  whole: 1024 * 1024,
  head: 4096,
  tail: TAIL_BYTES,
  reads: sniffReads,
  follow: (head, size, tail) => {
    const header = followReads(head, size);
    return header.length || !tail ? header : zipFollowReads(head, size, tail);
  },
  headOnly: () => false,
};

/** Serves `data` (ETag "v1"); records each request and how many were in flight when it was made. */
function memoryBridge(data: Uint8Array, opts: { etagOfSuffix?: string } = {}) {
  const calls: { req: RangeRequest; inFlight: number }[] = [];
  let inFlight = 0;
  let id = 0;
  const answer = (req: RangeRequest): RangeReply => {
    const slice = (s: number, e: number) => data.subarray(s, Math.min(e, data.length));
    const suffix = !req.ranges && req.start < 0;
    const parts = req.ranges?.map(([s, e]) => slice(s, e));
    const bytes = suffix
      ? data.subarray(Math.max(0, data.length + req.start))
      : parts
        ? new Uint8Array(0)
        : slice(req.start, req.end);
    return {
      id: ++id,
      ok: true,
      bytes,
      ...(parts ? { parts } : {}),
      size: data.length,
      etag: suffix && opts.etagOfSuffix ? opts.etagOfSuffix : '"v1"',
      lastModified: null,
      finalUrl: req.url,
      requests: 1,
      redirects: 0,
      received: parts ? parts.reduce((n, p) => n + p.length, 0) : bytes.length,
    };
  };
  const bridge = {
    async requestAsync(req: RangeRequest): Promise<RangeReply> {
      calls.push({ req, inFlight: inFlight++ });
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return answer(req);
    },
    request(): RangeReply {
      throw new Error('the scan made a request: the listing should have fetched what it reads');
    },
    post(): number {
      throw new Error('the scan made a request: the listing should have fetched what it reads');
    },
    take: () => undefined,
  };
  return { bridge: bridge as unknown as SyncBridge, calls };
}

/** A stored zip laid out like a torch checkpoint: data.pkl first, then storages far apart, then small records. */
function checkpointLike(): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: Buffer.concat([Buffer.from(evilPickle()), randomBytes(20_000)]) },
    ...Array.from({ length: 200 }, (_, i) => ({ name: `archive/data/${i}`, data: randomBytes(16_384) })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

/**
 * As torch.save writes one: every record's sizes in a data descriptor after its data, and a local extra field that
 * pads the data to a 64-byte boundary.
 */
function torchWritten(): Uint8Array {
  const entries = [
    { name: 'archive/data.pkl', data: Buffer.from(evilPickle()) },
    ...Array.from({ length: 200 }, (_, i) => ({ name: `archive/data/${i}`, data: randomBytes(16_384) })),
    { name: 'archive/version', data: Buffer.from('3\n') },
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

describe('remote listing plan', () => {
  it('size unknown: head and tail at once, then the local headers and the pickle in one round; the scan asks nothing more', async () => {
    const zip = checkpointLike();
    const { bridge, calls } = memoryBridge(zip);
    const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
    const file = await probeFile('http://127.0.0.1:1/ckpt.pt', undefined, bridge, DEFAULT_REMOTE_OPTIONS, cost, false, {
      plan,
      path: 'http://127.0.0.1:1/ckpt.pt',
    });
    assert.equal(typeof file, 'object', String(file));
    // Round 1: the head and a suffix of the tail's length, the second made before the first was answered.
    assert.deepEqual(
      calls.slice(0, 2).map((c) => [c.req.start, c.req.end, c.inFlight]),
      [
        [0, 4096, 0],
        [-TAIL_BYTES, 0, 1],
      ],
    );
    // Round 2: every request made before any of them was answered (one round), 160 ranges each at most.
    const round2 = calls.slice(2);
    assert.ok(round2.length >= 2, `${round2.length} requests in round 2`);
    assert.deepEqual(
      round2.map((c) => c.inFlight),
      round2.map((_, i) => i),
    );
    assert.ok(round2.every((c) => (c.req.ranges?.length ?? 1) <= 160));
    // The scan's reading of the zip (every local header, then data.pkl's bytes) is served from what was fetched.
    const src = new RemoteSource({ chain: ['ckpt.pt'] }, file as RemoteFile, bridge, DEFAULT_REMOTE_OPTIONS, cost);
    const z = readZip(src, { maxEntries: 1000 });
    assert.equal(z.entries.length, 202);
    const pkl = z.entries.find((e) => e.name === 'archive/data.pkl')!;
    assert.deepEqual(
      src.read(pkl.dataOffset, pkl.compressedSize),
      zip.subarray(pkl.dataOffset, pkl.dataOffset + pkl.compressedSize),
    );
    assert.equal(src.failure(), undefined);
    // No storage data was fetched: far less than the archive.
    assert.ok(cost.bytesRead < zip.length / 4, `${cost.bytesRead} of ${zip.length} bytes`);
  });

  it('records with data descriptors (as torch writes them): each descriptor is fetched with the local headers', async () => {
    const zip = torchWritten();
    const { bridge, calls } = memoryBridge(zip);
    const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
    const file = await probeFile('http://127.0.0.1:1/ckpt.pt', undefined, bridge, DEFAULT_REMOTE_OPTIONS, cost, false, {
      plan,
    });
    assert.equal(typeof file, 'object', String(file));
    assert.ok(calls.length <= 4, `${calls.length} requests while listing`);
    // readZip checks each descriptor against the central record: served from what the listing fetched.
    const src = new RemoteSource({ chain: ['ckpt.pt'] }, file as RemoteFile, bridge, DEFAULT_REMOTE_OPTIONS, cost);
    const z = readZip(src, { maxEntries: 1000 });
    assert.equal(z.entries.length, 202);
    assert.ok(z.entries.every((e) => e.hasDataDescriptor));
    assert.deepEqual(z.anomalies, []);
    assert.equal(src.failure(), undefined);
    assert.ok(cost.bytesRead < zip.length / 4, `${cost.bytesRead} of ${zip.length} bytes`);
  });

  it('head and tail disagreeing on the validator: the file is not read (content changed), never scanned from a mix', async () => {
    const { bridge } = memoryBridge(checkpointLike(), { etagOfSuffix: '"v2"' });
    const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
    const r = await probeFile('http://127.0.0.1:1/ckpt.pt', undefined, bridge, DEFAULT_REMOTE_OPTIONS, cost, false, {
      plan,
    });
    assert.equal(typeof r, 'string');
    assert.match(r as string, /changed/);
  });

  it('what the head and tail show is fetched within the per-file byte budget only', async () => {
    const zip = checkpointLike();
    const { bridge, calls } = memoryBridge(zip);
    const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
    const opts = { ...DEFAULT_REMOTE_OPTIONS, maxBytesPerFile: 100_000 };
    const file = await probeFile('http://127.0.0.1:1/ckpt.pt', undefined, bridge, opts, cost, false, { plan });
    assert.equal(typeof file, 'object');
    const followed = calls
      .slice(2)
      .flatMap((c) => c.req.ranges ?? [[c.req.start, c.req.end] as const])
      .reduce((n, [a, b]) => n + (b - a), 0);
    // Head and tail (69,653 bytes) leave 30,347 of the budget: the 20 KB pickle and some local header windows fit,
    // not all 202 of them.
    assert.ok(followed <= 100_000 - 4096 - TAIL_BYTES, `${followed} bytes fetched past head and tail`);
    assert.ok(followed > 0);
  });

  it('a zip whose central directory is not inside the tail gets no zip plan (read on demand, as before)', () => {
    const zip = checkpointLike();
    const head = zip.subarray(0, 4096);
    const cut = zip.length - 200;
    assert.deepEqual(zipFollowReads(head, zip.length, { start: cut, bytes: zip.subarray(cut) }), []);
    const full = zipFollowReads(head, zip.length, { start: zip.length - TAIL_BYTES, bytes: zip.subarray(-TAIL_BYTES) });
    assert.equal(full.length, 202 + 1);
  });
});

describe('remote source: reads served from the cached extents', () => {
  /** Serves `data` synchronously (the scan's on-demand reads); counts the requests. */
  function syncBridge(data: Uint8Array) {
    const asked: [number, number][] = [];
    const bridge = {
      request(req: RangeRequest): RangeReply {
        asked.push([req.start, req.end]);
        const bytes = data.slice(req.start, req.end);
        return {
          id: asked.length,
          ok: true,
          bytes,
          size: data.length,
          etag: '"v1"',
          lastModified: null,
          finalUrl: req.url,
          requests: 1,
          redirects: 0,
          received: bytes.length,
        };
      },
      take: () => undefined,
    };
    return { bridge: bridge as unknown as SyncBridge, asked };
  }
  const data = new Uint8Array(randomBytes(20_000));
  const fileWith = (extents: [number, number][]): RemoteFile => ({
    url: 'http://127.0.0.1:1/f.bin',
    size: data.length,
    validator: { etag: '"v1"', lastModified: null },
    head: data.slice(0, 100),
    prefetched: extents.map(([s, e]) => ({ start: s, bytes: data.slice(s, e) })),
    allowHttp: false,
  });
  const open = (extents: [number, number][], cacheBytes = DEFAULT_REMOTE_OPTIONS.cacheBytes) => {
    const { bridge, asked } = syncBridge(data);
    const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
    const opts = { ...DEFAULT_REMOTE_OPTIONS, cacheBytes, minFetch: 64 };
    return { src: new RemoteSource({ chain: ['f.bin'] }, fileWith(extents), bridge, opts, cost), asked };
  };

  it('overlapping, adjacent and nested extents serve a read without a request; a gap is asked for', () => {
    // [200,300) and [250,400) overlap, [400,500) touches the second, [1500,1600) lies inside [1000,5000).
    const { src, asked } = open([
      [200, 300],
      [250, 400],
      [400, 500],
      [1000, 5000],
      [1500, 1600],
    ]);
    const cases: [number, number, boolean][] = [
      [260, 100, false], // inside the overlapping one
      [350, 100, false], // across two touching extents
      [1550, 200, false], // the nearest start does not reach its end; the long extent before it does
      [4990, 10, false], // the long extent's last bytes
      [150, 100, true], // [150,200) is missing
      [4995, 10, true], // one past the long extent
    ];
    for (const [offset, length, fetches] of cases) {
      const before = asked.length;
      assert.deepEqual(src.read(offset, length), data.subarray(offset, offset + length), `${offset}+${length}`);
      assert.equal(asked.length > before, fetches, `${offset}+${length}: ${JSON.stringify(asked.slice(before))}`);
    }
    assert.equal(src.failure(), undefined);
  });

  it('random extents and reads: the bytes of the file, asked for only when some byte is not cached', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 20; round++) {
      const extents: [number, number][] = Array.from({ length: 40 }, () => {
        const s = rand(data.length - 1);
        return [s, Math.min(data.length, s + 1 + rand(round % 2 ? 3000 : 200))];
      });
      const { src, asked } = open(extents);
      const have = new Uint8Array(data.length);
      for (const [s, e] of [[0, 100] as [number, number], ...extents]) have.fill(1, s, e);
      for (let k = 0; k < 60; k++) {
        const offset = rand(data.length);
        const length = 1 + rand(400);
        const end = Math.min(data.length, offset + length);
        const cached = have.subarray(offset, end).every((b) => b === 1);
        const before = asked.length;
        assert.deepEqual(src.read(offset, length), data.subarray(offset, end));
        assert.equal(asked.length === before, cached, `round ${round}, read ${offset}+${length}`);
        for (const [s, e] of asked.slice(before)) have.fill(1, s, e);
      }
    }
  });

  it('past the cache size, extents are dropped and read again, still the same bytes', () => {
    const { src, asked } = open(
      Array.from({ length: 50 }, (_, i) => [i * 400, i * 400 + 300] as [number, number]),
      2000,
    );
    for (let i = 49; i >= 0; i--)
      assert.deepEqual(src.read(i * 400 + 10, 200), data.subarray(i * 400 + 10, i * 400 + 210));
    assert.ok(asked.length > 0, 'a dropped extent is asked for again');
  });
});
