// MODEL-REMOTE-CODE: a Hugging Face model folder whose config.json / tokenizer_config.json auto_map (or
// custom_pipelines) names Python modules that trust_remote_code=True imports; cross-repository references are
// unpinned remote code; calls the modules make when imported (processes, network, fetch-and-exec) are evidence.
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelRemoteCode: Rule = {
  meta: modelMeta({
    id: 'MODEL-REMOTE-CODE',
    severity: 'HIGH',
    title: 'Model Folder Runs Its Own Python',
    cwe: ['CWE-94'],
    fpRisk: 'MEDIUM',
    fixHint: 'Vendor and review the modelling code, pin the revision, or use a model that needs no remote code.',
    fix:
      'Prefer a model whose architecture the installed library implements; otherwise vendor the modelling files into ' +
      'reviewed source, pin revision= and code_revision= to a full commit SHA, and never load cross-repository ' +
      'references.',
    description:
      'With trust_remote_code=True, transformers imports the Python modules a model folder names in auto_map: the ' +
      'repository runs its own code in the consumer process.',
    firesOn:
      'A Hugging Face model folder whose config.json/tokenizer_config.json auto_map (or custom_pipelines) names ' +
      'Python modules that trust_remote_code=True would import (the evidence lists them and whether each is present); ' +
      'references into another repository (org/repo--module.Class) are unpinned remote code; module-level calls in ' +
      'the named modules that execute commands, open network connections or fetch and execute code.',
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelRemoteCode.meta, fact, ctx);
    },
  },
};
