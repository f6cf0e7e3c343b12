// The policy's `signatures:` block: which scanned paths must carry an OpenSSF Model Signing signature (globs), and
// what to trust — public keys, root CA certificates, Sigstore identities with their issuers, Sigstore trusted-root
// files — plus paths the verifier excludes besides the signed ignore_paths. File names resolve against the
// working directory, like every other path in the policy.
import { z } from 'zod';

const text = z.string().trim().min(1, { error: 'must not be empty' });

export const SignaturePolicySchema = z
  .strictObject({
    require: z
      .array(text)
      .optional()
      .describe('Globs of scanned paths that must be signed (`**` = every path); a missing signature is SIGN-MISSING'),
    optional: z
      .array(text)
      .optional()
      .describe('Globs of scanned paths exempt from `require` (a present signature is still verified)'),
    signature: text.optional().describe('Signature file name at a folder root or beside a file (default model.sig)'),
    keys: z.array(text).optional().describe('Trusted public keys (PEM files) for the key method'),
    roots: z.array(text).optional().describe('Trusted root CA certificates (PEM files) for the certificate method'),
    identities: z
      .array(
        z.strictObject({
          identity: text.describe('Certificate identity (email or URI) of a Sigstore keyless signer'),
          issuer: text.describe('OIDC issuer URL the identity must come from'),
        }),
      )
      .optional()
      .describe('Trusted Sigstore identities with their issuers'),
    trusted_roots: z
      .array(text)
      .optional()
      .describe('Sigstore trusted-root JSON files (default: the public-good instance shipped with Sigstore JS)'),
    ignore_paths: z
      .array(text)
      .optional()
      .describe('Model-relative paths excluded from verification besides the signed ignore_paths (still scanned)'),
  })
  .describe('Model signatures (OpenSSF Model Signing): where they are required and whom to trust');

export type SignaturePolicyFile = z.infer<typeof SignaturePolicySchema>;

/** The resolved `signatures:` block (lists empty when absent). */
export interface SignaturePolicy {
  readonly require: readonly string[];
  readonly optional: readonly string[];
  readonly signature?: string;
  readonly keys: readonly string[];
  readonly roots: readonly string[];
  readonly identities: readonly { readonly identity: string; readonly issuer: string }[];
  readonly trustedRoots: readonly string[];
  readonly ignorePaths: readonly string[];
}

export const EMPTY_SIGNATURE_POLICY: SignaturePolicy = {
  require: [],
  optional: [],
  keys: [],
  roots: [],
  identities: [],
  trustedRoots: [],
  ignorePaths: [],
};

export function signaturePolicyOf(f: SignaturePolicyFile | undefined): SignaturePolicy {
  if (!f) return EMPTY_SIGNATURE_POLICY;
  return {
    require: f.require ?? [],
    optional: f.optional ?? [],
    ...(f.signature !== undefined ? { signature: f.signature } : {}),
    keys: f.keys ?? [],
    roots: f.roots ?? [],
    identities: f.identities ?? [],
    trustedRoots: f.trusted_roots ?? [],
    ignorePaths: f.ignore_paths ?? [],
  };
}
