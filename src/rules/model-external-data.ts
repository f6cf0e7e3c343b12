// MODEL-EXTERNAL-DATA: side-file references that leave the model's folder — ONNX external_data locations,
// safetensors index shard names, HDF5 external links (analyzers/model/side-file-path.ts).
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelExternalData: Rule = {
  meta: modelMeta({
    id: 'MODEL-EXTERNAL-DATA',
    severity: 'HIGH',
    title: 'Model References Files Outside Itself',
    cwe: ['CWE-22'],
    fpRisk: 'LOW',
    fixHint: 'Keep external data files beside the model with relative, normalised names.',
    fix:
      'Re-export the model with its external data saved beside it under plain relative names (no absolute paths, ' +
      'no .., no devices), or embed the tensors; load only with a loader that confines side files to the model folder.',
    description:
      'Loaders join side-file references to the model folder: an absolute path, a .. segment or a device name makes ' +
      'loading (or re-saving) read or write any file the process can reach.',
    firesOn:
      'ONNX initializers (and any tensor) with an external_data location that is absolute, contains .., or names a ' +
      'drive, UNC share, device or special path, or whose offset + length reaches past the end of the side file (when ' +
      'the file is part of the scan); the same for safetensors index shard names and HDF5 external links.',
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelExternalData.meta, fact, ctx);
    },
  },
};
