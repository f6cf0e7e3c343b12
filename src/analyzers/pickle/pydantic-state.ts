// pydantic 1's BaseModel state (the langchain history pack's Documents): BaseModel.__getstate__ writes a dict of
// '__dict__' (the fields), '__fields_set__' (the names of the fields the caller set) and, from pydantic 1.7,
// '__private_attribute_values__' (the private attributes, which pydantic makes slots); BaseModel.__setstate__ (pydantic
// 1.0 - 1.10) stores the first two with object.__setattr__ and then calls object.__setattr__(self, name, value) for
// each private item. That runs the __set__ of a data descriptor the class has under the name (a property setter) and
// assigns '__class__' when told to, so the pack admits these classes in the state pydantic writes only (HistoryCheck
// 'pydantic-state'): a literal dict of those keys, '__dict__' a plain dict of text keys that are not special names,
// '__fields_set__' a set of plain members, and private names that are text starting with an underscore and not
// special names. The values of the fields and private attributes are judged as every value of the stream is.
import { K, type DictV, type ObjV, type PyVal, kindName } from './values.js';

const KEYS = new Set(['__dict__', '__fields_set__', '__private_attribute_values__']);

function isSpecial(name: string): boolean {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__');
}

/** The entries of a literal dict whose entries were all kept with text keys, or why it is not one. */
function textEntries(v: PyVal, what: string): Map<string, PyVal> | string {
  if (typeof v !== 'object' || v.k !== K.Dict) return `${what} is ${kindName(v)}, not a plain dict`;
  const d: DictV = v;
  if (d.opaque === true || d.n > d.keys.length) return `${what} has entries the analysis did not keep`;
  const out = new Map<string, PyVal>();
  for (let i = 0; i < d.keys.length; i++) {
    const key = d.keys[i];
    if (typeof key !== 'string') return `a key of ${what} is not literal text`;
    out.set(key, d.vals[i]!);
  }
  return out;
}

function isGlobal(v: PyVal | undefined, canonical: string): boolean {
  return typeof v === 'object' && v.k === K.Global && v.imp.canonical === canonical;
}

/** Why '__fields_set__' is not a set of plain members (a literal set, or set() of a list at protocols < 4). */
function fieldsSetProblem(v: PyVal): string | undefined {
  if (typeof v !== 'object') return `'__fields_set__' is ${kindName(v)}, not a set`;
  const members = "'__fields_set__' holds members that may run code of their own (pydantic compares and hashes them)";
  if (v.k === K.Set) return v.objs !== undefined || v.objsLost === true || v.objsMore === true ? members : undefined;
  const o = v as ObjV;
  if (v.k !== K.Obj || !isGlobal(o.callee, 'builtins.set') || o.call?.kind !== 'REDUCE')
    return `'__fields_set__' is ${kindName(v)}, not a set`;
  if (o.state !== undefined || (o.states?.length ?? 0) > 0 || o.planted !== undefined)
    return "'__fields_set__' is a set given a state or items";
  const args = o.args;
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length > 1)
    return "'__fields_set__' is a set made from arguments the analysis did not keep";
  if (args.items.length === 0) return undefined;
  const items = args.items[0]!;
  if (typeof items !== 'object' || items.k !== K.List) return `'__fields_set__' is made from ${kindName(items)}`;
  const summary = items.lostInto !== undefined && items.lostInto.readBack === true ? items.lostInto : undefined;
  if (
    [items, summary].some(
      (l) => l !== undefined && (l.objs !== undefined || l.objsLost === true || l.objsMore === true),
    )
  )
    return members;
  return undefined;
}

/**
 * Why `state`, given to a BUILD of a pydantic 1 model a history pack admits with the 'pydantic-state' check, is not
 * the state BaseModel.__getstate__ writes, or undefined. Unknown, computed or truncated state counts.
 */
export function pydanticStateProblem(state: PyVal): string | undefined {
  const e = textEntries(state, 'the model state');
  if (typeof e === 'string') return e;
  for (const key of e.keys()) if (!KEYS.has(key)) return `the model state sets '${key}', which pydantic never writes`;
  const fields = e.get('__dict__');
  if (fields === undefined) return "the model state has no '__dict__'";
  const f = textEntries(fields, "'__dict__'");
  if (typeof f === 'string') return f;
  for (const key of f.keys())
    if (isSpecial(key)) return `'__dict__' sets the special attribute '${key}' (the instance's own dict)`;
  const set = e.get('__fields_set__');
  if (set === undefined) return "the model state has no '__fields_set__'";
  const s = fieldsSetProblem(set);
  if (s !== undefined) return s;
  const priv = e.get('__private_attribute_values__');
  if (priv === undefined) return undefined;
  const p = textEntries(priv, "'__private_attribute_values__'");
  if (typeof p === 'string') return p;
  for (const key of p.keys())
    if (!key.startsWith('_') || isSpecial(key))
      return `'__private_attribute_values__' names '${key}', no private attribute name (pydantic sets it with object.__setattr__, which runs the class's descriptor of that name)`;
  return undefined;
}
