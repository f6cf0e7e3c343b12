// Arrays numpy pickles with a list of items as their data (object arrays, structured arrays with an object field,
// numpy 2 StringDType arrays): numpy's ndarray.__setstate__ takes list item i for array item i without comparing the
// list's length with the shape, so a list shorter than the shape is reported (numpy-dtype.ts arrayListProblem). Real
// files of numpy 1.24 and 2.4.6 pass; their twins with the shape patched larger are refused, each shown by the real
// loader to die of SIGSEGV (scripts/fixtures/numpy-list-state.py, manifests beside the files).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/numpy-list-state/', import.meta.url);

const releases = readdirSync(DIR).filter((d) => d.startsWith('numpy-'));

describe('numpy arrays pickled with a list of items: real files pass, shorter lists are refused', () => {
  it('files of two numpy releases were made', () => {
    assert.deepEqual(releases.sort(), ['numpy-1.24.2', 'numpy-2.4.6']);
  });
  for (const release of releases) {
    const manifest = JSON.parse(readFileSync(new URL(`${release}/manifest.json`, DIR), 'utf8')) as {
      files: { file: string; expect: 'pass' | 'block'; load: string }[];
    };
    it(`${release}: the real loader loads every benign file and dies on every shorter list`, () => {
      assert.ok(manifest.files.length >= 6);
      for (const f of manifest.files)
        assert.match(f.load, f.expect === 'pass' ? /^loaded (ndarray|MaskedArray)/ : /killed by signal 11/, f.file);
    });
    for (const f of manifest.files)
      it(`${release}: ${f.expect}: ${f.file}`, async () => {
        const found = await blocking(f.file, readFileSync(new URL(`${release}/${f.file}`, DIR)));
        if (f.expect === 'pass') assert.deepEqual(found, []);
        else
          assert.ok(
            found.some((s) => /its data is a list of \d+ items for [1-9]\d* array items/.test(s)),
            found.join('\n') || 'nothing found',
          );
      });
  }
});

/** An object array of `shape` items as numpy writes it, its data list built by `items` (or read back from memo 9). */
function objectArray(shape: number, items: (p: P) => P, readBackList = false): Uint8Array {
  const p = new P().proto(4);
  if (readBackList) p.emptyList().binput(9).pop();
  p.stackGlobal('numpy.core.multiarray', '_reconstruct').stackGlobal('numpy', 'ndarray').int(0).tuple1();
  p.sbb(Uint8Array.of(0x62)).raw(0x87).reduce(); // TUPLE3
  p.mark().int(1).int(shape).tuple1();
  p.stackGlobal('numpy', 'dtype').sbu('O8').raw(0x89, 0x88).raw(0x87).reduce(); // NEWFALSE NEWTRUE TUPLE3
  p.mark().int(3).sbu('|').none().none().none().int(-1).int(-1).int(63).tuple().build();
  p.raw(0x89); // NEWFALSE
  if (readBackList) p.binget(9);
  else p.emptyList();
  p.mark();
  items(p);
  p.raw(0x65).tuple().build(); // APPENDS
  return p.stop().bytes();
}

describe('numpy.ma MaskedArray states: the fill value numpy converts', () => {
  // numpy 1.24's object MaskedArray, its seven-item state ending in the fill value: a numpy scalar, as numpy writes it.
  const real = readFileSync(new URL('numpy-1.24.2/masked_object.pkl', DIR));
  const end = real.length - 5; // the TUPLE closing the state, then BINPUT 37, BUILD, STOP
  it('the real file ends its state where the case below edits it', () => {
    assert.deepEqual([...real.subarray(end)], [0x74, 0x71, 37, 0x62, 0x2e]);
  });
  const CASES: [string, string, RegExp | undefined][] = [
    ['the fill value numpy wrote (a numpy scalar)', '', undefined],
    ['a str fill value', 'X\x01\x00\x00\x00?', undefined],
    ['a list holding a dict as the fill value', '](}e', /its fill value is not a Python scalar/],
    ['a dict as the fill value', '}', /its fill value is not a Python scalar/],
  ];
  for (const [name, fill, refused] of CASES)
    it(`${refused ? 'refuse' : 'pass'}: ${name}`, async () => {
      // POP the scalar numpy wrote, push the case's value instead.
      const edited =
        fill === ''
          ? real
          : Buffer.concat([real.subarray(0, end), Buffer.from(`0${fill}`, 'latin1'), real.subarray(end)]);
      const found = await blocking(name, edited);
      if (refused === undefined) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((x) => refused.test(x)),
          found.join('\n') || 'nothing found',
        );
    });
});

describe('numpy list states: case table', () => {
  const two = (p: P) => p.sbu('a').none();
  const CASES: { name: string; bytes: Uint8Array; refused?: RegExp }[] = [
    { name: 'two items for shape (2,)', bytes: objectArray(2, two) },
    { name: 'three items for shape (2,) (numpy ignores the extra one)', bytes: objectArray(2, (p) => two(p).int(3)) },
    { name: 'no item for shape (0,)', bytes: objectArray(0, (p) => p) },
    { name: 'two items for shape (3,)', bytes: objectArray(3, two), refused: /a list of 2 items for 3 array items/ },
    { name: 'no item for shape (1,)', bytes: objectArray(1, (p) => p), refused: /a list of 0 items for 1 array items/ },
    // The memo returns the list itself: the items appended through the read are counted on it.
    {
      name: 'two items appended to the list read back from the memo, for shape (2,)',
      bytes: objectArray(2, two, true),
    },
    {
      name: 'one item appended to the list read back from the memo, for shape (2,)',
      bytes: objectArray(2, (p) => p.sbu('a'), true),
      refused: /a list of 1 items for 2 array items/,
    },
  ];
  for (const k of CASES)
    it(`${k.refused ? 'refuse' : 'pass'}: ${k.name}`, async () => {
      const found = await blocking(k.name, k.bytes);
      if (k.refused === undefined) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((s) => k.refused!.test(s)),
          found.join('\n') || 'nothing found',
        );
    });
});
