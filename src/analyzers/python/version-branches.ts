// Code that cannot run under any Python 3 interpreter: the branch of an `if`/`elif` whose condition is a Python
// major-version test decided for every 3.x (`sys.version_info[0] == 2`, `sys.version_info < (3,)`, `six.PY2`, a
// module constant `PY3 = sys.version_info[0] == 3`, `not`/`and`/`or` of those) is emptied in the plain-JS tree
// before any fact is collected, so neither bindings nor calls of dead Python 2 code reach the rules.
import type { SyntaxNode } from './syntax-tree.js';

type Tri = boolean | undefined;

/** Modules whose `PY2`/`PY3` attributes are the interpreter's major version. */
const SIX_LIKE = new Set(['six', 'future.utils', 'past.utils']);

const MAJOR = 3;

/**
 * Empties statically dead version branches in place; returns the ids of every node removed (so call lists built
 * from the tree can drop them), or an empty set when the module has none.
 */
export function pruneDeadVersionBranches(root: SyntaxNode, text: string): Set<number> {
  const removed = new Set<number>();
  if (!text.includes('version_info') && !text.includes('PY2') && !text.includes('PY3')) return removed;
  const constants = moduleConstants(root, text);
  const decide = (n: SyntaxNode | null): Tri => (n === null ? undefined : evaluate(n, text, constants, 0));
  const drop = (n: SyntaxNode): void => {
    const stack = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      removed.add(x.id);
      for (const c of x.namedChildren) stack.push(c);
    }
  };
  const emptyBlock = (b: SyntaxNode | null): void => {
    if (b === null) return;
    for (const c of b.namedChildren) drop(c);
    b.namedChildren.length = 0;
  };
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'if_statement') {
      const clauses = [n, ...n.namedChildren.filter((c) => c.type === 'elif_clause')];
      for (let i = 0; i < clauses.length; i++) {
        const c = clauses[i]!;
        const v = decide(c.childForFieldName('condition'));
        if (v === false) emptyBlock(c.childForFieldName('consequence'));
        if (v === true) {
          // Every later elif and the else never run.
          const later = n.namedChildren.filter(
            (k) => (k.type === 'elif_clause' || k.type === 'else_clause') && k.startIndex > c.startIndex,
          );
          for (const k of later) drop(k);
          n.namedChildren.splice(0, n.namedChildren.length, ...n.namedChildren.filter((k) => !removed.has(k.id)));
          break;
        }
      }
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return removed;
}

/** Module-level names assigned exactly once in the whole module, to a decided version test. */
function moduleConstants(root: SyntaxNode, text: string): Map<string, boolean> {
  const stores = new Map<string, number>();
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier') {
        const name = text.slice(left.startIndex, left.endIndex);
        stores.set(name, (stores.get(name) ?? 0) + 1);
      }
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  const out = new Map<string, boolean>();
  for (const stmt of root.namedChildren) {
    if (stmt.type === 'import_from_statement') {
      const mod = stmt.childForFieldName('module_name');
      if (mod === null || !SIX_LIKE.has(text.slice(mod.startIndex, mod.endIndex))) continue;
      for (const c of stmt.namedChildren) {
        if (c === mod || c.type !== 'dotted_name') continue;
        const name = text.slice(c.startIndex, c.endIndex);
        if ((name === 'PY2' || name === 'PY3') && stores.get(name) === undefined) out.set(name, name === 'PY3');
      }
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChildren[0];
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || right === null) continue;
    const name = text.slice(left.startIndex, left.endIndex);
    if (stores.get(name) !== 1) continue;
    const v = evaluate(right, text, out, 0);
    if (v !== undefined) out.set(name, v);
  }
  return out;
}

function evaluate(n: SyntaxNode, text: string, constants: ReadonlyMap<string, boolean>, depth: number): Tri {
  if (depth > 16) return undefined;
  const src = text.slice(n.startIndex, n.endIndex);
  switch (n.type) {
    case 'parenthesized_expression':
      return n.namedChildren.length === 1 ? evaluate(n.namedChildren[0]!, text, constants, depth + 1) : undefined;
    case 'not_operator': {
      const v = evaluate(n.namedChildren[0]!, text, constants, depth + 1);
      return v === undefined ? undefined : !v;
    }
    case 'boolean_operator': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l === null || r === null) return undefined;
      const a = evaluate(l, text, constants, depth + 1);
      const b = evaluate(r, text, constants, depth + 1);
      const op = text.slice(l.endIndex, r.startIndex).trim();
      if (op === 'and') return a === false || b === false ? false : a === true && b === true ? true : undefined;
      if (op === 'or') return a === true || b === true ? true : a === false && b === false ? false : undefined;
      return undefined;
    }
    case 'identifier':
      return constants.get(src);
    case 'attribute':
      if (/^(six|future\.utils)\.PY[23]$/.test(src)) return src.endsWith('PY3');
      return undefined;
    case 'comparison_operator':
      return comparison(n, text);
    default:
      return undefined;
  }
}

/** `sys.version_info[0] OP int`, `sys.version_info.major OP int`, `sys.version_info[:k] OP (a, ...)`. */
function comparison(n: SyntaxNode, text: string): Tri {
  if (n.namedChildren.length !== 2) return undefined;
  const [l, r] = n.namedChildren as [SyntaxNode, SyntaxNode];
  const op = text.slice(l.endIndex, r.startIndex).trim();
  const left = text.slice(l.startIndex, l.endIndex).replace(/\s+/g, '');
  const right = text.slice(r.startIndex, r.endIndex).replace(/\s+/g, '');
  if (left === 'sys.version_info[0]' || left === 'sys.version_info.major') {
    if (!/^\d+$/.test(right)) return undefined;
    return compareInts(MAJOR, Number(right), op);
  }
  if (left === 'sys.version_info' || /^sys\.version_info\[:\d\]$/.test(left)) {
    const m = /^\((\d+)(?:,(\d+))*,?\)$/.exec(right);
    if (m === null) return undefined;
    const parts = right
      .slice(1, -1)
      .split(',')
      .filter((s) => s !== '');
    const first = Number(parts[0]);
    if (first !== MAJOR) return compareInts(MAJOR, first, op);
    if (parts.length !== 1) return undefined;
    // (3, minor, ...) against (3,): the longer tuple is greater.
    return op === '>=' || op === '>' || op === '!='
      ? true
      : op === '<' || op === '<=' || op === '=='
        ? false
        : undefined;
  }
  return undefined;
}

function compareInts(a: number, b: number, op: string): Tri {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return undefined;
  }
}
