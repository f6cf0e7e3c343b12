// 7z entries larger than the streaming threshold (lowered here), in archives the 7z CLI makes at test time: they are
// extracted in a worker thread and read on demand, never held: the same bytes and errors as the held extraction, a
// backward read restarts the extraction, a worker that fails, hangs, dies or needs more memory than it may use ends as
// a typed error with every worker terminated, and a scan finds the same things (a payload at the end of a streamed
// pickle) as the held scan.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CorruptError, LimitError, UnsupportedError } from '../../../src/core/errors.js';
import { EntryExtraction, extractionWorkers } from '../../../src/formats/sevenzip/entry-extraction.js';
import {
  extract7z,
  extract7zEach,
  SEVEN_ZIP_HOLD_BYTES,
  type SevenZipFile,
  type SevenZipOptions,
} from '../../../src/formats/sevenzip/index.js';
import { resolveSevenZipModule } from '../../../src/formats/sevenzip/seven-zip-runtime.js';
import { bytesInput } from '../../../src/formats/sevenzip/start-header.js';
import { sevenZipExpander } from '../../../src/scan/expand/sevenzip.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { sha256 } from '../zip/container-manifest.js';

const SEVEN_ZIP = '/usr/bin/7z';
const MB = 1024 * 1024;
const STREAM_ABOVE = 256 * 1024;
const OPTS: SevenZipOptions = { maxEntries: 100, maxEntryBytes: 64 * MB, streamAboveBytes: STREAM_ABOVE };
const FAKE = join(import.meta.dirname, 'fake-7z-wasm.cjs');
const loc = { chain: ['t.7z'] };

/** Deterministic bytes that compress somewhat (a small alphabet from xorshift). */
function varied(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = 97 + ((s >>> 0) % 16);
  }
  return out;
}

/** A protocol-2 pickle: a list of `items` 16-character strings, then os.system('true') appended at its end. */
function pickleWithPayloadAtEnd(items: number): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x80, 2, 0x5d)];
  const str = (s: Uint8Array) => {
    const h = Buffer.alloc(5);
    h[0] = 0x58; // BINUNICODE
    h.writeUInt32LE(s.length, 1);
    return Buffer.concat([h, s]);
  };
  const text = varied(items * 16, 7);
  for (let i = 0; i < items; i++) parts.push(str(text.subarray(i * 16, i * 16 + 16)), Uint8Array.of(0x61)); // APPEND
  parts.push(Buffer.from('cos\nsystem\n', 'latin1'), str(Buffer.from('true')), Uint8Array.of(0x85, 0x52, 0x61, 0x2e));
  return Buffer.concat(parts);
}

const waitForWorkers = async () => {
  for (let i = 0; i < 100 && extractionWorkers.running > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(extractionWorkers.running, 0, 'every extraction worker ended');
};

const collect = async (bytes: Uint8Array, opts: SevenZipOptions, specifier?: string) => {
  const out = new Map<string, { digest?: string; error?: string; streamed: boolean }>();
  await extract7zEach(
    bytes,
    opts,
    (f: SevenZipFile) => {
      let digest: string | undefined;
      if (f.streamed) {
        const s = f.streamed.source(loc);
        const all = new Uint8Array(s.size);
        for (let o = 0; o < s.size; o += 100_000) all.set(s.read(o, 100_000), o);
        digest = sha256(all);
      } else if (f.data) digest = sha256(f.data);
      out.set(f.entry.name, {
        ...(digest ? { digest } : {}),
        ...(f.error ? { error: f.error.name } : {}),
        streamed: !!f.streamed,
      });
    },
    specifier,
  );
  return out;
};

describe('7z entries above the streaming threshold', { skip: !existsSync(SEVEN_ZIP) && 'no 7z CLI' }, () => {
  let dir = '';
  let archive: Uint8Array;
  const files: Record<string, Uint8Array> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-7z-stream-'));
    files['small.txt'] = Buffer.from('hello\n');
    files['model.pkl'] = pickleWithPayloadAtEnd(150_000); // ~3.3 MB, the payload in its last bytes
    files['data.bin'] = varied(10 * MB, 3);
    for (const [name, b] of Object.entries(files)) writeFileSync(join(dir, name), b);
    // Solid, so that extracting a later entry decodes the earlier ones first.
    execFileSync(SEVEN_ZIP, ['a', '-bd', '-mx1', '-ms=on', join(dir, 'a.7z'), ...Object.keys(files)], {
      cwd: dir,
      stdio: 'ignore',
    });
    archive = new Uint8Array(readFileSync(join(dir, 'a.7z')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** 32 MiB of zeros and a 4-byte file in one solid block with a 32 MiB LZMA2 dictionary (the module starts at 16). */
  let dict: Uint8Array | undefined;
  const dictArchive = (): Uint8Array => {
    if (dict) return dict;
    writeFileSync(join(dir, 'z.bin'), new Uint8Array(32 * MB));
    writeFileSync(join(dir, 's.txt'), 'tiny');
    const path = join(dir, 'dict.7z');
    execFileSync(SEVEN_ZIP, ['a', '-bd', '-m0=LZMA2:d=32m', '-mx1', '-ms=on', path, 'z.bin', 's.txt'], {
      cwd: dir,
      stdio: 'ignore',
    });
    dict = new Uint8Array(readFileSync(path));
    return dict;
  };

  it('hands out the same bytes as the held extraction; small entries are still held', async () => {
    const started = extractionWorkers.started;
    const held = await extract7z(archive, OPTS);
    assert.equal(extractionWorkers.started, started, 'extract7z holds everything');
    const streamed = await collect(archive, OPTS);
    for (const f of held.files) {
      assert.equal(f.error, undefined);
      assert.equal(sha256(f.data!), sha256(files[f.entry.name]!), f.entry.name);
      assert.deepEqual(streamed.get(f.entry.name), {
        digest: sha256(f.data!),
        streamed: f.entry.size > STREAM_ABOVE,
      });
    }
    assert.ok(extractionWorkers.started > started);
    await waitForWorkers();
  });

  it('a read behind the window restarts the extraction; every read returns the entry bytes', async () => {
    const want = files['data.bin']!;
    await extract7zEach(archive, OPTS, (f) => {
      if (f.entry.name !== 'data.bin') return;
      const s = f.streamed!.source(loc);
      assert.equal(s.size, want.length);
      const reads: [number, number][] = [
        [10, 100], // head, kept
        [want.length - 50, 50], // tail, kept
        [8 * MB, 300_000], // forward, before the kept tail: extracted on demand
        [MB + 500_000, 1000], // behind the window (it keeps 4 MiB and the pull in progress): a restart
        [MB + 600_000, 70_000],
        [3 * MB - 5, 2 * MB], // across many pulls
      ];
      for (const [o, n] of reads) assert.ok(Buffer.from(s.read(o, n)).equals(want.subarray(o, o + n)), `read(${o})`);
      assert.equal(s.restarts, 1);
      const into = new Uint8Array(4096);
      assert.equal(s.readInto(1 * MB + 3, into), 4096);
      assert.ok(Buffer.from(into).equals(want.subarray(MB + 3, MB + 3 + 4096)));
    });
    await waitForWorkers();
  });

  it('damaged archives: the same entries fail, with the same error types, as in the held extraction', async () => {
    // Flips inside the packed streams (after the 32-byte signature header, before the end header).
    let failed = 0;
    for (const at of [200, 90_000, archive.length - 400]) {
      const bad = archive.slice();
      bad[at]! ^= 0x55;
      let held: Map<string, string>;
      try {
        const x = await extract7z(bad, OPTS);
        held = new Map(x.files.map((f) => [f.entry.name, f.error ? f.error.name : sha256(f.data!)]));
      } catch (e) {
        await assert.rejects(collect(bad, OPTS), (f: unknown) => (f as Error).name === (e as Error).name);
        continue;
      }
      const streamed = await collect(bad, OPTS);
      for (const [name, got] of streamed) {
        assert.equal(got.error ?? got.digest, held.get(name), `${name}, flip at ${at}`);
        if (got.error) failed++;
      }
    }
    assert.ok(failed > 0, 'some streamed entry failed');
    await waitForWorkers();
  });

  describe('a worker that fails ends as that entry’s typed error, and is terminated', () => {
    const modes: [string, (e: unknown) => boolean][] = [
      ['throw', (e) => e instanceof CorruptError && /fake 7-Zip failure/.test(e.message)],
      ['exit', (e) => e instanceof CorruptError && /worker exited \(code 9\)/.test(e.message)],
      ['hang', (e) => e instanceof LimitError && e.limit === 'maxFileSeconds'],
    ];
    for (const [mode, check] of modes) {
      it(mode, async () => {
        process.env['SENTINEL_FAKE_7Z'] = mode;
        try {
          const errors = new Map<string, unknown>();
          await extract7zEach(
            archive,
            // The deadline only for the hang: a slow machine must not turn the other failures into timeouts.
            mode === 'hang' ? { ...OPTS, deadline: Date.now() + 1500 } : OPTS,
            (f) => void errors.set(f.entry.name, f.error ?? (f.data ? 'held' : 'nothing')),
            FAKE,
          );
          assert.equal(errors.get('small.txt'), 'held');
          for (const name of ['model.pkl', 'data.bin']) assert.ok(check(errors.get(name)), String(errors.get(name)));
        } finally {
          delete process.env['SENTINEL_FAKE_7Z'];
        }
        await waitForWorkers();
      });
    }

    it('a coder that needs more memory than the worker may use: UnsupportedError(7z-memory)', async () => {
      const extract = (memoryCap?: number) => {
        const x = new EntryExtraction({
          modulePath: resolveSevenZipModule(),
          input: bytesInput(dictArchive()),
          args: ['x', '-so', '-t7z', '/in/archive.7z', '-spd', '--', 'z.bin'],
          name: 'z.bin',
          skip: 0,
          size: 32 * MB,
          total: 32 * MB,
          verify: true,
          ...(memoryCap ? { memoryCap } : {}),
        });
        let n = 0;
        for (let c = x.pull(); c.length > 0; c = x.pull()) n += c[0]!.length;
        return n;
      };
      assert.equal(extract(), 32 * MB);
      assert.throws(
        () => extract(20 * MB),
        (e: unknown) => e instanceof UnsupportedError && e.feature === '7z-memory' && /20 MiB/.test(e.message),
      );
      await waitForWorkers();
    });

    it('a batch this thread’s 7-Zip cannot allocate for goes to worker threads; refused there, no more workers', async () => {
      const bytes = dictArchive();
      const small = { maxEntries: 100, maxEntryBytes: 64 * MB };
      const held = await collect(bytes, small);
      assert.deepEqual(
        [...held.values()].map((v) => v.streamed),
        [false, false],
      );
      assert.equal(held.get('s.txt')?.digest, sha256(Buffer.from('tiny')));
      // This thread may not allocate the 32 MiB dictionary: both entries are extracted by workers, same bytes.
      const viaWorkers = await collect(bytes, { ...small, runtimeMemoryCap: 20 * MB });
      assert.deepEqual(
        [...viaWorkers.entries()],
        [...held.entries()].map(([k, v]) => [k, { ...v, streamed: true }]),
      );
      // Nor may the workers: the first entry's worker fails, the next entry is refused without one.
      const started = extractionWorkers.started;
      const refused = await collect(bytes, { ...small, runtimeMemoryCap: 20 * MB, workerMemoryCap: 20 * MB });
      assert.deepEqual(
        [...refused.values()],
        [
          { error: 'UnsupportedError', streamed: false },
          { error: 'UnsupportedError', streamed: false },
        ],
      );
      assert.equal(extractionWorkers.started, started + 1);
      await waitForWorkers();
    });

    it('silent death: taken for dead when it makes no progress for the stall time', async () => {
      process.env['SENTINEL_FAKE_7Z'] = 'silent';
      try {
        const x = new EntryExtraction({
          modulePath: resolveSevenZipModule(FAKE),
          input: bytesInput(archive),
          args: ['x', '-so', '-t7z', '/in/archive.7z', '-spd', '--', 'data.bin'],
          name: 'data.bin',
          skip: 0,
          size: files['data.bin']!.length,
          total: files['data.bin']!.length,
          verify: true,
          stallMs: 1000,
        });
        assert.throws(
          () => {
            while (x.pull().length > 0);
          },
          (e: unknown) => e instanceof CorruptError && /stopped responding/.test(e.message),
        );
      } finally {
        delete process.env['SENTINEL_FAKE_7Z'];
      }
      await waitForWorkers();
    });
  });

  it('a scan finds the same things streamed as held: the payload at the end of a streamed pickle', async () => {
    const findings = async () =>
      (await scanBytes('a.7z', archive)).findings.map((f) => `${f.ruleId} ${f.location.chain.join(' ')}`).sort();
    const held = await findings();
    const started = extractionWorkers.started;
    sevenZipExpander.holdBytes = STREAM_ABOVE;
    let streamed: string[];
    try {
      streamed = await findings();
    } finally {
      sevenZipExpander.holdBytes = SEVEN_ZIP_HOLD_BYTES;
    }
    assert.ok(extractionWorkers.started > started, 'the large entries were streamed');
    assert.deepEqual(streamed, held);
    assert.ok(
      held.some((f) => f.startsWith('PICKLE-EXEC') && f.includes('model.pkl')),
      held.join('\n'),
    );
    await waitForWorkers();
  });
});
