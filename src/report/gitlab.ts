// GitLab security report (SAST report format, security-report-schemas v15.1.4; GitLab ingests it through
// `artifacts: reports: sast:`): one vulnerability per finding with the rule ID as primary identifier, its CWEs,
// severity, solution and a repository-relative location; decision, evidence and fingerprint in `details`.
// Rule text comes from the rule registry, so every rule (present or future) maps the same way.
import { createHash } from 'node:crypto';
import type { RuleMeta } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import { ruleById } from '../rules/index.js';
import { rootRelative, type PathBase } from './artifact-path.js';
import type { SentinelReport } from './report-model.js';
import { isoUtc } from '../core/iso-time.js';
import { gateReasons } from './plain-words.js';

export const GITLAB_SCHEMA_VERSION = '15.1.4';
const SCHEMA_URL = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/sast-report-format.json`;

export interface GitlabOptions {
  /** Paths are made relative to `srcRoot` (the project directory, `CI_PROJECT_DIR`). Default: relative as scanned. */
  readonly base?: PathBase;
  /** Base URL of the rule docs; the rule identifier links to `<docsBaseUri><ID>.md`. */
  readonly docsBaseUri?: string;
}

const SEVERITY: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFO: 'Info',
};

/** `yyyy-mm-ddThh:mm:ss` in UTC, as the schema's scan times require. */
function gitlabTime(ms: number): string {
  return isoUtc(new Date(ms)).slice(0, 19);
}

/** A stable UUID-shaped id per finding (fingerprint and location: a file named twice is two vulnerabilities). */
function vulnerabilityId(f: GatedFinding): string {
  const h = createHash('sha256').update(`${f.fingerprint}\0${f.where}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

function ruleIdentifier(id: string, docs: string | undefined): Record<string, string> {
  return { type: 'sentinel_rule_id', name: id, value: id, ...(docs ? { url: `${docs}${id}.md` } : {}) };
}

function cweIdentifier(cwe: string): Record<string, string> | undefined {
  const n = /^CWE-(\d+)$/i.exec(cwe)?.[1];
  return n
    ? { type: 'cwe', name: `CWE-${n}`, value: n, url: `https://cwe.mitre.org/data/definitions/${n}.html` }
    : undefined;
}

function text(name: string, value: string): Record<string, string> {
  return { name, type: 'text', value };
}

function vulnerability(f: GatedFinding, meta: RuleMeta | undefined, o: GitlabOptions): Record<string, unknown> {
  const file = f.location.chain[0] ?? '';
  const inContainer = f.location.chain.length > 1;
  const line = !inContainer ? f.location.line : undefined;
  const path = (o.base ? rootRelative(file, o.base) : undefined) ?? file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const details: Record<string, Record<string, string>> = {
    where: text('Where', f.where),
    signal: text('Evidence', f.evidence.signal),
    decision: text('Release decision', `${f.decision}: ${f.decisionReason}`),
    owner: text('Owner', f.owner),
    retest: text('Retest', f.retest),
    fingerprint: text('Fingerprint', f.fingerprint),
    ...(f.owasp ? { owasp: text('OWASP LLM', f.owasp) } : {}),
    ...(f.evidence.snippet ? { snippet: { name: 'Snippet', type: 'code', value: f.evidence.snippet } } : {}),
    ...(f.accepted
      ? {
          accepted: text(
            f.accepted.expired ? 'Acceptance (expired)' : 'Accepted risk',
            `${f.accepted.reason} (${f.accepted.owner}, until ${f.accepted.expires})`,
          ),
        }
      : {}),
    ...(f.baseline ? { baseline: text('Baseline', f.baseline) } : {}),
  };
  return {
    id: vulnerabilityId(f),
    name: clip(f.title, 255),
    description: clip(
      `${meta?.description ?? f.title}\n\nEvidence: ${f.evidence.signal}\n\nWhere: ${f.where}`,
      1048576,
    ),
    severity: SEVERITY[f.severity],
    solution: clip(`${f.fixHint}\n\n${f.fix}\n\nRetest: ${f.retest}`, 7000),
    identifiers: [
      ruleIdentifier(f.ruleId, o.docsBaseUri),
      ...f.cwe.map(cweIdentifier).filter((x): x is Record<string, string> => x !== undefined),
    ],
    location: { file: path, ...(line !== undefined ? { start_line: line, end_line: line } : {}) },
    details,
  };
}

/** Renders the report as a GitLab SAST security report (JSON). */
export function renderGitlab(report: SentinelReport, o: GitlabOptions = {}): string {
  const start = Date.parse(report.startedAt);
  const tool = { id: 'sentinel', name: 'Sentinel', version: report.tool.version, vendor: { name: 'Sentinel' } };
  const doc = {
    version: GITLAB_SCHEMA_VERSION,
    schema: SCHEMA_URL,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'sast',
      start_time: gitlabTime(start),
      end_time: gitlabTime(start + report.durationMs),
      status: report.summary.exitCode === 2 && report.findings.length === 0 ? 'failure' : 'success',
      messages: [
        ...report.errors.map((e) => ({ level: 'warn', value: `${e.where}: ${e.message}` })),
        {
          level: 'info',
          value: report.summary.gate.passed
            ? 'release gate passed'
            : `release gate failed: ${gateReasons(report.summary.gate).join('; ')}`,
        },
      ],
      primary_identifiers: report.rules.map((id) => ruleIdentifier(id, o.docsBaseUri)),
    },
    vulnerabilities: report.findings.map((f) => vulnerability(f, ruleById(f.ruleId)?.meta, o)),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
