// Every name an allowlist pack admits, used the way its library uses it, passes; the same name used as a gadget
// (attacker state, attacker arguments, or a call the pack does not admit) is still caught. No admitted name is in
// the dangerous table. Built over the pack data itself, so a new entry is covered the day it is derived.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { effectOf, historyChecks } from '../../../src/analyzers/pickle/callable-effects.js';
import { nativeStateHook } from '../../../src/analyzers/pickle/native-states.js';
import { nativeWrittenBy } from '../../../src/analyzers/pickle/native-new.js';
import { resolveImportName } from '../../../src/analyzers/pickle/names.js';
import { classifyImport } from '../../../src/rules/classify.js';
import { allPacks, allowEntry, refusedBy, type AllowEntry } from '../../../src/rules/data/allowlist.js';
import { EMPTY_CALLS } from '../../../src/analyzers/pickle/vetted-uses.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

function split(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** A one-item large_string array as pyarrow's reduce writes it: _restore_array of its type, sizes and buffers. */
function arrowArray(p: P): P {
  const buffer = (b: number[]) => p.stackGlobal('pyarrow.lib', 'py_buffer').sbb(Uint8Array.from(b)).tuple1().reduce();
  p.stackGlobal('pyarrow.lib', '_restore_array').mark();
  p.stackGlobal('pyarrow.lib', 'type_for_alias').sbu('large_string').tuple1().reduce();
  p.int(1).int(0).int(0).emptyList().mark().none();
  buffer([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  buffer([0x61]);
  return p.raw(0x65).emptyList().none().tuple().tuple1().reduce(); // APPENDS, children, dictionary
}

/** A float64 array of `n` zeros as numpy writes it (_reconstruct, then BUILD with its shape, dtype and bytes). */
function floatArray(p: P, n: number): P {
  p.stackGlobal('numpy.core.multiarray', '_reconstruct').stackGlobal('numpy', 'ndarray').int(0).tuple1();
  p.sbb(Uint8Array.of(0x62)).raw(0x87).reduce(); // TUPLE3
  p.mark().int(1).int(n).tuple1();
  p.stackGlobal('numpy', 'dtype').sbu('f8').raw(0x89, 0x88, 0x87).reduce(); // NEWFALSE NEWTRUE TUPLE3
  p.mark().int(3).sbu('<').none().none().none().int(-1).int(-1).int(0).tuple().build();
  return p
    .raw(0x89)
    .sbb(new Uint8Array(8 * n))
    .tuple()
    .build();
}

/** An object of class `m.n` made by NEWOBJ, then BUILT with the dict whose items `items` pushes. */
function built(p: P, m: string, n: string, items: (p: P) => P): P {
  p.stackGlobal(m, n).emptyTuple().newobj().emptyDict().mark();
  return items(p).raw(0x75).build(); // SETITEMS
}

const PUNKT = 'nltk.tokenize.punkt';
const punktVars = (p: P): P => p.stackGlobal(PUNKT, 'PunktLanguageVars').emptyTuple().newobj().int(1).build();
const punktParams = (p: P): P =>
  built(p, PUNKT, 'PunktParameters', (q) => {
    for (const key of ['abbrev_types', 'collocations', 'sent_starters'])
      q.sbu(key).stackGlobal('builtins', 'set').emptyList().tuple1().reduce();
    return q
      .sbu('ortho_context')
      .stackGlobal('collections', 'defaultdict')
      .stackGlobal('builtins', 'int')
      .tuple1()
      .reduce();
  });

/**
 * Classes admitted with the state their library writes, checked by its shape (scipy-bspline.ts, punkt-state.ts): their
 * library use is that state, the payload (or None) beside it.
 */
function stateShapedUse(name: string): ((p: P) => P) | undefined {
  if (name === 'scipy.interpolate._bsplines.BSpline')
    return (p) =>
      built(p, 'scipy.interpolate._bsplines', 'BSpline', (q) => {
        floatArray(q.sbu('t'), 10);
        floatArray(q.sbu('c'), 6);
        return q.sbu('k').int(3).sbu('extrapolate').raw(0x88).sbu('axis').int(0);
      });
  if (name === `${PUNKT}.PunktLanguageVars`) return punktVars;
  if (name === `${PUNKT}.PunktParameters`) return punktParams;
  if (name === `${PUNKT}.PunktSentenceTokenizer`)
    return (p) =>
      built(p, PUNKT, 'PunktSentenceTokenizer', (q) => {
        punktParams(q.sbu('_params'));
        punktVars(q.sbu('_lang_vars'));
        return q.sbu('_Token').stackGlobal(PUNKT, 'PunktToken');
      });
  return undefined;
}

/**
 * pyarrow's rebuild functions, pandas' Arrow-backed string array and numpy 2's StringDType function are checked by their
 * shape (arrow-arrays.ts, numpy-strings.ts): their library use is an array or type as pyarrow or numpy writes it (one of
 * the real files of test/fixtures/pyarrow-arrays/ or numpy-stringdtype/ in small), the payload (or None) beside it.
 */
function shapedUse(name: string, withPayload: boolean): Uint8Array | undefined {
  const p = new P().proto(4);
  const stateShaped = stateShapedUse(name);
  if (stateShaped !== undefined) {
    stateShaped(p);
    if (withPayload) p.stackGlobal('posix', 'system').tuple2();
    return p.stop().bytes();
  }
  const arrowDtype = (module: string, cls: string): P =>
    p
      .stackGlobal(module, cls)
      .emptyTuple()
      .newobj()
      .emptyDict()
      .sbu('_storage')
      .sbu('pyarrow')
      .setitem()
      .sbu('pyarrow_dtype')
      .stackGlobal('pyarrow.lib', 'type_for_alias')
      .sbu('large_string')
      .tuple1()
      .reduce()
      .setitem()
      .build();
  if (name.endsWith('.ArrowDtype')) arrowDtype(name.slice(0, name.lastIndexOf('.')), 'ArrowDtype');
  else if (name === 'pandas.core.arrays.arrow.array.ArrowExtensionArray') {
    p.stackGlobal('pandas.core.arrays.arrow.array', 'ArrowExtensionArray').emptyTuple().newobj();
    p.emptyDict().sbu('_pa_array');
    arrowArray(p).setitem().sbu('_dtype');
    arrowDtype('pandas.core.dtypes.dtypes', 'ArrowDtype').setitem().build();
  } else if (name === 'pandas.core.arrays.string_arrow.ArrowStringArray') {
    p.stackGlobal('pandas.core.arrays.string_arrow', 'ArrowStringArray').emptyTuple().newobj();
    p.emptyDict().sbu('_pa_array');
    arrowArray(p).setitem().sbu('_dtype');
    p.stackGlobal('pandas.core.arrays.string_', 'StringDtype').sbu('pyarrow').tuple1().reduce().setitem().build();
  } else if (name === 'pyarrow.lib.chunked_array') {
    p.stackGlobal('pyarrow.lib', 'chunked_array').emptyList();
    arrowArray(p).raw(0x61); // APPEND
    p.stackGlobal('pyarrow.lib', 'type_for_alias').sbu('large_string').tuple1().reduce().tuple2().reduce();
  } else if (name === 'pyarrow.lib.timestamp')
    p.stackGlobal('pyarrow.lib', 'timestamp').sbu('ns').sbu('UTC').tuple2().reduce();
  else if (name.endsWith('._convert_to_stringdtype_kwargs'))
    p.stackGlobal(...split(name))
      .int(1)
      .tuple1()
      .reduce();
  else if (name.startsWith('pyarrow.lib.')) arrowArray(p);
  else return undefined;
  if (withPayload) p.stackGlobal('posix', 'system').tuple2();
  return p.stop().bytes();
}

/** The stream's use of `name` the way its library does (class rebuilt through __new__ + BUILD, reconstructor called). */
function libraryUse(name: string, kind: string | undefined, withPayload: boolean): Uint8Array {
  const shaped = shapedUse(name, withPayload);
  if (shaped !== undefined) return shaped;
  const [m, n] = split(name);
  const p = new P().proto(4);
  const payload = () => (withPayload ? p.stackGlobal('posix', 'system') : p.none());
  const native = kind === 'class' ? nativeStateHook(name) : undefined;
  if (native !== undefined) {
    // A native __setstate__ that reads a tuple state: the tuple its library writes (numbers where it writes numbers),
    // with the payload (or None) in the first item that is not a number.
    const numbers = new Set(native.numbers ?? []);
    p.stackGlobal(m, n).emptyTuple();
    if (nativeWrittenBy(name)?.includes('call')) p.reduce();
    else p.newobj();
    p.mark();
    let planted = false;
    for (let i = 0; i < native.lengths[0]!; i++) {
      if (numbers.has(i)) p.int(1);
      else if (!planted) {
        payload();
        planted = true;
      } else p.none();
    }
    p.tuple().build();
  } else if (kind === 'class' && !(nativeWrittenBy(name) ?? ['call']).includes('call')) {
    // A native class its library writes only through a function (numpy's __generator_ctor, a __pyx_unpickle_*) or
    // not at all: its pickles name it (that function's argument, a reference), never make it by NEWOBJ.
    p.emptyDict().sbu('attr').stackGlobal(m, n).setitem();
    if (withPayload) p.sbu('payload').stackGlobal('posix', 'system').setitem();
  } else if (kind === 'class' && historyChecks(name).includes('scalar-value')) {
    // An Enum a pack admits called with one scalar only (HistoryCheck scalar-value): its library writes a member as a
    // call of the class with the member's value; the payload (or None) beside it. A class admitted only through
    // __new__ (docutils' Text node, a str subclass) is written by NEWOBJ with its value.
    p.stackGlobal(m, n).sbu('x').tuple1();
    if (allowEntry(name)?.calls === 'new') p.newobj();
    else p.reduce();
    payload();
    p.raw(0x86); // TUPLE2
  } else if (kind === 'class' && historyChecks(name).includes('translation-proxy')) {
    // Sphinx's translation proxy (HistoryCheck translation-proxy): NEWOBJ of the class alone and a BUILD of the three
    // strings Sphinx 6.0 on writes; the payload (or None) beside it.
    p.stackGlobal(m, n).emptyTuple().newobj().mark().sbu('sphinx').sbu('general').sbu('Contents').tuple().build();
    payload();
    p.raw(0x86); // TUPLE2
  } else if (kind === 'class' && historyChecks(name).includes('str-args')) {
    // A path class called with its parts as strings (HistoryCheck str-args); the payload (or None) beside it.
    p.stackGlobal(m, n).sbu('docs').tuple1().reduce();
    payload();
    p.raw(0x86); // TUPLE2
  } else if (kind === 'class' && historyChecks(name).includes('empty-state')) {
    // A class admitted only with the empty dict state its library writes, called with arrays, None, bools and numbers
    // (HistoryCheck empty-state, array-args: quantile-forest's QuantileForest): the payload (or None) beside it.
    p.stackGlobal(m, n).mark().none().none().raw(0x89).tuple().reduce().emptyDict().build();
    payload();
    p.raw(0x86); // TUPLE2
  } else if (kind === 'class') {
    // A native class its library only writes by calling it (native-new.ts) is called; any other is NEWOBJ'd.
    p.stackGlobal(m, n).emptyTuple();
    if (nativeWrittenBy(name)?.includes('call')) p.reduce();
    else p.newobj();
    if (historyChecks(name).includes('file-resource')) {
      // sklearn-crfsuite's FileResource: the keys its library writes (HistoryCheck file-resource), the payload in one.
      p.emptyDict().sbu('name').none().setitem().sbu('auto').raw(0x88).setitem().sbu('prefix');
    } else if (historyChecks(name).includes('omegaconf-state')) {
      // OmegaConf's configs (HistoryCheck omegaconf-state): the keys its library writes, metadata of the class each
      // takes, the payload (or None) as the metadata's key, a node's value or a container's content.
      if (n.endsWith('Metadata')) p.emptyDict().sbu('key');
      else {
        const container = n === 'DictConfig' || n === 'ListConfig';
        p.emptyDict()
          .sbu('_metadata')
          .stackGlobal('omegaconf.base', container ? 'ContainerMetadata' : 'Metadata');
        p.emptyTuple()
          .newobj()
          .setitem()
          .sbu(container ? '_content' : '_val');
      }
    } else if (historyChecks(name).includes('pydantic-state')) {
      // pydantic 1 models (HistoryCheck pydantic-state): the state BaseModel.__getstate__ writes, the payload (or None)
      // as a field's value.
      p.emptyDict().sbu('__fields_set__').raw(0x8f).setitem(); // EMPTY_SET
      p.sbu('__dict__').emptyDict().sbu('page_content');
    } else p.emptyDict().sbu('state');
    payload();
    p.setitem();
    if (historyChecks(name).includes('pydantic-state')) p.setitem(); // the fields into the state
    // A frame or panel of older pandas: the dict state pandas wrote carries its str _typ (HistoryCheck frame-state).
    if (historyChecks(name).includes('frame-state')) p.sbu('_typ').sbu('panel').setitem();
    p.build();
  } else if ((kind === 'reconstructor' || kind === 'function') && effectOf(name)?.written !== 'reference') {
    // The arguments its library passes (callable-effects.ts): a class of the family an argument takes, a str where
    // it takes data; then the payload (or None).
    const shape = effectOf(name)?.args ?? {};
    p.stackGlobal(m, n).mark();
    for (let k = 0; k <= Math.max(-1, ...Object.keys(shape).map(Number)); k++) {
      const want = shape[String(k)];
      if (want === undefined) p.none();
      else if (want === 'data') p.sbu('b');
      else p.stackGlobal(...split(want));
    }
    payload();
    p.tuple().reduce();
  } else {
    p.emptyDict().sbu('attr').stackGlobal(m, n).setitem();
    if (withPayload) p.sbu('x').stackGlobal('posix', 'system').setitem();
  }
  return p.stop().bytes();
}

/** The stream calls the name itself (REDUCE): not admitted for 'new'-only classes and stored references. */
function called(name: string): Uint8Array {
  const [m, n] = split(name);
  // A class whose constructor called with no arguments is vetted as data (EMPTY_CALLS: dateutil-empty-call.test.ts)
  // is called here with one.
  const p = new P().proto(4).stackGlobal(m, n);
  return (EMPTY_CALLS.has(name) ? p.int(1).tuple1() : p.emptyTuple()).reduce().stop().bytes();
}

const ids = (r: Awaited<ReturnType<typeof scanBytes>>) => [...new Set(r.findings.map((f) => f.ruleId))].sort();

for (const pack of allPacks()) {
  describe(`pack ${pack.id}`, () => {
    it('every entry is admitted by classification and none is in the dangerous table', () => {
      for (const name of pack.entries.keys()) {
        const [m, n] = split(name);
        const v = classifyImport({
          ...resolveImportName(m, n, 4),
          opcode: 'STACK_GLOBAL',
          offset: 0,
          protocol: 4,
          afterError: false,
        });
        if (pack.review.has(name)) continue;
        assert.notEqual(v.kind, 'dangerous', `${name} is in the dangerous table`);
        if (allowEntry(name)?.source === pack.id) assert.equal(v.kind, 'allowed', `${name}: ${JSON.stringify(v)}`);
      }
    });
    it('used as its library uses it: passes; with attacker state or arguments: PICKLE-EXEC', async () => {
      for (const [name, e] of pack.entries) {
        if (allowEntry(name)?.source !== pack.id) continue; // admitted through an earlier pack
        // A class admitted only as a stored reference (calls: none) is used by its library as a value, never rebuilt
        // by the stream itself (pandas 0.13 - 0.14's Index classes: the subtype numpy's _reconstruct is given).
        // The role in force is the stricter of the installed and history entries (allowlist.ts): use that one.
        const kind = e.kind === 'class' && allowEntry(name)?.calls === 'none' ? 'reference' : e.kind;
        const ok = await scanBytes('p.pkl', libraryUse(name, kind, false));
        // joblib's array wrappers need their real fields to locate the array bytes that follow: the joblib files of
        // test/fixtures/real/ are their library use.
        // io.BytesIO's state is a (bytes, position, dict) tuple, not the dict state built here. bytearray() is an
        // empty bytearray, which has no __dict__ (BUILD on it raises): its library use is the call alone.
        if (pack.id !== 'joblib' && name !== 'io.BytesIO' && name !== 'builtins.bytearray')
          assert.deepEqual(
            ids(ok),
            [],
            `${name} (${e.kind}) used as the library does: ${ok.findings.map((f) => f.evidence.signal).join('; ')}`,
          );
        // io.BytesIO's state is a (bytes, position, dict) tuple, not the dict state built here.
        if (pack.id !== 'joblib' && name !== 'io.BytesIO' && name !== 'builtins.bytearray')
          assert.equal(ok.pickles[0]?.safety, 'LIKELY_SAFE', name);
        const gadget = await scanBytes('p.pkl', libraryUse(name, kind, true));
        assert.ok(ids(gadget).includes('PICKLE-EXEC'), `${name} with a payload: ${ids(gadget).join(',')}`);
      }
    });
    it('a name admitted only through __new__ or as a stored reference is caught when the stream calls it', async () => {
      for (const name of pack.entries.keys()) {
        // The entry in force: a history pack's entry for a name its library's installed pack also lists adds only
        // versions (the installed entry's calls, e.g. dateutil's shape-checked tzfile call, stay in force).
        const e = allowEntry(name);
        if (e?.calls === undefined || e.source !== pack.id) continue;
        const r = await scanBytes('p.pkl', called(name));
        const f = r.findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT');
        assert.ok(f, `${name} called`);
        assert.match(
          f.evidence.signal,
          e.calls === 'none' ? /only as a stored reference/ : /only rebuilt through __new__/,
        );
      }
    });
    it('every name the review refused is reported with the review reason', async () => {
      for (const [name, why] of pack.review) {
        const r = await scanBytes('p.pkl', called(name));
        const v = r.findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT' || x.ruleId === 'PICKLE-EXEC');
        assert.ok(v, `${name} refused by the review must not pass`);
        if (v.ruleId === 'PICKLE-GLOBAL-IMPORT' && allowEntry(name) === undefined) {
          assert.ok(v.evidence.signal.includes('not admitted by the') || v.evidence.signal.includes('allowlist'), name);
          assert.ok(why.length > 0);
        }
      }
    });
  });
}

describe('per-name lookup', () => {
  it('equals the merged tables of every pack: the first refusal wins over any entry, else the first pack listing it', () => {
    const refused = new Map<string, { pack: string; reason: string }>();
    for (const p of allPacks())
      for (const [k, reason] of p.review) if (!refused.has(k)) refused.set(k, { pack: p.id, reason });
    // The first pack listing a name gives its entry; a later pack of the same library (its history pack) that also
    // lists it adds the released versions it was reviewed in.
    const allow = new Map<string, AllowEntry>();
    for (const p of allPacks())
      for (const [k, e] of p.entries) {
        if (refused.has(k)) continue;
        const first = allow.get(k);
        if (first === undefined) allow.set(k, e);
        else if (first.source === p.id) {
          let merged = first;
          if (e.versions && !first.versions?.includes(e.versions))
            merged = { ...merged, versions: `${first.versions}; ${e.versions}` };
          if (e.reading && !merged.reading?.includes(e.reading))
            merged = { ...merged, reading: merged.reading ? `${merged.reading}; ${e.reading}` : e.reading };
          // A history entry admitting the name only as a stored reference puts that role in force.
          if (e.calls === 'none') merged = { ...merged, calls: 'none' };
          allow.set(k, merged);
        }
      }
    const names = new Set([...refused.keys(), ...allPacks().flatMap((p) => [...p.entries.keys()])]);
    assert.ok(names.size > 1000);
    for (const name of names) {
      assert.deepEqual(allowEntry(name), allow.get(name), name);
      assert.deepEqual(refusedBy(name), refused.get(name), name);
    }
    // Names no pack lists, including ones that are properties of every object.
    for (const name of ['nope.Nothing', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(allowEntry(name), undefined, name);
      assert.equal(refusedBy(name), undefined, name);
    }
  });
  it('a disabled pack admits nothing', () => {
    const e = allowEntry('collections.OrderedDict');
    assert.ok(e);
    assert.equal(allowEntry('collections.OrderedDict', new Set([e.source])), undefined);
  });
});
