// What a directory walk leaves out, and why: version-control stores, virtual environments and tool caches (by
// default), `--exclude` / policy `exclude:` globs, and `.gitignore` rules when asked (git's pattern syntax, read
// with the `ignore` package). Every entry left out is reported as skipped, never silently dropped.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { entryAt } from './entry-at.js';
import type { Ignore } from 'ignore';
import { globToRegExp, normalizeGlobPath } from '../core/glob.js';

/** Directory names that hold a tool's own data, never a project's artifacts. */
const TOOL_DIRS: ReadonlyMap<string, string> = new Map([
  ['.git', 'version-control store'],
  ['.hg', 'version-control store'],
  ['.svn', 'version-control store'],
  ['.bzr', 'version-control store'],
  ['__pycache__', 'Python bytecode cache'],
  ['.tox', 'tool cache'],
  ['.nox', 'tool cache'],
  ['.mypy_cache', 'tool cache'],
  ['.pytest_cache', 'tool cache'],
  ['.ruff_cache', 'tool cache'],
  ['.hypothesis', 'tool cache'],
  ['.ipynb_checkpoints', 'notebook checkpoints'],
  ['node_modules', 'JavaScript dependencies'],
]);

export interface WalkFilterOptions {
  /**
   * Leave out version-control stores (.git, .hg, .svn, .bzr), virtual environments (a folder holding pyvenv.cfg or
   * conda-meta/), tool caches (__pycache__, .tox, .mypy_cache, .pytest_cache, node_modules, ...) and Sphinx doctree
   * caches (a doctrees/ folder holding environment.pickle). Default true.
   */
  readonly defaultSkips?: boolean;
  /**
   * Globs of paths to leave out, matched against the path relative to the scanned directory (`/`-separated); a glob
   * without `/` matches a file or folder name at any depth (`*.log`, `build`).
   */
  readonly exclude?: readonly string[];
  /** Leave out what the .gitignore files (and .git/info/exclude) of the enclosing git checkout ignore. */
  readonly respectGitignore?: boolean;
  /**
   * The `ignore` package's factory, loaded by the caller when respectGitignore is set (kept off the start-up path of
   * every other scan).
   */
  readonly gitignore?: () => Ignore;
}

interface IgnoreLayer {
  /** Absolute directory the patterns are relative to. */
  readonly dir: string;
  readonly rules: Ignore;
}

/** Decides, for one walked directory root, which entries are left out (and why). */
export class WalkFilter {
  private readonly globs: { readonly source: string; readonly re: RegExp; readonly anyDepth: boolean }[];
  private readonly layers = new Map<string, IgnoreLayer[]>();
  private readonly gitRoot: string | undefined;

  constructor(
    private readonly root: string,
    private readonly opts: WalkFilterOptions,
  ) {
    this.globs = (opts.exclude ?? []).map((g) => {
      const n = normalizeGlobPath(g).replace(/\/+$/, '');
      return { source: g, re: globToRegExp(n), anyDepth: !n.includes('/') };
    });
    this.gitRoot = opts.respectGitignore && opts.gitignore ? gitRootOf(root) : undefined;
  }

  /**
   * Why the entry `rel` (relative to the root, platform separators) is left out, or undefined to walk it. `full` is
   * its absolute path.
   */
  skipReason(rel: string, full: string, isDir: boolean): string | undefined {
    const name = rel.slice(rel.lastIndexOf(sep) + 1);
    if (this.opts.defaultSkips !== false) {
      const tool = TOOL_DIRS.get(name);
      // `.git` is also a file in a worktree or submodule (a pointer to the real store).
      if (tool && (isDir || name === '.git')) return `${tool} (skipped by default)`;
      if (isDir && isVirtualEnv(full)) return 'virtual environment (skipped by default)';
      if (isDir && isSphinxDoctrees(name, full)) return 'Sphinx documentation build cache (skipped by default)';
    }
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    for (const g of this.globs) {
      if (g.re.test(posix) || (g.anyDepth && g.re.test(name))) return `excluded by ${g.source}`;
    }
    if (this.gitRoot !== undefined) {
      const why = this.gitignored(full, isDir);
      if (why) return why;
    }
    return undefined;
  }

  /** The last .gitignore rule layer that decides `full`, deepest layer winning (git's precedence). */
  private gitignored(full: string, isDir: boolean): string | undefined {
    const root = this.gitRoot!;
    let verdict: string | undefined;
    for (const layer of this.layersFor(dirname(full))) {
      const rel = relative(layer.dir, full).split(sep).join('/');
      if (!rel || rel.startsWith('..')) continue;
      const t = layer.rules.test(isDir ? rel + '/' : rel);
      if (t.ignored) verdict = `ignored by ${relative(root, join(layer.dir, '.gitignore')).split(sep).join('/')}`;
      else if (t.unignored) verdict = undefined;
    }
    return verdict;
  }

  /** Rule layers from the checkout root down to `dir` (inclusive), cached per directory. */
  private layersFor(dir: string): IgnoreLayer[] {
    const hit = this.layers.get(dir);
    if (hit) return hit;
    const root = this.gitRoot!;
    let out: IgnoreLayer[];
    if (dir === root || !dir.startsWith(root + sep)) {
      out = [];
      const info = readText(join(root, '.git', 'info', 'exclude'));
      if (info) out.push({ dir: root, rules: this.opts.gitignore!().add(info) });
    } else out = [...this.layersFor(dirname(dir))];
    const text = readText(join(dir, '.gitignore'));
    if (text) out.push({ dir, rules: this.opts.gitignore!().add(text) });
    this.layers.set(dir, out);
    return out;
  }
}

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** A virtual environment: venv/virtualenv write pyvenv.cfg at its top, conda writes conda-meta/. */
export function isVirtualEnv(dir: string): boolean {
  // Asked of the entries, never of what a link among them leads to (entry-at.ts).
  return entryAt(dir, 'pyvenv.cfg') || entryAt(dir, 'conda-meta/history');
}

/** The working-tree root of the git checkout holding `dir` (a folder with a `.git` entry), if any. */
export function gitRootOf(dir: string): string | undefined {
  let d = resolve(dir);
  for (let i = 0; i < 256; i++) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
  return undefined;
}

/**
 * A Sphinx doctree cache: the `doctrees` (or `.doctrees`) folder sphinx-build writes beside its output, holding the
 * pickled build environment (`environment.pickle`) and one pickled doctree per page. sphinx-build reads it back on
 * the next build of the same folder; no model loader does. Named explicitly, its files are scanned like any other.
 */
function isSphinxDoctrees(name: string, full: string): boolean {
  return (name === 'doctrees' || name === '.doctrees') && entryAt(full, 'environment.pickle');
}
