// Pass 1: scopes and name bindings (imports, assignments, defs, parameters, loops, with/except targets, walrus,
// global/nonlocal) following Python's scoping rules (Python reference §4.2 "Naming and binding").
import type { SyntaxNode } from './syntax-tree.js';
import type { FunctionFact, ImportFact, ParameterFact } from './module-model.js';
import { spanOf } from './source-span.js';
import {
  addBinding,
  bindingScope,
  declareName,
  NO_BINDINGS,
  NO_NAMES,
  type Binding,
  type BindingSource,
  type Scope,
  type ScopeKind,
  type WalkContext,
} from './scope-model.js';
import { walkScopes } from './scope-walker.js';

export interface ScopeIndex {
  readonly module: Scope;
  readonly moduleContext: WalkContext;
  /** def / lambda / class / comprehension node id → its scope. */
  readonly byNode: Map<number, Scope>;
  readonly functions: FunctionFact[];
  readonly imports: ImportFact[];
  readonly starImports: string[];
  readonly bindings: Binding[];
  readonly nodes: number;
}

/** One parameter of a def or lambda, with the nodes later passes need. */
export interface ParameterSite {
  name: string;
  kind: ParameterFact['kind'];
  node: SyntaxNode;
  annotation: SyntaxNode | null;
  defaultValue: SyntaxNode | null;
}

const COLLECTION_TYPES: ReadonlySet<string> = new Set(['tuple', 'list', 'set', 'expression_list', 'pattern_list']);
const PATTERN_TYPES: ReadonlySet<string> = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'expression_list',
]);

export function collectBindings(root: SyntaxNode, src: string): ScopeIndex {
  const text = (n: SyntaxNode): string => src.slice(n.startIndex, n.endIndex);
  const functions: FunctionFact[] = [];
  const imports: ImportFact[] = [];
  const starImports: string[] = [];
  const bindings: Binding[] = [];
  const byNode = new Map<number, Scope>();

  const newFact = (
    kind: FunctionFact['kind'],
    name: string,
    node: SyntaxNode,
    parent: FunctionFact | null,
  ): FunctionFact => {
    const qualifiedName = parent === null || parent.kind === 'module' ? name : parent.qualifiedName + '.' + name;
    const fact: FunctionFact = {
      id: functions.length,
      kind,
      name,
      qualifiedName,
      parentId: parent?.id ?? null,
      span: spanOf(node),
      isAsync: false,
      decorators: [],
      parameters: [],
      bases: [],
      globals: [],
      nonlocals: [],
      returns: [],
    };
    functions.push(fact);
    return fact;
  };
  const newScope = (kind: ScopeKind, parent: Scope | null, fact: FunctionFact, rootContainer: number): Scope => ({
    kind,
    parent,
    fact,
    rootContainer,
    bindings: NO_BINDINGS,
    globals: NO_NAMES,
    nonlocals: NO_NAMES,
  });

  const moduleFact = newFact('module', '<module>', root, null);
  const module = newScope('module', null, moduleFact, root.id);
  const moduleContext: WalkContext = {
    scope: module,
    blocks: null,
    func: null,
    tries: null,
    annotation: false,
    mainGuard: false,
  };

  const bind = (
    name: string,
    ctx: WalkContext,
    kind: Binding['kind'],
    site: SyntaxNode,
    position: number,
    source: BindingSource,
    container?: number,
  ): void => {
    let textual = ctx.scope;
    if (kind === 'walrus') while (textual.kind === 'comprehension' && textual.parent !== null) textual = textual.parent;
    const scope = bindingScope(textual, name);
    const inComprehension = textual.kind === 'comprehension' && scope === textual;
    const b: Binding = {
      name,
      scope,
      kind,
      position,
      container: container ?? (inComprehension ? textual.rootContainer : (ctx.blocks?.id ?? textual.rootContainer)),
      site,
      source,
      evalContext: { scope: ctx.scope, blocks: ctx.blocks },
    };
    addBinding(b);
    bindings.push(b);
  };

  /** Bind every name in an assignment target, pairing tuple elements with a same-length tuple value. */
  const bindTargets = (
    target: SyntaxNode,
    value: BindingSource,
    ctx: WalkContext,
    kind: Binding['kind'],
    position: number,
    container?: number,
  ): void => {
    const work: { t: SyntaxNode; v: BindingSource }[] = [{ t: target, v: value }];
    while (work.length > 0) {
      const { t, v } = work.pop()!;
      switch (t.type) {
        case 'identifier':
          bind(text(t), ctx, kind, t, position, v, container);
          break;
        case 'as_pattern_target':
        case 'parenthesized_expression':
        case 'list_splat_pattern':
        case 'list_splat':
        case 'parenthesized_list_splat': {
          const inner = t.namedChild(0);
          const vv: BindingSource = t.type.includes('splat') ? { kind: 'unknown' } : v;
          if (inner !== null) work.push({ t: inner, v: vv });
          break;
        }
        default:
          if (PATTERN_TYPES.has(t.type)) {
            const elems = t.namedChildren.filter((c) => c.type !== 'comment');
            let values: SyntaxNode[] | undefined;
            if (v.kind === 'expression' && COLLECTION_TYPES.has(v.node.type)) {
              const vs = v.node.namedChildren.filter((c) => c.type !== 'comment');
              const splat = (n: SyntaxNode): boolean => n.type.includes('splat');
              if (vs.length === elems.length && !vs.some(splat) && !elems.some(splat)) values = vs;
            }
            elems.forEach((e, i) => {
              const vn = values?.[i];
              work.push({ t: e, v: vn !== undefined ? { kind: 'expression', node: vn } : { kind: 'unknown' } });
            });
          }
      }
    }
  };

  const bindParameters = (params: SyntaxNode | null, inner: Scope): void => {
    if (params === null) return;
    const ctx: WalkContext = { ...moduleContext, scope: inner };
    for (const p of parameterSites(params, src)) {
      bind(p.name, ctx, 'parameter', p.node, -1, { kind: 'unknown' }, inner.rootContainer);
    }
  };

  const nodes = walkScopes(root, src, moduleContext, {
    scopeFor(node, kind, ctx) {
      const known = byNode.get(node.id);
      if (known !== undefined) return known;
      // Comprehensions: a scope for their loop variables, reported as the enclosing scope.
      const s = newScope(kind, ctx.scope, ctx.scope.fact, node.id);
      byNode.set(node.id, s);
      return s;
    },
    visit(node, ctx) {
      switch (node.type) {
        case 'import_statement':
        case 'import_from_statement':
          collectImport(node, ctx);
          return false;
        case 'future_import_statement':
          return false;
        case 'function_definition':
        case 'class_definition': {
          const nameNode = node.childForFieldName('name');
          const name = nameNode !== null ? text(nameNode) : '<anonymous>';
          const isClass = node.type === 'class_definition';
          const fact = newFact(isClass ? 'class' : 'function', name, node, ctx.scope.fact);
          fact.isAsync = !isClass && src.startsWith('async', node.startIndex);
          const body = node.childForFieldName('body');
          const inner = newScope(isClass ? 'class' : 'function', ctx.scope, fact, body?.id ?? node.id);
          byNode.set(node.id, inner);
          if (!isClass) bindParameters(node.childForFieldName('parameters'), inner);
          if (nameNode !== null) {
            bind(name, ctx, 'definition', nameNode, node.endIndex, { kind: 'definition', functionId: fact.id, name });
          }
          return;
        }
        case 'lambda': {
          const fact = newFact('lambda', '<lambda>', node, ctx.scope.fact);
          const body = node.childForFieldName('body');
          const inner = newScope('lambda', ctx.scope, fact, body?.id ?? node.id);
          byNode.set(node.id, inner);
          bindParameters(node.childForFieldName('parameters'), inner);
          return;
        }
        case 'assignment': {
          const left = node.childForFieldName('left');
          let right = node.childForFieldName('right');
          while (right !== null && right.type === 'assignment') right = right.childForFieldName('right');
          if (left !== null && right !== null) {
            bindTargets(left, { kind: 'expression', node: right }, ctx, 'assignment', node.endIndex);
          }
          return;
        }
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left !== null) bindTargets(left, { kind: 'unknown' }, ctx, 'augmented', node.endIndex);
          return;
        }
        case 'for_statement':
        case 'for_in_clause': {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (left === null) return;
          let source: BindingSource = { kind: 'unknown' };
          if (left.type === 'identifier' && right !== null && COLLECTION_TYPES.has(right.type)) {
            source = { kind: 'elements', nodes: right.namedChildren.filter((c) => c.type !== 'comment') };
          }
          bindTargets(left, source, ctx, 'loop', right?.endIndex ?? left.endIndex);
          return;
        }
        case 'with_item': {
          const value = node.childForFieldName('value');
          if (value?.type === 'as_pattern') {
            const expr = value.namedChild(0);
            const alias = value.childForFieldName('alias');
            if (expr !== null && alias !== null) {
              bindTargets(alias, { kind: 'expression', node: expr }, ctx, 'with', node.endIndex);
            }
          }
          return;
        }
        case 'named_expression': {
          const name = node.childForFieldName('name');
          const value = node.childForFieldName('value');
          if (name !== null && value !== null) {
            bind(text(name), ctx, 'walrus', name, node.endIndex, { kind: 'expression', node: value });
          }
          return;
        }
        case 'except_clause':
        case 'except_group_clause': {
          const asPattern = node.namedChildren.find((c) => c.type === 'as_pattern');
          const alias = asPattern?.childForFieldName('alias');
          const block = node.namedChildren.find((c) => c.type === 'block');
          if (alias !== undefined && alias !== null) {
            bindTargets(alias, { kind: 'unknown' }, ctx, 'except', asPattern!.endIndex, block?.id);
          }
          return;
        }
        case 'global_statement':
        case 'nonlocal_statement': {
          const which = node.type === 'global_statement' ? 'globals' : 'nonlocals';
          for (const c of node.namedChildren) if (c.type === 'identifier') declareName(ctx.scope, which, text(c));
          return false;
        }
        default:
          return;
      }
    },
  });

  function collectImport(node: SyntaxNode, ctx: WalkContext): void {
    const span = spanOf(node);
    const scopeId = ctx.scope.fact.id;
    if (node.type === 'import_statement') {
      for (const c of node.namedChildren) {
        if (c.type === 'dotted_name') {
          const module = text(c);
          const first = c.namedChild(0);
          const bound = first !== null ? text(first) : module;
          imports.push({
            kind: 'import',
            module,
            boundName: bound,
            qualifiedName: bound,
            relativeLevel: 0,
            span,
            scopeId,
          });
          bind(bound, ctx, 'import', c, node.endIndex, { kind: 'import', qualifiedName: bound });
        } else if (c.type === 'aliased_import') {
          const nameNode = c.childForFieldName('name');
          const aliasNode = c.childForFieldName('alias');
          if (nameNode === null || aliasNode === null) continue;
          const module = text(nameNode);
          const alias = text(aliasNode);
          imports.push({
            kind: 'import',
            module,
            alias,
            boundName: alias,
            qualifiedName: module,
            relativeLevel: 0,
            span,
            scopeId,
          });
          bind(alias, ctx, 'import', aliasNode, node.endIndex, { kind: 'import', qualifiedName: module });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (moduleNode === null) return;
    const module = withoutWhitespace(text(moduleNode));
    let relativeLevel = 0;
    while (relativeLevel < module.length && module[relativeLevel] === '.') relativeLevel++;
    for (const c of node.namedChildren) {
      if (c.id === moduleNode.id) continue;
      if (c.type === 'wildcard_import') {
        imports.push({ kind: 'star', module, boundName: null, qualifiedName: module, relativeLevel, span, scopeId });
        starImports.push(module);
        continue;
      }
      let nameNode: SyntaxNode | null = null;
      let aliasNode: SyntaxNode | null = null;
      if (c.type === 'dotted_name') nameNode = c;
      else if (c.type === 'aliased_import') {
        nameNode = c.childForFieldName('name');
        aliasNode = c.childForFieldName('alias');
      }
      if (nameNode === null) continue;
      const name = text(nameNode);
      const bound = aliasNode !== null ? text(aliasNode) : name;
      const qualifiedName = module.endsWith('.') ? module + name : module + '.' + name;
      imports.push({
        kind: 'from',
        module,
        name,
        ...(aliasNode !== null ? { alias: bound } : {}),
        boundName: bound,
        qualifiedName,
        relativeLevel,
        span,
        scopeId,
      });
      bind(bound, ctx, 'import', aliasNode ?? nameNode, node.endIndex, { kind: 'import', qualifiedName });
    }
  }

  // Publish declared globals/nonlocals on the facts.
  for (const s of byNode.values()) {
    if (s.kind === 'comprehension') continue;
    if (s.globals.size > 0) s.fact.globals = [...s.globals];
    if (s.nonlocals.size > 0) s.fact.nonlocals = [...s.nonlocals];
  }
  return { module, moduleContext, byNode, functions, imports, starImports, bindings, nodes };
}

/** `from . pkg import x` may space its dots; the module name itself has no whitespace. */
function withoutWhitespace(s: string): string {
  let out = '';
  for (const ch of s) if (ch !== ' ' && ch !== '\t' && ch !== '\\' && ch !== '\n' && ch !== '\r') out += ch;
  return out;
}

/** The parameters of a `parameters` / `lambda_parameters` node, with Python's parameter kinds. */
export function parameterSites(params: SyntaxNode, src: string): ParameterSite[] {
  const out: ParameterSite[] = [];
  let keywordOnly = false;
  for (const p of params.namedChildren) {
    let nameNode: SyntaxNode | null = null;
    let kind: ParameterFact['kind'] = keywordOnly ? 'keyword-only' : 'positional';
    let inner: SyntaxNode = p;
    if (p.type === 'typed_parameter') {
      const first = p.namedChild(0);
      if (first === null) continue;
      inner = first;
    }
    switch (inner.type) {
      case 'identifier':
        nameNode = inner;
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        nameNode = inner.childForFieldName('name');
        break;
      case 'list_splat_pattern':
        nameNode = inner.namedChild(0);
        kind = 'vararg';
        keywordOnly = true;
        break;
      case 'dictionary_splat_pattern':
        nameNode = inner.namedChild(0);
        kind = 'kwarg';
        break;
      case 'keyword_separator':
        keywordOnly = true;
        continue;
      case 'positional_separator':
        for (const prev of out) if (prev.kind === 'positional') prev.kind = 'positional-only';
        continue;
      default:
        continue;
    }
    if (nameNode === null || nameNode.type !== 'identifier') continue;
    out.push({
      name: src.slice(nameNode.startIndex, nameNode.endIndex),
      kind,
      node: nameNode,
      annotation: p.childForFieldName('type'),
      defaultValue:
        p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('value') : null,
    });
  }
  return out;
}
