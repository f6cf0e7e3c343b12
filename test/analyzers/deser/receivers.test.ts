// DESER through receivers reached by value within a file: a method called on a new instance (`Cls().m(x)`), an
// attribute holding an instance made in __init__, a thread whose target is a bound method; benign twins pass.
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
];

const valid: DeserCase[] = [
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
