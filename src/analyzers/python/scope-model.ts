// Internal scope model for one analysis (never leaves the analyser): Python's LEGB scopes within
// one module, name bindings with the block that contains them, and the walk context passed down the tree.
import type { SyntaxNode } from './syntax-tree.js';
import type { BindingFact, FunctionFact, TryFrame, ValueFact, KeywordArgumentFact } from './module-model.js';

/** Open `block` nodes from the scope's body down to the current node (innermost first). */
export interface BlockLink {
  readonly id: number;
  readonly parent: BlockLink | null;
}

export interface TryLink {
  readonly frame: TryFrame;
  readonly parent: TryLink | null;
}

export type ScopeKind = 'module' | 'function' | 'lambda' | 'class' | 'comprehension';

export interface Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | null;
  /** The FunctionFact reporting this scope (a comprehension reports as its enclosing scope). */
  readonly fact: FunctionFact;
  /** SyntaxNode id of the scope's outermost container (module node, or the body block / lambda body). */
  readonly rootContainer: number;
  /** Name → its bindings here; the shared empty NO_BINDINGS until the scope binds a name (most lambdas never do). */
  bindings: ReadonlyMap<string, Binding[]>;
  /** Names declared `global` / `nonlocal` here; the shared empty NO_NAMES until one is declared. */
  globals: ReadonlySet<string>;
  nonlocals: ReadonlySet<string>;
}

/**
 * The shared empty tables of a scope that binds or declares nothing: a module of many small scopes (nested lambdas)
 * would otherwise hold three empty hash tables per scope. Never written: addBinding and declareName replace them.
 */
export const NO_BINDINGS: ReadonlyMap<string, Binding[]> = new Map();
export const NO_NAMES: ReadonlySet<string> = new Set();

/** Records a `global` (or `nonlocal`) declaration of `name` in `scope`. */
export function declareName(scope: Scope, which: 'globals' | 'nonlocals', name: string): void {
  const set = scope[which];
  if (set === NO_NAMES) scope[which] = new Set([name]);
  else (set as Set<string>).add(name);
}

/** Where an expression is evaluated: its scope and the blocks open around it. */
export interface EvalContext {
  readonly scope: Scope;
  readonly blocks: BlockLink | null;
}

/** What a binding site binds the name to, before resolution. */
export type BindingSource =
  | { kind: 'import'; qualifiedName: string }
  | { kind: 'definition'; functionId: number; name: string }
  | { kind: 'expression'; node: SyntaxNode }
  | { kind: 'elements'; nodes: SyntaxNode[] }
  | { kind: 'unknown' };

export interface ResolvedValue {
  values: ValueFact[];
  dictEntries?: KeywordArgumentFact[];
}

export interface Binding {
  readonly name: string;
  /** The scope the name is bound in (after applying `global` / `nonlocal`). */
  readonly scope: Scope;
  readonly kind: BindingFact['kind'];
  /** Uses at UTF-16 offsets after this see the binding (statement end; -1 for parameters). */
  readonly position: number;
  /** Innermost block (or scope root) containing the binding statement. */
  readonly container: number;
  /** The node reported as the binding site. */
  readonly site: SyntaxNode;
  readonly source: BindingSource;
  /** Where `source` expressions are evaluated. */
  readonly evalContext: EvalContext;
  memo?: ResolvedValue;
  busy?: boolean;
}

/** Context handed down the tree by the walker. */
export interface WalkContext extends EvalContext {
  /** Innermost def or lambda FunctionFact; null at module/class level. */
  readonly func: FunctionFact | null;
  readonly tries: TryLink | null;
  readonly annotation: boolean;
  readonly mainGuard: boolean;
}

/** True when `binding` certainly happened before a use evaluated in `ctx` at a later offset. */
export function dominates(binding: Binding, ctx: EvalContext): boolean {
  if (binding.kind === 'parameter') return true;
  if (binding.container === binding.scope.rootContainer) return true;
  for (let b = ctx.blocks; b !== null; b = b.parent) if (b.id === binding.container) return true;
  return false;
}

export function addBinding(binding: Binding): void {
  const scope = binding.scope;
  const list = scope.bindings.get(binding.name);
  if (list !== undefined) list.push(binding);
  else if (scope.bindings === NO_BINDINGS) scope.bindings = new Map([[binding.name, [binding]]]);
  else (scope.bindings as Map<string, Binding[]>).set(binding.name, [binding]);
}

/** The scope `global` and `nonlocal` declarations redirect a binding of `name` made in `scope` to. */
export function bindingScope(scope: Scope, name: string): Scope {
  if (scope.kind === 'comprehension') return scope;
  if (scope.globals.has(name)) {
    let s: Scope = scope;
    while (s.parent !== null) s = s.parent;
    return s;
  }
  if (scope.nonlocals.has(name)) {
    for (let s = scope.parent; s !== null; s = s.parent) {
      if (s.kind === 'function' || s.kind === 'lambda') {
        if (s.bindings.has(name) || !hasOuterFunction(s)) return s;
      }
    }
  }
  return scope;
}

function hasOuterFunction(scope: Scope): boolean {
  for (let s = scope.parent; s !== null; s = s.parent) if (s.kind === 'function' || s.kind === 'lambda') return true;
  return false;
}
