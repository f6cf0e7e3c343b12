// What one top-level file contributes to the model-folder phase (model-folder.ts): plain data that crosses from a
// worker thread and names no path of its own (an outcome may be re-targeted to every path with the same content).
import type { RemoteCodeRef } from '../analyzers/model/hf-config.js';
import type { ImportTimeCall } from '../analyzers/python/torch/import-time-rule.js';

/** The post-walk phase id (the key of this summary in FileOutcome.summaries). */
export const MODEL_FOLDER_PHASE = 'model-folder';

export interface ModelFolderSummary {
  /** A config's auto_map / custom_pipelines references. */
  readonly remoteCode?: { readonly refs: readonly RemoteCodeRef[] };
  /** A Python module's import-time calls and the sibling modules it imports relatively. */
  readonly python?: { readonly importTime: readonly ImportTimeCall[]; readonly relativeImports: readonly string[] };
}
