// Rule framework: a rule is its metadata (RULES.md) plus visitors over analyzer facts. Rules report through
// the context, which fills every record field from metadata, so a finding can never be half-built.
import { sha256Hex } from '../core/sha256.js';
import type { ImportFact, PickleRun } from '../analyzers/pickle/facts.js';
import type { Evidence, Finding, FlowStepEvidence, RuleMeta } from '../core/finding.js';
import { at, formatLocation, type Location } from '../core/location.js';
import type { SafetyLevel } from '../core/severity.js';
import type { ScanTarget } from '../core/scan-target.js';
import type { Verdict } from './classify.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';

/** One analysed pickle stream. */
export interface PickleFact {
  readonly run: PickleRun;
  /** Location of the stream (offsets in findings are relative to it). */
  readonly location: Location;
  /** Loader semantics assumed: plain, torch-zip, torch-legacy, torchscript, joblib, numpy. */
  readonly context: string;
  readonly verdicts: ReadonlyMap<ImportFact, Verdict>;
  readonly safety: SafetyLevel;
  /** Extra globals the weights-only check accepts (policy counterpart of torch add_safe_globals). */
  readonly torchSafeGlobals?: ReadonlySet<string>;
}

/** Signals from one analysed source file (Python module, hubconf.py, TorchScript code/ file). */
export interface CodeFact {
  readonly location: Location;
  readonly kind: 'python' | 'hubconf' | 'torchscript';
  readonly signals: readonly CodeSignalLike[];
}

/** A code signal as the analyzers produce it (rule id, region, snippet, message, confidence, details). */
export interface CodeSignalLike {
  readonly ruleId: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly snippet: string;
  readonly message: string;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** Source → hops → sink (file '' = the fact's own file). */
  readonly flow?: readonly FlowStepEvidence[];
  /** A lower severity than the rule's for this signal. */
  readonly severity?: 'MEDIUM';
  /** The fix for this signal when it differs from the rule's. */
  readonly fixHint?: string;
}

/** Structural disagreements inside a container (zip/tar/7z/torch layout). */
export interface ContainerFact {
  readonly location: Location;
  readonly format: string;
  readonly anomalies: readonly { code: string; message: string; entry?: string; offset?: number }[];
}

/** A native executable or shared library inside a model container (where no loader needs one). */
export interface NativeFact {
  readonly location: Location;
  /** The container kind, e.g. `torch torchscript zip`. */
  readonly container: string;
  readonly format: string;
  readonly description: string;
}

export type ModelRuleId =
  | 'MODEL-TEMPLATE-INJECTION'
  | 'MODEL-LAMBDA-CODE'
  | 'MODEL-EXTERNAL-DATA'
  | 'MODEL-CUSTOM-OP'
  | 'MODEL-REMOTE-CODE'
  | 'MODEL-STRUCT';

/** A signal from a model-format reader or analyser (safetensors, GGUF, ONNX, Keras, chat templates, HF configs). */
export interface ModelFact {
  readonly rule: ModelRuleId;
  /** The file or entry; `offset` when the signal has a byte position, `line`/`column` in source-like files. */
  readonly location: Location;
  /** The format the signal was read from (`safetensors`, `gguf`, `onnx`, `keras`, `hdf5`, `jinja`, `hf-config`). */
  readonly format: string;
  /** One line a person reads. */
  readonly signal: string;
  /** What identifies the signal for the fingerprint (stable across runs; no offsets that unrelated edits move). */
  readonly key: string;
  /** JSON path, metadata key or graph path inside the location. */
  readonly path?: string;
  readonly snippet?: string;
  /** Position inside a template or source text (when the location is not that text itself). */
  readonly line?: number;
  readonly column?: number;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** A lower severity than the rule's for this signal (a cost the caller's request bounds decide). */
  readonly severity?: 'MEDIUM';
  /** The finding's title and fix when this signal is not what the rule's title says (a render cost, not a reach). */
  readonly title?: string;
  readonly fixHint?: string;
}

/** Something in scope that was not fully analysed. */
export interface IncompleteFact {
  readonly location: Location;
  readonly kind: 'limit' | 'encrypted' | 'unsupported' | 'corrupt' | 'io' | 'symlink' | 'placeholder';
  readonly reason: string;
  readonly limit?: string;
  /** A lower severity than the rule's, where the input cannot carry anything a loader would run (an empty file). */
  readonly severity?: 'MEDIUM';
}

/** The verdict on one model's signature (provenance/verify-model.ts), with where findings on it point. */
export interface SignatureFact {
  /** The model path as scanned (a folder or a single file). */
  readonly model: Location;
  readonly modelIsFile: boolean;
  /** The signature file (or, when missing, where it was looked for). */
  readonly signature: Location;
  readonly verdict: SignatureVerdict;
}

export interface FactVisitors {
  pickle?(fact: PickleFact, ctx: RuleContext): void;
  code?(fact: CodeFact, ctx: RuleContext): void;
  container?(fact: ContainerFact, ctx: RuleContext): void;
  native?(fact: NativeFact, ctx: RuleContext): void;
  model?(fact: ModelFact, ctx: RuleContext): void;
  incomplete?(fact: IncompleteFact, ctx: RuleContext): void;
  signature?(fact: SignatureFact, ctx: RuleContext): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  readonly visit: FactVisitors;
}

export interface ReportInput {
  readonly location: Location;
  readonly evidence: Evidence;
  /** What identifies this signal for the fingerprint (e.g. `os.system`, an anomaly code, a call text). */
  readonly key: string;
  /** The pickle stream the signal belongs to (its `where`), linking the finding to the stream's safety level. */
  readonly stream?: string;
  /**
   * A lower severity than the rule's for this signal (evidence only, e.g. bytes no loader reads; a library API rather
   * than an exposed interface), with its decision.
   */
  readonly severity?: 'MEDIUM' | 'LOW' | 'INFO';
  /** The fix for this signal when it differs from the rule's. */
  readonly fixHint?: string;
  /** The title for this signal when the rule's does not describe it. */
  readonly title?: string;
}

/** A finding's fingerprint: rule, the stable location chain (paths relative to the scan target) and the signal key. */
export function fingerprintOf(ruleId: string, stableChain: string, key: string): string {
  return sha256Hex(`${ruleId}\0${stableChain}\0${key}`).slice(0, 32);
}

export class RuleContext {
  readonly findings: Finding[] = [];
  /** The fingerprint key of each finding (same order), to re-fingerprint a finding under another path. */
  readonly keys: string[] = [];
  constructor(
    private readonly target: ScanTarget,
    /** Stable name of the top-level file relative to the scan target (fingerprint input). */
    private readonly stablePath: string,
  ) {}

  report(meta: RuleMeta, input: ReportInput): void {
    const loc = input.location;
    const stableChain = [this.stablePath, ...loc.chain.slice(1)].join('!');
    const fingerprint = fingerprintOf(meta.id, stableChain, input.key);
    const where = formatLocation(loc);
    this.findings.push({
      ruleId: meta.id,
      category: meta.category,
      severity: input.severity ?? meta.severity,
      title: input.title ?? meta.title,
      cwe: meta.cwe,
      owasp: meta.owasp,
      ...(meta.frameworks ? { frameworks: meta.frameworks } : {}),
      fpRisk: meta.fpRisk,
      owner: meta.owner,
      releaseDecision: input.severity ? DECISION[input.severity] : meta.decision,
      retest: retestCommand(this.target.arg, meta.category),
      fixHint: input.fixHint ?? meta.fixHint,
      fix: meta.fix,
      location: loc,
      where,
      evidence: input.evidence,
      ...(input.stream !== undefined ? { stream: input.stream } : {}),
      fingerprint,
    });
    this.keys.push(input.key);
  }
}

/** The command that re-checks one rule category on a scan target (a finding's `retest`). */
export function retestCommand(arg: string, category: string, command: ScanCommandWord = 'scan'): string {
  return `sentinel ${command} ${quoteArg(arg)} --rule ${category}`;
}

/** The words that run a scan on the command line (`artifact` is an alias of `scan`). */
export type ScanCommandWord = 'scan' | 'artifact';

/**
 * A retest command as the user would type it again: the scan command word they ran (`sentinel artifact ...`) in
 * place of `scan`. Other commands (set by a policy) are left as they are.
 */
export function retestAs(retest: string, command: ScanCommandWord): string {
  return command !== 'scan' && retest.startsWith('sentinel scan ')
    ? `sentinel ${command} ${retest.slice('sentinel scan '.length)}`
    : retest;
}

function quoteArg(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `where` of the pickle stream a fact describes (the key joining findings to per-pickle safety levels). */
export function streamWhere(fact: PickleFact): string {
  return formatLocation(at(fact.location, fact.run.start));
}

export const OWNER = 'AI/ML platform or model release owner';
export const OWASP_LLM03 = 'LLM03 — Supply Chain';
export const DECISION: Record<'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO', string> = {
  CRITICAL: 'Block release; do not promote the artifact or code path until it is isolated.',
  HIGH: 'Treat as a release gate; remediation or explicit risk acceptance is required.',
  MEDIUM: 'Assign an owner, fix within the sprint, and attach the retest command to the issue.',
  LOW: 'Hygiene: fix when convenient; keep in the inventory.',
  INFO: 'Inventory only.',
};
