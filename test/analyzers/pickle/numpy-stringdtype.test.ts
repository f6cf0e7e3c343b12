// numpy 2's StringDType arrays in pickles, .npy files and joblib dumps: admitted as numpy writes them
// (numpy-strings.ts). Real files of two numpy releases pass; the hostile files (every name in them admitted, each
// effect shown by the real loader) and the case table's streams are refused, each beside a benign twin of its shape.
// Fixtures: scripts/fixtures/numpy-stringdtype.py (numpy 2.0.2, and 2.4.6 with pandas 3.0.5) and
// scripts/fixtures/numpy-stringdtype-hostile.py (numpy 2.4.6, proved in a throwaway process).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/numpy-stringdtype/', import.meta.url);

describe('numpy StringDType: real files of two numpy releases pass', () => {
  for (const release of ['numpy-2.0.2', 'numpy-2.4.6']) {
    const files = readdirSync(new URL(`${release}/`, DIR)).sort();
    it(`${release}: every kind of file was made`, () => {
      assert.ok(files.length >= 45, `${files.length} files`);
      for (const kind of ['_p2.pkl', '_p4.pkl', '_p5.pkl', '.npy', '.joblib', 'na_none_p4.pkl', 'dtype_in_dict_p4.pkl'])
        assert.ok(
          files.some((f) => f.endsWith(kind)),
          kind,
        );
    });
    for (const f of files)
      it(`${release}/${f}`, async () => {
        assert.deepEqual(await blocking(f, readFileSync(new URL(`${release}/${f}`, DIR))), []);
      });
  }
});

describe('numpy StringDType: hostile files whose every name is admitted', () => {
  const manifest = JSON.parse(readFileSync(new URL('hostile/manifest.json', DIR), 'utf8')) as {
    files: { file: string; what: string; load: string }[];
  };
  /** What each file is refused on. */
  const WHY: Record<string, RegExp> = {
    'buffer-view.pkl': /REDUCE arguments holds a StringDType/,
    'object-item.pkl': /an item of its StringDType array is not a plain value/,
    'na-object-instance.pkl': /na_object is not None, a number, a str or pandas\.NA/,
    'coerce-object.pkl': /coerce is not a bool or int/,
    'items-after-build.pkl': /SETITEMS on a numpy StringDType array/,
  };
  it('the real loader shows what each does', () => {
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), Object.keys(WHY).sort());
    const load = (f: string) => manifest.files.find((x) => x.file === f)!.load;
    assert.match(load('buffer-view.pkl'), /killed by signal 11/);
    // str() ran on the stream's object: its text is an item of the array.
    assert.match(load('object-item.pkl'), /values \['a', '2020-01-02'\]/);
    assert.match(load('items-after-build.pkl'), /values \['2020-01-02', 'b'\]/);
  });
  for (const f of manifest.files)
    it(`block: ${f.file} (${f.what})`, async () => {
      const found = await blocking(f.file, readFileSync(new URL(`hostile/${f.file}`, DIR)));
      assert.ok(
        found.some((s) => WHY[f.file]!.test(s)),
        found.join('\n'),
      );
    });
});

/** What a case changes in an array as numpy writes it (_reconstruct, then BUILD with a list of items). */
interface StringCase {
  /** The StringDType function's arguments, pushed by the builder (default: coerce 1). */
  readonly dtypeArgs?: (p: P) => P;
  /** The items of the array's list, pushed by the builder (default: two str). */
  readonly items?: (p: P) => P;
  /** After the array: a call of collections.OrderedDict with the dtype (memo 50) in a tuple of its arguments. */
  readonly dtypeToCall?: boolean;
  /** The dtype is BUILT on (a dtype's state). */
  readonly dtypeBuild?: boolean;
}

function stringArrayStream(c: StringCase): Uint8Array {
  const p = new P().proto(4);
  p.stackGlobal('numpy._core.multiarray', '_reconstruct').stackGlobal('numpy', 'ndarray').int(0).tuple1();
  p.sbb(Uint8Array.of(0x62)).raw(0x87).reduce(); // TUPLE3
  p.mark().int(1).int(2).tuple1();
  p.stackGlobal('numpy._core._internal', '_convert_to_stringdtype_kwargs').mark();
  (c.dtypeArgs ?? ((q: P) => q.int(1)))(p);
  p.tuple().reduce().binput(50);
  if (c.dtypeBuild === true) p.mark().int(3).sbu('|').tuple().build();
  p.raw(0x89).emptyList().mark(); // NEWFALSE
  (c.items ?? ((q: P) => q.sbu('a').sbu('b')))(p);
  p.raw(0x65).tuple().build(); // APPENDS
  if (c.dtypeToCall === true)
    p.stackGlobal('collections', 'OrderedDict').binget(50).tuple1().tuple1().reduce().tuple2();
  return p.stop().bytes();
}

describe('numpy StringDType: case table (refused, each beside the benign twin it differs from)', () => {
  const CASES: { name: string; c: StringCase; refused?: RegExp }[] = [
    { name: 'an array of two str', c: {} },
    {
      name: 'the same with na_object None and a None item',
      c: { dtypeArgs: (p) => p.int(1).none(), items: (p) => p.sbu('a').none() },
    },
    { name: 'na_object a str sentinel', c: { dtypeArgs: (p) => p.int(0).sbu('__missing__') } },
    {
      name: 'na_object pandas.NA and an NA item',
      c: {
        dtypeArgs: (p) => p.int(1).stackGlobal('pandas', 'NA'),
        items: (p) => p.sbu('a').stackGlobal('pandas', 'NA'),
      },
    },
    {
      name: 'na_object an OrderedDict',
      c: { dtypeArgs: (p) => p.int(1).stackGlobal('collections', 'OrderedDict').emptyTuple().reduce() },
      refused: /na_object is not None, a number, a str or pandas\.NA/,
    },
    { name: 'three arguments', c: { dtypeArgs: (p) => p.int(1).none().none() }, refused: /3 arguments/ },
    {
      name: 'an item that is an OrderedDict',
      c: { items: (p) => p.sbu('a').stackGlobal('collections', 'OrderedDict').emptyTuple().reduce() },
      refused: /an item of its StringDType array is not a plain value/,
    },
    {
      name: 'an item that is an imported function',
      c: { items: (p) => p.sbu('a').stackGlobal('numpy', 'mean') },
      refused: /an item of its StringDType array is not a plain value/,
    },
    {
      name: 'the dtype passed to another call inside a tuple',
      c: { dtypeToCall: true },
      refused: /REDUCE arguments holds a StringDType/,
    },
    { name: 'BUILD on the dtype', c: { dtypeBuild: true }, refused: /numpy\.dtype|StringDType/ },
  ];
  for (const k of CASES)
    it(`${k.refused ? 'refuse' : 'pass'}: ${k.name}`, async () => {
      const found = await blocking(k.name, stringArrayStream(k.c));
      if (k.refused === undefined) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((s) => k.refused!.test(s)),
          found.join('\n') || 'nothing found',
        );
    });
});
