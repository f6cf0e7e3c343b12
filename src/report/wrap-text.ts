// Word wrapping for the compact text report: lines fit a column width, breaking at spaces and after `/` (a path
// breaks between folders, never inside a name unless one name is wider than the line).

/**
 * `text` wrapped to `width` columns: the first line starts with `first`, the others with `rest` (default: as
 * many spaces as `first` is long). Counts UTF-16 code units (close enough for report text; controls are escaped).
 */
export function wrapText(text: string, width: number, first: string, rest?: string): string[] {
  const next = rest ?? ' '.repeat(first.length);
  const tokens = text.match(/[^\s/]*\/|[^\s/]+|\s+/g) ?? [];
  const lines: string[] = [];
  let line = first;
  let prefixLen = first.length;
  const flush = (): void => {
    lines.push(line.trimEnd());
    line = next;
    prefixLen = next.length;
  };
  for (const tok of tokens) {
    if (/^\s+$/.test(tok)) {
      if (line.length > prefixLen) line += ' ';
      continue;
    }
    if (line.length + tok.length > width && line.trimEnd().length > prefixLen) {
      flush();
    }
    let t = tok;
    // A single token wider than a line: hard-break it (never happens for ordinary names).
    while (line.length + t.length > width && width - line.length > 8) {
      const room = width - line.length;
      line += t.slice(0, room);
      t = t.slice(room);
      flush();
    }
    line += t;
  }
  if (line.trimEnd().length > prefixLen || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}
