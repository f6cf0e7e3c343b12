// scikit-learn's neighbour search trees and distance metrics at their module locations of 0.15 - 0.23
// (sklearn.neighbors.kd_tree / ball_tree / dist_metrics), admitted by the scikit-learn history pack from each
// version's binary_tree.pxi and dist_metrics.pyx (scripts/data/history/scikit-learn.py): their native __setstate__
// reads a tuple state at constant indices without a length check, so a BUILD is admitted only with a tuple every
// version in which the name resolves reads within its items (13 for a tree, 3 for a metric), whose items the hook
// converts to C numbers are numbers. Fixtures: scripts/fixtures/history-trees.py (the installed scikit-learn's trees,
// spelled at the old locations; each file's current-location twin loaded by the real loader, whose outcome the
// manifest records: a read past the items faults, a planted fractions.Fraction has its __int__/__float__ run).
// Two files keep the current locations (the installed names, whose number items scripts/data/derive-native-states.py
// finds by probing the hook): the same planted Fraction is blocked there too.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allowEntry } from '../../../src/rules/data/allowlist.js';
import { nativeStateHook } from '../../../src/analyzers/pickle/native-states.js';
import { itEachRealFixture, structAnomaly } from '../../scan/helpers/real-fixtures.js';

const DIR = new URL('../../fixtures/history-trees/', import.meta.url).pathname;

describe('scikit-learn <= 0.23 trees and metrics at their old locations (history pack, Cython source)', () => {
  itEachRealFixture(DIR, structAnomaly('NATIVE_STATE'));

  it('admits the names with the version range they resolve in, and the state the VM checks', () => {
    for (const name of ['sklearn.neighbors.kd_tree.KDTree', 'sklearn.neighbors.ball_tree.BinaryTree']) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.equal(e?.versions, 'scikit-learn 0.15.0 - 0.23.1', name);
      assert.equal(e?.calls, 'new', name);
      assert.deepEqual(nativeStateHook(name)?.lengths, [13], name);
      assert.deepEqual(nativeStateHook(name)?.numbers, [4, 5, 6, 7, 8, 9, 10], name);
    }
    assert.equal(allowEntry('sklearn.neighbors.kd_tree.newObj')?.kind, 'reconstructor');
    assert.deepEqual(nativeStateHook('sklearn.neighbors.dist_metrics.EuclideanDistance')?.lengths, [3]);
    assert.equal(allowEntry('sklearn.neighbors.dist_metrics.PyFuncDistance'), undefined);
  });
});
