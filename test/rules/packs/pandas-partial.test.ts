// pandas 1.3.x pickles each block as functools.partial(pandas.core.internals.blocks.new_block, ndim=n) called with
// (values, placement) (vetted-uses.ts CALLED_PARTIALS). The fixtures (scripts/fixtures/pandas-partial-blocks.py) are
// frames pickled with that reduce and rebuilt equal by the real loader (pandas 1.5.3: pickle.loads, read_pickle); the
// case table below builds the same stream from its structure and changes one thing at a time: each other use of the
// partial, its keyword dict or new_block is blocked (pandas 1.3's new_block also takes klass=, which it calls), also
// when the stream lies past the VM's memo detail budget (frames with 10,500 memoized labels before or between blocks).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/pandas-partial/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const NB = ['pandas.core.internals.blocks', 'new_block'] as const;

interface Shape {
  /** Items of the keyword dict (after 'ndim'). */
  kw?: (p: P) => P;
  ndim?: number;
  bound?: boolean;
  /** Arguments of the call (values, placement by default). */
  args?: (p: P) => P;
  /** Store 'klass' into the keyword dict (memo 2) after BUILD. */
  late?: boolean;
  call?: boolean;
  buildFirst?: boolean;
  /** 10,000 memo entries before the stream (everything it memoizes lies past the VM's memo detail budget). */
  over?: boolean;
  /** The partial read back from the memo and BUILT a second time with the same state. */
  rebuilt?: boolean;
  /** Items stored into another memoized dict through a memo read (not the keyword dict). */
  otherWrite?: boolean;
}

/** Memo entries (distinct strings, each MEMOIZEd) that use up the VM's detail budget of 10,000. */
function fill(p: P): P {
  for (let i = 0; i < 10_000; i++) p = p.sbu(`s${i}`).memoize().pop();
  return p;
}

/** partial(new_block) [BUILD (new_block, (), {'ndim': n, ...}, None)] [called with (values, placement)]. */
function stream(s: Shape = {}): Uint8Array {
  // The partial is memo 3, new_block memo 1, the keyword dict memo 2.
  let p = new P().proto(4);
  if (s.over) p = fill(p);
  if (s.otherWrite) p = p.emptyDict().binput(4).pop();
  p = p
    .stackGlobal('functools', 'partial')
    .stackGlobal(...NB)
    .binput(1)
    .tuple1()
    .reduce()
    .binput(3);
  const build = (q: P): P => {
    q = q.mark().binget(1);
    q = s.bound ? q.mark().int(1).tuple() : q.emptyTuple();
    q = q
      .emptyDict()
      .binput(2)
      .sbu('ndim')
      .int(s.ndim ?? 2)
      .setitem();
    if (s.kw) q = s.kw(q);
    return q.none().tuple().build();
  };
  if (s.buildFirst !== false) p = build(p);
  p = p.pop();
  if (s.late) p = p.binget(2).sbu('klass').stackGlobal('numpy', 'ndarray').setitem().pop();
  if (s.otherWrite) p = p.binget(4).sbu('k').int(1).setitem().pop();
  if (s.rebuilt) p = build(p.binget(3)).pop();
  if (s.call !== false) {
    p = p.binget(3);
    p = s.args ? s.args(p.mark()).tuple() : p.emptyList().int(0).tuple2();
    p = p.reduce().pop();
  }
  if (s.buildFirst === false) p = build(p.binget(3)).pop();
  return p.none().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes('block.pkl', bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
}

describe('pandas 1.3 block pickles: partial(new_block, ndim=n)(values, placement)', () => {
  const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
    files: { file: string; loader: string }[];
  };
  for (const f of manifest.files) {
    it(`passes ${f.file} (${f.loader})`, async () => {
      const r = await scanBytes(f.file, readFileSync(join(DIR, f.file)));
      assert.deepEqual(
        r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal),
        [],
      );
      const admitted = r.pickles.flatMap((p) => p.admitted ?? []);
      for (const name of ['functools.partial', NB.join('.')]) {
        const a = admitted.find((x) => x.name === name);
        assert.equal(a?.pack, 'pandas', name);
        assert.match(a?.versions ?? '', /pandas 1\.3\.0 - 3\.0/);
      }
    });
  }

  const cases: [string, Uint8Array, boolean][] = [
    ['the shape pandas 1.3 writes', stream(), true],
    ['ndim 1 (a Series block)', stream({ ndim: 1 }), true],
    [
      'a klass keyword (1.3 calls it)',
      stream({ kw: (p) => p.sbu('klass').stackGlobal('numpy', 'ndarray').setitem() }),
      false,
    ],
    ['ndim 3', stream({ ndim: 3 }), false],
    ['a positional argument bound in the partial', stream({ bound: true }), false],
    ['called with three arguments', stream({ args: (p) => p.emptyList().int(0).int(1) }), false],
    ['klass stored into the keyword dict after BUILD', stream({ late: true }), false],
    ['called before its BUILD', stream({ buildFirst: false }), false],
    ['rebuilt but never called', stream({ call: false }), false],
    ['BUILT a second time through a memo read', stream({ rebuilt: true }), false],
    // Past the memo's detail budget the memo keeps each partial object whole, so the same proof holds; a keyword dict
    // it compacted can be changed only through an opaque memo read, so any such write refuses the shape.
    ['past the memo budget: the shape pandas 1.3 writes', stream({ over: true }), true],
    ['past the memo budget: ndim 1', stream({ over: true, ndim: 1 }), true],
    ['past the memo budget: klass stored into the keyword dict after BUILD', stream({ over: true, late: true }), false],
    [
      'past the memo budget: items stored into another compacted dict through a memo read',
      stream({ over: true, otherWrite: true }),
      false,
    ],
    ['items stored into another dict through a memo read, within the budget', stream({ otherWrite: true }), true],
    [
      'past the memo budget: called with three arguments',
      stream({ over: true, args: (p) => p.emptyList().int(0).int(1) }),
      false,
    ],
    ['past the memo budget: called before its BUILD', stream({ over: true, buildFirst: false }), false],
    ['past the memo budget: rebuilt but never called', stream({ over: true, call: false }), false],
    ['past the memo budget: BUILT a second time through a memo read', stream({ over: true, rebuilt: true }), false],
    [
      'past the memo budget: a klass keyword',
      stream({ over: true, kw: (p) => p.sbu('klass').stackGlobal('numpy', 'ndarray').setitem() }),
      false,
    ],
  ];
  for (const [name, bytes, ok] of cases) {
    it(`${ok ? 'passes' : 'blocks'}: ${name}`, async () => {
      const got = await blocking(bytes);
      if (ok) assert.deepEqual(got, []);
      else assert.ok(got.length > 0, 'expected a block');
    });
  }

  it('blocks new_block called directly (not through the partial)', async () => {
    const bytes = new P()
      .proto(4)
      .stackGlobal(...NB)
      .emptyList()
      .int(0)
      .tuple2()
      .reduce()
      .stop()
      .bytes();
    assert.ok((await blocking(bytes)).some((s) => s.includes('new_block')));
  });

  it('blocks a partial of another function called the same way', async () => {
    const bytes = new P()
      .proto(4)
      .stackGlobal('functools', 'partial')
      .stackGlobal('pandas._libs.internals', '_unpickle_block')
      .tuple1()
      .reduce()
      .emptyList()
      .int(0)
      .tuple2()
      .reduce()
      .stop()
      .bytes();
    assert.ok((await blocking(bytes)).some((s) => s.includes('functools.partial')));
  });
});
