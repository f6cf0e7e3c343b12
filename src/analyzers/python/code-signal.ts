// Raw code-rule signals (not yet Finding records) of the TORCH and DESER code rules: rule id, source region,
// snippet, message, confidence and structured details. The rules layer turns them into findings with the metadata of shared/spec/RULES.md.
import type { SourceSpan } from './module-model.js';

export type TorchCodeRuleId = 'TORCH-LOAD-UNTRUSTED' | 'TORCH-SCRIPT-CUSTOM-OP' | 'TORCH-HUB-DYNAMIC-IMPORT';

export type DeserCodeRuleId =
  'DESER-NETWORK-INPUT' | 'DESER-PICKLE-TRANSPORT' | 'DESER-UNSAFE-LOADER' | 'DESER-SCHEMALESS-ENDPOINT';

/** What kind of Python text is analysed: ordinary source, a torch.hub `hubconf.py`, or TorchScript `code/`. */
export type TorchFileKind = 'python' | 'hubconf' | 'torchscript';

export type Confidence = 'high' | 'medium' | 'low';

/**
 * One step of a source → sink path, for evidence (text, JSON, SARIF codeFlows). `file` is the scanned path of the
 * step's module; '' means the file the signal is reported in.
 */
export interface FlowStep {
  role: 'source' | 'hop' | 'sink';
  file: string;
  line: number;
  /** The function holding the step (qualified name within its file; `<module>` at top level). */
  fn: string;
  /** What is there: the source expression, the call passed through, the sink call. */
  text: string;
}

export interface CodeSignal {
  ruleId: TorchCodeRuleId | DeserCodeRuleId;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  snippet: string;
  message: string;
  confidence: Confidence;
  details: Record<string, string | number | boolean | string[]>;
  /** Source → hops → sink, when the signal follows data from a source. */
  flow?: FlowStep[];
  /** A lower severity than the rule's for this signal (a library API rather than an exposed interface). */
  severity?: 'MEDIUM';
  /** The fix for this signal when it differs from the rule's. */
  fixHint?: string;
}

const ORDER: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

/** The lower of two confidences. */
export function capConfidence(a: Confidence, cap: Confidence): Confidence {
  return ORDER[a] <= ORDER[cap] ? a : cap;
}

/** One step lower (high → medium → low). */
export function lowerConfidence(a: Confidence): Confidence {
  return a === 'high' ? 'medium' : 'low';
}

export function signalAt(
  ruleId: TorchCodeRuleId | DeserCodeRuleId,
  span: SourceSpan,
  snippet: string,
  message: string,
  confidence: Confidence,
  details: CodeSignal['details'],
  flow?: FlowStep[],
): CodeSignal {
  return {
    ...(flow !== undefined ? { flow } : {}),
    ruleId,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    snippet,
    message,
    confidence,
    details,
  };
}
