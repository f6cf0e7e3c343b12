// Constructors that build data only for the arguments their library's own reduce writes (the packs' "shape"
// verdicts). The VM checks each call of such a class (REDUCE/INST/OBJ, which run __init__) against that shape; any
// other argument is reported as the call the constructor would make with it (dateutil's tzfile(path) opens a file,
// pandas' CustomBusinessDay(calendar=obj) calls obj.holidays()).
import { K, type PyVal } from './values.js';

export interface CallHook {
  /** What the constructor does with an argument outside the shape. */
  readonly what: string;
  /** The callable the constructor ends up calling with stream-chosen arguments. */
  readonly runs: { readonly module: string; readonly name: string };
  readonly applies: (canonical: string) => boolean;
  /** Why these arguments leave the reviewed shape, or undefined when they do not. `args` undefined: not known. */
  readonly problem: (args: PyVal | undefined) => string | undefined;
}

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

/** Timestamp under the names pandas < 1.0 wrote (tslib) and the class pandas.read_pickle maps them to. */
const OLD_TIMESTAMP = /^pandas\.(?:tslib|_libs\.tslib|_libs\.tslibs\.timestamps)\.Timestamp$/;

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
    // None for a naive Timestamp: only that is admitted (a tz object is not: its methods run on the stream's state).
    what: 'resolves a str tz by name and opens a dateutil/<path> zone file (pandas Timestamp.__new__ maybe_get_tz)',
    runs: { module: 'builtins', name: 'open' },
    applies: (c) => OLD_TIMESTAMP.test(c),
    problem: (args) => {
      const items = argItems(args);
      if (typeof items === 'string') return items;
      if (items.length < 1 || items.length > 3) return `${items.length} arguments (pandas wrote (value, freq, tz))`;
      const v = items[0];
      if (typeof v !== 'bigint' && typeof v !== 'number') return 'the value is not an int (pandas wrote int64 ns)';
      if (items.length > 1 && !isNoneOrObject(items[1])) return 'the freq argument is not None or an offset object';
      if (items.length > 2 && !isNone(items[2])) return 'the tz argument is not None: a str tz is resolved by name';
      return undefined;
    },
  },
];

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
): (Pick<CallHook, 'what' | 'runs'> & { readonly problem: string }) | undefined {
  const m = matchOf(canonical);
  for (const h of m.hooks) {
    const problem = m.viaInit ? '__init__ is called directly on a stream-chosen object' : h.problem(args);
    if (problem !== undefined) return { what: h.what, runs: h.runs, problem };
  }
  return undefined;
}
