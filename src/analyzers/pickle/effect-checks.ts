// Checks one call of a pack callable against its effect model (callable-effects.ts): an argument of a class or kind
// the library never passes there is reported, and what the callable calls with the stream's arguments (an argument,
// a method of an argument or of an object array's elements) becomes a call fact of its own, so a name admitted only
// "when not called" (numpy.memmap, dateutil's tzfile) is judged as called when an admitted callable calls it.
import { callThroughOf, effectOf, effectSource, inFamily, type CallableEffect } from './callable-effects.js';
import { K, kindName, UNKNOWN, type PyVal } from './values.js';

export interface EffectHost {
  /** Models `callee(*args)` made by the callable itself (a nested invocation, depth-bounded by the host). */
  invokeModelled(callee: PyVal, args: PyVal, why: string): void;
  /** Records a call of `module.name` (a derived import) with `detail`. */
  deriveCall(module: string, name: string, via: string, detail: string): void;
  /** An argument outside what the library writes; `fatal` when pickle.load raises there. */
  offShape(message: string, fatal: boolean): void;
  /** Whether `v` answers attribute lookups with items the stream planted (a dict subclass reading its items). */
  answersFromItems(v: PyVal): boolean;
  /** Checks `cls.__new__(cls, **kwargs)` against the derived sinks of that class's __new__ (class-sinks.ts). */
  classNew(cls: string, kwargs: PyVal): void;
  /**
   * Whether pandas.read_pickle's compat reading may follow a TypeError of the call checked now (false for a call a
   * loader makes itself, such as joblib's NumpyArrayWrapper.read: pandas never reads that file that way).
   */
  compatReading?(): boolean;
}

const COMPAT_READING =
  "pickle.load raises TypeError here; pandas.read_pickle catches it and re-reads the file with pandas' compat " +
  'unpickler, which answers with object.__new__(cls) and reads on (the rest of the stream is judged under that reading)';

function isData(v: PyVal): boolean {
  return typeof v === 'string' || (typeof v === 'object' && (v.k === K.Str || v.k === K.Bytes || v.k === K.ByteArray));
}

function describe(v: PyVal): string {
  return typeof v === 'object' && v.k === K.Global ? v.imp.canonical : `a ${kindName(v)}`;
}

/**
 * Callables that look a codec up by the name in argument 1 (CPython: `str(obj, encoding)`, `bytes(s, encoding)`,
 * `bytearray(s, encoding)`, `_codecs.encode/decode(obj, encoding)`; numpy's `bytes_`/`str_` and their old names are
 * subclasses and keep the constructor). A name the codec registry has not cached makes CPython's `encodings` search
 * function import `encodings.<normalized name>`: the stream chooses a module to import.
 */
const CODEC_LOOKUP = new Set([
  'builtins.str',
  'builtins.bytes',
  'builtins.bytearray',
  'codecs.encode',
  'codecs.decode',
  'numpy.bytes_',
  'numpy.str_',
  'numpy.string_',
  'numpy.unicode_',
]);

/** Normalized names (CPython's `encodings.normalize_encoding`, lower-cased) of the codecs pickles are written with. */
const WRITTEN_CODECS = new Set([
  'utf_8',
  'utf8',
  'u8',
  'utf',
  'utf8_ucs2',
  'utf8_ucs4',
  'cp65001',
  'latin_1',
  'latin1',
  'l1',
  'latin',
  'iso_8859_1',
  'iso8859_1',
  '8859',
  'cp819',
  'iso_ir_100',
  'csisolatin1',
  'ascii',
  'us_ascii',
  '646',
  'us',
  'ansi_x3.4_1968',
  'ansi_x3_4_1968',
  'ansi_x3.4_1986',
  'cp367',
  'csascii',
  'ibm367',
  'iso646_us',
  'iso_646.irv_1991',
  'iso_ir_6',
]);

function normalizeCodec(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * numpy.dtype(str) reads a "comma string" ('i4,f8', '(2,3)i4', '3f8': numpy's _check_for_commastring: a digit first,
 * after an optional byte order; '()' first; or a comma outside square brackets) with numpy.core._internal._commastring,
 * which runs ast.literal_eval on each item's repeat count: CPython compiles text the stream chose. numpy writes a dtype
 * as dtype(<type code>, False, True) and a state ('f8', 'U7', 'V16', 'O8', 'M8'), never a comma string.
 */
function isCommaString(s: string): boolean {
  const byteOrder = (c: string | undefined): boolean => c === '<' || c === '>' || c === '|' || c === '=';
  const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  if (digit(s[0]) || (s.length > 1 && byteOrder(s[0]) && digit(s[1]))) return true;
  if ((s.length > 1 && s.startsWith('()')) || (s.length > 3 && byteOrder(s[0]) && s.slice(1, 3) === '()')) return true;
  let brackets = 0;
  for (const c of s) {
    if (c === ',' && brackets === 0) return true;
    if (c === '[') brackets++;
    else if (c === ']') brackets--;
  }
  return false;
}

const DTYPE = 'numpy.dtype';

/**
 * numpy.dtype with a comma string (or a str whose text the analysis did not keep) as its type, or with a dict, list or
 * tuple spec, each of whose formats numpy parses the same way (their items are not all kept here).
 */
export function checkDtypeSource(host: EffectHost, canonical: string, args: PyVal | undefined, kwargs?: PyVal): void {
  if (canonical !== DTYPE) return;
  // NEWOBJ_EX keywords: dtype.__new__(dtype, dtype=<spec>) parses the spec the same way (numpy never writes keywords).
  if (typeof kwargs === 'object' && !(kwargs.k === K.Dict && kwargs.n === 0)) {
    host.offShape(
      `${DTYPE}: called with keyword arguments (NEWOBJ_EX), which numpy never writes; its type is not followed`,
      false,
    );
    return;
  }
  const a = typeof args === 'object' && args.k === K.Tuple ? args.items[0] : undefined;
  if (a === undefined || typeof a === 'number' || typeof a === 'bigint' || (typeof a === 'object' && a.k === K.Unknown))
    return;
  const kept = typeof a === 'string';
  const str = kept || a.k === K.Str;
  if (kept && !isCommaString(a)) return;
  // A type or an object (numpy writes np.dtype(<scalar type>) for some dtypes) is not parsed as text.
  if (!str && a.k !== K.Dict && a.k !== K.List && a.k !== K.Tuple) return;
  const what = kept
    ? `the comma string ${JSON.stringify(a.slice(0, 64))}`
    : str
      ? 'a str whose text was not kept'
      : `a ${kindName(a)} spec, whose formats numpy parses the same way`;
  host.offShape(
    `${DTYPE}: its type is ${what}; numpy parses a comma string's repeat counts with ast.literal_eval ` +
      '(numpy.core._internal._commastring: CPython compiles the text the stream chose); numpy writes a dtype as a ' +
      'type code (a str, or a scalar type) and a state, never a comma string or a spec',
    false,
  );
}

/** Checks a REDUCE/INST/OBJ of `canonical` with `args` against its effect model; no-op for names without one. */
export function checkEffects(host: EffectHost, canonical: string, args: PyVal): void {
  checkDtypeSource(host, canonical, args);
  if (CODEC_LOOKUP.has(canonical)) checkCodec(host, canonical, args);
  const e = effectOf(canonical);
  if (e === undefined) return;
  const literal = typeof args === 'object' && args.k === K.Tuple && args.more === 0;
  const items = literal ? args.items : undefined;
  if (e.args !== undefined) checkArgs(host, canonical, e, items);
  // The library's callables look attributes of their arguments up (values.dtype, tz.utcoffset, …); its own pickles
  // never pass an object whose lookups the stream answers.
  items?.forEach((a, k) => {
    if (host.answersFromItems(a)) {
      host.offShape(
        `${canonical}: argument ${k} answers attribute lookups with items the stream planted (its library never passes one)`,
        false,
      );
    }
  });
  if (e.newKwargs !== undefined && items !== undefined) {
    const cls = items[0];
    const kwargs = items[e.newKwargs];
    if (typeof cls === 'object' && cls.k === K.Global && kwargs !== undefined) host.classNew(cls.imp.canonical, kwargs);
  }
  for (const c of e.calls ?? []) {
    if ('arg' in c) {
      const target = items?.[c.arg];
      if (items === undefined) {
        host.offShape(`${canonical} calls its argument ${c.arg}; the arguments are not a literal tuple`, false);
      } else if (target !== undefined) {
        const withArgs: PyVal = { k: K.Tuple, items: c.with.map((i) => items[i] ?? { k: K.None }), more: 0 };
        host.invokeModelled(target, withArgs, `${canonical} calls its argument ${c.arg} (${effectSource(e)})`);
      }
    } else if (e.written === 'reference') {
      // The library never writes a call of it: the stream's call reaches a method of its arguments (of each element
      // of an object-dtype array), which the stream chooses.
      const whose = c.elements ? 'each element of its object-dtype operands' : `its argument ${c.of.join('/')}`;
      host.deriveCall(
        'builtins',
        'getattr',
        `${canonical} called by the stream (its library only names it): calls ${c.method}() of ${whose}`,
        `${canonical} calls the method ${c.method} of ${whose} (${effectSource(e)})`,
      );
    }
  }
}

/**
 * An admitted function that calls one of its arguments (callable-effects.ts callThroughOf): the callee is called as
 * the function calls it, with the function's arguments or the items of the one it spreads, so the callee's own
 * checks, hooks and role restrictions apply to that call. Arguments the analysis does not hold are reported and the
 * callee is called with unknown arguments.
 */
export function checkCallThrough(host: EffectHost, canonical: string, args: PyVal): void {
  const specs = callThroughOf(canonical);
  if (specs === undefined) return;
  const e = effectOf(canonical);
  const items = typeof args === 'object' && args.k === K.Tuple && args.more === 0 ? args.items : undefined;
  for (const c of specs) {
    // The effect record calls it already (checkEffects).
    if (e?.calls?.some((x) => 'arg' in x && x.arg === c.arg)) continue;
    if (items === undefined) {
      host.offShape(`${canonical} calls its argument ${c.arg}; the arguments are not a literal tuple`, false);
      continue;
    }
    const target = items[c.arg];
    if (target === undefined) continue;
    let withArgs: PyVal = UNKNOWN;
    let how: string;
    if (c.spread !== undefined) {
      const spread = items[c.spread];
      how = `with the items of its argument ${c.spread}`;
      if (typeof spread === 'object' && spread.k === K.Tuple) withArgs = spread;
      else if (spread !== undefined)
        host.offShape(
          `${canonical} calls its argument ${c.arg} with the items of its argument ${c.spread}, which is ` +
            `${describe(spread)} (its library writes a tuple): what is called with them is not known`,
          false,
        );
    } else if (Array.isArray(c.with)) {
      const positions = c.with as readonly number[];
      how = positions.length ? `with its arguments ${positions.join(', ')}` : 'with no arguments';
      withArgs = { k: K.Tuple, items: positions.map((i) => items[i] ?? { k: K.None }), more: 0 };
    } else how = 'with arguments it computes';
    host.invokeModelled(target, withArgs, `${canonical} calls its argument ${c.arg} ${how}`);
  }
}

/** An effect record's argument families as [position text, position, family], listed once per record. */
function argRoots(args: Readonly<Record<string, string>>): readonly (readonly [string, number, string])[] {
  let r = argRootCache.get(args);
  if (r === undefined) {
    r = Object.entries(args).map(([k, root]) => [k, Number(k), root] as const);
    argRootCache.set(args, r);
  }
  return r;
}
const argRootCache = new WeakMap<object, readonly (readonly [string, number, string])[]>();

function checkArgs(host: EffectHost, canonical: string, e: CallableEffect, items: PyVal[] | undefined): void {
  if (items === undefined) {
    host.offShape(`${canonical}: the arguments are not a literal tuple (its library writes one)`, false);
    return;
  }
  for (const [k, i, root] of argRoots(e.args!)) {
    const a = items[i];
    if (a === undefined) continue;
    if (root === 'data') {
      if (!isData(a)) {
        host.offShape(`${canonical}: argument ${k} is ${describe(a)}; its library writes str or bytes there`, false);
      }
      continue;
    }
    if (typeof a === 'object' && a.k === K.Global && inFamily(root, a.imp.canonical)) continue;
    const msg = `${canonical}: argument ${k} is ${describe(a)}, not one of the ${root} classes its library passes`;
    // numpy refuses a non-ndarray subtype with TypeError; pandas' compat reading then builds the instance anyway.
    if (
      e.compat === true &&
      host.compatReading?.() !== false &&
      k === '0' &&
      !(typeof a === 'object' && a.k === K.Global && a.imp.canonical === root)
    )
      host.offShape(`${msg}: ${COMPAT_READING}`, true);
    else host.offShape(msg, false);
  }
}

/**
 * The classes of CODEC_LOOKUP whose `__new__` takes (object, encoding, errors): NEWOBJ and NEWOBJ_EX (`cls.__new__(cls,
 * *args, **kwargs)`) reach the same codec lookup as a call (an oracle program under numpy 2.4: NEWOBJ of numpy.bytes_
 * with ('builtins', 'exec') imported encodings.exec). bytearray's __new__ takes no argument (its __init__ encodes).
 */
const CODEC_NEW = new Set([
  'builtins.str',
  'builtins.bytes',
  'numpy.bytes_',
  'numpy.str_',
  'numpy.string_',
  'numpy.unicode_',
]);

/** NEWOBJ/NEWOBJ_EX of a str or bytes class with an encoding the stream chose (checkCodec), or with keywords. */
export function checkNewCodec(host: EffectHost, canonical: string, args: PyVal, kwargs?: PyVal): void {
  if (!CODEC_NEW.has(canonical)) return;
  if (typeof kwargs === 'object' && !(kwargs.k === K.Dict && kwargs.n === 0)) {
    host.offShape(
      `${canonical}: made by NEWOBJ_EX with keyword arguments (encoding= is looked up by name: CPython imports ` +
        'encodings.<name> for a codec it has not loaded); pickles write a str or bytes object with its value only',
      false,
    );
    return;
  }
  checkCodec(host, canonical, args);
}

/** A codec named by the stream that no pickle writer uses is a lookup that may import `encodings.<name>`. */
function checkCodec(host: EffectHost, canonical: string, args: PyVal): void {
  if (typeof args !== 'object' || args.k !== K.Tuple) return;
  const enc: PyVal | undefined = args.items[1];
  // A long K.Str has no text kept: it is judged as a name not written.
  const name = typeof enc === 'string' ? enc : undefined;
  if ((enc === undefined && args.more === 0) || (name !== undefined && WRITTEN_CODECS.has(normalizeCodec(name))))
    return;
  host.offShape(
    `${canonical}: codec ${name === undefined ? `given as ${enc === undefined ? 'an unknown value' : describe(enc)}` : JSON.stringify(name.slice(0, 64))} is ` +
      'looked up by name (CPython imports encodings.<name> for a codec it has not loaded); pickles are written with ' +
      'utf-8, latin-1 or ascii',
    false,
  );
}
