// `sentinel convert`, up to the bytes: scans the input with the active policy first (the same engine and gate as
// `sentinel scan`), refuses when the gate fails unless findings are explicitly allowed, then reads the input's
// data tree without executing anything and plans the safetensors file. Writing the file is the command's job
// (write-tensors.ts streams it into whatever sink the command opens).
import { statSync } from 'node:fs';
import { readTensorInput } from '../analyzers/tensors/read-input.js';
import { TreeLimitError } from '../analyzers/tensors/rebuild.js';
import type { InputFormat } from '../analyzers/tensors/input.js';
import { CorruptError, EncryptedError, errorMessage, LimitError, UnsupportedError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { applyPolicy, type GateOutcome } from '../policy/gate.js';
import type { Policy } from '../policy/policy.js';
import { scanPaths, type ScanResult } from '../scan/engine.js';
import { FileSource } from '../sources/byte-source.js';
import { ConvertError, planConversion, type ConvertPlan } from './plan.js';
import { defaultSelection, explicitSelection } from './select.js';

export interface ConvertRequest {
  /** Path of the input file. */
  readonly input: string;
  readonly policy: Policy;
  /** YYYY-MM-DD for acceptance expiry. */
  readonly today: string;
  readonly cwd: string;
  /** `--select`; undefined picks the default subtree. */
  readonly select?: string;
  readonly metadata?: readonly (readonly [string, string])[];
  /** `--allow-findings`: convert even when the gate fails. */
  readonly allowFindings: boolean;
}

/** The input checkpoint as `convert` read it: its path, size, detected format and notes on how it was read. */
export interface InputInfo {
  readonly path: string;
  readonly bytes: number;
  readonly format?: InputFormat;
  readonly notes: readonly string[];
}

interface Scanned {
  readonly scan: ScanResult;
  readonly outcome: GateOutcome;
  readonly input: InputInfo;
}

export type Prepared =
  | (Scanned & { readonly status: 'refused' })
  | (Scanned & { readonly status: 'error'; readonly message: string; readonly details: readonly string[] })
  | (Scanned & {
      readonly status: 'ready';
      readonly plan: ConvertPlan;
      /** The open input (the plan reads from it); close it when done. */
      readonly source: FileSource;
      /** True when the file on disk is no longer the one that was scanned and read. */
      readonly changed: () => boolean;
    });

function identity(st: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** Scans, gates and plans. Never throws for problems with the input's bytes; I/O errors on the path do throw. */
export async function prepareConversion(req: ConvertRequest): Promise<Prepared> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...req.policy.limits };
  // Opened before the scan: the bytes converted are the bytes of this descriptor, checked to be the scanned file.
  const source = new FileSource({ chain: [req.input] }, req.input);
  const opened = identity(source.stat());
  const changed = (): boolean => identity(source.stat()) !== opened || identity(statSync(req.input)) !== opened;
  let keep = false;
  try {
    const scan = await scanPaths([req.input], {
      limits: req.policy.limits,
      ...(req.policy.alsoAllow.size ? { extraAllow: req.policy.alsoAllow } : {}),
      ...(req.policy.torchSafeGlobals.size ? { torchSafeGlobals: req.policy.torchSafeGlobals } : {}),
    });
    const outcome = applyPolicy({
      findings: scan.findings,
      pickles: scan.pickles,
      files: scan.files,
      rules: scan.rules,
      policy: req.policy,
      today: req.today,
      cwd: req.cwd,
    });
    const info: InputInfo = { path: req.input, bytes: source.size, notes: [] };
    if (!outcome.gate.passed && !req.allowFindings) return { status: 'refused', scan, outcome, input: info };
    const fail = (message: string, details: readonly string[] = [], input = info): Prepared => ({
      status: 'error',
      scan,
      outcome,
      input,
      message,
      details,
    });
    if (changed()) return fail('the input changed while it was being scanned');
    let read;
    try {
      read = await readTensorInput(source, limits);
    } catch (e) {
      if (
        e instanceof CorruptError ||
        e instanceof UnsupportedError ||
        e instanceof LimitError ||
        e instanceof EncryptedError ||
        e instanceof TreeLimitError
      )
        return fail(`the input cannot be converted: ${e.message}`);
      throw e;
    }
    const input: InputInfo = { ...info, format: read.format, notes: read.notes };
    let plan: ConvertPlan;
    try {
      plan = planConversion(read, {
        selection: req.select === undefined ? defaultSelection(read.root) : explicitSelection(req.select),
        ...(req.metadata ? { metadata: req.metadata } : {}),
      });
    } catch (e) {
      if (e instanceof ConvertError) return fail(e.message, e.details, input);
      return fail(`internal error while planning: ${errorMessage(e)}`, [], input);
    }
    keep = true;
    return { status: 'ready', scan, outcome, input, plan, source, changed };
  } finally {
    if (!keep) source.close();
  }
}
