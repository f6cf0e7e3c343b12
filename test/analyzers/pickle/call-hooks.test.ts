// Constructor hooks are looked up by the callee's name (remembered per name) and judged on each call's own
// arguments: a name seen before with benign arguments still gets its problem when the next call's are not.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { callHookProblem, pandasTzTextProblem } from '../../../src/analyzers/pickle/call-hooks.js';
import { FALSE, K, NONE, type PyVal } from '../../../src/analyzers/pickle/values.js';

const args = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
const TZFILE = 'dateutil.tz.tz.tzfile';
const SNS = 'types.SimpleNamespace';
const TD = 'pandas._libs.tslibs.timedeltas.Timedelta';
const SD = 'pandas.core.arrays.string_.StringDtype';
const glob = (canonical: string): PyVal => ({ k: K.Global, imp: { canonical } }) as never;
const PD_NA = glob('pandas._libs.missing.NA');
const OTHER = glob('xgboost.core.Booster');

describe('callHookProblem', () => {
  const cases: { name: string; canonical: string; args: PyVal | undefined; problem: RegExp | undefined }[] = [
    { name: 'tzfile as dateutil writes it', canonical: TZFILE, args: args(NONE, 'UTC'), problem: undefined },
    { name: 'tzfile opening a path', canonical: TZFILE, args: args('/etc/passwd'), problem: /fileobj\) is not None/ },
    { name: 'the same name benign again', canonical: TZFILE, args: args(NONE, 'Europe/Paris'), problem: undefined },
    { name: 'tzfile.__call__ is tzfile', canonical: `${TZFILE}.__call__`, args: args('/x'), problem: /not None/ },
    {
      name: 'tzfile.__init__ on a stream-chosen object',
      canonical: `${TZFILE}.__init__`,
      args: args(NONE, 'UTC'),
      problem: /__init__ is called directly/,
    },
    { name: 'arguments not in the stream', canonical: TZFILE, args: undefined, problem: /not all in the stream/ },
    {
      name: 'pandas CustomBusinessDay with a calendar',
      canonical: 'pandas._libs.tslibs.offsets.CustomBusinessDay',
      args: args(1, FALSE, 'Mon Tue', NONE, 'cal'),
      problem: /calendar argument is not None/,
    },
    { name: 'a name no hook answers to', canonical: 'collections.OrderedDict', args: args('/x'), problem: undefined },
    { name: 'Timedelta as pandas < 2.0 wrote it', canonical: TD, args: args(86_400_000_000_000n), problem: undefined },
    { name: 'StringDtype as pandas 2.3 writes it', canonical: SD, args: args('python', PD_NA), problem: undefined },
    { name: 'StringDtype with NaN', canonical: SD, args: args('pyarrow', { k: K.Float }), problem: undefined },
    { name: 'StringDtype with storage only', canonical: SD, args: args('python'), problem: undefined },
    { name: 'StringDtype with another storage', canonical: SD, args: args('/etc/passwd', PD_NA), problem: /storage/ },
    { name: 'StringDtype with a class as na_value', canonical: SD, args: args('python', OTHER), problem: /na_value/ },
    { name: 'StringDtype with three arguments', canonical: SD, args: args('python', PD_NA, 1), problem: /3 arguments/ },
    { name: 'Timedelta given a str (parsed)', canonical: TD, args: args('1 day'), problem: /not an int/ },
    { name: 'Timedelta given an object', canonical: TD, args: args({ k: K.Obj } as PyVal), problem: /not an int/ },
    { name: 'Timedelta given a unit too', canonical: TD, args: args(1, 'D'), problem: /2 arguments/ },
    { name: 'Timedelta with its arguments unknown', canonical: TD, args: undefined, problem: /not all in/ },
    { name: 'SimpleNamespace as Python writes it', canonical: SNS, args: args(), problem: undefined },
    {
      name: 'SimpleNamespace given a mapping (its entries become attributes from 3.13)',
      canonical: SNS,
      args: args({ k: K.Dict, keys: ['__setstate__'], vals: [NONE], n: 1 }),
      problem: /1 positional argument \(Python writes none/,
    },
    { name: 'SimpleNamespace given pairs', canonical: SNS, args: args({ k: K.List }), problem: /positional argument/ },
    { name: 'SimpleNamespace with its arguments unknown', canonical: SNS, args: undefined, problem: /not all in/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = callHookProblem(c.canonical, c.args);
      if (c.problem === undefined) assert.equal(r, undefined);
      else assert.match(r?.problem ?? '', c.problem);
    });
  }
});

describe('pandasTzTextProblem: a dateutil zone text given to pandas', () => {
  const dict = (k: string, v: PyVal): PyVal => ({ k: K.Dict, keys: [k], vals: [v], n: 1 });
  const TZ_DTYPE = 'datetime64[ns, dateutil//etc/hostname]';
  /** An object made by calling `callee`, then given `state` by BUILD. */
  const built = (callee: string, state: PyVal): PyVal =>
    ({ k: K.Obj, callee: glob(callee), args: args(), call: undefined, state, states: [state] }) as never;
  /** An object made by a reconstructor given the class, then BUILD {'subtype': text}. */
  const builtBy = (reconstructor: string, cls: string, text: string): PyVal => {
    const state = dict('subtype', text);
    return {
      k: K.Obj,
      callee: glob(reconstructor),
      args: args(glob(cls)),
      call: undefined,
      state,
      states: [state],
    } as never;
  };
  const cases: [string, string, PyVal | undefined, PyVal | undefined, RegExp | undefined][] = [
    [
      'Timestamp tz text',
      'pandas._libs.tslibs.timestamps.Timestamp',
      args(1, NONE, 'dateutil//etc/hostname'),
      undefined,
      /dateutil zone file/,
    ],
    [
      'a dtype text with a dateutil tz',
      'pandas.core.indexes.base.Index',
      args(NONE, 'datetime64[ns, dateutil/../x]'),
      undefined,
      /dateutil/,
    ],
    ['a keyword tz', 'pandas.core.indexes.datetimes.DatetimeIndex', args(), dict('tz', 'dateutil//x'), /dateutil/],
    [
      'inside a reconstructor dict',
      'pandas.core.indexes.datetimes._new_DatetimeIndex',
      args(NONE, dict('tz', 'dateutil//x')),
      undefined,
      /dateutil/,
    ],
    ['a pytz zone name', 'pandas._libs.tslibs.timestamps.Timestamp', args(1, NONE, 'US/Eastern'), undefined, undefined],
    ['not a pandas callee', 'dateutil.tz.tz.gettz', args('dateutil//x'), undefined, undefined],
    [
      'state BUILD set on a pandas object argument (IntervalDtype.subtype)',
      'pandas.core.indexes.interval._new_IntervalIndex',
      args(NONE, dict('dtype', built('pandas.core.dtypes.dtypes.IntervalDtype', dict('subtype', TZ_DTYPE)))),
      undefined,
      /dateutil/,
    ],
    [
      'state of a pandas object made by NEWOBJ (copyreg.__newobj__)',
      'pandas.core.indexes.interval._new_IntervalIndex',
      args(NONE, dict('dtype', builtBy('copyreg.__newobj__', 'pandas.core.dtypes.dtypes.IntervalDtype', TZ_DTYPE))),
      undefined,
      /dateutil/,
    ],
    [
      'text held in a numpy array is data, not a zone',
      'pandas.core.indexes.base._new_Index',
      args(NONE, dict('data', built('numpy.core.multiarray._reconstruct', args(1, args('dateutil//x'))))),
      undefined,
      undefined,
    ],
  ];
  for (const [name, callee, a, kw, problem] of cases) {
    it(name, () => {
      const p = pandasTzTextProblem(callee, a, kw);
      if (problem === undefined) assert.equal(p, undefined);
      else assert.match(p ?? '', problem);
    });
  }
});
