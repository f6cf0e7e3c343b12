// What one module's data flow (flow.ts) asks of the whole-program view (project.ts): callers and callees in other
// modules and the flows that evaluate them. An interface of its own so that flow.ts and project.ts do not import
// each other (project.ts builds the flows; a flow only sees this view).
import type { AccessPath, CallSite, ExpressionFact, FunctionFact } from '../python/module-model.js';
import type { CallEdge, ModuleIndex } from './module-index.js';
import type { Value } from './value.js';

/** The evaluations another module's flow answers for a call made elsewhere. */
export interface ForeignFlow {
  /** The value a caller in that module passes as parameter `i` of `f` (`e` is the call edge there). */
  passedArgument(e: CallEdge, f: FunctionFact, i: number): Value | undefined;
  /** What a caller in that module passes by keyword or at a position (after bound `self`); undefined when nothing. */
  passedSlot(e: CallEdge, slot: ArgSlot): Value | undefined;
  /** The return value of `f` (a function of that module) for the given parameter values. */
  foreignReturn(f: FunctionFact, params: Map<string, Value>, depth: number): Value;
  /** Remote data `f` (a function of that module) writes into the files its parameters name, by parameter index. */
  foreignParamWrites(f: FunctionFact, params: Map<string, Value>, depth: number): Map<number, Value>;
  /** Files that module writes remote data into, by literal path key (`s:<path>`). */
  literalWrites(): Map<string, Value>;
  /** The literal string a module-level name of that module is bound to, if it is bound once to one. */
  constantOf(name: string): string | undefined;
  /** Whether a module-level name of that module is a table of constants (`T = {"a": "/m/a.pkl"}`). */
  isConstantTable(name: string): boolean;
  /** What a `q.put(item)` call of that module puts, in the merged context of its function. */
  queuedValue(put: CallSite): Value;
  /** `self.<attr>` of instances of `cls` (a class of that module): every value its methods store there; null if none. */
  instanceAttr(cls: FunctionFact, attr: string): Value | null;
}

/** An argument of a call by keyword name, or by position among the arguments after a bound `self`. */
export type ArgSlot = { keyword: string } | { position: number };

/** One module of the project as a flow sees it. */
export interface UnitView {
  file: string;
  idx: ModuleIndex;
  flow: ForeignFlow;
}

/** A callee in the project that the module's own index does not see (another file, an inherited method...). */
export interface ProjectCallee<U extends UnitView = UnitView> {
  unit: U;
  fn: FunctionFact;
  /** Leading parameters bound by the call (`self`). */
  skip: number;
  kind: 'function' | 'class';
  /** For a construction: the class (fn is then its `__init__`, when it has one). */
  cls?: FunctionFact;
}

/** The whole-program questions a module's flow asks. */
export interface ProjectView {
  /** Whether any module names an executable deserializer as a value (run-time chosen deserializers). */
  namesSinkValues(): boolean;
  /** The dict displays another project module binds to a name a module imports (ImportedTables). */
  importedDicts?(idx: ModuleIndex, qualifiedNames: readonly string[]): ExpressionFact[];
  unitOf(idx: ModuleIndex): UnitView | undefined;
  /** Calls of `fn` made in other modules. */
  callersOf(fn: FunctionFact): readonly { unit: UnitView; edge: CallEdge }[];
  /** True when another module uses `fn` as a value: anyone may call it. */
  escapes(fn: FunctionFact): boolean;
  /**
   * True when another module's table of callables holds `fn` (`TASKS = {"restore": fn}`): it runs when the table is
   * read for it (and then escapes or has callers), not merely because nothing calls it by name.
   */
  heldInTable?(fn: FunctionFact): boolean;
  /** True when a method named as `fn` is called, with arguments it accepts, on a receiver no module can type. */
  calledUntyped?(fn: FunctionFact): boolean;
  /**
   * The project callee of a call the module's own index does not resolve; `asked` when the analysis needs the
   * call's value (a callee in a module not read is then remembered as asked for).
   */
  callee(unit: UnitView, c: CallSite, asked?: boolean): ProjectCallee | undefined;
  /**
   * The `put`/`put_nowait` calls of every module on the queue a receiver names (`q` of `q.get()`: a queue bound to
   * a name of this module or one it imports, or to an attribute of `self`, or handed in as a parameter or a
   * constructor's argument); with `method` `recv`, the `send` calls on the pipe it names. Undefined when it names no
   * known queue (pipe).
   */
  queuePuts?(
    unit: UnitView,
    recv: AccessPath,
    scopeId: number,
    method?: string,
  ): readonly { unit: UnitView; call: CallSite }[] | undefined;
  /**
   * Classes of the project whose instances an object may be (`a` of `a.path`, `self.fetcher` of `self.fetcher.path`:
   * the prefix of an access), when some class's methods store into `self.<attr>`; empty otherwise.
   */
  instanceClasses?(
    unit: UnitView,
    prefix: AccessPath,
    scopeId: number,
    attr: string,
  ): readonly { unit: UnitView; cls: FunctionFact }[];
  /**
   * Whether parameter `name` of `f` belongs to a library's public API (a project serving nothing): users of the
   * library pass it too, whatever the package's own calls pass.
   */
  libraryParameter?(unit: UnitView, f: FunctionFact, name: string): boolean;
  /** Whether any module may write files (call names only). */
  mayWrite(): boolean;
  /** Remote data any module writes to the literal path of `key` (`s:<path>`). */
  literalWrite(key: string): Value | undefined;
  /** The literal string the qualified name of a module-level constant (`pkg.paths.CACHE`) stands for. */
  constant(q: string, from: UnitView): string | undefined;
  /** Whether the qualified name (`pkg.tables.MODELS`) is a module-level table of constants of another module. */
  constantTable?(q: string, from: UnitView): boolean;
}
