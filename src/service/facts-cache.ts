// The queue's content-addressed result cache: the facts of a single-file scan, keyed by what they depend on — the
// file's content (sha256), its base name (formats, extension evidence and fingerprints depend on the name, not on
// the folder), the scanner version and the scan settings (rules, policy). The same bytes under the same name in
// another folder reuse the facts, re-targeted to the new path; the path itself is not part of the key.
//
// Facts that depend on more than content and name are neither stored nor reused:
// - a scan that was not complete (an error, SCAN-INCOMPLETE: a time limit under load is no property of the bytes);
// - a pickle naming files beside it (joblib < 0.10 companions: `readsBeside`);
// - signatures: a signature verdict depends on the signature file beside the model, so facts with verdicts are not
//   stored, a policy with a `signatures:` block bypasses the cache, and a hit is not used when the signature file
//   (`model.sig`) lies beside the new path.
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { ScanFacts } from '../api/scan.js';
import { rebase, rebaseLocation } from '../scan/retarget.js';
import { retestCommand } from '../rules/rule.js';
import { statSeen, type SignatureLookups } from '../scan/signature-phase.js';

/** The signature file a scan looks up beside a single file when the policy names none. */
const SIGNATURE_FILE = 'model.sig';

/** The cache key's tail: scanner version, settings digest, content hash and base name. */
export function factsKey(version: string, settings: string, sha256: string, path: string): string {
  const name = createHash('sha256').update(basename(path)).digest('hex').slice(0, 16);
  return `${version}:${settings}:${sha256}:${name}`;
}

/** Whether these facts of a scan of the single file `path` (content `sha256`) may be stored for reuse. */
export function storable(facts: ScanFacts, path: string, sha256: string): boolean {
  const r = facts.result;
  return (
    facts.targets.length === 1 &&
    facts.targets[0] === path &&
    r.files.length === 1 &&
    r.files[0]!.sha256 === sha256 &&
    r.errors.length === 0 &&
    !r.readsBeside?.length &&
    !facts.signatures?.length &&
    facts.remote === undefined &&
    !r.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' || f.category === 'SIGN')
  );
}

/**
 * Whether stored facts may answer a scan of `path` (no signature file beside it that the scan would verify).
 * `seen`: the lookups of the same batch (a job's targets: one per folder).
 */
export function reusableAt(path: string, seen?: SignatureLookups): boolean {
  return statSeen(join(dirname(path), SIGNATURE_FILE), seen) === undefined;
}

/**
 * Stored facts of a scan of `facts.targets[0]` as a scan of `to` (same content, same base name) gives them: every
 * location, `where`, path and retest command is rebased; fingerprints do not change (they hash the name within the
 * target, not the folder).
 */
export function retargetFacts(facts: ScanFacts, to: string, startedAt: string): ScanFacts {
  const from = facts.targets[0]!;
  const r = facts.result;
  return {
    ...facts,
    targets: [to],
    startedAt,
    result: {
      ...r,
      findings: r.findings.map((f) => ({
        ...f,
        location: rebaseLocation(f.location, from, to),
        where: rebase(f.where, from, to),
        ...(f.retest === retestCommand(from, f.category) ? { retest: retestCommand(to, f.category) } : {}),
        ...(f.stream !== undefined ? { stream: rebase(f.stream, from, to) } : {}),
      })),
      pickles: r.pickles.map((p) => ({ ...p, where: rebase(p.where, from, to) })),
      files: r.files.map((f) => ({
        ...f,
        path: rebase(f.path, from, to),
        ...(f.models ? { models: f.models.map((m) => ({ ...m, where: rebase(m.where, from, to) })) } : {}),
      })),
      errors: r.errors.map((e) => ({ ...e, where: rebase(e.where, from, to) })),
      ...(r.skipped ? { skipped: r.skipped.map((s) => ({ ...s, path: rebase(s.path, from, to) })) } : {}),
    },
  };
}
