// Whether a directory holds an entry, asked without following a symbolic link: the answer never depends on what a
// link leads to, so a look made for a scan held to roots tells nothing of a path outside them (see "No existence
// oracle" in docs/service-security.md). Used where a scan decides something from a name's presence (a package's
// `__init__.py`, a virtual environment's `pyvenv.cfg`, project metadata, a model's side file), never to read the entry.
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * What a `/`-separated relative name under a folder is, by lstat of each component (nothing is opened or followed):
 * `absent` when a component is missing or cannot be looked at; `stopped` at the first component before the last
 * that is not a real folder (a link on the way stops here, whatever it leads to); `found` with the last component's
 * own stats (a link is reported as a link).
 */
export type EntryLook =
  { readonly kind: 'absent' } | { readonly kind: 'stopped' | 'found'; readonly path: string; readonly stats: Stats };

export function lookUnder(dir: string, rel: string): EntryLook {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  let cur = dir;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    let stats;
    try {
      stats = lstatSync(cur, { throwIfNoEntry: false });
    } catch {
      return { kind: 'absent' };
    }
    if (stats === undefined) return { kind: 'absent' };
    if (i === parts.length - 1) return { kind: 'found', path: cur, stats };
    if (!stats.isDirectory()) return { kind: 'stopped', path: cur, stats };
  }
  return { kind: 'absent' };
}

/**
 * `rel` names an entry under `dir`: each folder on the way is a real folder (a link on the way answers no), and the
 * last name is there, whatever it is (a link counts whatever it leads to, or if it leads nowhere).
 */
export function entryAt(dir: string, rel: string): boolean {
  return lookUnder(dir, rel).kind === 'found';
}
