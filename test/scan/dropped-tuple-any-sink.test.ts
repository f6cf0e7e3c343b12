// A hook modelled with the `any` sink (library code that may call any attribute of what a state holds: pandas'
// NDFrame.__setstate__ of 0.13 - 1.5 runs property setters on its state's values) walks every value reachable from the
// state, objects' own states included (class-sinks.ts deepReachable). Tuples keep their first KEEP_ITEMS items; the
// walk used to count any unkept item as lost, so real pandas 1.1 output was blocked: a Series of datetimes in a
// dateutil time zone holds the zone's tzfile, whose state keeps a tuple of one _ttinfo per transition (243 for
// Europe/London; made by scripts/fixtures/sid-real-output.py in Debian bullseye's chroot). Unkept items that are plain
// data, the same object as a kept item, or one of at most KEEP_ITEMS other objects kept aside (TupleV.unkept) are now
// walked or known harmless; more distinct objects than that still fail closed.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const ITEMS = 243;

type Item = 'int' | 'shared' | 'new-at-200' | 'class-at-200' | 'planted-at-200' | 'distinct';

/** A _ttinfo instance built in place with a plain state, memoized as `memo`; `plant` adds a callable to its state. */
function ttinfo(p: P, memo: number, plant = false): void {
  p.global('dateutil.tz.tz', '_ttinfo').emptyTuple().newobj().binput(memo);
  p.emptyDict().sbu('offset').int(3600).setitem().sbu('abbr').sbu('BST').setitem();
  if (plant) p.sbu('pop').global('xgboost.core', 'Booster').setitem();
  p.build();
}

/** A pandas Series whose state holds a tuple of ITEMS items of the given kind (the `any` sink's walk reaches it). */
function series(kind: Item): Uint8Array {
  const p = new P().proto(4);
  p.global('pandas.core.series', 'Series').emptyTuple().newobj();
  p.emptyDict().sbu('_typ').sbu('series').setitem().sbu('name').none().setitem();
  p.sbu('_trans').mark();
  for (let i = 0; i < ITEMS; i++) {
    if (kind === 'int') p.int(1_000_000 + i);
    else if (kind === 'distinct') ttinfo(p, 10 + (i % 200));
    else if (i === 0) ttinfo(p, 1);
    else if (i === 1) ttinfo(p, 2);
    else if (i === 200 && kind === 'new-at-200') ttinfo(p, 3);
    else if (i === 200 && kind === 'planted-at-200') ttinfo(p, 3, true);
    else if (i === 200 && kind === 'class-at-200') p.global('xgboost.core', 'Booster');
    else p.binget(1 + (i % 2));
  }
  p.op(0x74).setitem(); // TUPLE
  return p.build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('series.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 200)}`);
}

describe('unkept tuple items under a hook that may call anything its state holds', () => {
  const cases: [string, Item, boolean][] = [
    [`${ITEMS} ints`, 'int', false],
    ['two instances built in the kept prefix, referred to again past it', 'shared', false],
    ['a third plain instance first built past the kept prefix (kept aside)', 'new-at-200', false],
    ['a class past the kept prefix', 'class-at-200', true],
    ['an instance past the kept prefix whose state holds a class', 'planted-at-200', true],
    ['more distinct instances past the prefix than are kept aside', 'distinct', true],
  ];
  for (const [name, kind, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(series(kind));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
