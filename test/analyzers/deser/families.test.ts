// DESER source, sink and entry-point families, one row each (apis.ts, handlers.ts, transport.ts,
// sinks.ts, dynamic-sinks.ts in src/analyzers/deser): every DESER rule is compared, so a row also proves nothing else fires.
// Valid rows are the same shapes with a trusted source or a safe call.
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const ALL = [
  'DESER-NETWORK-INPUT',
  'DESER-PICKLE-TRANSPORT',
  'DESER-UNSAFE-LOADER',
  'DESER-SCHEMALESS-ENDPOINT',
] as const;

const invalid: DeserCase[] = [
  // HTTP client responses.
  {
    name: 'requests response body',
    src: ['import pickle, requests', 'def fetch(u):', '    return pickle.loads(requests.get(u, timeout=5).content)'],
    expect: [['DESER-NETWORK-INPUT', 3]],
    details: { sourceLabel: 'HTTP response (requests)' },
  },
  {
    name: 'urlopen(...).read()',
    src: ['import pickle', 'from urllib.request import urlopen', 'state = pickle.loads(urlopen(URL).read())'],
    expect: [['DESER-NETWORK-INPUT', 3]],
  },
  {
    name: 'httpx client response through a session object',
    src: [
      'import httpx, joblib, io',
      'c = httpx.Client()',
      'r = c.get("https://x/m")',
      'm = joblib.load(io.BytesIO(r.content))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'aiohttp client response read()',
    src: [
      'import aiohttp, pickle',
      'async def pull(url):',
      '    async with aiohttp.ClientSession() as s:',
      '        async with s.get(url) as resp:',
      '            return pickle.loads(await resp.read())',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  // torch.distributed.
  ...['recv_object_list(objs, src=0)', 'broadcast_object_list(objs, src=0)', 'all_gather_object(out, obj)'].map(
    (c): DeserCase => ({
      name: `torch.distributed.${c.split('(')[0]} (object collective unpickles)`,
      src: ['import torch.distributed as dist', 'objs = [None]', 'out = [None, None]', 'obj = {}', `dist.${c}`],
      expect: [['DESER-PICKLE-TRANSPORT', 5]],
    }),
  ),
  ...['TCPStore("0.0.0.0", 29500, 2, True)', 'FileStore("/shared/rdzv", 2)'].map((s): DeserCase => ({
    name: `c10d ${s.split('(')[0]} value unpickled`,
    src: [
      'import pickle',
      'import torch.distributed as dist',
      `store = dist.${s}`,
      'cfg = pickle.loads(store.get("cfg"))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  })),
  // Shared memory ring buffers.
  {
    name: 'shared memory filled by another process',
    src: [
      'import pickle',
      'from multiprocessing import shared_memory',
      'class Ring:',
      '    def __init__(self, name):',
      '        self.shm = shared_memory.SharedMemory(name=name)',
      '    def read(self, n):',
      '        return pickle.loads(bytes(self.shm.buf[:n]))',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  // WebSocket frames.
  {
    name: 'aiohttp WebSocketResponse frames',
    src: [
      'import pickle',
      'from aiohttp import web',
      'async def ws_handler(request):',
      '    ws = web.WebSocketResponse()',
      '    await ws.prepare(request)',
      '    async for msg in ws:',
      '        obj = pickle.loads(msg.data)',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'Django Channels consumer bytes_data',
    src: [
      'import pickle',
      'from channels.generic.websocket import WebsocketConsumer',
      'class Feed(WebsocketConsumer):',
      '    def receive(self, text_data=None, bytes_data=None):',
      '        self.state = pickle.loads(bytes_data)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Flask-Sock websocket route',
    src: [
      'import pickle',
      'from flask import Flask',
      'from flask_sock import Sock',
      'app = Flask(__name__)',
      'sock = Sock(app)',
      '@sock.route("/ws")',
      'def ws(conn):',
      '    return pickle.loads(conn.receive())',
    ],
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'python-socketio event payload',
    src: [
      'import pickle, socketio',
      'sio = socketio.AsyncServer()',
      '@sio.on("state")',
      'async def state(sid, data):',
      '    return pickle.loads(data)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Quart websocket global',
    src: [
      'import pickle',
      'from quart import Quart, websocket',
      'app = Quart(__name__)',
      '@app.websocket("/ws")',
      'async def ws():',
      '    return pickle.loads(await websocket.receive())',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'FastAPI WebSocket receive_bytes',
    src: [
      'import pickle',
      'from fastapi import FastAPI, WebSocket',
      'app = FastAPI()',
      '@app.websocket("/ws")',
      'async def ws(websocket: WebSocket):',
      '    return pickle.loads(await websocket.receive_bytes())',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  // Framework handler conventions.
  {
    name: 'TorchServe handler preprocess',
    src: [
      'import pickle',
      'from ts.torch_handler.base_handler import BaseHandler',
      'class H(BaseHandler):',
      '    def preprocess(self, data):',
      '        return [pickle.loads(row.get("body")) for row in data]',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'TorchServe module-level handle(data, context)',
    src: ['import pickle', 'def handle(data, context):', '    return [pickle.loads(data[0]["data"])]'],
    expect: [['DESER-NETWORK-INPUT', 3]],
  },
  {
    name: 'Triton python backend execute(requests)',
    src: [
      'import pickle',
      'import triton_python_backend_utils as pb_utils',
      'class TritonPythonModel:',
      '    def execute(self, requests):',
      '        for request in requests:',
      '            t = pb_utils.get_input_tensor_by_name(request, "STATE")',
      '            self.state = pickle.loads(t.as_numpy().tobytes())',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'Ray Serve function deployment',
    src: [
      'import pickle',
      'from ray import serve',
      '@serve.deployment',
      'async def model(request):',
      '    return pickle.loads(await request.body())',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'BentoML @bentoml.api method',
    src: [
      'import pickle, bentoml',
      '@bentoml.service',
      'class Svc:',
      '    @bentoml.api',
      '    def predict(self, blob: bytes) -> dict:',
      '        return pickle.loads(blob)',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'BentoML 1.0 svc.api',
    src: [
      'import pickle, bentoml',
      'from bentoml.io import File, JSON',
      'svc = bentoml.Service("m")',
      '@svc.api(input=File(), output=JSON())',
      'def predict(f):',
      '    return pickle.loads(f.read())',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'LitServe decode_request',
    src: [
      'import base64, pickle',
      'import litserve as ls',
      'class API(ls.LitAPI):',
      '    def decode_request(self, request):',
      '        return pickle.loads(base64.b64decode(request["input"]))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Tornado TCPServer.handle_stream frames (a comm layer)',
    src: [
      'import pickle, struct',
      'from tornado.tcpserver import TCPServer',
      'class Comm(TCPServer):',
      '    async def handle_stream(self, stream, address):',
      '        n = struct.unpack("!Q", await stream.read_bytes(8))[0]',
      '        frame = await stream.read_bytes(n)',
      '        return pickle.loads(frame)',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  // Sinks.
  {
    name: 'multiprocessing ForkingPickler.loads',
    src: [
      'from multiprocessing.reduction import ForkingPickler',
      'from flask import Flask, request',
      'app = Flask(__name__)',
      '@app.post("/t")',
      'def t():',
      '    return str(ForkingPickler.loads(request.data))',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'torch.multiprocessing reductions ForkingPickler',
    src: [
      'import socket',
      'from torch.multiprocessing.reductions import ForkingPickler',
      'conn, _ = socket.socket().accept()',
      'obj = ForkingPickler.loads(conn.recv(1 << 20))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'ray.cloudpickle alias',
    src: [
      'import socket',
      'from ray import cloudpickle as cp',
      'c = socket.create_connection(("h", 1))',
      'fn = cp.loads(c.recv(4096))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'distributed.protocol.pickle.loads (comm frames)',
    src: [
      'import socket',
      'from distributed.protocol import pickle',
      'c = socket.create_connection(("h", 1))',
      'msg = pickle.loads(c.recv(4096))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'an Unpickler subclass whose find_class admits builtins',
    src: [
      'import io, pickle',
      'from flask import Flask, request',
      'class Safe(pickle.Unpickler):',
      '    def find_class(self, module, name):',
      '        if module in ("builtins", "collections"):',
      '            return super().find_class(module, name)',
      '        raise pickle.UnpicklingError(name)',
      'app = Flask(__name__)',
      '@app.post("/u")',
      'def u():',
      '    return str(Safe(io.BytesIO(request.data)).load())',
    ],
    expect: [['DESER-NETWORK-INPUT', 11]],
    confidence: 'high',
    message: ['admits `builtins`'],
  },
  {
    name: 'an Unpickler subclass whose find_class passes everything on',
    src: [
      'import io, pickle, logging',
      'from flask import Flask, request',
      'class Logged(pickle.Unpickler):',
      '    def find_class(self, module, name):',
      '        logging.info("%s.%s", module, name)',
      '        return super().find_class(module, name)',
      'app = Flask(__name__)',
      '@app.post("/u")',
      'def u():',
      '    return str(Logged(io.BytesIO(request.data)).load())',
    ],
    expect: [['DESER-NETWORK-INPUT', 10]],
    confidence: 'high',
    message: ['restricts nothing'],
  },
  {
    name: 'a deserializer chosen by a parameter default',
    src: [
      'import pickle, socket',
      'class Channel:',
      '    def __init__(self, sock, deserialize=pickle.loads):',
      '        self.sock = sock',
      '        self.deserialize = deserialize',
      '    def get(self):',
      '        return self.deserialize(self.sock.recv(65536))',
      'ch = Channel(socket.create_connection(("peer", 9000)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
    message: ['chosen at run time', 'default of `deserialize`'],
  },
  {
    name: 'a codec table picked by the request Content-Type (also schemaless)',
    src: [
      'import json, pickle',
      'from flask import Flask, request',
      'CODECS = {"application/json": json.loads, "application/vnd.acme+pickle": pickle.loads}',
      'app = Flask(__name__)',
      '@app.post("/ingest")',
      'def ingest():',
      '    decode = CODECS[request.content_type]',
      '    return str(decode(request.get_data()))',
    ],
    expect: [
      ['DESER-SCHEMALESS-ENDPOINT', 3],
      ['DESER-NETWORK-INPUT', 8],
    ],
  },
];

const valid: DeserCase[] = [
  {
    name: 'a local file unpickled in a module that also makes HTTP requests',
    src: [
      'import pickle, requests',
      'r = requests.get("https://x/health")',
      'state = pickle.loads(open("/srv/s.pkl", "rb").read())',
    ],
    expect: [],
  },
  {
    name: 'torch.distributed tensor receive (no pickling) and an in-process HashStore',
    src: [
      'import pickle',
      'import torch',
      'import torch.distributed as dist',
      't = torch.empty(4)',
      'dist.recv(t, src=0)',
      'store = dist.HashStore()',
      'store.set("k", pickle.dumps({"a": 1}))',
    ],
    expect: [],
  },
  {
    name: 'pickle.loads(pickle.dumps(x)) deep copy of a request value',
    src: [
      'import pickle',
      'from flask import Flask, request',
      'app = Flask(__name__)',
      '@app.post("/copy")',
      'def copy():',
      '    cfg = request.get_json()',
      '    return pickle.loads(pickle.dumps(cfg))',
    ],
    expect: [],
  },
  {
    name: 'a websocket frame parsed as JSON',
    src: [
      'import json',
      'from fastapi import FastAPI, WebSocket',
      'app = FastAPI()',
      '@app.websocket("/ws")',
      'async def ws(websocket: WebSocket):',
      '    return json.loads(await websocket.receive_text())',
    ],
    expect: [],
  },
  {
    name: 'an Unpickler subclass with a strict allowlist (still reported only as restricted: medium)',
    src: [
      'import io, pickle',
      'class Strict(pickle.Unpickler):',
      '    def find_class(self, module, name):',
      '        if (module, name) == ("collections", "OrderedDict"):',
      '            return super().find_class(module, name)',
      '        raise pickle.UnpicklingError(name)',
      'obj = Strict(open("/srv/cache.pkl", "rb")).load()',
    ],
    expect: [],
  },
  {
    name: 'a codec table of JSON parsers only',
    src: [
      'import json, orjson',
      'from flask import Flask, request',
      'CODECS = {"application/json": json.loads, "application/x-orjson": orjson.loads}',
      'app = Flask(__name__)',
      '@app.post("/ingest")',
      'def ingest():',
      '    return str(CODECS[request.content_type](request.get_data()))',
    ],
    expect: [],
  },
  {
    name: 'a parameter-chosen deserializer whose default is json.loads',
    src: [
      'import json, socket',
      'class Channel:',
      '    def __init__(self, sock, deserialize=json.loads):',
      '        self.sock = sock',
      '        self.deserialize = deserialize',
      '    def get(self):',
      '        return self.deserialize(self.sock.recv(65536))',
      'ch = Channel(socket.create_connection(("peer", 9000)))',
    ],
    expect: [],
  },
];

describe('DESER families: invalid', () => runCases(invalid, ALL));
describe('DESER families: valid', () => runCases(valid, ALL));
