// listTargets(): what a scan of these paths and remote targets would read, without reading file content where a
// listing gives sizes and hashes (the CLI's --dry-run). Remote targets are resolved (revisions pinned) and listed.
import { walk } from '../sources/walker.js';
import type { RemoteCost } from '../sources/remote/remote-file.js';
import { isRemoteArg, RemoteTargetError } from '../sources/remote/resolve-target.js';
import { SentinelError } from './errors.js';
import { remoteContext, type RemoteScanOptions } from './scan.js';

/** One file a scan would read (or a path it would report as not readable). */
export interface PlannedFile {
  /** The path or remote path it would be reported under. */
  readonly path: string;
  /** The scan argument it comes from, pinned for remote targets (`hf://org/name@<commit>`). */
  readonly target: string;
  readonly size: number;
  /** Content hash published by the listing (`sha256:…`, `git-blob:…`), when there is one. */
  readonly digest?: string;
  /** Why it would not be read (listing or probe failure, special file). */
  readonly reason?: string;
}

/** What `listTargets` found: the files and the cost of listing them. */
export interface TargetList {
  readonly files: readonly PlannedFile[];
  /** Bytes and HTTP requests the listing cost. */
  readonly remote: { readonly bytesRead: number; readonly requests: number; readonly redirects: number };
}

/**
 * Lists what `scan` would read for these paths and remote targets (`https://`, `hf://`, `oci://`), without scanning:
 * local files with their sizes, remote files with sizes and the content hashes their listing publishes (revisions
 * resolved to commits and digests). Where a listing gives sizes (the Hub, OCI registries) no file content is read;
 * a plain URL costs one small range request for its size.
 *
 * @throws SentinelError for a remote target that cannot be resolved
 */
export async function listTargets(
  paths: readonly string[],
  options: { readonly remote?: RemoteScanOptions; readonly cacheRoots?: readonly string[] } = {},
): Promise<TargetList> {
  const cost: RemoteCost = { bytesRead: 0, requests: 0, redirects: 0 };
  const files: PlannedFile[] = [];
  const ctx = paths.some(isRemoteArg)
    ? { ...(await remoteContext(options.remote ?? {}, cost)), listOnly: true }
    : undefined;
  for (const p of paths) {
    if (ctx && isRemoteArg(p)) {
      const { resolveRemote } = await import('../sources/remote/resolve-target.js');
      let listing;
      try {
        listing = await resolveRemote(p, ctx);
      } catch (e) {
        if (e instanceof RemoteTargetError) throw new SentinelError('usage', e.message);
        throw e;
      }
      for (const e of listing.entries) {
        files.push({
          path: e.path,
          target: listing.target.arg,
          size: e.size,
          ...(e.file?.digest ? { digest: e.file.digest } : {}),
          ...(e.reason ? { reason: e.reason } : {}),
        });
      }
      continue;
    }
    for (const it of walk([p], options.cacheRoots ? { cacheRoots: options.cacheRoots } : {})) {
      files.push(
        it.kind === 'file'
          ? { path: it.path, target: p, size: it.size }
          : { path: it.path, target: p, size: 0, reason: it.reason },
      );
    }
  }
  return { files, remote: cost };
}
