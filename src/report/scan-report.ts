// The scan report every renderer consumes (its version and full shape live in src/report/report-model.ts;
// JSON schema: schemas/report.schema.json).
import type { FileSummary, Finding, PickleVerdict, ScanError } from '../core/finding.js';
import type { SafetyLevel, Severity } from '../core/severity.js';
import type { GateResult } from '../policy/gate.js';

export const TOOL_NAME = 'sentinel';
export const TOOL_VERSION = '0.1.0';

/** The scan part of the report: tool, targets, summary, findings, pickles, files and errors. */
export interface ScanReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly command: string;
  readonly targets: readonly string[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly rules: readonly string[];
  readonly summary: {
    readonly files: number;
    readonly pickles: number;
    readonly findings: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
    readonly byRule: Readonly<Record<string, number>>;
    /** Worst pickle safety level (six-level scale), absent when no pickle was found. */
    readonly worstSafety?: SafetyLevel;
    readonly gate: GateResult;
    readonly exitCode: number;
    /** Cost of remote reads: bytes received and HTTP requests made (present when a remote target was scanned). */
    readonly remote?: { readonly bytesRead: number; readonly requests: number; readonly redirects: number };
  };
  readonly findings: readonly Finding[];
  readonly pickles: readonly PickleVerdict[];
  readonly files: readonly FileSummary[];
  readonly errors: readonly ScanError[];
}
