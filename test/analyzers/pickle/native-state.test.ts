// Native __setstate__ hooks that read their tuple state's items without a length check (scikit-learn's
// DistanceMetric and BinaryTree, compiled with boundscheck=False): a state the library never writes makes the real
// loader read past the items and fault (the oracle fuzzer's crashing programs of seed 20261125). Such a BUILD is
// PICKLE-STRUCT NATIVE_STATE; scikit-learn's own pickles of the same classes pass. Fixtures:
// scripts/fixtures/native-state.py (each blocked file killed its pickle.loads child with a signal, each twin loaded);
// facts: scripts/data/derive-native-states.py.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { itEachRealFixture, realFixtures, structAnomaly } from '../../scan/helpers/real-fixtures.js';
import { nativeStateHook, nativeStateProblem } from '../../../src/analyzers/pickle/native-states.js';
import { K, type PyVal } from '../../../src/analyzers/pickle/values.js';

const DIR = new URL('../../fixtures/native-state/', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const tuple = (n: number, more = 0): PyVal => ({ k: K.Tuple, items: Array.from({ length: n }, () => 0), more });

describe('native __setstate__ given a state its library never writes', () => {
  itEachRealFixture(DIR, structAnomaly('NATIVE_STATE'));

  it('the real loader faults on every blocked file and loads every twin (where /usr/bin/python3 has scikit-learn)', (t) => {
    const probe = spawnSync(PYTHON, ['-c', 'import sklearn.metrics._dist_metrics'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip('no scikit-learn under /usr/bin/python3');
      return;
    }
    const files = realFixtures(DIR);
    // The children are forked after the fixtures' modules are imported (each child would otherwise import
    // scikit-learn anew): the faults are the hooks' reads past the state's items, not anything an import does.
    const script = [
      'import os, pickle, signal, sys',
      'import sklearn.metrics._dist_metrics, sklearn.neighbors._ball_tree, sklearn.neighbors._kd_tree',
      'for path in sys.argv[1:]:',
      '    pid = os.fork()',
      '    if pid == 0:',
      '        try:',
      '            pickle.loads(open(path, "rb").read())',
      '        finally:',
      '            os._exit(0)',
      '    _, st = os.waitpid(pid, 0)',
      '    print("signal" if os.WIFSIGNALED(st) else "ok")',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, ...files.map((f) => join(DIR, f.file))], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const seen = r.stdout.trim().split('\n');
    assert.deepEqual(
      seen,
      files.map((f) => (f.expect === 'block' ? 'signal' : 'ok')),
    );
  });

  it('admits a tuple of a length the library writes, and nothing else, for a class with a trusting hook', () => {
    const c = 'sklearn.metrics._dist_metrics.EuclideanDistance';
    assert.deepEqual(nativeStateHook(c)?.lengths, [3]);
    assert.equal(nativeStateProblem(c, tuple(3)), undefined);
    assert.equal(nativeStateProblem(c, tuple(1, 2)), undefined, 'items beyond the kept prefix count');
    for (const s of [tuple(0), tuple(2), tuple(4), { k: K.List } as PyVal, { k: K.Unknown } as PyVal, 'x', 7]) {
      assert.match(nativeStateProblem(c, s) ?? '', /without a length check/, JSON.stringify(s));
    }
    assert.equal(nativeStateProblem('sklearn.neighbors._ball_tree.BallTree', tuple(13)), undefined);
    assert.ok(nativeStateProblem('sklearn.neighbors._ball_tree.BallTree', tuple(12)));
    // A class whose hook checks its input (or is Python code) has no fact.
    assert.equal(nativeStateHook('collections.OrderedDict'), undefined);
    assert.equal(nativeStateProblem('collections.OrderedDict', tuple(0)), undefined);
  });
});
