// Lookup tables over one analysed module for the DESER pass: calls, assignments and bindings per scope, class
// methods, the `self` name of methods, module-level imports, and who calls each local function.
import type {
  AccessPath,
  AccessRoot,
  AssignmentFact,
  AssignmentTarget,
  BindingFact,
  CallSite,
  ExpressionFact,
  FunctionFact,
  PythonModule,
} from '../python/module-model.js';
import { DEFERRED_CALLS, INHERITED_SINK_METHODS, matchesPattern, SINK_BY_NAME } from './apis.js';
import { callTargets, type CallTarget } from '../python/torch/torch-call-targets.js';
import { pushTo } from '../../core/multimap.js';

/** Method names of sinks that are methods of a constructed object (`YAML().load`). */
const CONSTRUCTED_SINK_METHODS: ReadonlySet<string> = new Set(
  [...SINK_BY_NAME.keys()].filter((q) => q.includes('().')).map((q) => q.slice(q.lastIndexOf('.') + 1)),
);

/** One way a local function is called: the call, and how its arguments map onto the parameters. */
export interface CallEdge {
  /** The call site whose arguments are passed (a direct call, or a Thread/executor call). */
  call: CallSite;
  /** Positional arguments as the callee receives them (after any bound `self`). */
  positional: ExpressionFact[];
  keywords: Map<string, ExpressionFact>;
  /** Parameters skipped before the positional arguments (1 for `self.method(...)`/constructions). */
  skip: number;
  /** True when the argument list is unknown (`*args`, a non-literal `args=`). */
  opaque: boolean;
}

/** What the index may ask of the project it belongs to (set when modules are analysed together). */
/** Calls that import a module named at run time. */
const IMPORTERS: ReadonlySet<string> = new Set(['importlib.import_module', 'builtins.__import__']);

export interface IndexLink {
  /** A class of another module named by a qualified name (for bases across files). */
  resolveClass(q: string): { idx: ModuleIndex; fn: FunctionFact } | undefined;
  /** The library name a project alias stands for (`serde.loads` → `pickle.loads`), if it is one. */
  expand(q: string): string | undefined;
  /** A function of another module named by a qualified name (`serde.get_serializer`). */
  resolveFunction?(q: string): { idx: ModuleIndex; fn: FunctionFact } | undefined;
}

/** Indexes built for a module before its project was (sources.ts mayReceiveData), handed to the project once. */
const spareIndexes = new WeakMap<PythonModule, ModuleIndex>();

export class ModuleIndex {
  private linked: IndexLink | undefined;

  /** Set by the project when this module is analysed together with others (call targets found before are dropped). */
  get link(): IndexLink | undefined {
    return this.linked;
  }

  set link(l: IndexLink | undefined) {
    this.linked = l;
    this.targetCache.fill(undefined);
  }

  /**
   * An index of `mod` for a check made before the module's project exists; the project's own index of the module
   * is then this one (forProject), its tables built once. Nothing the index keeps depends on the project except
   * the call targets, which setting `link` drops.
   */
  static beforeProject(mod: PythonModule): ModuleIndex {
    let idx = spareIndexes.get(mod);
    if (idx === undefined) spareIndexes.set(mod, (idx = new ModuleIndex(mod)));
    return idx;
  }

  /** The index a project takes for `mod`: one built by beforeProject (once), else a new one. */
  static forProject(mod: PythonModule): ModuleIndex {
    const idx = spareIndexes.get(mod);
    if (idx === undefined || idx.linked !== undefined) return new ModuleIndex(mod);
    spareIndexes.delete(mod);
    return idx;
  }

  readonly callsByScope = new Map<number, CallSite[]>();
  readonly assignmentsByScope = new Map<number, AssignmentFact[]>();
  /** scopeId → name → assignments binding it (name targets only). */
  readonly assignedNames = new Map<number, Map<string, AssignmentFact[]>>();
  /** scopeId → names bound there by any binding kind. */
  readonly boundNames = new Map<number, Map<string, BindingFact[]>>();
  /** class id → method name → method FunctionFact. */
  readonly methods = new Map<number, Map<string, FunctionFact>>();
  /** Module-level import bindings: bound name → qualified name. */
  readonly moduleImports = new Map<string, string>();
  /** Names bound by `import m` / `import m as x` (modules, as opposed to `from m import x`). */
  readonly importedModules = new Set<string>();
  /** First components of what `import x[.y] [as z]` statements import (`pickle` for `import pickle as _p`). */
  private readonly importRoots = new Set<string>();
  /** Top-level module names imported anywhere (`zmq`, `flask`, ...). */
  readonly importedRoots = new Set<string>();
  /** function id → calls of it found in this module. */
  readonly callers = new Map<number, CallEdge[]>();
  /** function ids referenced as a value somewhere other than a direct call (passed, stored). */
  readonly referenced = new Set<number>();

  private readonly targetCache: (string[] | undefined)[];

  constructor(readonly mod: PythonModule) {
    this.targetCache = new Array<string[] | undefined>(mod.calls.length);
    for (const c of mod.calls) pushTo(this.callsByScope, c.scopeId, c);
    for (const a of mod.assignments) {
      pushTo(this.assignmentsByScope, a.scopeId, a);
      let byName = this.assignedNames.get(a.scopeId);
      if (byName === undefined) this.assignedNames.set(a.scopeId, (byName = new Map()));
      for (const t of a.targets) if (t.kind === 'name') pushTo(byName, t.name, a);
    }
    for (const b of mod.bindings) {
      let m = this.boundNames.get(b.scopeId);
      if (m === undefined) this.boundNames.set(b.scopeId, (m = new Map()));
      pushTo(m, b.name, b);
    }
    for (const f of mod.functions) {
      if (f.parentId === null) continue;
      const parent = mod.functions[f.parentId];
      if (parent?.kind !== 'class' || f.kind !== 'function') continue;
      let m = this.methods.get(parent.id);
      if (m === undefined) this.methods.set(parent.id, (m = new Map()));
      m.set(f.name, f);
    }
    for (const i of mod.imports) {
      const root = i.qualifiedName.split('.')[0];
      if (root !== undefined && root !== '') this.importedRoots.add(root);
      if (i.kind === 'from' && i.relativeLevel === 0) this.importedRoots.add(i.module.split('.')[0]!);
      if (i.scopeId === 0 && i.boundName !== null) this.moduleImports.set(i.boundName, i.qualifiedName);
      if (i.kind === 'import' && i.boundName !== null) this.importedModules.add(i.boundName);
      if (i.kind === 'import') this.importRoots.add(i.qualifiedName.split('.')[0]!);
    }
    this.indexCallers();
  }

  /** Every qualified name the callee of a call may be (functools.partial targets included), cached. */
  targets(call: CallSite): string[] {
    let t = this.targetCache[call.id];
    if (t === undefined) {
      t = this.callTargets(call).map((x) => x.qualifiedName);
      this.targetCache[call.id] = t;
    }
    return t;
  }

  /** callTargets(), plus what project aliases stand for (`serde.loads` defined as `pickle.loads` elsewhere). */
  callTargets(call: CallSite): CallTarget[] {
    const out = callTargets(call, 'python');
    // `self.<attr>.m(...)` where the class stores a library object's construction in the attribute
    // (`self.yaml = YAML(typ="unsafe")`): the method of that construction, when it is a sink.
    if (out.length === 0) for (const q of this.selfConstructedSinks(call)) out.push(q);
    if (out.length === 0) {
      const q = this.inheritedSinkOfLocalClass(call);
      if (q !== undefined) out.push({ qualifiedName: q, confidenceCap: 'high', via: 'assignment' });
    }
    // Unknown, or a method of a call's result (`serde.get_serializer().loads` for `ser = get_serializer()`).
    if (out.every((t) => t.qualifiedName.includes('()')))
      for (const q of this.runtimeModuleTargets(call))
        out.push({ qualifiedName: q, confidenceCap: 'high', via: 'assignment' });
    if (this.link === undefined) return out;
    for (const t of [...out]) {
      const x = this.link.expand(t.qualifiedName);
      if (x !== undefined && !out.some((o) => o.qualifiedName === x)) out.push({ ...t, qualifiedName: x });
    }
    return out;
  }

  /**
   * `Cls.m(...)` on a class of this module that inherits `m` from a library base class where it is a deserializer
   * (`LitNet.load_from_checkpoint(p)` for `class LitNet(pl.LightningModule)`), through the module's own bases.
   */
  private inheritedSinkOfLocalClass(call: CallSite): string | undefined {
    const a = call.callee.access;
    const m = a?.steps[0];
    if (a?.root.kind !== 'name' || a.steps.length !== 1 || m?.kind !== 'attr') return undefined;
    if (!INHERITED_SINK_METHODS.has(m.name)) return undefined;
    const classOf = (name: string): FunctionFact | undefined => {
      for (const b of this.boundNames.get(0)?.get(name) ?? [])
        for (const v of b.values)
          if (v.kind === 'definition' && this.mod.functions[v.functionId]?.kind === 'class')
            return this.mod.functions[v.functionId];
      return undefined;
    };
    const walk = (cls: FunctionFact | undefined, depth: number): string | undefined => {
      if (cls === undefined || depth > 5 || this.methods.get(cls.id)?.has(m.name) === true) return undefined;
      for (const b of cls.bases)
        for (const v of b.values) {
          if (v.kind === 'qualified' && SINK_BY_NAME.has(`${v.name}.${m.name}`)) return `${v.name}.${m.name}`;
          if (v.kind === 'definition' && v.functionId !== cls.id) {
            const r = walk(this.mod.functions[v.functionId], depth + 1);
            if (r !== undefined) return r;
          }
        }
      return undefined;
    };
    return walk(classOf(a.root.name), 0);
  }

  private selfConstructedSinks(call: CallSite): CallTarget[] {
    const a = call.callee.access;
    if (a?.root.kind !== 'name' || a.steps.length !== 2) return [];
    const m = a.steps[1]!;
    if (m.kind !== 'attr' || !CONSTRUCTED_SINK_METHODS.has(m.name)) return [];
    const out: CallTarget[] = [];
    for (const c of this.receiverConstructions(call)) {
      const q = c.callee.qualifiedName;
      if (q === null || c.callee.resolution !== 'import') continue;
      const name = `${q}().${m.name}`;
      if (SINK_BY_NAME.has(name) && !out.some((t) => t.qualifiedName === name))
        out.push({ qualifiedName: name, confidenceCap: 'high', via: 'assignment' });
    }
    return out;
  }

  /**
   * The calls whose result is the receiver of a method call: `C(...).m()`, `x.m()` with `x = C(...)` in the
   * function, its enclosing function or the module, `self.a.m()` with `self.a = C(...)` in a method of the class.
   */
  receiverConstructions(call: CallSite): CallSite[] {
    const a = call.callee.access;
    if (a === undefined || a === null || a.steps.length === 0) return [];
    const callOf = (e: ExpressionFact | null): CallSite | undefined =>
      e?.access?.root.kind === 'call' && e.access.steps.length === 0 ? this.mod.calls[e.access.root.callId] : undefined;
    if (a.root.kind === 'call') return a.steps.length === 1 ? [this.mod.calls[a.root.callId]!].filter(Boolean) : [];
    if (a.root.kind !== 'name') return [];
    const out: CallSite[] = [];
    if (a.steps.length === 1) {
      for (const sid of new Set([call.scopeId, this.enclosingScope(call.scopeId), 0]))
        for (const as of this.assignedNames.get(sid)?.get(a.root.name) ?? []) {
          const c = callOf(as.value);
          if (c !== undefined) out.push(c);
        }
      return out;
    }
    const attr = a.steps[0]!;
    if (a.steps.length !== 2 || attr.kind !== 'attr' || call.enclosingFunction === null) return [];
    const method = this.fn(call.enclosingFunction.id);
    const cls = method !== undefined ? this.classOf(method) : undefined;
    if (method === undefined || cls === undefined || this.selfName(method) !== a.root.name) return [];
    for (const st of this.selfAttributeStores(cls, attr.name)) {
      const c = callOf(st.as.value);
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  fn(id: number): FunctionFact | undefined {
    return this.mod.functions[id];
  }

  /**
   * `ser.loads(x)` where `ser` is bound to the result of a function of this module that returns a module
   * (`pickle = get_serializer()` with `return pickle`, `return importlib.import_module(name)` and a literal
   * default or argument for `name`): the module's functions under the name.
   */
  private runtimeModuleTargets(call: CallSite): string[] {
    const a = call.callee.access;
    if (a?.root.kind !== 'name' || a.steps.length === 0 || a.steps.some((s) => s.kind !== 'attr')) return [];
    if (call.callee.resolution !== 'assignment') return [];
    const rest = a.steps.map((s) => (s.kind === 'attr' ? s.name : '')).join('.');
    const out = new Set<string>();
    for (const sid of new Set([call.scopeId, this.enclosingScope(call.scopeId), 0])) {
      for (const as of this.assignedNames.get(sid)?.get(a.root.name) ?? []) {
        const id =
          as.value?.access?.root.kind === 'call' && as.value.access.steps.length === 0
            ? as.value.access.root.callId
            : undefined;
        const c = id !== undefined ? this.mod.calls[id] : undefined;
        if (c === undefined) continue;
        // `ser = importlib.import_module("pickle")` (a literal, a constant, or `a if c else b` of them).
        if (IMPORTERS.has(c.callee.qualifiedName ?? '')) {
          const arg = c.positional[0];
          for (const m of arg !== undefined ? this.literalStrings(arg) : []) out.add(`${m}.${rest}`);
          continue;
        }
        const fnId = c.callee.definitionId;
        const local = fnId !== undefined ? this.fn(fnId) : undefined;
        // A function of another module (`from serde import get_serializer`).
        const far =
          local === undefined && c.callee.qualifiedName !== null && c.callee.resolution === 'import'
            ? this.link?.resolveFunction?.(c.callee.qualifiedName)
            : undefined;
        const [idx, f] = local !== undefined ? [this as ModuleIndex, local] : [far?.idx, far?.fn];
        if (idx === undefined || f === undefined || f.kind !== 'function') continue;
        for (const m of idx.returnedModules(f, c, this)) out.add(`${m}.${rest}`);
      }
    }
    return [...out];
  }

  /**
   * The string literals an expression may be: a literal, a module-level name bound once to one, or either branch
   * of `a if c else b` of those.
   */
  literalStrings(e: ExpressionFact): string[] {
    if (e.constant?.type === 'str') return [e.constant.value];
    if (e.nodeType === 'conditional_expression' && e.operands !== undefined && e.operands.length >= 2) {
      const parts = e.operands.map((o) => this.literalStrings(o));
      return parts.every((p) => p.length > 0) ? parts.flat() : [];
    }
    const a = e.access;
    if (a?.root.kind === 'name' && a.steps.length === 0) {
      const as = this.assignedNames.get(0)?.get(a.root.name) ?? [];
      if (as.length === 1 && as[0]!.value?.constant?.type === 'str') return [as[0]!.value.constant.value];
    }
    return [];
  }

  /** The scope a nested scope (comprehension, lambda) runs in: its nearest enclosing def or the module. */
  private enclosingScope(scopeId: number): number {
    let f = this.mod.functions[scopeId];
    for (let guard = 0; f !== undefined && f.kind !== 'function' && f.parentId !== null && guard < 32; guard++)
      f = this.mod.functions[f.parentId];
    return f?.id ?? 0;
  }

  /**
   * Modules a function of this module returns: imported module names, or import_module of a literal (default,
   * argument of `call` made in module `caller`, or written in the call).
   */
  returnedModules(f: FunctionFact, call: CallSite, caller: ModuleIndex = this): string[] {
    const out: string[] = [];
    for (const r of f.returns) {
      for (const v of r.values)
        if (v.kind === 'qualified' && !v.name.includes('(') && this.importRoots.has(v.name.split('.')[0]!))
          out.push(v.name);
      const inner =
        r.access?.root.kind === 'call' && r.access.steps.length === 0
          ? this.mod.calls[r.access.root.callId]
          : undefined;
      const q = inner?.callee.qualifiedName;
      if (inner === undefined || !IMPORTERS.has(q ?? '')) continue;
      const arg = inner.positional[0];
      if (arg === undefined) continue;
      const name = arg.access?.root.kind === 'name' && arg.access.steps.length === 0 ? arg.access.root.name : undefined;
      const i = name !== undefined ? f.parameters.findIndex((p) => p.name === name) : -1;
      if (i < 0) {
        out.push(...this.literalStrings(arg));
        continue;
      }
      const p = f.parameters[i]!;
      const passed = call.keywords.find((k) => k.name === p.name)?.value ?? call.positional[i];
      if (passed !== undefined) out.push(...caller.literalStrings(passed));
      else if (p.default !== undefined) out.push(...this.literalStrings(p.default));
    }
    return out;
  }

  /**
   * Qualified names of `self.<attr>.<method>(...)` typed by what the class's methods store into `self.<attr>`
   * (`self.client = redis.Redis(url)` → `redis.Redis().hget`): only constructions and factory calls the resolver
   * qualified, so the names are as precise as the module's own calls. A receiver a few attributes deep
   * (`self.clients.runtime.invoke_endpoint(...)`) is typed by a store of the whole path (`self.clients.runtime =
   * boto3.client(...)`), by a construction stored at a prefix of it (`self.session = sagemaker.Session()` →
   * `sagemaker.Session().sagemaker_runtime_client.invoke_endpoint`), or through a local class constructed there
   * (`self.clients = Clients()`, whose methods store `self.runtime = boto3.client(...)`).
   */
  selfAttrTargets(call: CallSite): string[] {
    const a = call.callee.access;
    if (a?.root.kind !== 'name' || a.steps.length < 2 || a.steps.length > MAX_SELF_PATH + 1) return [];
    const names: string[] = [];
    for (const s of a.steps) if (s.kind === 'attr') names.push(s.name);
    if (names.length !== a.steps.length) return [];
    const method = names.pop()!;
    const m = this.enclosingMethod(call.scopeId);
    const cls = m !== undefined ? this.classOf(m) : undefined;
    if (m === undefined || cls === undefined || this.selfName(m) !== a.root.name) return [];
    const out = new Set<string>();
    this.attrPathTargets(cls, names, method, out, new Set());
    return [...out];
  }

  /** What `selfAttrTargets` finds for the attribute path `path` of instances of `cls`. */
  private attrPathTargets(
    cls: FunctionFact,
    path: readonly string[],
    method: string,
    out: Set<string>,
    seen: Set<string>,
  ): void {
    const key = `${cls.id}:${path.join('.')}`;
    if (seen.has(key) || seen.size > 16) return;
    seen.add(key);
    // The class and its local bases: an attribute a base's `__init__` stores (`self._redis = Redis(...)`).
    const classes: FunctionFact[] = [];
    const visit = (k: FunctionFact, depth: number): void => {
      if (classes.includes(k) || depth > 4) return;
      classes.push(k);
      for (const b of k.bases) {
        const def = b.values.find((v) => v.kind === 'definition');
        const base = def?.kind === 'definition' ? this.mod.functions[def.functionId] : undefined;
        if (base?.kind === 'class') visit(base, depth + 1);
      }
    };
    visit(cls, 0);
    for (const k of classes)
      for (let n = path.length; n >= 1; n--) {
        const rest = path.slice(n);
        for (const { as } of this.selfAttributeStores(k, path.slice(0, n).join('.'))) {
          for (const v of as.value!.values)
            if (v.kind === 'qualified' && v.name.endsWith(')')) out.add([v.name, ...rest, method].join('.'));
          if (rest.length === 0) continue;
          // A local class constructed there: the rest of the path is an attribute of its instances.
          const r = as.value!.access?.root;
          const made =
            r?.kind === 'call' && as.value!.access!.steps.length === 0 ? this.mod.calls[r.callId] : undefined;
          for (const v of made?.callee.values ?? []) {
            const inner = v.kind === 'definition' ? this.mod.functions[v.functionId] : undefined;
            if (inner?.kind === 'class') this.attrPathTargets(inner, rest, method, out, seen);
          }
        }
      }
  }

  /**
   * Qualified names of `<receiver>.<method>(...)` when the receiver comes from a factory handed the class it builds
   * (`get_stub(endpoint, svc_pb2_grpc.ServiceStub)` whose body returns `stub_type(channel)`, directly or through the
   * container it stores it in): `svc_pb2_grpc.ServiceStub().<method>`, as precise as a construction written in place.
   * The receiver is such a call, a name or `self.<attr>` bound to one, or a property (or local function) returning
   * one; factories are local functions and methods, or functions of other modules when the project is linked.
   */
  factoryTargets(call: CallSite): string[] {
    const a = call.callee.access;
    const method = a?.steps[a.steps.length - 1];
    if (a === undefined || method?.kind !== 'attr' || a.steps.length > 2) return [];
    const made: ExpressionFact[] = [];
    if (a.root.kind === 'call' && a.steps.length === 1) {
      const c = this.mod.calls[a.root.callId];
      if (c !== undefined) return this.madeBy(this, c, 0, new Set()).map((q) => `${q}.${method.name}`);
      return [];
    }
    if (a.root.kind !== 'name') return [];
    const attr = a.steps.length === 2 ? a.steps[0] : undefined;
    if (attr === undefined) {
      for (const sid of new Set([call.scopeId, this.enclosingScope(call.scopeId)]))
        for (const as of this.assignedNames.get(sid)?.get(a.root.name) ?? [])
          if (as.value !== null) made.push(as.value);
    } else {
      if (attr.kind !== 'attr') return [];
      const m = this.enclosingMethod(call.scopeId);
      const cls = m !== undefined ? this.classOf(m) : undefined;
      if (m === undefined || cls === undefined || this.selfName(m) !== a.root.name) return [];
      const prop = this.method(cls, attr.name);
      if (prop?.decorators.some((d) => /(^|\.)(cached_)?property$/.test(d.text)) === true) made.push(...prop.returns);
      for (const other of this.methods.get(cls.id)?.values() ?? []) {
        const self = this.selfName(other);
        if (self === undefined) continue;
        const want = `${self}.${attr.name}`;
        for (const as of this.assignmentsByScope.get(other.id) ?? [])
          if (as.value !== null && as.targets.some((t) => t.kind === 'attribute' && t.text === want))
            made.push(as.value);
      }
    }
    const out = new Set<string>();
    const seen = new Set<CallSite>();
    for (const e of made.slice(0, 16)) {
      const c =
        e.access?.root.kind === 'call' && e.access.steps.length === 0
          ? this.mod.calls[e.access.root.callId]
          : undefined;
      if (c !== undefined) for (const q of this.madeBy(this, c, 0, seen)) out.add(`${q}.${method.name}`);
    }
    return [...out];
  }

  /**
   * The classes (qualified names with `()`) a call of a factory builds from a class passed in: the factory returns
   * `p(...)` for its parameter `p`, or what it stored from such a call (`cache[p] = p(ch)` … `return cache[p]`), or
   * the value of another factory call (depth-limited).
   */
  private madeBy(
    idx: ModuleIndex,
    c: CallSite,
    depth: number,
    seen: Set<CallSite>,
    outer?: (name: string) => ExpressionFact | undefined,
  ): string[] {
    // Each call site is followed once per question (a factory returning itself many times stays linear).
    if (depth > 3 || seen.has(c) || seen.size > 64) return [];
    seen.add(c);
    let target: { idx: ModuleIndex; fn: FunctionFact; skip: number } | undefined;
    const local = c.callee.definitionId !== undefined ? idx.fn(c.callee.definitionId) : undefined;
    if (local?.kind === 'function') target = { idx, fn: local, skip: 0 };
    else if (local === undefined) {
      const bm = idx.boundMethod(c.callee.access, c.scopeId);
      if (bm !== undefined) target = { idx, fn: bm.fn, skip: bm.skip };
      else if (c.callee.qualifiedName !== null && c.callee.resolution === 'import') {
        const far = idx.link?.resolveFunction?.(c.callee.qualifiedName);
        if (far !== undefined) {
          const st = far.fn.decorators.some((d) => d.text === 'staticmethod');
          target = { ...far, skip: far.idx.classOf(far.fn) !== undefined && !st ? 1 : 0 };
        }
      }
    }
    if (target === undefined) return [];
    const { fn, skip } = target;
    const out = new Set<string>();
    // The argument `c` passes for a parameter of the factory; a bare name of the caller's own parameters stands
    // for what the call one level up passed (`pick(addr, kind)` → `make(addr, kind)` → `kind(addr)`).
    const argument = (name: string): ExpressionFact | undefined => {
      const i = fn.parameters.findIndex((p) => p.name === name);
      if (i < skip) return undefined;
      const passed = c.keywords.find((k) => k.name === name)?.value ?? c.positional[i - skip];
      const a = passed?.access;
      if (outer !== undefined && a?.root.kind === 'name' && a.steps.length === 0) return outer(a.root.name) ?? passed;
      return passed;
    };
    const classArg = (inner: CallSite): void => {
      const r = inner.callee.access?.root;
      if (r?.kind !== 'name' || inner.callee.access!.steps.length !== 0) return;
      for (const v of argument(r.name)?.values ?? [])
        if (v.kind === 'qualified' && !v.name.includes('(')) out.add(`${v.name}()`);
    };
    for (const r of fn.returns) {
      const inner =
        r.access?.root.kind === 'call' && r.access.steps.length === 0
          ? target.idx.mod.calls[r.access.root.callId]
          : undefined;
      if (inner !== undefined) {
        classArg(inner);
        for (const q of this.madeBy(target.idx, inner, depth + 1, seen, argument)) out.add(q);
        continue;
      }
      // `cache[p] = p(ch)` … `return cache[p]`: what the function stored under the returned expression.
      for (const as of target.idx.assignmentsByScope.get(fn.id) ?? []) {
        if (as.value === null || !as.targets.some((t) => holds(t, r))) continue;
        const v = as.value.access;
        const stored =
          v?.root.kind === 'call' && v.steps.length === 0 ? target.idx.mod.calls[v.root.callId] : undefined;
        if (stored !== undefined) classArg(stored);
      }
    }
    return [...out];
  }

  /** The class a method belongs to. */
  classOf(f: FunctionFact): FunctionFact | undefined {
    if (f.parentId === null) return undefined;
    const p = this.mod.functions[f.parentId];
    return p?.kind === 'class' ? p : undefined;
  }

  /** class id → attribute → the stores into `self.<attribute>` in its methods (built per class on first use). */
  private readonly selfStores = new Map<number, Map<string, SelfStore[]>>();

  /**
   * The assignments of a value to `<self>.<attr>` in the methods of `cls` (not its bases), in method order, each
   * once, with the method and its `self` name. Indexed per class on first use: the flow and the project ask it for
   * every `self.<attr>` they type, and scanning every method's assignments each time was a large share of a
   * project's analysis (distributed/nanny.py named alone).
   */
  selfAttributeStores(cls: FunctionFact, attr: string): readonly SelfStore[] {
    let byAttr = this.selfStores.get(cls.id);
    if (byAttr === undefined) {
      this.selfStores.set(cls.id, (byAttr = new Map()));
      for (const m of this.methods.get(cls.id)?.values() ?? []) {
        const self = this.selfName(m);
        if (self === undefined) continue;
        const prefix = `${self}.`;
        for (const as of this.assignmentsByScope.get(m.id) ?? []) {
          if (as.value === null) continue;
          const seen = new Set<string>();
          for (const t of as.targets) {
            // `self.items[k] = v` is kept under `items[]` (an element of the container the attribute holds).
            const text =
              t.kind === 'attribute'
                ? t.text
                : t.kind === 'subscript' && /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(t.objectText)
                  ? `${t.objectText}[]`
                  : undefined;
            if (text === undefined || !text.startsWith(prefix)) continue;
            const a = text.slice(prefix.length);
            if (seen.has(a)) continue;
            seen.add(a);
            pushTo(byAttr, a, { method: m, self, as });
          }
        }
      }
    }
    return byAttr.get(attr) ?? NO_STORES;
  }

  /** The name of a method's first parameter (`self`), unless it is a static method. */
  selfName(f: FunctionFact): string | undefined {
    if (f.kind !== 'function' || this.classOf(f) === undefined) return undefined;
    if (f.decorators.some((d) => d.text === 'staticmethod')) return undefined;
    const p = f.parameters[0];
    return p !== undefined && (p.kind === 'positional' || p.kind === 'positional-only') ? p.name : undefined;
  }

  /** A method of `cls` or of a local base class (depth-limited). */
  method(cls: FunctionFact, name: string, depth = 0): FunctionFact | undefined {
    const m = this.methods.get(cls.id)?.get(name);
    if (m !== undefined || depth > 4) return m;
    for (const b of cls.bases) {
      const def = b.values.find((v) => v.kind === 'definition');
      if (def?.kind !== 'definition') continue;
      const base = this.mod.functions[def.functionId];
      if (base?.kind === 'class') {
        const found = this.method(base, name, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /**
   * The local function an expression refers to as a value: a def/lambda name, or `self.method` inside a
   * method of the same class. Returns the function and how many leading parameters are bound (`self`).
   */
  localFunction(e: ExpressionFact, scopeId: number, depth = 0): { fn: FunctionFact; skip: number } | undefined {
    // Partials of partials and tables holding table entries nest; a table may hold an entry of itself.
    if (depth > MAX_VALUE_NESTING) return undefined;
    const p = this.partialOf(e, scopeId);
    if (p !== undefined) {
      // `functools.partial(f, a, ...)`: `f` with its first parameters filled by the bound arguments.
      const lf = this.localFunction(p.fn, scopeId, depth + 1);
      return lf !== undefined ? { fn: lf.fn, skip: lf.skip + p.bound.length } : undefined;
    }
    const t = this.tableLookup(e.access);
    if (t !== undefined && t.key !== undefined && this.moduleBinding(t.root, scopeId)) {
      // `HANDLERS["restore"]`: the function a module-level table holds under that key, when there is one.
      const found = this.entriesFor(this.tableEntries(t.root.name), t.key);
      const only = found.length === 1 ? this.localFunction(found[0]!.value, 0, depth + 1) : undefined;
      if (only !== undefined) return only;
    }
    const def = e.values.find((v) => v.kind === 'definition');
    if (def?.kind === 'definition') {
      const f = this.mod.functions[def.functionId];
      if (f !== undefined && (f.kind === 'function' || f.kind === 'lambda')) return { fn: f, skip: 0 };
      if (f?.kind === 'class') {
        const init = this.method(f, '__init__');
        return init !== undefined ? { fn: init, skip: 1 } : undefined;
      }
    }
    return this.boundMethod(e.access, scopeId);
  }

  /**
   * What a module-level table of callables holds (see {@link moduleTables}). Dispatch through a table
   * (`HANDLERS[kind](data)`) may call any of them.
   */
  tableEntries(name: string): readonly TableEntry[] {
    return moduleTables(this.mod).get(name) ?? [];
  }

  /**
   * A lookup in a table of callables by the expression called or registered: `T[k]`, `T.get(k)` or
   * `T.get(k, default)`. The table's name and root (to resolve it in another module), and the key when literal.
   */
  tableLookup(a: AccessPath | undefined): { root: AccessRoot & { kind: 'name' }; key?: string } | undefined {
    if (a === undefined) return undefined;
    if (a.root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'index') {
      const k = a.steps[0]!.key;
      return { root: a.root, ...(k?.type === 'str' ? { key: k.value } : {}) };
    }
    if (a.root.kind !== 'call' || a.steps.length !== 0) return undefined;
    const get = this.mod.calls[a.root.callId];
    const ga = get?.callee.access;
    if (get === undefined || ga?.root.kind !== 'name' || ga.steps.length !== 1) return undefined;
    const step = ga.steps[0]!;
    if (step.kind !== 'attr' || step.name !== 'get' || get.positional.length === 0) return undefined;
    const k = get.positional[0]!.constant;
    return { root: ga.root, ...(k?.type === 'str' ? { key: k.value } : {}) };
  }

  /** Whether a name read in scope `scopeId` is bound by an assignment of the module (not of a function around it). */
  moduleBinding(root: AccessRoot & { kind: 'name' }, scopeId: number): boolean {
    if (root.resolution !== 'assignment') return false;
    let scope: FunctionFact | undefined = this.mod.functions[scopeId];
    for (let guard = 0; scope !== undefined && guard < 32; guard++) {
      if (scope.kind === 'module') return true;
      if (scope.kind !== 'class' && (this.assignedNames.get(scope.id)?.get(root.name)?.length ?? 0) > 0) return false;
      if (scope.parentId === null) return false;
      scope = this.mod.functions[scope.parentId];
    }
    return false;
  }

  /** The entries of a table a lookup may return: the one a literal key names (and any stored under a computed key). */
  entriesFor(table: readonly TableEntry[], key: string | undefined): TableEntry[] {
    if (key === undefined) return [...table];
    return table.filter((e) => e.key === undefined || e.key === key);
  }

  /**
   * The in-process queue a receiver names (`q` of `q.get()`): a name whose nearest binding scope binds it to a queue
   * construction (`q = queue.Queue()`), or `self.attr` some method of the class stores one into. A key local to the
   * module (the scope and name, or the class and attribute); undefined for anything else.
   */
  queueKey(a: AccessPath, scopeId: number): string | undefined {
    if (a.root.kind !== 'name') return undefined;
    const isQueue = (e: ExpressionFact | null): boolean =>
      e !== null && e.values.some((v) => v.kind === 'qualified' && QUEUE_CONSTRUCTION.test(v.name));
    if (a.steps.length === 0) {
      let scope: FunctionFact | undefined = this.mod.functions[scopeId];
      for (let guard = 0; scope !== undefined && guard < 32; guard++) {
        const list = this.assignedNames.get(scope.id)?.get(a.root.name);
        if (list !== undefined && list.length > 0) {
          if (list.some((x) => x.kind === 'assign' && isQueue(x.value))) return `${scope.id}:${a.root.name}`;
          // Both ends of one `multiprocessing.Pipe()` (`a, b = Pipe()`) are one channel, keyed by the assignment.
          const pipe = list.find((x) => x.kind === 'assign' && x.targets.length > 1 && pipeConstruction(x.value));
          return pipe !== undefined ? `${PIPE_KEY}${pipe.span.line}:${pipe.span.column}` : undefined;
        }
        if (scope.parentId === null) return undefined;
        scope = this.mod.functions[scope.parentId];
      }
      return undefined;
    }
    const step = a.steps[0]!;
    if (a.steps.length !== 1 || step.kind !== 'attr') return undefined;
    const m = this.enclosingMethod(scopeId);
    if (m === undefined || this.selfName(m) !== a.root.name) return undefined;
    const cls = this.classOf(m)!;
    return this.selfAttributeStores(cls, step.name).some((st) => isQueue(st.as.value))
      ? `class ${cls.id}.${step.name}`
      : undefined;
  }

  /** `functools.partial(f, *bound, **keywords)` written in place: the wrapped function and what it binds. */
  partialOf(
    e: ExpressionFact,
    scopeId?: number,
  ): { fn: ExpressionFact; bound: ExpressionFact[]; call: CallSite } | undefined {
    // A name bound once (in the scope, else at module level) to `functools.partial(...)`: that partial.
    const a = e.access;
    if (scopeId !== undefined && a?.root.kind === 'name' && a.steps.length === 0) {
      const name = a.root.name;
      const here = this.assignedNames.get(scopeId)?.get(name);
      const as = here ?? (scopeId !== 0 ? this.assignedNames.get(0)?.get(name) : undefined);
      const only = as?.length === 1 ? as[0] : undefined;
      return only?.kind === 'assign' && only.value !== null ? this.partialOf(only.value) : undefined;
    }
    if (e.callIds.length !== 1 || e.access?.root.kind !== 'call' || e.access.steps.length !== 0) return undefined;
    const call = this.mod.calls[e.callIds[0]!];
    if (call === undefined || call.positional.length === 0 || call.hasStarArgs) return undefined;
    if (!this.targets(call).includes('functools.partial')) return undefined;
    return { fn: call.positional[0]!, bound: call.positional.slice(1), call };
  }

  /** `self.name` (access path) inside a method → the method `name` of the same class (self bound). */
  boundMethod(a: AccessPath | undefined, scopeId: number): { fn: FunctionFact; skip: number } | undefined {
    if (a === undefined || a.steps.length !== 1) return undefined;
    const step = a.steps[0]!;
    if (step.kind !== 'attr') return undefined;
    if (a.root.kind === 'call') {
      // `super().method(...)` in a method: the method of a local base class, bound to the same instance.
      const sup = this.superMethod(this.mod.calls[a.root.callId], step.name, scopeId);
      if (sup !== undefined) return sup;
      // `Cls(...).method(...)` on a class of this module: the method, bound to the new instance.
      const ctor = this.mod.calls[a.root.callId];
      const r = ctor?.callee.access?.root;
      if (ctor === undefined || r?.kind !== 'name' || r.resolution !== 'definition' || ctor.callee.access!.steps.length)
        return undefined;
      const cls = this.mod.functions.find((f) => f.kind === 'class' && f.parentId === 0 && f.name === r.name);
      const m = cls !== undefined ? this.method(cls, step.name) : undefined;
      if (m === undefined) return undefined;
      return { fn: m, skip: m.decorators.some((d) => d.text === 'staticmethod') ? 0 : 1 };
    }
    if (a.root.kind !== 'name') return undefined;
    const root = a.root;
    if (root.resolution === 'definition') {
      // `Cls.method(...)` on a class of this module: a classmethod binds `cls`, a staticmethod nothing.
      const cls = this.mod.functions.find((f) => f.kind === 'class' && f.parentId === 0 && f.name === root.name);
      const m = cls !== undefined ? this.method(cls, step.name) : undefined;
      if (m === undefined) return undefined;
      return { fn: m, skip: m.decorators.some((d) => d.text === 'classmethod') ? 1 : 0 };
    }
    if (root.resolution === 'assignment') {
      // `h.handle` where every binding of `h` is a construction of one class of this module.
      const cls = this.constructedClass(root.name, scopeId);
      const m = cls !== undefined ? this.method(cls, step.name) : undefined;
      if (m !== undefined) return { fn: m, skip: m.decorators.some((d) => d.text === 'staticmethod') ? 0 : 1 };
    }
    const enclosing = this.enclosingMethod(scopeId);
    if (enclosing === undefined) return undefined;
    if (this.selfName(enclosing) !== a.root.name) return undefined;
    const cls = this.classOf(enclosing)!;
    const m = this.method(cls, step.name);
    return m !== undefined ? { fn: m, skip: 1 } : undefined;
  }

  /** The local class every assignment of `name` (in the nearest scope binding it) constructs, if there is one. */
  private constructedClass(name: string, scopeId: number): FunctionFact | undefined {
    let scope: FunctionFact | undefined = this.mod.functions[scopeId];
    for (let guard = 0; scope !== undefined && guard < 32; guard++) {
      const list = this.assignedNames.get(scope.id)?.get(name);
      if (list !== undefined && list.length > 0) {
        let cls: FunctionFact | undefined;
        for (const a of list) {
          const c =
            a.kind === 'assign' && a.value?.callIds.length === 1 ? this.mod.calls[a.value.callIds[0]!] : undefined;
          const id = c !== undefined && c.text === a.value!.text ? c.callee.definitionId : undefined;
          const f = id !== undefined ? this.mod.functions[id] : undefined;
          if (f?.kind !== 'class' || (cls !== undefined && cls !== f)) return undefined;
          cls = f;
        }
        return cls;
      }
      if (scope.parentId === null) return undefined;
      scope = this.mod.functions[scope.parentId];
    }
    return undefined;
  }

  /** `super().name` (or `super(Cls, self).name`) inside a method: the method a local base class defines. */
  private superMethod(
    c: CallSite | undefined,
    name: string,
    scopeId: number,
  ): { fn: FunctionFact; skip: number } | undefined {
    const r = c?.callee.access?.root;
    if (c === undefined || r?.kind !== 'name' || r.name !== 'super' || c.callee.access!.steps.length !== 0) return;
    if (r.resolution !== 'builtin' && r.resolution !== 'unbound') return undefined;
    const enclosing = this.enclosingMethod(scopeId);
    const cls = enclosing !== undefined ? this.classOf(enclosing) : undefined;
    if (cls === undefined) return undefined;
    for (const b of cls.bases) {
      const def = b.values.find((v) => v.kind === 'definition');
      const base = def?.kind === 'definition' ? this.mod.functions[def.functionId] : undefined;
      const m = base?.kind === 'class' ? this.method(base, name) : undefined;
      if (m !== undefined) return { fn: m, skip: m.decorators.some((d) => d.text === 'staticmethod') ? 0 : 1 };
    }
    return undefined;
  }

  /** The method whose body (possibly through nested lambdas/comprehensions) contains scope `scopeId`. */
  enclosingMethod(scopeId: number): FunctionFact | undefined {
    let f = this.mod.functions[scopeId];
    for (let guard = 0; f !== undefined && guard < 32; guard++) {
      if (f.kind === 'function' && this.classOf(f) !== undefined) return f;
      if (f.kind === 'function' || f.parentId === null) return undefined;
      f = this.mod.functions[f.parentId];
    }
    return undefined;
  }

  /** `Thread(target=f, args=(a,))`, `executor.submit(f, a)`, ...: the local function and its arguments. */
  deferredEdge(call: CallSite): DeferredEdge | undefined {
    const d = deferredCall(call) ?? this.deferredOnConstructed(call);
    if (d === undefined) return undefined;
    const p = this.partialOf(d.fnArg, call.scopeId);
    const lf = this.localFunction(p?.fn ?? d.fnArg, call.scopeId);
    if (lf === undefined) return undefined;
    return { fn: lf.fn, fnArg: d.fnArg, edge: withPartial(d.edge(lf.skip), p?.call) };
  }

  /**
   * A deferred call on a receiver the module constructs (`self.pool.map(f, xs)` with `self.pool =
   * ThreadPoolExecutor(4)` in a method of the class, or `ex.submit(f, x)` with `ex` bound to one): matched under the
   * name of the construction's method (`concurrent.futures.ThreadPoolExecutor().map`).
   */
  private deferredOnConstructed(call: CallSite): ReturnType<typeof deferredCall> {
    const a = call.callee.access;
    const last = a?.steps[a.steps.length - 1];
    if (last?.kind !== 'attr' || !DEFERRED_LAST_NAMES.has(last.name)) return undefined;
    for (const c of this.receiverConstructions(call)) {
      const q = c.callee.qualifiedName;
      if (q === null || c.callee.resolution !== 'import') continue;
      const d = deferredCall(call, `${q}().${last.name}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }

  /**
   * For `self.m(...)` in a method of a class of this module: the methods `m` its subclasses of this module define
   * (transitively), which the call runs on their instances. Empty for any other call.
   */
  selfOverrides(call: CallSite): FunctionFact[] {
    const a = call.callee.access;
    const step = a?.steps[0];
    if (a?.root.kind !== 'name' || a.steps.length !== 1 || step?.kind !== 'attr') return [];
    const enclosing = this.enclosingMethod(call.scopeId);
    if (enclosing === undefined || this.selfName(enclosing) !== a.root.name) return [];
    const cls = this.classOf(enclosing);
    if (cls === undefined) return [];
    const out: FunctionFact[] = [];
    const seen = new Set<number>([cls.id]);
    const visit = (base: FunctionFact, depth: number): void => {
      if (depth > 5) return;
      for (const sub of this.localSubclasses(base)) {
        if (seen.has(sub.id)) continue;
        seen.add(sub.id);
        const own = this.methods.get(sub.id)?.get(step.name);
        if (own !== undefined && !own.decorators.some((d) => d.text === 'staticmethod')) out.push(own);
        visit(sub, depth + 1);
      }
    };
    visit(cls, 0);
    return out;
  }

  private subclassIndex: Map<number, FunctionFact[]> | undefined;

  /** The classes of this module naming `base` (a class of this module) among their bases. */
  localSubclasses(base: FunctionFact): readonly FunctionFact[] {
    if (this.subclassIndex === undefined) {
      this.subclassIndex = new Map();
      for (const f of this.mod.functions)
        if (f.kind === 'class')
          for (const b of f.bases)
            for (const v of b.values) if (v.kind === 'definition') pushTo(this.subclassIndex, v.functionId, f);
    }
    return this.subclassIndex.get(base.id) ?? [];
  }

  private indexCallers(): void {
    const addEdge = (id: number, e: CallEdge): void => pushTo(this.callers, id, e);
    for (const call of this.mod.calls) {
      // Direct calls of local functions, methods through self, and constructions (→ __init__).
      if (call.callee.definitionId !== undefined) {
        const f = this.mod.functions[call.callee.definitionId];
        if (f !== undefined) {
          const target = f.kind === 'class' ? this.method(f, '__init__') : f;
          if (target !== undefined) addEdge(target.id, directEdge(call, f.kind === 'class' ? 1 : 0));
        }
      } else {
        const bm = this.boundMethod(call.callee.access, call.scopeId);
        const table = bm === undefined ? this.dispatched(call) : [];
        const partial = bm === undefined && table.length === 0 ? this.partialCallee(call) : undefined;
        if (bm !== undefined) {
          addEdge(bm.fn.id, directEdge(call, bm.skip));
          // `self.m(...)` in a base class's method also runs a subclass's override of `m` (a template method).
          for (const o of this.selfOverrides(call)) addEdge(o.id, directEdge(call, 1));
        } else if (partial !== undefined)
          addEdge(partial.fn.id, withPartial(directEdge(call, partial.skip), partial.call));
        else for (const lf of table) addEdge(lf.fn.id, directEdge(call, lf.skip));
      }
      // `task.delay(x)`, `task.apply_async((x,))` of a Celery task of this module: a worker runs it with x.
      const tc = taskCall(call);
      if (tc !== undefined && tc.recv.root.kind === 'name' && tc.recv.root.resolution === 'definition') {
        const name = tc.recv.root.name;
        const f = this.mod.functions.find((x) => x.kind === 'function' && x.parentId === 0 && x.name === name);
        const skip = f !== undefined ? taskSkip(f) : undefined;
        if (f !== undefined && skip !== undefined) addEdge(f.id, tc.edge(skip));
      }
      // Thread/executor calls pass their arguments on; other local functions passed as values escape.
      if (call.positional.length === 0 && call.keywords.length === 0) continue;
      const deferred = this.deferredEdge(call);
      if (deferred !== undefined) addEdge(deferred.fn.id, deferred.edge);
      for (const arg of call.positional) this.noteReference(arg, call.scopeId, deferred?.fnArg);
      for (const k of call.keywords) this.noteReference(k.value, call.scopeId, deferred?.fnArg);
    }
    for (const a of this.mod.assignments) {
      if (a.value !== null && a.kind !== 'for') this.noteReference(a.value, a.scopeId, undefined);
    }
    for (const f of this.mod.functions) for (const r of f.returns) this.noteReference(r, f.id, undefined);
  }

  /**
   * A call of a partial (`functools.partial(f, a, k=v)(x)`, or `fn(x)` with `fn` bound once to one): the local
   * function `f`, its own skip, and the partial call whose bound arguments go first (withPartial).
   */
  private partialCallee(call: CallSite): { fn: FunctionFact; skip: number; call: CallSite } | undefined {
    const a = call.callee.access;
    if (a === undefined || a.steps.length !== 0) return undefined;
    const e =
      a.root.kind === 'call'
        ? ({ access: a, callIds: [a.root.callId] } as unknown as ExpressionFact)
        : a.root.kind === 'name'
          ? ({ access: a, callIds: [] } as unknown as ExpressionFact)
          : undefined;
    const p = e !== undefined ? this.partialOf(e, call.scopeId) : undefined;
    const lf = p !== undefined ? this.localFunction(p.fn, call.scopeId) : undefined;
    return lf !== undefined && lf.fn.kind !== 'class' ? { fn: lf.fn, skip: lf.skip, call: p!.call } : undefined;
  }

  /** The local functions a call through a module-level table of this module may run (`HANDLERS[kind](data)`). */
  dispatched(call: CallSite): { fn: FunctionFact; skip: number }[] {
    const t = this.tableLookup(call.callee.access);
    if (t === undefined || !this.moduleBinding(t.root, call.scopeId)) return [];
    const out: { fn: FunctionFact; skip: number }[] = [];
    for (const e of this.entriesFor(this.tableEntries(t.root.name), t.key)) {
      const lf = this.localFunction(e.value, 0, 1);
      if (lf !== undefined && lf.fn.kind !== 'class') out.push(lf);
    }
    return out;
  }

  /** A local function used as a value (not called here) escapes: anyone may call it. */
  private noteReference(e: ExpressionFact, scopeId: number, except: ExpressionFact | undefined): void {
    if (e === except || e.constant !== undefined) return;
    if (!e.values.some((v) => v.kind === 'definition') && (e.access === undefined || e.access.steps.length !== 1))
      return;
    const lf = this.localFunction(e, scopeId);
    if (lf !== undefined) this.referenced.add(lf.fn.id);
  }
}

/**
 * A call that runs a function it is handed (`Thread(target=f, args=(a,))`, `executor.submit(f, a)`,
 * `loop.run_in_executor(None, f, a)`, `pool.apply_async(f, args=(a,))`): the function expression and the call edge
 * it makes (given how many leading parameters the function binds), wherever the function is defined.
 */
export function deferredCall(
  call: CallSite,
  named?: string,
): { fnArg: ExpressionFact; edge: (skip: number) => CallEdge } | undefined {
  if (call.positional.length === 0 && call.keywords.length === 0) return undefined;
  const name = named ?? call.callee.qualifiedName ?? call.callee.raw;
  if (!DEFERRED_LAST_NAMES.has(name.slice(name.lastIndexOf('.') + 1))) return undefined;
  const d = DEFERRED_CALLS.find((x) => matchesPattern(name, x.pattern));
  if (d === undefined) return undefined;
  const fnArg =
    d.fnKeyword !== undefined
      ? call.keywords.find((k) => k.name === d.fnKeyword)?.value
      : call.positional[d.fnPosition ?? 0];
  if (fnArg === undefined) return undefined;
  let positional: ExpressionFact[] = [];
  let opaque = false;
  if (d.argsKeyword !== undefined) {
    const args = call.keywords.find((k) => k.name === d.argsKeyword)?.value ?? call.positional[d.argsPosition ?? -1];
    if (args !== undefined) {
      if (args.elements !== undefined) positional = args.elements;
      else opaque = true;
    }
  } else if (d.receiverArg === true) {
    // `fut.add_done_callback(cb)`: `cb(fut)`, the receiver read where the callback is added.
    const a = call.callee.access;
    if (a === undefined || a.steps.length === 0) return undefined;
    const recv: AccessPath = { root: a.root, steps: a.steps.slice(0, -1) };
    const text = call.callee.raw.slice(0, call.callee.raw.lastIndexOf('.'));
    const names = a.root.kind === 'name' ? [a.root.name] : [];
    positional = [
      {
        text,
        nodeType: 'attribute',
        span: call.span,
        values: [{ kind: 'unknown' }],
        names,
        callIds: a.root.kind === 'call' && recv.steps.length === 0 ? [a.root.callId] : [],
        access: recv,
      },
    ];
  } else if (d.eachOf !== undefined) {
    // Each element of the iterable in turn: what the iterable holds (the flow joins a container's elements).
    const items = call.positional[d.eachOf];
    if (items !== undefined) positional = [items];
  } else positional = call.positional.slice(d.argsFromPosition ?? 1);
  const keywords = new Map<string, ExpressionFact>();
  if (d.eachOf !== undefined) {
    // Keywords of `pool.map(f, items, chunksize=...)` are the pool's own.
  } else if (d.argsKeyword === undefined) {
    for (const k of call.keywords) keywords.set(k.name, k.value);
  } else {
    const kw = call.keywords.find((k) => k.name === 'kwargs')?.value;
    for (const e of kw?.dictEntries ?? []) keywords.set(e.name, e.value);
  }
  return { fnArg, edge: (skip) => ({ call, positional, keywords, skip, opaque: opaque || call.hasStarArgs }) };
}

/** Methods of a Celery task that queue a run of it: the worker calls the task with the arguments given. */
export const TASK_METHODS: ReadonlySet<string> = new Set(['delay', 'apply_async', 's', 'si', 'signature']);

/** A task decorator: `@app.task`, `@app.task(bind=True)`, `@shared_task`, `@celery.shared_task(...)`. */
const TASK_DECORATOR = /^(?:[\w.]+\.)?(?:task|shared_task)\s*(?:\(|$)/;

/**
 * The parameters a Celery task function's run binds before the queued arguments (`bind=True` passes the task
 * itself), or undefined when the function is no task.
 */
export function taskSkip(f: FunctionFact): number | undefined {
  for (const d of f.decorators) {
    if (!TASK_DECORATOR.test(d.text)) continue;
    const q = d.qualifiedName ?? '';
    // A task decorator of the Celery library or of an application object (`app = Celery(...)`), or left unresolved.
    if (q !== '' && !/(?:^celery\.|^celery$|\(\)\.task$|^[\w.]*\.task$|shared_task$)/.test(q)) continue;
    return /\bbind\s*=\s*True\b/.test(d.text) ? 1 : 0;
  }
  return undefined;
}

/**
 * `t.delay(a)`, `t.s(a)`, `t.apply_async((a,), {"k": v})` (or `args=`/`kwargs=`): the receiver naming the task and
 * the call edge the queued run makes.
 */
export function taskCall(call: CallSite): { recv: AccessPath; edge: (skip: number) => CallEdge } | undefined {
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (a === undefined || last?.kind !== 'attr' || !TASK_METHODS.has(last.name)) return undefined;
  if (a.root.kind !== 'name' || a.steps.slice(0, -1).some((s) => s.kind !== 'attr')) return undefined;
  const recv: AccessPath = { root: a.root, steps: a.steps.slice(0, -1) };
  if (last.name !== 'apply_async') return { recv, edge: (skip) => directEdge(call, skip) };
  const args = call.keywords.find((k) => k.name === 'args')?.value ?? call.positional[0];
  const kw = call.keywords.find((k) => k.name === 'kwargs')?.value ?? call.positional[1];
  const keywords = new Map<string, ExpressionFact>();
  for (const e of kw?.dictEntries ?? []) keywords.set(e.name, e.value);
  const positional = args?.elements ?? [];
  const opaque =
    (args !== undefined && args.elements === undefined) || (kw !== undefined && kw.dictEntries === undefined);
  return { recv, edge: (skip) => ({ call, positional, keywords, skip, opaque }) };
}

/** Last name components of the DEFERRED_CALLS patterns (a cheap filter before matching them). */
const DEFERRED_LAST_NAMES: ReadonlySet<string> = new Set(
  DEFERRED_CALLS.map((d) => {
    const n = d.pattern.exact ?? d.pattern.suffix ?? '';
    return n.slice(n.lastIndexOf('.') + 1);
  }),
);

/** A call edge through `functools.partial(f, *bound, **kw)`: the bound arguments come first, its keywords join. */
export function withPartial(edge: CallEdge, partial: CallSite | undefined): CallEdge {
  if (partial === undefined) return edge;
  const keywords = new Map(partial.keywords.map((k) => [k.name, k.value]));
  for (const [k, v] of edge.keywords) keywords.set(k, v);
  return {
    ...edge,
    positional: [...partial.positional.slice(1), ...edge.positional],
    keywords,
    opaque: edge.opaque || partial.hasStarArgs || partial.hasStarStarKwargs,
  };
}

/** How deep partials and table entries are followed inside each other to find the function they stand for. */
export const MAX_VALUE_NESTING = 4;

/** A queue construction of the standard library (threads, asyncio tasks, processes) or torch.multiprocessing. */
const QUEUE_CONSTRUCTION =
  /^(?:queue|asyncio|multiprocessing|torch\.multiprocessing)\.(?:\w+\(\)\.)?(?:Queue|SimpleQueue|LifoQueue|PriorityQueue|JoinableQueue)\(\)$/;

/** `multiprocessing.Pipe()` (also from a context, or torch.multiprocessing): a pair of connected ends. */
const PIPE_CONSTRUCTION = /^(?:multiprocessing|torch\.multiprocessing)\.(?:\w+\(\)\.)?Pipe\(\)$/;

function pipeConstruction(e: ExpressionFact | null): boolean {
  return e !== null && e.values.some((v) => v.kind === 'qualified' && PIPE_CONSTRUCTION.test(v.name));
}

/** The start of a queue key naming a pipe's pair of ends (sent with `send`, taken with `recv`). */
export const PIPE_KEY = 'pipe@';

/** Methods that put an item into a queue (its first argument) and that take one out (their result). */
export const QUEUE_PUTS: ReadonlySet<string> = new Set(['put', 'put_nowait']);
export const QUEUE_GETS: ReadonlySet<string> = new Set(['get', 'get_nowait']);
/** The same on either end of a pipe: `conn.send(obj)`, `conn.recv()`. */
export const PIPE_SEND = 'send';
export const PIPE_RECV = 'recv';

const TABLES = new WeakMap<PythonModule, Map<string, TableEntry[]>>();

/**
 * The module's tables of values by name: the values of a dict display with string keys bound to a name at module
 * level, the elements of a list or tuple display bound so, and every `name[k] = v` store in the module.
 */
export function moduleTables(mod: PythonModule): ReadonlyMap<string, readonly TableEntry[]> {
  let tables = TABLES.get(mod);
  if (tables !== undefined) return tables;
  tables = new Map<string, TableEntry[]>();
  // Names bound per scope: a store into a name the storing scope binds itself is into a local, not the table.
  const bound = new Set<string>();
  for (const a of mod.assignments)
    for (const t of a.targets) if (t.kind === 'name') bound.add(`${a.scopeId}:${t.name}`);
  for (const a of mod.assignments) {
    if (a.kind !== 'assign' || a.value === null) continue;
    for (const t of a.targets) {
      if (t.kind === 'subscript' && /^\w+$/.test(t.objectText)) {
        const global =
          bound.has(`0:${t.objectText}`) && (a.scopeId === 0 || !bound.has(`${a.scopeId}:${t.objectText}`));
        if (global)
          pushTo(tables, t.objectText, { ...(t.key?.type === 'str' ? { key: t.key.value } : {}), value: a.value });
        // `def deco(f): T[name] = f` (inside `def register(name)` returning it): every function of the module
        // decorated with `@register("x")` (or `@deco`) is stored in the table.
        if (global) for (const e of registeredByDecorator(mod, a)) pushTo(tables, t.objectText, e);
      } else if (t.kind === 'name' && a.scopeId === 0) {
        for (const d of a.value.dictEntries ?? []) pushTo(tables, t.name, { key: d.name, value: d.value });
        for (const x of a.value.elements ?? []) pushTo(tables, t.name, { value: x });
      }
    }
  }
  TABLES.set(mod, tables);
  return tables;
}

/**
 * The functions a registration decorator stores with assignment `a` (`T[k] = f` where `f` is the decorator's
 * parameter): the module's functions decorated with it, or with the factory returning it (`@register("x")`, the
 * key being the factory's first literal argument), each as an expression naming the function.
 */
function registeredByDecorator(mod: PythonModule, a: AssignmentFact): TableEntry[] {
  const v = a.value?.access;
  const deco = mod.functions[a.scopeId];
  if (v?.root.kind !== 'name' || v.steps.length !== 0 || deco?.kind !== 'function') return [];
  const param = v.root.name;
  if (!deco.parameters.some((p) => p.name === param)) return [];
  const factory = deco.parentId !== null ? mod.functions[deco.parentId] : undefined;
  const byFactory =
    factory?.kind === 'function' && factory.returns.some((r) => r.access?.root.kind === 'name' && r.text === deco.name);
  const out: TableEntry[] = [];
  for (const f of mod.functions) {
    if (f.kind !== 'function') continue;
    for (const d of f.decorators) {
      let key: string | undefined;
      if (byFactory && d.isCall && d.callId !== undefined && d.text.startsWith(`${factory.name}(`)) {
        const k = mod.calls[d.callId]?.positional[0]?.constant;
        if (k?.type === 'str') key = k.value;
      } else if (!(deco.parentId === 0 && d.text === deco.name)) continue;
      const value: ExpressionFact = {
        text: f.name,
        nodeType: 'identifier',
        span: d.span,
        values: [{ kind: 'definition', functionId: f.id, name: f.name }],
        names: [f.name],
        callIds: [],
      };
      out.push({ ...(key !== undefined ? { key } : {}), value });
    }
  }
  return out;
}

const REGISTRATIONS = new WeakMap<PythonModule, Map<number, { table: string; called: boolean }[]>>();

/**
 * The module-level tables a registration decorator of this module stores the decorated function into, for a
 * function `fn` used as a decorator in another module: a decorator factory (`def register(name): def deco(f):
 * T[name] = f; return f; return deco`, applied as `@register("x")`: `called`) or a module-level decorator storing
 * its parameter (`def deco(f): T[f.__name__] = f`, applied as `@deco`). One pass over the module's assignments,
 * cached per module.
 */
export function registrationTables(mod: PythonModule, fn: FunctionFact): readonly { table: string; called: boolean }[] {
  let byFn = REGISTRATIONS.get(mod);
  if (byFn === undefined) {
    byFn = new Map();
    REGISTRATIONS.set(mod, byFn);
    // Names bound per scope: a store into a name the storing scope binds itself is into a local, not the table.
    const bound = new Set<string>();
    for (const a of mod.assignments)
      for (const t of a.targets) if (t.kind === 'name') bound.add(`${a.scopeId}:${t.name}`);
    for (const a of mod.assignments) {
      if (a.kind !== 'assign' || a.value === null || a.scopeId === 0) continue;
      const v = a.value.access;
      const param = v?.root.kind === 'name' && v.steps.length === 0 ? v.root.name : undefined;
      if (param === undefined) continue;
      const deco = mod.functions[a.scopeId];
      if (deco?.kind !== 'function' || !deco.parameters.some((p) => p.name === param)) continue;
      const factory = deco.parentId !== null && deco.parentId !== 0 ? mod.functions[deco.parentId] : undefined;
      const byFactory =
        factory?.kind === 'function' &&
        factory.parentId === 0 &&
        factory.returns.some((r) => r.access?.root.kind === 'name' && r.text === deco.name);
      const owner = deco.parentId === 0 ? deco : byFactory ? factory : undefined;
      if (owner === undefined) continue;
      for (const t of a.targets) {
        if (t.kind !== 'subscript' || !/^\w+$/.test(t.objectText)) continue;
        const name = t.objectText;
        if (!bound.has(`0:${name}`) || bound.has(`${deco.id}:${name}`) || bound.has(`${owner.id}:${name}`)) continue;
        const list = byFn.get(owner.id) ?? [];
        if (!list.some((o) => o.table === name)) list.push({ table: name, called: owner !== deco });
        byFn.set(owner.id, list);
      }
    }
  }
  return byFn.get(fn.id) ?? NO_REGISTRATIONS;
}

const NO_REGISTRATIONS: readonly { table: string; called: boolean }[] = [];

/** A callable stored in a module-level table, under a literal key when it has one. */
export interface TableEntry {
  key?: string;
  value: ExpressionFact;
}

export interface DeferredEdge {
  fn: FunctionFact;
  fnArg: ExpressionFact;
  edge: CallEdge;
}

function directEdge(call: CallSite, skip: number): CallEdge {
  return {
    call,
    positional: call.positional,
    keywords: new Map(call.keywords.map((k) => [k.name, k.value])),
    skip,
    opaque: call.hasStarArgs || call.hasStarStarKwargs,
  };
}

/** Whether reading `e` reads what an assignment stored through target `t` (`cache[k]` for `cache[key] = v`). */
function holds(t: AssignmentTarget, e: ExpressionFact): boolean {
  if (t.kind === 'name') return e.text === t.name;
  if (t.kind !== 'subscript') return e.text === t.text;
  const a = e.access;
  return a !== undefined && a.steps[a.steps.length - 1]?.kind === 'index' && e.text.startsWith(`${t.objectText}[`);
}

/** The last attribute name of a callee (`recv` for `self.sock.recv`), if the callee is an attribute. */
export function methodName(call: CallSite): string | undefined {
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  return last?.kind === 'attr' ? last.name : undefined;
}

/** The callee's name as written at its end (`loads` for `codec.loads`, `decode` for `decode`). */
export function calleeLastName(call: CallSite): string {
  const m = methodName(call);
  if (m !== undefined) return m;
  const a = call.callee.access;
  if (a?.root.kind === 'name' && a.steps.length === 0) return a.root.name;
  const q = call.callee.qualifiedName;
  return q !== null ? (q.split('.').pop() ?? q) : call.callee.raw;
}

/** An assignment to `<self>.<attr>` in a method (see ModuleIndex.selfAttributeStores). */
export interface SelfStore {
  method: FunctionFact;
  self: string;
  as: AssignmentFact;
}
const NO_STORES: readonly SelfStore[] = [];
/** Attributes below `self` a receiver is typed through (`self.clients.runtime.invoke_endpoint(...)`: two). */
const MAX_SELF_PATH = 3;
