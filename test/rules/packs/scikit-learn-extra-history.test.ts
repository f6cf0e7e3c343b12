// scikit-learn-extra: fitted estimators written by two released versions built from source
// (scripts/fixtures/scikit-learn-extra-real.py) pass, admitted by the history pack. The case table's streams are built
// in the test to mirror what pickle.dump of a fitted estimator writes (every estimator is a scikit-learn BaseEstimator with no rebuild hook of its
// own: NEWOBJ of the class, then BUILD of its __dict__, the fields its __init__ and fit set, numpy arrays by
// numpy.core.multiarray._reconstruct). Benign estimators pass, admitted by the scikit-learn-extra history pack; their
// hostile twins are blocked: a call planted as a fitted field, a callable where the library stores data, a planted
// hook attribute, and names of the library the pack does not admit (its Cython loss classes, which fit builds and never
// stores, and a helper function).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { arr, bool, estimator, f, n, none, object, s, type Field } from '../../helpers/estimator-streams.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);

const KM = 'sklearn_extra.cluster._k_medoids';
// KMedoids (0.3.0): __init__ stores n_clusters, metric, method, init, max_iter, random_state; fit sets n_features_in_
// (scikit-learn's _validate_data), n_iter_, cluster_centers_, labels_, medoid_indices_, inertia_.
const kmedoids: [string, Field][] = [
  ['n_clusters', n(3)],
  ['metric', s('euclidean')],
  ['method', s('alternate')],
  ['init', s('heuristic')],
  ['max_iter', n(300)],
  ['random_state', none],
  ['n_features_in_', n(2)],
  ['n_iter_', n(4)],
  ['cluster_centers_', arr('f8', 3, 2)],
  ['labels_', arr('i8', 10)],
  ['medoid_indices_', arr('i8', 3)],
  ['inertia_', f(0)],
];
// CLARA (0.3.0): KMedoids' fields plus n_sampling and n_sampling_iter.
const clara: [string, Field][] = [...kmedoids, ['n_sampling', none], ['n_sampling_iter', n(5)]];
// CommonNNClustering (0.2.0 on): eps, min_samples, metric, metric_params, algorithm, leaf_size, p, n_jobs; fit sets
// labels_.
const commonnn: [string, Field][] = [
  ['eps', f(0.5)],
  ['min_samples', n(5)],
  ['metric', s('euclidean')],
  ['metric_params', none],
  ['algorithm', s('auto')],
  ['leaf_size', n(30)],
  ['p', none],
  ['n_jobs', none],
  ['labels_', arr('i8', 10)],
];
// Fastfood (every release): sigma, n_components, random_state, tradeoff_mem_accuracy; fit sets n_features_in_, the
// padding sizes, the projection arrays _G, _B, _P, _S, _U and is_fitted_.
const fastfood: [string, Field][] = [
  ['sigma', f(1)],
  ['n_components', n(8)],
  ['random_state', none],
  ['tradeoff_mem_accuracy', s('accuracy')],
  ['n_features_in_', n(5)],
  ['_d', n(8)],
  ['_times_to_stack_v', n(1)],
  ['_number_of_features_to_pad_with_zeros', n(3)],
  ['_G', arr('f8', 1, 8)],
  ['_B', arr('f8', 1, 8)],
  ['_P', arr('i8', 1, 8)],
  ['_S', arr('f8', 1, 8)],
  ['_U', arr('f8', 8)],
  ['is_fitted_', bool(true)],
];
const ROBUST = 'sklearn_extra.robust.robust_weighted_estimator';
const HELPER = 'sklearn_extra.robust._robust_weighted_estimator_helper';
// RobustWeightedKMeans (0.2.0 on): its parameters; fit sets base_estimator_, a fitted _RobustWeightedEstimator (its
// parameters, among them loss=_kmeans_loss, the library's k-means loss stored by name, and its weights_), then
// cluster_centers_, n_iter_, labels_, inertia_ and weights_. (The wrapped scikit-learn MiniBatchKMeans, judged by the
// scikit-learn pack, is left out.)
const robustParams: [string, Field][] = [
  ['weighting', s('huber')],
  ['max_iter', n(100)],
  ['c', none],
  ['k', n(0)],
  ['tol', f(0)],
  ['n_iter_no_change', n(10)],
  ['verbose', n(0)],
  ['random_state', none],
];
const inner = (loss: Field): Field =>
  object(ROBUST, '_RobustWeightedEstimator', [...robustParams, ['loss', loss], ['weights_', arr('f8', 10)]]);
const robustKMeans = (loss: Field = (p) => p.stackGlobal(HELPER, '_kmeans_loss')): [string, Field][] => [
  ['n_clusters', n(3)],
  ...robustParams,
  ['kmeans_args', none],
  ['base_estimator_', inner(loss)],
  ['cluster_centers_', arr('f8', 3, 2)],
  ['n_iter_', n(1000)],
  ['labels_', arr('i8', 10)],
  ['inertia_', f(0)],
  ['weights_', arr('f8', 10)],
];
const cases: [string, boolean, () => Uint8Array, RegExp?][] = [
  ['a fitted KMedoids passes', false, () => estimator(KM, 'KMedoids', kmedoids)],
  ['a fitted CLARA passes', false, () => estimator(KM, 'CLARA', clara)],
  [
    'a fitted CommonNNClustering passes',
    false,
    () => estimator('sklearn_extra.cluster._commonnn', 'CommonNNClustering', commonnn),
  ],
  [
    'a fitted Fastfood passes',
    false,
    () => estimator('sklearn_extra.kernel_approximation._fastfood', 'Fastfood', fastfood),
  ],
  ['a fitted RobustWeightedKMeans passes', false, () => estimator(ROBUST, 'RobustWeightedKMeans', robustKMeans())],
  [
    'a KMedoids whose cluster_centers_ is a call of os.system is blocked',
    true,
    () =>
      estimator(KM, 'KMedoids', [
        ...kmedoids.filter(([k]) => k !== 'cluster_centers_'),
        ['cluster_centers_', (p) => p.call('os', 'system', 'id')],
      ]),
    /PICKLE-EXEC/,
  ],
  [
    "a KMedoids whose metric is subprocess.Popen (a callable where the library's pickles hold a name) is blocked",
    true,
    () =>
      estimator(KM, 'KMedoids', [
        ...kmedoids.filter(([k]) => k !== 'metric'),
        ['metric', (p) => p.stackGlobal('subprocess', 'Popen')],
      ]),
  ],
  [
    "a KMedoids given a planted '__reduce_ex__' attribute holding subprocess.Popen is blocked",
    true,
    () => estimator(KM, 'KMedoids', [...kmedoids, ['__reduce_ex__', (p) => p.stackGlobal('subprocess', 'Popen')]]),
  ],
  [
    'a RobustWeightedKMeans whose loss is subprocess.Popen where the library stores its k-means loss is blocked',
    true,
    () =>
      estimator(
        ROBUST,
        'RobustWeightedKMeans',
        robustKMeans((p) => p.stackGlobal('subprocess', 'Popen')),
      ),
  ],
  [
    'a RobustWeightedKMeans whose k-means loss is called by the stream is blocked',
    true,
    () =>
      estimator(
        ROBUST,
        'RobustWeightedKMeans',
        robustKMeans((p) => p.stackGlobal(HELPER, '_kmeans_loss').emptyList().emptyList().tuple2().reduce()),
      ),
  ],
  [
    'a Cython loss class of the library (built in fit, never stored) is not admitted',
    true,
    () =>
      new P()
        .proto(4)
        .stackGlobal(HELPER, 'Huber')
        .op(Op.BINFLOAT, new Uint8Array([0x3f, 0xf5, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]))
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
    /PICKLE-GLOBAL-IMPORT/,
  ],
  [
    "a library function (the robust module's _huber_psisx) is not admitted",
    true,
    () => estimator(KM, 'KMedoids', [...kmedoids, ['metric', (p) => p.stackGlobal(ROBUST, '_huber_psisx')]]),
    /PICKLE-GLOBAL-IMPORT/,
  ],
];

describe('scikit-learn-extra history pack: estimators as the released versions pickle them', () => {
  for (const [what, blocked, write, rule] of cases) {
    it(what, async () => {
      const r = await scanBytes('model.pkl', write());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      const seen = JSON.stringify(r.findings.map((x) => [x.ruleId, x.severity, x.evidence.signal]));
      assert.equal(blocking.length > 0, blocked, seen);
      if (rule !== undefined)
        assert.ok(
          blocking.some((x) => rule.test(x.ruleId)),
          seen,
        );
      if (!blocked)
        assert.ok(
          r.pickles.flatMap((x) => x.admitted ?? []).some((a) => a.pack === 'scikit-learn-extra'),
          JSON.stringify(r.pickles.flatMap((x) => x.admitted ?? [])),
        );
    });
  }
});

const ROOT = new URL('../../fixtures/real-scikit-learn-extra/', import.meta.url).pathname;
interface Row {
  readonly file: string;
  readonly version: string;
  readonly model: string;
  readonly sha256: string;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { files: Row[] };

describe('scikit-learn-extra: real output of released versions', () => {
  it('holds two versions, KMedoids and the robust k-means in each', () => {
    const versions = [...new Set(manifest.files.map((x) => x.version))].sort();
    assert.deepEqual(versions, ['v0.2.0', 'v0.3.0']);
    for (const v of versions)
      for (const m of ['kmedoids', 'robust-kmeans'])
        assert.ok(
          manifest.files.some((x) => x.version === v && x.model === m),
          `${v} ${m}`,
        );
  });
  for (const row of manifest.files)
    it(`${row.file} passes`, async () => {
      const bytes = readFileSync(join(ROOT, row.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), row.sha256);
      const r = await scanBytes(row.file, bytes);
      assert.deepEqual(
        r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence),
        [],
      );
      assert.ok(r.pickles.flatMap((x) => x.admitted ?? []).some((a) => a.pack === 'scikit-learn-extra'));
    });
});
