// SARIF 2.1.0 reporter for code-scanning upload (OASIS SARIF 2.1.0; GitHub code scanning conventions): rules from
// metadata with help and `security-severity`, CWE tags, one result per finding with physical and logical locations,
// partial fingerprints, baseline state, and accepted findings as suppressions with their justification. Paths are
// relative to the source root (uriBaseId SRCROOT); the run carries automationDetails and, in a git checkout with
// an origin remote, versionControlProvenance.
import type { FlowStepEvidence, RuleMeta } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import { ruleById } from '../rules/index.js';
import type { GitCheckout } from '../sources/git-checkout.js';
import { absoluteUri, encodeRelative, rootRelative, rootUri, type PathBase } from './artifact-path.js';
import type { SentinelReport } from './report-model.js';
import { renderRuleDoc } from './rule-doc.js';
import { guidanceFor } from './rule-guidance.js';

export interface SarifOptions {
  /** Base URL of the rule docs (docs/rules/); each rule gets helpUri `<base><ID>.md`. */
  readonly docsBaseUri?: string;
  /**
   * Where the scan's relative paths start and the source root they are reported against (`SRCROOT`, listed in
   * originalUriBaseIds). Without it, relative paths are kept as scanned.
   */
  readonly base?: PathBase;
  /** The git checkout the source root is in: versionControlProvenance when it has an origin remote. */
  readonly checkout?: GitCheckout;
}

/** The uriBaseId relative artifact locations are resolved against. */
export const SRCROOT = 'SRCROOT';

function artifactLocation(file: string, base: PathBase | undefined): Record<string, string> {
  if (!base) {
    const uri = artifactUri(file);
    return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: SRCROOT };
  }
  const rel = rootRelative(file, base);
  return rel !== undefined ? { uri: encodeRelative(rel), uriBaseId: SRCROOT } : { uri: absoluteUri(file, base) };
}

/** GitHub's security-severity scale: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '3.0',
  INFO: undefined,
};

type Level = 'error' | 'warning' | 'note' | 'none';

const DEFAULT_LEVEL: Record<Severity, Level> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  INFO: 'note',
};

const PRECISION: Record<RuleMeta['fpRisk'], string> = { LOW: 'high', MEDIUM: 'medium', HIGH: 'low' };

function decisionLevel(f: GatedFinding): Level {
  if (f.decision === 'block' || f.decision === 'gate') return 'error';
  if (f.decision === 'ticket') return 'warning';
  return 'note';
}

function pascal(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A relative URI reference for a scanned path: posix separators, each segment percent-encoded. */
export function artifactUri(path: string): string {
  const posix = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const abs = posix.startsWith('/');
  const enc = posix
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return abs ? `file://${enc}` : enc;
}

function ruleDescriptor(meta: RuleMeta, all: readonly RuleMeta[], opts: SarifOptions): Record<string, unknown> {
  const g = guidanceFor(meta, all);
  const secSev = SECURITY_SEVERITY[meta.severity];
  return {
    id: meta.id,
    name: pascal(meta.title),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.fixHint}\n\n${meta.fix}\n\nFalse positives: ${g.falsePositives}\n\nRetest: ${g.retest}`,
      markdown: renderRuleDoc(meta, all)
        .split('\n')
        .filter((l) => !l.startsWith('<!--'))
        .join('\n')
        .trim(),
    },
    ...(opts.docsBaseUri ? { helpUri: `${opts.docsBaseUri}${meta.id}.md` } : {}),
    defaultConfiguration: { level: DEFAULT_LEVEL[meta.severity] },
    properties: {
      tags: ['security', meta.category.toLowerCase(), ...meta.cwe.map((c) => `external/cwe/${c.toLowerCase()}`)],
      precision: PRECISION[meta.fpRisk],
      'problem.severity': DEFAULT_LEVEL[meta.severity] === 'note' ? 'recommendation' : DEFAULT_LEVEL[meta.severity],
      ...(secSev !== undefined ? { 'security-severity': secSev } : {}),
      severity: meta.severity,
      cwe: meta.cwe,
      owasp: meta.owasp,
      ...(meta.frameworks ? { frameworks: meta.frameworks } : {}),
      owner: meta.owner,
      releaseDecision: meta.decision,
    },
  };
}

function result(
  f: GatedFinding,
  ruleIndex: number | undefined,
  safety: string | undefined,
  base: PathBase | undefined,
): Record<string, unknown> {
  const loc = f.location;
  const file = loc.chain[0] ?? '';
  const inContainer = loc.chain.length > 1;
  // GitHub code scanning anchors an alert on region.startLine. Source files get their line and column. Binary
  // files have no lines: the region starts at line 1 and, for the top-level file, carries the exact byteOffset.
  // Inside containers, lines and offsets are relative to the entry, so they stay in the logical location and
  // the properties and the region only names the container file.
  const region: Record<string, number> =
    loc.line !== undefined && !inContainer
      ? { startLine: loc.line, ...(loc.column !== undefined ? { startColumn: loc.column } : {}) }
      : { startLine: 1, ...(loc.offset !== undefined && !inContainer ? { byteOffset: loc.offset } : {}) };
  const suppressions = f.accepted
    ? [
        {
          kind: 'external',
          status: f.accepted.expired ? 'rejected' : 'accepted',
          justification: `${f.accepted.expired ? `EXPIRED on ${f.accepted.expires}: ` : ''}${f.accepted.reason} (accepted by ${f.accepted.owner} until ${f.accepted.expires})`,
        },
      ]
    : undefined;
  return {
    ruleId: f.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: decisionLevel(f),
    kind: 'fail',
    message: { text: `${f.title}: ${f.evidence.signal}` },
    locations: [
      {
        physicalLocation: { artifactLocation: artifactLocation(file, base), region },
        ...(inContainer || loc.offset !== undefined || loc.line !== undefined
          ? {
              logicalLocations: [
                {
                  fullyQualifiedName: f.where,
                  name: loc.chain[loc.chain.length - 1] ?? file,
                  kind: inContainer ? 'member' : 'resource',
                },
              ],
            }
          : {}),
      },
    ],
    ...(f.evidence.flow !== undefined && f.evidence.flow.length > 0 ? { codeFlows: [codeFlow(f.evidence.flow)] } : {}),
    partialFingerprints: { 'sentinelFingerprint/v1': f.fingerprint },
    ...(f.baseline ? { baselineState: f.baseline === 'new' ? 'new' : 'unchanged' } : {}),
    ...(suppressions ? { suppressions } : {}),
    properties: {
      severity: f.severity,
      decision: f.decision,
      decisionReason: f.decisionReason,
      owner: f.owner,
      retest: f.retest,
      fixHint: f.fixHint,
      where: f.where,
      ...(loc.offset !== undefined ? { offset: loc.offset } : {}),
      ...(loc.line !== undefined ? { line: loc.line } : {}),
      ...(loc.column !== undefined ? { column: loc.column } : {}),
      ...(f.stream !== undefined ? { stream: f.stream } : {}),
      ...(safety !== undefined ? { pickleSafety: safety } : {}),
      evidence: f.evidence,
    },
  };
}

/** A code finding's data path (source, each hop, sink) as one SARIF thread flow. */
function codeFlow(flow: readonly FlowStepEvidence[]): Record<string, unknown> {
  return {
    message: { text: `${flow[0]!.text} (${flow[0]!.file}:${flow[0]!.line}) reaches ${flow[flow.length - 1]!.text}` },
    threadFlows: [
      {
        locations: flow.map((s) => ({
          location: {
            physicalLocation: { artifactLocation: { uri: artifactUri(s.file) }, region: { startLine: s.line } },
            message: { text: `${s.role}: ${s.text} (in ${s.fn})` },
          },
          kinds: s.role === 'hop' ? ['call', 'taint'] : ['taint'],
        })),
      },
    ],
  };
}

/** Renders the report as a SARIF 2.1.0 log with one run. */
export function renderSarif(report: SentinelReport, opts: SarifOptions = {}): string {
  const ids = [...report.rules];
  for (const f of report.findings) if (!ids.includes(f.ruleId)) ids.push(f.ruleId);
  const metas = ids.map((id) => ruleById(id)?.meta).filter((m): m is RuleMeta => m !== undefined);
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const safetyOf = new Map(report.pickles.map((p) => [p.where, p.safety]));
  const g = report.summary.gate;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: metas.map((m) => ruleDescriptor(m, metas, opts)),
          },
        },
        // GitHub code scanning takes the category from the id up to its last '/'.
        automationDetails: { id: `sentinel/${report.startedAt}` },
        ...(opts.base ? { originalUriBaseIds: { [SRCROOT]: { uri: rootUri(opts.base) } } } : {}),
        ...(opts.checkout?.repositoryUri
          ? {
              versionControlProvenance: [
                {
                  repositoryUri: opts.checkout.repositoryUri,
                  ...(opts.checkout.revisionId ? { revisionId: opts.checkout.revisionId } : {}),
                  ...(opts.checkout.branch ? { branch: opts.checkout.branch } : {}),
                  ...(opts.base && (opts.base.srcRoot ?? opts.base.cwd) === opts.checkout.root
                    ? { mappedTo: { uriBaseId: SRCROOT } }
                    : {}),
                },
              ],
            }
          : {}),
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            exitCode: report.summary.exitCode,
            startTimeUtc: report.startedAt,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.where}: ${e.message}` },
            })),
          },
        ],
        // The inventory: every file scanned, its size and SHA-256 (the bytes the verdict is about).
        artifacts: report.files.map((file) => ({
          location: artifactLocation(file.path, opts.base),
          length: file.bytes,
          ...(file.sha256 ? { hashes: { 'sha-256': file.sha256 } } : {}),
          properties: { formats: file.formats, ...(file.checked?.length ? { checked: file.checked } : {}) },
        })),
        results: report.findings.map((f) =>
          result(f, index.get(f.ruleId), f.stream !== undefined ? safetyOf.get(f.stream) : undefined, opts.base),
        ),
        properties: {
          schemaVersion: report.schemaVersion,
          gate: {
            passed: g.passed,
            reasons: g.reasons,
            blocking: g.blocking,
            tickets: g.tickets,
            accepted: g.accepted,
            expiredAcceptances: g.expiredAcceptances,
            preset: g.preset,
            maxAcceptableSeverity: g.maxAcceptableSeverity,
            overThreshold: g.overThreshold,
          },
          worstSafety: report.summary.worstSafety ?? null,
          closed: report.closed,
          // Model signatures: standing, signer identity and issuer, signed digest, checks that ran.
          ...(report.signatures?.length ? { signatures: report.signatures } : {}),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
