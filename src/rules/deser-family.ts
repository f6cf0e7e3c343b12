// Shared record fields of the DESER rules: CWE-502, no OWASP LLM entry (the
// field reads `n/a`), the framework mappings of the rule catalogue, and the family fix text naming the safe patterns.
import { DECISION, OWNER } from './rule.js';

/** RULES.md: no OWASP LLM Top 10 entry fits network-input deserialization. */
export const DESER_OWASP = 'n/a';

/** The seed's "Standards & Framework Alignment" table. */
export const DESER_FRAMEWORKS: readonly string[] = ['OWASP Agentic AI A-05', 'OWASP NHI-03', 'NIST CSF 2.0 PR.DS-5'];

/** RULES.md fix hint for the family, with the safe replacements for tensors spelled out. */
export const DESER_FIX =
  'Remove executable deserialization from exposed interfaces: parse request bodies and messages with a schema ' +
  '(JSON or protobuf) and validate fields before any business logic; for tensors and checkpoints use safetensors ' +
  'or torch.load(weights_only=True); keep object reconstruction internal, run parsers with least privilege, and log ' +
  'deserialization anomalies as security events.';

export const DESER_COMMON = {
  category: 'DESER',
  cwe: ['CWE-502'],
  owasp: DESER_OWASP,
  frameworks: DESER_FRAMEWORKS,
  owner: OWNER,
} as const;

export { DECISION };
