// What verifying one model signature established: the signature's status, the signer, the signed root digest,
// which checks ran, and every file that differs from the signed manifest (OMS v1.0 §8). Plain data, no logic.

/** Signing methods of OMS v1.0 §4.1. */
export type SigningMethod = 'key' | 'certificate' | 'sigstore';

/** One verification step and its outcome (`ran: false` says why it could not run). */
export interface SignatureCheck {
  readonly id: string;
  readonly ran: boolean;
  readonly passed?: boolean;
  readonly detail: string;
}

/** A file that differs from the signed manifest. */
export interface ManifestProblem {
  /** changed: digest differs; missing: signed but absent; extra: present but not signed; symlink: link where the
   * signature forbids links; unreadable: could not be read. */
  readonly kind: 'changed' | 'missing' | 'extra' | 'symlink' | 'unreadable';
  /** Path relative to the model root (`/`-separated); a shard is `path:start:end`. */
  readonly path: string;
  readonly expected?: string;
  readonly actual?: string;
}

/**
 * The signature's standing: valid (cryptographically sound and anchored in a trusted key, root or identity),
 * untrusted (sound, but the signer is not one the policy trusts, or the anchor could not be checked), invalid
 * (malformed bundle or statement, or a signature that does not verify), missing (no signature file).
 */
export type SignatureStanding = 'valid' | 'untrusted' | 'invalid' | 'missing';

/** The verdict on one model's signature: standing, signer, signed digest, checks that ran, differing files. */
export interface SignatureVerdict {
  /** The scanned path the signature covers, as given. */
  readonly target: string;
  /** The signature file (as resolved, relative to the working directory when inside it). */
  readonly signatureFile: string;
  /** A signature is required here (flag or policy). */
  readonly required: boolean;
  /** Trust anchors (keys, roots, identities) were configured for this path. */
  readonly trustConfigured: boolean;
  readonly standing: SignatureStanding;
  /** Why the standing is not `valid` (one line). */
  readonly reason?: string;
  /** The manifest comparison: match, mismatch, or not run (bundle unusable). */
  readonly manifest: 'match' | 'mismatch' | 'not-checked';
  readonly method?: SigningMethod;
  /** Bundle format generation, e.g. `v1.0 predicate, pre-v1.1 key encoding`. */
  readonly format?: string;
  readonly predicateType?: string;
  /** Signer: key fingerprint, certificate subject, or Sigstore certificate identity. */
  readonly identity?: string;
  /** Sigstore OIDC issuer, or the certificate issuer's subject. */
  readonly issuer?: string;
  /** `sha256:<hex>` of the signed subject (the model's root digest). */
  readonly digest?: string;
  /** Hash of the file digests (`files`) or shard digests (`shards`). */
  readonly serialization?: string;
  readonly hashType?: string;
  /** Number of signed resources (files or shards). */
  readonly resources?: number;
  /** Files in the model folder the signature excludes (still scanned). */
  readonly excluded: readonly string[];
  readonly checks: readonly SignatureCheck[];
  readonly problems: readonly ManifestProblem[];
  /** Bytes hashed to compare the manifest. */
  readonly bytesHashed: number;
}
