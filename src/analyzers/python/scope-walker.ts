// Iterative (stack-based, so deep nesting cannot overflow) pre-order walk over named nodes that tracks
// Python evaluation scopes: decorators, defaults and annotations in the outer scope, bodies in the inner one.
import type { SyntaxNode } from './syntax-tree.js';
import type { TryFrame } from './module-model.js';
import type { Scope, ScopeKind, WalkContext } from './scope-model.js';

export const COMPREHENSION_TYPES: ReadonlySet<string> = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

export interface WalkHooks {
  /** The scope of a def/lambda/class/comprehension node (the binding pass creates it, later passes look it up). */
  scopeFor(node: SyntaxNode, kind: ScopeKind, ctx: WalkContext): Scope;
  /** A frame for one part of a try statement; omit to not track try statements. */
  tryFrame?(tryNode: SyntaxNode, part: TryFrame['part'], clause: SyntaxNode, ctx: WalkContext): TryFrame;
  /** Pre-order visit of a named node; return false to skip its children. */
  visit(node: SyntaxNode, ctx: WalkContext): boolean | void;
}

interface Pending {
  node: SyntaxNode;
  ctx: WalkContext;
}

/** Walk the tree under `root` (a module node); returns the number of nodes visited. */
export function walkScopes(root: SyntaxNode, src: string, moduleCtx: WalkContext, hooks: WalkHooks): number {
  const stack: Pending[] = [{ node: root, ctx: moduleCtx }];
  let visited = 0;
  const pushAll = (nodes: SyntaxNode[], ctx: WalkContext): void => {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!;
      if (n.type !== 'comment') stack.push({ node: n, ctx });
    }
  };
  while (stack.length > 0) {
    const { node, ctx } = stack.pop()!;
    visited++;
    if (hooks.visit(node, ctx) === false) continue;
    const type = node.type;
    if (type === 'function_definition' || type === 'lambda') {
      const inner = hooks.scopeFor(node, type === 'lambda' ? 'lambda' : 'function', ctx);
      const innerCtx: WalkContext = {
        scope: inner,
        blocks: null,
        func: inner.fact,
        tries: null,
        annotation: false,
        mainGuard: false,
      };
      const later: Pending[] = [];
      const params = node.childForFieldName('parameters');
      if (params !== null) for (const p of parameterParts(params, ctx)) later.push(p);
      const ret = node.childForFieldName('return_type');
      if (ret !== null) later.push({ node: ret, ctx: { ...ctx, annotation: true } });
      const body = node.childForFieldName('body');
      if (body !== null) later.push({ node: body, ctx: innerCtx });
      for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]!);
    } else if (type === 'class_definition') {
      const inner = hooks.scopeFor(node, 'class', ctx);
      const later: Pending[] = [];
      const supers = node.childForFieldName('superclasses');
      if (supers !== null) later.push({ node: supers, ctx });
      const body = node.childForFieldName('body');
      if (body !== null) later.push({ node: body, ctx: { ...ctx, scope: inner, blocks: null, annotation: false } });
      for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]!);
    } else if (COMPREHENSION_TYPES.has(type)) {
      pushAll(node.namedChildren, { ...ctx, scope: hooks.scopeFor(node, 'comprehension', ctx) });
    } else if (type === 'block') {
      pushAll(node.namedChildren, { ...ctx, blocks: { id: node.id, parent: ctx.blocks } });
    } else if (type === 'try_statement' && hooks.tryFrame !== undefined) {
      const later: Pending[] = [];
      for (const c of node.namedChildren) {
        const part: TryFrame['part'] | undefined =
          c.type === 'block'
            ? 'body'
            : c.type === 'except_clause' || c.type === 'except_group_clause'
              ? 'handler'
              : c.type === 'else_clause'
                ? 'else'
                : c.type === 'finally_clause'
                  ? 'finally'
                  : undefined;
        if (part === undefined) {
          if (c.type !== 'comment') later.push({ node: c, ctx });
          continue;
        }
        const frame = hooks.tryFrame(node, part, c, ctx);
        later.push({ node: c, ctx: { ...ctx, tries: { frame, parent: ctx.tries } } });
      }
      for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]!);
    } else if (type === 'if_statement') {
      const cond = node.childForFieldName('condition');
      const later: Pending[] = [];
      for (const c of node.namedChildren) {
        if (c.type === 'comment') continue;
        const guarded = c.type === 'block' && cond !== null && isMainGuard(cond, src);
        later.push({ node: c, ctx: guarded ? { ...ctx, mainGuard: true } : ctx });
      }
      for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]!);
    } else if (type === 'type') {
      pushAll(node.namedChildren, { ...ctx, annotation: true });
    } else {
      pushAll(node.namedChildren, ctx);
    }
  }
  return visited;
}

/** Default values (outer scope) and annotations of a parameter list; parameter names are not uses. */
function parameterParts(params: SyntaxNode, ctx: WalkContext): Pending[] {
  const out: Pending[] = [];
  for (const p of params.namedChildren) {
    const type = p.childForFieldName('type');
    if (type !== null) out.push({ node: type, ctx: { ...ctx, annotation: true } });
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const value = p.childForFieldName('value');
      if (value !== null) out.push({ node: value, ctx });
    }
  }
  return out;
}

/** `if __name__ == "__main__":` (either operand order). */
export function isMainGuard(cond: SyntaxNode, src: string): boolean {
  let c = cond;
  while (c.type === 'parenthesized_expression' && c.namedChildCount === 1) c = c.namedChild(0)!;
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return false;
  const a = c.namedChild(0)!;
  const b = c.namedChild(1)!;
  if (src.slice(a.endIndex, b.startIndex).trim() !== '==') return false;
  const isName = (n: SyntaxNode): boolean =>
    n.type === 'identifier' && src.slice(n.startIndex, n.endIndex) === '__name__';
  const isMain = (n: SyntaxNode): boolean => {
    if (n.type !== 'string') return false;
    const t = src.slice(n.startIndex, n.endIndex);
    return t === '"__main__"' || t === "'__main__'";
  };
  return (isName(a) && isMain(b)) || (isName(b) && isMain(a));
}
