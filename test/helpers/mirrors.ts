// Tests that read third-party files through a manifest (repository, commit, path, sha256) find them in git mirrors
// that are never committed: <SENTINEL_MIRRORS>/<owner>+<name>/repo. When none is present the test skips with this
// message, which names the repositories and the plain git commands that bring them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
export const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';

/** Shown names at most; the rest are counted and found in the manifest's `repository` fields. */
const SHOWN = 12;

export function mirrorsAbsent(what: string, repos: Iterable<string>, manifest: string): string {
  const all = [...new Set(repos)].sort();
  const shown = all.slice(0, SHOWN).join(', ');
  const more = all.length > SHOWN ? ` and ${all.length - SHOWN} more (the repository fields of ${manifest})` : '';
  return (
    `${what}. The files are in the repositories ${shown}${more}. Bring each with ` +
    `git clone --bare https://github.com/OWNER/NAME "$SENTINEL_MIRRORS/OWNER+NAME/repo" ` +
    `(SENTINEL_MIRRORS defaults to ${MIRRORS})`
  );
}

/** A manifest row of a third-party file: where its mirror keeps it. */
export interface MirroredFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
}

/**
 * The blobs `<commit>:<path>` (`specs`) of the git repository `repo`, in their order, read by one
 * `git cat-file --batch` (a git process per file costs more CPU than the reading): undefined for each the repository
 * lacks (a mirror of another snapshot that lacks the commit), or for all when the repository cannot be read.
 */
export function gitBlobs(repo: string, specs: readonly string[]): (Uint8Array | undefined)[] {
  if (specs.length === 0) return [];
  let out: Buffer;
  try {
    out = execFileSync('git', ['-C', repo, 'cat-file', '--batch'], {
      input: specs.map((s) => `${s}\n`).join(''),
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  } catch {
    return specs.map(() => undefined);
  }
  // Each object: "<oid> <type> <size>\n<size bytes>\n", or "<spec> missing\n" (or "ambiguous") for one it lacks.
  const blobs: (Uint8Array | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < specs.length; i++) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error(`git cat-file --batch in ${repo}: output ends before ${specs[i]}`);
    const header = /^[0-9a-f]{40,64} (\S+) (\d+)$/.exec(out.toString('latin1', at, eol));
    at = eol + 1;
    if (header === null) {
      blobs.push(undefined);
      continue;
    }
    const size = Number(header[2]);
    blobs.push(header[1] === 'blob' ? new Uint8Array(out.subarray(at, at + size)) : undefined);
    at += size + 1;
  }
  return blobs;
}

/**
 * The rows of `files` whose bytes the mirrors hold (read with `git cat-file`), and the skip message naming every
 * repository when none is present (`what`: what is missing; `manifest`: the manifest's file name).
 */
export function mirroredFiles<T extends MirroredFile>(
  files: readonly T[],
  what: string,
  manifest: string,
): { present: { e: T; bytes: Uint8Array }[]; skip: string | false } {
  const present: { e: T; bytes: Uint8Array }[] = [];
  for (const e of files) {
    const repo = join(MIRRORS, e.repository.replace('/', '+'), 'repo');
    if (!existsSync(repo)) continue;
    try {
      const bytes = execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${e.commit}:${e.path}`], {
        maxBuffer: 64 * 1024 * 1024,
      });
      present.push({ e, bytes: new Uint8Array(bytes) });
    } catch {
      // the mirror lacks this commit: the row is absent
    }
  }
  const skip =
    present.length === 0
      ? mirrorsAbsent(
          what,
          files.map((e) => e.repository),
          manifest,
        )
      : false;
  return { present, skip };
}

/** mirroredFiles of the `files` of the manifest at `url` (a JSON file `{ files: [...] }`), named by its file name. */
export function mirroredManifest<T extends MirroredFile>(
  url: URL,
  what: string,
): { present: { e: T; bytes: Uint8Array }[]; skip: string | false } {
  const { files } = JSON.parse(readFileSync(url, 'utf8')) as { files: T[] };
  return mirroredFiles(files, what, basename(url.pathname));
}
