// DESER-PICKLE-TRANSPORT: transports that unpickle what they receive without a visible
// deserializer call — pyzmq recv_pyobj, multiprocessing.connection Listener/Client .recv(), multiprocessing
// managers bound beyond loopback, Celery/Kombu configured to accept pickle, PyTorch RPC, Pyro configured with a
// pickle-family serializer and rpyc servers that allow pickling or serve the classic (slave) service.
import { CELERY_SETTINGS } from './apis.js';
import type { Confidence } from '../python/code-signal.js';
import type { AccessPath, CallSite, ExpressionFact, FunctionFact, SourceSpan } from '../python/module-model.js';
import type { DeserFlow, TransportHit } from './flow.js';
import { shortText } from './handlers.js';
import { methodName, type ModuleIndex } from './module-index.js';

export interface TransportFinding {
  span: SourceSpan;
  snippet: string;
  transport:
    | 'zmq'
    | 'multiprocessing.connection'
    | 'multiprocessing.managers'
    | 'celery'
    | 'torch.distributed'
    | 'torch.distributed.rpc'
    | 'pyro'
    | 'rpyc';
  message: string;
  confidence: Confidence;
  details: Record<string, string | number | boolean>;
}

const MANAGERS: ReadonlySet<string> = new Set([
  'multiprocessing.managers.BaseManager',
  'multiprocessing.managers.SyncManager',
  'multiprocessing.managers.SharedMemoryManager',
]);

const PICKLE_CONTENT: ReadonlySet<string> = new Set(['pickle', 'application/x-python-serialize']);

/** torch.distributed collectives that pickle objects on the sender and unpickle them on the receiver. */
const TORCH_OBJECT_COLLECTIVES: ReadonlySet<string> = new Set(
  ['recv_object_list', 'broadcast_object_list', 'all_gather_object', 'gather_object', 'scatter_object_list'].flatMap(
    (n) => [`torch.distributed.${n}`, `torch.distributed.distributed_c10d.${n}`],
  ),
);

export function detectTransports(
  idx: ModuleIndex,
  mpRecvs: readonly TransportHit[],
  flow?: DeserFlow,
): TransportFinding[] {
  const out: TransportFinding[] = [];
  const mod = idx.mod;
  const importsZmq = idx.importedRoots.has('zmq');

  const importsMp = idx.importedRoots.has('multiprocessing');
  const hasLocalClasses = mod.functions.some((f) => f.kind === 'class' && f.bases.length > 0);
  for (const call of mod.calls) {
    const m = methodName(call);
    const maybeManager =
      (call.callee.definitionId !== undefined && hasLocalClasses) ||
      (importsMp && call.callee.qualifiedName?.startsWith('multiprocessing.') === true);
    const maybeTorch = call.callee.qualifiedName?.startsWith('torch.distributed') === true;
    if (m !== 'recv_pyobj' && !maybeManager && !maybeTorch && !call.callee.raw.endsWith('recv_pyobj')) continue;
    const targets = idx.targets(call);
    if (m === 'recv_pyobj' || targets.some((t) => t.endsWith('.recv_pyobj'))) {
      const receiver = zmqReceiver(call, targets, idx, flow, importsZmq);
      if (receiver !== undefined) {
        out.push({
          span: call.span,
          snippet: call.text,
          transport: 'zmq',
          message:
            `\`${shortText(call.text)}\` receives a ZeroMQ message and unpickles it (pyzmq recv_pyobj calls ` +
            'pickle.loads on the frame): any peer that can send to this socket can run code in this process. ' +
            receiver.evidence,
          confidence: receiver.known ? 'high' : 'medium',
          details: {
            transport: 'zmq',
            api: 'zmq.Socket.recv_pyobj',
            resolved: receiver.known,
            receiver: receiver.what,
          },
        });
      }
    }
    const collective = targets.find((t) => TORCH_OBJECT_COLLECTIVES.has(t));
    if (collective !== undefined) {
      const name = collective.slice(collective.lastIndexOf('.') + 1);
      out.push({
        span: call.span,
        snippet: call.text,
        transport: 'torch.distributed',
        message:
          `\`${shortText(call.text)}\` receives Python objects from other ranks: torch.distributed.${name} pickles ` +
          'them on the sender and unpickles them here, so any process that joins the group (or reaches its store) ' +
          'runs code in this one.',
        confidence: 'high',
        details: { transport: 'torch.distributed', api: `torch.distributed.${name}` },
      });
      continue;
    }
    const manager = managerClass(call, targets, idx);
    if (manager !== undefined) {
      const addr = call.keywords.find((k) => k.name === 'address')?.value ?? call.positional[0];
      if (addr === undefined) continue; // no address: a private local socket / pipe
      const host = hostOf(addr, call.scopeId, idx, 0);
      if (host !== undefined && isLoopback(host)) continue;
      const where =
        host === undefined
          ? `an address computed at run time (\`${shortText(addr.text, 60)}\`)`
          : host === '' || host === '0.0.0.0' || host === '::'
            ? 'all interfaces'
            : `\`${host}\``;
      out.push({
        span: call.span,
        snippet: call.text,
        transport: 'multiprocessing.managers',
        message:
          `\`${shortText(call.text)}\` creates a ${manager} on ${where}: manager proxies exchange pickled calls and ` +
          'results over that socket, so a peer that reaches it (or learns the authkey) runs code on either side.',
        confidence: host === undefined ? 'medium' : 'high',
        details: { transport: 'multiprocessing.managers', api: manager, address: shortText(addr.text, 80) },
      });
    }
  }

  const listeners =
    mpRecvs.length === 0
      ? []
      : mod.calls.filter((c) =>
          idx
            .targets(c)
            .some((t) => t === 'multiprocessing.connection.Listener' || t === 'multiprocessing.connection.Client'),
        );
  const allLoopback =
    listeners.length > 0 &&
    listeners.every((l) => {
      const a = l.keywords.find((k) => k.name === 'address')?.value ?? l.positional[0];
      const h = a !== undefined ? hostOf(a, l.scopeId, idx, 0) : undefined;
      return h !== undefined && isLoopback(h);
    });
  for (const hit of mpRecvs) {
    const o = hit.value.taint?.origin;
    out.push({
      span: hit.call.span,
      snippet: hit.call.text,
      transport: 'multiprocessing.connection',
      message:
        `\`${shortText(hit.call.text)}\` reads from a multiprocessing.connection ${o !== undefined ? `${o.label} (line ${o.line})` : 'connection'}; ` +
        'Connection.recv() unpickles every message, so the peer decides what code runs here' +
        (allLoopback ? ' (the address is loopback, which limits but does not remove the exposure).' : '.'),
      confidence: allLoopback ? 'medium' : 'high',
      details: {
        transport: 'multiprocessing.connection',
        api: 'multiprocessing.connection.Connection.recv',
        ...(o !== undefined ? { sourceLine: o.line } : {}),
        loopbackOnly: allLoopback,
      },
    });
  }

  if (idx.importedRoots.has('celery') || idx.importedRoots.has('kombu') || mentionsCeleryNames(idx))
    out.push(...celerySettings(idx));
  if (idx.importedRoots.has('torch')) out.push(...torchRpc(idx));
  if (idx.importedRoots.has('Pyro4') || idx.importedRoots.has('Pyro5')) out.push(...pyroSerializers(idx));
  if (idx.importedRoots.has('rpyc')) out.push(...rpycServers(idx));
  return out;
}

/** PyTorch RPC: arguments and results of rpc_sync/rpc_async/remote travel pickled between the workers. */
function torchRpc(idx: ModuleIndex): TransportFinding[] {
  const out: TransportFinding[] = [];
  for (const c of idx.mod.calls) {
    const t = idx
      .targets(c)
      .find((x) => x === 'torch.distributed.rpc.init_rpc' || x === 'torch.distributed.rpc.api.init_rpc');
    if (t === undefined) continue;
    out.push({
      span: c.span,
      snippet: c.text,
      transport: 'torch.distributed.rpc',
      message:
        `\`${shortText(c.text)}\` joins a PyTorch RPC group: the arguments and results of rpc_sync/rpc_async/remote ` +
        'are pickled by the sender and unpickled by the C++ agent here, so any process that joins the group (or ' +
        'reaches its rendezvous store) runs code in this one.',
      confidence: 'high',
      details: { transport: 'torch.distributed.rpc', api: 'torch.distributed.rpc.init_rpc' },
    });
  }
  return out;
}

/** Serializers Pyro can be told to use or accept that rebuild arbitrary objects. */
const PYRO_UNSAFE: ReadonlySet<string> = new Set(['pickle', 'dill', 'cloudpickle']);

/** Pyro4/Pyro5 `config.SERIALIZER = "pickle"`, `config.SERIALIZERS_ACCEPTED` holding or given a pickle family. */
function pyroSerializers(idx: ModuleIndex): TransportFinding[] {
  const out: TransportFinding[] = [];
  const unsafe = (e: ExpressionFact | undefined): string | undefined => {
    if (e === undefined) return undefined;
    if (e.constant?.type === 'str') return PYRO_UNSAFE.has(e.constant.value) ? e.constant.value : undefined;
    for (const x of e.elements ?? [])
      if (x.constant?.type === 'str' && PYRO_UNSAFE.has(x.constant.value)) return x.constant.value;
    return undefined;
  };
  const report = (span: SourceSpan, snippet: string, setting: string, ser: string): void => {
    out.push({
      span,
      snippet,
      transport: 'pyro',
      message:
        `Pyro setting \`${setting}\` uses or accepts the ${ser} serializer: a Pyro peer's message is then unpickled ` +
        'by the daemon or proxy, so whoever can reach the object runs code in this process.',
      confidence: 'high',
      details: { transport: 'pyro', setting, serializer: ser },
    });
  };
  for (const a of idx.mod.assignments) {
    for (const t of a.targets) {
      if (t.kind !== 'attribute') continue;
      const setting = t.text.split('.').pop()!;
      if (setting !== 'SERIALIZER' && setting !== 'SERIALIZERS_ACCEPTED') continue;
      const ser = unsafe(a.value ?? undefined);
      if (ser !== undefined) report(a.span, shortText(a.value!.text), setting, ser);
    }
  }
  for (const c of idx.mod.calls) {
    const a = c.callee.access;
    const last = a?.steps[a.steps.length - 1];
    const prev = a?.steps[a.steps.length - 2];
    if (last?.kind !== 'attr' || prev?.kind !== 'attr' || prev.name !== 'SERIALIZERS_ACCEPTED') continue;
    if (last.name !== 'add' && last.name !== 'update') continue;
    const ser = unsafe(c.positional[0]);
    if (ser !== undefined) report(c.span, c.text, 'SERIALIZERS_ACCEPTED', ser);
  }
  return out;
}

/** Services that give a peer the whole interpreter (rpyc's classic mode). */
const RPYC_CLASSIC: ReadonlySet<string> = new Set([
  'rpyc.SlaveService',
  'rpyc.ClassicService',
  'rpyc.core.service.SlaveService',
  'rpyc.core.service.ClassicService',
  'rpyc.classic.SlaveService',
  'rpyc.utils.classic.SlaveService',
]);

/** rpyc servers configured with `allow_pickle: True`, or serving the classic (slave) service. */
function rpycServers(idx: ModuleIndex): TransportFinding[] {
  const out: TransportFinding[] = [];
  for (const c of idx.mod.calls) {
    const targets = idx.targets(c);
    if (!targets.some((t) => t.startsWith('rpyc.'))) continue;
    const cfg = c.keywords.find((k) => k.name === 'protocol_config' || k.name === 'config')?.value;
    const allow = cfg?.dictEntries?.find((e) => e.name === 'allow_pickle');
    const k = allow?.value.constant;
    const truthy = k !== undefined && k.type !== 'none' && k.value !== false && k.value !== 0 && k.value !== '';
    if (truthy) {
      out.push({
        span: allow!.value.span,
        snippet: c.text,
        transport: 'rpyc',
        message:
          `\`${shortText(c.text)}\` sets rpyc's \`allow_pickle\`: a connected peer can then send pickled ` +
          'objects that this side unpickles, running code in this process.',
        confidence: 'high',
        details: { transport: 'rpyc', setting: 'allow_pickle' },
      });
    }
    const svc = c.positional[0] ?? c.keywords.find((k) => k.name === 'service')?.value;
    const classic = svc?.values.find((v) => v.kind === 'qualified' && RPYC_CLASSIC.has(v.name));
    if (classic !== undefined && targets.some((t) => t.startsWith('rpyc.utils.server.'))) {
      out.push({
        span: c.span,
        snippet: c.text,
        transport: 'rpyc',
        message:
          `\`${shortText(c.text)}\` serves rpyc's classic service: every peer that connects gets the interpreter ` +
          '(imports, eval, pickled objects), which is remote code execution by design.',
        confidence: 'high',
        details: { transport: 'rpyc', service: classic.kind === 'qualified' ? classic.name : '' },
      });
    }
  }
  return out;
}

/**
 * What the receiver of a `recv_pyobj()` call is: a ZeroMQ socket (created by `zmq.Context().socket(...)`, seen
 * through the data flow), likely one (its type is not known here but the module uses zmq), or not a socket at all —
 * a method of the code's own class with that name (followed into by the flow instead) or a test double.
 */
function zmqReceiver(
  call: CallSite,
  targets: readonly string[],
  idx: ModuleIndex,
  flow: DeserFlow | undefined,
  importsZmq: boolean,
): { known: boolean; what: string; evidence: string } | undefined {
  if (targets.some((t) => t.startsWith('zmq.')))
    return { known: true, what: 'zmq socket', evidence: 'The receiver is a pyzmq socket.' };
  const a = call.callee.access;
  if (a === undefined) return undefined;
  if (idx.boundMethod(a, call.scopeId) !== undefined) return undefined;
  const unit = flow?.project?.unitOf(idx);
  if (unit !== undefined && flow!.project!.callee(unit, call) !== undefined) return undefined;
  const v = flow?.receiverValue(call);
  const o = v?.taint?.origin;
  if (o !== undefined && o.label === 'ZeroMQ socket')
    return {
      known: true,
      what: 'zmq socket',
      evidence: `The receiver is the ZeroMQ socket created by \`${o.text}\` (${o.file !== '' && o.file !== flow!.file ? `${o.file}:` : 'line '}${o.line}).`,
    };
  if (constructedByTestDouble(a, call.scopeId, idx)) return undefined;
  return {
    known: false,
    what: 'likely zmq socket',
    evidence:
      'The receiver is likely a ZeroMQ socket: its type is not known here, ' +
      (importsZmq ? 'and this module uses zmq.' : 'and recv_pyobj is the pyzmq socket API.'),
  };
}

/** The receiver (a name, or `self.attr`) is only ever assigned a unittest.mock object. */
function constructedByTestDouble(a: AccessPath, scopeId: number, idx: ModuleIndex): boolean {
  const root = a.root;
  if (root.kind !== 'name' || a.steps.length < 1) return false;
  const values: ExpressionFact[] = [];
  if (a.steps.length === 1) {
    for (const sid of [scopeId, 0])
      for (const as of idx.assignedNames.get(sid)?.get(root.name) ?? []) if (as.value !== null) values.push(as.value);
  } else if (a.steps[0]!.kind === 'attr') {
    const want = `${root.name}.${a.steps[0]!.name}`;
    for (const as of idx.mod.assignments)
      if (as.value !== null && as.targets.some((t) => t.kind === 'attribute' && t.text === want)) values.push(as.value);
  }
  return (
    values.length > 0 &&
    values.every((v) => v.values.some((x) => x.kind === 'qualified' && /^(unittest\.)?mock\./.test(x.name)))
  );
}

/** The multiprocessing manager class a call constructs (directly or through a local subclass). */
function managerClass(call: CallSite, targets: string[], idx: ModuleIndex): string | undefined {
  const direct = targets.find((t) => MANAGERS.has(t));
  if (direct !== undefined) return direct.split('.').pop();
  const id = call.callee.definitionId;
  const cls = id !== undefined ? idx.fn(id) : undefined;
  return cls?.kind === 'class' ? managerBase(cls, idx, 0) : undefined;
}

function managerBase(cls: FunctionFact, idx: ModuleIndex, depth: number): string | undefined {
  if (depth > 5) return undefined;
  for (const b of cls.bases) {
    for (const v of b.values) {
      if (v.kind === 'qualified' && MANAGERS.has(v.name)) return `${cls.name} (${v.name.split('.').pop()})`;
      if (v.kind === 'definition') {
        const base = idx.fn(v.functionId);
        if (base?.kind === 'class' && base.id !== cls.id) {
          const r = managerBase(base, idx, depth + 1);
          if (r !== undefined) return r;
        }
      }
    }
  }
  return undefined;
}

/** The host of an `(host, port)` address: a tuple literal, or a name bound to one (in the scope or module). */
function hostOf(e: ExpressionFact, scopeId: number, idx: ModuleIndex, depth: number): string | undefined {
  const first = e.elements?.[0];
  if (first !== undefined) return first.constant?.type === 'str' ? first.constant.value : undefined;
  if (e.constant?.type === 'str') return e.constant.value; // a Unix socket path or pipe name
  const a = e.access;
  if (depth > 2 || a?.root.kind !== 'name' || a.steps.length !== 0) return undefined;
  for (const sid of [scopeId, 0]) {
    const as = idx.assignedNames.get(sid)?.get(a.root.name);
    if (as !== undefined && as.length === 1 && as[0]!.value !== null) return hostOf(as[0]!.value, sid, idx, depth + 1);
  }
  return undefined;
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === 'ip6-localhost' ||
    host.startsWith('127.') ||
    host.startsWith('/') // AF_UNIX path: local only
  );
}

/** Celery/Kombu settings that let workers accept pickled task messages. */
function celerySettings(idx: ModuleIndex): TransportFinding[] {
  const out: TransportFinding[] = [];
  const importsCelery = idx.importedRoots.has('celery') || idx.importedRoots.has('kombu');
  const report = (span: SourceSpan, snippet: string, setting: string, value: ExpressionFact): void => {
    if (!mentionsPickle(value)) return;
    out.push({
      span,
      snippet,
      transport: 'celery',
      message:
        `Celery setting \`${setting}\` = ${shortText(value.text, 60)} lets workers unpickle task messages from the ` +
        'broker: whoever can publish to the queue runs code in every worker.',
      confidence: importsCelery ? 'high' : 'medium',
      details: { transport: 'celery', setting },
    });
  };
  for (const a of idx.mod.assignments) {
    if (a.value === null) continue;
    for (const t of a.targets) {
      const name =
        t.kind === 'name'
          ? a.scopeId === 0
            ? t.name
            : undefined
          : t.kind === 'attribute'
            ? t.text.split('.').pop()
            : undefined;
      if (
        name !== undefined &&
        CELERY_SETTINGS.has(name) &&
        (t.kind === 'attribute' || importsCelery || name.startsWith('CELERY_'))
      )
        report(a.span, shortText(a.value.text), name, a.value);
    }
  }
  for (const c of idx.mod.calls) {
    const m = methodName(c);
    const targets = idx.targets(c);
    const celeryCall =
      targets.some((t) => t.startsWith('celery.')) || (m === 'update' && c.callee.raw.endsWith('conf.update'));
    if (!celeryCall) continue;
    for (const k of c.keywords) if (CELERY_SETTINGS.has(k.name)) report(k.value.span, c.text, k.name, k.value);
  }
  return out;
}

/** Settings modules (`celeryconfig.py`) configure Celery without importing it. */
function mentionsCeleryNames(idx: ModuleIndex): boolean {
  for (const [name] of idx.assignedNames.get(0) ?? []) if (CELERY_SETTINGS.has(name)) return true;
  return false;
}

function mentionsPickle(e: ExpressionFact): boolean {
  if (e.constant?.type === 'str') return PICKLE_CONTENT.has(e.constant.value);
  return (e.elements ?? []).some((x) => x.constant?.type === 'str' && PICKLE_CONTENT.has(x.constant.value));
}
