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
import { readXgbBinaryModel, type XgbBinaryModel } from '../../../src/formats/xgboost-binary.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/xgboost-native/', import.meta.url).pathname;
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** The handle buffer of a protocol-4 Booster pickle: BINBYTES (B, uint32 LE length) right before the buffer. */
function handleOf(file: string, start = '{L\0\0\0\0\0\0\0\x06Config'): Uint8Array {
  const data = readFileSync(DIR + file);
  const at = data.indexOf(Buffer.from(start, 'latin1'));
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
    // A truncated buffer; a '{' followed by neither JSON text nor a UBJSON marker, which every loader refuses.
    assert.match(xgboostBufferProblem(cat.subarray(0, cat.length - 9)) ?? '', /malformed/);
    assert.equal(xgboostBufferProblem(Uint8Array.from([0x7b, 0x00, 0x01, 0x02])), undefined);
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

  it('refuses models XGBoost would read apart from this reading: escaped or repeated keys, tree groups out of range', () => {
    const model = jsOf(parseUbjson(handleOf('categorical.pkl'))) as Record<string, unknown>;
    const plain = JSON.stringify(model);
    assert.equal(xgboostBufferProblem(Buffer.from(plain)), undefined);
    // XGBoost's JSON reader keeps `\u005f` as written: the key is not categories_segments to it.
    const escaped = plain.replace('"categories_segments":', '"categories\\u005fsegments":');
    assert.notEqual(escaped, plain);
    assert.match(xgboostBufferProblem(Buffer.from(escaped)) ?? '', /writes a key with an escape/);
    // A key given twice (JSON.parse keeps the last).
    const twice = plain.replace('"tree_info":', '"tree_info":[],"tree_info":');
    assert.match(xgboostBufferProblem(Buffer.from(twice)) ?? '', /gives an object the key "tree_info" twice/);
    // The same key in two objects, and an escape in a value, are XGBoost's own output.
    assert.equal(
      xgboostBufferProblem(Buffer.from(plain.replace('"name":"gbtree"', '"name":"gbtree","x":"a\\"b"'))),
      undefined,
    );
    // UBJSON: the reader counts a repeated key; XGBoost keeps its first value.
    const ubj = (entries: string): Buffer => Buffer.from(`{${entries}}`, 'latin1');
    assert.match(xgboostBufferProblem(ubj('i\x01aU\x01i\x01aU\x02')) ?? '', /gives an object the same key twice/);
    assert.match(xgboostBufferProblem(ubj('i\x01aU\x01i\x01bU\x02')) ?? '', /has no learner/);
    // tree_info: the output group each tree adds to, below the number of groups (num_class, or one).
    const groups = structuredClone(model);
    const gbModel = (
      ((groups.Model as Record<string, unknown>).learner as Record<string, unknown>).gradient_booster as Record<
        string,
        Record<string, unknown[]>
      >
    ).model!;
    gbModel.tree_info![0] = 1000000;
    assert.match(
      xgboostBufferProblem(Buffer.from(JSON.stringify(groups))) ?? '',
      /tree_info 0 is 1000000 for \d+ output group/,
    );
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

/** The binary model and the offsets of its fields, read from the 'CONFIG-offset:' fixture XGBoost's output built. */
function binaryModel(): {
  handle: Uint8Array;
  model: Buffer;
  config: Buffer;
  numTrees: number;
  tree0: number;
  node0: number;
  attrs: number;
} {
  const handle = handleOf('config-offset-numeric.pkl', 'CONFIG-offset:');
  const size = Number(Buffer.from(handle).readBigInt64LE(14));
  const model = Buffer.from(handle.subarray(22, 22 + size));
  const config = Buffer.from(handle.subarray(22 + size));
  let at = 136;
  for (let i = 0; i < 2; i++) at += 8 + Number(model.readBigUInt64LE(at)); // objective, booster name
  const numTrees = at;
  const tree0 = at + 160;
  const node0 = tree0 + 148;
  // The attributes follow the last tree and the tree_info entries: found by their count's position before 'best_'.
  const attrs = model.lastIndexOf(Buffer.from('objective', 'latin1')) - 8;
  return { handle, model, config, numTrees, tree0, node0, attrs };
}

const problem = (b: Uint8Array): string => xgboostBufferProblem(b) ?? '';
const readXgbBinaryModelOrUndefined = (b: Uint8Array): XgbBinaryModel | undefined => {
  try {
    return readXgbBinaryModel(b);
  } catch {
    return undefined;
  }
};
const withInt = (b: Buffer, at: number, v: number): Buffer => {
  const out = Buffer.from(b);
  out.writeInt32LE(v, at);
  return out;
};
const configOffset = (model: Uint8Array, config: Uint8Array, size = model.length): Buffer => {
  const n = Buffer.alloc(8);
  n.writeBigInt64LE(BigInt(size));
  return Buffer.concat([Buffer.from('CONFIG-offset:', 'latin1'), n, model, config]);
};

describe("XGBoost's binary model and the 'CONFIG-offset:' serialization", () => {
  it('admits the forms XGBoost writes: CONFIG-offset, the raw binary model with or without its header', () => {
    const { handle, model } = binaryModel();
    assert.equal(xgboostBufferProblem(handle), undefined);
    assert.equal(xgboostBufferProblem(model), undefined);
    assert.equal(xgboostBufferProblem(Buffer.concat([Buffer.from('binf'), model])), undefined);
    const tree = readXgbBinaryModel(model);
    assert.equal(tree.booster, 'gbtree');
    assert.equal(tree.trees?.length, 3);
    assert.ok(tree.attributes?.some(([k]) => k === 'objective'));
  });

  it('names each broken tree invariant, in the raw model and inside CONFIG-offset', () => {
    const { model, config, numTrees, tree0, node0 } = binaryModel();
    const cases: [Buffer, RegExp][] = [
      [withInt(model, numTrees, 9), /tree 3 has num_nodes 0/], // tree 3 would be read from the tree_info entries
      [withInt(model, numTrees, 1_000_000), /num_trees 1000000 cannot fit/],
      [withInt(model, numTrees, -1), /num_trees is -1/],
      [withInt(model, tree0 + 4, 0), /tree 0 has num_nodes 0/],
      [withInt(model, tree0 + 4, 0x7fffffff), /tree 0's 2147483647 nodes and their statistics needs/],
      [withInt(model, tree0, -3), /num_roots -3/],
      [withInt(model, tree0 + 20, 3), /size_leaf_vector 3/],
      [withInt(model, node0 + 4, 99), /node 0 has a child id \(99, /],
      [withInt(model, node0 + 8, -2), /node 0 has a child id \(\d+, -2\)/],
      [withInt(model, node0 + 20, 1 << 28), /node 1 has a parent id 268435456 outside the 15 nodes/],
      [model.subarray(0, model.length - 200), /malformed/],
      [model.subarray(0, 100), /the learner parameter needs 136 bytes/],
    ];
    for (const [b, re] of cases) {
      assert.match(problem(b), re);
      assert.match(problem(configOffset(b, config)), re);
    }
    // The root's parent is not followed; an is-left bit on a parent id is masked off.
    assert.equal(problem(withInt(model, node0, 12345)), '');
    assert.equal(problem(withInt(model, node0 + 20, 0x80000000 | 0)), '');
    // A second root (the multi-root trees of releases before 1.0) has no parent; a node above num_roots has one.
    const twoRoots = withInt(withInt(model, tree0, 2), node0 + 20, -1);
    assert.equal(problem(twoRoots), '');
    assert.match(problem(withInt(twoRoots, node0 + 40, -1)), /node 2 has a parent id -1 outside the 15 nodes/);
    // A num_deleted that disagrees with the deleted nodes is refused by the loader itself.
    assert.equal(problem(withInt(model, tree0 + 8, 1)), '');
  });

  it("reads any buffer as the binary model too, as Booster unpickling before 1.0 does: a first byte '{' included", () => {
    const { model, node0 } = binaryModel();
    // base_score's low byte is '{' and the next is not JSON text or a UBJSON marker: later loaders refuse the buffer,
    // the binary loader reads it.
    const brace = Buffer.from(model);
    brace[0] = 0x7b;
    brace[1] = 0x00;
    assert.equal(problem(brace), '');
    assert.match(
      problem(withInt(brace, node0 + 4, 4242)),
      /the buffer read as a binary model \(as Booster unpickling before 1\.0 reads it\): gbtree tree 0: node 0 has a child id \(4242, /,
    );
    // XGBoost's own buffers in the later forms do not parse as a binary model with trees (the UBJSON one not at all,
    // the CONFIG-offset one with an empty booster name, which the registry refuses).
    assert.equal(readXgbBinaryModelOrUndefined(handleOf('categorical.pkl')), undefined);
    assert.equal(readXgbBinaryModelOrUndefined(binaryModel().handle)?.booster, '');
  });

  it('bounds every string and vector count against the bytes left', () => {
    const { model, attrs } = binaryModel();
    const huge = (b: Buffer, at: number): Buffer => {
      const out = Buffer.from(b);
      out.writeBigUInt64LE(1n << 40n, at);
      return out;
    };
    assert.match(problem(huge(model, 136)), /the objective name \(1099511627776 bytes\) needs/);
    assert.match(problem(huge(model, attrs)), /attribute \d+'s key \(1099511627776 bytes\) needs/);
    // A deeply nested 'objective' attribute (parsed by XGBoost's recursive JSON reader).
    const objective = model.lastIndexOf(Buffer.from('objective', 'latin1'));
    const len = Number(model.readBigUInt64LE(objective + 9));
    const deep = Buffer.from('['.repeat(100) + ']'.repeat(100));
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(deep.length));
    const nested = Buffer.concat([model.subarray(0, objective + 9), n, deep, model.subarray(objective + 17 + len)]);
    assert.match(problem(nested), /'objective' attribute nests deeper than 64/);
  });

  it('synthetic dart and gblinear models: their float vectors are bounded, an unknown booster passes', () => {
    const str = (s: string): Buffer => {
      const n = Buffer.alloc(8);
      n.writeBigUInt64LE(BigInt(s.length));
      return Buffer.concat([n, Buffer.from(s, 'latin1')]);
    };
    const u64 = (v: bigint): Buffer => {
      const n = Buffer.alloc(8);
      n.writeBigUInt64LE(v);
      return n;
    };
    const head = (booster: string): Buffer => Buffer.concat([Buffer.alloc(136), str('reg:squarederror'), str(booster)]);
    const dart = (drops: bigint): Buffer => Buffer.concat([head('dart'), Buffer.alloc(160), u64(drops)]);
    assert.equal(problem(dart(0n)), '');
    assert.match(problem(dart(1n << 40n)), /dart weight_drop \(1099511627776 floats\) needs/);
    const linear = (n: bigint, floats: number): Buffer =>
      Buffer.concat([head('gblinear'), Buffer.alloc(136), u64(n), Buffer.alloc(floats * 4)]);
    assert.equal(problem(linear(3n, 3)), '');
    assert.match(problem(linear(1n << 30n, 3)), /gblinear weights/);
    // The booster registry refuses an unknown name before reading on; a base64 model is refused at its header.
    assert.equal(problem(Buffer.concat([head('gbfoo'), Buffer.alloc(7)])), '');
    assert.equal(problem(Buffer.from('bs64AAAA')), '');
  });

  it("CONFIG-offset: the model length against the buffer, the configuration's nesting, a JSON model inside", () => {
    const { model, config } = binaryModel();
    assert.equal(problem(configOffset(model, config, 0)), ''); // refused: the length must be positive
    assert.equal(problem(Buffer.from('CONFIG-offset:\0\0\0')), ''); // refused: no length
    assert.match(problem(configOffset(model, config, model.length + config.length + 1)), /claims \d+ model bytes/);
    assert.equal(problem(configOffset(model, config, model.length + config.length)), '');
    const deep = Buffer.from('{"a":' + '['.repeat(70) + ']'.repeat(70) + '}');
    assert.match(problem(configOffset(model, deep)), /JSON configuration nests deeper than 64/);
    // The learner reads a model part that starts with '{' as a JSON model.
    const cat = jsOf(parseUbjson(handleOf('categorical.pkl'))) as { Model: Record<string, unknown> };
    const text = Buffer.from(JSON.stringify(cat.Model));
    assert.equal(problem(configOffset(text, config)), '');
    const broken = Buffer.from(text.toString().replace('"left_children":[1,', '"left_children":[77777,'));
    assert.notEqual(broken.toString(), text.toString());
    assert.match(problem(configOffset(broken, config)), /node 0 has a child id \(77777, /);
  });
});
