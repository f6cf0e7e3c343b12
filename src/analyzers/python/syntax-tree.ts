// A plain-JS copy of the named nodes of a tree-sitter tree (types, field names, UTF-16 ranges), made in one pass
// so the analysis passes never cross into wasm again. Comments and anonymous tokens are dropped; lines and
// columns are computed from the text the way tree-sitter counts them (rows split at '\n' only).
import type { Node } from 'web-tree-sitter';

export interface Point {
  row: number;
  column: number;
}

/** Sorted offsets at which each line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based row and column (UTF-16 code units) of an offset. */
  point(index: number): Point {
    let lo = 0;
    let hi = this.starts.length;
    while (lo + 1 < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid;
    }
    return { row: lo, column: index - this.starts[lo]! };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/** A named syntax node: the subset of tree-sitter's Node API the analyser uses. */
export class SyntaxNode {
  readonly namedChildren: SyntaxNode[] = [];

  constructor(
    /** Unique within the tree. */
    readonly id: number,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    /** Field name in the parent (`function`, `arguments`, `left`, ...), or null. */
    readonly field: string | null,
    private readonly lines: LineIndex,
  ) {}

  get startPosition(): Point {
    return this.lines.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.lines.point(this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.namedChildren[this.namedChildren.length - 1] ?? null;
  }

  childForFieldName(field: string): SyntaxNode | null {
    for (const c of this.namedChildren) if (c.field === field) return c;
    return null;
  }
}

export interface SyntaxTree {
  root: SyntaxNode;
  /** Every `call` node in source (pre-order) order. */
  calls: SyntaxNode[];
  nodes: number;
  lines: LineIndex;
}

/** Copy the named, non-comment nodes of a live tree-sitter tree. */
export function toSyntaxTree(root: Node, text: string): SyntaxTree {
  const lines = new LineIndex(text);
  let nextId = 0;
  const calls: SyntaxNode[] = [];
  const jsRoot = new SyntaxNode(nextId++, root.type, root.startIndex, root.endIndex, null, lines);
  const stack: [Node, SyntaxNode][] = [[root, jsRoot]];
  while (stack.length > 0) {
    const [wasm, js] = stack.pop()!;
    const kids = wasm.namedChildren;
    const pairs: [Node, SyntaxNode][] = [];
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      const type = k.type;
      if (type === 'comment') continue;
      const child = new SyntaxNode(nextId++, type, k.startIndex, k.endIndex, wasm.fieldNameForNamedChild(i), lines);
      js.namedChildren.push(child);
      if (type === 'call') calls.push(child);
      pairs.push([k, child]);
    }
    for (let i = pairs.length - 1; i >= 0; i--) stack.push(pairs[i]!);
  }
  calls.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return { root: jsRoot, calls, nodes: nextId, lines };
}
