// Which scan targets a service may accept from a client: local paths only inside the configured roots (after
// resolving symlinks), and remote targets only to public addresses unless private ones are allowed (SSRF). The
// address ranges follow RFC 6890 (special-purpose IPv4/IPv6 registries) for what is not publicly routable.
import { lookup } from 'node:dns/promises';
import { lstatSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { addressClass } from '../sources/remote/egress.js';
import { parseHfRef } from '../sources/remote/hf-target.js';
import { parseHttpUrl } from '../sources/remote/http-target.js';
import { parseOciRef } from '../sources/remote/oci-target.js';

/** A target the service refuses, with the reason it gives the client (HTTP 400/403). */
export class TargetRefused extends Error {
  constructor(
    message: string,
    /**
     * 403 for a remote target to an address the service may not reach (or a local path when it has no roots), 400 for
     * one it cannot read as a target, and for a local path that is missing or outside the roots alike.
     */
    readonly status: 400 | 403,
  ) {
    super(message);
  }
}

export interface GuardOptions {
  /** Real paths of the folders local targets must lie in (no roots: no local target is accepted). */
  readonly roots: readonly string[];
  /** Remote targets may name loopback, private, link-local and other non-public addresses. */
  readonly allowPrivate: boolean;
  /** Host lookup (tests); default: the system resolver, every address. */
  readonly lookupAll?: (host: string) => Promise<readonly string[]>;
  /**
   * Real paths of folders, shared by the checks of a batch of targets taken together (a queue job's targets): the
   * folder of a target that is not itself a symbolic link is resolved once for the batch, the target by one lstat.
   */
  readonly realFolders?: Map<string, string>;
}

/**
 * The real path of `abs` (absolute): its folder's real path from `folders` (resolved once) joined with its name
 * when the name is not a symbolic link; the whole path resolved otherwise. Throws as realpath does.
 */
function realPathVia(abs: string, folders: Map<string, string>): string {
  const name = basename(abs);
  // A path that is not in normal form ('..', '.', '//', a trailing separator) or names a root is resolved whole.
  if (!name || name === '.' || name === '..' || abs !== resolve(abs)) return realpathSync.native(abs);
  const st = lstatSync(abs); // throws ENOENT like realpath
  if (st.isSymbolicLink()) return realpathSync.native(abs);
  const folder = dirname(abs);
  let real = folders.get(folder);
  if (real === undefined) folders.set(folder, (real = realpathSync.native(folder)));
  return real.endsWith(sep) ? real + name : real + sep + name;
}

const REMOTE = /^(hf|oci|https?):\/\//i;

/**
 * The address is not publicly routable (loopback, private, link-local, CGNAT, multicast, reserved, …): the egress
 * policy's classification (sources/remote/egress.ts), the one every outbound connection of a scan is checked by.
 */
export function isNonPublicAddress(address: string): boolean {
  return addressClass(address) !== 'public';
}

/** Host (without brackets) of a remote target: `https://h:p/…`, `oci://h:p/repo…`; undefined for `hf://`. */
export function remoteHost(target: string): string | undefined {
  const scheme = target.slice(0, target.indexOf(':')).toLowerCase();
  if (scheme === 'hf') return undefined;
  const rest = target.slice(scheme.length + 3);
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  if (!authority || authority.includes('@')) return '';
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(authority);
  if (bracket) return bracket[1]!;
  return authority.replace(/:\d+$/, '').toLowerCase();
}

async function systemLookupAll(host: string): Promise<readonly string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/**
 * Why a remote target cannot be read as one (an invalid repository name, tag, digest, Hub name or URL), as its reader
 * would refuse it when the scan starts; undefined when it reads. Checked when the request arrives, so that a client's
 * malformed reference is answered 400 rather than a failed scan.
 */
function remoteSyntaxError(target: string): string | undefined {
  const scheme = target.slice(0, target.indexOf(':')).toLowerCase();
  try {
    if (scheme === 'oci') parseOciRef(target);
    else if (scheme === 'hf') parseHfRef(target);
    else {
      // Plain http as the scan reads it: the service's scans never set allowHttp.
      const u = parseHttpUrl(target, false);
      if (typeof u === 'string') return `${target}: ${u}`;
    }
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

/**
 * Checks one target and returns what to scan: a real path inside a root, or the remote target unchanged.
 * Relative paths are resolved against the first root.
 */
export async function guardTarget(target: unknown, o: GuardOptions): Promise<string> {
  if (typeof target !== 'string' || !target || target.length > 4096 || target.includes('\0')) {
    throw new TargetRefused('each target is a non-empty string (a path or a URL) of at most 4096 characters', 400);
  }
  if (REMOTE.test(target)) {
    const host = remoteHost(target);
    if (host === '') throw new TargetRefused(`target ${target}: no host, or credentials in the URL`, 400);
    if (host !== undefined && !o.allowPrivate) {
      let addresses: readonly string[];
      try {
        addresses = isIP(host) ? [host] : await (o.lookupAll ?? systemLookupAll)(host);
      } catch {
        throw new TargetRefused(`target ${target}: host ${host} does not resolve`, 400);
      }
      if (!addresses.length || addresses.some(isNonPublicAddress)) {
        throw new TargetRefused(
          `target ${target}: ${host} is a loopback or private address (start the service with --allow-private-targets to allow it)`,
          403,
        );
      }
    }
    const invalid = remoteSyntaxError(target);
    if (invalid !== undefined) throw new TargetRefused(`target ${invalid}`, 400);
    return target;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) throw new TargetRefused(`target ${target}: unsupported scheme`, 400);
  if (!o.roots.length) throw new TargetRefused('this service scans no local paths (no --root given)', 403);
  const abs = isAbsolute(target) ? target : resolve(o.roots[0]!, target);
  // A path that does not exist and one outside the roots get the same answer: the service tells a client nothing
  // about what exists outside its roots (as the command line, a missing path is a usage error: 400).
  const unseen = (): TargetRefused =>
    new TargetRefused(`target ${target}: no such file or directory under the service's roots`, 400);
  let real: string;
  try {
    // Synchronous: a local realpath takes microseconds, a thread-pool round trip costs more than that.
    real = o.realFolders ? realPathVia(abs, o.realFolders) : realpathSync.native(abs);
  } catch {
    throw unseen();
  }
  const inside = o.roots.some((root) => {
    const rel = relative(root, real);
    return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
  });
  if (!inside) throw unseen();
  return real;
}
