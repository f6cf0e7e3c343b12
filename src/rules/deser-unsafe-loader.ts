// DESER-UNSAFE-LOADER: an executable deserializer in a module that serves requests (a handler, a
// server loop, a network consumer) whose input cannot be proven internal — no proven network flow, but nothing
// shows the bytes come from a literal path, configuration or the process's own files either.
import { DECISION, DESER_COMMON, DESER_FIX } from './deser-family.js';
import { reportCodeSignals } from './code-evidence.js';
import type { Rule } from './rule.js';

export const deserUnsafeLoader: Rule = {
  meta: {
    ...DESER_COMMON,
    id: 'DESER-UNSAFE-LOADER',
    severity: 'HIGH',
    title: 'Executable Deserializer in Serving Code',
    fpRisk: 'MEDIUM',
    decision: DECISION.HIGH,
    fixHint:
      'Load only internal, signed artifacts; otherwise use JSON/protobuf with validation, safetensors or torch.load(weights_only=True).',
    fix: DESER_FIX,
    description:
      'Serving code calls a deserializer that can execute code while parsing, and its input comes from somewhere ' +
      'the scan cannot prove internal (a parameter called from outside the file, a cache or remote store, a path ' +
      'chosen by a request). Offline loaders are defensible only with a tightly controlled source.',
    firesOn:
      'Any executable deserializer call (the DESER-NETWORK-INPUT sink list) inside a module that defines a request ' +
      'handler or server loop, when the data source cannot be proven internal (literals, module constants, ' +
      'environment/config/CLI values, paths relative to the module, bytes this process serialized itself as in ' +
      'pickle.loads(pickle.dumps(x))). Findings in test code are decided as tickets unless the policy sets test_code: gate.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(deserUnsafeLoader.meta, fact, ctx);
    },
  },
};
