// Checks one call of a pack callable against its effect model (callable-effects.ts): an argument of a class or kind
// the library never passes there is reported, and what the callable calls with the stream's arguments (an argument,
// a method of an argument or of an object array's elements) becomes a call fact of its own, so a name admitted only
// "when not called" (numpy.memmap, dateutil's tzfile) is judged as called when an admitted callable calls it.
import { effectOf, effectSource, inFamily, type CallableEffect } from './callable-effects.js';
import { K, kindName, type PyVal } from './values.js';

export interface EffectHost {
  /** Models `callee(*args)` made by the callable itself (a nested invocation, depth-bounded by the host). */
  invokeModelled(callee: PyVal, args: PyVal, why: string): void;
  /** Records a call of `module.name` (a derived import) with `detail`. */
  deriveCall(module: string, name: string, via: string, detail: string): void;
  /** An argument outside what the library writes; `fatal` when pickle.load raises there. */
  offShape(message: string, fatal: boolean): void;
  /** Whether `v` answers attribute lookups with items the stream planted (a dict subclass reading its items). */
  answersFromItems(v: PyVal): boolean;
  /** Checks `cls.__new__(cls, **kwargs)` against the derived sinks of that class's __new__ (class-sinks.ts). */
  classNew(cls: string, kwargs: PyVal): void;
}

const COMPAT_READING =
  "pickle.load raises TypeError here; pandas.read_pickle catches it and re-reads the file with pandas' compat " +
  'unpickler, which answers with object.__new__(cls) and reads on (the rest of the stream is judged under that reading)';

function isData(v: PyVal): boolean {
  return typeof v === 'string' || (typeof v === 'object' && (v.k === K.Str || v.k === K.Bytes || v.k === K.ByteArray));
}

function describe(v: PyVal): string {
  return typeof v === 'object' && v.k === K.Global ? v.imp.canonical : `a ${kindName(v)}`;
}

/** Checks a REDUCE/INST/OBJ of `canonical` with `args` against its effect model; no-op for names without one. */
export function checkEffects(host: EffectHost, canonical: string, args: PyVal): void {
  const e = effectOf(canonical);
  if (e === undefined) return;
  const literal = typeof args === 'object' && args.k === K.Tuple && args.more === 0;
  const items = literal ? args.items : undefined;
  if (e.args !== undefined) checkArgs(host, canonical, e, items);
  // The library's callables look attributes of their arguments up (values.dtype, tz.utcoffset, …); its own pickles
  // never pass an object whose lookups the stream answers.
  items?.forEach((a, k) => {
    if (host.answersFromItems(a)) {
      host.offShape(
        `${canonical}: argument ${k} answers attribute lookups with items the stream planted (its library never passes one)`,
        false,
      );
    }
  });
  if (e.newKwargs !== undefined && items !== undefined) {
    const cls = items[0];
    const kwargs = items[e.newKwargs];
    if (typeof cls === 'object' && cls.k === K.Global && kwargs !== undefined) host.classNew(cls.imp.canonical, kwargs);
  }
  for (const c of e.calls ?? []) {
    if ('arg' in c) {
      const target = items?.[c.arg];
      if (items === undefined) {
        host.offShape(`${canonical} calls its argument ${c.arg}; the arguments are not a literal tuple`, false);
      } else if (target !== undefined) {
        const withArgs: PyVal = { k: K.Tuple, items: c.with.map((i) => items[i] ?? { k: K.None }), more: 0 };
        host.invokeModelled(target, withArgs, `${canonical} calls its argument ${c.arg} (${effectSource(e)})`);
      }
    } else if (e.written === 'reference') {
      // The library never writes a call of it: the stream's call reaches a method of its arguments (of each element
      // of an object-dtype array), which the stream chooses.
      const whose = c.elements ? 'each element of its object-dtype operands' : `its argument ${c.of.join('/')}`;
      host.deriveCall(
        'builtins',
        'getattr',
        `${canonical} called by the stream (its library only names it): calls ${c.method}() of ${whose}`,
        `${canonical} calls the method ${c.method} of ${whose} (${effectSource(e)})`,
      );
    }
  }
}

function checkArgs(host: EffectHost, canonical: string, e: CallableEffect, items: PyVal[] | undefined): void {
  if (items === undefined) {
    host.offShape(`${canonical}: the arguments are not a literal tuple (its library writes one)`, false);
    return;
  }
  for (const [k, root] of Object.entries(e.args!)) {
    const a = items[Number(k)];
    if (a === undefined) continue;
    if (root === 'data') {
      if (!isData(a)) {
        host.offShape(`${canonical}: argument ${k} is ${describe(a)}; its library writes str or bytes there`, false);
      }
      continue;
    }
    if (typeof a === 'object' && a.k === K.Global && inFamily(root, a.imp.canonical)) continue;
    const msg = `${canonical}: argument ${k} is ${describe(a)}, not one of the ${root} classes its library passes`;
    // numpy refuses a non-ndarray subtype with TypeError; pandas' compat reading then builds the instance anyway.
    if (e.compat === true && k === '0' && !(typeof a === 'object' && a.k === K.Global && a.imp.canonical === root))
      host.offShape(`${msg}: ${COMPAT_READING}`, true);
    else host.offShape(msg, false);
  }
}
