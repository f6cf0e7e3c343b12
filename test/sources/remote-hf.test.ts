// hf:// targets against a local stand-in for the Hub's documented endpoints (test/helpers/hub-server.mjs, the only
// simulated part): the revision is pinned to its commit (report targets and retest commands name it), listing
// pages are followed, LFS files are read through the storage redirect with range requests, HF_TOKEN is sent, and
// the report equals a local scan of the same folder (findings and fingerprints).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { after, before, describe, it } from 'node:test';
import { listTargets, scan, SentinelError } from '../../src/api/index.js';
import { CACHE_LAYOUT, ResultCache } from '../../src/scan/result-cache.js';
import { parseHfRef } from '../../src/sources/remote/hf-target.js';
import { evilPickle } from '../helpers/pickle-builder.js';
import { safetensors } from '../helpers/model-builders.js';
import { cli } from '../helpers/cli.js';
import { smallRepo, type SmallRepo } from '../helpers/small-repo.js';

const SHA = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';

async function startHub(
  dir: string,
  repo: string,
  token?: string,
): Promise<{ base: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', 'helpers', 'hub-server.mjs'), dir, repo, ...(token ? [token] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('hub server exited')));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

describe('hf:// references', () => {
  it('parses kinds, revisions and paths', () => {
    assert.deepEqual(parseHfRef('hf://org/name'), { kind: 'models', repo: 'org/name', revision: 'main', path: '' });
    assert.deepEqual(parseHfRef('hf://datasets/org/d@v1.0/a/b.pkl'), {
      kind: 'datasets',
      repo: 'org/d',
      revision: 'v1.0',
      path: 'a/b.pkl',
    });
    assert.equal(parseHfRef('hf://spaces/o/s@refs%2Fpr%2F3').revision, 'refs/pr/3');
    assert.throws(() => parseHfRef('hf://onlyorg'));
    assert.throws(() => parseHfRef('hf://o/n/../x'));
  });
});

describe('hf:// against a stand-in Hub', () => {
  let dir: string;
  let hub: { base: string; stop: () => Promise<void> };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-hf-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'] }));
    writeFileSync(join(dir, 'model.safetensors'), safetensors([{ name: 'w', dtype: 'F32', shape: [64, 64] }]));
    writeFileSync(join(dir, 'sub', 'evil.pkl'), Buffer.concat([Buffer.alloc(0), Buffer.from(evilPickle())]));
    writeFileSync(join(dir, 'README.md'), '# demo\n');
    hub = await startHub(dir, 'acme/demo', 'hf_testtoken');
  });
  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ HF_ENDPOINT: hub.base, HF_TOKEN: 'hf_testtoken' });

  it('pins the revision, lists every page, reads through redirects, equals the local scan', async () => {
    const r = await scan('hf://acme/demo', { remote: { env: env(), retries: 1 } });
    const local = await scan(dir);
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['README.md', 'config.json', 'model.safetensors', 'sub/evil.pkl'].map((p) => `hf://acme/demo@${SHA}/${p}`),
    );
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.fingerprint]),
      local.findings.map((f) => [f.ruleId, f.fingerprint]),
    );
    assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.ok(r.findings.every((f) => f.retest.startsWith(`sentinel scan hf://acme/demo@${SHA} `)));
    assert.deepEqual(
      r.files.map((f) => [f.formats, f.bytes]),
      local.files.map((f) => [f.formats, f.bytes]),
    );
    assert.ok(r.summary.remote!.requests >= 4 + 2);
  });

  it('a path inside the repository and a single file', async () => {
    const r = await scan(`hf://acme/demo@${SHA}/sub/evil.pkl`, { remote: { env: env() } });
    assert.deepEqual(
      r.files.map((f) => f.path),
      [`hf://acme/demo@${SHA}/sub/evil.pkl`],
    );
    const local = await scan(join(dir, 'sub', 'evil.pkl'));
    assert.deepEqual(
      r.findings.map((f) => f.fingerprint),
      local.findings.map((f) => f.fingerprint),
    );
  });

  it('a large file behind the storage redirect: read once through the redirect, then at the storage directly; its head, sniffed ranges and tail come while listing, several ranges answered whole are asked one by one', async () => {
    // 64 MiB of tensor data left as a hole (sparse), a header naming it; served by a stand-in of its own.
    const bigDir = mkdtempSync(join(tmpdir(), 'sentinel-hf-big-'));
    const header = Buffer.from(safetensors([{ name: 'w', dtype: 'F32', shape: [4096, 4096] }]).subarray(0, 8 + 96));
    const hlen = Number(header.readBigUInt64LE(0));
    const size = 8 + hlen + 4096 * 4096 * 4;
    const path = join(bigDir, 'model.safetensors');
    writeFileSync(path, header.subarray(0, 8 + hlen));
    truncateSync(path, size);
    const big = await startHub(bigDir, 'acme/big');
    try {
      const r = await scan(`hf://acme/big@${SHA}/model.safetensors`, {
        remote: { env: { HF_ENDPOINT: big.base }, retries: 1 },
      });
      const log = (await fetch(`${big.base}/__requests`).then((x) => x.json())) as { path: string; range: string }[];
      const local = await scan(path);
      assert.deepEqual(
        r.findings.map((f) => f.fingerprint),
        local.findings.map((f) => f.fingerprint),
      );
      assert.equal(r.summary.gate.passed, local.summary.gate.passed);
      // The first request follows the redirect; no later one goes through /resolve again.
      assert.equal(log.filter((q) => q.path.includes('/resolve/')).length, 1, JSON.stringify(log));
      // The stand-in answers several ranges with the whole file: they were asked again one by one, not read ahead.
      assert.ok(log.some((q) => q.range?.includes(',')));
      assert.ok(log.some((q) => q.range === `bytes=${size - 65557}-${size - 1}`));
      // Head (4 KiB), probes and tail (64 KiB): the pickle probe reads no more than the head holds.
      assert.ok(r.summary.remote!.bytesRead < 100_000, `read ${r.summary.remote!.bytesRead} bytes`);
      // Every request the stand-in served is counted, the hop through the storage redirect included, and the
      // redirect is also counted apart.
      assert.equal(r.summary.remote!.requests, log.length, JSON.stringify(log));
      assert.equal(r.summary.remote!.redirects, 1);
    } finally {
      await big.stop();
      rmSync(bigDir, { recursive: true, force: true });
    }
  });

  it('several shards at once: one trip through the redirect per shard, several ranges tried once per server', async () => {
    // Six 32 MiB shards (holes behind a header), probed at once while listing; the stand-in answers several ranges
    // with the whole file, as object stores do.
    const shardDir = mkdtempSync(join(tmpdir(), 'sentinel-hf-shards-'));
    const shards = 6;
    for (let s = 0; s < shards; s++) {
      const header = Buffer.from(safetensors([{ name: `w${s}`, dtype: 'F32', shape: [2048, 4096] }], { dataBytes: 0 }));
      const path = join(shardDir, `model-0000${s + 1}-of-0000${shards}.safetensors`);
      writeFileSync(path, header);
      truncateSync(path, header.length + 2048 * 4096 * 4);
    }
    const hubShards = await startHub(shardDir, 'acme/shards');
    try {
      const r = await scan(`hf://acme/shards@${SHA}`, {
        remote: { env: { HF_ENDPOINT: hubShards.base }, retries: 1 },
      });
      const log = (await fetch(`${hubShards.base}/__requests`).then((x) => x.json())) as {
        path: string;
        range: string | null;
      }[];
      const local = await scan(shardDir);
      assert.deepEqual(
        r.findings.map((f) => f.fingerprint),
        local.findings.map((f) => f.fingerprint),
      );
      assert.equal(r.files.length, shards);
      // Every shard's head, probes and tail are read, and each shard goes through /resolve once: its other ranges go
      // to the storage the redirect named (before, each range of a shard that did not ask first went through it).
      for (let s = 0; s < shards; s++) {
        const name = `model-0000${s + 1}-of-0000${shards}.safetensors`;
        assert.equal(log.filter((q) => q.path.endsWith('/' + name)).length, 1, JSON.stringify(log));
      }
      // One several-range request (through the redirect: two log lines), not one per shard: the others waited for
      // its answer and asked range by range.
      assert.equal(log.filter((q) => q.range?.includes(',')).length, 2, JSON.stringify(log));
      // Requests sent = requests served, each shard's redirect hop included; redirects = answers at /resolve (302).
      assert.equal(r.summary.remote!.requests, log.length, JSON.stringify(log));
      assert.equal(r.summary.remote!.redirects, shards);
    } finally {
      await hubShards.stop();
      rmSync(shardDir, { recursive: true, force: true });
    }
  });

  it('a safetensors header longer than the head: the rest of it is fetched while listing, exactly, no read-ahead', async () => {
    // 300 tensors: a header of ~22 KB, past the 4 KiB head; 75 MiB of data left as a hole.
    const bigDir = mkdtempSync(join(tmpdir(), 'sentinel-hf-header-'));
    const tensors = Array.from({ length: 300 }, (_, i) => ({ name: `layers.${i}.w`, dtype: 'F32', shape: [256, 256] }));
    const head = Buffer.from(safetensors(tensors, { dataBytes: 0 }));
    const hlen = Number(head.readBigUInt64LE(0));
    const size = 8 + hlen + 300 * 256 * 256 * 4;
    const path = join(bigDir, 'model.safetensors');
    writeFileSync(path, head);
    truncateSync(path, size);
    const big = await startHub(bigDir, 'acme/header');
    try {
      assert.ok(hlen > 16 * 1024, `header of ${hlen} bytes`);
      const r = await scan(`hf://acme/header@${SHA}/model.safetensors`, {
        remote: { env: { HF_ENDPOINT: big.base }, retries: 1 },
      });
      const log = (await fetch(`${big.base}/__requests`).then((x) => x.json())) as { path: string; range: string }[];
      const local = await scan(path);
      assert.deepEqual(
        r.findings.map((f) => f.fingerprint),
        local.findings.map((f) => f.fingerprint),
      );
      const models = (x: typeof r) => x.files[0]!.models?.map((m) => ({ ...m, where: '' }));
      assert.deepEqual(models(r), models(local));
      // The head (4 KiB, and the probe beside it), then exactly the rest of the header in one request of its own.
      const rest = log.filter((q) => new RegExp(`^bytes=(409[6-9]|410[0-4])-${8 + hlen - 1}$`).test(q.range ?? ''));
      assert.equal(rest.length, 1, JSON.stringify(log));
      // Header, sniffer probes (8 bytes at powers of two), the zip end-record tail and the listing's JSON (< 1 KB):
      // nothing read ahead (the 16 KiB read-ahead of an on-demand read would pass this).
      const probes = Math.ceil(Math.log2(size / 512)) * 8;
      const bound = 8 + hlen + 65557 + probes + 1000;
      assert.ok(r.summary.remote!.bytesRead <= bound, `read ${r.summary.remote!.bytesRead} bytes`);
    } finally {
      await big.stop();
      rmSync(bigDir, { recursive: true, force: true });
    }
  });

  it('tokenizer.json: judged by its head alone, remotely as locally (same findings), not fetched whole', async () => {
    const tokDir = mkdtempSync(join(tmpdir(), 'sentinel-hf-tok-'));
    const gadget = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    const vocab = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`tok${i}`, i]));
    const tokenizer = JSON.stringify({
      version: '1.0',
      model: { type: 'BPE', vocab, merges: [] },
      chat_template: gadget,
    });
    writeFileSync(join(tokDir, 'tokenizer.json'), tokenizer);
    // The same template where transformers reads it: reported, locally and remotely.
    writeFileSync(join(tokDir, 'tokenizer_config.json'), JSON.stringify({ chat_template: gadget }));
    const hubTok = await startHub(tokDir, 'acme/tok');
    try {
      const r = await scan('hf://acme/tok', { remote: { env: { HF_ENDPOINT: hubTok.base }, retries: 1 } });
      const local = await scan(tokDir);
      assert.deepEqual(
        r.findings.map((f) => [f.ruleId, f.fingerprint]),
        local.findings.map((f) => [f.ruleId, f.fingerprint]),
      );
      assert.deepEqual(
        r.findings
          .filter((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION')
          .map((f) => f.location.chain[0]!.split('/').pop()),
        ['tokenizer_config.json'],
      );
      const facts = (x: typeof r) => x.files.map((f) => [f.formats, f.models?.map((m) => ({ ...m, where: '' }))]);
      assert.deepEqual(facts(r), facts(local));
      // Its head, sniffer probes and the zip end-record tail, not its 300 KB.
      assert.ok(tokenizer.length > 300_000);
      assert.ok(r.summary.remote!.bytesRead < 4096 + 65557 + 200 + 1000, `read ${r.summary.remote!.bytesRead} bytes`);
    } finally {
      await hubTok.stop();
      rmSync(tokDir, { recursive: true, force: true });
    }
  });

  it('without the token the Hub refuses: a usage error naming HF_TOKEN; the CLI exits 2', async () => {
    await assert.rejects(
      scan('hf://acme/demo', { remote: { env: { HF_ENDPOINT: hub.base, HF_TOKEN_PATH: '/nonexistent' } } }),
      (e: unknown) => e instanceof SentinelError && /HF_TOKEN/.test(e.message),
    );
    const c = await cli(['artifact', 'hf://acme/demo@nope', '--format', 'json'], env());
    assert.equal(c.code, 2);
    assert.match(c.stderr, /HTTP 404/);
  });

  it('the token file is used when HF_TOKEN is not set', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sentinel-hfhome-'));
    try {
      writeFileSync(join(home, 'token'), 'hf_testtoken\n');
      const r = await scan('hf://acme/demo/sub', { remote: { env: { HF_ENDPOINT: hub.base, HF_HOME: home } } });
      assert.equal(r.files.length, 1);
      assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('--dry-run lists sizes and hashes from the listing alone (no file content read)', async () => {
    const l = await listTargets(['hf://acme/demo'], { remote: { env: env() } });
    assert.deepEqual(
      l.files.map((f) => [f.path.replace(`hf://acme/demo@${SHA}/`, ''), f.size, f.digest?.slice(0, 7)]),
      [
        ['README.md', 7, 'git-blo'],
        ['config.json', l.files[1]!.size, 'git-blo'],
        ['model.safetensors', l.files[2]!.size, 'sha256:'],
        ['sub/evil.pkl', l.files[3]!.size, 'git-blo'],
      ],
    );
    assert.equal(l.files[1]!.size, 51);
    // The revision, then two listing pages of three entries: nothing else.
    assert.equal(l.remote.requests, 3);
    const c = await cli(['artifact', 'hf://acme/demo', '--dry-run'], env());
    assert.equal(c.code, 0);
    assert.match(c.stdout, /4 files/);
    assert.match(c.stdout, new RegExp(`sha256:[0-9a-f]{64}  hf://acme/demo@${SHA}/model.safetensors`));
  });

  it('a repeat scan re-uses cached results by content hash: nothing but the listing is read', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sentinel-cache-'));
    try {
      const first = await scan('hf://acme/demo', { remote: { env: env(), cacheDir } });
      const again = await scan('hf://acme/demo', { remote: { env: env(), cacheDir } });
      assert.deepEqual(
        again.findings.map((f) => [f.ruleId, f.fingerprint, f.location]),
        first.findings.map((f) => [f.ruleId, f.fingerprint, f.location]),
      );
      assert.deepEqual(again.files, first.files);
      // model.safetensors (LFS sha256) is cached; the small files have only git blob ids, cached as well. The
      // listing of the commit is kept too: the revision request is the only one.
      assert.equal(again.summary.remote!.requests, 1, JSON.stringify(again.summary.remote));
      assert.ok(first.summary.remote!.requests > 3);
      // Another rule selection is another setup: read again (the kept listing still serves).
      const other = await scan('hf://acme/demo', { remote: { env: env(), cacheDir }, rules: ['PICKLE'] });
      assert.ok(other.summary.remote!.requests > 1);
      // A kept listing that does not read back as one is ignored: the tree is listed again (revision + 2 pages).
      const listings = join(cacheDir, 'listings-v1');
      for (const d of readdirSync(listings))
        for (const f of readdirSync(join(listings, d))) writeFileSync(join(listings, d, f), '{"key": 1}');
      const relisted = await scan('hf://acme/demo', { remote: { env: env(), cacheDir } });
      assert.equal(relisted.summary.remote!.requests, 3, JSON.stringify(relisted.summary.remote));
      assert.deepEqual(
        relisted.findings.map((f) => [f.ruleId, f.fingerprint]),
        first.findings.map((f) => [f.ruleId, f.fingerprint]),
      );
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('hf:// repeat scans: which revisions are asked again', () => {
  let repo: SmallRepo | undefined;
  let dir: string;
  let hub: { base: string; stop: () => Promise<void> };
  let cacheDir: string;
  before(async () => {
    repo = smallRepo('sentinel-hf-moves-');
    ({ dir, cacheDir } = repo);
    hub = await startHub(dir, 'acme/moves');
  });
  after(async () => {
    await hub?.stop();
    repo?.remove();
  });
  const opts = () => ({ remote: { env: { HF_ENDPOINT: hub.base }, cacheDir, retries: 0 } });
  const served = async () =>
    (await fetch(`${hub.base}/__requests`).then((x) => x.json())) as { path: string; range: string | null }[];

  it('a kept listing serves only the endpoint, repository and folder it was listed for', async () => {
    await scan(`hf://acme/moves@${SHA}`, opts());
    await served();
    // Same commit id, another repository: asked (the stand-in serves one repository: 404).
    await assert.rejects(scan(`hf://acme/other@${SHA}`, opts()), /HTTP 404/);
    // Same repository and commit through another endpoint (the same server by another name): asked.
    const viaName = await scan(`hf://acme/moves@${SHA}`, {
      remote: { env: { HF_ENDPOINT: hub.base.replace('127.0.0.1', 'localhost') }, cacheDir, retries: 0 },
    });
    assert.ok(viaName.summary.remote!.requests >= 2, JSON.stringify(viaName.summary.remote));
    // Same repository and commit, a file inside it: its own listing, asked.
    await served();
    const sub = await scan(`hf://acme/moves@${SHA}/config.json`, opts());
    assert.ok(sub.summary.remote!.requests >= 2, JSON.stringify(sub.summary.remote));
    assert.equal((await served())[0]!.path, `/api/models/acme/moves/revision/${SHA}`);
  });

  it('a full commit id whose listing is kept: no request at all; a branch: the revision only; a moved branch: noticed and read', async () => {
    const MOVED = 'b'.repeat(40);
    // A commit id never listed from this (emptied) cache: the Hub is asked (revision, then the tree), as for a branch.
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir);
    const first = await scan(`hf://acme/moves@${SHA}`, opts());
    assert.ok(first.summary.remote!.requests >= 2);
    assert.deepEqual(
      (await served()).slice(0, 2).map((q) => q.path),
      [`/api/models/acme/moves/revision/${SHA}`, `/api/models/acme/moves/tree/${SHA}`],
    );
    // The same commit again: its listing is kept and both results are cached: nothing is sent.
    const pinned = await scan(`hf://acme/moves@${SHA}`, opts());
    assert.equal(pinned.summary.remote!.requests, 0, JSON.stringify(pinned.summary.remote));
    assert.deepEqual(await served(), []);
    assert.deepEqual(pinned.files, first.files);
    assert.deepEqual(pinned.findings, first.findings);
    assert.ok(pinned.targets.every((t) => t.includes(`@${SHA}`)));
    // The branch: one request (which commit main names now), then the kept listing and cached results.
    const branch = await scan('hf://acme/moves', opts());
    assert.equal(branch.summary.remote!.requests, 1);
    assert.deepEqual(
      (await served()).map((q) => q.path),
      ['/api/models/acme/moves/revision/main'],
    );
    // main moves to a commit that adds a pickle: the repeat names the new commit, lists it and reads the new file.
    writeFileSync(join(dir, 'evil.pkl'), Buffer.from(evilPickle()));
    await fetch(`${hub.base}/__push/${MOVED}`).then((x) => x.arrayBuffer());
    const moved = await scan('hf://acme/moves', opts());
    assert.ok(moved.files.some((f) => f.path === `hf://acme/moves@${MOVED}/evil.pkl`));
    assert.ok(moved.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    const log = (await served()).map((q) => q.path);
    assert.ok(log.includes(`/api/models/acme/moves/tree/${MOVED}`), JSON.stringify(log));
    assert.ok(log.includes(`/acme/moves/resolve/${MOVED}/evil.pkl`), JSON.stringify(log));
    // The files that did not change are served from the result cache: only the new one is read.
    assert.ok(!log.some((q) => q.endsWith('/config.json') || q.endsWith('.safetensors')), JSON.stringify(log));
    // A full commit id that the Hub no longer has (the stand-in keeps only the last push) but whose listing is kept:
    // still nothing sent; a commit id with no kept listing is asked, and the Hub's refusal is an error.
    const old = await scan(`hf://acme/moves@${SHA}`, opts());
    assert.equal(old.summary.remote!.requests, 0);
    assert.ok(!old.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    await assert.rejects(scan(`hf://acme/moves@${'c'.repeat(40)}`, opts()), /HTTP 404/);
  });
});

describe('result cache', () => {
  it('never serves a result to another scanner version or setup; stores only complete results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-cache-'));
    try {
      const outcome = { path: 'a', findings: [], pickles: [], errors: [] };
      new ResultCache(dir, '1.0.0', { only: [] }).put('sha256:x', 'm.pkl', { outcome, keys: [] });
      assert.ok(new ResultCache(dir, '1.0.0', { only: [] }).get('sha256:x', 'm.pkl'));
      assert.equal(new ResultCache(dir, '1.0.1', { only: [] }).get('sha256:x', 'm.pkl'), undefined);
      assert.equal(new ResultCache(dir, '1.0.0', { only: ['PICKLE'] }).get('sha256:x', 'm.pkl'), undefined);
      assert.equal(new ResultCache(dir, '1.0.0', { only: [] }).get('sha256:x', 'other.pkl'), undefined);
      const failed = { ...outcome, errors: [{ where: 'a', message: 'x' }] };
      new ResultCache(dir, '1.0.0', {}).put('sha256:y', 'm.pkl', { outcome: failed, keys: [] });
      assert.equal(new ResultCache(dir, '1.0.0', {}).get('sha256:y', 'm.pkl'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reads an entry an older layout wrote, in its own folder or moved into the current one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-cache-'));
    try {
      const outcome = { path: 'a', findings: [], pickles: [], errors: [] };
      const cache = () => new ResultCache(dir, '1.0.0', { only: [] });
      cache().put('sha256:x', 'm.pkl', { outcome, keys: [] });
      const current = readdirSync(dir, { recursive: true, withFileTypes: true }).find((e) => e.isFile())!;
      const file = join(current.parentPath, current.name);
      assert.ok(file.startsWith(join(dir, `results-v${CACHE_LAYOUT}`)), file);
      assert.ok(cache().get('sha256:x', 'm.pkl'));
      // An older build's entry: the same key under the previous folder, stored without a layout.
      const old = file.replace(`results-v${CACHE_LAYOUT}`, `results-v${CACHE_LAYOUT - 1}`);
      mkdirSync(join(old, '..'), { recursive: true });
      const oldBytes = serialize({ digest: 'sha256:x', name: 'm.pkl', value: { outcome, keys: [] } });
      writeFileSync(old, oldBytes);
      rmSync(file);
      assert.equal(cache().get('sha256:x', 'm.pkl'), undefined);
      // The same bytes moved into the current folder are still not read as current.
      writeFileSync(file, oldBytes);
      assert.equal(cache().get('sha256:x', 'm.pkl'), undefined);
      // Their twin with the current layout is.
      writeFileSync(
        file,
        serialize({ layout: CACHE_LAYOUT, digest: 'sha256:x', name: 'm.pkl', value: { outcome, keys: [] } }),
      );
      assert.ok(cache().get('sha256:x', 'm.pkl'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
