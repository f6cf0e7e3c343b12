// Native classes their library only ever writes by calling them (data/native-new.json, derived from the libraries'
// own reduces by scripts/data/derive-native-new.py). A Cython or C extension class keeps C fields that its __init__
// (or the library function its pickles call) fills; NEWOBJ, NEWOBJ_EX and a call of `cls.__new__` (directly or through
// copyreg.__newobj__) make the object without them, and the next code that reads it dereferences NULL pointers
// (statsmodels' cKalmanSmoother made by NEWOBJ and handed to pandas' NumericIndex kills every loader with SIGSEGV).
// For a class whose every reduce the derivation saw calls the class or a library function, that creation is outside
// what its library writes (PICKLE-STRUCT NATIVE_NEW). Classes admitted under an older release's module path are left
// out (those releases may have written a Python class of that name with NEWOBJ: pandas' offsets before 1.1).
import facts from './data/native-new.json' with { type: 'json' };
import { lazyJson } from '../../core/lazy-json.js';

interface NativeNewFact {
  readonly class: string;
  readonly routes: readonly string[];
  readonly from: string;
  readonly calledOnly: boolean;
}

interface NativeNewFile {
  readonly calledOnly: readonly string[];
  readonly classes: Readonly<Record<string, NativeNewFact>>;
}

/** The facts, parsed (the bundle reads the file: scripts/bundle.mjs LAZY_DATA) on the first question asked. */
const table = lazyJson<NativeNewFile>(facts);
let calledOnlySet: ReadonlySet<string> | undefined;
const calledOnly = (): ReadonlySet<string> => (calledOnlySet ??= new Set(table().calledOnly));

/**
 * Why creating `canonical` without its constructor (`how`) is not a shape its library writes, or undefined. `via`: the
 * function that makes it (copyreg.__newobj__, scikit-learn's newObj), admitted when the library's reduce writes a
 * function of that name for the class (every scikit-learn newObj is `obj.__new__(obj)`).
 */
export function nativeNewProblem(canonical: string, how: string, via?: string): string | undefined {
  if (!calledOnly().has(canonical)) return undefined;
  const f = table().classes[canonical]!;
  const last = (s: string): string => s.slice(s.lastIndexOf('.') + 1);
  if (via !== undefined && f.routes.some((r) => r.startsWith('function:') && last(r) === last(via))) return undefined;
  const routes = f.routes
    .map((r) =>
      r === 'call' ? 'a call of the class' : r === 'none' ? 'no reduce at all' : r.replace(/^function:/, ''),
    )
    .join(', ');
  return (
    `${how} makes a ${f.class} without running its constructor: a native class whose C fields its constructor ` +
    `fills; its library writes it only as ${routes}, never by NEWOBJ or __new__, and code that reads the object ` +
    'dereferences the unset fields (a crash of the loading process)'
  );
}

/** How the library writes `canonical` when it is a native class it never writes by NEWOBJ (else undefined). */
export function nativeWrittenBy(canonical: string): readonly string[] | undefined {
  return calledOnly().has(canonical) ? table().classes[canonical]!.routes : undefined;
}
