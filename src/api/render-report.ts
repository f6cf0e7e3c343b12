// Renders a report in one of the output formats; each renderer is loaded on first use. Shared by the API and the CLI.
import type { SentinelReport } from '../report/report-model.js';
import { SentinelError } from './errors.js';

/** Every report format, in the order `--format` lists them. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html', 'markdown', 'junit'] as const;

/** A report format: `json` is the versioned report itself (schemas/report.schema.json); the others derive from it. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Presentation options; each applies to the formats named. */
export interface RenderOptions {
  /** text: ANSI colours. Default false. */
  readonly color?: boolean;
  /** text: also list pickles judged LIKELY_SAFE. Default false. */
  readonly verbose?: boolean;
  /** sarif: base URL of the rule docs (`docs/rules/`); each rule gets `helpUri` `<docsUrl><RULE-ID>.md`. */
  readonly docsUrl?: string;
}

/** True when `s` names a report format. */
export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Renders a report (as returned by `scan`, or a parsed JSON report of the same schema version) in `format`.
 * Pure: nothing is printed or written.
 */
export async function renderReport(
  report: SentinelReport,
  format: ReportFormat,
  options: RenderOptions = {},
): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(report);
    case 'sarif':
      return (await import('../report/sarif.js')).renderSarif(
        report,
        options.docsUrl !== undefined ? { docsBaseUri: options.docsUrl } : {},
      );
    case 'html':
      return (await import('../report/html.js')).renderHtml(report);
    case 'markdown':
      return (await import('../report/markdown.js')).renderMarkdown(report);
    case 'junit':
      return (await import('../report/junit.js')).renderJunit(report);
    case 'text':
      return (await import('../report/text.js')).renderText(report, {
        color: options.color ?? false,
        verbose: options.verbose ?? false,
      });
  }
  throw new SentinelError('usage', `unknown report format "${String(format)}" (expected ${REPORT_FORMATS.join(', ')})`);
}
