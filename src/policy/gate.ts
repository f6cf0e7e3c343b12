// Release decisions: maps each finding to block / gate / ticket / pass under the active policy (rule
// beats category beats default), applies the pickle safety threshold, the baseline and risk acceptances, and
// derives the gate verdict and exit code (0 pass, 1 gate failed, 2 usage/tool error).
import type { Decision, FileSummary, Finding, PickleVerdict } from '../core/finding.js';
import { safetyRank, type SafetyLevel, type Severity } from '../core/severity.js';
import { ruleById } from '../rules/index.js';
import { findAcceptance } from './acceptance.js';
import type { Baseline } from './baseline.js';
import type { Acceptance, GateLevel, Policy } from './policy.js';
import type { PresetName } from './presets.js';

/** A finding with its decision under the active policy. */
export interface GatedFinding extends Finding {
  readonly decision: Decision;
  /** Why the finding got its decision (policy level, threshold, baseline, acceptance). */
  readonly decisionReason: string;
  /** With `--baseline`: whether the fingerprint was already in the baseline. */
  readonly baseline?: 'new' | 'existing';
}

/** A pickle stream whose safety level is above max_acceptable_severity and that nothing excuses. */
export interface ThresholdViolation {
  readonly where: string;
  readonly safety: SafetyLevel;
  readonly context: string;
}

/** Why a baseline finding absent from this run counts as closed. */
export type ClosureKind = 'signal-gone' | 'rescan-incomplete' | 'file-removed' | 'file-not-scanned';

/** A baseline finding absent from this run. */
export interface ClosedFinding {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly severity?: string;
  readonly title?: string;
  readonly where?: string;
  /**
   * signal-gone: the file was scanned fully and the signal is gone (closure evidence);
   * rescan-incomplete: the file was scanned but not fully (SCAN-INCOMPLETE), so closure is not proven;
   * file-removed: the file no longer exists where this run scanned (deleted or renamed);
   * file-not-scanned: the file was not part of this run (out of scope).
   */
  readonly closure: ClosureKind;
}

/** The gate verdict with its counts, threshold, baseline state and reasons (`summary.gate`). */
export interface GateResult {
  readonly passed: boolean;
  /** Default fail_on / ticket_on (per-category and per-rule levels may differ). */
  readonly failOn: readonly Severity[];
  readonly ticketOn: readonly Severity[];
  /** Findings whose decision is block or gate. */
  readonly blocking: number;
  readonly tickets: number;
  /** Findings covered by a valid acceptance. */
  readonly accepted: number;
  /** Findings whose acceptance has expired (they count as blocking when at fail_on). */
  readonly expiredAcceptances: number;
  /** Findings downgraded to ticket because their pickle is within max_acceptable_severity. */
  readonly thresholdAccepted: number;
  readonly preset: PresetName;
  readonly maxAcceptableSeverity: SafetyLevel;
  /** False when no PICKLE rule ran (the threshold judges pickle streams only). */
  readonly thresholdApplied: boolean;
  readonly overThreshold: readonly ThresholdViolation[];
  readonly baseline?: {
    readonly source: string;
    readonly new: number;
    readonly existing: number;
    readonly closed: number;
  };
  /** Why the gate failed, one sentence each (empty when it passed). */
  readonly reasons: readonly string[];
}

export interface GateInput {
  readonly findings: readonly Finding[];
  readonly pickles: readonly PickleVerdict[];
  readonly files: readonly FileSummary[];
  /** IDs of the rules that ran. */
  readonly rules: readonly string[];
  readonly policy: Policy;
  /** Today's date (YYYY-MM-DD) for acceptance expiry. */
  readonly today: string;
  readonly baseline?: Baseline;
  /** Directory relative paths in acceptance globs are resolved against. */
  readonly cwd?: string;
  /** Baseline file paths (as the baseline names them) that no longer exist under a folder this run scanned. */
  readonly removedFiles?: ReadonlySet<string>;
}

export interface GateOutcome {
  readonly findings: GatedFinding[];
  readonly gate: GateResult;
  readonly closed: ClosedFinding[];
  /** Policy acceptances that matched no finding in this run (stale entries). */
  readonly unusedAcceptances: readonly Acceptance[];
}

interface Effective {
  readonly failOn: readonly Severity[];
  readonly failFrom: string;
  readonly ticketOn: readonly Severity[];
  readonly ticketFrom: string;
  readonly owner?: string;
  readonly retest?: string;
}

function effective(f: Finding, p: Policy): Effective {
  const rule = p.rules.get(f.ruleId);
  const cat = p.categories.get(f.category);
  const pickFrom = <K extends 'failOn' | 'ticketOn'>(k: K): [readonly Severity[], string] => {
    if (rule?.[k]) return [rule[k], `rule ${f.ruleId}`];
    if (cat?.[k]) return [cat[k], `category ${f.category}`];
    return [p.defaults[k], 'default'];
  };
  const [failOn, failFrom] = pickFrom('failOn');
  const [ticketOn, ticketFrom] = pickFrom('ticketOn');
  const first = (k: keyof GateLevel & ('owner' | 'retest')): string | undefined =>
    rule?.[k] ?? cat?.[k] ?? p.defaults[k];
  const owner = first('owner');
  const retest = first('retest');
  return {
    failOn,
    failFrom,
    ticketOn,
    ticketFrom,
    ...(owner !== undefined ? { owner } : {}),
    ...(retest !== undefined ? { retest } : {}),
  };
}

/** The decision a severity gets at the effective policy level, with the reason. */
export function severityDecision(f: Finding, p: Policy): { decision: Decision; reason: string } {
  const e = effective(f, p);
  if (e.failOn.includes(f.severity)) {
    return {
      decision: f.severity === 'CRITICAL' ? 'block' : 'gate',
      reason: `${f.severity} is in fail_on (${e.failFrom})`,
    };
  }
  if (e.ticketOn.includes(f.severity))
    return { decision: 'ticket', reason: `${f.severity} is in ticket_on (${e.ticketFrom})` };
  return { decision: 'pass', reason: `${f.severity} is in neither fail_on nor ticket_on` };
}

const isBlocking = (d: Decision): boolean => d === 'block' || d === 'gate';

/** The source part of a pickle stream's `where` (`f.pkl@0` → `f.pkl`); nested streams live below `<source>!@`. */
function streamSource(where: string): string {
  return where.replace(/@\d+$/, '');
}

/** Applies the policy to a scan's findings and pickles. Pure: no I/O, no clock (today is an input). */
export function applyPolicy(input: GateInput): GateOutcome {
  const { policy } = input;
  const safetyOf = new Map(input.pickles.map((v) => [v.where, v.safety]));
  const max = policy.maxAcceptableSeverity;
  const thresholdApplied = input.rules.some((id) => ruleById(id)?.meta.category === 'PICKLE');
  const baselineFps = input.baseline ? new Set(input.baseline.findings.map((f) => f.fingerprint)) : undefined;
  const used = new Set<Acceptance>();
  let accepted = 0;
  let expired = 0;
  let thresholdAccepted = 0;

  const findings: GatedFinding[] = input.findings.map((f) => {
    const e = effective(f, policy);
    let { decision, reason } = severityDecision(f, policy);
    // Test code (pytest layout) does not ship: its findings are kept, as tickets, unless the policy gates them.
    if (f.evidence.details?.['testCode'] === true && policy.testCode !== 'gate' && isBlocking(decision)) {
      reason = `in test code (pytest layout): a ticket by default, set test_code: gate to gate it; would be ${decision}: ${reason}`;
      decision = 'ticket';
    }
    // Chat templates: judged for a plain jinja2.Environment by default; a policy declaring a sandboxed runtime passes
    // the findings whose every signal jinja2's sandbox blocks (the reason names the environment either way).
    if (f.ruleId === 'MODEL-TEMPLATE-INJECTION') {
      if (policy.templateRuntime === 'sandboxed' && f.evidence.details?.['sandbox'] === 'blocked') {
        reason = `template_runtime: sandboxed — jinja2's sandbox blocks every signal of this template (it reaches Python internals only under a plain jinja2.Environment); would be ${decision}: ${reason}`;
        decision = 'pass';
      } else
        reason = `verdict for ${policy.templateRuntime === 'sandboxed' ? "jinja2's sandbox (template_runtime: sandboxed): the sandbox may not block every signal" : 'a plain jinja2.Environment (template_runtime: unsandboxed)'}; ${reason}`;
    }
    // The pickle threshold: a pickle finding on a stream within the accepted safety level is a ticket, not a gate.
    const safety = f.stream !== undefined ? safetyOf.get(f.stream) : undefined;
    if (
      thresholdApplied &&
      f.category === 'PICKLE' &&
      safety !== undefined &&
      safetyRank(safety) <= safetyRank(max) &&
      isBlocking(decision)
    ) {
      reason = `accepted by threshold: pickle safety ${safety} is within max_acceptable_severity ${max} (${policy.preset}${policy.thresholdFrom === 'preset' ? ' preset' : `, set by ${policy.thresholdFrom}`}); ${reason}`;
      decision = 'ticket';
      thresholdAccepted++;
    }
    const match = findAcceptance(f, policy.acceptances, input.today, input.cwd);
    if (match) used.add(match.acceptance);
    const state = baselineFps ? (baselineFps.has(f.fingerprint) ? 'existing' : 'new') : undefined;
    if (state === 'existing' && isBlocking(decision) && !match?.expired) {
      reason = `existing in baseline (not new); would be ${decision}: ${reason}`;
      decision = 'ticket';
    }
    let acceptedField: Finding['accepted'];
    if (match) {
      const a = match.acceptance;
      acceptedField = { owner: a.owner, reason: a.reason, expires: a.expires, expired: match.expired };
      if (match.expired) {
        expired++;
        reason = `acceptance by ${a.owner} expired on ${a.expires}; ${reason}`;
      } else {
        accepted++;
        reason = `risk accepted by ${a.owner} until ${a.expires}: ${a.reason}`;
        decision = 'pass';
      }
    }
    return {
      ...f,
      owner: e.owner ?? f.owner,
      retest: e.retest ?? f.retest,
      decision,
      decisionReason: reason,
      ...(state !== undefined ? { baseline: state } : {}),
      ...(acceptedField !== undefined ? { accepted: acceptedField } : {}),
    };
  });

  // A pickle above the threshold fails the gate even when none of its findings is at fail_on, unless every
  // finding on it (and on pickles nested in it) is excused by a valid acceptance or by the baseline.
  const overThreshold: ThresholdViolation[] = [];
  if (thresholdApplied) {
    for (const v of input.pickles) {
      if (safetyRank(v.safety) <= safetyRank(max)) continue;
      const src = streamSource(v.where);
      const mine = findings.filter(
        (f) => f.stream !== undefined && (f.stream === v.where || f.stream.startsWith(src + '!@')),
      );
      const excused =
        mine.length > 0 &&
        mine.every((f) => (f.accepted !== undefined && !f.accepted.expired) || f.baseline === 'existing');
      if (!excused) overThreshold.push({ where: v.where, safety: v.safety, context: v.context });
    }
  }

  const closed = closedFindings(input);
  const blocking = findings.filter((f) => isBlocking(f.decision));
  const tickets = findings.filter((f) => f.decision === 'ticket').length;
  const reasons: string[] = [];
  if (blocking.length) {
    const block = blocking.filter((f) => f.decision === 'block').length;
    const expiredBlocking = blocking.filter((f) => f.accepted?.expired).length;
    reasons.push(
      `${blocking.length} ${baselineFps ? 'new ' : ''}finding(s) at fail_on (${block} block, ${blocking.length - block} gate)` +
        (expiredBlocking ? `, ${expiredBlocking} of them with an expired acceptance` : ''),
    );
  }
  for (const v of overThreshold.slice(0, 5)) {
    reasons.push(`pickle ${v.where} is ${v.safety}, above max_acceptable_severity ${max}`);
  }
  if (overThreshold.length > 5) reasons.push(`… and ${overThreshold.length - 5} more pickle(s) above the threshold`);

  const gate: GateResult = {
    passed: blocking.length === 0 && overThreshold.length === 0,
    failOn: policy.defaults.failOn,
    ticketOn: policy.defaults.ticketOn,
    blocking: blocking.length,
    tickets,
    accepted,
    expiredAcceptances: expired,
    thresholdAccepted,
    preset: policy.preset,
    maxAcceptableSeverity: max,
    thresholdApplied,
    overThreshold,
    ...(input.baseline
      ? {
          baseline: {
            source: input.baseline.source,
            new: findings.filter((f) => f.baseline === 'new').length,
            existing: findings.filter((f) => f.baseline === 'existing').length,
            closed: closed.length,
          },
        }
      : {}),
    reasons,
  };
  return {
    findings,
    gate,
    closed,
    unusedAcceptances: policy.acceptances.filter((a) => !used.has(a)),
  };
}

function closedFindings(input: GateInput): ClosedFinding[] {
  if (!input.baseline) return [];
  const now = new Set(input.findings.map((f) => f.fingerprint));
  const ran = new Set(input.rules);
  const scanned = new Set(input.files.map((f) => f.path));
  const incomplete = new Set(
    input.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE').map((f) => f.location.chain[0] ?? ''),
  );
  const out: ClosedFinding[] = [];
  const seen = new Set<string>();
  for (const b of input.baseline.findings) {
    // Only rules that ran this time can prove a signal gone.
    if (now.has(b.fingerprint) || !ran.has(b.ruleId) || seen.has(b.fingerprint)) continue;
    seen.add(b.fingerprint);
    const file = b.file !== undefined ? sameFile(b.file, scanned) : undefined;
    const closure: ClosureKind =
      file !== undefined
        ? incomplete.has(file)
          ? 'rescan-incomplete'
          : 'signal-gone'
        : b.file !== undefined && input.removedFiles?.has(b.file)
          ? 'file-removed'
          : 'file-not-scanned';
    out.push({
      fingerprint: b.fingerprint,
      ruleId: b.ruleId,
      ...(b.severity !== undefined ? { severity: b.severity } : {}),
      ...(b.title !== undefined ? { title: b.title } : {}),
      ...(b.where !== undefined ? { where: b.where } : {}),
      closure,
    });
  }
  return out;
}

/**
 * The scanned path that is the baseline's file: the same path, or (when the baseline ran from another directory)
 * the path whose trailing segments are all of the shorter path's segments.
 */
function sameFile(file: string, scanned: ReadonlySet<string>): string | undefined {
  if (scanned.has(file)) return file;
  const segs = (p: string): string[] => p.split(/[\\/]+/).filter((x) => x !== '' && x !== '.');
  const want = segs(file);
  for (const p of scanned) {
    const have = segs(p);
    const n = Math.min(want.length, have.length);
    if (n > 0 && want.slice(-n).join('/') === have.slice(-n).join('/')) return p;
  }
  return undefined;
}

/** 1 when the gate failed, else 2 when a path could not be read, else 0. */
export function exitCode(gate: GateResult, toolErrors: number): 0 | 1 | 2 {
  if (!gate.passed) return 1;
  return toolErrors > 0 ? 2 : 0;
}
