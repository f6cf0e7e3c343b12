// Starts Debian's nginx on 127.0.0.1 with a free port, a temporary prefix and configuration, serving one directory
// (Range requests, ETag and Last-Modified are nginx's own). Tests skip when nginx is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Nginx {
  readonly port: number;
  readonly base: string;
  stop(): Promise<void>;
}

async function reachable(base: string): Promise<boolean> {
  try {
    const r = await fetch(base + '/', { signal: AbortSignal.timeout(500) });
    await r.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/**
 * nginx serving `root` at http://127.0.0.1:<port>/ (extra http-level directives optional). With `accessLog`, every
 * request is logged there as one line: status, body bytes sent, Range header.
 */
export async function startNginx(root: string, extra = '', opts: { accessLog?: string } = {}): Promise<Nginx> {
  if (!NGINX) throw new Error('nginx is not installed');
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-nginx-'));
    mkdirSync(join(dir, 'logs'));
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      [
        'daemon off;',
        'master_process off;',
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'logs', 'error.log')} warn;`,
        'events { worker_connections 512; }',
        'http {',
        ...(opts.accessLog
          ? [
              `  log_format counted '$status $body_bytes_sent "$http_range"';`,
              `  access_log ${opts.accessLog} counted;`,
            ]
          : ['  access_log off;']),
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
        '  default_type application/octet-stream;',
        '  keepalive_requests 100000;',
        extra,
        `  server { listen 127.0.0.1:${port}; root ${root}; location / { } }`,
        '}',
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'logs', 'error.log')], {
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    let exited = false;
    child.once('exit', () => (exited = true));
    const stop = async (): Promise<void> => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    for (let i = 0; i < 100 && !exited; i++) {
      if (await reachable(base)) return { port, base, stop };
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop();
  }
  throw new Error('nginx did not start');
}

/** Whether nginx can run here (installed and starts). */
export function nginxMissing(): string | false {
  if (!NGINX) return 'nginx is not installed (apt-get install nginx)';
  const r = spawnSync(NGINX, ['-v']);
  return r.status === 0 ? false : 'nginx does not run';
}
