// Whether data from outside the process can enter a module on its own (without a caller handing it in): a request
// handler, a server or transport it sets up, a client read, a cache or object-store read, a download, a receive on
// a socket or connection. Used to decide how far a file named alone reaches into the modules it calls (the second
// hop is useful only from such a file: the data must start there to run two modules down).
import type { PythonModule } from '../python/module-model.js';
import { DOWNLOAD_TABLE, FALLBACK_RECV_METHODS, NATIVE_RECEIVE, NETWORK_TABLE, SERVER_TABLE } from './apis.js';
import { recognizeEntries } from './handlers.js';
import { ModuleIndex, methodName } from './module-index.js';

/** Receive methods that read from a peer whatever the receiver's type (ZeroMQ, sockets, websockets, pipes). */
const RECEIVE_METHODS: ReadonlySet<string> = new Set([
  ...FALLBACK_RECV_METHODS.keys(),
  'recv_pyobj',
  'recv_bytes',
  'recv_into',
  'receive_bytes',
]);

/** True when the module has a source of its own: an entry point, a server, a network or download call, a receive. */
export function mayReceiveData(mod: PythonModule): boolean {
  const idx = ModuleIndex.beforeProject(mod);
  const e = recognizeEntries(idx);
  if (e.entries.size > 0 || e.serving.length > 0 || e.implicitSinks.length > 0) return true;
  for (const c of mod.calls) {
    const m = methodName(c);
    if (m !== undefined && RECEIVE_METHODS.has(m)) return true;
    if (c.callee.resolution === 'unbound' && NATIVE_RECEIVE.test(c.callee.raw)) return true;
    const targets = idx.targets(c);
    if (NETWORK_TABLE.has(targets) || SERVER_TABLE.has(targets) || DOWNLOAD_TABLE.has(targets)) return true;
  }
  return false;
}
