// One read of each byte: a signed folder in the `files` serialization with sha256 is verified from the digests the
// scan took while reading its files (the verdict says how many and how many bytes; scripts/bench-signatures.mjs
// counts the bytes the process reads); a file the scan did not read, a scan without digests and shards that are
// not whole files are hashed by the signature check itself. The board refuses a digest of another file (same path,
// another inode; the same inode rewritten).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import { DigestBoard, type ReuseCount } from '../../src/scan/digest-board.js';
import type { HashJob } from '../../src/provenance/hash-ranges.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { safetensors } from '../helpers/model-builders.js';
import { ecKeyPair, signModel, type Signer } from '../helpers/oms-sign.js';

let tmp = '';
let keyPem = '';
let signer: Signer;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sentinel-digest-reuse-'));
  const pair = ecKeyPair('P-256');
  signer = { kind: 'key', ...pair };
  keyPem = join(tmp, 'release.pub.pem');
  writeFileSync(keyPem, pair.publicKey.export({ type: 'spki', format: 'pem' }));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

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
    assert.equal(fromScan(r), `3 file digest(s) (${total} bytes) taken from the scan's read of the same files`);
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
    assert.ok(fromScan(r)?.startsWith('3 file digest(s)'));
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
    assert.ok(fromScan(r)?.startsWith('2 file digest(s)'), fromScan(r));

    const sh = folder('shards');
    signModel(sh, join(sh, 'model.sig'), signer, { method: 'shards', shardSize: 1 << 20 });
    const s = await scan(sh, { signatures: { require: true, keys: [keyPem] } });
    assert.equal(s.signatures?.[0]?.manifest, 'match');
    // Only config.json fits in one shard: its one range is the whole file.
    assert.ok(fromScan(s)?.startsWith('1 file digest(s)'), fromScan(s));
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
