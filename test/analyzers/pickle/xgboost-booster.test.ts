// xgboost.core.Booster.__setstate__ hands the pickled 'handle' to XGBoost's native deserializer, whose tree loader
// trusts the counts and node ids in the buffer. A pickled Booster whose UBJSON model breaks one of those invariants is
// PICKLE-STRUCT NATIVE_STATE; the buffers XGBoost writes pass. Fixtures: scripts/fixtures/xgboost-native-blob.py (each
// blocked file killed its pickle.load child with a signal, each twin loaded).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertPasses, itEachRealFixture, scanFixture, structAnomaly } from '../../scan/helpers/real-fixtures.js';
import { xgboostBufferProblem } from '../../../src/analyzers/pickle/xgboost-booster.js';
import { parseUbjson, UbjError, type UbjValue } from '../../../src/formats/ubjson.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/xgboost-native/', import.meta.url).pathname;
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** The handle buffer of a protocol-4 Booster pickle: BINBYTES (B, uint32 LE length) right before the UBJSON. */
function handleOf(file: string): Uint8Array {
  const data = readFileSync(DIR + file);
  const at = data.indexOf(Buffer.from('{L\0\0\0\0\0\0\0\x06Config', 'latin1'));
  assert.ok(at > 5 && data[at - 5] === 0x42, 'a BINBYTES handle');
  return data.subarray(at, at + data.readUInt32LE(at - 4));
}

/** A parsed UBJSON value as plain JSON data (typed arrays become arrays of numbers). */
function jsOf(v: UbjValue): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v.t === 'typed') return Array.from({ length: v.count }, (_, i) => v.at(i));
  if (v.t === 'arr') return v.items.map(jsOf);
  return Object.fromEntries([...v.entries].map(([k, x]) => [k, jsOf(x)]));
}

/** A copy of `buf` with the big-endian integer of `size` bytes at the first element of typed array `key` set. */
function setFirst(buf: Uint8Array, key: string, value: number): Uint8Array {
  const out = Buffer.from(buf);
  const k = Buffer.concat([Buffer.from([0x4c, 0, 0, 0, 0, 0, 0, 0, key.length]), Buffer.from(key, 'latin1')]);
  let at = -1;
  // The first tree whose array is not empty.
  for (let from = 0; ; from = at + 1) {
    at = out.indexOf(k, from);
    assert.ok(at >= 0, key);
    if (out.readBigInt64BE(at + k.length + 5) > 0n) break;
  }
  const first = at + k.length + 13;
  const elem = String.fromCharCode(out[at + k.length + 2]!);
  if (elem === 'L') out.writeBigInt64BE(BigInt(value), first);
  else out.writeInt32BE(value, first);
  return out;
}

describe('a pickled XGBoost Booster whose model buffer breaks the native loader', () => {
  itEachRealFixture(DIR, structAnomaly('NATIVE_STATE'));

  for (const f of [
    'bullseye-real/xgb-booster.pkl',
    'bullseye-real/xgb-booster.joblib',
    'bullseye-real/xgb-classifier.pkl',
    'bullseye-real/xgb-classifier.joblib',
    'bullseye-real/xgb-regressor.pkl',
    'bullseye-real/xgb-regressor.joblib',
    'sid-real/xgb-classifier.pkl',
  ])
    it(`pass: ${f} (XGBoost's own pickle)`, async () => {
      assertPasses(await scanFixture(FIXTURES, { file: f, expect: 'pass', what: '', caught: '', loader: '' }));
    });

  it('admits the buffers XGBoost writes and names each broken invariant', () => {
    const cat = handleOf('categorical.pkl');
    assert.equal(xgboostBufferProblem(cat), undefined);
    assert.equal(xgboostBufferProblem(handleOf('numeric.pkl')), undefined);
    const cases: [string, number, RegExp][] = [
      ['categories_nodes', 99, /categorical node entry 0 \(99\) is not an increasing node id below/],
      ['categories_segments', -1, /takes categories \[-1,/],
      ['categories_sizes', 0, /takes categories \[0, 0\+0\)/],
      ['categories', -5, /category 0 is -5/],
      ['left_children', 7, /node 0 has a child id \(7, /],
      ['right_children', -2, /node 0 has a child id \(-?\d+, -2\)/],
    ];
    for (const [key, value, re] of cases) assert.match(xgboostBufferProblem(setFirst(cat, key, value)) ?? '', re, key);
    // The root's parent is not read; another node's parent is.
    assert.equal(xgboostBufferProblem(setFirst(cat, 'parents', 12345)), undefined);
    // A truncated buffer and a buffer in the older binary form.
    assert.match(xgboostBufferProblem(cat.subarray(0, cat.length - 9)) ?? '', /malformed/);
    assert.equal(xgboostBufferProblem(Buffer.from('CONFIG-offset:\0\0\0\0\0\0\0\0')), undefined);
  });

  it('checks the same model as JSON text (the form XGBoost 1.0 - 1.5 pickle with JSON serialization on)', () => {
    const model = jsOf(parseUbjson(handleOf('categorical.pkl'))) as Record<string, unknown>;
    const text = (m: unknown, space?: number): Buffer => Buffer.from(JSON.stringify(m, null, space));
    assert.equal(xgboostBufferProblem(text(model)), undefined);
    assert.equal(xgboostBufferProblem(text(model, 1)), undefined); // '{' then a newline
    const firstTree = (m: Record<string, unknown>): Record<string, unknown[]> => {
      const gb = (((m.Model as Record<string, unknown>).learner as Record<string, unknown>).gradient_booster ??
        {}) as Record<string, Record<string, unknown[]>>;
      return (gb.model!.trees as Record<string, unknown[]>[]).find((t) => t.left_children!.length > 1)!;
    };
    const broken = structuredClone(model);
    firstTree(broken).left_children![0] = 99999;
    assert.match(xgboostBufferProblem(text(broken)) ?? '', /node 0 has a child id \(99999, /);
    const cats = structuredClone(model);
    firstTree(cats).categories_sizes![0] = 1e6;
    assert.match(xgboostBufferProblem(text(cats)) ?? '', /takes categories/);
    // Non-finite literals (which XGBoost's reader takes) do not make a model unreadable; a string holding one stays.
    const nan = text(model)
      .toString()
      .replace(/"split_conditions":\[[^\]]*?(\d[\d.e+-]*)/, (m, d: string) => m.slice(0, m.length - d.length) + 'NaN');
    assert.notEqual(nan, text(model).toString());
    assert.equal(xgboostBufferProblem(Buffer.from(nan)), undefined);
    // No learner, malformed text, nesting and size bounds counted before parsing.
    assert.match(xgboostBufferProblem(Buffer.from('{"learner": {}}')) ?? '', /JSON model has no learner/);
    assert.match(xgboostBufferProblem(Buffer.from('{"Model": [1,')) ?? '', /JSON model is malformed/);
    assert.match(
      xgboostBufferProblem(Buffer.from('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}')) ?? '',
      /nests deeper/,
    );
    // A '{' and ']' inside a string do not count.
    assert.match(xgboostBufferProblem(Buffer.from('{"a":"{{{]]]\\"["}')) ?? '', /no learner/);
  });

  it("blocks a Booster state whose 'handle' the analysis cannot read, passes one without a buffer", async () => {
    // Booster.__new__ then BUILD with a state dict of one item.
    const booster = (item: (p: P) => P): Uint8Array =>
      item(new P().proto(4).stackGlobal('xgboost.core', 'Booster').emptyTuple().newobj().emptyDict())
        .setitem()
        .build()
        .stop()
        .bytes();
    const native = async (b: Uint8Array): Promise<boolean> =>
      (await scanBytes('b.pkl', b)).findings.some((x) => structAnomaly('NATIVE_STATE')(x));
    // A handle that is a call result, a key computed by a call (which may be 'handle'); None, and a str (on which
    // ctypes' from_buffer raises) pass this check.
    assert.ok(await native(booster((p) => p.sbu('handle').call('somewhere', 'make', 'x'))));
    assert.ok(await native(booster((p) => p.call('somewhere', 'key', 'handle').none())));
    assert.equal(await native(booster((p) => p.sbu('handle').none())), false);
    assert.equal(await native(booster((p) => p.sbu('handle').sbu('model'))), false);
  });

  it('reads UBJSON within bounds: lengths against the bytes left, nesting and counts bounded', () => {
    const err = (b: number[] | Buffer, re: RegExp): void =>
      assert.throws(
        () => parseUbjson(Uint8Array.from(b)),
        (e: unknown) => e instanceof UbjError && re.test(e.message),
      );
    // A typed array claiming 2^40 int64 elements in a few bytes.
    err([0x5b, 0x24, 0x4c, 0x23, 0x4c, 0, 0, 1, 0, 0, 0, 0, 0], /needs \d+ bytes/);
    // A string whose length is negative, and one longer than the buffer.
    err([0x53, 0x69, 0xff], /negative/);
    err([0x53, 0x69, 0x10, 0x41], /needs 16 bytes/);
    // Nesting deeper than the bound.
    err(Buffer.from('['.repeat(100) + ']'.repeat(100)), /nesting deeper/);
    // An object that never ends, and trailing bytes.
    err([0x7b, 0x69, 0x01, 0x61, 0x54], /a marker/);
    err([0x54, 0x54], /after the top-level value/);
    const v = parseUbjson(
      Uint8Array.from([0x7b, 0x69, 0x01, 0x61, 0x5b, 0x24, 0x6c, 0x23, 0x69, 0x01, 0, 0, 0, 7, 0x7d]),
    );
    assert.ok(typeof v === 'object' && v !== null && v.t === 'obj');
    const a = v.entries.get('a');
    assert.ok(typeof a === 'object' && a !== null && a.t === 'typed' && a.count === 1 && a.at(0) === 7);
  });
});
