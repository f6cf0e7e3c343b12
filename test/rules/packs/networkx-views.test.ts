// The views networkx graphs keep in their cached properties (G.degree, G.in_edges, G.out_degree...) are pickled with
// the graph when a program asked for them; real networkx 3.x graphs of public projects hold DegreeView and
// DiDegreeView (test/fixtures/real-world/public-manifest.json) and were blocked. The networkx history pack now holds
// every view a graph class's cached property makes (scripts/data/history/networkx.py HELD, read at the 35 pinned
// releases 2.0 - 3.6.1): the degree views have no rebuild hook of their own in any version (NEWOBJ, then BUILD updates
// the instance __dict__), the in-edge views rebuild from the state as OutEdgeView does. They are admitted through
// NEWOBJ only (calls "new"): called with the stream's arguments (their __init__ reads attributes of the graph it is
// given) they block, and what their state holds is judged on its own.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

/** A DiGraph holding view `name` in its __dict__ (as a cached property does), the view built by `view`. */
function graphWithView(name: string, view: (p: P) => P): Uint8Array {
  const p = new P().proto(4);
  p.global('networkx.classes.digraph', 'DiGraph').emptyTuple().newobj().binput(1);
  p.emptyDict().sbu('graph').emptyDict().setitem();
  for (const k of ['_node', '_adj', '_pred', '_succ']) p.sbu(k).emptyDict().setitem();
  p.sbu('__networkx_cache__').emptyDict().setitem();
  p.sbu('degree');
  view(p.global('networkx.classes.reportviews', name));
  return p.setitem().build().stop().bytes();
}

/** NEWOBJ of the view, then BUILD of the dict DegreeView.__init__ leaves (as pickle writes it). */
const rebuilt = (p: P): P =>
  p.emptyTuple().newobj().emptyDict().sbu('_graph').binget(1).setitem().sbu('_weight').none().setitem().build();

async function scan(bytes: Uint8Array) {
  const r = await scanBytes('graph.pkl', bytes);
  return {
    blocking: r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []),
  };
}

describe('networkx views a graph keeps in its cached properties', () => {
  for (const name of ['DegreeView', 'DiDegreeView', 'InDegreeView', 'OutDegreeView', 'DiMultiDegreeView']) {
    it(`${name} rebuilt as networkx pickles it passes, naming the pack and the versions`, async () => {
      const { blocking, admitted } = await scan(graphWithView(name, rebuilt));
      assert.deepEqual(blocking, []);
      const got = admitted.find((a) => a.name === `networkx.classes.reportviews.${name}`);
      assert.equal(got?.pack, 'networkx');
      assert.match(got?.versions ?? '', /networkx-2\.0 - networkx-3\.6\.1/);
    });
  }

  it('hostile twin: a view called with the stream’s arguments (its __init__ on a chosen graph) blocks', async () => {
    const called = (p: P): P => p.binget(1).op(0x85).reduce(); // TUPLE1, REDUCE: DiDegreeView(G)
    const { blocking } = await scan(graphWithView('DiDegreeView', called));
    assert.ok(
      blocking.some((s) => s.includes('networkx.classes.reportviews.DiDegreeView')),
      blocking.join('; '),
    );
  });

  it('hostile twin: a view whose state holds a call the packs do not admit blocks', async () => {
    const planted = (p: P): P =>
      p
        .emptyTuple()
        .newobj()
        .emptyDict()
        .sbu('_graph')
        .global('os', 'system')
        .sbu('id')
        .op(0x85)
        .reduce()
        .setitem()
        .build();
    const { blocking } = await scan(graphWithView('InDegreeView', planted));
    assert.ok(
      blocking.some((s) => s.includes('os.system')),
      blocking.join('; '),
    );
  });
});
