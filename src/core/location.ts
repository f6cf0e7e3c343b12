// Location chains: where a signal sits, from the file on disk down through container entries,
// decompression layers and nested pickles. Rendered as `export.zip!/proj/model.pt!/archive/data.pkl@1234`.

/**
 * One step of a location chain. The first segment is the path given on the command line (or found by
 * the walker); later segments are container entries (`/name`), decompression layers (`[gzip]`) or
 * nested payloads (`@offset`, a bytes literal inside a pickle handed to a nested loader).
 */
export type Segment = string;

/** Where a finding or a unit of bytes is. */
export interface Location {
  readonly chain: readonly Segment[];
  /** Byte offset inside the innermost segment. */
  readonly offset?: number;
  /** 1-based line and column for source-code evidence. */
  readonly line?: number;
  readonly column?: number;
}

export function entrySegment(name: string): Segment {
  return '/' + name;
}

export function layerSegment(codec: string): Segment {
  return '[' + codec + ']';
}

export function nestedSegment(offset: number): Segment {
  return '@' + offset;
}

export function child(parent: Location, segment: Segment): Location {
  return { chain: [...parent.chain, segment] };
}

export function at(loc: Location, offset: number): Location {
  return { chain: loc.chain, offset };
}

/** `a.zip!/x/model.pt!/archive/data.pkl@12`, `f.pkl!@120@7`, `src/app.py:12:5`. */
export function formatLocation(loc: Location): string {
  let s = loc.chain[0] ?? '';
  for (let i = 1; i < loc.chain.length; i++) s += '!' + loc.chain[i];
  if (loc.offset !== undefined) s += '@' + loc.offset;
  if (loc.line !== undefined) s += ':' + loc.line + (loc.column !== undefined ? ':' + loc.column : '');
  return s;
}

/** The innermost name (entry or file), used for extension evidence. */
export function innermostName(loc: Location): string {
  for (let i = loc.chain.length - 1; i >= 0; i--) {
    const seg = loc.chain[i]!;
    if (seg.startsWith('@') || seg.startsWith('[')) continue;
    const clean = seg.startsWith('/') ? seg.slice(1) : seg;
    const slash = clean.lastIndexOf('/');
    return slash >= 0 ? clean.slice(slash + 1) : clean;
  }
  return '';
}
