// The ONNX skeleton reader (src/formats/onnx/skeleton.ts) against the official schema's full decode: on every committed
// ONNX fixture (made by the onnx package) the skeleton decodes to the same model except for the emptied payloads;
// every truncation and random corruption that the full decode refuses, the skeleton refuses too; nesting, the
// skeleton bound and windowed reading hold.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { create, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { decodeOnnxSource, decodeProto, summarize } from '../../../src/formats/onnx/read-onnx.js';
import { buildSkeleton } from '../../../src/formats/onnx/skeleton.js';
import {
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  type ModelProto,
} from '../../../src/formats/onnx/schema/onnx-ml_pb.js';
import { MemorySource, type ByteSource } from '../../../src/sources/byte-source.js';
import { scanBytes } from '../../../src/scan/engine.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'model');
const LOC = { path: 'm.onnx' } as unknown as ByteSource['location'];
const src = (b: Uint8Array): MemorySource => new MemorySource(LOC, b);
const PAYLOAD_KEYS = new Set([
  'rawData',
  'floatData',
  'int32Data',
  'stringData',
  'int64Data',
  'doubleData',
  'uint64Data',
  's',
]);

function onnxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...onnxFiles(p));
    else if (name.endsWith('.onnx')) out.push(p);
  }
  return out;
}
const FILES = onnxFiles(FIX);

const json = (m: ModelProto): JsonValue => toJson(ModelProtoSchema, m);
const isEmpty = (v: JsonValue | undefined): boolean =>
  v === undefined || v === '' || (Array.isArray(v) && v.every((x) => x === ''));

/** Equal, except that a payload field of the skeleton may be empty; returns how many were. */
function compare(full: JsonValue | undefined, sk: JsonValue | undefined, path: string): number {
  if (Array.isArray(full) && Array.isArray(sk)) {
    assert.equal(sk.length, full.length, path);
    return full.reduce<number>((n, x, i) => n + compare(x, sk[i], `${path}[${i}]`), 0);
  }
  if (full && sk && typeof full === 'object' && typeof sk === 'object' && !Array.isArray(full) && !Array.isArray(sk)) {
    let emptied = 0;
    for (const k of new Set([...Object.keys(full), ...Object.keys(sk)])) {
      if (PAYLOAD_KEYS.has(k) && isEmpty(sk[k]) && !isEmpty(full[k])) {
        emptied++;
        continue;
      }
      emptied += compare(full[k], sk[k], `${path}.${k}`);
    }
    return emptied;
  }
  assert.deepEqual(sk, full, path);
  return 0;
}

function skeletonModel(b: Uint8Array, payloadThreshold?: number): ModelProto | string {
  const sk = buildSkeleton(src(b), {
    maxBytes: 1 << 24,
    ...(payloadThreshold !== undefined ? { payloadThreshold } : {}),
  });
  if (!sk.ok) return sk.error;
  const m = decodeProto(sk.bytes);
  return m instanceof Error ? m.message : m;
}

describe('ONNX skeleton vs full decode', () => {
  it('finds the committed fixtures', () => assert.ok(FILES.length >= 13, String(FILES.length)));

  for (const file of FILES) {
    it(file.slice(FIX.length + 1), () => {
      const bytes = new Uint8Array(readFileSync(file));
      const full = decodeProto(bytes);
      for (const threshold of [Infinity, 64, 0]) {
        const sk = skeletonModel(bytes, threshold);
        if (full instanceof Error) {
          assert.equal(typeof sk, 'string', 'a model the full decode refuses is refused');
          continue;
        }
        assert.notEqual(typeof sk, 'string', String(sk));
        const m = sk as ModelProto;
        if (threshold === Infinity) assert.deepEqual(json(m), json(full), 'nothing emptied: identical');
        const emptied = compare(json(full), json(m), 'model');
        if (file.includes('onnx-inline') && threshold === 64)
          assert.ok(emptied >= (file.endsWith('inline-all.onnx') ? 8 : 2), `${emptied} emptied`);
        assert.deepEqual(summarize(m, 0, 0), summarize(full, 0, 0));
      }
    });
  }

  it('counts what it empties and keeps payloads below the threshold', () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'onnx-inline', 'inline-all.onnx')));
    const sk = buildSkeleton(src(bytes), { maxBytes: 1 << 20, payloadThreshold: 64 });
    assert.ok(sk.ok);
    assert.ok(sk.droppedFields >= 10 && sk.droppedBytes >= 10 * 64, JSON.stringify(sk.droppedFields));
    assert.ok(sk.bytes.length + sk.droppedBytes <= bytes.length + 5 * 64);
    const m = decodeProto(sk.bytes) as ModelProto;
    const small = m.graph!.initializer.find((t) => t.name === 'small')!;
    assert.deepEqual([...small.rawData], [...new Uint8Array(new Float32Array([1, 2]).buffer)]);
    assert.equal(m.graph!.initializer.find((t) => t.name === 'W')!.rawData.length, 0);
    assert.deepEqual(m.graph!.initializer.find((t) => t.name === 'W')!.dims, [1n, 64n]);
  });

  it('every truncation: refused exactly when the full decode refuses, same model otherwise', () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'onnx-inline', 'inline-nested.onnx')));
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      const full = decodeProto(cut);
      const sk = skeletonModel(cut, 16);
      assert.equal(typeof sk === 'string', full instanceof Error, `prefix ${n}: ${String(sk)} / ${String(full)}`);
      if (!(full instanceof Error)) assert.deepEqual(summarize(sk as ModelProto, 0, 0), summarize(full, 0, 0));
    }
  });

  // The oracle for what protobuf accepts is protobuf C++ (wire-differential.test.ts: a declared field with another
  // wire type is skipped there, refused by this runtime's own decode); here, emptying payloads changes nothing read.
  it('random corruption: whatever the skeleton accepts, it accepts and reads the same with every payload kept', () => {
    const seeds = FILES.filter((f) => f.includes('onnx-inline')).map((f) => new Uint8Array(readFileSync(f)));
    let a = 0x9e3779b9;
    const r = (): number => {
      a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return a / 4294967296;
    };
    let accepted = 0;
    for (let run = 0; run < 600; run++) {
      const b = seeds[run % seeds.length]!.slice();
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      const sk = skeletonModel(b, 16);
      if (typeof sk === 'string') continue;
      accepted++;
      const full = skeletonModel(b, Number.MAX_SAFE_INTEGER);
      assert.ok(typeof full !== 'string', `run ${run}: payloads emptied, accepted; kept, refused (${String(full)})`);
      assert.deepEqual(summarize(sk, 0, 0), summarize(full, 0, 0), `run ${run}`);
    }
    assert.ok(accepted > 50, `${accepted} accepted`);
  });

  it('nesting deeper than protobuf’s 100 levels is refused, as the decode refuses it', () => {
    const nested = (levels: number): Uint8Array => {
      // graph > node > attribute(g) > graph > node > … : three messages per level.
      let g = create(GraphProtoSchema, { node: [create(NodeProtoSchema, { opType: 'Relu' })] });
      for (let i = 0; i < levels; i++)
        g = create(GraphProtoSchema, {
          node: [
            create(NodeProtoSchema, { opType: 'If', attribute: [create(AttributeProtoSchema, { name: 'b', g })] }),
          ],
        });
      return toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, graph: g }));
    };
    const ok = nested(20);
    assert.equal(typeof skeletonModel(ok), 'object');
    const deep = nested(40);
    assert.ok(decodeProto(deep) instanceof Error);
    assert.match(String(skeletonModel(deep)), /deeper than 100/);
  });

  it('a structure larger than the bound is a limit, not a parse failure', () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'onnx-inline', 'inline-all.onnx')));
    const sk = buildSkeleton(src(bytes), { maxBytes: 512, payloadThreshold: 64 });
    assert.deepEqual([sk.ok, !sk.ok && sk.limit], [false, 'bytes']);
    const few = buildSkeleton(src(bytes), { maxBytes: 1 << 20, maxFields: 50, payloadThreshold: 64 });
    assert.deepEqual([few.ok, !few.ok && few.limit], [false, 'fields']);
    assert.ok(buildSkeleton(src(bytes), { maxBytes: 1 << 20, maxFields: 5000, payloadThreshold: 64 }).ok);
  });
});

describe('ONNX read in windows', () => {
  // A model with 3 x 1.5 MiB of inline weights before its nodes (encoded with the official schema's writer).
  const big = (): Uint8Array => {
    const weights = [0, 1, 2].map((i) =>
      create(TensorProtoSchema, {
        name: `w${i}`,
        dims: [393216n],
        dataType: 1,
        rawData: new Uint8Array(1572864).fill(i),
      }),
    );
    const graph = create(GraphProtoSchema, {
      initializer: weights,
      node: [
        create(NodeProtoSchema, { opType: 'Add', input: ['x', 'w0'], output: ['y'] }),
        create(NodeProtoSchema, { opType: 'Evil', domain: 'org.evil', input: ['y'], output: ['z'] }),
      ],
    });
    return toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, { irVersion: 8n, opsetImport: [{ domain: '', version: 13n }], graph }),
    );
  };

  it('skips payloads without reading them and reads in bounded windows', async () => {
    const bytes = big();
    let largest = 0;
    let total = 0;
    const counting: ByteSource = {
      location: LOC,
      size: bytes.length,
      read(o, n) {
        const v = bytes.subarray(o, Math.min(bytes.length, o + n));
        largest = Math.max(largest, v.length);
        total += v.length;
        return v;
      },
    };
    const d = await decodeOnnxSource(counting, { maxBytes: 1 << 20 });
    assert.ok(d.ok);
    assert.equal(d.model.skippedPayloads, 3);
    assert.equal(d.model.skippedPayloadBytes, 3 * 1572864);
    assert.deepEqual(
      d.model.nodes.map((n) => `${n.domain}:${n.opType}`),
      [':Add', 'org.evil:Evil'],
    );
    assert.ok(largest <= 1 << 20, String(largest));
    assert.ok(total < bytes.length / 50, `${total} of ${bytes.length} bytes read`);
  });

  it('a model larger than maxEntryBytes is scanned (its structure is small): the custom op is found', async () => {
    const r = await scanBytes('big.onnx', big(), { limits: { maxEntryBytes: 1 << 20 } });
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['MODEL-CUSTOM-OP'],
    );
  });

  it('a structure of more than maxEntries x 20 fields is SCAN-INCOMPLETE naming maxEntries', async () => {
    const r = await scanBytes('m.onnx', readFileSync(join(FIX, 'onnx-inline', 'inline-all.onnx')), {
      limits: { maxEntries: 2 },
    });
    const f = r.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
    assert.match(f.evidence.signal, /limit maxEntries reached.*more than maxEntries x 20 \(40\)/);
  });

  it('a structure over maxEntryBytes / 16 is SCAN-INCOMPLETE naming the limit', async () => {
    const r = await scanBytes('m.onnx', readFileSync(join(FIX, 'onnx-inline', 'inline-all.onnx')), {
      limits: { maxEntryBytes: 16 * 1024 },
    });
    const f = r.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
    assert.match(f.evidence.signal, /maxEntryBytes/);
  });

  it('a packed list counts one field per element: 10 M dims are a limit before any is decoded', async () => {
    const varint = (v: number): number[] => {
      const b: number[] = [];
      for (; v > 0x7f; v = Math.floor(v / 128)) b.push((v & 0x7f) | 0x80);
      b.push(v);
      return b;
    };
    const field = (no: number, body: Uint8Array): Uint8Array =>
      Uint8Array.from([...varint(no * 8 + 2), ...varint(body.length), ...body]);
    /** ModelProto{ir_version 8, graph{initializer{dims packed: `n` ones, data_type 1}}}. */
    const model = (n: number): Uint8Array => {
      const tensor = Uint8Array.from([...field(1, new Uint8Array(n).fill(1)), 0x10, 0x01]);
      return Uint8Array.from([0x08, 0x08, ...field(7, field(5, tensor))]);
    };
    // The element count decides, not the one field on the wire (its bytes are far under maxBytes).
    const few = model(100);
    assert.deepEqual(
      (({ ok, limit }) => [ok, limit])(
        buildSkeleton(src(few), { maxBytes: 1 << 20, maxFields: 50 }) as { ok: boolean; limit?: string },
      ),
      [false, 'fields'],
    );
    const within = await decodeOnnxSource(src(few), { maxBytes: 1 << 20, maxFields: 200 });
    assert.ok(within.ok && within.model.initializers === 1);
    const decoded = decodeProto(few);
    assert.ok(!(decoded instanceof Error) && decoded.graph?.initializer[0]?.dims.length === 100);
    // 10,000,000 dims (10 MB): SCAN-INCOMPLETE naming maxEntries with the default limits, never decoded.
    const r = await scanBytes('dims.onnx', model(10_000_000));
    const f = r.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
    assert.match(f.evidence.signal, /limit maxEntries reached.*more than maxEntries x 20 \(2000000\)/);
  });
});
