// SIGN-INVALID (ours): the signature file is present but does not verify: not a Sigstore bundle with a DSSE
// envelope, a signature that fails under its own key or certificate, a broken or expired certificate chain, a
// Rekor entry that does not match, or a signed statement that is not an OMS statement (OMS v1.0 §8.1–§8.3).
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER } from './rule.js';
import { signatureDetails } from './sign-evidence.js';

export const signInvalid: Rule = {
  meta: {
    id: 'SIGN-INVALID',
    category: 'SIGN',
    severity: 'HIGH',
    title: 'Model Signature Does Not Verify',
    cwe: ['CWE-347'],
    owasp: OWASP_LLM03,
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Treat the model as tampered: re-sign it from the trusted pipeline, or restore the signed release.',
    fix: 'Do not promote the model. Find out why the signature fails (edited signature file, corrupted download, forged bundle), restore the signed release from the trusted source or re-sign it in the trusted pipeline, and verify again.',
    description:
      'A model signature is present but malformed or cryptographically invalid, so the model cannot be tied to its signer.',
    firesOn:
      'A signature file that is not a Sigstore bundle with a DSSE envelope, a DSSE signature that does not verify with its key or certificate, a broken or expired certificate chain, a transparency-log entry that does not match the envelope, or a payload that is not an in-toto statement with the OMS predicate.',
  },
  visit: {
    signature(fact, ctx) {
      const v = fact.verdict;
      if (v.standing !== 'invalid') return;
      ctx.report(signInvalid.meta, {
        location: fact.signature,
        key: `invalid:${v.reason ?? ''}`,
        evidence: {
          signal: `model signature ${v.signatureFile} does not verify: ${v.reason ?? 'unknown reason'}`,
          confidence: 'high',
          details: signatureDetails(v),
        },
      });
    },
  },
};
