// Raw code-rule signals (not yet Finding records) of the TORCH and DESER code rules: rule id, source region,
// snippet, message, confidence and structured details. The rules layer turns them into findings with the metadata of shared/spec/RULES.md.
import type { SourceSpan } from './module-model.js';

export type TorchCodeRuleId = 'TORCH-LOAD-UNTRUSTED' | 'TORCH-SCRIPT-CUSTOM-OP' | 'TORCH-HUB-DYNAMIC-IMPORT';

export type DeserCodeRuleId =
  'DESER-NETWORK-INPUT' | 'DESER-PICKLE-TRANSPORT' | 'DESER-UNSAFE-LOADER' | 'DESER-SCHEMALESS-ENDPOINT';

/** What kind of Python text is analysed: ordinary source, a torch.hub `hubconf.py`, or TorchScript `code/`. */
export type TorchFileKind = 'python' | 'hubconf' | 'torchscript';

export type Confidence = 'high' | 'medium' | 'low';

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
): CodeSignal {
  return {
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
