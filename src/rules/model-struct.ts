// MODEL-STRUCT: safetensors, GGUF and ONNX structure the reference loader refuses or reads differently
// (formats/safetensors/read-header.ts, formats/gguf/read-gguf.ts, formats/onnx/read-onnx.ts).
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelStruct: Rule = {
  meta: modelMeta({
    id: 'MODEL-STRUCT',
    severity: 'HIGH',
    title: 'Malformed Model Container',
    cwe: ['CWE-20'],
    fpRisk: 'LOW',
    fixHint: 'Re-export the model with the reference library.',
    fix:
      'Re-export the model with the reference library (safetensors, gguf-py/llama.cpp, onnx) and compare the result; ' +
      'a file that only some readers accept is a parser-differential risk and a sign of tampering.',
    description:
      'Loaders and scanners must see the same tensors and metadata. A container the reference loader refuses, or ' +
      'that readers can interpret differently, is either broken or built to be read differently by different tools.',
    firesOn:
      'safetensors whose header the reference loader refuses (size prefix beyond the file, header not UTF-8 JSON, ' +
      'duplicate keys, unknown dtype, shape × dtype ≠ byte span, offsets overlapping, out of bounds or leaving gaps, ' +
      'header > 100 MB); GGUF with a bad magic or version, counts or string lengths beyond the file, tensor offsets ' +
      'out of bounds or misaligned; ONNX that does not parse — also when only the file extension promises the format.',
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelStruct.meta, fact, ctx);
    },
  },
};
