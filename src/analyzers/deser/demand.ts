// Which other modules a DESER project needs (deser-phase.ts grows the project in rounds): the names of functions
// that may reach a sink (their callers are wanted: a caller may pass network data in), and the modules whose
// functions produce what a sink reads or whose classes are bases here (their code decides the value).
import type { CallSite, ExpressionFact, FunctionFact, ImportFact, PythonModule } from '../python/module-model.js';
import { INHERITED_SINK_METHODS, SINK_BY_NAME, UNPICKLER_CLASSES } from './apis.js';
import { moduleNamesSinkValues } from './dynamic-sinks.js';
import { MCP_TRIGGERS } from './mcp.js';
import { moduleTables, registrationTables, TASK_METHODS, type TableEntry } from './module-index.js';
import { isTestPath } from '../python/test-code.js';
import { pushTo } from '../../core/multimap.js';

/** Modules read only as callers of the named files (a file named alone), and anchors toward the named files. */
export interface PathOnly {
  callerOnly(stable: string): boolean;
  toward(a: NameAnchor): boolean;
}

/** Where a wanted name is defined: the dotted names of its module and, for methods, the class. */
export interface NameAnchor {
  keys: readonly string[];
  cls?: string;
  /** The name is a class with a method that may reach a sink (its instances are receivers of it). */
  klass?: boolean;
  /** For a method `cls` inherits: the base class it inherits it from (by name). */
  base?: string;
  /** A library deserializer re-exported under this name (`from pickle import loads`): no code of the module runs. */
  reexport?: boolean;
  /**
   * The name is a factory returning instances of this class (or of another factory's): a call of it constructs one
   * (`engine = make_engine()`, `get_engine()` returning a module-level singleton).
   */
  returns?: string;
  /**
   * The name is an object bound at a module's top level holding an instance of this class (`engine = Engine()`): an
   * importer re-exporting it (`from .svc import service` in a package's `__init__`) holds one too.
   */
  holds?: string;
}

/** A module of the project as the demand sees it: its dotted names and the package its relative imports start from. */
export interface DemandUnit {
  stable: string;
  mod: PythonModule;
  keys: string[];
  pkg: string;
}

/** Transport calls that unpickle without a visible deserializer. */
const TRANSPORT_METHODS: ReadonlySet<string> = new Set(['recv_pyobj', 'recv_serialized', 'recv']);

/**
 * Adds to `names` the functions of these modules that may reach a sink — directly, through a function of the same
 * module, or through a call that may resolve to a name already in `names` — and returns only the names added now.
 * Run it again over every module when names were added (a module read earlier may call one of them).
 *
 * A call resolves to a wanted name the way Python would bind it: a qualified callee (`codec.decode`,
 * `pkg.codec.Codec.decode`, a re-export `pkg.decode`) when its module part is one of the name's modules; a method
 * called on a receiver this module cannot name (`self.codec.decode(...)`, `c.decode(...)`) when the module imports
 * the defining module or is it. A bare-name match alone (`json.loads` for a project's own `loads`, `x.get(...)`
 * for some class's `get`) is not a call of it, and would spread the demand through unrelated modules.
 */
export function reachingNames(
  units: readonly DemandUnit[],
  names: Map<string, NameAnchor[]>,
  path?: PathOnly,
): Map<string, NameAnchor[]> {
  const added = new Map<string, NameAnchor[]>();
  const known = new Set(names.keys());
  let seen = EVALUATED.get(names);
  if (seen === undefined) EVALUATED.set(names, (seen = new WeakMap()));
  let handed = HANDED.get(names);
  if (handed === undefined) HANDED.set(names, (handed = new Map()));
  // Methods that may reach a sink, by the name of their class: a subclass inherits them, and an object holding an
  // instance of the class (an attribute, a module-level name) is a receiver of them.
  const byClass = new Map<string, { name: string; anchor: NameAnchor }[]>();
  for (const [n, list] of names)
    for (const a of list) if (a.cls !== undefined) pushTo(byClass, a.cls, { name: n, anchor: a });
  // A factory's calls construct what it returns: its name stands for the class (through factories of factories).
  const factories: [string, string][] = [];
  for (const [n, list] of names) for (const a of list) if (a.returns !== undefined) factories.push([n, a.returns]);
  for (let step = 0; step < 4 && factories.length > 0; step++)
    for (const [n, cls] of factories) {
      const have = byClass.get(n) ?? [];
      const add = (byClass.get(cls) ?? []).filter((m) => !have.some((h) => h.name === m.name));
      if (add.length > 0) byClass.set(n, [...have, ...add]);
    }
  for (let again = true, guard = 0; again && guard < MAX_HANDED_PASSES; guard++) {
    again = false;
    const handedBefore = handedSize(handed);
    for (const u of units) {
      const mod = u.mod;
      const anchor: NameAnchor = { keys: u.keys };
      // Modules whose classes' instances a read module hands into this one (`Runner(Engine())`): a method called on a
      // receiver this module cannot name may be theirs.
      const received = receivedRefs(handed, u.keys);
      const refs = received === undefined ? cachedRefs(mod, u.pkg) : new Set([...cachedRefs(mod, u.pkg), ...received]);
      // A module read only as a caller on the way to a named one: what reaches its own sinks, or sinks elsewhere
      // off that way, cannot put a named file on a path, so its functions count only when they reach a name toward
      // the named files.
      const callerOnly = path?.callerOnly(u.stable) === true;
      // A module evaluated before with the same inputs adds nothing now (every name it would note is noted).
      const inputs = `${demandInputs(mod, names, known, callerOnly, path, byClass)}#${received?.size ?? 0}`;
      if (seen.get(mod) === inputs) continue;
      seen.set(mod, inputs);
      const wanted = (c: CallSite, n: string): readonly NameAnchor[] | undefined => {
        const list = known.has(n) ? names.get(n) : undefined;
        if (list === undefined) return undefined;
        // An object holding an instance is not a function: calling it is not a call of a wanted name.
        const callable = callableAnchors(list);
        let anchors = callable.anchors;
        if (callerOnly) anchors = anchors.filter((a) => path!.toward(a));
        return anchors.length > 0 && callMayResolve(c, n, anchors, u, refs, callerOnly ? undefined : callable.keys)
          ? anchors
          : undefined;
      };
      const mayCall = (c: CallSite): boolean => {
        if (wanted(c, lastName(c)) !== undefined) return true;
        const d = definedName(c);
        return d !== undefined && wanted(c, d) !== undefined;
      };
      const isSinkCall = (c: CallSite, unpicklers: ReadonlySet<number>): boolean =>
        !callerOnly && isSink(c, unpicklers);
      const returnsModule = (f: FunctionFact, m: PythonModule): boolean => !callerOnly && returnsLoaderModule(f, m);
      // Functions that may hand what their callers pass them (a parameter, or `self` for state a constructor or
      // another method stored) to a sink, directly or through a function of this or another module that does: only
      // their callers can put data on a path through them, so only their names are wanted (a function that reaches a
      // sink with data of its own, or that calls one with no data of its callers, needs no caller read).
      const reaching = new Set<number>();
      const { byScope, unpicklers, flowOf } = moduleFacts(mod);
      /** Reaching methods whose data may be `self`'s state: constructions of their class are callers too. */
      const viaSelf = new Set<number>();
      // In test code, what the test runner calls has no callers in code to hand it data (see runnerEntries).
      const entries = isTestPath(u.stable) ? runnerEntries(mod) : NO_ENTRIES;
      const reachedBy = (fn: number, c: CallSite): boolean => {
        if (entries.has(fn)) return false;
        const pf = flowOf(fn);
        const sink = isSinkCall(c, unpicklers);
        const bySelf = pf.self.reaches(c, sink);
        if (bySelf) viaSelf.add(fn);
        return pf.params.reaches(c, sink) || bySelf;
      };
      for (const [fn, calls] of byScope)
        for (const c of calls) if ((isSinkCall(c, unpicklers) || mayCall(c)) && reachedBy(fn, c)) reaching.add(fn);
      // Functions returning a deserializer module (`return pickle`, `return importlib.import_module(name)`): their
      // callers bind it at run time (`ser = get_serializer(); ser.loads(frame)`).
      for (const f of mod.functions)
        if (f.kind === 'function' && !entries.has(f.id) && returnsModule(f, mod)) reaching.add(f.id);
      // Within the module: functions handing their data to reaching functions (directly, `self.m(...)`/`cls.m(...)`
      // or a bare name; a method of some other receiver is resolved across modules by its own name), and the
      // functions around a reaching closure, to a fixpoint.
      // Module-level tables of callables holding a reaching function (`HANDLERS = {"state": decode}`): a call
      // through the table (`HANDLERS[kind](data)`) may be a call of it.
      const tables = moduleTables(mod);
      const reachingTables = new Set<string>();
      const holdsReaching = (e: TableEntry): boolean =>
        e.value.values.some((v) =>
          v.kind === 'definition'
            ? reaching.has(v.functionId)
            : v.kind === 'qualified' && v.partial === undefined && importedWanted(v.name, u.pkg, names, known),
        );
      for (let changed = true, guard = 0; changed && guard < 8; guard++) {
        changed = false;
        const reachingNamesHere = new Set([...reaching].map((id) => mod.functions[id]!.name));
        for (const [t, list] of tables) if (list.some(holdsReaching)) reachingTables.add(t);
        for (const [fn, calls] of byScope) {
          for (const c of calls) {
            const a = c.callee.access;
            const local =
              (c.callee.definitionId !== undefined && reaching.has(c.callee.definitionId)) ||
              (a !== undefined &&
                a.root.kind === 'name' &&
                (a.steps.length === 0 || (a.steps.length === 1 && (a.root.name === 'self' || a.root.name === 'cls'))) &&
                reachingNamesHere.has(lastName(c))) ||
              (a?.root.kind === 'name' &&
                a.root.resolution === 'assignment' &&
                a.steps.length === 1 &&
                a.steps[0]!.kind === 'index' &&
                reachingTables.has(a.root.name));
            if (!local) continue;
            const before = viaSelf.has(fn);
            if (!reachedBy(fn, c)) continue;
            if (!reaching.has(fn) || viaSelf.has(fn) !== before) {
              reaching.add(fn);
              changed = true;
            }
          }
        }
        for (const id of [...reaching]) {
          const f = mod.functions[id]!;
          const parent = f.parentId !== null ? mod.functions[f.parentId] : undefined;
          if (
            parent !== undefined &&
            (parent.kind === 'function' || parent.kind === 'lambda') &&
            !reaching.has(parent.id) &&
            !entries.has(parent.id)
          ) {
            reaching.add(parent.id);
            changed = true;
          }
        }
      }
      const note = (name: string, a: NameAnchor): void => {
        if (name.startsWith('<') || a.keys.length === 0) return;
        const list = names.get(name) ?? [];
        if (!pushAnchor(list, a)) return;
        names.set(name, list);
        added.set(name, list);
      };
      // Module constants a sink reads (`open(STATE_FILE)` with `from paths import STATE_FILE`): whoever else uses
      // the name may write remote data to that path, so their files are wanted like callers.
      // Queues imported from another module (`from jobq import q`) that a function with a sink takes items from
      // (`q.get()`): whoever else imports the queue may put network data into it.
      const sinkScopes = new Set<number>();
      for (const c of mod.calls) if (isSinkCall(c, unpicklers)) sinkScopes.add(c.scopeId);
      if (sinkScopes.size > 0)
        for (const c of callsByName(mod).get('get') ?? []) {
          const a = c.callee.access!;
          if (!sinkScopes.has(c.scopeId) || a.root.kind !== 'name' || a.steps.length !== 1) continue;
          const n = a.root.name;
          const i = mod.imports.find((x) => x.scopeId === 0 && x.kind === 'from' && x.boundName === n);
          if (i !== undefined) note(n, { keys: [absoluteName(i.module, i.relativeLevel, u.pkg)] });
        }
      for (const c of mod.calls) {
        if (!isSinkCall(c, unpicklers) && !OPENERS.has(lastName(c))) continue;
        for (const a of callArgs(c))
          for (const n of a.names) {
            const i = importedConstant(mod, n);
            if (i !== undefined) note(n, { keys: [absoluteName(i.module, i.relativeLevel, u.pkg)] });
          }
      }
      for (const id of reaching) {
        const f = mod.functions[id]!;
        if (f.kind !== 'function') continue;
        const cls = classOf(f, mod);
        if (cls !== undefined) {
          note(f.name === '__init__' || f.name === '__call__' ? cls.name : f.name, { ...anchor, cls: cls.name });
          // The class itself is wanted: its constructions and subclasses (elsewhere) are where its instances come
          // from, whether the method's data is the instance's state or what the method is passed.
          note(cls.name, { ...anchor, klass: true });
        } else if (f.parameters.length > 0 || f.returns.length > 0) note(f.name, anchor);
      }
      for (const t of reachingTables) if (tables.get(t)!.some(holdsReaching)) note(t, anchor);
      // A reaching function decorated with a decorator of another module (`from registry import register`,
      // `@register("state")`): if that decorator registers it in a table, the table's callers call it. Noted as
      // `@register` at the decorator's module: no identifier of a caller's text matches it, so no caller of the
      // decorator is read for it; the decorator's module is (demandedModules), and it notes the table.
      for (const id of reaching) {
        const f = mod.functions[id]!;
        if (f.kind !== 'function' || f.parentId !== 0) continue;
        for (const d of f.decorators) {
          const at = importedDecorator(mod, d.text, u.pkg);
          if (at !== undefined) note(`@${at.name}`, { keys: [at.module] });
        }
      }
      // A registration decorator of this module wanted by a reaching function elsewhere: the table it fills is
      // called through by whoever dispatches on it (`HANDLERS[kind](data)`).
      for (const f of mod.functions) {
        if (f.kind !== 'function' || f.parentId !== 0 || !known.has(`@${f.name}`)) continue;
        if (!names.get(`@${f.name}`)!.some((a) => a.keys.some((k) => u.keys.includes(k)))) continue;
        for (const t of registrationTables(mod, f)) note(t.table, anchor);
      }
      // Module-level imports that re-export a sink or a reaching name (`from pickle import loads` in codec/impl.py,
      // `from .impl import loads` in codec/__init__.py): importers of this module may call it under any alias.
      for (const i of mod.imports) {
        if (i.scopeId !== 0 || i.kind !== 'from' || i.boundName === null || i.name === undefined) continue;
        if (SINK_BY_NAME.has(i.qualifiedName)) {
          if (!callerOnly) note(i.boundName, { ...anchor, reexport: true });
        } else if (known.has(i.name)) {
          const from = absoluteName(i.module, i.relativeLevel, u.pkg);
          const reexported = (a: NameAnchor): void => {
            if (callerOnly && !path!.toward(a)) return;
            // A factory or an object holding an instance re-exported: importers of this module call or hold it.
            if (a.returns !== undefined) note(i.boundName!, { ...anchor, returns: a.returns });
            else if (a.holds !== undefined) {
              note(i.boundName!, { ...anchor, holds: a.holds });
              for (const m of classMethods(byClass, { cls: a.holds })) note(m.name, { ...anchor, cls: m.cls });
            } else note(i.boundName!, anchor);
          };
          // The anchors at `from` or a package above it, in list order; then those noted meanwhile (the list grows).
          const list = names.get(i.name)!;
          const before = list.length;
          for (const at of anchorsUnder(list, from, true)) reexported(list[at]!);
          for (let at = before; at < list.length; at++)
            if (list[at]!.keys.some((k) => from === k || from.startsWith(`${k}.`))) reexported(list[at]!);
        }
      }
      // Module-level aliases of sinks (`loads = pickle.loads`), and tables holding one (`LOADERS = {"pickle":
      // pickle.loads}`: a call through the table, `LOADERS[fmt](body)`, is named by it).
      const namesSink = (e: ExpressionFact): boolean =>
        e.values.some((v) => v.kind === 'qualified' && SINK_BY_NAME.has(v.name));
      for (const a of mod.assignments) {
        if (callerOnly || a.scopeId !== 0 || a.value === null) continue;
        if (!namesSink(a.value) && !(a.value.dictEntries ?? []).some((e) => namesSink(e.value))) continue;
        for (const t of a.targets) if (t.kind === 'name') note(t.name, anchor);
      }
      if (byClass.size > 0) receiversByValue(u, mod, byClass, wanted, note, handed);
    }
    // A module handed instances of a wanted class in this pass is evaluated again with them.
    if (handedSize(handed) !== handedBefore) again = true;
  }
  return added;
}

/**
 * Per anchor list of the wanted names: the identities of its anchors (first module key, class, factory and holder
 * class; two anchors equal in these are one), so that noting an anchor is a set look-up, not a scan of the list.
 * A module noting every method of every class of one name (`Codec` in each of 338 packages) scanned lists of
 * hundreds of anchors per method: most of a 1 M-line project's demand.
 */
const NOTED = new WeakMap<NameAnchor[], { ids: Set<string>; seen: number }>();

/** Appends `a` to `list` unless an anchor of the same identity is in it; whether it was appended. */
function pushAnchor(list: NameAnchor[], a: NameAnchor): boolean {
  let e = NOTED.get(list);
  if (e === undefined) {
    // A short list is scanned (most lists hold a few anchors: no index kept for them).
    if (list.length < INDEXED_ANCHORS) {
      if (
        list.some((x) => x.keys[0] === a.keys[0] && x.cls === a.cls && x.returns === a.returns && x.holds === a.holds)
      )
        return false;
      list.push(a);
      return true;
    }
    NOTED.set(list, (e = { ids: new Set(), seen: 0 }));
  }
  for (; e.seen < list.length; e.seen++) e.ids.add(anchorId(list[e.seen]!));
  const id = anchorId(a);
  if (e.ids.has(id)) return false;
  e.ids.add(id);
  list.push(a);
  e.seen = list.length;
  return true;
}

/** Anchor lists at least this long are indexed. */
const INDEXED_ANCHORS = 16;

function anchorId(a: NameAnchor): string {
  return `${a.keys[0]}\0${a.cls ?? '\u0001'}\0${a.returns ?? '\u0001'}\0${a.holds ?? '\u0001'}`;
}

/** Per module: its calls by last name. */
const CALLS_BY_NAME = new WeakMap<PythonModule, Map<string, CallSite[]>>();

function callsByName(mod: PythonModule): Map<string, CallSite[]> {
  let m = CALLS_BY_NAME.get(mod);
  if (m === undefined) {
    m = new Map();
    for (const c of mod.calls) pushTo(m, lastName(c), c);
    CALLS_BY_NAME.set(mod, m);
  }
  return m;
}

/** Per methods-by-class map (one `reachingNames` call): per class name, its wanted methods' distinct names and classes. */
const CLASS_METHODS = new WeakMap<
  ReadonlyMap<string, readonly { name: string; anchor: NameAnchor }[]>,
  Map<string, ClassMethods>
>();

/** One class name's wanted methods: where each is defined, and the lists already asked for. */
interface ClassMethods {
  /** Per module key, the indexes of the methods (in `byClass` order) defined at it. */
  byKey: Map<string, number[]>;
  /** Per set of module keys (or every method), its distinct methods. */
  lists: Map<string, { name: string; cls: string }[]>;
}

/** A class an expression makes: its name and, when known, the module keys of the definitions it may be. */
interface Made {
  cls: string;
  at?: ReadonlySet<string> | undefined;
}

/**
 * The wanted methods of class `cls` (by name) as a receiver of it is noted, each method name and defining class once:
 * those defined at the modules `at` when known, else those of every class of that name. The methods of every class
 * of the name are listed per module (`Codec` defined in each of 338 packages gives each method 338 times), and
 * noting each of them at every module holding an instance was cubic.
 */
function classMethods(
  byClass: ReadonlyMap<string, readonly { name: string; anchor: NameAnchor }[]>,
  { cls, at }: Made,
): readonly { name: string; cls: string }[] {
  let perClass = CLASS_METHODS.get(byClass);
  if (perClass === undefined) CLASS_METHODS.set(byClass, (perClass = new Map()));
  const methods = byClass.get(cls) ?? [];
  let c = perClass.get(cls);
  if (c === undefined) {
    c = { byKey: new Map(), lists: new Map() };
    methods.forEach((m, i) => {
      for (const k of new Set(m.anchor.keys)) pushTo(c!.byKey, k, i);
    });
    perClass.set(cls, c);
  }
  const keys = at === undefined ? undefined : [...at].sort();
  const id = keys === undefined ? '' : keys.join('\0');
  let out = c.lists.get(id);
  if (out === undefined) {
    let picked: number[];
    if (keys === undefined) picked = methods.map((_, i) => i);
    else {
      const set = new Set<number>();
      for (const k of keys) for (const i of c.byKey.get(k) ?? []) set.add(i);
      picked = [...set].sort((x, y) => x - y);
    }
    const seen = new Set<string>();
    out = [];
    for (const i of picked) {
      const m = methods[i]!;
      const mc = m.anchor.cls ?? cls;
      const mid = `${m.name}\0${mc}`;
      if (seen.has(mid)) continue;
      seen.add(mid);
      out.push({ name: m.name, cls: mc });
    }
    c.lists.set(id, out);
  }
  return out;
}

/** Passes over the modules in one `reachingNames` call while modules are handed new classes' instances. */
const MAX_HANDED_PASSES = 8;

/** Per wanted-names map: per module key, the module keys of wanted classes whose instances read modules hand in. */
const HANDED = new WeakMap<Map<string, NameAnchor[]>, Map<string, Set<string>>>();

/** Module keys handed into one module from all modules: at most this many (a hostile fan-in stays bounded). */
const MAX_HANDED_KEYS = 64;

function handedSize(handed: ReadonlyMap<string, ReadonlySet<string>>): number {
  let n = 0;
  for (const s of handed.values()) n += s.size;
  return n;
}

function receivedRefs(
  handed: ReadonlyMap<string, ReadonlySet<string>>,
  keys: readonly string[],
): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const k of keys) for (const r of handed.get(k) ?? []) (out ??= new Set()).add(r);
  return out;
}

/**
 * Receivers reached through values, for the demand: a class of this module inheriting a wanted method from a base of
 * another module (`class Store(BaseStore)`: `Store.get` is wanted here, and `Store` is); an instance of a class with a
 * wanted method stored into an attribute (`self.engine = Engine()` in `Ctx`, `ctx.engine = Engine()` on an object
 * another module binds) or a module-level name (`engine = Engine()`): the method is wanted where the holder lives, so
 * the modules calling `ctx.engine.load(...)` are callers; and an instance handed to a call into another module
 * (`Runner(Engine())`, or a name bound to one): that module may call the method on a receiver it cannot name.
 */
function receiversByValue(
  u: DemandUnit,
  mod: PythonModule,
  byClass: ReadonlyMap<string, readonly { name: string; anchor: NameAnchor }[]>,
  wanted: (c: CallSite, n: string) => readonly NameAnchor[] | undefined,
  note: (name: string, a: NameAnchor) => void,
  handed: Map<string, Set<string>>,
): void {
  const anchor: NameAnchor = { keys: u.keys };
  let defined: Set<string> | undefined;
  for (const f of mod.functions) {
    if (f.kind !== 'class' || f.bases.length === 0) continue;
    for (const b of f.bases)
      for (const v of b.values) {
        if (v.kind !== 'qualified') continue;
        const q = absoluteName(v.name, 0, u.pkg);
        const dot = q.lastIndexOf('.');
        const base = q.slice(dot + 1);
        for (const m of byClass.get(base) ?? []) {
          if (dot >= 0 && !m.anchor.keys.some((k) => q.slice(0, dot) === k || q.startsWith(`${k}.`))) continue;
          defined ??= new Set(mod.functions.map((x) => `${x.parentId}:${x.name}`));
          if (defined.has(`${f.id}:${m.name}`)) continue; // overridden here
          note(m.name, { keys: u.keys, cls: f.name, base });
          note(f.name, { ...anchor, klass: true });
        }
      }
  }
  /**
   * The class a call constructs when it has wanted methods (`Engine()`, `engine.Engine()`), with the modules defining
   * it when the call names them: the class of that name there (`pkg6.codec.Codec`), not every class of that name in
   * the project (each package's `Codec`).
   */
  const constructs = (c: CallSite): Made | undefined => {
    const n = lastName(c);
    if (!byClass.has(n)) return undefined;
    const anchors = wanted(c, n);
    return anchors === undefined ? undefined : { cls: n, at: definedAt(c, n, anchors, u.pkg) };
  };
  // Only a module calling a class with wanted methods by name has an instance of one to store or hand on.
  const byName = callsByName(mod);
  const made: CallSite[] = [];
  if (byName.size < byClass.size) {
    for (const [n, calls] of byName) if (byClass.has(n)) made.push(...calls);
  } else for (const n of byClass.keys()) made.push(...(byName.get(n) ?? []));
  const madeBy = new Map<string, Made>();
  let any = false;
  for (const c of made) {
    const cls = constructs(c);
    if (cls === undefined) continue;
    any = true;
    for (const n of c.assignedTo) madeBy.set(`${c.scopeId}:${n}`, cls);
  }
  const methodsAt = (made: Made, keys: readonly string[]): void => {
    for (const m of classMethods(byClass, made)) note(m.name, { keys, cls: m.cls });
  };
  /** A wanted class (or factory) a name in a field's declaration stands for: bound here by an import or defined here. */
  const fieldClass = (n: string): Made | undefined => {
    const dot = n.lastIndexOf('.');
    const last = n.slice(dot + 1);
    const list = byClass.get(last);
    if (list === undefined) return undefined;
    let q: string | undefined;
    if (dot >= 0) q = absoluteName(n, 0, u.pkg);
    else {
      const i = mod.imports.find((x) => x.scopeId === 0 && x.boundName === n && x.kind === 'from');
      if (i !== undefined) q = `${absoluteName(i.module, i.relativeLevel, u.pkg)}.${i.name ?? n}`;
      else if (mod.functions.some((f) => f.kind === 'class' && f.parentId === 0 && f.name === n))
        q = `${u.keys[0]}.${n}`;
    }
    if (q === undefined) return undefined;
    const at = q.slice(0, q.lastIndexOf('.'));
    const keys = new Set<string>();
    for (const m of list)
      if (m.anchor.keys.some((k) => at === k || at.startsWith(`${k}.`))) for (const k of m.anchor.keys) keys.add(k);
    return keys.size > 0 ? { cls: last, at: keys } : undefined;
  };
  // Fields declared in a class body with a wanted class as their type or default (`engine: Engine`,
  // `engine: Any = field(default_factory=Engine)`): instances of the holder carry one.
  for (const a of mod.assignments) {
    if (a.kind !== 'annotated' || a.scopeId === 0) continue;
    const holder = mod.functions[a.scopeId];
    if (holder?.kind !== 'class') continue;
    const named: string[] = [];
    for (const id of a.annotation?.match(/[A-Za-z_][\w.]*/g) ?? []) named.push(id);
    const call = a.value?.access?.root.kind === 'call' ? mod.calls[a.value.access.root.callId] : undefined;
    for (const k of call?.keywords ?? [])
      if (k.name === 'default_factory' || k.name === 'factory')
        for (const v of k.value.values) if (v.kind === 'qualified') named.push(v.name);
    for (const n of named) {
      const cls = fieldClass(n);
      if (cls === undefined) continue;
      methodsAt(cls, u.keys);
      note(holder.name, { ...anchor, klass: true });
    }
  }
  if (!any) return;
  const classOfExpr = (e: ExpressionFact, scopeId: number): Made | undefined => {
    const a = e.access;
    if (a?.root.kind === 'call' && a.steps.length === 0) {
      const c = mod.calls[a.root.callId];
      return c !== undefined ? constructs(c) : undefined;
    }
    if (a?.root.kind === 'name' && a.steps.length === 0)
      return madeBy.get(`${scopeId}:${a.root.name}`) ?? madeBy.get(`0:${a.root.name}`);
    return undefined;
  };
  // Factories: functions returning an instance (`return Engine()`, a name bound to one here or at the top level, as
  // a singleton is): their callers hold one.
  for (const f of mod.functions) {
    if (f.kind !== 'function' || f.returns.length === 0) continue;
    for (const r of f.returns) {
      const made = classOfExpr(r, f.id);
      if (made !== undefined && made.cls !== f.name) note(f.name, { ...anchor, returns: made.cls });
    }
  }
  for (const a of mod.assignments) {
    if (a.value === null || (a.kind !== 'assign' && a.kind !== 'annotated')) continue;
    const cls = classOfExpr(a.value, a.scopeId);
    if (cls === undefined) continue;
    for (const t of a.targets) {
      if (t.kind === 'name' && a.scopeId === 0) {
        methodsAt(cls, u.keys);
        note(t.name, { ...anchor, holds: cls.cls });
      } else if (t.kind === 'name' && mod.functions[a.scopeId]?.kind === 'class') {
        // A class attribute (`class Ctx: engine = Engine()`): `Ctx.engine.m(...)` reaches the instance.
        methodsAt(cls, u.keys);
        note(mod.functions[a.scopeId]!.name, { ...anchor, klass: true });
      }
      if (t.kind !== 'attribute') continue;
      const root = /^([A-Za-z_]\w*)\.[A-Za-z_]\w*$/.exec(t.text)?.[1];
      if (root === undefined) continue;
      const fn = mod.functions[a.scopeId];
      const holder = fn !== undefined ? classOf(fn, mod) : undefined;
      if (holder !== undefined && fn!.parameters[0]?.name === root) {
        methodsAt(cls, u.keys);
        note(holder.name, { ...anchor, klass: true });
        continue;
      }
      methodsAt(cls, u.keys);
      // An object imported from another module (`from context import ctx`): the method is wanted there too.
      for (const i of mod.imports)
        if (i.boundName === root && i.kind === 'from' && (i.scopeId === 0 || i.scopeId === a.scopeId))
          methodsAt(cls, [absoluteName(i.module, i.relativeLevel, u.pkg)]);
    }
  }
  const keysOf = new Map<string, Set<string>>();
  const classKeys = (made: Made): ReadonlySet<string> => {
    if (made.at !== undefined) return made.at;
    let keys = keysOf.get(made.cls);
    if (keys === undefined)
      keysOf.set(made.cls, (keys = new Set((byClass.get(made.cls) ?? []).flatMap((m) => m.anchor.keys))));
    return keys;
  };
  for (const c of mod.calls) {
    const callee = c.callee.values.find((v) => v.kind === 'qualified');
    if (callee?.kind !== 'qualified') continue;
    const q = absoluteName(callee.name, 0, u.pkg);
    const dot = q.lastIndexOf('.');
    if (dot <= 0) continue;
    for (const arg of callArgs(c)) {
      const cls = classOfExpr(arg, c.scopeId);
      if (cls === undefined) continue;
      // Every prefix of the callee may be the module (`pkg.runner.Runner`, `pkg.runner.make`).
      for (let at = dot; at > 0; at = q.lastIndexOf('.', at - 1)) {
        const target = q.slice(0, at);
        let set = handed.get(target);
        if (set === undefined) handed.set(target, (set = new Set()));
        for (const k of classKeys(cls)) if (set.size < MAX_HANDED_KEYS) set.add(k);
      }
    }
  }
}

/**
 * The module keys of the class definitions a construction `c` of class `n` names (`pkg6.codec.Codec()`, or `Codec()`
 * bound by `from pkg6.codec import Codec`): the keys of the class anchors its qualified callee lies below. Unknown
 * (every class of the name) when the callee is not qualified, or when it names an anchor that is not the class's
 * definition (a re-export, a factory).
 */
function definedAt(
  c: CallSite,
  n: string,
  anchors: readonly NameAnchor[],
  pkg: string,
): ReadonlySet<string> | undefined {
  const at = new Set<string>();
  for (const v of c.callee.values) {
    if (v.kind !== 'qualified' || v.name.includes('(')) continue;
    const q = absoluteName(v.name, 0, pkg);
    if (!q.endsWith(`.${n}`)) continue;
    for (const i of anchorsUnder(anchors, q, false, GROWING.has(anchors))) {
      const a = anchors[i]!;
      if (a.klass !== true) return undefined;
      for (const k of a.keys) at.add(k);
    }
  }
  return at.size > 0 ? at : undefined;
}

/** Anchor lists that only grow, other than the wanted names' own (the callable parts CALLABLE keeps). */
const GROWING = new WeakSet<readonly NameAnchor[]>();

/** Per long anchor list that only grows: per module key, the indexes of its anchors with that key (ascending). */
const BY_KEY = new WeakMap<readonly NameAnchor[], { seen: number; at: Map<string, number[]> }>();

/**
 * The indexes (ascending) of the anchors of `list` with a module key that `q` lies below (`q` starts with the key
 * and a dot) or, with `self`, that is `q`. A long list that only grows (`growing`: a wanted name's own list, or one
 * CALLABLE keeps) is looked up by the prefixes of `q` in an index kept for it, not scanned: a class each of hundreds
 * of packages defines (`Codec`) was scanned whole at every construction and re-export of one of them.
 */
function anchorsUnder(list: readonly NameAnchor[], q: string, self: boolean, growing = true): number[] {
  const out: number[] = [];
  if (!growing || list.length < INDEXED_ANCHORS) {
    for (let i = 0; i < list.length; i++)
      if (list[i]!.keys.some((k) => (self && q === k) || q.startsWith(`${k}.`))) out.push(i);
    return out;
  }
  let e = BY_KEY.get(list);
  if (e === undefined) BY_KEY.set(list, (e = { seen: 0, at: new Map() }));
  for (; e.seen < list.length; e.seen++) for (const k of new Set(list[e.seen]!.keys)) pushTo(e.at, k, e.seen);
  let lists = 0;
  const add = (key: string): void => {
    const found = e.at.get(key);
    if (found === undefined) return;
    lists++;
    for (const i of found) out.push(i);
  };
  for (let at = q.indexOf('.'); at >= 0; at = q.indexOf('.', at + 1)) add(q.slice(0, at));
  if (self) add(q);
  if (lists < 2) return out;
  return [...new Set(out)].sort((x, y) => x - y);
}

/** Per wanted-names map (one demand), per module: the inputs it was last evaluated with (`demandInputs`). */
const EVALUATED = new WeakMap<Map<string, NameAnchor[]>, WeakMap<PythonModule, string>>();

/** Per module: the names its evaluation in `reachingNames` reads from the wanted names (calls, re-exports). */
const ASKED_NAMES = new WeakMap<PythonModule, string[]>();

/**
 * What `reachingNames` reads of the demand's state for one module: whether it is read only as a caller, and for
 * each name it may call or re-export that was known when the pass began, how many anchors the name has and (for a
 * caller-only module) how many of them lie toward the named files. Anchor lists only grow and the modules toward
 * the named files only grow, so equal inputs mean an equal evaluation.
 */
function demandInputs(
  mod: PythonModule,
  names: ReadonlyMap<string, NameAnchor[]>,
  known: ReadonlySet<string>,
  callerOnly: boolean,
  path: PathOnly | undefined,
  byClass: ReadonlyMap<string, readonly unknown[]>,
): string {
  let asked = ASKED_NAMES.get(mod);
  if (asked === undefined) {
    const set = new Set<string>();
    for (const c of mod.calls) set.add(lastName(c));
    for (const i of mod.imports) if (i.scopeId === 0 && i.kind === 'from' && i.name !== undefined) set.add(i.name);
    // Registration decorators of this module: wanted when a reaching function of another module uses one.
    for (const f of mod.functions)
      if (f.kind === 'function' && f.parentId === 0 && registrationTables(mod, f).length > 0) set.add(`@${f.name}`);
    for (const f of mod.functions)
      if (f.kind === 'class')
        for (const b of f.bases)
          for (const v of b.values) if (v.kind === 'qualified') set.add(v.name.slice(v.name.lastIndexOf('.') + 1));
    ASKED_NAMES.set(mod, (asked = [...set]));
  }
  let out = callerOnly ? 'c' : 'a';
  for (const n of asked) {
    const inherited = byClass.get(n);
    if (inherited !== undefined) out += `|^${n}:${inherited.length}`;
    if (!known.has(n)) continue;
    const anchors = names.get(n)!;
    out += `|${n}:${anchors.length}`;
    if (callerOnly) out += `:${anchors.filter((a) => path!.toward(a)).length}`;
  }
  return out;
}

/**
 * Whether call `c` (last name `n`) of unit `u` may be a call of `n` defined at one of `anchors`: by its qualified
 * callee when it has one, else (a method on a receiver the module cannot name) when the module is, or imports, one
 * of the defining modules.
 */
function callMayResolve(
  c: CallSite,
  n: string,
  anchors: readonly NameAnchor[],
  u: DemandUnit,
  refs: ReadonlySet<string>,
  keys?: ReadonlySet<string>,
): boolean {
  // A method of a call's result (`super().get`, `Store().get`) is on a receiver the name does not say.
  const qualified = c.callee.values.filter(
    (v): v is Extract<typeof v, { kind: 'qualified' }> => v.kind === 'qualified' && !v.name.includes('('),
  );
  if (qualified.length > 0)
    return qualified.some((v) => {
      const q = absoluteName(v.name, 0, u.pkg);
      if (!q.endsWith(`.${n}`)) return false;
      if (keys === undefined) return anchors.some((a) => a.keys.some((k) => q.startsWith(`${k}.`)));
      // The anchors' keys that `q` starts with, followed by a dot: the parts of `q` before each of its dots.
      for (let at = q.indexOf('.'); at >= 0; at = q.indexOf('.', at + 1)) if (keys.has(q.slice(0, at))) return true;
      return false;
    });
  if (keys === undefined) return anchors.some((a) => a.keys.some((k) => refs.has(k) || u.keys.includes(k)));
  if (keys.size <= refs.size + u.keys.length) {
    for (const k of keys) if (refs.has(k) || u.keys.includes(k)) return true;
    return false;
  }
  for (const k of refs) if (keys.has(k)) return true;
  return u.keys.some((k) => keys.has(k));
}

/** Per long anchor list of the wanted names: its anchors that are not objects holding an instance, and their keys. */
const CALLABLE = new WeakMap<NameAnchor[], { seen: number; anchors: NameAnchor[]; keys: Set<string> }>();

/**
 * The anchors of `list` a call may be a call of (an object holding an instance is not a function) and, for a long
 * list, the set of their module keys: a name defined in hundreds of modules (a method of a class each package
 * defines) is matched against a call by its keys, not by a scan of its anchors for every call of the name. Lists
 * only grow: the part added since the last look-up is taken in.
 */
function callableAnchors(list: NameAnchor[]): { anchors: readonly NameAnchor[]; keys?: ReadonlySet<string> } {
  let e = CALLABLE.get(list);
  if (e === undefined) {
    if (list.length < INDEXED_ANCHORS)
      return { anchors: list.some((a) => a.holds !== undefined) ? list.filter((a) => a.holds === undefined) : list };
    CALLABLE.set(list, (e = { seen: 0, anchors: [], keys: new Set() }));
    GROWING.add(e.anchors);
  }
  for (; e.seen < list.length; e.seen++) {
    const a = list[e.seen]!;
    if (a.holds !== undefined) continue;
    e.anchors.push(a);
    for (const k of a.keys) e.keys.add(k);
  }
  return e;
}

/**
 * The dotted names a module imports or calls through (absolute; with every prefix: `pkg`, `pkg.codec`,
 * `pkg.codec.Codec` for `from pkg.codec import Codec`), in any scope.
 */
export function moduleRefs(mod: PythonModule, pkg: string): Set<string> {
  const out = new Set<string>();
  const add = (q: string): void => {
    // A name in the set has every prefix in it too (a module calls the same names many times).
    if (out.has(q)) return;
    const parts = q.split('.').filter((x) => x !== '');
    for (let n = 1; n <= parts.length; n++) out.add(parts.slice(0, n).join('.'));
  };
  for (const i of mod.imports) {
    const base = absoluteName(i.module, i.relativeLevel, pkg);
    add(i.kind === 'from' && i.name !== undefined ? `${base}.${i.name}` : base);
  }
  for (const c of mod.calls)
    for (const v of c.callee.values) if (v.kind === 'qualified') add(absoluteName(v.name, 0, pkg));
  return out;
}

/**
 * An absolute dotted name: `module` as written in an import (leading dots, or `relativeLevel`) or a qualified name
 * starting with dots, resolved against the package `pkg` relative imports start from.
 */
export function absoluteName(module: string, relativeLevel: number, pkg: string): string {
  let level = relativeLevel;
  let name = module;
  if (level === 0) while (name[level] === '.') level++;
  if (level === 0) return name;
  name = name.replace(/^\.+/, '');
  const base = pkg.split('.').filter((x) => x !== '');
  return [...base.slice(0, Math.max(0, base.length - (level - 1))), name].filter((x) => x !== '').join('.');
}

/**
 * Modules (by stable path) whose code decides what a sink of these modules reads: callees whose results are a
 * sink's argument (inline or through a name of the same scope), and base classes defined elsewhere.
 */
export function demandedModules(
  units: readonly { stable: string; mod: PythonModule }[],
  keys: ReadonlyMap<string, { keys: string[]; pkg: string }>,
  names: ReadonlyMap<string, unknown> = new Map(),
  allBases: (stable: string) => boolean = () => true,
): string[] {
  const byKey = new Map<string, string>();
  for (const [stable, k] of keys) for (const key of k.keys) if (!byKey.has(key)) byKey.set(key, stable);
  const out = new Set<string>();
  /** Per name, whether a wanted name of it is a class (the names do not change during the call). */
  const klass = new Map<string, boolean>();
  for (const u of units) {
    const pkg = keys.get(u.stable)?.pkg ?? '';
    const want = (q: string): void => {
      const s = moduleOf(q, pkg, byKey);
      if (s !== undefined && s !== u.stable) out.add(s);
    };
    const mod = u.mod;
    const assignedIn = new Map<string, CallSite[]>();
    for (const c of mod.calls) for (const n of c.assignedTo) pushTo(assignedIn, `${c.scopeId}:${n}`, c);
    // Names a `for` loop or a `with` statement binds: the iterable or context expression decides their values
    // (`for p in get_dir(repo).glob("*.pkl")`, a folder another module's function returns).
    const boundBy = new Map<string, ExpressionFact[]>();
    for (const a of mod.assignments)
      if ((a.kind === 'for' || a.kind === 'with') && a.value !== null)
        for (const t of a.targets) if (t.kind === 'name') pushTo(boundBy, `${a.scopeId}:${t.name}`, a.value);
    // Calls given a bare name as an argument (`download(url, path)`): they may write the file the name holds.
    const passedIn = new Map<string, CallSite[]>();
    for (const c of mod.calls)
      for (const a of callArgs(c))
        if (a.access?.root.kind === 'name' && a.access.steps.length === 0)
          pushTo(passedIn, `${c.scopeId}:${a.access.root.name}`, c);
    // The callees of the calls a name is passed to, but `c`'s own, each list expanded at most twice whatever the
    // number of calls that read the name (`body` handed to 20,000 calls, each of them a sink's feed, made this
    // quadratic): the first expansion leaves out only its caller's own call, the second adds that one.
    const passedDone = new Map<string, CallSite | null>();
    const wantPassed = (key: string, c: CallSite): void => {
      const done = passedDone.get(key);
      if (done === null || done === c) return;
      const list = passedIn.get(key) ?? [];
      if (done !== undefined) {
        for (const v of done.callee.values) if (v.kind === 'qualified') want(v.name);
        passedDone.set(key, null);
        return;
      }
      passedDone.set(key, c);
      for (const w of list) if (w !== c) for (const v of w.callee.values) if (v.kind === 'qualified') want(v.name);
    };
    const { unpicklers } = moduleFacts(mod);
    // `self.<attr>.m()`: the module of the class stored into `self.<attr>` anywhere in this module
    // (`self._server = RedisServer(broker)`) decides what the method returns.
    // A property or local function returning the receiver (`self.stub` → `get_stub(addr, Stub)` of another
    // module): the modules of the calls it returns, through local functions (depth-limited).
    const returnedSeen = new Set<FunctionFact>();
    const wantReturned = (f: FunctionFact, depth: number): void => {
      if (returnedSeen.has(f)) return;
      returnedSeen.add(f);
      for (const r of f.returns)
        for (const id of r.callIds) {
          const inner = mod.calls[id];
          if (inner === undefined) continue;
          for (const v of inner.callee.values) if (v.kind === 'qualified') want(v.name);
          const local = inner.callee.definitionId !== undefined ? mod.functions[inner.callee.definitionId] : undefined;
          if (local?.kind === 'function' && depth < 3) wantReturned(local, depth + 1);
        }
    };
    const wantReceiverClass = (c: CallSite): void => {
      const a = c.callee.access;
      const attr = a?.steps[0];
      if (a?.root.kind !== 'name' || a.steps.length !== 2 || attr?.kind !== 'attr') return;
      const text = `${a.root.name}.${attr.name}`;
      for (const x of mod.assignments)
        if (x.value !== null && x.targets.some((t) => t.kind === 'attribute' && t.text === text))
          for (const v of x.value.values) if (v.kind === 'qualified') want(v.name.replace(/\(\)$/, ''));
      const fn = c.enclosingFunction !== null ? mod.functions[c.enclosingFunction.id] : undefined;
      const cls = fn !== undefined && fn.parentId !== null ? mod.functions[fn.parentId] : undefined;
      if (cls?.kind !== 'class') return;
      for (const m of mod.functions)
        if (
          m.parentId === cls.id &&
          m.name === attr.name &&
          m.decorators.some((d) => /(^|\.)(cached_)?property$/.test(d.text))
        )
          wantReturned(m, 0);
    };
    // Calls whose argument decides what a sink reads: sinks, functions known to reach one, and — in a module that
    // names a deserializer as a value — callees chosen at run time (a parameter, `self.<attr>` or a table entry
    // called: `decode(body)`, `self.deserialize(msg)`).
    const dynamic = moduleNamesSinkValues(mod);
    const feeds = (c: CallSite): boolean =>
      isSink(c, unpicklers) ||
      names.has(lastName(c)) ||
      names.has(definedName(c) ?? '') ||
      (dynamic &&
        c.callee.qualifiedName === null &&
        c.callee.definitionId === undefined &&
        c.callee.access !== undefined);
    for (const c of mod.calls) {
      // A deserializer a project class inherits from a library base (`LitNet.load_from_checkpoint(p)`): the module
      // defining the class says whether it is one.
      if (INHERITED_SINK_METHODS.has(lastName(c)))
        for (const v of c.callee.values) if (v.kind === 'qualified') want(v.name);
      const fed = feeds(c);
      if (!fed && !OPENERS.has(lastName(c))) continue;
      const args = callArgs(c);
      // The module defining a constant the call reads (a shared path), and project functions the same scope
      // hands the name to (a helper that downloads into the path before the read).
      for (const a of args)
        for (const n of a.names) {
          const i = importedConstant(mod, n);
          if (i !== undefined) want(i.qualifiedName);
          wantPassed(`${c.scopeId}:${n}`, c);
        }
      // A path opened for a read: the modules of the calls that bound it (`p = model_path(repo)` of another
      // module returning a download) decide whose file it is.
      const opener = !fed;
      const seen = new Set<number>();
      // The calls a source call is made on (`s3.get_object(...)["Body"].read()`): the module binding the receiver
      // (`from clients import s3`) says what the call reads.
      const wantChain = (src: CallSite): void => {
        let at: CallSite | undefined = src;
        for (let k = 0; k < 4 && at !== undefined; k++) {
          const acc: CallSite['callee']['access'] = at.callee.access;
          at = acc?.root.kind === 'call' ? mod.calls[acc.root.callId] : undefined;
          if (at === undefined || seen.has(at.id)) return;
          seen.add(at.id);
          for (const v of at.callee.values) if (v.kind === 'qualified') want(v.name);
        }
      };
      const visit = (e: ExpressionFact, depth: number): void => {
        for (const id of e.callIds) {
          const inner = mod.calls[id];
          if (inner === undefined || seen.has(id) || depth > 3) continue;
          seen.add(id);
          for (const v of inner.callee.values) if (v.kind === 'qualified') want(v.name);
          wantReceiverClass(inner);
          // A method of a loop or `with` variable (`path.read_bytes()`): what the loop iterates decides it.
          const recv = inner.callee.access?.root;
          if (recv?.kind === 'name' && depth <= 3)
            for (const it of boundBy.get(`${c.scopeId}:${recv.name}`) ?? []) visit(it, depth + 1);
          if (opener) continue;
          for (const a of callArgs(inner)) visit(a, depth + 1);
        }
        for (const n of e.names) {
          if (depth <= 3) for (const it of boundBy.get(`${c.scopeId}:${n}`) ?? []) visit(it, depth + 1);
          for (const src of assignedIn.get(`${c.scopeId}:${n}`) ?? []) {
            if (seen.has(src.id)) continue;
            seen.add(src.id);
            for (const v of src.callee.values) if (v.kind === 'qualified') want(v.name);
            wantReceiverClass(src);
            wantChain(src);
          }
        }
      };
      for (const a of args) visit(a, 0);
    }
    // An object made by a wanted name (a class with a method that may reach a sink) handed to a call into another
    // module (`Runner(Engine())`, `e = Engine()` then `Runner(e)`): that module may call its methods.
    // Whether a name of a scope is bound to what a wanted name makes, once per name (not per call reading it).
    const isClass = (n: string): boolean => {
      let b = klass.get(n);
      if (b === undefined) {
        const list = names.get(n);
        klass.set(n, (b = Array.isArray(list) && list.some((a: NameAnchor) => a.klass === true)));
      }
      return b;
    };
    const madeByWanted = new Map<string, boolean>();
    const boundToMade = (key: string): boolean => {
      let b = madeByWanted.get(key);
      if (b === undefined)
        madeByWanted.set(key, (b = (assignedIn.get(key) ?? []).some((src) => isClass(lastName(src)))));
      return b;
    };
    /** A function passed by name (`decode`, `codecs.decode`) whose name is wanted. */
    const passesWanted = (e: ExpressionFact): boolean => {
      const a = e.access;
      if (a === undefined || a.root.kind !== 'name' || a.steps.some((st) => st.kind !== 'attr')) return false;
      const last = a.steps.length === 0 ? a.root.name : (a.steps[a.steps.length - 1] as { name: string }).name;
      return names.has(last);
    };
    for (const c of mod.calls) {
      if (!c.callee.values.some((v) => v.kind === 'qualified')) continue;
      const made = (e: ExpressionFact): boolean => {
        const a = e.access;
        if (a?.root.kind === 'call' && a.steps.length === 0) {
          const inner = mod.calls[a.root.callId];
          return inner !== undefined && isClass(lastName(inner));
        }
        if (a?.root.kind !== 'name' || a.steps.length !== 0) return false;
        return boundToMade(`${c.scopeId}:${a.root.name}`) || boundToMade(`0:${a.root.name}`);
      };
      if (callArgs(c).some(made)) for (const v of c.callee.values) if (v.kind === 'qualified') want(v.name);
      // A wanted function handed to a call into another module (`run(body, pickle_decode)`, `decoder=codecs.load`):
      // that module may call it through the parameter receiving it.
      if (callArgs(c).some(passesWanted)) for (const v of c.callee.values) if (v.kind === 'qualified') want(v.name);
      // A deserializer itself handed to a function of another module (`run_step(body, decoder=pickle.loads)`): that
      // module may call it through the parameter receiving it.
      if (callArgs(c).some(namesSink)) for (const v of c.callee.values) if (v.kind === 'qualified') want(v.name);
      // A wanted method called through an attribute of an object another module binds (`ctx.engine.load(x)` after
      // `from context import ctx`): that module's binding of the object types the receiver.
      if (names.has(lastName(c)))
        for (const v of c.callee.values)
          if (v.kind === 'qualified' && v.partial === undefined && objectChain(v.name, pkg, byKey)) want(v.name);
    }
    // A wanted class's instance stored into an attribute of an object another module binds (`ctx.engine =
    // Engine()` after `from context import ctx`): that module's binding types the object.
    for (const a of mod.assignments) {
      if (a.value === null || a.kind !== 'assign') continue;
      const inner = a.value.access?.root.kind === 'call' ? mod.calls[a.value.access.root.callId] : undefined;
      if (inner === undefined || a.value.access!.steps.length !== 0 || !isClass(lastName(inner))) continue;
      for (const t of a.targets)
        if (t.kind === 'attribute' && t.qualifiedName !== undefined && objectChain(`${t.qualifiedName}.x`, pkg, byKey))
          want(t.qualifiedName);
    }
    // A function that may reach a sink, registered on an MCP server object of another module (`from app import
    // mcp`, then `@mcp.tool()`, `mcp.add_tool(fn)` or `mcp.tool()(fn)`): that module's binding of the object decides
    // whether it is an entry.
    for (const f of mod.functions) {
      if (f.kind !== 'function' || f.parentId !== 0 || !names.has(f.name)) continue;
      for (const d of f.decorators)
        if (d.qualifiedName !== null && REGISTERING_DECORATOR.test(d.qualifiedName)) want(d.qualifiedName);
        else {
          // A registration decorator of another module (`@register("state")`): its module holds the table.
          const at = importedDecorator(mod, d.text, pkg);
          if (at !== undefined && names.has(`@${at.name}`)) want(`${at.module}.${at.name}`);
        }
    }
    for (const c of mod.calls) {
      if (c.scopeId !== 0 || !c.positional.some((a) => registeredName(a, names))) continue;
      const a = c.callee.access;
      const inner = a?.root.kind === 'call' && a.steps.length === 0 ? mod.calls[a.root.callId] : undefined;
      const by = inner ?? c;
      const n = lastName(by);
      if (inner !== undefined ? !REGISTERING_DECORATOR.test(`.${n}`) : !MCP_TRIGGERS.has(n)) continue;
      for (const v of by.callee.values) if (v.kind === 'qualified') want(v.name);
    }
    // Base classes defined elsewhere: of every class of a named module (a base may make it a handler, or hold
    // the method its data reaches); of a module read only on demand, of the classes with a method that calls a
    // sink or a function known to reach one (what such a class inherits can matter to a path through it; the
    // bases of its other classes cannot put a named file on a path, and were most of a file named alone's reads).
    const every = allBases(u.stable);
    const byClass = new Map<number, boolean>();
    if (!every)
      for (const c of mod.calls) {
        const fn = c.enclosingFunction !== null ? mod.functions[c.enclosingFunction.id] : undefined;
        const cls = fn?.parentId !== null && fn !== undefined ? mod.functions[fn.parentId] : undefined;
        if (cls?.kind === 'class' && (isSink(c, unpicklers) || names.has(lastName(c)))) byClass.set(cls.id, true);
      }
    for (const f of mod.functions) {
      if (f.kind !== 'class' || (!every && byClass.get(f.id) !== true)) continue;
      for (const b of f.bases) for (const v of b.values) if (v.kind === 'qualified') want(v.name);
    }
  }
  return [...out];
}

/**
 * For the calls of a module: whether call `c` hands on what the callers of its function passed in (a parameter,
 * `self`'s state, or a local computed from them) as an argument. Module-level calls have no callers. The flows are
 * computed once per function.
 */
export function handsCallerData(mod: PythonModule, stable: string): (c: CallSite) => boolean {
  const { flowOf } = moduleFacts(mod);
  const entries = isTestPath(stable) ? runnerEntries(mod) : NO_ENTRIES;
  return (c) => {
    const fn = c.enclosingFunction?.id;
    if (fn === undefined || entries.has(fn)) return false;
    const f = flowOf(fn);
    return f.params.reaches(c, false) || f.self.reaches(c, false);
  };
}

const NO_ENTRIES: ReadonlySet<number> = new Set();

/** pytest's and unittest's fixed set-up and tear-down names (called by the runner, with fixtures or nothing). */
const RUNNER_HOOKS: ReadonlySet<string> = new Set([
  'setUp',
  'tearDown',
  'setUpClass',
  'tearDownClass',
  'asyncSetUp',
  'asyncTearDown',
  'setUpModule',
  'tearDownModule',
  'setup',
  'teardown',
  'setup_method',
  'teardown_method',
  'setup_class',
  'teardown_class',
  'setup_function',
  'teardown_function',
  'setup_module',
  'teardown_module',
]);

/**
 * The functions of a test module that the test runner calls (ids): `test*` functions at module level and `test*`
 * methods (pytest's and unittest's default collection prefix), pytest fixtures (`@pytest.fixture`, `@fixture`,
 * called or not) and the set-up/tear-down hooks. The runner hands them fixtures or nothing, and their class is
 * built by the runner: no caller in code hands them data, so they are never a reason to read the callers of a test
 * file or the modules they call with their parameters (the data path would have to start in the test's own code,
 * which the analysis sees without those reads). A test file's other functions (helpers) keep their callers.
 */
function runnerEntries(mod: PythonModule): ReadonlySet<number> {
  const known = ENTRIES.get(mod);
  if (known !== undefined) return known;
  const out = new Set<number>();
  for (const f of mod.functions) {
    if (f.kind !== 'function') continue;
    const parent = f.parentId !== null ? mod.functions[f.parentId] : undefined;
    if (parent === undefined || (parent.kind !== 'module' && parent.kind !== 'class')) continue;
    const fixture = f.decorators.some(
      (d) => d.qualifiedName === 'pytest.fixture' || /^(?:pytest\.)?fixture\b/.test(d.text),
    );
    if (f.name.startsWith('test') || RUNNER_HOOKS.has(f.name) || fixture) out.add(f.id);
  }
  ENTRIES.set(mod, out);
  return out;
}
const ENTRIES = new WeakMap<PythonModule, ReadonlySet<number>>();

/** What the demand computes of one module alone, kept while the module is (the rounds ask again on every pass). */
interface ModuleFacts {
  /** Calls by enclosing function. */
  byScope: Map<number, CallSite[]>;
  unpicklers: Set<number>;
  /** A function's parameter and `self` flows, computed on first use. */
  flowOf(id: number): { params: ParamFlow; self: ParamFlow };
  /** moduleRefs per package relative imports start from. */
  refs: Map<string, Set<string>>;
}
const FACTS = new WeakMap<PythonModule, ModuleFacts>();

function moduleFacts(mod: PythonModule): ModuleFacts {
  let facts = FACTS.get(mod);
  if (facts !== undefined) return facts;
  const byScope = new Map<number, CallSite[]>();
  for (const c of mod.calls) {
    const fn = c.enclosingFunction?.id;
    if (fn === undefined) continue;
    let list = byScope.get(fn);
    if (list === undefined) byScope.set(fn, (list = []));
    list.push(c);
  }
  const flows = new Map<number, { params: ParamFlow; self: ParamFlow }>();
  facts = {
    byScope,
    unpicklers: unpicklerClasses(mod),
    flowOf: (id) => {
      let pf = flows.get(id);
      if (pf === undefined) flows.set(id, (pf = { params: paramFlow(mod, id, false), self: paramFlow(mod, id, true) }));
      return pf;
    },
    refs: new Map(),
  };
  FACTS.set(mod, facts);
  return facts;
}

function cachedRefs(mod: PythonModule, pkg: string): ReadonlySet<string> {
  const { refs } = moduleFacts(mod);
  let r = refs.get(pkg);
  if (r === undefined) refs.set(pkg, (r = moduleRefs(mod, pkg)));
  return r;
}

/** Which calls of a function may receive what its callers hand it (see {@link paramFlow}). */
interface ParamFlow {
  /** Whether call `c` gets such data: in an argument, or (for a sink: `conn.recv_pyobj()`) as its receiver. */
  reaches(c: CallSite, sink: boolean): boolean;
}

/**
 * What a function's callers hand it: its parameters (those of enclosing functions too, for closures), `self`/`cls`,
 * and every local assigned from an expression that mentions one (to a fixpoint). A call receives such data when an
 * argument, or the receiver of a method, mentions one of them.
 */
function paramFlow(mod: PythonModule, id: number, self: boolean): ParamFlow {
  const names = new Set<string>();
  const fn = mod.functions[id];
  // A method's first parameter is its instance (or class): the self flow follows it, the other flow the rest.
  const first =
    fn !== undefined && fn.parentId !== null && mod.functions[fn.parentId]?.kind === 'class'
      ? fn.parameters[0]?.name
      : undefined;
  if (self) {
    if (first !== undefined) names.add(first);
  } else
    for (let f = fn, guard = 0; f !== undefined && guard < 16; guard++) {
      if (f.kind === 'class' || f.kind === 'module') break;
      for (const p of f.parameters) if (!(f === fn && p.name === first)) names.add(p.name);
      f = f.parentId !== null ? mod.functions[f.parentId] : undefined;
    }
  if (names.size === 0) return { reaches: () => false };
  const mentions = (e: ExpressionFact, depth: number): boolean => {
    if (depth > 4) return true;
    if (e.names.some((n) => names.has(n))) return true;
    const a = e.access;
    if (a?.root.kind === 'name' && names.has(a.root.name)) return true;
    for (const x of e.elements ?? []) if (mentions(x, depth + 1)) return true;
    for (const x of e.operands ?? []) if (mentions(x, depth + 1)) return true;
    for (const cid of e.callIds) {
      const c = mod.calls[cid];
      if (c !== undefined && callMentions(c, depth + 1)) return true;
    }
    return false;
  };
  const callMentions = (c: CallSite, depth: number, receiver = true): boolean => {
    for (const x of c.positional) if (mentions(x, depth)) return true;
    for (const k of c.keywords) if (mentions(k.value, depth)) return true;
    for (const x of c.starArgs) if (mentions(x, depth)) return true;
    for (const x of c.starStarKwargs) if (mentions(x, depth)) return true;
    const a = c.callee.access;
    return receiver && a !== undefined && a.steps.length > 0 && a.root.kind === 'name' && names.has(a.root.name);
  };
  const own = mod.assignments.filter((x) => x.scopeId === id && x.value !== null);
  for (let changed = true, guard = 0; changed && guard < 8; guard++) {
    changed = false;
    for (const x of own)
      for (const t of x.targets)
        if (t.kind === 'name' && !names.has(t.name) && mentions(x.value!, 0)) {
          names.add(t.name);
          changed = true;
        }
  }
  return {
    // An argument, or the receiver of a sink method. The receiver of another call is the object whose method runs,
    // not data it is handed: `self.process.start()` passes the callers nothing.
    reaches: (c, sink) => callMentions(c, 0, sink),
  };
}

/**
 * Whether a function returns a module a deserializer comes from: a loader module (`return pickle`), or a dynamic
 * import of a literal naming one (written in the call, a module constant, or the default of the parameter passed:
 * `def get_serializer(name=BACKEND): return importlib.import_module(name)`). A dynamic import of a name only its
 * callers give is not followed up (`import_object(name)` in a framework): a caller naming a loader module in its own
 * text passes the DESER text gate by itself.
 */
function returnsLoaderModule(f: FunctionFact, mod: PythonModule): boolean {
  const loader = (m: string): boolean => SINK_BY_NAME.has(`${m}.loads`) || SINK_BY_NAME.has(`${m}.load`);
  const literals = (e: ExpressionFact | undefined, depth = 0): string[] => {
    if (e === undefined || depth > 2) return [];
    if (e.constant?.type === 'str') return [e.constant.value];
    const parts = e.nodeType === 'conditional_expression' ? (e.operands ?? []) : [];
    const a = e.access;
    if (a?.root.kind === 'name' && a.steps.length === 0) {
      const p = f.parameters.find((x) => x.name === (a.root as { name: string }).name);
      if (p !== undefined) return literals(p.default, depth + 1);
      const as = mod.assignments.filter(
        (x) =>
          x.scopeId === 0 && x.targets.some((t) => t.kind === 'name' && t.name === (a.root as { name: string }).name),
      );
      if (as.length === 1) return literals(as[0]!.value ?? undefined, depth + 1);
    }
    return parts.flatMap((o) => literals(o, depth + 1));
  };
  return f.returns.some((r) => {
    if (r.values.some((v) => v.kind === 'qualified' && loader(v.name))) return true;
    const c =
      r.access?.root.kind === 'call' && r.access.steps.length === 0 ? mod.calls[r.access.root.callId] : undefined;
    const q = c?.callee.qualifiedName;
    if (q !== 'importlib.import_module' && q !== 'builtins.__import__') return false;
    return literals(c!.positional[0]).some(loader);
  });
}

/** Calls that open a file by path (its content may be what a later sink reads). */
const OPENERS: ReadonlySet<string> = new Set(['open', 'read_bytes', 'read_text']);

/** A module-level `from m import NAME` binding of an upper-case name (a constant by convention). */
function importedConstant(mod: PythonModule, name: string): ImportFact | undefined {
  if (name !== name.toUpperCase() || !/[A-Z]/.test(name)) return undefined;
  return mod.imports.find((i) => i.scopeId === 0 && i.kind === 'from' && i.boundName === name);
}

/** Decorators (and decorator factories) registering an MCP function on a server object, by their last name. */
const REGISTERING_DECORATOR = /\.(?:tool|resource|prompt|call_tool|read_resource|get_prompt)(?:\(\))?$/;

/** A bare name of a function that may reach a sink, handed to a call (a registration). */
function registeredName(a: ExpressionFact, names: ReadonlyMap<string, unknown>): boolean {
  const x = a.access;
  return x?.root.kind === 'name' && x.steps.length === 0 && names.has(x.root.name);
}

/**
 * Whether `q` names a module of the project (the longest one it starts with) followed by an object, an attribute and a
 * method (or more), none of them a call's result.
 */
function objectChain(q: string, pkg: string, byKey: ReadonlyMap<string, string>): boolean {
  const name = absoluteName(q, 0, pkg);
  if (name.includes('(')) return false;
  const parts = name.split('.');
  for (let n = parts.length; n >= 1; n--) if (byKey.has(parts.slice(0, n).join('.'))) return parts.length - n >= 3;
  return false;
}

function moduleOf(q: string, pkg: string, byKey: ReadonlyMap<string, string>): string | undefined {
  let name = q;
  if (q.startsWith('.')) {
    let level = 0;
    while (q[level] === '.') level++;
    const base = pkg.split('.').filter((s) => s !== '');
    name = [...base.slice(0, base.length - (level - 1)), q.slice(level)].filter((s) => s !== '').join('.');
  }
  const parts = name.split('.');
  for (let n = parts.length; n >= 1; n--) {
    const s = byKey.get(parts.slice(0, n).join('.'));
    if (s !== undefined) return s;
  }
  return undefined;
}

/** A call's positional then keyword arguments (its positional list itself when it has no keywords: read only). */
function callArgs(c: CallSite): readonly ExpressionFact[] {
  return c.keywords.length === 0 ? c.positional : [...c.positional, ...c.keywords.map((k) => k.value)];
}

/** Classes of the module deriving (through its own classes) from an Unpickler. */
function unpicklerClasses(mod: PythonModule): Set<number> {
  const out = new Set<number>();
  const derives = (f: FunctionFact, depth: number): boolean =>
    depth < 6 &&
    f.bases.some((b) =>
      b.values.some(
        (v) =>
          (v.kind === 'qualified' && UNPICKLER_CLASSES.has(v.name)) ||
          (v.kind === 'definition' &&
            v.functionId !== f.id &&
            mod.functions[v.functionId]?.kind === 'class' &&
            derives(mod.functions[v.functionId]!, depth + 1)),
      ),
    );
  for (const f of mod.functions) if (f.kind === 'class' && f.bases.length > 0 && derives(f, 0)) out.add(f.id);
  return out;
}

/** Whether an argument names a deserializer as a value (`pickle.loads`, not a call of it). */
function namesSink(e: ExpressionFact): boolean {
  return e.callIds.length === 0 && e.values.some((v) => v.kind === 'qualified' && SINK_BY_NAME.has(v.name));
}

function isSink(c: CallSite, unpicklers: ReadonlySet<number> = new Set()): boolean {
  if (c.callee.definitionId !== undefined && unpicklers.has(c.callee.definitionId)) return true;
  for (const v of c.callee.values) {
    if (v.kind === 'qualified' && SINK_BY_NAME.has(v.partial?.qualifiedName ?? v.name)) return true;
  }
  return TRANSPORT_METHODS.has(lastName(c)) && c.callee.access !== undefined && c.callee.access.steps.length > 0;
}

/**
 * The name a call's callee has where it is defined, when the call spells it otherwise: a name imported under an alias
 * (`from m3 import step as nxt`, then `nxt(x)` calls `m3.step`). Undefined for any other call.
 */
function definedName(c: CallSite): string | undefined {
  const a = c.callee.access;
  if (a?.root.kind !== 'name' || a.root.resolution !== 'import' || a.steps.length !== 0) return undefined;
  for (const v of c.callee.values) {
    if (v.kind !== 'qualified' || v.name.includes('(')) continue;
    const n = v.name.slice(v.name.lastIndexOf('.') + 1);
    if (n !== a.root.name) return n;
  }
  return undefined;
}

function lastName(c: CallSite): string {
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  // `restore.delay(x)`: a queued run of the Celery task `restore`.
  if (last?.kind === 'attr' && TASK_METHODS.has(last.name) && a !== undefined) {
    const prev = a.steps[a.steps.length - 2];
    if (prev?.kind === 'attr') return prev.name;
    if (prev === undefined && a.root.kind === 'name') return a.root.name;
  }
  if (last?.kind === 'attr') return last.name;
  // A call through a table of callables (`HANDLERS[kind](data)`) is named by the table.
  if (a?.root.kind === 'name' && (a.steps.length === 0 || (a.steps.length === 1 && last?.kind === 'index')))
    return a.root.name;
  return '';
}

/** Whether an imported name (`codec.decode`) is a wanted name anchored at the module it is imported from. */
function importedWanted(
  q: string,
  pkg: string,
  names: ReadonlyMap<string, NameAnchor[]>,
  known: ReadonlySet<string>,
): boolean {
  const abs = absoluteName(q, 0, pkg);
  const n = abs.slice(abs.lastIndexOf('.') + 1);
  if (!known.has(n)) return false;
  return names.get(n)!.some((a) => a.keys.some((k) => abs === `${k}.${n}`));
}

/**
 * The module and name a decorator written as `register("x")` / `register` / `registry.register(...)` stands for
 * when its root is a module-level import of this module (`from registry import register`, `import registry`).
 */
function importedDecorator(mod: PythonModule, text: string, pkg: string): { module: string; name: string } | undefined {
  const m = /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*(?:\(|$)/.exec(text);
  if (m === null) return undefined;
  const i = mod.imports.find((x) => x.scopeId === 0 && x.boundName === m[1]);
  if (i === undefined) return undefined;
  if (i.kind === 'from' && i.name !== undefined && m[2] === undefined)
    return { module: absoluteName(i.module, i.relativeLevel, pkg), name: i.name };
  if (i.kind === 'import' && m[2] !== undefined && i.alias === undefined && i.module === m[1])
    return { module: i.module, name: m[2] };
  return undefined;
}

function classOf(f: FunctionFact, mod: PythonModule): FunctionFact | undefined {
  const p = f.parentId !== null ? mod.functions[f.parentId] : undefined;
  return p?.kind === 'class' ? p : undefined;
}

/** Path literals looked for in other modules, at most (the first found in the modules' order). */
const MAX_SINK_PATHS = 8;

/**
 * Paths a deserializer of these modules reads by a literal (`joblib.load("/tmp/model.joblib")`, `pickle.load(open(
 * PATH, "rb"))` with `PATH` a module constant): another module naming the same path may write it (an upload copied
 * there by a handler), so its text decides what the sink reads.
 */
export function literalSinkPaths(mods: readonly PythonModule[]): Set<string> {
  const out = new Set<string>();
  for (const mod of mods) {
    const constants = new Map<string, string>();
    for (const a of mod.assignments)
      if (a.scopeId === 0 && a.kind === 'assign' && a.value?.constant?.type === 'str' && a.targets.length === 1) {
        const t = a.targets[0]!;
        if (t.kind === 'name') constants.set(t.name, a.value.constant.value);
      }
    const literal = (e: ExpressionFact | undefined, depth: number): string | undefined => {
      if (e === undefined) return undefined;
      if (e.constant?.type === 'str') return e.constant.value;
      const a = e.access;
      if (a?.root.kind === 'name' && a.steps.length === 0) return constants.get(a.root.name);
      // `open(PATH, "rb")` handed to the loader.
      if (depth === 0 && a?.root.kind === 'call' && a.steps.length === 0) {
        const inner = mod.calls[a.root.callId];
        if (inner?.callee.raw === 'open') return literal(inner.positional[0], 1);
      }
      return undefined;
    };
    for (const c of mod.calls) {
      if (!c.callee.values.some((v) => v.kind === 'qualified' && SINK_BY_NAME.has(v.name))) continue;
      const p = literal(c.positional[0], 0);
      // A path: long enough to be specific, with a folder or an extension (not a key or a mode string).
      if (p !== undefined && p.length >= 6 && /[/\\.]/.test(p) && !/[\n"']/.test(p)) out.add(p);
      if (out.size >= MAX_SINK_PATHS) return out;
    }
  }
  return out;
}
