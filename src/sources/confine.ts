// Root confinement: the one place a scan opens a file on disk. A path checked earlier (a service's target guard, the
// folder walk, a companion file's name) may name another file by the time it is opened: a folder on the way replaced
// by a symbolic link leads elsewhere. So the check that decides is made on the opened descriptor, after the open:
// where the opened file lies (Linux: the kernel's own name for the descriptor, /proc/self/fd/N; elsewhere: the real
// path of the path opened, accepted only when it names the same device and inode as the descriptor) must be inside
// the allowed folders. Nothing is read before that check. See docs/root-confinement.md.
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';

/**
 * Where a scan may read: groups of real folder paths; an opened file must lie inside (or be) one path of every group
 * (a walked folder, and a service's roots). Plain data: it crosses to worker threads. Empty: no confinement.
 */
export type Confinement = readonly (readonly string[])[];

/** A file refused because the file opened is not inside the folders the scan may read. */
export class ConfinementError extends Error {
  readonly code = 'outside-root';
}

/**
 * The one answer for a confined path that could not be opened and checked: missing, unreadable, a link loop, or a file
 * found outside the allowed folders at the open. Whether a path outside those folders exists, and what it is, decides
 * which of these happens; so none of them is told apart, and no errno or path is quoted (see "No existence oracle" in
 * docs/service-security.md).
 */
export const NOT_OPENED_INSIDE =
  'no readable file at this path inside the folders this scan may read (missing, unreadable, or leading out of them): not read';

/**
 * Test seam: called with the path right before each confined open (a test replaces a folder with a link there, to
 * make the swap between a check and the open deterministic). Unset in production.
 */
export const confineHooks: { beforeOpen?: (path: string | Uint8Array) => void } = {};

const SLASH = 0x2f;

/** `p` is `root` or lies under it (both absolute byte paths, no trailing separator except the root `/`). */
function insideBytes(root: Buffer, p: Buffer): boolean {
  if (root.length === 1 && root[0] === SLASH) return p.length > 0 && p[0] === SLASH;
  if (p.length < root.length || p.compare(root, 0, root.length, 0, root.length) !== 0) return false;
  return p.length === root.length || p[root.length] === SLASH;
}

/** Roots as trimmed bytes, made once per root rather than once per opened file (a walk checks every file). */
const trimmedRoots = new Map<string, Buffer>();
const MAX_TRIMMED_ROOTS = 256;

function trimmed(root: string): Buffer {
  const known = trimmedRoots.get(root);
  if (known !== undefined) return known;
  const b = Buffer.from(root);
  let n = b.length;
  while (n > 1 && b[n - 1] === SLASH) n--;
  // A private copy: the pooled buffer Buffer.from may return is never shared with a caller.
  const t = Buffer.from(b.subarray(0, n));
  if (trimmedRoots.size >= MAX_TRIMMED_ROOTS) trimmedRoots.clear();
  trimmedRoots.set(root, t);
  return t;
}

/** `p` lies inside (or is) one of `group`'s folders. */
function insideOne(group: readonly string[], p: Buffer): boolean {
  for (let i = 0; i < group.length; i++) if (insideBytes(trimmed(group[i]!), p)) return true;
  return false;
}

const DELETED = Buffer.from(' (deleted)', 'latin1');

/** `p` ends with " (deleted)" (compared as bytes: no string made per opened file). */
function endsWithDeleted(p: Buffer): boolean {
  const n = DELETED.length;
  if (p.length < n) return false;
  for (let i = 0, o = p.length - n; i < n; i++) if (p[o + i] !== DELETED[i]) return false;
  return true;
}

/** Where the open file `fd` (opened by `path`) lies, as a real path; undefined when that cannot be told. */
function openedAt(fd: number, path: string | Uint8Array, procFd: boolean): Buffer | undefined {
  if (procFd) {
    try {
      const p = readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' });
      // A file removed since the open is named "<old path> (deleted)": its place cannot be told.
      if (p.length && p[0] === SLASH && !endsWithDeleted(p)) return p;
      return undefined;
    } catch {
      // No procfs mounted: the portable check below.
    }
  }
  try {
    const real = realpathSync.native(path as string | Buffer, { encoding: 'buffer' });
    const a = statSync(real);
    const b = fstatSync(fd);
    // The real path names the opened file only when it is the same file (a swap back after the open is caught here).
    return a.dev === b.dev && a.ino === b.ino ? real : undefined;
  } catch {
    return undefined;
  }
}

const PROC_FD = process.platform === 'linux';

/**
 * Why the opened file `fd` is not inside `confine`, or undefined when it is. `procFd`: use the kernel's name for the
 * descriptor (Linux); false takes the portable check (tests run both).
 */
export function confinementProblem(
  fd: number,
  path: string | Uint8Array,
  confine: Confinement,
  procFd = PROC_FD,
): string | undefined {
  if (!confine.length) return undefined;
  const at = openedAt(fd, path, procFd);
  if (at === undefined) return 'where the opened file lies could not be told: not read';
  for (const group of confine) {
    if (!insideOne(group, at)) {
      return 'the file opened lies outside the folders this scan may read (a link, or a folder replaced by a link, leads out): not read';
    }
  }
  return undefined;
}

/**
 * Opens `path` for reading the way a scan opens a file (never blocks: a FIFO is not waited on) and checks the opened
 * descriptor against `confine` before returning it. `noFollow`: the last name must not be a symbolic link (the walk
 * saw a plain file there). Throws what the open throws, or a ConfinementError (the descriptor is closed then).
 */
export function openConfined(
  path: string | Uint8Array,
  confine: Confinement | undefined,
  o: { readonly noFollow?: boolean } = {},
): number {
  const flags = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | (o.noFollow ? fsConstants.O_NOFOLLOW : 0);
  confineHooks.beforeOpen?.(path);
  const confined = confine !== undefined && confine.length > 0;
  let fd: number;
  try {
    fd = openSync(path as string | Buffer, flags);
  } catch (e) {
    // Under a confinement, an open that fails says nothing of why: the reason (ENOENT, ELOOP, EACCES…) may be about
    // a path outside the folders, reached through a link made after the path was checked.
    if (confined) throw new ConfinementError(NOT_OPENED_INSIDE);
    throw e;
  }
  const why = confined ? confinementProblem(fd, path, confine) : undefined;
  if (why !== undefined) {
    closeSync(fd);
    throw new ConfinementError(NOT_OPENED_INSIDE);
  }
  return fd;
}

/** The real paths of `roots` (each resolved once); a root that cannot be resolved confines to nothing. */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map((r) => {
    try {
      return realpathSync.native(r);
    } catch {
      return '\0unresolved';
    }
  });
}
