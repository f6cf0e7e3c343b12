// Model signatures in a scan: for each scanned path, the OMS signature file is looked up (default `model.sig` at a
// folder's root or beside a single file), verified (provenance/verify-model.ts) when present or required, and the
// verdict is turned into SIGN findings by the SIGN rules. Runs beside the per-file scan (the files the signature
// excludes are scanned like any other); its verdicts go into the report's `signatures` list.
import { statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/finding.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';
import type { TrustAnchors } from '../provenance/trust.js';
import type { Hasher } from '../provenance/compare-manifest.js';
import { RuleContext, type Rule } from '../rules/rule.js';
import type { DigestBoard, ReuseCount } from './digest-board.js';

export const DEFAULT_SIGNATURE_FILE = 'model.sig';

async function poolHasher(threads: number): Promise<Hasher> {
  const { hashJobsOnWorkers } = await import('../provenance/hash-pool.js');
  return (jobs, algorithm) => hashJobsOnWorkers(jobs, algorithm, threads);
}

export interface SignaturePhaseOptions {
  /** Whether the scanned path (as given, `/`-separated) must be signed. */
  readonly required: (path: string) => boolean;
  /** An explicit signature file (absolute) for every scanned path; default: `name` at the model's place. */
  readonly signatureFile?: string;
  /** Signature file name looked up at a folder root or beside a file. Default `model.sig`. */
  readonly name?: string;
  readonly anchors: TrustAnchors;
  readonly ignorePaths: readonly string[];
  readonly now: Date;
  readonly cwd: string;
  readonly rules: readonly Rule[];
  readonly maxFiles: number;
  readonly hasher?: Hasher;
  /** Threads hashing may use (worker threads when above 1 and the model is large). Default 1. */
  readonly threads?: number;
  /** The scan's whole-file digests: whole-file SHA-256 jobs are answered from them (one read of each byte). */
  readonly board?: DigestBoard;
}

export interface SignaturePhaseResult {
  readonly findings: Finding[];
  readonly verdicts: SignatureVerdict[];
}

function shown(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return (rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs).split(sep).join('/');
}

/**
 * fs.stat that answers undefined when the path cannot be stat'ed. Synchronous: two stats per scanned path, each
 * cheaper than a thread-pool round trip (a queue worker scanning thousands of single-file targets paid ~10 % of its
 * time in async stats); not node:fs/promises, whose loading cost every start ~3 ms.
 */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Verifies the signature of each scanned path (files and folders; not standard input or virtual inputs). */
export async function runSignaturePhase(
  paths: readonly string[],
  o: SignaturePhaseOptions,
): Promise<SignaturePhaseResult> {
  const findings: Finding[] = [];
  const verdicts: SignatureVerdict[] = [];
  const signRules = o.rules.filter((r) => r.visit.signature);
  let verifyModel: typeof import('../provenance/verify-model.js').verifyModel | undefined;
  for (const p of paths) {
    const abs = resolve(o.cwd, p);
    const st = statOf(abs);
    if (!st) continue; // the scan reports unreadable paths
    const isFile = !st.isDirectory();
    const name = o.name ?? DEFAULT_SIGNATURE_FILE;
    // A scanned signature file is not itself a model.
    if (isFile && o.signatureFile === undefined && basename(abs) === name) continue;
    const sigAbs = o.signatureFile ?? (isFile ? join(dirname(abs), name) : join(abs, name));
    const required = o.required(p.split(sep).join('/'));
    const present = statOf(sigAbs)?.isFile() === true;
    if (!present && !required) continue;
    verifyModel ??= (await import('../provenance/verify-model.js')).verifyModel;
    let hasher = o.hasher ?? ((o.threads ?? 1) > 1 ? await poolHasher(o.threads!) : undefined);
    const reuse: ReuseCount = { fromScan: 0, bytesFromScan: 0 };
    if (o.board) {
      hasher = o.board.hasher(hasher ?? (await import('../provenance/hash-ranges.js')).hashJobsInThread, reuse);
    }
    const checked = await verifyModel({
      target: p,
      modelPath: abs,
      isFile,
      signaturePath: sigAbs,
      signatureShown: shown(sigAbs, o.cwd),
      required,
      anchors: o.anchors,
      ignorePaths: o.ignorePaths,
      now: o.now,
      maxFiles: o.maxFiles,
      maxSignatureBytes: 64 << 20,
      ...(hasher ? { hasher } : {}),
    });
    const verdict: SignatureVerdict = reuse.fromScan
      ? {
          ...checked,
          checks: [
            ...checked.checks,
            {
              id: 'digests-from-scan',
              ran: true,
              passed: true,
              detail: `${reuse.fromScan} file digest(s) (${reuse.bytesFromScan} bytes) taken from the scan's read of the same files`,
            },
          ],
        }
      : checked;
    verdicts.push(verdict);
    const ctx = new RuleContext({ arg: p, abs, isDirectory: !isFile }, basename(abs));
    const fact = {
      model: { chain: [p] },
      modelIsFile: isFile,
      signature: { chain: [verdict.signatureFile] },
      verdict,
    };
    for (const r of signRules) r.visit.signature!(fact, ctx);
    findings.push(...ctx.findings);
  }
  // Every path's check has run (or none was wanted): the scan's digests are not needed any more.
  o.board?.release();
  return { findings, verdicts };
}
