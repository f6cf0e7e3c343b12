// Finding severities (the CI policy scale) and the six-level pickle safety scale
// (fickling's Severity enum, restated as data).

/** Finding severities, highest first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
/** A finding severity. */
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** The six-level pickle safety scale, safest first. */
export const SAFETY_LEVELS = [
  'LIKELY_SAFE',
  'POSSIBLY_UNSAFE',
  'SUSPICIOUS',
  'LIKELY_UNSAFE',
  'LIKELY_OVERTLY_MALICIOUS',
  'OVERTLY_MALICIOUS',
] as const;
/** A pickle safety level on the six-level scale. */
export type SafetyLevel = (typeof SAFETY_LEVELS)[number];

export const SAFETY_DESCRIPTIONS: Record<SafetyLevel, string> = {
  LIKELY_SAFE: 'No unsafe operations discovered',
  POSSIBLY_UNSAFE: 'Non-standard but potentially benign patterns (framework classes outside the allowlist)',
  SUSPICIOUS: 'Structural oddities CPython tolerates but no pickler writes',
  LIKELY_UNSAFE: 'Imports outside the allowlist, or structure that breaks loading',
  LIKELY_OVERTLY_MALICIOUS: 'Imports of dangerous modules, unresolvable imports, or resource exhaustion',
  OVERTLY_MALICIOUS: 'Invokes a dangerous callable (code execution, shell, file, network, nested loader)',
};

export function safetyRank(s: SafetyLevel): number {
  return SAFETY_LEVELS.indexOf(s);
}

export function isSafetyLevel(s: string): s is SafetyLevel {
  return (SAFETY_LEVELS as readonly string[]).includes(s);
}

export function maxSafety(a: SafetyLevel, b: SafetyLevel): SafetyLevel {
  return safetyRank(a) >= safetyRank(b) ? a : b;
}
