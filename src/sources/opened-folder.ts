// A folder listed under roots: opened once, checked on its descriptor, then listed and its entries looked at through
// that descriptor (/proc/self/fd/N), so that a folder on the way swapped for a link out, at any moment and back again,
// changes neither the names listed nor what each entry is. Shared by the scan's walk (walker.ts) and the signature
// check's walk of a signed folder (provenance/model-files.ts). Where descriptors cannot be listed (no /proc), a folder
// is checked by its path before and after the listing (`folderStill`). See docs/root-confinement.md.
import { closeSync, constants, existsSync, fstatSync, openSync, realpathSync, statSync, type Stats } from 'node:fs';
import type { Confinement } from './confine.js';
import { isInside } from './model-cache.js';

/**
 * Why a folder a walk looked at is not listed: it is gone, or no longer the folder looked at, or no longer inside the
 * folders the walk may read (a folder on the way replaced by a link). One text: which of these happens can depend on a
 * path outside those folders.
 */
export const FOLDER_NOT_INSIDE =
  'no folder at this path inside the folders this scan may read (missing, replaced, or leading out of them): not listed';

/** Device and inode (`dev:ino`) of a look, when the file system gives an inode. */
export function identity(st: Stats): string | undefined {
  return Number.isSafeInteger(st.ino) && st.ino > 0 ? `${st.dev}:${st.ino}` : undefined;
}

function insideEvery(within: Confinement, real: string): boolean {
  return within.every((group) => group.some((r) => isInside(r, real)));
}

/** `dir` still names the folder with identity `id` (device:inode), and its real path lies inside `within`. */
export function folderStill(dir: string | Buffer, id: string | undefined, within: Confinement): boolean {
  try {
    const real =
      typeof dir === 'string' ? realpathSync.native(dir) : realpathSync.native(dir, 'buffer').toString('utf8');
    if (!insideEvery(within, real)) return false;
    const st = statSync(real);
    return st.isDirectory() && (id === undefined || identity(st) === id);
  } catch {
    return false;
  }
}

let procFd: boolean | undefined;
/** Whether an opened folder can be listed through its descriptor (/proc/self/fd, Linux). */
export function canListByDescriptor(): boolean {
  procFd ??= existsSync('/proc/self/fd');
  return procFd;
}

/** Opens `dir` as a folder (read-only, `O_DIRECTORY`), to check it, list it and look at its entries through it. Throws. */
export function openFolder(dir: string): number {
  return openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
}

/** Closes a folder opened by `openFolder`. */
export function closeFolder(fd: number): void {
  closeSync(fd);
}

/** The path that lists an opened folder, and names its entries (`${path}/${name}`): the folder held, wherever its path now leads. */
export function descriptorPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** folderStill for a folder already opened as `fd`: the folder the descriptor holds, wherever its path now leads. */
export function openedFolderStill(fd: number, id: string | undefined, within: Confinement): boolean {
  try {
    const real = realpathSync.native(descriptorPath(fd));
    if (!insideEvery(within, real)) return false;
    const st = fstatSync(fd);
    return st.isDirectory() && (id === undefined || identity(st) === id);
  } catch {
    return false;
  }
}
