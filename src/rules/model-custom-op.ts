// MODEL-CUSTOM-OP: ONNX nodes in operator domains other than the standard ones (and com.microsoft, ONNX Runtime's
// built-in contrib domain, and QONNX's own Python operators) that the model does not define itself as a local function.
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelCustomOp: Rule = {
  meta: modelMeta({
    id: 'MODEL-CUSTOM-OP',
    severity: 'HIGH',
    title: 'Model Needs Native Custom Operators',
    cwe: ['CWE-829'],
    fpRisk: 'MEDIUM',
    fixHint: 'Export with standard operators or ship the custom-op library through your reviewed build.',
    fix:
      'Re-export the model with standard ONNX operators (or as local functions built from them), or build and sign ' +
      'the custom-operator library yourself and register only that library with the runtime.',
    description:
      'An ONNX node in a non-standard domain runs only with an implementation from outside the model: a native ' +
      'library registered with the runtime, or, in Python executors such as QONNX and FINN, the Python module the ' +
      'domain names, which they import. The model brings a requirement for code with it.',
    firesOn:
      'ONNX nodes in domains other than "", ai.onnx, ai.onnx.ml, ai.onnx.training, ai.onnx.preview.training and ' +
      'com.microsoft (ONNX Runtime contrib operators, a documented exception) that no local function of the model ' +
      "defines. QONNX's own operators (qonnx.custom_op.general, qonnx.custom_op.channels_last and the Brevitas " +
      'alias onnx.brevitas, each with an operator type QONNX defines, GenericPartition excepted) are noted, not ' +
      'reported: QONNX implements them in numpy.',
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelCustomOp.meta, fact, ctx);
    },
  },
};
