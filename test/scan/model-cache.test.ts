// Model caches as they sit on disk: a Hugging Face hub cache tree (blobs/ plus snapshots/<rev>/ of relative
// symlinks, as huggingface_hub writes it) is scanned through its snapshot paths, every blob once, and reported
// under every path naming it exactly as a plain copy at that path would be; a symlink leaving the cache is still
// reported, and configured cache roots extend what is followed.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileScanner, scanPaths, type ScanResult } from '../../src/scan/engine.js';
import { P, evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
let hub: string;
let repo: string;
const REV1 = 'a'.repeat(40);
const REV2 = 'b'.repeat(40);

/** Writes `content` as a blob and links `snapshots/<rev>/<name>` to it with a relative path. */
function put(rev: string, name: string, content: Uint8Array | string): void {
  const hash = createHash('sha256').update(content).digest('hex');
  const blob = join(repo, 'blobs', hash);
  writeFileSync(blob, content);
  const link = join(repo, 'snapshots', rev, name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), blob), link);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-hf-'));
  hub = join(dir, 'hub');
  repo = join(hub, 'models--org--name');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(repo, 'refs'));
  writeFileSync(join(repo, 'refs', 'main'), REV2);
  const config = '{"model_type": "gpt2"}\n';
  for (const rev of [REV1, REV2]) {
    put(rev, 'config.json', config);
    put(rev, 'pytorch_model.bin', evilPickle());
  }
  put(REV2, 'tokenizer/vocab.pkl', new P().proto(4).emptyDict().stop().bytes());
  put(REV2, 'extra.pkl', new P().proto(2).stackGlobal('mylib', 'Net').stop().bytes());
  writeFileSync(join(dir, 'outside.pkl'), evilPickle());
  symlinkSync(
    relative(join(repo, 'snapshots', REV2), join(dir, 'outside.pkl')),
    join(repo, 'snapshots', REV2, 'escape.pkl'),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const snap = (rev: string, name: string): string => join(repo, 'snapshots', rev, name);

function rulesAt(r: ScanResult, path: string): string[] {
  return r.findings.filter((f) => f.location.chain[0] === path).map((f) => f.ruleId);
}

describe('Hugging Face hub cache', () => {
  it('the whole cache: every snapshot file reported by its snapshot path, every blob read once', async () => {
    const r = await scanPaths([hub]);
    const files = r.files.map((f) => relative(hub, f.path)).sort();
    const s = (rev: string, n: string): string => join('models--org--name', 'snapshots', rev, n);
    assert.deepEqual(
      files,
      [
        join('models--org--name', 'refs', 'main'),
        s(REV1, 'config.json'),
        s(REV1, 'pytorch_model.bin'),
        s(REV2, 'config.json'),
        s(REV2, 'extra.pkl'),
        s(REV2, 'pytorch_model.bin'),
        s(REV2, join('tokenizer', 'vocab.pkl')),
      ].sort(),
    );
    // refs/main, config.json, pytorch_model.bin, extra.pkl, vocab.pkl: the two revisions share two blobs.
    assert.equal(r.scannedFiles, 5);
    for (const rev of [REV1, REV2]) assert.ok(rulesAt(r, snap(rev, 'pytorch_model.bin')).includes('PICKLE-EXEC'));
    const fp = (rev: string): string[] =>
      r.findings.filter((f) => f.location.chain[0] === snap(rev, 'pytorch_model.bin')).map((f) => f.fingerprint);
    assert.equal(fp(REV1).length, fp(REV2).length);
    assert.notDeepEqual(fp(REV1), fp(REV2));
    assert.deepEqual(rulesAt(r, snap(REV2, 'escape.pkl')), ['SCAN-INCOMPLETE']);
    assert.match(r.findings.find((f) => f.location.chain[0] === snap(REV2, 'escape.pkl'))!.evidence.signal, /outside/);
  });

  it('a snapshot folder: links into the repository blobs are followed, an escaping link is reported', async () => {
    const root = join(repo, 'snapshots', REV2);
    const r = await scanPaths([root]);
    assert.deepEqual(r.files.map((f) => relative(root, f.path)).sort(), [
      'config.json',
      'extra.pkl',
      'pytorch_model.bin',
      join('tokenizer', 'vocab.pkl'),
    ]);
    assert.ok(rulesAt(r, join(root, 'pytorch_model.bin')).includes('PICKLE-EXEC'));
    assert.ok(rulesAt(r, join(root, 'extra.pkl')).includes('PICKLE-GLOBAL-IMPORT'));
    assert.deepEqual(rulesAt(r, join(root, 'escape.pkl')), ['SCAN-INCOMPLETE']);
    assert.equal(r.errors.length, 0);
  });

  it('reports a linked tree exactly as a tree of plain copies (locations, fingerprints, pickles)', async () => {
    const copy = join(dir, 'copy');
    cpSync(hub, copy, { recursive: true, dereference: true });
    rmSync(join(copy, 'models--org--name', 'blobs'), { recursive: true });
    rmSync(join(copy, 'models--org--name', 'snapshots', REV2, 'escape.pkl'));
    rmSync(join(hub, 'models--org--name', 'snapshots', REV2, 'escape.pkl'));
    try {
      const linked = await scanPaths([hub]);
      const plain = await scanPaths([copy]);
      const norm = (r: ScanResult, root: string) =>
        JSON.parse(
          JSON.stringify({ ...r, durationMs: 0, scannedFiles: 0 })
            .split(root)
            .join('<root>'),
        ) as unknown;
      assert.deepEqual(norm(linked, hub), norm(plain, copy));
      assert.ok(linked.scannedFiles! < plain.scannedFiles!);
    } finally {
      symlinkSync(
        relative(join(repo, 'snapshots', REV2), join(dir, 'outside.pkl')),
        join(repo, 'snapshots', REV2, 'escape.pkl'),
      );
    }
  });

  it('a configured cache root: links anywhere inside it are followed when the scan path lies inside it', async () => {
    const root = join(dir, 'home');
    mkdirSync(join(root, 'store'), { recursive: true });
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'store', 'w.pkl'), evilPickle());
    symlinkSync(join('..', 'store', 'w.pkl'), join(root, 'models', 'w.pkl'));
    const scan = join(root, 'models');
    const without = await scanPaths([scan]);
    assert.deepEqual(rulesAt(without, join(scan, 'w.pkl')), ['SCAN-INCOMPLETE']);
    const withRoot = await scanPaths([scan], { cacheRoots: [root] });
    assert.ok(rulesAt(withRoot, join(scan, 'w.pkl')).includes('PICKLE-EXEC'));
    const elsewhere = await scanPaths([scan], { cacheRoots: [join(dir, 'hub')] });
    assert.deepEqual(rulesAt(elsewhere, join(scan, 'w.pkl')), ['SCAN-INCOMPLETE']);
  });

  it('a job whose worker died is SCAN-INCOMPLETE on every path naming the content', () => {
    const scanner = new FileScanner({});
    const target = { arg: hub, abs: hub, isDirectory: true };
    const members = [REV1, REV2].map((rev, index) => ({
      index,
      path: snap(rev, 'pytorch_model.bin'),
      stable: `models--org--name/snapshots/${rev}/pytorch_model.bin`,
      target,
      size: 10,
    }));
    const out = scanner.crashed({ members }, 'the worker scanning this file stopped (exit code 1)', false);
    assert.equal(out.length, 2);
    for (const [k, o] of out.entries()) {
      assert.equal(o.path, members[k]!.path);
      assert.deepEqual(
        o.findings.map((f) => [f.ruleId, f.where]),
        [['SCAN-INCOMPLETE', members[k]!.path]],
      );
      assert.equal(o.errors.length, 1);
    }
  });
});
