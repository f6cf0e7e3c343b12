// One read of each byte for a signed folder: the scan takes the whole-file SHA-256 of every file it reads (its
// `files[].sha256`); an OMS signature in the `files` serialization with `sha256` signs exactly those digests. The
// board collects the scan's digests with the identity of the file each is of, and a hasher for the signature phase
// takes a file's digest from it when the file on disk is still that file (same device and inode, size,
// modification and change times), hashing only the rest (files the scan did not read or could not hash, other
// algorithms). For a signature in the `shards` serialization the board is given the shard size and algorithm
// before the scan starts (read from the bundle, unverified: it only says which digests to take; the verified
// manifest is what they are compared with), and the scan takes the shard digests of each file up to the size the
// engine picks in the same read as its whole-file digest; shards of larger files go to the signature check's
// workers at once, beside the scan. The signature phase verifies the bundle and lists the folder while the scan
// runs, and waits for the scan only for jobs the scan's digests can answer.
import { stat, type Stats } from 'node:fs';
import type { Hasher } from '../provenance/compare-manifest.js';
import type { HashJob } from '../provenance/hash-ranges.js';
import type { ContentDigest } from './file-outcome.js';
import type { ShardDigestPlan } from '../sources/file-digest.js';

/**
 * The node:crypto name of an OMS algorithm the scan can take shard digests in (hash-ranges.ts `nodeAlgorithm`,
 * kept here so that every scan does not load that module, which loads node:crypto and node:fs/promises).
 */
function nodeAlgorithm(oms: string): string | undefined {
  return oms === 'sha256' ? 'sha256' : oms === 'blake2b' ? 'blake2b512' : undefined;
}

/** The shard digests the scan is asked to take: the OMS algorithm name, its node:crypto name and the shard size. */
export interface BoardShardPlan {
  readonly oms: string;
  readonly size: number;
}

/** How many jobs a hasher answered from the scan's digests (for the report). */
export interface ReuseCount {
  fromScan: number;
  bytesFromScan: number;
}

function statOf(path: string): Promise<Stats | undefined> {
  return new Promise((done) => stat(path, (e, st) => done(e ? undefined : st)));
}

export class DigestBoard {
  private readonly byId = new Map<string, ContentDigest>();
  private finish!: () => void;
  /** Settles when the scan has finished (or failed): no digest comes after it. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.finish = resolve));
  private planned!: (maxFileBytes: number) => void;
  /** The largest file the scan takes shard digests of (-1: none), known once the engine has listed the files. */
  private readonly maxShardFile: Promise<number> = new Promise((resolve) => (this.planned = resolve));

  /** `shards`: shard digests for the scan to take with its whole-file digests (a `shards` signature's plan). */
  constructor(readonly shards?: BoardShardPlan) {
    if (!shards) this.planned(-1);
  }

  /** The plan for the engine (EngineOptions.shardDigests), when there is one the scan can take. */
  shardDigests(): (ShardDigestPlan & { onPlan: (maxFileBytes: number) => void }) | undefined {
    const algorithm = this.shards ? nodeAlgorithm(this.shards.oms) : undefined;
    if (!algorithm) return undefined;
    return { algorithm, size: this.shards!.size, onPlan: (n) => this.planned(n) };
  }

  private released = false;

  /** A digest the scan took (engine `onDigest`). */
  add(c: ContentDigest): void {
    if (!this.released) this.byId.set(c.id, c);
  }

  /**
   * No signature check will look a digest up any more (none was asked for, or every one has run): the digests are
   * dropped and later ones are not kept. A scan of 200,000 files with no signature held one entry per file.
   */
  release(): void {
    this.released = true;
    this.byId.clear();
  }

  /** The scan is over. */
  close(): void {
    this.planned(-1); // no effect when the engine has planned
    this.finish();
  }

  /** What the scan took of the file whose status is `st`, when it was taken of that same file as it is now. */
  private content(st: Stats): ContentDigest | undefined {
    const c = this.byId.get(`${st.dev}:${st.ino}`);
    if (!c || c.size !== st.size || c.mtimeMs !== st.mtimeMs || c.ctimeMs !== st.ctimeMs) return undefined;
    return c;
  }

  /** The scan's SHA-256 of the file whose status is `st`, when it was taken of that same file as it is now. */
  lookup(st: Stats): string | undefined {
    return this.content(st)?.sha256;
  }

  /**
   * The scan's digest of bytes [start, end) of the file whose status is `st` in OMS algorithm `algorithm`: the
   * whole-file SHA-256, or a shard digest when the range is exactly one of the planned shards.
   */
  private answer(st: Stats, start: number, end: number, algorithm: string): string | undefined {
    if (!st.isFile()) return undefined;
    const c = this.content(st);
    if (!c) return undefined;
    if (algorithm === 'sha256' && start === 0 && end === st.size) return c.sha256;
    const s = c.shards;
    if (!s || !this.shards || algorithm !== this.shards.oms || s.algorithm !== nodeAlgorithm(algorithm))
      return undefined;
    if (s.size !== this.shards.size || start % s.size !== 0 || end !== Math.min(st.size, start + s.size))
      return undefined;
    return s.digests[start / s.size];
  }

  /**
   * A hasher that answers whole-file SHA-256 jobs and planned shard jobs from the scan's digests (after the scan is
   * over) and passes everything else to `inner`: jobs the scan cannot answer (another algorithm, shards of a file
   * larger than the scan takes shards of, ranges that are not shards) go to `inner` at once, without waiting for
   * the scan; jobs it could answer but did not (files it did not read or could not hash) after it.
   */
  hasher(inner: Hasher, count?: ReuseCount): Hasher {
    return async (jobs: readonly HashJob[], algorithm: string) => {
      // The file size as the manifest comparison takes it: the end of the last range it asks for.
      const sizeOf = new Map<string, number>();
      for (const j of jobs) sizeOf.set(j.abs, Math.max(sizeOf.get(j.abs) ?? 0, j.end));
      const maxShardFile = this.shards && algorithm === this.shards.oms ? await this.maxShardFile : -1;
      const mayAnswer = (j: HashJob): boolean =>
        (algorithm === 'sha256' && j.start === 0 && j.end === sizeOf.get(j.abs)) ||
        (maxShardFile >= 0 && j.start % this.shards!.size === 0 && sizeOf.get(j.abs)! <= maxShardFile);
      const now: number[] = [];
      const later: number[] = [];
      jobs.forEach((j, i) => (mayAnswer(j) ? later : now).push(i));
      const out: (string | Error | undefined)[] = jobs.map(() => undefined);
      const run = async (idx: readonly number[]): Promise<void> => {
        if (!idx.length) return;
        const got = await inner(
          idx.map((i) => jobs[i]!),
          algorithm,
        );
        idx.forEach((i, k) => (out[i] = got[k]!));
      };
      const fromScan = async (): Promise<void> => {
        if (!later.length) return;
        await this.finished;
        const sts = new Map<string, Stats | undefined>();
        for (const i of later) if (!sts.has(jobs[i]!.abs)) sts.set(jobs[i]!.abs, undefined);
        await Promise.all([...sts.keys()].map(async (abs) => sts.set(abs, await statOf(abs))));
        const rest: number[] = [];
        for (const i of later) {
          const j = jobs[i]!;
          const st = sts.get(j.abs);
          const d = st ? this.answer(st, j.start, j.end, algorithm) : undefined;
          if (d === undefined) {
            rest.push(i);
            continue;
          }
          out[i] = d;
          if (count) {
            count.fromScan++;
            count.bytesFromScan += j.end - j.start;
          }
        }
        await run(rest);
      };
      await Promise.all([run(now), fromScan()]);
      return out as (string | Error)[];
    };
  }
}
