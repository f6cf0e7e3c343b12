// Command-line options of remote targets (https://, http://, hf://): how they are read and bounded. The targets
// themselves are ordinary arguments of `artifact`, mixed freely with local paths (api/scan.ts resolves them).
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import type { RemoteScanOptions } from '../api/scan.js';
import { listTargets } from '../api/list-targets.js';

export interface RemoteCliOptions {
  allowHttp?: boolean;
  remoteBudget?: string;
  remoteRetries?: string;
  remoteTimeout?: string;
  remoteTotal?: string;
  /** A folder, or false for --no-cache. */
  cache?: string | false;
  dryRun?: boolean;
}

export function addRemoteOptions(cmd: Command): Command {
  return cmd
    .option('--allow-http', 'read plain http:// targets on non-loopback hosts (default: loopback only)')
    .option(
      '--remote-budget <bytes>',
      'bytes fetched per remote file at most (suffix k, m, g; default 256m); more is SCAN-INCOMPLETE',
    )
    .addOption(
      new Option('--remote-retries <n>', 'retries per request after 429, 5xx or a dropped connection (default 4)'),
    )
    .addOption(new Option('--remote-timeout <seconds>', 'bound of one request, retries included (default 60)'))
    .addOption(
      new Option(
        '--remote-total <seconds>',
        'bound of all remote requests of the scan together (default 1800; 0: none); files not read by then are SCAN-INCOMPLETE',
      ),
    )
    .option(
      '--cache <dir>',
      'result cache of remote files by content hash and scanner version (default: sentinel in the user cache folder)',
    )
    .option('--no-cache', 'no result cache: every remote file is read')
    .option('--dry-run', 'list what would be scanned (paths, sizes, content hashes) without scanning');
}

function wholeNumber(flag: string, value: string, max: number): number {
  const m = /^(\d{1,15})([kmg]?)$/i.exec(value.trim());
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase()] ?? 1;
  const n = m ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n) || n > max)
    throw new RemoteOptionError(`${flag} expects a whole number, got "${value}"`);
  return n;
}

export class RemoteOptionError extends Error {}

/** The API's remote options from the parsed flags. */
export function remoteScanOptions(
  o: RemoteCliOptions,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): RemoteScanOptions {
  const cacheDir =
    o.cache === false
      ? undefined
      : typeof o.cache === 'string'
        ? resolve(o.cache)
        : join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'sentinel');
  return {
    env,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(o.allowHttp ? { allowHttp: true } : {}),
    ...(o.remoteBudget !== undefined
      ? { maxBytesPerFile: wholeNumber('--remote-budget', o.remoteBudget, 2 ** 50) }
      : {}),
    ...(o.remoteRetries !== undefined ? { retries: wholeNumber('--remote-retries', o.remoteRetries, 20) } : {}),
    ...(o.remoteTimeout !== undefined
      ? { requestTimeoutMs: wholeNumber('--remote-timeout', o.remoteTimeout, 3600) * 1000 }
      : {}),
    ...(o.remoteTotal !== undefined
      ? { totalTimeoutMs: wholeNumber('--remote-total', o.remoteTotal, 86_400) * 1000 }
      : {}),
  };
}

/** `--dry-run`: the files a scan would read, with sizes and content hashes; text or JSON on stdout. */
export async function runDryRun(
  paths: readonly string[],
  o: RemoteCliOptions & { format: string },
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  cacheRoots: readonly string[],
  out: (s: string) => void,
): Promise<number> {
  const list = await listTargets(paths, { remote: remoteScanOptions(o, env, home), cacheRoots });
  if (o.format === 'json') {
    out(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const lines = list.files.map(
    (f) =>
      `${String(f.size).padStart(14)}  ${(f.digest ?? '-').padEnd(71)}  ${f.path}${f.reason ? `  (not read: ${f.reason})` : ''}`,
  );
  const total = list.files.reduce((n, f) => n + f.size, 0);
  out(
    [
      ...lines,
      `${list.files.length} files, ${total} bytes; listing cost ${list.remote.requests} requests (${list.remote.redirects} redirects among them), ${list.remote.bytesRead} bytes`,
      '',
    ].join('\n'),
  );
  return 0;
}
