// Static value resolution within one module: names through LEGB scopes (latest dominating binding for code
// that runs in place, every binding for code in nested functions), attribute chains, literals, call results,
// functools.partial, getattr/import_module with literal names, and dict literals used as **kwargs.
import type { SyntaxNode } from './syntax-tree.js';
import type {
  AccessPath,
  AccessRoot,
  AccessStep,
  CalleeFact,
  ExpressionFact,
  KeywordArgumentFact,
  PartialFact,
  PyConstant,
  Resolution,
  ValueFact,
} from './module-model.js';
import { MODULE_GLOBALS, PYTHON_BUILTINS } from './python-builtins.js';
import { isTruthy, literalConstant, sameConstant } from './python-literals.js';
import type { ScopeIndex } from './binding-collector.js';
import { dominates, type Binding, type EvalContext, type ResolvedValue, type Scope } from './scope-model.js';
import { NameLists, SourceExcerpts, orNone, spanOf } from './source-span.js';

/** Most values kept per expression; more become one `unknown`. */
export const MAX_VALUES = 8;
/** Deepest chain of bindings/expressions followed before giving up with `unknown`. */
const MAX_DEPTH = 24;
/** Default budget of resolution steps for one module; past it every further value is `unknown`. */
export const DEFAULT_MAX_RESOLVE_STEPS = 2_000_000;
const MAX_NAMES = 32;
/** Most elements kept for a tuple/list/set literal. */
const MAX_ELEMENTS = 16;
/** The bare names past MAX_ELEMENTS a display's fact lists (see ExpressionFact.more). */
const MAX_MORE_NAMES = 65536;
/** Longest access chain described. */
const MAX_STEPS = 24;
const ELEMENT_TYPES: ReadonlySet<string> = new Set(['tuple', 'list', 'set', 'expression_list']);

interface Resolved extends ResolvedValue {
  resolution: Resolution;
}

/** The parts of an `argument_list` (or a bare generator argument). */
export interface ArgumentNodes {
  positional: SyntaxNode[];
  keywords: { name: string; value: SyntaxNode }[];
  starArgs: SyntaxNode[];
  starStarKwargs: SyntaxNode[];
}

const UNKNOWN: ValueFact = { kind: 'unknown' };
/**
 * The value list of an expression known to be nothing in particular: one shared, frozen list (most call results and
 * many expressions of a large module have it). Facts are never written after the analysis, and every list this
 * resolver builds is a fresh one (a write to the shared list throws rather than leaks).
 */
const ONLY_UNKNOWN = Object.freeze([UNKNOWN]) as unknown as ValueFact[];

export function argumentNodes(args: SyntaxNode | null, src: string): ArgumentNodes {
  const out: ArgumentNodes = { positional: [], keywords: [], starArgs: [], starStarKwargs: [] };
  if (args === null) return out;
  if (args.type !== 'argument_list') {
    out.positional.push(args);
    return out;
  }
  for (const a of args.namedChildren) {
    switch (a.type) {
      case 'comment':
        break;
      case 'keyword_argument': {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name !== null && value !== null)
          out.keywords.push({ name: src.slice(name.startIndex, name.endIndex), value });
        break;
      }
      case 'list_splat': {
        const inner = a.namedChild(0);
        if (inner !== null) out.starArgs.push(inner);
        break;
      }
      case 'dictionary_splat': {
        const inner = a.namedChild(0);
        if (inner !== null) out.starStarKwargs.push(inner);
        break;
      }
      default:
        out.positional.push(a);
    }
  }
  return out;
}

export class NameResolver {
  /** Resolution steps taken so far. */
  steps = 0;
  /** Times a resolution gave up (depth or step budget); results computed meanwhile are not memoised. */
  truncations = 0;

  constructor(
    private readonly src: string,
    private readonly index: ScopeIndex,
    private readonly implicit: ReadonlyMap<string, string>,
    private readonly callIdOf: (node: SyntaxNode) => number | undefined,
    private readonly maxSteps: number = DEFAULT_MAX_RESOLVE_STEPS,
  ) {
    this.excerpts = new SourceExcerpts(src);
  }

  private readonly nameLists = new NameLists();

  /** The module's excerpts (one per cut start offset), for every fact of this analysis. */
  readonly excerpts: SourceExcerpts;

  get budgetExhausted(): boolean {
    return this.steps > this.maxSteps;
  }

  private text(n: SyntaxNode): string {
    return this.src.slice(n.startIndex, n.endIndex);
  }

  /** The bindings a use of `name` at offset `at` may see, or how an unbound name resolves. */
  lookup(name: string, at: number, ctx: EvalContext): { bindings: Binding[]; resolution: Resolution } {
    let s: Scope | null = ctx.scope;
    let immediate = true;
    while (s !== null) {
      if (s.kind === 'function' || s.kind === 'lambda' || s.kind === 'class') {
        if (s.globals.has(name)) {
          const bs = this.index.module.bindings.get(name);
          if (bs !== undefined && bs.length > 0) return this.pick(bs, at, ctx, immediate && s.kind === 'class');
          break;
        }
        // Bindings of a nonlocal name were recorded in the enclosing function scope.
        if (!s.nonlocals.has(name)) {
          const bs = s.bindings.get(name);
          if (bs !== undefined && bs.length > 0) return this.pick(bs, at, ctx, immediate);
        }
      } else {
        const bs = s.bindings.get(name);
        if (bs !== undefined && bs.length > 0) return this.pick(bs, at, ctx, immediate);
      }
      // Comprehension and class bodies run in place; def and lambda bodies run later.
      if (s.kind === 'function' || s.kind === 'lambda') immediate = false;
      s = s.parent;
      while (s !== null && s.kind === 'class') s = s.parent;
    }
    return { bindings: [], resolution: this.unboundResolution(name) };
  }

  private unboundResolution(name: string): Resolution {
    if (this.implicit.has(name)) return 'implicit';
    if (PYTHON_BUILTINS.has(name) || MODULE_GLOBALS.has(name)) return 'builtin';
    return 'unbound';
  }

  private pick(
    bs: Binding[],
    at: number,
    ctx: EvalContext,
    immediate: boolean,
  ): { bindings: Binding[]; resolution: Resolution } {
    let chosen: Binding[];
    if (!immediate) {
      chosen = bs.slice(-MAX_VALUES).reverse();
    } else {
      chosen = [];
      // Bindings are sorted by position: start at the last one visible at `at` (parameters sort first).
      let lo = 0;
      let hi = bs.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bs[mid]!.position <= at) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1; i >= 0 && chosen.length < MAX_VALUES; i--) {
        const b = bs[i]!;
        chosen.push(b);
        if (dominates(b, ctx)) break;
      }
      if (chosen.length === 0) chosen = bs.slice(-MAX_VALUES).reverse();
    }
    return { bindings: chosen, resolution: bindingResolution(chosen[0]!) };
  }

  /** Possible values bound by one binding site (memoised; cycles yield `unknown`). */
  bindingValue(b: Binding, depth = 0): ResolvedValue {
    if (b.memo !== undefined) return b.memo;
    if (b.busy === true || depth > MAX_DEPTH) {
      this.truncations++;
      return { values: ONLY_UNKNOWN };
    }
    const truncationsBefore = this.truncations;
    b.busy = true;
    let out: ResolvedValue;
    try {
      const src = b.source;
      switch (src.kind) {
        case 'import':
          out = { values: [{ kind: 'qualified', name: src.qualifiedName }] };
          break;
        case 'definition':
          out = { values: [{ kind: 'definition', functionId: src.functionId, name: src.name }] };
          break;
        case 'expression':
          out = this.resolve(src.node, b.evalContext, depth + 1);
          break;
        case 'elements': {
          const values: ValueFact[] = [];
          for (const n of src.nodes) values.push(...this.resolve(n, b.evalContext, depth + 1).values);
          out = { values: capValues(values) };
          break;
        }
        default:
          out = { values: ONLY_UNKNOWN };
      }
    } finally {
      b.busy = false;
    }
    const value: ResolvedValue =
      out.dictEntries !== undefined ? { values: out.values, dictEntries: out.dictEntries } : { values: out.values };
    // A result that hit the depth or step budget (or a cycle) depends on where resolution started: keep it unmemoised.
    if (this.truncations === truncationsBefore) b.memo = value;
    return value;
  }

  /** Possible values of an expression node evaluated in `ctx`. */
  resolve(node: SyntaxNode, ctx: EvalContext, depth = 0): Resolved {
    if (++this.steps > this.maxSteps || depth > MAX_DEPTH) {
      this.truncations++;
      return { values: ONLY_UNKNOWN, resolution: 'expression' };
    }
    const constant = literalConstant(node, this.src);
    if (constant !== undefined) return { values: [{ kind: 'constant', value: constant }], resolution: 'expression' };
    switch (node.type) {
      case 'parenthesized_expression':
      case 'await': {
        const inner = firstNamed(node);
        return inner !== null
          ? this.resolve(inner, ctx, depth + 1)
          : { values: ONLY_UNKNOWN, resolution: 'expression' };
      }
      case 'identifier':
        return this.resolveName(this.text(node), node.startIndex, ctx, depth);
      case 'attribute':
        return this.resolveAttribute(node, ctx, depth);
      case 'call':
        return this.resolveCall(node, ctx, depth);
      case 'unary_operator': {
        const arg = node.childForFieldName('argument');
        if (arg === null) break;
        const v = this.constantOf(arg, ctx, depth + 1);
        // The operator token is the text before the operand (`-`, `+`, `~`).
        const o = this.src.slice(node.startIndex, arg.startIndex).trim();
        if (v !== undefined && (v.type === 'int' || v.type === 'float') && (o === '-' || o === '+')) {
          const value = o === '-' ? -v.value : v.value;
          return { values: [{ kind: 'constant', value: { type: v.type, value } }], resolution: 'expression' };
        }
        break;
      }
      case 'not_operator': {
        const arg = node.childForFieldName('argument');
        const v = arg !== null ? this.constantOf(arg, ctx, depth + 1) : undefined;
        if (v !== undefined) {
          return {
            values: [{ kind: 'constant', value: { type: 'bool', value: !isTruthy(v) } }],
            resolution: 'expression',
          };
        }
        break;
      }
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        // The operator token is the text between the operands.
        if (l === null || r === null || this.src.slice(l.endIndex, r.startIndex).trim() !== '+') break;
        const a = this.constantOf(l, ctx, depth + 1);
        const b = this.constantOf(r, ctx, depth + 1);
        if (a !== undefined && b !== undefined && (a.type === 'str' || a.type === 'bytes') && a.type === b.type) {
          return {
            values: [{ kind: 'constant', value: { type: a.type, value: a.value + b.value } }],
            resolution: 'expression',
          };
        }
        break;
      }
      case 'conditional_expression': {
        const parts = node.namedChildren.filter((c) => c.type !== 'comment');
        if (parts.length < 3) break;
        const a = this.resolve(parts[0]!, ctx, depth + 1);
        const b = this.resolve(parts[2]!, ctx, depth + 1);
        return { values: capValues([...a.values, ...b.values]), resolution: 'expression' };
      }
      case 'boolean_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        if (l === null || r === null) break;
        const a = this.resolve(l, ctx, depth + 1);
        const b = this.resolve(r, ctx, depth + 1);
        return { values: capValues([...a.values, ...b.values]), resolution: 'expression' };
      }
      case 'dictionary': {
        const entries = this.dictionaryEntries(node, ctx, depth + 1);
        return {
          values: ONLY_UNKNOWN,
          ...(entries !== undefined ? { dictEntries: entries } : {}),
          resolution: 'expression',
        };
      }
      case 'lambda': {
        const scope = this.index.byNode.get(node.id);
        if (scope !== undefined) {
          return {
            values: [{ kind: 'definition', functionId: scope.fact.id, name: '<lambda>' }],
            resolution: 'definition',
          };
        }
        break;
      }
      default:
        break;
    }
    return { values: ONLY_UNKNOWN, resolution: 'expression' };
  }

  /** The literal value of an expression when every possible value is the same literal. */
  constantOf(node: SyntaxNode, ctx: EvalContext, depth = 0): PyConstant | undefined {
    return agreedConstant(this.resolve(node, ctx, depth).values);
  }

  private resolveName(name: string, at: number, ctx: EvalContext, depth: number): Resolved {
    const { bindings, resolution } = this.lookup(name, at, ctx);
    if (bindings.length === 0) {
      const implicit = this.implicit.get(name);
      if (implicit !== undefined) return { values: [{ kind: 'qualified', name: implicit }], resolution };
      if (MODULE_GLOBALS.has(name)) return { values: ONLY_UNKNOWN, resolution };
      if (PYTHON_BUILTINS.has(name)) return { values: [{ kind: 'qualified', name: 'builtins.' + name }], resolution };
      return { values: [{ kind: 'qualified', name }], resolution };
    }
    const values: ValueFact[] = [];
    let dictEntries: KeywordArgumentFact[] | undefined;
    for (const b of bindings) {
      const v = this.bindingValue(b, depth + 1);
      values.push(...v.values);
      dictEntries ??= v.dictEntries;
    }
    return { values: capValues(values), ...(dictEntries !== undefined ? { dictEntries } : {}), resolution };
  }

  private resolveAttribute(node: SyntaxNode, ctx: EvalContext, depth: number): Resolved {
    const parts: string[] = [];
    let n: SyntaxNode = node;
    while (n.type === 'attribute') {
      const attr = n.childForFieldName('attribute');
      const obj = n.childForFieldName('object');
      if (attr === null || obj === null) return { values: ONLY_UNKNOWN, resolution: 'expression' };
      parts.push(this.text(attr));
      n = obj;
    }
    parts.reverse();
    const base = this.resolve(n, ctx, depth + 1);
    const suffix = '.' + parts.join('.');
    const values = base.values.map((v): ValueFact =>
      v.kind === 'qualified' ? { kind: 'qualified', name: v.name + suffix } : UNKNOWN,
    );
    return { values: capValues(values), resolution: base.resolution };
  }

  private resolveCall(node: SyntaxNode, ctx: EvalContext, depth: number): Resolved {
    const fn = node.childForFieldName('function');
    if (fn === null) return { values: ONLY_UNKNOWN, resolution: 'expression' };
    const callee = this.resolve(fn, ctx, depth + 1);
    const args = argumentNodes(node.childForFieldName('arguments'), this.src);
    const values: ValueFact[] = [];
    let dictEntries: KeywordArgumentFact[] | undefined;
    for (const v of callee.values) {
      if (v.kind !== 'qualified') {
        values.push(UNKNOWN);
        continue;
      }
      if (v.partial !== undefined) {
        values.push({ kind: 'qualified', name: v.partial.qualifiedName + '()' });
        continue;
      }
      switch (v.name) {
        case 'functools.partial':
          values.push(...this.partialValues(node, args, ctx, depth));
          break;
        case 'builtins.getattr': {
          const [obj, attr, dflt] = args.positional;
          const attrName = attr !== undefined ? this.constantOf(attr, ctx, depth + 1) : undefined;
          if (obj !== undefined && attrName?.type === 'str') {
            for (const o of this.resolve(obj, ctx, depth + 1).values) {
              values.push(
                o.kind === 'qualified' ? { kind: 'qualified', name: o.name + '.' + attrName.value } : UNKNOWN,
              );
            }
          } else values.push(UNKNOWN);
          if (dflt !== undefined) values.push(...this.resolve(dflt, ctx, depth + 1).values);
          break;
        }
        case 'importlib.import_module':
        case 'builtins.__import__': {
          const first = args.positional[0];
          const mod = first !== undefined ? this.constantOf(first, ctx, depth + 1) : undefined;
          if (mod?.type !== 'str' || mod.value.startsWith('.') || mod.value.length === 0) {
            values.push(UNKNOWN);
          } else if (
            v.name === 'builtins.__import__' &&
            args.positional.length < 4 &&
            !args.keywords.some((k) => k.name === 'fromlist')
          ) {
            values.push({ kind: 'qualified', name: mod.value.split('.')[0]! });
          } else values.push({ kind: 'qualified', name: mod.value });
          break;
        }
        case 'builtins.dict':
          if (args.positional.length === 0 && args.starArgs.length === 0 && args.starStarKwargs.length === 0) {
            dictEntries = args.keywords.map((k) => ({ name: k.name, value: this.expression(k.value, ctx, depth + 1) }));
          }
          values.push(UNKNOWN);
          break;
        default:
          values.push({ kind: 'qualified', name: v.name + '()' });
      }
    }
    return {
      values: capValues(values),
      ...(dictEntries !== undefined ? { dictEntries } : {}),
      resolution: 'expression',
    };
  }

  /** Values of `functools.partial(target, ...)`: the target with its bound arguments (nested partials merged). */
  private partialValues(node: SyntaxNode, args: ArgumentNodes, ctx: EvalContext, depth: number): ValueFact[] {
    const [target, ...rest] = args.positional;
    if (target === undefined) return [UNKNOWN];
    const positional = rest.map((p) => this.expression(p, ctx, depth + 1));
    let keywords = args.keywords.map((k) => ({ name: k.name, value: this.expression(k.value, ctx, depth + 1) }));
    let hasStarStarKwargs = false;
    for (const s of args.starStarKwargs) {
      const entries = this.resolve(s, ctx, depth + 1).dictEntries;
      if (entries !== undefined) keywords = mergeKeywords(keywords, entries);
      else hasStarStarKwargs = true;
    }
    const out: ValueFact[] = [];
    for (const t of this.resolve(target, ctx, depth + 1).values) {
      if (t.kind !== 'qualified') {
        out.push(UNKNOWN);
        continue;
      }
      const inner = t.partial;
      const partial: PartialFact = {
        qualifiedName: inner?.qualifiedName ?? t.name,
        positional: [...(inner?.positional ?? []), ...positional],
        keywords: mergeKeywords(inner?.keywords ?? [], keywords),
        hasStarArgs: (inner?.hasStarArgs ?? false) || args.starArgs.length > 0,
        hasStarStarKwargs: (inner?.hasStarStarKwargs ?? false) || hasStarStarKwargs,
        span: spanOf(node),
      };
      out.push({ kind: 'qualified', name: partial.qualifiedName, partial });
    }
    return out;
  }

  private dictionaryEntries(node: SyntaxNode, ctx: EvalContext, depth: number): KeywordArgumentFact[] | undefined {
    const entries: KeywordArgumentFact[] = [];
    for (const c of node.namedChildren) {
      if (c.type === 'comment') continue;
      if (c.type !== 'pair') return undefined;
      const key = c.childForFieldName('key');
      const value = c.childForFieldName('value');
      if (key === null || value === null) return undefined;
      const k = this.constantOf(key, ctx, depth + 1);
      if (k?.type !== 'str') return undefined;
      entries.push({ name: k.value, value: this.expression(value, ctx, depth + 1) });
    }
    return entries;
  }

  /** An {@link ExpressionFact} for `node` evaluated in `ctx`. */
  expression(node: SyntaxNode, ctx: EvalContext, depth = 0): ExpressionFact {
    const r = this.resolve(node, ctx, depth);
    const { names, callIds } = this.scan(node);
    const fact: ExpressionFact = {
      text: this.excerpts.of(node.startIndex, node.endIndex),
      nodeType: node.type,
      span: spanOf(node),
      values: r.values,
      names: this.nameLists.of(names),
      callIds: orNone(callIds),
    };
    const constant = agreedConstant(r.values);
    if (constant !== undefined) fact.constant = constant;
    const q = r.values.find((v) => v.kind === 'qualified');
    if (q !== undefined && q.kind === 'qualified') fact.qualifiedName = q.name;
    if (r.dictEntries !== undefined) fact.dictEntries = r.dictEntries;
    const access = this.accessPath(node, ctx, depth);
    if (access !== undefined) fact.access = access;
    let inner = node;
    while (inner.type === 'parenthesized_expression' && inner.namedChildCount === 1) inner = inner.namedChild(0)!;
    if (ELEMENT_TYPES.has(inner.type) && depth < MAX_DEPTH) {
      const elements: ExpressionFact[] = [];
      const items = inner.namedChildren.filter((c) => c.type !== 'comment');
      for (const c of items.slice(0, MAX_ELEMENTS)) elements.push(this.expression(c, ctx, depth + 1));
      fact.elements = elements;
      if (items.length > MAX_ELEMENTS) {
        const rest = items.slice(MAX_ELEMENTS);
        fact.more = { count: items.length };
        if (rest.length <= MAX_MORE_NAMES && rest.every((c) => c.type === 'identifier')) {
          const counts = new Map<string, number>();
          for (const c of rest) {
            const name = this.src.slice(c.startIndex, c.endIndex);
            counts.set(name, (counts.get(name) ?? 0) + 1);
          }
          fact.more.names = [...counts];
        }
      }
    }
    if (depth < MAX_DEPTH) {
      const parts = operandNodes(inner);
      if (parts.length > 0) {
        fact.operands = parts.slice(0, MAX_ELEMENTS).map((c) => this.expression(c, ctx, depth + 1));
      }
    }
    return fact;
  }

  /**
   * The expression as a root (name / call / other) followed by attribute and subscript steps; undefined for
   * anything else (operators, literals, comprehensions) and for a bare non-name root without steps.
   */
  accessPath(node: SyntaxNode, ctx: EvalContext, depth = 0): AccessPath | undefined {
    const steps: AccessStep[] = [];
    let n: SyntaxNode = node;
    for (let guard = 0; guard <= MAX_STEPS; guard++) {
      switch (n.type) {
        case 'parenthesized_expression':
        case 'await': {
          const inner = firstNamed(n);
          if (inner === null) return undefined;
          n = inner;
          continue;
        }
        case 'attribute': {
          const attr = n.childForFieldName('attribute');
          const obj = n.childForFieldName('object');
          if (attr === null || obj === null) return undefined;
          steps.push({ kind: 'attr', name: this.text(attr) });
          n = obj;
          continue;
        }
        case 'subscript': {
          const obj = n.childForFieldName('value');
          if (obj === null) return undefined;
          const sub = n.childForFieldName('subscript');
          const step: AccessStep = { kind: 'index', slice: sub?.type === 'slice' };
          const key = sub !== null ? literalConstant(sub, this.src) : undefined;
          if (key !== undefined) step.key = key;
          steps.push(step);
          n = obj;
          continue;
        }
        case 'identifier': {
          steps.reverse();
          const r = this.resolveName(this.text(n), n.startIndex, ctx, 0);
          const qualifiedNames: string[] = [];
          for (const v of r.values)
            if (v.kind === 'qualified' && qualifiedNames.length < 4) qualifiedNames.push(v.name);
          return {
            root: {
              kind: 'name',
              name: this.text(n),
              qualifiedNames: this.nameLists.of(qualifiedNames),
              resolution: r.resolution,
            },
            steps: orNone(steps),
          };
        }
        case 'call': {
          const id = this.callIdOf(n);
          steps.reverse();
          if (id === undefined)
            return steps.length > 0 ? { root: { kind: 'other', nodeType: n.type }, steps } : undefined;
          return { root: { kind: 'call', callId: id }, steps: orNone(steps) };
        }
        default: {
          if (steps.length === 0) return undefined;
          steps.reverse();
          const root: AccessRoot = { kind: 'other', nodeType: n.type };
          if (depth < MAX_DEPTH && operandNodes(n).length > 0) root.expr = this.expression(n, ctx, depth + 1);
          return { root, steps };
        }
      }
    }
    return undefined;
  }

  /** The callee of a call site. */
  callee(fn: SyntaxNode, ctx: EvalContext): CalleeFact {
    const r = this.resolve(fn, ctx);
    const q = r.values.find((v) => v.kind === 'qualified');
    const def = r.values.find((v) => v.kind === 'definition');
    const raw = this.excerpts.of(fn.startIndex, fn.endIndex);
    const qualifiedName = q !== undefined && q.kind === 'qualified' ? q.name : null;
    const access = this.accessPath(fn, ctx);
    // The access path is in the object as made (most callees have one): added later it would take a second
    // allocation for the object's properties, in every call site of the module.
    const fact: CalleeFact =
      access !== undefined
        ? { raw, qualifiedName, resolution: r.resolution, values: r.values, access }
        : { raw, qualifiedName, resolution: r.resolution, values: r.values };
    if (r.resolution === 'unbound' && this.index.starImports.length > 0)
      fact.starImportModules = [...this.index.starImports];
    if (def !== undefined && def.kind === 'definition') fact.definitionId = def.functionId;
    return fact;
  }

  /** Identifiers read and outermost calls inside an expression (iterative; stops at calls and lambdas). */
  private scan(node: SyntaxNode): { names: string[]; callIds: number[] } {
    const names: string[] = [];
    const callIds: number[] = [];
    const stack: SyntaxNode[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'call': {
          const id = this.callIdOf(n);
          if (id !== undefined) callIds.push(id);
          continue;
        }
        case 'lambda':
        case 'comment':
          continue;
        case 'identifier': {
          const t = this.text(n);
          if (names.length < MAX_NAMES && !names.includes(t)) names.push(t);
          continue;
        }
        case 'attribute': {
          const obj = n.childForFieldName('object');
          if (obj !== null) stack.push(obj);
          continue;
        }
        case 'keyword_argument': {
          const v = n.childForFieldName('value');
          if (v !== null) stack.push(v);
          continue;
        }
        default: {
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
        }
      }
    }
    return { names, callIds };
  }
}

function firstNamed(node: SyntaxNode): SyntaxNode | null {
  for (const c of node.namedChildren) if (c.type !== 'comment') return c;
  return null;
}

function bindingResolution(b: Binding): Resolution {
  switch (b.kind) {
    case 'import':
      return 'import';
    case 'definition':
      return 'definition';
    case 'parameter':
      return 'parameter';
    default:
      return 'assignment';
  }
}

/** Later keywords override earlier ones with the same name. */
export function mergeKeywords(base: KeywordArgumentFact[], over: KeywordArgumentFact[]): KeywordArgumentFact[] {
  const names = new Set(over.map((k) => k.name));
  return [...base.filter((k) => !names.has(k.name)), ...over];
}

/** The single literal all values agree on, if any. */
export function agreedConstant(values: ValueFact[]): PyConstant | undefined {
  let c: PyConstant | undefined;
  for (const v of values) {
    if (v.kind !== 'constant') return undefined;
    if (c === undefined) c = v.value;
    else if (!sameConstant(c, v.value)) return undefined;
  }
  return c;
}

/** Deduplicate and cap a value list (overflow becomes one `unknown`). */
export function capValues(values: ValueFact[]): ValueFact[] {
  // Fast path (most expressions have one value): nothing to deduplicate or cap. Callers pass fresh arrays.
  if (values.length <= 1) return values.length === 1 && values[0] === UNKNOWN ? ONLY_UNKNOWN : values;
  const out: ValueFact[] = [];
  const seen = new Set<string>();
  let overflow = false;
  for (const v of values) {
    const key =
      v.kind === 'constant'
        ? 'c:' + v.value.type + ':' + ('value' in v.value ? String(v.value.value) : '')
        : v.kind === 'qualified'
          ? 'q:' + v.name + (v.partial !== undefined ? '@' + v.partial.span.startIndex : '')
          : v.kind === 'definition'
            ? 'd:' + v.functionId
            : 'u';
    if (seen.has(key)) continue;
    if (out.length >= MAX_VALUES) {
      overflow = true;
      continue;
    }
    seen.add(key);
    out.push(v);
  }
  if (overflow && !seen.has('u')) out.push(UNKNOWN);
  return out.length === 1 && out[0] === UNKNOWN ? ONLY_UNKNOWN : out;
}

/** The parts an operator expression or f-string computes its value from (see ExpressionFact.operands). */
function operandNodes(n: SyntaxNode): SyntaxNode[] {
  switch (n.type) {
    case 'binary_operator':
    case 'boolean_operator': {
      const out: SyntaxNode[] = [];
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left !== null) out.push(left);
      if (right !== null) out.push(right);
      return out;
    }
    case 'conditional_expression': {
      // `a if c else b`: the value is a or b; the condition is not part of it.
      const kids = n.namedChildren.filter((c) => c.type !== 'comment');
      return kids.length === 3 ? [kids[0]!, kids[2]!] : [];
    }
    case 'concatenated_string':
      return n.namedChildren.flatMap((c) => (c.type === 'string' ? interpolations(c) : []));
    case 'string':
      return interpolations(n);
    default:
      return [];
  }
}

/** The expressions inside `{...}` of an f-string. */
function interpolations(s: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of s.namedChildren) {
    if (c.type !== 'interpolation') continue;
    const e = c.childForFieldName('expression') ?? c.namedChild(0);
    if (e !== null) out.push(e);
  }
  return out;
}
