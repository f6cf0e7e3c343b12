// A file standing where a model should be but holding none of it: a 0-byte model file (an interrupted download, a
// placeholder) or a Git LFS pointer (the weights were never fetched). Either is SCAN-INCOMPLETE, never a silent pass.
// The two differ in risk. An LFS pointer names content the gate has not seen, and a deployment that runs
// `git lfs pull` loads that content: the gate cannot vouch for it, so the finding keeps the rule's severity and
// blocks. An empty file has been read in full: no loader builds anything from zero bytes (each raises at end of
// input before running an opcode) and nothing can hide in it, so the release is broken rather than unsafe: the
// finding is MEDIUM (a ticket, not a block). LFS pointer layout: git-lfs spec v1 (first line
// `version https://git-lfs.github.com/spec/v1`).
import { isLfsPointer } from './expand/safetensors.js';

/** Extensions of files that hold model weights or serialized objects (an empty one is never a valid model). */
const MODEL_EXTENSIONS = new Set([
  'pt',
  'pth',
  'ckpt',
  'bin',
  'safetensors',
  'gguf',
  'ggml',
  'onnx',
  'h5',
  'hdf5',
  'keras',
  'pkl',
  'pickle',
  'joblib',
  'npy',
  'npz',
  'msgpack',
  'tflite',
  'pb',
  'mar',
  'nemo',
  'model',
]);

function extension(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** A placeholder's finding: why the file holds no model, and a lower severity than the rule's where it has one. */
export interface Placeholder {
  readonly reason: string;
  readonly severity?: 'MEDIUM';
}

/**
 * Why the top-level file `name` is a placeholder rather than content, or undefined. `head` is the start of the
 * file (at least 64 bytes when the file has them). A `.safetensors` LFS pointer is reported by the safetensors
 * reader (MODEL-STRUCT) and is not repeated here.
 */
export function placeholderReason(name: string, size: number, head: Uint8Array): Placeholder | undefined {
  const ext = extension(name);
  if (size === 0) {
    return MODEL_EXTENSIONS.has(ext)
      ? {
          reason: `the .${ext} file is empty (0 bytes): there is no model in it (an interrupted download or a placeholder); nothing loads or runs from zero bytes, but the release does not ship its model`,
          severity: 'MEDIUM',
        }
      : undefined;
  }
  if (ext !== 'safetensors' && size < 1024 && isLfsPointer(head)) {
    return {
      reason: 'the file is a Git LFS pointer, not the content it names (run `git lfs pull` and scan the real file)',
    };
  }
  return undefined;
}
