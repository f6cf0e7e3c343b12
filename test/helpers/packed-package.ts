// The npm package as users get it: `npm pack` of this checkout (dist/ rebuilt first when src/ is newer), installed
// with `npm install ./sentinel-ml-*.tgz --ignore-scripts` into a fresh folder outside the repo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAfter(file: string, sources: number): boolean {
  return existsSync(file) && statSync(file).mtimeMs >= sources;
}

/** npm with its output captured (npm's own warnings go to stderr and are ignored). */
export function npm(args: readonly string[], cwd: string): string {
  return execFileSync(NPM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Packs this checkout into `dest` and returns the tarball path. */
export function packTarball(dest: string): string {
  const sources = Math.max(newest(join(ROOT, 'src')), statSync(join(ROOT, 'package.json')).mtimeMs);
  if (!builtAfter(join(ROOT, 'dist', 'lib', 'index.js'), sources)) npm(['run', 'build', '--silent'], ROOT);
  if (!builtAfter(join(ROOT, 'dist', 'types', 'sentinel-ml.d.ts'), sources))
    npm(['run', 'build:types', '--silent'], ROOT);
  // The build is fresh: pack without re-running it (prepack/prepare), as `npm pack` would package it.
  const name = npm(['pack', '--ignore-scripts', '--pack-destination', dest], ROOT).trim();
  return join(dest, name);
}

export interface InstalledPackage {
  /** Folder with package.json and node_modules/sentinel-ml. */
  readonly dir: string;
  readonly tarball: string;
}

/** A fresh folder with the packed package installed (no install scripts run). */
export function installPackage(prefix: string): InstalledPackage {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tarball = packTarball(dir);
  mkdirSync(join(dir, 'app'));
  const app = join(dir, 'app');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', tarball], app);
  return { dir: app, tarball };
}
