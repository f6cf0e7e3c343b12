// DESER-NETWORK-INPUT (seed 003): network data (HTTP bodies and uploads, socket reads, queue and RPC payloads,
// websocket messages) reaching an executable deserializer, traced by the Python analyzer's DESER data flow.
// Evidence: source line → sink line; the finding's line is the sink.
import { DECISION, DESER_COMMON, DESER_FIX } from './deser-family.js';
import { reportCodeSignals } from './code-evidence.js';
import type { Rule } from './rule.js';

export const deserNetworkInput: Rule = {
  meta: {
    ...DESER_COMMON,
    id: 'DESER-NETWORK-INPUT',
    severity: 'CRITICAL',
    title: 'Executable Deserialization of Network Input',
    fpRisk: 'LOW',
    decision: DECISION.CRITICAL,
    fixHint:
      'Parse network input with a schema (JSON or protobuf with validation); load tensors from safetensors or with weights_only=True.',
    fix: DESER_FIX,
    description:
      'Bytes received from the network (request bodies, uploads, socket reads, message payloads) are handed to a ' +
      'deserializer that can construct arbitrary objects and call functions while parsing: the message handler ' +
      'becomes a code execution path before the application can validate anything.',
    firesOn:
      'Data from a network source (Flask/Django/FastAPI/aiohttp/Starlette request bodies and uploads, socket.recv*, ' +
      'http.server rfile, ZeroMQ/Redis/Kafka/RabbitMQ/gRPC payloads, websocket messages) reaching pickle/cPickle/' +
      '_pickle/dill/cloudpickle/joblib/shelve/marshal/jsonpickle, torch.load without weights_only=True, ' +
      'numpy.load(allow_pickle=True), pandas.read_pickle or yaml.load with a non-safe loader — within a function, ' +
      'through assignments, decoders (base64/zlib/gzip/BytesIO), file round trips and local helpers; also a ' +
      'deserializer handed to a consumer as value_deserializer/request_deserializer.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(deserNetworkInput.meta, fact, ctx);
    },
  },
};
