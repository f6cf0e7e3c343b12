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
