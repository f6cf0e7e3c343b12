// The `artifact` command's model-signature flags (OpenSSF Model Signing): --require-signature, --signature,
// --trust-key, --trust-root, --trust-identity with --trust-issuer, --trusted-root, --signature-ignore; and their
// translation into the scan's signature options.
import type { Command } from 'commander';
import type { SignatureScanOptions } from '../api/signature-options.js';

export interface SignatureFlags {
  requireSignature?: boolean;
  signature?: string;
  trustKey: string[];
  trustRoot: string[];
  trustIdentity: string[];
  trustIssuer: string[];
  trustedRoot: string[];
  signatureIgnore: string[];
}

const more = (v: string, prev: string[]): string[] => [...prev, v];

/** Adds the signature flags to a command. */
export function addSignatureOptions(cmd: Command): Command {
  return cmd
    .option('--require-signature', 'every scanned path must carry a valid signature by a trusted signer')
    .option('--signature <file>', 'signature file (default: model.sig at a folder root or beside a single file)')
    .option('--trust-key <pem>', 'trusted public key for key-signed models (repeatable)', more, [])
    .option('--trust-root <pem>', 'trusted root CA certificate for certificate-signed models (repeatable)', more, [])
    .option('--trust-identity <id>', 'trusted Sigstore signer identity, with --trust-issuer (repeatable)', more, [])
    .option('--trust-issuer <url>', 'OIDC issuer of the --trust-identity at the same position (repeatable)', more, [])
    .option('--trusted-root <json>', 'Sigstore trusted-root file of another instance (repeatable)', more, [])
    .option(
      '--signature-ignore <path>',
      'model-relative path excluded from signature verification, still scanned (repeatable)',
      more,
      [],
    );
}

/** The scan options the flags stand for; throws an Error with a usage message for unpaired identities. */
export function signatureScanOptions(f: SignatureFlags): SignatureScanOptions | undefined {
  const ids = f.trustIdentity;
  const issuers = f.trustIssuer;
  if (ids.length && issuers.length !== ids.length && issuers.length !== 1) {
    throw new Error('--trust-identity needs a --trust-issuer for each identity (or one issuer for all)');
  }
  if (issuers.length && !ids.length) throw new Error('--trust-issuer needs a --trust-identity');
  if (ids.length && !issuers.length) throw new Error('--trust-identity needs --trust-issuer URL');
  const o: SignatureScanOptions = {
    ...(f.requireSignature ? { require: true } : {}),
    ...(f.signature !== undefined ? { signature: f.signature } : {}),
    ...(f.trustKey.length ? { keys: f.trustKey } : {}),
    ...(f.trustRoot.length ? { roots: f.trustRoot } : {}),
    ...(ids.length
      ? { identities: ids.map((identity, i) => ({ identity, issuer: issuers[issuers.length === 1 ? 0 : i]! })) }
      : {}),
    ...(f.trustedRoot.length ? { trustedRoots: f.trustedRoot } : {}),
    ...(f.signatureIgnore.length ? { ignorePaths: f.signatureIgnore } : {}),
  };
  return Object.keys(o).length ? o : undefined;
}
