// joblib's NumpyArrayWrapper subclass route (data/array-prepare.json, derived from joblib's and numpy's code by
// scripts/data/derive-array-prepare.py). With numpy 1.x (arrays have __array_prepare__), NumpyArrayWrapper.read
// compares the wrapper's subclass with numpy.ndarray and numpy.memmap and rebuilds the array it read as any other
// subclass: `_reconstruct(subclass, (0,), 'b').__array_prepare__(array)`. The VM models that as the call joblib makes
// (the effect check of an explicit _reconstruct: numpy's ndarray family) plus the class's __array_prepare__, which
// must be numpy.ndarray's view for the class to be admitted there (a class the facts cannot tell is not).
import facts from './data/array-prepare.json' with { type: 'json' };

interface ClassFacts {
  readonly arrayPrepare: string | null;
  readonly arrayFinalize: string | null;
}

const SKIP: ReadonlySet<string> = new Set(facts.skip);
const CLASSES = facts.classes as Readonly<Record<string, ClassFacts | null>>;

/** The callable joblib's route calls (numpy 1.x's spelling, the one joblib uses). */
export const ROUTE_CALLABLE = { module: 'numpy.core.multiarray', name: '_reconstruct' } as const;

export const ROUTE =
  "joblib's NumpyArrayWrapper.read rebuilds the array it read as the wrapper's subclass: " +
  "_reconstruct(subclass, (0,), 'b').__array_prepare__(array)";

/** Whether the route leaves the array as it is for a subclass named `canonical` (numpy.ndarray, numpy.memmap). */
export function routeSkips(canonical: string): boolean {
  return SKIP.has(canonical);
}

/**
 * Why the __array_prepare__ the route runs for an instance of `canonical` is not admitted, or undefined when it is
 * numpy.ndarray's (a view of the array as the class). Classes outside numpy's ndarray family are judged by the
 * _reconstruct call's own effect check.
 */
export function arrayPrepareProblem(canonical: string): string | undefined {
  if (!Object.hasOwn(CLASSES, canonical)) return undefined;
  const c = CLASSES[canonical];
  if (c === null || c === undefined)
    return (
      `which __array_prepare__ ${canonical} runs is not known (the name does not resolve in the libraries the ` +
      'facts were derived from), and joblib writes wrappers only for numpy.ndarray, numpy.matrix and numpy.memmap'
    );
  if (c.arrayPrepare !== 'numpy.ndarray')
    return `${canonical} runs the __array_prepare__ of ${c.arrayPrepare ?? 'an unknown class'}, whose effects are not modelled`;
  return undefined;
}
