// Model-signature options of `scan` (flags and the policy's `signatures:` block merged): whether signatures are
// required (everywhere, or per path glob), the signature file, and the trust anchors, loaded from their files.
import { resolve } from 'node:path';
import type { Policy } from '../policy/policy.js';
import { globToRegExp, normalizeGlobPath } from '../policy/glob.js';
import type { TrustAnchors } from '../provenance/trust.js';
import { SentinelError } from './errors.js';

/** Signature options of a scan (the CLI's --require-signature, --signature, --trust-* flags). */
export interface SignatureScanOptions {
  /** Every scanned path must carry a valid, trusted signature (SIGN-MISSING when absent). */
  readonly require?: boolean;
  /** The signature file for every scanned path (default `model.sig` at a folder root or beside a file). */
  readonly signature?: string;
  /** Trusted public keys (PEM files), key method. */
  readonly keys?: readonly string[];
  /** Trusted root CA certificates (PEM files), certificate method. */
  readonly roots?: readonly string[];
  /** Trusted Sigstore identities and their OIDC issuers, keyless method. */
  readonly identities?: readonly { readonly identity: string; readonly issuer?: string }[];
  /** Sigstore trusted-root JSON files of other instances (default: the public-good root shipped with Sigstore JS). */
  readonly trustedRoots?: readonly string[];
  /** Model-relative paths the verifier excludes besides the signed ignore_paths (the files are still scanned). */
  readonly ignorePaths?: readonly string[];
}

export interface ResolvedSignatureSetup {
  readonly required: (path: string) => boolean;
  readonly signatureFile?: string;
  readonly name?: string;
  readonly anchors: TrustAnchors;
  readonly ignorePaths: readonly string[];
}

function globs(list: readonly string[], what: string): RegExp[] {
  return list.map((g) => {
    try {
      return globToRegExp(normalizeGlobPath(g));
    } catch (e) {
      throw new SentinelError('policy', `signatures.${what}: ${(e as Error).message}`);
    }
  });
}

const NO_ANCHORS: TrustAnchors = { keys: [], roots: [], identities: [], sigstoreRoots: [] };

/**
 * Merges flags and policy; reads the anchor files (a file that does not parse is an io error). node:crypto and the
 * anchor loader are loaded only when anchors are given: a scan without signatures starts without them.
 */
export async function resolveSignatureSetup(
  o: SignatureScanOptions | undefined,
  policy: Policy,
  cwd: string,
): Promise<ResolvedSignatureSetup> {
  const p = policy.signatures;
  const req = globs(p?.require ?? [], 'require');
  const opt = globs(p?.optional ?? [], 'optional');
  const abs = (xs: readonly string[] | undefined): string[] => (xs ?? []).map((x) => resolve(cwd, x));
  const sources = {
    keys: [...abs(o?.keys), ...abs(p?.keys)],
    roots: [...abs(o?.roots), ...abs(p?.roots)],
    identities: [...(o?.identities ?? []), ...(p?.identities ?? [])],
    sigstoreRoots: [...abs(o?.trustedRoots), ...abs(p?.trustedRoots)],
  };
  let anchors = NO_ANCHORS;
  if (sources.keys.length + sources.roots.length + sources.identities.length + sources.sigstoreRoots.length) {
    const { loadTrustAnchors, TrustLoadError } = await import('../provenance/trust.js');
    try {
      anchors = loadTrustAnchors(sources);
    } catch (e) {
      if (e instanceof TrustLoadError) throw new SentinelError('io', e.message);
      throw e;
    }
  }
  const requireAll = o?.require === true;
  return {
    required: (path) => {
      if (requireAll) return true;
      const n = normalizeGlobPath(path).replace(/\/+$/, '');
      return req.some((r) => r.test(n)) && !opt.some((r) => r.test(n));
    },
    ...(o?.signature !== undefined ? { signatureFile: resolve(cwd, o.signature) } : {}),
    ...(p?.signature !== undefined ? { name: p.signature } : {}),
    anchors,
    ignorePaths: [...(o?.ignorePaths ?? []), ...(p?.ignorePaths ?? [])],
  };
}
