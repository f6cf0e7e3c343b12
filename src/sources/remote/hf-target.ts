// `hf://[datasets/|spaces/]ORG/NAME[@REVISION][/PATH]`: a Hugging Face Hub repository (or a folder or file in it)
// through the Hub's documented HTTP API: the revision is resolved to its commit first (GET /api/{kind}/{repo}/
// revision/{rev} → sha), the files are listed at that commit (GET /api/{kind}/{repo}/tree/{sha}?recursive=true, pages
// followed by their Link header; sizes, LFS sha256), and read from {endpoint}/[{kind}/]{repo}/resolve/{sha}/{path}
// with range requests (the Hub redirects LFS files to its storage). With a result cache, the listing of a commit is
// kept (listing-cache.ts): a repeat run asks only for the revision, and nothing when the revision is that commit. Credentials: HF_TOKEN, else the token file
// (HF_TOKEN_PATH, $HF_HOME/token, ~/.cache/huggingface/token). Endpoint: HF_ENDPOINT (default huggingface.co).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeFile, unprobedFile } from './http-target.js';
import { countRedirects, lightFetch, type LightResponse } from './light-fetch.js';
import { isLoopbackHost, requestMs } from './remote-file.js';
import type { RemoteEntry, RemoteListing } from './remote-listing.js';
import type { ResolveContext } from './resolve-target.js';
import { RemoteTargetError } from './remote-target-error.js';

export interface HfRef {
  readonly kind: 'models' | 'datasets' | 'spaces';
  readonly repo: string;
  readonly revision: string;
  /** Folder or file inside the repository ('' = the whole repository). */
  readonly path: string;
}

const NAME = /^[A-Za-z0-9][\w.-]{0,95}$/;
/** A full commit id as the Hub writes it. */
const COMMIT = /^[0-9a-f]{40}$/;

/** Parses an hf:// argument; a revision containing `/` is written URL-encoded (`refs%2Fpr%2F1`). */
export function parseHfRef(arg: string): HfRef {
  let rest = arg.replace(/^hf:\/\//i, '');
  let kind: HfRef['kind'] = 'models';
  for (const k of ['datasets', 'spaces', 'models'] as const) {
    if (rest.startsWith(k + '/')) {
      kind = k;
      rest = rest.slice(k.length + 1);
      break;
    }
  }
  const parts = rest.split('/');
  const org = parts[0] ?? '';
  let nameRev = parts[1] ?? '';
  let revision = 'main';
  const at = nameRev.indexOf('@');
  if (at >= 0) {
    revision = decodeURIComponent(nameRev.slice(at + 1));
    nameRev = nameRev.slice(0, at);
  }
  if (!NAME.test(org) || !NAME.test(nameRev) || !revision) {
    throw new RemoteTargetError(`${arg}: expected hf://[datasets/|spaces/]ORG/NAME[@REVISION][/PATH]`);
  }
  const path = parts.slice(2).filter(Boolean).join('/');
  if (path.split('/').some((s) => s === '..' || s === '.')) throw new RemoteTargetError(`${arg}: invalid path`);
  return { kind, repo: `${org}/${nameRev}`, revision, path };
}

/** The Hub token: HF_TOKEN, else the token file the Hub's clients write. */
export function hfToken(env: Readonly<Record<string, string | undefined>>, home: string): string | undefined {
  const direct = env['HF_TOKEN']?.trim() || env['HUGGING_FACE_HUB_TOKEN']?.trim();
  if (direct) return direct;
  const file =
    env['HF_TOKEN_PATH'] ??
    join(env['HF_HOME'] ?? join(env['XDG_CACHE_HOME'] ?? join(home, '.cache'), 'huggingface'), 'token');
  try {
    const t = readFileSync(file, 'utf8').trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

interface TreeEntry {
  type: string;
  path: string;
  size?: number;
  oid?: string;
  lfs?: { oid?: string; size?: number };
}

const MAX_PAGES = 1000;
const MAX_LISTING_BYTES = 64 * 1024 * 1024;
/**
 * Files probed at once. The fetch worker bounds the requests in flight (and connections per server) itself; a smaller
 * bound here made the last files of a repository wait for the first ones' round trips.
 */
const PROBES_AT_ONCE = 64;

async function getJson(
  url: string,
  headers: Record<string, string>,
  ctx: ResolveContext,
): Promise<{ body: unknown; next?: string }> {
  let lastError = '';
  // Whether the last attempt got no answer at all (no connection, no name, no answer in time), not an HTTP status.
  let noAnswer = false;
  // The status of the last attempt the Hub answered with 429 or 5xx: once the retries run out, the Hub's own answer.
  let lastStatus: number | undefined;
  // One deadline for the request: every attempt and every wait between them.
  const deadline = Date.now() + requestMs(ctx.opts);
  let tried = 0;
  for (let attempt = 0; attempt <= ctx.opts.retries; attempt++) {
    if (attempt > 0) {
      const wait = Math.min(2000, 100 * 2 ** (attempt - 1));
      if (deadline - Date.now() <= wait) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    tried++;
    let res: LightResponse;
    let body: Uint8Array | undefined;
    try {
      ctx.cost.requests++;
      res = await lightFetch(url, {
        headers,
        timeoutMs: Math.max(1, deadline - Date.now()),
        egress: ctx.opts.egress,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      countRedirects(ctx.cost, res.redirects);
      if (res.status === 429 || res.status >= 500) {
        await res.body.cancel();
        lastError = `HTTP ${res.status}`;
        lastStatus = res.status;
        noAnswer = false;
        continue;
      }
      if (res.status !== 200) {
        await res.body.cancel();
        const why = res.status === 401 || res.status === 403 ? ' (a private or gated repository needs HF_TOKEN)' : '';
        throw new RemoteTargetError(`${url}: HTTP ${res.status}${why}`, { upstreamStatus: res.status });
      }
      body = await res.bytes(MAX_LISTING_BYTES);
    } catch (e) {
      if (e instanceof RemoteTargetError) throw e;
      countRedirects(ctx.cost, (e as { redirects?: unknown } | null)?.redirects);
      // A connection the egress policy refused is not retried.
      if ((e as { code?: unknown } | null)?.code === 'EGRESS_REFUSED') {
        throw new RemoteTargetError(`${url}: ${(e as Error).message}`, { cause: e });
      }
      lastError = `request failed: ${(e as Error).message}`;
      noAnswer = true;
      continue;
    }
    if (!body) throw new RemoteTargetError(`${url}: listing larger than ${MAX_LISTING_BYTES} bytes`);
    ctx.cost.bytesRead += body.length;
    const text = new TextDecoder().decode(body);
    const link = res.headers.get('link') ?? '';
    const next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    try {
      return { body: JSON.parse(text), ...(next ? { next: new URL(next, url).href } : {}) };
    } catch {
      throw new RemoteTargetError(`${url}: not JSON`);
    }
  }
  throw new RemoteTargetError(
    `${url}: ${lastError} (after ${tried} attempt${tried === 1 ? '' : 's'} within ${ctx.opts.requestTimeoutMs} ms)`,
    noAnswer ? { unreachable: true } : lastStatus !== undefined ? { upstreamStatus: lastStatus } : {},
  );
}

function endpointOf(ctx: ResolveContext): URL {
  const raw = ctx.env['HF_ENDPOINT'] ?? 'https://huggingface.co';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RemoteTargetError(`HF_ENDPOINT is not a URL: ${raw}`);
  }
  if (u.protocol === 'http:' && !ctx.opts.allowHttp && !isLoopbackHost(u.hostname)) {
    throw new RemoteTargetError(`HF_ENDPOINT ${raw}: plain http only to loopback hosts (or --allow-http)`);
  }
  return u;
}

const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

/** The files at commit `sha` under the reference's path (every page), sorted by path; `single` when it names a file. */
async function listTree(
  arg: string,
  ref: HfRef,
  api: string,
  sha: string,
  headers: Record<string, string>,
  ctx: ResolveContext,
): Promise<{ files: TreeEntry[]; single: boolean }> {
  const files: TreeEntry[] = [];
  let single = false;
  try {
    let page: string | undefined = `${api}/tree/${sha}${ref.path ? '/' + enc(ref.path) : ''}?recursive=true`;
    for (let n = 0; page !== undefined; n++) {
      if (n >= MAX_PAGES) throw new RemoteTargetError(`${arg}: more than ${MAX_PAGES} listing pages`);
      const r: { body: unknown; next?: string } = await getJson(page, headers, ctx);
      if (!Array.isArray(r.body)) throw new RemoteTargetError(`${arg}: the tree listing is not a list`);
      for (const e of r.body as TreeEntry[]) if (e && e.type === 'file' && typeof e.path === 'string') files.push(e);
      page = r.next;
    }
  } catch (e) {
    if (!ref.path || !(e instanceof RemoteTargetError)) throw e;
  }
  if (files.length === 0 && ref.path) {
    // A path naming a file: the listing of its folder has it.
    const slash = ref.path.lastIndexOf('/');
    const dir = slash >= 0 ? ref.path.slice(0, slash) : '';
    let hit: TreeEntry | undefined;
    let page: string | undefined = `${api}/tree/${sha}${dir ? '/' + enc(dir) : ''}`;
    for (let n = 0; page !== undefined && !hit; n++) {
      if (n >= MAX_PAGES) throw new RemoteTargetError(`${arg}: more than ${MAX_PAGES} listing pages`);
      const r: { body: unknown; next?: string } = await getJson(page, headers, ctx);
      if (!Array.isArray(r.body)) throw new RemoteTargetError(`${arg}: the tree listing is not a list`);
      hit = (r.body as TreeEntry[]).find((e) => e && e.type === 'file' && e.path === ref.path);
      page = r.next;
    }
    if (!hit) throw new RemoteTargetError(`${arg}: no such file or folder at ${sha}`);
    files.push(hit);
    single = true;
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: files.map(treeEntry), single };
}

/** The fields of a tree entry the scan uses (what a kept listing stores). */
function treeEntry(e: TreeEntry): TreeEntry {
  return {
    type: 'file',
    path: e.path,
    ...(typeof e.size === 'number' ? { size: e.size } : {}),
    ...(typeof e.oid === 'string' ? { oid: e.oid } : {}),
    ...(e.lfs && typeof e.lfs === 'object'
      ? {
          lfs: {
            ...(typeof e.lfs.oid === 'string' ? { oid: e.lfs.oid } : {}),
            ...(typeof e.lfs.size === 'number' ? { size: e.lfs.size } : {}),
          },
        }
      : {}),
  };
}

/** A kept listing as `listTree` returned it, or undefined when the stored value is not one. */
function keptListing(v: unknown): { files: TreeEntry[]; single: boolean } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { files, single } = v as { files?: unknown; single?: unknown };
  if (!Array.isArray(files) || typeof single !== 'boolean') return undefined;
  const ok = files.every((e: unknown) => {
    if (typeof e !== 'object' || e === null) return false;
    const t = e as TreeEntry;
    return (
      t.type === 'file' &&
      typeof t.path === 'string' &&
      (t.size === undefined || Number.isSafeInteger(t.size)) &&
      (t.oid === undefined || typeof t.oid === 'string') &&
      (t.lfs === undefined ||
        (typeof t.lfs === 'object' &&
          t.lfs !== null &&
          (t.lfs.oid === undefined || typeof t.lfs.oid === 'string') &&
          (t.lfs.size === undefined || Number.isSafeInteger(t.lfs.size))))
    );
  });
  return ok ? { files: (files as TreeEntry[]).map(treeEntry), single } : undefined;
}

export async function listHf(arg: string, ctx: ResolveContext): Promise<RemoteListing> {
  const ref = parseHfRef(arg);
  const endpoint = endpointOf(ctx).href.replace(/\/$/, '');
  const token = hfToken(ctx.env, ctx.homedir);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const api = `${endpoint}/api/${ref.kind}/${ref.repo}`;
  const keyOf = (commit: string): string => JSON.stringify(['hf-tree', endpoint, ref.kind, ref.repo, commit, ref.path]);
  // A revision written as a full commit id names that commit for good (huggingface_hub's own cache takes a 40-digit
  // hex revision as a commit too). A listing kept for it was stored after the Hub resolved a revision to exactly this
  // commit: it is reused without asking anything. A branch or tag can move: it is asked every run.
  const keptAtCommit =
    COMMIT.test(ref.revision) && ctx.listings ? keptListing(ctx.listings.get(keyOf(ref.revision))) : undefined;
  let sha = ref.revision;
  if (!keptAtCommit) {
    const rev = await getJson(`${api}/revision/${encodeURIComponent(ref.revision)}`, headers, ctx);
    const answered = (rev.body as { sha?: unknown }).sha;
    if (typeof answered !== 'string' || !COMMIT.test(answered)) {
      throw new RemoteTargetError(`${arg}: the Hub did not resolve revision ${ref.revision} to a commit`);
    }
    sha = answered;
  }
  const kindPrefix = ref.kind === 'models' ? '' : `${ref.kind}/`;
  const pinned = `hf://${kindPrefix}${ref.repo}@${sha}`;
  // The files of a commit never change: a listing kept from an earlier run is reused (the revision was asked above,
  // unless it is that commit).
  const cacheKey = keyOf(sha);
  const kept = keptAtCommit ?? (ctx.listings ? keptListing(ctx.listings.get(cacheKey)) : undefined);
  const { files, single } = kept ?? (await listTree(arg, ref, api, sha, headers, ctx));
  if (!kept) ctx.listings?.put(cacheKey, { files, single });
  const targetArg = `${pinned}${ref.path ? '/' + ref.path : ''}`;
  const base = ref.path && !single ? ref.path + '/' : '';
  const entries: RemoteEntry[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      ctx.signal?.throwIfAborted();
      const i = next++;
      const f = files[i]!;
      const size = f.lfs?.size ?? f.size;
      const digest = f.lfs?.oid ? `sha256:${f.lfs.oid}` : f.oid ? `git-blob:${f.oid}` : undefined;
      const url = `${endpoint}/${kindPrefix}${ref.repo}/resolve/${sha}/${enc(f.path)}`;
      const path = `${pinned}/${f.path}`;
      const stable = single
        ? f.path.slice(f.path.lastIndexOf('/') + 1)
        : f.path.startsWith(base)
          ? f.path.slice(base.length)
          : f.path;
      const skip =
        typeof size === 'number' &&
        (ctx.listOnly || (digest !== undefined && ctx.known?.(digest, stable.slice(stable.lastIndexOf('/') + 1))));
      if (skip) {
        entries[i] = {
          path,
          stable,
          size,
          file: unprobedFile(url, token ? headers : undefined, size, digest, ctx.opts.allowHttp, ctx.opts.egress),
        };
        continue;
      }
      const probed = await probeFile(
        url,
        token ? headers : undefined,
        ctx.bridge,
        ctx.opts,
        ctx.cost,
        ctx.opts.allowHttp,
        {
          ...(typeof size === 'number' ? { size } : {}),
          ...(digest ? { digest } : {}),
          ...(ctx.plan ? { plan: ctx.plan } : {}),
          path,
        },
      );
      entries[i] =
        typeof probed === 'string'
          ? { path, stable, size: size ?? 0, reason: probed }
          : { path, stable, size: probed.size, file: probed };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBES_AT_ONCE, files.length) }, worker));
  return { target: { arg: targetArg, abs: targetArg, isDirectory: !single }, entries, resolved: sha };
}
