// Outside pickles against argument handling, made by scripts/fixtures/redteam-s38.py and proved with the real
// pickle.load: (a) call argument lists that are objects (a namedtuple, tuple.__new__(tuple, list), NEWOBJ_EX keywords
// in a dict or an OrderedDict) carry arguments the VM did not read, so numpy.dtype compiled the stream's text and
// copyreg._reconstructor opened a path; (d) hashing the VM did not count: set(list), frozenset(list),
// OrderedDict(pairs) and OrderedDict(d) hash what they are given, every time the memo hands them the same list or
// dict, and a namedtuple hashes as the tuple its __new__ was given, so towers of shared tuples hang the load (CWE-400).
// Each "block" file is blocked with the anomaly of its mechanism; each benign twin passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exposure, hashCost } from '../../src/analyzers/pickle/load-cost.js';
import { K, type ListV, type ObjV, type PyVal, type TupleV } from '../../src/analyzers/pickle/values.js';
import {
  anomalyOf,
  assertPasses,
  fixtureDir,
  manifestFiles,
  scanFixture,
  type ProvedFixture,
} from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s38');

const fixtures = manifestFiles<ProvedFixture>(DIR);
const MECHANISM: Record<string, string> = {
  a1: 'OFF_SHAPE_CALL',
  a2: 'OFF_SHAPE_CALL',
  d1: 'LOAD_COST',
  d2: 'LOAD_COST',
  d3: 'LOAD_COST',
};

describe('outside pickles: object argument lists and hashing by calls', () => {
  it('has block files of every mechanism and benign twins', () => {
    for (const prefix of Object.keys(MECHANISM))
      assert.ok(
        fixtures.some((f) => f.file.startsWith(prefix)),
        prefix,
      );
    assert.ok(fixtures.filter((f) => f.expect === 'pass').length >= 3);
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file), 240);
      const { blocking, why } = scan;
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      const want = MECHANISM[f.file.slice(0, 2)]!;
      assert.ok(
        blocking.some((x) => anomalyOf(x) === want),
        `${f.file} is not blocked by ${want}:\n${why}`,
      );
    });
  }
});

describe('hash cost of what a call is given', () => {
  const tower = (depth: number): TupleV => {
    let t: TupleV = { k: K.Tuple, items: [], more: 0 };
    for (let i = 0; i < depth; i++) t = { k: K.Tuple, items: [t, t], more: 0 };
    return t;
  };
  const obj = (args: PyVal): ObjV => ({ k: K.Obj, callee: { k: K.Unknown }, args, call: undefined });

  it('a tower of shared tuples costs 2^depth', () => assert.ok(hashCost(tower(40)) > 2 ** 40));
  it('an instance built from a tuple hashes as that tuple (a namedtuple)', () => {
    let n: PyVal = { k: K.Tuple, items: [], more: 0 };
    for (let i = 0; i < 40; i++) n = obj({ k: K.Tuple, items: [n, n, { k: K.None }], more: 0 });
    assert.ok(hashCost(n) > 2 ** 40);
  });
  it('a list and a dict expose the cost they hold; flat values expose none', () => {
    const list: ListV = { k: K.List, cost: 12345 };
    assert.equal(exposure(list), 12345);
    assert.equal(exposure({ k: K.Dict, keys: [], vals: [], n: 0, keyCost: 77 }), 77);
    assert.equal(exposure({ k: K.Tuple, items: [1, 2, 3], more: 0 }), 0);
    assert.equal(exposure('text'), 0);
    assert.equal(exposure({ k: K.List }), 0);
  });
});
