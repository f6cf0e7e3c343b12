// Where the tests that read third-party files find git mirrors of the repositories those files come from, and the
// skip reason they give when none is there: the repositories by name and a plain `git clone --mirror` to get them.

/** The folder of `<owner>+<name>/repo` git mirrors. */
export const MIRRORS = process.env['SENTINEL_MIRRORS'] ?? '/work/.mirror';

/** `no … present: clone … (a, b, c and N more, listed in MANIFEST) …` for a skip. */
export function mirrorSkipReason(what: string, repositories: readonly string[], manifest: string): string {
  const repos = [...new Set(repositories)].sort();
  const named = repos.slice(0, 4).join(', ') + (repos.length > 4 ? ` and ${repos.length - 4} more` : '');
  return (
    `no ${what} present: needs git mirrors of ${named} (listed in ${manifest}); get each with ` +
    `git clone --mirror https://github.com/OWNER/NAME "$SENTINEL_MIRRORS/OWNER+NAME/repo" (SENTINEL_MIRRORS ` +
    `defaults to ${MIRRORS})`
  );
}
