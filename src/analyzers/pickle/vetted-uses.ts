// Uses of a dangerous or review-refused import that the VM proves are all in one library's exact shape, so the
// import itself is admitted for this stream: builtins.getattr and numpy.vectorize as scipy's discrete distributions
// pickle vecentropy (scipy-vecentropy.ts). An import is vetted only when every stack reference to it, every call of
// it and every object made from it is accounted for; one use outside the shape leaves it to the ordinary verdict.
import type { CallFact, CallKind, ImportFact } from './facts.js';
import { instanceClass } from './instance-class.js';
import { boundMethodProblem, vectorizeStateProblem } from './scipy-vecentropy.js';
import { K, type ObjV, type PyVal } from './values.js';

export const GETATTR = 'builtins.getattr';
export const VECTORIZE = 'numpy.vectorize';

/** Why each vetted import is admitted, by import. */
export type VettedImports = ReadonlyMap<ImportFact, string>;

const REASON_GETATTR =
  "scipy's vecentropy: getattr(<scipy.stats distribution being rebuilt>, <a method scipy vectorizes>) binds scipy's own method; every use of it in this stream has that shape";
const REASON_VECTORIZE =
  "scipy's vecentropy: numpy.vectorize rebuilt through __new__ whose state is the dict vectorize writes, pyfunc scipy's own bound method; every use of it in this stream has that shape";

interface Vectorizer {
  readonly cls: ImportFact | undefined;
  /** 'made': not built yet; 'ok': built once with scipy's state; 'bad': anything else happened to it. */
  status: 'made' | 'ok' | 'bad';
}

export class VettedUses {
  /** Stack references to each getattr import (GLOBAL, memo gets, DUP, anything that pushes it). */
  private readonly refs = new Map<ImportFact, number>();
  /** getattr references consumed by a REDUCE in the vetted shape. */
  private readonly consumed = new Map<ImportFact, number>();
  private readonly vettedCalls = new Set<CallFact>();
  /** Bound methods made by vetted getattr calls. */
  private readonly bound = new Set<PyVal>();
  private readonly vectorizers = new Map<ObjV, Vectorizer>();

  static tracks(canonical: string): boolean {
    return canonical === GETATTR || canonical === VECTORIZE;
  }

  /** A reference to `imp` was pushed on the stack. */
  pushed(imp: ImportFact): void {
    if (imp.canonical === GETATTR) this.refs.set(imp, (this.refs.get(imp) ?? 0) + 1);
  }

  /**
   * REDUCE of the getattr import itself (popped from the stack) with `args`: true when it is scipy's shape (the
   * caller then keeps the result as a plain object instead of resolving the attribute as an import).
   */
  getattrCall(imp: ImportFact, call: CallFact, args: PyVal, result: ObjV): boolean {
    if (boundMethodProblem(args) !== undefined) return false;
    this.consumed.set(imp, (this.consumed.get(imp) ?? 0) + 1);
    this.vettedCalls.add(call);
    this.bound.add(result);
    return true;
  }

  /** An object was made by `kind` (REDUCE, NEWOBJ, …): vectorize instances are followed from here. */
  made(kind: CallKind, call: CallFact, result: ObjV): void {
    const cls = instanceClass(result);
    if (cls?.canonical !== VECTORIZE) return;
    const args = result.args;
    const callee = result.callee;
    const calleeName = typeof callee === 'object' && callee.k === K.Global ? callee.imp.canonical : '';
    let ok = false;
    if ((kind === 'NEWOBJ' || kind === 'NEWOBJ_EX') && calleeName === VECTORIZE)
      ok = typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0;
    else if (kind === 'REDUCE' && calleeName === 'copyreg._reconstructor') {
      // copyreg._reconstructor(vectorize, object, state): object.__new__(vectorize); the state is not used.
      const base = typeof args === 'object' && args.k === K.Tuple ? args.items[1] : undefined;
      ok = typeof base === 'object' && base.k === K.Global && base.imp.canonical === 'builtins.object';
    }
    if (ok && calleeName === VECTORIZE) this.vettedCalls.add(call);
    this.vectorizers.set(result, { cls, status: ok ? 'made' : 'bad' });
  }

  /** `kind` invoked on the object `callee` (a call, APPEND, SETITEM, …; BUILD goes to built()). */
  called(kind: CallKind, callee: PyVal): void {
    if (kind === 'BUILD' || typeof callee !== 'object' || callee.k !== K.Obj) return;
    const v = this.vectorizers.get(callee);
    if (v !== undefined) v.status = 'bad';
  }

  /** BUILD on `inst` with `state`; `call` is its BUILD call fact. */
  built(inst: ObjV, state: PyVal, call: CallFact | undefined): void {
    const v = this.vectorizers.get(inst);
    if (v === undefined) return;
    if (v.status !== 'made' || vectorizeStateProblem(state, (x) => this.bound.has(x)) !== undefined) {
      v.status = 'bad';
      return;
    }
    v.status = 'ok';
    if (call !== undefined) this.vettedCalls.add(call);
  }

  /** The imports of `imports` every use of which was vetted, with why they are admitted. */
  finish(imports: readonly ImportFact[], calls: readonly CallFact[]): VettedImports | undefined {
    const out = new Map<ImportFact, string>();
    const unvetted = new Set<ImportFact>();
    for (const c of calls) if (c.callee !== undefined && !this.vettedCalls.has(c)) unvetted.add(c.callee);
    const vectorizeOk = new Map<ImportFact, boolean>();
    for (const v of this.vectorizers.values()) {
      if (v.cls === undefined) continue;
      vectorizeOk.set(v.cls, (vectorizeOk.get(v.cls) ?? true) && v.status === 'ok');
    }
    for (const imp of imports) {
      // A name reached through getattr/import_module chains is judged as what it is, whatever its use.
      if (unvetted.has(imp) || imp.derivedVia !== undefined || imp.unresolved !== undefined) continue;
      if (imp.canonical === GETATTR) {
        const n = this.consumed.get(imp) ?? 0;
        if (n > 0 && this.refs.get(imp) === n) out.set(imp, REASON_GETATTR);
      } else if (imp.canonical === VECTORIZE && vectorizeOk.get(imp) === true) out.set(imp, REASON_VECTORIZE);
    }
    return out.size > 0 ? out : undefined;
  }
}
