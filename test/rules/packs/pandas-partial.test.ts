// pandas 1.3.x pickles each block as functools.partial(pandas.core.internals.blocks.new_block, ndim=n) called with
// (values, placement) (vetted-uses.ts CALLED_PARTIALS). The fixtures (scripts/fixtures/pandas-partial-blocks.py) are
// frames pickled with that reduce and rebuilt equal by the real loader (pandas 1.5.3: pickle.loads, read_pickle); the
// case table below builds the same stream from its structure and changes one thing at a time: each other use of the
// partial, its keyword dict or new_block is blocked (pandas 1.3's new_block also takes klass=, which it calls).
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
}

/** partial(new_block) [BUILD (new_block, (), {'ndim': n, ...}, None)] [called with (values, placement)]. */
function stream(s: Shape = {}): Uint8Array {
  // The partial is memo 3, new_block memo 1, the keyword dict memo 2.
  let p = new P()
    .proto(4)
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
