// Canonical enumeration of a model for verification (OMS v1.0 §6.1, §6.2): every regular file under the model
// root (or the single file), `/`-separated paths relative to the root, minus the default exclusions (`.git`,
// `.gitignore`, `.gitattributes`, `.github` at the top level), the signed `ignore_paths` and extra ones (exact
// relative paths or subtrees), and the signature file itself. Symbolic links follow the signed policy. Bounded.
// Under roots each folder is opened once and checked on its descriptor, then listed and its entries looked at through
// it, as the scan's walk does (sources/opened-folder.ts): a folder swapped for a link out lists nothing outside.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { NOT_OPENED_INSIDE, type Confinement } from '../sources/confine.js';
import {
  canListByDescriptor,
  closeFolder,
  descriptorPath,
  folderStill,
  FOLDER_NOT_INSIDE,
  identity,
  openedFolderStill,
  openFolder,
} from '../sources/opened-folder.js';
import { insideAll } from './signature-file.js';

export const DEFAULT_IGNORED = ['.git', '.gitignore', '.gitattributes', '.github'] as const;

export interface ModelFile {
  /** Canonical relative path (for a single-file model: its basename). */
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
  /** Where the file must lie when it is opened to be hashed (sources/confine.ts). */
  readonly within?: Confinement;
}

export interface Enumeration {
  readonly files: readonly ModelFile[];
  /** Files present but excluded (default or signed ignore paths, extra ignore paths; not the signature). */
  readonly excluded: readonly string[];
  /** Symbolic links met where the signature forbids following them. */
  readonly symlinks: readonly string[];
  /** Entries that could not be read, with the reason. */
  readonly unreadable: readonly { path: string; reason: string }[];
  /** The walk stopped at `maxFiles`. */
  readonly truncated: boolean;
}

export interface EnumerateOptions {
  readonly allowSymlinks: boolean;
  readonly ignorePaths: readonly string[];
  /** Absolute path of the signature file (excluded when inside the root). */
  readonly signatureAbs?: string;
  readonly maxFiles: number;
  /**
   * Folders every file must lie in (the scan's confinement): a followed symbolic link leading elsewhere (or nowhere)
   * is reported unreadable, its target never read, and each file is checked again when opened. Default: none.
   */
  readonly within?: Confinement;
  /**
   * Held to roots (a service's or worker's `--root`s, a scan with `roots`): each folder is opened once, checked on its
   * descriptor (the folder looked at, its real path inside every group of `within`), then listed and its entries
   * looked at through that descriptor; a folder that fails is reported unreadable with one text, whatever lies where
   * its path now leads. Needs `within`. Default: folders are listed by path.
   */
  readonly listOpened?: boolean;
}

/**
 * Test seam: called with a folder's path right before it is listed (after its open and check when folders are listed
 * through their descriptors): a test replaces the folder with a link there. Unset in production.
 */
export const modelFilesHooks: { beforeList?: (dir: string) => void } = {};

/** The one reason given for a link that leaves the folders (or leads nowhere): the same whatever it names. */
export const LINK_LEAVES =
  'symbolic link that does not lead to a file or folder inside the folders this scan may read: not followed';

/** Canonical form of a relative path (§6.1.2): `/` separators, no `.` components, no empty components. */
export function canonicalPath(p: string): string {
  return p
    .split(/[\\/]+/)
    .filter((c) => c !== '' && c !== '.')
    .join('/');
}

function ignoredBy(rel: string, ignore: readonly string[]): boolean {
  return ignore.some((i) => rel === i || rel.startsWith(i + '/'));
}

/** Enumerates the model at `root` (a directory, or a single file). */
export async function enumerateModel(root: string, o: EnumerateOptions): Promise<Enumeration> {
  const files: ModelFile[] = [];
  const excluded: string[] = [];
  const symlinks: string[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const ignore = [...DEFAULT_IGNORED, ...o.ignorePaths.map(canonicalPath).filter(Boolean)];
  const rootStat = await stat(root);
  if (!rootStat.isDirectory()) {
    return {
      files: [{ rel: basename(root), abs: root, size: rootStat.size, ...(o.within ? { within: o.within } : {}) }],
      excluded,
      symlinks,
      unreadable,
      truncated: false,
    };
  }
  const seenDirs = new Set<string>([await realpath(root)]);
  let truncated = false;
  // Under roots, each folder is listed through its checked descriptor where /proc lists descriptors; elsewhere it is
  // checked by path before and after its listing.
  const held = o.listOpened && o.within?.length ? o.within : undefined;
  const within = held && canListByDescriptor() ? held : undefined;
  // Depth-first with an explicit stack; directories are visited once by real path (cycles end). `id`: the folder's
  // device and inode as it was looked at, which the opened folder must have.
  const stack: { dir: string; id: string | undefined }[] = [{ dir: root, id: identity(rootStat) }];
  while (stack.length) {
    const { dir, id: dirId } = stack.pop()!;
    let dirFd: number | undefined;
    if (within) {
      try {
        dirFd = openFolder(dir);
      } catch {
        unreadable.push({ path: canonicalPath(relative(root, dir)), reason: FOLDER_NOT_INSIDE });
        continue;
      }
    }
    try {
      const opened = dirFd === undefined ? undefined : descriptorPath(dirFd);
      const still = (): boolean =>
        dirFd !== undefined ? openedFolderStill(dirFd, dirId, within!) : !held || folderStill(dir, dirId, held);
      if (!still()) {
        unreadable.push({ path: canonicalPath(relative(root, dir)), reason: FOLDER_NOT_INSIDE });
        continue;
      }
      modelFilesHooks.beforeList?.(dir);
      let names: string[];
      try {
        names = (await readdir(opened ?? dir)).sort();
      } catch (e) {
        const reason = held ? FOLDER_NOT_INSIDE : (e as Error).message;
        unreadable.push({ path: canonicalPath(relative(root, dir)), reason });
        continue;
      }
      if (!still()) {
        unreadable.push({ path: canonicalPath(relative(root, dir)), reason: FOLDER_NOT_INSIDE });
        continue;
      }
      const subdirs: { dir: string; id: string | undefined }[] = [];
      for (const name of names) {
        const abs = join(dir, name);
        // Where the entry is looked at: through the opened folder, whatever its path now leads to.
        const look = opened !== undefined ? `${opened}/${name}` : abs;
        const rel = canonicalPath(relative(root, abs).split(sep).join('/'));
        if (o.signatureAbs !== undefined && abs === o.signatureAbs) continue;
        let st = await lstat(look).catch((e: Error) => e);
        if (st instanceof Error) {
          unreadable.push({ path: rel, reason: held ? NOT_OPENED_INSIDE : st.message });
          continue;
        }
        if (ignoredBy(rel, ignore)) {
          if (st.isFile()) excluded.push(rel);
          else if (st.isDirectory()) excluded.push(rel + '/');
          continue;
        }
        if (st.isSymbolicLink()) {
          if (!o.allowSymlinks) {
            symlinks.push(rel);
            continue;
          }
          if (o.within?.length) {
            const real = await realpath(look).catch(() => undefined);
            if (real === undefined || !insideAll(o.within, real)) {
              unreadable.push({ path: rel, reason: LINK_LEAVES });
              continue;
            }
          }
          st = await stat(look).catch((e: Error) => e);
          if (st instanceof Error) {
            unreadable.push({ path: rel, reason: held ? LINK_LEAVES : `broken symbolic link: ${st.message}` });
            continue;
          }
        }
        if (st.isDirectory()) {
          const real = await realpath(look).catch(() => abs);
          if (!seenDirs.has(real)) {
            seenDirs.add(real);
            subdirs.push({ dir: abs, id: identity(st) });
          }
        } else if (st.isFile()) {
          if (files.length >= o.maxFiles) {
            truncated = true;
            break;
          }
          files.push({ rel, abs, size: st.size, ...(o.within ? { within: o.within } : {}) });
        }
      }
      if (truncated) break;
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    } finally {
      if (dirFd !== undefined) closeFolder(dirFd);
    }
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, excluded: excluded.sort(), symlinks, unreadable, truncated };
}
