// SCAN-INCOMPLETE (ours; fail closed): a file or entry in scope that was not fully analysed — a limit hit,
// an encrypted entry, an unsupported codec, a corrupt container, a read error. An unscanned artifact is not clean.
import type { Rule } from './rule.js';
import { DECISION, OWNER } from './rule.js';

export const scanIncomplete: Rule = {
  meta: {
    id: 'SCAN-INCOMPLETE',
    category: 'SCAN',
    severity: 'HIGH',
    title: 'Artifact Could Not Be Fully Scanned',
    cwe: ['CWE-693'],
    owasp: 'LLM03 — Supply Chain',
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint:
      'Re-export the artifact in a scannable form or raise the limit deliberately in the policy; an unscanned artifact is not a clean artifact.',
    fix: 'Re-export the artifact in a scannable form or raise the limit deliberately in the policy; an unscanned artifact is not a clean artifact.',
    description: 'A file or archive entry in scope was not fully analysed, so the gate cannot call it clean.',
    firesOn:
      'A limit hit (depth, bytes, ratio, entries, opcodes, time), an encrypted entry, an unsupported codec, a corrupt container, a read error.',
  },
  visit: {
    incomplete(fact, ctx) {
      ctx.report(scanIncomplete.meta, {
        location: fact.location,
        key: `${fact.kind}:${fact.limit ?? ''}`,
        ...(fact.severity
          ? {
              severity: fact.severity,
              fixHint: 'Ship the model file itself (download or export it again); an empty file loads nothing.',
            }
          : {}),
        evidence: {
          signal: fact.limit ? `limit ${fact.limit} reached: ${fact.reason}` : `${fact.kind}: ${fact.reason}`,
          confidence: 'high',
          details: { kind: fact.kind, ...(fact.limit ? { limit: fact.limit } : {}) },
        },
      });
    },
  },
};
