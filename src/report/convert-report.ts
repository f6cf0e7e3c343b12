// The report of `sentinel convert` (schemaVersion 1.0.0): the input scan (the gated report `sentinel scan`
// writes, embedded whole), the status (converted / refused by the gate / error) with its exit code, and for a
// conversion every tensor (name, key path, dtype, shape, bytes, SHA-256 of the written bytes, notes), the storages
// several tensors share, the metadata kept, the values dropped, the tensors left out by the selection and the
// output file. Pure: the command supplies times, hashes and the output path.
import type { InputInfo, Prepared } from '../convert/convert.js';
import type { MetadataEntry } from '../convert/plan.js';
import type { WrittenTensor } from '../convert/write-tensors.js';
import type { Policy } from '../policy/policy.js';
import { assembleReport, type SentinelReport } from './report-model.js';
import { TOOL_NAME, TOOL_VERSION } from './scan-report.js';

export const CONVERT_REPORT_SCHEMA_VERSION = '1.0.0';

/** One tensor written to the safetensors file: its name, dtype, shape and where its bytes came from. */
export interface ConvertedTensor {
  readonly name: string;
  /** Dotted key path in the input. */
  readonly path: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: number;
  /** SHA-256 of the bytes written for this tensor (little-endian, C order). */
  readonly sha256: string;
  /** The element type as the input names it. */
  readonly source: string;
  readonly notes: readonly string[];
  readonly sharesWith: readonly string[];
}

/** What `convert` did: the input scanned and gated, the tensors written, the metadata kept and the output file. */
export interface ConvertReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly command: 'convert';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly status: 'converted' | 'refused' | 'error';
  /** 0 converted, 1 refused by the gate, 2 error. */
  readonly exitCode: 0 | 1 | 2;
  readonly allowFindings: boolean;
  readonly input: InputInfo;
  readonly output?: { readonly path: string; readonly bytes: number; readonly headerBytes: number };
  readonly selection?: { readonly prefix: string; readonly how: string; readonly reason: string };
  readonly tensors: readonly ConvertedTensor[];
  readonly shared: readonly { readonly storage: string; readonly tensors: readonly string[] }[];
  readonly metadata: readonly MetadataEntry[];
  readonly dropped: readonly { readonly path: string; readonly what: string }[];
  readonly notSelected: readonly {
    readonly path: string;
    readonly source: string;
    readonly shape: readonly number[];
  }[];
  readonly error?: { readonly message: string; readonly details: readonly string[] };
  /** The input's scan under the active policy, as `sentinel scan --format json` reports it. */
  readonly scan: SentinelReport;
}

export interface ConvertReportInput {
  readonly prepared: Prepared;
  readonly policy: Policy;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly allowFindings: boolean;
  /** Set when the file was written. */
  readonly written?: { readonly path: string; readonly tensors: readonly WrittenTensor[] };
  /** An error after planning (writing failed, the input changed): the status becomes error. */
  readonly writeError?: string;
}

export function assembleConvertReport(r: ConvertReportInput): ConvertReport {
  const p = r.prepared;
  const scan = assembleReport({
    command: 'convert',
    targets: [p.input.path],
    startedAt: r.startedAt,
    durationMs: p.scan.durationMs,
    rules: p.scan.rules,
    pickles: p.scan.pickles,
    files: p.scan.files,
    errors: p.scan.errors,
    outcome: p.outcome,
    policy: r.policy,
  });
  const base = {
    schemaVersion: CONVERT_REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: 'convert' as const,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    allowFindings: r.allowFindings,
    input: p.input,
    scan,
  };
  const empty = { tensors: [], shared: [], metadata: [], dropped: [], notSelected: [] };
  if (p.status === 'refused') return { ...base, ...empty, status: 'refused', exitCode: 1 };
  if (p.status === 'error')
    return { ...base, ...empty, status: 'error', exitCode: 2, error: { message: p.message, details: p.details } };
  const plan = p.plan;
  const hashes = new Map((r.written?.tensors ?? []).map((t) => [t.name, t.sha256]));
  const tensors: ConvertedTensor[] = plan.tensors.map((t) => ({
    name: t.name,
    path: t.path,
    dtype: t.dtype,
    shape: t.shape,
    bytes: t.bytes,
    sha256: hashes.get(t.name) ?? '',
    source: t.ref.source,
    notes: t.notes,
    sharesWith: t.sharesWith,
  }));
  const planned = {
    selection: plan.selection,
    tensors,
    shared: plan.shared,
    metadata: plan.metadata,
    dropped: plan.dropped,
    notSelected: plan.notSelected,
  };
  if (r.writeError !== undefined || !r.written)
    return {
      ...base,
      ...planned,
      status: 'error',
      exitCode: 2,
      error: { message: r.writeError ?? 'the output was not written', details: [] },
    };
  return {
    ...base,
    ...planned,
    status: 'converted',
    exitCode: 0,
    output: { path: r.written.path, bytes: plan.layout.fileBytes, headerBytes: plan.layout.header.length },
  };
}
