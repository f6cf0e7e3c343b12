// Starts Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 with a free port and a filesystem
// store in a temporary folder, and pushes blobs and manifests through its real HTTP API (distribution-spec v1.1).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx.js';

export const REGISTRY_BIN = ['/usr/bin/docker-registry', '/usr/bin/registry'].find((p) => existsSync(p));

export interface Registry {
  /** host:port */
  readonly host: string;
  pushBlob(repo: string, bytes: Uint8Array): Promise<{ digest: string; size: number }>;
  putManifest(repo: string, ref: string, doc: object, mediaType: string): Promise<string>;
  stop(): Promise<void>;
}

const digestOf = (b: Uint8Array): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

/**
 * A user the registry asks for with HTTP basic auth (its htpasswd backend; `hash` is the password's bcrypt hash,
 * the only kind the registry accepts). The helper's own pushes send these credentials.
 */
export interface RegistryUser {
  readonly user: string;
  readonly password: string;
  readonly hash: string;
}

export async function startRegistry(basicAuth?: RegistryUser): Promise<Registry> {
  if (!REGISTRY_BIN) throw new Error('docker-registry is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-registry-'));
  const auth: Record<string, string> = basicAuth
    ? { authorization: `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString('base64')}` }
    : {};
  if (basicAuth) writeFileSync(join(dir, 'htpasswd'), `${basicAuth.user}:${basicAuth.hash}\n`);
  const port = await freePort();
  const conf = join(dir, 'config.yml');
  writeFileSync(
    conf,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'store')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(basicAuth ? ['auth:', '  htpasswd:', '    realm: sentinel-test', `    path: ${join(dir, 'htpasswd')}`] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', conf], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (exited || i > 200) {
      await stop();
      throw new Error('docker-registry did not start');
    }
    try {
      const r = await fetch(`${base}/v2/`, { headers: auth, signal: AbortSignal.timeout(500) });
      await r.body?.cancel();
      if (r.status === 200) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    async pushBlob(repo, bytes) {
      const digest = digestOf(bytes);
      const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: auth });
      await start.body?.cancel();
      if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
      const loc = new URL(start.headers.get('location')!, base);
      loc.searchParams.set('digest', digest);
      const put = await fetch(loc, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      await put.body?.cancel();
      if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
      return { digest, size: bytes.length };
    },
    async putManifest(repo, ref, doc, mediaType) {
      const body = Buffer.from(JSON.stringify(doc));
      const r = await fetch(`${base}/v2/${repo}/manifests/${ref}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': mediaType },
        body,
      });
      const text = await r.text();
      if (r.status !== 201) throw new Error(`manifest put: HTTP ${r.status} ${text}`);
      return digestOf(body);
    },
    stop,
  };
}
