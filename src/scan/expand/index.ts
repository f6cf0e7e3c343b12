// Format registry: expanders in the order their content checks run. Formats are chosen by content, never by
// extension; formats recognised by their full structure (safetensors, GGUF, HDF5) come before every guess, ONNX
// (weak protobuf sniff, confirmed by decoding) and JSON before the raw-pickle check, which runs last because
// protocol 0/1 pickles have no magic bytes. Python and Jinja are chosen by name and fall through to the others.
import type { Expander } from './context.js';
import { compressedExpander } from './compressed.js';
import { ggufExpander } from './gguf.js';
import { hdf5Expander } from './hdf5.js';
import { jinjaExpander } from './jinja.js';
import { jsonExpander } from './json.js';
import { npyExpander } from './npy.js';
import { onnxExpander } from './onnx.js';
import { pickleExpander } from './pickle.js';
import { pythonExpander } from './python.js';
import { safetensorsExpander } from './safetensors.js';
import { sevenZipExpander } from './sevenzip.js';
import { tarExpander } from './tar.js';
import { zipExpander } from './zip.js';

export const EXPANDERS: readonly Expander[] = [
  pythonExpander,
  jinjaExpander,
  safetensorsExpander,
  ggufExpander,
  hdf5Expander,
  zipExpander,
  sevenZipExpander,
  npyExpander,
  compressedExpander,
  tarExpander,
  onnxExpander,
  jsonExpander,
  pickleExpander,
];
