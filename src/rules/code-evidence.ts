// Turns analyzer code signals for one rule into findings: location with line/column, the call's source text as
// snippet, confidence and details as evidence. Shared by every rule fed by the Python analyzer.
import type { RuleMeta } from '../core/finding.js';
import type { CodeFact, RuleContext } from './rule.js';

export function reportCodeSignals(meta: RuleMeta, fact: CodeFact, ctx: RuleContext): void {
  const file = fact.location.chain[0] ?? '';
  for (const s of fact.signals) {
    if (s.ruleId !== meta.id) continue;
    const flow = s.flow?.map((f) => (f.file === '' ? { ...f, file } : f));
    ctx.report(meta, {
      location: { chain: fact.location.chain, line: s.line, column: s.column },
      // Line numbers shift with unrelated edits: the fingerprint keys on what the code does, not where.
      key: `${fact.kind}:${s.snippet.replace(/\s+/g, ' ')}:${s.message}`,
      ...(s.severity !== undefined ? { severity: s.severity } : {}),
      ...(s.fixHint !== undefined ? { fixHint: s.fixHint } : {}),
      evidence: {
        signal: s.message,
        line: s.line,
        column: s.column,
        snippet: s.snippet,
        confidence: s.confidence,
        details: { source: fact.kind, endLine: s.endLine, endColumn: s.endColumn, ...s.details },
        ...(flow !== undefined ? { flow } : {}),
      },
    });
  }
}
