// Explicit policy wins: when sentinel-policy.yml sets fail_on/ticket_on for the PICKLE rules but no preset and no
// max_acceptable_severity, the pickle threshold is derived from those severities, so that the safety scale never
// fails the gate for what the user listed as a ticket. Which safety levels each PICKLE finding goes with
// (src/rules/classify.ts pickleSafety): PICKLE-EXEC (CRITICAL) <-> LIKELY_OVERTLY_MALICIOUS and above;
// PICKLE-GLOBAL-IMPORT and PICKLE-STRUCT (HIGH) <-> POSSIBLY_UNSAFE .. LIKELY_UNSAFE (and their limit/unresolved
// forms above). A finding still fails the gate by its own severity whatever the threshold is.
import { safetyRank, type SafetyLevel, type Severity } from '../core/severity.js';
import { PRESETS } from './presets.js';
import type { Policy } from './policy.js';

export interface DerivedThreshold {
  readonly max: SafetyLevel;
  /** The PICKLE rules whose severity is not in their fail_on, e.g. `PICKLE-GLOBAL-IMPORT (HIGH)`. */
  readonly notGated: readonly string[];
  /** How it was derived, for reports and `sentinel policy`. */
  readonly reason: string;
}

const PICKLE_RULES: readonly [string, Severity][] = [
  ['PICKLE-EXEC', 'CRITICAL'],
  ['PICKLE-GLOBAL-IMPORT', 'HIGH'],
  ['PICKLE-STRUCT', 'HIGH'],
];

function failOnOf(p: Policy, rule: string): readonly Severity[] {
  return p.rules.get(rule)?.failOn ?? p.categories.get('PICKLE')?.failOn ?? p.defaults.failOn;
}

/**
 * The threshold the explicit PICKLE severities imply, or undefined when every PICKLE rule's severity is in its
 * fail_on (then the strict preset agrees with them and stands).
 */
export function thresholdFromSeverities(p: Policy): DerivedThreshold | undefined {
  const open = PICKLE_RULES.filter(([id, sev]) => !failOnOf(p, id).includes(sev));
  if (open.length === 0) return undefined;
  const max: SafetyLevel = open.some(([id]) => id === 'PICKLE-EXEC') ? 'OVERTLY_MALICIOUS' : 'LIKELY_UNSAFE';
  const notGated = open.map(([id, sev]) => `${id} (${sev})`);
  return {
    max,
    notGated,
    reason:
      `derived from fail_on: ${notGated.join(', ')} not in fail_on, so the pickles those findings describe are ` +
      `accepted up to ${max} (each finding still gates by its own severity); set preset or ` +
      'max_acceptable_severity to choose the threshold yourself',
  };
}

/** Applies the derivation to a policy whose threshold nobody set explicitly (file or CLI). */
export function withDerivedThreshold(p: Policy): Policy {
  if (p.thresholdFrom !== 'preset' && p.thresholdFrom !== 'fail_on') return p;
  const d = thresholdFromSeverities(p);
  const { thresholdDerivation: _old, ...rest } = p;
  void _old;
  if (!d) return { ...rest, maxAcceptableSeverity: PRESETS[p.preset].max, thresholdFrom: 'preset' };
  return { ...rest, maxAcceptableSeverity: d.max, thresholdFrom: 'fail_on', thresholdDerivation: d.reason };
}

/** A warning when an explicit threshold fails pickles whose findings the explicit fail_on/ticket_on do not gate. */
export function thresholdConflict(p: Policy): string | undefined {
  if (p.thresholdFrom !== 'policy') return undefined;
  const d = thresholdFromSeverities(p);
  if (!d || safetyRank(p.maxAcceptableSeverity) >= safetyRank(d.max)) return undefined;
  return (
    `the threshold ${p.maxAcceptableSeverity} fails the gate for pickles up to ${d.max}, whose findings ` +
    `(${d.notGated.join(', ')}) fail_on does not gate; the threshold wins. Remove preset/max_acceptable_severity ` +
    `to derive ${d.max} from fail_on, or add the severity to fail_on.`
  );
}
