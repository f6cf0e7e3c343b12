// Command-line options of remote targets (https://, http://, hf://): how they are read and bounded. The targets
// themselves are ordinary arguments of `artifact`, mixed freely with local paths (api/scan.ts resolves them).
import { Option, type Command } from 'commander';
import type { RemoteScanOptions } from '../api/scan.js';

export interface RemoteCliOptions {
  allowHttp?: boolean;
  remoteBudget?: string;
  remoteRetries?: string;
  remoteTimeout?: string;
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
    .addOption(new Option('--remote-timeout <seconds>', 'bound of one request, retries included (default 60)'));
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
): RemoteScanOptions {
  return {
    env,
    ...(o.allowHttp ? { allowHttp: true } : {}),
    ...(o.remoteBudget !== undefined
      ? { maxBytesPerFile: wholeNumber('--remote-budget', o.remoteBudget, 2 ** 50) }
      : {}),
    ...(o.remoteRetries !== undefined ? { retries: wholeNumber('--remote-retries', o.remoteRetries, 20) } : {}),
    ...(o.remoteTimeout !== undefined
      ? { requestTimeoutMs: wholeNumber('--remote-timeout', o.remoteTimeout, 3600) * 1000 }
      : {}),
  };
}
