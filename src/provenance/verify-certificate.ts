// Certificate method (OMS v1.0 §8.2): the chain in `x509CertificateChain` (leaf first) must link certificate by
// certificate (issuer name and signature), every issuer must be a CA, every certificate must be within its
// validity period at verification time, and the chain must end at, or be issued by, a trusted root certificate.
import { X509Certificate } from 'node:crypto';
import type { SignatureCheck } from './signature-verdict.js';

export interface ChainResult {
  /** valid: anchored in a trusted root; untrusted: sound chain, unknown root; invalid: broken or expired. */
  readonly standing: 'valid' | 'untrusted' | 'invalid';
  readonly reason?: string;
  readonly leaf?: X509Certificate;
  readonly checks: readonly SignatureCheck[];
}

const within = (c: X509Certificate, now: Date): boolean =>
  new Date(c.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(c.validTo).getTime();

const issued = (child: X509Certificate, parent: X509Certificate): boolean => {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
};

export function verifyChain(ders: readonly Uint8Array[], roots: readonly X509Certificate[], now: Date): ChainResult {
  const checks: SignatureCheck[] = [];
  let chain: X509Certificate[];
  try {
    chain = ders.map((d) => new X509Certificate(Buffer.from(d)));
  } catch (e) {
    return { standing: 'invalid', reason: `a certificate does not parse: ${(e as Error).message}`, checks };
  }
  const leaf = chain[0]!;
  const expired = chain.find((c) => !within(c, now));
  checks.push({
    id: 'certificate-validity',
    ran: true,
    passed: !expired,
    detail: expired
      ? `${expired.subject.replace(/\n/g, ', ')} is valid ${expired.validFrom} – ${expired.validTo}`
      : 'every certificate is within its validity period',
  });
  if (expired)
    return { standing: 'invalid', reason: 'a certificate of the chain is outside its validity period', leaf, checks };
  for (let i = 0; i + 1 < chain.length; i++) {
    const ok = issued(chain[i]!, chain[i + 1]!) && chain[i + 1]!.ca;
    if (!ok) {
      checks.push({
        id: 'certificate-chain',
        ran: true,
        passed: false,
        detail: `certificate ${i} is not issued by CA certificate ${i + 1}`,
      });
      return { standing: 'invalid', reason: `the certificate chain is broken at certificate ${i}`, leaf, checks };
    }
  }
  checks.push({
    id: 'certificate-chain',
    ran: true,
    passed: true,
    detail: `${chain.length} certificate(s) link leaf to top`,
  });
  const top = chain[chain.length - 1]!;
  if (!roots.length) {
    checks.push({ id: 'trusted-root', ran: false, detail: 'no trusted root certificate configured (--trust-root)' });
    return { standing: 'untrusted', reason: 'no trusted root certificate is configured', leaf, checks };
  }
  const anchor = roots.find(
    (r) => r.fingerprint256 === top.fingerprint256 || (r.ca && within(r, now) && issued(top, r)),
  );
  checks.push({
    id: 'trusted-root',
    ran: true,
    passed: Boolean(anchor),
    detail: anchor
      ? `anchored in ${anchor.subject.replace(/\n/g, ', ')} (${anchor.fingerprint256})`
      : `the chain ends at ${top.issuer.replace(/\n/g, ', ')}, which is not a trusted root`,
  });
  return anchor
    ? { standing: 'valid', leaf, checks }
    : { standing: 'untrusted', reason: 'the certificate chain does not end at a trusted root', leaf, checks };
}
