// A plain-JS copy of the named nodes of a tree-sitter tree (types, field names, UTF-16 ranges), made in one pass
// so the analysis passes never cross into wasm again. Comments and anonymous tokens are dropped; lines and
// columns are computed from the text the way tree-sitter counts them (rows split at '\n' only).
import type { Node, TreeCursor } from 'web-tree-sitter';
import { LARGE_LITERAL_CHARS } from './large-literals.js';
import { treeCursorCalls } from './parser.js';

export { LARGE_LITERAL_CHARS };

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
  /** Set once by toSyntaxTree, to an array of exactly the children's length. */
  namedChildren: SyntaxNode[] = [];

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

/**
 * Copy the named, non-comment nodes of a live tree-sitter tree. One cursor walks the tree in pre-order: each visit
 * asks wasm for small integers only (type id, field id, start, end), where the Node API allocated a Node per child
 * and copied each field name out of wasm memory (half the conversion's time on a 37 KB file, cold). The cursor does
 * not descend into anonymous nodes (tokens, and the two-word operators `is not`/`not in` whose children are tokens
 * too: the grammar's node types give no anonymous node a named child), nor into comments. Measured against the Node
 * API copy (namedChildren, fieldNameForNamedChild): identical on 4,290 real files and 3,000 truncated or mutated
 * ones; 14.3 -> 11.4 s for the 4,290 (test/analyzers/python/syntax-tree.test.ts keeps the comparison). The cursor's
 * calls go to the grammar module's exports with its state left in the transfer buffer (treeCursorCalls): identical
 * trees on 2,537 files of scikit-learn, Django and PyTorch, converted in 1.6 s against 4.2 s through the TreeCursor
 * API (warm); over 100 one-file CLI runs (cold) the conversion took 1.2 s instead of 2.6 s.
 */
export function toSyntaxTree(root: Node, text: string, cursorApi = false): SyntaxTree {
  const lines = new LineIndex(text);
  const language = root.tree.language;
  const { types, fields } = language;
  // Whether a node is named follows from its type (the symbol the cursor reports, aliases included): asked of the
  // grammar once per type rather than of the cursor once per node.
  const named: (boolean | undefined)[] = [];
  let nextId = 0;
  const calls: SyntaxNode[] = [];
  const jsRoot = new SyntaxNode(nextId++, root.type, root.startIndex, root.endIndex, null, lines);
  const cursor = root.walk();
  const walk = cursorSteps(cursor, cursorApi);
  try {
    // The node collecting named children at each depth below the root (an anonymous node repeats its parent's).
    const parents: SyntaxNode[] = [jsRoot];
    // The named children of the open nodes, end to end, and where each open node's start: a node's children are
    // moved into an array of their own size when the walk leaves it (pushing to each node's own array would leave
    // most of them with room for 17 children, the larger part of a tree of short statements).
    const kids: SyntaxNode[] = [];
    const from: number[] = [0];
    let more = walk.firstChild();
    while (more) {
      // Undefined: no named node below (a comment, or a token).
      let collector: SyntaxNode | undefined;
      const typeId = walk.typeId();
      if ((named[typeId] ??= language.nodeTypeIsNamed(typeId))) {
        const type = types[typeId] || 'ERROR';
        if (type === 'comment') collector = undefined;
        else {
          const field = walk.fieldId();
          const child = new SyntaxNode(
            nextId++,
            type,
            walk.startIndex(),
            walk.endIndex(),
            fields[field] ?? null,
            lines,
          );
          kids.push(child);
          if (type === 'call') calls.push(child);
          // A large display of constants, or a large run of adjacent string literals, is kept as one opaque node
          // (no children): a data table compiled into the module carries no call, name or taint, and copying its
          // elements would cost time and memory in proportion to the table rather than to the code (an opaque
          // string run decodes to an unknown value, python-literals.ts).
          collector =
            LARGE_LITERAL_TYPES.has(type) &&
            child.endIndex - child.startIndex >= LARGE_LITERAL_CHARS &&
            constantSubtree(walk, (t) => (named[t] ??= language.nodeTypeIsNamed(t)), types)
              ? undefined
              : child;
        }
      }
      if (collector !== undefined && walk.firstChild()) {
        parents.push(collector);
        from.push(kids.length);
        continue;
      }
      // The next sibling here or of the nearest ancestor below the root that has one.
      while (!(more = walk.nextSibling()) && parents.length > 1) {
        walk.parent();
        parents.pop()!.namedChildren = kids.splice(from.pop()!);
      }
    }
    jsRoot.namedChildren = kids.splice(0);
  } finally {
    walk.done();
  }
  calls.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return { root: jsRoot, calls, nodes: nextId, lines };
}

const LARGE_LITERAL_TYPES: ReadonlySet<string> = new Set(['dictionary', 'list', 'set', 'tuple', 'concatenated_string']);
/** Named node types a display of constants is made of (strings, numbers, signs, nested displays). */
const CONSTANT_TYPES: ReadonlySet<string> = new Set([
  'dictionary',
  'list',
  'set',
  'tuple',
  'pair',
  'parenthesized_expression',
  'string',
  'string_start',
  'string_content',
  'string_end',
  'escape_sequence',
  'escape_interpolation',
  'concatenated_string',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'unary_operator',
  'comment',
]);

/**
 * Whether every named node below the cursor's node is a constant (CONSTANT_TYPES). The cursor ends where it
 * started. One pass over the subtree, stopped at the first non-constant node.
 */
function constantSubtree(walk: CursorSteps, isNamed: (typeId: number) => boolean, types: readonly string[]): boolean {
  if (!walk.firstChild()) return true;
  let depth = 1;
  while (depth > 0) {
    const t = walk.typeId();
    if (isNamed(t) && !CONSTANT_TYPES.has(types[t] ?? '')) {
      for (; depth > 0; depth--) walk.parent();
      return false;
    }
    if (walk.firstChild()) {
      depth++;
      continue;
    }
    while (depth > 0 && !walk.nextSibling()) {
      walk.parent();
      depth--;
    }
  }
  return true;
}

/** A cursor's moves and reads for one walk; `done` deletes the cursor. */
interface CursorSteps {
  typeId(): number;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): void;
  done(): void;
}

/**
 * The walk's steps: on the grammar module's exports with the cursor's state kept in its transfer buffer for the whole
 * walk (treeCursorCalls; nothing else calls tree-sitter until `done`), else, or with `api` (tests compare the two),
 * through the TreeCursor API.
 */
function cursorSteps(cursor: TreeCursor, api: boolean): CursorSteps {
  const raw = api ? undefined : treeCursorCalls();
  if (raw === undefined)
    return {
      typeId: () => cursor.nodeTypeId,
      fieldId: () => cursor.currentFieldId,
      startIndex: () => cursor.startIndex,
      endIndex: () => cursor.endIndex,
      firstChild: () => cursor.gotoFirstChild(),
      nextSibling: () => cursor.gotoNextSibling(),
      parent: () => void cursor.gotoParent(),
      done: () => cursor.delete(),
    };
  const t = raw.load(cursor);
  return {
    typeId: () => raw.typeId(t),
    fieldId: () => raw.fieldId(t),
    startIndex: () => raw.startIndex(t),
    endIndex: () => raw.endIndex(t),
    firstChild: () => raw.firstChild(t) === 1,
    nextSibling: () => raw.nextSibling(t) === 1,
    parent: () => void raw.parent(t),
    done: () => {
      // The state back in the cursor first: a move may have moved its stack (the first word), which delete frees.
      raw.store(cursor);
      cursor.delete();
    },
  };
}
