// Entry points of serving code for the DESER rules: request handlers recognised by their decorators,
// their registration (add_url_rule, add_api_route, router.add_*, urlpatterns path(), add_route) or their base
// class (BaseHTTPRequestHandler, socketserver handlers, gRPC servicers, asyncio protocols...), and callbacks
// handed to transports (Kafka deserializers, pika consumers, websockets.serve). Never by function name.
import type {
  CallSite,
  ExpressionFact,
  FunctionFact,
  ParameterFact,
  PythonModule,
  SourceSpan,
} from '../python/module-model.js';
import { SINK_BY_NAME, SERVER_CALLS, SERVER_TABLE, matchesPattern, type SinkApi } from './apis.js';
import type { TaintKind } from './value.js';
import type { ModuleIndex } from './module-index.js';
import {
  UI_TRIGGERS,
  uiAppliedDecorator,
  uiCallbacks,
  uiDecorated,
  uiParameterSeed,
  type UiCallback,
  type UiDecorated,
} from './ui-apps.js';
import { MCP_TRIGGERS, mcpDecorated, mcpRegistered, mcpSeeds } from './mcp.js';

/**
 * The values a name bound only by a `for` loop takes, when the loop runs over a literal list or tuple (written in
 * place or bound once to a name): the elements, or for `for a, b in ...` the matching part of each tuple element.
 */
function loopValues(idx: ModuleIndex, e: ExpressionFact, scopeId: number): ExpressionFact[] {
  const a = e.access;
  if (a?.root.kind !== 'name' || a.steps.length !== 0) return [];
  const name = a.root.name;
  const binds = idx.assignedNames.get(scopeId)?.get(name) ?? [];
  if (binds.length !== 1 || binds[0]!.kind !== 'for' || binds[0]!.value === null) return [];
  const loop = binds[0]!;
  let items = loop.value!.elements;
  const over = loop.value!.access;
  const list = over?.root.kind === 'name' && over.steps.length === 0 ? over.root.name : undefined;
  if (items === undefined && list !== undefined) {
    const held = [...new Set([scopeId, 0])].flatMap((sid) => idx.assignedNames.get(sid)?.get(list) ?? []);
    if (held.length === 1 && held[0]!.kind === 'assign') items = held[0]!.value?.elements;
  }
  const i = loop.targets.findIndex((t) => t.kind === 'name' && t.name === name);
  if (items === undefined || i < 0) return [];
  const out: ExpressionFact[] = [];
  for (const x of items.slice(0, 64)) {
    if (loop.targets.length === 1) out.push(x);
    else if (x.elements !== undefined && x.elements.length === loop.targets.length) out.push(x.elements[i]!);
  }
  return out;
}

/** What a handler parameter holds when the framework calls it; `internal` = supplied by the framework itself. */
export interface ParamSeed {
  kind: TaintKind | 'internal';
  label: string;
}

export interface EntryInfo {
  functionId: number;
  framework: string;
  /** How it was recognised, e.g. `@app.post("/predict")`, `path("upload/", upload)`, `BaseHTTPRequestHandler`. */
  how: string;
  line: number;
  /** Parameter index → what it holds. Parameters not listed are framework-supplied (internal). */
  seeds: Map<number, ParamSeed>;
  /** A request handler / server callback (true), or a deserializer callback of a transport (false). */
  isHandler: boolean;
  /** Decorator spans (media types written there belong to the handler). */
  decoratorSpans: SourceSpan[];
}

/** A deserializer handed to a transport as a callable (`KafkaConsumer(value_deserializer=pickle.loads)`). */
export interface ImplicitSink {
  call: CallSite;
  arg: ExpressionFact;
  api: SinkApi;
  /** The transport whose payloads it deserializes, e.g. `Kafka consumer`. */
  transport: string;
}

/** Why the module counts as serving code (a handler, a server loop, a network endpoint). */
export interface ServingEvidence {
  line: number;
  what: string;
}

export interface Entries {
  entries: Map<number, EntryInfo>;
  implicitSinks: ImplicitSink[];
  serving: ServingEvidence[];
  /** Entry points this module registers for functions or classes of other modules. */
  foreign: { idx: ModuleIndex; entry: EntryInfo }[];
  /**
   * Registrations whose function was not resolved while the modules' entries were read: a bound method of a value
   * known only through what callers pass (`f.upload(engine.restore, ...)` with `engine` a parameter of the factory
   * that builds the UI). A project scan asks them again once every call site is indexed, with a resolver that types
   * parameters by their callers' arguments; what they find is added here (entries, serving, foreign).
   */
  late?: ((resolve: ForeignResolver) => void)[];
  /**
   * A UI app this module serves (a Streamlit widget, a Gradio app built): the project is an app, not a library, even
   * where no handler function is resolved (kept apart from `serving`, which makes a module's own loaders serving code).
   */
  uiApp?: ServingEvidence;
}

/** Resolves an expression naming a function or class of another module (project scans). */
export type ForeignResolver = (
  e: ExpressionFact,
  scopeId: number,
) => { idx: ModuleIndex; fn: FunctionFact; skip?: number } | undefined;

type ParamStyle = 'path-params' | 'typed' | 'request-first' | 'websocket-first' | 'sid-first' | 'data-first';

/** Receivers of route decorators (`@app.post(...)`), by qualified prefix. */
const ROUTE_RECEIVERS: readonly { prefix: string; framework: string; style: ParamStyle }[] = [
  { prefix: 'flask.Flask()', framework: 'Flask', style: 'path-params' },
  { prefix: 'flask.Blueprint()', framework: 'Flask', style: 'path-params' },
  { prefix: 'flask.blueprints.Blueprint()', framework: 'Flask', style: 'path-params' },
  { prefix: 'quart.Quart()', framework: 'Quart', style: 'path-params' },
  { prefix: 'quart.Blueprint()', framework: 'Quart', style: 'path-params' },
  { prefix: 'fastapi.FastAPI()', framework: 'FastAPI', style: 'typed' },
  { prefix: 'fastapi.APIRouter()', framework: 'FastAPI', style: 'typed' },
  { prefix: 'fastapi.routing.APIRouter()', framework: 'FastAPI', style: 'typed' },
  { prefix: 'starlette.applications.Starlette()', framework: 'Starlette', style: 'request-first' },
  { prefix: 'aiohttp.web.RouteTableDef()', framework: 'aiohttp', style: 'request-first' },
  { prefix: 'sanic.Sanic()', framework: 'Sanic', style: 'request-first' },
  { prefix: 'sanic.Blueprint()', framework: 'Sanic', style: 'request-first' },
  { prefix: 'bottle.Bottle()', framework: 'Bottle', style: 'path-params' },
  { prefix: 'bottle', framework: 'Bottle', style: 'path-params' },
  { prefix: 'litestar', framework: 'Litestar', style: 'typed' },
  { prefix: 'flask_sock.Sock()', framework: 'Flask-Sock', style: 'websocket-first' },
  { prefix: 'flask_sockets.Sockets()', framework: 'Flask-Sockets', style: 'websocket-first' },
  { prefix: 'socketio.Server()', framework: 'Socket.IO', style: 'sid-first' },
  { prefix: 'socketio.AsyncServer()', framework: 'Socket.IO', style: 'sid-first' },
  { prefix: 'flask_socketio.SocketIO()', framework: 'Flask-SocketIO', style: 'data-first' },
  { prefix: 'bentoml.Service()', framework: 'BentoML', style: 'typed' },
  // Azure Functions' Python v2 model: `app = func.FunctionApp()`, `@app.route(...)` gives an HttpRequest first.
  { prefix: 'azure.functions.FunctionApp()', framework: 'Azure Functions', style: 'request-first' },
  { prefix: 'azure.functions.Blueprint()', framework: 'Azure Functions', style: 'request-first' },
];

const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'route',
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'api_route',
  'websocket',
  'websocket_route',
  'view',
  'on',
  'event',
  'api',
]);

/** Decorators that make a function a Django/DRF view (request first). */
const VIEW_DECORATORS: ReadonlySet<string> = new Set([
  'rest_framework.decorators.api_view',
  'django.views.decorators.http.require_POST',
  'django.views.decorators.http.require_GET',
  'django.views.decorators.http.require_safe',
  'django.views.decorators.http.require_http_methods',
  'django.views.decorators.csrf.csrf_exempt',
]);

const REQUEST_TYPES: ReadonlySet<string> = new Set([
  'fastapi.Request',
  'fastapi.requests.Request',
  'starlette.requests.Request',
  'litestar.Request',
  'sanic.Request',
  'sanic.request.Request',
  'aiohttp.web.Request',
  'aiohttp.web.BaseRequest',
  'aiohttp.web_request.Request',
  'django.http.HttpRequest',
  'django.http.request.HttpRequest',
  'rest_framework.request.Request',
  'werkzeug.Request',
  'werkzeug.wrappers.Request',
  'flask.Request',
  'quart.Request',
  'falcon.Request',
  'falcon.asgi.Request',
  'tornado.httputil.HTTPServerRequest',
]);

const UPLOAD_TYPES: ReadonlySet<string> = new Set([
  'fastapi.UploadFile',
  'fastapi.datastructures.UploadFile',
  'starlette.datastructures.UploadFile',
  'litestar.datastructures.UploadFile',
  'werkzeug.datastructures.FileStorage',
  'django.core.files.uploadedfile.UploadedFile',
  'django.core.files.uploadedfile.InMemoryUploadedFile',
  'django.core.files.uploadedfile.TemporaryUploadedFile',
]);

const WEBSOCKET_TYPES: ReadonlySet<string> = new Set([
  'fastapi.WebSocket',
  'fastapi.websockets.WebSocket',
  'starlette.websockets.WebSocket',
  'litestar.WebSocket',
]);

/** Defaults / types that the framework injects (never request data). */
const INJECTED_PREFIXES: readonly string[] = [
  'fastapi.Depends',
  'fastapi.params.Depends',
  'fastapi.Security',
  'fastapi.BackgroundTasks',
  'fastapi.Response',
  'fastapi.responses.',
  'starlette.background.',
  'starlette.responses.',
  'litestar.di.',
  'sqlalchemy.',
];

interface ClassHandler {
  framework: string;
  selfKind?: TaintKind;
  /** Which methods are request handlers (for the "defines a handler" evidence and parameter seeds). */
  handlerMethod: (name: string) => boolean;
  /** Parameters of handler methods (index counts `self` as 0). */
  params?: { index: number; kind: TaintKind; label: string }[];
  /** Every other positional parameter of handler methods is text (Django/DRF URL kwargs). */
  restText?: boolean;
  /** Every other positional parameter of handler methods, by its annotation (what the client sends with the event). */
  restByAnnotation?: (annotation: string) => { kind: TaintKind; label: string };
  /** Parameters of other methods the framework calls with values of its own (a model's packaged artifacts). */
  internal?: { method: string; index: number; label: string }[];
}

const HTTP_VERBS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const DRF_ACTIONS: ReadonlySet<string> = new Set([
  ...HTTP_VERBS,
  'create',
  'update',
  'partial_update',
  'list',
  'retrieve',
  'destroy',
]);

const HTTP_SERVER: ClassHandler = {
  framework: 'http.server',
  selfKind: 'self-http',
  handlerMethod: (n) => n.startsWith('do_'),
};
const SOCKETSERVER: ClassHandler = {
  framework: 'socketserver',
  selfKind: 'self-socketserver',
  handlerMethod: (n) => n === 'handle' || n === 'setup',
};
const DJANGO_VIEW: ClassHandler = {
  framework: 'Django',
  selfKind: 'self-view',
  handlerMethod: (n) => DRF_ACTIONS.has(n) || n === 'dispatch',
  params: [{ index: 1, kind: 'request', label: 'Django request' }],
  restText: true,
};
const ASYNCIO_PROTOCOL: ClassHandler = {
  framework: 'asyncio',
  handlerMethod: (n) => n === 'data_received' || n === 'datagram_received',
  params: [{ index: 1, kind: 'data', label: 'asyncio protocol data' }],
};

/** SageMaker inference-script functions given the request body: its parameter position and the arity. */
const SAGEMAKER_BODY: ReadonlyMap<string, { index: number; arity: number }> = new Map([
  ['input_fn', { index: 0, arity: 2 }],
  ['transform_fn', { index: 1, arity: 4 }],
]);

/**
 * A SageMaker inference script: it defines the container's `model_fn(model_dir)` at its top level or binds it there
 * by an import (`from common import model_fn`), or it defines the request pipeline without it: `input_fn(body,
 * content_type)` with `predict_fn(data, model)` or `output_fn(prediction, accept)` (the container's default
 * `model_fn` then loads the model). `input_fn` alone, or beside `transform_fn` (which replaces the pipeline), is not.
 */
/** An Azure ML scoring script: it reads AZUREML_MODEL_DIR (where the endpoint mounts the model) or imports azureml. */
function azuremlScript(mod: PythonModule, idx: ModuleIndex): boolean {
  return idx.importedRoots.has('azureml') || mod.strings.some((s) => s.value === 'AZUREML_MODEL_DIR');
}

function sagemakerScript(mod: PythonModule): boolean {
  const top = (name: string, arity: number): boolean =>
    mod.functions.some(
      (f) =>
        f.kind === 'function' &&
        f.parentId === 0 &&
        f.name === name &&
        f.parameters.length === arity &&
        f.parameters.every((p) => p.kind === 'positional'),
    );
  if (
    mod.functions.some(
      (f) => f.kind === 'function' && f.parentId === 0 && f.name === 'model_fn' && f.parameters.length >= 1,
    )
  )
    return true;
  if (mod.imports.some((i) => i.scopeId === 0 && i.kind === 'from' && i.boundName === 'model_fn')) return true;
  return top('input_fn', 2) && (top('predict_fn', 2) || top('output_fn', 2));
}

/** TorchServe custom handlers: the framework calls handle/preprocess with the batch of request dicts. */
const TORCHSERVE_HANDLER: ClassHandler = {
  framework: 'TorchServe',
  handlerMethod: (n) => n === 'handle' || n === 'preprocess',
  params: [{ index: 1, kind: 'message', label: 'TorchServe request batch' }],
};

/** KServe's model server calls `preprocess`/`predict` of a `kserve.Model` subclass with the request payload. */
const KSERVE_MODEL: ClassHandler = {
  framework: 'KServe',
  handlerMethod: (n) => n === 'preprocess' || n === 'predict' || n === 'explain' || n === '__call__',
  params: [{ index: 1, kind: 'message', label: 'KServe inference request payload' }],
};

/**
 * An MLflow pyfunc model: `mlflow models serve` (and MLflow's serving images, Databricks Model Serving) call
 * `predict(self, context, model_input, params=None)` with the scoring request's input (`predict_stream` likewise).
 */
const MLFLOW_PYFUNC: ClassHandler = {
  framework: 'MLflow pyfunc',
  handlerMethod: (n) => n === 'predict' || n === 'predict_stream',
  params: [{ index: 2, kind: 'message', label: 'MLflow model input (the scoring request)' }],
  // `load_context(self, context)`: the context's artifacts are the files packaged with the model.
  internal: [{ method: 'load_context', index: 1, label: "MLflow model context (the model's packaged artifacts)" }],
};

/** Triton's python backend calls `TritonPythonModel.execute(self, requests)` (a convention on the class name). */
const TRITON_MODEL: ClassHandler = {
  framework: 'Triton python backend',
  handlerMethod: (n) => n === 'execute',
  params: [{ index: 1, kind: 'message', label: 'Triton inference requests' }],
};

/** Hugging Face Inference Endpoints call a custom handler's `EndpointHandler.__call__(self, data)` with the request. */
const HF_ENDPOINT: ClassHandler = {
  framework: 'Hugging Face Inference Endpoints',
  handlerMethod: (n) => n === '__call__',
  params: [{ index: 1, kind: 'message', label: 'Inference Endpoints request payload' }],
};

/** Replicate's Cog calls `predict(self, ...)` of a BasePredictor with the client's inputs (a `Path` is their file). */
const COG_PREDICTOR: ClassHandler = {
  framework: 'Cog',
  handlerMethod: (n) => n === 'predict',
  params: Array.from({ length: 12 }, (_, i) => ({
    index: i + 1,
    kind: 'file' as const,
    label: 'Cog prediction input',
  })),
};

/** LitServe calls `decode_request(self, request)` with the parsed request body. */
const LITSERVE_API: ClassHandler = {
  framework: 'LitServe',
  handlerMethod: (n) => n === 'decode_request',
  params: [{ index: 1, kind: 'text', label: 'LitServe request body' }],
};

/** Django Channels websocket consumers: `receive(self, text_data=None, bytes_data=None)`. */
const CHANNELS_CONSUMER: ClassHandler = {
  framework: 'Django Channels',
  handlerMethod: (n) => n === 'receive' || n === 'receive_json' || n === 'websocket_receive',
  params: [
    { index: 1, kind: 'text', label: 'Django Channels websocket frame' },
    { index: 2, kind: 'data', label: 'Django Channels websocket frame (bytes)' },
  ],
};

/**
 * Arrow Flight servers: pyarrow calls these methods with what the client sent — an action (`.body`), a ticket
 * (`.ticket`), a descriptor (`.command`, `.path`) or criteria as the second argument, and a stream reader of the
 * client's record batches as the third (`do_put`, `do_exchange`).
 */
const FLIGHT_METHODS: ReadonlySet<string> = new Set([
  'do_action',
  'do_get',
  'do_put',
  'do_exchange',
  'get_flight_info',
  'get_schema',
  'list_flights',
  'poll_flight_info',
]);
const ARROW_FLIGHT: ClassHandler = {
  framework: 'Arrow Flight',
  handlerMethod: (n) => FLIGHT_METHODS.has(n),
  params: [
    { index: 2, kind: 'message', label: 'Arrow Flight request (action, ticket, descriptor or criteria)' },
    { index: 3, kind: 'endpoint', label: 'Arrow Flight stream from the client' },
  ],
};

/** Framework base classes whose subclasses handle requests. */
/**
 * Reflex: every public method of an `rx.State` subclass is an event handler the browser triggers with arguments of
 * its choosing; a parameter annotated `rx.UploadFile` (or a list of them) receives the files an `rx.upload`
 * component sent.
 */
const REFLEX_STATE: ClassHandler = {
  framework: 'Reflex',
  handlerMethod: (n) => !n.startsWith('_'),
  restByAnnotation: (a) =>
    /(^|[.[])UploadFile\]?$/.test(a)
      ? { kind: 'upload', label: 'Reflex upload (files the client sent)' }
      : { kind: 'text', label: 'Reflex event argument (sent by the browser)' },
};

const CLASS_HANDLERS: ReadonlyMap<string, ClassHandler> = new Map([
  ['reflex.State', REFLEX_STATE],
  ['reflex.state.State', REFLEX_STATE],
  ['reflex.ComponentState', REFLEX_STATE],
  ['reflex.state.ComponentState', REFLEX_STATE],
  ['reflex.state.BaseState', REFLEX_STATE],
  ['http.server.BaseHTTPRequestHandler', HTTP_SERVER],
  ['cog.BasePredictor', COG_PREDICTOR],
  ['cog.predictor.BasePredictor', COG_PREDICTOR],
  ['http.server.SimpleHTTPRequestHandler', HTTP_SERVER],
  ['http.server.CGIHTTPRequestHandler', HTTP_SERVER],
  ['BaseHTTPServer.BaseHTTPRequestHandler', HTTP_SERVER],
  ['socketserver.BaseRequestHandler', SOCKETSERVER],
  ['socketserver.StreamRequestHandler', SOCKETSERVER],
  ['socketserver.DatagramRequestHandler', SOCKETSERVER],
  ['SocketServer.BaseRequestHandler', SOCKETSERVER],
  ['SocketServer.StreamRequestHandler', SOCKETSERVER],
  ['SocketServer.DatagramRequestHandler', SOCKETSERVER],
  [
    'tornado.web.RequestHandler',
    { framework: 'Tornado', selfKind: 'self-tornado', handlerMethod: (n) => HTTP_VERBS.has(n) || n === 'prepare' },
  ],
  [
    'tornado.websocket.WebSocketHandler',
    {
      framework: 'Tornado',
      selfKind: 'self-tornado',
      handlerMethod: (n) => n === 'on_message' || n === 'open',
      params: [{ index: 1, kind: 'data', label: 'Tornado websocket message' }],
    },
  ],
  ['aiohttp.web.View', { framework: 'aiohttp', selfKind: 'self-view', handlerMethod: (n) => HTTP_VERBS.has(n) }],
  ['django.views.View', DJANGO_VIEW],
  ['django.views.generic.View', DJANGO_VIEW],
  ['django.views.generic.base.View', DJANGO_VIEW],
  ['rest_framework.views.APIView', DJANGO_VIEW],
  ['rest_framework.generics.GenericAPIView', DJANGO_VIEW],
  ['rest_framework.viewsets.ViewSet', DJANGO_VIEW],
  ['rest_framework.viewsets.GenericViewSet', DJANGO_VIEW],
  ['rest_framework.viewsets.ModelViewSet', DJANGO_VIEW],
  ['flask.views.MethodView', { framework: 'Flask', handlerMethod: (n) => HTTP_VERBS.has(n) }],
  ['flask.views.View', { framework: 'Flask', handlerMethod: (n) => n === 'dispatch_request' }],
  [
    'starlette.endpoints.HTTPEndpoint',
    {
      framework: 'Starlette',
      handlerMethod: (n) => HTTP_VERBS.has(n),
      params: [{ index: 1, kind: 'request', label: 'Starlette request' }],
    },
  ],
  [
    'starlette.endpoints.WebSocketEndpoint',
    {
      framework: 'Starlette',
      handlerMethod: (n) => n === 'on_receive',
      params: [
        { index: 1, kind: 'endpoint', label: 'Starlette websocket' },
        { index: 2, kind: 'data', label: 'Starlette websocket message' },
      ],
    },
  ],
  ['ts.torch_handler.base_handler.BaseHandler', TORCHSERVE_HANDLER],
  ['ts.torch_handler.vision_handler.VisionHandler', TORCHSERVE_HANDLER],
  ['ts.torch_handler.image_classifier.ImageClassifier', TORCHSERVE_HANDLER],
  ['ts.torch_handler.text_handler.TextHandler', TORCHSERVE_HANDLER],
  ['mlflow.pyfunc.PythonModel', MLFLOW_PYFUNC],
  ['mlflow.pyfunc.model.PythonModel', MLFLOW_PYFUNC],
  ['kserve.Model', KSERVE_MODEL],
  ['kserve.model.Model', KSERVE_MODEL],
  ['litserve.LitAPI', LITSERVE_API],
  ['litserve.api.LitAPI', LITSERVE_API],
  ['channels.generic.websocket.WebsocketConsumer', CHANNELS_CONSUMER],
  ['channels.generic.websocket.AsyncWebsocketConsumer', CHANNELS_CONSUMER],
  ['channels.generic.websocket.JsonWebsocketConsumer', CHANNELS_CONSUMER],
  ['channels.generic.websocket.AsyncJsonWebsocketConsumer', CHANNELS_CONSUMER],
  [
    'tornado.tcpserver.TCPServer',
    {
      framework: 'Tornado TCPServer',
      handlerMethod: (n) => n === 'handle_stream',
      params: [{ index: 1, kind: 'endpoint', label: 'Tornado IOStream' }],
    },
  ],
  ['pyarrow.flight.FlightServerBase', ARROW_FLIGHT],
  ['pyarrow._flight.FlightServerBase', ARROW_FLIGHT],
  ['asyncio.Protocol', ASYNCIO_PROTOCOL],
  ['asyncio.BufferedProtocol', ASYNCIO_PROTOCOL],
  ['asyncio.DatagramProtocol', ASYNCIO_PROTOCOL],
  ['asyncio.protocols.Protocol', ASYNCIO_PROTOCOL],
  ['asyncio.protocols.DatagramProtocol', ASYNCIO_PROTOCOL],
  [
    'twisted.internet.protocol.Protocol',
    {
      framework: 'Twisted',
      handlerMethod: (n) => n === 'dataReceived',
      params: [{ index: 1, kind: 'data', label: 'Twisted protocol data' }],
    },
  ],
]);

const GRPC_SERVICER: ClassHandler = {
  framework: 'gRPC',
  handlerMethod: (n) => !n.startsWith('_'),
  params: [{ index: 1, kind: 'message', label: 'gRPC request message' }],
};

const FALCON_RESOURCE: ClassHandler = {
  framework: 'Falcon',
  handlerMethod: (n) => n.startsWith('on_'),
  params: [{ index: 1, kind: 'request', label: 'Falcon request' }],
};

const RAY_DEPLOYMENT: ClassHandler = {
  framework: 'Ray Serve',
  handlerMethod: (n) => n === '__call__',
  params: [{ index: 1, kind: 'request', label: 'Ray Serve request' }],
};

/** Servers constructed with a handler class: `socketserver.TCPServer(addr, Handler)`. */
const SERVER_CLASSES: readonly { pattern: { prefix: string }; handler: ClassHandler }[] = [
  { pattern: { prefix: 'socketserver.' }, handler: SOCKETSERVER },
  { pattern: { prefix: 'SocketServer.' }, handler: SOCKETSERVER },
  { pattern: { prefix: 'http.server.' }, handler: HTTP_SERVER },
];

/** Callbacks of transports: which parameter receives what. */
interface CallbackSpec {
  names: (call: CallSite, targets: string[], idx: ModuleIndex) => boolean;
  keyword?: string;
  position?: number;
  params: { index: number; kind: TaintKind; label: string }[];
  framework: string;
  isHandler: boolean;
  /** When the callback is itself a known deserializer, it is an implicit sink. */
  deserializerSlot?: boolean;
}

const byName =
  (...patterns: { exact?: string; prefix?: string; suffix?: string }[]) =>
  (_c: CallSite, targets: string[]): boolean =>
    targets.some((t) => patterns.some((p) => matchesPattern(t, p)));

const byMethod =
  (method: string, module: string, qualifiedPrefix: string) =>
  (c: CallSite, targets: string[], idx: ModuleIndex): boolean => {
    if (targets.some((t) => t.startsWith(qualifiedPrefix) && t.endsWith('.' + method))) return true;
    const a = c.callee.access;
    const last = a?.steps[a.steps.length - 1];
    return c.callee.qualifiedName === null ||
      c.callee.resolution === 'parameter' ||
      c.callee.resolution === 'assignment'
      ? last?.kind === 'attr' && last.name === method && idx.importedRoots.has(module)
      : false;
  };

const CALLBACKS: readonly CallbackSpec[] = [
  ...['value_deserializer', 'key_deserializer'].map((keyword): CallbackSpec => ({
    names: byName(
      { exact: 'kafka.KafkaConsumer' },
      { exact: 'kafka.consumer.KafkaConsumer' },
      { exact: 'aiokafka.AIOKafkaConsumer' },
    ),
    keyword,
    params: [{ index: 0, kind: 'data', label: `Kafka record (${keyword})` }],
    framework: 'Kafka consumer',
    isHandler: false,
    deserializerSlot: true,
  })),
  {
    names: byMethod('basic_consume', 'pika', 'pika.'),
    keyword: 'on_message_callback',
    params: [{ index: 3, kind: 'data', label: 'RabbitMQ message body' }],
    framework: 'RabbitMQ (pika)',
    isHandler: true,
  },
  {
    names: byMethod('consume', 'aio_pika', 'aio_pika.'),
    position: 0,
    params: [{ index: 0, kind: 'message', label: 'RabbitMQ message (aio-pika)' }],
    framework: 'RabbitMQ (aio-pika)',
    isHandler: true,
  },
  ...['asyncio.start_server', 'asyncio.start_unix_server'].map((exact): CallbackSpec => ({
    names: byName({ exact }),
    position: 0,
    keyword: 'client_connected_cb',
    params: [
      { index: 0, kind: 'endpoint', label: 'asyncio StreamReader' },
      { index: 1, kind: 'endpoint', label: 'asyncio StreamWriter' },
    ],
    framework: 'asyncio streams',
    isHandler: true,
  })),
  {
    names: byName({ exact: 'websockets.serve' }, { prefix: 'websockets.', suffix: '.serve' }),
    position: 0,
    keyword: 'handler',
    params: [{ index: 0, kind: 'endpoint', label: 'websocket connection' }],
    framework: 'websockets',
    isHandler: true,
  },
  ...['unary_unary', 'unary_stream', 'stream_unary', 'stream_stream'].flatMap((kind): CallbackSpec[] => [
    {
      names: byName({ exact: `grpc.${kind}_rpc_method_handler` }),
      position: 0,
      keyword: 'behavior',
      params: [{ index: 0, kind: 'message', label: 'gRPC request message' }],
      framework: 'gRPC',
      isHandler: true,
    },
    {
      names: byName({ exact: `grpc.${kind}_rpc_method_handler` }),
      keyword: 'request_deserializer',
      params: [{ index: 0, kind: 'data', label: 'gRPC request bytes (request_deserializer)' }],
      framework: 'gRPC',
      isHandler: false,
      deserializerSlot: true,
    },
    {
      names: byName({ prefix: 'grpc.', suffix: '.' + kind }),
      keyword: 'response_deserializer',
      params: [{ index: 0, kind: 'data', label: 'gRPC response bytes (response_deserializer)' }],
      framework: 'gRPC',
      isHandler: false,
      deserializerSlot: true,
    },
  ]),
  {
    names: (c, t, idx) =>
      byMethod('recv_serialized', 'zmq', 'zmq.')(c, t, idx) || byMethod('recv_serialized', 'zmq', '')(c, t, idx),
    keyword: 'deserialize',
    position: 0,
    params: [{ index: 0, kind: 'data', label: 'ZeroMQ frames (recv_serialized)' }],
    framework: 'ZeroMQ',
    isHandler: false,
    deserializerSlot: true,
  },
  {
    names: byMethod('subscribe', 'nats', 'nats.'),
    keyword: 'cb',
    params: [{ index: 0, kind: 'message', label: 'NATS message' }],
    framework: 'NATS',
    isHandler: true,
  },
  // UI toolkits' upload callbacks: NiceGUI's `ui.upload(on_upload=cb)` (the event's `.content` is the file),
  // Solara's `FileDrop(on_file=cb)` (a dict whose "data" is the bytes), an ipywidgets FileUpload's
  // `observe(cb, names="value")` (the change's "new" holds each file's "content").
  {
    names: byName({ exact: 'nicegui.ui.upload' }),
    keyword: 'on_upload',
    params: [{ index: 0, kind: 'message', label: 'NiceGUI upload event' }],
    framework: 'NiceGUI',
    isHandler: true,
  },
  ...['FileDrop', 'FileDropMultiple'].map((c): CallbackSpec => ({
    names: byName({ exact: `solara.${c}` }, { exact: `solara.components.${c}` }),
    keyword: 'on_file',
    params: [{ index: 0, kind: 'message', label: 'Solara dropped file' }],
    framework: 'Solara',
    isHandler: true,
  })),
  {
    names: byName({ exact: 'ipywidgets.FileUpload().observe' }, { exact: 'ipywidgets.widgets.FileUpload().observe' }),
    keyword: 'handler',
    position: 0,
    params: [{ index: 0, kind: 'message', label: 'ipywidgets FileUpload change' }],
    framework: 'ipywidgets',
    isHandler: true,
  },
  // Shiny for Python: `App(app_ui, server)` calls `server(input, output, session)`; `input.<id>()` is what the
  // browser sent for that input (a file input's infos name the uploaded copy under "datapath").
  {
    names: byName({ exact: 'shiny.App' }, { exact: 'shiny.express.App' }),
    keyword: 'server',
    position: 1,
    params: [{ index: 0, kind: 'request', label: 'Shiny inputs' }],
    framework: 'Shiny',
    isHandler: true,
  },
  // Google Cloud Pub/Sub streaming pull: `subscriber.subscribe(path, callback=cb)` calls cb with each message
  // (its `.data` is what the publisher sent).
  {
    names: byMethod('subscribe', 'google', 'google.cloud.pubsub'),
    keyword: 'callback',
    position: 1,
    params: [{ index: 0, kind: 'message', label: 'Pub/Sub message' }],
    framework: 'Google Cloud Pub/Sub',
    isHandler: true,
  },
];

/** Redis pub/sub: `p.subscribe(**{"ch": handler})` / `p.subscribe(ch=handler)`. */
const redisSubscribe = (c: CallSite, targets: string[], idx: ModuleIndex): boolean =>
  byMethod('subscribe', 'redis', 'redis.')(c, targets, idx) ||
  byMethod('psubscribe', 'redis', 'redis.')(c, targets, idx) ||
  targets.some((t) => t.startsWith('aioredis.') && (t.endsWith('.subscribe') || t.endsWith('.psubscribe')));

/** The functions a loop variable takes from a table of another module (`for name, fn in TASKS.items()`). */
export type LoopResolver = (
  e: ExpressionFact,
  scopeId: number,
) => readonly { idx: ModuleIndex; fn: FunctionFact; skip?: number }[];

export function recognizeEntries(
  idx: ModuleIndex,
  resolveForeign?: ForeignResolver,
  resolveLoop?: LoopResolver,
): Entries {
  const mod = idx.mod;
  const expand = idx.link !== undefined ? (q: string): string | undefined => idx.link?.expand(q) : undefined;
  const entries = new Map<number, EntryInfo>();
  const implicitSinks: ImplicitSink[] = [];
  const serving: ServingEvidence[] = [];
  const foreign: { idx: ModuleIndex; entry: EntryInfo }[] = [];
  const late: ((resolve: ForeignResolver) => void)[] = [];
  let uiApp: ServingEvidence | undefined;
  const typeOfIn =
    (x: ModuleIndex) =>
    (text: string): string[] =>
      annotationNames(text).map((n) => qualify(n, x));

  const add = (e: EntryInfo, owner: ModuleIndex = idx): void => {
    if (owner !== idx) {
      foreign.push({ idx: owner, entry: e });
      if (e.isHandler)
        serving.push({ line: e.line, what: `${e.framework} handler \`${fnName(owner.fn(e.functionId))}\` (${e.how})` });
      return;
    }
    const prev = entries.get(e.functionId);
    if (prev === undefined) entries.set(e.functionId, e);
    else {
      for (const [k, v] of e.seeds) if (!prev.seeds.has(k)) prev.seeds.set(k, v);
      prev.isHandler ||= e.isHandler;
    }
    if (e.isHandler)
      serving.push({
        line: e.line,
        what: `${e.framework} handler \`${fnName(mod.functions[e.functionId])}\` (${e.how})`,
      });
  };

  const functionEntry = (
    f: FunctionFact,
    framework: string,
    style: ParamStyle,
    how: string,
    line: number,
    owner: ModuleIndex = idx,
  ): EntryInfo => {
    const seeds = new Map<number, ParamSeed>();
    const first = owner.selfName(f) !== undefined ? 1 : 0;
    const typeOf = typeOfIn(owner);
    f.parameters.forEach((p, i) => {
      if (i < first || p.kind === 'vararg' || p.kind === 'kwarg') return;
      const seed: ParamSeed =
        style === 'request-first' && i === first
          ? { kind: 'request', label: `${framework} request` }
          : style === 'websocket-first' && i === first
            ? { kind: 'endpoint', label: `${framework} websocket` }
            : style === 'sid-first'
              ? i === first
                ? { kind: 'internal', label: 'session id' }
                : { kind: 'data', label: `${framework} event payload` }
              : style === 'data-first'
                ? { kind: 'data', label: `${framework} event payload` }
                : style === 'typed'
                  ? typedSeed(p, typeOf, framework)
                  : typedSeed(p, typeOf, framework, true);
      seeds.set(i, seed);
    });
    return {
      functionId: f.id,
      framework,
      how,
      line,
      seeds,
      isHandler: true,
      decoratorSpans: f.decorators.map((d) => d.span),
    };
  };

  // 1. Decorated functions (route decorators, Django/DRF view decorators).
  for (const f of mod.functions) {
    if (f.kind !== 'function') continue;
    for (const d of f.decorators) {
      const q = d.qualifiedName;
      if (q !== null && VIEW_DECORATORS.has(q)) {
        add(functionEntry(f, 'Django', 'request-first', '@' + d.text, d.span.line));
        continue;
      }
      const ui = uiDecorated(d, idx) ?? mcpDecorated(d, f, expand);
      if (ui !== undefined) {
        uiSeeded(ui, { fn: f, skip: idx.selfName(f) !== undefined ? 1 : 0 }, idx, d.span.line);
        continue;
      }
      if (!d.isCall || d.callId === undefined) continue;
      const call = mod.calls[d.callId];
      if (call === undefined) continue;
      const route = routeDecorator(call, q);
      if (route !== undefined) {
        const e = functionEntry(f, route.framework, route.style, '@' + d.text, d.span.line);
        if (route.framework === 'BentoML') bentoInput(call, f, e, idx);
        add(e);
      }
    }
  }

  // 2. Handler classes by base class (transitively through local bases), decorators and registrations.
  const classHandlers = new Map<number, { h: ClassHandler; how: string; line: number }>();
  for (const f of mod.functions) {
    if (f.kind !== 'class') continue;
    const bases = classBases(f, idx);
    for (const b of bases) {
      const h = CLASS_HANDLERS.get(b) ?? (isGrpcServicerBase(b) ? GRPC_SERVICER : undefined);
      if (h !== undefined) {
        classHandlers.set(f.id, { h, how: `subclass of ${b}`, line: f.span.line });
        break;
      }
    }
    if (f.decorators.some((d) => d.qualifiedName === 'ray.serve.deployment'))
      classHandlers.set(f.id, { h: RAY_DEPLOYMENT, how: '@serve.deployment', line: f.span.line });
    else if (f.name === 'TritonPythonModel' && f.parentId === 0)
      classHandlers.set(f.id, { h: TRITON_MODEL, how: 'Triton python backend model class', line: f.span.line });
    else if (f.name === 'EndpointHandler' && f.parentId === 0)
      classHandlers.set(f.id, { h: HF_ENDPOINT, how: 'Inference Endpoints custom handler class', line: f.span.line });
  }

  // 1b. Functions the framework declares by convention: TorchServe's module-level `handle(data, context)`, Ray Serve
  // function deployments, BentoML `@bentoml.api` methods.
  for (const f of mod.functions) {
    if (f.kind !== 'function') continue;
    const params = f.parameters.map((p) => p.name);
    if (
      f.parentId === 0 &&
      f.name === 'handle' &&
      params.length === 2 &&
      params[0] === 'data' &&
      params[1] === 'context'
    )
      add({
        functionId: f.id,
        framework: 'TorchServe',
        how: 'module-level handle(data, context)',
        line: f.span.line,
        seeds: new Map([[0, { kind: 'message', label: 'TorchServe request batch' }]]),
        isHandler: true,
        decoratorSpans: [],
      });
    // A SageMaker inference script (the container loads it for its `model_fn(model_dir)`): the serving stack
    // calls `input_fn(request_body, content_type)` and `transform_fn(model, request_body, content_type, accept)`
    // with the body of each invocation request.
    const body =
      f.parentId === 0 && SAGEMAKER_BODY.has(f.name) && sagemakerScript(mod) ? SAGEMAKER_BODY.get(f.name) : undefined;
    if (body !== undefined && params.length === body.arity && !f.parameters.some((p) => p.kind !== 'positional'))
      add({
        functionId: f.id,
        framework: 'SageMaker',
        how: `inference script ${f.name}()`,
        line: f.span.line,
        seeds: new Map([[body.index, { kind: 'data', label: 'SageMaker invocation request body' }]]),
        isHandler: true,
        decoratorSpans: [],
      });
    // An Azure ML scoring script: the endpoint calls `init()` once and `run(raw_data)` with each request's body.
    if (
      f.parentId === 0 &&
      f.name === 'run' &&
      params.length === 1 &&
      azuremlScript(mod, idx) &&
      mod.functions.some((g) => g.kind === 'function' && g.parentId === 0 && g.name === 'init')
    )
      add({
        functionId: f.id,
        framework: 'Azure ML',
        how: 'scoring script run(raw_data)',
        line: f.span.line,
        seeds: new Map([[0, { kind: 'data', label: 'Azure ML scoring request body' }]]),
        isHandler: true,
        decoratorSpans: [],
      });
    // AWS Lambda calls a module-level `(event, context)` function with the invocation's event: an API Gateway
    // request (its body as the client sent it), a queue's or stream's records, a bucket notification.
    if (f.parentId === 0 && params.length === 2 && params[0] === 'event' && params[1] === 'context')
      add({
        functionId: f.id,
        framework: 'AWS Lambda',
        how: 'module-level handler(event, context)',
        line: f.span.line,
        seeds: new Map([[0, { kind: 'message', label: 'Lambda invocation event' }]]),
        isHandler: true,
        decoratorSpans: [],
      });
    // Azure Functions' v1 model (function.json names the function): a parameter typed HttpRequest is the request.
    if (f.parentId === 0 && f.decorators.length === 0) {
      const req = f.parameters.findIndex(
        (p) => p.annotation !== undefined && typeOfIn(idx)(p.annotation).includes('azure.functions.HttpRequest'),
      );
      if (req === 0)
        add({
          functionId: f.id,
          framework: 'Azure Functions',
          how: 'function with an azure.functions.HttpRequest parameter',
          line: f.span.line,
          seeds: new Map([[0, { kind: 'request', label: 'Azure Functions request' }]]),
          isHandler: true,
          decoratorSpans: [],
        });
    }
    for (const d of f.decorators) {
      // Modal's web endpoints are FastAPI handlers.
      if (
        d.qualifiedName === 'modal.fastapi_endpoint' ||
        d.qualifiedName === 'modal.web_endpoint' ||
        d.qualifiedName === 'modal.fastapi_endpoint()' ||
        d.qualifiedName === 'modal.web_endpoint()'
      )
        add(functionEntry(f, 'Modal', 'typed', '@' + d.text, d.span.line));
      // Google Cloud Functions (the Functions Framework): the request (Flask's) or the CloudEvent the trigger sent.
      if (d.qualifiedName === 'functions_framework.http' || d.qualifiedName === 'functions_framework.cloud_event')
        add(functionEntry(f, 'Cloud Functions', 'request-first', '@' + d.text, d.span.line));
      if (d.qualifiedName === 'ray.serve.deployment' && f.parameters.length > 0)
        add(functionEntry(f, 'Ray Serve', 'request-first', '@' + d.text, d.span.line));
      else if (d.qualifiedName === 'bentoml.api' || d.qualifiedName === 'bentoml.api()')
        add(functionEntry(f, 'BentoML', 'typed', '@' + d.text, d.span.line));
    }
  }

  // 3. Registrations, callbacks, implicit sinks, server evidence: one pass over the calls.
  for (const call of mod.calls) {
    serverCall(call);
    uiAppCall(call);
    if (call.positional.length === 0 && call.keywords.length === 0 && call.starStarKwargs.length === 0) continue;
    const made = call.callee.access;
    if (made?.root.kind === 'call' && made.steps.length === 0) {
      // A decorator applied by hand: `mcp.tool(name=...)(fn)`.
      const inner = mod.calls[made.root.callId];
      const reg = inner !== undefined ? mcpRegistered(call, [], idx.targets(inner), expand) : undefined;
      if (reg !== undefined) mcpEntry(reg, call);
      // Dash's call form: `app.callback(Output(...), Input(...))(update)`.
      const ui = inner !== undefined ? uiAppliedDecorator(call, inner, idx) : undefined;
      if (ui !== undefined) uiEntry(ui, call);
      continue;
    }
    const targets = idx.targets(call);
    const last = triggerName(call, targets);
    if (MCP_TRIGGERS.has(last)) {
      const reg = mcpRegistered(call, targets, undefined, expand);
      if (reg !== undefined) mcpEntry(reg, call);
    }
    if (!TRIGGERS.has(last) && !UI_TRIGGERS.has(last) && !last.endsWith('_to_server') && !last.endsWith('Server'))
      continue;
    for (const ui of uiCallbacks(call, targets, idx)) uiEntry(ui, call);
    const raw = call.callee.qualifiedName ?? call.callee.raw;
    for (const reg of registrations(call, raw, targets, idx, resolveForeign)) {
      const owner = reg.idx ?? idx;
      if (reg.kind === 'function')
        add(functionEntry(reg.fn, reg.framework, reg.style, reg.how, call.span.line, owner), owner);
      else if (owner !== idx) classEntries(owner, reg.cls.id, reg.handler, reg.how, call.span.line);
      else if (!classHandlers.has(reg.cls.id))
        classHandlers.set(reg.cls.id, { h: reg.handler, how: reg.how, line: call.span.line });
    }

    for (const spec of CALLBACKS) {
      if (!spec.names(call, targets, idx)) continue;
      const arg =
        (spec.keyword !== undefined ? call.keywords.find((k) => k.name === spec.keyword)?.value : undefined) ??
        (spec.position !== undefined ? call.positional[spec.position] : undefined);
      if (arg === undefined) continue;
      callbackEntry(arg, call, spec.params, spec.framework, spec.isHandler, spec.deserializerSlot ?? false);
    }
    if (redisSubscribe(call, targets, idx)) {
      const handlers = [
        ...call.keywords.map((k) => k.value),
        ...call.starStarKwargs.flatMap((s) => (s.dictEntries ?? []).map((e) => e.value)),
      ];
      for (const h of handlers)
        callbackEntry(
          h,
          call,
          [{ index: 0, kind: 'message', label: 'Redis pub/sub message' }],
          'Redis pub/sub',
          true,
          false,
        );
    }
  }

  /** Creating a socket is not serving (a free-port probe); starting a server is, and so is reading (see flow). */
  function serverCall(call: CallSite): void {
    if (!call.callee.values.some((v) => v.kind === 'qualified' && SERVER_ROOTS.has(rootOf(v.name)))) return;
    const targets = idx.targets(call);
    if (SERVER_TABLE.has(targets))
      serving.push({ line: call.span.line, what: `server started by \`${shortText(call.text)}\`` });
  }

  /**
   * A UI app served to browsers: a Streamlit script placing an input widget (it has no handler function: the script
   * itself reruns on every interaction), or a Gradio app built (its handlers may be bound methods or other values
   * not resolved to a function here). Evidence that the project serves, whatever its handlers are.
   */
  function uiAppCall(call: CallSite): void {
    if (uiApp !== undefined) return;
    if (!call.callee.values.some((v) => v.kind === 'qualified' && UI_APP_ROOTS.has(rootOf(v.name)))) return;
    const t = idx.targets(call).find((q) => UI_APP_CALLS.has(q));
    if (t !== undefined) uiApp ??= { line: call.span.line, what: `UI app served by \`${shortText(call.text)}\`` };
  }

  /** A function registered on an MCP server by a call (mcp.ts). */
  function mcpEntry(reg: { fn: ExpressionFact; what: string }, call: CallSite): void {
    const local = idx.localFunction(reg.fn, call.scopeId);
    const far = local === undefined ? resolveForeign?.(reg.fn, call.scopeId) : undefined;
    const lf =
      local ?? (far !== undefined && far.fn.kind !== 'class' ? { fn: far.fn, skip: far.skip ?? 0 } : undefined);
    if (lf === undefined) return;
    const how = shortText(call.text).slice(0, 60);
    uiSeeded(
      mcpSeeds(reg.what, lf.fn, how),
      lf,
      local === undefined && far !== undefined ? far.idx : idx,
      call.span.line,
    );
  }

  /** A function a UI framework calls with what the browser sends (ui-apps.ts). */
  function uiEntry(ui: UiCallback, call: CallSite, looped = false): void {
    const local = idx.localFunction(ui.fn, call.scopeId);
    const far = local === undefined ? resolveForeign?.(ui.fn, call.scopeId) : undefined;
    const lf =
      local ?? (far !== undefined && far.fn.kind !== 'class' ? { fn: far.fn, skip: far.skip ?? 0 } : undefined);
    if (lf === undefined) {
      // A listener registered in a loop (`for name, fn in EVENTS: btn.click(fn, ...)`): every function it takes,
      // also from a table another module binds (`for name, fn in TASKS.items()` with `from tasks import TASKS`).
      if (!looped) {
        let found = false;
        for (const fn of loopValues(idx, ui.fn, call.scopeId)) {
          found = true;
          uiEntry({ ...ui, fn }, call, true);
        }
        for (const far of resolveLoop?.(ui.fn, call.scopeId) ?? [])
          if (far.fn.kind !== 'class') {
            found = true;
            uiSeeded(ui, { fn: far.fn, skip: far.skip ?? 0 }, far.idx, call.span.line);
          }
        // A bound method of a parameter's value: asked again once the callers are known.
        if (!found && ui.fn.access?.steps.at(-1)?.kind === 'attr')
          late.push((resolve) => {
            const again = resolve(ui.fn, call.scopeId);
            if (again !== undefined && again.fn.kind !== 'class')
              uiSeeded(ui, { fn: again.fn, skip: again.skip ?? 0 }, again.idx, call.span.line);
          });
      }
      return;
    }
    const owner = local === undefined && far !== undefined ? far.idx : idx;
    uiSeeded(ui, lf, owner, call.span.line);
  }

  function uiSeeded(ui: UiDecorated, lf: { fn: FunctionFact; skip: number }, owner: ModuleIndex, line: number): void {
    const seeds = new Map<number, ParamSeed>();
    lf.fn.parameters.forEach((p, i) => {
      if (i < lf.skip || p.kind === 'kwarg') return;
      const seed =
        uiParameterSeed(lf.fn, i, owner) ??
        ui.named?.get(p.name) ??
        (p.kind === 'vararg' ? ui.rest : (ui.seeds[i - lf.skip] ?? ui.rest));
      if (seed.kind !== 'internal') seeds.set(i, { kind: seed.kind, label: seed.label });
    });
    add(
      {
        functionId: lf.fn.id,
        framework: ui.framework,
        how: ui.how,
        line,
        seeds,
        isHandler: true,
        decoratorSpans: [],
      },
      owner,
    );
  }

  function callbackEntry(
    arg: ExpressionFact,
    call: CallSite,
    params: { index: number; kind: TaintKind; label: string }[],
    framework: string,
    isHandler: boolean,
    deserializerSlot: boolean,
  ): void {
    if (deserializerSlot) {
      for (const v of arg.values) {
        if (v.kind !== 'qualified') continue;
        const api = SINK_BY_NAME.get(v.partial?.qualifiedName ?? v.name);
        if (api !== undefined && api.guard === 'always' && (api.mode === 'bytes' || api.mode === 'stream-or-text')) {
          implicitSinks.push({ call, arg, api, transport: framework });
          return;
        }
      }
    }
    const local = idx.localFunction(arg, call.scopeId);
    const far = local === undefined ? resolveForeign?.(arg, call.scopeId) : undefined;
    const lf =
      local ?? (far !== undefined && far.fn.kind !== 'class' ? { fn: far.fn, skip: far.skip ?? 0 } : undefined);
    if (lf === undefined) return;
    const seeds = new Map<number, ParamSeed>();
    for (const p of params) seeds.set(p.index + lf.skip, { kind: p.kind, label: p.label });
    add(
      {
        functionId: lf.fn.id,
        framework,
        how: `callback of \`${shortText(call.callee.raw)}(...)\``,
        line: call.span.line,
        seeds,
        isHandler,
        decoratorSpans: [],
      },
      local === undefined && far !== undefined ? far.idx : idx,
    );
  }

  // 4. Methods of handler classes.
  for (const [clsId, { h, how, line }] of classHandlers) classEntries(idx, clsId, h, how, line);
  return {
    entries,
    implicitSinks,
    serving,
    foreign,
    ...(late.length > 0 ? { late } : {}),
    ...(uiApp !== undefined ? { uiApp } : {}),
  };

  function classEntries(owner: ModuleIndex, clsId: number, h: ClassHandler, how: string, line: number): void {
    const cls = owner.mod.functions[clsId]!;
    for (const m of owner.mod.functions) {
      if (m.parentId !== clsId || m.kind !== 'function') continue;
      const isHandler = h.handlerMethod(m.name);
      const seeds = new Map<number, ParamSeed>();
      if (h.selfKind !== undefined && owner.selfName(m) !== undefined)
        seeds.set(0, { kind: h.selfKind, label: `${h.framework} handler` });
      for (const p of h.internal ?? [])
        if (p.method === m.name && p.index < m.parameters.length)
          seeds.set(p.index, { kind: 'internal', label: p.label });
      if (isHandler) {
        for (const p of h.params ?? [])
          if (p.index < m.parameters.length) seeds.set(p.index, { kind: p.kind, label: p.label });
        if (h.restByAnnotation !== undefined) {
          const by = h.restByAnnotation;
          m.parameters.forEach((p, i) => {
            if (i > 0 && !seeds.has(i) && p.kind !== 'vararg' && p.kind !== 'kwarg')
              seeds.set(i, by((p.annotation ?? '').replace(/\s/g, '')));
          });
        }
        if (h.restText) {
          m.parameters.forEach((p, i) => {
            if (i > 0 && !seeds.has(i) && p.kind !== 'vararg' && p.kind !== 'kwarg')
              seeds.set(i, { kind: 'text', label: `${h.framework} URL parameter` });
          });
        }
      }
      if (seeds.size === 0 && !isHandler) continue;
      add(
        {
          functionId: m.id,
          framework: h.framework,
          how: `${cls.name}.${m.name}, ${how}`,
          line: isHandler ? m.span.line : line,
          seeds,
          isHandler,
          decoratorSpans: m.decorators.map((d) => d.span),
        },
        owner,
      );
    }
  }
}

interface FunctionRegistration {
  kind: 'function';
  /** The module of `fn` (set on return). */
  idx?: ModuleIndex;
  fn: FunctionFact;
  framework: string;
  style: ParamStyle;
  how: string;
}
interface ClassRegistration {
  kind: 'class';
  /** The module of `cls` (set on return). */
  idx?: ModuleIndex;
  cls: FunctionFact;
  handler: ClassHandler;
  how: string;
}

/** add_url_rule / add_api_route / add_route / router.add_* / path() / Route() / servers taking a handler class. */
function registrations(
  call: CallSite,
  raw: string,
  targets: string[],
  idx: ModuleIndex,
  resolveForeign?: ForeignResolver,
): (FunctionRegistration | ClassRegistration)[] {
  const out: (FunctionRegistration | ClassRegistration)[] = [];
  /** The module each function or class found below belongs to (this one unless resolved in another). */
  const owners = new Map<FunctionFact, ModuleIndex>();
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  const method = last?.kind === 'attr' ? last.name : a?.root.kind === 'name' && a.steps.length === 0 ? a.root.name : '';
  const how = `\`${shortText(call.text)}\``;
  const arg = (pos: number, kw: string): ExpressionFact | undefined =>
    call.keywords.find((k) => k.name === kw)?.value ?? call.positional[pos];
  const fnOf = (e: ExpressionFact | undefined): FunctionFact | undefined => {
    if (e === undefined) return undefined;
    const lf = idx.localFunction(e, call.scopeId);
    // A function, or a method bound through `self` (`app.add_route(self.log_handler, "/")`): the entry skips `self`.
    if (lf !== undefined)
      return lf.skip === 0 || (lf.skip === 1 && idx.selfName(lf.fn) !== undefined && isSelfAccess(e, call.scopeId, idx))
        ? lf.fn
        : undefined;
    const made = factoryProduct(e, call.scopeId, idx);
    if (made !== undefined) return made;
    const far = resolveForeign?.(e, call.scopeId);
    if (far === undefined || far.fn.kind === 'class') return undefined;
    owners.set(far.fn, far.idx);
    return far.fn;
  };
  const classOf = (e: ExpressionFact | undefined): FunctionFact | undefined => {
    if (e === undefined) return undefined;
    // `Resource()`, `View.as_view()`, or the bare class.
    let values = e.values;
    if (e.access?.root.kind === 'call' && e.access.steps.length === 0) {
      const inner = idx.mod.calls[e.access.root.callId];
      const ia = inner?.callee.access;
      if (inner?.callee.definitionId !== undefined) values = inner.callee.values;
      else if (ia?.root.kind === 'name' && ia.steps.length === 1) values = moduleBindingValues(ia.root.name, idx);
    }
    const def = values.find((v) => v.kind === 'definition');
    const f = def?.kind === 'definition' ? idx.mod.functions[def.functionId] : undefined;
    if (f?.kind === 'class') return f;
    const far = def === undefined ? resolveForeign?.(e, call.scopeId) : undefined;
    if (far?.fn.kind !== 'class') return undefined;
    owners.set(far.fn, far.idx);
    return far.fn;
  };
  const isFlask = targets.some((t) => t.startsWith('flask.') || t.startsWith('quart.'));
  const isAiohttp = targets.some((t) => t.startsWith('aiohttp.'));
  switch (method) {
    case 'add_url_rule': {
      const fn = fnOf(arg(2, 'view_func'));
      if (fn !== undefined)
        out.push({
          kind: 'function',
          fn,
          framework: isFlask || !isAiohttp ? 'Flask' : 'web',
          style: 'path-params',
          how,
        });
      const cls = classOf(arg(2, 'view_func'));
      if (cls !== undefined)
        out.push({
          kind: 'class',
          cls,
          handler: { framework: 'Flask', handlerMethod: (n) => HTTP_VERBS.has(n) || n === 'dispatch_request' },
          how,
        });
      const view = arg(2, 'view_func');
      // Routes registered in a loop (`for rule, view in ROUTES: app.add_url_rule(rule, view_func=view)`).
      if (fn === undefined && cls === undefined && view !== undefined)
        for (const v of loopValues(idx, view, call.scopeId)) {
          const each = fnOf(v);
          if (each !== undefined)
            out.push({ kind: 'function', fn: each, framework: 'Flask', style: 'path-params', how });
        }
      break;
    }
    case 'add_api_route':
    case 'add_api_websocket_route': {
      const fn = fnOf(arg(1, 'endpoint'));
      if (fn !== undefined) out.push({ kind: 'function', fn, framework: 'FastAPI', style: 'typed', how });
      break;
    }
    case 'add_route':
    case 'add_websocket_route': {
      // Starlette (path, endpoint), Sanic (handler, uri), aiohttp router (method, path, handler), Falcon (uri, resource).
      const candidates = [
        call.positional[0],
        call.positional[1],
        call.positional[2],
        arg(99, 'handler'),
        arg(99, 'endpoint'),
      ];
      for (const c of candidates) {
        const fn = fnOf(c);
        if (fn !== undefined) {
          const framework = isAiohttp ? 'aiohttp' : targets.some((t) => t.startsWith('sanic.')) ? 'Sanic' : 'Starlette';
          out.push({ kind: 'function', fn, framework, style: 'request-first', how });
          break;
        }
        const cls = classOf(c);
        if (cls !== undefined) {
          out.push({ kind: 'class', cls, handler: FALCON_RESOURCE, how });
          break;
        }
      }
      break;
    }
    default:
      break;
  }
  if (
    method.startsWith('add_') &&
    ['get', 'post', 'put', 'patch', 'delete', 'head', 'view'].includes(method.slice(4))
  ) {
    const fn = fnOf(arg(1, 'handler'));
    if (fn !== undefined && (isAiohttp || a?.steps.some((s) => s.kind === 'attr' && s.name === 'router')))
      out.push({ kind: 'function', fn, framework: 'aiohttp', style: 'request-first', how });
  }
  for (const t of targets) {
    if (t === 'django.urls.path' || t === 'django.urls.re_path' || t === 'django.conf.urls.url') {
      const view = arg(1, 'view');
      const fn = fnOf(view);
      if (fn !== undefined) out.push({ kind: 'function', fn, framework: 'Django', style: 'request-first', how });
      const cls = classOf(view);
      if (cls !== undefined) out.push({ kind: 'class', cls, handler: DJANGO_VIEW, how });
    } else if (
      t === 'starlette.routing.Route' ||
      t === 'starlette.routing.WebSocketRoute' ||
      t === 'fastapi.routing.APIRoute'
    ) {
      const fn = fnOf(arg(1, 'endpoint'));
      const ws = t.endsWith('WebSocketRoute');
      const style: ParamStyle = t.endsWith('APIRoute') ? 'typed' : ws ? 'websocket-first' : 'request-first';
      if (fn !== undefined) out.push({ kind: 'function', fn, framework: 'Starlette', style, how });
      const cls = classOf(arg(1, 'endpoint'));
      if (cls !== undefined && !ws)
        out.push({ kind: 'class', cls, handler: CLASS_HANDLERS.get('starlette.endpoints.HTTPEndpoint')!, how });
    } else if (
      [
        'aiohttp.web.get',
        'aiohttp.web.post',
        'aiohttp.web.put',
        'aiohttp.web.patch',
        'aiohttp.web.delete',
        'aiohttp.web.view',
      ].includes(t)
    ) {
      const fn = fnOf(arg(1, 'handler'));
      if (fn !== undefined) out.push({ kind: 'function', fn, framework: 'aiohttp', style: 'request-first', how });
    } else if (t === 'aiohttp.web.route') {
      const fn = fnOf(arg(2, 'handler'));
      if (fn !== undefined) out.push({ kind: 'function', fn, framework: 'aiohttp', style: 'request-first', how });
    } else if (t.includes('_pb2_grpc.add_') && t.endsWith('_to_server')) {
      const cls = classOf(call.positional[0]);
      if (cls !== undefined) out.push({ kind: 'class', cls, handler: GRPC_SERVICER, how });
    } else {
      for (const s of SERVER_CLASSES) {
        if (!t.startsWith(s.pattern.prefix)) continue;
        const cls = classOf(arg(1, 'RequestHandlerClass'));
        if (cls !== undefined) out.push({ kind: 'class', cls, handler: s.handler, how });
      }
    }
  }
  for (const r of out) r.idx = owners.get(r.kind === 'function' ? r.fn : r.cls) ?? idx;
  return out;
}

/** `self.<m>` in a method of the class (the bound method), not `Cls.<m>`. */
function isSelfAccess(e: ExpressionFact, scopeId: number, idx: ModuleIndex): boolean {
  const a = e.access;
  if (a?.root.kind !== 'name' || a.steps.length !== 1) return false;
  const m = idx.enclosingMethod(scopeId);
  return m !== undefined && idx.selfName(m) === a.root.name;
}

/**
 * The handler a factory call makes (`Route(path, self._mk_request_handler(m))`): a function of this module, or a
 * method through `self`, whose every return is a function defined inside it (the nested handler).
 */
function factoryProduct(e: ExpressionFact, scopeId: number, idx: ModuleIndex): FunctionFact | undefined {
  if (e.access?.root.kind !== 'call' || e.access.steps.length !== 0) return undefined;
  const inner = idx.mod.calls[e.access.root.callId];
  if (inner === undefined) return undefined;
  const defId = inner.callee.definitionId;
  const factory = defId !== undefined ? idx.fn(defId) : idx.boundMethod(inner.callee.access, scopeId)?.fn;
  if (factory?.kind !== 'function' || factory.returns.length === 0) return undefined;
  let made: FunctionFact | undefined;
  for (const r of factory.returns) {
    const def = r.values.length === 1 ? r.values[0] : undefined;
    const f = def?.kind === 'definition' ? idx.fn(def.functionId) : undefined;
    if (f === undefined || f.kind !== 'function' || f.parentId !== factory.id || (made !== undefined && made !== f))
      return undefined;
    made = f;
  }
  return made;
}

/** Top-level modules of the SERVER_CALLS patterns (a cheap filter before matching them). */
/** Roots of the UI frameworks whose apps count as serving (uiAppCall). */
const UI_APP_ROOTS: ReadonlySet<string> = new Set(['streamlit', 'gradio']);
const STREAMLIT_WIDGETS = [
  'text_input',
  'text_area',
  'number_input',
  'file_uploader',
  'camera_input',
  'audio_input',
  'chat_input',
  'selectbox',
  'multiselect',
  'slider',
  'select_slider',
  'checkbox',
  'toggle',
  'radio',
  'button',
  'form_submit_button',
  'date_input',
  'time_input',
  'color_picker',
  'data_editor',
];
/** Calls that make a module a served UI app: Streamlit input widgets (also in the sidebar), Gradio app builders. */
const UI_APP_CALLS: ReadonlySet<string> = new Set([
  ...STREAMLIT_WIDGETS.flatMap((w) => [`streamlit.${w}`, `streamlit.sidebar.${w}`]),
  'gradio.Interface',
  'gradio.Blocks',
  'gradio.ChatInterface',
  'gradio.TabbedInterface',
]);

const SERVER_ROOTS: ReadonlySet<string> = new Set(
  SERVER_CALLS.map((p) => rootOf(p.exact ?? p.prefix ?? '')).filter((r) => r !== ''),
);

function rootOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** Names (method, function or class, last component) of the calls that can register handlers or callbacks. */
const TRIGGERS: ReadonlySet<string> = new Set([
  'add_url_rule',
  'add_api_route',
  'add_api_websocket_route',
  'add_route',
  'add_websocket_route',
  'add_get',
  'add_post',
  'add_put',
  'add_patch',
  'add_delete',
  'add_head',
  'add_view',
  'path',
  're_path',
  'url',
  'Route',
  'WebSocketRoute',
  'APIRoute',
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'view',
  'route',
  'KafkaConsumer',
  'AIOKafkaConsumer',
  'basic_consume',
  'consume',
  'start_server',
  'start_unix_server',
  'serve',
  'unary_unary_rpc_method_handler',
  'unary_stream_rpc_method_handler',
  'stream_unary_rpc_method_handler',
  'stream_stream_rpc_method_handler',
  'unary_unary',
  'unary_stream',
  'stream_unary',
  'stream_stream',
  'recv_serialized',
  'subscribe',
  'psubscribe',
  'upload',
  'FileDrop',
  'FileDropMultiple',
  'observe',
  'App',
]);

function triggerName(call: CallSite, targets: readonly string[]): string {
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (last?.kind === 'attr') return last.name;
  if (a?.root.kind === 'name' && a.steps.length === 0) {
    const t = targets[0];
    return t !== undefined ? t.slice(t.lastIndexOf('.') + 1) : a.root.name;
  }
  return '';
}

function moduleBindingValues(name: string, idx: ModuleIndex): ExpressionFact['values'] {
  const out: ExpressionFact['values'] = [];
  for (const b of idx.boundNames.get(0)?.get(name) ?? []) out.push(...b.values);
  return out;
}

/**
 * BentoML's IO descriptor says what the first parameter holds: `input=File()` a file-like of the uploaded bytes,
 * `input=Multipart(...)` its parts, `input=Text()`/`JSON()` text.
 */
function bentoInput(call: CallSite, f: FunctionFact, e: EntryInfo, idx: ModuleIndex): void {
  const input = call.keywords.find((k) => k.name === 'input')?.value;
  const q = input?.qualifiedName ?? '';
  const first = idx.selfName(f) !== undefined ? 1 : 0;
  if (f.parameters[first] === undefined) return;
  if (q.startsWith('bentoml.io.File') || q.startsWith('bentoml.io.Multipart'))
    e.seeds.set(first, { kind: 'upload', label: `BentoML ${q.slice('bentoml.io.'.length).replace('()', '')} input` });
}

/** A route decorator call: `@app.post("/x")` on a known app object, or on an unresolved one with a path literal. */
function routeDecorator(call: CallSite, q: string | null): { framework: string; style: ParamStyle } | undefined {
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  const method = last?.kind === 'attr' ? last.name : q?.split('.').pop();
  if (method === undefined || !ROUTE_METHODS.has(method)) return undefined;
  if (q !== null) {
    const recv = q.slice(0, q.length - method.length - 1);
    for (const r of ROUTE_RECEIVERS) {
      if (recv === r.prefix || (recv.startsWith(r.prefix) && (recv[r.prefix.length] === '.' || r.prefix.endsWith(')'))))
        return { framework: r.framework, style: r.style };
    }
    if (call.callee.resolution === 'import' && !q.startsWith('.')) return undefined;
  }
  const path = call.positional[0]?.constant;
  if (path?.type === 'str' && path.value.startsWith('/')) return { framework: 'web framework', style: 'typed' };
  return undefined;
}

/** Qualified names of a class's bases, following base classes of this module and (in a project) of others. */
function classBases(cls: FunctionFact, idx: ModuleIndex, depth = 0): string[] {
  const out: string[] = [];
  for (const b of cls.bases) {
    for (const v of b.values) {
      if (v.kind === 'qualified') {
        out.push(v.name);
        const far = depth < 5 ? idx.link?.resolveClass(v.name) : undefined;
        if (far !== undefined && far.fn !== cls) out.push(...classBases(far.fn, far.idx, depth + 1));
      } else if (v.kind === 'definition' && depth < 5) {
        const base = idx.mod.functions[v.functionId];
        if (base?.kind === 'class' && base.id !== cls.id) out.push(...classBases(base, idx, depth + 1));
      }
    }
  }
  return out;
}

function isGrpcServicerBase(name: string): boolean {
  return name.includes('_pb2_grpc.') && name.endsWith('Servicer');
}

/** What a typed handler parameter (FastAPI style) holds. */
function typedSeed(
  p: ParameterFact,
  typeOf: (text: string) => string[],
  framework: string,
  untypedIsPathParam = false,
): ParamSeed {
  const types = p.annotation !== undefined ? typeOf(p.annotation) : [];
  const dflt = p.default?.qualifiedName;
  const injected = (n: string): boolean => INJECTED_PREFIXES.some((x) => n.startsWith(x));
  if (dflt !== undefined && injected(dflt)) return { kind: 'internal', label: 'injected dependency' };
  if (types.some((t) => REQUEST_TYPES.has(t))) return { kind: 'request', label: `${framework} request` };
  if (types.some((t) => UPLOAD_TYPES.has(t))) return { kind: 'upload', label: `${framework} UploadFile parameter` };
  if (types.some((t) => WEBSOCKET_TYPES.has(t))) return { kind: 'endpoint', label: `${framework} websocket` };
  if (types.some(injected)) return { kind: 'internal', label: 'injected dependency' };
  // BentoML saves an uploaded file and passes its path to a `Path`-annotated parameter.
  if (framework === 'BentoML' && types.some((t) => t === 'pathlib.Path' || t === 'pathlib.PosixPath'))
    return { kind: 'file', label: `${framework} uploaded file \`${p.name}\`` };
  if (types.includes('bytes') || types.includes('builtins.bytes'))
    return { kind: 'data', label: `${framework} bytes parameter \`${p.name}\`` };
  return {
    kind: 'text',
    label: untypedIsPathParam ? `${framework} URL parameter \`${p.name}\`` : `${framework} request field \`${p.name}\``,
  };
}

/** Dotted identifiers in an annotation (`List[UploadFile]` → List, UploadFile). Quotes are skipped. */
function annotationNames(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    const ident = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_';
    if (ident || (ch === '.' && cur.length > 0)) cur += ch;
    else {
      if (cur.length > 0) out.push(cur);
      cur = '';
    }
  }
  if (cur.length > 0) out.push(cur);
  return out.filter((n) => !(n[0]! >= '0' && n[0]! <= '9'));
}

function qualify(name: string, idx: ModuleIndex): string {
  const dot = name.indexOf('.');
  const root = dot < 0 ? name : name.slice(0, dot);
  const q = idx.moduleImports.get(root);
  return q === undefined ? name : q + (dot < 0 ? '' : name.slice(dot));
}

function fnName(f: FunctionFact | undefined): string {
  return f?.qualifiedName ?? '?';
}

/** Source text on one line (runs of whitespace become one space), cut to `max` characters. */
export function shortText(s: string, max = 80): string {
  let one = '';
  let space = false;
  for (const ch of s) {
    const ws = ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
    if (ws) space = one.length > 0;
    else {
      if (space) one += ' ';
      space = false;
      one += ch;
    }
    if (one.length > max) break;
  }
  return one.length <= max ? one : one.slice(0, max - 1) + '…';
}
