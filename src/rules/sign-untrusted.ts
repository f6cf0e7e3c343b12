// SIGN-UNTRUSTED (ours): the signature verifies, but its signer is not one the policy trusts — a key that is not a
// trusted key, a certificate chain that does not end at a trusted root, a Sigstore identity or issuer not in the
// trusted list, or a Sigstore bundle that could not be anchored in a trusted Sigstore root. Without any trust
// anchors configured and without a signature requirement, the same verdict is recorded as INFO (inventory).
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER } from './rule.js';
import { signatureDetails } from './sign-evidence.js';

export const signUntrusted: Rule = {
  meta: {
    id: 'SIGN-UNTRUSTED',
    category: 'SIGN',
    severity: 'HIGH',
    title: 'Model Signed by an Untrusted Identity',
    cwe: ['CWE-345', 'CWE-295'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Verify the signer; add its key, root or identity to the trusted list only if it is yours.',
    fix: 'Check who signed the model (the finding names the key fingerprint, certificate subject or Sigstore identity and issuer). If the signer is legitimate, add it to the policy (signatures.keys, roots, identities) or the --trust-* flags; otherwise treat the model as not released by you.',
    description:
      'A model signature verifies cryptographically, but the signer is not a key, root or identity the policy trusts.',
    firesOn:
      'A valid signature by a key that is not trusted, a certificate chain ending at an untrusted root, a Sigstore identity/issuer not in the trusted list, or a Sigstore bundle that does not verify against any trusted Sigstore root (the report lists which checks ran). Recorded as INFO when no trust anchors are configured and no signature is required.',
  },
  visit: {
    signature(fact, ctx) {
      const v = fact.verdict;
      if (v.standing !== 'untrusted') return;
      const gate = v.required || v.trustConfigured;
      ctx.report(signUntrusted.meta, {
        location: fact.signature,
        key: `untrusted:${v.method ?? ''}:${v.identity ?? ''}:${v.issuer ?? ''}`,
        ...(gate ? {} : { severity: 'INFO' as const }),
        evidence: {
          signal: `model signature ${v.signatureFile} by ${v.identity ?? 'an unidentified signer'}${
            v.issuer ? ` (issuer ${v.issuer})` : ''
          } is not trusted: ${v.reason ?? 'signer not in the trusted list'}`,
          confidence: 'high',
          details: signatureDetails(v),
        },
      });
    },
  },
};
