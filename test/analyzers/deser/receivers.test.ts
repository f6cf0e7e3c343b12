// DESER through receivers reached by value within a file: a method called on a new instance (`Cls().m(x)`), an
// attribute holding an instance made in __init__, a thread whose target is a bound method, a dataclass field, a
// FastAPI dependency's result; benign twins pass.
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const HEAD = ['import pickle', 'from flask import Flask, request', 'app = Flask(__name__)'];
const CODEC = (decorator?: string): string[] => [
  'class Codec:',
  ...(decorator ? [`    @${decorator}`] : []),
  `    def dec(${decorator === 'staticmethod' ? '' : decorator === 'classmethod' ? 'cls, ' : 'self, '}b):`,
  '        return pickle.loads(b)',
];
const ROUTE = (body: string): string[] => ['@app.post("/p")', 'def p():', `    return str(${body})`];
const FASTAPI_DEPENDS = (made: string): string[] => [
  'import json, pickle',
  'from fastapi import Depends, FastAPI, Request',
  'class Codec:',
  '    def dec(self, b):',
  '        return pickle.loads(b)',
  'class JsonCodec:',
  '    def dec(self, b):',
  '        return json.loads(b)',
  '_codec = None',
  'def get_codec():',
  '    global _codec',
  '    if _codec is None:',
  `        _codec = ${made}()`,
  '    return _codec',
  'app = FastAPI()',
  '@app.post("/p")',
  'async def p(req: Request, codec=Depends(get_codec)):',
  '    return str(codec.dec(await req.body()))',
];

const invalid: DeserCase[] = [
  {
    name: 'Cls().m(request data)',
    src: [...HEAD, ...CODEC(), ...ROUTE('Codec().dec(request.data)')],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Cls().static_m(request data)',
    src: [...HEAD, ...CODEC('staticmethod'), ...ROUTE('Codec().dec(request.data)')],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'Cls().class_m(request data)',
    src: [...HEAD, ...CODEC('classmethod'), ...ROUTE('Codec().dec(request.data)')],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'an attribute set in __init__ holds the decoder',
    src: [
      ...HEAD,
      ...CODEC(),
      'class Svc:',
      '    def __init__(self):',
      '        self.codec = Codec()',
      '    def run(self, b):',
      '        return self.codec.dec(b)',
      'svc = Svc()',
      ...ROUTE('svc.run(request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'an attribute set from a constructor argument: the class constructed at the call (by name, by keyword)',
    src: [
      ...HEAD,
      ...CODEC(),
      'class Svc:',
      '    def __init__(self, codec):',
      '        self.codec = codec',
      '    def run(self, b):',
      '        return self.codec.dec(b)',
      'c = Codec()',
      'svc = Svc(codec=c)',
      ...ROUTE('svc.run(request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'a thread whose target is a bound method reads the socket',
    src: [
      'import pickle, socket, threading',
      'class H:',
      '    def handle(self, conn):',
      '        return pickle.loads(conn.recv(1024))',
      's = socket.socket()',
      's.bind(("0.0.0.0", 9))',
      's.listen()',
      'h = H()',
      'while True:',
      '    c, _ = s.accept()',
      '    threading.Thread(target=h.handle, args=(c,)).start()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'super().load(**kwargs) hands the keyword on to the base class',
    src: [
      ...HEAD,
      'class Base:',
      '    def load(self, path=None, data=None):',
      '        return pickle.loads(data)',
      'class Sub(Base):',
      '    def load(self, **kwargs):',
      '        return super().load(**kwargs)',
      ...ROUTE('Sub().load(data=request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Base.load(self, *args, **kwargs) hands the position on',
    src: [
      ...HEAD,
      'class Base:',
      '    def load(self, data=None):',
      '        return pickle.loads(data)',
      'class Sub(Base):',
      '    def load(self, *args, **kwargs):',
      '        return Base.load(self, *args, **kwargs)',
      'sub = Sub()',
      ...ROUTE('sub.load(request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'executor.submit of a bound method of a module-level instance carries the socket read',
    src: [
      'import pickle, socket',
      'from concurrent.futures import ThreadPoolExecutor',
      'class H:',
      '    def handle(self, data):',
      '        return pickle.loads(data)',
      'pool = ThreadPoolExecutor()',
      's = socket.socket()',
      's.bind(("0.0.0.0", 9))',
      's.listen()',
      'h = H()',
      'while True:',
      '    c, _ = s.accept()',
      '    pool.submit(h.handle, c.recv(1024))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'a dataclass field typed by its default factory',
    src: [
      ...HEAD,
      ...CODEC(),
      'from dataclasses import dataclass, field',
      '@dataclass',
      'class State:',
      '    codec: object = field(default_factory=Codec)',
      'state = State()',
      ...ROUTE('state.codec.dec(request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'a dataclass field typed by what its construction passes at its position',
    src: [
      ...HEAD,
      ...CODEC(),
      'from dataclasses import dataclass',
      '@dataclass',
      'class State:',
      '    name: str',
      '    codec: object',
      'state = State("s", Codec())',
      ...ROUTE('state.codec.dec(request.data)'),
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: "a FastAPI parameter typed by its dependency's singleton (global)",
    src: FASTAPI_DEPENDS('Codec'),
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
];

const valid: DeserCase[] = [
  {
    name: 'twin: the dataclass default factory builds a JSON codec',
    src: [
      ...HEAD,
      ...CODEC(),
      'import json',
      'class JsonCodec:',
      '    def dec(self, b):',
      '        return json.loads(b)',
      'from dataclasses import dataclass, field',
      '@dataclass',
      'class State:',
      '    codec: object = field(default_factory=JsonCodec)',
      'state = State()',
      ...ROUTE('state.codec.dec(request.data)'),
    ],
    expect: [],
  },
  {
    name: "twin: the dependency's singleton is a JSON codec",
    src: FASTAPI_DEPENDS('JsonCodec'),
    expect: [],
  },
  {
    name: "twin: the class constructed with the attribute's argument decodes JSON",
    src: [
      ...HEAD,
      ...CODEC(),
      'import json',
      'class JsonCodec:',
      '    def dec(self, b):',
      '        return json.loads(b)',
      'class Svc:',
      '    def __init__(self, codec):',
      '        self.codec = codec',
      '    def run(self, b):',
      '        return self.codec.dec(b)',
      'svc = Svc(JsonCodec())',
      ...ROUTE('svc.run(request.data)'),
    ],
    expect: [],
  },
  {
    name: 'twin: super().load(**kwargs) where every caller passes a literal',
    src: [
      ...HEAD,
      'class Base:',
      '    def load(self, path=None, data=None):',
      '        return pickle.loads(data)',
      'class Sub(Base):',
      '    def load(self, **kwargs):',
      '        return super().load(**kwargs)',
      ...ROUTE('Sub().load(data=b"\\x80\\x04N.", path=request.args.get("p"))'),
    ],
    expect: [],
  },
  {
    name: 'twin: Cls().m(a literal)',
    src: [...HEAD, ...CODEC(), ...ROUTE('Codec().dec(b"\\x80\\x04N.")')],
    expect: [],
  },
  {
    name: 'twin: Cls().m(request data) where m parses JSON',
    src: [
      'import json',
      'from flask import Flask, request',
      'app = Flask(__name__)',
      'class Codec:',
      '    def dec(self, b):',
      '        return json.loads(b)',
      ...ROUTE('Codec().dec(request.data)'),
    ],
    expect: [],
  },
];

describe('DESER through receivers reached by value', () => {
  runCases(invalid, ['DESER-NETWORK-INPUT']);
  runCases(valid, ['DESER-NETWORK-INPUT']);
});
