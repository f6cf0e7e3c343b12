// Tests that read third-party files through a manifest (repository, commit, path, sha256) find them in git mirrors
// that are never committed: <SENTINEL_MIRRORS>/<owner>+<name>/repo. When none is present the test skips with this
// message, which names the repositories and the plain git commands that bring them.
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
