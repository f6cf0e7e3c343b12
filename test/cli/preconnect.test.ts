// bin/preconnect.js: the built CLI opens the Hub connection of an hf:// scan while it loads, and the listing's first
// request (the revision) goes over that connection: a cached repeat costs one connection and one request. Which
// origins are opened is decided from the arguments alone, as the scan would decide them.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { smallRepo, type SmallRepo } from '../helpers/small-repo.js';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'bin', 'sentinel.js');
const built = existsSync(join(REPO, 'dist', 'bin', 'sentinel.js'));
const { originsOf } = createRequire(import.meta.url)(join(REPO, 'bin', 'preconnect.js')) as {
  originsOf: (args: string[], env: Record<string, string | undefined>) => [string, unknown][];
};
const SHA = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';

describe('preconnect: which origins', () => {
  const keys = (args: string[], env: Record<string, string | undefined> = {}) => originsOf(args, env).map(([k]) => k);
  it('the Hub endpoint of hf:// arguments of `artifact`, as the scan would contact it', () => {
    assert.deepEqual(keys(['artifact', 'hf://org/name']), ['https://huggingface.co:443']);
    assert.deepEqual(
      keys(['artifact', 'hf://org/a', 'hf://org/b@v1', '--cache', 'x'], { HF_ENDPOINT: 'http://127.0.0.1:9' }),
      ['http://127.0.0.1:9'],
    );
    assert.deepEqual(keys(['artifact', 'hf://org/name'], { HF_ENDPOINT: 'http://[::1]:8080/' }), ['http://::1:8080']);
  });
  it('the origin of https:// and http:// arguments, two connections each (head and tail are asked at once)', () => {
    const open = (args: string[], env: Record<string, string | undefined> = {}) =>
      originsOf(args, env).map(([k, o]) => [k, (o as { count: number }).count]);
    assert.deepEqual(open(['artifact', 'https://example.com/m.pt', 'https://example.com:443/n.pt']), [
      ['https://example.com:443', 2],
    ]);
    assert.deepEqual(
      open(['artifact', 'http://127.0.0.1:8080/m.pt', 'hf://o/n'], { HF_ENDPOINT: 'http://127.0.0.1:8080' }),
      [['http://127.0.0.1:8080', 2]],
    );
    assert.deepEqual(open(['artifact', 'hf://o/n']), [['https://huggingface.co:443', 1]]);
  });
  it('nothing for a full commit id (a kept listing needs no request), other schemes, other commands', () => {
    assert.deepEqual(keys(['artifact', `hf://org/name@${SHA}`]), []);
    assert.deepEqual(keys(['artifact', `hf://org/name@${SHA}/sub/model.pt`]), []);
    assert.deepEqual(keys(['artifact', 'oci://r.example/x:1', './local', 'ftp://example.com/m.pt']), []);
    assert.deepEqual(keys(['verify', 'hf://org/name']), []);
    assert.deepEqual(keys(['verify', 'https://example.com/m.pt']), []);
  });
  it('plain http beyond loopback only with --allow-http, as the scan decides; never credentials in the endpoint', () => {
    assert.deepEqual(keys(['artifact', 'hf://o/n'], { HF_ENDPOINT: 'http://hub.example:8080' }), []);
    assert.deepEqual(keys(['artifact', 'hf://o/n', '--allow-http'], { HF_ENDPOINT: 'http://hub.example:8080' }), [
      'http://hub.example:8080',
    ]);
    assert.deepEqual(keys(['artifact', 'hf://o/n'], { HF_ENDPOINT: 'https://u:p@hub.example' }), []);
    assert.deepEqual(keys(['artifact', 'hf://o/n'], { HF_ENDPOINT: 'not a url' }), []);
    assert.deepEqual(keys(['artifact', 'http://files.example/m.pt']), []);
    assert.deepEqual(keys(['artifact', 'http://files.example/m.pt', '--allow-http']), ['http://files.example:80']);
    assert.deepEqual(keys(['artifact', 'https://u:p@files.example/m.pt']), []);
  });
});

describe(
  'preconnect: the built CLI against the Hub stand-in',
  { skip: built ? false : 'needs `npm run build`' },
  () => {
    let repo: SmallRepo | undefined;
    let cacheDir: string;
    let child: ChildProcess;
    let base: string;
    before(async () => {
      repo = smallRepo('sentinel-preconnect-');
      cacheDir = repo.cacheDir;
      child = spawn(process.execPath, [join(REPO, 'test', 'helpers', 'hub-server.mjs'), repo.dir, 'acme/pre'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      base = `http://127.0.0.1:${await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString().trim())))}`;
    });
    after(() => {
      child?.kill('SIGTERM');
      repo?.remove();
    });
    const run = (arg: string) => {
      const r = spawnSync(process.execPath, [BIN, 'artifact', arg, '--cache', cacheDir, '--format', 'json'], {
        env: { ...process.env, HF_ENDPOINT: base },
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { summary: { remote: { requests: number } } };
    };
    /** GET on a connection of its own, closed after the answer. */
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        httpGet(`${base}${path}`, { agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    const counts = async () => {
      const requests = (JSON.parse(await get('/__requests')) as unknown[]).length;
      // The count includes the two connections that ask for the counts.
      const connections = Number(await get('/__connections')) - 2;
      return { requests, connections };
    };

    it('the connections are opened before the bundle loads (a copy of bin/ without dist/ still connects)', async () => {
      const root = mkdtempSync(join(tmpdir(), 'sentinel-unbuilt-'));
      const server = createServer((s) => s.destroy());
      let accepted = 0;
      server.on('connection', () => accepted++);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
        const port = (server.address() as AddressInfo).port;
        // One for the Hub's revision request, two for a URL (its head and its tail are asked at once).
        for (const [arg, want] of [
          ['hf://acme/pre', 1],
          [`http://127.0.0.1:${port}/model.pt`, 2],
        ] as const) {
          accepted = 0;
          const r = spawnSync(process.execPath, [join(root, 'bin', 'sentinel.js'), 'artifact', arg], {
            env: { ...process.env, HF_ENDPOINT: `http://127.0.0.1:${port}` },
            encoding: 'utf8',
          });
          assert.equal(r.status, 2);
          assert.match(r.stderr, /not built/);
          for (let i = 0; i < 100 && accepted < want; i++) await new Promise((res) => setTimeout(res, 20));
          await new Promise((res) => setTimeout(res, 100));
          assert.equal(accepted, want, arg);
        }
      } finally {
        server.close();
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('a cached repeat by branch: one request over the connection opened while loading, no second connection', async () => {
      run('hf://acme/pre');
      await counts();
      const again = run('hf://acme/pre');
      assert.equal(again.summary.remote.requests, 1);
      assert.deepEqual(await counts(), { requests: 1, connections: 1 });
    });

    it('a pinned cached repeat opens no connection at all', async () => {
      run(`hf://acme/pre@${SHA}`);
      await counts();
      const again = run(`hf://acme/pre@${SHA}`);
      assert.equal(again.summary.remote.requests, 0);
      assert.deepEqual(await counts(), { requests: 0, connections: 0 });
    });
  },
);
