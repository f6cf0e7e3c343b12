// Remote scan targets by scheme: https:// and http:// (one file), hf:// (a Hugging Face repository or a path in it,
// hf-target.ts). Resolution lists the files and probes them in parallel before the scan reads anything else.
import { egressOfTarget, PUBLIC_ONLY } from './egress.js';
import { listHttp, parseHttpUrl } from './http-target.js';
import type { RemoteListing } from './remote-listing.js';
import type { RemoteCost, RemoteOptions } from './remote-file.js';
import type { SyncBridge } from './sync-bridge.js';
import type { ListingCache } from './listing-cache.js';
import { RemoteTargetError } from './remote-target-error.js';

export { RemoteTargetError };

export interface RemotePlan {
  /** Files up to this size are read whole (unless `headOnly` says otherwise). */
  readonly whole: number;
  /** Bytes of a larger file's head fetched while listing. */
  readonly head: number;
  /** Ranges the scan reads in any file of this size (format sniffing). */
  reads(size: number): readonly { readonly offset: number; readonly length: number }[];
  /** The suffix of every file the scan reads (fetched with the head when the size is not known yet). */
  readonly tail: number;
  /**
   * Ranges past the head the scan will read, as the head shows (a long safetensors header) and, when given, the
   * file's last bytes (a zip's local headers and pickles, from its central directory). `optional` ranges (a torch
   * checkpoint's storage-record headers) are fetched only from a server that sends several ranges in one answer.
   */
  follow(
    head: Uint8Array,
    size: number,
    tail?: { readonly start: number; readonly bytes: Uint8Array },
  ):
    | readonly { readonly offset: number; readonly length: number; readonly optional?: boolean }[]
    | Promise<readonly { readonly offset: number; readonly length: number; readonly optional?: boolean }[]>;
  /** Whether the scan reads only the head of the file reported as `path` (a tokenizers file): never read whole. */
  headOnly(path: string, size: number): boolean;
}

const REMOTE = /^(https?|hf|oci):\/\//i;

/** Whether a scan argument names a remote target rather than a local path. */
export function isRemoteArg(arg: string): boolean {
  return REMOTE.test(arg);
}

export interface ResolveContext {
  readonly bridge: SyncBridge;
  readonly opts: RemoteOptions;
  readonly cost: RemoteCost;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  /**
   * Whether a result for this content hash and file name is cached: such a file is listed without reading any of
   * it (the scan re-uses the result).
   */
  readonly known?: (digest: string, name: string) => boolean;
  /**
   * What the scan will read of every file, fetched while listing (all files at once): `whole` files up to this size
   * are read whole; in a larger one its head, `reads(size)` (format sniffing) and what `follow` finds in the head.
   */
  readonly plan?: RemotePlan;
  /** Listings of immutable revisions kept from earlier runs (the result cache's folder), when caching. */
  readonly listings?: ListingCache;
  /** List only (dry run): no file content is read where the listing gives sizes. */
  readonly listOnly?: boolean;
  /** The scan's abort signal: a cancelled scan stops listing (its requests in flight are dropped). */
  readonly signal?: AbortSignal;
}

/**
 * The host a target's first request goes to: the URL's or the registry's, the Hub endpoint's for hf://; undefined
 * when it cannot be read (the target is then refused by its own reader).
 */
function firstHost(arg: string, scheme: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    if (scheme === 'hf') return new URL(env['HF_ENDPOINT'] ?? 'https://huggingface.co').hostname;
    if (scheme === 'oci') return new URL(`http://${arg.slice('oci://'.length).split('/', 1)[0]}`).hostname;
    return new URL(arg).hostname;
  } catch {
    return undefined;
  }
}

export async function resolveRemote(arg: string, ctx0: ResolveContext): Promise<RemoteListing> {
  const scheme = arg.slice(0, arg.indexOf(':')).toLowerCase();
  // Without a policy given (a service or worker gives its own), the target decides: its requests may reach public
  // addresses and the classes of addresses its own host has (egress.ts), never another.
  let ctx = ctx0;
  if (!ctx.opts.egress) {
    const host = firstHost(arg, scheme, ctx.env);
    const egress = host === undefined ? PUBLIC_ONLY : await egressOfTarget(host);
    ctx = { ...ctx, opts: { ...ctx.opts, egress } };
  }
  if (scheme === 'hf') {
    const { listHf } = await import('./hf-target.js');
    return listHf(arg, ctx);
  }
  if (scheme === 'oci') {
    const { listOci } = await import('./oci-target.js');
    return listOci(arg, ctx);
  }
  const url = parseHttpUrl(arg, ctx.opts.allowHttp);
  if (typeof url === 'string') throw new RemoteTargetError(`${arg}: ${url}`);
  return listHttp(arg, url, ctx.bridge, ctx.opts, ctx.cost, ctx.plan);
}
