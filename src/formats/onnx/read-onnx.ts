// ONNX models decoded with the official schema (schema/onnx-ml.proto from the onnx package, compiled by
// protoc-gen-es into schema/onnx-ml_pb.ts) through @bufbuild/protobuf — from a byte source, the skeleton of the model
// (skeleton.ts: large inline tensor payloads emptied) is decoded — then walked without recursion: every node of
// the main graph, of nested graphs in attributes, of local functions and of training graphs, and every tensor that
// may carry `external_data`. This module (with the schema and the protobuf runtime) is imported only when an ONNX
// candidate is met.
import { fromBinary } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
} from './schema/onnx-ml_pb.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { buildSkeleton, type SkeletonOptions } from './skeleton.js';

export interface OnnxNode {
  readonly domain: string;
  readonly opType: string;
  readonly name: string;
  /** Where the node sits, e.g. `graph.node[3]`, `functions[0].node[1]`, `graph.node[2].attribute[then_branch].g.node[0]`. */
  readonly path: string;
  /** The function the node belongs to (`domain:name`), when it is inside a local function. */
  readonly inFunction?: string;
}

export interface OnnxExternalTensor {
  readonly tensor: string;
  readonly path: string;
  /** The `location` entry (undefined when missing). */
  readonly location?: string;
  /** data_location == EXTERNAL (what loaders act on). */
  readonly external: boolean;
  readonly entries: Readonly<Record<string, string>>;
  /** Every entry in order (the first MAX_LISTED_ENTRIES), duplicates included. */
  readonly list: readonly { readonly key: string; readonly value: string }[];
  /** TensorProto.data_type and dims (the bytes the tensor's data must hold follow from them); dims undefined past 64. */
  readonly dataType: number;
  readonly dims?: readonly bigint[];
}

const MAX_LISTED_ENTRIES = 64;

export interface OnnxModel {
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly nodes: readonly OnnxNode[];
  /** Local functions as `domain:name`. */
  readonly functions: ReadonlySet<string>;
  readonly initializers: number;
  readonly externalTensors: readonly OnnxExternalTensor[];
  readonly metadataKeys: readonly string[];
  /** Nodes not listed because the walk hit its bound. */
  readonly truncatedNodes: number;
  /** Inline payload fields (tensor data, attribute bytes) left out of the decode, and their bytes. */
  readonly skippedPayloads: number;
  readonly skippedPayloadBytes: number;
}

/** `limit` is set when the model's structure alone passes a skeleton bound (not a parse failure). */
export type OnnxDecode = { ok: true; model: OnnxModel } | { ok: false; error: string; limit?: 'bytes' | 'fields' };

const MAX_LISTED_NODES = 1_000_000;

/** Decodes a whole ONNX file held in memory (the caller bounds its size) with the official schema. */
export async function decodeOnnx(bytes: Uint8Array): Promise<OnnxDecode> {
  const m = decodeProto(bytes);
  return m instanceof Error ? { ok: false, error: m.message } : { ok: true, model: summarize(m, 0, 0) };
}

/**
 * Decodes the ONNX model in `src` without holding its inline tensor payloads: memory is bounded by
 * `opts.maxBytes` (the skeleton) and the decoded structure, whatever the size of the file.
 */
export async function decodeOnnxSource(src: ByteSource, opts: SkeletonOptions): Promise<OnnxDecode> {
  const sk = buildSkeleton(src, opts);
  if (!sk.ok) return { ok: false, error: sk.error, ...(sk.limit ? { limit: sk.limit } : {}) };
  const m = decodeProto(sk.bytes);
  return m instanceof Error
    ? { ok: false, error: m.message }
    : { ok: true, model: summarize(m, sk.droppedFields, sk.droppedBytes) };
}

/** The official schema's decode (unknown fields dropped, as loaders ignore them). */
export function decodeProto(bytes: Uint8Array): ModelProto | Error {
  try {
    return fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false });
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function entriesOf(list: readonly { key: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list) out[e.key] = e.value;
  return out;
}

export function summarize(m: ModelProto, skippedPayloads: number, skippedPayloadBytes: number): OnnxModel {
  const nodes: OnnxNode[] = [];
  const externalTensors: OnnxExternalTensor[] = [];
  let initializers = 0;
  let truncatedNodes = 0;
  const functions = new Set(m.functions.map((f) => `${f.domain}:${f.name}`));
  const graphs: { g: GraphProto; path: string; inFunction?: string }[] = [];
  const nodeLists: { nodes: readonly NodeProto[]; path: string; inFunction?: string }[] = [];
  if (m.graph) graphs.push({ g: m.graph, path: 'graph' });
  m.functions.forEach((f, i) =>
    nodeLists.push({ nodes: f.node, path: `functions[${i}]`, inFunction: `${f.domain}:${f.name}` }),
  );
  m.trainingInfo.forEach((t, i) => {
    if (t.initialization) graphs.push({ g: t.initialization, path: `training_info[${i}].initialization` });
    if (t.algorithm) graphs.push({ g: t.algorithm, path: `training_info[${i}].algorithm` });
  });
  const tensor = (t: TensorProto | undefined, path: string): void => {
    if (!t) return;
    const external = t.dataLocation === 1;
    if (!external && t.externalData.length === 0) return;
    const entries = entriesOf(t.externalData);
    externalTensors.push({
      tensor: t.name,
      path,
      ...(entries['location'] !== undefined ? { location: entries['location'] } : {}),
      external,
      entries,
      list: t.externalData.slice(0, MAX_LISTED_ENTRIES).map((e) => ({ key: e.key, value: e.value })),
      dataType: t.dataType,
      ...(t.dims.length <= MAX_LISTED_ENTRIES ? { dims: [...t.dims] } : {}),
    });
  };
  const sparse = (s: SparseTensorProto | undefined, path: string): void => {
    if (!s) return;
    tensor(s.values, `${path}.values`);
    tensor(s.indices, `${path}.indices`);
  };
  const attribute = (a: AttributeProto, path: string, inFunction?: string): void => {
    const p = `${path}.attribute[${a.name}]`;
    tensor(a.t, `${p}.t`);
    a.tensors.forEach((t, i) => tensor(t, `${p}.tensors[${i}]`));
    sparse(a.sparseTensor, `${p}.sparse_tensor`);
    a.sparseTensors.forEach((s, i) => sparse(s, `${p}.sparse_tensors[${i}]`));
    if (a.g) graphs.push({ g: a.g, path: `${p}.g`, ...(inFunction ? { inFunction } : {}) });
    a.graphs.forEach((g, i) => graphs.push({ g, path: `${p}.graphs[${i}]`, ...(inFunction ? { inFunction } : {}) }));
  };
  // Breadth-first over graphs and node lists; nested graphs are queued, never recursed into.
  for (let gi = 0, li = 0; gi < graphs.length || li < nodeLists.length;) {
    if (gi < graphs.length) {
      const { g, path, inFunction } = graphs[gi++]!;
      g.initializer.forEach((t, i) => {
        initializers++;
        tensor(t, `${path}.initializer[${i}]`);
      });
      g.sparseInitializer.forEach((s, i) => {
        initializers++;
        sparse(s, `${path}.sparse_initializer[${i}]`);
      });
      nodeLists.push({ nodes: g.node, path, ...(inFunction ? { inFunction } : {}) });
      continue;
    }
    const { nodes: list, path, inFunction } = nodeLists[li++]!;
    list.forEach((n, i) => {
      const np = `${path}.node[${i}]`;
      if (nodes.length < MAX_LISTED_NODES)
        nodes.push({
          domain: n.domain,
          opType: n.opType,
          name: n.name,
          path: np,
          ...(inFunction ? { inFunction } : {}),
        });
      else truncatedNodes++;
      for (const a of n.attribute) attribute(a, np, inFunction);
    });
  }
  return {
    irVersion: Number(m.irVersion),
    producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '),
    opsets: m.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    nodes,
    functions,
    initializers,
    externalTensors,
    metadataKeys: m.metadataProps.map((p) => p.key),
    truncatedNodes,
    skippedPayloads,
    skippedPayloadBytes,
  };
}

/**
 * True when the decoded message is plausibly a model: a version and a graph or operator sets, or — without
 * ir_version, which onnx.load does not require — both graph nodes and operator sets.
 */
export function isOnnxModel(m: OnnxModel): boolean {
  if (m.irVersion === 0) return m.nodes.length > 0 && m.opsets.length > 0;
  return m.irVersion >= 1 && m.irVersion <= 64 && (m.nodes.length > 0 || m.opsets.length > 0);
}
