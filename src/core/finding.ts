// The finding record: every column of its rule (RULES.md) plus location, evidence and a stable
// fingerprint. Findings are built only through rules/report-context so none is ever half-filled.
import type { Location } from './location.js';
import type { SafetyLevel, Severity } from './severity.js';

/** The rule families. */
export type RuleCategory = 'PICKLE' | 'TORCH' | 'DESER' | 'MODEL' | 'SCAN' | 'ARCHIVE' | 'SIGN';

export interface RuleMeta {
  readonly id: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  readonly title: string;
  readonly cwe: readonly string[];
  readonly owasp: string;
  /** Framework mappings beyond OWASP LLM (DESER: Agentic AI, NHI, NIST CSF). */
  readonly frameworks?: readonly string[];
  readonly fpRisk: 'LOW' | 'MEDIUM' | 'HIGH';
  readonly owner: string;
  readonly decision: string;
  /** Short fix hint (the rule catalogue's "Fix Hint" column). */
  readonly fixHint: string;
  /** Full fix text (the rule catalogue's "How to fix"). */
  readonly fix: string;
  readonly description: string;
  /** What the rule fires on (evidence format). */
  readonly firesOn: string;
}

/** What a finding saw, where, and how sure it is. */
export interface Evidence {
  /** One line a person reads: what was seen. */
  readonly signal: string;
  readonly opcode?: string;
  readonly offset?: number;
  readonly module?: string;
  readonly name?: string;
  readonly line?: number;
  readonly column?: number;
  readonly snippet?: string;
  /** Where inside the innermost location: a JSON path (`$.auto_map.AutoModel`), a GGUF metadata key or an ONNX
   * graph path (`graph.node[3]`). */
  readonly path?: string;
  readonly confidence?: 'high' | 'medium' | 'low';
  /** Further facts (category, reason, counts, related offsets). */
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** For code findings that follow data: the source, each hop (file:line, function), then the sink. */
  readonly flow?: readonly FlowStepEvidence[];
}

/** One step of a source → sink path (files are scanned paths). */
export interface FlowStepEvidence {
  readonly role: 'source' | 'hop' | 'sink';
  readonly file: string;
  readonly line: number;
  readonly fn: string;
  readonly text: string;
}

/** A finding's release decision: block (CRITICAL at fail_on), gate, ticket or pass. */
export type Decision = 'block' | 'gate' | 'ticket' | 'pass';

/** One finding: its rule's record (severity, CWE, OWASP, owner, fix, retest) plus location, evidence and fingerprint. */
export interface Finding {
  readonly ruleId: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  readonly title: string;
  readonly cwe: readonly string[];
  readonly owasp: string;
  readonly frameworks?: readonly string[];
  readonly fpRisk: string;
  readonly owner: string;
  /** The seed's release-decision sentence for this severity/rule. */
  readonly releaseDecision: string;
  readonly retest: string;
  readonly fixHint: string;
  readonly fix: string;
  readonly location: Location;
  /** Rendered location chain (`a.zip!/m.pt!/archive/data.pkl@120`). */
  readonly where: string;
  readonly evidence: Evidence;
  /** For findings on a pickle: the `where` of the pickle stream (matches a PickleVerdict's `where`). */
  readonly stream?: string;
  /** Stable across runs, machines and path prefixes; changes when the evidence changes. */
  readonly fingerprint: string;
  /** Gate decision under the active policy (filled by the policy stage). */
  decision?: Decision;
  /** Set when a policy acceptance covers this finding. */
  accepted?: { readonly owner: string; readonly reason: string; readonly expires: string; readonly expired: boolean };
}

/** Per-pickle verdict on the six-level scale, shown beside the findings. */
export interface PickleVerdict {
  readonly where: string;
  readonly safety: SafetyLevel;
  readonly protocol?: number;
  readonly opcodes: number;
  readonly imports: number;
  /**
   * The distinct globals the pickle imports (`module.name`) with how each is judged: allowed (an allowlist pack or
   * the policy admits it), dangerous, unknown (no pack admits it) or unresolved (the name cannot be read
   * statically). At most 256 listed; absent when the pickle imports nothing.
   */
  readonly globals?: readonly { readonly name: string; readonly verdict: GlobalVerdict }[];
  /** The loader semantics assumed (plain, torch-zip, torch-legacy, joblib, numpy, …). */
  readonly context: string;
  /**
   * Every distinct global of the stream an allowlist admitted: the pack (or 'policy', 'usage', …) and the library
   * versions its entry was reviewed in ("gensim 0.12.0 - 3.2.0" for a history pack, the installed version otherwise).
   */
  readonly admitted?: readonly AdmittedName[];
}

/** One admitted global of a pickle stream, with what admitted it. */
export interface AdmittedName {
  /** The canonical `module.name` the stream imports. */
  readonly name: string;
  /** The pack that admitted it ('numpy', 'gensim', …), or 'policy', 'usage', 'torchscript'. */
  readonly pack: string;
  /** The library versions the admitting entry was reviewed in (absent for policy and usage admissions). */
  readonly versions?: string;
  /**
   * Which loader reading the admitting review covers: `pickle.load` (the installed library), `pickle.load with <lib>
   * <versions>` (a history pack's released versions), `pandas.read_pickle (its class-location table maps the old
   * name)`; several joined with '; '.
   */
  readonly reading?: string;
}

/** How one imported global is judged (see PickleVerdict.globals). */
export type GlobalVerdict = 'allowed' | 'dangerous' | 'unknown' | 'unresolved';

/** A file or entry that could not be read (the file is also SCAN-INCOMPLETE). */
export interface ScanError {
  readonly where: string;
  readonly message: string;
}

/** One scanned top-level file: formats found by content, size, worst pickle safety. */
export interface FileSummary {
  readonly path: string;
  /** Formats detected by content, outermost first. */
  readonly formats: readonly string[];
  /** What was checked in it besides its formats: `template` (a chat template), `config` (remote-code references). */
  readonly checked?: readonly string[];
  readonly bytes: number;
  /** SHA-256 of the bytes scanned (hex); absent when the file could not be read. */
  readonly sha256?: string;
  readonly safety?: SafetyLevel;
  /** The file name claims a different format than its content (evidence, never a reason to skip). */
  readonly extensionMismatch?: string;
  /** Model files read in this file (itself, or entries inside it): what they hold, listed for the inventory. */
  readonly models?: readonly ModelSummary[];
  /** What the loaders of this file ignore and a reviewer may still want to know (never a finding). */
  readonly notes?: readonly string[];
}

/** One model file that was read (safetensors, GGUF, ONNX, Keras, HDF5): its inventory line in the report. */
export interface ModelSummary {
  /** Location of the model inside the scanned file (the file itself, or `file!/entry`). */
  readonly where: string;
  readonly format: string;
  /** Tensor (initializer) count. */
  readonly tensors?: number;
  /** Tensor count per dtype (`BF16: 290`). */
  readonly dtypes?: Readonly<Record<string, number>>;
  /** Metadata keys (safetensors `__metadata__`, GGUF key-value pairs, ONNX metadata_props), at most 200. */
  readonly metadataKeys?: readonly string[];
  /** Further facts (GGUF version and architecture, ONNX producer and operator sets, Keras version, …). */
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}
