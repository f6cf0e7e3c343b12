// Trust anchors a signature is judged against: public keys (key method), root CA certificates (certificate
// method), Sigstore identities with their OIDC issuers and Sigstore trusted-root documents (keyless method).
// Loading reads the files named on the command line or in the policy; a file that does not parse is an error.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicKeyFrom } from './dsse-verify.js';

/** An identity a keyless signature may carry: the certificate's subject alternative name and OIDC issuer. */
export interface TrustedIdentity {
  readonly identity: string;
  /** Exact issuer URL; undefined accepts any issuer (only when the policy says so explicitly). */
  readonly issuer?: string;
}

export interface TrustAnchors {
  readonly keys: readonly { readonly source: string; readonly key: KeyObject }[];
  readonly roots: readonly { readonly source: string; readonly cert: X509Certificate }[];
  readonly identities: readonly TrustedIdentity[];
  /** Sigstore trusted-root JSON documents; empty means the public-good instance's root shipped with Sigstore JS. */
  readonly sigstoreRoots: readonly { readonly source: string; readonly json: unknown }[];
}

/** File names of the anchors (CLI flags, policy). */
export interface TrustSources {
  readonly keys?: readonly string[];
  readonly roots?: readonly string[];
  readonly identities?: readonly TrustedIdentity[];
  readonly sigstoreRoots?: readonly string[];
}

export class TrustLoadError extends Error {}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TrustLoadError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** Certificates in a PEM file (one or more), or a single DER certificate. */
export function certificatesIn(bytes: Buffer, source: string): X509Certificate[] {
  const text = bytes.toString('latin1');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  try {
    return pems ? pems.map((p) => new X509Certificate(p)) : [new X509Certificate(bytes)];
  } catch (e) {
    throw new TrustLoadError(`${source} is not a certificate: ${(e as Error).message}`);
  }
}

/** Reads every anchor file; paths are taken as given (the caller resolves them). */
export function loadTrustAnchors(s: TrustSources): TrustAnchors {
  const keys = (s.keys ?? []).map((source) => {
    const bytes = read(source, 'trusted key');
    // A certificate given as a key stands for its public key.
    const key =
      publicKeyFrom(bytes) ??
      (bytes.toString('latin1').includes('BEGIN CERTIFICATE')
        ? certificatesIn(bytes, source)[0]!.publicKey
        : undefined);
    if (!key) throw new TrustLoadError(`${source} is not a PEM or DER public key`);
    return { source, key };
  });
  const roots = (s.roots ?? []).flatMap((source) =>
    certificatesIn(read(source, 'trusted root'), source).map((cert) => ({ source, cert })),
  );
  const sigstoreRoots = (s.sigstoreRoots ?? []).map((source) => {
    try {
      return { source, json: JSON.parse(read(source, 'Sigstore trusted root').toString('utf8')) as unknown };
    } catch (e) {
      if (e instanceof TrustLoadError) throw e;
      throw new TrustLoadError(`${source} is not JSON: ${(e as Error).message}`);
    }
  });
  for (const i of s.identities ?? []) {
    if (!i.identity) throw new TrustLoadError('a trusted identity is empty');
  }
  return { keys, roots, identities: s.identities ?? [], sigstoreRoots };
}

/** True when anything was configured to trust. */
export function hasAnchors(a: TrustAnchors): boolean {
  return a.keys.length + a.roots.length + a.identities.length + a.sigstoreRoots.length > 0;
}
