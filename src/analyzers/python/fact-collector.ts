// Pass 2: facts for rules — call sites (resolved callee, arguments, scope, decorators, try context), non-call
// attribute references, string literals, assignments, returns, try statements, parameters, decorators, bases.
import type { SyntaxNode } from './syntax-tree.js';
import type {
  AssignmentFact,
  AssignmentTarget,
  AttributeReference,
  CallSite,
  DecoratorFact,
  BinaryOperatorFact,
  DivisionFact,
  EnclosingFunction,
  FunctionFact,
  LoopFact,
  ProtocolUseFact,
  SourceSpan,
  StringLiteralFact,
  TryFact,
  TryFrame,
} from './module-model.js';
import { parameterSites, type ScopeIndex } from './binding-collector.js';
import { argumentNodes, type NameResolver } from './name-resolver.js';
import { decodeStringNode } from './python-literals.js';
import type { WalkContext } from './scope-model.js';
import { walkScopes } from './scope-walker.js';
import { orNone, spanOf } from './source-span.js';

export interface CollectedFacts {
  calls: CallSite[];
  attributeReferences: AttributeReference[];
  strings: StringLiteralFact[];
  assignments: AssignmentFact[];
  tries: TryFact[];
  loops: LoopFact[];
  branches: SourceSpan[];
  divisions: DivisionFact[];
  operators: BinaryOperatorFact[];
  protocolUses: ProtocolUseFact[];
}

const ASSIGN_TARGET_LISTS: ReadonlySet<string> = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'expression_list',
]);

/** The infix operators recorded as BinaryOperatorFact (`//`, `%` and `@` are DivisionFact). */
const OTHER_OPERATORS: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '**',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
]);

export function collectFacts(
  root: SyntaxNode,
  src: string,
  index: ScopeIndex,
  resolver: NameResolver,
  callNodes: SyntaxNode[],
  callIds: ReadonlyMap<number, number>,
  withProtocolUses = false,
): CollectedFacts {
  const text = (n: SyntaxNode): string => src.slice(n.startIndex, n.endIndex);
  const calls: (CallSite | undefined)[] = new Array<CallSite | undefined>(callNodes.length);
  const attributeReferences: AttributeReference[] = [];
  const strings: StringLiteralFact[] = [];
  const assignments: AssignmentFact[] = [];
  const tries: TryFact[] = [];
  const loops: LoopFact[] = [];
  const branches: SourceSpan[] = [];
  const divisions: DivisionFact[] = [];
  const operators: BinaryOperatorFact[] = [];
  const protocolUses: ProtocolUseFact[] = [];
  const recordUse = (
    kind: ProtocolUseFact['kind'],
    node: SyntaxNode,
    operand: SyntaxNode | null,
    ctx: WalkContext,
  ): void => {
    // An annotation's subscripts (`Tuple[int, bool]`) are types, never evaluated as items.
    if (!withProtocolUses || operand === null || ctx.annotation) return;
    // A statement's test is placed at the test, not over the statement's body.
    const at = kind === 'truth' || kind === 'context' ? operand : node;
    protocolUses.push({
      kind,
      operand: resolver.expression(operand, ctx),
      span: spanOf(at),
      text: resolver.excerpts.of(at.startIndex, at.endIndex),
      scopeId: ctx.scope.fact.id,
    });
  };
  // The body of a conditional clause (an `else` of a loop lies inside the loop's span already).
  const recordBranch = (node: SyntaxNode): void => {
    const body = node.childForFieldName('consequence') ?? node.childForFieldName('body');
    const block = body ?? node.namedChildren.find((c) => c.type === 'block');
    if (block !== undefined && block !== null) branches.push(spanOf(block));
  };
  // Subscripts written (`b[1] = v`, a loop or `with` target), written after a read (`b[1] += v`) or deleted.
  const storedSubscripts = new Set<number>();
  const augmentedSubscripts = new Set<number>();
  const deletedSubscripts = new Set<number>();
  const recordOperator = (
    node: SyntaxNode,
    operator: string,
    left: SyntaxNode,
    right: SyntaxNode,
    ctx: WalkContext,
  ): void => {
    operators.push({
      operator,
      left: resolver.expression(left, ctx),
      right: resolver.expression(right, ctx),
      span: spanOf(node),
      text: resolver.excerpts.of(node.startIndex, node.endIndex),
      scopeId: ctx.scope.fact.id,
      augmented: node.type === 'augmented_assignment',
    });
  };
  // A comparison: one fact per adjacent pair of operands (`a < b < c` compares a with b and b with c).
  const recordComparison = (node: SyntaxNode, ctx: WalkContext): void => {
    const parts = node.namedChildren.filter((c) => c.type !== 'comment');
    for (let i = 0; i + 1 < parts.length; i++) {
      const operator = src
        .slice(parts[i]!.endIndex, parts[i + 1]!.startIndex)
        .replace(/#[^\n]*/g, '')
        .replace(/\s+/g, '');
      if (OTHER_OPERATORS.has(operator)) recordOperator(node, operator, parts[i]!, parts[i + 1]!, ctx);
      else if (operator === 'in' || operator === 'notin') recordUse('contains', node, parts[i + 1]!, ctx);
    }
  };
  const recordDivision = (node: SyntaxNode, ctx: WalkContext): void => {
    // Operator tokens are not kept in the tree: the operator is the text between the two operands.
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left === null || right === null) return;
    const operator = src
      .slice(left.endIndex, right.startIndex)
      .replace(/#[^\n]*/g, '')
      .replace(/[\s\\=]/g, '');
    if (operator !== '//' && operator !== '%' && operator !== '@') {
      if (OTHER_OPERATORS.has(operator)) recordOperator(node, operator, left, right, ctx);
      return;
    }
    divisions.push({
      operator,
      left: resolver.expression(left, ctx),
      right: resolver.expression(right, ctx),
      span: spanOf(node),
      text: resolver.excerpts.of(node.startIndex, node.endIndex),
      scopeId: ctx.scope.fact.id,
    });
  };
  const tryIds = new Map<number, number>();
  const calleeNodes = new Set<number>();
  const innerAttributes = new Set<number>();
  const storeTargets = new Set<number>();
  const concatenatedParts = new Set<number>();
  const docstrings = new Set<number>();
  const assignedTo = new Map<number, string[]>();
  const parentCall = new Map<number, number>();
  const enclosing = new Map<number, EnclosingFunction>();

  const enclosingOf = (f: FunctionFact | null): EnclosingFunction | null => {
    if (f === null) return null;
    let e = enclosing.get(f.id);
    if (e === undefined) {
      e = { id: f.id, name: f.name, qualifiedName: f.qualifiedName, decorators: f.decorators };
      enclosing.set(f.id, e);
    }
    return e;
  };

  const markDocstring = (body: SyntaxNode | null): void => {
    if (body === null) return;
    const first = body.namedChildren.find((c) => c.type !== 'comment');
    if (first?.type !== 'expression_statement' || first.namedChildCount !== 1) return;
    const s = first.namedChild(0)!;
    if (s.type === 'string' || s.type === 'concatenated_string') docstrings.add(s.id);
  };

  const handlerTypes = (clause: SyntaxNode, ctx: WalkContext): { types: string[]; qualifiedTypes: string[] } => {
    let expr: SyntaxNode | null = null;
    for (const c of clause.namedChildren) {
      if (c.type === 'block' || c.type === 'comment') continue;
      expr = c.type === 'as_pattern' ? c.namedChild(0) : c;
      break;
    }
    if (expr === null) return { types: [], qualifiedTypes: [] };
    while (expr.type === 'parenthesized_expression' && expr.namedChildCount === 1) expr = expr.namedChild(0)!;
    const items = expr.type === 'tuple' ? expr.namedChildren.filter((c) => c.type !== 'comment') : [expr];
    const types = items.map(text);
    const qualifiedTypes: string[] = [];
    for (const it of items) {
      const q = resolver.resolve(it, ctx).values.find((v) => v.kind === 'qualified');
      if (q !== undefined && q.kind === 'qualified') qualifiedTypes.push(q.name);
    }
    return { types, qualifiedTypes };
  };

  const targetsOf = (left: SyntaxNode, ctx: WalkContext): AssignmentTarget[] => {
    const out: AssignmentTarget[] = [];
    const work: SyntaxNode[] = [left];
    while (work.length > 0) {
      const t = work.pop()!;
      if (t.type === 'identifier') out.push({ kind: 'name', name: text(t) });
      else if (t.type === 'attribute') {
        storeTargets.add(t.id);
        const q = resolver.resolve(t, ctx).values.find((v) => v.kind === 'qualified');
        out.push({
          kind: 'attribute',
          text: resolver.excerpts.of(t.startIndex, t.endIndex),
          ...(q !== undefined && q.kind === 'qualified' ? { qualifiedName: q.name } : {}),
        });
      } else if (t.type === 'subscript') {
        storedSubscripts.add(t.id);
        const obj = t.childForFieldName('value');
        const sub = t.childForFieldName('subscript');
        const target: AssignmentTarget = {
          kind: 'subscript',
          objectText: obj !== null ? resolver.excerpts.of(obj.startIndex, obj.endIndex) : '',
        };
        if (obj !== null) {
          const q = resolver.resolve(obj, ctx).values.find((v) => v.kind === 'qualified');
          if (q !== undefined && q.kind === 'qualified') target.objectQualifiedName = q.name;
        }
        const key = sub !== null ? resolver.constantOf(sub, ctx) : undefined;
        if (key !== undefined) target.key = key;
        out.push(target);
      } else if (ASSIGN_TARGET_LISTS.has(t.type)) {
        const kids = t.namedChildren.filter((c) => c.type !== 'comment');
        for (let i = kids.length - 1; i >= 0; i--) work.push(kids[i]!);
      } else if (
        t.type === 'as_pattern_target' ||
        t.type === 'parenthesized_expression' ||
        t.type === 'list_splat_pattern' ||
        t.type === 'list_splat'
      ) {
        const inner = t.namedChild(0);
        if (inner !== null) work.push(inner);
      } else out.push({ kind: 'other', text: resolver.excerpts.of(t.startIndex, t.endIndex) });
    }
    return out;
  };

  const recordAssignment = (
    kind: AssignmentFact['kind'],
    stmt: SyntaxNode,
    left: SyntaxNode,
    value: SyntaxNode | null,
    ctx: WalkContext,
    annotation?: SyntaxNode | null,
  ): void => {
    const targets = targetsOf(left, ctx);
    assignments.push({
      kind,
      targets,
      value: value !== null ? resolver.expression(value, ctx) : null,
      span: spanOf(stmt),
      scopeId: ctx.scope.fact.id,
      ...(annotation !== undefined && annotation !== null
        ? { annotation: resolver.excerpts.of(annotation.startIndex, annotation.endIndex) }
        : {}),
    });
    if (value === null || kind === 'for') return;
    let v: SyntaxNode = value;
    while ((v.type === 'parenthesized_expression' || v.type === 'await') && v.namedChildCount === 1)
      v = v.namedChild(0)!;
    if (v.type !== 'call') return;
    const names = targets.flatMap((t) => (t.kind === 'name' ? [t.name] : []));
    if (names.length > 0) assignedTo.set(v.id, [...(assignedTo.get(v.id) ?? []), ...names]);
  };

  const buildCall = (node: SyntaxNode, ctx: WalkContext): void => {
    const id = callIds.get(node.id);
    if (id === undefined || calls[id] !== undefined) return;
    const fn = node.childForFieldName('function');
    if (fn !== null) calleeNodes.add(fn.id);
    const parts = argumentNodes(node.childForFieldName('arguments'), src);
    const positional = parts.positional.map((p) => resolver.expression(p, ctx));
    const keywords = parts.keywords.map((k) => ({ name: k.name, value: resolver.expression(k.value, ctx) }));
    const starArgs = parts.starArgs.map((p) => resolver.expression(p, ctx));
    const starStarKwargs = parts.starStarKwargs.map((p) => resolver.expression(p, ctx));
    for (const e of [...positional, ...keywords.map((k) => k.value), ...starArgs, ...starStarKwargs]) {
      for (const child of e.callIds) if (child !== id) parentCall.set(child, id);
    }
    const tryFrames: TryFrame[] = [];
    for (let t = ctx.tries; t !== null; t = t.parent) tryFrames.push(t.frame);
    const site: CallSite = {
      id,
      callee:
        fn !== null
          ? resolver.callee(fn, ctx)
          : { raw: '', qualifiedName: null, resolution: 'expression', values: [{ kind: 'unknown' }] },
      positional: orNone(positional),
      keywords: orNone(keywords),
      starArgs: orNone(starArgs),
      starStarKwargs: orNone(starStarKwargs),
      hasStarArgs: starArgs.length > 0,
      hasStarStarKwargs: starStarKwargs.length > 0,
      span: spanOf(node),
      text: resolver.excerpts.of(node.startIndex, node.endIndex),
      scopeId: ctx.scope.fact.id,
      enclosingFunction: enclosingOf(ctx.func),
      runsAtImport: ctx.func === null && !ctx.mainGuard,
      underMainGuard: ctx.mainGuard,
      tryFrames: orNone(tryFrames),
      assignedTo: orNone(assignedTo.get(node.id) ?? []),
    };
    const parent = parentCall.get(id);
    if (parent !== undefined) site.parentCallId = parent;
    calls[id] = site;
  };

  const recordString = (node: SyntaxNode, ctx: WalkContext): void => {
    const d = decodeStringNode(node, src);
    strings.push({
      value: d.value,
      text: resolver.excerpts.of(node.startIndex, node.endIndex),
      isBytes: d.isBytes,
      isFString: d.isFString,
      isDocstring: docstrings.has(node.id),
      span: spanOf(node),
      scopeId: ctx.scope.fact.id,
    });
  };

  walkScopes(root, src, index.moduleContext, {
    scopeFor(node) {
      const s = index.byNode.get(node.id);
      if (s === undefined) throw new Error('scope missing for node ' + node.type);
      return s;
    },
    tryFrame(tryNode, part, clause, ctx) {
      const tryId = tryIds.get(tryNode.id)!;
      if (part !== 'handler') return { tryId, part, handlerTypes: [], handlerQualifiedTypes: [] };
      const h = handlerTypes(clause, ctx);
      return { tryId, part, handlerTypes: h.types, handlerQualifiedTypes: h.qualifiedTypes };
    },
    visit(node, ctx) {
      switch (node.type) {
        case 'module':
          markDocstring(node);
          return;
        case 'call':
          buildCall(node, ctx);
          return;
        case 'attribute': {
          const obj = node.childForFieldName('object');
          if (obj !== null) innerAttributes.add(obj.id);
          if (calleeNodes.has(node.id) || innerAttributes.has(node.id)) return;
          const r = resolver.resolve(node, ctx);
          const q = r.values.find((v) => v.kind === 'qualified');
          if (q === undefined || q.kind !== 'qualified') return;
          attributeReferences.push({
            raw: resolver.excerpts.of(node.startIndex, node.endIndex),
            qualifiedName: q.name,
            resolution: r.resolution,
            span: spanOf(node),
            scopeId: ctx.scope.fact.id,
            context: ctx.annotation ? 'annotation' : storeTargets.has(node.id) ? 'store' : 'load',
          });
          return;
        }
        case 'concatenated_string':
          for (const c of node.namedChildren) concatenatedParts.add(c.id);
          recordString(node, ctx);
          return;
        case 'string':
          if (!concatenatedParts.has(node.id)) recordString(node, ctx);
          return;
        case 'assignment': {
          const left = node.childForFieldName('left');
          let right = node.childForFieldName('right');
          while (right !== null && right.type === 'assignment') right = right.childForFieldName('right');
          const type = node.childForFieldName('type');
          if (left !== null) recordAssignment(type !== null ? 'annotated' : 'assign', node, left, right, ctx, type);
          return;
        }
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left?.type === 'subscript') augmentedSubscripts.add(left.id);
          if (left !== null) recordAssignment('augmented', node, left, node.childForFieldName('right'), ctx);
          recordDivision(node, ctx);
          return;
        }
        case 'binary_operator':
          recordDivision(node, ctx);
          return;
        case 'comparison_operator':
          recordComparison(node, ctx);
          return;
        case 'for_statement':
        case 'for_in_clause': {
          // Comprehension variables are reported in the scope the comprehension belongs to.
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          loops.push({
            kind: node.type === 'for_statement' ? 'for' : 'comprehension',
            head: right !== null ? resolver.expression(right, ctx) : null,
            span: spanOf(node),
            scopeId: ctx.scope.fact.id,
          });
          if (left !== null) recordAssignment('for', node, left, right, ctx);
          return;
        }
        case 'while_statement': {
          const cond = node.childForFieldName('condition');
          recordUse('truth', node, cond, ctx);
          loops.push({
            kind: 'while',
            head: cond !== null ? resolver.expression(cond, ctx) : null,
            span: spanOf(node),
            scopeId: ctx.scope.fact.id,
          });
          return;
        }
        case 'with_item': {
          const value = node.childForFieldName('value');
          recordUse('context', node, value?.type === 'as_pattern' ? value.namedChild(0) : value, ctx);
          if (value?.type !== 'as_pattern') return;
          const expr = value.namedChild(0);
          const alias = value.childForFieldName('alias');
          if (expr !== null && alias !== null) recordAssignment('with', node, alias, expr, ctx);
          return;
        }
        case 'named_expression': {
          const name = node.childForFieldName('name');
          if (name !== null) recordAssignment('walrus', node, name, node.childForFieldName('value'), ctx);
          return;
        }
        case 'return_statement':
        case 'yield': {
          const v = node.namedChildren.find((c) => c.type !== 'comment');
          if (v !== undefined) ctx.scope.fact.returns.push(resolver.expression(v, ctx));
          return;
        }
        case 'else_clause':
        case 'except_clause':
        case 'except_group_clause':
        case 'case_clause':
          recordBranch(node);
          return;
        case 'try_statement': {
          const body = node.childForFieldName('body');
          if (body !== null) branches.push(spanOf(body));
          const id = tries.length;
          tryIds.set(node.id, id);
          const handlers: TryFact['handlers'] = [];
          for (const c of node.namedChildren) {
            if (c.type !== 'except_clause' && c.type !== 'except_group_clause') continue;
            handlers.push({ ...handlerTypes(c, ctx), span: spanOf(c) });
          }
          tries.push({ id, span: spanOf(node), scopeId: ctx.scope.fact.id, handlers });
          return;
        }
        case 'decorated_definition': {
          const def = node.childForFieldName('definition');
          const scope = def !== null ? index.byNode.get(def.id) : undefined;
          if (scope === undefined) return;
          for (const d of node.namedChildren) {
            if (d.type !== 'decorator') continue;
            const expr = d.namedChildren.find((c) => c.type !== 'comment');
            if (expr === undefined) continue;
            const isCall = expr.type === 'call';
            const target = isCall ? expr.childForFieldName('function') : expr;
            const q =
              target !== null ? resolver.resolve(target, ctx).values.find((v) => v.kind === 'qualified') : undefined;
            const fact: DecoratorFact = {
              text: resolver.excerpts.of(expr.startIndex, expr.endIndex),
              qualifiedName: q !== undefined && q.kind === 'qualified' ? q.name : null,
              isCall,
              span: spanOf(d),
            };
            const callId = isCall ? callIds.get(expr.id) : undefined;
            if (callId !== undefined) fact.callId = callId;
            scope.fact.decorators.push(fact);
          }
          return;
        }
        case 'function_definition':
        case 'lambda': {
          const scope = index.byNode.get(node.id);
          if (scope === undefined) return;
          if (node.type === 'function_definition') markDocstring(node.childForFieldName('body'));
          const ret = node.type === 'function_definition' ? node.childForFieldName('return_type') : null;
          if (ret !== null) scope.fact.returnAnnotation = resolver.excerpts.of(ret.startIndex, ret.endIndex);
          const params = node.childForFieldName('parameters');
          if (params === null) return;
          scope.fact.parameters = parameterSites(params, src).map((p) => ({
            name: p.name,
            kind: p.kind,
            ...(p.annotation !== null
              ? { annotation: resolver.excerpts.of(p.annotation.startIndex, p.annotation.endIndex) }
              : {}),
            ...(p.defaultValue !== null ? { default: resolver.expression(p.defaultValue, ctx) } : {}),
          }));
          return;
        }
        case 'class_definition': {
          const scope = index.byNode.get(node.id);
          if (scope === undefined) return;
          markDocstring(node.childForFieldName('body'));
          const supers = node.childForFieldName('superclasses');
          if (supers !== null) {
            scope.fact.bases = argumentNodes(supers, src).positional.map((p) => resolver.expression(p, ctx));
          }
          return;
        }
        case 'subscript': {
          if (!withProtocolUses) return;
          const obj = node.childForFieldName('value');
          if (deletedSubscripts.has(node.id)) recordUse('item-delete', node, obj, ctx);
          else if (!storedSubscripts.has(node.id) || augmentedSubscripts.has(node.id))
            recordUse('item-get', node, obj, ctx);
          if (storedSubscripts.has(node.id)) recordUse('item-set', node, obj, ctx);
          return;
        }
        case 'delete_statement': {
          if (!withProtocolUses) return;
          const work = node.namedChildren.slice();
          while (work.length > 0) {
            const t = work.pop()!;
            if (t.type === 'subscript') deletedSubscripts.add(t.id);
            else if (ASSIGN_TARGET_LISTS.has(t.type) || t.type === 'parenthesized_expression')
              work.push(...t.namedChildren);
          }
          return;
        }
        case 'unary_operator': {
          if (!withProtocolUses) return;
          const arg = node.childForFieldName('argument');
          const op =
            arg === null
              ? ''
              : src
                  .slice(node.startIndex, arg.startIndex)
                  .replace(/#[^\n]*/g, '')
                  .trim();
          const kind = op === '-' ? 'negate' : op === '~' ? 'invert' : op === '+' ? 'plus' : undefined;
          if (kind !== undefined) recordUse(kind, node, arg, ctx);
          return;
        }
        case 'not_operator':
          recordUse('truth', node, node.childForFieldName('argument'), ctx);
          return;
        case 'boolean_operator':
          recordUse('truth', node, node.childForFieldName('left'), ctx);
          recordUse('truth', node, node.childForFieldName('right'), ctx);
          return;
        case 'if_statement':
        case 'elif_clause':
          recordBranch(node);
          recordUse('truth', node, node.childForFieldName('condition'), ctx);
          return;
        case 'conditional_expression':
          recordUse('truth', node, node.namedChildren.filter((c) => c.type !== 'comment')[1] ?? null, ctx);
          return;
        case 'assert_statement':
        case 'if_clause':
          recordUse('truth', node, node.namedChildren.find((c) => c.type !== 'comment') ?? null, ctx);
          return;
        default:
          return;
      }
    },
  });

  // Calls the walk did not reach (e.g. inside PEP 695 type parameters) are described at module level.
  for (let i = 0; i < callNodes.length; i++) if (calls[i] === undefined) buildCall(callNodes[i]!, index.moduleContext);
  return {
    calls: calls as CallSite[],
    attributeReferences,
    strings,
    assignments,
    tries,
    loops,
    branches: branches.sort((a, b) => a.startIndex - b.startIndex),
    divisions,
    operators,
    protocolUses,
  };
}
