// MODEL-LAMBDA-CODE: Keras configs (.keras config.json, legacy HDF5 model_config) with Lambda layers carrying
// marshalled bytecode, or custom objects imported from outside the Keras namespaces (analyzers/model/keras-config.ts).
// A `{"module": "builtins", "class_name": "function"}` reference is inside Keras only when its name is one Keras
// resolves among its own exports (the derived table isKerasFunction reads); any other builtins name (eval, exec, open,
// __import__) is reported: Keras 3.0 - 3.8 return Python's builtin of that name whatever safe_mode says, 3.9 on refuse.
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelLambdaCode: Rule = {
  meta: modelMeta({
    id: 'MODEL-LAMBDA-CODE',
    severity: 'CRITICAL',
    title: 'Serialized Code in Model Config',
    cwe: ['CWE-94'],
    fpRisk: 'LOW',
    fixHint: 'Rebuild the model from code you control; load with safe_mode and no custom objects.',
    fix:
      'Rebuild the model from reviewed source code and re-save it without Lambda layers (subclass a Layer instead); ' +
      'load Keras files with safe_mode=True and without custom_objects from the artifact, and never load legacy .h5 ' +
      'models from untrusted sources.',
    description:
      'Keras deserialises Lambda layers by unmarshalling Python bytecode and imports the module any custom object ' +
      'names: loading the model runs code the artifact chose.',
    firesOn:
      'Keras models (.keras zip config.json; legacy HDF5 .h5 model_config/training_config) whose config holds a Lambda ' +
      'layer in any spelling (bytecode as a list or a bare string, base64 or raw_unicode_escape, source text, ' +
      'output_shape code, a function named for lookup), a function or class referenced from a module outside the Keras ' +
      'namespaces (custom objects that import code), a known Keras gadget function (get_file), or a ' +
      'TorchModuleWrapper carrying a pickled torch module; and stable-baselines3 model data whose values the load ' +
      'calls (policy and buffer classes, their keyword arguments, schedules) name a class outside stable-baselines3 ' +
      "and torch's activations and optimizers.",
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelLambdaCode.meta, fact, ctx);
    },
  },
};
