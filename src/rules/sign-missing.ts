// SIGN-MISSING (ours): a model path that must be signed (--require-signature or the policy's `signatures.require`)
// has no OpenSSF Model Signing signature file (default `model.sig` at the folder root or beside a single file).
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER } from './rule.js';
import { signatureDetails } from './sign-evidence.js';

export const signMissing: Rule = {
  meta: {
    id: 'SIGN-MISSING',
    category: 'SIGN',
    severity: 'HIGH',
    title: 'Required Model Signature Missing',
    cwe: ['CWE-345'],
    owasp: OWASP_LLM03,
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Sign the model folder with OpenSSF Model Signing in the release pipeline and ship model.sig beside it.',
    fix: 'Sign the released model with OpenSSF Model Signing (model_signing sign key|certificate|sigstore) in the trusted build pipeline, ship the signature file with the model, and verify it at every promotion.',
    description:
      'A model path the policy requires to be signed carries no signature, so nothing ties its files to a trusted signer.',
    firesOn:
      'A scanned folder or file covered by --require-signature or signatures.require with no signature file at the expected place (model.sig at the folder root or beside the file, or --signature).',
  },
  visit: {
    signature(fact, ctx) {
      const v = fact.verdict;
      if (v.standing !== 'missing' || !v.required) return;
      ctx.report(signMissing.meta, {
        location: fact.model,
        key: 'missing',
        evidence: {
          signal: `no model signature: ${v.signatureFile} does not exist`,
          confidence: 'high',
          details: signatureDetails(v),
        },
      });
    },
  },
};
