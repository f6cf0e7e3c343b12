// Model caches as they sit on disk. The Hugging Face hub cache keeps each repository as `models--org--name/`
// (also `datasets--…`, `spaces--…`) with the content in `blobs/<hash>` and every revision as
// `snapshots/<revision>/<file>`, a relative symlink into `../../blobs/` (huggingface_hub's file_download layout).
import { join, relative, sep } from 'node:path';

const REPO_DIR = /^(models|datasets|spaces)--./;

/** `p` is `root` or lies under it (both absolute, already resolved). */
export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !rel.startsWith(sep));
}

/**
 * The `blobs/` folder a symlink may point into when the folder holding it (`linkDir`, resolved) lies in a hub
 * repository's `snapshots/<revision>/`, else undefined.
 */
export function snapshotBlobsDir(linkDir: string): string | undefined {
  const parts = linkDir.split(sep);
  for (let i = parts.length - 2; i >= 1; i--) {
    if (parts[i] === 'snapshots' && REPO_DIR.test(parts[i - 1]!)) return [...parts.slice(0, i), 'blobs'].join(sep);
  }
  return undefined;
}

/** `path` (absolute) is a blob of a hub repository (`models--…/blobs/<hash>`). */
export function isCacheBlob(path: string): boolean {
  const parts = path.split(sep);
  return parts.length >= 3 && parts[parts.length - 2] === 'blobs' && REPO_DIR.test(parts[parts.length - 3]!);
}

/**
 * Cache roots named by the environment, as huggingface_hub resolves them: `HF_HUB_CACHE` (or the older
 * `HUGGINGFACE_HUB_CACHE`), `HF_HOME` (default `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`).
 * Symlinks under a scan path inside one of them may point anywhere inside that root.
 */
export function hfCacheRoots(env: Readonly<Record<string, string | undefined>>, home: string): string[] {
  const roots: string[] = [];
  for (const v of [env['HF_HUB_CACHE'], env['HUGGINGFACE_HUB_CACHE'], env['HF_HOME']]) if (v) roots.push(v);
  if (!env['HF_HOME'] && home) roots.push(join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'huggingface'));
  return roots;
}
