// The MODEL family (shared/spec/RULES.md "MODEL — the formats that replaced pickle"): shared record fields, and the
// one way a model fact becomes a finding (location with offset, JSON/graph path, snippet, confidence, details).
import type { RuleMeta } from '../core/finding.js';
import { DECISION, OWASP_LLM03, OWNER, type ModelFact, type RuleContext } from './rule.js';

export function modelMeta(
  m: Pick<RuleMeta, 'id' | 'severity' | 'title' | 'cwe' | 'fpRisk' | 'fixHint' | 'fix' | 'description' | 'firesOn'>,
): RuleMeta {
  return { ...m, category: 'MODEL', owasp: OWASP_LLM03, owner: OWNER, decision: DECISION[m.severity] };
}

/** Reports the facts addressed to this rule. */
export function reportModelFact(meta: RuleMeta, fact: ModelFact, ctx: RuleContext): void {
  if (fact.rule !== meta.id) return;
  ctx.report(meta, {
    location: fact.location,
    key: `${fact.format}:${fact.key}`,
    evidence: {
      signal: fact.signal,
      ...(fact.location.offset !== undefined ? { offset: fact.location.offset } : {}),
      ...(fact.path !== undefined ? { path: fact.path } : {}),
      ...(fact.line !== undefined ? { line: fact.line } : {}),
      ...(fact.column !== undefined ? { column: fact.column } : {}),
      ...(fact.snippet !== undefined ? { snippet: fact.snippet } : {}),
      confidence: fact.confidence,
      details: { format: fact.format, ...fact.details },
    },
    ...(fact.severity !== undefined ? { severity: fact.severity } : {}),
    ...(fact.title !== undefined ? { title: fact.title } : {}),
    ...(fact.fixHint !== undefined ? { fixHint: fact.fixHint } : {}),
  });
}
