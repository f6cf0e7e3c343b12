// TORCH-SCRIPT-CUSTOM-OP: TorchScript code (and Python source) calling operators or classes outside
// PyTorch's built-in namespaces (`torch.ops.<ns>.<op>`, `torch.classes.<ns>.<Class>`), and native-library load
// hints (torch.ops.load_library, torch.classes.load_library, ctypes, .so/.dll names), native libraries shipped
// inside a TorchScript or checkpoint archive, and TorchScript code run at load (`__setstate__` and the methods it
// calls) that performs an operation outside the load table, or file/remote operations anywhere.
import { DECISION, OWASP_LLM03, OWNER, type Rule } from './rule.js';
import { reportCodeSignals } from './code-evidence.js';

export const torchScriptCustomOp: Rule = {
  meta: {
    id: 'TORCH-SCRIPT-CUSTOM-OP',
    category: 'TORCH',
    severity: 'HIGH',
    title: 'TorchScript Custom Operator',
    cwe: ['CWE-94', 'CWE-829'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Review and sign custom operators before promotion.',
    fix: 'Inventory the operator source, require signed native extensions, and load the model in a sandboxed environment.',
    description:
      'TorchScript models that call operators or classes from namespaces PyTorch does not ship need a native library that runs code when it loads; TorchScript code that runs while the archive loads (__setstate__, under torch.jit.load and equally under torch.load with weights_only=True, which hands a TorchScript archive to torch.jit.load) may only rebuild values, never open, map or save files or call other processes.',
    firesOn:
      'TorchScript archive code referencing operator namespaces outside the expected torch set (torch.ops.<ns>.<op>), torch.classes.*, shared-library load hints (including native libraries inside the model archive); a __setstate__ (or a method of its class it calls) performing an operation outside the derived load table (file, storage-from-file, remote-call or Python-callback operators, unlisted names, archive code it does not define); torch.from_file, torch.save or RPC operators in any method.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(torchScriptCustomOp.meta, fact, ctx);
    },
    native(fact, ctx) {
      ctx.report(torchScriptCustomOp.meta, {
        location: fact.location,
        key: `native:${fact.format}`,
        evidence: {
          signal:
            `${fact.description} inside a ${fact.container}: neither torch.load nor torch.jit.load needs native code ` +
            'from the archive, so this is a custom-operator library (or a payload posing as one) meant to be loaded ' +
            'alongside the model',
          confidence: 'high',
          details: { container: fact.container, binaryFormat: fact.format, binary: fact.description },
        },
      });
    },
  },
};
