// JSON reporter: the gated report as-is (versioned by schemaVersion; schema in schemas/report.schema.json).
import type { SentinelReport } from './report-model.js';

export function renderJson(report: SentinelReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
