// A bounded reader of XGBoost's binary model (the only form before XGBoost 1.0; in 1.0 - 1.7 the model part of the
// 'CONFIG-offset:' serialization and what `save_raw(raw_format='deprecated')` writes). The layout is the same from
// XGBoost 0.60 to 1.7, always little-endian (a big-endian host swaps bytes on reading):
//
//   ["binf"]                                      optional 4-byte header
//   learner parameter, 136 bytes                  base_score f32, num_feature u32, num_class i32,
//                                                 contain_extra_attrs i32, contain_eval_metrics i32, ...
//   objective, booster name                       each a string: u64 length, then the bytes
//   gbtree / dart: model parameter, 160 bytes     num_trees i32 first
//     num_trees trees, each:
//       tree parameter, 148 bytes                 num_roots, num_nodes, num_deleted, max_depth, num_feature,
//                                                 size_leaf_vector (i32 each), 31 reserved
//       num_nodes nodes, 20 bytes each            parent i32 (is-left in bit 31), left i32, right i32,
//                                                 split index u32 (default-left in bit 31), value f32
//       num_nodes statistics, 16 bytes each
//     num_trees tree_info entries, i32 each
//     dart only: weight_drop, u64 count then f32s
//   gblinear: model parameter, 136 bytes, then its weights (u64 count then f32s)
//   if contain_extra_attrs != 0: attributes, u64 count then (key, value) string pairs
//
// Every count is checked against the bytes that remain before anything is taken for it, so loops are bounded by the
// buffer: a hostile model ends in an error, never in a hang or an allocation it chose. Node fields stay in the buffer
// and are read on demand.

export class XgbBinaryError extends Error {}

export const LEARNER_PARAM_BYTES = 136;
export const GBTREE_PARAM_BYTES = 160;
export const GBLINEAR_PARAM_BYTES = 136;
export const TREE_PARAM_BYTES = 148;
export const NODE_BYTES = 20;
export const NODE_STAT_BYTES = 16;

export interface XgbBinaryTree {
  readonly numRoots: number;
  readonly numNodes: number;
  readonly numDeleted: number;
  readonly sizeLeafVector: number;
  /** Offset of node 0 in the buffer; the caller reads nodes below numNodes (their bytes are present). */
  readonly nodesAt: number;
}

export interface XgbBinaryModel {
  readonly binf: boolean;
  readonly containExtraAttrs: number;
  readonly objective: string;
  readonly booster: string;
  /** gbtree and dart. */
  readonly numTrees?: number;
  readonly trees?: readonly XgbBinaryTree[];
  /** Attributes (key, value bytes); present when contain_extra_attrs is set and the section was there. */
  readonly attributes?: readonly (readonly [string, Uint8Array])[];
}

const LATIN1 = new TextDecoder('latin1');

/** The node fields the tree loaders and predictors follow; `view` spans the buffer the model was read from. */
export function xgbNode(
  view: DataView,
  tree: XgbBinaryTree,
  i: number,
): { parent: number; left: number; right: number; sindex: number } {
  const at = tree.nodesAt + i * NODE_BYTES;
  return {
    parent: view.getInt32(at, true),
    left: view.getInt32(at + 4, true),
    right: view.getInt32(at + 8, true),
    sindex: view.getUint32(at + 12, true),
  };
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get left(): number {
    return this.buf.length - this.pos;
  }
  need(n: number, what: string): void {
    if (n > this.left) throw new XgbBinaryError(`${what} needs ${n} bytes, ${this.left} remain`);
  }
  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
  i32(at: number): number {
    return this.view.getInt32(at, true);
  }
  /** A u64 count; a value above 2^53 is reported as such (no buffer holds that many bytes). */
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new XgbBinaryError(`${what} is ${v}, beyond any buffer`);
    return Number(v);
  }
  bytes(what: string): Uint8Array {
    const n = this.u64(`the length of ${what}`);
    this.need(n, `${what} (${n} bytes)`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A vector of f32 whose read the loader does not check: absent (fewer than 8 bytes) is an empty vector. */
  floats(what: string): void {
    if (this.left < 8) return;
    const n = this.u64(`the count of ${what}`);
    this.skip(n * 4, `${what} (${n} floats)`);
  }
}

function tree(r: Reader, where: string): XgbBinaryTree {
  r.need(TREE_PARAM_BYTES, `${where}'s parameter`);
  const at = r.pos;
  const numRoots = r.i32(at);
  const numNodes = r.i32(at + 4);
  const numDeleted = r.i32(at + 8);
  const sizeLeafVector = r.i32(at + 20);
  r.pos += TREE_PARAM_BYTES;
  if (numNodes <= 0) throw new XgbBinaryError(`${where} has num_nodes ${numNodes}`);
  r.need(numNodes * (NODE_BYTES + NODE_STAT_BYTES), `${where}'s ${numNodes} nodes and their statistics`);
  const nodesAt = r.pos;
  r.pos += numNodes * (NODE_BYTES + NODE_STAT_BYTES);
  return { numRoots, numNodes, numDeleted, sizeLeafVector, nodesAt };
}

/** Reads a binary model spanning `buf` (bytes after it are ignored, as the loader ignores them). */
export function readXgbBinaryModel(buf: Uint8Array): XgbBinaryModel {
  const r = new Reader(buf);
  const binf = buf.length >= 4 && LATIN1.decode(buf.subarray(0, 4)) === 'binf';
  if (binf) r.pos = 4;
  r.need(LEARNER_PARAM_BYTES, 'the learner parameter');
  const containExtraAttrs = r.i32(r.pos + 12);
  r.pos += LEARNER_PARAM_BYTES;
  const objective = LATIN1.decode(r.bytes('the objective name'));
  const booster = LATIN1.decode(r.bytes('the booster name'));
  let numTrees: number | undefined;
  let trees: XgbBinaryTree[] | undefined;
  if (booster === 'gbtree' || booster === 'dart') {
    r.need(GBTREE_PARAM_BYTES, 'the gbtree parameter');
    numTrees = r.i32(r.pos);
    r.pos += GBTREE_PARAM_BYTES;
    if (numTrees < 0) throw new XgbBinaryError(`num_trees is ${numTrees}`);
    // Each tree takes at least its parameter and one node: the count is bounded by the bytes before the loop.
    const least = TREE_PARAM_BYTES + NODE_BYTES + NODE_STAT_BYTES + 4;
    if (numTrees * least > r.left)
      throw new XgbBinaryError(`num_trees ${numTrees} cannot fit in the ${r.left} bytes that remain`);
    trees = [];
    for (let t = 0; t < numTrees; t++) trees.push(tree(r, `tree ${t}`));
    r.skip(numTrees * 4, `the ${numTrees} tree_info entries`);
    if (booster === 'dart') r.floats('dart weight_drop');
  } else if (booster === 'gblinear') {
    r.skip(GBLINEAR_PARAM_BYTES, 'the gblinear parameter');
    r.floats('the gblinear weights');
  } else {
    // The loader's booster registry refuses any other name before reading on.
    return { binf, containExtraAttrs, objective, booster };
  }
  let attributes: [string, Uint8Array][] | undefined;
  if (containExtraAttrs !== 0 && r.left >= 8) {
    const n = r.u64('the attribute count');
    // A pair is two strings of at least their 8-byte lengths each.
    if (n * 16 > r.left) throw new XgbBinaryError(`${n} attributes cannot fit in the ${r.left} bytes that remain`);
    attributes = [];
    for (let i = 0; i < n; i++) {
      const key = LATIN1.decode(r.bytes(`attribute ${i}'s key`));
      attributes.push([key, r.bytes(`attribute ${JSON.stringify(key)}`)]);
    }
  }
  return { binf, containExtraAttrs, objective, booster, numTrees, trees, attributes };
}
