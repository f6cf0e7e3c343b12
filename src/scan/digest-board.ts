// One read of each byte for a signed folder: the scan takes the whole-file SHA-256 of every file it reads (its
// `files[].sha256`); an OMS signature in the `files` serialization with `sha256` signs exactly those digests. The
// board collects the scan's digests with the identity of the file each is of, and a hasher for the signature phase
// takes a file's digest from it when the file on disk is still that file (same device and inode, size,
// modification and change times), hashing only the rest (files the scan did not read or could not hash, other
// algorithms, shard ranges). The signature phase verifies the bundle and lists the folder while the scan runs, and
// waits for the scan only when the manifest can use the scan's digests.
import { stat, type Stats } from 'node:fs';
import type { Hasher } from '../provenance/compare-manifest.js';
import type { HashJob } from '../provenance/hash-ranges.js';
import type { ContentDigest } from './file-outcome.js';

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
    this.finish();
  }

  /** The scan's SHA-256 of the file whose status is `st`, when it was taken of that same file as it is now. */
  lookup(st: Stats): string | undefined {
    const c = this.byId.get(`${st.dev}:${st.ino}`);
    if (!c || c.size !== st.size || c.mtimeMs !== st.mtimeMs || c.ctimeMs !== st.ctimeMs) return undefined;
    return c.sha256;
  }

  /**
   * A hasher that answers whole-file SHA-256 jobs from the scan's digests (after the scan is over) and passes
   * everything else to `inner`; jobs of another algorithm go to `inner` at once, without waiting for the scan.
   */
  hasher(inner: Hasher, count?: ReuseCount): Hasher {
    return async (jobs: readonly HashJob[], algorithm: string) => {
      if (algorithm !== 'sha256' || !jobs.some((j) => j.start === 0)) return inner(jobs, algorithm);
      await this.finished;
      const out: (string | Error | undefined)[] = jobs.map(() => undefined);
      const sts = await Promise.all(jobs.map((j) => (j.start === 0 ? statOf(j.abs) : undefined)));
      jobs.forEach((j, i) => {
        const st = sts[i];
        // The whole file, as large as the manifest comparison takes it.
        const d = st && st.isFile() && st.size === j.end ? this.lookup(st) : undefined;
        if (d === undefined) return;
        out[i] = d;
        if (count) {
          count.fromScan++;
          count.bytesFromScan += j.end;
        }
      });
      const rest: number[] = [];
      for (let i = 0; i < jobs.length; i++) if (out[i] === undefined) rest.push(i);
      if (rest.length) {
        const got = await inner(
          rest.map((i) => jobs[i]!),
          algorithm,
        );
        rest.forEach((i, k) => (out[i] = got[k]!));
      }
      return out as (string | Error)[];
    };
  }
}
