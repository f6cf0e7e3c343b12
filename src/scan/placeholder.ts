// A file standing where a model should be but holding none of it: a 0-byte model file (an interrupted download, a
// placeholder) or a Git LFS pointer (the weights were never fetched). The gate cannot vouch for bytes it has not
// seen, so either is SCAN-INCOMPLETE, never a silent pass. LFS pointer layout: git-lfs spec v1 (first line
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

/**
 * Why the top-level file `name` is a placeholder rather than content, or undefined. `head` is the start of the
 * file (at least 64 bytes when the file has them). A `.safetensors` LFS pointer is reported by the safetensors
 * reader (MODEL-STRUCT) and is not repeated here.
 */
export function placeholderReason(name: string, size: number, head: Uint8Array): string | undefined {
  const ext = extension(name);
  if (size === 0) {
    return MODEL_EXTENSIONS.has(ext)
      ? `the .${ext} file is empty (0 bytes): there is no model to scan (an interrupted download or a placeholder)`
      : undefined;
  }
  if (ext !== 'safetensors' && size < 1024 && isLfsPointer(head)) {
    return 'the file is a Git LFS pointer, not the content it names (run `git lfs pull` and scan the real file)';
  }
  return undefined;
}
