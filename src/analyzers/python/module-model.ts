// Facts extracted from one Python (or TorchScript `code/`) source file: imports, bindings, scopes, calls,
// attribute references, string literals, assignments and parse errors. Plain data: no tree-sitter objects survive.
// Rules (TORCH now, DESER later) read these facts; nothing here decides what is dangerous.

/**
 * A source range. Lines and columns are 1-based; columns count UTF-16 code units (what JS strings and
 * tree-sitter's web binding use). `endLine`/`endColumn` point just past the last character (SARIF convention).
 * `startIndex`/`endIndex` are UTF-16 offsets into the analysed text.
 */
export interface SourceSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  startIndex: number;
  endIndex: number;
}

/** A statically known Python literal. Bytes are kept as a latin-1 string (one char per byte). */
export type PyConstant =
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'str'; value: string }
  | { type: 'bytes'; value: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number };

/**
 * One possible run-time value of an expression.
 * - `qualified`: a dotted path rooted at an import (or an unbound/implicit global), e.g. `torch.load`,
 *   `torch.hub`, or a call result written with `()`: `flask.Flask()`, `pickle.Unpickler().load`.
 *   `partial` is set when the value is `functools.partial(<qualified>, ...)`.
 * - `definition`: a function or class defined in this file (`functionId` indexes {@link PythonModule.functions}).
 */
export type ValueFact =
  | { kind: 'constant'; value: PyConstant }
  | { kind: 'qualified'; name: string; partial?: PartialFact }
  | { kind: 'definition'; functionId: number; name: string }
  | { kind: 'unknown' };

/** How the root name of an expression was resolved. */
export type Resolution =
  | 'import' // bound by an import statement
  | 'assignment' // bound by an assignment / with / for / walrus
  | 'parameter' // a function or lambda parameter
  | 'definition' // a def or class in this file
  | 'implicit' // an implicit global supplied by the caller (TorchScript: torch, ops)
  | 'builtin' // an unbound name that is a Python builtin (`eval`, `open`)
  | 'unbound' // a name bound nowhere in this file (its own text is used as the qualified name)
  | 'expression'; // the callee is not a name or attribute chain (`x[0]()`, `(a or b)()`)

/** An expression with its source and whatever is statically known about its value. */
export interface ExpressionFact {
  /** Source text, cut to about 200 characters. */
  text: string;
  /** tree-sitter node type, e.g. `identifier`, `attribute`, `call`, `string`, `true`. */
  nodeType: string;
  span: SourceSpan;
  /** Set when every possible value is the same literal (a literal, or a name bound only to that literal). */
  constant?: PyConstant;
  /** Every statically possible value (at most 8); contains `unknown` when some value cannot be known. */
  values: ValueFact[];
  /** The first `qualified` value's name, for convenience. */
  qualifiedName?: string;
  /** Identifiers read inside the expression (not inside nested calls' arguments or lambdas), at most 32. */
  names: string[];
  /** Call sites inside the expression, outermost only (`a(b(c))` as an argument lists `a`'s id). */
  callIds: number[];
  /** For a dict literal / `dict(k=v)` (or a name bound to one) with string keys: its entries. */
  dictEntries?: KeywordArgumentFact[];
  /** For a name, call, attribute or subscript chain (parentheses and `await` stripped): its root and steps. */
  access?: AccessPath;
  /** For a tuple, list or set literal (or a bare `a, b`): its elements in order (at most 16). */
  elements?: ExpressionFact[];
  /**
   * For such a literal of more than 16 elements: how many it has, and (when every element past the first 16 is a
   * bare name and there are at most 65,536 of them) those names with how often each is written.
   */
  more?: { count: number; names?: [string, number][] };
  /**
   * For an expression whose value is computed from parts — `a + b`, `a % b`, `a / b`, `a or b`, `a and b`, the two
   * branches of `a if c else b`, the interpolations of an f-string (also inside implicit concatenation): those
   * parts (at most 16). Unlike `elements` they are not positions of a container.
   */
  operands?: ExpressionFact[];
}

/**
 * An expression written as a chain from a root: `request.files["f"].read` is the name `request` followed by
 * `.files`, `["f"]`, `.read`; `(await req.body())[4:]` is the call `req.body()` followed by a slice.
 * Subscript keys are kept only when they are literals; index expressions are not part of the chain.
 */
export interface AccessPath {
  root: AccessRoot;
  steps: AccessStep[];
}

export type AccessRoot =
  | {
      kind: 'name';
      name: string;
      /** Qualified values of the name (`flask.request` for `from flask import request`), at most 4. */
      qualifiedNames: string[];
      resolution: Resolution;
    }
  | { kind: 'call'; callId: number }
  | {
      kind: 'other';
      nodeType: string;
      /** For an operator root (`(ROOT / name).read_bytes()`): the root expression, whose value the chain starts from. */
      expr?: ExpressionFact;
    };

export type AccessStep = { kind: 'attr'; name: string } | { kind: 'index'; key?: PyConstant; slice: boolean };

export interface KeywordArgumentFact {
  name: string;
  value: ExpressionFact;
}

/** A `functools.partial(target, *positional, **keywords)` value. Nested partials are merged. */
export interface PartialFact {
  qualifiedName: string;
  positional: ExpressionFact[];
  keywords: KeywordArgumentFact[];
  hasStarArgs: boolean;
  hasStarStarKwargs: boolean;
  /** Where the (outermost) `partial(...)` call is. */
  span: SourceSpan;
}

/** The called expression of a call site. */
export interface CalleeFact {
  /** Source text of the callee, e.g. `L`, `torch.hub.load`, `ops.my_ns.my_op`. */
  raw: string;
  /** The first qualified value, e.g. `torch.load`; null when unknown (a parameter, a local object). */
  qualifiedName: string | null;
  resolution: Resolution;
  /** Every possible callee value (see {@link ValueFact}); partial-bound callees carry `partial`. */
  values: ValueFact[];
  /** Set when the callee's root name is unbound and the file has `from M import *`: the modules M. */
  starImportModules?: string[];
  /** Set when the callee is a function/class defined in this file. */
  definitionId?: number;
  /** The callee as a chain (`self.sock.recv` → name `self`, `.sock`, `.recv`), when it is one. */
  access?: AccessPath;
}

/** One enclosing `try` statement of a call, innermost first. */
export interface TryFrame {
  tryId: number;
  part: 'body' | 'handler' | 'else' | 'finally';
  /** For `handler`: the exception type expressions' text (`pickle.UnpicklingError`); empty for a bare `except:`. */
  handlerTypes: string[];
  /** For `handler`: the resolved qualified names of the exception types where known. */
  handlerQualifiedTypes: string[];
}

export interface DecoratorFact {
  /** Decorator expression text without the `@`. */
  text: string;
  /** Resolved qualified name of the decorator (for `@app.route("/")`, of the called `app.route`). */
  qualifiedName: string | null;
  /** True when the decorator is a call (`@app.route(...)`); its call site id is `callId`. */
  isCall: boolean;
  callId?: number;
  span: SourceSpan;
}

export interface ParameterFact {
  name: string;
  kind: 'positional' | 'vararg' | 'keyword-only' | 'kwarg' | 'positional-only';
  annotation?: string;
  default?: ExpressionFact;
}

/** A scope: the module, a def, a lambda or a class body. Comprehension scopes are not listed. */
export interface FunctionFact {
  id: number;
  kind: 'module' | 'function' | 'lambda' | 'class';
  /** `<module>`, the def/class name, or `<lambda>`. */
  name: string;
  /** Dotted path inside the file: `Model.forward`, `outer.<locals>.inner` is written `outer.inner`. */
  qualifiedName: string;
  parentId: number | null;
  span: SourceSpan;
  isAsync: boolean;
  decorators: DecoratorFact[];
  parameters: ParameterFact[];
  /** Superclass expressions of a class (`nn.Module` → qualified `torch.nn.Module` when imported). */
  bases: ExpressionFact[];
  /** Names declared `global` / `nonlocal` here. */
  globals: string[];
  nonlocals: string[];
  /** `return` / `yield` values in this scope (not nested ones). */
  returns: ExpressionFact[];
  /** A def's return annotation (`-> int`), cut as other excerpts are. */
  returnAnnotation?: string;
}

/** Where a call sits relative to function definitions. */
export interface EnclosingFunction {
  id: number;
  name: string;
  qualifiedName: string;
  decorators: DecoratorFact[];
}

export interface CallSite {
  /** Index into {@link PythonModule.calls}; calls are numbered in source order. */
  id: number;
  callee: CalleeFact;
  /** Positional arguments in order (`*x` splats are in `starArgs`, not here). */
  positional: ExpressionFact[];
  keywords: KeywordArgumentFact[];
  starArgs: ExpressionFact[];
  starStarKwargs: ExpressionFact[];
  hasStarArgs: boolean;
  hasStarStarKwargs: boolean;
  span: SourceSpan;
  /** The call's source text, cut to about 200 characters. */
  text: string;
  /** Innermost scope (module/def/lambda/class) the call is evaluated in. Decorators and defaults belong to the outer scope. */
  scopeId: number;
  /** Innermost def or lambda around the call; null at module or class-body level. */
  enclosingFunction: EnclosingFunction | null;
  /** True when the call runs when the module is imported (module or class-body level, not under `if __name__ == "__main__"`). */
  runsAtImport: boolean;
  /** True inside the body of `if __name__ == "__main__":`. */
  underMainGuard: boolean;
  tryFrames: TryFrame[];
  /** Names the call's result is directly assigned to (`x = f()` → `['x']`). */
  assignedTo: string[];
  /** Id of the call whose argument list contains this call, if any. */
  parentCallId?: number;
}

/** A non-call attribute chain (maximal), e.g. `torch.classes.ns.Cls` in an annotation, or `torch.load` passed as a value. */
export interface AttributeReference {
  raw: string;
  qualifiedName: string;
  resolution: Resolution;
  span: SourceSpan;
  scopeId: number;
  context: 'load' | 'store' | 'annotation';
}

export interface StringLiteralFact {
  /** Decoded value; null for an f-string with interpolations. Implicit concatenation is one literal. */
  value: string | null;
  /** Source text, cut to about 200 characters. */
  text: string;
  isBytes: boolean;
  isFString: boolean;
  /** The first statement of a module, def or class body. */
  isDocstring: boolean;
  span: SourceSpan;
  scopeId: number;
}

export interface ImportFact {
  /** `import a.b [as c]`, `from m import n [as k]`, `from m import *`. */
  kind: 'import' | 'from' | 'star';
  /** Module as written, including leading dots for relative imports (`..pkg.mod`). */
  module: string;
  /** Imported name for `from` imports. */
  name?: string;
  alias?: string;
  /** The local name bound (null for star imports). */
  boundName: string | null;
  /** What the bound name refers to: `torch` for `import torch.hub`, `torch.hub.load` for `from torch.hub import load`. */
  qualifiedName: string;
  relativeLevel: number;
  span: SourceSpan;
  scopeId: number;
}

/** What a name is bound to in a scope (one entry per binding site). */
export interface BindingFact {
  name: string;
  scopeId: number;
  kind: 'import' | 'assignment' | 'parameter' | 'definition' | 'loop' | 'with' | 'except' | 'augmented' | 'walrus';
  span: SourceSpan;
  /** Possible values at the binding site. */
  values: ValueFact[];
  constant?: PyConstant;
}

export type AssignmentTarget =
  | { kind: 'name'; name: string }
  | { kind: 'attribute'; text: string; qualifiedName?: string }
  | { kind: 'subscript'; objectText: string; objectQualifiedName?: string; key?: PyConstant }
  | { kind: 'other'; text: string };

/** An assignment-like statement: `=`, `+=`, annotated, `for ... in`, `with ... as`, walrus. */
export interface AssignmentFact {
  kind: 'assign' | 'augmented' | 'annotated' | 'for' | 'with' | 'walrus';
  targets: AssignmentTarget[];
  /** The right-hand side (the iterable for `for`, the context expression for `with`); null for `x: int`. */
  value: ExpressionFact | null;
  span: SourceSpan;
  scopeId: number;
  /** The annotation's source text (`annotated` only: `engine: Engine = ...`, `x: int`), cut as other excerpts are. */
  annotation?: string;
}

/**
 * A loop: `for` (its iterable), `while` (its condition) or a comprehension's `for ... in` clause (its iterable).
 * Nesting is read from the spans: a loop inside another one of the same scope lies inside its span.
 */
export interface LoopFact {
  kind: 'for' | 'while' | 'comprehension';
  /** The iterable (`for`, comprehension) or the condition (`while`). */
  head: ExpressionFact | null;
  span: SourceSpan;
  scopeId: number;
}

/**
 * An integer-or-tensor division written as an operator (`a // b`, `a % b`, `a //= b`, `a %= b`), or a matrix product
 * (`a @ b`, `a @= b`), whose work grows faster than its operands.
 */
export interface DivisionFact {
  operator: '//' | '%' | '@';
  left: ExpressionFact;
  right: ExpressionFact;
  span: SourceSpan;
  /** Source text, cut to about 200 characters. */
  text: string;
  scopeId: number;
}

/**
 * Any other infix operator of two operands (`a + b`, `a * b`, `a ** b`, `a & b`, `a << b`, `a < b`, `a == b`, and
 * their augmented assignments), for the rules that read what an operator on tensors makes: on tensors these
 * broadcast their operands. A chained comparison (`a < b < c`) is one fact per adjacent pair.
 */
export interface BinaryOperatorFact {
  operator: string;
  left: ExpressionFact;
  right: ExpressionFact;
  span: SourceSpan;
  /** Source text, cut to about 200 characters. */
  text: string;
  scopeId: number;
  /** Whether it is an augmented assignment (`a += b`), which writes into its left operand. */
  augmented: boolean;
}

/**
 * An operand a statement or expression uses through a protocol of its type rather than by a call written out: an
 * item read (`b[1]`), written (`b[1] = v`) or deleted (`del b[1]`), a membership test (`k in b`, `k not in b`: the
 * container), a unary operator (`-b`, `~b`, `+b`), a truth test (`if b:`, `while b:`, `not b`, `b and c`, `x if b
 * else y`, `assert b`, a comprehension's `if b`) and a context manager (`with b:`). A language whose classes define
 * these by special methods runs such a method here. Collected only when the analysis asks for them (see
 * AnalyzeOptions.protocolUses).
 */
export interface ProtocolUseFact {
  kind: 'item-get' | 'item-set' | 'item-delete' | 'contains' | 'negate' | 'invert' | 'plus' | 'truth' | 'context';
  operand: ExpressionFact;
  span: SourceSpan;
  /** Source text, cut to about 200 characters. */
  text: string;
  scopeId: number;
}

export interface TryFact {
  id: number;
  span: SourceSpan;
  scopeId: number;
  handlers: { types: string[]; qualifiedTypes: string[]; span: SourceSpan }[];
}

export interface ParseErrorFact {
  kind: 'error' | 'missing';
  span: SourceSpan;
  /** Source text of the ERROR node (cut), or the token tree-sitter inserted for a MISSING node. */
  text: string;
}

/** Everything {@link analyzePythonModule} learned about one file. */
export interface PythonModule {
  lineCount: number;
  /** True when tree-sitter reported ERROR or MISSING nodes; the rest of the file is still analysed. */
  hasErrors: boolean;
  parseErrors: ParseErrorFact[];
  imports: ImportFact[];
  /** Modules of `from M import *` statements (recorded, never resolved). */
  starImports: string[];
  bindings: BindingFact[];
  /** Index 0 is the module scope; ids equal indexes. */
  functions: FunctionFact[];
  calls: CallSite[];
  attributeReferences: AttributeReference[];
  strings: StringLiteralFact[];
  assignments: AssignmentFact[];
  tries: TryFact[];
  /** Every loop, in source order. */
  loops: LoopFact[];
  /**
   * The blocks that may not run when the statement holding them does (the bodies of `if`, `elif` and `else`, a
   * `try` body, its `except` and `else` clauses, a `match` case), in source order: a binding inside one does not
   * reach every statement after it. Loops are in {@link loops}.
   */
  branches: SourceSpan[];
  /** Every `//` and `%` operator (and their augmented assignments), in source order. */
  divisions: DivisionFact[];
  /** Every other binary or comparison operator (see BinaryOperatorFact), in source order. */
  operators: BinaryOperatorFact[];
  /** Operands used through a protocol of their type (see ProtocolUseFact); empty unless the analysis asked for them. */
  protocolUses: ProtocolUseFact[];
  /**
   * Timings in milliseconds (parse = tree-sitter; analyse = fact extraction), nodes walked, and name-resolution
   * work. When `resolveBudgetExhausted` is true some values are `unknown` only because the budget ran out.
   */
  stats: { parseMs: number; analyseMs: number; nodes: number; resolveSteps: number; resolveBudgetExhausted: boolean };
}
