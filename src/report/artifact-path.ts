// Report paths for code-scanning uploads: a scanned file's path relative to the source root (the repository a CI
// job checked out), with `/` separators, or its absolute file URI when it lies outside. Pure: the caller supplies
// the working directory and the root.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where relative report paths were taken from and what they are reported against. */
export interface PathBase {
  /** Directory the scan's relative paths are relative to. */
  readonly cwd: string;
  /** Source root (absolute); relative URIs are relative to it. Default: `cwd`. */
  readonly srcRoot?: string;
}

/** A percent-encoded relative URI reference (each segment encoded, `/` kept). */
export function encodeRelative(posixPath: string): string {
  return posixPath
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/**
 * The path of a scanned file relative to the source root (posix separators, no `./`), or undefined when it is
 * outside the root (then use `absoluteUri`).
 */
export function rootRelative(path: string, base: PathBase): string | undefined {
  const abs = resolve(base.cwd, path);
  const rel = relative(base.srcRoot ?? base.cwd, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The absolute file URI of a scanned file. */
export function absoluteUri(path: string, base: PathBase): string {
  return pathToFileURL(resolve(base.cwd, path)).href;
}

/** The source root as the base URI of relative paths (file URI with a trailing slash). */
export function rootUri(base: PathBase): string {
  const href = pathToFileURL(resolve(base.srcRoot ?? base.cwd)).href;
  return href.endsWith('/') ? href : href + '/';
}
