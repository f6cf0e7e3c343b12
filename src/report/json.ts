// JSON reporter: the ScanReport as-is (versioned by schemaVersion; schema in schemas/report.schema.json).
import type { ScanReport } from '../core/report.js';

export function renderJson(report: ScanReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
