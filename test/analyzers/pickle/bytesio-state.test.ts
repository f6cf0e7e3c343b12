// io.BytesIO rebuilt the way CPython pickles it (NEWOBJ, then BUILD with BytesIO.__getstate__'s tuple): the real
// shape passes, states BytesIO.__setstate__ refuses are structural errors, and a nested loader over a BytesIO reads
// the contents and position its BUILD set. Fixtures: scripts/fixtures/bytesio.py (CPython's pickler; each one loaded
// once by the real loader).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bytesioSetstate } from '../../../src/analyzers/pickle/bytesio-state.js';
import { K, NONE, TRUE, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { runPickle, type VmOptions } from '../../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mem } from '../../helpers/sources.js';

const DIR = new URL('../../fixtures/bytesio/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'struct' | 'nested'; what: string; loader: string }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const OPTS: VmOptions = { limits: DEFAULT_LIMITS, loader: { persistentLoad: false, joblibArrays: true } };
const run = (b: Uint8Array) => runPickle(mem(b), 0, b.length, OPTS);

describe('io.BytesIO pickles written by CPython', () => {
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.what}; real loader: ${f.loader})`, async () => {
      const bytes = readFileSync(join(DIR, f.file));
      const r = await scanBytes(f.file, bytes);
      const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n');
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'pass') {
        assert.deepEqual(blocking, [], why);
        for (const p of r.pickles) assert.equal(p.safety, 'LIKELY_SAFE', why);
      } else if (f.expect === 'struct') {
        assert.deepEqual([...new Set(blocking.map((x) => x.ruleId))], ['PICKLE-STRUCT'], why);
        assert.ok(
          blocking.some((x) => x.evidence.signal.includes('BytesIO.__setstate__')),
          why,
        );
      } else {
        // The nested stream is exactly what pickle.load reads: the state's contents from the state's position.
        const run1 = run(bytes);
        assert.equal(run1.nested.length, 1, why);
        const nested = run1.nested[0]!.bytes;
        assert.equal(nested[0], 0x80, 'starts at the inner stream, past any decoy');
        assert.ok(Buffer.from(nested).includes(Buffer.from('sentinel.proof')), why);
        assert.ok(!Buffer.from(nested).includes(Buffer.from('benign')), 'the decoy before the position is not read');
        assert.ok(
          blocking.some((x) => x.ruleId === 'PICKLE-EXEC' && x.evidence.signal.includes('sys.audit')),
          why,
        );
      }
    });
  }
});

describe('BytesIO.__setstate__ state shapes', () => {
  const bytes: PyVal = { k: K.Bytes, off: -1, len: 3, data: new Uint8Array([1, 2, 3]), via: 'test' };
  const obj: PyVal = { k: K.Obj, callee: { k: K.Unknown }, args: { k: K.Unknown }, call: undefined } as PyVal;
  const dict: PyVal = { k: K.Dict, keys: ['a'], vals: [1], n: 1 };
  const tuple = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });
  // [name, state, CPython accepts it, contents known]
  const cases: [string, PyVal, boolean, boolean][] = [
    ['(bytes, 0, None) as CPython writes it', tuple(bytes, 0, NONE), true, true],
    ['(bytes, position, dict)', tuple(bytes, 7, dict), true, true],
    ['a longer tuple', tuple(bytes, 0, NONE, 'x'), true, true],
    ['a bool position (an int)', tuple(bytes, TRUE, NONE), true, true],
    ['a big position', tuple(bytes, 2n ** 62n, NONE), true, true],
    ['bytearray contents', tuple({ ...bytes, k: K.ByteArray }, 0, NONE), true, true],
    ['contents made by a call (an object buffer)', tuple(obj, 0, NONE), true, false],
    ['position made by a call', tuple(bytes, obj, NONE), true, false],
    ['items beyond the kept prefix', { k: K.Tuple, items: [], more: 3 }, true, false],
    ['a dict', dict, false, false],
    ['a 2-tuple', tuple(bytes, 0), false, false],
    ['str contents', tuple('abc', 0, NONE), false, false],
    ['None contents', tuple(NONE, 0, NONE), false, false],
    ['a negative position', tuple(bytes, -1, NONE), false, false],
    ['a position beyond Py_ssize_t', tuple(bytes, 2n ** 63n, NONE), false, false],
    ['a str position', tuple(bytes, '0', NONE), false, false],
    ['a list as the instance dict', tuple(bytes, 0, { k: K.List }), false, false],
  ];
  for (const [name, state, ok, known] of cases) {
    it(name, () => {
      const s = bytesioSetstate(state);
      assert.equal(s.ok, ok, JSON.stringify(s));
      if (s.ok) assert.equal(s.contents !== undefined, known);
    });
  }
});

describe('BUILD on a BytesIO in the VM', () => {
  const bio = () => new P().proto(2).global('_io', 'BytesIO').emptyTuple().newobj();
  it('the real shape is no anomaly', () => {
    const r = run(
      bio()
        .mark()
        .sbb(new Uint8Array([1]))
        .int(0)
        .none()
        .tuple()
        .build()
        .stop()
        .bytes(),
    );
    assert.deepEqual(r.anomalies, []);
  });
  it('a __setstate__ planted in the instance dict is called by the next BUILD', () => {
    const s = bio()
      .mark()
      .sbb(new Uint8Array([1]))
      .int(0)
      .emptyDict()
      .sbu('__setstate__')
      .global('posix', 'system')
      .setitem()
      .tuple()
      .build()
      .sbu('id')
      .build()
      .stop()
      .bytes();
    const r = run(s);
    assert.ok(r.anomalies.some((a) => a.code === 'BUILD_DUNDER_STATE'));
    assert.ok(r.calls.some((c) => c.kind === 'BUILD' && c.callee?.canonical === 'os.system'));
  });
  it('a nested loader over contents the scanner cannot know says so', () => {
    const s = new P()
      .proto(2)
      .global('pickle', 'load')
      .mark()
      .global('_io', 'BytesIO')
      .emptyTuple()
      .newobj()
      .mark()
      .global('builtins', 'bytes')
      .emptyTuple()
      .reduce()
      .int(0)
      .none()
      .tuple()
      .build()
      .tuple()
      .reduce()
      .stop()
      .bytes();
    const r = run(s);
    assert.equal(r.nested.length, 0);
    assert.ok(r.anomalies.some((a) => a.code === 'NESTED_PAYLOAD_UNKNOWN'));
    assert.ok(!r.anomalies.some((a) => a.code === 'TYPE_ERROR'));
  });
});
