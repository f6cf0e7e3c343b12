// DESER-PICKLE-TRANSPORT case table: transports that unpickle implicitly (invalid) and their schema-based or
// loopback-only counterparts (valid).
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const invalid: DeserCase[] = [
  {
    name: 'zmq recv_pyobj on a socket from a context',
    src: ['import zmq', 'sock = zmq.Context().socket(zmq.PULL)', 'task = sock.recv_pyobj()'],
    expect: [['DESER-PICKLE-TRANSPORT', 3]],
    confidence: 'high',
    details: { transport: 'zmq', resolved: true },
  },
  {
    name: 'recv_pyobj on a socket kept elsewhere (module imports zmq)',
    src: ['import zmq', 'class W:', '    def loop(self):', '        return self.sock.recv_pyobj()'],
    expect: [['DESER-PICKLE-TRANSPORT', 4]],
    // The receiver's type is not known: likely a socket, and the evidence says so.
    confidence: 'medium',
    message: ['likely a ZeroMQ socket', 'this module uses zmq'],
  },
  {
    name: 'recv_pyobj on a socket the class created: known, high',
    src: [
      'import zmq',
      'class W:',
      '    def __init__(self, ctx):',
      '        self.sock = zmq.Context().socket(zmq.PULL)',
      '    def loop(self):',
      '        return self.sock.recv_pyobj()',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 6]],
    confidence: 'high',
    message: ['The receiver is the ZeroMQ socket created by'],
  },
  {
    name: 'recv_pyobj in a file that never imports zmq: medium',
    src: ['def loop(sock):', '    return sock.recv_pyobj(flags=0)'],
    expect: [['DESER-PICKLE-TRANSPORT', 2]],
    confidence: 'medium',
  },
  {
    name: 'multiprocessing.connection Listener → accept → recv',
    src: [
      'from multiprocessing.connection import Listener',
      'with Listener(("0.0.0.0", 6000), authkey=b"k") as l:',
      '    with l.accept() as conn:',
      '        msg = conn.recv()',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 4]],
    confidence: 'high',
    details: { transport: 'multiprocessing.connection', loopbackOnly: false },
  },
  {
    name: 'multiprocessing.connection Client recv, connection passed to a helper',
    src: [
      'from multiprocessing.connection import Client',
      'def pump(c):',
      '    while True:',
      '        yield c.recv()',
      'conn = Client(("scheduler", 6000))',
      'for m in pump(conn):',
      '    print(m)',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 4]],
  },
  {
    name: 'loopback Listener: still reported, medium',
    src: [
      'from multiprocessing.connection import Listener',
      'listener = Listener(("127.0.0.1", 6000))',
      'conn = listener.accept()',
      'x = conn.recv()',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 4]],
    confidence: 'medium',
    details: { loopbackOnly: true },
  },
  {
    name: 'BaseManager on all interfaces, address through a module constant',
    src: [
      'from multiprocessing.managers import BaseManager',
      'ADDR = ("", 50000)',
      'm = BaseManager(address=ADDR, authkey=b"x")',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 3]],
    confidence: 'high',
  },
  {
    name: 'SyncManager subclass on a public address',
    src: [
      'from multiprocessing.managers import SyncManager',
      'class Shared(SyncManager):',
      '    pass',
      'Shared(("10.0.0.5", 50000), b"k").start()',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 4]],
  },
  {
    name: 'manager on an address computed at run time: medium',
    src: [
      'import os',
      'from multiprocessing.managers import BaseManager',
      'm = BaseManager(address=(os.environ["HOST"], 5000))',
    ],
    expect: [['DESER-PICKLE-TRANSPORT', 3]],
    confidence: 'medium',
  },
  {
    name: 'Celery accepting pickle (conf attribute and update keyword)',
    src: [
      'from celery import Celery',
      'app = Celery("w")',
      'app.conf.accept_content = ["pickle"]',
      'app.conf.update(task_serializer="pickle")',
    ],
    expect: [
      ['DESER-PICKLE-TRANSPORT', 3],
      ['DESER-PICKLE-TRANSPORT', 4],
    ],
  },
  {
    name: 'celeryconfig module settings (no celery import)',
    src: ['CELERY_ACCEPT_CONTENT = ["json", "pickle"]'],
    expect: [['DESER-PICKLE-TRANSPORT', 1]],
    confidence: 'medium',
  },
];

const valid: DeserCase[] = [
  {
    name: 'a wrapper class with its own recv_pyobj: followed into, not matched by name',
    src: [
      'import json, zmq',
      'class Channel:',
      '    def __init__(self, path):',
      '        self.path = path',
      '    def recv_pyobj(self):',
      '        return json.load(open(self.path))',
      'ch = Channel("/etc/app/msg.json")',
      'msg = ch.recv_pyobj()',
      'class Worker(Channel):',
      '    def step(self):',
      '        return self.recv_pyobj()',
    ],
    expect: [],
  },
  {
    name: 'a test double (unittest.mock) with recv_pyobj',
    src: [
      'from unittest import mock',
      'import zmq',
      'sock = mock.MagicMock()',
      'sock.recv_pyobj.return_value = {"x": 1}',
      'assert sock.recv_pyobj() == {"x": 1}',
    ],
    expect: [],
  },
  {
    name: 'zmq recv_json / recv',
    src: ['import zmq', 's = zmq.Context().socket(zmq.REP)', 'a = s.recv_json()', 'b = s.recv()'],
    expect: [],
  },
  {
    name: 'multiprocessing.connection recv_bytes',
    src: [
      'from multiprocessing.connection import Listener',
      'c = Listener(("0.0.0.0", 1)).accept()',
      'b = c.recv_bytes()',
    ],
    expect: [],
  },
  {
    name: 'managers without an address or on loopback',
    src: [
      'from multiprocessing.managers import BaseManager, SyncManager',
      'a = BaseManager()',
      'b = SyncManager(address=("127.0.0.1", 50000))',
      'c = BaseManager(address=("localhost", 50001))',
    ],
    expect: [],
  },
  {
    name: 'multiprocessing.Pipe and Queue are local',
    src: ['import multiprocessing as mp', 'a, b = mp.Pipe()', 'x = b.recv()', 'q = mp.Queue()', 'y = q.get()'],
    expect: [],
  },
  {
    name: 'Celery with JSON only',
    src: [
      'from celery import Celery',
      'app = Celery("w")',
      'app.conf.update(task_serializer="json", accept_content=["json"])',
    ],
    expect: [],
  },
];

describe('DESER-PICKLE-TRANSPORT: invalid', () => runCases(invalid, ['DESER-PICKLE-TRANSPORT']));
describe('DESER-PICKLE-TRANSPORT: valid', () => runCases(valid, ['DESER-PICKLE-TRANSPORT']));
