// pandas 3.0 columns held by pyarrow (the default str dtype, string[pyarrow], ArrowExtensionArray of other Arrow
// types): their pickles rebuild each pyarrow array with pyarrow.lib._restore_array from the type, length, null count,
// offset, buffers, children and dictionary the stream gives, and pyarrow hands them to Arrow without validating them.
// The pyarrow pack admits the rebuild of text and fixed-width arrays that Arrow's full validation accepts, and the
// pandas pack pandas' ArrowStringArray, ArrowExtensionArray and ArrowDtype (docs/pyarrow-arrays.md): the real text
// and fixed-width columns pass; a column of a parameterised Arrow type (timestamps with a zone, lists, dictionaries)
// is reported on those names and on its _restore_array; a file that names no Arrow callable (a string[python] column: StringDtype('python',
// pandas.NA), pd.NA written under its public name) passes; and each hostile variant, whose effect the real loader
// shows (a crash, a read past a buffer), is blocked on _restore_array.
// Fixtures: scripts/fixtures/pandas3-arrow.py (real pandas 3.0.5 / pyarrow 25.0.0 output) and
// scripts/fixtures/pandas3-arrow-hostile.py (hostile ArrayData, proved with the real loader).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = new URL('../../fixtures/pandas3-arrow/', import.meta.url);
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block'; what: string; pyarrow_names?: string[]; load?: string }[];
};

/** The admitted pyarrow functions: a file of text, fixed-width and timestamp columns names no others. */
const ADMITTED = new Set([
  'pyarrow.lib._restore_array',
  'pyarrow.lib.py_buffer',
  'pyarrow.lib.type_for_alias',
  'pyarrow.lib.timestamp',
]);

/**
 * The names a file of pyarrow's other parameterised types is reported on: those types' constructors (not admitted),
 * pandas' Arrow-backed array and dtype holding them, and the admitted type constructors of the same columns.
 */
const ARROW_NAMES = new Set([
  'pandas.arrays.ArrowExtensionArray',
  'pandas.ArrowDtype',
  'pyarrow.lib.timestamp',
  'pyarrow.lib.list_',
  'pyarrow.lib.field',
  'pyarrow.lib.dictionary',
]);

interface Blocking {
  /** The name as the stream writes it (pandas 3.0's public name where it has one). */
  readonly name: string;
  readonly signal: string;
}

async function blocking(file: string): Promise<Blocking[]> {
  const r = await scanBytes(file, readFileSync(new URL(file, DIR)));
  return r.findings
    .filter((x) => BLOCKING.has(x.severity))
    .map((x) => {
      return { name: `${String(x.evidence.module)}.${String(x.evidence.name)}`, signal: x.evidence.signal };
    });
}

describe('pandas 3 Arrow-backed columns: real pandas 3.0.5 / pyarrow 25.0.0 pickles', () => {
  const real = manifest.files.filter((f) => f.expect === 'pass');
  it('the manifest holds every kind of file made', () => {
    assert.ok(real.length >= 36, `${real.length} real files`);
    for (const kind of ['_p2.pkl', '_p3.pkl', '_p4.pkl', '_p5.pkl', '_to_pickle.pkl', '.joblib'])
      assert.ok(real.filter((f) => f.file.endsWith(kind)).length >= 6, kind);
  });
  for (const f of real) {
    const other = (f.pyarrow_names ?? []).filter((n) => !ADMITTED.has(n));
    it(`${f.file}: ${other.length > 0 ? 'reported only on the Arrow names it is not admitted by' : 'passes'}`, async () => {
      const found = await blocking(f.file);
      if (other.length === 0) {
        assert.deepEqual(
          found.map((b) => b.signal),
          [],
        );
        return;
      }
      assert.ok(found.length > 0, 'a pandas 3 pickle of an ArrowExtensionArray column is reported');
      for (const b of found)
        assert.ok(ARROW_NAMES.has(b.name) || b.signal.includes('pyarrow.lib._restore_array'), `${b.name}: ${b.signal}`);
      // Every pyarrow callable the file names that is not admitted is among those reported.
      const reported = new Set(found.map((b) => b.name));
      for (const n of other) assert.ok(reported.has(n), `${n} is not reported`);
    });
  }
});

describe('pandas 3 Arrow-backed columns: hostile ArrayData', () => {
  const hostile = manifest.files.filter((f) => f.expect === 'block');
  it('the real loader shows each ArrayData variant doing something', () => {
    const shown = hostile.filter((f) => f.file !== 'hostile-extension-type.pkl');
    assert.ok(shown.length >= 7);
    assert.match(hostile.find((f) => f.file === 'hostile-missing-buffers.pkl')!.load!, /killed by signal 11/);
  });
  for (const f of hostile)
    it(`block: ${f.file} (${f.what})`, async () => {
      const found = await blocking(f.file);
      const want = f.file === 'hostile-extension-type.pkl' ? '__arrow_ext_deserialize__' : 'pyarrow.lib._restore_array';
      assert.ok(
        found.some((b) => b.name === want || b.signal.includes(want)),
        found.map((b) => b.signal).join('; '),
      );
    });
});
