// Names scikit-learn >= 1.3 pickles that the installed version (1.2.1) does not define, admitted by the scikit-learn
// history pack (scripts/data/history/scikit-learn.py):
// - the 64-bit distance metrics of 1.3 on (sklearn.metrics._dist_metrics.EuclideanDistance64, ...), read from each
//   version's _dist_metrics.pyx.tp rendering: their native __setstate__ reads a 3-item tuple state without a length
//   check and converts item 0 to a C double, which the VM checks (native-states.ts); MahalanobisDistance64's own
//   __setstate__ runs the base's first, so it is held to the same state;
// - ColumnTransformer's _RemainderColsList of 1.5 - 1.6 (a collections.UserList): NEWOBJ and a BUILD of its __dict__,
//   never list items, which UserList's extend/append would hand to the pickled `data` object (HistoryCheck "items").
// Fixtures: scripts/fixtures/history-sklearn13.py (the installed library's metrics spelled as 1.3 names them, loaded
// by the real loader at the installed names; the remainder list built from the real files' structure), each shape
// with an off-shape twin that stays blocked.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { nativeStateHook } from '../../../src/analyzers/pickle/native-states.js';
import { allowEntry } from '../../../src/rules/data/allowlist.js';
import { itEachRealFixture, structAnomaly } from '../../scan/helpers/real-fixtures.js';

const DIR = new URL('../../fixtures/history-sklearn13/', import.meta.url).pathname;

describe('scikit-learn >= 1.3 names (history pack)', () => {
  itEachRealFixture(DIR, (x, f) => structAnomaly(f.caught)(x));

  it('admits the 64-bit metrics of 1.3 on with the state the VM checks, and not PyFuncDistance64', () => {
    for (const name of [
      'sklearn.metrics._dist_metrics.EuclideanDistance64',
      'sklearn.metrics._dist_metrics.MahalanobisDistance64',
    ]) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.match(e?.versions ?? '', /^scikit-learn 1\.3\.0 - /, name);
      assert.equal(e?.calls, 'new', name);
      assert.deepEqual(nativeStateHook(name)?.lengths, [3], name);
      assert.deepEqual(nativeStateHook(name)?.numbers, [0], name);
    }
    assert.equal(allowEntry('sklearn.metrics._dist_metrics.PyFuncDistance64'), undefined);
  });

  it('admits _RemainderColsList in 1.5 - 1.6 only, without items', () => {
    const e = allowEntry('sklearn.compose._column_transformer._RemainderColsList');
    assert.equal(e?.versions, 'scikit-learn 1.5.0 - 1.6.1');
    assert.equal(e?.calls, 'new');
  });
});
