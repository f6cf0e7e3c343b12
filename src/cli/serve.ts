// `sentinel serve`: starts the HTTP scanning service (src/service/http-service.ts), prints where it listens on
// stderr, and runs until SIGINT/SIGTERM, then stops accepting, lets running scans finish (cancelling them after the
// grace period) and exits 0. Without a token it listens on loopback only.
import { realpathSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { loadPolicy } from '../api/load-policy.js';
import type { Io } from './main.js';
import { UsageError } from './main.js';

export interface ServeCliOptions {
  host: string;
  port: string;
  token?: string;
  root: string[];
  policy?: string;
  maxRunning?: string;
  maxUploadBytes?: string;
  allowPrivateTargets?: boolean;
  jobs?: string;
  graceSeconds?: string;
  scanSeconds?: string;
  maxConnectionsPerAddress?: string;
}

function whole(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max)
    throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

/** Loopback names and addresses (the only ones a service without a token may listen on). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export async function runServe(o: ServeCliOptions, io: Io): Promise<number> {
  const token = o.token ?? io.env['SENTINEL_TOKEN'];
  if (token !== undefined && token.length < 16) throw new UsageError('the token must be at least 16 characters');
  if (!isLoopbackHost(o.host) && token === undefined) {
    throw new UsageError(`listening on ${o.host} needs a token (--token or SENTINEL_TOKEN); without one only loopback`);
  }
  const port = whole('--port', o.port, 0, 65535)!;
  const roots = o.root.map((r) => {
    try {
      const real = realpathSync(resolve(r));
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
      return real;
    } catch (e) {
      throw new UsageError(`--root ${r}: ${(e as Error).message}`);
    }
  });
  const policy = await loadPolicy(o.policy, { cwd: process.cwd() });
  const { createScanService } = await import('../service/http-service.js');
  const maxRunning = whole('--max-running', o.maxRunning, 1, 1024);
  const maxUploadBytes = whole('--max-upload-bytes', o.maxUploadBytes, 1, Number.MAX_SAFE_INTEGER);
  const jobs = whole('--jobs', o.jobs, 1, 1024);
  const grace = whole('--grace-seconds', o.graceSeconds, 0, 3600) ?? 30;
  const scanSeconds = whole('--scan-seconds', o.scanSeconds, 1, 86_400);
  const perAddress = whole('--max-connections-per-address', o.maxConnectionsPerAddress, 0, 1_000_000);
  const service = createScanService({
    roots,
    ...(token !== undefined ? { token } : {}),
    policy,
    ...(maxRunning !== undefined ? { maxRunning } : {}),
    ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(scanSeconds !== undefined ? { scanDeadlineMs: scanSeconds * 1000 } : {}),
    ...(perAddress !== undefined ? { maxConnectionsPerAddress: perAddress } : {}),
    allowPrivateTargets: o.allowPrivateTargets ?? false,
    // One JSON line per answered request on stderr (the report goes to the client, never to this process's output).
    log: (entry) => io.stderr(JSON.stringify(entry) + '\n'),
  });
  await new Promise<void>((ok, fail) => {
    service.server.once('error', fail);
    service.server.listen(port, o.host, () => ok());
  }).catch((e: Error) => {
    throw new UsageError(`cannot listen on ${o.host}:${port}: ${e.message}`);
  });
  io.stderr(`sentinel: listening on ${service.url()}${roots.length ? ` (roots: ${roots.join(', ')})` : ''}\n`);
  await new Promise<void>((stop) => {
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  io.stderr('sentinel: shutting down: finishing running scans\n');
  await service.close(grace * 1000);
  return 0;
}
