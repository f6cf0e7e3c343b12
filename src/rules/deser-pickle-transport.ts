// DESER-PICKLE-TRANSPORT: transports that unpickle what they receive with no deserializer call in
// sight — pyzmq recv_pyobj, multiprocessing.connection .recv(), multiprocessing managers on a non-loopback
// address, Celery/Kombu accepting pickle.
import { DECISION, DESER_COMMON, DESER_FIX } from './deser-family.js';
import { reportCodeSignals } from './code-evidence.js';
import type { Rule } from './rule.js';

export const deserPickleTransport: Rule = {
  meta: {
    ...DESER_COMMON,
    id: 'DESER-PICKLE-TRANSPORT',
    severity: 'CRITICAL',
    title: 'Pickle-Based Message Transport',
    fpRisk: 'LOW',
    decision: DECISION.CRITICAL,
    fixHint:
      'Exchange schema-validated JSON/protobuf frames instead of pickled objects; send tensors as raw buffers or safetensors.',
    fix:
      DESER_FIX +
      ' Between workers, send tensors as raw buffers with an explicit dtype/shape header (or safetensors) rather ' +
      'than pickled objects, and never bind pickle-speaking listeners beyond loopback.',
    description:
      'The transport itself unpickles every message (pyzmq recv_pyobj, multiprocessing.connection Connection.recv, ' +
      'multiprocessing manager proxies, Celery workers accepting pickle): any peer that can send a message can run ' +
      'code in the receiving process, whatever the handler does next.',
    firesOn:
      'zmq recv_pyobj on a receiver known to be a pyzmq socket (high) or likely one (its type is unknown: medium, ' +
      "said in the evidence; a method of the code's own class with that name is followed into instead, a " +
      'unittest.mock double is not a socket); multiprocessing.connection Listener/Client .recv(); ' +
      'torch.distributed object collectives (recv_object_list, broadcast_object_list, all_gather_object, ' +
      'gather_object, scatter_object_list); multiprocessing.managers (BaseManager, SyncManager and subclasses) bound ' +
      'to a non-loopback address; Celery accept_content/task_serializer with pickle.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(deserPickleTransport.meta, fact, ctx);
    },
  },
};
