// DESER-NETWORK-INPUT: network data (HTTP bodies and uploads, socket reads, queue and RPC payloads,
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
      'Data from a network source reaching an executable deserializer. Sources: Flask/Django/FastAPI/aiohttp/' +
      'Starlette/Sanic/Tornado/Falcon request bodies and uploads, socket.recv*, http.server rfile, Tornado ' +
      'TCPServer streams, ZeroMQ/Redis/Kafka/RabbitMQ/NATS/gRPC payloads, websocket frames (websockets, FastAPI/' +
      'Starlette, aiohttp, Tornado, Django Channels, Flask-Sock, Socket.IO, Quart), HTTP client responses ' +
      '(requests, httpx, aiohttp, urllib), c10d TCPStore/FileStore values, shared memory written by other ' +
      'processes, and entry points the framework declares (TorchServe handle/preprocess, Triton ' +
      'TritonPythonModel.execute, Ray Serve deployments, BentoML APIs, LitServe decode_request). Sinks: pickle/' +
      'cPickle/_pickle/ForkingPickler (multiprocessing and torch.multiprocessing)/dill/cloudpickle (also ray, joblib ' +
      'and distributed copies)/joblib/shelve/marshal/jsonpickle, Unpickler subclasses, torch.load without ' +
      'weights_only=True, numpy.load(allow_pickle=True), pandas.read_pickle, yaml.load with a non-safe loader, and ' +
      'deserializers chosen at run time (a parameter default, an attribute, a codec table). The data is followed ' +
      'through assignments, decoders (base64/zlib/gzip/BytesIO), file round trips, helper functions and, across the ' +
      'files scanned together, through imports, re-exports and aliases, calls and returns, methods reached through ' +
      'self or typed attributes and base classes in other modules, and routes registered in another file; the ' +
      'evidence lists the path (source, each hop as file:line and function, sink). Also a deserializer handed to ' +
      'a consumer as value_deserializer/request_deserializer.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(deserNetworkInput.meta, fact, ctx);
    },
  },
};
