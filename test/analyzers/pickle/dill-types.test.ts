// dill's type lookup: with dill imported, pickle and joblib write a builtin type as <dill module>._load_type(<name>),
// which returns the builtin type of that name and does nothing else. Files dill and joblib wrote pass (fixtures:
// scripts/fixtures/dill-types.py), with the type judged as builtins.<name> from then on (an XGBoost Booster's handle
// spelled bytearray(<bytes>) that way is a byte buffer the Booster check reads). The releases before 0.2.8 define it
// in dill.dill, and on Python 2 the table holds the `types` module's names (ListType, ObjectType, ...): those pass for
// the lookups of the releases that hold them (fixtures by dill 0.2.7.1 and 0.3.6: scripts/fixtures/dill-old-names.py;
// Python 2's spelling by the builder). Every other name (of code, classes, files; of no release's table), a lookup in
// a module that never defined it, and every other name of dill is judged as before.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/dill-types/', import.meta.url).pathname;
const NATIVE = new URL('../../fixtures/xgboost-native/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function scan(name: string, data: Uint8Array) {
  const r = await scanBytes(name, data);
  return {
    blocking: r.findings.filter((x) => BLOCKING.has(x.severity)),
    safety: r.pickles.map((p) => p.safety),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []).map((a) => `${a.name} (${a.pack})`),
    why: r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n'),
  };
}

/** The model buffer a protocol-4 Booster pickle holds as its handle (BINBYTES right before it). */
function handleOf(data: Buffer): Uint8Array {
  const at = data.indexOf(Buffer.from('{L\0\0\0\0\0\0\0\x06Config', 'latin1'));
  assert.ok(at > 5 && data[at - 5] === 0x42, 'a BINBYTES handle');
  return data.subarray(at, at + data.readUInt32LE(at - 4));
}

const GOOD = handleOf(readFileSync(DIR + 'xgboost-classifier.joblib'));
const BROKEN = handleOf(readFileSync(NATIVE + 'segment-beyond.pkl'));

interface Case {
  readonly what: string;
  readonly bytes: Uint8Array;
  /** What blocks it: a rule id and a word of its evidence; undefined: it passes. */
  readonly blocks?: readonly [string, string];
}

/** <module>._load_type(<arg>) pushed, as dill writes it (STACK_GLOBAL, memoized as 0). */
function lookup(p: P, arg: (p: P) => P, module = 'dill._dill'): P {
  return arg(p.stackGlobal(module, '_load_type').memoize()).tuple1().reduce();
}

/** A Booster rebuilt with {'handle': <type named `name`>(buf)} as Booster.__getstate__ writes it. */
function booster(buf: Uint8Array, name = 'bytearray'): Uint8Array {
  const p = new P().proto(4).stackGlobal('xgboost.core', 'Booster').emptyTuple().newobj().emptyDict().sbu('handle');
  return lookup(p, (q) => q.sbu(name))
    .bb(buf)
    .tuple1()
    .reduce()
    .setitem()
    .build()
    .stop()
    .bytes();
}

/** Python 2's spelling (protocol 0): GLOBAL <module>._load_type, a STRING name, TUPLE1, REDUCE. */
function py2Lookup(p: P, name: string, module = 'dill.dill'): P {
  return p.global(module, '_load_type').str(name).tuple1().reduce();
}

/**
 * copy_reg._reconstructor(LogisticRegression, <base>, None) as protocol 0 writes an instance whose class has no reduce
 * of its own, then BUILD of {'C': <value>}.
 */
function rebuiltOn(base: (p: P) => P, value: (p: P) => P = (q) => q.sbu('l2')): Uint8Array {
  const p = new P()
    .global('copy_reg', '_reconstructor')
    .mark()
    .global('sklearn.linear_model._logistic', 'LogisticRegression');
  return value(base(p).none().tuple().reduce().emptyDict().sbu('penalty')).setitem().build().stop().bytes();
}

const CASES: readonly Case[] = [
  {
    what: "dill < 0.2.8 on Python 2: defaultdict(<ListType>) (dill.dill, the types module's name)",
    bytes: py2Lookup(new P().global('collections', 'defaultdict'), 'ListType').tuple1().reduce().stop().bytes(),
  },
  {
    what: "dill < 0.2.8 on Python 2: an estimator rebuilt on <ObjectType> (copy_reg._reconstructor's base)",
    bytes: rebuiltOn((p) => py2Lookup(p, 'ObjectType')),
  },
  {
    what: 'dill 0.2.8 - 0.3.5 on Python 2 (dill._dill): UnicodeType, DictType, LongType, XRangeType',
    bytes: py2Lookup(
      py2Lookup(
        py2Lookup(py2Lookup(new P().mark(), 'UnicodeType', 'dill._dill'), 'DictType', 'dill._dill'),
        'LongType',
        'dill._dill',
      ),
      'XRangeType',
      'dill._dill',
    )
      .tuple()
      .stop()
      .bytes(),
  },
  {
    what: 'dill on Python 3: an estimator rebuilt on <object> (dill._dill)',
    bytes: rebuiltOn((p) => lookup(p, (q) => q.sbu('object'))),
  },
  {
    what: 'an estimator rebuilt on <ObjectType> whose state plants a callable',
    bytes: rebuiltOn(
      (p) => py2Lookup(p, 'ObjectType'),
      (q) => q.global('os', 'system'),
    ),
    blocks: ['PICKLE-EXEC', 'os.system'],
  },
  {
    what: "Python 2's FunctionType (dill.dill)",
    bytes: py2Lookup(new P(), 'FunctionType').stop().bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: "Python 2's TypeType (it builds classes)",
    bytes: py2Lookup(new P(), 'TypeType').stop().bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: "Python 2's FileType (an entry dill adds: a file handle)",
    bytes: py2Lookup(new P(), 'FileType').stop().bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: "Python 2's StringTypes (a tuple of types, in no release's table)",
    bytes: py2Lookup(new P(), 'StringTypes').stop().bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'ListType looked up in a module of dill that never defined _load_type (dill.objtypes)',
    bytes: py2Lookup(new P(), 'ListType', 'dill.objtypes').stop().bytes(),
    blocks: ['PICKLE-EXEC', 'dill.objtypes._load_type'],
  },
  {
    what: 'a name of dill._dill under dill.dill, which no release defined there (_create_namedtuple)',
    bytes: new P().global('dill.dill', '_create_namedtuple').str('P').tuple1().reduce().stop().bytes(),
    blocks: ['PICKLE-EXEC', '_create_namedtuple'],
  },
  {
    what: 'a bytearray of bytes',
    bytes: lookup(new P().proto(4), (q) => q.sbu('bytearray'))
      .sbb(Uint8Array.of(1, 2))
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
  },
  {
    what: 'the type int returned',
    bytes: lookup(new P().proto(4), (q) => q.sbu('int'))
      .stop()
      .bytes(),
  },
  {
    what: "dill < 0.2.8's module (dill.dill)",
    bytes: lookup(new P().proto(2), (q) => q.sbu('frozenset'), 'dill.dill')
      .stop()
      .bytes(),
  },
  { what: 'a Booster whose handle is bytearray(<the buffer XGBoost wrote>)', bytes: booster(GOOD) },
  {
    what: 'a Booster whose handle is bytearray(<a buffer that breaks the native loader>)',
    bytes: booster(BROKEN),
    blocks: ['PICKLE-STRUCT', "'handle' model buffer"],
  },
  {
    what: 'CodeType looked up and called',
    bytes: lookup(new P().proto(4), (q) => q.sbu('CodeType'))
      .sbu('x')
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'FunctionType looked up',
    bytes: lookup(new P().proto(4), (q) => q.sbu('FunctionType'))
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'type looked up (it builds classes)',
    bytes: lookup(new P().proto(4), (q) => q.sbu('type'))
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'a name that is not a str literal (a value built by a call)',
    bytes: lookup(new P().proto(4), (q) =>
      lookup(q, (r) => r.sbu('str'))
        .sbb(Uint8Array.of(0x62))
        .tuple1()
        .reduce(),
    )
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'two arguments',
    bytes: new P()
      .proto(4)
      .stackGlobal('dill._dill', '_load_type')
      .sbu('int')
      .sbu('x')
      .tuple2()
      .reduce()
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: 'the lookup also stored in a list (a reference not consumed by a vetted call)',
    bytes: lookup(new P().proto(4), (q) => q.sbu('int'))
      .pop()
      .emptyList()
      .binget(0)
      .op(0x61)
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_load_type'],
  },
  {
    what: "the lookup beside dill's function builder",
    bytes: lookup(new P().proto(4), (q) => q.sbu('int'))
      .pop()
      .stackGlobal('dill._dill', '_create_function')
      .sbu('x')
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
    blocks: ['PICKLE-EXEC', '_create_function'],
  },
];

const OLD = new URL('../../fixtures/dill-old-names/', import.meta.url).pathname;

describe("dill's type lookup _load_type(<name>)", () => {
  for (const f of ['dill-0.2.7.1-defaultdict.pkl', 'dill-0.2.7.1-logistic.pkl', 'dill-0.3.6-logistic.pkl']) {
    it(`passes: ${f}, written by that release of dill at protocol 0`, async () => {
      const r = await scan(f, readFileSync(OLD + f));
      assert.deepEqual(r.blocking, [], r.why);
      assert.deepEqual(r.safety, ['LIKELY_SAFE']);
      const module = f.startsWith('dill-0.2') ? 'dill.dill' : 'dill._dill';
      assert.ok(r.admitted.includes(`${module}._load_type (python)`), r.admitted.join(', '));
    });
  }
  for (const f of ['xgboost-classifier.joblib', 'bytearray.joblib', 'types.pkl']) {
    it(`passes: ${f}, written with dill imported`, async () => {
      const r = await scan(f, readFileSync(DIR + f));
      assert.deepEqual(r.blocking, [], r.why);
      assert.deepEqual(r.safety, ['LIKELY_SAFE']);
      assert.ok(r.admitted.includes('dill._dill._load_type (python)'), r.admitted.join(', '));
    });
  }
  for (const c of CASES) {
    it(`${c.blocks === undefined ? 'passes' : `blocks (${c.blocks[0]})`}: ${c.what}`, async () => {
      const r = await scan('t.pkl', c.bytes);
      if (c.blocks === undefined) {
        assert.deepEqual(r.blocking, [], r.why);
        assert.deepEqual(r.safety, ['LIKELY_SAFE'], r.why);
      } else {
        const [rule, word] = c.blocks;
        assert.ok(
          r.blocking.some((x) => x.ruleId === rule && x.evidence.signal.includes(word)),
          r.why,
        );
      }
    });
  }
});
