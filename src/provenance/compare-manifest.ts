// Compares a model on disk with its signed manifest (OMS v1.0 §8.4, §8.5): every signed file (or shard) must be
// present with the signed digest, and every file present must be signed unless excluded. Shards are recomputed
// from the current file sizes with the signed shard size, so a file that grew or shrank is reported as changed.
import type { SignedManifest } from './oms-bundle.js';
import type { Enumeration, ModelFile } from './model-files.js';
import type { HashJob } from './hash-ranges.js';
import type { ManifestProblem } from './signature-verdict.js';

export interface Comparison {
  readonly problems: readonly ManifestProblem[];
  readonly bytesHashed: number;
  /** SHA-256 over the signed digests in name order (OMS root digest, §6.5.1). */
  readonly recomputedRoot: string;
}

export type Hasher = (jobs: readonly HashJob[], algorithm: string) => Promise<(string | Error)[]>;

/** For a single-file model: older signers named the one resource `.`. */
function singleFileName(manifest: SignedManifest, files: readonly ModelFile[], isFile: boolean): string | undefined {
  if (!isFile || files.length !== 1) return undefined;
  const names = manifest.resources.map((r) => r.file ?? r.name);
  return names.every((n) => n === '.') ? '.' : undefined;
}

export async function compareManifest(
  manifest: SignedManifest,
  walk: Enumeration,
  isFile: boolean,
  hash: Hasher,
  rootDigestOf: (digestsHex: readonly string[]) => string,
): Promise<Comparison> {
  const problems: ManifestProblem[] = [];
  const alias = singleFileName(manifest, walk.files, isFile);
  const nameOf = (f: ModelFile): string => alias ?? f.rel;
  const signed = new Map(manifest.resources.map((r) => [r.name, r]));
  const jobs: HashJob[] = [];
  const expect: { name: string; digest: string }[] = [];
  const present = new Set<string>();
  for (const f of walk.files) {
    const name = nameOf(f);
    if (manifest.method === 'files') {
      const r = signed.get(name);
      present.add(name);
      if (!r) {
        problems.push({ kind: 'extra', path: f.rel });
        continue;
      }
      jobs.push({ abs: f.abs, start: 0, end: f.size, ...(f.within ? { within: f.within } : {}) });
      expect.push({ name, digest: r.digest });
      continue;
    }
    // shards: the ranges the signer would have produced for the file as it is now.
    const size = manifest.shardSize!;
    const known = manifest.resources.some((r) => r.file === name);
    if (!known) {
      if (f.size > 0) problems.push({ kind: 'extra', path: f.rel });
      continue;
    }
    for (let start = 0; start < f.size; start += size) {
      const end = Math.min(f.size, start + size);
      const shard = `${name}:${start}:${end}`;
      present.add(shard);
      const r = signed.get(shard);
      if (!r)
        problems.push({ kind: 'changed', path: shard, actual: 'range not in the signed manifest (size changed)' });
      else {
        jobs.push({ abs: f.abs, start, end, ...(f.within ? { within: f.within } : {}) });
        expect.push({ name: shard, digest: r.digest });
      }
    }
  }
  for (const r of manifest.resources) {
    if (present.has(r.name)) continue;
    const fileThere = r.file !== undefined && walk.files.some((f) => nameOf(f) === r.file);
    problems.push(
      fileThere
        ? { kind: 'changed', path: r.name, expected: r.digest, actual: 'range missing (file shorter)' }
        : { kind: 'missing', path: r.file ?? r.name, expected: r.digest },
    );
  }
  for (const s of walk.symlinks) problems.push({ kind: 'symlink', path: s });
  for (const u of walk.unreadable) problems.push({ kind: 'unreadable', path: u.path, actual: u.reason });
  const digests = await hash(jobs, manifest.hashType);
  let bytesHashed = 0;
  for (const [i, d] of digests.entries()) {
    const job = jobs[i]!;
    const e = expect[i]!;
    if (d instanceof Error) {
      problems.push({ kind: 'unreadable', path: e.name, actual: d.message });
      continue;
    }
    bytesHashed += job.end - job.start;
    if (d !== e.digest) problems.push({ kind: 'changed', path: e.name, expected: e.digest, actual: d });
  }
  const sorted = [...manifest.resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Stable report order: by path, then kind.
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : 1));
  return { problems, bytesHashed, recomputedRoot: rootDigestOf(sorted.map((r) => r.digest)) };
}
