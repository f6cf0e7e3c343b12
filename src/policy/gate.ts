// Release decisions: maps each finding to block / gate / ticket / pass under the active policy and derives the
// gate verdict and exit code (0 pass, 1 gate failed, 2 usage/tool error).
import type { Decision, Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';

export interface GatePolicy {
  readonly failOn: readonly Severity[];
  readonly ticketOn: readonly Severity[];
}

export const DEFAULT_GATE: GatePolicy = { failOn: ['CRITICAL', 'HIGH'], ticketOn: ['MEDIUM'] };

export interface GateResult {
  readonly passed: boolean;
  readonly failOn: readonly Severity[];
  readonly ticketOn: readonly Severity[];
  readonly blocking: number;
  readonly tickets: number;
}

export function decisionFor(f: Finding, policy: GatePolicy): Decision {
  if (policy.failOn.includes(f.severity)) return f.severity === 'CRITICAL' ? 'block' : 'gate';
  if (policy.ticketOn.includes(f.severity)) return 'ticket';
  return 'pass';
}

/** Fills each finding's decision and returns the gate verdict. */
export function applyGate(findings: Finding[], policy: GatePolicy): GateResult {
  let blocking = 0;
  let tickets = 0;
  for (const f of findings) {
    f.decision = f.accepted && !f.accepted.expired ? 'pass' : decisionFor(f, policy);
    if (f.decision === 'block' || f.decision === 'gate') blocking++;
    else if (f.decision === 'ticket') tickets++;
  }
  return { passed: blocking === 0, failOn: policy.failOn, ticketOn: policy.ticketOn, blocking, tickets };
}

export function exitCode(gate: GateResult, toolErrors: number): 0 | 1 | 2 {
  if (!gate.passed) return 1;
  return toolErrors > 0 ? 2 : 0;
}
