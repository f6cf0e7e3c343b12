// A bound method pickled as state: pickle writes a method as getattr(<its object>, '<name>'), e.g. torch's OneCycleLR
// stores anneal_func = self._annealing_cos (fixture: scripts/fixtures/bound-method.py). builtins.getattr used only
// that way - on an instance the stream built, with a constant name that is not a special name, no result of it ever
// called - is not code execution: it is admitted, and the attribute is judged as the derived name <class>().<name>,
// reported as what it is (looking it up runs the class's own attribute code, which no pack reviews). getattr on a
// class or module, a special name, a computed name, or a result the stream calls keeps getattr's verdict.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const FIXTURE = new URL('../../fixtures/bound-method/onecycle-scheduler.pkl', import.meta.url).pathname;
const CLS = ['torch.optim.lr_scheduler', 'OneCycleLR'] as const;

async function scan(data: Uint8Array) {
  const r = await scanBytes('t.pkl', data);
  const exec = r.findings.filter((x) => x.ruleId === 'PICKLE-EXEC').map((x) => x.evidence.signal);
  const attribute = r.findings.filter((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT' && x.evidence.signal.includes('().'));
  return { exec, attribute, why: r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal}`).join('\n') };
}

interface Shape {
  /** The attribute name (default '_annealing_cos'); a number: not a str. */
  name?: string | number;
  /** getattr on the class itself, not an instance. */
  onClass?: boolean;
  /** The name computed by a call (builtins.str of bytes). */
  computed?: boolean;
  /** What the stream does with the result: 'state' (stored in BUILD's state), 'called', 'built'. */
  use?: 'state' | 'called' | 'built';
  /** getattr also pushed and stored bare. */
  stored?: boolean;
  /** The bound method handed to builtins.map, whose result list() consumes (calling it). */
  mapped?: boolean;
}

/** An instance made by NEWOBJ (memo 1), then {'anneal_func': getattr(<instance>, name)} as its BUILD state. */
function shape(s: Shape = {}): Uint8Array {
  const p = new P()
    .proto(4)
    .stackGlobal(...CLS)
    .memoize()
    .emptyTuple()
    .newobj()
    .memoize();
  if (s.use === 'state' || s.use === undefined) p.emptyDict().sbu('anneal_func');
  if (s.mapped) p.stackGlobal('builtins', 'list').stackGlobal('builtins', 'map');
  p.stackGlobal('builtins', 'getattr').memoize();
  p.binget(s.onClass ? 0 : 1);
  if (s.computed) p.stackGlobal('builtins', 'str').sbb(Uint8Array.of(0x6d)).tuple1().reduce();
  else if (typeof s.name === 'number') p.int(s.name);
  else p.sbu(s.name ?? '_annealing_cos');
  p.tuple2().reduce();
  if (s.mapped) p.emptyList().tuple2().reduce().tuple1().reduce();
  if (s.use === 'called') p.emptyTuple().reduce().pop();
  else if (s.use === 'built') p.emptyDict().build().pop();
  else p.setitem().build();
  if (s.stored) p.emptyList().binget(2).op(0x61).pop();
  return p.stop().bytes();
}

const CASES: readonly { what: string; bytes: Uint8Array; exec: boolean }[] = [
  {
    what: "torch's OneCycleLR pickled with its anneal_func, as torch 1.13 wrote it",
    bytes: readFileSync(FIXTURE),
    exec: false,
  },
  { what: 'a bound method of an instance stored as its state', bytes: shape(), exec: false },
  { what: 'a public method name', bytes: shape({ name: 'step' }), exec: false },
  { what: 'getattr on the class, not an instance', bytes: shape({ onClass: true }), exec: true },
  { what: 'a special name (__reduce_ex__)', bytes: shape({ name: '__reduce_ex__' }), exec: true },
  { what: 'a special name (__class__)', bytes: shape({ name: '__class__' }), exec: true },
  { what: 'a dotted name', bytes: shape({ name: 'a.b' }), exec: true },
  { what: 'a name computed by a call', bytes: shape({ computed: true }), exec: true },
  { what: 'the bound method called by REDUCE', bytes: shape({ use: 'called' }), exec: true },
  { what: 'BUILD on the bound method', bytes: shape({ use: 'built' }), exec: true },
  { what: 'getattr also stored bare in a list', bytes: shape({ stored: true }), exec: true },
  { what: 'the bound method handed to map(), which list() runs', bytes: shape({ mapped: true }), exec: true },
];

describe('a bound method pickled as getattr(<instance>, <name>)', () => {
  for (const c of CASES) {
    it(`${c.exec ? 'getattr stays code execution' : 'admits getattr, reports the attribute'}: ${c.what}`, async () => {
      const r = await scan(c.bytes);
      if (c.exec)
        assert.ok(
          r.exec.some((s) => s.includes('builtins.getattr')),
          r.why,
        );
      else {
        assert.deepEqual(r.exec, [], r.why);
        // The attribute is still reported (no pack reviews a class's attribute code), as what it is.
        assert.ok(r.attribute.length > 0, r.why);
        for (const f of r.attribute) {
          assert.equal(f.severity, 'HIGH');
          assert.match(f.evidence.signal, /taken by getattr \(how pickle writes a bound method\)/);
          assert.match(f.evidence.signal, /no opcode of this stream calls it itself/);
        }
      }
    });
  }
});

// Past the memo's detail budget (10,000 memoized values) the memo keeps stand-ins: the shape is proved on getattr's own
// references, the call facts and the call arguments, where a stand-in counts as holding the attribute. So a large
// pickle with a bound method as state (a NeuralProphet forecaster holding torch's OneCycleLR) gets the verdict of a
// small one; an object handed to a call after BUILD gave it the bound method keeps getattr's verdict, whether the
// object is read back whole or as a stand-in, and so does one whose earlier BUILD held it.
describe('a bound method pickled as state: what a call is handed', () => {
  const PAD = 10_001;
  const get = (p: P, n: number): P =>
    n < 256 ? p.binget(n) : p.op(0x6a, n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255);
  /** `pad` memoized ints first; the instance (memo pad + 1) gets {'anneal_func': getattr(<it>, '_annealing_cos')}. */
  const stream = (pad: number, use: 'state' | 'handed' | 'earlier'): Uint8Array => {
    const p = new P().proto(4);
    for (let i = 0; i < pad; i++)
      p.int(i % 200)
        .memoize()
        .pop();
    p.stackGlobal(...CLS)
      .memoize()
      .emptyTuple()
      .newobj()
      .memoize();
    p.emptyDict().sbu('anneal_func').stackGlobal('builtins', 'getattr');
    get(p, pad + 1)
      .sbu('_annealing_cos')
      .tuple2()
      .reduce()
      .setitem()
      .build();
    if (use === 'earlier') p.emptyDict().sbu('total_steps').int(4).setitem().build();
    p.pop();
    if (use !== 'state') {
      p.stackGlobal('collections', 'OrderedDict');
      get(p, pad + 1)
        .tuple1()
        .tuple1()
        .reduce()
        .pop();
    }
    return p.emptyDict().stop().bytes();
  };
  const cases: [string, Uint8Array, boolean][] = [
    ['past the memo budget, the bound method as state', stream(PAD, 'state'), false],
    ['past the memo budget, its object (a stand-in) handed to a call', stream(PAD, 'handed'), true],
    ['its object, read back whole, handed to a call', stream(0, 'handed'), true],
    ['its object handed to a call after a second BUILD', stream(0, 'earlier'), true],
    ['within the budget, the bound method as state', stream(0, 'state'), false],
  ];
  for (const [what, bytes, exec] of cases) {
    it(`${exec ? 'getattr stays code execution' : 'admits getattr'}: ${what}`, async () => {
      const r = await scan(bytes);
      assert.equal(
        r.exec.some((s) => s.includes('builtins.getattr')),
        exec,
        r.why,
      );
      if (!exec) assert.ok(r.attribute.length > 0, r.why);
    });
  }
});
