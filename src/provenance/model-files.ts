// Canonical enumeration of a model for verification (OMS v1.0 §6.1, §6.2): every regular file under the model
// root (or the single file), `/`-separated paths relative to the root, minus the default exclusions (`.git`,
// `.gitignore`, `.gitattributes`, `.github` at the top level), the signed `ignore_paths` and extra ones (exact
// relative paths or subtrees), and the signature file itself. Symbolic links follow the signed policy. Bounded.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Confinement } from '../sources/confine.js';
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
}

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
  // Depth-first with an explicit stack; directories are visited once by real path (cycles end).
  const stack: string[] = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      unreadable.push({ path: canonicalPath(relative(root, dir)), reason: (e as Error).message });
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const abs = join(dir, name);
      const rel = canonicalPath(relative(root, abs).split(sep).join('/'));
      if (o.signatureAbs !== undefined && abs === o.signatureAbs) continue;
      let st = await lstat(abs).catch((e: Error) => e);
      if (st instanceof Error) {
        unreadable.push({ path: rel, reason: st.message });
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
          const real = await realpath(abs).catch(() => undefined);
          if (real === undefined || !insideAll(o.within, real)) {
            unreadable.push({ path: rel, reason: LINK_LEAVES });
            continue;
          }
        }
        st = await stat(abs).catch((e: Error) => e);
        if (st instanceof Error) {
          unreadable.push({ path: rel, reason: `broken symbolic link: ${st.message}` });
          continue;
        }
      }
      if (st.isDirectory()) {
        const real = await realpath(abs).catch(() => abs);
        if (!seenDirs.has(real)) {
          seenDirs.add(real);
          subdirs.push(abs);
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
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, excluded: excluded.sort(), symlinks, unreadable, truncated };
}
