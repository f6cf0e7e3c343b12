// Operator mistakes caught before a scan starts, and a scan that found nothing to scan: each is a usage error
// (exit 2, one line on stderr), never a security finding and never a silent pass.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SentinelReport } from '../report/report-model.js';
import { isRemoteArg } from '../sources/remote/resolve-target.js';

/** A mistake of the person running the command (exit 2). */
export class OperatorError extends Error {}

/**
 * Every named local path exists (`-` is standard input; remote targets are resolved by the scan). A path that
 * exists but cannot be read is scanned (a finding).
 */
export function checkPathsExist(paths: readonly string[], cwd: string): void {
  for (const p of paths) {
    if (p === '-' || isRemoteArg(p)) continue;
    try {
      statSync(resolve(cwd, p));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new OperatorError(`${p}: no such file or directory`);
      if (code === 'ELOOP') throw new OperatorError(`${p}: too many levels of symbolic links`);
    }
  }
}

/** A report file can be written: its folder exists and is writable, and the file, if present, is a writable file. */
export function checkWritable(file: string, cwd: string, option: string): void {
  const abs = resolve(cwd, file);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new OperatorError(`${option} ${file}: is a directory`);
  const target = st ? abs : dirname(abs);
  if (!st) {
    try {
      if (!statSync(target).isDirectory()) throw new OperatorError(`${option} ${file}: ${target} is not a directory`);
    } catch (e) {
      if (e instanceof OperatorError) throw e;
      throw new OperatorError(`${option} ${file}: folder ${dirname(file) || '.'} does not exist`);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch {
    throw new OperatorError(`${option} ${file}: not writable`);
  }
}

/**
 * Why the scan does not vouch for anything (no file was read and nothing was reported), or undefined. The message
 * names what was left out, so an over-broad exclude is visible.
 */
export function nothingScanned(report: SentinelReport): string | undefined {
  if (report.summary.files > 0 || report.findings.length > 0 || report.errors.length > 0) return undefined;
  const skipped = report.skipped;
  const shown = skipped
    .slice(0, 3)
    .map((s) => s.path)
    .join(', ');
  const left = skipped.length
    ? `; ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} left out (${shown}${skipped.length > 3 ? ', …' : ''}: see --exclude, --no-default-skips)`
    : '';
  return `nothing to scan: no file found in ${report.targets.join(', ')}${left}`;
}
