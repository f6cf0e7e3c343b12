// Verifies one DSSE signature over the pre-authentication encoding with a public key (node:crypto): ECDSA on
// P-256/P-384/P-521 with the curve's hash (OMS algorithm registry; Sigstore algorithm registry), Ed25519, and RSA
// (PKCS#1 v1.5 or PSS, SHA-256). ECDSA signatures are DER (what Sigstore signers write); IEEE P1363 is accepted too.
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

const CURVE_HASH: Readonly<Record<string, string>> = {
  prime256v1: 'sha256',
  'P-256': 'sha256',
  secp384r1: 'sha384',
  'P-384': 'sha384',
  secp521r1: 'sha512',
  'P-521': 'sha512',
};

/** True when `sig` is a valid signature over `data` by `key` (`ecHash` overrides the curve's hash). Never throws. */
export function verifyWithKey(key: KeyObject, data: Uint8Array, sig: Uint8Array, ecHash?: string): boolean {
  try {
    const type = key.asymmetricKeyType;
    if (type === 'ec') {
      const hash = ecHash ?? CURVE_HASH[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (!hash) return false;
      return (
        verify(hash, data, { key, dsaEncoding: 'der' }, sig) ||
        verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig)
      );
    }
    if (type === 'ed25519') return verify(null, data, key, sig);
    if (type === 'rsa' || type === 'rsa-pss') {
      return (
        verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig) ||
        verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING }, sig)
      );
    }
    return false;
  } catch {
    return false;
  }
}

/** A public key from PEM text, or DER SubjectPublicKeyInfo bytes; undefined when neither parses. */
export function publicKeyFrom(bytes: Uint8Array): KeyObject | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  try {
    if (text.includes('-----BEGIN')) return createPublicKey(text);
    return createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/**
 * Key fingerprint: SHA-256 (hex) of the key's PEM SubjectPublicKeyInfo — the `publicKey.hint` the reference signer
 * writes (v1.1.0+), so a hint names the same key as this fingerprint.
 */
export function keyHint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'pem' }))
    .digest('hex');
}

/** The signer shown for the key method: `sha256:<hint>`. */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${keyHint(key)}`;
}
