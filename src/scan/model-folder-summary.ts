// What one top-level file contributes to the model-folder phase (model-folder.ts): plain data that crosses from a
// worker thread and names no path of its own (an outcome may be re-targeted to every path with the same content).
import type { RemoteCodeRef } from '../analyzers/model/hf-config.js';
import type { ImportTimeCall } from '../analyzers/python/torch/import-time-rule.js';

/** The post-walk phase id (the key of this summary in FileOutcome.summaries). */
export const MODEL_FOLDER_PHASE = 'model-folder';

export interface ModelFolderSummary {
  /** A config's auto_map / custom_pipelines references. */
  readonly remoteCode?: { readonly refs: readonly RemoteCodeRef[] };
  /** ONNX tensors whose data lives in a file beside the model: the relative location and the range read from it. */
  readonly onnxExternal?: { readonly tensors: readonly OnnxExternalRange[] };
  /** A Python module's import-time calls and the sibling modules it imports relatively. */
  readonly python?: { readonly importTime: readonly ImportTimeCall[]; readonly relativeImports: readonly string[] };
}

/** One external_data range of an ONNX tensor (offset and length as decimal strings: int64 values). */
export interface OnnxExternalRange {
  readonly tensor: string;
  /** The `location` entry, relative to the model's folder. */
  readonly location: string;
  readonly offset: string;
  /** Absent: the loader reads to the end of the file. */
  readonly length?: string;
  /** JSON-ish path of the tensor in the model. */
  readonly path: string;
}
