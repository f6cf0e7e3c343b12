// The DESER data-flow pass: flow-insensitive, demand-driven evaluation of what each expression may
// hold — network data (with the expression that obtained it) or a value not provably internal — within a
// function, across assignments, tuple unpacking, loops, `with`, container mutation (append/write), self
// attributes of a class, decoders (base64/zlib/gzip/BytesIO), write-then-read file round trips, and local helper
// functions (arguments in, return values out; parameters merged over the module's call sites).
import type {
  AccessPath,
  AccessStep,
  AssignmentFact,
  CallSite,
  ExpressionFact,
  FunctionFact,
  SourceSpan,
} from '../python/module-model.js';
import {
  APP_CONSTRUCTORS,
  APP_MUTATORS,
  APP_PROXIES,
  DOWNLOAD_TABLE,
  DOWNLOAD_TO_FILE,
  FILE_NAME_ONLY,
  FOLDER_DOWNLOAD_NAMES,
  FOLDER_DOWNLOAD_TABLE,
  ENDPOINT_METHODS,
  FALLBACK_RECV_METHODS,
  GLOBAL_INPUTS,
  GLOBAL_REQUESTS,
  INTERNAL_MODULES,
  MUTATING_METHODS,
  NETWORK_TABLE,
  NETWORK_MODULES,
  PATH_JOINS,
  PROPAGATORS,
  READ_INTO_METHODS,
  READ_METHODS,
  RECONSTRUCTION_NAMES,
  REMOTE_TABLE,
  REPORTABLE,
  SAFE_PARSER_PREFIXES,
  SERIALIZER_CALLS,
  SINK_BY_NAME,
  TEXT_METHODS,
  NATIVE_RECEIVE,
  type FolderDownload,
  type NetworkCall,
  OPENMMLAB_LOADER_NAMES,
} from './apis.js';
import type { EntryInfo, ParamSeed } from './handlers.js';
import { panelLinks, type PanelLink } from './ui-apps.js';
import { shortText } from './handlers.js';
import {
  methodName,
  calleeLastName,
  PIPE_RECV,
  QUEUE_GETS,
  taskSkip,
  type CallEdge,
  type ModuleIndex,
} from './module-index.js';
import { matchSink, type SinkMatch } from './sinks.js';
import { FILE_MOVES, isOwnStorePath } from './own-store.js';
import { argvAccess, commandOf, nonPathOptions, parsesCommandLine, typerRunners, type CliArg } from './cli-args.js';
import { dynamicNetworkCall, dynamicSink, moduleNamesSinkValues } from './dynamic-sinks.js';
import {
  INTERNAL,
  isObjectKind,
  joinValues,
  reshape,
  taintedValue,
  untaint,
  chosenFile,
  untrustedValue,
  cliValue,
  cutValue,
  valueKey,
  viaHop,
  withoutCli,
  withoutParam,
  type Hop,
  type Origin,
  type TaintKind,
  type Value,
} from './value.js';
import type { ArgSlot, ProjectCallee, ProjectView } from './project-view.js';

/** A sink call with the value of its data argument in the merged context of its function. */
export interface SinkHit {
  sink: SinkMatch;
  value: Value;
}

/** A transport call that unpickles what it receives (multiprocessing.connection `.recv()`). */
export interface TransportHit {
  call: CallSite;
  value: Value;
}

/** A call that rebuilds objects from network bytes through code this file cannot see (`codec.loads(body)`). */
export interface ReconstructionHit {
  call: CallSite;
  value: Value;
}

export interface FlowResult {
  sinks: SinkHit[];
  transports: TransportHit[];
  reconstructions: ReconstructionHit[];
  /** Network reads seen anywhere in the module (evidence of a server loop). */
  networkReads: Origin[];
  /** True when the evaluation budget ran out and some values were assumed not internal. */
  truncated: boolean;
}

/** Deepest helper-call nesting evaluated for return values. */
const MAX_HELPER_DEPTH = 3;
/**
 * Deepest recursion of the evaluator itself (guards the JS stack on pathological code; a chain of callers merged
 * into a parameter counts too). A value left unevaluated past it is marked cut (`cutValue`). Mutable for tests only.
 */
export const FLOW_LIMITS = { evalDepth: 160 };
/** Evaluation steps per module before every further value is assumed not internal. */
export const MAX_STEPS = 400_000;

/** Work counters shared by every module of one analysis (a project shares one budget over its modules). */
export interface FlowBudget {
  steps: number;
  maxSteps: number;
  depth: number;
  truncated: boolean;
  /**
   * Called every CHECKPOINT_STEPS evaluation steps (the caller's time limit: it throws to end the analysis; the
   * caller reports what it did not decide). Unset: no check.
   */
  checkpoint?: () => void;
}

/** Evaluation steps between two calls of FlowBudget.checkpoint (each reads a clock). */
export const CHECKPOINT_STEPS = 4096;

export interface FlowOptions {
  /** Scanned path of the module, written into origins and hops ('' when one module is analysed alone). */
  file?: string;
  /** The other modules scanned together with this one (calls, callers and classes across files). */
  project?: ProjectView;
  budget?: FlowBudget;
}

/** Builtins turning their argument into a number (or a count): the result names no file. */
const NUMBER_BUILTINS: ReadonlySet<string> = new Set([
  'builtins.int',
  'builtins.float',
  'builtins.bool',
  'builtins.len',
]);

const OPEN_LIKE: ReadonlySet<string> = new Set([
  'builtins.open',
  'io.open',
  'codecs.open',
  'gzip.open',
  'bz2.open',
  'lzma.open',
  'gzip.GzipFile',
  'bz2.BZ2File',
  'lzma.LZMAFile',
  'aiofiles.open',
  // A local path or a URL (`s3://`, `gs://`, `https://`): the file or object the name names.
  'fsspec.open',
  'smart_open.open',
  'smart_open.smart_open',
]);

/** Temporary-file constructors: the handle is a file by itself, and `<handle>.name` is its path. */
const TEMP_HANDLES: ReadonlySet<string> = new Set([
  'tempfile.NamedTemporaryFile',
  'tempfile.TemporaryFile',
  'tempfile.SpooledTemporaryFile',
]);

/** Calls returning the same file's path in another spelling: `os.path.expanduser(p)` names the file `p` names. */
const SAME_PATH: ReadonlySet<string> = new Set([
  'os.path.expanduser',
  'os.path.expandvars',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.normpath',
  'os.fspath',
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PosixPath',
  'builtins.str',
]);

/** A store into an application object: the path relative to the app, and every expression whose value it stores. */
interface AppStore {
  rel: string;
  values: ExpressionFact[];
  scopeId: number;
  line: number;
}

/** Per-call facts that do not depend on the evaluation context. */
interface CallInfo {
  targets: string[];
  sink: SinkMatch | undefined;
  network: NetworkCall | undefined;
  method: string | undefined;
}

class Run {
  readonly names = new Map<string, Value>();
  readonly calls = new Map<number, Value>();
  readonly busyNames = new Set<string>();
  readonly busyCalls = new Set<number>();
  written: Map<string, Value> | undefined;
  writtenBusy = false;
  readonly selfName: string | undefined;
  readonly cls: FunctionFact | undefined;

  constructor(
    readonly fn: FunctionFact,
    readonly params: Map<string, Value>,
    readonly depth: number,
    readonly topLevel: boolean,
    idx: ModuleIndex,
  ) {
    this.selfName = idx.selfName(fn);
    this.cls = this.selfName !== undefined ? idx.classOf(fn) : undefined;
  }
}

/** Thread and executor calls whose result (a future, or the awaited value) is what the function they run returns. */
const RESULT_RUNNERS: ReadonlySet<string> = new Set([
  'submit',
  'run_in_executor',
  'to_thread',
  'run_sync',
  'run_in_threadpool',
]);

export class DeserFlow {
  private readonly infos: (CallInfo | undefined)[];
  private readonly tops = new Map<number, Run>();
  /** function id → bare names its calls take as their URL (first argument or `url=`) → those calls. */
  private readonly urlCalls = new Map<number, Map<string, CallSite[]>>();
  private readonly topBusy = new Set<number>();
  private readonly helpers = new Map<string, Run>();
  private readonly classAttrs = new Map<string, Value | null>();
  /** Parameters Panel widgets are linked to (ui-apps.ts), read on first use. */
  private linked: Map<string, PanelLink> | undefined;
  private readonly classBusy = new Set<string>();
  private readonly networkModule: boolean;
  private readonly transports = new Map<number, TransportHit>();
  private readonly reads: Origin[] = [];
  private readonly b: FlowBudget;
  readonly file: string;
  readonly project: ProjectView | undefined;
  /** Module-level names of application objects (see {@link appNames}). */
  private apps: Set<string> | undefined;
  /** Stores into application objects (see {@link appStores}), and the value of each app path read so far. */
  private appWrites: AppStore[] | undefined;
  private readonly appReads = new Map<string, Value>();
  private readonly appBusy = new Set<string>();
  /** Stores into Streamlit's session state (see {@link sessionStores}), and the value of each key read so far. */
  private sessionWrites: SessionStore[] | undefined;
  private readonly sessionReads = new Map<string, Value>();
  private readonly sessionBusy = new Set<string>();

  constructor(
    readonly idx: ModuleIndex,
    private readonly entries: ReadonlyMap<number, EntryInfo>,
    opts: FlowOptions = {},
  ) {
    this.networkModule = [...idx.importedRoots].some((r) => NETWORK_MODULES.has(r));
    this.infos = new Array<CallInfo | undefined>(idx.mod.calls.length);
    this.file = opts.file ?? '';
    this.project = opts.project;
    this.b = opts.budget ?? { steps: 0, maxSteps: MAX_STEPS, depth: 0, truncated: false };
  }

  /** A hop at call `c` of this module. */
  hop(c: { span: SourceSpan; scopeId: number }, what: string): Hop {
    return { file: this.file, line: c.span.line, fn: this.idx.fn(c.scopeId)?.qualifiedName ?? '<module>', what };
  }

  /**
   * Stores into application objects anywhere in the module, as paths relative to the app (`.state.blob`,
   * `.config[]`): through the app's own names, `current_app`, any `<x>.app` (`request.app.state.k = v`), `setattr`,
   * `vars(app)`/`__dict__` (the whole object) and mutating methods (`app.config.update(v)`).
   */
  private appStores(): AppStore[] {
    if (this.appWrites !== undefined) return this.appWrites;
    const names = this.appNames();
    const out: AppStore[] = [];
    const add = (text: string, suffix: string, values: ExpressionFact[], scopeId: number, line: number): void => {
      const rel = appRelative(text, suffix, names);
      if (rel !== undefined) out.push({ rel, values, scopeId, line });
    };
    for (const a of this.idx.mod.assignments) {
      const values = a.value !== null ? [a.value] : [];
      for (const t of a.targets) {
        if (t.kind === 'attribute') add(t.text, '', values, a.scopeId, a.span.line);
        else if (t.kind === 'subscript') add(t.objectText, '[]', values, a.scopeId, a.span.line);
      }
    }
    for (const c of this.idx.mod.calls) {
      const m = this.info(c).method;
      const raw = c.callee.raw;
      if (m !== undefined && APP_MUTATORS.has(m) && c.callee.access?.steps.at(-1)?.kind === 'attr') {
        // Every argument may be stored (`update(a, k=v)`, `setdefault(k, v)`, `update(**request.json)`).
        const values = [...c.positional, ...c.keywords.map((k) => k.value), ...c.starArgs, ...c.starStarKwargs];
        add(raw.slice(0, raw.lastIndexOf('.')), '', values, c.scopeId, c.span.line);
      } else if (this.info(c).targets.includes('builtins.setattr') && c.positional.length === 3) {
        const [obj, attr, value] = c.positional as [ExpressionFact, ExpressionFact, ExpressionFact];
        const name = attr.constant?.type === 'str' ? '.' + attr.constant.value : '';
        add(obj.text, name, [value], c.scopeId, c.span.line);
      }
    }
    this.appWrites = out;
    return out;
  }

  /**
   * `app.<path>` where `app` is the module's application object (not shadowed in `r`) or `current_app`: the app
   * is configuration (INTERNAL) joined with every value this module stores into a related path. Returns the value
   * and how many access steps it covers, or undefined when the root is not an application object.
   */
  private appAccess(a: AccessPath, upTo: number, r: Run): { v: Value; steps: number } | undefined {
    const root = a.root;
    if (root.kind !== 'name') return undefined;
    const proxy = root.resolution === 'import' && root.qualifiedNames.some((q) => APP_PROXIES.has(q));
    if (!proxy && !this.isAppName(root.name, r)) return undefined;
    let rel = '';
    let steps = 0;
    while (steps < upTo && a.steps[steps]!.kind === 'attr') rel += '.' + (a.steps[steps++] as { name: string }).name;
    const memo = this.appReads.get(rel);
    if (memo !== undefined) return { v: memo, steps };
    if (this.appBusy.has(rel)) return { v: INTERNAL, steps };
    this.appBusy.add(rel);
    let v = INTERNAL;
    try {
      for (const w of this.appStores()) {
        if (!relatedPaths(w.rel, rel)) continue;
        const f = this.idx.fn(w.scopeId);
        const wr = f !== undefined ? this.top(f) : undefined;
        for (const e of w.values) {
          const x =
            wr !== undefined
              ? this.evalExpr(e, wr)
              : untrustedValue(`\`${shortText(e.text, 40)}\` stored into the app at line ${w.line}`);
          v = joinValues(v, x);
        }
      }
    } finally {
      this.appBusy.delete(rel);
    }
    this.appReads.set(rel, v);
    return { v, steps };
  }

  /**
   * Streamlit's session state (`st.session_state`, or the name imported from it): what a read of key `key` (undefined:
   * a key not known here) may hold is what this module stores under that key anywhere (`st.session_state["k"] = v`,
   * `st.session_state.k = v`, `update`/`setdefault`), and the value of every widget created with `key="k"` (Streamlit
   * keeps a keyed widget's value there). The script reruns on every interaction, so a value stored in one run is
   * read in a later one, whatever the order of the statements. Chainlit's `cl.user_session` is kept the same way
   * (`.set(key, v)` stores, `.get(key)` reads).
   */
  private sessionValue(key: string | undefined): Value {
    const memoKey = key ?? '';
    const memo = this.sessionReads.get(memoKey);
    if (memo !== undefined) return memo;
    if (this.sessionBusy.has(memoKey)) return INTERNAL;
    this.sessionBusy.add(memoKey);
    let v = INTERNAL;
    try {
      for (const w of this.sessionStores()) {
        if (key !== undefined && w.key !== undefined && w.key !== key) continue;
        const f = this.idx.fn(w.scopeId);
        const wr = f !== undefined ? this.top(f) : undefined;
        if (wr === undefined) {
          v = joinValues(v, untrustedValue(`a value stored into Streamlit's session state at line ${w.line}`));
          continue;
        }
        if (w.call !== undefined) v = joinValues(v, this.evalCall(w.call, wr));
        for (const e of w.values) v = joinValues(v, this.evalExpr(e, wr));
      }
    } finally {
      this.sessionBusy.delete(memoKey);
    }
    this.sessionReads.set(memoKey, v);
    return v;
  }

  private sessionStores(): SessionStore[] {
    if (this.sessionWrites !== undefined) return this.sessionWrites;
    const out: SessionStore[] = [];
    for (const a of this.idx.mod.assignments) {
      if (a.value === null) continue;
      for (const t of a.targets) {
        let key: string | undefined;
        if (t.kind === 'subscript' && t.objectQualifiedName === SESSION_STATE)
          key = t.key?.type === 'str' ? t.key.value : undefined;
        else if (t.kind === 'attribute' && t.qualifiedName?.startsWith(`${SESSION_STATE}.`) === true)
          key = t.qualifiedName.slice(SESSION_STATE.length + 1).split('.')[0];
        else continue;
        out.push({ key, values: [a.value], scopeId: a.scopeId, line: a.span.line });
      }
    }
    for (const c of this.idx.mod.calls) {
      const targets = this.info(c).targets;
      const m = this.info(c).method;
      // Chainlit's per-user session: `cl.user_session.set(key, value)`.
      if (m === 'set' && targets.includes(`${CHAINLIT_SESSION}.set`)) {
        const first = c.positional[0]?.constant;
        const values = [...c.positional.slice(1), ...c.keywords.filter((k) => k.name === 'value').map((k) => k.value)];
        out.push({
          key: first?.type === 'str' ? first.value : undefined,
          values,
          scopeId: c.scopeId,
          line: c.span.line,
        });
        continue;
      }
      if (m !== undefined && MUTATING_METHODS.has(m) && targets.some((t) => t === `${SESSION_STATE}.${m}`)) {
        const first = c.positional[0]?.constant;
        const keyed = (m === 'setdefault' || m === '__setitem__') && first?.type === 'str';
        const values = [...c.positional.slice(keyed ? 1 : 0), ...c.keywords.map((k) => k.value), ...c.starStarKwargs];
        out.push({ key: keyed ? first.value : undefined, values, scopeId: c.scopeId, line: c.span.line });
        continue;
      }
      // A widget created with `key=...` keeps its value under that key.
      const k = c.keywords.find((x) => x.name === 'key')?.value;
      if (k !== undefined && targets.some((t) => t.startsWith('streamlit.')) && this.info(c).network !== undefined)
        out.push({
          key: k.constant?.type === 'str' ? k.constant.value : undefined,
          values: [],
          call: c,
          scopeId: c.scopeId,
          line: c.span.line,
        });
    }
    this.sessionWrites = out;
    return out;
  }

  /** Module-level names bound only by web framework constructors (`app = Flask(__name__)`, never rebound). */
  private appNames(): Set<string> {
    if (this.apps !== undefined) return this.apps;
    const count = new Map<string, number>();
    for (const c of this.idx.mod.calls) {
      if (c.enclosingFunction === null && this.info(c).targets.some((t) => APP_CONSTRUCTORS.has(t)))
        for (const n of c.assignedTo) count.set(n, (count.get(n) ?? 0) + 1);
    }
    this.apps = new Set(
      [...count].filter(([n, k]) => this.idx.boundNames.get(0)?.get(n)?.length === k).map(([n]) => n),
    );
    return this.apps;
  }

  /** True when `name`, seen from `r`, is the module-level binding of an application object. */
  private isAppName(name: string, r: Run): boolean {
    if (!this.appNames().has(name)) return false;
    for (let f: FunctionFact | undefined = r.fn; f !== undefined && f.id !== 0;) {
      if (f.globals.includes(name)) break;
      if ((f.id === r.fn.id && r.params.has(name)) || this.idx.boundNames.get(f.id)?.has(name) === true) return false;
      let p: FunctionFact | undefined = f.parentId !== null ? this.idx.fn(f.parentId) : undefined;
      while (p !== undefined && p.kind === 'class' && p.parentId !== null) p = this.idx.fn(p.parentId);
      f = p;
    }
    return true;
  }

  private info(c: CallSite): CallInfo {
    let i = this.infos[c.id];
    if (i === undefined) {
      const targets = this.idx.targets(c);
      i = {
        targets,
        sink:
          matchSink(c, this.idx) ??
          (this.namesSinkValues() ? dynamicSink(c, this.idx, this.foreignArgs, this.importedTables) : undefined),
        network:
          networkCall(c, targets, this.idx.fn(c.scopeId)) ??
          (targets.length === 0 ? networkCall(c, this.idx.selfAttrTargets(c)) : undefined) ??
          (mayBeFactoryMade(c, targets) ? networkCall(c, this.idx.factoryTargets(c)) : undefined) ??
          dynamicNetworkCall(c, this.idx, this.foreignArgs) ??
          containerWidget(c, targets, this.idx),
        method: methodName(c),
      };
      this.infos[c.id] = i;
    }
    return i;
  }

  /**
   * Evaluate, in the merged context of their functions, what the rules need: the data argument of every sink,
   * the receiver of every `.recv()` (multiprocessing connections), and — when `reconstruction` is set — calls
   * that may rebuild objects through code outside the file. Evaluation is on demand, so unrelated code costs
   * nothing.
   */
  run(opts: { reconstruction: boolean }): FlowResult {
    const sinks: SinkHit[] = [];
    const reconstructions: ReconstructionHit[] = [];
    for (const c of this.idx.mod.calls) {
      const wantsRecon = opts.reconstruction && RECONSTRUCTION_NAMES.has(calleeLastName(c));
      if (
        !wantsRecon &&
        !mayBeSink(c) &&
        methodName(c) !== 'recv' &&
        !this.aliasSink(c) &&
        !(c.callee.resolution === 'assignment' && this.idx.targets(c).some((t) => SINK_BY_NAME.has(t)))
      )
        continue;
      const info = this.info(c);
      if (info.sink === undefined && info.method !== 'recv' && !wantsRecon) continue;
      // `.recv()` on an imported name (a module's function, `_native.recv(fd, n)`) is no connection of this code's.
      if (info.sink === undefined && info.method === 'recv' && !wantsRecon && receiverIsImport(c)) continue;
      const f = this.idx.fn(c.scopeId);
      const r = f !== undefined ? this.top(f) : undefined;
      if (r === undefined) continue;
      if (info.sink !== undefined) {
        const data = info.sink.data;
        let v = data !== undefined ? this.evalExpr(data, r) : untrustedValue('arguments passed with *args');
        // `pd.read_pickle("s3://bucket/x.pkl")`: pandas opens a remote URL with fsspec, so the bytes are the remote
        // object's, as `fsspec.open` of the same URL gives them.
        const url = data !== undefined && URL_READERS.has(info.sink.api.qualifiedName) ? this.remoteUrl(data, c) : '';
        if (url !== '')
          v = joinValues(
            v,
            this.obtained(
              taintedValue('data', this.origin(c.span, c.text, `remote object read from \`${url}\``, r.fn.id)),
            ),
          );
        sinks.push({ sink: info.sink, value: data !== undefined ? this.withinWith(v, data, c, r) : v });
      } else if (info.method === 'recv') {
        // Only a multiprocessing connection's `.recv()` unpickles: the receiver decides, not what the call returns
        // (`_native.recv(fd, buf)` of a module, a socket's `recv`), so the call is evaluated only for such a receiver.
        const a = c.callee.access;
        const recv = a !== undefined ? this.evalAccess(a, r, c.span, c.text, a.steps.length - 1) : INTERNAL;
        if (recv.taint?.kind === 'mpconn') this.evalCall(c, r);
      } else {
        const recon = this.reconstruction(c, info, r);
        if (recon !== undefined) reconstructions.push(recon);
      }
    }
    return {
      sinks,
      transports: [...this.transports.values()],
      reconstructions,
      networkReads: this.reads,
      truncated: this.b.truncated,
    };
  }

  /**
   * The remote URL an argument provably is: a literal with a scheme other than `file://`, an expression whose
   * literal start is one, or a parameter of the calling function whose default is one (a call leaving it out reads
   * the remote object); '' otherwise.
   */
  private remoteUrl(e: ExpressionFact, c: CallSite): string {
    const lit = e.constant;
    if (lit?.type === 'str') return isRemoteUrl(lit.value) ? shortText(lit.value, 60) : '';
    const root = e.access?.root;
    if (root?.kind !== 'name' || root.resolution !== 'parameter' || e.access!.steps.length !== 0) {
      // A URL built at run time whose literal start names a scheme (f"s3://{bucket}/x.pkl", "https://" + host).
      const start = /^[fFrRbBuU]{0,2}(?:"|')([^"'{]*)/.exec(e.text);
      return start !== null && isRemoteUrl(start[1]!) ? shortText(e.text, 60) : '';
    }
    const d = this.idx.fn(c.scopeId)?.parameters.find((p) => p.name === root.name)?.default?.constant;
    return d?.type === 'str' && isRemoteUrl(d.value) ? shortText(d.value, 60) : '';
  }

  /**
   * A call that may be a sink only the project or the run-time choice of a callable reveals: a project alias of a
   * sink (`serde.loads` where another module binds `loads = pickle.loads`), an Unpickler subclass of another module,
   * or a callee chosen at run time (`self.deserialize(msg)`, `CODECS[ct](body)`) when some sink is named as a value.
   */
  private aliasSink(c: CallSite): boolean {
    const link = this.idx.link;
    if (link !== undefined) {
      if (this.idx.targets(c).some((t) => SINK_BY_NAME.has(t))) return true;
      const q = c.callee.qualifiedName;
      if (q !== null && c.callee.resolution === 'import' && link.resolveClass(q) !== undefined) return true;
    }
    if (!this.namesSinkValues()) return false;
    const a = c.callee.access;
    if (a === undefined) return false;
    return (
      (a.root.kind === 'name' && a.steps.length <= 1 && c.callee.qualifiedName === null) ||
      (a.root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'index') ||
      (a.root.kind === 'call' && a.steps.length === 0)
    );
  }

  private sinkValues: boolean | undefined;

  /** Whether this module (or, in a project, any module) names an executable deserializer as a value. */
  private namesSinkValues(): boolean {
    this.sinkValues ??= this.project?.namesSinkValues() ?? moduleNamesSinkValues(this.idx.mod);
    return this.sinkValues;
  }

  /** Tables of callables other modules of the project define, for a name this module imports. */
  private readonly importedTables = (qualifiedNames: readonly string[]): ExpressionFact[] =>
    this.project?.importedDicts?.(this.idx, qualifiedNames) ?? [];

  /** Arguments other modules pass to a function of this one (for run-time chosen deserializers). */
  private readonly foreignArgs = (fn: FunctionFact) =>
    (this.project?.callersOf(fn) ?? []).map((x) => ({
      positional: x.edge.positional,
      keywords: [...x.edge.keywords].map(([name, value]) => ({ name, value })),
      skip: x.edge.skip,
    }));

  /**
   * Network reads anywhere in the module (evidence of a server loop): evaluates calls that read from objects and
   * loops over them, on demand, when the rules need serving evidence that handlers did not give.
   */
  serverReads(): Origin[] {
    if (this.reads.length > 0) return this.reads;
    // Without a networking import or a framework request object nothing here can read from the network.
    const roots = this.idx.importedRoots;
    if (!this.networkModule && !roots.has('multiprocessing') && ![...roots].some((r) => REQUEST_MODULES.has(r)))
      return this.reads;
    for (const c of this.idx.mod.calls) {
      const m = methodName(c);
      if (m === undefined || !(READ_METHODS.has(m) || FALLBACK_RECV_METHODS.has(m) || m === 'accept')) continue;
      const f = this.idx.fn(c.scopeId);
      const r = f !== undefined ? this.top(f) : undefined;
      if (r !== undefined) this.evalCall(c, r);
      if (this.reads.length > 0) return this.reads;
    }
    for (const a of this.idx.mod.assignments) {
      if (a.kind !== 'for' || a.value === null) continue;
      const f = this.idx.fn(a.scopeId);
      const r = f !== undefined ? this.top(f) : undefined;
      const name = a.targets.find((t) => t.kind === 'name');
      if (r !== undefined && name?.kind === 'name') this.lookup(name.name, r);
      if (this.reads.length > 0) break;
    }
    return this.reads;
  }

  /** The value of a method call's receiver (`self.sock` of `self.sock.recv_pyobj()`) in its function's context. */
  receiverValue(c: CallSite): Value {
    const a = c.callee.access;
    if (a === undefined || a.steps.length === 0) return INTERNAL;
    const f = this.idx.fn(c.scopeId);
    const r = f !== undefined ? this.top(f) : undefined;
    return r !== undefined ? this.evalAccess(a, r, c.span, c.text, a.steps.length - 1) : INTERNAL;
  }

  /** The value of an expression in the merged context of the function `scopeId` (for callers outside the pass). */
  valueIn(e: ExpressionFact, scopeId: number): Value {
    const f = this.idx.fn(scopeId);
    const r = f !== undefined ? this.top(f) : undefined;
    return r !== undefined ? this.evalExpr(e, r) : this.chainCut('recursive call chain');
  }

  // ---- runs -------------------------------------------------------------------------------------------------

  private top(f: FunctionFact): Run | undefined {
    const known = this.tops.get(f.id);
    if (known !== undefined) return known;
    if (this.topBusy.has(f.id)) return undefined;
    // Merging parameters walks up the call graph; a very long chain is cut like a cycle (not internal).
    if (this.b.depth > FLOW_LIMITS.evalDepth) {
      this.b.truncated = true;
      return undefined;
    }
    this.topBusy.add(f.id);
    this.b.depth++;
    try {
      const r = new Run(f, this.mergedParams(f), 0, true, this.idx);
      this.tops.set(f.id, r);
      return r;
    } finally {
      this.b.depth--;
      this.topBusy.delete(f.id);
    }
  }

  /** Parameter values: handler seeds, or the join of the arguments at every call site in this module. */
  private mergedParams(f: FunctionFact): Map<string, Value> {
    const params = new Map<string, Value>();
    if (f.kind !== 'function' && f.kind !== 'lambda') return params;
    // Seeded parameters hold what the framework passes; the others of a request handler are framework-supplied
    // too. Anything else (helpers, including helper methods of handler classes) gets its callers' arguments.
    const entry = this.entries.get(f.id);
    const edges = this.idx.callers.get(f.id) ?? [];
    const far = this.project?.callersOf(f) ?? [];
    const escapes =
      (edges.length === 0 && far.length === 0 && this.project?.heldInTable?.(f) !== true) ||
      this.idx.referenced.has(f.id) ||
      this.project?.escapes(f) === true;
    // A method the package may call through an object it holds (an untyped receiver) gets the package's values: its
    // parameters are not what a user of the library hands it.
    const ducked =
      escapes && this.idx.fn(f.parentId ?? -1)?.kind === 'class' && this.project?.calledUntyped?.(f) === true;
    // A click or typer command: its parameters are the command line's options and arguments.
    const command = entry === undefined ? commandOf(f, this.idx, typerRunners(this.idx)) : undefined;
    // A Celery task no code of the project queues (no `.delay(...)`, `.apply_async(...)`, call or table holding it):
    // its arguments are what a client of the broker publishes. Graded as a command line is: the broker is a service
    // of the deployment, not a listening socket of this code, and who may publish to it is the operator's choice.
    const brokerOnly =
      entry === undefined && edges.length === 0 && far.length === 0 && f.kind === 'function' ? taskSkip(f) : undefined;
    f.parameters.forEach((p, i) => {
      const seed = entry?.seeds.get(i);
      if (seed !== undefined) {
        params.set(p.name, this.seedValue(seed, f, i));
        return;
      }
      if (command !== undefined) {
        const arg = { file: this.file, line: f.span.line, text: p.name };
        params.set(
          p.name,
          command.numeric.has(p.name) || p.kind === 'kwarg'
            ? INTERNAL
            : cliValue(arg, `\`${p.name}\`, an argument of the ${command.framework} command \`${f.name}\``),
        );
        return;
      }
      if (brokerOnly !== undefined && i >= brokerOnly && p.kind !== 'kwarg' && p.kind !== 'vararg') {
        const arg = { file: this.file, line: f.span.line, text: p.name, task: f.name };
        params.set(p.name, cliValue(arg, `\`${p.name}\`, an argument of the Celery task \`${f.name}\``));
        return;
      }
      let v: Value =
        entry?.isHandler === true || !escapes
          ? INTERNAL
          : untrustedValue(
              `parameter \`${p.name}\` of \`${f.qualifiedName}\`, called from outside this file`,
              false,
              ducked ? undefined : { file: this.file, functionId: f.id, name: p.name },
            );
      for (const e of edges) v = joinValues(v, this.argumentAt(e, f, i));
      for (const x of far) {
        const passed = x.unit.flow.passedArgument(x.edge, f, i);
        v = joinValues(v, passed ?? this.defaultValue(f, p));
      }
      // A library's public function its own package calls only with its own values (`default_model()` calling
      // `load_model(DEFAULT)`): its users call it with theirs as well.
      if (
        !escapes &&
        entry === undefined &&
        v.taint === null &&
        v.untrusted === null &&
        this.publicParameter(f, p.name)
      )
        v = untrustedValue(`parameter \`${p.name}\` of \`${f.qualifiedName}\`, called from outside this file`, false, {
          file: this.file,
          functionId: f.id,
          name: p.name,
        });
      const fetched = entry?.isHandler === true ? undefined : this.fetchedReference(f, p.name);
      if (fetched !== undefined) v = joinValues(v, fetched);
      params.set(p.name, v);
    });
    return params;
  }

  /**
   * A parameter of a public module-level function of a library (its methods' internal callers are the objects
   * it manages: their keys and state are not what a user names).
   */
  private publicParameter(f: FunctionFact, name: string): boolean {
    const view = this.project;
    if (view?.libraryParameter === undefined || f.kind !== 'function') return false;
    if (this.idx.fn(f.parentId ?? -1)?.kind !== 'module') return false;
    const u = view.unitOf(this.idx);
    return u !== undefined && view.libraryParameter(u, f, name);
  }

  /**
   * A parameter the function itself fetches as a URL (`requests.get(src)`, `urlopen(src)`) names content a remote
   * party chooses; the inline forms the same parameter may take instead (`data:...;base64,...`) carry content of the
   * same origin, so the parameter's own text is network text wherever the function decodes it rather than fetches
   * it. Only HTTP client calls given the bare parameter as their URL count.
   */
  private fetchedReference(f: FunctionFact, name: string): Value | undefined {
    let byName = this.urlCalls.get(f.id);
    if (byName === undefined) {
      // One pass over the function's calls: those given a bare name as their URL, by that name.
      byName = new Map();
      for (const c of this.idx.callsByScope.get(f.id) ?? []) {
        const a = (c.positional[0] ?? c.keywords.find((k) => k.name === 'url')?.value)?.access;
        if (a?.root.kind !== 'name' || a.steps.length !== 0) continue;
        const list = byName.get(a.root.name);
        if (list === undefined) byName.set(a.root.name, [c]);
        else list.push(c);
      }
      this.urlCalls.set(f.id, byName);
    }
    for (const c of byName.get(name) ?? []) {
      const n = this.info(c).network;
      if (n?.kind !== 'response') continue;
      const origin = this.origin(
        c.span,
        c.text,
        `\`${name}\`, a URL the function fetches (${n.label}), or content given inline in its place`,
        f.id,
      );
      return taintedValue('text', origin);
    }
    return undefined;
  }

  private seedValue(seed: ParamSeed, f: FunctionFact, i: number): Value {
    if (seed.kind === 'internal') return INTERNAL;
    const p = f.parameters[i]!;
    const origin: Origin = {
      file: this.file,
      fn: f.qualifiedName,
      line: f.span.line,
      column: f.span.column,
      text: p.annotation !== undefined ? `${p.name}: ${p.annotation}` : p.name,
      label: seed.label,
      functionId: f.id,
      via: [],
    };
    return taintedValue(seed.kind, origin);
  }

  /** The value a call edge passes to parameter `i` of `f`, evaluated in the caller's merged context. */
  private argumentAt(e: CallEdge, f: FunctionFact, i: number): Value {
    const p = f.parameters[i]!;
    const caller = this.idx.fn(e.call.scopeId);
    const r = caller !== undefined ? this.top(caller) : undefined;
    if (r === undefined) return this.chainCut(`parameter \`${p.name}\` (recursive call chain)`);
    const hop = this.hop(e.call, `${shortText(e.call.callee.raw, 40)}()`);
    const passed = this.passedValue(e, p, i, r, hop);
    if (passed !== undefined) return passed;
    return this.defaultValue(f, p);
  }

  /** The value of a parameter left to its default (evaluated where the def is). */
  private defaultValue(f: FunctionFact, p: FunctionFact['parameters'][number]): Value {
    if (p.default === undefined || p.default.constant !== undefined) return INTERNAL;
    const outer = f.parentId !== null ? this.idx.fn(f.parentId) : undefined;
    const or = outer !== undefined ? this.top(outer) : undefined;
    return or !== undefined ? this.evalExpr(p.default, or) : this.chainCut(`default of \`${p.name}\``);
  }

  /**
   * What a call edge of this module passes to parameter `i` of a function of another module, evaluated in the
   * caller's merged context; undefined when the parameter keeps its default.
   */
  passedArgument(e: CallEdge, f: FunctionFact, i: number): Value | undefined {
    const p = f.parameters[i]!;
    if (i < e.skip) return INTERNAL;
    const caller = this.idx.fn(e.call.scopeId);
    const r = caller !== undefined ? this.top(caller) : undefined;
    if (r === undefined) return this.chainCut(`parameter \`${p.name}\` (recursive call chain)`);
    return this.passedValue(e, p, i, r, this.hop(e.call, `${shortText(e.call.callee.raw, 40)}()`));
  }

  /** What `q.put(item)` calls anywhere in the project put into the queue `c` (`q.get()`) takes from, if known. */
  private queued(c: CallSite, method: string): Value | undefined {
    const a = c.callee.access!;
    const u = this.project?.unitOf(this.idx);
    const puts =
      u !== undefined
        ? this.project!.queuePuts?.(u, { root: a.root, steps: a.steps.slice(0, -1) }, c.scopeId, method)
        : undefined;
    if (puts === undefined) return undefined;
    let v = INTERNAL;
    for (const p of puts) v = joinValues(v, p.unit.flow.queuedValue(p.call));
    return v;
  }

  /** What a `q.put(item)` call of this module puts, in the merged context of its function. */
  queuedValue(put: CallSite): Value {
    const item = put.positional[0] ?? put.keywords.find((k) => k.name === 'item' || k.name === 'obj')?.value;
    if (item === undefined) return INTERNAL;
    const f = this.idx.fn(put.scopeId);
    const r = f !== undefined ? this.top(f) : undefined;
    // A put made while its own function's parameters are being merged adds nothing the other puts do not.
    if (r === undefined) return this.b.depth > FLOW_LIMITS.evalDepth ? this.chainCut('queued item') : INTERNAL;
    return viaHop(this.evalExpr(item, r), this.hop(put, `${shortText(put.callee.raw, 40)}()`));
  }

  /** The return value of a function of this module called from another one with these parameter values. */
  foreignReturn(f: FunctionFact, params: Map<string, Value>, depth: number): Value {
    return this.returnValue(this.helper(f, params, depth));
  }

  /** A run of a local function with the given argument values, for its return value. */
  private helper(f: FunctionFact, params: Map<string, Value>, depth: number): Run {
    let key = f.id + '|';
    for (const v of params.values()) key += valueKey(v) + ',';
    let r = this.helpers.get(key);
    if (r === undefined) {
      r = new Run(f, params, depth, false, this.idx);
      this.helpers.set(key, r);
    }
    return r;
  }

  private returnValue(r: Run): Value {
    let v = INTERNAL;
    for (const e of r.fn.returns) v = joinValues(v, this.evalExpr(e, r));
    return v;
  }

  // ---- expressions ------------------------------------------------------------------------------------------

  /**
   * What a caller left unevaluated is worth: a plain cycle (the caller is being evaluated already) is not internal;
   * past the depth guard the chain was cut, and the value says so.
   */
  private chainCut(reason: string): Value {
    return this.b.depth > FLOW_LIMITS.evalDepth ? cutValue(reason, 'depth') : untrustedValue(reason);
  }

  /** The value of an expression the budget did not let evaluate (steps spent, or nested past the depth guard). */
  private budgetCut(): Value {
    return cutValue('analysis budget exhausted', this.b.steps > this.b.maxSteps ? 'steps' : 'depth');
  }

  private budget(): boolean {
    if ((++this.b.steps & (CHECKPOINT_STEPS - 1)) === 0) this.b.checkpoint?.();
    if (this.b.steps > this.b.maxSteps || this.b.depth > FLOW_LIMITS.evalDepth) {
      this.b.truncated = true;
      return false;
    }
    return true;
  }

  evalExpr(e: ExpressionFact, r: Run): Value {
    if (e.constant !== undefined) {
      // A literal path may name a file this function wrote network data into.
      if (e.constant.type !== 'str') return INTERNAL;
      const written = this.writtenFiles(r);
      const k = 's:' + e.constant.value;
      return writtenAt(written, k) ?? this.writtenElsewhere(k) ?? INTERNAL;
    }
    if (!this.budget()) return this.budgetCut();
    this.b.depth++;
    try {
      let v: Value;
      switch (e.nodeType) {
        case 'lambda':
        case 'comparison_operator':
        case 'not_operator':
        case 'integer':
        case 'float':
        case 'true':
        case 'false':
        case 'none':
          return INTERNAL;
        default:
          break;
      }
      if (e.access !== undefined) v = this.evalAccess(e.access, r, e.span, e.text);
      else if (e.elements !== undefined) {
        v = INTERNAL;
        for (const x of e.elements) v = joinValues(v, this.evalExpr(x, r));
      } else if (e.operands !== undefined) {
        // `prefix + request.data`, `request.data or b""`, f"{request.json['k']}": the value of each part, so a
        // network access written inline counts exactly as one bound to a name first.
        v = INTERNAL;
        for (const x of e.operands) v = joinValues(v, this.evalExpr(x, r));
        if ((e.nodeType === 'string' || e.nodeType === 'concatenated_string') && v.taint !== null)
          v = v.taint.kind === 'file' ? v : reshape(v, 'text');
      } else {
        v = INTERNAL;
        for (const n of e.names) v = joinValues(v, this.lookup(n, r));
        for (const id of e.callIds) {
          const c = this.idx.mod.calls[id];
          if (c !== undefined) v = joinValues(v, this.evalCall(c, r));
        }
        if ((e.nodeType === 'string' || e.nodeType === 'concatenated_string') && v.taint !== null)
          v = v.taint.kind === 'file' ? v : reshape(v, 'text');
      }
      if (v.taint === null || v.taint.kind === 'text') {
        const written = this.writtenFiles(r);
        const bareName = e.access?.root.kind === 'name' && e.access.steps.length === 0;
        const k =
          written.size > 0 || (bareName && v.taint === null && this.mayWriteElsewhere())
            ? this.pathKey(e, r, 0)
            : undefined;
        const hit = k !== undefined ? (writtenAt(written, k) ?? this.writtenElsewhere(k)) : undefined;
        if (hit !== undefined) v = joinValues(v, hit);
      }
      return v;
    } finally {
      this.b.depth--;
    }
  }

  private evalAccess(a: AccessPath, r: Run, span: SourceSpan, text: string, upTo = a.steps.length): Value {
    let v: Value;
    let start = 0;
    const root = a.root;
    if (root.kind === 'name') {
      const global = root.resolution === 'import' ? root.qualifiedNames.find((q) => GLOBAL_REQUESTS.has(q)) : undefined;
      const input = root.resolution === 'import' ? globalInput(root.qualifiedNames, a, upTo) : undefined;
      const first = a.steps[0];
      const argv =
        root.resolution === 'import'
          ? argvAccess(root.qualifiedNames, first?.kind === 'attr' ? first.name : undefined)
          : undefined;
      if (argv !== undefined && argv <= upTo) {
        v = cliValue(this.cliArg(span, text), '`sys.argv` (an argument of the command line)');
        start = argv;
      } else if (global !== undefined) {
        v = taintedValue('request', this.origin(span, text, GLOBAL_REQUESTS.get(global)!, r.fn.id));
      } else if (input !== undefined) {
        // What the client sent, read here (a network read, as a widget's value is: evidence that the code serves).
        v = this.obtained(taintedValue('text', this.origin(span, text, input.label, r.fn.id)));
        start = input.steps;
      } else if (r.selfName === root.name && r.cls !== undefined && a.steps[0]?.kind === 'attr' && upTo > 0) {
        const attr = this.classAttr(r.cls, a.steps[0].name);
        if (attr !== null) {
          v = attr;
          start = 1;
        } else v = this.lookup(root.name, r);
      } else if (root.resolution === 'import' && sessionStateAt(root.qualifiedNames, a, upTo) !== undefined) {
        start = sessionStateAt(root.qualifiedNames, a, upTo)!;
        const st = start < upTo ? a.steps[start]! : undefined;
        const key =
          st?.kind === 'attr' ? st.name : st?.kind === 'index' && st.key?.type === 'str' ? st.key.value : undefined;
        v = this.sessionValue(key);
        if (key !== undefined) start++;
      } else {
        const app = this.appAccess(a, upTo, r);
        if (app !== undefined) {
          v = app.v;
          start = app.steps;
        } else v = this.lookup(root.name, r);
      }
    } else if (root.kind === 'call') {
      const c = this.idx.mod.calls[root.callId];
      v = c !== undefined ? this.evalCall(c, r) : INTERNAL;
    } else v = root.expr !== undefined ? this.evalExpr(root.expr, r) : INTERNAL;
    // An attribute of an object of a class that stores network data or a downloaded path into it
    // (`self.path = snapshot_download(repo)` in one class, `a.path` or `self.fetcher.path` in another).
    if (root.kind === 'name' && start < upTo && v.taint === null) {
      const at = this.instanceData(a, start, r);
      if (at !== undefined) {
        v = joinValues(v, at);
        start++;
      }
    }
    // The pieces of a caller's string (`name.split("/")[-1]`) are parts of what the caller named.
    let pieces = root.kind === 'call' && splitsText(this.idx.mod.calls[root.callId]);
    for (let i = start; i < upTo; i++) {
      const st = a.steps[i]!;
      v = this.step(v, st, span, text, r, pieces);
      pieces = false;
    }
    return v;
  }

  /** Network data or a download that `self.<attr>` holds in the classes the prefix of step `i` may be an instance of. */
  private instanceData(a: AccessPath, i: number, r: Run): Value | undefined {
    const st = a.steps[i];
    const view = this.project;
    if (st?.kind !== 'attr' || view?.instanceClasses === undefined) return undefined;
    const u = view.unitOf(this.idx);
    if (u === undefined) return undefined;
    let got: Value | undefined;
    for (const k of view.instanceClasses(u, { root: a.root, steps: a.steps.slice(0, i) }, r.fn.id, st.name)) {
      if (k.unit === u && k.cls.id === r.cls?.id && a.root.kind === 'name' && a.root.name === r.selfName) continue;
      const x = k.unit.flow.instanceAttr(k.cls, st.name);
      if (x !== null && x.taint !== null) got = got === undefined ? x : joinValues(got, x);
    }
    return got;
  }

  private origin(span: SourceSpan, text: string, label: string, functionId: number): Origin {
    const fn = this.idx.fn(functionId)?.qualifiedName ?? '<module>';
    return {
      file: this.file,
      fn,
      line: span.line,
      column: span.column,
      text: shortText(text),
      label,
      functionId,
      via: [],
    };
  }

  /**
   * The command-line mark of a sink's file handle bound only by `with ... as f` statements of its function: `with`
   * binds the name anew on entering its body, so the handle a sink reads is the latest `with` before it (a script
   * opening its own files under the same name as the one its command line names keeps only the right one's mark).
   */
  private withinWith(v: Value, data: ExpressionFact, c: CallSite, r: Run): Value {
    const a = data.access;
    if (v.untrusted?.cli === undefined || a?.root.kind !== 'name' || a.steps.length !== 0) return v;
    const binds = this.idx.assignedNames.get(r.fn.id)?.get(a.root.name) ?? [];
    if (binds.length < 2 || binds.some((b) => b.kind !== 'with' || b.scopeId !== c.scopeId)) return v;
    let last: AssignmentFact | undefined;
    for (const b of binds)
      if (b.span.startIndex < c.span.startIndex && (last === undefined || b.span.startIndex > last.span.startIndex))
        last = b;
    if (last === undefined) return v;
    return this.assigned(last, a.root.name, r).untrusted?.cli !== undefined ? v : withoutCli(v);
  }

  private cliArg(span: SourceSpan, text: string): CliArg {
    return { file: this.file, line: span.line, text: shortText(text) };
  }

  /** An attribute or subscript of a network value. */
  private step(v: Value, st: AccessStep, span: SourceSpan, text: string, r: Run, pieces = false): Value {
    const t = v.taint;
    if (t === null) {
      const u = v.untrusted;
      // One piece of a split of what the caller named (`name.split("/")[-1]`) is still the caller's. A slice is not
      // taken as such: it is as often a cut of a buffer the code filled (a received tensor's bytes) as of the name.
      if (st.kind === 'index' && pieces && !st.slice) return v;
      // A field of a parameter object is not what the caller named (a path or bytes): it keeps only the reason.
      // An option of the parsed command line declared a number or a flag names no file.
      if (u?.cli !== undefined && st.kind === 'attr' && nonPathOptions(this.idx).has(st.name)) return INTERNAL;
      return u?.param !== undefined ? untrustedValue(u.reason, u.strong) : v;
    }
    const next = st.kind === 'attr' ? attrKind(t.kind, st.name) : indexKind(t.kind);
    if (next === null) return INTERNAL;
    // Where the shape changes (request → its files, a form field → its file), the data is obtained here.
    if (next !== t.kind && t.kind !== 'data') {
      const moved = reshape(v, next, this.origin(span, text, t.origin.label, r.fn.id));
      return isObjectKind(next) ? moved : this.obtained(moved);
    }
    return reshape(v, next);
  }

  /** Records a network read (evidence of a server loop) and returns the value. */
  private obtained(v: Value): Value {
    if (v.taint !== null && this.reads.length < 64) this.reads.push(v.taint.origin);
    return v;
  }

  // ---- names ------------------------------------------------------------------------------------------------

  private lookup(name: string, r: Run): Value {
    const memo = r.names.get(name);
    if (memo !== undefined) return memo;
    if (r.busyNames.has(name)) return INTERNAL;
    if (!this.budget()) return this.budgetCut();
    r.busyNames.add(name);
    this.b.depth++;
    let v: Value;
    try {
      v = this.lookupUncached(name, r);
    } finally {
      this.b.depth--;
      r.busyNames.delete(name);
    }
    r.names.set(name, v);
    return v;
  }

  private lookupUncached(name: string, r: Run): Value {
    const f = r.fn;
    const bound = this.idx.boundNames.get(f.id)?.get(name);
    const param = r.params.get(name);
    if (bound === undefined && param === undefined) {
      if (f.globals.includes(name) || f.id === 0) return this.outer(name, 0, r);
      return this.outer(name, f.parentId, r);
    }
    let v = param ?? INTERNAL;
    for (const a of this.idx.assignedNames.get(f.id)?.get(name) ?? []) v = joinValues(v, this.assigned(a, name, r));
    // Subscript stores (`buf[i:j] = chunk`), container mutation and read-into calls on the name.
    for (const a of this.idx.assignmentsByScope.get(f.id) ?? []) {
      if (a.value === null) continue;
      for (const t of a.targets) {
        if (t.kind === 'subscript' && t.objectText === name) v = joinValues(v, this.evalExpr(a.value, r));
      }
    }
    for (const c of this.idx.callsByScope.get(f.id) ?? []) {
      if (c.callee.resolution === 'unbound') {
        v = joinValues(v, this.nativeReceiveInto(c, name, r));
        continue;
      }
      const m = this.info(c).method;
      if (m === undefined) continue;
      const ca = c.callee.access;
      if (MUTATING_METHODS.has(m) && ca?.root.kind === 'name' && ca.root.name === name && ca.steps.length === 1) {
        let w = INTERNAL;
        for (const x of c.positional) w = joinValues(w, this.evalExpr(x, r));
        if (w.taint !== null)
          v = joinValues(v, m === 'write' || m === 'writelines' ? viaHop(reshape(w, 'file'), this.writeHop(c)) : w);
      } else if (READ_INTO_METHODS.has(m)) {
        const target = c.positional[0];
        if (
          target?.access?.root.kind === 'name' &&
          target.access.root.name === name &&
          target.access.steps.length === 0
        ) {
          const got = this.evalCall(c, r);
          if (got.taint !== null) v = joinValues(v, reshape(got, 'data'));
        }
      } else {
        // `s3.download_fileobj(bucket, key, buf)`: the object store's bytes are written into the file object (a
        // buffer or an open file) the name holds.
        const dl = this.downloadCall(c, this.info(c));
        if (dl?.keyword !== 'Fileobj') continue;
        const dst = c.positional[dl.position] ?? c.keywords.find((k) => k.name === dl.keyword)?.value;
        const da = dst?.access;
        if (da?.root.kind !== 'name' || da.root.name !== name || da.steps.length !== 0) continue;
        const label = `object written into \`${name}\` by ${dl.label}`;
        v = joinValues(v, this.obtained(taintedValue('data', this.origin(c.span, c.text, label, r.fn.id))));
      }
    }
    return v;
  }

  /**
   * A receive done by native code into an object the Python code made (`_CAPI_RPCRecvMessage(timeout, msg)`): a
   * callee bound by no statement of the module (an FFI loader sets such names at run time, so no definition or
   * import exists) whose name says it receives, given the bare name as an argument, fills it with what the peer
   * sent: a message whose fields are data.
   */
  private nativeReceiveInto(c: CallSite, name: string, r: Run): Value {
    const a = c.callee.access;
    if (a?.root.kind !== 'name' || a.steps.length !== 0 || !NATIVE_RECEIVE.test(a.root.name)) return INTERNAL;
    const passed = c.positional.some(
      (x) => x.access?.root.kind === 'name' && x.access.root.name === name && x.access.steps.length === 0,
    );
    if (!passed) return INTERNAL;
    const label = `\`${name}\` filled by \`${a.root.name}\` (a receive done by native code bound at run time)`;
    return taintedValue('message', this.origin(c.span, c.text, label, r.fn.id), 'medium');
  }

  /** A name not bound in this function: the enclosing function's (closure) or the module's binding. */
  private outer(name: string, parentId: number | null, r: Run): Value {
    if (r.fn.id === 0) {
      const bs = this.idx.boundNames.get(0)?.get(name);
      if (bs === undefined) return name === '__file__' || name === '__name__' ? INTERNAL : unboundValue(name);
      return INTERNAL;
    }
    let p = parentId !== null ? this.idx.fn(parentId) : undefined;
    while (p !== undefined && p.kind === 'class' && p.parentId !== null) p = this.idx.fn(p.parentId);
    if (p === undefined) return unboundValue(name);
    const pr = this.top(p);
    return pr !== undefined ? this.lookup(name, pr) : untrustedValue(`\`${name}\` (recursive scope chain)`);
  }

  /** The value an assignment gives `name` (element-wise for tuple targets over a tuple value). */
  private assigned(a: AssignmentFact, name: string, r: Run): Value {
    if (a.value === null) return INTERNAL;
    if (a.kind === 'for') {
      const it = this.evalExpr(a.value, r);
      const out = iterate(it);
      // Iterating a connection/consumer is where each message is obtained.
      if (it.taint !== null && out.taint !== null && isObjectKind(it.taint.kind) && !isObjectKind(out.taint.kind))
        return this.obtained(
          reshape(
            out,
            out.taint.kind,
            this.origin(a.value.span, `for … in ${a.value.text}`, it.taint.origin.label, r.fn.id),
          ),
        );
      return out;
    }
    const names = a.targets.filter((t) => t.kind === 'name');
    if (names.length > 1 && a.value.elements !== undefined && a.value.elements.length === a.targets.length) {
      const i = a.targets.findIndex((t) => t.kind === 'name' && t.name === name);
      const el = a.value.elements[i];
      if (el !== undefined) return this.evalExpr(el, r);
    }
    return this.evalExpr(a.value, r);
  }

  instanceAttr(cls: FunctionFact, attr: string): Value | null {
    return this.classAttr(cls, attr);
  }

  /** `self.<attr>` of a class: the join of every `self.<attr> = v` in its methods and `attr = v` in its body. */
  private classAttr(cls: FunctionFact, attr: string): Value | null {
    const key = cls.id + '.' + attr;
    if (this.classAttrs.has(key)) return this.classAttrs.get(key)!;
    if (this.classBusy.has(key)) return INTERNAL;
    this.classBusy.add(key);
    let v: Value | null = null;
    try {
      for (const m of this.idx.mod.functions) {
        if (m.parentId !== cls.id || m.kind !== 'function') continue;
        const self = this.idx.selfName(m);
        if (self === undefined) continue;
        const want = self + '.' + attr;
        for (const a of this.idx.assignmentsByScope.get(m.id) ?? []) {
          if (a.value === null || !a.targets.some((t) => t.kind === 'attribute' && t.text === want)) continue;
          const mr = this.top(m);
          const x = mr !== undefined ? this.evalExpr(a.value, mr) : untrustedValue(`self.${attr}`);
          v = v === null ? x : joinValues(v, x);
        }
      }
      const fromInit = this.dataclassField(cls, attr);
      if (fromInit !== undefined) v = v === null ? fromInit : joinValues(v, fromInit);
      // A parameter a Panel widget keeps set to what the browser sends (`fi.link(obj, value="blob")`).
      this.linked ??= panelLinks(this.idx);
      const link = this.linked.get(key);
      if (link !== undefined && link.seed.kind !== 'internal') {
        const c = link.call;
        const x = this.obtained(taintedValue(link.seed.kind, this.origin(c.span, c.text, link.seed.label, c.scopeId)));
        v = v === null ? x : joinValues(v, x);
      }
      const body = this.idx.assignedNames.get(cls.id)?.get(attr);
      if (body !== undefined) {
        const cr = this.top(cls);
        for (const a of body) {
          const x = cr !== undefined ? this.assigned(a, attr, cr) : INTERNAL;
          v = v === null ? x : joinValues(v, x);
        }
      }
    } finally {
      this.classBusy.delete(key);
    }
    this.classAttrs.set(key, v);
    return v;
  }

  /**
   * A field of a dataclass (or attrs/pydantic-style class whose generated `__init__` stores its arguments): the
   * join of what this module's constructions pass for it, by keyword or by field position.
   */
  private dataclassField(cls: FunctionFact, attr: string): Value | undefined {
    if (!cls.decorators.some((d) => DATACLASS_DECORATOR.test(d.text))) return undefined;
    if (this.idx.method(cls, '__init__') !== undefined) return undefined;
    const fields: string[] = [];
    for (const a of this.idx.assignmentsByScope.get(cls.id) ?? [])
      if (a.kind === 'annotated') for (const t of a.targets) if (t.kind === 'name') fields.push(t.name);
    const i = fields.indexOf(attr);
    if (i < 0) return undefined;
    let v: Value | undefined;
    for (const c of this.idx.mod.calls) {
      if (c.callee.definitionId !== cls.id) continue;
      const arg = c.keywords.find((k) => k.name === attr)?.value ?? c.positional[i];
      const f = this.idx.fn(c.scopeId);
      const r = f !== undefined ? this.top(f) : undefined;
      if (arg === undefined || r === undefined) continue;
      const x = this.evalExpr(arg, r);
      v = v === undefined ? x : joinValues(v, x);
    }
    return v;
  }

  // ---- calls ------------------------------------------------------------------------------------------------

  private evalCall(c: CallSite, r: Run): Value {
    const memo = r.calls.get(c.id);
    if (memo !== undefined) return memo;
    if (r.busyCalls.has(c.id)) return INTERNAL;
    if (!this.budget()) return this.budgetCut();
    r.busyCalls.add(c.id);
    this.b.depth++;
    let v: Value;
    try {
      v = this.callUncached(c, r);
    } finally {
      this.b.depth--;
      r.busyCalls.delete(c.id);
    }
    r.calls.set(c.id, v);
    return v;
  }

  /** The parameter values a call gives a helper (local or in another module), and the hop the call is. */
  private calleeParams(
    c: CallSite,
    callee: { fn: FunctionFact; skip: number; kind: 'function' | 'class'; unit?: unknown },
    r: Run,
  ): { params: Map<string, Value>; hop: Hop } {
    const params = new Map<string, Value>();
    const edge: CallEdge = {
      call: c,
      positional: c.positional,
      keywords: new Map(c.keywords.map((k) => [k.name, k.value])),
      skip: callee.skip,
      opaque: c.hasStarArgs || c.hasStarStarKwargs,
    };
    const hop = this.hop(c, `${shortText(c.callee.raw, 40)}()`);
    const a = c.callee.access;
    callee.fn.parameters.forEach((p, i) => {
      if (i < callee.skip) {
        if (callee.unit === undefined) {
          params.set(p.name, r.selfName !== undefined ? this.lookup(r.selfName, r) : INTERNAL);
          return;
        }
        const recv =
          callee.kind === 'function' && a !== undefined && a.steps.length > 0
            ? this.evalAccess(a, r, c.span, c.text, a.steps.length - 1)
            : INTERNAL;
        params.set(p.name, recv);
        return;
      }
      params.set(p.name, this.argumentInRun(edge, callee.fn, i, r, hop));
    });
    return { params, hop };
  }

  private args(c: CallSite, r: Run): Value {
    let v = INTERNAL;
    for (const a of c.positional) v = joinValues(v, this.evalExpr(a, r));
    for (const k of c.keywords) v = joinValues(v, this.evalExpr(k.value, r));
    for (const a of c.starArgs) v = joinValues(v, this.evalExpr(a, r));
    // `LogEntry(**req.json)`: the mapping's values are the object's fields.
    for (const a of c.starStarKwargs) v = joinValues(v, this.evalExpr(a, r));
    return v;
  }

  /**
   * A path joined from parts keeps its caller's-parameter mark only when every part that is not internal is a
   * caller's parameter too: a folder the caller names joined with a name the code computes (a key's digest, a file
   * name it read from its own index) is an entry of a store the code manages, not a file its caller hands it.
   */
  private joinedPath(c: CallSite, r: Run): Value {
    const parts = [...c.positional, ...c.starArgs].map((a) => this.evalExpr(a, r));
    let v = INTERNAL;
    for (const p of parts) v = joinValues(v, p);
    for (const k of c.keywords) v = joinValues(v, this.evalExpr(k.value, r));
    const marked = (u: Value['untrusted']): boolean => u !== null && (u.param !== undefined || u.cli !== undefined);
    if (!marked(v.untrusted)) return v;
    return parts.some((p) => p.untrusted !== null && !marked(p.untrusted)) ? withoutParam(v) : v;
  }

  private callUncached(c: CallSite, r: Run): Value {
    const info = this.info(c);
    if (info.network !== undefined) {
      return this.obtained(taintedValue(info.network.kind, this.origin(c.span, c.text, info.network.label, r.fn.id)));
    }
    if (info.sink !== undefined)
      return untaint(info.sink.data !== undefined ? this.evalExpr(info.sink.data, r) : INTERNAL);

    // Local functions: helpers (return value with these arguments), constructions (the object wraps its arguments).
    const local = this.localCallee(c);
    if (local !== undefined) {
      if (local.kind === 'class') return this.args(c, r);
      if (r.depth + 1 > MAX_HELPER_DEPTH) return this.args(c, r);
      const { params, hop } = this.calleeParams(c, local, r);
      const v = viaHop(this.returnValue(this.helper(local.fn, params, r.depth + 1)), hop);
      // A path naming a file the class itself writes with a serializer is its store's entry, not the caller's file.
      const cls = this.idx.classOf(local.fn);
      return cls !== undefined && cls === r.cls && isOwnStorePath(this.idx, cls, local.fn.name) ? withoutParam(v) : v;
    }
    const far = this.project !== undefined ? this.projectCallee(c) : undefined;
    if (far !== undefined) {
      if (far.kind === 'class' && far.fn === far.cls) return this.args(c, r);
      if (r.depth + 1 > MAX_HELPER_DEPTH) return this.args(c, r);
      const { params, hop } = this.calleeParams(c, far, r);
      if (far.kind === 'class') {
        // A construction runs __init__ for its sinks (merged through the callers index); the object wraps its arguments.
        return this.args(c, r);
      }
      return viaHop(far.unit.flow.foreignReturn(far.fn, params, r.depth + 1), hop);
    }
    const submitted = this.submittedReturn(c, r);
    if (submitted !== undefined) return submitted;

    const targets = info.targets;
    if (targets.includes(`${CHAINLIT_SESSION}.get`)) {
      // `cl.user_session.get(key, default)`: what the module stores under that key (or under a key not known here).
      const k = c.positional[0]?.constant;
      const dflt = c.positional[1] ?? c.keywords.find((x) => x.name === 'default')?.value;
      const stored = this.sessionValue(k?.type === 'str' ? k.value : undefined);
      return dflt !== undefined ? joinValues(stored, this.evalExpr(dflt, r)) : stored;
    }
    if (parsesCommandLine(c, targets, this.idx)) {
      // `parse_args(["--x", "1"])` parses the literal list given; with no list (or `None`) it parses `sys.argv`.
      const given = c.positional[0] ?? c.keywords.find((k) => k.name === 'args')?.value;
      if (given?.elements !== undefined && given.elements.every((e) => e.constant !== undefined)) return INTERNAL;
      const parsed = cliValue(this.cliArg(c.span, c.text), `the command line parsed by \`${shortText(c.text, 40)}\``);
      return given !== undefined && given.constant === undefined ? joinValues(parsed, this.evalExpr(given, r)) : parsed;
    }
    // A number made from an argument (`int(sys.argv[2])`, a descriptor or a count) names no file. Made from network
    // text (`int(request.json["idx"])`) it is text with no folder part, as a file name only: formatted below a folder
    // of the host it picks one of that folder's files, not any file.
    if (targets.some((t) => NUMBER_BUILTINS.has(t))) {
      const n = withoutCli(this.args(c, r));
      if (n.taint === null) return n;
      const text = reshape(n, 'text');
      return { ...text, taint: { ...text.taint!, nameOnly: true } };
    }
    for (const t of targets) {
      if (SERIALIZER_CALLS.has(t)) return INTERNAL;
      if (OPEN_LIKE.has(t)) return this.opened(c, r);
      const prop = PROPAGATORS.get(t);
      if (prop !== undefined) {
        const v = PATH_JOINS.has(t) ? this.joinedPath(c, r) : this.args(c, r);
        // A path built from a downloaded file or folder (`os.path.join(snapshot, "model.pkl")`, `Path(folder)`)
        // names a file whose bytes came from the network too; a file name taken from it (`basename`) is text.
        if (v.taint?.kind === 'file' && (PATH_JOINS.has(t) || SAME_PATH.has(t))) return v;
        if (v.taint !== null && FILE_NAME_ONLY.has(t)) {
          const text = reshape(v, 'text');
          return { ...text, taint: { ...text.taint!, nameOnly: true } };
        }
        return prop === 'same' ? v : reshape(v, prop);
      }
    }
    // Method calls: on network objects, on data, or on something else.
    const m = info.method;
    const a = c.callee.access;
    const recv =
      m !== undefined && a !== undefined ? this.evalAccess(a, r, c.span, c.text, a.steps.length - 1) : undefined;
    if (m !== undefined && recv !== undefined && recv.taint !== null) return this.method(recv, m, c, r);
    if (m === 'get' && recv?.taint === null) {
      // `MODELS.get(name, default)` of a module-level table of constants: one of its values, or the default.
      const looked = this.constantTableGet(c);
      if (looked !== undefined) return looked === null ? INTERNAL : this.evalExpr(looked, r);
    }
    if (m !== undefined && recv !== undefined && (QUEUE_GETS.has(m) || m === PIPE_RECV)) {
      // An item taken from an in-process queue (or a pipe's end) is whatever any module puts into it (sends).
      const queued = this.queued(c, m);
      // A pipe's end is only a channel: what comes out is what its ends were sent, whatever made the pipe.
      if (queued !== undefined) return m === PIPE_RECV ? queued : joinValues(recv, queued);
    }
    if (targets.some((t) => APP_CONSTRUCTORS.has(t))) return untaint(this.args(c, r));
    if (REMOTE_TABLE.has(targets))
      return untrustedValue(`result of \`${shortText(c.callee.raw, 40)}(...)\` (remote store or download)`, true);
    if (m !== undefined && recv !== undefined) {
      const fallback = FALLBACK_RECV_METHODS.get(m);
      const onSelf = a !== undefined && a.root.kind === 'name' && a.root.name === r.selfName && a.steps.length === 1;
      if (fallback !== undefined && this.networkModule && !onSelf && !this.resolvedElsewhere(c)) {
        return this.obtained(
          taintedValue(fallback, this.origin(c.span, c.text, `\`.${m}()\` on a socket-like object`, r.fn.id), 'medium'),
        );
      }
      // A digest of the caller's value names no file the caller chose (a cache entry's name): a fixed-size string or
      // bytes the code's own hash made, so a file named by it is one the code itself named by digest.
      if (m === 'hexdigest' || m === 'digest')
        return digestOf(withoutParam(joinValues(recv, untaint(this.args(c, r)))));
      if (m === 'join' || m === 'format') {
        const v = this.args(c, r);
        return joinValues(m === 'format' ? reshape(v, 'text') : v, recv);
      }
      // A function of an imported module (`storage.download(uri)`) is judged like any library function below;
      // a method of an object (`cfg.get("path")`, `cache.get(k)`) keeps the provenance of the object and args.
      const moduleFunction =
        a !== undefined &&
        a.root.kind === 'name' &&
        this.idx.importedModules.has(a.root.name) &&
        a.root.resolution === 'import';
      if (!moduleFunction) return joinValues(recv, untaint(this.args(c, r)));
    }

    // Known pure library functions keep provenance; anything else cannot be proven internal.
    const root = targets[0]?.split('.')[0];
    const args = untaint(this.args(c, r));
    // A digest of the caller's value names no file the caller chose (a cache entry's name).
    if (root === 'hashlib' || root === 'hmac') return withoutParam(args);
    if (root !== undefined && INTERNAL_MODULES.has(root)) return args;
    return joinValues(args, untrustedValue(`result of \`${shortText(c.callee.raw, 40)}(...)\``));
  }

  /** Names of the module whose dict is changed by a method call (`T.update(...)`), built on first use. */
  private mutatedTables: Set<string> | undefined;

  /**
   * `T.get(k)` / `T.get(k, d)` where `T` is a module-level dict display holding only constants, bound once and
   * changed by no method call, in this module or imported from another module of the project: the default
   * expression (null when there is none, the values being constants); undefined when the receiver is not such a
   * table.
   */
  private constantTableGet(c: CallSite): ExpressionFact | null | undefined {
    const a = c.callee.access;
    if (a?.root.kind !== 'name' || a.steps.length !== 1 || c.positional.length === 0 || c.positional.length > 2)
      return undefined;
    const root = a.root;
    if (this.mutated(root.name)) return undefined;
    let constant = false;
    if (this.idx.moduleBinding(root, c.scopeId)) constant = this.isConstantTable(root.name);
    else if (root.resolution === 'import' && this.project !== undefined) {
      // `from tables import MODELS`: the table of the module binding it.
      const unit = this.project.unitOf(this.idx);
      constant = unit !== undefined && root.qualifiedNames.some((q) => this.project!.constantTable?.(q, unit) === true);
    }
    if (!constant) return undefined;
    return c.positional[1] ?? c.keywords.find((k) => k.name === 'default')?.value ?? null;
  }

  /** Whether a method call of this module changes the dict bound to `name` (`T.update(...)`). */
  private mutated(name: string): boolean {
    if (this.mutatedTables === undefined) {
      this.mutatedTables = new Set();
      for (const x of this.idx.mod.calls) {
        const xa = x.callee.access;
        const step = xa?.steps[0];
        if (xa?.root.kind === 'name' && xa.steps.length === 1 && step?.kind === 'attr' && TABLE_MUTATORS.has(step.name))
          this.mutatedTables.add(xa.root.name);
      }
    }
    return this.mutatedTables.has(name);
  }

  /**
   * Whether the module-level `name` is a table of constants: bound once to a dict display, every value it holds
   * (the display's and those stored by `name[k] = v`) a constant, changed by no method call of this module.
   */
  isConstantTable(name: string): boolean {
    const bound = this.idx.assignedNames.get(0)?.get(name) ?? [];
    if (bound.length !== 1 || bound[0]!.value?.dictEntries === undefined) return false;
    const entries = this.idx.tableEntries(name);
    if (entries.length === 0 || entries.some((e) => e.value.constant === undefined)) return false;
    return !this.mutated(name);
  }

  /** A method resolved to a non-network library object (`json.decoder.JSONDecoder().recv` does not exist...). */
  private resolvedElsewhere(c: CallSite): boolean {
    const q = c.callee.qualifiedName;
    if (q === null || c.callee.resolution !== 'import') return false;
    const root = q.split('.')[0]!;
    return !NETWORK_MODULES.has(root);
  }

  private argumentInRun(e: CallEdge, f: FunctionFact, i: number, r: Run, hop: Hop): Value {
    const p = f.parameters[i]!;
    const passed = this.passedValue(e, p, i, r, hop);
    if (passed !== undefined) return passed;
    if (p.default !== undefined && p.default.constant === undefined) return untrustedValue(`default of \`${p.name}\``);
    return INTERNAL;
  }

  /**
   * What a call edge passes to parameter `p` (index `i`), evaluated in run `r`: the collected `*args`/`**kwargs`,
   * the bound argument, or an untrusted value when unresolved splats may carry it. Undefined when the parameter
   * takes its default.
   */
  private passedValue(
    e: CallEdge,
    p: FunctionFact['parameters'][number],
    i: number,
    r: Run,
    hop: Hop,
  ): Value | undefined {
    if (p.kind === 'vararg') {
      let v = INTERNAL;
      for (const a of e.positional.slice(Math.max(0, i - e.skip))) v = joinValues(v, this.evalExpr(a, r));
      return viaHop(e.opaque ? joinValues(v, untrustedValue('*args')) : v, hop);
    }
    if (p.kind === 'kwarg') {
      let v = INTERNAL;
      for (const a of e.keywords.values()) v = joinValues(v, this.evalExpr(a, r));
      return viaHop(e.opaque ? joinValues(v, untrustedValue('**kwargs')) : v, hop);
    }
    const pos = i - e.skip;
    const arg =
      (p.kind !== 'keyword-only' && pos >= 0 ? e.positional[pos] : undefined) ??
      (p.kind !== 'positional-only' ? e.keywords.get(p.name) : undefined);
    if (arg !== undefined) return viaHop(this.evalExpr(arg, r), hop);
    if (e.opaque && p.kind !== 'positional-only') {
      // `f(**{"payload": body})`, or a name bound only to such a dict: the entry under the parameter's name.
      const spread = literalSplat(e, this.idx);
      if (spread !== undefined) {
        const entry = spread.find((k) => k.name === p.name);
        if (entry !== undefined) return viaHop(this.evalExpr(entry.value, r), hop);
        if (e.call.starArgs.length === 0) return undefined;
      }
    }
    if (e.opaque) {
      const fwd = this.forwarded(e, p, pos, r);
      if (fwd !== undefined) return viaHop(fwd, hop);
      return untrustedValue(`parameter \`${p.name}\` passed through *args/**kwargs`);
    }
    return undefined;
  }

  /**
   * A parameter filled by the caller's own `**kwargs`/`*args` handed on (`super().load(**kwargs)`,
   * `Base.load(self, *args, **kwargs)`): what the caller's callers pass under that keyword or at that position.
   * Undefined when the splat is not the caller's own parameter or the caller's callers are not all known.
   */
  private forwarded(e: CallEdge, p: FunctionFact['parameters'][number], pos: number, r: Run): Value | undefined {
    const f = r.fn;
    if (this.entries.has(f.id) || this.idx.referenced.has(f.id) || this.project?.escapes(f) === true) return undefined;
    const c = e.call;
    const kwarg = f.parameters.find((x) => x.kind === 'kwarg')?.name;
    const varIdx = f.parameters.findIndex((x) => x.kind === 'vararg');
    const slots: ArgSlot[] = [];
    if (
      p.kind !== 'positional-only' &&
      kwarg !== undefined &&
      c.starStarKwargs.length === 1 &&
      c.starStarKwargs[0]!.text === kwarg
    )
      slots.push({ keyword: p.name });
    if (
      p.kind !== 'keyword-only' &&
      varIdx >= 0 &&
      pos >= e.positional.length &&
      c.starArgs.length === 1 &&
      c.starArgs[0]!.text === f.parameters[varIdx]!.name
    )
      slots.push({ position: varIdx - (r.selfName !== undefined ? 1 : 0) + (pos - e.positional.length) });
    // Every other splat must be one of those two (an unknown mapping or sequence may carry the value too).
    if (slots.length === 0 || c.starArgs.length + c.starStarKwargs.length > slots.length) return undefined;
    const edges = this.idx.callers.get(f.id) ?? [];
    const far = this.project?.callersOf(f) ?? [];
    if (edges.length === 0 && far.length === 0) return undefined;
    let v = INTERNAL;
    for (const s of slots) {
      for (const x of edges) v = joinValues(v, this.passedSlot(x, s) ?? INTERNAL);
      for (const x of far) v = joinValues(v, x.unit.flow.passedSlot(x.edge, s) ?? INTERNAL);
    }
    return v;
  }

  /** What call edge `e` of this module passes by keyword or at a position, evaluated in the caller's context. */
  passedSlot(e: CallEdge, slot: ArgSlot): Value | undefined {
    const a = 'keyword' in slot ? e.keywords.get(slot.keyword) : e.positional[slot.position];
    if (a === undefined) return e.opaque ? untrustedValue('arguments passed through *args/**kwargs') : undefined;
    const caller = this.idx.fn(e.call.scopeId);
    const r = caller !== undefined ? this.top(caller) : undefined;
    if (r === undefined) return this.chainCut('argument (recursive call chain)');
    return viaHop(this.evalExpr(a, r), this.hop(e.call, `${shortText(e.call.callee.raw, 40)}()`));
  }

  private projectCallee(c: CallSite): ProjectCallee | undefined {
    const u = this.project!.unitOf(this.idx);
    return u !== undefined ? this.project!.callee(u, c, true) : undefined;
  }

  /**
   * `executor.submit(f, x)`, `loop.run_in_executor(None, f, x)`, `asyncio.to_thread(f, x)`, ...: the future (or the
   * awaited result) stands for what `f(x)` returns, for a function of this module; `fut.result()` and a completion
   * callback's `fut.result()` read it.
   */
  private submittedReturn(c: CallSite, r: Run): Value | undefined {
    if (!RESULT_RUNNERS.has(calleeLastName(c))) return undefined;
    const d = this.idx.deferredEdge(c);
    if (d === undefined || d.fn.kind !== 'function' || d.edge.opaque) return undefined;
    if (r.depth + 1 > MAX_HELPER_DEPTH) return undefined;
    const hop = this.hop(c, `${shortText(c.callee.raw, 40)}()`);
    const params = new Map<string, Value>();
    const bound = d.fnArg.access;
    d.fn.parameters.forEach((p, i) => {
      if (i < d.edge.skip) {
        // `self._decode` handed on: the same instance.
        const own = bound?.root.kind === 'name' && bound.root.name === r.selfName && r.selfName !== undefined;
        params.set(p.name, own ? this.lookup(r.selfName!, r) : INTERNAL);
      } else params.set(p.name, this.argumentInRun(d.edge, d.fn, i, r, hop));
    });
    return viaHop(this.returnValue(this.helper(d.fn, params, r.depth + 1)), hop);
  }

  private localCallee(c: CallSite): { fn: FunctionFact; skip: number; kind: 'function' | 'class' } | undefined {
    const id = c.callee.definitionId;
    if (id !== undefined) {
      const f = this.idx.fn(id);
      if (f?.kind === 'class') return { fn: f, skip: 0, kind: 'class' };
      if (f !== undefined && (f.kind === 'function' || f.kind === 'lambda'))
        return { fn: f, skip: 0, kind: 'function' };
    }
    const bm = this.idx.boundMethod(c.callee.access, c.scopeId);
    if (bm !== undefined) return { ...bm, kind: 'function' };
    // `fn = functools.partial(decode, strict=True)` then `fn(x)`: the partial's function, its bound leading
    // parameters skipped.
    const a = c.callee.access;
    if (a?.root.kind === 'name' && a.steps.length === 0) {
      const p = this.idx.partialOf({ access: a, callIds: [] } as unknown as ExpressionFact, c.scopeId);
      const lf = p !== undefined ? this.idx.localFunction(p.fn, c.scopeId) : undefined;
      if (lf !== undefined && lf.fn.kind !== 'class')
        return { fn: lf.fn, skip: lf.skip + p!.bound.length, kind: 'function' };
    }
    return undefined;
  }

  /** open(path) and friends: the content of a network-written file is network data; a network-chosen path is not. */
  private opened(c: CallSite, r: Run): Value {
    const first =
      c.positional[0] ??
      c.keywords.find((k) => k.name === 'file' || k.name === 'filename' || k.name === 'fileobj')?.value;
    if (first === undefined) return this.args(c, r);
    const v = this.evalExpr(first, r);
    const t = v.taint;
    if (t === null) return v;
    if (t.kind === 'file' || t.kind === 'data' || t.kind === 'endpoint' || t.kind === 'upload' || t.kind === 'message')
      return reshape(v, 'data');
    // A path a client wrote (not a file name the code put below a folder of its own) chooses any file of the host. A
    // name alone (`basename`, `secure_filename`, a number) only picks among the files of the server's own folder.
    if (t.kind === 'text' && t.nameOnly === true) return INTERNAL;
    return t.kind === 'text' ? chosenFile(v, t.origin) : untaint(v);
  }

  /** A method called on network data or a network object. */
  private method(recv: Value, m: string, c: CallSite, r: Run): Value {
    const t = recv.taint!;
    const k = t.kind;
    const transition = (next: TaintKind): Value => {
      if ((isObjectKind(k) || k === 'text') && next !== k && !isObjectKind(next))
        return this.obtained(reshape(recv, next, this.origin(c.span, c.text, t.origin.label, r.fn.id)));
      return reshape(recv, next);
    };
    if (k === 'mpconn') {
      if (m === 'recv' && r.topLevel && c.scopeId === r.fn.id && !this.transports.has(c.id))
        this.transports.set(c.id, { call: c, value: recv });
      if (m === 'recv' || m === 'recv_bytes') return transition('data');
      return INTERNAL;
    }
    if (k === 'mplistener') return m === 'accept' ? reshape(recv, 'mpconn') : INTERNAL;
    if (k === 'self-http' || k === 'self-socketserver' || k === 'self-view') return INTERNAL;
    if (k === 'self-tornado') return TEXT_METHODS.has(m) || m.startsWith('get_') ? transition('text') : INTERNAL;
    if (READ_METHODS.has(m)) return transition('data');
    if (m === 'receive') return transition('message');
    if (m === 'encode') return reshape(recv, 'data');
    if (m === 'get' || m === 'getlist' || m === 'pop') {
      // Container lookups: an upload from `files.get()`, the payload of a message dict.
      if (k === 'upload') return recv;
      if (k === 'message' || k === 'endpoint' || k === 'data') return transition('data');
    }
    if (TEXT_METHODS.has(m)) return transition('text');
    if (ENDPOINT_METHODS.has(m)) return isObjectKind(k) ? reshape(recv, 'endpoint') : recv;
    switch (k) {
      case 'request':
      case 'upload':
        return transition('text');
      case 'message':
        return transition('data');
      default:
        return recv;
    }
  }

  // ---- write-then-read ----------------------------------------------------------------------------------------

  private writeHop(c: CallSite): Hop {
    return this.hop(c, `a file written by \`${shortText(c.text, 50)}\``);
  }

  /** Files this function writes network data into, by path key (`open(p, "wb").write(x)`, `upload.save(p)`...). */
  private writtenFiles(r: Run): Map<string, Value> {
    if (r.written !== undefined) return r.written;
    if (r.writtenBusy) return EMPTY;
    r.writtenBusy = true;
    const out = new Map<string, Value>();
    try {
      let dl: (typeof DOWNLOAD_TO_FILE)[number] | undefined;
      let folder: { dst: ExpressionFact; label: string } | undefined;
      for (const c of this.idx.callsByScope.get(r.fn.id) ?? []) {
        const info = this.info(c);
        const m = info.method;
        const a = c.callee.access;
        if ((m === 'write' || m === 'writelines' || m === 'write_bytes' || m === 'write_text') && a !== undefined) {
          // The file first: data written to something not opened by path (a socket, a transport) is not asked for.
          const keys = this.handleKeys(a, a.steps.length - 1, r);
          if (keys.length === 0) continue;
          const data = this.args(c, r);
          if (data.taint === null) continue;
          const written = viaHop(reshape(data, 'file'), this.writeHop(c));
          for (const k of keys) out.set(k, joinValues(out.get(k) ?? INTERNAL, written));
        } else if (m === 'save' && a !== undefined) {
          const recv = this.evalAccess(a, r, c.span, c.text, a.steps.length - 1);
          const dst = c.positional[0] ?? c.keywords.find((k) => k.name === 'dst')?.value;
          if (recv.taint === null || dst === undefined) continue;
          const k = this.pathKey(dst, r, 0);
          if (k !== undefined) out.set(k, viaHop(reshape(recv, 'file'), this.writeHop(c)));
        } else if (m !== undefined && READ_INTO_METHODS.has(m) && a !== undefined && c.positional[0]?.access) {
          // `blob.download_blob().readinto(f)`: the source's bytes go into the file `f` was opened on.
          const dst = c.positional[0].access;
          const keys = this.handleKeys(dst, dst.steps.length, r);
          if (keys.length === 0) continue;
          const recv = this.evalAccess(a, r, c.span, c.text, a.steps.length - 1);
          if (recv.taint === null) continue;
          const written = viaHop(reshape(recv, 'file'), this.writeHop(c));
          for (const k of keys) out.set(k, joinValues(out.get(k) ?? INTERNAL, written));
        } else if ((dl = this.downloadCall(c, info)) !== undefined) {
          // urlretrieve(url, path), s3.download_file(b, k, path): the file's content is the remote object.
          const dst = c.positional[dl.position] ?? c.keywords.find((k) => k.name === dl!.keyword)?.value;
          if (dst === undefined) continue;
          const got = this.obtained(
            taintedValue('file', this.origin(c.span, c.text, `remote file downloaded by ${dl.label}`, r.fn.id)),
          );
          const keys =
            dl.keyword === 'Fileobj'
              ? dst.access !== undefined
                ? this.handleKeys(dst.access, dst.access.steps.length, r)
                : []
              : [this.pathKey(dst, r, 0)].filter((k): k is string => k !== undefined);
          for (const k of keys) out.set(k, joinValues(out.get(k) ?? INTERNAL, viaHop(got, this.writeHop(c))));
        } else if ((folder = folderDownload(c, info.targets)) !== undefined) {
          // snapshot_download(repo, local_dir=d): every file below `d` is what the hub served.
          const k = this.pathKey(folder.dst, r, 0);
          if (k === undefined) continue;
          const got = this.obtained(
            taintedValue('file', this.origin(c.span, c.text, `files downloaded by ${folder.label}`, r.fn.id)),
          );
          const key = 'd' + k.replace(/\/+$/, '');
          out.set(
            key,
            joinValues(
              out.get(key) ?? INTERNAL,
              viaHop(got, this.hop(c, `a folder filled by \`${shortText(c.text, 50)}\``)),
            ),
          );
        } else if (info.targets.includes('shutil.copyfileobj')) {
          const [src, dst] = c.positional;
          if (src === undefined || dst?.access === undefined) continue;
          const keys = this.handleKeys(dst.access, dst.access.steps.length, r);
          if (keys.length === 0) continue;
          const v = this.evalExpr(src, r);
          if (v.taint === null) continue;
          for (const k of keys) out.set(k, viaHop(reshape(v, 'file'), this.writeHop(c)));
        } else {
          // A helper that writes remote data into the file a parameter names (`download(url, dst)`).
          for (const [i, v] of this.helperWrites(c, r)) {
            const arg = this.argumentFor(c, i);
            const k = arg !== undefined ? this.pathKey(arg, r, 0) : undefined;
            if (k !== undefined) out.set(k, joinValues(out.get(k) ?? INTERNAL, v));
          }
        }
      }
      // Moves and copies carry what was written (`shutil.move(tmp.name, dst)`, `os.replace(part, path)`), in
      // source order, so a chain of them is followed; and what a path the client gave names (`shutil.copy(upload,
      // dst)`: an uploaded file's copy holds its bytes, a client-chosen path's copy holds the file the client chose).
      {
        for (const c of this.idx.callsByScope.get(r.fn.id) ?? []) {
          if (!mayWrite(c) || !MOVE_NAMES.has(this.info(c).method ?? calleeLastName(c)) || !isFileMove(c)) continue;
          const a = c.callee.access;
          let src: ExpressionFact | undefined;
          let dst: ExpressionFact | undefined;
          if (a?.root.kind === 'call') {
            const inner = this.idx.mod.calls[a.root.callId];
            src = inner?.positional[0];
            dst = c.positional[0] ?? c.keywords.find((k) => k.name === 'target')?.value;
          } else {
            src = c.positional[0] ?? c.keywords.find((k) => k.name === 'src')?.value;
            dst = c.positional[1] ?? c.keywords.find((k) => k.name === 'dst')?.value;
          }
          const sk = src !== undefined ? this.pathKey(src, r, 0) : undefined;
          const dk = dst !== undefined ? this.pathKey(dst, r, 0) : undefined;
          const v =
            (sk !== undefined ? out.get(sk) : undefined) ?? (src !== undefined ? this.copiedPath(src, r) : undefined);
          if (v === undefined || dk === undefined || dk === sk) continue;
          const moved = viaHop(v, this.hop(c, `the file moved by \`${shortText(c.text, 50)}\``));
          out.set(dk, joinValues(out.get(dk) ?? INTERNAL, moved));
        }
      }
    } finally {
      r.writtenBusy = false;
    }
    r.written = out;
    return out;
  }

  /**
   * What a copy or move of the file at `src` holds when `src` is a path the client gave: an uploaded file's bytes
   * (its server-side path), or the file a client-chosen path names; undefined for a path of the server's own.
   */
  private copiedPath(src: ExpressionFact, r: Run): Value | undefined {
    const v = this.evalExpr(src, r);
    const t = v.taint;
    if (t === null) return undefined;
    if (t.kind === 'file') return v;
    if (t.kind === 'text' && t.nameOnly !== true) return chosenFile(v, t.origin);
    return undefined;
  }

  /** The argument expression a call passes as parameter `i` of its callee (positional or by keyword), if plain. */
  private argumentFor(c: CallSite, i: number): ExpressionFact | undefined {
    const callee = this.localCallee(c) ?? (this.project !== undefined ? this.writerCallee(c) : undefined);
    if (callee === undefined || i < callee.skip) return undefined;
    const p = callee.fn.parameters[i];
    return c.keywords.find((k) => k.name === p?.name)?.value ?? c.positional[i - callee.skip];
  }

  /**
   * A project function (not a method on a typed receiver) a call may reach, for write summaries: only plain and
   * module-qualified calls, so finding writes costs no receiver typing.
   */
  private writerCallee(c: CallSite): ProjectCallee | undefined {
    const a = c.callee.access;
    if (a === undefined || a.root.kind !== 'name' || a.steps.length > 1) return undefined;
    const u = this.project!.unitOf(this.idx);
    const far = u !== undefined ? this.project!.callee(u, c) : undefined;
    return far?.kind === 'function' ? far : undefined;
  }

  /**
   * Remote data a called helper writes into files its parameters name, by parameter index (evaluated with the
   * call's arguments), each through the call as a hop. Only helpers whose body writes, moves or downloads.
   */
  /** The download-to-file call `c` makes, also on a client kept in `self` (`self.client.download_file(...)`). */
  private downloadCall(c: CallSite, info: CallInfo): (typeof DOWNLOAD_TO_FILE)[number] | undefined {
    if (info.targets.length > 0) return downloadTo(info.targets);
    const name = calleeLastName(c);
    return DOWNLOAD_NAMES.has(name) ? downloadTo(this.idx.selfAttrTargets(c)) : undefined;
  }

  private helperWrites(c: CallSite, r: Run): Map<number, Value> {
    if (c.positional.length + c.keywords.length === 0 || r.depth + 1 > MAX_HELPER_DEPTH) return EMPTY_WRITES;
    const local = this.localCallee(c);
    if (local !== undefined) {
      if (local.kind !== 'function' || !this.writesInBody(this.idx, local.fn)) return EMPTY_WRITES;
      const { params, hop } = this.calleeParams(c, local, r);
      return hopped(this.paramWrites(this.helper(local.fn, params, r.depth + 1)), hop);
    }
    const far = this.project !== undefined ? this.writerCallee(c) : undefined;
    if (far === undefined || !this.writesInBody(far.unit.idx, far.fn)) return EMPTY_WRITES;
    const { params, hop } = this.calleeParams(c, far, r);
    return hopped(far.unit.flow.foreignParamWrites(far.fn, params, r.depth + 1), hop);
  }

  /** Whether a function's own body has a write, move, save or download call (names only). */
  private writesInBody(idx: ModuleIndex, f: FunctionFact): boolean {
    return f.parameters.length > 0 && (idx.callsByScope.get(f.id) ?? []).some((c) => mayWrite(c));
  }

  /** Remote data a function of this module writes into the files its parameters name, for these parameter values. */
  foreignParamWrites(f: FunctionFact, params: Map<string, Value>, depth: number): Map<number, Value> {
    return this.paramWrites(this.helper(f, params, depth));
  }

  private paramWrites(r: Run): Map<number, Value> {
    const out = new Map<number, Value>();
    for (const [k, v] of this.writtenFiles(r)) {
      if (!k.startsWith('n:')) continue;
      const i = r.fn.parameters.findIndex((p) => p.name === k.slice(2));
      if (i >= 0) out.set(i, v);
    }
    return out;
  }

  /**
   * The string a module-level name holds when it is bound once to a literal (`CACHE = "/var/cache/x.pkl"`), here
   * or (through the import's qualified name) in another module of the project.
   */
  constantOf(name: string, qualified: readonly string[] = []): string | undefined {
    const as = this.idx.assignedNames.get(0)?.get(name) ?? [];
    if (as.length === 1 && as[0]!.value?.constant?.type === 'str' && as[0]!.targets.length === 1)
      return as[0]!.value.constant.value;
    if (as.length > 0 || this.project === undefined) return undefined;
    const unit = this.project.unitOf(this.idx);
    for (const q of qualified) {
      const lit = unit !== undefined ? this.project.constant(q, unit) : undefined;
      if (lit !== undefined) return lit;
    }
    return undefined;
  }

  private writesHere: Map<string, Value> | undefined;

  /**
   * Files any function of this module writes remote data into, by literal path: keys of its own writes, and
   * writes into a parameter resolved through the literal arguments of its callers in this module
   * (`download(url, "/tmp/x.pkl")` with `open(path, "wb").write(r.content)` in `download`).
   */
  literalWrites(): Map<string, Value> {
    if (this.writesHere !== undefined) return this.writesHere;
    const out = new Map<string, Value>();
    this.writesHere = out; // a cycle (a write whose data reads a written file) sees what is known so far
    for (const f of this.idx.mod.functions) {
      if (f.kind !== 'function' && f.kind !== 'module') continue;
      // Only functions with a write into a file opened by path here (or a save/download/copy) can give a key; the
      // others' parameters are not asked for (a transport's `write` would pull in every caller's data).
      if (!(this.idx.callsByScope.get(f.id) ?? []).some((c) => mayWrite(c) && this.mayWriteFile(c, f.id))) continue;
      const r = this.top(f);
      if (r === undefined) continue;
      for (const [k, v] of this.writtenFiles(r)) {
        const keys: string[] = [];
        const dir = k.startsWith('d') ? 'd' : '';
        const bare = k.slice(dir.length);
        if (bare.startsWith('s:')) keys.push(k);
        else if (bare.startsWith('n:') && !bare.includes('/')) {
          const i = f.parameters.findIndex((p) => p.name === bare.slice(2));
          for (const e of i >= 0 ? (this.idx.callers.get(f.id) ?? []) : []) {
            const p = f.parameters[i]!;
            const arg = e.keywords.get(p.name) ?? e.positional[i - e.skip];
            const lit = arg !== undefined ? this.literalText(arg) : undefined;
            if (lit !== undefined) keys.push(dir + 's:' + lit.replace(/\/+$/, ''));
          }
        }
        for (const key of keys) out.set(key, joinValues(out.get(key) ?? INTERNAL, v));
      }
    }
    return out;
  }

  /** A literal path expression: a string constant or a module-level name bound to one. */
  private literalText(e: ExpressionFact): string | undefined {
    if (e.constant?.type === 'str') return e.constant.value;
    const a = e.access;
    return a?.root.kind === 'name' && a.steps.length === 0
      ? this.constantOf(a.root.name, a.root.qualifiedNames)
      : undefined;
  }

  private writeAnywhere: boolean | undefined;

  /** Whether any module of the analysis writes files (cheap: call names only). */
  private mayWriteElsewhere(): boolean {
    this.writeAnywhere ??= this.project?.mayWrite() ?? this.idx.mod.calls.some((c) => mayWrite(c));
    return this.writeAnywhere;
  }

  /** Remote data written to a literal path by another function of this module or by another module. */
  private writtenElsewhere(key: string): Value | undefined {
    if (!key.startsWith('s:') || !this.mayWriteElsewhere()) return undefined;
    if (this.project !== undefined) return this.project.literalWrite(key);
    return writtenAt(this.literalWrites(), key);
  }

  /** Path keys of the file a handle expression (the first `upTo` steps of `a`) was opened on. */
  private handleKeys(a: AccessPath, upTo: number, r: Run): string[] {
    if (upTo === 0 && a.root.kind === 'call') {
      const c = this.idx.mod.calls[a.root.callId];
      const p = c !== undefined ? this.openedPath(c) : undefined;
      const k = p !== undefined ? this.pathKey(p, r, 0) : undefined;
      return k !== undefined ? [k] : [];
    }
    if (upTo === 0 && a.root.kind === 'name') {
      const out: string[] = [];
      for (const as of this.idx.assignedNames.get(r.fn.id)?.get(a.root.name) ?? []) {
        const id =
          as.value?.access?.root.kind === 'call' && as.value.access.steps.length === 0
            ? as.value.access.root.callId
            : undefined;
        const c = id !== undefined ? this.idx.mod.calls[id] : undefined;
        if (c !== undefined && this.isTempHandle(c)) {
          // A temporary file is its own key; `<handle>.name` is its path (pathKey).
          out.push('h:' + a.root.name);
          continue;
        }
        const p = c !== undefined ? this.openedPath(c) : undefined;
        const k = p !== undefined ? this.pathKey(p, r, 0) : undefined;
        if (k !== undefined) out.push(k);
      }
      return out;
    }
    return [];
  }

  /**
   * Whether a write call may write a file opened by path (what writtenFiles can key): `.write*()` on an opener
   * call or on a name the function binds to one (`with open(p, "wb") as f`); save, downloads and copies always.
   */
  private mayWriteFile(c: CallSite, fnId: number): boolean {
    const m = methodName(c);
    const a = c.callee.access;
    const opened = (h: AccessPath | undefined, upTo: number): boolean => {
      if (h === undefined || upTo !== 0) return false;
      if (h.root.kind === 'call') {
        const inner = this.idx.mod.calls[h.root.callId];
        return inner !== undefined && this.openedPath(inner) !== undefined;
      }
      if (h.root.kind !== 'name') return false;
      return (this.idx.assignedNames.get(fnId)?.get(h.root.name) ?? []).some((as) => {
        const v = as.value?.access;
        const inner = v?.root.kind === 'call' && v.steps.length === 0 ? this.idx.mod.calls[v.root.callId] : undefined;
        return inner !== undefined && (this.openedPath(inner) !== undefined || this.isTempHandle(inner));
      });
    };
    if (m === 'write' || m === 'writelines' || m === 'write_bytes' || m === 'write_text')
      return a !== undefined && opened(a, a.steps.length - 1);
    if (m !== undefined && MOVE_NAMES.has(m)) return isFileMove(c);
    if (m !== undefined && READ_INTO_METHODS.has(m)) {
      const dst = c.positional[0]?.access;
      return dst !== undefined && opened(dst, dst.steps.length);
    }
    if (this.info(c).targets.includes('shutil.copyfileobj')) {
      const dst = c.positional[1]?.access;
      return dst !== undefined && opened(dst, dst.steps.length);
    }
    return true;
  }

  /** Whether a call makes a temporary file (`tempfile.NamedTemporaryFile(...)`). */
  private isTempHandle(c: CallSite): boolean {
    return this.info(c).targets.some((t) => TEMP_HANDLES.has(t));
  }

  /** The key of a name bound (only) to a temporary file the function made, for `<name>.name`. */
  private tempHandleName(name: string, r: Run): string | undefined {
    const as = this.idx.assignedNames.get(r.fn.id)?.get(name) ?? [];
    const all =
      as.length > 0 &&
      as.every((x) => {
        const v = x.value?.access;
        const c = v?.root.kind === 'call' && v.steps.length === 0 ? this.idx.mod.calls[v.root.callId] : undefined;
        return c !== undefined && this.isTempHandle(c);
      });
    return all ? 'h:' + name : undefined;
  }

  /** The argument of a call that names the same file as it (`os.path.abspath(p)` → `p`). */
  private samePathArg(e: ExpressionFact): ExpressionFact | undefined {
    const a = e.access;
    if (a?.root.kind !== 'call' || a.steps.length !== 0) return undefined;
    const c = this.idx.mod.calls[a.root.callId];
    if (c === undefined || c.positional.length !== 1 || c.keywords.length > 0 || c.hasStarArgs) return undefined;
    return this.info(c).targets.some((t) => SAME_PATH.has(t)) ? c.positional[0] : undefined;
  }

  /** The path argument of open()/Path()/aiofiles.open()/gzip.open(). */
  private openedPath(c: CallSite): ExpressionFact | undefined {
    const info = this.info(c);
    const opener = info.targets.some((t) => OPEN_LIKE.has(t) || t === 'pathlib.Path' || t === 'pathlib.PurePath');
    if (opener) return c.positional[0] ?? c.keywords.find((k) => k.name === 'file' || k.name === 'filename')?.value;
    // Path(p).open("wb")
    const a = c.callee.access;
    if (info.method === 'open' && a?.root.kind === 'call' && a.steps.length === 1) {
      const inner = this.idx.mod.calls[a.root.callId];
      return inner !== undefined ? this.openedPath(inner) : undefined;
    }
    return undefined;
  }

  /** A stable key for "the same path": literal value, or the text of the (single) expression a name holds. */
  private pathKey(e: ExpressionFact, r: Run, depth: number): string | undefined {
    const c = e.constant;
    if (c !== undefined) return c.type === 'str' || c.type === 'bytes' ? 's:' + c.value : undefined;
    const a = e.access;
    // `tmp.name` of a temporary file the function made: the handle's key.
    const last = a?.steps[a.steps.length - 1];
    if (a?.root.kind === 'name' && a.steps.length === 1 && last?.kind === 'attr' && last.name === 'name') {
      const handle = this.tempHandleName(a.root.name, r);
      if (handle !== undefined) return handle;
    }
    // `os.path.expanduser(p)`, `Path(p)`, `str(p)`: the file `p` names.
    const same = depth < 3 ? this.samePathArg(e) : undefined;
    if (same !== undefined) return this.pathKey(same, r, depth + 1);
    if (a?.root.kind === 'name' && a.steps.length === 0) {
      const name = a.root.name;
      const as = this.idx.assignedNames.get(r.fn.id)?.get(name) ?? [];
      // `dst = os.path.expanduser(dst)` on a parameter: still the file the caller named.
      if (
        as.length > 0 &&
        r.fn.parameters.some((p) => p.name === name) &&
        as.every((x) => {
          const inner = x.value !== null && x.kind === 'assign' ? this.samePathArg(x.value) : undefined;
          const ia = inner?.access;
          return ia?.root.kind === 'name' && ia.steps.length === 0 && ia.root.name === name;
        })
      )
        return 'n:' + name;
      const single = as.length === 1 ? as[0] : undefined;
      if (
        single?.value !== undefined &&
        single.value !== null &&
        single.kind !== 'for' &&
        depth < 3 &&
        single.targets.length === 1
      )
        return this.pathKey(single.value, r, depth + 1) ?? 'n:' + a.root.name;
      if (as.length === 0 && !r.params.has(a.root.name)) {
        const lit = this.constantOf(a.root.name, a.root.qualifiedNames);
        if (lit !== undefined) return 's:' + lit;
      }
      return 'n:' + a.root.name;
    }
    return (depth < 3 ? this.joinedKey(e, r, depth) : undefined) ?? 't:' + shortText(e.text, 200);
  }

  /**
   * The key of a path built below another one from literal parts, so a read below a folder a download filled is
   * matched to it: `os.path.join(d, "sub", "model.pkl")`, `Path(d) / "model.pkl"`, `d + "/model.pkl"`,
   * `f"{d}/model.pkl"` (the folder's key, then the literal rest).
   */
  private joinedKey(e: ExpressionFact, r: Run, depth: number): string | undefined {
    const below = (base: ExpressionFact, rest: string): string | undefined => {
      const k = this.pathKey(base, r, depth + 1);
      return k !== undefined && (k.startsWith('s:') || k.startsWith('n:')) ? k.replace(/\/+$/, '') + rest : undefined;
    };
    const lit = (x: ExpressionFact | undefined): string | undefined =>
      x?.constant?.type === 'str' ? x.constant.value : undefined;
    const a = e.access;
    if (a?.root.kind === 'call' && a.steps.length === 0) {
      const c = this.idx.mod.calls[a.root.callId];
      if (c === undefined || c.keywords.length > 0 || c.hasStarArgs || c.positional.length < 2) return undefined;
      if (!this.info(c).targets.some((t) => PATH_JOINS.has(t))) return undefined;
      const rest = c.positional.slice(1).map(lit);
      if (rest.some((x) => x === undefined || x.startsWith('/'))) return undefined;
      return below(c.positional[0]!, '/' + rest.join('/'));
    }
    const ops = e.operands;
    if (e.nodeType === 'binary_operator' && ops?.length === 2) {
      const between = e.text.slice(
        ops[0]!.span.endIndex - e.span.startIndex,
        ops[1]!.span.startIndex - e.span.startIndex,
      );
      const rest = lit(ops[1]);
      if (rest === undefined) return undefined;
      if (between.trim() === '/' && !rest.startsWith('/')) return below(ops[0]!, '/' + rest);
      if (between.trim() === '+' && rest.startsWith('/')) return below(ops[0]!, rest);
      return undefined;
    }
    if (e.nodeType === 'string' && ops?.length === 1) {
      const m = /^[fF]("|')\{[^{}]+\}(\/[^"'{}]*)\1$/.exec(e.text);
      return m !== null ? below(ops[0]!, m[2]!) : undefined;
    }
    return undefined;
  }

  // ---- reconstruction through unseen code -----------------------------------------------------------------------

  private reconstruction(c: CallSite, info: CallInfo, r: Run): ReconstructionHit | undefined {
    if (this.localCallee(c) !== undefined) return undefined;
    const name = calleeLastName(c);
    if (!RECONSTRUCTION_NAMES.has(name)) return undefined;
    const q = info.targets[0] ?? '';
    if (SAFE_PARSER_PREFIXES.some((p) => q.startsWith(p))) return undefined;
    if (PROPAGATORS.has(q) || OPEN_LIKE.has(q)) return undefined;
    // A loader this analysis models (`torch.load`, `numpy.load`...) is not code it cannot see: called in a form that
    // is no sink (`weights_only=True`, `allow_pickle=False`), it rebuilds no objects.
    if (info.targets.some((t) => SINK_BY_NAME.has(t))) return undefined;
    if (q !== '' && INTERNAL_MODULES.has(q.split('.')[0]!) && c.callee.resolution === 'import') return undefined;
    // `.decode()` on the data itself is a text decoding, not an object reconstruction.
    const a = c.callee.access;
    if (a !== undefined && info.method !== undefined) {
      const recv = this.evalAccess(a, r, c.span, c.text, a.steps.length - 1);
      if (recv.taint !== null) return undefined;
    }
    let best: Value | undefined;
    for (const arg of [...c.positional, ...c.keywords.map((k) => k.value)]) {
      const v = this.evalExpr(arg, r);
      if (v.taint !== null && REPORTABLE['path-or-file'].has(v.taint.kind))
        best = best === undefined ? v : joinValues(best, v);
    }
    return best !== undefined ? { call: c, value: best } : undefined;
  }
}

const EMPTY: Map<string, Value> = new Map();
const EMPTY_WRITES: Map<number, Value> = new Map();

function hopped(m: Map<number, Value>, hop: Hop): Map<number, Value> {
  if (m.size === 0) return m;
  const out = new Map<number, Value>();
  for (const [i, v] of m) out.set(i, viaHop(v, hop));
  return out;
}

/** Calls that may write a file (by method name or a download callee): the cheap filter before evaluating writes. */
/** A method call whose receiver is a name bound by an import (`mod.f()`, `from pkg import native; native.recv()`). */
function receiverIsImport(c: CallSite): boolean {
  const a = c.callee.access;
  return a !== undefined && a.root.kind === 'name' && a.steps.length === 1 && c.callee.resolution === 'import';
}

export function mayWrite(c: CallSite): boolean {
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  const name = last?.kind === 'attr' ? last.name : a?.root.kind === 'name' ? a.root.name : '';
  const folder = FOLDER_DOWNLOAD_NAMES.get(name);
  if (folder !== undefined) return folderArgument(c, folder) !== undefined;
  if (!WRITE_NAMES.has(name)) return false;
  // `copy`, `replace`, `rename`... are common method names: a move only as `shutil.move` & co. or `Path(p).rename`.
  return !MOVE_NAMES.has(name) || isFileMove(c);
}

/** Last names of DOWNLOAD_TO_FILE calls (a cheap test before typing a receiver kept in `self`). */
const DOWNLOAD_NAMES: ReadonlySet<string> = new Set(
  DOWNLOAD_TO_FILE.map((d) => (d.pattern.exact ?? d.pattern.suffix ?? '').split('.').pop()!),
);

const MOVE_NAMES: ReadonlySet<string> = new Set(['move', 'copy', 'copy2', 'copyfile', 'rename', 'replace', 'renames']);

/** `shutil.move(src, dst)` and the other FILE_MOVES, or `Path(src).rename(dst)` / `.replace(dst)`. */
function isFileMove(c: CallSite): boolean {
  if (c.callee.values.some((v) => v.kind === 'qualified' && FILE_MOVES.has(v.name))) return true;
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  return (
    a !== undefined &&
    a.root.kind === 'call' &&
    a.steps.length === 1 &&
    last?.kind === 'attr' &&
    (last.name === 'rename' || last.name === 'replace')
  );
}

const WRITE_NAMES: ReadonlySet<string> = new Set([
  'write',
  'writelines',
  'write_bytes',
  'write_text',
  'save',
  'copyfileobj',
  'urlretrieve',
  'download_url_to_file',
  'download_file',
  'download_fileobj',
  'download_to_filename',
  'fget_object',
  'get_file',
  // reads into a file handle (`blob.download_blob().readinto(f)`)
  'readinto',
  'readinto1',
  // moves and copies of a file (FILE_MOVES, `Path(p).rename(dst)`)
  'move',
  'copy',
  'copy2',
  'copyfile',
  'rename',
  'replace',
  'renames',
]);

/** Class decorators that generate an `__init__` storing each annotated field. */
export const DATACLASS_DECORATOR =
  /^(dataclasses\.)?dataclass\b|^(attr|attrs)\.(s|define|frozen|mutable)\b|^define\b|^frozen\b/;

/** The download-to-file call a callee names (first match: the table orders receivers by argument position). */
function downloadTo(targets: readonly string[]): (typeof DOWNLOAD_TO_FILE)[number] | undefined {
  if (targets.length === 0) return undefined;
  return DOWNLOAD_TABLE.find(targets);
}

/** The folder a hub client downloads into (`local_dir=`), when the call names one. */
function folderDownload(c: CallSite, targets: readonly string[]): { dst: ExpressionFact; label: string } | undefined {
  if (targets.length === 0) return undefined;
  const d = FOLDER_DOWNLOAD_TABLE.find(targets);
  const dst = d !== undefined ? folderArgument(c, d) : undefined;
  return dst !== undefined ? { dst, label: d!.label } : undefined;
}

/** The folder argument of a folder-filling call, when it has one and the keyword the table requires. */
function folderArgument(c: CallSite, d: FolderDownload): ExpressionFact | undefined {
  if (d.requires !== undefined && !c.keywords.some((k) => k.name === d.requires && k.value.nodeType !== 'none'))
    return undefined;
  const dst =
    c.keywords.find((k) => k.name === d.keyword)?.value ??
    (d.position !== undefined ? c.positional[d.position] : undefined);
  return dst !== undefined && dst.nodeType !== 'none' ? dst : undefined;
}

/**
 * What was written at a path key: the file itself, a folder a download filled (the folder's own path: a value
 * built below it stays a downloaded file), or a folder that holds it (`ds:/tmp/m` for `s:/tmp/m/model.pkl`,
 * `dn:d` for `n:d/model.pkl`).
 */
export function writtenAt(m: ReadonlyMap<string, Value>, key: string): Value | undefined {
  if (m.size === 0) return undefined;
  const hit = m.get(key) ?? m.get('d' + key);
  if (hit !== undefined) return hit;
  for (let i = key.lastIndexOf('/'); i > 2; i = key.lastIndexOf('/', i - 1)) {
    const f = m.get('d' + key.slice(0, i));
    if (f !== undefined) return f;
  }
  return undefined;
}

/** A method call on a receiver the resolver did not type (`self.stub.info(...)`, `get_stub(...).info(...)`). */
function mayBeFactoryMade(c: CallSite, targets: readonly string[]): boolean {
  const a = c.callee.access;
  if (a === undefined || a.steps.length < 1 || a.steps.length > 2 || a.steps[a.steps.length - 1]!.kind !== 'attr')
    return false;
  // Untyped, or typed only as a call's result (`make_stub(addr, Stub).Status` → `rpc.make_stub().Status`).
  return targets.every((t) => t.includes('()'));
}

/** Streamlit's input widgets by method name, and what each returns (apis.ts lists them on `st` and `st.sidebar`). */
const STREAMLIT_WIDGETS: ReadonlyMap<string, TaintKind> = new Map([
  ['file_uploader', 'upload'],
  ['camera_input', 'upload'],
  ['audio_input', 'upload'],
  ['text_input', 'text'],
  ['text_area', 'text'],
  ['chat_input', 'text'],
]);

/**
 * A Streamlit input widget placed in a layout container (`left, right = st.columns(2)` then `left.file_uploader(...)`,
 * `tab.text_input(...)`, `st.container().file_uploader(...)`): a widget method called on a receiver that is a
 * Streamlit call's result, or on one the resolver could not type (a name unpacked from `st.columns`/`st.tabs`), in a
 * module importing Streamlit. It returns what the client sent, as the same widget on `st` does.
 */
function containerWidget(c: CallSite, targets: readonly string[], idx: ModuleIndex): NetworkCall | undefined {
  if (!idx.importedRoots.has('streamlit')) return undefined;
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (a === undefined || a.steps.length < 1 || last?.kind !== 'attr') return undefined;
  const kind = STREAMLIT_WIDGETS.get(last.name);
  if (kind === undefined) return undefined;
  if (!targets.every((t) => t.startsWith('streamlit.') && t.includes('()'))) return undefined;
  return {
    pattern: { exact: `streamlit.${last.name}` },
    kind,
    label: `Streamlit ${last.name} in a layout container (sent by the client)`,
  };
}

/** The network call a call's resolved callee names (a URL opener given a literal local path is not one). */
function networkCall(c: CallSite, targets: readonly string[], scope?: FunctionFact): NetworkCall | undefined {
  if (targets.length === 0) return undefined;
  const n = NETWORK_TABLE.find(targets);
  if (n?.urlArg === undefined) return n;
  const arg = c.positional[n.urlArg.position] ?? c.keywords.find((k) => k.name === n.urlArg!.keyword)?.value;
  if (arg === undefined) return undefined;
  const lit = arg.constant;
  if (lit?.type === 'str') return isRemoteUrl(lit.value) ? n : undefined;
  // A parameter whose default is a remote URL (`def load(uri="s3://bucket/x.pkl")`): a call that leaves it out reads
  // the remote object.
  const root = arg.access?.root;
  if (root?.kind === 'name' && root.resolution === 'parameter' && arg.access!.steps.length === 0) {
    const d = scope?.parameters.find((p) => p.name === root.name)?.default?.constant;
    if (d?.type === 'str' && isRemoteUrl(d.value)) return n;
  }
  // A path built at run time is remote when its literal start names a scheme (f"s3://{bucket}/{key}",
  // "https://" + host); a path passed in (a parameter, a setting) is the operator's own file, as with open().
  const start = /^[fFrRbBuU]{0,2}(?:"|')([^"'{]*)/.exec(arg.text);
  return start !== null && isRemoteUrl(start[1]!) ? n : undefined;
}

/**
 * Loaders that fetch a URL path themselves: pandas' readers (through fsspec) and OpenMMLab's checkpoint loaders (a
 * download, then torch.load).
 */
const URL_READERS: ReadonlySet<string> = new Set([
  'pandas.read_pickle',
  'pandas.io.pickle.read_pickle',
  ...OPENMMLAB_LOADER_NAMES,
]);

/** A URL fsspec/smart_open fetch from another host: a `scheme://` other than `file://`. */
function isRemoteUrl(p: string): boolean {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(p);
  return m !== null && m[1]!.toLowerCase() !== 'file';
}

/** Cheap test before the full sink match: a callee naming a sink API, or a local class (Unpickler subclass). */
function mayBeSink(c: CallSite): boolean {
  if (c.callee.definitionId !== undefined) return true;
  for (const v of c.callee.values)
    if (v.kind === 'qualified' && SINK_BY_NAME.has(v.partial?.qualifiedName ?? v.name)) return true;
  return c.callee.starImportModules !== undefined;
}

/** A UI framework's module attribute holding client input (`st.query_params`, or the name imported from it). */
function globalInput(
  names: readonly string[],
  a: AccessPath,
  upTo: number,
): { label: string; steps: number } | undefined {
  for (const q of names) {
    // The name itself, or up to three attributes below it (`st.query_params`, `pn.state.location.query_params`).
    let name = q;
    for (let n = 0; n <= Math.min(3, upTo); n++) {
      if (n > 0) {
        const step = a.steps[n - 1];
        if (step?.kind !== 'attr') break;
        name = `${name}.${step.name}`;
      }
      const label = GLOBAL_INPUTS.get(name);
      if (label !== undefined) return { label, steps: n };
    }
  }
  return undefined;
}

/** Streamlit's session state, a dict-like object kept per browser session across the script's reruns. */
const SESSION_STATE = 'streamlit.session_state';

/** A store into Streamlit's session state: under `key` (undefined: not known), the values or the widget call. */
interface SessionStore {
  key: string | undefined;
  values: ExpressionFact[];
  call?: CallSite;
  scopeId: number;
  line: number;
}

/**
 * The entries of the one `**mapping` a call passes, when the mapping is a dict display with string keys or a name of
 * the calling scope bound only to one and never changed there (no item store, no method call on it): undefined
 * otherwise. Positional splats are left to the caller.
 */
function literalSplat(
  e: CallEdge,
  idx: ModuleIndex,
): readonly { name: string | null; value: ExpressionFact }[] | undefined {
  const c = e.call;
  if (c.starStarKwargs.length !== 1) return undefined;
  const m = c.starStarKwargs[0]!;
  if (m.dictEntries === undefined) return undefined;
  const a = m.access;
  if (a === undefined) return m.nodeType === 'dictionary' ? m.dictEntries : undefined;
  if (a.root.kind !== 'name' || a.steps.length !== 0) return undefined;
  const name = a.root.name;
  const binds = idx.assignedNames.get(c.scopeId)?.get(name) ?? [];
  if (binds.length !== 1 || binds[0]!.kind !== 'assign' || binds[0]!.value?.nodeType !== 'dictionary') return undefined;
  for (const x of idx.mod.assignments)
    if (x.scopeId === c.scopeId && x.targets.some((t) => t.kind === 'subscript' && t.objectText === name))
      return undefined;
  for (const x of idx.mod.calls) {
    const r = x.callee.access;
    if (x.scopeId === c.scopeId && r?.root.kind === 'name' && r.root.name === name && r.steps.length > 0)
      return undefined;
  }
  return m.dictEntries;
}

/** Chainlit's per-user session object (`cl.user_session`): values stored with `.set(key, v)`, read with `.get(key)`. */
const CHAINLIT_SESSION = 'chainlit.user_session';

/** How many access steps name Streamlit's session state (`st.session_state` 1, an imported `session_state` 0). */
function sessionStateAt(names: readonly string[], a: AccessPath, upTo: number): number | undefined {
  if (names.includes(SESSION_STATE)) return 0;
  const first = a.steps[0];
  return names.includes('streamlit') && upTo > 0 && first?.kind === 'attr' && first.name === 'session_state'
    ? 1
    : undefined;
}

/** A digest's value: still not provably internal (what was hashed may be), but marked as naming no file a caller chose. */
function digestOf(v: Value): Value {
  return v.untrusted === null || v.untrusted.digest === true
    ? v
    : { ...v, untrusted: { ...v.untrusted, digest: true } };
}

/** Modules whose request object is a global (flask.request...). */
const REQUEST_MODULES: ReadonlySet<string> = new Set([...GLOBAL_REQUESTS.keys()].map((k) => k.split('.')[0]!));

function unboundValue(name: string): Value {
  return untrustedValue(`\`${name}\` (defined outside this file)`);
}

/** Methods that change a dict in place. */
const TABLE_MUTATORS: ReadonlySet<string> = new Set(['update', 'setdefault', '__setitem__', '__ior__']);

/** Attribute of a network value: what it holds (null = not network data, e.g. instance state of a handler). */
function attrKind(k: TaintKind, name: string): TaintKind | null {
  switch (k) {
    case 'request':
      if (name === 'data' || name === 'body' || name === 'raw_data') return 'data';
      if (
        name === 'stream' ||
        name === 'input_stream' ||
        name === 'bounded_stream' ||
        name === 'content' ||
        name === 'rfile'
      )
        return 'endpoint';
      if (name === 'files' || name === 'FILES' || name === 'file') return 'upload';
      return 'text';
    case 'upload':
      if (name === 'file' || name === 'stream') return 'endpoint';
      if (name === 'body' || name === 'data' || name === 'content') return 'data';
      // The server-side copy of the upload (Chainlit elements and AskFileMessage answers), and a message's files.
      if (name === 'path') return 'file';
      if (name === 'elements' || name === 'files') return 'upload';
      return 'text';
    case 'message':
      return 'data';
    case 'endpoint':
      return ['value', 'data', 'body', 'payload', 'content', 'message', 'key'].includes(name) ? 'data' : 'endpoint';
    case 'mplistener':
    case 'mpconn':
      return null;
    case 'data':
      return 'data';
    case 'text':
      return name === 'file' || name === 'stream' ? 'endpoint' : 'text';
    case 'file':
      return 'file';
    case 'self-http':
      if (name === 'rfile' || name === 'request' || name === 'connection') return 'endpoint';
      if (['headers', 'path', 'command', 'requestline', 'raw_requestline', 'client_address'].includes(name))
        return 'text';
      return null;
    case 'self-socketserver':
      if (name === 'rfile' || name === 'request' || name === 'connection') return 'endpoint';
      return name === 'client_address' ? 'text' : null;
    case 'self-tornado':
      if (name === 'request') return 'request';
      return name === 'path_args' || name === 'path_kwargs' ? 'text' : null;
    case 'self-view':
      if (name === 'request') return 'request';
      return name === 'kwargs' || name === 'args' ? 'text' : null;
    case 'response':
      if (name === 'content' || name === 'body' || name === 'data' || name === 'raw_data') return 'data';
      if (name === 'raw' || name === 'stream' || name === 'fp') return 'endpoint';
      return 'text';
  }
}

function indexKind(k: TaintKind): TaintKind | null {
  switch (k) {
    case 'request':
    case 'text':
    case 'response':
      return 'text';
    case 'upload':
      return 'upload';
    case 'message':
    case 'endpoint':
    case 'data':
      return 'data';
    case 'file':
      return 'file';
    default:
      return null;
  }
}

/** What iterating a network value yields. */
function iterate(v: Value): Value {
  const t = v.taint;
  if (t === null) return v;
  switch (t.kind) {
    case 'request':
    case 'text':
      return reshape(v, 'text');
    case 'upload':
    case 'message':
      return v;
    case 'endpoint':
    case 'data':
    case 'file':
    case 'response':
      return reshape(v, 'data');
    default:
      return INTERNAL;
  }
}

/**
 * A store into `text` + `suffix` as a path relative to an application object, or undefined when `text` is not
 * one: `app.config` → `.config`, `request.app.state.k` → `.state.k`, `current_app.x` → `.x`; through `vars(app)` or
 * `app.__dict__` the store may reach any attribute, which is the empty path (related to every path).
 */
function appRelative(text: string, suffix: string, names: ReadonlySet<string>): string | undefined {
  let t = text.replace(/\s+/g, '');
  let whole = false;
  const vars = /^vars\((.*)\)$/.exec(t);
  if (vars !== null) [t, whole] = [vars[1]!, true];
  const dict = t.indexOf('.__dict__');
  if (dict >= 0) [t, whole] = [t.slice(0, dict), true];
  const root = /^[A-Za-z_]\w*/.exec(t)?.[0];
  let rel: string | undefined;
  if (root !== undefined && (names.has(root) || root === 'current_app')) rel = t.slice(root.length);
  else {
    const via = /\.app(?=$|[.[])/.exec(t);
    if (via !== null) rel = t.slice(via.index + 4);
  }
  return rel === undefined || whole ? rel : rel + suffix;
}

/** Two app-relative paths where one lies inside the other (`.config` and `.config[]`, `` and anything). */
function relatedPaths(x: string, y: string): boolean {
  const inside = (a: string, b: string): boolean => a === b || a.startsWith(b + '.') || a.startsWith(b + '[');
  return inside(x, y) || inside(y, x);
}

/** String methods whose result is a list of pieces of the receiver. */
const TEXT_PIECES: ReadonlySet<string> = new Set(['split', 'rsplit', 'splitlines', 'partition', 'rpartition']);

/** Whether a call is `<value>.split(...)` and kin: a method of that name on a receiver (not a bare function). */
function splitsText(c: CallSite | undefined): boolean {
  const a = c?.callee.access;
  if (a === undefined || a.steps.length === 0) return false;
  const last = a.steps[a.steps.length - 1]!;
  return last.kind === 'attr' && TEXT_PIECES.has(last.name);
}
