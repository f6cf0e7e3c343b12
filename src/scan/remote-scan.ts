// Remote targets inside a scan: their listings become walk items (files, or errors for entries that could not be
// probed), and their files open as range-reading sources. Locations name the remote path (a URL, hf://…@commit/…);
// fingerprints use the path relative to the target, as a local scan of the same tree does.
import { createRequire } from 'node:module';
import type { ByteSource } from '../sources/byte-source.js';
import { digestBytes } from '../sources/file-digest.js';
import type { Location } from '../core/location.js';
import type { RemoteFile } from '../sources/remote/remote-file.js';
import type { RemoteListing } from '../sources/remote/remote-listing.js';
import type { WalkItem } from '../sources/walker.js';
import { RemoteSource } from '../sources/remote/remote-source.js';
import type { ResultCache } from './result-cache.js';
import { isRemoteArg, resolveRemote, type ResolveContext } from '../sources/remote/resolve-target.js';

/** A top-level source the engine scans: read whole when small, checked after the scan, closed. */
export interface OpenedSource extends ByteSource {
  readWhole(): Uint8Array;
  /** Why the scanned bytes may not be the content (changed, or not all read), or undefined. */
  changed(): string | undefined;
  close(): void;
}

export interface RemoteScan {
  /** Resolved remote targets by the scan argument naming them. */
  readonly listings: ReadonlyMap<string, RemoteListing>;
  /** Remote files by the path they are reported under. */
  readonly files: ReadonlyMap<string, RemoteFile>;
  open(location: Location, file: RemoteFile): OpenedSource;
  /** Results of earlier scans by content hash (files whose listing gave one). */
  readonly cache?: ResultCache;
}

/**
 * Whether `bytes` (a remote file's whole content) are what its listing's digest names: `sha256:<hex>` (an OCI
 * digest, the Hub's LFS object id) or `git-blob:<sha1>` (the Hub's id of a file kept in git: the SHA-1 of
 * `blob <size>\0` and the content). `sha256` is the bytes' SHA-256 when already taken. A listed digest is a claim
 * until this says yes: only then may it key a cached result.
 */
export function listedDigestMatches(listed: string, bytes: Uint8Array, sha256?: string): boolean {
  if (listed.startsWith('sha256:')) return (sha256 ?? digestBytes(bytes)) === listed.slice(7).toLowerCase();
  if (listed.startsWith('git-blob:')) {
    const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    const sha1 = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    return sha1 === listed.slice(9).toLowerCase();
  }
  return false;
}

/** The walk items of a resolved remote target, in listing order. */
export function remoteWalkItems(listing: RemoteListing): WalkItem[] {
  return listing.entries.map((e) =>
    e.file
      ? { kind: 'file', path: e.path, stable: e.stable, target: listing.target, size: e.size, linked: false }
      : { kind: 'error', path: e.path, stable: e.stable, target: listing.target, reason: e.reason ?? 'not read' },
  );
}

/** Files of the listings by reported path. */
export function remoteFiles(listings: Iterable<RemoteListing>): Map<string, RemoteFile> {
  const out = new Map<string, RemoteFile>();
  for (const l of listings) for (const e of l.entries) if (e.file) out.set(e.path, e.file);
  return out;
}

/**
 * Resolves the remote arguments among `args` (in parallel: listings, then a first range request per file) and
 * returns how the engine reads them, or undefined when every argument is local. Throws RemoteTargetError for an
 * argument that names no acceptable target (a usage error).
 */
export async function prepareRemote(
  args: readonly string[],
  ctx: ResolveContext,
  cache?: ResultCache,
): Promise<RemoteScan | undefined> {
  const remoteArgs = [...new Set(args.filter(isRemoteArg))];
  if (!remoteArgs.length) return undefined;
  const known = cache ? (digest: string, name: string) => cache.has(digest, name) : undefined;
  const resolved = await Promise.all(remoteArgs.map((a) => resolveRemote(a, known ? { ...ctx, known } : ctx)));
  const listings = new Map(remoteArgs.map((a, i) => [a, resolved[i]!]));
  return {
    listings,
    files: remoteFiles(resolved),
    open: (location, file) => new RemoteSource(location, file, ctx.bridge, ctx.opts, ctx.cost),
    ...(cache ? { cache } : {}),
  };
}
