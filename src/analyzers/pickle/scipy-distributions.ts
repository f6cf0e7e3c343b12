// scipy.stats distribution objects (rv_generic subclasses: uniform_gen, randint_gen, rv_histogram, ...) rebuild
// their argument parsers on unpickling: rv_generic.__setstate__ updates __dict__ from the pickled state, then
// _attach_argparser_methods runs exec(self._parse_arg_template). The template is part of the pickled state, so a
// pickle can carry any code there. scipy generates it from one fixed text (parse_arg_template in
// scipy/stats/_distn_infrastructure.py, unchanged since scipy 1.6) filled with the distribution's shape names and
// its loc/scale parameters; a state whose template is not exactly that text runs foreign code.
import { K, type PyVal } from './values.js';

const DISTRIBUTION_CLASS =
  /^scipy\.stats\.(?:_[a-z_]+\.)*(?:[A-Za-z0-9_]+_gen|rv_continuous|rv_discrete|rv_histogram|rv_sample|rv_generic)$/;

/** Classes whose instances run rv_generic.__setstate__ (scipy.stats distributions). */
export function isScipyDistributionClass(canonical: string): boolean {
  // The prefix first: a cheap no for the other classes every BUILD asks about.
  return canonical.startsWith('scipy.stats.') && DISTRIBUTION_CLASS.test(canonical);
}

const PY_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Kinds of keys whose text the stream computes or the VM does not know. */
const UNKNOWN_KEYS: ReadonlySet<K> = new Set([K.Obj, K.Global, K.Pers, K.Unknown]);

/** The template scipy would generate for these shapes and loc/scale form. */
function genuineTemplate(shapeArgs: string, locscaleIn: string, locscaleOut: string): string {
  return (
    `\ndef _parse_args(self, ${shapeArgs} ${locscaleIn}):\n` +
    `    return (${shapeArgs}), ${locscaleOut}\n\n` +
    `def _parse_args_rvs(self, ${shapeArgs} ${locscaleIn}, size=None):\n` +
    `    return self._argcheck_rvs(${shapeArgs} ${locscaleOut}, size=size)\n\n` +
    `def _parse_args_stats(self, ${shapeArgs} ${locscaleIn}, moments='mv'):\n` +
    `    return (${shapeArgs}), ${locscaleOut}, moments\n`
  );
}

/** Undefined when `template` is one scipy generates; otherwise why not. */
export function templateProblem(template: string): string | undefined {
  const m = /^\ndef _parse_args\(self, ((?:[A-Za-z_][A-Za-z0-9_]*, )*) (loc=0, scale=1|loc=0)\):\n/.exec(template);
  if (!m) return 'the template does not start the way scipy writes it';
  const shapes = m[1]!.split(', ').filter((s) => s !== '');
  for (const s of shapes) if (!IDENT.test(s) || PY_KEYWORDS.has(s)) return `shape name ${JSON.stringify(s)}`;
  const out = m[2] === 'loc=0' ? 'loc, 1' : 'loc, scale';
  return template === genuineTemplate(m[1]!, m[2]!, out)
    ? undefined
    : 'the template differs from the one scipy generates for these shapes';
}

/**
 * Why BUILD with `state` on a distribution object may exec foreign code, or undefined when it cannot: the state
 * has no template (nothing of the pickle's is executed) or exactly a genuine one, and does not replace the methods
 * the hook calls. Unknown or truncated state counts.
 */
export function distributionStateProblem(state: PyVal): string | undefined {
  // A str or number makes __dict__.update raise before anything runs (scipy's fallback then re-runs __init__).
  if (typeof state !== 'object') return undefined;
  if (state.k === K.Tuple && state.items.length === 2 && state.more === 0) return oldStateProblem(state.items);
  // Lists and tuples of pairs, mappings and unknown values can all set the template through __dict__.update.
  if (state.k !== K.Dict) return 'the state is not a plain dict and may set the template through __dict__.update';
  if (state.opaque || state.n > state.keys.length) return 'the state has more entries than were kept for analysis';
  let template: PyVal | undefined;
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (key === '_parse_arg_template') template = state.vals[i];
    // _attach_methods() and _attach_argparser_methods() are looked up on the instance first: the state would choose
    // what the hook calls.
    else if (key === '_attach_methods' || key === '_attach_argparser_methods')
      return `the state sets ${key}, which the hook then calls`;
    // A key the stream computes (builtins.str('_parse_arg_template')) or one not kept may be the template's name.
    else if (typeof key === 'object' && (UNKNOWN_KEYS.has(key.k) || (key.k === K.Str && key.lost === true)))
      return `a state key is not a literal name (${key.k === K.Str ? 'not kept' : 'computed'}) and may set the template`;
  }
  if (template === undefined) return undefined;
  if (typeof template !== 'string') return 'the _parse_arg_template value cannot be read statically';
  return templateProblem(template);
}

/** The keywords of rv_continuous.__init__ and rv_discrete.__init__ (scipy 1.0 - 1.5 wrote them as _ctor_param). */
const CTOR_PARAMS: ReadonlySet<string> = new Set(
  'momtype a b xtol badvalue name longname shapes extradoc seed moment_tol values inc'.split(' '),
);

/** A number, str, bool or None. */
const isScalar = (v: PyVal): boolean =>
  typeof v !== 'object' || v.k === K.None || v.k === K.Float || v.k === K.True || v.k === K.False || v.k === K.Str;

/**
 * The state scipy 1.0 - 1.5 wrote, (_ctor_param, random_state): those releases run `self.__init__(**ctor_param)`
 * (shape names validated as identifiers before the template built from them is exec'd), 1.6 on first try
 * `__dict__.update(state)`, which raises ValueError on a dict of other than two entries before setting anything, and
 * then run `__init__()` with no arguments. Admitted when item 0 is a literal dict of other than two entries whose keys
 * are keywords those constructors take and whose values are plain data (`values`, the rv_sample arrays, only None),
 * and item 1 is None or an object (the RandomState: stored, never called).
 */
function oldStateProblem([params, random]: PyVal[]): string | undefined {
  if (typeof params !== 'object' || params.k !== K.Dict || params.opaque || params.n > params.keys.length)
    return "the state's item 0 is not a literal dict of constructor parameters";
  // Two entries make __dict__.update take the dict's two keys as a name and a value (the template, say).
  if (params.n === 2) return "the state's item 0 has two entries: __dict__.update would set one from the other";
  for (let i = 0; i < params.keys.length; i++) {
    const key = params.keys[i]!;
    if (typeof key !== 'string' || !CTOR_PARAMS.has(key)) return 'a constructor parameter is not one scipy writes';
    const v = params.vals[i]!;
    if (!isScalar(v) || (key === 'values' && !(typeof v === 'object' && v.k === K.None)))
      return `the constructor parameter ${key} is not plain data`;
    if (key === 'shapes' && typeof v === 'string') {
      for (const f of v
        .replace(/,/g, ' ')
        .split(/\s+/)
        .filter((x) => x !== ''))
        if (!IDENT.test(f) || PY_KEYWORDS.has(f)) return `shape name ${JSON.stringify(f)}`;
    } else if (key === 'shapes' && !(typeof v === 'object' && v.k === K.None))
      return 'the shapes parameter cannot be read statically';
  }
  const r = random!;
  return typeof r === 'object' && (r.k === K.None || r.k === K.Obj)
    ? undefined
    : "the state's item 1 is not the random state object scipy writes";
}
