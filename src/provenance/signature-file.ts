// Where a model's signature file is, checked without following a link out of the folders a scan may read. Kept apart
// from the verifier so a scan that only asks whether a signature is present loads no cryptography.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import type { Confinement } from '../sources/confine.js';
import { isInside } from '../sources/model-cache.js';

/** `real` lies inside one folder of every group of `within`. */
export function insideAll(within: Confinement, real: string): boolean {
  return within.every((g) => g.some((r) => isInside(r, real)));
}

/**
 * What is at the signature path: `file` (to verify), `absent` (nothing, or not a regular file), `refused` (held to
 * `within`: a symbolic link whose target is not a file inside every group of it, or that leads nowhere). Without
 * `within` a link is followed wherever it leads (a file the user named).
 */
export function signatureAt(path: string, within?: Confinement): 'file' | 'absent' | 'refused' {
  let ls;
  try {
    ls = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return 'absent';
  }
  if (!ls) return 'absent';
  if (!ls.isSymbolicLink()) return ls.isFile() ? 'file' : 'absent';
  let real: string;
  if (within?.length) {
    try {
      real = realpathSync.native(path);
    } catch {
      return 'refused';
    }
    if (!insideAll(within, real)) return 'refused';
  } else real = path;
  try {
    return statSync(real).isFile() ? 'file' : 'absent';
  } catch {
    return within?.length ? 'refused' : 'absent';
  }
}
