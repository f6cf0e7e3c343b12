// Enum members named by getattr. CPython 3.11.0 - 3.11.4 pickle an Enum member as getattr(<its class>, '<its name>')
// (Enum.__reduce_ex__; other releases write a call of the class with the member's value, which the packs model as
// enum.Enum's lookup of a value). Loading that looks a name up on the class: an Enum class with no metaclass of its own
// and no descriptor of that name answers a member name with the member, running no code of the library. The table
// names the Enum classes the history packs admit and, for each, the names that are members in every release the pack
// read in which the class's name resolves (or not bound by its class body at all there: the lookup then raises
// AttributeError) (scripts/data/derive-history.py records them from the pinned sources; derive-enum-members.py
// collects them), and the standard library's Enum classes the python pack admits (re.RegexFlag, uuid.SafeUUID), with
// the members of the interpreter that derived that pack.
import enumMembers from './data/enum-members.json' with { type: 'json' };
import { lazyJson } from '../../core/lazy-json.js';
import type { ImportFact } from './facts.js';
import { K, type GlobalV, type PyVal } from './values.js';

interface EnumClass {
  readonly pack: string;
  readonly versions: string;
  readonly members: ReadonlySet<string>;
}

/** The table, parsed on the first question (the CLI bundle keeps its text unparsed: scripts/bundle.mjs). */
const table = lazyJson<typeof enumMembers>(enumMembers);
let classes: ReadonlyMap<string, EnumClass> | undefined;

/** The admitted Enum classes (by canonical name), with their pack, the releases read and their member names. */
export const enumClasses = (): ReadonlyMap<string, EnumClass> =>
  (classes ??= new Map(
    Object.entries(table().classes).map(([name, c]) => [
      name,
      { pack: c.pack, versions: c.versions, members: new Set(c.members) },
    ]),
  ));

/**
 * getattr's arguments as such a pickle writes them: exactly (<a GLOBAL of an admitted Enum class, named directly: not
 * derived by another lookup>, <a str constant naming one of its members>). Returns the class's value (the member is an
 * instance of it), else undefined: another name (a method, a special name, an unknown one), a str the stream did not
 * write as a constant, an instance or any other first argument, a default given as a third argument.
 */
export function enumMemberClass(args: PyVal): GlobalV | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 2) return undefined;
  const [cls, name] = args.items as [PyVal, PyVal];
  if (typeof cls !== 'object' || cls.k !== K.Global || typeof name !== 'string') return undefined;
  if (!directImport(cls.imp)) return undefined;
  const spec = enumClasses().get(cls.imp.canonical);
  return spec !== undefined && spec.members.has(name) ? cls : undefined;
}

function directImport(imp: ImportFact): boolean {
  return imp.derivedVia === undefined && imp.unresolved === undefined;
}
