// OmegaConf's configuration objects (the omegaconf history pack: what PyTorch Lightning keeps as a checkpoint's
// hyper-parameters and what training scripts save beside their weights) pickle through their __dict__: NEWOBJ of the
// class with no arguments, then one BUILD of a dict. Every released version 2.0 - 2.3 writes one shape per class:
// - DictConfig / ListConfig: '_metadata' (a ContainerMetadata), '_parent' (the enclosing container or None) and
//   '_content' (a dict of keys to nodes, a list of nodes, None, or an interpolation / '???' string);
// - value nodes (AnyNode, StringNode, IntegerNode, FloatNode, BooleanNode, BytesNode): '_metadata' (a Metadata),
//   '_parent' and '_val' (a scalar);
// - Metadata / ContainerMetadata (dataclasses): their fields, whose type fields hold typing.Any, typing.Dict,
//   typing.List or a class, flags a dict of str to bool, and resolver_cache the defaultdict(dict) of cached resolver
//   results.
// The containers' __setstate__ (2.1 on) reads the type fields of the metadata object the state holds and subscripts
// typing.Dict[key_type, element_type] / typing.List[element_type] with them (typing type-checks and hashes its
// arguments); every container hashes its whole rendering and every node its value when used as a dict key. The pack
// admits the classes in the shape the library writes only (HistoryCheck 'omegaconf-state'): a literal dict of the
// class's own keys, metadata of the exact class, type fields that are None or plain types (PLAIN_TYPES), scalar keys,
// flags and values, content made of config nodes, and interpolations that call no resolver but OmegaConf's own and
// Hydra's (a resolver the consumer registered is code that runs with the stream's arguments when the value is read).
// Anything else - a key the class never writes (an attribute its methods would find first), metadata of another
// class, a type from the stream that is not plain, a callable or object as a value, state the analysis did not keep -
// is reported.
import { instanceClasses } from './instance-class.js';
import { K, kindName as bareKind, type DictV, type ObjV, type PyVal } from './values.js';

/** The kind of `v` with its article ('an object', 'a str'). */
function kindName(v: PyVal): string {
  const k = bareKind(v);
  return /^[aeiou]/.test(k) ? `an ${k}` : `a ${k}`;
}

const DICT_CONFIG = 'omegaconf.dictconfig.DictConfig';
const LIST_CONFIG = 'omegaconf.listconfig.ListConfig';
const METADATA = 'omegaconf.base.Metadata';
const CONTAINER_METADATA = 'omegaconf.base.ContainerMetadata';
const CONTAINERS = new Set([DICT_CONFIG, LIST_CONFIG]);
const VALUE_NODES = new Set([
  'omegaconf.nodes.AnyNode',
  'omegaconf.nodes.StringNode',
  'omegaconf.nodes.IntegerNode',
  'omegaconf.nodes.FloatNode',
  'omegaconf.nodes.BooleanNode',
  'omegaconf.nodes.BytesNode',
]);
/** Every class the check covers (the classes a config's content and parent may be). */
const NODES = new Set([...CONTAINERS, ...VALUE_NODES]);

/** The fields of Metadata (every release: 2.0 lacks flags_root, which later releases add). */
const METADATA_FIELDS = new Set([
  'ref_type',
  'object_type',
  'optional',
  'key',
  'flags',
  'flags_root',
  'resolver_cache',
]);
const CONTAINER_METADATA_FIELDS = new Set([...METADATA_FIELDS, 'key_type', 'element_type']);
const TYPE_FIELDS = new Set(['ref_type', 'object_type', 'key_type', 'element_type']);

/**
 * The types a metadata type field may hold: typing.Any, the typing generics the library writes for dict and list
 * fields (typing.Dict, typing.List: the containers' __setstate__ subscripts them), and the builtin classes of
 * OmegaConf's value nodes and containers. Comparing, hashing or subscripting typing with them runs no code of the stream.
 */
const PLAIN_TYPES = new Set([
  'typing.Any',
  'typing.Dict',
  'typing.List',
  'builtins.int',
  'builtins.float',
  'builtins.str',
  'builtins.bool',
  'builtins.bytes',
  'builtins.dict',
  'builtins.list',
  'builtins.object',
]);

/**
 * Resolvers an interpolation may call: OmegaConf's own (2.0's env, 2.1 on the oc.* set) and those Hydra registers
 * (hydra, now, python_version): each reads the environment, the clock or the config. Any other name is a resolver the
 * consumer's code registered, which runs with the stream's arguments when the value is read.
 */
const KNOWN_RESOLVERS = new Set([
  'env',
  'oc.env',
  'oc.create',
  'oc.decode',
  'oc.deprecated',
  'oc.select',
  'oc.dict.keys',
  'oc.dict.values',
  'hydra',
  'now',
  'python_version',
]);

/** A config container or value node of the omegaconf history pack (not its metadata dataclasses). */
export function isConfigNode(name: string): boolean {
  return NODES.has(name);
}

function exactClass(v: PyVal, names: ReadonlySet<string>): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length > 0 && c.names.every((n) => names.has(n));
}

/**
 * Why text `s` of a config is not plain (a resolver the consumer registered, or a resolver name or key the load
 * computes from another interpolation: OmegaConf's grammar allows `${${name}:arg}` and `${oc.${x}:arg}`), or undefined.
 */
function textProblem(s: string, where: string): string | undefined {
  for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i + 2)) {
    const head = /^[^:}]*/.exec(s.slice(i + 2))![0];
    if (head.includes('${'))
      return `${where} computes a resolver name or key from another interpolation (the resolver it calls is not known before the value is read)`;
  }
  for (const m of s.matchAll(/\$\{\s*([A-Za-z_][\w.-]*)\s*:/g)) {
    if (!KNOWN_RESOLVERS.has(m[1]!))
      return `${where} interpolates resolver '${m[1]}', which neither OmegaConf nor Hydra defines (code the consumer registered, run with the stream's arguments when the value is read)`;
  }
  return undefined;
}

/** Why `v` is not a scalar the library writes as a node value or key (None, bool, int, float, text, bytes), or undefined. */
function scalarProblem(v: PyVal, where: string, bytesOk = true): string | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return undefined;
  if (typeof v === 'string') return textProblem(v, where);
  switch (v.k) {
    case K.None:
    case K.True:
    case K.False:
    case K.Float:
      return undefined;
    case K.Str:
      return `${where} is text longer than the analysis keeps (its interpolations cannot be read)`;
    case K.Bytes:
      if (bytesOk) return undefined;
      break;
    default:
      break;
  }
  return `${where} is ${kindName(v)}, not a scalar (OmegaConf writes None, bools, numbers, text or bytes)`;
}

/** Why `d` is a dict whose items the analysis did not keep in full, or undefined. */
function partialDict(d: DictV): boolean {
  return d.opaque === true || d.n > d.keys.length || d.lostInto !== undefined;
}

/** The state's items by literal key, or why it is not a literal dict of the keys in `allowed`. */
function stateItems(state: PyVal, allowed: ReadonlySet<string>, cls: string): Map<string, PyVal> | string {
  if (typeof state !== 'object' || state.k !== K.Dict)
    return `the state is ${kindName(state)}, not the dict ${cls} writes`;
  if (partialDict(state)) return 'the state has entries the analysis did not keep';
  const out = new Map<string, PyVal>();
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (typeof key !== 'string') return `a state key is ${kindName(key)}, not literal text`;
    if (!allowed.has(key))
      return `the state sets '${key}', which ${cls} never writes (an attribute its methods would find first)`;
    out.set(key, state.vals[i]!);
  }
  return out;
}

/** Why a metadata type field's value is not None or a plain type, or undefined. */
function typeProblem(v: PyVal, field: string): string | undefined {
  if (typeof v === 'object' && v.k === K.None) return undefined;
  if (typeof v === 'object' && v.k === K.Global && PLAIN_TYPES.has(v.imp.canonical)) return undefined;
  const what = typeof v === 'object' && v.k === K.Global ? v.imp.canonical : kindName(v);
  return `the metadata's ${field} is ${what}, not None or a plain type (the containers' __setstate__ compares it and subscripts typing generics with it)`;
}

/** Why a metadata's resolver_cache is not the defaultdict(dict) of scalar results the library writes, or undefined. */
function cacheProblem(v: PyVal): string | undefined {
  if (typeof v !== 'object') return `the metadata's resolver_cache is ${kindName(v)}`;
  let entries: DictV | undefined;
  if (v.k === K.Dict) entries = v;
  else if (v.k === K.Obj) {
    const o: ObjV = v;
    const callee = o.callee;
    const args = o.args;
    if (
      typeof callee !== 'object' ||
      callee.k !== K.Global ||
      callee.imp.canonical !== 'collections.defaultdict' ||
      o.call?.kind !== 'REDUCE' ||
      typeof args !== 'object' ||
      args.k !== K.Tuple ||
      args.items.length !== 1 ||
      args.more !== 0 ||
      typeof args.items[0] !== 'object' ||
      (args.items[0] as PyVal & object).k !== K.Global ||
      (args.items[0] as { imp: { canonical: string } }).imp.canonical !== 'builtins.dict'
    )
      return "the metadata's resolver_cache is not the defaultdict(dict) OmegaConf writes";
    if ((o.states?.length ?? 0) > 0 || o.state !== undefined)
      return "the metadata's resolver_cache is given a state (a defaultdict has none)";
    entries = o.planted;
    if (entries === undefined) return undefined;
  } else return `the metadata's resolver_cache is ${kindName(v)}`;
  if (partialDict(entries) || entries.dropsCode === true)
    return "the metadata's resolver_cache has entries the analysis did not keep";
  for (let i = 0; i < entries.keys.length; i++) {
    if (typeof entries.keys[i] !== 'string') return "a resolver_cache key is not a resolver's name";
    const per = entries.vals[i]!;
    if (typeof per !== 'object' || per.k !== K.Dict || partialDict(per))
      return 'a resolver_cache entry is not a literal dict of cached results';
    for (let j = 0; j < per.keys.length; j++) {
      const key = per.keys[j]!;
      const keyItems = typeof key === 'object' && key.k === K.Tuple ? key.items : [key];
      if (typeof key === 'object' && key.k === K.Tuple && key.more !== 0)
        return 'a cached resolver key has items the analysis did not keep';
      for (const it of keyItems) {
        const p = scalarProblem(it, 'a cached resolver key');
        if (p !== undefined) return p;
      }
      const p = scalarProblem(per.vals[j]!, 'a cached resolver result');
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

function metadataProblem(state: PyVal, cls: string): string | undefined {
  const items = stateItems(state, cls === CONTAINER_METADATA ? CONTAINER_METADATA_FIELDS : METADATA_FIELDS, cls);
  if (typeof items === 'string') return items;
  for (const [key, v] of items) {
    if (TYPE_FIELDS.has(key)) {
      const p = typeProblem(v, key);
      if (p !== undefined) return p;
    } else if (key === 'optional' || key === 'flags_root') {
      if (typeof v !== 'object' || (v.k !== K.True && v.k !== K.False))
        return `the metadata's ${key} is ${kindName(v)}, not a literal bool (its truth value would run code)`;
    } else if (key === 'key') {
      const p = scalarProblem(v, "the metadata's key");
      if (p !== undefined) return p;
    } else if (key === 'flags') {
      if (typeof v === 'object' && v.k === K.None) continue;
      if (typeof v !== 'object' || v.k !== K.Dict) return `the metadata's flags is ${kindName(v)}, not a dict`;
      if (partialDict(v)) return "the metadata's flags has entries the analysis did not keep";
      for (let i = 0; i < v.keys.length; i++) {
        if (typeof v.keys[i] !== 'string') return "a metadata flag's name is not literal text";
        const f = v.vals[i]!;
        if (typeof f !== 'object' || (f.k !== K.True && f.k !== K.False && f.k !== K.None))
          return `the metadata flag '${String(v.keys[i])}' is ${kindName(f)}, not a bool or None`;
      }
    } else if (key === 'resolver_cache') {
      const p = cacheProblem(v);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

function parentProblem(v: PyVal): string | undefined {
  if (typeof v === 'object' && v.k === K.None) return undefined;
  if (exactClass(v, CONTAINERS)) return undefined;
  return `'_parent' is ${kindName(v)} that is not a DictConfig, a ListConfig or None`;
}

/** Why an item of a container's content is not a config node, or undefined. */
function nodeProblem(v: PyVal, where: string): string | undefined {
  if (exactClass(v, NODES)) return undefined;
  return `${where} is ${kindName(v)}, not a config node (DictConfig, ListConfig or an admitted value node)`;
}

function contentProblem(v: PyVal, cls: string): string | undefined {
  if (typeof v === 'string') return textProblem(v, "the container's content");
  if (typeof v !== 'object') return `'_content' is ${kindName(v)}`;
  if (v.k === K.None) return undefined;
  if (v.k === K.Str) return "the container's content is text longer than the analysis keeps";
  if (cls === DICT_CONFIG && v.k === K.Dict) {
    if (partialDict(v)) return "the DictConfig's content has entries the analysis did not keep";
    for (let i = 0; i < v.keys.length; i++) {
      const p = scalarProblem(v.keys[i]!, 'a DictConfig key');
      if (p !== undefined) return p;
      const q = nodeProblem(v.vals[i]!, 'a DictConfig value');
      if (q !== undefined) return q;
    }
    return undefined;
  }
  if (cls === LIST_CONFIG && v.k === K.List) {
    if (v.objsLost === true || v.others === true || v.lostInto !== undefined)
      return "the ListConfig's content has items the analysis did not keep";
    for (const it of v.items ?? v.objs ?? []) {
      const p = nodeProblem(it, 'a ListConfig item');
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return `'_content' of a ${cls.slice(cls.lastIndexOf('.') + 1)} is ${kindName(v)}`;
}

const CONTAINER_KEYS = new Set(['_metadata', '_parent', '_content']);
const NODE_KEYS = new Set(['_metadata', '_parent', '_val']);

function containerOrNodeProblem(state: PyVal, cls: string): string | undefined {
  const container = CONTAINERS.has(cls);
  const items = stateItems(state, container ? CONTAINER_KEYS : NODE_KEYS, cls);
  if (typeof items === 'string') return items;
  const meta = items.get('_metadata');
  if (meta === undefined) return "the state lacks '_metadata'";
  const metaClass = container ? CONTAINER_METADATA : METADATA;
  if (!exactClass(meta, new Set([metaClass])))
    return `'_metadata' is ${kindName(meta)} that is not a ${metaClass.slice(metaClass.lastIndexOf('.') + 1)} (the hooks read its attributes)`;
  const parent = items.get('_parent');
  if (parent !== undefined) {
    const p = parentProblem(parent);
    if (p !== undefined) return p;
  }
  if (container) {
    const content = items.get('_content');
    return content === undefined ? undefined : contentProblem(content, cls);
  }
  const val = items.get('_val');
  return val === undefined ? undefined : scalarProblem(val, "the node's value");
}

/**
 * Why `state`, given to a BUILD of `cls` (an OmegaConf class the history pack admits with the 'omegaconf-state'
 * check), is not the state OmegaConf writes, or undefined. Unknown, computed or truncated state counts.
 */
export function omegaconfStateProblem(cls: string, state: PyVal): string | undefined {
  if (cls === METADATA || cls === CONTAINER_METADATA) return metadataProblem(state, cls);
  if (NODES.has(cls)) return containerOrNodeProblem(state, cls);
  return `${cls} is not a class the OmegaConf state check knows`;
}
