// dill's NumPy array rebuild: with numpy imported first, dill writes each array as
// <dill module>._create_array(f, args, state, npdict), which runs f(*args), the array's __setstate__(state) and
// __dict__.update(npdict). Files dill wrote pass (fixtures: scripts/fixtures/dill-arrays.py); the call is judged as the
// calls it makes, so a callable the stream hands it is judged as called by the stream, a state as a BUILD of the
// array, and npdict entries as attributes set on it. Any other use of _create_array keeps dill's own verdict.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/dill-arrays/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function scan(name: string, data: Uint8Array) {
  const r = await scanBytes(name, data);
  return {
    blocking: r.findings.filter((x) => BLOCKING.has(x.severity)),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []).map((a) => `${a.name} (${a.pack})`),
    why: r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 300)}`).join('\n'),
  };
}

interface Case {
  readonly what: string;
  readonly bytes: Uint8Array;
  /** What blocks it: a rule id and a word of its evidence; undefined: it passes. */
  readonly blocks?: readonly [string, string];
}

/** `_create_array(<f>, <args>, <state>[, <npdict>])` as dill writes it: MARK, the arguments, TUPLE, REDUCE. */
function createArray(args: (p: P) => P, module = 'dill._dill'): P {
  return args(new P().proto(4).stackGlobal(module, '_create_array').mark()).tuple().reduce();
}

/** An array rebuilt with numpy's _reconstruct, its state None (the rebuild's steps are what is judged here). */
const reconstruct = (p: P): P =>
  p
    .stackGlobal('numpy.core.multiarray', '_reconstruct')
    .stackGlobal('numpy', 'ndarray')
    .int(0)
    .tuple1()
    .sbb(Uint8Array.of(0x62))
    .mark()
    .tuple();

const CASES: readonly Case[] = [
  {
    what: 'os.system handed as f: called with the items of args',
    bytes: createArray((p) => p.stackGlobal('os', 'system').sbu('echo').tuple1().none().none())
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', 'os.system'],
  },
  {
    what: "an admitted class only stored when not called (xgboost's Booster) handed as f",
    bytes: createArray((p) => p.stackGlobal('xgboost.core', 'Booster').emptyTuple().none().none())
      .stop()
      .bytes(),
    blocks: ['PICKLE-GLOBAL-IMPORT', 'this stream calls it'],
  },
  {
    what: 'npdict planting a __setstate__ that a later BUILD of the array calls',
    bytes: createArray((p) =>
      reconstruct(p).none().emptyDict().sbu('__setstate__').stackGlobal('os', 'system').setitem(),
    )
      .sbu('echo')
      .build()
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', 'os.system'],
  },
  {
    what: 'npdict that is an object (update() runs its keys() and __getitem__)',
    bytes: createArray((p) => reconstruct(p).none().stackGlobal('collections', 'OrderedDict').emptyTuple().reduce())
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_create_array'],
  },
  {
    what: 'args that is a list, not a tuple',
    bytes: createArray((p) => p.stackGlobal('numpy.core.multiarray', '_reconstruct').emptyList().none().none())
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_create_array'],
  },
  {
    what: 'five arguments',
    bytes: createArray((p) => reconstruct(p).none().none().none())
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_create_array'],
  },
  {
    what: '_create_array pushed and not called',
    bytes: new P().proto(4).stackGlobal('dill._dill', '_create_array').stop().bytes(),
    blocks: ['PICKLE-EXEC', '_create_array'],
  },
  {
    what: "dill's other names stay judged as dill's (_create_code)",
    bytes: new P().proto(4).stackGlobal('dill._dill', '_create_code').emptyTuple().reduce().stop().bytes(),
    blocks: ['PICKLE-EXEC', '_create_code'],
  },
];

describe("dill's _create_array: files dill wrote pass", () => {
  for (const name of ['label-encoder.pkl', 'linear-regression.pkl', 'matrix.pkl', 'arrays-protocol2.pkl']) {
    it(name, async () => {
      const r = await scan(name, readFileSync(DIR + name));
      assert.deepEqual(r.blocking, [], r.why);
      assert.ok(
        r.admitted.some((a) => a.startsWith('dill._dill._create_array (python)')),
        r.admitted.join(', '),
      );
    });
  }
});

describe("dill's _create_array: judged as the calls it makes", () => {
  for (const c of CASES) {
    it(c.what, async () => {
      const r = await scan('case.pkl', c.bytes);
      if (c.blocks === undefined) assert.deepEqual(r.blocking, [], r.why);
      else {
        const [rule, word] = c.blocks;
        assert.ok(
          r.blocking.some((f) => f.ruleId === rule && f.evidence.signal.includes(word)),
          `expected ${rule} with '${word}':\n${r.why}`,
        );
      }
    });
  }
  it("dill < 0.2.8's module (dill.dill) is the same function", async () => {
    const r = await scan(
      'case.pkl',
      createArray((p) => p.stackGlobal('os', 'system').sbu('echo').tuple1().none(), 'dill.dill')
        .stop()
        .bytes(),
    );
    assert.ok(
      r.blocking.some((f) => f.evidence.signal.includes('os.system')),
      r.why,
    );
  });
});
