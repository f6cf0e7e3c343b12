// A BUILD state that sets a special (dunder) attribute is reported (BUILD_DUNDER_STATE, blocking): Python, the
// unpickler and libraries look some of them up on the instance (`__setstate__`, numpy's `__array_interface__`). One
// set to None, or to a dict that is still empty when the stream ends, is not: nothing can be called on or read out of
// either. networkx >= 3.3 writes `__networkx_cache__ = {}` into every graph it pickles (Graph.__init__), and such
// graphs in public projects (test/fixtures/real-world/public-manifest.json) were blocked for it. A dict that the stream
// fills later through the memo, or any other value, is still reported, and `__setstate__` is reported whatever it is.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P, u32 } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

type Value =
  | 'empty-dict'
  | 'none'
  | 'dict-with-items'
  | 'filled-later'
  | 'filled-via-stand-in'
  | 'stand-in-untouched'
  | 'list'
  | 'import';

/** A networkx Graph as networkx 3.3 pickles it (NEWOBJ, BUILD of its __dict__), `key` set to `value`. */
function graph(key: string, value: Value): Uint8Array {
  const p = new P().proto(4);
  // More memo entries than the VM keeps whole (MEMO_DETAIL_ENTRIES): the dict memoized next is kept as a stand-in.
  const padding = value === 'filled-via-stand-in' || value === 'stand-in-untouched' ? 10_001 : 0;
  for (let i = 0; i < padding; i++) p.int(i).memoize().pop();
  p.global('networkx.classes.graph', 'Graph').emptyTuple().newobj();
  p.emptyDict().sbu('graph').emptyDict().setitem();
  p.sbu('_node').emptyDict().sbu('a').emptyDict().setitem().setitem();
  p.sbu('_adj').emptyDict().sbu('a').emptyDict().setitem().setitem();
  p.sbu(key);
  if (value === 'empty-dict') p.emptyDict();
  else if (value === 'none') p.none();
  else if (value === 'dict-with-items') p.emptyDict().sbu('backends').emptyDict().setitem();
  else if (value === 'filled-later') p.emptyDict().binput(7);
  else if (value === 'filled-via-stand-in' || value === 'stand-in-untouched') p.emptyDict().memoize();
  else if (value === 'list') p.emptyList();
  else p.global('builtins', 'print');
  p.setitem().build();
  // After the BUILD: the memo's dict (the graph's attribute) gains an item.
  if (value === 'filled-later') p.binget(7).sbu('backends').global('builtins', 'print').setitem().pop();
  if (value === 'filled-via-stand-in')
    p.op(0x6a, ...u32(padding))
      .sbu('backends')
      .int(1)
      .setitem()
      .pop(); // LONG_BINGET
  return p.stop().bytes();
}

async function verdict(bytes: Uint8Array): Promise<{ blocked: boolean; dunder: boolean }> {
  const r = await scanBytes('graph.pkl', bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
  return {
    blocked: blocking.length > 0,
    dunder: r.findings.some((f) => f.evidence.signal.includes('assigns the special attribute')),
  };
}

describe('special attributes set to None or an empty dict', () => {
  const cases: [string, string, Value, boolean][] = [
    ['__networkx_cache__ = {} (networkx >= 3.3)', '__networkx_cache__', 'empty-dict', false],
    ['__networkx_cache__ = None (networkx/algorithms/flow/utils.py)', '__networkx_cache__', 'none', false],
    ['__array_interface__ = {}', '__array_interface__', 'empty-dict', false],
    ['__networkx_cache__ with an item', '__networkx_cache__', 'dict-with-items', true],
    ['__networkx_cache__ = {} filled through the memo after the BUILD', '__networkx_cache__', 'filled-later', true],
    [
      '__networkx_cache__ = {} that the memo keeps as a stand-in, never written',
      '__networkx_cache__',
      'stand-in-untouched',
      false,
    ],
    [
      '__networkx_cache__ = {} that the memo keeps as a stand-in, given an item through it after the BUILD',
      '__networkx_cache__',
      'filled-via-stand-in',
      true,
    ],
    ['__networkx_cache__ = []', '__networkx_cache__', 'list', true],
    ['__networkx_cache__ = an import', '__networkx_cache__', 'import', true],
    ['__setstate__ = {}', '__setstate__', 'empty-dict', true],
    ['__setstate__ = None', '__setstate__', 'none', true],
  ];
  for (const [name, key, value, flagged] of cases) {
    it(`${flagged ? 'reports' : 'passes'}: ${name}`, async () => {
      const v = await verdict(graph(key, value));
      assert.equal(v.dunder, flagged, `special attribute ${flagged ? 'not ' : ''}reported`);
      assert.equal(v.blocked, flagged);
    });
  }
});
