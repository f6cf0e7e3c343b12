// The two halves of the real-world measure, split by repository so that a fix made while looking at one half can be
// checked on files it was not tuned to. A row belongs to the half the first byte of sha256 of its repository name
// ("owner/name" as the manifest spells it; a Debian row: "debian/<package>") says: even is the development half,
// odd the held-out half. Every row of one repository falls in the same half, so a project's files are never split
// between the half false blocks are fixed from and the half they are checked on. docs/real-world-measure.md.
import { createHash } from 'node:crypto';

export type Half = 'dev' | 'held-out';
export const HALVES: readonly (Half | 'all')[] = ['dev', 'held-out', 'all'];

/** The name a row is split by: its repository, else its Debian package. */
export const splitKey = (e: { repository?: string; package?: string }): string =>
  e.repository ?? `debian/${e.package ?? ''}`;

/**
 * The half of the measure a manifest row belongs to. A row that records its half (`half`: a sample split when it was
 * collected, by the lower-cased repository name) keeps it.
 */
export function halfOf(e: { repository?: string; package?: string; half?: string }): Half {
  if (e.half === 'dev') return 'dev';
  if (e.half === 'held' || e.half === 'held-out') return 'held-out';
  return createHash('sha256').update(splitKey(e)).digest()[0]! % 2 === 0 ? 'dev' : 'held-out';
}
