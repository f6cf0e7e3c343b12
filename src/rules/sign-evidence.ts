// Evidence shared by the SIGN rules: the signer, the signed digest and the checks that ran, as finding details,
// so every SIGN finding carries the signature's identity and digest into JSON, SARIF and the other reports.
import type { Evidence } from '../core/finding.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';

type Details = NonNullable<Evidence['details']>;

/** Finding details describing a signature verdict. */
export function signatureDetails(v: SignatureVerdict): Details {
  return {
    signatureFile: v.signatureFile,
    standing: v.standing,
    required: v.required,
    ...(v.method ? { method: v.method } : {}),
    ...(v.format ? { format: v.format } : {}),
    ...(v.identity ? { identity: v.identity } : {}),
    ...(v.issuer ? { issuer: v.issuer } : {}),
    ...(v.digest ? { digest: v.digest } : {}),
    checks: v.checks.map(
      (c) =>
        `${c.id}: ${c.ran ? (c.passed === false ? 'failed' : c.passed ? 'passed' : 'ran') : 'not run'} — ${c.detail}`,
    ),
  };
}
