// The gated report every renderer consumes: the scan report (scan-report.ts) plus what the policy stage adds —
// per-finding decision reasons and baseline state, closed findings, and the active policy (schema 1.2.0,
// additive over 1.0.0; JSON Schema in schemas/report.schema.json).
import type { FileSummary, PickleVerdict, ScanError } from '../core/finding.js';
import { TOOL_NAME, TOOL_VERSION, type ScanReport } from './scan-report.js';
import { SEVERITIES, type SafetyLevel, type Severity } from '../core/severity.js';
import { worstSafety, type ScanNote, type SkippedEntry } from '../scan/engine.js';
import type { ClosedFinding, GatedFinding, GateOutcome } from '../policy/gate.js';
import { exitCode } from '../policy/gate.js';
import type { Policy } from '../policy/policy.js';
import type { PresetName } from '../policy/presets.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';

/**
 * 1.1.0 adds findings[].decisionReason/baseline, closed, policy and the extended summary.gate; 1.2.0 adds the MODEL
 * category, evidence.path, files[].models (the model inventory) and files[].extensionMismatch; summary.remote (the
 * cost of remote reads, optional) is an addition within 1.2.
 */
export const REPORT_SCHEMA_VERSION = '1.2.0';

/** The active policy, as recorded in the report. */
export interface PolicyInfo {
  /** Policy file, or null for the built-in default (fail on CRITICAL/HIGH, ticket MEDIUM, strict preset). */
  readonly source: string | null;
  readonly preset: PresetName;
  readonly maxAcceptableSeverity: SafetyLevel;
  readonly thresholdFrom: 'preset' | 'policy' | 'cli' | 'fail_on';
  /** With thresholdFrom 'fail_on': how the threshold was derived from the explicit PICKLE severities. */
  readonly thresholdDerivation?: string;
  /** Human-readable statement of the threshold semantics (the six-level safety scale). */
  readonly thresholdRule: string;
  readonly alsoAllow: readonly { readonly name: string; readonly justification: string }[];
  readonly torchSafeGlobals: readonly { readonly name: string; readonly justification: string }[];
  readonly acceptances: number;
  /** Acceptances that matched nothing in this run (stale entries to clean up). */
  readonly unusedAcceptances: readonly { readonly index: number; readonly owner: string; readonly expires: string }[];
}

/** The gated report: what `scan` returns and `--format json` writes (schemaVersion 1.1.0, schemas/report.schema.json). */
export interface SentinelReport extends ScanReport {
  readonly findings: readonly GatedFinding[];
  /** With `--baseline`: baseline findings absent from this run (closure evidence). Empty otherwise. */
  readonly closed: readonly ClosedFinding[];
  readonly policy: PolicyInfo;
  /** Entries directory walks left out on purpose (version-control stores, virtualenvs, caches, excludes). */
  readonly skipped: readonly SkippedEntry[];
  /**
   * What the scan did not read that a reader should know, with the command that reads it (local modules a Python
   * script named alone imports). Informational: never a finding, never part of the gate. Absent when empty.
   */
  readonly notes?: readonly ScanNote[];
  /** Model signatures verified in this scan (present only when a signature was found or required). */
  readonly signatures?: readonly SignatureVerdict[];
}

export interface ReportInput {
  readonly command: string;
  readonly targets: readonly string[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly rules: readonly string[];
  readonly pickles: readonly PickleVerdict[];
  readonly files: readonly FileSummary[];
  readonly errors: readonly ScanError[];
  /** Entries directory walks left out on purpose (tool data, excludes, .gitignore). */
  readonly skipped?: readonly SkippedEntry[];
  readonly notes?: readonly ScanNote[];
  readonly outcome: GateOutcome;
  readonly policy: Policy;
  /** Cost of remote reads (present when a remote target was scanned). */
  readonly remote?: { readonly bytesRead: number; readonly requests: number; readonly redirects: number };
  readonly signatures?: readonly SignatureVerdict[];
}

/** Wording of the threshold semantics shown in reports and README. */
export function thresholdRule(max: SafetyLevel): string {
  return (
    `PICKLE findings on a pickle whose safety level is at most ${max} become tickets (accepted by threshold); ` +
    `any pickle above ${max} fails the gate even when none of its findings has a severity that fails the release, unless every finding ` +
    `on it is accepted or in the baseline.`
  );
}

/** Assembles the report (pure; the caller supplies times). */
export function assembleReport(r: ReportInput): SentinelReport {
  const findings = r.outcome.findings;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  const p = r.policy;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: r.command,
    targets: r.targets,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    rules: r.rules,
    summary: {
      files: r.files.length,
      pickles: r.pickles.length,
      findings: findings.length,
      bySeverity,
      byRule,
      ...(r.pickles.length ? { worstSafety: worstSafety(r.pickles) } : {}),
      gate: r.outcome.gate,
      exitCode: exitCode(r.outcome.gate, r.errors.length),
      ...(r.remote
        ? { remote: { bytesRead: r.remote.bytesRead, requests: r.remote.requests, redirects: r.remote.redirects } }
        : {}),
    },
    findings,
    pickles: r.pickles,
    files: r.files,
    errors: r.errors,
    closed: r.outcome.closed,
    skipped: r.skipped ?? [],
    ...(r.notes?.length ? { notes: r.notes } : {}),
    policy: {
      source: p.source ?? null,
      preset: p.preset,
      maxAcceptableSeverity: p.maxAcceptableSeverity,
      thresholdFrom: p.thresholdFrom,
      ...(p.thresholdDerivation ? { thresholdDerivation: p.thresholdDerivation } : {}),
      thresholdRule: thresholdRule(p.maxAcceptableSeverity),
      alsoAllow: [...p.alsoAllow].map(([name, e]) => ({ name, justification: e.reason })),
      torchSafeGlobals: [...p.torchSafeGlobals].map(([name, justification]) => ({ name, justification })),
      acceptances: p.acceptances.length,
      unusedAcceptances: r.outcome.unusedAcceptances.map((a) => ({
        index: a.index,
        owner: a.owner,
        expires: a.expires,
      })),
    },
    ...(r.signatures?.length ? { signatures: r.signatures } : {}),
  };
}
