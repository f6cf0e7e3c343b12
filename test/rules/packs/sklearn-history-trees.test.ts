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
import { nativeStateHook, nativeStateProblem } from '../../../src/analyzers/pickle/native-states.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { itEachRealFixture, structAnomaly } from '../../scan/helpers/real-fixtures.js';

const DIR = new URL('../../fixtures/history-trees/', import.meta.url).pathname;
/** A tuple of n numbers (a tree's int items are numbers; its arrays and metric are not checked for type). */
const tuple = (n: number): PyVal => ({ k: K.Tuple, items: Array.from({ length: n }, () => 0), more: 0 });

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

  // scikit-learn 0.15 - 0.19 write a 12-item tree state; 0.20 - 0.23 read 13 items with boundscheck=False. Debian
  // bullseye's 0.23.2 and Ubuntu focal's 0.22.2 die of SIGSEGV loading jpmml-sklearn's 12-item KD-trees (valgrind: an
  // invalid read 0 bytes past the tuple's 136-byte block; test/fixtures/real-world/loader-oracle.json), so the block
  // stands, and its evidence names both ranges from the derived data.
  it('a 12-item tree state is refused naming the versions that write it and those that read past it', () => {
    const cases: [string, number, RegExp | undefined][] = [
      ['sklearn.neighbors.kd_tree.BinaryTree', 13, undefined],
      [
        'sklearn.neighbors.kd_tree.BinaryTree',
        12,
        /a 12-item tuple, the state the library writes in 0\.15\.0 - 0\.19\.2, which the __setstate__ of 0\.20\.0 - 0\.23\.1 reads past \(it reads 13 items: item 12 is read from beyond the tuple's end with no IndexError, an out-of-bounds read\); the name resolves in 0\.15\.0 - 0\.23\.1/,
      ],
      [
        'sklearn.neighbors.ball_tree.BallTree',
        12,
        /0\.15\.0 - 0\.19\.2, which the __setstate__ of 0\.20\.0 - 0\.23\.1/,
      ],
      // A length no version writes: the general evidence.
      ['sklearn.neighbors.kd_tree.KDTree', 11, /writes a 13-item tuple in every version in which the name resolves/],
      ['sklearn.neighbors.kd_tree.KDTree', 14, /writes a 13-item tuple in every version in which the name resolves/],
      // The metrics' 3-item state is written and read alike by every version: no shorter state to name.
      ['sklearn.neighbors.dist_metrics.EuclideanDistance', 2, /writes a 3-item tuple in every version/],
    ];
    for (const [name, n, want] of cases) {
      const got = nativeStateProblem(name, tuple(n));
      if (want === undefined) assert.equal(got, undefined, `${name} ${n}`);
      else assert.match(got ?? '', want, `${name} ${n}`);
    }
    assert.equal(nativeStateHook('sklearn.neighbors.dist_metrics.EuclideanDistance')?.short, undefined);
  });
});
