// Turns the walk into the engine's work list. Content reached by several paths (hub snapshots sharing a blob,
// hard links, links inside the scan root) is scanned once, under its first path, and the outcome is re-targeted to
// the other paths; the file name takes part in a scan (`.py`, `hubconf.py`, extension evidence), so only paths with
// the same base name share a scan. A hub blob that a snapshot link names is reported under the snapshot path only.
import { basename, resolve, sep } from 'node:path';
import type { ScanTarget } from '../core/scan-target.js';
import type { Confinement } from '../sources/confine.js';
import { isCacheBlob } from '../sources/model-cache.js';
import type { WalkItem } from '../sources/walker.js';

/** One path naming the content of a job, and its place in the walk (the report keeps walk order). */
export interface JobMember {
  readonly index: number;
  readonly path: string;
  /** Path relative to the scan target, `/`-separated (fingerprint input). */
  readonly stable: string;
  readonly target: ScanTarget;
  readonly size: number;
  /** The path's bytes when a name in it is not UTF-8 (read by these; `path` shows them escaped). */
  readonly bytesPath?: Uint8Array;
  /** Where the file must lie when opened (the walk's confinement, sources/confine.ts). */
  readonly confine?: Confinement;
  /** The walk found a plain file (not a symbolic link) at the path: it is opened without following a link there. */
  readonly noFollow?: boolean;
}

/** One file's content to scan; `members[0]` is scanned, the others get its outcome re-targeted. Plain data. */
export interface FileJob {
  readonly members: readonly JobMember[];
}

export interface ScanPlan {
  readonly jobs: FileJob[];
  /** Walk indexes that are not reported on their own (hub blobs reported under their snapshot paths). */
  readonly dropped: ReadonlySet<number>;
}

export function planScan(items: readonly WalkItem[]): ScanPlan {
  const linkedIds = new Set<string>();
  for (const it of items) if (it.kind === 'file' && it.linked && it.id !== undefined) linkedIds.add(it.id);
  const dropped = new Set<number>();
  const jobs: FileJob[] = [];
  // The members of the first job of each content; jobs by content and base name only for content met again (most
  // files are met once, and need no key of their own).
  const byId = new Map<string, JobMember[]>();
  const byContent = new Map<string, JobMember[]>();
  const contentKey = (id: string, path: string): string => `${id}\0${basename(path)}`;
  items.forEach((it, index) => {
    if (it.kind !== 'file') return;
    if (!it.linked && it.id !== undefined && linkedIds.has(it.id) && isCacheBlob(resolve(it.path))) {
      dropped.add(index);
      return;
    }
    const member: JobMember = {
      index,
      path: it.path,
      stable: sep === '/' ? it.stable : it.stable.split(sep).join('/'),
      target: it.target,
      size: it.size,
      ...(it.bytesPath ? { bytesPath: it.bytesPath } : {}),
      ...(it.confine ? { confine: it.confine } : {}),
      ...(it.confine && !it.linked && it.target.isDirectory ? { noFollow: true } : {}),
    };
    if (it.id === undefined) {
      jobs.push({ members: [member] });
      return;
    }
    const first = byId.get(it.id);
    if (first === undefined) {
      const members = [member];
      byId.set(it.id, members);
      jobs.push({ members });
      return;
    }
    const firstKey = contentKey(it.id, first[0]!.path);
    if (!byContent.has(firstKey)) byContent.set(firstKey, first);
    const key = contentKey(it.id, it.path);
    const same = byContent.get(key);
    if (same) same.push(member);
    else {
      const members = [member];
      byContent.set(key, members);
      jobs.push({ members });
    }
  });
  return { jobs, dropped };
}
