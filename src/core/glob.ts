// Path globs for policy acceptances: `*` (within a segment), `**` (any depth), `?`, `[abc]`, `{a,b}`, matched
// against a whole posix-style path. Compiled to an anchored RegExp without backtracking-prone nesting.

/** Compiles a glob to a RegExp matching whole paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        if (slashAfter && atSegmentStart) {
          re += '(?:[^/]*/)*'; // `**/`: zero or more whole directories
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else if (c === '{' && !inGroup) {
      re += '(?:';
      inGroup = true;
    } else if (c === '}' && inGroup) {
      re += ')';
      inGroup = false;
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  if (inGroup) throw new Error(`unclosed "{" in glob "${glob}"`);
  return new RegExp(`^${re}$`);
}

/** Posix form of a path as given on the command line: backslashes → slashes, leading `./` removed. */
export function normalizeGlobPath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}
