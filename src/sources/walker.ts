// Expands the paths given on the command line into files: directories are walked in sorted order, every file is
// considered (no extension filter), and symlinks are never followed out of the scan root (they are reported).
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { ScanTarget } from '../core/scan-target.js';

export type WalkItem =
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly stable: string;
      readonly target: ScanTarget;
      readonly size: number;
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

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Yields every file under the given targets. Errors become items, never exceptions. */
export function* walk(args: readonly string[]): Generator<WalkItem> {
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
    if (!st.isDirectory()) {
      yield { kind: 'file', path: arg, stable: basename(abs), target, size: st.size };
      continue;
    }
    let rootReal: string;
    try {
      rootReal = realpathSync(abs);
    } catch {
      rootReal = abs;
    }
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
        if (ls.isSymbolicLink()) {
          let real: string;
          try {
            real = realpathSync(full);
          } catch {
            yield { kind: 'skipped', path: shown, stable: rel, target, reason: 'dangling symlink' };
            continue;
          }
          if (!inside(rootReal, real)) {
            yield {
              kind: 'skipped',
              path: shown,
              stable: rel,
              target,
              reason: `symlink points outside the scan root (${real})`,
            };
            continue;
          }
          const st2 = statSync(real);
          isDir = st2.isDirectory();
          isFile = st2.isFile();
          size = st2.size;
          if (isDir) {
            if (seenDirs.has(real)) continue;
            seenDirs.add(real);
          }
        }
        if (isDir) subdirs.push(rel);
        else if (isFile) yield { kind: 'file', path: shown, stable: rel, target, size };
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
