// xgboost.core.Booster.__setstate__ hands the pickled 'handle' bytes to XGBoost's native deserializer
// (XGBoosterUnserializeFromBuffer). From XGBoost 1.6 the buffer is UBJSON ({"Config": ..., "Model": ...}); the tree
// loader (RegTree::LoadModel, LoadCategoricalSplit, GBTreeModel::LoadModel) indexes its arrays with counts and node
// ids read from the same buffer without checking them against each other, so an inconsistent model reads and writes
// out of bounds in native code. The buffer is parsed here with a bounded reader and every invariant the loader assumes
// is checked; a violation is reported. The forms, by the loader's own dispatch on the first bytes:
// - '{' then '"' (or whitespace): the same model as JSON text (XGBoost 1.0 - 1.3 pickle it so with JSON serialization
//   switched on, 1.4 and 1.5 always; later releases still read it), checked the same way.
// - 'CONFIG-offset:', an int64 length, that many bytes of model, then the JSON configuration (XGBoost 1.0 - 1.3
//   without JSON serialization, their default; read by 1.0 - 1.7). The loader does not check the length against the
//   buffer; the model part is the binary model below (or a JSON model when it starts with '{'); the configuration is
//   parsed by a recursive JSON reader, so its nesting is bounded here.
// - anything else: the binary model. XGBoost before 1.0 pickled a Booster as the binary model itself
//   (XGBoosterLoadModelFromBuffer) and 1.0's XGBModel.__setstate__ loads a bytes '_Booster' the same way; 1.0 - 1.7's
//   Booster.__setstate__ refuses it at the header check. The check is kept for the releases that read it. The
//   binary tree loader trusts its node ids as the JSON one does (the predictors follow them), and the 'objective'
//   attribute is parsed by the same recursive JSON reader.
// Forms no loader reads pass: an empty buffer, a 'CONFIG-offset:' length that is missing or not positive, a base64
// model ('bs64', refused at the header), a '{' followed by neither JSON text nor a UBJSON marker, and a binary model
// whose booster is not gbtree, dart or gblinear (refused by the booster registry before anything else is read).
import {
  parseUbjson,
  UBJ_LIMITS,
  UbjError,
  type UbjObject,
  type UbjTypedArray,
  type UbjValue,
} from '../../formats/ubjson.js';
import { readXgbBinaryModel, XgbBinaryError, xgbNode, type XgbBinaryTree } from '../../formats/xgboost-binary.js';

/** Per-node arrays of a tree (tree_field in XGBoost): the loader checks their lengths, their values it trusts. */
const NODE_ARRAYS = [
  'loss_changes',
  'sum_hessian',
  'base_weights',
  'left_children',
  'right_children',
  'parents',
  'split_indices',
  'split_conditions',
  'default_left',
] as const;

type Arr = UbjTypedArray | { readonly t: 'arr'; readonly items: readonly UbjValue[] };

function obj(v: UbjValue | undefined): UbjObject | undefined {
  return typeof v === 'object' && v !== null && v.t === 'obj' ? v : undefined;
}

function arr(v: UbjValue | undefined): Arr | undefined {
  return typeof v === 'object' && v !== null && (v.t === 'arr' || v.t === 'typed') ? v : undefined;
}

function len(a: Arr): number {
  return a.t === 'typed' ? a.count : a.items.length;
}

/** Element `i` of an array of numbers, or NaN when it is not a number. */
function num(a: Arr, i: number): number {
  if (a.t === 'typed') return a.at(i);
  const v = a.items[i];
  return typeof v === 'number' ? v : NaN;
}

/** An integer written as XGBoost writes its parameters: a decimal string (or a number). */
function intParam(v: UbjValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string' || !/^-?\d{1,15}$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

const isInt = (x: number): boolean => Number.isSafeInteger(x);

/** Why one tree would make the native loader index out of bounds, or undefined. */
function treeProblem(tree: UbjObject, where: string): string | undefined {
  const e = tree.entries;
  const param = obj(e.get('tree_param'));
  const n = intParam(param?.entries.get('num_nodes'));
  if (n === undefined || n <= 0) return `${where}: tree_param.num_nodes is missing or not a positive integer`;
  const leafVector = intParam(param?.entries.get('size_leaf_vector'));
  if (leafVector !== undefined && leafVector > 1)
    return `${where}: a multi-target tree (size_leaf_vector ${leafVector}), whose layout is not checked`;
  const arrays = new Map<string, Arr>();
  for (const key of NODE_ARRAYS) {
    const a = arr(e.get(key));
    if (a === undefined) return `${where}: '${key}' is missing or not an array`;
    if (len(a) !== n) return `${where}: '${key}' holds ${len(a)} entries for ${n} nodes`;
    arrays.set(key, a);
  }
  const lefts = arrays.get('left_children')!;
  const rights = arrays.get('right_children')!;
  const parents = arrays.get('parents')!;
  const inRange = (x: number): boolean => isInt(x) && x >= 0 && x < n;
  for (let i = 0; i < n; i++) {
    const l = num(lefts, i);
    const r = num(rights, i);
    if (!(l === -1 || inRange(l)) || !(r === -1 || inRange(r)))
      return `${where}: node ${i} has a child id (${l}, ${r}) outside the ${n} nodes`;
    // The loader masks the is-left bit off a parent id and reads the parent's node (the root's is unused).
    const p = num(parents, i);
    if (i > 0 && !(isInt(p) && inRange(p & 0x7fffffff)))
      return `${where}: node ${i} has a parent id ${p} outside the ${n} nodes`;
  }
  if (!e.has('split_type')) return undefined;
  return categoricalProblem(e, n, where);
}

/** The categorical splits: LoadCategoricalSplit indexes them by a running count without checking it. */
function categoricalProblem(e: ReadonlyMap<string, UbjValue>, n: number, where: string): string | undefined {
  const keys = ['split_type', 'categories_segments', 'categories_sizes', 'categories_nodes', 'categories'] as const;
  const a: Partial<Record<(typeof keys)[number], Arr>> = {};
  for (const key of keys) {
    const v = arr(e.get(key));
    if (v === undefined) return `${where}: '${key}' is missing or not an array (the tree has categorical splits)`;
    a[key] = v;
  }
  const splitType = a.split_type!;
  const segments = a.categories_segments!;
  const sizes = a.categories_sizes!;
  const nodes = a.categories_nodes!;
  const cats = a.categories!;
  if (len(splitType) !== n) return `${where}: 'split_type' holds ${len(splitType)} entries for ${n} nodes`;
  const k = len(nodes);
  if (len(segments) !== k || len(sizes) !== k)
    return (
      `${where}: ${k} categorical nodes with ${len(segments)} category segments and ${len(sizes)} sizes ` +
      '(one each per categorical node)'
    );
  let prev = -1;
  for (let j = 0; j < k; j++) {
    const node = num(nodes, j);
    if (!isInt(node) || node <= prev || node >= n)
      return `${where}: categorical node entry ${j} (${node}) is not an increasing node id below ${n}`;
    prev = node;
    const beg = num(segments, j);
    const size = num(sizes, j);
    if (!isInt(beg) || !isInt(size) || beg < 0 || size <= 0 || beg + size > len(cats))
      return `${where}: categorical node ${node} takes categories [${beg}, ${beg}+${size}) of ${len(cats)}`;
  }
  for (let i = 0; i < len(cats); i++) {
    const c = num(cats, i);
    if (!isInt(c) || c < 0 || c > 0x7fffffff) return `${where}: category ${i} is ${c} (a bit index must be >= 0)`;
  }
  return undefined;
}

/** The gbtree model: GBTreeModel::LoadModel reads num_trees trees and tree_info entries and places trees by id. */
function gbtreeProblem(model: UbjObject, where: string, groups: number): string | undefined {
  const param = obj(model.entries.get('gbtree_model_param'));
  const numTrees = intParam(param?.entries.get('num_trees'));
  if (numTrees === undefined || numTrees < 0) return `${where}: gbtree_model_param.num_trees is not an integer`;
  const trees = arr(model.entries.get('trees'));
  const info = arr(model.entries.get('tree_info'));
  if (trees === undefined || trees.t !== 'arr') return `${where}: 'trees' is missing or not an array of trees`;
  if (info === undefined) return `${where}: 'tree_info' is missing or not an array`;
  if (trees.items.length !== numTrees || len(info) !== numTrees)
    return `${where}: num_trees ${numTrees} with ${trees.items.length} trees and ${len(info)} tree_info entries`;
  // tree_info[i] is the output group tree i adds to: the predictors index their per-group sums by it unchecked.
  for (let i = 0; i < numTrees; i++) {
    const g = num(info, i);
    if (!isInt(g) || g < 0 || g >= groups)
      return `${where}: tree_info ${i} is ${g} for ${groups} output group${groups === 1 ? '' : 's'}`;
  }
  const seen = new Set<number>();
  for (let t = 0; t < numTrees; t++) {
    const tree = obj(trees.items[t]);
    if (tree === undefined) return `${where}: tree ${t} is not an object`;
    const id = tree.entries.get('id');
    if (typeof id !== 'number' || !isInt(id) || id < 0 || id >= numTrees || seen.has(id))
      return `${where}: tree ${t} has id ${String(id)} (the ids place the ${numTrees} trees, each once)`;
    seen.add(id);
    const p = treeProblem(tree, `${where} tree ${t}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** The gradient booster object: gbtree, or dart (a gbtree inside); gblinear holds no trees. */
function boosterProblem(gb: UbjObject, groups: number): string | undefined {
  const name = gb.entries.get('name');
  if (name === 'gbtree') {
    const model = obj(gb.entries.get('model'));
    return model === undefined ? "gbtree has no 'model' object" : gbtreeProblem(model, 'gbtree', groups);
  }
  if (name === 'dart') {
    const inner = obj(gb.entries.get('gbtree'));
    const model = obj(inner?.entries.get('model'));
    return model === undefined ? "dart has no gbtree 'model' object" : gbtreeProblem(model, 'dart', groups);
  }
  if (name === 'gblinear') return undefined;
  return `the gradient booster is ${JSON.stringify(name)}, not gbtree, dart or gblinear`;
}

/** Why XGBoost's tree loader would read this parsed model out of bounds, or undefined. */
function modelProblem(root: UbjValue, form: string): string | undefined {
  const top = obj(root);
  // A serialized booster holds {Config, Model}; a saved model is the Model object itself.
  const model = obj(top?.entries.get('Model')) ?? top;
  const learner = obj(model?.entries.get('learner'));
  const gb = obj(learner?.entries.get('gradient_booster'));
  if (gb === undefined) return `the ${form} model has no learner.gradient_booster object`;
  // The output groups: num_class classes (0: one group), or num_target targets (XGBoost >= 2.0).
  const param = obj(learner?.entries.get('learner_model_param'));
  const numClass = intParam(param?.entries.get('num_class'));
  const numTarget = intParam(param?.entries.get('num_target'));
  if (numClass === undefined || numClass < 0 || (numTarget !== undefined && numTarget < 1))
    return `the ${form} model's learner_model_param has no num_class count`;
  return boosterProblem(gb, Math.max(1, numClass, numTarget ?? 1));
}

/** An object of the model read twice under one key (UBJSON: XGBoost keeps the first value, the reader here the last). */
function duplicatedKey(v: UbjValue | undefined): boolean {
  const todo: (UbjValue | undefined)[] = [v];
  while (todo.length > 0) {
    const x = todo.pop();
    if (typeof x !== 'object' || x === null) continue;
    if (x.t === 'obj') {
      if (x.duplicateKeys > 0) return true;
      for (const y of x.entries.values()) todo.push(y);
    } else if (x.t === 'arr') for (const y of x.items) todo.push(y);
  }
  return false;
}

/** Why XGBoost's UBJSON deserializer would read this model out of bounds, or undefined. */
export function xgboostUbjsonProblem(buf: Uint8Array): string | undefined {
  let root: UbjValue;
  try {
    root = parseUbjson(buf);
  } catch (e) {
    if (e instanceof UbjError) return `the UBJSON model is malformed (${e.message})`;
    throw e;
  }
  // XGBoost's UBJSON reader keeps a key's first value: the model it builds may not be the one checked.
  if (duplicatedKey(root)) return 'the UBJSON model gives an object the same key twice';
  return modelProblem(root, 'UBJSON');
}

const JSON_WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Nesting depth and value count of a JSON text, counted over its bytes without parsing (strings skipped): the
 * bounds are checked before JSON.parse allocates anything.
 */
function jsonShape(buf: Uint8Array): { depth: number; values: number; keyProblem?: string } {
  let depth = 0;
  let maxDepth = 0;
  let values = 0;
  let keyProblem: string | undefined;
  // The keys of each open object (undefined for an open array): XGBoost's JSON reader keeps a key's escapes as
  // written (`a\u005fb` is not `a_b` to it) and the last of two equal keys, where JSON.parse decodes escapes, so a key
  // written with an escape, or twice, may name a value the model checked here is not the one XGBoost builds.
  const keys: (Set<string> | undefined)[] = [];
  const decoder = new TextDecoder('latin1');
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i++; i < buf.length && buf[i] !== 0x22; i++)
        if (buf[i] === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      const open = keys[keys.length - 1];
      if (open !== undefined && keyProblem === undefined) {
        let j = i + 1;
        while (j < buf.length && JSON_WS.has(buf[j]!)) j++;
        if (buf[j] === 0x3a /* : */) {
          const key = decoder.decode(buf.subarray(start, i));
          if (escaped) keyProblem = `the JSON model writes a key with an escape (${JSON.stringify(key.slice(0, 40))})`;
          else if (open.has(key))
            keyProblem = `the JSON model gives an object the key ${JSON.stringify(key.slice(0, 40))} twice`;
          else open.add(key);
        }
      }
    } else if (c === 0x7b || c === 0x5b) {
      values++;
      keys.push(c === 0x7b ? new Set() : undefined);
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      keys.pop();
    } else if (c === 0x2c /* , */) values++;
  }
  return { depth: maxDepth, values, ...(keyProblem !== undefined ? { keyProblem } : {}) };
}

/** JSON.parse, then the literals XGBoost's own reader also takes for non-finite numbers (NaN, Infinity) as null. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Outside strings only: a string is matched first and kept.
    const tolerant = text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : 'null'));
    return JSON.parse(tolerant);
  }
}

/** A parsed JSON value in the parsed-UBJSON form the checks read (arrays are kept, objects become maps). */
function fromJson(v: unknown, depth: number): UbjValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (depth > UBJ_LIMITS.maxDepth) throw new UbjError(`nesting deeper than ${UBJ_LIMITS.maxDepth}`);
  if (Array.isArray(v)) {
    const items = v as unknown[];
    return {
      t: 'arr',
      items: items.some((x) => typeof x === 'object' && x !== null)
        ? items.map((x) => fromJson(x, depth + 1))
        : (items as UbjValue[]),
    };
  }
  const entries = new Map<string, UbjValue>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) entries.set(k, fromJson(x, depth + 1));
  return { t: 'obj', entries, duplicateKeys: 0 };
}

/** Why XGBoost's JSON deserializer would read this model out of bounds, or undefined. */
export function xgboostJsonProblem(buf: Uint8Array): string | undefined {
  const shape = jsonShape(buf);
  if (shape.depth > UBJ_LIMITS.maxDepth) return `the JSON model nests deeper than ${UBJ_LIMITS.maxDepth}`;
  if (shape.values > UBJ_LIMITS.maxValues) return `the JSON model holds more than ${UBJ_LIMITS.maxValues} values`;
  if (shape.keyProblem !== undefined) return shape.keyProblem;
  let root: UbjValue;
  try {
    root = fromJson(parseJsonText(new TextDecoder('utf-8').decode(buf)), 0);
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof UbjError) return `the JSON model is malformed (${e.message})`;
    throw e;
  }
  return modelProblem(root, 'JSON');
}

const OOB = "XGBoost's native loader does not check this and reads out of bounds";
const SIZED = "XGBoost's loader sizes its allocations and reads by such counts";
const DEEP = "XGBoost's JSON reader recurses once per level and overflows the native stack";

/**
 * A '{' buffer: JSON text when '{' is followed by '"', whitespace or '}', UBJSON when by a letter (its key-length
 * marker). Anything else is neither: every loader refuses it (a binary model whose first byte happens to be '{' too).
 */
function braceProblem(buf: Uint8Array): string | undefined {
  const next = buf[1];
  if (next === undefined) return undefined;
  const json = next === 0x22 || next === 0x7d || JSON_WS.has(next);
  const letter = (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a;
  if (!json && !letter) return undefined;
  const p = json ? xgboostJsonProblem(buf) : xgboostUbjsonProblem(buf);
  return p === undefined ? undefined : `${p}; ${OOB}`;
}

/** Why one binary tree would make the loader or a predictor index out of bounds, or undefined. */
function binaryTreeProblem(view: DataView, tree: XgbBinaryTree, where: string): string | undefined {
  const n = tree.numNodes;
  // Loaders before 1.0 scan for deleted nodes from num_roots on; no binary model holds leaf vectors.
  if (tree.numRoots < 0) return `${where}: num_roots ${tree.numRoots} (the loader reads nodes from that index)`;
  if (tree.sizeLeafVector < 0 || tree.sizeLeafVector > 1)
    return `${where}: size_leaf_vector ${tree.sizeLeafVector}, which no binary model XGBoost writes holds`;
  const inRange = (x: number): boolean => x >= 0 && x < n;
  for (let i = 0; i < n; i++) {
    const node = xgbNode(view, tree, i);
    if (!(node.left === -1 || inRange(node.left)) || !(node.right === -1 || inRange(node.right)))
      return `${where}: node ${i} has a child id (${node.left}, ${node.right}) outside the ${n} nodes`;
    // Bit 31 of a parent id is its is-left flag. A root's parent (-1) is not followed: node 0, and nodes below
    // num_roots in the multi-root trees of releases before 1.0.
    const root = i === 0 || (i < tree.numRoots && node.parent === -1);
    if (!root && !inRange(node.parent & 0x7fffffff))
      return `${where}: node ${i} has a parent id ${node.parent} outside the ${n} nodes`;
  }
  // num_deleted against the deleted nodes is checked by the loader itself (it refuses a mismatch).
  return undefined;
}

/**
 * Why the binary model in `buf` would make XGBoost read out of bounds or overflow its stack, or undefined. `strict`:
 * a buffer the reader cannot read is reported (the loader allocates by its counts); otherwise it passes (the buffer is
 * also read in another form, whose check it passed, and the loaders that read it as binary refuse it).
 */
function binaryReadProblem(buf: Uint8Array, strict: boolean): string | undefined {
  if (buf.length >= 4 && buf[0] === 0x62 && buf[1] === 0x73 && buf[2] === 0x36 && buf[3] === 0x34) return undefined;
  let model;
  try {
    model = readXgbBinaryModel(buf);
  } catch (e) {
    if (!(e instanceof XgbBinaryError)) throw e;
    return strict ? `the binary model is malformed (${e.message}); ${SIZED}` : undefined;
  }
  const as = strict
    ? 'the binary model'
    : 'the buffer read as a binary model (as Booster unpickling before 1.0 reads it)';
  if (model.trees !== undefined) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let t = 0; t < model.trees.length; t++) {
      const p = binaryTreeProblem(view, model.trees[t]!, `${model.booster} tree ${t}`);
      if (p !== undefined) return `${as}: ${p}; ${OOB}`;
    }
  }
  const objective = model.attributes?.find(([k]) => k === 'objective')?.[1];
  if (objective !== undefined && jsonShape(objective).depth > UBJ_LIMITS.maxDepth)
    return `${as}: its 'objective' attribute nests deeper than ${UBJ_LIMITS.maxDepth}; ${DEEP}`;
  return undefined;
}

/** The model part of a 'CONFIG-offset:' buffer, after the learner's dispatch: '{' is a JSON model, else binary. */
function binaryModelProblem(buf: Uint8Array): string | undefined {
  return buf[0] === 0x7b /* '{' */ ? braceProblem(buf) : binaryReadProblem(buf, true);
}

const CONFIG_OFFSET = 'CONFIG-offset:';

function startsWith(buf: Uint8Array, text: string): boolean {
  if (buf.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** 'CONFIG-offset:', an int64 (little-endian) model length, the model, then the JSON configuration. */
function configOffsetProblem(buf: Uint8Array): string | undefined {
  const at = CONFIG_OFFSET.length;
  if (buf.length < at + 8) return undefined; // the loader's read of the length fails its check
  const size = new DataView(buf.buffer, buf.byteOffset + at, 8).getBigInt64(0, true);
  if (size <= 0n) return undefined; // refused: the loader checks the length is positive
  const rest = buf.length - at - 8;
  if (size > BigInt(rest))
    return (
      `the serialized model claims ${size} model bytes where ${rest} remain after its header; ` +
      "XGBoost's native loader does not check this and reads past the buffer"
    );
  const end = at + 8 + Number(size);
  const p = binaryModelProblem(buf.subarray(at + 8, end));
  if (p !== undefined) return p;
  if (jsonShape(buf.subarray(end)).depth > UBJ_LIMITS.maxDepth)
    return `the serialized model's JSON configuration nests deeper than ${UBJ_LIMITS.maxDepth}; ${DEEP}`;
  return undefined;
}

/** The forms of a booster buffer, by its first bytes (the loader's own dispatch; see the head of this file). */
export function xgboostBufferProblem(buf: Uint8Array): string | undefined {
  if (buf.length === 0) return undefined; // the loader raises on an empty buffer
  // Booster unpickling before XGBoost 1.0 reads any buffer as the binary model, whatever its first bytes: a buffer in
  // a later form is read that way too (XGBoost's own output of those forms never parses as one).
  if (buf[0] === 0x7b /* '{' */) return braceProblem(buf) ?? binaryReadProblem(buf, false);
  if (startsWith(buf, CONFIG_OFFSET)) return configOffsetProblem(buf) ?? binaryReadProblem(buf, false);
  return binaryReadProblem(buf, true);
}
