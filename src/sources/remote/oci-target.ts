// `oci://REGISTRY/REPO[:TAG|@DIGEST]`: an artifact in an OCI registry through the distribution API (OCI
// distribution-spec v1.1): the reference is resolved to its manifest digest first (GET /v2/{repo}/manifests/{ref};
// a digest reference is checked against the body's sha256), an index lists its manifests (each one read, up to 16),
// and every layer and config blob becomes a file read with range requests (GET /v2/{repo}/blobs/{digest}). Layer
// names: the `org.opencontainers.image.title` annotation (CNCF ModelPack, KitOps ModelKits and ORAS set it), else
// `blobs/sha256/<hex>`. Content decides the format (a tar or gzip image layer is read as one). Credentials: the
// Docker config's `auths` entry for the registry (basic, or the bearer token its challenge asks for).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeFile, unprobedFile } from './http-target.js';
import { countRedirects, lightFetch, type LightResponse } from './light-fetch.js';
import { deadlineReason, isLoopbackHost, requestMs } from './remote-file.js';
import type { RemoteEntry, RemoteListing } from './remote-listing.js';
import { RemoteTargetError } from './remote-target-error.js';
import type { ResolveContext } from './resolve-target.js';

export interface OciRef {
  readonly registry: string;
  readonly repo: string;
  /** A tag or a digest (`sha256:<hex>`). */
  readonly reference: string;
}

/** A request that failed without an answer (no name, no connection, none in time), not one the egress policy refused. */
function noAnswer(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code !== 'EGRESS_REFUSED';
}

const REPO = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseOciRef(arg: string): OciRef {
  const rest = arg.replace(/^oci:\/\//i, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new RemoteTargetError(`${arg}: expected oci://REGISTRY/REPO[:TAG|@DIGEST]`);
  const registry = rest.slice(0, slash);
  let repo = rest.slice(slash + 1);
  let reference = 'latest';
  const at = repo.indexOf('@');
  if (at >= 0) {
    reference = repo.slice(at + 1);
    repo = repo.slice(0, at);
    if (!DIGEST.test(reference)) throw new RemoteTargetError(`${arg}: a digest reference must be sha256:<64 hex>`);
  } else {
    const colon = repo.lastIndexOf(':');
    if (colon > repo.lastIndexOf('/')) {
      reference = repo.slice(colon + 1);
      repo = repo.slice(0, colon);
      if (!TAG.test(reference)) throw new RemoteTargetError(`${arg}: invalid tag ${reference}`);
    }
  }
  if (!REPO.test(repo)) throw new RemoteTargetError(`${arg}: invalid repository name ${repo}`);
  return { registry, repo, reference };
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const INDEX_TYPES = new Set([MANIFEST_TYPES[0], MANIFEST_TYPES[2]]);
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_MANIFESTS = 16;
const MAX_LAYERS = 10_000;

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

/** Credentials for a registry from the Docker config (`$DOCKER_CONFIG/config.json` or ~/.docker/config.json). */
export function dockerAuth(
  registry: string,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string | undefined {
  const file = join(env['DOCKER_CONFIG'] ?? join(home, '.docker'), 'config.json');
  try {
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as { auths?: Record<string, { auth?: string }> };
    for (const key of [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`]) {
      const a = cfg.auths?.[key]?.auth;
      if (typeof a === 'string' && a) return a;
    }
  } catch {
    // no config: anonymous
  }
  return undefined;
}

class Session {
  private bearer: string | undefined;
  constructor(
    private readonly base: string,
    private readonly basic: string | undefined,
    private readonly ctx: ResolveContext,
  ) {}

  headers(accept?: string): Record<string, string> {
    return {
      ...(this.bearer
        ? { authorization: `Bearer ${this.bearer}` }
        : this.basic
          ? { authorization: `Basic ${this.basic}` }
          : {}),
      ...(accept ? { accept } : {}),
    };
  }

  /** GET with the registry's token challenge answered once; the body bounded. */
  async get(path: string, accept: string): Promise<{ body: Uint8Array; type: string; digest: string | null }> {
    for (let round = 0; round < 2; round++) {
      this.ctx.cost.requests++;
      let res: LightResponse;
      try {
        res = await lightFetch(this.base + path, {
          headers: this.headers(accept),
          timeoutMs: requestMs(this.ctx.opts),
          egress: this.ctx.opts.egress,
          ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
        });
      } catch (e) {
        countRedirects(this.ctx.cost, (e as { redirects?: unknown } | null)?.redirects);
        throw new RemoteTargetError(`${this.base}${path}: request failed: ${(e as Error).message}`, {
          cause: e,
          unreachable: noAnswer(e),
        });
      }
      countRedirects(this.ctx.cost, res.redirects);
      if (res.status === 401 && round === 0) {
        await res.body.cancel();
        const challenge = res.headers.get('www-authenticate') ?? '';
        if (!/^bearer /i.test(challenge))
          throw new RemoteTargetError(`${this.base}${path}: HTTP 401 (credentials missing or refused)`, {
            upstreamStatus: 401,
          });
        await this.token(challenge);
        continue;
      }
      if (res.status !== 200) {
        await res.body.cancel();
        throw new RemoteTargetError(`${this.base}${path}: HTTP ${res.status}`, { upstreamStatus: res.status });
      }
      let buf: Uint8Array | undefined;
      try {
        buf = await res.bytes(MAX_MANIFEST_BYTES);
      } catch (e) {
        throw new RemoteTargetError(`${this.base}${path}: request failed: ${(e as Error).message}`, {
          cause: e,
          unreachable: noAnswer(e),
        });
      }
      if (!buf) throw new RemoteTargetError(`${this.base}${path}: manifest too large`);
      this.ctx.cost.bytesRead += buf.length;
      return {
        body: buf,
        type: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(),
        digest: res.headers.get('docker-content-digest'),
      };
    }
    throw new RemoteTargetError(`${this.base}${path}: HTTP 401 (credentials missing or refused)`, {
      upstreamStatus: 401,
    });
  }

  private async token(challenge: string): Promise<void> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
    );
    // The challenge is the registry's text: a missing or unusable realm is the registry's fault, answered as its
    // refusal (HTTP 401 upstream), never as a fault of the scan.
    if (!params['realm'])
      throw new RemoteTargetError(`${this.base}: a bearer challenge without realm`, { upstreamStatus: 401 });
    let u: URL;
    try {
      u = new URL(params['realm']);
    } catch {
      throw new RemoteTargetError(
        `${this.base}: a bearer challenge whose realm ${JSON.stringify(params['realm'].slice(0, 200))} is not an absolute URL`,
        { upstreamStatus: 401 },
      );
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new RemoteTargetError(`${this.base}: token realm ${u.href.slice(0, 200)} is not http(s)`, {
        cause: { code: 'EGRESS_REFUSED' },
      });
    // Never from an https registry to a plain http realm; plain http otherwise as for the registry itself.
    if (
      u.protocol !== 'https:' &&
      (this.base.startsWith('https:') || (!isLoopbackHost(u.hostname) && !this.ctx.opts.allowHttp))
    ) {
      // Refused as the egress policy refuses a downgrade: a realm the scan may not reach (not a fault).
      throw new RemoteTargetError(`${this.base}: token realm ${u.href} is plain http`, {
        cause: { code: 'EGRESS_REFUSED' },
      });
    }
    if (params['service']) u.searchParams.set('service', params['service']);
    if (params['scope']) u.searchParams.set('scope', params['scope']);
    this.ctx.cost.requests++;
    let body: Uint8Array | undefined;
    try {
      const res = await lightFetch(u, {
        headers: this.basic ? { authorization: `Basic ${this.basic}` } : {},
        timeoutMs: requestMs(this.ctx.opts),
        egress: this.ctx.opts.egress,
        ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
      });
      countRedirects(this.ctx.cost, res.redirects);
      if (res.status !== 200) {
        await res.body.cancel();
        throw new RemoteTargetError(`${this.base}: token request refused (HTTP ${res.status})`, {
          upstreamStatus: res.status,
        });
      }
      body = await res.bytes(MAX_MANIFEST_BYTES);
    } catch (e) {
      if (e instanceof RemoteTargetError) throw e;
      countRedirects(this.ctx.cost, (e as { redirects?: unknown } | null)?.redirects);
      throw new RemoteTargetError(`${this.base}: token request failed: ${(e as Error).message}`, {
        cause: e,
        unreachable: noAnswer(e),
      });
    }
    if (!body) throw new RemoteTargetError(`${this.base}: token response too large`);
    const j = parseJson(body, `${this.base}: token response`) as { token?: string; access_token?: string };
    this.bearer = j.token ?? j.access_token;
    if (!this.bearer) throw new RemoteTargetError(`${this.base}: token response without a token`);
  }
}

const sha256Of = (b: Uint8Array): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

function parseJson(b: Uint8Array, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(b));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new RemoteTargetError(`${what}: not a JSON object`);
}

export async function listOci(arg: string, ctx: ResolveContext): Promise<RemoteListing> {
  const ref = parseOciRef(arg);
  const host = ref.registry.replace(/:\d+$/, '');
  const plain = isLoopbackHost(host) || ctx.opts.allowHttp;
  const base = `${plain ? 'http' : 'https'}://${ref.registry}`;
  const basic = dockerAuth(ref.registry, ctx.env, ctx.homedir);
  const session = new Session(base, basic, ctx);
  const accept = MANIFEST_TYPES.join(', ');
  const top = await session.get(`/v2/${ref.repo}/manifests/${ref.reference}`, accept);
  const digest = sha256Of(top.body);
  if (DIGEST.test(ref.reference) && digest !== ref.reference) {
    throw new RemoteTargetError(`${arg}: the registry answered a manifest whose digest is ${digest}`);
  }
  if (top.digest && top.digest !== digest) {
    throw new RemoteTargetError(`${arg}: Docker-Content-Digest ${top.digest} differs from the manifest's ${digest}`);
  }
  const pinned = `oci://${ref.registry}/${ref.repo}@${digest}`;
  const manifests: { digest: string; doc: Record<string, unknown>; prefix: string }[] = [];
  const topDoc = parseJson(top.body, arg);
  const topType = typeof topDoc['mediaType'] === 'string' ? (topDoc['mediaType'] as string) : top.type;
  if (INDEX_TYPES.has(topType) || Array.isArray(topDoc['manifests'])) {
    const list = (Array.isArray(topDoc['manifests']) ? topDoc['manifests'] : []) as Descriptor[];
    if (list.length > MAX_MANIFESTS)
      throw new RemoteTargetError(`${arg}: index of more than ${MAX_MANIFESTS} manifests`);
    for (const d of list) {
      if (typeof d.digest !== 'string' || !DIGEST.test(d.digest))
        throw new RemoteTargetError(`${arg}: index entry without a sha256 digest`);
      const m = await session.get(`/v2/${ref.repo}/manifests/${d.digest}`, accept);
      if (sha256Of(m.body) !== d.digest)
        throw new RemoteTargetError(`${arg}: manifest ${d.digest} does not match its digest`);
      const p = d.platform ? `${d.platform.os ?? 'any'}-${d.platform.architecture ?? 'any'}` : d.digest.slice(7, 19);
      manifests.push({ digest: d.digest, doc: parseJson(m.body, d.digest), prefix: list.length > 1 ? `${p}/` : '' });
    }
  } else manifests.push({ digest, doc: topDoc, prefix: '' });

  const blobs: { descriptor: Descriptor; stable: string }[] = [];
  for (const m of manifests) {
    const layers = (Array.isArray(m.doc['layers']) ? m.doc['layers'] : []) as Descriptor[];
    if (layers.length > MAX_LAYERS) throw new RemoteTargetError(`${arg}: more than ${MAX_LAYERS} layers`);
    const config = m.doc['config'] as Descriptor | undefined;
    const all = [...(config ? [{ d: config, config: true }] : []), ...layers.map((d) => ({ d, config: false }))];
    for (const { d, config: isConfig } of all) {
      if (typeof d.digest !== 'string' || !DIGEST.test(d.digest) || typeof d.size !== 'number') {
        throw new RemoteTargetError(`${arg}: a descriptor without a sha256 digest or size`);
      }
      const title = d.annotations?.['org.opencontainers.image.title'];
      const safeTitle = title && !title.split('/').some((s) => s === '..' || s === '') ? title : undefined;
      const name = isConfig ? `config/${d.digest.slice(7)}.json` : (safeTitle ?? `blobs/sha256/${d.digest.slice(7)}`);
      blobs.push({ descriptor: d, stable: m.prefix + name });
    }
  }
  const entries: RemoteEntry[] = new Array(blobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < blobs.length) {
      const i = next++;
      const { descriptor: d, stable } = blobs[i]!;
      const url = `${base}/v2/${ref.repo}/blobs/${d.digest}`;
      const path = `${pinned}/${stable}`;
      ctx.signal?.throwIfAborted();
      // Past the scan's total remote time, the rest of the layers are listed unread (each one SCAN-INCOMPLETE).
      const late = ctx.listOnly ? undefined : deadlineReason(ctx.opts);
      if (late !== undefined) {
        entries[i] = { path, stable, size: d.size!, reason: late };
        continue;
      }
      if (ctx.listOnly || ctx.known?.(d.digest!, stable.slice(stable.lastIndexOf('/') + 1))) {
        entries[i] = {
          path,
          stable,
          size: d.size!,
          file: unprobedFile(url, session.headers(), d.size!, d.digest!, plain, ctx.opts.egress),
        };
        continue;
      }
      const probed = await probeFile(url, session.headers(), ctx.bridge, ctx.opts, ctx.cost, plain, {
        size: d.size!,
        digest: d.digest!,
        ...(ctx.plan ? { plan: ctx.plan } : {}),
        path,
      });
      entries[i] =
        typeof probed === 'string'
          ? { path, stable, size: d.size!, reason: probed }
          : { path, stable, size: probed.size, file: probed };
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, blobs.length) }, worker));
  return { target: { arg: pinned, abs: pinned, isDirectory: true }, entries, resolved: digest };
}
