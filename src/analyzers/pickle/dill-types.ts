// dill's type lookup. With dill imported, pickle (and joblib, whose pickler is pickle's Python one) writes a type dill
// knows by name - a builtin type among them - as <dill module>._load_type(<its name>), and loading runs
// `return _reverse_typemap[name]`: a dictionary lookup, nothing else. The table maps each builtin type's name to that
// type (on Python 2, the releases that ran there map the `types` module's names: ListType, ObjectType, ...); the names
// admitted here are those of the plain data types and `object`, each for the lookup of the releases whose source reads
// so (scripts/data/derive-dill-types.py). Any other name (CodeType, FunctionType, ModuleType, FileType, ...), a name no
// release of that lookup's module holds, or an argument that is not a str literal of the stream leaves the call to the
// ordinary verdict on dill.
import dillTypes from './data/dill-types.json' with { type: 'json' };
import { lazyJson } from '../../core/lazy-json.js';
import { K, type PyVal } from './values.js';

/** The table, parsed on the first question (the CLI bundle keeps its text unparsed: scripts/bundle.mjs). */
const table = lazyJson<typeof dillTypes>(dillTypes);
let loadTypes: ReadonlyMap<string, string> | undefined;
let createArrays: ReadonlyMap<string, string> | undefined;

/** The `_load_type` functions of dill's releases (by the module each release defines it in), with those releases. */
export const dillLoadTypes = (): ReadonlyMap<string, string> =>
  (loadTypes ??= new Map(Object.entries(table().lookups).map(([name, c]) => [name, c.versions])));

/**
 * The `_create_array(f, args, state, npdict=None)` functions of dill's releases (by module), with those releases: each
 * runs `array = f(*args)`, `array.__setstate__(state)`, then `array.__dict__.update(npdict)` unless npdict is None, and
 * returns the array (dill writes a NumPy array so, from the array's own __reduce__ and its __dict__). The VM models a
 * call as those three steps (vm.ts dillCreateArray).
 */
export const dillCreateArrays = (): ReadonlyMap<string, string> =>
  (createArrays ??= new Map(Object.entries(table().arrays).map(([name, c]) => [name, c.versions])));

/**
 * The builtin type a call of the lookup `canonical` returns when its arguments are one str the releases defining that
 * lookup map to a data type or `object` (the call returns `builtins.<that type>`), else undefined.
 */
export function dillDataType(canonical: string, args: PyVal): string | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 1) return undefined;
  const name = args.items[0];
  if (typeof name !== 'string') return undefined;
  const types = (table().lookups as Record<string, { types: Record<string, { type: string }> }>)[canonical]?.types;
  return types !== undefined && Object.hasOwn(types, name) ? types[name]!.type : undefined;
}
