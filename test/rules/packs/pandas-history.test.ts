// The pandas history pack (scripts/data/history/pandas.py, derived by scripts/data/derive-history.py pandas): offsets
// of pandas 0.10 - 1.0 pass in the shape those versions wrote them, each naming the pack and the version range, and
// the same classes with a state that plants a callable under a name their old hooks call on the instance (after
// `self.__dict__ = state`) are blocked by the effect model the derivation writes (history-effects-pandas.json).
// pandas.core.index's Index classes of 0.13 - 0.17 pass as pandas 0.13 - 0.14 wrote them (numpy's _reconstruct), and
// are blocked when the stream calls them or gives them a dict state (a setattr of every key).
// pandas.core.index._new_Index (0.15 - 0.17; the 0.25 - 1.5 re-export) passes the VM's check only in the shape Index's
// reduce wrote ((Index|Int64Index|Float64Index, {'data': ndarray, 'name': scalar})): a tz keyword (DatetimeIndex opens
// dateutil/<path>), another class, or data that is not an ndarray is reported as the open it can make.
// Fixtures: scripts/fixtures/history-pandas.py (each block case names the old hook it targets).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classHookSinks } from '../../../src/analyzers/pickle/callable-effects.js';
import { allowEntry, refusedBy } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = new URL('../../fixtures/history-pandas/', import.meta.url);
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const NEW_INDEX = 'pandas.core.index._new_Index';
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block' | 'shape'; what: string; hook?: string; signal?: string }[];
};

describe('pandas history pack: old offsets', () => {
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanBytes(f.file, readFileSync(new URL(f.file, DIR)));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'shape') {
        // In the shape pandas wrote: the VM's shape check of pandas.core.index._new_Index passes it, so nothing but
        // the name's own admission decides (it passes once the history pack admits the name).
        const expected = allowEntry(NEW_INDEX)
          ? []
          : [`GLOBAL imports ${NEW_INDEX}: not in the trusted ML allowlist; invoked by REDUCE`];
        assert.deepEqual(
          blocking.map((x) => x.evidence.signal),
          expected,
        );
        return;
      }
      if (f.expect === 'pass') {
        assert.deepEqual(
          blocking.map((x) => x.evidence.signal),
          [],
        );
        const admitted = r.pickles.flatMap((p) => p.admitted ?? []).filter((a) => a.name.startsWith('pandas.'));
        assert.ok(admitted.length > 0);
        for (const a of admitted)
          assert.match(
            a.versions ?? '',
            a.name.startsWith('pandas.core.index.')
              ? /^pandas v0\.10\.0 - 1\.5\.0rc0$/
              : /^pandas v0\.1\d\.0 - v1\.0\.5$/,
            a.name,
          );
      } else if (f.signal !== undefined) {
        assert.ok(
          blocking.some((x) => x.evidence.signal.includes(f.signal!)),
          blocking.map((x) => x.evidence.signal).join('; '),
        );
      } else {
        assert.ok(
          blocking.some((x) => x.ruleId === 'PICKLE-EXEC' && x.evidence.signal.includes('dateutil.tz.tz.tzfile')),
          blocking.map((x) => x.evidence.signal).join('; '),
        );
      }
    });
  }
  it('the entries are admitted only through __new__ and name their versions', () => {
    const e = allowEntry('pandas.tseries.offsets.CustomBusinessDay');
    assert.equal(e?.source, 'pandas');
    assert.equal(e?.calls, 'new');
    assert.equal(e?.versions, 'pandas v0.12.0 - v1.0.5');
  });
  it('every admitted old offset has an effect model for its state hook', () => {
    for (const n of ['BusinessDay', 'CustomBusinessDay', 'Day', 'Week', 'FY5253', 'BusinessHour']) {
      const name = `pandas.tseries.offsets.${n}`;
      assert.ok(allowEntry(name), name);
      assert.ok(classHookSinks(name, 'setstate'), `${name}: no __setstate__ model`);
      assert.ok(classHookSinks(name, 'hash'), `${name}: no __hash__ model`);
    }
  });
  it("pandas.core.index's Index classes are admitted only as references, in every version they resolve in", () => {
    for (const n of ['Index', 'Int64Index', 'Float64Index']) {
      const e = allowEntry(`pandas.core.index.${n}`);
      assert.equal(e?.source, 'pandas', n);
      assert.equal(e?.calls, 'none', n);
      // pandas 0.10 - 0.12 (read as their use_2to3 builds installed them) and 0.18 - 0.24 (a star import re-exports
      // them) resolve them too.
      assert.equal(e?.versions, `pandas v0.1${n === 'Float64Index' ? 3 : 0}.0 - 1.5.0rc0`, n);
    }
  });
  it("the review refuses no name its legacy pickles hold, and Series carries every version's checks", () => {
    for (const n of ['pandas.core.series.TimeSeries', 'pandas.sparse.series.SparseTimeSeries'])
      assert.equal(refusedBy(n), undefined, n);
    assert.equal(allowEntry('pandas.core.series.Series')?.versions, 'pandas 1.5.3; pandas v0.10.0 - 3.0.dev');
  });
  it('the legacy names are admitted with the version range they resolve in (pandas-s41.test.ts holds their twins)', () => {
    const want: Record<string, string> = {
      'pandas.core.internals.BlockManager': 'pandas v0.10.0 - 3.0.dev',
      'pandas.core.internals.SingleBlockManager': 'pandas v0.13.0 - 3.0.dev',
      'pandas.core.panel.Panel': 'pandas v0.10.0 - v0.24.2',
      'pandas.core.index.MultiIndex': 'pandas v0.10.0 - 1.5.0rc0',
    };
    for (const [n, versions] of Object.entries(want)) {
      const e = allowEntry(n);
      assert.equal(e?.source, 'pandas', n);
      assert.equal(e?.versions, versions, n);
    }
  });
});
