// One read of each byte: a signed folder in the `files` serialization with sha256 is verified from the digests the
// scan took while reading its files (the verdict says how many and how many bytes; scripts/bench-signatures.mjs
// counts the bytes the process reads); a file the scan did not read, a scan without digests and shards that are
// not whole files are hashed by the signature check itself. The board refuses a digest of another file (same path,
// another inode; the same inode rewritten).
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import { DigestBoard, type ReuseCount } from '../../src/scan/digest-board.js';
import type { HashJob } from '../../src/provenance/hash-ranges.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { safetensors } from '../helpers/model-builders.js';
import { signingKit, signModel } from '../helpers/oms-sign.js';

const { tmp, keyPem, signer } = signingKit('sentinel-digest-reuse-');

/** Two safetensors files over 1 MiB (read in windows by the scan) and one small config. */
function folder(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const i of [1, 2])
    writeFileSync(
      join(dir, `model-0000${i}-of-00002.safetensors`),
      safetensors([{ name: `w${i}`, dtype: 'F32', shape: [512, 700 + i] }]),
    );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'mlp' }));
  return dir;
}

const fromScan = (r: SentinelReport): string | undefined =>
  r.signatures?.[0]?.checks.find((c) => c.id === 'digests-from-scan')?.detail;

describe('signature digests from the scan', () => {
  it('a files/sha256 signature is checked from the scan digests: every file, no second read', async () => {
    const dir = folder('files');
    signModel(dir, join(dir, 'model.sig'), signer);
    const r = await scan(dir, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.equal(r.signatures?.[0]?.standing, 'valid');
    assert.equal(r.signatures?.[0]?.manifest, 'match');
    const total = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'config.json']
      .map((f) => statSync(join(dir, f)).size)
      .reduce((a, b) => a + b, 0);
    assert.equal(fromScan(r), `3 digest(s) (${total} bytes) taken from the scan's read of the same files`);
    // Every file scanned has its digest in the inventory (the signature file is scanned like any other).
    assert.equal(r.files.filter((f) => f.sha256).length, 4);
  });

  it('a changed byte is still SIGN-MISMATCH when the digest comes from the scan', async () => {
    const dir = folder('tampered');
    signModel(dir, join(dir, 'model.sig'), signer);
    const file = join(dir, 'model-00002-of-00002.safetensors');
    const b = readFileSync(file);
    b[b.length - 5] = b[b.length - 5]! ^ 0xff;
    writeFileSync(file, b);
    const r = await scan(dir, { signatures: { require: true, keys: [keyPem] } });
    assert.ok(fromScan(r)?.startsWith('3 digest(s)'));
    assert.equal(r.signatures?.[0]?.manifest, 'mismatch');
    assert.deepEqual(
      r.signatures?.[0]?.problems.map((p) => [p.kind, p.path]),
      [['changed', 'model-00002-of-00002.safetensors']],
    );
    assert.ok(r.findings.some((f) => f.ruleId === 'SIGN-MISMATCH'));
  });

  it('without the scan digests (sha256: false) the check hashes the files itself', async () => {
    const dir = folder('no-sha');
    signModel(dir, join(dir, 'model.sig'), signer);
    const r = await scan(dir, { signatures: { require: true, keys: [keyPem] }, sha256: false });
    assert.equal(r.signatures?.[0]?.manifest, 'match');
    assert.equal(fromScan(r), undefined);
    assert.equal(
      r.signatures?.[0]?.bytesHashed,
      r.files.reduce((n, f) => n + f.bytes, 0) - statSync(join(dir, 'model.sig')).size,
    );
  });

  it('files the scan leaves out (policy exclude) are hashed by the check; shards are hashed unless whole files', async () => {
    const dir = folder('excluded');
    signModel(dir, join(dir, 'model.sig'), signer);
    const r = await scan(dir, { signatures: { require: true, keys: [keyPem] }, exclude: ['config.json'] });
    assert.equal(r.signatures?.[0]?.manifest, 'match');
    assert.ok(fromScan(r)?.startsWith('2 digest(s)'), fromScan(r));
  });
});

/** Bytes of the files the signature covers (everything but the signature file). */
const signedBytes = (dir: string): number =>
  ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'config.json']
    .map((f) => statSync(join(dir, f)).size)
    .reduce((a, b) => a + b, 0);

describe('shard digests from the scan (one read for the whole-file and the shard digests)', () => {
  it('every shard of a shards/sha256 signature comes from the scan (one thread: every file)', async () => {
    const sh = folder('shards');
    // Two 1 MiB shards of each safetensors file (1.4 MB) and one of config.json.
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 1 << 20 });
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.equal(s.signatures?.[0]?.standing, 'valid');
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    assert.equal(fromScan(s), `5 digest(s) (${signedBytes(sh)} bytes) taken from the scan's read of the same files`);
    // The whole-file digests are still in the inventory.
    assert.equal(s.files.filter((f) => f.sha256).length, 4);
  });

  it('blake2b shards and shard sizes that do not divide the read windows', async () => {
    const sh = folder('shards-b2');
    // 300,007-byte shards: boundaries fall inside the scan's windows and inside the 1 MiB whole-file reads.
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 300_007, hashType: 'blake2b' });
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    const shards = [1, 2]
      .map((i) => Math.ceil(statSync(join(sh, `model-0000${i}-of-00002.safetensors`)).size / 300_007))
      .reduce((a, b) => a + b, 1);
    assert.equal(
      fromScan(s),
      `${shards} digest(s) (${signedBytes(sh)} bytes) taken from the scan's read of the same files`,
    );
  });

  it('a changed byte is SIGN-MISMATCH on its shard when the shard digests come from the scan', async () => {
    const sh = folder('shards-tampered');
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 1 << 20 });
    const file = join(sh, 'model-00001-of-00002.safetensors');
    const b = readFileSync(file);
    b[(1 << 20) + 17] = b[(1 << 20) + 17]! ^ 0x01;
    writeFileSync(file, b);
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.ok(fromScan(s)?.startsWith('5 digest(s)'), fromScan(s));
    assert.equal(s.signatures?.[0]?.manifest, 'mismatch');
    assert.deepEqual(
      s.signatures?.[0]?.problems.map((p) => [p.kind, p.path]),
      [['changed', `model-00001-of-00002.safetensors:${1 << 20}:${b.length}`]],
    );
    assert.ok(s.findings.some((f) => f.ruleId === 'SIGN-MISMATCH'));
  });

  it("on two threads a file larger than one thread's share is left to the check's workers", async () => {
    const sh = join(tmp, 'shards-big');
    mkdirSync(sh, { recursive: true });
    // 3 MB against 0.2 MB: the scanned bytes over two threads is 1.6 MB, below the big file.
    writeFileSync(join(sh, 'big.safetensors'), safetensors([{ name: 'w', dtype: 'F32', shape: [1000, 750] }]));
    writeFileSync(join(sh, 'small.safetensors'), safetensors([{ name: 'v', dtype: 'F32', shape: [100, 500] }]));
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 1 << 20 });
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 2 });
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    const small = statSync(join(sh, 'small.safetensors')).size;
    assert.equal(fromScan(s), `1 digest(s) (${small} bytes) taken from the scan's read of the same files`);
    assert.equal(s.signatures?.[0]?.bytesHashed, small + statSync(join(sh, 'big.safetensors')).size);
  });

  it('a shard size below 64 KiB is not taken by the scan (an unverified bundle cannot make it hash every few bytes)', async () => {
    const sh = folder('shards-tiny');
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 4096 });
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    // Only config.json (20 bytes, one shard that is the whole file) comes from the scan's whole-file digest.
    assert.equal(fromScan(s), "1 digest(s) (20 bytes) taken from the scan's read of the same files");
    assert.equal(s.signatures?.[0]?.bytesHashed, signedBytes(sh));
  });

  it('a signature whose bundle cannot be read ahead leaves the scan without shard digests (still verified)', async () => {
    const sh = folder('shards-files');
    // A files signature: no shard plan; every whole-file digest still comes from the scan.
    signModel(sh, join(sh, 'model.sig'), signer);
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] }, jobs: 1 });
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    assert.ok(fromScan(s)?.startsWith('3 digest(s)'), fromScan(s));
  });
});

describe('DigestBoard', () => {
  const job = (abs: string): HashJob => ({ abs, start: 0, end: statSync(abs).size });

  it('answers a whole-file sha256 job only for the same file as it is now', async () => {
    const dir = join(tmp, 'board');
    mkdirSync(dir, { recursive: true });
    const a = join(dir, 'a.bin');
    writeFileSync(a, 'aaaa');
    const st = statSync(a);
    const board = new DigestBoard();
    board.add({
      id: `${st.dev}:${st.ino}`,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      sha256: 'f'.repeat(64),
    });
    board.close();
    const inner = async (jobs: readonly HashJob[]): Promise<string[]> => jobs.map(() => 'hashed');
    const count: ReuseCount = { fromScan: 0, bytesFromScan: 0 };
    assert.deepEqual(await board.hasher(inner, count)([job(a)], 'sha256'), ['f'.repeat(64)]);
    assert.deepEqual(count, { fromScan: 1, bytesFromScan: 4 });
    // Another algorithm, or a range that is not the whole file, is never answered from the board.
    assert.deepEqual(await board.hasher(inner)([job(a)], 'blake2b'), ['hashed']);
    assert.deepEqual(await board.hasher(inner)([{ abs: a, start: 0, end: 2 }], 'sha256'), ['hashed']);
    // Another file at the same path (new inode), then the same inode rewritten with the same size.
    writeFileSync(join(dir, 'b.bin'), 'bbbb');
    renameSync(join(dir, 'b.bin'), a);
    assert.deepEqual(await board.hasher(inner)([job(a)], 'sha256'), ['hashed']);
    const st2 = statSync(a);
    const board2 = new DigestBoard();
    board2.add({
      id: `${st2.dev}:${st2.ino}`,
      size: 4,
      mtimeMs: st2.mtimeMs,
      ctimeMs: st2.ctimeMs,
      sha256: 'e'.repeat(64),
    });
    board2.close();
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(a, 'cccc');
    assert.deepEqual(await board2.hasher(inner)([job(a)], 'sha256'), ['hashed']);
  });

  it('answers a shard job only for an exact planned shard of the same file, in the planned algorithm', async () => {
    const dir = join(tmp, 'board-shards');
    mkdirSync(dir, { recursive: true });
    const a = join(dir, 'a.bin');
    writeFileSync(a, 'abcdefghij'); // 10 bytes: shards [0,4) [4,8) [8,10)
    const st = statSync(a);
    const board = new DigestBoard({ oms: 'sha256', size: 4 });
    assert.equal(board.shardDigests()?.algorithm, 'sha256');
    board.shardDigests()!.onPlan(10);
    board.add({
      id: `${st.dev}:${st.ino}`,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      sha256: 'f'.repeat(64),
      shards: { algorithm: 'sha256', size: 4, digests: ['0', '1', '2'] },
    });
    board.close();
    const inner = async (jobs: readonly HashJob[]): Promise<string[]> => jobs.map((j) => `hashed ${j.start}`);
    const count: ReuseCount = { fromScan: 0, bytesFromScan: 0 };
    const shardJobs = [0, 4, 8].map((start) => ({ abs: a, start, end: Math.min(10, start + 4) }));
    assert.deepEqual(await board.hasher(inner, count)(shardJobs, 'sha256'), ['0', '1', '2']);
    assert.deepEqual(count, { fromScan: 3, bytesFromScan: 10 });
    // A range that is not a planned shard, and the planned ranges in another algorithm, are hashed.
    assert.deepEqual(
      await board.hasher(inner)(
        [
          { abs: a, start: 0, end: 3 },
          { abs: a, start: 4, end: 10 },
        ],
        'sha256',
      ),
      ['hashed 0', 'hashed 4'],
    );
    assert.deepEqual(await board.hasher(inner)(shardJobs, 'blake2b'), ['hashed 0', 'hashed 4', 'hashed 8']);
    // A board planned for another shard size never answers from digests of this size.
    const other = new DigestBoard({ oms: 'sha256', size: 5 });
    other.shardDigests()!.onPlan(10);
    other.add({
      id: `${st.dev}:${st.ino}`,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      sha256: 'f'.repeat(64),
      shards: { algorithm: 'sha256', size: 4, digests: ['0', '1', '2'] },
    });
    other.close();
    assert.deepEqual(
      await other.hasher(inner)(
        [
          { abs: a, start: 0, end: 5 },
          { abs: a, start: 5, end: 10 },
        ],
        'sha256',
      ),
      ['hashed 0', 'hashed 5'],
    );
    // blake3 is not taken by the scan (no node:crypto BLAKE3): no plan for the engine.
    assert.equal(new DigestBoard({ oms: 'blake3', size: 4 }).shardDigests(), undefined);
  });

  it('sends shards of files above the planned size to the hasher at once, without waiting for the scan', async () => {
    const dir = join(tmp, 'board-shards-now');
    mkdirSync(dir, { recursive: true });
    const a = join(dir, 'a.bin');
    writeFileSync(a, 'abcdefghij');
    const board = new DigestBoard({ oms: 'sha256', size: 4 });
    board.shardDigests()!.onPlan(9); // the scan takes shards of files up to 9 bytes
    const shardJobs = [0, 4, 8].map((start) => ({ abs: a, start, end: Math.min(10, start + 4) }));
    // The scan never closes: the answer can only come from the inner hasher.
    const got = await board.hasher(async (jobs) => jobs.map((j) => `hashed ${j.start}`))(shardJobs, 'sha256');
    assert.deepEqual(got, ['hashed 0', 'hashed 4', 'hashed 8']);
  });

  it('waits for the scan to finish before answering', async () => {
    const dir = join(tmp, 'board-wait');
    mkdirSync(dir, { recursive: true });
    const a = join(dir, 'a.bin');
    writeFileSync(a, 'aaaa');
    const st = statSync(a);
    const board = new DigestBoard();
    const got = board.hasher(async (jobs) => jobs.map(() => 'hashed'))([job(a)], 'sha256');
    await new Promise((r) => setTimeout(r, 10));
    board.add({
      id: `${st.dev}:${st.ino}`,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      sha256: 'd'.repeat(64),
    });
    board.close();
    assert.deepEqual(await got, ['d'.repeat(64)]);
  });
});
