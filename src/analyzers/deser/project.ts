// Whole-program view for the DESER rules: every Python module scanned together, with imports resolved between
// them (absolute, relative, re-exports and module-level aliases), calls and callers across files, classes with
// their bases and the types of `self` attributes, so the data flow (flow.ts) composes across modules.
import type {
  AccessPath,
  AssignmentTarget,
  CallSite,
  ExpressionFact,
  FunctionFact,
  PythonModule,
} from '../python/module-model.js';
import { SINK_BY_NAME } from './apis.js';
import { DATACLASS_DECORATOR, DeserFlow, MAX_STEPS, mayWrite, writtenAt, type FlowBudget } from './flow.js';
import { joinValues, type Value } from './value.js';
import { recognizeEntries, type Entries, type EntryInfo } from './handlers.js';
import {
  deferredCall,
  taskCall,
  taskSkip,
  MAX_VALUE_NESTING,
  ModuleIndex,
  QUEUE_PUTS,
  PIPE_KEY,
  PIPE_RECV,
  PIPE_SEND,
  withPartial,
  type CallEdge,
  registrationTables,
} from './module-index.js';
import { moduleNamesSinkValues } from './dynamic-sinks.js';
import { absoluteName } from './demand.js';
import type { ProjectCallee as ViewCallee, ProjectView } from './project-view.js';
import { pushTo } from '../../core/multimap.js';
import { UntypedCalls } from './untyped-calls.js';

/** One module of the project. */
export interface Unit {
  /** The scanned path (as reports show it). */
  file: string;
  /** The path relative to the project root (`/`-separated). */
  relPath: string;
  /** Dotted module names the file answers to (`pkg.sub.mod`, and the scan-root-relative name when different). */
  keys: string[];
  /** Package relative imports start from (`pkg.sub` for `pkg/sub/mod.py` and for `pkg/sub/__init__.py`). */
  pkg: string;
  isPackage: boolean;
  mod: PythonModule;
  idx: ModuleIndex;
  entries: Entries;
  flow: DeserFlow;
  cache: Map<string, Resolved | null>;
}

/** What a dotted name refers to in the project. */
export type Resolved =
  | { kind: 'function' | 'class'; unit: Unit; fn: FunctionFact }
  | { kind: 'module'; unit: Unit }
  | { kind: 'external'; name: string };

/** A callee in the project that the module's own index does not see (another file, an inherited method...). */
export type ProjectCallee = ViewCallee<Unit>;

/** Input of {@link DeserProject}: a module and where it lives (path relative to the scan root, `/`-separated). */
export interface ProjectInput {
  file: string;
  relPath: string;
  mod: PythonModule;
}

const MAX_ALIAS_DEPTH = 6;
const MAX_CLASSES = 4;

export class DeserProject implements ProjectView {
  readonly units: Unit[] = [];
  /**
   * The project modules (relative paths) a module's import statements reach, transitively, with the packages
   * (`__init__`) importing them runs; 'all' when some text on the way could not be read. Unset: every module counts
   * as reached (a library API is withdrawn by any serving module of its package).
   */
  importReach?: (relPath: string) => ReadonlySet<string> | 'all';
  /**
   * Whether a module outside any package folder is a distribution's own module (a single-module distribution: its
   * `setup.py` names it in `py_modules`). Unset: none is.
   */
  distributedModule?: (relPath: string) => boolean;
  private readonly byKey = new Map<string, Unit[]>();
  private readonly byIdx = new Map<ModuleIndex, Unit>();
  private readonly foreignCallers = new Map<FunctionFact, { unit: Unit; edge: CallEdge }[]>();
  private readonly referencedFns = new Set<FunctionFact>();
  private readonly budget: FlowBudget;
  /** Functions whose callers in other modules the analysis asked for (their parameters decide a value it needed). */
  private readonly asked = new Set<FunctionFact>();
  /** Callees outside the modules read whose value the analysis asked for (absolute dotted names). */
  private readonly askedOutside = new Set<string>();

  constructor(
    inputs: readonly ProjectInput[],
    allPaths: readonly string[] = inputs.map((i) => i.relPath),
    /** Whether a folder (relative to the project root) holds an `__init__.py` the inputs may not list. */
    readonly isPackageDir?: (relDir: string) => boolean,
    /** `moduleKeys(allPaths, isPackageDir)` when the caller has it already. */
    knownKeys?: ReadonlyMap<string, ModuleKey>,
    /**
     * The caller's time limit, called between units of work (a module indexed, its callers indexed, a batch of
     * data-flow steps: FlowBudget.checkpoint); it throws to end the analysis. Unset: no check.
     */
    readonly checkpoint: () => void = () => {},
  ) {
    const keys = knownKeys ?? moduleKeys(allPaths, isPackageDir);
    this.budget = {
      steps: 0,
      maxSteps: MAX_STEPS * Math.max(1, inputs.length),
      depth: 0,
      truncated: false,
      checkpoint,
    };
    const pending: Omit<Unit, 'entries' | 'flow'>[] = [];
    for (const i of inputs) {
      checkpoint();
      const k = keys.get(i.relPath) ?? keyOf(i.relPath, new Set());
      const idx = ModuleIndex.forProject(i.mod);
      const u = {
        file: i.file,
        relPath: i.relPath,
        keys: k.keys,
        pkg: k.pkg,
        isPackage: k.isPackage,
        mod: i.mod,
        idx,
        cache: new Map(),
      };
      pending.push(u);
    }
    // Entries first (a handler may be registered in another file), then one flow per module.
    const foreign: { unit: Unit; entry: EntryInfo }[] = [];
    for (const p of pending) {
      const u = p as Unit;
      this.units.push(u);
      this.byIdx.set(u.idx, u);
      for (const k of u.keys) pushTo(this.byKey, k, u);
    }
    for (const u of this.units) {
      u.idx.link = {
        resolveClass: (q) => {
          const r = this.resolve(q, u);
          return r?.kind === 'class' ? { idx: r.unit.idx, fn: r.fn } : undefined;
        },
        expand: (q) => {
          const r = this.resolve(q, u);
          return r?.kind === 'external' && r.name !== q ? r.name : undefined;
        },
        resolveFunction: (q) => {
          const r = this.resolve(q, u);
          return r?.kind === 'function' ? { idx: r.unit.idx, fn: r.fn } : undefined;
        },
      };
    }
    for (const u of this.units) {
      checkpoint();
      u.entries = recognizeEntries(
        u.idx,
        (e, scopeId) => this.foreignFunction(u, e, scopeId),
        (e, scopeId) => this.loopFunctions(u, e, scopeId),
      );
      for (const f of u.entries.foreign) {
        const target = this.byIdx.get(f.idx);
        if (target !== undefined) foreign.push({ unit: target, entry: f.entry });
      }
    }
    mergeForeign(foreign);
    for (const u of this.units) {
      u.flow = new DeserFlow(u.idx, u.entries.entries, { file: u.file, project: this, budget: this.budget });
    }
    this.indexCallers();
    this.lateEntries();
  }

  /**
   * Registrations left unresolved while entries were read (a UI listener that is a bound method of a parameter's
   * value), asked again now that parameters are typed by their callers' arguments: `create_demo(PickleEngine())`
   * makes `engine.restore` inside `create_demo` the method `PickleEngine.restore`, in this module or another.
   */
  private lateEntries(): void {
    const found: { unit: Unit; entry: EntryInfo }[] = [];
    for (const u of this.units) {
      const late = u.entries.late;
      if (late === undefined) continue;
      this.checkpoint();
      const from = u.entries.foreign.length;
      for (const retry of late) retry((e, scopeId) => this.boundMethod(u, e, scopeId));
      for (const f of u.entries.foreign.slice(from)) {
        const target = this.byIdx.get(f.idx);
        if (target !== undefined) found.push({ unit: target, entry: f.entry });
      }
    }
    mergeForeign(found);
  }

  /** The method `recv.m` names, `recv` typed as receivers are (its bindings, annotation, or callers' arguments). */
  private boundMethod(
    unit: Unit,
    e: ExpressionFact,
    scopeId: number,
  ): { idx: ModuleIndex; fn: FunctionFact; skip?: number } | undefined {
    const a = e.access;
    const last = a?.steps[a.steps.length - 1];
    if (a === undefined || last?.kind !== 'attr' || e.operands !== undefined || a.root.kind !== 'name')
      return undefined;
    const recv: AccessPath = { root: a.root, steps: a.steps.slice(0, -1) };
    for (const k of this.receiverClasses(unit, recv, scopeId)) {
      const m = this.methodOf(k.unit, k.cls, last.name);
      if (m !== undefined && m.fn.kind === 'function')
        return { idx: m.unit.idx, fn: m.fn, skip: staticSkip(m.fn, m.unit) };
    }
    return undefined;
  }

  private sinkValues: boolean | undefined;

  /** Whether any module names an executable deserializer as a value (run-time chosen deserializers). */
  namesSinkValues(): boolean {
    this.sinkValues ??= this.units.some((u) => moduleNamesSinkValues(u.mod));
    return this.sinkValues;
  }

  /**
   * The dict displays a module-level name of another project module holds, for a name a module imports
   * (`from formats import LOADERS`): a table of callables defined there and called here (`LOADERS[fmt](body)`).
   */
  importedDicts(idx: ModuleIndex, qualifiedNames: readonly string[]): ExpressionFact[] {
    const u = this.unitOf(idx);
    if (u === undefined) return [];
    for (const q of qualifiedNames) {
      const dot = q.lastIndexOf('.');
      if (dot <= 0) continue;
      const r = this.resolve(q.slice(0, dot), u);
      if (r?.kind !== 'module' || r.unit === u) continue;
      const out: ExpressionFact[] = [];
      for (const as of r.unit.idx.assignedNames.get(0)?.get(q.slice(dot + 1)) ?? [])
        if (as.value?.dictEntries !== undefined) out.push(as.value);
      if (out.length > 0) return out;
    }
    return [];
  }

  unitOf(idx: ModuleIndex): Unit | undefined {
    return this.byIdx.get(idx);
  }

  private writes: boolean | undefined;

  mayWrite(): boolean {
    this.writes ??= this.units.some((u) => u.mod.calls.some((c) => mayWrite(c)));
    return this.writes;
  }

  literalWrite(key: string): Value | undefined {
    let v: Value | undefined;
    for (const u of this.units) {
      const w = writtenAt(u.flow.literalWrites(), key);
      if (w !== undefined) v = v === undefined ? w : joinValues(v, w);
    }
    return v;
  }

  constant(q: string, from: Unit): string | undefined {
    const dot = q.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const r = this.resolve(q.slice(0, dot), from);
    return r?.kind === 'module' && r.unit !== from ? r.unit.flow.constantOf(q.slice(dot + 1)) : undefined;
  }

  constantTable(q: string, from: Unit): boolean {
    const dot = q.lastIndexOf('.');
    if (dot <= 0) return false;
    const r = this.resolve(q.slice(0, dot), from);
    return r?.kind === 'module' && r.unit !== from && r.unit.flow.isConstantTable(q.slice(dot + 1));
  }

  /** Calls of `fn` made in other modules (or reaching it in ways its module's index does not see). */
  callersOf(fn: FunctionFact): readonly { unit: Unit; edge: CallEdge }[] {
    if (fn.parameters.length > 0) this.asked.add(fn);
    return this.foreignCallers.get(fn) ?? NONE;
  }

  /**
   * Classes (by name, with their module's keys) whose bases include a name outside the modules read
   * (absolute dotted names): a handler may be recognised, or a method found, only through such a base.
   */
  outsideBases(): { cls: string; keys: readonly string[]; base: string }[] {
    const out: { cls: string; keys: readonly string[]; base: string }[] = [];
    for (const u of this.units)
      for (const f of u.mod.functions) {
        if (f.kind !== 'class') continue;
        for (const b of f.bases)
          for (const v of b.values) {
            if (v.kind !== 'qualified') continue;
            const r = this.resolve(v.name, u);
            if (r === undefined || r.kind === 'external')
              out.push({ cls: f.name, keys: u.keys, base: absoluteName(v.name, 0, u.pkg) });
          }
      }
    return out;
  }

  /** Whether the analysis asked for the value of a call into module `key` (or below it) while it was not read. */
  askedInto(key: string): boolean {
    for (const q of this.askedOutside) if (q.startsWith(`${key}.`)) return true;
    return false;
  }

  /**
   * The functions whose callers in other modules the analysis has asked for so far, by the name a caller calls
   * them with (a method's name, a class's for `__init__`/`__call__`) and where they are defined: callers not read
   * matter to the verdict only for these.
   */
  askedCallers(): { name: string; keys: readonly string[]; cls?: string }[] {
    const out: { name: string; keys: readonly string[]; cls?: string }[] = [];
    for (const u of this.units)
      for (const f of u.mod.functions) {
        if (!this.asked.has(f)) continue;
        const parent = f.parentId !== null ? u.mod.functions[f.parentId] : undefined;
        const cls = parent?.kind === 'class' ? parent.name : undefined;
        const name = cls !== undefined && (f.name === '__init__' || f.name === '__call__') ? cls : f.name;
        out.push({ name, keys: u.keys, ...(cls !== undefined ? { cls } : {}) });
      }
    return out;
  }

  heldInTable(fn: FunctionFact): boolean {
    return this.tableHeldFns.has(fn);
  }

  private readonly tableHeldFns = new Set<FunctionFact>();

  /** True when another module uses `fn` as a value (registers, stores or passes it): anyone may call it. */
  escapes(fn: FunctionFact): boolean {
    return this.referencedFns.has(fn);
  }

  private readonly untyped = new UntypedCalls();

  /** True when a method named as `fn` is called, with arguments it accepts, on a receiver no module can type. */
  calledUntyped(fn: FunctionFact): boolean {
    return this.untyped.mayCall(fn, this.units);
  }

  /** What a dotted name (as the analyser qualified it in `from`) refers to in the project. */
  resolve(q: string, from: Unit, depth = 0): Resolved | undefined {
    const cached = from.cache.get(q);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > MAX_ALIAS_DEPTH) return undefined;
    from.cache.set(q, null); // cycles resolve to nothing
    const r = this.resolveUncached(q, from, depth);
    from.cache.set(q, r ?? null);
    return r;
  }

  private resolveUncached(q: string, from: Unit, depth: number): Resolved | undefined {
    if (SINK_BY_NAME.has(q)) return { kind: 'external', name: q };
    let name = q;
    if (q.startsWith('.')) {
      let level = 0;
      while (q[level] === '.') level++;
      const base = from.pkg.split('.').filter((s) => s !== '');
      if (level - 1 > base.length) return undefined;
      const pkg = base.slice(0, base.length - (level - 1));
      name = [...pkg, q.slice(level)].filter((s) => s !== '').join('.');
    }
    const parts = name.split('.');
    for (let n = parts.length; n >= 1; n--) {
      const units = this.byKey.get(parts.slice(0, n).join('.'));
      if (units === undefined) continue;
      const unit = closest(units, from);
      const rest = parts.slice(n);
      if (rest.length === 0) return { kind: 'module', unit };
      return this.member(unit, rest, depth);
    }
    return q.startsWith('.') ? undefined : { kind: 'external', name: q };
  }

  /** `rest` (`f`, `Cls`, `Cls.m`, `sub.f`) inside a module, through its module-level bindings. */
  private member(unit: Unit, rest: string[], depth: number): Resolved | undefined {
    const [name, ...more] = rest as [string, ...string[]];
    const bindings = unit.idx.boundNames.get(0)?.get(name) ?? [];
    for (const b of bindings) {
      for (const v of b.values) {
        if (v.kind === 'definition') {
          const f = unit.mod.functions[v.functionId];
          if (f === undefined) continue;
          if (more.length === 0) return { kind: f.kind === 'class' ? 'class' : 'function', unit, fn: f };
          if (f.kind === 'class' && more.length === 1) {
            const m = this.methodOf(unit, f, more[0]!);
            if (m !== undefined) return { kind: 'function', unit: m.unit, fn: m.fn };
            // Inherited from a library base class: the library's method, when it is a deserializer
            // (`LitNet.load_from_checkpoint` for a LightningModule subclass).
            const inherited = this.inheritedSink(unit, f, more[0]!, 0);
            if (inherited !== undefined) return { kind: 'external', name: inherited };
          }
        } else if (v.kind === 'qualified' && v.partial === undefined) {
          const target = [v.name, ...more].join('.');
          const r = this.resolve(target, unit, depth + 1);
          if (r !== undefined) return r;
        }
      }
    }
    if (unit.isPackage || bindings.length === 0) {
      for (const k of unit.keys) {
        const sub = this.byKey.get(`${k}.${name}`);
        if (sub !== undefined) {
          const s = sub[0]!;
          return more.length === 0 ? { kind: 'module', unit: s } : this.member(s, more, depth + 1);
        }
      }
    }
    return undefined;
  }

  /**
   * The sink a class inherits as method `name` from a library base class (its own bases first, then theirs), when the
   * class and the project classes between do not define it.
   */
  private inheritedSink(unit: Unit, cls: FunctionFact, name: string, depth: number): string | undefined {
    if (depth > 5 || unit.idx.methods.get(cls.id)?.has(name) === true) return undefined;
    for (const b of cls.bases) {
      for (const v of b.values) {
        if (v.kind === 'definition') {
          const base = unit.mod.functions[v.functionId];
          if (base?.kind !== 'class' || base.id === cls.id) continue;
          const r = this.inheritedSink(unit, base, name, depth + 1);
          if (r !== undefined) return r;
        } else if (v.kind === 'qualified') {
          const r = this.resolve(v.name, unit);
          if (r?.kind === 'class') {
            const found = this.inheritedSink(r.unit, r.fn, name, depth + 1);
            if (found !== undefined) return found;
          } else if (r?.kind === 'external' && SINK_BY_NAME.has(`${r.name}.${name}`)) return `${r.name}.${name}`;
        }
      }
    }
    return undefined;
  }

  /** Method `name` of a class or of its bases, in this module or others (depth-limited). */
  methodOf(
    unit: Unit,
    cls: FunctionFact,
    name: string,
    depth = 0,
    asked = false,
  ): { unit: Unit; fn: FunctionFact } | undefined {
    const m = unit.idx.methods.get(cls.id)?.get(name);
    if (m !== undefined) return { unit, fn: m };
    if (depth > 5) return undefined;
    for (const b of cls.bases) {
      for (const v of b.values) {
        if (v.kind === 'definition') {
          const base = unit.mod.functions[v.functionId];
          if (base?.kind === 'class' && base.id !== cls.id) {
            const r = this.methodOf(unit, base, name, depth + 1, asked);
            if (r !== undefined) return r;
          }
        } else if (v.kind === 'qualified') {
          const r = this.resolve(v.name, unit);
          if (r?.kind === 'class') {
            const found = this.methodOf(r.unit, r.fn, name, depth + 1, asked);
            if (found !== undefined) return found;
          } else if (asked && (r === undefined || r.kind === 'external'))
            this.askedOutside.add(`${absoluteName(v.name, 0, unit.pkg)}.${name}`);
        }
      }
    }
    return undefined;
  }

  /**
   * A function or class an expression names in another module (for registrations: `add_api_route(p, views.f)`),
   * or a method of a project class in another module bound to an instance (`h.load` with `h = Loader()`,
   * `Loader().load`, `self.worker.handle`): `skip` is then the parameters the binding fills (`self`).
   */
  foreignFunction(
    unit: Unit,
    e: ExpressionFact,
    scopeId: number,
    depth = 0,
  ): { idx: ModuleIndex; fn: FunctionFact; skip?: number } | undefined {
    if (depth > MAX_VALUE_NESTING) return undefined;
    const p = unit.idx.partialOf(e, scopeId);
    if (p !== undefined) {
      // `functools.partial(f, a, ...)`: `f`, its first parameters filled by the bound arguments.
      const far = this.foreignFunction(unit, p.fn, scopeId, depth + 1);
      return far !== undefined ? { ...far, skip: (far.skip ?? 0) + p.bound.length } : undefined;
    }
    const look = unit.idx.tableLookup(e.access);
    if (look?.key !== undefined) {
      // `HANDLERS["restore"]` with the table here or in another module: the one function stored under that key.
      const found = this.dispatchedElsewhere(unit, e.access, scopeId, depth + 1);
      return found.length === 1 ? found[0] : undefined;
    }
    for (const v of e.values) {
      if (v.kind !== 'qualified' || v.partial !== undefined) continue;
      const r = this.resolve(v.name, unit);
      if ((r?.kind === 'function' || r?.kind === 'class') && r.unit !== unit) return { idx: r.unit.idx, fn: r.fn };
    }
    const a = e.access;
    // `f.upload(restore, ...)` with `restore` from `from handlers import *`.
    const star = this.starMember(unit, a);
    if (star !== undefined && star.unit !== unit) return { idx: star.unit.idx, fn: star.fn };
    if (a !== undefined && a.steps.length === 0 && e.operands === undefined && a.root.kind !== 'other') {
      // A callable instance (`fn=Predictor()`, or a name bound to one): the `__call__` its class defines.
      for (const k of this.receiverClasses(unit, a, scopeId)) {
        const m = this.methodOf(k.unit, k.cls, '__call__', 0);
        if (m !== undefined && m.fn.kind === 'function') return { idx: m.unit.idx, fn: m.fn, skip: 1 };
      }
    }
    const last = a?.steps[a.steps.length - 1];
    if (a === undefined || last?.kind !== 'attr' || e.operands !== undefined) return undefined;
    const recv: AccessPath = { root: a.root, steps: a.steps.slice(0, -1) };
    const classes: { unit: Unit; cls: FunctionFact }[] = [];
    if (recv.root.kind === 'call' && recv.steps.length === 0)
      this.classesOfExpr(unit, { access: recv } as ExpressionFact, classes);
    else if (recv.root.kind === 'name' && !(recv.steps.length === 0 && unit.idx.boundMethod(a, scopeId) !== undefined))
      classes.push(...this.receiverClasses(unit, recv, scopeId));
    for (const k of classes) {
      const m = this.methodOf(k.unit, k.cls, last.name);
      if (m === undefined || m.unit === unit) continue;
      return { idx: m.unit.idx, fn: m.fn, skip: staticSkip(m.fn, m.unit) };
    }
    return undefined;
  }

  /**
   * The functions a loop variable takes from a table bound at the top level of another module: `for name, fn in
   * T.items()` and `for fn in T.values()` over a dict display, `for fn in T` over a list or tuple display.
   */
  loopFunctions(
    unit: Unit,
    e: ExpressionFact,
    scopeId: number,
  ): { idx: ModuleIndex; fn: FunctionFact; skip?: number }[] {
    const a = e.access;
    if (a?.root.kind !== 'name' || a.steps.length !== 0) return [];
    const name = a.root.name;
    const binds = unit.idx.assignedNames.get(scopeId)?.get(name) ?? [];
    // Every binding of the name must be such a loop (the name may be the variable of several).
    if (binds.length === 0 || binds.length > 4 || binds.some((b) => b.kind !== 'for')) return [];
    const out: { idx: ModuleIndex; fn: FunctionFact; skip?: number }[] = [];
    for (const loop of binds) {
      const over = loop.value?.access;
      if (over === undefined || over.steps.length !== 0) continue;
      const i = loop.targets.findIndex((t) => t.kind === 'name' && t.name === name);
      let table: string | undefined;
      let part: 'values' | 'elements' | undefined;
      if (over.root.kind === 'call') {
        const m = unit.mod.calls[over.root.callId]?.callee.access;
        const step = m?.steps[0];
        if (m?.root.kind !== 'name' || m.steps.length !== 1 || step?.kind !== 'attr') continue;
        table = m.root.name;
        if (step.name === 'items' && loop.targets.length === 2 && i === 1) part = 'values';
        else if (step.name === 'values' && loop.targets.length === 1) part = 'values';
      } else if (over.root.kind === 'name' && loop.targets.length === 1) {
        table = over.root.name;
        part = 'elements';
      }
      if (table === undefined || part === undefined) continue;
      const holder = this.objectOf(unit, table, scopeId);
      if (holder === undefined || holder.unit === unit) continue;
      for (const as of holder.unit.idx.assignedNames.get(0)?.get(holder.name) ?? []) {
        if (as.kind !== 'assign' || as.value === null) continue;
        const v = as.value;
        const parts =
          part === 'values'
            ? v.nodeType === 'dictionary'
              ? (v.dictEntries ?? []).map((x) => x.value)
              : []
            : (v.elements ?? []);
        for (const x of parts.slice(0, 64)) {
          const lf = holder.unit.idx.localFunction(x, 0);
          if (lf !== undefined) out.push({ idx: holder.unit.idx, fn: lf.fn, skip: lf.skip });
          else {
            const far = this.foreignFunction(holder.unit, x, 0);
            if (far !== undefined) out.push(far);
          }
        }
      }
    }
    return out;
  }

  private queues: Map<string, { unit: Unit; call: CallSite }[]> | undefined;
  /** Callables stored under an attribute name by constructors' arguments, for calls on untyped objects. */
  private readonly untypedStored = new Map<string, { unit: Unit; e: ExpressionFact; scopeId: number }[]>();
  /** The queues a parameter holds (passedQueues), by module, function and parameter. */
  private readonly queueParams = new Map<string, string[] | undefined>();

  /**
   * The queues (or pipes) a receiver may name, by project-wide key: a queue bound to a name of this module or one it
   * imports, or stored into `self.<attr>` (ModuleIndex.queueKey); a parameter of the enclosing function, by what
   * its callers pass (its module's and others', thread and executor targets included); `self.<attr>` stored from a
   * parameter of a method (`self.q = q` in `__init__`), by what the method's callers (the constructions) pass.
   */
  private queueKeys(unit: Unit, recv: AccessPath, scopeId: number, depth = 0): string[] {
    const r = recv.root;
    if (r.kind !== 'name') return [];
    if (recv.steps.length === 0) {
      const passed = this.passedQueues(unit, scopeId, r.name, depth);
      if (passed !== undefined) return passed;
    }
    const local = unit.idx.queueKey(recv, scopeId);
    if (local !== undefined) return [`${unit.relPath}#${local}`];
    if (recv.steps.length === 1 && recv.steps[0]!.kind === 'attr') {
      const attr = recv.steps[0]!.name;
      const m = unit.idx.enclosingMethod(scopeId);
      const cls = m !== undefined && unit.idx.selfName(m) === r.name ? unit.idx.classOf(m) : undefined;
      if (cls === undefined) return [];
      const out: string[] = [];
      for (const st of unit.idx.selfAttributeStores(cls, attr)) {
        const v = st.as.value?.access;
        if (st.as.targets.length !== 1 || v?.root.kind !== 'name' || v.steps.length !== 0) continue;
        for (const k of this.passedQueues(unit, st.method.id, v.root.name, depth) ?? []) out.push(k);
      }
      return out;
    }
    if (r.resolution !== 'import' || recv.steps.length !== 0) return [];
    const q = r.qualifiedNames[0] ?? '';
    const dot = q.lastIndexOf('.');
    const m = dot > 0 ? this.resolve(q.slice(0, dot), unit) : undefined;
    if (m?.kind !== 'module') return [];
    const name = q.slice(dot + 1);
    const there = m.unit.idx.queueKey({ root: { ...r, name, resolution: 'assignment' }, steps: [] }, 0);
    return there !== undefined ? [`${m.unit.relPath}#${there}`] : [];
  }

  /**
   * The queues a parameter `name` of function `fnId` may hold: those its callers pass for it (at most
   * CONSTRUCTION_SITES sites, QUEUE_HOPS parameters deep). Undefined when `name` is not a parameter the function
   * keeps (it rebinds it, or has no such parameter).
   */
  private passedQueues(unit: Unit, fnId: number, name: string, depth: number): string[] | undefined {
    const memo = `${unit.relPath}|${fnId}|${name}`;
    if (this.queueParams.has(memo)) return this.queueParams.get(memo);
    // Set before the walk: a cycle of functions handing the queue round gives nothing more on its way back.
    this.queueParams.set(memo, []);
    const keys = this.passedQueuesUncached(unit, fnId, name, depth);
    this.queueParams.set(memo, keys);
    return keys;
  }

  private passedQueuesUncached(unit: Unit, fnId: number, name: string, depth: number): string[] | undefined {
    const f = unit.idx.fn(fnId);
    if (f?.kind !== 'function') return undefined;
    const i = f.parameters.findIndex((x) => x.name === name);
    const p = f.parameters[i];
    if (p === undefined || unit.idx.assignedNames.get(f.id)?.has(name) === true) return undefined;
    if (p.kind !== 'positional' && p.kind !== 'positional-only' && p.kind !== 'keyword-only') return [];
    if (depth >= QUEUE_HOPS) return [];
    const sites: { unit: Unit; edge: CallEdge }[] = (unit.idx.callers.get(f.id) ?? []).map((edge) => ({ unit, edge }));
    for (const x of this.foreignCallers.get(f) ?? NONE) sites.push(x);
    const out = new Set<string>();
    for (const { unit: u, edge } of sites.slice(0, CONSTRUCTION_SITES)) {
      const arg =
        edge.keywords.get(p.name) ??
        (p.kind !== 'keyword-only' && i >= edge.skip ? edge.positional[i - edge.skip] : undefined);
      const a = arg?.access;
      if (a === undefined || a.steps.length > 1 || a.steps.some((s) => s.kind !== 'attr')) continue;
      for (const k of this.queueKeys(u, a, edge.call.scopeId, depth + 1)) out.add(k);
    }
    return [...out];
  }

  queuePuts(
    unit: Unit,
    recv: AccessPath,
    scopeId: number,
    method?: string,
  ): readonly { unit: Unit; call: CallSite }[] | undefined {
    const pipe = method === PIPE_RECV;
    const keys = this.queueKeys(unit, recv, scopeId).filter((k) => k.includes(`#${PIPE_KEY}`) === pipe);
    if (keys.length === 0) return undefined;
    if (this.queues === undefined) {
      this.queues = new Map();
      for (const u of this.units)
        for (const c of u.mod.calls) {
          const a = c.callee.access;
          const last = a?.steps[a.steps.length - 1];
          if (a === undefined || last?.kind !== 'attr') continue;
          const send = last.name === PIPE_SEND;
          if (!send && !QUEUE_PUTS.has(last.name)) continue;
          for (const k of this.queueKeys(u, { root: a.root, steps: a.steps.slice(0, -1) }, c.scopeId))
            if (k.includes(`#${PIPE_KEY}`) === send) pushTo(this.queues, k, { unit: u, call: c });
        }
    }
    const out = new Set<{ unit: Unit; call: CallSite }>();
    for (const k of keys) for (const x of this.queues.get(k) ?? []) out.add(x);
    return [...out];
  }

  /**
   * The functions of other modules a lookup in a table of callables may return (`HANDLERS[kind]`,
   * `HANDLERS.get(kind)`): the table is a module-level dict or list of this module or one it imports, its entries
   * functions of any module. Functions of this module are the module index's business (`ModuleIndex.dispatched`).
   */
  dispatchedElsewhere(
    unit: Unit,
    a: AccessPath | undefined,
    scopeId: number,
    depth = 0,
  ): { idx: ModuleIndex; fn: FunctionFact; skip?: number }[] {
    const t = unit.idx.tableLookup(a);
    const at = t !== undefined ? this.tableHome(unit, t.root, scopeId) : undefined;
    if (at === undefined) return [];
    const { home, name } = at;
    const out: { idx: ModuleIndex; fn: FunctionFact; skip?: number }[] = [];
    for (const e of home.idx.entriesFor(home.idx.tableEntries(name), t!.key)) {
      const local = home.idx.localFunction(e.value, 0, depth + 1);
      const far = local === undefined ? this.foreignFunction(home, e.value, 0, depth + 1) : { idx: home.idx, ...local };
      if (far !== undefined && far.idx !== unit.idx && far.fn.kind !== 'class') out.push(far);
    }
    // Functions of other modules stored by a registration decorator of the table's module (`@register("x")`).
    for (const reg of this.registeredElsewhere().get(registrationKey(home, name)) ?? [])
      if (t!.key === undefined || reg.key === undefined || reg.key === t!.key)
        out.push({ idx: reg.unit.idx, fn: reg.fn });
    return out;
  }

  /** Functions decorated in one module by a registration decorator of another, by the table it fills. */
  private registrations: Map<string, { unit: Unit; fn: FunctionFact; key?: string }[]> | undefined;

  /**
   * Functions decorated with a registration decorator (or a call of a decorator factory) defined in another module
   * (`from registry import register`, then `@register("state")`), keyed by the module and name of the module-level
   * table the decorator stores them into (see {@link registrationTables}); the key is the factory's first literal
   * argument.
   */
  private registeredElsewhere(): Map<string, { unit: Unit; fn: FunctionFact; key?: string }[]> {
    if (this.registrations !== undefined) return this.registrations;
    this.registrations = new Map();
    for (const unit of this.units)
      for (const f of unit.mod.functions) {
        if (f.kind !== 'function') continue;
        for (const d of f.decorators) {
          if (d.qualifiedName === null || d.qualifiedName.startsWith('builtins.')) continue;
          const r = this.resolve(d.qualifiedName, unit);
          if (r?.kind !== 'function' || r.unit === unit) continue;
          for (const t of registrationTables(r.unit.mod, r.fn)) {
            if (t.called !== d.isCall) continue;
            const k =
              d.isCall && d.callId !== undefined ? unit.mod.calls[d.callId]?.positional[0]?.constant : undefined;
            pushTo(this.registrations, registrationKey(r.unit, t.table), {
              unit,
              fn: f,
              ...(k?.type === 'str' ? { key: k.value } : {}),
            });
            this.tableHeldFns.add(f);
          }
        }
      }
    return this.registrations;
  }

  /** The module and name of the module-level table a name read in `unit` denotes (here or imported), if any. */
  private tableHome(unit: Unit, root: AccessPath['root'], scopeId: number): { home: Unit; name: string } | undefined {
    if (root.kind !== 'name') return undefined;
    let home: Unit | undefined;
    let name = root.name;
    if (root.resolution === 'assignment') home = unit.idx.moduleBinding(root, scopeId) ? unit : undefined;
    else if (root.resolution === 'import') {
      const q = root.qualifiedNames[0] ?? '';
      const dot = q.lastIndexOf('.');
      const r = dot > 0 ? this.resolve(q.slice(0, dot), unit) : undefined;
      if (r?.kind === 'module') [home, name] = [r.unit, q.slice(dot + 1)];
    }
    return home !== undefined && home.idx.tableEntries(name).length > 0 ? { home, name } : undefined;
  }

  /**
   * A read of a module-level table of callables lets its entries escape: all of them, except when a literal key picks
   * one (`TASKS["echo"]`, `TASKS.get("echo")`), which lets only that entry escape. A computed-key call
   * (`TASKS[kind](x)`) is a call of each entry (see {@link dispatchedElsewhere}), not an escape.
   */
  private noteTableRead(unit: Unit, a: AccessPath | undefined, scopeId: number, called: boolean): void {
    if (a === undefined) return;
    const look = unit.idx.tableLookup(a);
    const at = this.tableHome(unit, look?.root ?? a.root, scopeId);
    if (at === undefined) return;
    if (called && look !== undefined) return;
    const last = a.steps[a.steps.length - 1];
    // `TASKS.get` called: the lookup it makes is read where its result is used.
    if (called && a.steps.length === 1 && last?.kind === 'attr' && last.name === 'get') return;
    const key = look !== undefined ? look.key : undefined;
    for (const e of at.home.idx.entriesFor(at.home.idx.tableEntries(at.name), key))
      this.noteReference(at.home, e.value);
  }

  /** A module-level table of callables being defined (`TASKS = {"a": f, ...}`): its entries escape only when read. */
  private definesTable(unit: Unit, a: PythonModule['assignments'][number]): boolean {
    if (a.scopeId !== 0 || a.value === null) return false;
    if ((a.value.dictEntries?.length ?? 0) === 0 && (a.value.elements?.length ?? 0) === 0) return false;
    return a.targets.some((t) => t.kind === 'name' && unit.idx.tableEntries(t.name).length > 0);
  }

  /**
   * The project callee of a call that the module's own index does not resolve: a function or class of another
   * module (through imports and aliases), or a method found through the receiver's class (`self.codec.loads(x)`
   * with `self.codec = Codec()`, an inherited method of a base class in another file).
   */
  callee(unit: Unit, c: CallSite, asked = false): ProjectCallee | undefined {
    if (c.callee.definitionId !== undefined) return undefined;
    for (const v of c.callee.values) {
      if (v.kind !== 'qualified' || v.partial !== undefined) continue;
      const r = this.resolve(v.name, unit);
      if (asked && (r === undefined || r.kind === 'external')) this.askedOutside.add(absoluteName(v.name, 0, unit.pkg));
      if (r === undefined || r.kind === 'module' || r.kind === 'external') continue;
      // A method named through its class (`Base.load(self, *args)`) is passed its instance explicitly; only a class
      // method has one bound (`cls`).
      if (r.kind === 'function') return { unit: r.unit, fn: r.fn, skip: classBound(r.fn, r.unit), kind: 'function' };
      const init = this.methodOf(r.unit, r.fn, '__init__', 0, asked);
      return init !== undefined
        ? { unit: init.unit, fn: init.fn, skip: 1, kind: 'class', cls: r.fn }
        : { unit: r.unit, fn: r.fn, skip: 0, kind: 'class', cls: r.fn };
    }
    const a = c.callee.access;
    const star = c.callee.starImportModules !== undefined ? this.starMember(unit, a) : undefined;
    if (star?.kind === 'function')
      return { unit: star.unit, fn: star.fn, skip: classBound(star.fn, star.unit), kind: 'function' };
    if (star?.kind === 'class') {
      const init = this.methodOf(star.unit, star.fn, '__init__', 0, asked);
      return init !== undefined
        ? { unit: init.unit, fn: init.fn, skip: 1, kind: 'class', cls: star.fn }
        : { unit: star.unit, fn: star.fn, skip: 0, kind: 'class', cls: star.fn };
    }
    const last = a?.steps[a.steps.length - 1];
    if (a === undefined || last?.kind !== 'attr') return undefined;
    const recv: AccessPath = { root: a.root, steps: a.steps.slice(0, -1) };
    if (recv.root.kind === 'call' && recv.steps.length === 0) {
      // `super().m(...)` and `Cls(...).m(...)` with the class (or the base) in another module.
      const made = unit.mod.calls[recv.root.callId];
      const sup = made !== undefined ? this.superMethod(unit, made, last.name, c.scopeId, asked) : undefined;
      if (sup !== undefined) return sup.unit === unit ? undefined : sup;
      const out: { unit: Unit; cls: FunctionFact }[] = [];
      this.classesOfExpr(unit, { access: recv } as ExpressionFact, out);
      for (const k of out) {
        const m = this.methodOf(k.unit, k.cls, last.name, 0, asked);
        if (m === undefined || (m.unit === unit && unit.idx.boundMethod(a, c.scopeId) !== undefined)) continue;
        return { unit: m.unit, fn: m.fn, skip: staticSkip(m.fn, m.unit) === 0 ? 0 : 1, kind: 'function' };
      }
      return undefined;
    }
    let classes = this.receiverClasses(unit, recv, c.scopeId);
    // `request.app.state.engine.load(x)`, `app.state.engine.load(x)`: what the project stores into the
    // application's state under that name at start-up (`app.state.engine = Engine()`).
    if (classes.length === 0) classes = this.appStateClasses(c.callee.raw.slice(0, c.callee.raw.lastIndexOf('.')));
    // `g.engine.restore(x)`, `current_app.config["ENGINE"].restore(x)`: what the project stores there (Flask's
    // request globals and application config).
    if (classes.length === 0) {
      const slot = flaskSlotRead(recv);
      if (slot !== undefined) classes = this.flaskSlotClasses(slot);
    }
    for (const k of classes) {
      const m = this.methodOf(k.unit, k.cls, last.name, 0, asked);
      if (m === undefined) continue;
      // A method of the same module reached through `self` is the module index's business.
      if (m.unit === unit && unit.idx.boundMethod(a, c.scopeId) !== undefined) return undefined;
      return { unit: m.unit, fn: m.fn, skip: staticSkip(m.fn, m.unit) === 0 ? 0 : 1, kind: 'function' };
    }
    return undefined;
  }

  /**
   * A name no statement of the module binds, in a module with `from m import *`: the function or class of that name
   * one of the star-imported project modules binds (the first, as Python's later imports would shadow it otherwise).
   */
  private starMember(unit: Unit, a: AccessPath | undefined): Extract<Resolved, { fn: FunctionFact }> | undefined {
    const stars = unit.mod.starImports;
    if (stars.length === 0 || a?.root.kind !== 'name' || a.steps.length !== 0 || a.root.resolution !== 'unbound')
      return undefined;
    for (const m of stars) {
      const r = this.resolve(`${m}.${a.root.name}`, unit);
      if (r?.kind === 'function' || r?.kind === 'class') return r;
    }
    return undefined;
  }

  /** `super().name(...)` in a method: the method of the first base (in any module) that defines it. */
  private superMethod(
    unit: Unit,
    made: CallSite,
    name: string,
    scopeId: number,
    asked: boolean,
  ): ProjectCallee | undefined {
    const r = made.callee.access?.root;
    if (r?.kind !== 'name' || r.name !== 'super' || made.callee.access!.steps.length !== 0) return undefined;
    const method = unit.idx.enclosingMethod(scopeId);
    const own = method !== undefined ? unit.idx.classOf(method) : undefined;
    if (own === undefined) return undefined;
    for (const b of own.bases) {
      for (const v of b.values) {
        let m: { unit: Unit; fn: FunctionFact } | undefined;
        if (v.kind === 'definition') {
          const base = unit.mod.functions[v.functionId];
          if (base?.kind === 'class' && base.id !== own.id) m = this.methodOf(unit, base, name, 1, asked);
        } else if (v.kind === 'qualified') {
          const k = this.resolve(v.name, unit);
          if (k?.kind === 'class') m = this.methodOf(k.unit, k.fn, name, 1, asked);
        }
        if (m !== undefined)
          return { unit: m.unit, fn: m.fn, skip: staticSkip(m.fn, m.unit) === 0 ? 0 : 1, kind: 'function' };
      }
    }
    return undefined;
  }

  /**
   * Classes of the project an expression prefix may be an instance of: `self` in a method, a name bound to a
   * construction (`c = Codec()`) or annotated with a class, `self.attr` assigned a construction or an annotated
   * parameter anywhere in the class (or its bases).
   */
  receiverClasses(unit: Unit, a: AccessPath, scopeId: number): { unit: Unit; cls: FunctionFact }[] {
    const out: { unit: Unit; cls: FunctionFact }[] = [];
    const root = a.root;
    if (a.steps.length > 3) return out;
    if (root.kind === 'call') {
      // `Ctx().engine.load(x)`: the classes of the new instance, then along the chain.
      this.classesOfExpr(unit, { access: { root, steps: [] } } as unknown as ExpressionFact, out);
      return this.alongChain(a, out, []);
    }
    if (root.kind !== 'name') return out;
    const name = root.name;
    const idx = unit.idx;
    const method = idx.enclosingMethod(scopeId);
    const self = method !== undefined ? idx.selfName(method) : undefined;
    const own = method !== undefined ? idx.classOf(method) : undefined;
    // Classes of `<root>.<first attribute>` set by the callers themselves (`ctx.engine = Engine()`, then `f(ctx)`).
    const first: { unit: Unit; cls: FunctionFact }[] = [];
    if (self === name && own !== undefined) out.push({ unit, cls: own });
    else {
      for (const sid of [scopeId, 0]) {
        for (const as of idx.assignedNames.get(sid)?.get(name) ?? []) {
          if (as.value !== null && as.kind !== 'for') this.classesOfExpr(unit, as.value, out);
        }
        const f = idx.fn(sid);
        const p = f?.parameters.find((x) => x.name === name);
        if (p?.annotation !== undefined) this.classesOfAnnotation(unit, p.annotation, out);
        // `engine=Depends(get_engine)`: what the framework calls to fill the parameter.
        if (out.length === 0 && p?.default !== undefined) this.dependencyClasses(unit, p.default, out);
        if (out.length > 0) break;
      }
      // `ENGINES[kind].load(x)`: an element of a dict or list display bound to the name (here, or at the top level of
      // the module it is imported from): the classes of every element, then along the rest of the chain.
      if (out.length === 0 && a.steps[0]?.kind === 'index') {
        const holder = this.objectOf(unit, name, scopeId);
        const binds =
          holder !== undefined
            ? (holder.unit.idx.assignedNames.get(0)?.get(holder.name) ?? []).map((as) => ({ u: holder.unit, as }))
            : (idx.assignedNames.get(scopeId)?.get(name) ?? []).map((as) => ({ u: unit, as }));
        const elems: { unit: Unit; cls: FunctionFact }[] = [];
        for (const { u, as } of binds) {
          if (as.kind !== 'assign' || as.value === null) continue;
          const v = as.value;
          const k = a.steps[0].key;
          // A literal key picks its own entry (`ENGINES["json"]`), when the display has it.
          const picked = k?.type === 'str' ? v.dictEntries?.filter((e) => e.name === k.value) : undefined;
          const parts =
            picked !== undefined && picked.length > 0
              ? picked.map((e) => e.value)
              : v.nodeType === 'dictionary'
                ? (v.dictEntries ?? []).map((e) => e.value)
                : (v.elements ?? []);
          for (const e of parts) this.classesOfExpr(u, e, elems);
        }
        if (elems.length > 0) return this.alongChain({ root, steps: a.steps.slice(1) }, elems, []);
      }
      // `registry.engine.load(x)` with `import registry`: an object bound at the top level of a module reached
      // through the module's name.
      if (out.length === 0 && a.steps.length > 0) {
        const far = this.moduleObjectPath(unit, name, a, scopeId);
        if (far !== undefined) return far;
      }
      const step = a.steps[0];
      // An object a module binds at its top level, here or imported (`from registry import engine`, also through
      // re-exports): its construction there (a class or a factory's result), and what any module stores into its
      // attribute (`ctx.engine = Engine()`).
      const held = out.length === 0 || step?.kind === 'attr' ? this.objectOf(unit, name, scopeId) : undefined;
      if (held !== undefined && held.unit !== unit) this.objectClasses(held.unit, held.name, out);
      // `Ctx.engine.load(x)`: an attribute of the class itself (`class Ctx: engine = Engine()`).
      if (out.length === 0 && held === undefined && step?.kind === 'attr') this.classNamed(unit, name, scopeId, out);
      if (step?.kind === 'attr') {
        if (held !== undefined) this.objectAttributeStores(`${held.unit.keys[0]}.${held.name}.${step.name}`, first);
        else if (out.length === 0 && !this.indexing) this.parameterClasses(unit, name, scopeId, step.name, out, first);
      } else if (step === undefined && out.length === 0 && held === undefined && !this.indexing)
        // `engine.load(body)` on a parameter: what the callers pass (`handle(eng, body)`, `eng = Engine()`).
        this.parameterClasses(unit, name, scopeId, '', out, first);
    }
    return this.alongChain(a, out, first);
  }

  /** The project's library APIs, once the DESER detectors run (`code.ts`). */
  library: { of(ref: { file: string; functionId: number; name: string }): unknown } | undefined;

  libraryParameter(unit: Unit, f: FunctionFact, name: string): boolean {
    return this.library?.of({ file: unit.file, functionId: f.id, name }) !== undefined;
  }

  /** Attribute names some method of the project stores into `self.<name>` (built on first use). */
  private selfStored: Set<string> | undefined;

  instanceClasses(unit: Unit, prefix: AccessPath, scopeId: number, attr: string): { unit: Unit; cls: FunctionFact }[] {
    if (this.selfStored === undefined) {
      this.selfStored = new Set();
      for (const u of this.units)
        for (const as of u.idx.mod.assignments)
          for (const t of as.targets) {
            if (t.kind !== 'attribute') continue;
            const dot = t.text.indexOf('.');
            if (dot > 0 && t.text.indexOf('.', dot + 1) < 0) this.selfStored.add(t.text.slice(dot + 1));
          }
    }
    if (!this.selfStored.has(attr)) return [];
    return this.receiverClasses(unit, prefix, scopeId);
  }

  /** The class a name stands for in `scopeId` (defined in the module or imported), unless a local binds it. */
  private classNamed(unit: Unit, name: string, scopeId: number, out: { unit: Unit; cls: FunctionFact }[]): void {
    const idx = unit.idx;
    if (scopeId !== 0) {
      if (idx.assignedNames.get(scopeId)?.has(name) === true) return;
      if (idx.fn(scopeId)?.parameters.some((p) => p.name === name) === true) return;
    }
    for (const b of idx.boundNames.get(0)?.get(name) ?? [])
      for (const v of b.values) {
        if (v.kind === 'definition') {
          const f = unit.mod.functions[v.functionId];
          if (f?.kind === 'class') addClass(out, unit, f);
        } else if (v.kind === 'qualified' && v.partial === undefined) {
          const r = this.resolve(v.name, unit);
          if (r?.kind === 'class') addClass(out, r.unit, r.fn);
        }
      }
  }

  /**
   * `mod.obj.m` (`mod.sub.obj.m`) with `mod` an imported project module and `obj` bound at its top level: the classes
   * along the chain from that object (its construction, and what any module stores into its attributes).
   */
  private moduleObjectPath(
    unit: Unit,
    name: string,
    a: AccessPath,
    scopeId: number,
  ): { unit: Unit; cls: FunctionFact }[] | undefined {
    if (
      scopeId !== 0 &&
      (unit.idx.assignedNames.get(scopeId)?.has(name) === true ||
        unit.idx.fn(scopeId)?.parameters.some((p) => p.name === name) === true)
    )
      return undefined;
    for (const b of unit.idx.boundNames.get(0)?.get(name) ?? []) {
      if (b.kind !== 'import') continue;
      for (const v of b.values) {
        if (v.kind !== 'qualified' || v.partial !== undefined) continue;
        let q = v.name;
        for (let k = 0; k < a.steps.length && k < 3; k++) {
          const step = a.steps[k]!;
          if (step.kind !== 'attr' || this.resolve(q, unit)?.kind !== 'module') break;
          q = `${q}.${step.name}`;
          const held = this.importedObject(q, unit, 0);
          if (held === undefined) continue;
          const out: { unit: Unit; cls: FunctionFact }[] = [];
          const first: { unit: Unit; cls: FunctionFact }[] = [];
          this.objectClasses(held.unit, held.name, out);
          const rest = a.steps.slice(k + 1);
          const next = rest[0];
          if (next?.kind === 'attr')
            this.objectAttributeStores(`${held.unit.keys[0]}.${held.name}.${next.name}`, first);
          return this.alongChain({ root: a.root, steps: rest }, out, first);
        }
      }
    }
    return undefined;
  }

  /**
   * The classes a FastAPI dependency gives a parameter (`engine=Depends(get_engine)`, `Security(...)`): an instance of
   * the class it names, or what the function it names returns or yields.
   */
  private dependencyClasses(unit: Unit, d: ExpressionFact, out: { unit: Unit; cls: FunctionFact }[]): void {
    const a = d.access;
    if (a?.root.kind !== 'call' || a.steps.length !== 0) return;
    const c = unit.mod.calls[a.root.callId];
    if (c === undefined || !c.callee.values.some((v) => v.kind === 'qualified' && DEPENDS.has(v.name))) return;
    const dep = c.keywords.find((k) => k.name === 'dependency')?.value ?? c.positional[0];
    if (dep !== undefined) this.dependencyClassesOf(unit, dep, out);
  }

  /** The classes of each attribute along `a`'s chain, from the classes of its root (`first`: of its first step). */
  private alongChain(
    a: AccessPath,
    start: { unit: Unit; cls: FunctionFact }[],
    first: { unit: Unit; cls: FunctionFact }[],
  ): { unit: Unit; cls: FunctionFact }[] {
    let out = start;
    // `self.codec`, `_stages.codec.inner`: the classes of each attribute along the chain.
    for (const [i, step] of a.steps.entries()) {
      if (step.kind !== 'attr' || (out.length === 0 && (i > 0 || first.length === 0))) return [];
      const next: { unit: Unit; cls: FunctionFact }[] = i === 0 ? first : [];
      for (const k of out) this.attributeClasses(k.unit, k.cls, step.name, next, 0);
      out = next;
    }
    return out;
  }

  /**
   * The module-level object a name stands for in `scopeId`: a top-level assignment of this module, or a name imported
   * from another module that assigns it at its top level (through at most MAX_ALIAS_DEPTH re-exports).
   */
  private objectOf(unit: Unit, name: string, scopeId: number): { unit: Unit; name: string } | undefined {
    const idx = unit.idx;
    if (scopeId !== 0) {
      if (idx.assignedNames.get(scopeId)?.has(name) === true) return undefined;
      if (idx.fn(scopeId)?.parameters.some((p) => p.name === name) === true) return undefined;
    }
    if (idx.assignedNames.get(0)?.has(name) === true) return { unit, name };
    for (const b of idx.boundNames.get(0)?.get(name) ?? []) {
      if (b.kind !== 'import') continue;
      for (const v of b.values)
        if (v.kind === 'qualified' && v.partial === undefined) {
          const o = this.importedObject(v.name, unit, 0);
          if (o !== undefined) return o;
        }
    }
    return undefined;
  }

  /** `mod.name` (as qualified in `from`) when `mod` is a project module binding `name` by a top-level assignment. */
  private importedObject(q: string, from: Unit, depth: number): { unit: Unit; name: string } | undefined {
    const dot = q.lastIndexOf('.');
    if (dot <= 0 || depth > MAX_ALIAS_DEPTH) return undefined;
    const r = this.resolve(q.slice(0, dot), from);
    if (r?.kind !== 'module') return undefined;
    const name = q.slice(dot + 1);
    if (r.unit.idx.assignedNames.get(0)?.has(name) === true) return { unit: r.unit, name };
    for (const b of r.unit.idx.boundNames.get(0)?.get(name) ?? []) {
      if (b.kind !== 'import') continue;
      for (const v of b.values)
        if (v.kind === 'qualified' && v.partial === undefined) {
          const o = this.importedObject(v.name, r.unit, depth + 1);
          if (o !== undefined) return o;
        }
    }
    return undefined;
  }

  /** Classes a module-level name is constructed as (`ctx = Ctx()`). */
  private objectClasses(unit: Unit, name: string, out: { unit: Unit; cls: FunctionFact }[]): void {
    for (const as of unit.idx.assignedNames.get(0)?.get(name) ?? [])
      if (as.value !== null && as.kind !== 'for') this.classesOfExpr(unit, as.value, out);
  }

  /** Per `<module>.<object>.<attr>`: the values any module stores into that attribute of a module-level object. */
  private objectStores: Map<string, { unit: Unit; value: ExpressionFact }[]> | undefined;

  private objectAttributeStores(key: string, out: { unit: Unit; cls: FunctionFact }[]): void {
    if (this.objectStores === undefined) {
      const stores = new Map<string, { unit: Unit; value: ExpressionFact }[]>();
      for (const u of this.units)
        for (const a of u.mod.assignments) {
          if (a.value === null || (a.kind !== 'assign' && a.kind !== 'annotated')) continue;
          for (const t of a.targets) {
            if (t.kind !== 'attribute') continue;
            const m = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(t.text);
            if (m === null) continue;
            const o = this.objectOf(u, m[1]!, a.scopeId);
            if (o === undefined) continue;
            const k = `${o.unit.keys[0]}.${o.name}.${m[2]!}`;
            const list = stores.get(k) ?? [];
            if (list.length < CONSTRUCTION_SITES) list.push({ unit: u, value: a.value });
            stores.set(k, list);
          }
        }
      this.objectStores = stores;
    }
    for (const { unit, value } of this.objectStores.get(key) ?? []) this.classesOfExpr(unit, value, out);
  }

  /**
   * An unannotated parameter of a function, typed by what its callers pass (in its module and others, at most
   * CONSTRUCTION_SITES sites): a construction or factory (`handle(Ctx(engine=Engine()), x)`), a name bound to one in
   * the caller, and — into `first`, the classes of `<parameter>.<attr>` — what the caller assigned to that attribute
   * of the object it passes (`h = Holder(); h.engine = Engine(); handle(h, x)`). Callers are read as indexed.
   */
  private parameterClasses(
    unit: Unit,
    name: string,
    scopeId: number,
    attr: string,
    out: { unit: Unit; cls: FunctionFact }[],
    first: { unit: Unit; cls: FunctionFact }[],
    depth = 0,
  ): void {
    const f = unit.idx.fn(scopeId);
    if (f === undefined || f.kind !== 'function') return;
    const i = f.parameters.findIndex((x) => x.name === name);
    const p = f.parameters[i];
    if (p === undefined || p.annotation !== undefined) return;
    if (p.kind !== 'positional' && p.kind !== 'positional-only' && p.kind !== 'keyword-only') return;
    if (i === 0 && unit.idx.classOf(f) !== undefined && staticSkip(f, unit) !== 0) return;
    const sites: { unit: Unit; edge: CallEdge }[] = (unit.idx.callers.get(f.id) ?? []).map((edge) => ({ unit, edge }));
    for (const x of this.foreignCallers.get(f) ?? NONE) sites.push(x);
    for (const { unit: u, edge } of sites.slice(0, CONSTRUCTION_SITES)) {
      const arg =
        edge.keywords.get(p.name) ??
        (p.kind !== 'keyword-only' && i >= edge.skip ? edge.positional[i - edge.skip] : undefined);
      if (arg === undefined) continue;
      const v = arg.access;
      if (v?.root.kind !== 'name' || v.steps.length !== 0) {
        this.classesOfExpr(u, arg, out);
        continue;
      }
      const passed = v.root.name;
      const target = `${passed}.${attr}`;
      // A parameter of the caller handed on (`handle(engine, body)` calling `_inner(engine, body)`): its callers'.
      const caller = u.idx.fn(edge.call.scopeId);
      if (
        depth < PARAMETER_HOPS &&
        caller?.parameters.some((x) => x.name === passed) === true &&
        u.idx.assignedNames.get(edge.call.scopeId)?.has(passed) !== true
      ) {
        this.parameterClasses(u, passed, edge.call.scopeId, attr, out, first, depth + 1);
        continue;
      }
      for (const sid of new Set([edge.call.scopeId, 0])) {
        for (const as of u.idx.assignedNames.get(sid)?.get(v.root.name) ?? [])
          if (as.value !== null && as.kind !== 'for') this.classesOfExpr(u, as.value, out);
        for (const as of u.idx.assignmentsByScope.get(sid) ?? [])
          if (as.value !== null && as.targets.some((t) => t.kind === 'attribute' && t.text === target))
            this.classesOfExpr(u, as.value, first);
      }
    }
  }

  private attributeClasses(
    unit: Unit,
    cls: FunctionFact,
    attr: string,
    out: { unit: Unit; cls: FunctionFact }[],
    depth: number,
  ): void {
    const idx = unit.idx;
    for (const { method: m, self, as } of idx.selfAttributeStores(cls, attr)) {
      // `self.log, self.engine = Logger(), Engine()`: the element stored into this attribute.
      const stored = unpackedPart(as.targets, as.value!, `${self}.${attr}`);
      this.classesOfExpr(unit, stored, out);
      // `self.codec = codec` with `codec: Codec` as a parameter; `self.engine = engine or Engine()`: either part.
      for (const part of alternatives(stored)) {
        const v = part.access;
        const root = v?.root;
        if (root?.kind !== 'name' || v!.steps.length !== 0) continue;
        const i = m.parameters.findIndex((x) => x.name === root.name);
        const p = m.parameters[i];
        if (p?.annotation !== undefined) this.classesOfAnnotation(unit, p.annotation, out);
        // What the construction sites pass, also when the attribute is read through a getter (`reg.get()` returning
        // `self._engine`: two levels down).
        // Each of these types the callers' arguments, which may come back here through a getter: at most
        // ARGUMENT_TYPING_NESTING of them run inside one another.
        else if (p !== undefined && depth <= 2 && this.argumentTyping < ARGUMENT_TYPING_NESTING) {
          this.argumentTyping++;
          try {
            if (m.name === '__init__') this.constructorArgumentClasses(unit, m, i, out);
            // A setter (`def register(self, name, obj): self.items[name] = obj`): what its callers pass, once known.
            else if (i > 0 && !this.indexing) this.parameterClasses(unit, p.name, m.id, '', out, []);
          } finally {
            this.argumentTyping--;
          }
        }
      }
    }
    const fields = idx.assignedNames.get(cls.id)?.get(attr);
    for (const as of fields ?? []) {
      // `engine: Engine`, `engine: Engine = field(default_factory=Engine)`: the declared type, then the default.
      if (as.annotation !== undefined) this.classesOfAnnotation(unit, as.annotation, out);
      if (as.value !== null) {
        this.classesOfExpr(unit, as.value, out);
        this.fieldDefaultClasses(unit, as.value, out);
      }
    }
    if (fields?.some((as) => as.kind === 'annotated') === true) this.generatedInitClasses(unit, cls, attr, out);
    // `@property def engine(self): return self._engine`: what the property returns.
    const prop = idx.method(cls, attr);
    if (out.length === 0 && depth <= 2 && prop !== undefined && prop.decorators.some((d) => PROPERTY.test(d.text)))
      this.returnedClasses(unit, prop, out, 1);
    if (out.length > 0 || depth > 4) return;
    for (const b of cls.bases) {
      for (const v of b.values) {
        const base =
          v.kind === 'definition'
            ? { unit, fn: unit.mod.functions[v.functionId] }
            : v.kind === 'qualified'
              ? (() => {
                  const r = this.resolve(v.name, unit);
                  return r?.kind === 'class' ? { unit: r.unit, fn: r.fn } : undefined;
                })()
              : undefined;
        if (base?.fn?.kind === 'class' && base.fn !== cls)
          this.attributeClasses(base.unit, base.fn, attr, out, depth + 1);
      }
    }
  }

  /** `field(default_factory=Engine)`, `field(default=Engine())` (dataclasses, attrs, pydantic): the default's classes. */
  private fieldDefaultClasses(unit: Unit, e: ExpressionFact, out: { unit: Unit; cls: FunctionFact }[]): void {
    const a = e.access;
    if (a?.root.kind !== 'call' || a.steps.length !== 0) return;
    const c = unit.mod.calls[a.root.callId];
    if (c === undefined || !c.callee.values.some((v) => v.kind === 'qualified' && FIELD_CALLS.has(v.name))) return;
    for (const k of c.keywords) {
      if (k.name === 'default') this.classesOfExpr(unit, k.value, out);
      else if (k.name === 'default_factory' || k.name === 'factory') this.dependencyClassesOf(unit, k.value, out);
    }
  }

  /** A class or a factory function named by an expression (`Engine`, `make_engine`, `mod.Engine`): its instances. */
  private dependencyClassesOf(unit: Unit, e: ExpressionFact, out: { unit: Unit; cls: FunctionFact }[]): void {
    for (const v of e.values) {
      let r: { unit: Unit; fn: FunctionFact | undefined } | undefined;
      if (v.kind === 'definition') r = { unit, fn: unit.mod.functions[v.functionId] };
      else if (v.kind === 'qualified' && v.partial === undefined) {
        const x = this.resolve(v.name, unit);
        if (x?.kind === 'class' || x?.kind === 'function') r = { unit: x.unit, fn: x.fn };
      }
      if (r?.fn?.kind === 'class') addClass(out, r.unit, r.fn);
      else if (r?.fn?.kind === 'function') this.returnedClasses(r.unit, r.fn, out, 1);
    }
  }

  /**
   * A field of a class whose generated `__init__` stores its arguments (`@dataclass`, attrs): what its constructions,
   * in its module and others, pass for it by keyword or at its position among the annotated fields (at most
   * CONSTRUCTION_SITES sites are read).
   */
  private generatedInitClasses(
    unit: Unit,
    cls: FunctionFact,
    attr: string,
    out: { unit: Unit; cls: FunctionFact }[],
  ): void {
    if (!cls.decorators.some((d) => DATACLASS_DECORATOR.test(d.text)) || unit.idx.method(cls, '__init__') !== undefined)
      return;
    const fields: string[] = [];
    for (const a of unit.idx.assignmentsByScope.get(cls.id) ?? [])
      if (a.kind === 'annotated') for (const t of a.targets) if (t.kind === 'name') fields.push(t.name);
    const i = fields.indexOf(attr);
    if (i < 0) return;
    for (const { unit: u, call } of this.constructionsOf(unit, cls).slice(0, CONSTRUCTION_SITES)) {
      const arg = call.keywords.find((k) => k.name === attr)?.value ?? call.positional[i];
      if (arg === undefined) continue;
      const v = arg.access;
      if (v?.root.kind === 'name' && v.steps.length === 0) {
        for (const sid of new Set([call.scopeId, 0]))
          for (const as of u.idx.assignedNames.get(sid)?.get(v.root.name) ?? [])
            if (as.value !== null && as.kind !== 'for') this.classesOfExpr(u, as.value, out);
      } else this.classesOfExpr(u, arg, out);
    }
  }

  /** Per class without an `__init__` of its own: the calls constructing it, in its module and others. */
  private constructionSites: Map<FunctionFact, { unit: Unit; call: CallSite }[]> | undefined;

  private constructionsOf(unit: Unit, cls: FunctionFact): readonly { unit: Unit; call: CallSite }[] {
    if (this.constructionSites === undefined) {
      const sites = new Map<FunctionFact, { unit: Unit; call: CallSite }[]>();
      for (const u of this.units)
        for (const c of u.mod.calls) {
          let k: { unit: Unit; fn: FunctionFact } | undefined;
          if (c.callee.definitionId !== undefined) {
            const f = u.mod.functions[c.callee.definitionId];
            if (f?.kind === 'class' && f.decorators.length > 0) k = { unit: u, fn: f };
          } else if (c.callee.values.length > 0) {
            for (const v of c.callee.values) {
              if (v.kind !== 'qualified' || v.partial !== undefined) continue;
              const r = this.resolve(v.name, u);
              if (r?.kind === 'class' && r.fn.decorators.length > 0) k = { unit: r.unit, fn: r.fn };
              break;
            }
          }
          if (k === undefined) continue;
          const list = sites.get(k.fn) ?? [];
          if (list.length < CONSTRUCTION_SITES) list.push({ unit: u, call: c });
          sites.set(k.fn, list);
        }
      this.constructionSites = sites;
    }
    return this.constructionSites.get(cls) ?? [];
  }

  /**
   * `self.backend = backend` in `__init__` with `backend` unannotated: the classes constructed where the class is
   * (`Store(PickleBackend())`, or `b = PickleBackend()` then `Store(b)`), in its module or in others; at most
   * CONSTRUCTION_SITES sites are read.
   */
  private constructorArgumentClasses(
    unit: Unit,
    init: FunctionFact,
    i: number,
    out: { unit: Unit; cls: FunctionFact }[],
  ): void {
    const p = init.parameters[i]!;
    if (p.kind !== 'positional' && p.kind !== 'positional-only' && p.kind !== 'keyword-only') return;
    const sites: { unit: Unit; edge: CallEdge }[] = (unit.idx.callers.get(init.id) ?? []).map((edge) => ({
      unit,
      edge,
    }));
    // Read without asking for more modules: the receiver typing runs for every call while callers are indexed.
    for (const f of this.foreignCallers.get(init) ?? NONE) sites.push(f);
    for (const { unit: u, edge } of sites.slice(0, CONSTRUCTION_SITES)) {
      const arg =
        edge.keywords.get(p.name) ??
        (p.kind !== 'keyword-only' && i >= edge.skip ? edge.positional[i - edge.skip] : undefined);
      if (arg === undefined) continue;
      const a = arg.access;
      if (a?.root.kind === 'name' && a.steps.length === 0) {
        for (const sid of new Set([edge.call.scopeId, 0]))
          for (const as of u.idx.assignedNames.get(sid)?.get(a.root.name) ?? [])
            if (as.value !== null && as.kind !== 'for') this.classesOfExpr(u, as.value, out);
      } else this.classesOfExpr(u, arg, out);
    }
  }

  /**
   * Classes constructed by an expression (`Codec()`, `mod.Codec(...)`), local or in another module, also through a
   * factory function whose return values construct one (`make_socket()` returning `LocalQueue(...)`).
   */
  private classesOfExpr(unit: Unit, e: ExpressionFact, out: { unit: Unit; cls: FunctionFact }[], depth = 0): void {
    if (e.access === undefined && e.operands !== undefined && depth <= 3) {
      // `engine or Engine()`, `Engine() if fast else Other()`: the class of every part that constructs one.
      for (const part of alternatives(e)) if (part !== e) this.classesOfExpr(unit, part, out, depth + 1);
      return;
    }
    const a = e.access;
    if (a?.root.kind !== 'call' || a.steps.length !== 0 || depth > 3) return;
    const c = unit.mod.calls[a.root.callId];
    if (c === undefined) return;
    const viaFactory = (u: Unit, f: FunctionFact): void => this.returnedClasses(u, f, out, depth + 1);
    if (c.callee.definitionId !== undefined) {
      const f = unit.mod.functions[c.callee.definitionId];
      if (f?.kind === 'class') addClass(out, unit, f);
      else if (f !== undefined) viaFactory(unit, f);
      return;
    }
    for (const v of c.callee.values) {
      if (v.kind !== 'qualified') continue;
      const r = this.resolve(v.name, unit);
      if (r?.kind === 'class') addClass(out, r.unit, r.fn);
      else if (r?.kind === 'function') viaFactory(r.unit, r.fn);
    }
    // A method of a call's result (`Model.create(cfg).with_device("cpu")`): what that method returns on each class
    // the inner call makes (`return self` keeps the class).
    const ca = c.callee.access;
    const step = ca?.steps[0];
    if (ca?.root.kind === 'call' && ca.steps.length === 1 && step?.kind === 'attr') {
      const inner: { unit: Unit; cls: FunctionFact }[] = [];
      this.classesOfExpr(unit, { access: { root: ca.root, steps: [] } } as unknown as ExpressionFact, inner, depth + 1);
      for (const k of inner) {
        const m = this.methodOf(k.unit, k.cls, step.name);
        if (m !== undefined) this.returnedClasses(m.unit, m.fn, out, depth + 1, k);
      }
    }
    // A method of an instance a name (or an attribute chain) holds (`reg.get("main")` with `reg = Registry()`): what
    // that method returns on each class the receiver may be.
    // Typing the receiver may come back here (`x = x.get()`, receivers typed by other methods' results): at most
    // METHOD_RESULT_NESTING such receivers are typed at once.
    // Only for an object the module binds (at its top level or in the function): `self.m()` and a parameter's
    // methods are typed where their calls are resolved, and typing them here too lost verdicts on library code.
    const last = ca?.steps[ca.steps.length - 1];
    const holder = ca?.root.kind === 'name' ? ca.root.name : undefined;
    const scope = unit.idx.fn(c.scopeId);
    if (
      holder !== undefined &&
      !this.indexing &&
      last?.kind === 'attr' &&
      ca!.steps.length <= 3 &&
      this.methodResults < METHOD_RESULT_NESTING &&
      !(scope !== undefined && scope.parameters.some((p) => p.name === holder)) &&
      (unit.idx.assignedNames.get(c.scopeId)?.has(holder) === true ||
        this.objectOf(unit, holder, c.scopeId) !== undefined)
    ) {
      // Once per call (and per phase: parameters are typed by their callers only once those are indexed).
      const cache = this.indexing ? this.methodResultsIndexing : this.methodResultsTyped;
      let found = cache.get(c);
      if (found === undefined) {
        cache.set(c, (found = []));
        const recv: AccessPath = { root: ca!.root, steps: ca!.steps.slice(0, -1) };
        this.methodResults++;
        try {
          for (const k of this.receiverClasses(unit, recv, c.scopeId)) {
            const m = this.methodOf(k.unit, k.cls, last.name);
            if (m !== undefined && m.fn.kind === 'function') this.returnedClasses(m.unit, m.fn, found, depth + 1, k);
          }
        } finally {
          this.methodResults--;
        }
      }
      for (const k of found) addClass(out, k.unit, k.cls);
    }
  }

  /** The classes a method call's result may be (`reg.get(k)`), by call: while callers are indexed, and after. */
  private readonly methodResultsIndexing = new Map<CallSite, { unit: Unit; cls: FunctionFact }[]>();
  private readonly methodResultsTyped = new Map<CallSite, { unit: Unit; cls: FunctionFact }[]>();

  /** Receivers of method calls being typed now (classesOfExpr). */
  private methodResults = 0;
  /** Constructor and setter arguments being typed now (attributeClasses). */
  private argumentTyping = 0;

  /**
   * Classes a factory's `return` (or `yield`) values construct: a construction or another factory's call, or a name
   * bound to one — in the function (`e = Engine(); return e`), at its module's top level (a singleton, also set
   * through `global _engine`), or imported from another module's top level.
   */
  private returnedClasses(
    unit: Unit,
    f: FunctionFact,
    out: { unit: Unit; cls: FunctionFact }[],
    depth: number,
    receiver?: { unit: Unit; cls: FunctionFact },
  ): void {
    if (depth > 3) return;
    const own = unit.idx.classOf(f);
    // A class method's `cls(...)` (`from_config` returning `cls(cfg)`), a method's `self.<attr>`.
    const first = own !== undefined ? f.parameters[0]?.name : undefined;
    const clsOf = (e: ExpressionFact): boolean => {
      const x = e.access;
      if (x?.root.kind !== 'call' || x.steps.length !== 0 || first === undefined || classBound(f, unit) !== 1)
        return false;
      const callee = unit.mod.calls[x.root.callId]?.callee.access;
      return callee?.root.kind === 'name' && callee.root.name === first && callee.steps.length === 0;
    };
    for (const r of f.returns) {
      const a = r.access;
      if (own !== undefined && clsOf(r)) {
        addClass(out, unit, own);
        continue;
      }
      if (own !== undefined && a?.root.kind === 'name' && a.root.name === first && a.steps.length === 1) {
        const step = a.steps[0]!;
        if (step.kind === 'attr') this.attributeClasses(unit, own, step.name, out, depth + 1);
        continue;
      }
      // `return self.items[name]`: what the class's methods store into elements of that attribute (a registry).
      if (
        own !== undefined &&
        a?.root.kind === 'name' &&
        a.root.name === first &&
        a.steps.length === 2 &&
        a.steps[0]!.kind === 'attr' &&
        a.steps[1]!.kind === 'index'
      ) {
        this.attributeClasses(unit, own, `${a.steps[0]!.name}[]`, out, depth + 1);
        continue;
      }
      if (a?.root.kind !== 'name' || a.steps.length !== 0 || r.operands !== undefined) {
        this.classesOfExpr(unit, r, out, depth);
        continue;
      }
      const name = a.root.name;
      // A method returning its own instance (a fluent setter): the receiver's class, or the method's own.
      if (
        own !== undefined &&
        name === first &&
        classBound(f, unit) === 0 &&
        !f.decorators.some((d) => d.text === 'staticmethod')
      ) {
        if (receiver !== undefined) addClass(out, receiver.unit, receiver.cls);
        else addClass(out, unit, own);
        continue;
      }
      const local = unit.idx.assignedNames.get(f.id)?.get(name);
      const global = f.globals.includes(name);
      for (const as of local ?? [])
        if (as.value !== null && as.kind !== 'for') {
          if (own !== undefined && clsOf(as.value)) addClass(out, unit, own);
          else this.classesOfExpr(unit, as.value, out, depth);
        }
      if (local !== undefined && !global) continue;
      if (f.parameters.some((p) => p.name === name)) continue;
      const held = this.objectOf(unit, name, 0);
      if (held !== undefined)
        for (const as of held.unit.idx.assignedNames.get(0)?.get(held.name) ?? [])
          if (as.value !== null && as.kind !== 'for') this.classesOfExpr(held.unit, as.value, out, depth);
    }
  }

  private classesOfAnnotation(unit: Unit, text: string, out: { unit: Unit; cls: FunctionFact }[]): void {
    for (const n of text.match(/[A-Za-z_][\w.]*/g) ?? []) {
      const dot = n.indexOf('.');
      const root = dot < 0 ? n : n.slice(0, dot);
      for (const b of unit.idx.boundNames.get(0)?.get(root) ?? []) {
        for (const v of b.values) {
          if (v.kind === 'definition' && dot < 0) {
            const f = unit.mod.functions[v.functionId];
            if (f?.kind === 'class') addClass(out, unit, f);
          } else if (v.kind === 'qualified') {
            const r = this.resolve(v.name + (dot < 0 ? '' : n.slice(dot)), unit);
            if (r?.kind === 'class') addClass(out, r.unit, r.fn);
          }
        }
      }
    }
  }

  /**
   * The public methods `getattr(obj, name)(...)` may call, `name` not a literal: those of obj's classes. When obj's
   * class is unknown (a parameter nothing types, an entry of a container), the public methods accepting the call's
   * arguments of the classes defined in the calling module and in the project modules it imports: the name picks one
   * of them at run time, and an object of a class the module never names is not one it dispatches on.
   */
  private getattrDispatch(unit: Unit, c: CallSite): FunctionFact[] {
    const a = c.callee.access;
    if (a?.root.kind !== 'call' || a.steps.length !== 0) return [];
    const g = unit.mod.calls[a.root.callId];
    if (g === undefined || g.positional.length < 2 || g.positional[1]!.constant !== undefined) return [];
    const obj = g.positional[0]!.access;
    if (obj === undefined || !unit.idx.targets(g).includes('builtins.getattr')) return [];
    const out: FunctionFact[] = [];
    const classes = this.receiverClasses(unit, obj, c.scopeId);
    if (classes.length > 0) {
      for (const k of classes)
        for (const m of k.unit.mod.functions)
          if (m.parentId === k.cls.id && m.kind === 'function' && !m.name.startsWith('_') && m.parameters.length > 1)
            out.push(m);
      return out;
    }
    // Unknown class: only a receiver of the program's own (a parameter, a local, an attribute or item of one), called
    // with plain positional arguments.
    if (obj.root.kind !== 'name' || c.hasStarArgs || c.hasStarStarKwargs || c.keywords.length > 0) return [];
    const method = unit.idx.enclosingMethod(c.scopeId);
    if (
      obj.root.resolution === 'import' ||
      (method !== undefined && obj.steps.length === 0 && obj.root.name === unit.idx.selfName(method))
    )
      return [];
    const n = c.positional.length;
    for (const home of this.importedUnits(unit))
      for (const cls of home.mod.functions) {
        if (cls.kind !== 'class' || cls.name.startsWith('_')) continue;
        for (const m of home.mod.functions) {
          if (m.parentId !== cls.id || m.kind !== 'function' || m.name.startsWith('_')) continue;
          if (m.decorators.some((d) => /(^|\.)(staticmethod|classmethod|property)$/.test(d.text))) continue;
          const ps = m.parameters.slice(1);
          if (ps.some((p) => p.kind === 'vararg' || p.kind === 'kwarg')) continue;
          const positional = ps.filter((p) => p.kind === 'positional' || p.kind === 'positional-only');
          const required = positional.filter((p) => p.default === undefined).length;
          const kwRequired = ps.some((p) => p.kind === 'keyword-only' && p.default === undefined);
          if (n >= 1 && required <= n && n <= positional.length && !kwRequired) out.push(m);
        }
      }
    return out;
  }

  /** The calling module and the project modules its import statements name (any scope). */
  private importedUnits(unit: Unit): Unit[] {
    const out = new Set<Unit>([unit]);
    for (const i of unit.mod.imports) {
      if (i.kind === 'star') continue;
      const q = absoluteName(i.kind === 'from' ? `${i.module}.${i.name ?? ''}` : i.module, i.relativeLevel, unit.pkg);
      for (const name of [q, q.slice(0, Math.max(0, q.lastIndexOf('.')))]) {
        if (name === '') continue;
        const r = this.resolve(name, unit);
        if (r !== undefined && r.kind !== 'external' && r.unit !== undefined) {
          out.add(r.unit);
          break;
        }
      }
    }
    return [...out];
  }

  /** Classes stored into a web application's state, by state name (built on first use). */
  private appState: Map<string, { unit: Unit; value: ExpressionFact }[]> | undefined;

  /**
   * The classes of `<app>.state.<name>` (the app, `request.app`, `websocket.app`...): the constructions any module
   * stores into the same state name of an application object.
   */
  private appStateClasses(text: string): { unit: Unit; cls: FunctionFact }[] {
    const key = APP_STATE.exec(text.replace(/\s+/g, ''));
    if (key === null) return [];
    if (this.appState === undefined) {
      this.appState = new Map();
      for (const unit of this.units)
        for (const a of unit.mod.assignments) {
          if (a.kind !== 'assign' || a.value === null) continue;
          for (const t of a.targets) {
            const k = t.kind === 'attribute' ? APP_STATE.exec(t.text.replace(/\s+/g, '')) : null;
            if (k !== null) pushTo(this.appState, k[1]!, { unit, value: a.value });
          }
        }
    }
    const out: { unit: Unit; cls: FunctionFact }[] = [];
    for (const s of this.appState.get(key[1]!) ?? []) this.classesOfExpr(s.unit, s.value, out);
    return out;
  }

  /** For `T[k].m(...)` on a table of instances: the methods `m` of its other classes (`found` excluded). */
  private tableMethods(unit: Unit, c: CallSite, found: FunctionFact): { fn: FunctionFact; skip: number }[] {
    const a = c.callee.access;
    const last = a?.steps[a.steps.length - 1];
    if (a === undefined || a.steps.length !== 2 || a.steps[0]!.kind !== 'index' || last?.kind !== 'attr') return [];
    const out: { fn: FunctionFact; skip: number }[] = [];
    for (const k of this.receiverClasses(unit, { root: a.root, steps: a.steps.slice(0, 1) }, c.scopeId)) {
      const m = this.methodOf(k.unit, k.cls, last.name);
      if (m === undefined || m.fn === found || out.some((o) => o.fn === m.fn)) continue;
      if (m.unit === unit) continue; // the module's own index links calls within it
      out.push({ fn: m.fn, skip: staticSkip(m.fn, m.unit) === 0 ? 0 : 1 });
    }
    return out;
  }

  private flaskSlots: Map<string, { unit: Unit; value: ExpressionFact }[]> | undefined;

  /** Classes of what the project stores into a Flask global slot (`g.engine = Engine()`, `app.config["K"] = C()`). */
  private flaskSlotClasses(slot: string): { unit: Unit; cls: FunctionFact }[] {
    if (this.flaskSlots === undefined) {
      this.flaskSlots = new Map();
      for (const unit of this.units)
        for (const a of unit.mod.assignments) {
          if (a.kind !== 'assign' || a.value === null) continue;
          for (const t of a.targets) {
            const k = flaskSlotStore(t);
            if (k !== undefined) pushTo(this.flaskSlots, k, { unit, value: a.value });
          }
        }
    }
    const out: { unit: Unit; cls: FunctionFact }[] = [];
    for (const s of this.flaskSlots.get(slot) ?? []) this.classesOfExpr(s.unit, s.value, out);
    return out;
  }

  /** Set while callers are indexed: a parameter is then not typed by its callers (they are not all known yet). */
  private indexing = false;

  /** Calls across modules (and through typed receivers) to each function, and functions used as values elsewhere. */
  private indexCallers(): void {
    // Calls on an unannotated parameter's attributes (`ctx.engine.load(x)`) left unresolved: typed once every
    // caller is known.
    const later: { unit: Unit; c: CallSite }[] = [];
    this.registeredElsewhere();
    this.indexing = true;
    try {
      for (const unit of this.units) {
        this.checkpoint();
        for (const c of unit.mod.calls) {
          const t = this.callee(unit, c);
          if (t !== undefined && (t.kind === 'function' || t.fn !== t.cls))
            pushTo(this.foreignCallers, t.fn, edgeOf(unit, c, t.skip));
          // `READERS[fmt].read(x)`: the method of every instance the table holds, not only the first found.
          if (t?.kind === 'function')
            for (const m of this.tableMethods(unit, c, t.fn))
              pushTo(this.foreignCallers, m.fn, edgeOf(unit, c, m.skip));
          else if (
            t === undefined &&
            (onParameterAttribute(unit, c) ||
              onSelfAttribute(unit, c) ||
              onMethodResult(unit, c) ||
              storedCallableShape(c, this.storedAttributeNames()))
          )
            later.push({ unit, c });
          if (t === undefined)
            for (const far of this.dispatchedElsewhere(unit, c.callee.access, c.scopeId))
              pushTo(this.foreignCallers, far.fn, edgeOf(unit, c, far.skip ?? 0));
          // `getattr(svc, action)(x)` with the name chosen at run time: any public method of svc's class.
          if (t === undefined)
            for (const m of this.getattrDispatch(unit, c)) pushTo(this.foreignCallers, m, edgeOf(unit, c, 1));
          // `restore.delay(x)` of a Celery task defined in another module: a worker runs it with x.
          const tc = t === undefined ? taskCall(c) : undefined;
          if (tc !== undefined)
            for (const v of c.callee.values) {
              if (v.kind !== 'qualified' || v.partial !== undefined) continue;
              const r = this.resolve(v.name.slice(0, v.name.lastIndexOf('.')), unit);
              if (r?.kind !== 'function' || r.unit === unit) break;
              const skip = taskSkip(r.fn);
              if (skip !== undefined) pushTo(this.foreignCallers, r.fn, { unit, edge: tc.edge(skip) });
              break;
            }
          // A thread, executor or pool target of another module is called with the arguments handed along.
          const d = unit.idx.deferredEdge(c) === undefined ? deferredCall(c) : undefined;
          const p = d !== undefined ? unit.idx.partialOf(d.fnArg, c.scopeId) : undefined;
          const far = d !== undefined ? this.foreignFunction(unit, p?.fn ?? d.fnArg, c.scopeId) : undefined;
          if (far !== undefined && far.fn.kind === 'function')
            pushTo(this.foreignCallers, far.fn, { unit, edge: withPartial(d!.edge(far.skip ?? 0), p?.call) });
          for (const arg of [...c.positional, ...c.keywords.map((k) => k.value)]) {
            this.noteTableRead(unit, arg.access, c.scopeId, false);
            if (far === undefined || arg !== d!.fnArg) this.noteReference(unit, arg);
          }
          this.noteTableRead(unit, c.callee.access, c.scopeId, true);
        }
        for (const a of unit.mod.assignments) {
          if (a.value === null) continue;
          this.noteTableRead(unit, a.value.access, a.scopeId, false);
          if (this.definesTable(unit, a)) {
            for (const e of [...(a.value.dictEntries ?? []), ...(a.value.elements ?? []).map((x) => ({ value: x }))]) {
              const far = this.foreignFunction(unit, e.value, 0);
              if (far !== undefined && far.idx !== unit.idx) this.tableHeldFns.add(far.fn);
            }
          } else if (a.kind !== 'for') this.noteReference(unit, a.value);
        }
        for (const f of unit.mod.functions) for (const r of f.returns) this.noteTableRead(unit, r.access, f.id, false);
      }
    } finally {
      this.indexing = false;
    }
    for (const { unit, c } of later) {
      const t = this.callee(unit, c);
      if (t?.kind === 'function') pushTo(this.foreignCallers, t.fn, edgeOf(unit, c, t.skip));
      // `self._fn(x)`, `self.handlers[name](x)`, `spec.handler(x)`: the callables stored there earlier.
      else if (t === undefined && c.callee.definitionId === undefined && !c.hasStarArgs && !c.hasStarStarKwargs)
        for (const far of this.storedCallees(unit, c)) pushTo(this.foreignCallers, far.fn, edgeOf(unit, c, far.skip));
    }
    this.indexOverrides();
    this.indexParameterCalls();
  }

  /**
   * Functions a call reaches through a callable the program stored before: `self._fn(x)` with `self._fn =
   * obj.method` (a function, a bound method of a typed object, or a parameter its callers give one);
   * `self.handlers[name](x)` and `self.handlers.get(name)(x)` with `self.handlers = {"upload": self.upload}` (a list
   * or tuple display too, or `self.handlers[k] = f`); and `spec.handler(x)` on an object whose class stores a
   * constructor argument into that attribute (`Spec("upload", handler=self.upload)`): the object's classes when the
   * project types it, else those of the calling module and the project modules it imports. Only attributes no
   * method of those classes defines, and calls whose arguments map to parameters (no `*args` / `**kwargs`).
   */
  private storedNames: Set<string> | undefined;

  /**
   * Names of attributes some module may store a callable into (`self.f = <a name or attribute>`, a dict or list
   * display, `self.t[k] = v`): only calls through such attributes are looked up by {@link storedCallees}.
   */
  private storedAttributeNames(): ReadonlySet<string> {
    if (this.storedNames !== undefined) return this.storedNames;
    const names = new Set<string>();
    for (const u of this.units)
      for (const as of u.mod.assignments) {
        const v = as.value;
        if (v === null || as.kind !== 'assign' || v.constant !== undefined) continue;
        const held =
          v.dictEntries !== undefined ||
          v.elements !== undefined ||
          (v.access !== undefined && v.access.root.kind !== 'call');
        for (const t of as.targets) {
          const name = storedAttribute(t);
          if (name !== undefined && (held || t.kind === 'subscript')) names.add(name);
        }
      }
    this.storedNames = names;
    return names;
  }

  private storedCallees(unit: Unit, c: CallSite): { unit: Unit; fn: FunctionFact; skip: number }[] {
    let a = c.callee.access;
    if (a?.root.kind === 'name' && a.steps.length === 0) {
      // `handler = self.handlers.get(name)` then `handler(x)`: the lookup the name is bound to (its only binding).
      const binds = unit.idx.assignedNames.get(c.scopeId)?.get(a.root.name) ?? [];
      const only =
        binds.length === 1 && binds[0]!.kind === 'assign' && binds[0]!.targets.length === 1 ? binds[0] : undefined;
      a = only?.value?.access;
      if (a === undefined || (a.root.kind === 'name' && a.steps.length === 0)) return [];
    }
    let table = false;
    if (a?.root.kind === 'call' && a.steps.length === 0) {
      // `self.handlers.get(name)(x)`: the table `self.handlers`.
      const get = unit.mod.calls[a.root.callId];
      const ga = get?.callee.access;
      const last = ga?.steps[ga.steps.length - 1];
      if (ga === undefined || last?.kind !== 'attr' || last.name !== 'get' || ga.steps.length !== 2) return [];
      a = { root: ga.root, steps: ga.steps.slice(0, 1) };
      table = true;
    } else if (a?.steps.length === 2 && a.steps[1]!.kind === 'index') {
      a = { root: a.root, steps: a.steps.slice(0, 1) };
      table = true;
    }
    const step = a?.steps[0];
    if (a?.root.kind !== 'name' || a.steps.length !== 1 || step?.kind !== 'attr') return [];
    const held: { unit: Unit; e: ExpressionFact; scopeId: number }[] = [];
    const m = unit.idx.enclosingMethod(c.scopeId);
    const own = m !== undefined && unit.idx.selfName(m) === a.root.name ? unit.idx.classOf(m) : undefined;
    const classes =
      own !== undefined
        ? [{ unit, cls: own }]
        : table
          ? []
          : this.receiverClasses(unit, { root: a.root, steps: [] }, c.scopeId);
    const typed = own !== undefined || classes.length > 0;
    if (typed)
      for (const k of classes) {
        if (this.methodOf(k.unit, k.cls, step.name) === undefined)
          this.storedValues(k.unit, k.cls, step.name, table, held, true);
      }
    else if (!table && a.root.resolution !== 'import' && a.root.resolution !== 'builtin') {
      // An object nothing types (`spec = self.table[name]`): the classes of this module and its imports storing a
      // constructor's argument under that name, once per module and name.
      const key = `${unit.relPath}|${step.name}`;
      let found = this.untypedStored.get(key);
      if (found === undefined) {
        found = [];
        const classes = this.importedUnits(unit).flatMap((u) =>
          u.mod.functions.filter((f) => f.kind === 'class').map((cls) => ({ unit: u, cls })),
        );
        for (const k of classes.slice(0, STORED_CALLABLE_CLASSES))
          if (this.methodOf(k.unit, k.cls, step.name) === undefined)
            this.storedValues(k.unit, k.cls, step.name, false, found, false);
        this.untypedStored.set(key, found);
      }
      held.push(...found);
    }
    const out: { unit: Unit; fn: FunctionFact; skip: number }[] = [];
    const seen = new Set<FunctionFact>();
    for (const h of held) {
      const f = this.callableOf(h.unit, h.e, h.scopeId);
      if (f === undefined || seen.has(f.fn)) continue;
      seen.add(f.fn);
      out.push(f);
    }
    return out;
  }

  /**
   * What a class stores into `self.<attr>` (its elements, for a table) for a call through it: the stored
   * expression, or what the callers of the storing method pass for a parameter stored as it is. On an untyped
   * object (`typed` false) only such parameters count: a class storing its own callable there says nothing of
   * objects of other classes.
   */
  private storedValues(
    unit: Unit,
    cls: FunctionFact,
    attr: string,
    table: boolean,
    out: { unit: Unit; e: ExpressionFact; scopeId: number }[],
    typed: boolean,
  ): void {
    const stores = [...unit.idx.selfAttributeStores(cls, attr)];
    if (table) stores.push(...unit.idx.selfAttributeStores(cls, `${attr}[]`));
    for (const st of stores) {
      const whole = st.as.targets.some((t) => t.kind === 'attribute' && t.text === `${st.self}.${attr}`);
      const value = unpackedPart(st.as.targets, st.as.value!, `${st.self}.${attr}`);
      const parts =
        table && whole ? [...(value.dictEntries ?? []).map((e) => e.value), ...(value.elements ?? [])] : [value];
      for (const e of parts) {
        const v = e.access;
        const p =
          v?.root.kind === 'name' &&
          v.steps.length === 0 &&
          unit.idx.assignedNames.get(st.method.id)?.has(v.root.name) !== true
            ? st.method.parameters.findIndex((x) => x.name === (v.root as { name: string }).name)
            : -1;
        if (p < 0) {
          if (typed) out.push({ unit, e, scopeId: st.method.id });
          continue;
        }
        const param = st.method.parameters[p]!;
        const sites: { unit: Unit; edge: CallEdge }[] = (unit.idx.callers.get(st.method.id) ?? []).map((edge) => ({
          unit,
          edge,
        }));
        for (const x of this.foreignCallers.get(st.method) ?? NONE) sites.push(x);
        for (const { unit: u, edge } of sites.slice(0, CONSTRUCTION_SITES)) {
          const arg =
            edge.keywords.get(param.name) ??
            (param.kind !== 'keyword-only' && p >= edge.skip ? edge.positional[p - edge.skip] : undefined);
          if (arg !== undefined) out.push({ unit: u, e: arg, scopeId: edge.call.scopeId });
        }
      }
    }
  }

  /** The function a callable value names: a function or bound method of this module or another (with its skip). */
  private callableOf(
    unit: Unit,
    e: ExpressionFact,
    scopeId: number,
  ): { unit: Unit; fn: FunctionFact; skip: number } | undefined {
    const lf = unit.idx.localFunction(e, scopeId);
    if (lf !== undefined) return lf.fn.kind === 'function' || lf.fn.kind === 'lambda' ? { unit, ...lf } : undefined;
    const far = this.foreignFunction(unit, e, scopeId);
    if (far !== undefined) {
      const u = this.unitOf(far.idx);
      return u !== undefined && far.fn.kind === 'function' ? { unit: u, fn: far.fn, skip: far.skip ?? 0 } : undefined;
    }
    // `codec.unpack` with `codec` typed in this module (a parameter given a construction of a local class).
    const a = e.access;
    const last = a?.steps[a.steps.length - 1];
    if (a === undefined || last?.kind !== 'attr' || a.root.kind !== 'name' || e.operands !== undefined) return;
    for (const k of this.receiverClasses(unit, { root: a.root, steps: a.steps.slice(0, -1) }, scopeId)) {
      const m = this.methodOf(k.unit, k.cls, last.name);
      if (m !== undefined && m.fn.kind === 'function')
        return { unit: m.unit, fn: m.fn, skip: staticSkip(m.fn, m.unit) };
    }
    return undefined;
  }

  /**
   * Template methods across modules: `self.m(...)` in a method of a base class defined in another module also runs
   * the override of `m` a subclass defines, on the subclass's instances (bases followed through the project).
   */
  private indexOverrides(): void {
    const selfCalls = new Map<Unit, Map<number, Map<string, CallSite[]>>>();
    const callsOf = (u: Unit, cls: FunctionFact): Map<string, CallSite[]> | undefined => {
      let byClass = selfCalls.get(u);
      if (byClass === undefined) {
        selfCalls.set(u, (byClass = new Map()));
        for (const c of u.mod.calls) {
          const a = c.callee.access;
          const step = a?.steps[0];
          if (a?.root.kind !== 'name' || a.steps.length !== 1 || step?.kind !== 'attr') continue;
          const m = u.idx.enclosingMethod(c.scopeId);
          if (m === undefined || u.idx.selfName(m) !== a.root.name) continue;
          const k = u.idx.classOf(m);
          if (k === undefined) continue;
          let byName = byClass.get(k.id);
          if (byName === undefined) byClass.set(k.id, (byName = new Map()));
          pushTo(byName, step.name, c);
        }
      }
      return byClass.get(cls.id);
    };
    for (const unit of this.units) {
      for (const cls of unit.mod.functions) {
        if (cls.kind !== 'class' || cls.bases.length === 0) continue;
        const own = unit.idx.methods.get(cls.id);
        if (own === undefined || own.size === 0) continue;
        const seen = new Set<FunctionFact>([cls]);
        const walk = (u: Unit, k: FunctionFact, depth: number): void => {
          if (depth > 5) return;
          for (const b of k.bases)
            for (const v of b.values) {
              let next: { unit: Unit; fn: FunctionFact } | undefined;
              if (v.kind === 'definition') {
                const f = u.mod.functions[v.functionId];
                if (f?.kind === 'class') next = { unit: u, fn: f };
              } else if (v.kind === 'qualified') {
                const r = this.resolve(v.name, u);
                if (r?.kind === 'class') next = { unit: r.unit, fn: r.fn };
              }
              if (next === undefined || seen.has(next.fn)) continue;
              seen.add(next.fn);
              // A base in this class's own module: the module's index already links its self-calls.
              if (next.unit !== unit) {
                const calls = callsOf(next.unit, next.fn);
                if (calls !== undefined)
                  for (const [name, m] of own) {
                    if (m.decorators.some((d) => d.text === 'staticmethod')) continue;
                    // Only where the base leaves `m` to its subclasses (no definition, or a stub): a base with a
                    // working `m` of its own is followed as that method (across modules, every override of every
                    // self-call spread callers through whole class hierarchies).
                    const baseM = next.unit.idx.methods.get(next.fn.id)?.get(name);
                    if (baseM !== undefined && !isStubMethod(next.unit, baseM)) continue;
                    for (const c of calls.get(name) ?? []) pushTo(this.foreignCallers, m, edgeOf(next.unit, c, 1));
                  }
              }
              walk(next.unit, next.fn, depth + 1);
            }
        };
        walk(unit, cls, 0);
      }
    }
  }

  /**
   * A function handed to another as an argument and called there through the parameter receiving it (`run(data,
   * pickle_decode)`, then `decoder(data)` in `run`): that call is a call of every function the callers pass (a
   * function of any module, or a partial of one), so what it is given reaches their parameters.
   */
  private indexParameterCalls(): void {
    for (const unit of this.units) {
      for (const c of unit.mod.calls) {
        const a = c.callee.access;
        if (a?.root.kind !== 'name' || a.root.resolution !== 'parameter' || a.steps.length !== 0) continue;
        const f = unit.mod.functions[c.scopeId];
        if (f === undefined || f.kind !== 'function') continue;
        const name = a.root.name;
        const i = f.parameters.findIndex((p) => p.name === name);
        const param = f.parameters[i];
        if (param === undefined || param.kind === 'vararg' || param.kind === 'kwarg') continue;
        const sites: { unit: Unit; edge: CallEdge }[] = [...(this.foreignCallers.get(f) ?? NONE)];
        for (const lc of unit.mod.calls) if (lc.callee.definitionId === f.id) sites.push(edgeOf(unit, lc, 0));
        const seen = new Set<FunctionFact>();
        for (const s of sites.slice(0, MAX_PASSED_CALLERS)) {
          this.checkpoint();
          const pos = i - s.edge.skip;
          const arg =
            s.edge.keywords.get(name) ??
            (param.kind !== 'keyword-only' && pos >= 0 ? s.edge.positional[pos] : undefined);
          if (arg === undefined) continue;
          const far = this.foreignFunction(s.unit, arg, s.edge.call.scopeId);
          const local = far === undefined ? s.unit.idx.localFunction(arg, s.edge.call.scopeId) : undefined;
          const fn = far?.fn ?? local?.fn;
          if (fn === undefined || (fn.kind !== 'function' && fn.kind !== 'lambda') || seen.has(fn)) continue;
          seen.add(fn);
          pushTo(this.foreignCallers, fn, edgeOf(unit, c, far?.skip ?? local?.skip ?? 0));
        }
      }
    }
  }

  private noteReference(unit: Unit, e: ExpressionFact): void {
    if (e.constant !== undefined) return;
    for (const v of e.values) {
      if (v.kind !== 'qualified' || v.partial !== undefined) continue;
      const r = this.resolve(v.name, unit);
      if ((r?.kind === 'function' || r?.kind === 'class') && r.unit !== unit) this.referencedFns.add(r.fn);
    }
  }
}

/**
 * The values an expression may take as a whole: the parts of `a or b` (also `a and b`) and of `a if c else b` (the
 * reader keeps no condition among a conditional's operands), else the expression itself; arithmetic gives a value
 * that is none of its parts' objects.
 */
/** Decorators making a method an attribute read (`@property`, `@functools.cached_property`). */
const PROPERTY = /^(?:property|(?:functools\.)?cached_property)$/;

/** The part of an assignment's value stored into `target` (`a, b = A(), B()` element-wise), else the whole value. */
function unpackedPart(
  targets: readonly { kind: string; text?: string }[],
  value: ExpressionFact,
  target: string,
): ExpressionFact {
  if (targets.length < 2 || value.elements === undefined || value.elements.length !== targets.length) return value;
  const i = targets.findIndex((t) => t.kind === 'attribute' && t.text === target);
  return i >= 0 ? value.elements[i]! : value;
}

function alternatives(e: ExpressionFact): readonly ExpressionFact[] {
  if (e.operands === undefined || e.access !== undefined) return [e];
  if (e.nodeType === 'boolean_operator' || e.nodeType === 'conditional_expression') return e.operands;
  return [e];
}

function registrationKey(home: { file: string }, table: string): string {
  return `${home.file}\0${table}`;
}

/**
 * A method left to subclasses: `@abstractmethod`, or a body with no return value, no assignment and no call but
 * `raise NotImplementedError(...)` (`pass`, `...`, a docstring).
 */
function isStubMethod(unit: Unit, m: FunctionFact): boolean {
  if (m.decorators.some((d) => /(^|\.)abstractmethod$/.test(d.text))) return true;
  if (m.returns.some((r) => r.constant?.type !== 'none')) return false;
  if ((unit.idx.assignedNames.get(m.id)?.size ?? 0) > 0) return false;
  return (unit.idx.callsByScope.get(m.id) ?? []).every((c) => c.callee.raw === 'NotImplementedError');
}

/** Flask's per-request namespace and application objects, by qualified name. */
const FLASK_G: ReadonlySet<string> = new Set(['flask.g', 'flask.globals.g']);
const FLASK_CURRENT_APP: ReadonlySet<string> = new Set(['flask.current_app', 'flask.globals.current_app']);
/** `app.config`, `current_app.config`, `self.app.config`: a Flask application's config mapping, by its text. */
const APP_CONFIG = /^(?:\w+\.)*\w*app\.config$/;

/** The slot a store fills: `g.<k>` (`flask.g.<k>`) or `<app>.config["<k>"]`; undefined for any other target. */
function flaskSlotStore(t: AssignmentTarget): string | undefined {
  if (t.kind === 'attribute') {
    const q = t.qualifiedName;
    for (const g of FLASK_G)
      if (q?.startsWith(`${g}.`) === true && !q.slice(g.length + 1).includes('.')) return `g.${q.slice(g.length + 1)}`;
    return undefined;
  }
  if (t.kind === 'subscript' && t.key?.type === 'str') {
    const obj = t.objectText.replace(/\s+/g, '');
    const q = t.objectQualifiedName;
    if (APP_CONFIG.test(obj) || (q !== undefined && [...FLASK_CURRENT_APP].some((c) => q === `${c}.config`)))
      return `config.${t.key.value}`;
  }
  return undefined;
}

/** The slot a receiver reads: `g.<k>`, `current_app.config["<k>"]` or `<app>.config["<k>"]`. */
function flaskSlotRead(recv: AccessPath): string | undefined {
  if (recv.root.kind !== 'name') return undefined;
  const names = recv.root.qualifiedNames;
  const [s0, s1] = recv.steps;
  if (recv.steps.length === 1 && s0?.kind === 'attr' && names.some((n) => FLASK_G.has(n))) return `g.${s0.name}`;
  if (recv.steps.length !== 2 || s0?.kind !== 'attr' || s0.name !== 'config') return undefined;
  if (s1?.kind !== 'index' || s1.key?.type !== 'str') return undefined;
  const isApp = names.some((n) => FLASK_CURRENT_APP.has(n)) || /app$/.test(recv.root.name);
  return isApp ? `config.${s1.key.value}` : undefined;
}

/** An attribute of a web application's state: `app.state.k`, `request.app.state.k`, `self.app.state.k`. */
const APP_STATE = /^(?:\w+\.)*\w*app\.state\.(\w+)$/;

/** How many callers of a function are asked what they pass for a parameter the function calls. */
const MAX_PASSED_CALLERS = 64;

function edgeOf(unit: Unit, c: CallSite, skip: number): { unit: Unit; edge: CallEdge } {
  const keywords = new Map(c.keywords.map((k) => [k.name, k.value]));
  return {
    unit,
    edge: { call: c, positional: c.positional, keywords, skip, opaque: c.hasStarArgs || c.hasStarStarKwargs },
  };
}

/**
 * A call through a callable an attribute may hold: `x.attr(...)`, `x.attr[k](...)`, `x.attr.get(k)(...)` on a name
 * (see DeserProject.storedCallees).
 */
function storedCallableShape(c: CallSite, stored: ReadonlySet<string>): boolean {
  const a = c.callee.access;
  if (a === undefined) return false;
  if (a.root.kind === 'call') return a.steps.length === 0 && c.callee.raw.includes('.get(');
  if (a.root.kind === 'name' && a.steps.length === 0) return a.root.resolution === 'assignment';
  const first = a.steps[0];
  if (a.root.kind !== 'name' || first?.kind !== 'attr' || !stored.has(first.name)) return false;
  return a.steps.length === 1 || (a.steps.length === 2 && a.steps[1]!.kind === 'index');
}

/** `x.attr = v` or `x.attr[k] = v` targets: the attribute's name (`attr`), or undefined. */
function storedAttribute(t: AssignmentTarget): string | undefined {
  const text = t.kind === 'attribute' ? t.text : t.kind === 'subscript' ? t.objectText : undefined;
  const m = text !== undefined ? /^[A-Za-z_]\w*\.([A-Za-z_]\w*)$/.exec(text) : null;
  return m?.[1];
}

/** `p.attr.m(...)` (or deeper) on an unannotated parameter `p` of the function making the call. */
function onParameterAttribute(unit: Unit, c: CallSite): boolean {
  const a = c.callee.access;
  if (c.callee.definitionId !== undefined || a?.root.kind !== 'name' || a.steps.length < 1) return false;
  const name = a.root.name;
  const f = unit.idx.fn(c.scopeId);
  // `self` is typed by its class, never by callers.
  if (f === undefined || f.kind !== 'function' || unit.idx.selfName(f) === name) return false;
  return f.parameters.some((p) => p.name === name && p.annotation === undefined);
}

/**
 * A call on an attribute of `self` (`self.serializer.loads(x)`) that no type resolved while callers were indexed: the
 * attribute may be set from a constructor parameter, typed by the construction sites (`Handler(PickleSerializer())`),
 * and those in modules indexed after this one were not known yet. Such calls are resolved again once every caller is,
 * so the edge does not depend on the order of the modules' names.
 */
function onSelfAttribute(unit: Unit, c: CallSite): boolean {
  const a = c.callee.access;
  if (c.callee.definitionId !== undefined || a?.root.kind !== 'name' || a.steps.length < 2) return false;
  const f = unit.idx.fn(c.scopeId);
  return f !== undefined && f.kind === 'function' && unit.idx.selfName(f) === a.root.name;
}

/**
 * A call on what a method returns (`reg.get("main").restore(x)`): the method may return what a setter stored
 * (`reg.register("main", Engine())`), typed by the setter's callers, which are known only once every caller is.
 */
function onMethodResult(unit: Unit, c: CallSite): boolean {
  const a = c.callee.access;
  if (c.callee.definitionId !== undefined || a?.root.kind !== 'call' || a.steps.length !== 1) return false;
  const inner = unit.mod.calls[a.root.callId]?.callee.access;
  return inner?.root.kind === 'name' && inner.steps.length >= 1 && inner.steps[inner.steps.length - 1]!.kind === 'attr';
}

/** How many constructor or setter arguments are typed inside one another (through getters and factories). */
const ARGUMENT_TYPING_NESTING = 2;

/** How many receivers of method calls (`reg.get(k)`) are typed inside one another. */
const METHOD_RESULT_NESTING = 2;

/** Construction sites read to type an attribute set from a constructor parameter. */
const CONSTRUCTION_SITES = 32;

/** How many functions a parameter's object is followed back through (`handle(eng, b)` → `_inner(e, b)` → `e.m(b)`). */
const PARAMETER_HOPS = 2;

/** How many parameters deep a queue handed from function to function is followed to where it is made. */
const QUEUE_HOPS = 4;

/** How many classes an untyped object's stored callable is looked up in (the calling module's and its imports'). */
const STORED_CALLABLE_CLASSES = 256;

/** FastAPI's dependency markers: the parameter is what the named callable returns. */
const DEPENDS: ReadonlySet<string> = new Set(['fastapi.Depends', 'fastapi.params.Depends', 'fastapi.Security']);

/** Field specifiers of classes with a generated `__init__` (a default or a default factory). */
const FIELD_CALLS: ReadonlySet<string> = new Set([
  'dataclasses.field',
  'attr.ib',
  'attr.attrib',
  'attr.field',
  'attrs.field',
  'pydantic.Field',
]);

const NONE: readonly { unit: Unit; edge: CallEdge }[] = [];

/** 0 for a static method (nothing bound when called through the class), 1 for methods and class methods. */
/** Entries modules register for functions of other modules, added to those modules' entries and serving evidence. */
function mergeForeign(found: readonly { unit: Unit; entry: EntryInfo }[]): void {
  for (const { unit, entry } of found) {
    const prev = unit.entries.entries.get(entry.functionId);
    if (prev === undefined) unit.entries.entries.set(entry.functionId, entry);
    else for (const [k, v] of entry.seeds) if (!prev.seeds.has(k)) prev.seeds.set(k, v);
    if (entry.isHandler) unit.entries.serving.push({ line: entry.line, what: `handler \`${entry.how}\`` });
  }
}

function staticSkip(fn: FunctionFact, unit: Unit): number {
  if (unit.idx.classOf(fn) === undefined) return 0;
  if (fn.decorators.some((d) => d.text === 'staticmethod')) return 0;
  return 1;
}

/** Parameters bound when a function is called through its class: `cls` of a class method, nothing else. */
function classBound(fn: FunctionFact, unit: Unit): number {
  if (unit.idx.classOf(fn) === undefined) return 0;
  return fn.decorators.some((d) => d.text === 'classmethod') ? 1 : 0;
}

function addClass(out: { unit: Unit; cls: FunctionFact }[], unit: Unit, cls: FunctionFact): void {
  if (out.length < MAX_CLASSES && !out.some((o) => o.cls === cls)) out.push({ unit, cls });
}

/** The unit whose path shares the most leading directories with `from` (several files answer to one name). */
function closest(units: readonly Unit[], from: Unit): Unit {
  if (units.length === 1) return units[0]!;
  let best = units[0]!;
  let bestScore = -1;
  for (const u of units) {
    const a = u.file.split('/');
    const b = from.file.split('/');
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    if (n > bestScore) [best, bestScore] = [u, n];
  }
  return best;
}

export interface ModuleKey {
  keys: string[];
  pkg: string;
  isPackage: boolean;
}

/**
 * The dotted names Python would import each file as: from the top of its package chain (directories holding an
 * `__init__.py`), and relative to the scan root (namespace packages, scripts run from the root).
 */
/**
 * Module names of each path. Packages are directories with an `__init__.py` among the paths or, when
 * `isPackageDir` is given, on disk (an empty `__init__.py` the scan skipped still makes a package).
 */
export function moduleKeys(
  relPaths: readonly string[],
  isPackageDir?: (relDir: string) => boolean,
): Map<string, ModuleKey> {
  const inits = new Set<string>();
  for (const p of relPaths) {
    const parts = p.split('/');
    if (parts[parts.length - 1] === '__init__.py') inits.add(parts.slice(0, -1).join('/'));
  }
  if (isPackageDir !== undefined) {
    // Every folder holding a path, and the folders above it (each added once: a folder seen has its parents).
    const dirs = new Set<string>();
    for (const p of relPaths) {
      let at = p.lastIndexOf('/');
      while (at >= 0) {
        const d = p.slice(0, at);
        if (dirs.has(d)) break;
        dirs.add(d);
        at = d.lastIndexOf('/');
      }
    }
    for (const d of dirs) if (!inits.has(d) && isPackageDir(d)) inits.add(d);
  }
  const out = new Map<string, ModuleKey>();
  const folders = new Map<string, Folder>();
  for (const p of relPaths) out.set(p, keyOf(p, inits, folders));
  return out;
}

/** A folder's parts (no empty or `.` part) and how many of them lie above its package chain. */
interface Folder {
  parts: string[];
  top: number;
}

function keyOf(relPath: string, inits: ReadonlySet<string>, folders?: Map<string, Folder>): ModuleKey {
  const slash = relPath.lastIndexOf('/');
  const last = relPath.slice(slash + 1);
  // Folders are shared by the files they hold: parts and package chain found once per folder.
  if (folders !== undefined && last !== '' && last !== '.') {
    const dir = slash >= 0 ? relPath.slice(0, slash) : '';
    let folder = folders.get(dir);
    if (folder === undefined) folders.set(dir, (folder = chainOf(dir.split('/'), inits)));
    return keyIn(folder, last);
  }
  const parts = relPath.split('/');
  const kept = parts.filter((x) => x !== '' && x !== '.');
  const file = kept.pop() ?? '';
  return keyIn(chainOf(kept, inits), file);
}

/** A folder (its path split at `/`) and the top of its package chain. */
function chainOf(raw: readonly string[], inits: ReadonlySet<string>): Folder {
  const parts = raw.filter((x) => x !== '' && x !== '.');
  let top = parts.length;
  while (top > 0 && inits.has(parts.slice(0, top).join('/'))) top--;
  return { parts, top };
}

function keyIn({ parts, top }: Folder, file: string): ModuleKey {
  const stem = file.replace(/\.pyw?$/, '');
  const isPackage = stem === '__init__';
  const pkgDirs = parts.slice(top);
  const dotted = (dirs: string[]): string => (isPackage ? dirs : [...dirs, stem]).filter((s) => s !== '').join('.');
  const keys = [dotted(pkgDirs)];
  const rootRel = dotted(parts);
  if (rootRel !== keys[0] && rootRel !== '') keys.push(rootRel);
  const pkg = isPackage ? dotted(pkgDirs) : pkgDirs.join('.');
  return { keys: keys.filter((k) => k !== '' && /^[\w.]+$/.test(k)), pkg, isPackage };
}
