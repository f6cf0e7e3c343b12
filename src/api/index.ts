// The Node API of sentinel-ml (`import { scan, loadPolicy, renderReport } from 'sentinel-ml'`): scan files,
// directories, bytes or streams, gate them with a policy, and render the report in any output format; convert a
// checkpoint to safetensors (`convert`). Everything exported here is the public contract (documented from these
// types by TypeDoc: docs/api/).
export { scan, type ScanInput, type ScanOptions, type VirtualBytes, type VirtualStream } from './scan.js';
export { loadPolicy, type LoadPolicyOptions, type PolicyText } from './load-policy.js';
export { convert, type ConvertOptions } from './convert.js';
export type { ConvertReport, ConvertedTensor } from '../report/convert-report.js';
export type { MetadataEntry } from '../convert/plan.js';
export type { InputInfo } from '../convert/convert.js';
export type { InputFormat } from '../analyzers/tensors/input.js';
export { renderReport, REPORT_FORMATS, type RenderOptions, type ReportFormat } from './render-report.js';
export { SentinelError, type SentinelErrorCode } from './errors.js';
export type { SentinelReport, PolicyInfo } from '../report/report-model.js';
export type { ScanReport } from '../report/scan-report.js';
export type { ClosedFinding, ClosureKind, GatedFinding, GateResult, ThresholdViolation } from '../policy/gate.js';
export type { Acceptance, GateLevel, Policy } from '../policy/policy.js';
export type { AddressClass, EgressPolicy } from '../sources/remote/egress.js';
export { PRESET_NAMES, type PresetName } from '../policy/presets.js';
export type { AllowEntry, AllowedCalls } from '../rules/data/allowlist.js';
export type {
  AdmittedName,
  Decision,
  Evidence,
  FileSummary,
  Finding,
  FlowStepEvidence,
  GlobalVerdict,
  ModelSummary,
  PickleVerdict,
  RuleCategory,
  ScanError,
} from '../core/finding.js';
export type { Location, Segment } from '../core/location.js';
export type { SignatureScanOptions } from './signature-options.js';
export type {
  ManifestProblem,
  SignatureCheck,
  SignatureStanding,
  SignatureVerdict,
  SigningMethod,
} from '../provenance/signature-verdict.js';
export type { SignaturePolicy } from '../policy/signature-policy.js';
export type { GitCheckout } from '../sources/git-checkout.js';
export type { ScanNote, SkippedEntry } from '../scan/engine.js';
export type { ScanCommandWord } from '../rules/rule.js';
export type { Limits } from '../core/limits.js';
export { SAFETY_LEVELS, SEVERITIES, type SafetyLevel, type Severity } from '../core/severity.js';
export { listTargets, type PlannedFile, type TargetList } from './list-targets.js';
export type { RemoteScanOptions } from './scan.js';
