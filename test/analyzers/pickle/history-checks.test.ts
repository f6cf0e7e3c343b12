// The VM checks the pandas history pack admits its legacy names under: the `frame-state` shape of a
// frame or panel BUILD state, and what the `any` sink counts as called in a value (class-sinks.ts).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { frameStateProblem, strayCallable } from '../../../src/analyzers/pickle/class-sinks.js';
import { K, NONE, type PyVal } from '../../../src/analyzers/pickle/values.js';

const glob = (canonical: string): PyVal =>
  ({ k: K.Global, imp: { module: canonical.slice(0, canonical.lastIndexOf('.')), name: '', canonical } }) as PyVal;
/** An instance made by NEWOBJ of `cls`, with the BUILD state `state`. */
const inst = (cls: string, state?: PyVal): PyVal =>
  ({
    k: K.Obj,
    callee: glob(cls),
    args: { k: K.Tuple, items: [], more: 0 },
    call: { kind: 'NEWOBJ' },
    ...(state === undefined ? {} : { state }),
  }) as unknown as PyVal;
const dict = (entries: [PyVal, PyVal][], more = 0): PyVal => ({
  k: K.Dict,
  keys: entries.map((e) => e[0]),
  vals: entries.map((e) => e[1]),
  n: entries.length + more,
});
const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
const list = (...objs: PyVal[]): PyVal => ({ k: K.List, objs });

describe('frame-state: the BUILD states pandas wrote for a frame or panel', () => {
  const cases: [string, PyVal, RegExp | undefined][] = [
    ['a block manager object (0.10 - 0.12)', inst('pandas.core.internals.BlockManager'), undefined],
    ['the current manager name', inst('pandas.core.internals.managers.BlockManager'), undefined],
    [
      'a dict with a str _typ (0.13 on)',
      dict([
        ['_typ', 'panel'],
        ['_data', inst('pandas.core.internals.BlockManager')],
      ]),
      undefined,
    ],
    ['an object of another class', inst('argparse.Namespace'), /other than a pandas block manager/],
    ['a legacy 4-tuple', tuple('a', 'b', 'c', 'd'), /tuple/],
    ['a dict without _typ (0.13 - 0.20 Series)', dict([['_data', NONE]]), undefined],
    ['a dict whose _typ is not a str', dict([['_typ', NONE]]), /'_typ' is not a str/],
    ['a series tuple of 0.10 - 0.12', tuple(tuple(1, 'b'), tuple(NONE, 'name')), undefined],
    ['a 2-tuple whose item 0 is a dict', tuple(dict([['a', 1]]), tuple()), /2-item tuple/],
    ['a sparse-frame 5-tuple with a non-index columns', tuple(dict([]), 'cols', 'idx', 1, 'block'), /5-item tuple/],
    [
      'a key that is no identifier',
      dict([
        ['_typ', 'panel'],
        ['cos\nsystem\n', NONE],
      ]),
      /not a Python identifier/,
    ],
    ['a dict with entries not kept', dict([['_typ', 'panel']], 3), /did not keep/],
    ['a str', 'panel', /str/],
  ];
  for (const [name, state, problem] of cases) {
    it(name, () => {
      const p = frameStateProblem(state);
      if (problem === undefined) assert.equal(p, undefined, p);
      else assert.match(p ?? '', problem);
    });
  }
});

describe('the any sink: what a state holds that library code could call', () => {
  const booster = glob('xgboost.core.Booster');
  const cases: [string, PyVal, RegExp | undefined][] = [
    ['plain data', tuple(list(), dict([['a', 1]]), 'x'), undefined],
    ['an instance with a data state', tuple(inst('argparse.Namespace', dict([['n', 1]]))), undefined],
    ['a class in a tuple', tuple(1, booster), /xgboost\.core\.Booster/],
    [
      'a class planted on an object in a list',
      tuple(list(inst('argparse.Namespace', dict([['to_numpy', booster]])))),
      /Booster/,
    ],
    [
      'a class two objects deep in BUILD states',
      dict([['blocks', list(inst('a.B', dict([['v', inst('a.C', tuple(dict([['f', booster]])))]])))]]),
      /Booster/,
    ],
    ['a lost value', tuple({ k: K.Unknown }), /unknown/],
    ['a long int (not callable)', tuple({ k: K.Unknown, bits: 4096 }), undefined],
    ['a list whose objects were not all kept', { k: K.List, objs: [], objsLost: true }, /not kept/],
  ];
  for (const [name, v, problem] of cases) {
    it(name, () => {
      const p = strayCallable(v);
      if (problem === undefined) assert.equal(p, undefined, p);
      else assert.match(p ?? '', problem);
    });
  }
});
