// SIGN-MISMATCH (ours): the model on disk differs from what was signed (OMS v1.0 §8.4, §8.5): a signed file whose
// digest changed, a signed file that is missing, a file present but not signed and not excluded, or a symbolic link
// where the signature forbids links. One finding per file, up to a cap, then one finding for the rest.
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER } from './rule.js';
import { signatureDetails } from './sign-evidence.js';
import type { Location } from '../core/location.js';

/** Files reported one by one before the rest are summed up in one finding. */
export const MAX_MISMATCH_FINDINGS = 50;

const WHAT: Readonly<Record<string, string>> = {
  changed: 'changed since signing',
  missing: 'signed but missing',
  extra: 'present but not signed',
  symlink: 'a symbolic link, which the signature does not allow',
  unreadable: 'could not be read to compare',
};

export const signMismatch: Rule = {
  meta: {
    id: 'SIGN-MISMATCH',
    category: 'SIGN',
    severity: 'HIGH',
    title: 'Model Files Differ From the Signed Manifest',
    cwe: ['CWE-345', 'CWE-494'],
    owasp: OWASP_LLM03,
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Restore the signed files, or re-sign the folder in the trusted pipeline if the change is intended.',
    fix: 'Compare the listed files with the signed release. Restore the signed content, remove files that were added after signing (or exclude them when signing), and re-sign from the trusted pipeline only for intended changes.',
    description:
      'A signed model folder no longer matches its signature: a file changed, went missing or was added after signing.',
    firesOn:
      'A signed file (or shard) whose digest differs from the manifest, a signed file that is missing, a file present but neither signed nor excluded, a symbolic link the signature does not allow, or a file that could not be read for comparison.',
  },
  visit: {
    signature(fact, ctx) {
      const v = fact.verdict;
      if (v.manifest !== 'mismatch') return;
      const root = fact.model.chain[0] ?? '';
      // A file of a signed folder is located as its own path; a signed single file is the model itself.
      const at = (path: string): Location =>
        fact.modelIsFile || path === '.' ? fact.model : { chain: [root.replace(/\/+$/, '') + '/' + path] };
      for (const p of v.problems.slice(0, MAX_MISMATCH_FINDINGS)) {
        ctx.report(signMismatch.meta, {
          location: at(p.path),
          key: `${p.kind}:${p.path}`,
          evidence: {
            signal: `${p.path} is ${WHAT[p.kind] ?? p.kind} (signature ${v.signatureFile})`,
            confidence: 'high',
            details: {
              kind: p.kind,
              path: p.path,
              ...(p.expected ? { expected: p.expected } : {}),
              ...(p.actual ? { actual: p.actual } : {}),
              ...signatureDetails(v),
            },
          },
        });
      }
      const rest = v.problems.length - MAX_MISMATCH_FINDINGS;
      if (rest > 0) {
        ctx.report(signMismatch.meta, {
          location: fact.model,
          key: 'more',
          evidence: {
            signal: `${rest} more file(s) differ from the signed manifest (signature ${v.signatureFile})`,
            confidence: 'high',
            details: { more: rest, ...signatureDetails(v) },
          },
        });
      }
    },
  },
};
