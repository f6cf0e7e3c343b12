// DESER through in-process hops: queues and pipes handed on as values, futures and completion callbacks of thread
// and executor calls, callables stored in attributes and handler tables (`self._fn = obj.method`,
// `self.handlers[name](x)`, `spec.handler(x)` on an object whose constructor stored a callable). Every vulnerable
// case has a twin in which the same hop carries only constants or local data: it gives no network-input finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';
import { projectSignals } from './project-helpers.js';

const HEAD = ['import pickle', 'from flask import Flask, request', 'app = Flask(__name__)'];
const ROUTE = (body: string): string[] => ['@app.post("/p")', 'def p():', `    ${body}`, '    return "ok"'];
const CONST = 'b"\\x80\\x04N."';

/** A queue made in `main`, handed to a producer's and a consumer's constructors; the producer puts `item`. */
const QUEUE_VIA_CONSTRUCTORS = (item: string): string[] => [
  'import asyncio, pickle',
  'class Producer:',
  '    def __init__(self, q):',
  '        self.q = q',
  '    async def handle(self, reader, writer):',
  '        data = await reader.read(1024)',
  `        await self.q.put(${item})`,
  'class Consumer:',
  '    def __init__(self, queue):',
  '        self.queue = queue',
  '    async def run(self):',
  '        return pickle.loads(await self.queue.get())',
  'async def main():',
  '    q = asyncio.Queue()',
  '    asyncio.create_task(Consumer(q).run())',
  '    await asyncio.start_server(Producer(q).handle, "0.0.0.0", 9000)',
];

/** A queue passed as a parameter at both ends: a helper puts `item`, a thread target gets it. */
const QUEUE_VIA_PARAMETERS = (item: string): string[] => [
  ...HEAD,
  'import queue, threading',
  'jobs = queue.Queue()',
  'def submit(q, item):',
  '    q.put_nowait(item)',
  'def drain(q):',
  '    return pickle.loads(q.get())',
  'threading.Thread(target=drain, args=(jobs,)).start()',
  ...ROUTE(`submit(jobs, ${item})`),
];

/** Both ends of a pipe: the server sends `item` on one end, a process target reads the other. */
const PIPE = (item: string): string[] => [
  'import multiprocessing, pickle, socket',
  'def reader(conn):',
  '    return pickle.loads(conn.recv())',
  'def serve(conn):',
  '    s = socket.socket()',
  '    s.bind(("0.0.0.0", 9000))',
  '    s.listen()',
  '    c, _ = s.accept()',
  '    data = c.recv(1024)',
  `    conn.send(${item})`,
  'a, b = multiprocessing.Pipe()',
  'multiprocessing.Process(target=reader, args=(b,)).start()',
  'serve(a)',
];

/** A future of `executor.submit(fetch, item)` with a completion callback reading its result. */
const DONE_CALLBACK = (item: string): string[] => [
  ...HEAD,
  'from concurrent.futures import ThreadPoolExecutor',
  'pool = ThreadPoolExecutor(2)',
  'def fetch(body):',
  '    return body',
  'def on_done(fut):',
  '    return pickle.loads(fut.result())',
  ...ROUTE(`pool.submit(fetch, ${item}).add_done_callback(on_done)`),
];

/** `loop.run_in_executor(None, self._decode, item)` awaited, and `loop.call_soon(self._restore, item)`. */
const LOOP_CALLS = (item: string): string[] => [
  'import asyncio, pickle',
  'from fastapi import FastAPI, Request',
  'app = FastAPI()',
  'class Service:',
  '    def _decode(self, blob):',
  '        return blob',
  '    def _restore(self, blob):',
  '        return pickle.loads(blob)',
  '    async def handle(self, body):',
  '        loop = asyncio.get_running_loop()',
  `        raw = await loop.run_in_executor(None, self._decode, ${item})`,
  '        loop.call_soon(self._restore, raw)',
  'svc = Service()',
  '@app.post("/p")',
  'async def p(request: Request):',
  '    body = await request.body()',
  '    await svc.handle(body)',
];

/** A bound method stored in an attribute by the constructor, called later. */
const STORED_METHOD = (item: string): string[] => [
  ...HEAD,
  'class Codec:',
  '    def unpack(self, blob):',
  '        return pickle.loads(blob)',
  'class Pipeline:',
  '    def __init__(self, codec):',
  '        self._unpack = codec.unpack',
  '    def run(self, data):',
  '        return self._unpack(data)',
  'pipe = Pipeline(Codec())',
  ...ROUTE(`pipe.run(${item})`),
];

/** A handler table kept in an attribute, indexed by the command's name. */
const HANDLER_TABLE = (item: string): string[] => [
  'import pickle, socket',
  'class Server:',
  '    def __init__(self):',
  '        self.handlers = {"upload": self.upload, "ping": self.ping}',
  '    def upload(self, payload):',
  '        return pickle.loads(payload)',
  '    def ping(self, payload):',
  '        return b"pong"',
  '    def serve(self):',
  '        s = socket.socket()',
  '        s.bind(("0.0.0.0", 9000))',
  '        s.listen()',
  '        conn, _ = s.accept()',
  '        name, _, payload = conn.recv(1024).partition(b" ")',
  `        self.handlers[name.decode()](${item})`,
];

const invalid: DeserCase[] = [
  {
    name: 'an asyncio queue given to two constructors: put by a stream handler, taken by a consumer task',
    src: QUEUE_VIA_CONSTRUCTORS('data'),
    expect: [['DESER-NETWORK-INPUT', 12]],
  },
  {
    name: 'a queue passed as a parameter at both ends (put_nowait in a helper, get in a thread target)',
    src: QUEUE_VIA_PARAMETERS('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 9]],
    confidence: 'high',
  },
  {
    name: 'a pipe: the socket server sends on one end, a process target unpickles what the other end receives',
    src: PIPE('data'),
    expect: [['DESER-NETWORK-INPUT', 3]],
    confidence: 'high',
  },
  {
    name: "a completion callback: fut.result() is what the submitted function returned from the request's body",
    src: DONE_CALLBACK('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 9]],
  },
  {
    name: "run_in_executor returns the bound method's result; call_soon runs a bound method with it",
    src: LOOP_CALLS('body'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a bound method of a constructor argument stored in self._unpack and called with the request body',
    src: STORED_METHOD('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: "a handler table in self.handlers indexed by the socket's command name",
    src: HANDLER_TABLE('payload'),
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
];

const valid: DeserCase[] = [
  {
    name: 'twin: the queue given to both constructors is only put constants',
    src: QUEUE_VIA_CONSTRUCTORS(CONST),
    expect: [],
  },
  { name: 'twin: the queue passed as a parameter is only put constants', src: QUEUE_VIA_PARAMETERS(CONST), expect: [] },
  { name: 'twin: the pipe is only sent constants', src: PIPE(CONST), expect: [] },
  { name: 'twin: the submitted function is given a constant', src: DONE_CALLBACK(CONST), expect: [] },
  { name: 'twin: the executor is given a constant', src: LOOP_CALLS(CONST), expect: [] },
  { name: 'twin: the stored bound method is called with a constant', src: STORED_METHOD(CONST), expect: [] },
  { name: 'twin: the handler table is called with a constant', src: HANDLER_TABLE(CONST), expect: [] },
  {
    name: 'twin: a queue that only receives local data, beside a tainted queue of the same shape',
    src: [
      ...HEAD,
      'import queue, threading',
      'jobs = queue.Queue()',
      'history = queue.Queue()',
      'def drain(q):',
      '    return pickle.loads(q.get())',
      'threading.Thread(target=drain, args=(history,)).start()',
      ...ROUTE(`jobs.put(request.get_data())\n    history.put(${CONST})`),
    ],
    expect: [],
  },
  {
    name: 'twin: an attribute a method of the class defines is that method, not a stored callable',
    src: [
      ...HEAD,
      'class Codec:',
      '    def unpack(self, blob):',
      '        return pickle.loads(blob)',
      'class Pipeline:',
      '    def __init__(self, codec):',
      '        self.codec = codec',
      '    def _unpack(self, data):',
      '        return len(data)',
      '    def run(self, data):',
      '        return self._unpack(data)',
      'pipe = Pipeline(Codec())',
      ...ROUTE('pipe.run(request.get_data())'),
    ],
    expect: [],
  },
];

/** A command table of spec objects: the handler stored by the spec's constructor, called through the spec. */
const specProject = (payload: string): Record<string, string> => ({
  'spec.py': [
    'class CommandSpec:',
    '    def __init__(self, name, handler_func):',
    '        self.name = name',
    '        self.handler_func = handler_func',
    '',
  ].join('\n'),
  'server.py': [
    'import pickle, socket',
    'from spec import CommandSpec',
    'class Jobs:',
    '    def upload_job(self, payload):',
    '        return pickle.loads(payload)',
    '    def commands(self):',
    '        return [CommandSpec("upload", self.upload_job)]',
    'class Server:',
    '    def __init__(self, module):',
    '        self.table = {}',
    '        for spec in module.commands():',
    '            self.table[spec.name] = spec',
    '    def serve(self):',
    '        s = socket.socket()',
    '        s.bind(("0.0.0.0", 9000))',
    '        s.listen()',
    '        conn, _ = s.accept()',
    '        name, _, payload = conn.recv(1024).partition(b" ")',
    '        spec = self.table[name.decode()]',
    `        spec.handler_func(${payload})`,
    'Server(Jobs()).serve()',
    '',
  ].join('\n'),
});

describe('DESER through in-process hops', () => {
  runCases(invalid, ['DESER-NETWORK-INPUT']);
  runCases(valid, ['DESER-NETWORK-INPUT']);

  it("a spec object's stored handler (CommandSpec(name, self.upload_job), class in another module) gets the socket's payload", async () => {
    const got = (await projectSignals(specProject('payload'))).get('server.py') ?? [];
    assert.deepEqual(
      got.filter((s) => s.ruleId === 'DESER-NETWORK-INPUT').map((s) => s.line),
      [5],
      got.map((s) => `${s.ruleId}@${s.line}: ${s.message}`).join('\n'),
    );
  });

  it('twin: the spec handler called with a constant gets no network input (it is still a handler passed as a value)', async () => {
    const got = (await projectSignals(specProject(CONST))).get('server.py') ?? [];
    assert.deepEqual(
      got.filter((s) => s.ruleId === 'DESER-NETWORK-INPUT').map((s) => s.line),
      [],
      got.map((s) => `${s.ruleId}@${s.line}: ${s.message}`).join('\n'),
    );
  });
});
