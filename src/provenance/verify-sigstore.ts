// Sigstore keyless method (OMS v1.0 §8.2): the bundle is verified by Sigstore's own JS verifier (@sigstore/verify)
// against a trusted root — the ones given (`--trusted-root`), else the public-good instance's root that Sigstore JS
// ships (@sigstore/tuf seeds.json, read offline). That covers the Fulcio chain, the SCT, the Rekor entry (inclusion
// promise or proof, body matching the envelope) and the signature. The signer's identity and issuer are then
// matched against the trusted identities. When the verifier cannot anchor the bundle, the checks that can run
// offline without a root still run (DSSE signature with the certificate's key, identity, issuer) and say so.
// (Loaded only for keyless bundles: verify-model.ts imports this module on demand.)
import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate as SigstoreCert } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { verifyWithKey } from './dsse-verify.js';
import type { SignatureCheck } from './signature-verdict.js';
import type { TrustAnchors, TrustedIdentity } from './trust.js';

const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';

export interface SigstoreResult {
  readonly standing: 'valid' | 'untrusted' | 'invalid';
  readonly reason?: string;
  readonly identity?: string;
  readonly issuer?: string;
  readonly checks: readonly SignatureCheck[];
}

/** The public-good trusted root shipped inside @sigstore/tuf (its TUF seed), without network access. */
export function publicGoodTrustedRoot(): unknown {
  const seeds = createRequire(import.meta.url)('@sigstore/tuf/seeds.json') as Record<
    string,
    { targets: Record<string, string> }
  >;
  const b64 = seeds[PUBLIC_GOOD_TUF]?.targets['trusted_root.json'];
  if (!b64) throw new Error('the Sigstore public-good trusted root is not in @sigstore/tuf seeds.json');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
}

/** Identity (SAN) and OIDC issuer of a Fulcio certificate, read with Sigstore's X.509 parser. */
async function certIdentity(der: Uint8Array): Promise<{ identity?: string; issuer?: string }> {
  const c = SigstoreCert.parse(Buffer.from(der));
  const v2 = c.extension(OID_ISSUER_V2);
  let issuer: string | undefined;
  if (v2) {
    // DER UTF8String inside the extension value.
    const raw = v2.value;
    issuer = raw[0] === 0x0c ? raw.subarray(raw[1]! < 0x80 ? 2 : 2 + (raw[1]! & 0x7f)).toString('utf8') : undefined;
  }
  issuer ??= c.extension(OID_ISSUER_V1)?.value.toString('utf8');
  const identity = c.subjectAltName;
  return { ...(identity ? { identity } : {}), ...(issuer ? { issuer } : {}) };
}

export function identityTrusted(
  id: { identity?: string; issuer?: string },
  trusted: readonly TrustedIdentity[],
): boolean {
  return trusted.some((t) => t.identity === id.identity && (t.issuer === undefined || t.issuer === id.issuer));
}

export async function verifySigstore(
  bundleJson: unknown,
  certDer: Uint8Array,
  pae: Uint8Array,
  signature: Uint8Array,
  anchors: TrustAnchors,
): Promise<SigstoreResult> {
  const checks: SignatureCheck[] = [];
  let id: { identity?: string; issuer?: string };
  let keyOk: boolean;
  try {
    id = await certIdentity(certDer);
    keyOk = verifyWithKey(new X509Certificate(Buffer.from(certDer)).publicKey, pae, signature);
  } catch (e) {
    return { standing: 'invalid', reason: `the certificate does not parse: ${(e as Error).message}`, checks };
  }
  checks.push({
    id: 'dsse-signature',
    ran: true,
    passed: keyOk,
    detail: keyOk ? 'DSSE signature verifies with the certificate key' : 'DSSE signature does not verify',
  });
  if (!keyOk) return { standing: 'invalid', reason: 'the DSSE signature does not verify', ...id, checks };
  const roots = anchors.sigstoreRoots.length
    ? anchors.sigstoreRoots
    : [{ source: 'Sigstore public-good trusted root (shipped with @sigstore/tuf)', json: publicGoodTrustedRoot() }];
  let anchoredIn: string | undefined;
  const failures: string[] = [];
  let hardFailure: string | undefined;
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(bundleJson));
  } catch (e) {
    return { standing: 'invalid', reason: `Sigstore bundle rejected: ${(e as Error).message}`, ...id, checks };
  }
  for (const root of roots) {
    try {
      const trust = toTrustMaterial(TrustedRoot.fromJSON(root.json));
      new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, tsaThreshold: 0 }).verify(entity);
      anchoredIn = root.source;
      break;
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'ERROR';
      failures.push(`${root.source}: ${code} ${(e as Error).message}`);
      // A Rekor entry that does not describe this envelope, or a bad signature, is tampering under any root.
      if (code === 'TLOG_BODY_ERROR' || code === 'SIGNATURE_ERROR') hardFailure = `${code}: ${(e as Error).message}`;
    }
  }
  const anchored = anchoredIn !== undefined;
  checks.push({
    id: 'sigstore-verifier',
    ran: true,
    passed: anchored,
    detail: anchored
      ? `Fulcio certificate chain, SCT, Rekor entry (inclusion promise/proof and body) and signature verified against ${anchoredIn}`
      : `not anchored: ${failures.join('; ')}`,
  });
  if (hardFailure)
    return { standing: 'invalid', reason: `Sigstore verification failed: ${hardFailure}`, ...id, checks };
  const idOk = identityTrusted(id, anchors.identities);
  checks.push({
    id: 'identity',
    ran: anchors.identities.length > 0,
    ...(anchors.identities.length ? { passed: idOk } : {}),
    detail: `certificate identity ${id.identity ?? '(none)'}, issuer ${id.issuer ?? '(none)'}${
      anchors.identities.length
        ? idOk
          ? ' (trusted)'
          : ' (not a trusted identity)'
        : ' (no trusted identity configured)'
    }`,
  });
  if (!anchored) {
    return {
      standing: 'untrusted',
      reason: 'the Sigstore bundle could not be verified against a trusted Sigstore root (offline checks only)',
      ...id,
      checks,
    };
  }
  if (!idOk) {
    return {
      standing: 'untrusted',
      reason: anchors.identities.length
        ? `signed by ${id.identity ?? '?'} (${id.issuer ?? '?'}), not a trusted identity`
        : 'no trusted identity is configured (--trust-identity with --trust-issuer)',
      ...id,
      checks,
    };
  }
  return { standing: 'valid', ...id, checks };
}
