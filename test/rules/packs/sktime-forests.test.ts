// sktime's interval forests (TimeSeriesForestClassifier and the other forests built on scikit-learn's ForestClassifier,
// ForestRegressor and BaseForest, whose hooks the scikit-learn history pack reviews in every release) as a user pickles
// them: a scikit-learn Pipeline of sktime's ColumnConcatenator and a fitted TimeSeriesForestClassifier, each object
// NEWOBJ of its class then BUILD of its __dict__ (the fields the real pickles of public projects hold: the forest's
// parameters, an unfitted DecisionTreeClassifier as base_estimator, the fitted trees in estimators_, the intervals as
// numpy arrays, sktime's _is_fitted and _tags_dynamic). The stream passes; its hostile twins are blocked.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { arr, bool, dict, f, list, n, none, object, s, tuple, type Field } from '../../helpers/estimator-streams.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const TSF = 'sktime.classification.interval_based._tsf';

const tree = (): Field =>
  object('sklearn.tree._classes', 'DecisionTreeClassifier', [
    ['criterion', s('entropy')],
    ['splitter', s('best')],
    ['max_depth', none],
    ['min_samples_split', n(2)],
    ['min_samples_leaf', n(1)],
    ['min_weight_fraction_leaf', f(0)],
    ['max_features', none],
    ['max_leaf_nodes', none],
    ['random_state', none],
    ['min_impurity_decrease', f(0)],
    ['class_weight', none],
    ['ccp_alpha', f(0)],
    ['_sklearn_version', s('0.24.2')],
  ]);

type Forest = [string, Field][];
const forest = (): Forest => [
  ['base_estimator', tree()],
  ['n_estimators', n(2)],
  [
    'estimator_params',
    tuple(...['criterion', 'max_depth', 'min_samples_split', 'min_samples_leaf', 'max_features'].map(s)),
  ],
  ['bootstrap', bool(false)],
  ['oob_score', bool(false)],
  ['n_jobs', none],
  ['random_state', none],
  ['verbose', n(0)],
  ['warm_start', bool(false)],
  ['class_weight', none],
  ['max_samples', none],
  ['min_interval', n(3)],
  ['n_classes', n(2)],
  ['series_length', n(20)],
  ['n_intervals', n(4)],
  ['estimators_', list(tree(), tree())],
  ['intervals_', list(arr('i8', 4, 2), arr('i8', 4, 2))],
  ['classes_', arr('i8', 2)],
  ['n_classes_', n(2)],
  ['_is_fitted', bool(true)],
  ['_tags_dynamic', dict()],
];

const replace = (fields: Forest, key: string, value: Field): Forest =>
  fields.map(([k, v]) => [k, k === key ? value : v]);

/** sklearn.pipeline.Pipeline([('concatenate', ColumnConcatenator()), ('classify', <the forest>)]). */
function pipeline(classify: Field): Uint8Array {
  const concatenate = object('sktime.transformations.panel.compose', 'ColumnConcatenator', [
    ['_is_fitted', bool(true)],
    ['_tags_dynamic', dict()],
  ]);
  return object('sklearn.pipeline', 'Pipeline', [
    ['steps', list(tuple(s('concatenate'), concatenate), tuple(s('classify'), classify))],
    ['memory', none],
    ['verbose', bool(false)],
  ])(new P().proto(3))
    .stop()
    .bytes();
}

const cases: [string, boolean, () => Uint8Array][] = [
  [
    'a Pipeline of ColumnConcatenator and a fitted TimeSeriesForestClassifier passes',
    false,
    () => pipeline(object(TSF, 'TimeSeriesForestClassifier', forest())),
  ],
  [
    'a fitted TimeSeriesForestRegressor passes',
    false,
    () => pipeline(object('sktime.regression.interval_based._tsf', 'TimeSeriesForestRegressor', forest())),
  ],
  [
    'a fitted SupervisedTimeSeriesForest passes',
    false,
    () => pipeline(object('sktime.classification.interval_based._stsf', 'SupervisedTimeSeriesForest', forest())),
  ],
  [
    'a TimeSeriesForestClassifier whose intervals_ hold a call of os.system is blocked',
    true,
    () =>
      pipeline(
        object(
          TSF,
          'TimeSeriesForestClassifier',
          replace(
            forest(),
            'intervals_',
            list((p) => p.call('os', 'system')),
          ),
        ),
      ),
  ],
  [
    'a TimeSeriesForestClassifier whose base_estimator is subprocess.Popen (a callable where sktime stores a tree) is blocked',
    true,
    () =>
      pipeline(
        object(
          TSF,
          'TimeSeriesForestClassifier',
          replace(forest(), 'base_estimator', (p) => p.stackGlobal('subprocess', 'Popen')),
        ),
      ),
  ],
  [
    "a TimeSeriesForestClassifier given a planted '__reduce_ex__' attribute holding subprocess.Popen is blocked",
    true,
    () =>
      pipeline(
        object(TSF, 'TimeSeriesForestClassifier', [
          ...forest(),
          ['__reduce_ex__', (p) => p.stackGlobal('subprocess', 'Popen')],
        ]),
      ),
  ],
  [
    'a TimeSeriesForestClassifier called with arguments (its __init__ would run) is blocked',
    true,
    () => pipeline((p) => p.stackGlobal(TSF, 'TimeSeriesForestClassifier').none().int(2).tuple2().reduce()),
  ],
  [
    'a KNeighborsTimeSeriesClassifier (its scikit-learn base is not followed) is not admitted',
    true,
    () =>
      pipeline(
        object('sktime.classification.distance_based._time_series_neighbors', 'KNeighborsTimeSeriesClassifier', [
          ['n_neighbors', n(1)],
        ]),
      ),
  ],
];

describe('sktime interval forests on scikit-learn forest bases', () => {
  for (const [what, blocked, write] of cases) {
    it(what, async () => {
      const r = await scanBytes('clf.pkl', write());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      const seen = JSON.stringify(r.findings.map((x) => [x.ruleId, x.severity, x.evidence.signal]));
      assert.equal(blocking.length > 0, blocked, seen);
      if (!blocked)
        assert.ok(
          r.pickles.flatMap((x) => x.admitted ?? []).some((a) => a.pack === 'sktime' && /Forest/.test(a.name)),
          JSON.stringify(r.pickles.flatMap((x) => x.admitted ?? [])),
        );
    });
  }
});
