// Public names pandas 3.0 gives its classes (set_module: pandas.DataFrame, pandas.DatetimeIndex,
// pandas.arrays.StringArray...) are read as the defining class (derived per release from pandas' source:
// scripts/data/derive-public-homes.py), so real pandas 3.0 DataFrame pickles pass with the defining class's admission,
// effect model and identity checks, while a name no release gives a class, or a DatetimeIndex slot holding another
// class, is still blocked. Fixtures: scripts/fixtures/pandas3-public.py (real pandas 3.0.6 output and byte twins).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { resolveImportName } from '../../../src/analyzers/pickle/names.js';
import homes from '../../../src/analyzers/pickle/data/public-homes.json' with { type: 'json' };
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = new URL('../../fixtures/pandas3-public/', import.meta.url);
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block'; what: string; signal?: string }[];
};

describe('pandas public homes: derived table', () => {
  const cases: [string, string, string][] = [
    ['pandas', 'DataFrame', 'pandas.core.frame.DataFrame'],
    ['pandas', 'DatetimeIndex', 'pandas.core.indexes.datetimes.DatetimeIndex'],
    ['pandas', 'Index', 'pandas.core.indexes.base.Index'],
    ['pandas', 'RangeIndex', 'pandas.core.indexes.range.RangeIndex'],
    ['pandas', 'StringDtype', 'pandas.core.arrays.string_.StringDtype'],
    ['pandas.arrays', 'StringArray', 'pandas.core.arrays.string_.StringArray'],
    ['pandas.arrays', 'DatetimeArray', 'pandas.core.arrays.datetimes.DatetimeArray'],
    ['pandas', 'Timestamp', 'pandas._libs.tslibs.timestamps.Timestamp'],
    // Not a public home: stays as written.
    ['pandas', 'DateFrame', 'pandas.DateFrame'],
    ['pandas', 'read_csv', 'pandas.read_csv'],
  ];
  for (const [module, name, canonical] of cases)
    it(`${module}.${name} -> ${canonical}`, () => {
      const imp = resolveImportName(module, name, 5);
      assert.equal(imp.canonical, canonical);
      assert.equal(imp.module, module);
      assert.equal(imp.name, name);
    });
  it('every public name was read from a pinned release that writes it', () => {
    const releases = new Set(homes.sources.map((s) => s.release));
    for (const [name, rec] of Object.entries(homes.names)) {
      assert.ok(rec.releases.length > 0 && rec.releases.every((r) => releases.has(r)), name);
      assert.ok(rec.class.startsWith('pandas.') && rec.class !== name, name);
    }
    assert.deepEqual(homes.names['pandas.arrays.StringArray'].releases, ['3.0.6']);
  });
});

describe('pandas public homes: pandas 3.0 pickles', () => {
  for (const f of manifest.files)
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanBytes(f.file, readFileSync(new URL(f.file, DIR)));
      const signals = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
      if (f.expect === 'pass') assert.deepEqual(signals, []);
      else
        assert.ok(
          signals.some((s) => s.includes(f.signal!)),
          signals.join('; '),
        );
    });
});
