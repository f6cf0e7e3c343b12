// DESER-SCHEMALESS-ENDPOINT: a handler that declares application/octet-stream or python-pickle bodies
// and hands the body to object reconstruction through code the scan cannot see, instead of a schema.
import { DECISION, DESER_COMMON, DESER_FIX } from './deser-family.js';
import { reportCodeSignals } from './code-evidence.js';
import type { Rule } from './rule.js';

export const deserSchemalessEndpoint: Rule = {
  meta: {
    ...DESER_COMMON,
    id: 'DESER-SCHEMALESS-ENDPOINT',
    severity: 'MEDIUM',
    title: 'Endpoint Accepts Serialized Objects',
    fpRisk: 'MEDIUM',
    decision: DECISION.MEDIUM,
    fixHint:
      'Accept JSON or protobuf bodies validated against a schema; send tensors as raw buffers or safetensors, not serialized objects.',
    fix: DESER_FIX,
    description:
      'An endpoint advertises or checks a serialized-object media type (application/octet-stream, ' +
      'application/python-pickle) and passes the body to a decode/deserialize/loads routine defined elsewhere: the ' +
      'interface is built around object reconstruction rather than a schema.',
    firesOn:
      'Handlers that accept application/octet-stream / application/python-pickle / application/vnd.*+pickle ' +
      'bodies and hand them to object reconstruction (loads/deserialize/decode/unpack... in code outside the scan) ' +
      'instead of a schema (JSON/protobuf + validation); and codec tables keyed by media type whose serialized ' +
      'media types route request bodies to an executable deserializer (reported at the table entry).',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(deserSchemalessEndpoint.meta, fact, ctx);
    },
  },
};
