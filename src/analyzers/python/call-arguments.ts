// The arguments a callee actually receives: functools.partial-bound arguments first, then the call's own,
// with `**{...}` / `**dict(...)` entries folded in when they are statically known (Python calls semantics).
import type { CallSite, ExpressionFact, PartialFact } from './module-model.js';
import { isTruthy } from './python-literals.js';

export interface EffectiveArguments {
  positional: ExpressionFact[];
  keywords: Map<string, ExpressionFact>;
  /** `*args` whose contents are unknown. */
  unresolvedStarArgs: boolean;
  /** `**kwargs` whose keys are unknown. */
  unresolvedKwargs: boolean;
  viaPartial: boolean;
}

export function effectiveArguments(call: CallSite, partial?: PartialFact): EffectiveArguments {
  const keywords = new Map<string, ExpressionFact>();
  let unresolvedKwargs = false;
  if (partial !== undefined) {
    for (const k of partial.keywords) keywords.set(k.name, k.value);
    unresolvedKwargs = partial.hasStarStarKwargs;
  }
  for (const k of call.keywords) keywords.set(k.name, k.value);
  for (const s of call.starStarKwargs) {
    if (s.dictEntries === undefined) unresolvedKwargs = true;
    else for (const e of s.dictEntries) keywords.set(e.name, e.value);
  }
  return {
    positional: [...(partial?.positional ?? []), ...call.positional],
    keywords,
    unresolvedStarArgs: call.hasStarArgs || (partial?.hasStarArgs ?? false),
    unresolvedKwargs,
    viaPartial: partial !== undefined,
  };
}

/** The argument bound to parameter `name` (by keyword, or by position when the parameter accepts one). */
export function argumentFor(args: EffectiveArguments, name: string, position?: number): ExpressionFact | undefined {
  const k = args.keywords.get(name);
  if (k !== undefined) return k;
  return position !== undefined ? args.positional[position] : undefined;
}

/** What an argument's possible values are, as Python truth values; `none` is the literal None. */
export interface TruthOutcomes {
  true: boolean;
  false: boolean;
  none: boolean;
  unknown: boolean;
}

export function truthOutcomes(e: ExpressionFact): TruthOutcomes {
  const out: TruthOutcomes = { true: false, false: false, none: false, unknown: false };
  for (const v of e.values) {
    if (v.kind !== 'constant') out.unknown = true;
    else if (v.value.type === 'none') out.none = true;
    else if (isTruthy(v.value)) out.true = true;
    else out.false = true;
  }
  return out;
}

/** True when the expression is certainly the literal None (a keyword passed as None means "use the default"). */
export function isNoneLiteral(e: ExpressionFact): boolean {
  return e.constant?.type === 'none';
}
