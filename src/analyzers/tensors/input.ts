// What a tensor input reader returns: the data tree of the file, what it is, and facts about the reading that a
// conversion report states (byte order swapped, decompressed in memory, pickles not read).
import type { Node } from './tree.js';

/** The checkpoint layouts `convert` reads. */
export type InputFormat = 'torch-zip' | 'torch-legacy' | 'npy' | 'npz' | 'pickle' | 'joblib';

export interface TensorInput {
  readonly format: InputFormat;
  /** The framework the tensors come from (safetensors `format` metadata: "pt" for torch checkpoints). */
  readonly framework: 'pt' | 'np';
  readonly root: Node;
  readonly notes: readonly string[];
}
