// Methods a package may call through objects it holds: a call on a receiver the analysis cannot type
// (`self._disk.get(db_key, raw)`) may reach any method of that name whose parameters accept the call's arguments.
import type { CallSite, FunctionFact, PythonModule } from '../python/module-model.js';

/**
 * Calls of methods on receivers the analysis cannot type (`self._disk.get(db_key, raw)`, `self.serde.deserialize(...)`),
 * by method name, over the modules added so far. A method of that name that accepts such a call's arguments may be
 * what the package calls there (a plugin, strategy or serializer object it holds): the package hands it its own values.
 */
export class UntypedCalls {
  private readonly byName = new Map<string, CallSite[]>();
  private seen = 0;

  /** Whether a call on an untyped receiver in `mods` (read incrementally: append-only) may call method `f`. */
  mayCall(f: FunctionFact, mods: readonly { mod: PythonModule }[]): boolean {
    for (; this.seen < mods.length; this.seen++) {
      for (const c of mods[this.seen]!.mod.calls) {
        const a = c.callee.access;
        if (a === undefined || c.callee.qualifiedName !== null || c.callee.definitionId !== undefined) continue;
        const last = a.steps[a.steps.length - 1];
        if (last?.kind !== 'attr') continue;
        const list = this.byName.get(last.name);
        if (list === undefined) this.byName.set(last.name, [c]);
        else if (list.length < 256) list.push(c);
      }
    }
    const calls = this.byName.get(f.name);
    return calls !== undefined && calls.some((c) => accepts(f, c));
  }
}

/** Whether a method with these parameters (the first is the instance) accepts the call's arguments. */
function accepts(f: FunctionFact, c: CallSite): boolean {
  const params = f.parameters;
  const own = f.decorators.some((d) => d.text === 'staticmethod') ? params : params.slice(1);
  const positional = own.filter((p) => p.kind === 'positional' || p.kind === 'positional-only');
  const varargs = own.some((p) => p.kind === 'vararg');
  const varkw = own.some((p) => p.kind === 'kwarg');
  if (c.hasStarArgs || c.hasStarStarKwargs) return true;
  if (c.positional.length > positional.length && !varargs) return false;
  const named = new Set<string>();
  for (const k of c.keywords) {
    const p = own.find((x) => x.name === k.name && x.kind !== 'positional-only');
    if (p === undefined && !varkw) return false;
    named.add(k.name);
  }
  // Every parameter without a default is given, by position or by name.
  return own.every(
    (p) =>
      p.default !== undefined ||
      p.kind === 'vararg' ||
      p.kind === 'kwarg' ||
      named.has(p.name) ||
      (positional.includes(p) && positional.indexOf(p) < c.positional.length),
  );
}
