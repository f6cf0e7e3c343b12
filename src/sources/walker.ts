// Expands the paths given on the command line into files: directories are walked in sorted order, every file is
// considered (no extension filter), and symlinks are never followed out of the scan root (they are reported) unless
// they stay inside a model cache (a hub snapshot's link into its repository's blobs/, or a configured cache root).
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ScanTarget } from '../core/scan-target.js';
import { notRegular } from './byte-source.js';
import { isInside, snapshotBlobsDir } from './model-cache.js';

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
    }
  | {
      readonly kind: 'skipped';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly reason: string;
    }
  | {
      readonly kind: 'error';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly reason: string;
    };

export interface WalkOptions {
  /**
   * Model-cache roots (e.g. HF_HOME): when a scan path lies inside one, symlinks pointing anywhere inside that root
   * are followed. Hub snapshot links into their own repository's blobs/ are followed without it.
   */
  readonly cacheRoots?: readonly string[];
}

function identity(st: Stats): string | undefined {
  return Number.isSafeInteger(st.ino) && st.ino > 0 ? `${st.dev}:${st.ino}` : undefined;
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** A symlink outside the scan root is followed when it stays inside a model cache. */
function cacheFollows(link: string, real: string, roots: readonly string[]): boolean {
  if (roots.some((r) => isInside(r, real))) return true;
  const dir = realOrUndefined(dirname(link));
  const blobs = dir === undefined ? undefined : snapshotBlobsDir(dir);
  return blobs !== undefined && isInside(blobs, real);
}

/** Yields every file under the given targets. Errors become items, never exceptions. */
export function* walk(args: readonly string[], opts: WalkOptions = {}): Generator<WalkItem> {
  const cacheRoots = (opts.cacheRoots ?? []).map((r) => realOrUndefined(resolve(r))).filter((r) => r !== undefined);
  for (const arg of args) {
    const abs = resolve(arg);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const target: ScanTarget = { arg, abs, isDirectory: false };
      yield { kind: 'error', path: arg, stable: basename(arg), target, reason: (e as Error).message };
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
      };
      continue;
    }
    const rootReal = realOrUndefined(abs) ?? abs;
    const roots = cacheRoots.filter((r) => isInside(r, rootReal));
    const seenDirs = new Set<string>([rootReal]);
    const stack: string[] = [''];
    while (stack.length) {
      const relDir = stack.pop()!;
      let names: string[];
      try {
        names = readdirSync(join(abs, relDir)).sort();
      } catch (e) {
        yield { kind: 'error', path: join(arg, relDir), stable: relDir, target, reason: (e as Error).message };
        continue;
      }
      const subdirs: string[] = [];
      for (const name of names) {
        const rel = relDir ? join(relDir, name) : name;
        const full = join(abs, rel);
        const shown = join(arg, rel);
        let ls;
        try {
          ls = lstatSync(full);
        } catch (e) {
          yield { kind: 'error', path: shown, stable: rel, target, reason: (e as Error).message };
          continue;
        }
        let isDir = ls.isDirectory();
        let isFile = ls.isFile();
        let size = ls.size;
        let id = identity(ls);
        const linked = ls.isSymbolicLink();
        if (linked) {
          let real: string;
          try {
            real = realpathSync(full);
          } catch {
            yield { kind: 'skipped', path: shown, stable: rel, target, reason: 'dangling symlink' };
            continue;
          }
          if (!isInside(rootReal, real) && !cacheFollows(full, real, roots)) {
            yield {
              kind: 'skipped',
              path: shown,
              stable: rel,
              target,
              reason: `symlink points outside the scan root (${real})`,
            };
            continue;
          }
          let st2: Stats;
          try {
            st2 = statSync(real);
          } catch (e) {
            yield { kind: 'error', path: shown, stable: rel, target, reason: (e as Error).message };
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
        if (isDir) subdirs.push(rel);
        else if (isFile) yield { kind: 'file', path: shown, stable: rel, target, size, ...(id ? { id } : {}), linked };
        else
          yield {
            kind: 'skipped',
            path: shown,
            stable: rel,
            target,
            reason: 'not a regular file (device, socket or fifo)',
          };
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }
}
