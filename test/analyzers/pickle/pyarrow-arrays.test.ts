// pyarrow arrays rebuilt by a pickle (pandas' pyarrow-backed text columns, arrays pickled on their own): the rebuild is
// admitted only for arrays Arrow's full validation accepts (arrow-arrays.ts). Real files of two releases pass; the
// hostile files (every name in them admitted, each effect shown by the real loader) and the case table's streams are
// refused, each beside a benign twin of the same shape.
// Fixtures: scripts/fixtures/pyarrow-arrays.py (pandas 3.0.5 / pyarrow 25.0.0 and pandas 2.3.3 / pyarrow 25.0.1) and
// scripts/fixtures/pyarrow-arrays-hostile.py (pandas 3.0.5 / pyarrow 25.0.0, proved in a throwaway process).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';
import { P, u64 } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/pyarrow-arrays/', import.meta.url);

describe('pyarrow arrays: real files of two pandas / pyarrow releases pass', () => {
  for (const release of ['pandas-3.0.5', 'pandas-2.3.3']) {
    const files = readdirSync(new URL(`${release}/`, DIR)).sort();
    it(`${release}: every kind of file was made`, () => {
      assert.ok(files.length >= 45, `${files.length} files`);
      for (const kind of ['_p2.pkl', '_p4.pkl', '_p5.pkl', '_to_pickle.pkl', '.joblib'])
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

describe('pyarrow arrays: hostile files whose every name is admitted', () => {
  const manifest = JSON.parse(readFileSync(new URL('hostile/manifest.json', DIR), 'utf8')) as {
    files: { file: string; what: string; load: string }[];
  };
  /** What each file is refused on. */
  const WHY: Record<string, RegExp> = {
    'mutated-after-check.pkl': /py_buffer: a pyarrow buffer \(or the bytearray it wraps\) is read back/,
    'decreasing-offsets.pkl': /_restore_array: string offsets that decrease/,
    'state-list.pkl': /pyarrow\.lib\.asarray via pandas\.core\.arrays\.string_arrow\.ArrowStringArray\.__setstate__/,
    'items-after-build.pkl': /SETITEMS on an object of pandas\.core\.arrays\.string_arrow\.ArrowStringArray/,
    'null-count-mismatch.pkl': /_restore_array: a null count of 0 where the bitmap has 2/,
  };
  it('the real loader shows what the memory-unsafe ones do', () => {
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), Object.keys(WHY).sort());
    for (const f of ['mutated-after-check.pkl', 'decreasing-offsets.pkl'])
      assert.match(manifest.files.find((x) => x.file === f)!.load, /killed by signal/, f);
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

/** One array as pyarrow's reduce writes it, with what a case changes. */
interface ArrayCase {
  readonly alias?: string;
  readonly length?: number;
  readonly nullCount?: number;
  readonly offset?: number;
  /** The buffers in order: bytes, or null for None. */
  readonly buffers?: (number[] | null)[];
  /** The buffer list is built by one APPEND per item (the VM's fast path) instead of APPENDS. */
  readonly appendOneByOne?: boolean;
  /** After the array: the first buffer's bytearray is read back from the memo (BINGET), as a stream changing it does. */
  readonly readBack?: boolean;
  /** The type_for_alias argument is an int. */
  readonly aliasNotStr?: boolean;
  /** The type is `timestamp(...)` of these arguments, pushed by the builder, instead of type_for_alias. */
  readonly timestamp?: (p: P) => P;
}

const OFFSETS = [...u64(0), ...u64(1), ...u64(3)];

function arrayStream(c: ArrayCase): Uint8Array {
  const p = new P().proto(4);
  p.stackGlobal('pyarrow.lib', '_restore_array').mark();
  if (c.timestamp !== undefined) {
    p.stackGlobal('pyarrow.lib', 'timestamp').mark();
    c.timestamp(p).tuple().reduce();
  } else {
    p.stackGlobal('pyarrow.lib', 'type_for_alias');
    if (c.aliasNotStr === true) p.int(1);
    else p.sbu(c.alias ?? 'large_string');
    p.tuple1().reduce();
  }
  p.int(c.length ?? 2)
    .int(c.nullCount ?? 0)
    .int(c.offset ?? 0)
    .emptyList();
  const buffers = c.buffers ?? [null, OFFSETS, [0x61, 0x62, 0x63]];
  if (c.appendOneByOne !== true) p.mark();
  buffers.forEach((b, i) => {
    if (b === null) p.none();
    else {
      p.stackGlobal('pyarrow.lib', 'py_buffer').stackGlobal('builtins', 'bytearray').sbb(Uint8Array.from(b));
      p.tuple1().reduce();
      if (i === buffers.findIndex((x) => x !== null)) p.binput(200);
      p.tuple1().reduce();
    }
    if (c.appendOneByOne === true) p.raw(0x61); // APPEND
  });
  if (c.appendOneByOne !== true) p.raw(0x65); // APPENDS
  p.emptyList().none().tuple().tuple1().reduce();
  if (c.readBack === true) p.binget(200).tuple2();
  return p.stop().bytes();
}

describe('pyarrow arrays: case table (refused, each beside the benign twin it differs from)', () => {
  const CASES: { name: string; c: ArrayCase; refused?: RegExp }[] = [
    { name: 'a large_string array of two items', c: {} },
    { name: 'the same, its buffer list built one APPEND at a time', c: { appendOneByOne: true } },
    {
      name: 'the same with a validity bitmap and one null, its count right',
      c: { nullCount: 1, buffers: [[0b01], OFFSETS, [0x61, 0x62, 0x63]] },
    },
    {
      name: 'the same, its null count 0',
      c: { nullCount: 0, buffers: [[0b01], OFFSETS, [0x61, 0x62, 0x63]] },
      refused: /null count of 0 where the bitmap has 1/,
    },
    {
      // Read by position: the offsets' bytes are the validity bitmap, and the bitmap's zero bits disagree with the count.
      name: 'None placed where the offsets go (one APPEND at a time)',
      c: { appendOneByOne: true, buffers: [OFFSETS, null, [0x61, 0x62, 0x63]] },
      refused: /null count of 0 where the bitmap has 2/,
    },
    { name: 'a length past the offsets', c: { length: 3 }, refused: /offsets buffer of 24 bytes for 3 slots/ },
    { name: 'an offset past the offsets', c: { length: 1, offset: 2 }, refused: /offsets buffer of 24 bytes/ },
    {
      name: 'an offset past the data',
      c: { buffers: [null, OFFSETS, [0x61, 0x62]] },
      refused: /string offset \(3\) past the 2-byte data buffer/,
    },
    { name: 'three buffers for int64', c: { alias: 'int64' }, refused: /3 buffers where the 'int64' layout has 2/ },
    { name: 'an int64 array over its values', c: { alias: 'int64', buffers: [null, [...u64(7), ...u64(8)]] } },
    {
      name: 'an int64 array past its values',
      c: { alias: 'int64', length: 3, buffers: [null, [...u64(7), ...u64(8)]] },
      refused: /values buffer of 16 bytes for 3 slots/,
    },
    { name: 'the null type', c: { alias: 'null', buffers: [null] }, refused: /type 'null' is not one whose layout/ },
    ...(
      [
        ['a naive ns timestamp array', (p: P) => p.sbu('ns').none()],
        ['a us timestamp array zoned UTC', (p: P) => p.sbu('us').sbu('UTC')],
        ['a timestamp zoned by a three-part key', (p: P) => p.sbu('s').sbu('America/Argentina/Buenos_Aires')],
        ['a timestamp at a fixed offset', (p: P) => p.sbu('ms').sbu('+05:30')],
        ['a timestamp of an unknown unit', (p: P) => p.sbu('ps').none(), /its unit is not one of/],
        ['a timestamp whose unit is an int', (p: P) => p.int(9).none(), /its unit is not one of/],
        ['a timestamp zoned by a parent path', (p: P) => p.sbu('ns').sbu('../../etc/passwd'), /its tz is not None/],
        ['a timestamp zoned by an absolute path', (p: P) => p.sbu('ns').sbu('/etc/localtime'), /its tz is not None/],
        [
          'a timestamp zoned by an object',
          (p: P) => p.sbu('ns').stackGlobal('collections', 'OrderedDict').emptyTuple().reduce(),
          /its tz is not None/,
        ],
        ['a timestamp of three arguments', (p: P) => p.sbu('ns').none().none(), /3 arguments/],
      ] as [string, (p: P) => P, RegExp?][]
    ).map(([name, timestamp, refused]) => ({
      name,
      c: { timestamp, buffers: [null, [...u64(7), ...u64(8)]] },
      ...(refused ? { refused } : {}),
    })),
    { name: 'an alias that is not a str', c: { aliasNotStr: true }, refused: /not one literal str/ },
    {
      name: 'the bytearray of a buffer read back after the check',
      c: { readBack: true },
      refused: /read back from the memo/,
    },
  ];
  for (const { name, c, refused } of CASES)
    it(`${refused ? 'refused' : 'passes'}: ${name}`, async () => {
      const found = await blocking('case.pkl', arrayStream(c));
      if (refused === undefined) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((s) => refused.test(s)),
          found.join('\n') || 'no finding',
        );
    });
});

describe("pyarrow arrays: an ArrowDtype column's dtype state (its pyarrow_dtype is formatted and compared at load)", () => {
  type DtypeTwin = 'none' | 'planted-type' | 'extra-key' | 'cache-other' | 'storage-other';
  /** ArrowExtensionArray of one large_string array, its _dtype an ArrowDtype BUILT with the state `twin` says. */
  function column(twin: DtypeTwin): Uint8Array {
    const p = new P().proto(4);
    p.stackGlobal('pandas.core.arrays.arrow.array', 'ArrowExtensionArray').emptyTuple().newobj();
    p.emptyDict().sbu('_pa_array');
    p.stackGlobal('pyarrow.lib', '_restore_array').mark();
    p.stackGlobal('pyarrow.lib', 'type_for_alias').sbu('large_string').tuple1().reduce();
    p.int(1).int(0).int(0).emptyList().mark().none();
    for (const b of [[...u64(0), ...u64(1)], [0x61]])
      p.stackGlobal('pyarrow.lib', 'py_buffer').sbb(Uint8Array.from(b)).tuple1().reduce();
    p.raw(0x65).emptyList().none().tuple().tuple1().reduce().setitem();
    p.sbu('_dtype').stackGlobal('pandas', 'ArrowDtype').emptyTuple().newobj().emptyDict();
    p.sbu('_storage')
      .sbu(twin === 'storage-other' ? 'python' : 'pyarrow')
      .setitem();
    p.sbu('pyarrow_dtype');
    if (twin === 'planted-type') p.stackGlobal('collections', 'OrderedDict');
    else p.stackGlobal('pyarrow.lib', 'type_for_alias').sbu('large_string').tuple1().reduce();
    p.setitem();
    if (twin === 'extra-key') p.sbu('name').sbu('x').setitem();
    p.sbu('_cache').emptyDict().sbu('index_class');
    p.stackGlobal('pandas', twin === 'cache-other' ? 'DataFrame' : 'Index')
      .setitem()
      .setitem();
    p.build().setitem().build();
    return p.stop().bytes();
  }
  it('as pandas writes it: passes', async () => {
    assert.deepEqual(await blocking('col.pkl', column('none')), []);
  });
  for (const [what, twin] of [
    ['a pyarrow_dtype that is not a pyarrow type', 'planted-type'],
    ['a key pandas does not write', 'extra-key'],
    ['a cached value other than index_class = Index', 'cache-other'],
    ["a storage other than 'pyarrow'", 'storage-other'],
  ] as const)
    it(`refused: ${what}`, async () => {
      const found = await blocking('col.pkl', column(twin));
      assert.ok(
        found.some((s) => s.includes('ArrowDtype')),
        found.join('\n') || 'no finding',
      );
    });
});
