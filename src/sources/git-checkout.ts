// The git checkout a directory belongs to, read from .git itself (no git binary needed: container images and
// minimal CI runners often have none): root, commit, branch and the origin remote without credentials. Used for
// SARIF versionControlProvenance and repository-relative report paths. Worktrees (.git file) are followed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A git checkout: its root directory and, when readable, the commit, branch and origin remote. */
export interface GitCheckout {
  /** Absolute path of the working tree root. */
  readonly root: string;
  /** Commit checked out (40 hex digits). */
  readonly revisionId?: string;
  /** Branch checked out (absent when HEAD is detached). */
  readonly branch?: string;
  /** URL of the `origin` remote with any user name or token removed. */
  readonly repositoryUri?: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function gitDirOf(dotGit: string): string | undefined {
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return undefined;
  }
  const m = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '');
  return m ? resolve(dirname(dotGit), m[1]!.trim()) : undefined;
}

function resolveRef(gitDir: string, commonDir: string, ref: string): string | undefined {
  for (const d of [gitDir, commonDir]) {
    const loose = read(join(d, ref))?.trim();
    if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
  }
  for (const line of (read(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
  }
  return undefined;
}

/** `origin`'s URL as a URI without credentials; scp-like `user@host:path` becomes `ssh://host/path`. */
export function publicRemoteUri(url: string): string | undefined {
  const scp = /^[^@/\s]+@([^:/\s]+):(.+)$/.exec(url);
  if (scp) return `ssh://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}`;
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return undefined;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return undefined;
  }
}

function originUrl(commonDir: string): string | undefined {
  let inOrigin = false;
  for (const raw of (read(join(commonDir, 'config')) ?? '').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const m = /^url\s*=\s*(.+)$/.exec(line);
      if (m) return publicRemoteUri(m[1]!.trim());
    }
  }
  return undefined;
}

/** The checkout containing `dir` (searching upwards), or undefined outside any. Never throws. */
export function findGitCheckout(dir: string): GitCheckout | undefined {
  let d = resolve(dir);
  for (let i = 0; i < 256; i++) {
    const dotGit = join(d, '.git');
    if (existsSync(dotGit)) {
      const gitDir = gitDirOf(dotGit);
      if (!gitDir) return { root: d };
      const common = read(join(gitDir, 'commondir'))?.trim();
      const commonDir = common ? resolve(gitDir, common) : gitDir;
      const head = read(join(gitDir, 'HEAD'))?.trim() ?? '';
      const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
      const revisionId = ref ? resolveRef(gitDir, commonDir, ref) : /^[0-9a-f]{40}$/.test(head) ? head : undefined;
      const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
      const repositoryUri = originUrl(commonDir);
      return {
        root: d,
        ...(revisionId ? { revisionId } : {}),
        ...(branch ? { branch } : {}),
        ...(repositoryUri ? { repositoryUri } : {}),
      };
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
  return undefined;
}
