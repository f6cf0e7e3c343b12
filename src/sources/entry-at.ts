// Whether a directory holds an entry, asked without following a symbolic link: the answer never depends on what a
// link leads to, so a look made for a scan held to roots tells nothing of a path outside them (see "No existence
// oracle" in docs/service-security.md). Used where a scan decides something from a name's presence (a package's
// `__init__.py`, a virtual environment's `pyvenv.cfg`, project metadata), never to read the entry.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `rel` (`/`-separated, relative) names an entry under `dir`: each folder on the way is a real folder (a link on the
 * way answers no), and the last name is there, whatever it is (a link counts whatever it leads to, or if it leads
 * nowhere).
 */
export function entryAt(dir: string, rel: string): boolean {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  let cur = dir;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    let st;
    try {
      st = lstatSync(cur, { throwIfNoEntry: false });
    } catch {
      return false;
    }
    if (st === undefined) return false;
    if (i < parts.length - 1 && !st.isDirectory()) return false;
  }
  return parts.length > 0;
}
