// Model signatures in a scan: for each scanned path, the OMS signature file is looked up (default `model.sig` at a
// folder's root or beside a single file), verified (provenance/verify-model.ts) when present or required, and the
// verdict is turned into SIGN findings by the SIGN rules. Runs beside the per-file scan (the files the signature
// excludes are scanned like any other); its verdicts go into the report's `signatures` list.
import { closeSync, fstatSync, lstatSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/finding.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';
import type { TrustAnchors } from '../provenance/trust.js';
import type { Hasher } from '../provenance/compare-manifest.js';
import { signatureAt } from '../provenance/signature-file.js';
import { openConfined, realRoots, type Confinement } from '../sources/confine.js';
import { isInside, snapshotBlobsDir } from '../sources/model-cache.js';
import { RuleContext, type Rule } from '../rules/rule.js';
import type { BoardShardPlan, DigestBoard, ReuseCount } from './digest-board.js';

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
  /** The scan's roots (a service's `--root`s): every file the check reads must lie in one. Default: none. */
  readonly roots?: readonly string[];
  /** Model-cache roots: as in the walk, a link leaving the folder is followed inside one (or into the hub's blobs). */
  readonly cacheRoots?: readonly string[];
}

type Where = Pick<SignaturePhaseOptions, 'cwd' | 'name' | 'signatureFile' | 'roots' | 'cacheRoots'>;

function realOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/**
 * Where the check may read, as the walk of the scanned path would (sources/walker.ts): a folder's files and the
 * signature file beside a model lie in the model's (real) folder — or, for a model in a model cache, where the walk
 * follows a cache link — and in one of the scan's roots; a file named alone is held to the roots only. A signature
 * file the user named (`signatureFile`) is configuration, not held.
 */
function confinementOf(
  sig: { abs: string; isFile: boolean },
  o: Where,
): { signature: Confinement | undefined; files: Confinement } {
  const outer: Confinement = o.roots ? [realRoots(o.roots)] : [];
  const folder = realOr(sig.isFile ? dirname(sig.abs) : sig.abs);
  const cache = (o.cacheRoots ?? []).map((r) => realOr(resolve(r))).filter((r) => isInside(r, folder));
  const blobs = snapshotBlobsDir(folder);
  const inFolder: Confinement = [[folder, ...cache, ...(blobs !== undefined ? [blobs] : [])], ...outer];
  return {
    signature: o.signatureFile === undefined ? inFolder : undefined,
    files: sig.isFile ? outer : inFolder,
  };
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

/** `abs` (looked at as `st`) lies inside one of `roots` by its real path, and that real path names the same file. */
function namedInside(abs: string, st: Stats, roots: readonly string[]): boolean {
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch {
    return false;
  }
  if (!realRoots(roots).some((r) => isInside(r, real))) return false;
  const again = statOf(real);
  return again !== undefined && again.dev === st.dev && again.ino === st.ino;
}

/** The signature file of a scanned path, or undefined when the path is itself a signature file or is not there. */
function signatureOf(p: string, o: Where): { abs: string; isFile: boolean; sigAbs: string } | undefined {
  const abs = resolve(o.cwd, p);
  const st = statOf(abs);
  if (!st) return undefined; // the scan reports unreadable paths
  // Under roots, a path that does not lie inside them (a folder on the way replaced by a link out) is not looked into:
  // the walk reports it with its one fixed text, and whether a signature file lies where it leads changes nothing.
  if (o.roots && !namedInside(abs, st, o.roots)) return undefined;
  const isFile = !st.isDirectory();
  const name = o.name ?? DEFAULT_SIGNATURE_FILE;
  // A scanned signature file is not itself a model.
  if (isFile && o.signatureFile === undefined && basename(abs) === name) return undefined;
  return { abs, isFile, sigAbs: o.signatureFile ?? (isFile ? join(dirname(abs), name) : join(abs, name)) };
}

/**
 * What was found at signature-file paths (null: nothing there), shared by the checks of a batch of files taken
 * together (a queue job's targets): the signature file of a folder is looked up once for all its files.
 */
export type SignatureLookups = Map<string, Stats | null>;

/**
 * What is at `path` itself (a symbolic link is not followed: where it leads is the check's to tell, held to the
 * scan's folders), answered from `seen` when the batch has looked there already.
 */
export function statSeen(path: string, seen: SignatureLookups | undefined): Stats | undefined {
  if (!seen) return lstatOf(path);
  let st = seen.get(path);
  if (st === undefined) seen.set(path, (st = lstatOf(path) ?? null));
  return st ?? undefined;
}

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Whether `runSignaturePhase` would check the regular file `p` (a verdict or SIGN findings): a signature file where
 * it looks for one (beside the file, or named by the options), or a requirement. False for a file that is itself
 * the signature file. `seen`: lookups of the same batch (one per signature-file path).
 */
export function signatureWanted(
  p: string,
  o: Pick<SignaturePhaseOptions, 'cwd' | 'name' | 'signatureFile' | 'required'>,
  seen?: SignatureLookups,
): boolean {
  const abs = resolve(o.cwd, p);
  const name = o.name ?? DEFAULT_SIGNATURE_FILE;
  if (o.signatureFile === undefined && basename(abs) === name) return false;
  if (o.required(p.split(sep).join('/'))) return true;
  // A link counts as there whatever it names: the check answers it (the same way whether its target exists or not).
  const st = statSeen(o.signatureFile ?? join(dirname(abs), name), seen);
  return st?.isFile() === true || st?.isSymbolicLink() === true;
}

/**
 * The shard size and algorithm of the `shards` signature the scanned paths will be checked against (the same for
 * all of them), read from the bundle before the scan starts, so that the scan can take the shard digests in the
 * same read as its whole-file digests. Unverified: it only chooses which digests to take (the verified manifest is
 * what they are compared with); undefined when there is no such signature or it cannot be read.
 */
export async function peekShardPlan(paths: readonly string[], o: Where): Promise<BoardShardPlan | undefined> {
  let plan: BoardShardPlan | undefined;
  let bundle: typeof import('../provenance/oms-bundle.js') | undefined;
  for (const p of paths) {
    const sig = signatureOf(p, o);
    if (!sig) continue;
    const within = confinementOf(sig, o).signature;
    if (signatureAt(sig.sigAbs, within) !== 'file') continue;
    const bytes = peekRead(sig.sigAbs, within);
    if (!bytes) continue;
    bundle ??= await import('../provenance/oms-bundle.js');
    const b = bundle.parseBundle(bytes);
    const m = b.ok ? bundle.parseStatement(b.value.payloadType, b.value.payload) : undefined;
    if (!m?.ok || m.value.method !== 'shards' || m.value.shardSize === undefined) continue;
    // The bundle is not verified yet: a shard size it names must not make the scan take a digest every few bytes.
    if (m.value.shardSize < MIN_SCAN_SHARD_BYTES) continue;
    const here = { oms: m.value.hashType, size: m.value.shardSize };
    if (plan && (plan.oms !== here.oms || plan.size !== here.size)) return undefined;
    plan = here;
  }
  return plan;
}

/**
 * Shard sizes below this are left to the signature check (after the signature is verified): the scan keeps one
 * digest per shard of every file until the check has run, at most the scanned bytes / 64 KiB of them.
 */
const MIN_SCAN_SHARD_BYTES = 64 * 1024;

/** Signature files larger than this are not read ahead of the scan (the verifier reads up to 64 MiB). */
const PEEK_MAX_BYTES = 4 << 20;

/** The signature file's bytes when it is a file of at most PEEK_MAX_BYTES inside `within`; undefined otherwise. */
function peekRead(path: string, within: Confinement | undefined): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openConfined(path, within);
  } catch {
    return undefined; // refused (ConfinementError) or unreadable: the check reports it
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > PEEK_MAX_BYTES) return undefined;
    const buf = new Uint8Array(st.size);
    let pos = 0;
    while (pos < buf.length) {
      const n = readSync(fd, buf, pos, buf.length - pos, pos);
      if (!n) break;
      pos += n;
    }
    return buf.subarray(0, pos);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
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
    const sig = signatureOf(p, o);
    if (!sig) continue;
    const { abs, isFile, sigAbs } = sig;
    const required = o.required(p.split(sep).join('/'));
    const within = confinementOf(sig, o);
    // Held to the scan's folders: a link leading out (or nowhere) is answered by the check, never followed.
    const present = signatureAt(sigAbs, within.signature) !== 'absent';
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
      ...(within.signature ? { signatureWithin: within.signature } : {}),
      ...(within.files.length ? { filesWithin: within.files } : {}),
      ...(o.roots ? { underRoots: true } : {}),
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
              detail: `${reuse.fromScan} digest(s) (${reuse.bytesFromScan} bytes) taken from the scan's read of the same files`,
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
