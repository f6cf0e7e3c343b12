// CatBoost history pack (scripts/data/history/catboost.py): CatBoost's models are admitted in the state shape every
// released _CatBoostBase.__setstate__ takes as data — one BUILD of a dict with literal keys, '__model' bytes for the
// native model reader, '_test_evals'/'_test_eval' rows of plain numbers for float() — which the VM checks
// (HistoryCheck 'catboost-state', src/analyzers/pickle/catboost-model.ts). CatBoost is not installed here (not in
// Debian, PyPI unreachable), so the benign rows are built opcode by opcode after the structure of the real CatBoost
// 1.x pickles of public projects (public-manifest.json: NEWOBJ of the class with no arguments, one BUILD of a dict of
// init parameters, '__model' as BINBYTES 'CBM1...', '_test_evals' as nested lists of BINFLOATs,
// '_prediction_values_change' as a list of numpy scalars); those real files are scanned at the end when their mirrors
// are present. Each hostile twin changes one thing.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { catboostStateProblem } from '../../../src/analyzers/pickle/catboost-model.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirrorsAbsent } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const MODEL = new TextEncoder().encode('CBM1\x88\x98\x10\x00\x10\x00\x00\x00');

const float = (p: P, v: number): P => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return p.raw(0x47, b); // BINFLOAT
};
/** numpy.core.multiarray.scalar(dtype('f8'), 8 bytes): what '_prediction_values_change' holds. */
const npScalar = (p: P, v: number): P => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return p
    .stackGlobal('numpy.core.multiarray', 'scalar')
    .stackGlobal('numpy', 'dtype')
    .sbu('f8')
    .raw(0x89, 0x88, 0x87) // NEWFALSE NEWTRUE TUPLE3
    .reduce()
    .mark()
    .int(3)
    .sbu('<')
    .none()
    .none()
    .none()
    .int(255)
    .int(255)
    .int(0)
    .tuple()
    .build()
    .sbb(b)
    .raw(0x86) // TUPLE2
    .reduce();
};

interface Parts {
  cls?: string;
  /** Entries written after the init parameters, before SETITEMS. */
  tail?: (p: P) => P;
  /** What comes after the BUILD (a second BUILD, ...). */
  after?: (p: P) => P;
  /** Replaces the dict state. */
  state?: (p: P) => P;
  /** Replaces NEWOBJ with no arguments. */
  make?: (p: P, cls: string) => P;
}

/** A CatBoost model as CatBoost 1.x's pickle.dump writes it (protocol 4), with parts swapped. */
function model(parts: Parts = {}): Uint8Array {
  const cls = parts.cls ?? 'CatBoostRegressor';
  let p = new P().proto(4);
  p = parts.make ? parts.make(p, cls) : p.stackGlobal('catboost.core', cls).emptyTuple().newobj();
  if (parts.state) p = parts.state(p);
  else {
    p = p.emptyDict().mark().sbu('loss_function').sbu('RMSE').sbu('verbose').int(0).sbu('random_state').int(42);
    p = (parts.tail ?? ((q: P) => q))(p);
    p = p.raw(0x75); // SETITEMS
  }
  p = p.build();
  if (parts.after) p = parts.after(p);
  return p.stop().bytes();
}

function fitted(p: P): P {
  p.sbu('_test_evals').emptyList().emptyList().emptyList().mark();
  float(float(p, 1.5), 2.5);
  p.raw(0x65, 0x61, 0x61); // APPENDS APPEND APPEND
  p.sbu('__model').bb(MODEL).sbu('_prediction_values_change').emptyList().mark();
  npScalar(npScalar(p, 60.5), 39.5);
  return p.raw(0x65); // APPENDS
}

async function verdict(bytes: Uint8Array) {
  const r = await scanBytes('catboost_model.pkl', bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
  const admitted = r.pickles.flatMap((x) => x.admitted ?? []).filter((a) => a.name.startsWith('catboost.'));
  return { blocking, admitted };
}

const BENIGN: [string, Parts][] = [
  ['a fitted CatBoostRegressor (model bytes, eval metrics, feature importances)', { tail: fitted }],
  ['a fitted CatBoostClassifier', { cls: 'CatBoostClassifier', tail: fitted }],
  ['a CatBoostRanker', { cls: 'CatBoostRanker', tail: fitted }],
  ['the base CatBoost class', { cls: 'CatBoost', tail: fitted }],
  [
    'an unfitted model with an empty eval list',
    { tail: (p) => p.sbu('_test_evals').emptyList().emptyList().raw(0x61) },
  ],
  [
    '0.1 - 0.8 state: _test_eval rows, _classes',
    {
      tail: (p) =>
        float(p.sbu('_test_eval').emptyList().emptyList(), 0.5)
          .raw(0x61, 0x61)
          .sbu('__model')
          .bb(MODEL)
          .sbu('_classes')
          .emptyList()
          .sbu('a')
          .raw(0x61),
    },
  ],
  [
    'copyreg._reconstructor (protocol 0/1 reduce)',
    {
      tail: fitted,
      make: (p, cls) =>
        p
          .stackGlobal('copyreg', '_reconstructor')
          .stackGlobal('catboost.core', cls)
          .stackGlobal('builtins', 'object')
          .none()
          .raw(0x87)
          .reduce(),
    },
  ],
];

const HOSTILE: [string, Parts, RegExp][] = [
  ["'__model' is a str", { tail: (p) => p.sbu('__model').sbu('/tmp/model.cbm') }, /'__model' entry is not bytes/],
  [
    "'_test_evals' holds an object (float() would run its code)",
    {
      tail: (p) =>
        p
          .sbu('_test_evals')
          .emptyList()
          .emptyList()
          .emptyList()
          .stackGlobal('collections', 'OrderedDict')
          .emptyTuple()
          .newobj()
          .raw(0x61, 0x61, 0x61),
    },
    /'_test_evals' entry holds an object/,
  ],
  [
    "'_test_eval' tuples nested deeper than CatBoost writes",
    {
      tail: (p) => p.sbu('_test_eval').int(1).raw(0x85, 0x85, 0x85, 0x85), // TUPLE1 x4
    },
    /nested deeper/,
  ],
  ['the state is a list, not a dict', { state: (p) => p.emptyList().sbu('__model').raw(0x61) }, /not a plain dict/],
  [
    'a second BUILD on the model',
    {
      tail: fitted,
      after: (p) => p.emptyDict().sbu('_deserialize_model').sbu('x').setitem().build(),
    },
    /second BUILD/,
  ],
];

describe('CatBoost history pack: the state CatBoost writes passes, naming the pack and versions', () => {
  for (const [why, parts] of BENIGN) {
    it(why, async () => {
      const { blocking, admitted } = await verdict(model(parts));
      assert.deepEqual(blocking, []);
      assert.ok(admitted.length > 0, 'no catboost name admitted');
      for (const a of admitted) {
        assert.equal(a.pack, 'catboost', a.name);
        // the releases read from git (CatBoostRanker is defined from 0.26 on) and the index's master snapshot
        const from = a.name === 'catboost.core.CatBoostRanker' ? '0.26' : '0.9';
        assert.equal(a.versions, `catboost ${from} - 1.0.4, master@001a0b5b`, a.name);
      }
    });
  }
});

describe('CatBoost history pack: off-shape states and stream-chosen calls stay blocked', () => {
  for (const [why, parts, expect] of HOSTILE) {
    it(why, async () => {
      const { blocking } = await verdict(model(parts));
      assert.ok(
        blocking.some((s) => expect.test(s) && s.includes('on catboost.core.')),
        blocking.join(' | '),
      );
    });
  }
  it('calling the class with stream-chosen arguments (REDUCE runs __init__, never admitted)', async () => {
    const bytes = model({
      make: (p, cls) => p.stackGlobal('catboost.core', cls).mark().sbu('RMSE').tuple().reduce(),
      tail: fitted,
    });
    const { blocking } = await verdict(bytes);
    assert.ok(
      blocking.some((s) => s.includes('catboost.core.CatBoostRegressor')),
      blocking.join(' | '),
    );
  });
  it("a stream-chosen callable as '__model' stays blocked", async () => {
    const { blocking } = await verdict(model({ tail: (p) => p.sbu('__model').stackGlobal('os', 'system') }));
    assert.ok(blocking.length > 0);
  });
  it('a name CatBoost never defined is not admitted', async () => {
    const { blocking } = await verdict(model({ cls: 'CatBoostEvil', tail: fitted }));
    assert.ok(
      blocking.some((s) => s.includes('catboost.core.CatBoostEvil')),
      blocking.join(' | '),
    );
  });
});

describe('catboostStateProblem', () => {
  const bytes: PyVal = { k: K.Bytes, off: 0, len: 4, via: 'test' } as PyVal;
  const dict = (keys: PyVal[], vals: PyVal[], n = keys.length): PyVal => ({ k: K.Dict, keys, vals, n }) as PyVal;
  const computed: PyVal = { k: K.Obj, callee: { k: K.Unknown }, args: { k: K.Unknown }, call: undefined } as PyVal;
  const cases: [string, PyVal, number, boolean][] = [
    ['the written dict', dict(['depth', '__model'], [6, bytes]), 1, true],
    [
      'tuple metric rows of numbers',
      dict(
        ['_test_evals'],
        [{ k: K.Tuple, items: [{ k: K.Tuple, items: [{ k: K.Tuple, items: [1, 2.5], more: 0 }], more: 0 }], more: 0 }],
      ),
      1,
      true,
    ],
    ['a computed key (may be __model)', dict([computed], [bytes]), 1, false],
    ['entries the analysis did not keep', dict(['depth'], [6], 70), 1, false],
    ['a truncated metric tuple', dict(['_test_eval'], [{ k: K.Tuple, items: [], more: 3 }]), 1, false],
    ['a second BUILD', dict(['depth'], [6]), 2, false],
  ];
  for (const [why, state, builds, ok] of cases)
    it(`${ok ? 'passes' : 'refuses'} ${why}`, () =>
      assert.equal(catboostStateProblem(state, builds) === undefined, ok));
});

// The real CatBoost pickles of public projects (test/fixtures/real-world/public-manifest.json), read from their git
// mirrors: every one whose pickles name only in-scope modules passes, each CatBoost name admitted naming this pack.
interface Entry {
  repository: string;
  commit: string;
  path: string;
  sha256: string;
  library: string;
  outside: string[];
}
const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const manifest = JSON.parse(
  readFileSync(new URL('../../fixtures/real-world/public-manifest.json', import.meta.url), 'utf8'),
) as { files: Entry[] };
const real = manifest.files
  .filter((e) => e.library === 'catboost' && e.outside.length === 0)
  .map((e) => {
    const repo = join(MIRRORS, e.repository.replace('/', '+'), 'repo');
    if (!existsSync(repo)) return { e, bytes: undefined };
    try {
      const bytes = execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${e.commit}:${e.path}`], {
        maxBuffer: 64 * 1024 * 1024,
      });
      return { e, bytes: new Uint8Array(bytes) };
    } catch {
      return { e, bytes: undefined };
    }
  })
  .filter((x) => x.bytes !== undefined);

describe(
  'real CatBoost pickles of public projects',
  {
    skip:
      real.length === 0
        ? mirrorsAbsent(
            'no CatBoost project of public-manifest.json present',
            manifest.files.filter((e) => e.library === 'catboost').map((e) => e.repository),
            'public-manifest.json',
          )
        : false,
  },
  () => {
    it('the manifest lists CatBoost models', () =>
      assert.ok(manifest.files.filter((e) => e.library === 'catboost').length >= 15));
    for (const { e, bytes } of real) {
      it(`${e.repository}:${e.path}`, async () => {
        assert.equal(createHash('sha256').update(bytes!).digest('hex'), e.sha256);
        const r = await scanBytes(basename(e.path), bytes!);
        const blocking = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
        assert.deepEqual(blocking, []);
        const cb = r.pickles.flatMap((x) => x.admitted ?? []).filter((a) => a.name.startsWith('catboost.'));
        assert.ok(cb.length > 0, 'no CatBoost name admitted');
        for (const a of cb)
          assert.ok(
            a.pack === 'catboost' && /^catboost 0\.(9|26) - 1\.0\.4, master@001a0b5b$/.test(a.versions ?? ''),
            a.name,
          );
      });
    }
  },
);
