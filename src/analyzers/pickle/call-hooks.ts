// Constructors that build data only for the arguments their library's own reduce writes (the packs' "shape"
// verdicts). The VM checks each call of such a class (REDUCE/INST/OBJ, which run __init__) against that shape; any
// other argument is reported as the call the constructor would make with it (dateutil's tzfile(path) opens a file,
// pandas' CustomBusinessDay(calendar=obj) calls obj.holidays()).
import { strayCallable } from './class-sinks.js';
import { instanceClasses } from './instance-class.js';
import { K, kindName, type DictV, type ObjV, type PyVal } from './values.js';

export interface CallHook {
  /** What the constructor does with an argument outside the shape. */
  readonly what: string;
  /** The callable the constructor ends up calling with stream-chosen arguments. */
  readonly runs: { readonly module: string; readonly name: string };
  readonly applies: (canonical: string) => boolean;
  /** Why these arguments leave the reviewed shape, or undefined when they do not. `args` undefined: not known. */
  readonly problem: (args: PyVal | undefined, ctx: CallHookContext) => string | undefined;
  /**
   * The class does its work in __new__ (a Cython class's __cinit__/__new__), which NEWOBJ runs on the stream's
   * arguments too: the hook applies to NEWOBJ as to a call.
   */
  readonly inNew?: true;
}

/** What the VM knows of the stream so far beyond the call's own arguments. */
export interface CallHookContext {
  /**
   * A BUILD (or a SETITEM) has targeted an object a pytz reconstructor returned. pytz._p and pytz._UTC return
   * pytz's shared tzinfo singletons, so state given to one such object is on every other reference to the same zone.
   */
  readonly pytzPlanted: boolean;
}
/** A caller that does not know the stream: assume the worst (a pytz zone may carry planted state). */
const UNKNOWN_CONTEXT: CallHookContext = Object.freeze({ pytzPlanted: true });

/** The argument tuple's items, or why they cannot be read. */
function argItems(args: PyVal | undefined): PyVal[] | string {
  if (args === undefined) return 'the arguments are not all in the stream (a partial or wrapper adds some)';
  if (typeof args !== 'object' || args.k !== K.Tuple) return 'the arguments are not a literal tuple';
  if (args.more > 0) return 'the argument tuple has more items than were kept for analysis';
  return args.items;
}

const isNone = (v: PyVal | undefined): boolean => typeof v === 'object' && v.k === K.None;
const isStr = (v: PyVal | undefined): boolean => typeof v === 'string' || (typeof v === 'object' && v.k === K.Str);

/** None, or an object a constructor or class rebuilt (its own pack entry reviewed what it runs). */
const isNoneOrObject = (v: PyVal | undefined): boolean => isNone(v) || (typeof v === 'object' && v.k === K.Obj);

/** The reconstructors pytz's tzinfo classes pickle through; each returns pytz's own cached tzinfo singleton. */
export const PYTZ_RECONSTRUCTORS: ReadonlySet<string> = new Set(['pytz._p', 'pytz._UTC']);

/**
 * A pytz time zone as pytz's reduce wrote it: the result of pytz._p(zone, ...) / pytz._UTC() (their pack entries check
 * the zone name against pytz's fixed list), with no state given to it or to any other pytz object of the stream.
 */
function isPytzZone(v: PyVal | undefined, ctx: CallHookContext): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj || ctx.pytzPlanted) return false;
  const c = v.callee;
  if (typeof c !== 'object' || c.k !== K.Global || !PYTZ_RECONSTRUCTORS.has(c.imp.canonical)) return false;
  return (
    v.state === undefined &&
    v.states === undefined &&
    v.plantedAttrs === undefined &&
    v.planted === undefined &&
    v.plantedSetstate === undefined &&
    v.through === undefined
  );
}

/** The storage names pandas' StringDtype takes. */
const STRING_STORAGE: ReadonlySet<string> = new Set(['python', 'pyarrow', 'pyarrow_numpy']);

/** Timestamp under the names pandas < 1.0 wrote (tslib) and the class pandas.read_pickle maps them to. */
const OLD_TIMESTAMP = /^pandas\.(?:tslib|_libs\.tslib|_libs\.tslibs\.timestamps)\.Timestamp$/;

/** None, a str or a number (an index name as pandas writes it). */
function isScalar(v: PyVal): boolean {
  if (typeof v !== 'object') return true; // a kept str, an int
  return v.k === K.None || v.k === K.Str || v.k === K.Float || v.k === K.True || v.k === K.False;
}

/** The classes pandas 0.15 - 0.17's index reduces pass to pandas.core.index._new_Index, and whether with a freq. */
const OLD_INDEX_KEYS: ReadonlyMap<string, { readonly freq: boolean }> = new Map([
  ['pandas.core.index.Index', { freq: false }],
  ['pandas.core.index.Int64Index', { freq: false }],
  ['pandas.core.index.Float64Index', { freq: false }],
  ['pandas.tseries.period.PeriodIndex', { freq: true }],
  ['pandas.tseries.tdi.TimedeltaIndex', { freq: true }],
]);

/**
 * An offset object of pandas.tseries.offsets (admitted by the pandas history pack, its state hooks reviewed there):
 * PeriodIndex/TimedeltaIndex store it, or read its n and freqstr (a property of the class, which the instance dict
 * cannot shadow).
 */
function isOldOffset(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = instanceClasses(v);
  return !c.unknown && c.names.length > 0 && c.names.every((n) => n.startsWith('pandas.tseries.offsets.'));
}

/** A literal dict whose every item the analysis kept (the keywords a pandas reconstructor is given). */
function keptDict(d: PyVal | undefined): d is DictV {
  return typeof d === 'object' && d.k === K.Dict && d.opaque !== true && d.n <= d.keys.length;
}

/** An offset object of pandas' offsets classes, old (pandas.tseries.offsets) or current (pandas._libs.tslibs.offsets). */
function isOffset(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj) return false;
  const c = instanceClasses(v);
  return (
    !c.unknown &&
    c.names.length > 0 &&
    c.names.every((n) => n.startsWith('pandas.tseries.offsets.') || n.startsWith('pandas._libs.tslibs.offsets.'))
  );
}

/** The index classes an old MultiIndex's levels are (pandas 0.15 - 0.17 wrote them through _new_Index). */
const OLD_LEVEL = /^pandas\.(?:core\.index|tseries\.(?:index|period|tdi))\.\w*Index$/;

/**
 * Why the keywords of `_new_Index(pandas.core.index.MultiIndex, d)` are not what pandas 0.15 - 0.17's
 * MultiIndex.__reduce__ wrote ({'levels': [indexes], 'labels': [FrozenNDArray/ndarray], 'sortorder': None or an int,
 * 'names': [None, str or number]}), or undefined. MultiIndex.__new__ rebuilds each level with _ensure_index (Index(x)
 * duck-types x) and checks the labels (their len() and max()); nothing in d may be a class, function or lost value.
 */
function multiIndexProblem(d: DictV): string | undefined {
  for (const [i, k] of d.keys.entries()) {
    const v = d.vals[i]!;
    // A list keeps its items that may run code (values.ts keepObj): the levels and labels, none for the names.
    const objs = typeof v === 'object' && v.k === K.List ? (v.items ?? v.objs ?? []) : [];
    const lost = typeof v === 'object' && v.k === K.List && v.items === undefined && (v.objsMore || v.objsLost);
    if (k === 'levels' || k === 'labels') {
      if (typeof v !== 'object' || v.k !== K.List) return `${k} is not a list`;
      if (lost) return `${k} holds more objects than the analysis kept`;
      for (const it of objs) {
        const c = instanceClasses(it);
        const ok =
          k === 'levels'
            ? c.names.length > 0 && c.names.every((n) => OLD_LEVEL.test(n))
            : c.names.length > 0 &&
              c.names.every((n) => n === 'numpy.ndarray' || n === 'pandas.core.base.FrozenNDArray');
        if (c.unknown || !ok)
          return k === 'levels'
            ? `a level is not a pandas index (pandas writes the level indexes): ${c.unknown ? 'a class the analysis cannot name, ' : ''}${c.names.join(', ')}`
            : 'a label array is not a FrozenNDArray or numpy.ndarray';
      }
    } else if (k === 'names') {
      if (typeof v !== 'object' || v.k !== K.List || lost || !objs.every(isScalar))
        return 'names is not a list of None, str or numbers';
    } else if (k === 'sortorder') {
      if (!(isNone(v) || typeof v === 'number' || typeof v === 'bigint')) return 'sortorder is not None or an int';
    } else
      return `keyword ${typeof k === 'string' ? JSON.stringify(k.slice(0, 64)) : 'not a str'} (pandas writes levels, labels, sortorder and names)`;
  }
  const stray = strayCallable(d);
  return stray === undefined ? undefined : `MultiIndex.__new__ duck-types its levels and labels, and ${stray}`;
}

/** DatetimeIndex under the name pandas 0.10 - 0.19 kept it and the current one (read_pickle maps the old to it). */
const DATETIME_INDEX = /^pandas\.(?:tseries\.index|core\.indexes\.datetimes)\.DatetimeIndex$/;

const CUSTOM_OFFSET =
  /^pandas\.(?:_libs\.tslibs\.offsets|tseries\.offsets)\.(?:CustomBusiness(?:Day|Hour|MonthBegin|MonthEnd)|CDay|CBMonthBegin|CBMonthEnd)$/;

export const CALL_HOOKS: readonly CallHook[] = [
  {
    // dateutil.tz.tz.tzfile.__init__(fileobj, filename=None): a str fileobj is opened, any other non-None one is
    // read; tzfile.__reduce_ex__ writes (None, filename), which only stores the name.
    what: 'opens or reads its first argument (dateutil tzfile.__init__)',
    runs: { module: 'builtins', name: 'open' },
    applies: (c) => c === 'dateutil.tz.tz.tzfile',
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length === 0 || items.length > 2) return `${items.length} arguments (dateutil writes (None, filename))`;
      if (!isNone(items[0])) return 'the first argument (fileobj) is not None: tzfile opens or reads it';
      if (items.length === 2 && !isNone(items[1]) && !isStr(items[1])) return 'the filename is not a str or None';
      return undefined;
    },
  },
  {
    // pandas' CustomBusinessDay/Hour/MonthBegin/MonthEnd(n, normalize, weekmask, holidays, calendar, …): _init_custom
    // calls calendar.holidays() on the calendar argument; their __reduce__ always writes calendar=None.
    what: 'calls holidays() on its calendar argument (pandas _get_calendar)',
    runs: { module: 'builtins', name: 'getattr' },
    applies: (c) => CUSTOM_OFFSET.test(c),
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length > 8) return `${items.length} arguments (pandas writes at most 8)`;
      if (items.length > 4 && !isNone(items[4])) return 'the calendar argument is not None: its holidays() is called';
      return undefined;
    },
  },
  {
    // pandas < 1.0 wrote a Timestamp as Timestamp(value, freq, tz) (the old reduce calls the class; pandas.read_pickle
    // maps pandas.tslib.Timestamp to the current class). The constructor resolves a str tz through the time-zone
    // helpers, and 'dateutil/<path>' makes dateutil's gettz open that path (any file; seen with pandas 1.5.3's
    // Timestamp(1, None, 'dateutil//etc/hostname')). The reduce writes an int value, None or an offset for freq and
    // the Timestamp's tzinfo: None for a naive Timestamp, else the zone object (pandas' legacy pickles hold pytz zones,
    // pytz._p(...) / pytz._UTC()). A tz object is not resolved by name: maybe_get_tz returns it as it is, and the
    // localisation reads its transition tables (pandas 0.15 - 0.19 tslib.pyx _get_dst_info; 1.x tzconversion) and calls
    // its methods - pytz's own code while nothing was planted on it. So a pytz zone is admitted only when no BUILD or
    // SETITEM of the stream reached any pytz object (they are shared singletons); any other tz is refused.
    what: 'resolves a str tz by name and opens a dateutil/<path> zone file, or runs what a tz object carries (pandas Timestamp.__new__)',
    runs: { module: 'builtins', name: 'open' },
    applies: (c) => OLD_TIMESTAMP.test(c),
    inNew: true,
    problem: (args, ctx) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length < 1 || items.length > 3) return `${items.length} arguments (pandas wrote (value, freq, tz))`;
      const v = items[0];
      if (typeof v !== 'bigint' && typeof v !== 'number') return 'the value is not an int (pandas wrote int64 ns)';
      if (items.length > 1 && !isNoneOrObject(items[1])) return 'the freq argument is not None or an offset object';
      if (items.length > 2 && !isNone(items[2]) && !isPytzZone(items[2], ctx))
        return ctx.pytzPlanted && typeof items[2] === 'object' && items[2].k === K.Obj
          ? 'the tz argument is a pytz zone, and the stream gave state to a pytz object (a shared singleton)'
          : 'the tz argument is not None or an unmodified pytz zone: a str tz is resolved by name';
      return undefined;
    },
  },
  {
    // numpy < 1.20 wrote a ufunc as _ufunc_reconstruct(module, name), which imports the module (and, through
    // fromlist, a submodule of that name) and returns the attribute: two literal strs, the object they name judged as
    // an import of the stream (callable-models.ts). Anything else imports what the stream computes.
    what: 'imports a module the stream names and returns one of its attributes (numpy _ufunc_reconstruct)',
    runs: { module: 'builtins', name: '__import__' },
    applies: (c) => c === 'numpy.core._ufunc_reconstruct' || c === 'numpy._core._ufunc_reconstruct',
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      // Any other number of arguments is a TypeError of the call itself: the body never runs.
      if (items.length !== 2) return undefined;
      const [module, name] = items;
      if (typeof module !== 'string' || typeof name !== 'string') return 'the module and name are not literal strs';
      return name.includes('.') ? 'a dotted name (getattr raises on it)' : undefined;
    },
  },
  {
    // pandas >= 2.3 writes a string dtype as StringDtype(storage, na_value); the constructor checks storage ('python'
    // or 'pyarrow'; 2.1 - 2.x also 'pyarrow_numpy') and na_value (pd.NA or NaN) and stores them; older pandas take
    // storage alone (more arguments: TypeError). Only those values are admitted.
    what: 'stores its storage and na_value arguments on the dtype (pandas StringDtype.__init__)',
    runs: { module: 'builtins', name: 'getattr' },
    applies: (c) => c === 'pandas.core.arrays.string_.StringDtype',
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length > 2) return `${items.length} arguments (pandas writes (storage, na_value))`;
      const [storage, na] = items;
      if (storage !== undefined && !isNone(storage) && !STRING_STORAGE.has(storage as string))
        return "the storage is not 'python', 'pyarrow' or None";
      if (na === undefined || (typeof na === 'object' && na.k === K.Float)) return undefined;
      return typeof na === 'object' && na.k === K.Global && na.imp.canonical === 'pandas._libs.missing.NA'
        ? undefined
        : 'the na_value is not pd.NA or a float';
    },
  },
  {
    // pandas < 2.0 wrote a Timedelta as Timedelta(value) (the old reduce calls the class with its int64 nanoseconds;
    // seen in pandas 1.1.5's pickles of offsets). The constructor converts other values by type: a str is parsed, a
    // float or an int with a unit scaled, an object's own conversions run. Only the written shape is admitted.
    what: "converts its argument by type (pandas Timedelta.__new__: parses a str, runs an object's conversions)",
    runs: { module: 'builtins', name: 'getattr' },
    applies: (c) => c === 'pandas._libs.tslibs.timedeltas.Timedelta',
    inNew: true,
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length !== 1) return `${items.length} arguments (pandas wrote (value,))`;
      const v = items[0];
      return typeof v === 'bigint' || typeof v === 'number'
        ? undefined
        : 'the value is not an int (pandas wrote int64 ns)';
    },
  },
  {
    // pandas.core.index._new_Index(cls, d) = cls.__new__(cls, **d): pandas 0.15 - 0.17 define it there, 0.25 - 1.5
    // re-export pandas.core.indexes.base's. Index.__new__ hands every keyword it does not know to DatetimeIndex
    // (tz='dateutil/<path>' opens that path), parses a dtype, and a fastpath keyword stores data unchecked. What
    // pandas 0.15 - 0.17's reduces wrote (read from pandas' legacy pickles): Index/Int64Index/Float64Index with
    // {'data': the values ndarray, 'name': name}; PeriodIndex with {'data', 'name', 'freq'}, freq a str (0.15 - 0.16)
    // or the index's offset object (0.17); TimedeltaIndex with the same three keys, freq None or an offset. Only that
    // is admitted (the history pack's review: scripts/data/history/pandas.py).
    what: 'passes every keyword of its dict to Index.__new__, which hands unknown ones to DatetimeIndex (pandas _new_Index)',
    runs: { module: 'builtins', name: 'open' },
    applies: (c) => c === 'pandas.core.index._new_Index',
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      // Any other number of arguments is a TypeError of the call itself: the body never runs.
      if (items.length !== 2) return undefined;
      const [cls, d] = items;
      // `cls.__new__(cls, **None)` (or `'data' in None`) is a TypeError before anything runs.
      if (isNone(d)) return undefined;
      if (typeof cls === 'object' && cls.k === K.Global && cls.imp.canonical === 'pandas.core.index.MultiIndex') {
        if (!keptDict(d)) return 'the keywords are not a literal dict the analysis kept';
        return multiIndexProblem(d);
      }
      const keys = typeof cls === 'object' && cls.k === K.Global ? OLD_INDEX_KEYS.get(cls.imp.canonical) : undefined;
      if (keys === undefined) {
        const named = typeof cls === 'object' && cls.k === K.Global ? cls.imp.canonical : `(a ${kindName(cls!)})`;
        return `the class ${named} is not one of the indexes pandas 0.15 - 0.17 passed with data, name and freq`;
      }
      if (!keptDict(d)) return 'the keywords are not a literal dict the analysis kept';
      for (const [i, k] of d.keys.entries()) {
        const v = d.vals[i]!;
        if (k === 'data') {
          const c = instanceClasses(v);
          if (c.unknown || c.names.length !== 1 || c.names[0] !== 'numpy.ndarray')
            return 'data is not a numpy.ndarray (pandas writes the index values array)';
        } else if (k === 'name') {
          if (!isScalar(v)) return 'name is not None, a str or a number';
        } else if (k === 'freq' && keys.freq) {
          if (!(isNone(v) || isStr(v) || isOldOffset(v))) return 'freq is not None, a str or a pandas offset object';
        } else
          return `keyword ${typeof k === 'string' ? JSON.stringify(k.slice(0, 64)) : 'not a str'} (pandas writes data, name${keys.freq ? ' and freq' : ''})`;
      }
      return d.keys.includes('data') ? undefined : 'no data keyword (pandas writes data and name)';
    },
  },
  {
    // pandas.tseries.index._new_DatetimeIndex (0.15 - 0.19; pandas.read_pickle maps it to the current one) and
    // pandas.core.indexes.datetimes._new_DatetimeIndex(cls, d): cls.__new__(cls, **d) (0.15 - 1.x with no DatetimeArray
    // in d) or DatetimeArray._simple_new(data, dtype=tz_to_dtype(d['tz']), freq=d['freq']). A str tz (also inside a
    // dtype str) is resolved by name: 'dateutil/<path>' opens that path (pandas 1.5.3's pickle.load of
    // _new_DatetimeIndex(DatetimeIndex, {'data': array, 'tz': 'dateutil//etc/hostname'}) opens /etc/hostname), and a
    // tz object's transition tables are read (pytz). pandas wrote d = {'data': the values (an ndarray; a DatetimeArray
    // from 1.0), 'name', 'freq': None or an offset, 'tz': None or the index's tzinfo (pytz zones in its legacy
    // pickles)}; only that is admitted, a pytz zone only while no BUILD or SETITEM of the stream reached a pytz object.
    what: 'resolves a str tz by name and opens a dateutil/<path> zone file, or reads a tz object (pandas _new_DatetimeIndex)',
    runs: { module: 'builtins', name: 'open' },
    applies: (c) => /^pandas\.(?:tseries\.index|core\.indexes\.datetimes)\._new_DatetimeIndex$/.test(c),
    problem: (args, ctx) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      // Any other number of arguments is a TypeError of the call itself: the body never runs.
      if (items.length !== 2) return undefined;
      const [cls, d] = items;
      if (isNone(d)) return undefined; // `'data' in None` / `**None`: a TypeError before anything runs
      if (typeof cls !== 'object' || cls.k !== K.Global || !DATETIME_INDEX.test(cls.imp.canonical))
        return 'the class is not DatetimeIndex';
      if (!keptDict(d)) return 'the keywords are not a literal dict the analysis kept';
      for (const [i, k] of d.keys.entries()) {
        const v = d.vals[i]!;
        if (k === 'data') {
          const c = instanceClasses(v);
          // pandas 0.19 - 0.20 wrote the values as a DatetimeIndex (itself through _new_DatetimeIndex: checked here).
          const ok = (n: string): boolean =>
            n === 'numpy.ndarray' || n === 'pandas.core.arrays.datetimes.DatetimeArray' || DATETIME_INDEX.test(n);
          if (c.unknown || c.names.length === 0 || !c.names.every(ok))
            return 'data is not a numpy.ndarray, DatetimeArray or DatetimeIndex (pandas writes the index values)';
        } else if (k === 'name') {
          if (!isScalar(v)) return 'name is not None, a str or a number';
        } else if (k === 'freq') {
          if (!(isNone(v) || isOffset(v))) return 'freq is not None or a pandas offset object';
        } else if (k === 'tz') {
          if (!(isNone(v) || isPytzZone(v, ctx)))
            return ctx.pytzPlanted && typeof v === 'object' && v.k === K.Obj
              ? 'the tz is a pytz zone, and the stream gave state to a pytz object (a shared singleton)'
              : 'the tz is not None or an unmodified pytz zone: a str tz is resolved by name';
        } else
          return `keyword ${typeof k === 'string' ? JSON.stringify(k.slice(0, 64)) : 'not a str'} (pandas writes data, name, freq and tz)`;
      }
      return d.keys.includes('data') ? undefined : 'no data keyword (pandas writes the index values)';
    },
  },
  {
    // types.SimpleNamespace(mapping_or_iterable=(), /, **kwargs): from Python 3.13 it sets an attribute for each entry
    // of a positional mapping or iterable of (name, value) pairs (3.11 and 3.12 refuse one); its __reduce__ writes ()
    // in every version, with the attributes as the BUILD state. An entry named __setstate__ is then what the next
    // BUILD calls, one named __new__ what the pure-Python unpickler's NEWOBJ on the object calls (proved with
    // CPython 3.13's pickle.loads: scripts/fixtures/soundness-s41.py).
    what: 'sets an attribute for each entry of its positional argument (types.SimpleNamespace, Python 3.13 and later)',
    runs: { module: 'builtins', name: 'setattr' },
    applies: (c) => c === 'types.SimpleNamespace',
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length === 0) return undefined;
      return `${items.length} positional argument${items.length === 1 ? '' : 's'} (Python writes none; from 3.13 the entries of one become attributes)`;
    },
  },
];

/**
 * A text pandas resolves as a dateutil zone file: maybe_get_tz (pandas/_libs/tslibs/timezones.pyx) hands a str tz that
 * starts with 'dateutil/' to dateutil's gettz, which opens the rest as a path (an absolute one, or ../ out of the zone
 * folders), and DatetimeTZDtype parses 'datetime64[ns, <tz>]' the same way. pandas' constructors take a tz or a dtype
 * text in many places (Timestamp, DatetimeIndex, Index(dtype=...), the reconstructors' dicts) and pandas never writes
 * one (its reduces pickle tz objects): such a text in the arguments of any pandas callable or class is reported as the
 * open it makes (pandas 1.5.3: NEWOBJ Timestamp(1, None, 'dateutil//etc/hostname') and NEWOBJ Index([],
 * 'datetime64[ns, dateutil//etc/hostname]') both open /etc/hostname).
 */
export function pandasTzTextProblem(canonical: string, args: PyVal | undefined, kwargs?: PyVal): string | undefined {
  if (!canonical.startsWith('pandas.')) return undefined;
  const todo: [PyVal | undefined, number][] = [
    [args, 0],
    [kwargs, 0],
  ];
  let seen = 0;
  while (todo.length > 0 && seen < 256) {
    const [v, depth] = todo.pop()!;
    seen++;
    if (v === undefined) continue;
    if (typeof v === 'string') {
      if (v.includes('dateutil/'))
        return `the argument text ${JSON.stringify(v.slice(0, 80))} names a dateutil zone file`;
      continue;
    }
    if (typeof v !== 'object' || depth >= 4) continue;
    if (v.k === K.Tuple) for (const it of v.items) todo.push([it, depth + 1]);
    else if (v.k === K.Dict) for (const it of [...v.keys, ...v.vals]) todo.push([it, depth + 1]);
    else if (v.k === K.Obj && mayBePandasObject(v)) {
      // pandas reads its own objects' attributes as dtypes and zones (an IntervalDtype's `subtype`, set by BUILD,
      // is cast to by IntervalIndex.from_arrays): what BUILD and SETITEMS set on such an object is searched too.
      todo.push([v.args, depth + 1]);
      for (const st of v.states ?? (v.state !== undefined ? [v.state] : [])) todo.push([st, depth + 1]);
      if (v.plantedAttrs) todo.push([v.plantedAttrs, depth + 1]);
      if (v.planted) todo.push([v.planted, depth + 1]);
    }
  }
  return undefined;
}

/** An object that is (or may be) an instance of a pandas class: a numpy array's state is data, never parsed. */
function mayBePandasObject(v: ObjV): boolean {
  const cls = instanceClasses(v);
  return cls.unknown || cls.names.some((n) => n.startsWith('pandas.'));
}

interface HookMatch {
  readonly hooks: readonly CallHook[];
  readonly viaInit: boolean;
}
const NO_HOOK: HookMatch = { hooks: [], viaInit: false };
/** Which hooks a callee name answers to, by name (a stream calls the same few callees many times). */
const matches = new Map<string, HookMatch>();
const MAX_CACHED = 4096;

function matchOf(canonical: string): HookMatch {
  const cached = matches.get(canonical);
  if (cached !== undefined) return cached;
  // cls.__call__(…) is cls(…); cls.__init__(obj, …) runs the constructor body on arguments shifted by one.
  let name = canonical;
  while (name.endsWith('.__call__')) name = name.slice(0, -'.__call__'.length);
  const viaInit = name.endsWith('.__init__');
  if (viaInit) name = name.slice(0, -'.__init__'.length);
  const hooks = CALL_HOOKS.filter((h) => h.applies(name));
  const m = hooks.length === 0 ? NO_HOOK : { hooks, viaInit };
  if (matches.size >= MAX_CACHED) matches.clear();
  matches.set(canonical, m);
  return m;
}

/** The constructor hook of `canonical` that `args` would turn into the call it names, with why. */
export function callHookProblem(
  canonical: string,
  args: PyVal | undefined,
  ctx: CallHookContext = UNKNOWN_CONTEXT,
  viaNew = false,
): (Pick<CallHook, 'what' | 'runs'> & { readonly problem: string }) | undefined {
  const m = matchOf(canonical);
  for (const h of m.hooks) {
    if (viaNew && (h.inNew !== true || m.viaInit)) continue;
    // NEWOBJ with no arguments: __new__ gets no value of the stream.
    if (viaNew && typeof args === 'object' && args.k === K.Tuple && args.items.length === 0 && args.more === 0)
      continue;
    const problem = m.viaInit ? '__init__ is called directly on a stream-chosen object' : h.problem(args, ctx);
    if (problem !== undefined) return { what: h.what, runs: h.runs, problem };
  }
  return undefined;
}
