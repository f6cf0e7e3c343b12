// Conversions from tree-sitter nodes to 1-based source spans and short source excerpts
// (columns in UTF-16 code units, end exclusive, as in SARIF regions).
import type { Point } from './syntax-tree.js';
import type { SourceSpan } from './module-model.js';

/** Longest excerpt kept for a call, expression or string literal. */
export const EXCERPT_CHARS = 200;

/** Anything with tree-sitter-style ranges (a SyntaxNode, or a live tree-sitter Node). */
export interface Ranged {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
}

export function spanOf(node: Ranged): SourceSpan {
  const start = node.startPosition;
  const end = node.endPosition;
  return {
    line: start.row + 1,
    column: start.column + 1,
    endLine: end.row + 1,
    endColumn: end.column + 1,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
  };
}

/** `text[start, end)` cut to {@link EXCERPT_CHARS} characters (with `…` when cut). */
export function excerpt(text: string, start: number, end: number, max = EXCERPT_CHARS): string {
  if (end - start <= max) return text.slice(start, end);
  return text.slice(start, start + max - 1) + '…';
}

/**
 * Excerpts of one source text, for one analysis. An excerpt within {@link EXCERPT_CHARS} is a slice sharing the
 * text's memory; a cut one is the slice and `…` joined, which becomes a private copy of the excerpt (two bytes a
 * character, for the `…`) as soon as it is read character by character (`endsWith`, `lastIndexOf`, a map key). Cut
 * excerpts starting at the same offset are the same text, so they are made once: a chain of calls or attributes
 * (`f()()()…`, `a.b().c().d()`, whose every link starts where the chain does) holds one cut excerpt, not one a link,
 * and reading them copies one string, not one a link.
 */
export class SourceExcerpts {
  private readonly cut = new Map<number, string>();
  constructor(private readonly text: string) {}

  /** `excerpt(text, start, end)`, the same string for every cut excerpt starting at `start`. */
  of(start: number, end: number): string {
    if (end - start <= EXCERPT_CHARS) return this.text.slice(start, end);
    let s = this.cut.get(start);
    if (s === undefined) this.cut.set(start, (s = excerpt(this.text, start, end)));
    return s;
  }
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * `list`, or when it is empty one shared, frozen empty array: most call sites have no keyword, splat, enclosing
 * `try` or assigned name, and a module of a few hundred thousand calls would otherwise hold an empty array for each.
 * Facts are never written after the analysis (a write to the shared array throws rather than leaks).
 */
export function orNone<T>(list: T[]): T[] {
  return list.length === 0 ? (NONE as unknown as T[]) : list;
}

/**
 * Lists of names made compact: an empty list is the shared frozen empty array, a one-name list is one frozen array
 * shared by every fact naming the same thing (a module of a few hundred thousand `f(x)` calls reads the name `x`
 * in each), a longer list is copied to its exact length (a list grown by `push` keeps room for 16 entries).
 */
export class NameLists {
  private readonly single = new Map<string, string[]>();

  of(list: string[]): string[] {
    if (list.length === 0) return NONE as unknown as string[];
    if (list.length > 1) return list.slice();
    const name = list[0]!;
    let shared = this.single.get(name);
    if (shared === undefined) this.single.set(name, (shared = Object.freeze([name]) as unknown as string[]));
    return shared;
  }
}
