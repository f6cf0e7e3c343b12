// Entry-name checks shared by the ZIP, tar and 7z readers: `..` components (path traversal) and names that are
// absolute once extracted (leading slash or backslash, drive letters, UNC) or that use backslash separators.

export interface PathFinding {
  code: 'PATH_TRAVERSAL' | 'ABSOLUTE_PATH';
  message: string;
}

/** Path anomalies of one archive entry name (empty when the name is a plain relative path). */
export function entryPathFindings(name: string): PathFinding[] {
  // The common case (a relative name with forward slashes and no "..") answers without splitting the name.
  if (!name.includes('..') && !name.includes('\\') && !name.startsWith('/') && name.charCodeAt(1) !== 0x3a) return [];
  const out: PathFinding[] = [];
  const parts = name.split(/[/\\]/);
  if (parts.includes('..'))
    out.push({ code: 'PATH_TRAVERSAL', message: `entry name ${JSON.stringify(name)} has a ".." component` });
  if (name.startsWith('/') || name.startsWith('\\')) {
    out.push({ code: 'ABSOLUTE_PATH', message: `entry name ${JSON.stringify(name)} starts with a path separator` });
  } else if (/^[A-Za-z]:/.test(name)) {
    out.push({ code: 'ABSOLUTE_PATH', message: `entry name ${JSON.stringify(name)} starts with a drive letter` });
  } else if (name.includes('\\')) {
    out.push({
      code: 'ABSOLUTE_PATH',
      message: `entry name ${JSON.stringify(name)} uses backslash separators (absolute or traversing on Windows)`,
    });
  }
  return out;
}
