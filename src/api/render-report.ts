// Renders a report in one of the output formats; each renderer is loaded on first use. Shared by the API and the CLI.
import type { SentinelReport } from '../report/report-model.js';
import { findGitCheckout, type GitCheckout } from '../sources/git-checkout.js';
import { SentinelError } from './errors.js';

/** Every report format, in the order `--format` lists them. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html', 'markdown', 'junit', 'gitlab', 'cyclonedx'] as const;

/**
 * A report format: `json` is the versioned report itself (schemas/report.schema.json); the others derive from it
 * (`gitlab`: GitLab's SAST security report; `cyclonedx`: a CycloneDX 1.6 ML bill of materials, with each file's
 * SHA-256 as the report records it, and the model-card files beside models read).
 */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Presentation options; each applies to the formats named. */
export interface RenderOptions {
  /** text: ANSI colours. Default false. */
  readonly color?: boolean;
  /** text: also list pickles judged LIKELY_SAFE and the file inventory. Default false. */
  readonly verbose?: boolean;
  /** text: a few lines per finding, wrapped to `width` (what a terminal shows). Default false: the full record. */
  readonly compact?: boolean;
  /** text: columns to fit, words kept whole. Default 80 for the compact form, 100 for the full record. */
  readonly width?: number;
  /** sarif, gitlab: base URL of the rule docs (`docs/rules/`); each rule links to `<docsUrl><RULE-ID>.md`. */
  readonly docsUrl?: string;
  /** sarif, gitlab: the directory the report's relative paths are relative to. Default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * sarif, gitlab: the git checkout to report paths against (and, in SARIF, versionControlProvenance). Default:
   * the checkout containing `cwd`, read from its `.git`; `null` for none (paths then relative to `cwd`).
   */
  readonly checkout?: GitCheckout | null;
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
  const code = (): { base: { cwd: string; srcRoot: string }; checkout?: GitCheckout } => {
    const cwd = options.cwd ?? process.cwd();
    const checkout = options.checkout === undefined ? findGitCheckout(cwd) : (options.checkout ?? undefined);
    return { base: { cwd, srcRoot: checkout?.root ?? cwd }, ...(checkout ? { checkout } : {}) };
  };
  const docs = options.docsUrl !== undefined ? { docsBaseUri: options.docsUrl } : {};
  switch (format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(report);
    case 'sarif':
      return (await import('../report/sarif.js')).renderSarif(report, { ...docs, ...code() });
    case 'gitlab':
      return (await import('../report/gitlab.js')).renderGitlab(report, { ...docs, base: code().base });
    case 'html':
      return (await import('../report/html.js')).renderHtml(report);
    case 'markdown':
      return (await import('../report/markdown.js')).renderMarkdown(report);
    case 'cyclonedx': {
      const { bomContext } = await import('./bom-context.js');
      const ctx = await bomContext(report, options.cwd ?? process.cwd());
      return (await import('../report/cyclonedx.js')).renderCycloneDx(report, ctx);
    }
    case 'junit':
      return (await import('../report/junit.js')).renderJunit(report);
    case 'text':
      return (await import('../report/text.js')).renderText(report, {
        color: options.color ?? false,
        verbose: options.verbose ?? false,
        compact: options.compact ?? false,
        ...(options.width !== undefined ? { width: options.width } : {}),
      });
  }
  throw new SentinelError('usage', `unknown report format "${String(format)}" (expected ${REPORT_FORMATS.join(', ')})`);
}
