// Expands the paths given on the command line into files: directories are walked in sorted order, every file is
// considered (no extension filter), and symlinks are never followed out of the scan root (they are reported) unless
// they stay inside a model cache (a hub snapshot's link into its repository's blobs/, or a configured cache root).
// Inside a walked directory, tool data (.git, virtualenvs, caches), excluded and git-ignored entries are left out and
// yielded as `excluded` items (walk-filter.ts), and so are the reports, baselines and policies Sentinel wrote there
// (own-output.ts: recognised by content); a path named on the command line is always read.
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ScanTarget } from '../core/scan-target.js';
import { notRegular } from './byte-source.js';
import { NOT_OPENED_INSIDE, type Confinement } from './confine.js';
import { isInside, snapshotBlobsDir } from './model-cache.js';
import {
  canListByDescriptor,
  closeFolder,
  descriptorPath,
  folderStill,
  FOLDER_NOT_INSIDE,
  identity,
  openedFolderStill,
  openFolder,
} from './opened-folder.js';
import { ownOutputKind } from './own-output.js';
import { WalkFilter, type WalkFilterOptions } from './walk-filter.js';

/** The reason of a walk's error item for a folder not listed (opened-folder.ts). */
export { FOLDER_NOT_INSIDE };

export type WalkItem =
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly size: number;
      /** Device and inode (`dev:ino`): the same content reached by two paths has the same id. */
      readonly id?: string;
      /** Reached through a symlink. */
      readonly linked: boolean;
      /** The path's bytes when a name in it is not UTF-8 (`path` then shows those bytes escaped as \\xNN). */
      readonly bytesPath?: Uint8Array;
      /**
       * Where the file must lie when it is opened (the walked folder's real path, or the one place a followed cache
       * link was checked to lead; a service's roots): checked on the opened descriptor (sources/confine.ts).
       */
      readonly confine?: Confinement;
    }
  | {
      readonly kind: 'skipped';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly reason: string;
    }
  | {
      /** Left out on purpose (tool data, --exclude, .gitignore): listed in the report, not a finding. */
      readonly kind: 'excluded';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly reason: string;
      /** A whole directory was left out. */
      readonly directory: boolean;
    }
  | {
      readonly kind: 'error';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly reason: string;
    };

export interface WalkOptions extends WalkFilterOptions {
  /**
   * Model-cache roots (e.g. HF_HOME): when a scan path lies inside one, symlinks pointing anywhere inside that root
   * are followed. Hub snapshot links into their own repository's blobs/ are followed without it.
   */
  readonly cacheRoots?: readonly string[];
  /**
   * Real paths of the folders every file of the scan must lie in (a service's roots): each file item carries them,
   * and the open checks them on the opened descriptor. Default: none (the walked folder still confines its files).
   */
  readonly confineTo?: readonly string[];
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A name that is not valid UTF-8, shown with each byte of an invalid sequence escaped as \\xNN. */
export function escapeName(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    // Longest valid UTF-8 sequence at i (1 to 4 bytes), else one escaped byte.
    let taken = 0;
    for (let n = 1; n <= 4 && i + n <= bytes.length && !taken; n++) {
      try {
        const ch = UTF8.decode(bytes.subarray(i, i + n));
        if (ch.length && !ch.includes('\ufffd')) {
          out += ch;
          taken = n;
        }
      } catch {
        // not complete or not valid yet
      }
    }
    if (taken) i += taken;
    else out += `\\x${bytes[i++]!.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * A folder's entries sorted by shown name: UTF-8 names as strings, other names by their bytes (shown escaped). A folder
 * read by a string path whose names all decode comes back as plain names (the path to read each by is the folder's
 * path and the name); only a folder with a name that does not decode pays for a Buffer and a path per name.
 */
function listDir(dir: string | Buffer): string[] | { shown: string; fs: string | Buffer }[] {
  if (typeof dir === 'string') {
    // Node decodes names as UTF-8 and puts U+FFFD for what does not decode: a name without it is the name.
    const names = readdirSync(dir);
    if (!names.some((n) => n.includes('\ufffd'))) return names.sort();
  }
  const raw = readdirSync(dir, { encoding: 'buffer' });
  const out = raw.map((b) => {
    let name: string | undefined;
    try {
      name = UTF8.decode(b);
    } catch {
      name = undefined;
    }
    if (name !== undefined && typeof dir === 'string') return { shown: name, fs: join(dir, name) };
    const base = typeof dir === 'string' ? Buffer.from(dir) : dir;
    return { shown: name ?? escapeName(b), fs: Buffer.concat([base, Buffer.from('/'), b]) };
  });
  return out.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
}

/** `join(dir, name)` without `name`, for a name that is one plain segment: `join(dir, name) === prefixOf(dir) + name`. */
export function prefixOf(dir: string): string {
  return join(dir, '_').slice(0, -1);
}

function isDirNoThrow(p: string | Buffer): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A symlink outside the scan root is followed when it stays inside a model cache. */
function cacheFollows(link: string, real: string, roots: readonly string[]): boolean {
  if (roots.some((r) => isInside(r, real))) return true;
  const dir = realOrUndefined(dirname(link));
  const blobs = dir === undefined ? undefined : snapshotBlobsDir(dir);
  return blobs !== undefined && isInside(blobs, real);
}

/**
 * A named path looked at under roots (`st`, followed) is inside one of them: its real path is inside a root and names
 * the same file as `st` (a folder on the way swapped between the two looks is caught by the second). Otherwise what
 * was looked at may lie outside the roots, and nothing of it (its kind, whether it exists) may be reported.
 */
function namedInside(abs: string, st: Stats, roots: readonly string[]): boolean {
  let real: string;
  let again: Stats;
  try {
    real = realpathSync.native(abs);
    if (!roots.some((r) => isInside(r, real))) return false;
    again = statSync(real);
  } catch {
    return false;
  }
  return again.dev === st.dev && again.ino === st.ino;
}

/** Why a link is not followed in a walk held to roots: the same for a link leading out and a link to nothing. */
const LEAVES_ROOTS = 'symlink does not lead inside the scan root: not followed';

/** Yields every file under the given targets. Errors become items, never exceptions. */
export function* walk(args: readonly string[], opts: WalkOptions = {}): Generator<WalkItem> {
  const cacheRoots = (opts.cacheRoots ?? []).map((r) => realOrUndefined(resolve(r))).filter((r) => r !== undefined);
  const outer: Confinement = opts.confineTo ? [opts.confineTo] : [];
  for (const arg of args) {
    const abs = resolve(arg);
    let st;
    try {
      st = statSync(abs);
      if (opts.confineTo && !namedInside(abs, st, opts.confineTo)) st = undefined;
    } catch (e) {
      // Under roots, why a named path cannot be looked at is not told: it may be about a path outside them.
      const reason = opts.confineTo ? NOT_OPENED_INSIDE : (e as Error).message;
      const target: ScanTarget = { arg, abs, isDirectory: false };
      yield { kind: 'error', path: arg, stable: basename(arg), target, reason };
      continue;
    }
    if (st === undefined) {
      const target: ScanTarget = { arg, abs, isDirectory: false };
      yield { kind: 'error', path: arg, stable: basename(arg), target, reason: NOT_OPENED_INSIDE };
      continue;
    }
    const target: ScanTarget = { arg, abs, isDirectory: st.isDirectory() };
    if (!st.isDirectory() && !st.isFile()) {
      // Never opened: opening a FIFO blocks until a writer appears, and a device never ends.
      const stdin = /^\/(dev\/(stdin|fd\/0)|proc\/self\/fd\/0)$/.test(abs) ? '; use - to scan standard input' : '';
      yield {
        kind: 'skipped',
        path: arg,
        stable: basename(abs),
        target,
        reason: `${notRegular(st)}: not read${stdin}`,
      };
      continue;
    }
    if (!st.isDirectory()) {
      const id = identity(st);
      yield {
        kind: 'file',
        path: arg,
        stable: basename(abs),
        target,
        size: st.size,
        ...(id ? { id } : {}),
        linked: false,
        ...(outer.length ? { confine: outer } : {}),
      };
      continue;
    }
    const rootReal = realOrUndefined(abs) ?? abs;
    const roots = cacheRoots.filter((r) => isInside(r, rootReal));
    const filter = new WalkFilter(abs, opts);
    const seenDirs = new Set<string>([rootReal]);
    // Files of the walked folder are opened only inside it (and inside the outer roots); one array for all of them.
    const inRoot: Confinement = [[rootReal], ...outer];
    const w: WalkRoot = { arg, abs, target, opts, outer, inRoot, rootReal, roots, filter, seenDirs };
    // Each directory to list: its shown relative path, and the path to read it by (bytes once a name on the way is
    // not UTF-8: such names are read by their bytes and shown escaped).
    // `id`: the folder's device and inode when the walk looked at it; `within`: where it must lie when it is listed.
    const stack: Folder[] = [{ rel: '', fs: abs, id: identity(st), within: inRoot }];
    while (stack.length) {
      // One folder's items are made by a plain function and yielded here: a generator that resumes once per entry
      // is among the dearest functions V8 optimises in a scan of a large folder.
      const items: WalkItem[] = [];
      const subdirs: Folder[] = [];
      listFolder(w, stack.pop()!, items, subdirs);
      for (const item of items) yield item;
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }
}

/** A folder the walk lists (see the stack in walk). */
interface Folder {
  readonly rel: string;
  readonly fs: string | Buffer;
  readonly id: string | undefined;
  readonly within: Confinement;
}

/** What the folders of one walked argument share. */
interface WalkRoot {
  readonly arg: string;
  readonly abs: string;
  readonly target: ScanTarget;
  readonly opts: WalkOptions;
  readonly outer: Confinement;
  /** Files of the walked folder are opened only inside it (and inside the outer roots); one array for all of them. */
  readonly inRoot: Confinement;
  readonly rootReal: string;
  readonly roots: readonly string[];
  readonly filter: WalkFilter;
  readonly seenDirs: Set<string>;
}

/**
 * Whether a link leads to a folder, for the filter (a link named like tool data, or to a virtual environment, is
 * left out as the folder would be). Under roots only a link leading where the walk would follow it is looked
 * through: what a link out of them leads to, or whether it leads anywhere, must change no answer (it is then
 * reported as any link out, with one reason).
 */
function linkToDir(w: WalkRoot, path: string, pathFs: string | Buffer): boolean {
  const { outer, rootReal, roots } = w;
  if (!outer.length) return isDirNoThrow(pathFs);
  if (typeof pathFs !== 'string') return false;
  const real = realOrUndefined(path);
  if (real === undefined || !outer[0]!.some((r) => isInside(r, real))) return false;
  return (isInside(rootReal, real) || cacheFollows(path, real, roots)) && isDirNoThrow(real);
}

/** Lists one folder of a walk: its items, in order, into `items`, and the folders in it, in order, into `subdirs`. */
function listFolder(w: WalkRoot, folder: Folder, items: WalkItem[], subdirs: Folder[]): void {
  const { rel: relDir, fs: dirFs, id: dirId, within } = folder;
  const { arg, abs, target, filter, opts, outer, inRoot, rootReal, roots, seenDirs } = w;
  let names: string[] | { shown: string; fs: string | Buffer }[];
  // A folder is listed only while it is the folder the walk looked at, inside the folders it may read: the walk
  // yields between a folder's look and its listing, and a folder on the way replaced by a link out in between
  // would list a folder outside (its names, their kinds and sizes). Under roots the folder is opened once and
  // checked on its descriptor, then listed and its entries looked at through that descriptor, so a swap of the
  // path (out and back) changes nothing; elsewhere, and where descriptors cannot be listed, it is checked by
  // path before and after the listing.
  let dirFd: number | undefined;
  if (outer.length && typeof dirFs === 'string' && canListByDescriptor()) {
    try {
      dirFd = openFolder(dirFs);
    } catch {
      items.push({ kind: 'error', path: join(arg, relDir), stable: relDir, target, reason: FOLDER_NOT_INSIDE });
      return;
    }
  }
  try {
    const opened = dirFd === undefined ? undefined : descriptorPath(dirFd);
    const still = (): boolean =>
      dirFd === undefined ? folderStill(dirFs, dirId, within) : openedFolderStill(dirFd, dirId, within);
    if (!still()) {
      items.push({ kind: 'error', path: join(arg, relDir), stable: relDir, target, reason: FOLDER_NOT_INSIDE });
      return;
    }
    try {
      names = listDir(opened ?? dirFs);
      // Names that are not UTF-8 are read by their bytes under the folder's own path (checked again below).
      if (opened !== undefined && typeof names[0] !== 'string' && names.length > 0) names = listDir(dirFs);
    } catch (e) {
      const reason = opened !== undefined ? FOLDER_NOT_INSIDE : (e as Error).message;
      items.push({ kind: 'error', path: join(arg, relDir), stable: relDir, target, reason });
      return;
    }
    if (!still() || (opened !== undefined && !folderStill(dirFs, dirId, within) && typeof names[0] !== 'string')) {
      items.push({ kind: 'error', path: join(arg, relDir), stable: relDir, target, reason: FOLDER_NOT_INSIDE });
      return;
    }
    // What path.join gives for this folder and one name, as a prefix taken once per folder (a name is one
    // segment, never `.` or `..`, so join only puts a separator before it).
    const relPrefix = relDir ? prefixOf(relDir) : '';
    const fullPrefix = prefixOf(join(abs, relDir));
    const shownPrefix = prefixOf(join(arg, relDir));
    for (const entry of names) {
      const name = typeof entry === 'string' ? entry : entry.shown;
      const rel = relPrefix + name;
      const full = fullPrefix + name;
      const shown = shownPrefix + name;
      const fullFs = typeof entry === 'string' ? full : entry.fs;
      const bytesPath = typeof fullFs === 'string' ? undefined : fullFs;
      let ls;
      try {
        ls = lstatSync(opened !== undefined && typeof entry === 'string' ? `${opened}/${entry}` : fullFs);
      } catch (e) {
        const reason = opened !== undefined ? NOT_OPENED_INSIDE : (e as Error).message;
        items.push({ kind: 'error', path: shown, stable: rel, target, reason });
        continue;
      }
      const excluded = filter.skipReason(
        rel,
        full,
        ls.isDirectory() || (ls.isSymbolicLink() && linkToDir(w, full, fullFs)),
      );
      if (excluded !== undefined) {
        items.push({
          kind: 'excluded',
          path: shown,
          stable: rel,
          target,
          reason: excluded,
          directory: ls.isDirectory(),
        });
        continue;
      }
      // A report, baseline or policy Sentinel wrote into the folder, recognised by its content.
      const own =
        opts.defaultSkips !== false && ls.isFile() && !bytesPath
          ? ownOutputKind(full, name, ls.size, inRoot)
          : undefined;
      if (own !== undefined) {
        items.push({
          kind: 'excluded',
          path: shown,
          stable: rel,
          target,
          reason: `${own} written by Sentinel (skipped by default)`,
          directory: false,
        });
        continue;
      }
      if (bytesPath && ls.isSymbolicLink()) {
        items.push({
          kind: 'skipped',
          path: shown,
          stable: rel,
          target,
          reason: 'symlink with a name that is not UTF-8: not followed',
        });
        continue;
      }
      let isDir = ls.isDirectory();
      let isFile = ls.isFile();
      let size = ls.size;
      let id = identity(ls);
      const linked = ls.isSymbolicLink();
      let confine = inRoot;
      if (linked) {
        let real: string;
        try {
          real = realpathSync(full);
        } catch {
          const reason = outer.length ? LEAVES_ROOTS : 'dangling symlink';
          items.push({ kind: 'skipped', path: shown, stable: rel, target, reason });
          continue;
        }
        if (!isInside(rootReal, real)) {
          if (!cacheFollows(full, real, roots)) {
            items.push({
              kind: 'skipped',
              path: shown,
              stable: rel,
              target,
              // Under roots (a service), one reason whatever the link names: where it leads, or whether its target
              // exists, is not told to the client.
              reason: outer.length ? LEAVES_ROOTS : `symlink points outside the scan root (${real})`,
            });
            continue;
          }
          // A cache link followed out of the walked folder: to the one file it was checked to lead to.
          confine = [[rootReal, real], ...outer];
        }
        let st2: Stats;
        try {
          st2 = statSync(real);
        } catch (e) {
          items.push({ kind: 'error', path: shown, stable: rel, target, reason: (e as Error).message });
          continue;
        }
        isDir = st2.isDirectory();
        isFile = st2.isFile();
        size = st2.size;
        id = identity(st2);
        if (isDir) {
          if (seenDirs.has(real)) continue;
          seenDirs.add(real);
        }
      }
      // A folder lies where its parent does; a followed link's folder, where the link was checked to lead.
      if (isDir) subdirs.push({ rel, fs: bytesPath ?? full, id, within: linked ? confine : within });
      else if (isFile)
        items.push({
          kind: 'file',
          path: shown,
          stable: rel,
          target,
          size,
          ...(id ? { id } : {}),
          linked,
          ...(bytesPath ? { bytesPath } : {}),
          confine,
        });
      else
        items.push({
          kind: 'skipped',
          path: shown,
          stable: rel,
          target,
          reason: 'not a regular file (device, socket or fifo)',
        });
    }
  } finally {
    if (dirFd !== undefined) closeFolder(dirFd);
  }
}
