// Unpickling hooks of classes that run code the pickled state carries. The VM checks the hook of an instance's class
// (instance-class.ts) wherever state reaches it: BUILD, and torch helpers that call __setstate__ or setattr
// themselves. A hook that would run foreign code is reported as the call it makes (builtins.exec, builtins.eval).
import { distributionStateProblem, isScipyDistributionClass } from './scipy-distributions.js';
import { isStatsmodelsDataClass, modelDataStateProblem } from './statsmodels-data.js';
import type { PyVal } from './values.js';

export interface StateHook {
  /** The hook's name, e.g. `__setstate__`. */
  readonly hook: string;
  /** What the hook does with the state. */
  readonly what: string;
  /** The callable the hook ends up calling with state-chosen code. */
  readonly runs: { readonly module: string; readonly name: string };
  readonly applies: (classCanonical: string) => boolean;
  /** Why this state makes the hook run foreign code, or undefined when it cannot. */
  readonly problem: (state: PyVal) => string | undefined;
}

export const STATE_HOOKS: readonly StateHook[] = [
  {
    hook: '__setstate__',
    what: 'runs exec(self._parse_arg_template) (scipy.stats rv_generic)',
    runs: { module: 'builtins', name: 'exec' },
    applies: isScipyDistributionClass,
    problem: (state) => {
      const p = distributionStateProblem(state);
      return p === undefined ? undefined : `execs the pickled _parse_arg_template: ${p}`;
    },
  },
  {
    hook: '__setstate__',
    what: 'evaluates the pickled formula with patsy (statsmodels ModelData)',
    runs: { module: 'builtins', name: 'eval' },
    applies: isStatsmodelsDataClass,
    problem: modelDataStateProblem,
  },
];

/** The hook of `classCanonical` that `state` would turn into foreign code, with why. */
export function stateHookProblem(
  classCanonical: string,
  state: PyVal,
): (Pick<StateHook, 'hook' | 'what' | 'runs'> & { readonly problem: string }) | undefined {
  for (const h of STATE_HOOKS) {
    if (!h.applies(classCanonical)) continue;
    const problem = h.problem(state);
    if (problem !== undefined) return { hook: h.hook, what: h.what, runs: h.runs, problem };
  }
  return undefined;
}
