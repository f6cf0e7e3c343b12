// Which other modules a DESER project needs (deser-phase.ts grows the project in rounds): the names of functions
// that may reach a sink (their callers are wanted: a caller may pass network data in), and the modules whose
// functions produce what a sink reads or whose classes are bases here (their code decides the value).
import type { CallSite, ExpressionFact, FunctionFact, ImportFact, PythonModule } from '../python/module-model.js';
import { SINK_BY_NAME, UNPICKLER_CLASSES } from './apis.js';
import { moduleNamesSinkValues } from './dynamic-sinks.js';

/** Where a wanted name is defined: the module's last name component and, for methods, the class. */
export interface NameAnchor {
  module: string;
  cls?: string;
}

/** Transport calls that unpickle without a visible deserializer. */
const TRANSPORT_METHODS: ReadonlySet<string> = new Set(['recv_pyobj', 'recv_serialized', 'recv']);

/**
 * Adds to `names` the functions of these modules that may reach a sink — directly, through a function of the same
 * module, or through a name already in `names` — and returns only the names added now.
 */
export function reachingNames(
  units: readonly { stable: string; mod: PythonModule; keys: string[] }[],
  names: Map<string, NameAnchor[]>,
): Map<string, NameAnchor[]> {
  const added = new Map<string, NameAnchor[]>();
  const known = new Set(names.keys());
  for (const u of units) {
    const mod = u.mod;
    const anchor = lastComponent(u.keys[0] ?? u.stable);
    const reaching = new Set<number>();
    const byScope = new Map<number, CallSite[]>();
    const unpicklers = unpicklerClasses(mod);
    for (const c of mod.calls) {
      const fn = c.enclosingFunction?.id;
      if (fn === undefined) continue;
      let list = byScope.get(fn);
      if (list === undefined) byScope.set(fn, (list = []));
      list.push(c);
      if (isSinkCall(c, unpicklers) || known.has(lastName(c))) reaching.add(fn);
    }
    // Within the module: functions calling reaching functions (directly or as `self.m(...)`), to a fixpoint.
    for (let changed = true, guard = 0; changed && guard < 8; guard++) {
      changed = false;
      const reachingNamesHere = new Set([...reaching].map((id) => mod.functions[id]!.name));
      for (const [fn, calls] of byScope) {
        if (reaching.has(fn)) continue;
        if (
          calls.some(
            (c) =>
              (c.callee.definitionId !== undefined && reaching.has(c.callee.definitionId)) ||
              reachingNamesHere.has(lastName(c)),
          )
        ) {
          reaching.add(fn);
          changed = true;
        }
      }
    }
    const note = (name: string, a: NameAnchor): void => {
      if (name.startsWith('<')) return;
      const list = names.get(name) ?? [];
      if (list.some((x) => x.module === a.module && x.cls === a.cls)) return;
      list.push(a);
      names.set(name, list);
      added.set(name, list);
    };
    // Module constants a sink reads (`open(STATE_FILE)` with `from paths import STATE_FILE`): whoever else uses
    // the name may write remote data to that path, so their files are wanted like callers.
    for (const c of mod.calls) {
      if (!isSinkCall(c, unpicklers) && !OPENERS.has(lastName(c))) continue;
      for (const a of [...c.positional, ...c.keywords.map((k) => k.value)])
        for (const n of a.names) {
          const i = importedConstant(mod, n);
          if (i !== undefined) note(n, { module: lastComponent(i.module) });
        }
    }
    for (const id of reaching) {
      const f = mod.functions[id]!;
      if (f.kind !== 'function') continue;
      const cls = classOf(f, mod);
      if (cls !== undefined) {
        note(f.name === '__init__' || f.name === '__call__' ? cls.name : f.name, { module: anchor, cls: cls.name });
        note(cls.name, { module: anchor });
      } else if (f.parameters.length > 0 || f.returns.length > 0) note(f.name, { module: anchor });
    }
    // Module-level imports that re-export a sink or a reaching name (`from pickle import loads` in codec/impl.py,
    // `from .impl import loads` in codec/__init__.py): importers of this module may call it under any alias.
    for (const i of mod.imports) {
      if (i.scopeId !== 0 || i.kind !== 'from' || i.boundName === null || i.name === undefined) continue;
      if (SINK_BY_NAME.has(i.qualifiedName) || known.has(i.name)) note(i.boundName, { module: anchor });
    }
    // Module-level aliases of sinks (`loads = pickle.loads`).
    for (const a of mod.assignments) {
      if (a.scopeId !== 0 || a.value === null) continue;
      if (!a.value.values.some((v) => v.kind === 'qualified' && SINK_BY_NAME.has(v.name))) continue;
      for (const t of a.targets) if (t.kind === 'name') note(t.name, { module: anchor });
    }
  }
  return added;
}

/**
 * Modules (by stable path) whose code decides what a sink of these modules reads: callees whose results are a
 * sink's argument (inline or through a name of the same scope), and base classes defined elsewhere.
 */
export function demandedModules(
  units: readonly { stable: string; mod: PythonModule }[],
  keys: ReadonlyMap<string, { keys: string[]; pkg: string }>,
  names: ReadonlyMap<string, unknown> = new Map(),
): string[] {
  const byKey = new Map<string, string>();
  for (const [stable, k] of keys) for (const key of k.keys) if (!byKey.has(key)) byKey.set(key, stable);
  const out = new Set<string>();
  for (const u of units) {
    const pkg = keys.get(u.stable)?.pkg ?? '';
    const want = (q: string): void => {
      const s = moduleOf(q, pkg, byKey);
      if (s !== undefined && s !== u.stable) out.add(s);
    };
    const mod = u.mod;
    const assignedIn = new Map<string, CallSite[]>();
    for (const c of mod.calls) for (const n of c.assignedTo) pushTo(assignedIn, `${c.scopeId}:${n}`, c);
    const unpicklers = unpicklerClasses(mod);
    // Calls whose argument decides what a sink reads: sinks, functions known to reach one, and — in a module that
    // names a deserializer as a value — callees chosen at run time (a parameter, `self.<attr>` or a table entry
    // called: `decode(body)`, `self.deserialize(msg)`).
    const dynamic = moduleNamesSinkValues(mod);
    const feeds = (c: CallSite): boolean =>
      isSinkCall(c, unpicklers) ||
      names.has(lastName(c)) ||
      (dynamic &&
        c.callee.qualifiedName === null &&
        c.callee.definitionId === undefined &&
        c.callee.access !== undefined);
    for (const c of mod.calls) {
      if (!feeds(c) && !OPENERS.has(lastName(c))) continue;
      const args = [...c.positional, ...c.keywords.map((k) => k.value)];
      // The module defining a constant the call reads (a shared path).
      for (const a of args)
        for (const n of a.names) {
          const i = importedConstant(mod, n);
          if (i !== undefined) want(i.qualifiedName);
        }
      if (!feeds(c)) continue;
      const seen = new Set<number>();
      const visit = (e: ExpressionFact, depth: number): void => {
        for (const id of e.callIds) {
          const inner = mod.calls[id];
          if (inner === undefined || seen.has(id) || depth > 3) continue;
          seen.add(id);
          for (const v of inner.callee.values) if (v.kind === 'qualified') want(v.name);
          for (const a of [...inner.positional, ...inner.keywords.map((k) => k.value)]) visit(a, depth + 1);
        }
        for (const n of e.names) {
          for (const src of assignedIn.get(`${c.scopeId}:${n}`) ?? []) {
            if (seen.has(src.id)) continue;
            seen.add(src.id);
            for (const v of src.callee.values) if (v.kind === 'qualified') want(v.name);
          }
        }
      };
      for (const a of args) visit(a, 0);
    }
    for (const f of mod.functions) {
      if (f.kind !== 'class') continue;
      for (const b of f.bases) for (const v of b.values) if (v.kind === 'qualified') want(v.name);
    }
  }
  return [...out];
}

/** Calls that open a file by path (its content may be what a later sink reads). */
const OPENERS: ReadonlySet<string> = new Set(['open', 'read_bytes', 'read_text']);

/** A module-level `from m import NAME` binding of an upper-case name (a constant by convention). */
function importedConstant(mod: PythonModule, name: string): ImportFact | undefined {
  if (name !== name.toUpperCase() || !/[A-Z]/.test(name)) return undefined;
  return mod.imports.find((i) => i.scopeId === 0 && i.kind === 'from' && i.boundName === name);
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

function isSinkCall(c: CallSite, unpicklers: ReadonlySet<number> = new Set()): boolean {
  if (c.callee.definitionId !== undefined && unpicklers.has(c.callee.definitionId)) return true;
  for (const v of c.callee.values) {
    if (v.kind === 'qualified' && SINK_BY_NAME.has(v.partial?.qualifiedName ?? v.name)) return true;
  }
  return TRANSPORT_METHODS.has(lastName(c)) && c.callee.access !== undefined && c.callee.access.steps.length > 0;
}

function lastName(c: CallSite): string {
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (last?.kind === 'attr') return last.name;
  if (a?.root.kind === 'name' && a.steps.length === 0) return a.root.name;
  return '';
}

function classOf(f: FunctionFact, mod: PythonModule): FunctionFact | undefined {
  const p = f.parentId !== null ? mod.functions[f.parentId] : undefined;
  return p?.kind === 'class' ? p : undefined;
}

function lastComponent(key: string): string {
  const k = key.replace(/\.py$/, '');
  return k.slice(Math.max(k.lastIndexOf('.'), k.lastIndexOf('/')) + 1);
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
