// The DESER pass on pathological but valid Python: long helper chains, long assignment chains, deep decoder
// nesting, recursion and attribute cycles must neither throw nor hang; what exceeds the budgets is cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserSignals } from './helpers.js';

function chainOfHelpers(n: number): string {
  const lines = ['import pickle', 'from flask import request', 'def f0(x):', '    return pickle.loads(x)'];
  for (let i = 1; i < n; i++) lines.push(`def f${i}(x):`, `    return f${i - 1}(x)`);
  lines.push('def h():', `    return f${n - 1}(request.data)`);
  return lines.join('\n') + '\n';
}

function chainOfAssignments(n: number): string {
  const lines = ['import pickle', 'from flask import request', 'def h():', '    a0 = request.data'];
  for (let i = 1; i < n; i++) lines.push(`    a${i} = a${i - 1}`);
  lines.push(`    return pickle.loads(a${n - 1})`);
  return lines.join('\n') + '\n';
}

/** A factory returning what n other factories return, each returning its class parameter's construction n times. */
function factoryFan(n: number): string {
  const lines = ['import pickle', 'from protos import svc_pb2_grpc', 'def make(addr, kind):'];
  for (let i = 0; i < n; i++) lines.push(`    if addr == ${i}:`, `        return kind(addr)`);
  lines.push('def pick(addr, kind):');
  for (let i = 0; i < n; i++) lines.push(`    if addr == ${i}:`, `        return make(addr, kind)`);
  lines.push('    return pick(addr, kind)');
  lines.push('def h(addr):', '    return pickle.loads(pick(addr, svc_pb2_grpc.SvcStub).Get(None).blob)');
  return lines.join('\n') + '\n';
}

/** A receive done by native code (`_native_recv_*`, bound at run time) into many names. */
function nativeReceives(n: number): string {
  const lines = ['import pickle', 'def h():'];
  for (let i = 0; i < n; i++) lines.push(`    m${i} = None`, `    _native_recv_msg(${i}, m${i})`);
  lines.push(`    return pickle.loads(m${n - 1}.data)`);
  return lines.join('\n') + '\n';
}

describe('DESER pass on pathological input', () => {
  const cases: [string, string, number][] = [
    ['2000 helpers calling each other', chainOfHelpers(2000), -1],
    ['short helper chain is followed', chainOfHelpers(3), 4],
    ['3000 chained assignments', chainOfAssignments(3000), -1],
    ['short assignment chain is followed', chainOfAssignments(10), 14],
    ['a factory fan of 1500 returns, recursive', factoryFan(1500), 6007],
    ['a factory fan of 3 returns', factoryFan(3), 19],
    ['2000 native receives', nativeReceives(2000), 4003],
    [
      'mutual recursion',
      'import pickle\nfrom flask import request\ndef a(x):\n    return b(x)\ndef b(x):\n    return a(pickle.loads(x))\ndef h():\n    return a(request.data)\n',
      6,
    ],
    [
      'self attribute cycle',
      'import pickle\nclass C:\n    def __init__(self):\n        self.a = self.b\n        self.b = self.a\n    def m(self):\n        return pickle.loads(self.a)\n',
      -1,
    ],
  ];
  for (const [name, src, line] of cases) {
    it(name, async () => {
      const got = await deserSignals(src);
      const hit = got.find((s) => s.ruleId === 'DESER-NETWORK-INPUT');
      if (line < 0) assert.ok(hit === undefined || hit.details.analysisTruncated === true);
      else assert.equal(hit?.line, line);
    });
  }
});
