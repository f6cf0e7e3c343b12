// Classes the packs admit only in the shape their library writes: the library's own pickles pass the default gate,
// the same class given attacker-shaped arguments or state is PICKLE-EXEC naming the call its hook makes. Fixtures:
// scripts/fixtures/shape-admissions.py (CPython's pickler; each fixture's effect proven once with the real loader).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { itEachRealFixture } from './helpers/real-fixtures.js';
import { callHookProblem } from '../../src/analyzers/pickle/call-hooks.js';
import { K, NONE, type PyVal } from '../../src/analyzers/pickle/values.js';

const DIR = new URL('../fixtures/shape/', import.meta.url).pathname;

describe('shape-limited admissions on real pickles', () => {
  itEachRealFixture(DIR, (x, f) => x.ruleId === 'PICKLE-EXEC' && x.evidence.signal.includes(f.caught));
});

describe('tzfile argument shape', () => {
  const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  const cases: [string, PyVal | undefined, boolean][] = [
    ['(None, filename) as dateutil writes it', tuple(NONE, '/usr/share/zoneinfo/UTC'), true],
    ['(None,)', tuple(NONE), true],
    ['(None, None)', tuple(NONE, NONE), true],
    ['(None, a long str)', tuple(NONE, { k: K.Str, off: 0, len: 300, utf8: true }), true],
    ['(path,) opens the file', tuple('/etc/passwd'), false],
    ['(path, name)', tuple('/etc/passwd', 'x'), false],
    ['(object,) has read() called', tuple({ k: K.Unknown }), false],
    ['(None, object)', tuple(NONE, { k: K.Unknown }), false],
    ['()', tuple(), false],
    ['three arguments', tuple(NONE, 'a', 'b'), false],
    ['arguments beyond the kept ones', { k: K.Tuple, items: [NONE], more: 3 }, false],
    ['computed argument tuple', { k: K.Unknown }, false],
    ['arguments added by a partial', undefined, false],
  ];
  for (const [name, args, ok] of cases) {
    it(name, () => assert.equal(callHookProblem('dateutil.tz.tz.tzfile', args) === undefined, ok));
  }
  it('tzfile.__init__ called directly and tzfile.__call__ are checked too', () => {
    assert.ok(callHookProblem('dateutil.tz.tz.tzfile.__init__', tuple(NONE, 'x')));
    assert.ok(callHookProblem('dateutil.tz.tz.tzfile.__call__', tuple('/etc/passwd')));
    assert.equal(callHookProblem('dateutil.tz.tz.tzfile.__call__', tuple(NONE, 'x')), undefined);
    assert.equal(callHookProblem('dateutil.tz.tz.tzutc', tuple('/etc/passwd')), undefined, 'other classes: no hook');
  });
});

describe('pandas Timestamp argument shape (the reduce of pandas < 1.0: Timestamp(value, freq, tz))', () => {
  const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  const OFFSET: PyVal = { k: K.Obj, callee: { k: K.Unknown }, args: { k: K.Unknown }, call: undefined } as PyVal;
  const cases: [string, PyVal | undefined, boolean][] = [
    ['(value, None, None) as pandas 0.1x wrote it', tuple(1262304000000000000n, NONE, NONE), true],
    ['(value,) with a small int', tuple(0), true],
    ['(value, offset object, None) as pandas 0.2x wrote a Timestamp with a freq', tuple(1n, OFFSET, NONE), true],
    ["(value, None, 'dateutil/<path>') opens the path", tuple(1n, NONE, 'dateutil//etc/passwd'), false],
    ["(value, None, 'Europe/Paris'): a zone name is resolved", tuple(1n, NONE, 'Europe/Paris'), false],
    ['(value, None, tz object): its methods run on the state', tuple(1n, NONE, OFFSET), false],
    ['(value, freq str, None)', tuple(1n, 'D', NONE), false],
    ['(str value, None, None)', tuple('2020-01-01', NONE, NONE), false],
    ['(object value, None, None)', tuple(OFFSET, NONE, NONE), false],
    ['four arguments (unit, then the field keywords)', tuple(1n, NONE, NONE, 'ns'), false],
    ['()', tuple(), false],
    ['arguments beyond the kept ones', { k: K.Tuple, items: [1n], more: 3 }, false],
    ['computed argument tuple', { k: K.Unknown }, false],
  ];
  for (const name of [
    'pandas.tslib.Timestamp',
    'pandas._libs.tslib.Timestamp',
    'pandas._libs.tslibs.timestamps.Timestamp',
  ])
    for (const [what, args, ok] of cases) {
      it(`${name} ${what}`, () => assert.equal(callHookProblem(name, args) === undefined, ok));
    }
  it('other pandas scalars have no such hook', () =>
    assert.equal(callHookProblem('pandas._libs.tslibs.period.Period', tuple(1n, NONE, 'x')), undefined));
});
