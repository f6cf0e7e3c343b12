// The streaming writer against an element-by-element reference: random shapes, strides (including 0 and
// overlapping), offsets, element sizes and byte orders, written through tiny chunk, span and window sizes so that
// every path (in-memory span, windowed runs, chunk flushes mid-tensor, swaps) runs; the output is the C-order,
// little-endian bytes of each view and the reported SHA-256 is theirs. A short read fails the write.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TensorInput } from '../../src/analyzers/tensors/input.js';
import type { Node, TensorRef } from '../../src/analyzers/tensors/tree.js';
import { planConversion } from '../../src/convert/plan.js';
import { explicitSelection } from '../../src/convert/select.js';
import { ShortReadError, writeConversion } from '../../src/convert/write-tensors.js';
import type { SafetensorsDtype } from '../../src/formats/safetensors/dtype.js';
import { FileSource, MemorySource, type ByteSource } from '../../src/sources/byte-source.js';
import { readSafetensors } from '../helpers/safetensors.js';

const DTYPE: Record<number, SafetensorsDtype> = { 1: 'U8', 2: 'I16', 4: 'F32', 8: 'I64' };

function reference(store: Uint8Array, ref: TensorRef, big: boolean): Buffer {
  const k = ref.itemsize;
  const out: number[] = [];
  const idx = ref.shape.map(() => 0);
  const total = ref.shape.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let el = ref.offset;
    for (let d = 0; d < idx.length; d++) el += idx[d]! * ref.strides[d]!;
    const bytes = [...store.subarray(el * k, el * k + k)];
    out.push(...(big ? bytes.reverse() : bytes));
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < ref.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return Buffer.from(out);
}

const view = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
    itemsize: fc.constantFrom(1, 2, 4, 8),
    offset: fc.integer({ min: 0, max: 5 }),
    big: fc.boolean(),
    seed: fc.integer({ min: 1, max: 255 }),
  })
  .chain((v) =>
    fc.record({
      v: fc.constant(v),
      strides: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: v.shape.length, maxLength: v.shape.length }),
    }),
  );

async function write(
  input: TensorInput,
  sizes: { chunkBytes: number; spanInMemoryBytes: number; windowBytes: number },
) {
  const plan = planConversion(input, { selection: explicitSelection('') });
  const parts: Buffer[] = [];
  const hashes = await writeConversion(plan, { write: (c) => void parts.push(Buffer.from(c)) }, sizes);
  return { file: Buffer.concat(parts), hashes, plan };
}

describe('streaming tensor writer', () => {
  it('writes every view as its C-order little-endian elements, whatever the buffer sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        view,
        fc.constantFrom(8, 16, 24),
        fc.constantFrom(0, 1 << 20),
        fc.constantFrom(8, 16, 64),
        async ({ v, strides }, chunk, span, win) => {
          let last = v.offset;
          for (let i = 0; i < v.shape.length; i++) last += Math.max(0, v.shape[i]! - 1) * strides[i]!;
          const store = Uint8Array.from({ length: (last + 1) * v.itemsize }, (_, i) => (i * v.seed + 7) & 0xff);
          const src: ByteSource = new MemorySource({ chain: ['s'] }, store);
          const ref: TensorRef = {
            dtype: DTYPE[v.itemsize]!,
            source: 'test',
            itemsize: v.itemsize,
            shape: v.shape,
            strides,
            offset: v.offset,
            storage: { id: 's', src, start: 0, bytes: store.length, bigEndian: v.big },
            notes: [],
          };
          const root: Node = {
            t: 'map',
            entries: [
              ['t', { t: 'tensor', ref }],
              ['u', { t: 'tensor', ref: { ...ref, shape: [1], strides: [1] } }],
            ],
            attrs: [],
          };
          const { file, hashes } = await write(
            { format: 'npy', framework: 'np', root, notes: [] },
            { chunkBytes: chunk, spanInMemoryBytes: span, windowBytes: win },
          );
          const st = readSafetensors(file);
          assert.deepEqual(st.problems, []);
          const want = reference(store, ref, v.big);
          assert.deepEqual(st.tensors.get('t')!.bytes, want);
          assert.equal(hashes.find((h) => h.name === 't')!.sha256, createHash('sha256').update(want).digest('hex'));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('large contiguous runs from a file go through the overlapped read/hash/write pipeline with the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-wt-'));
    try {
      const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 17) & 0xff);
      writeFileSync(join(dir, 'in.bin'), data);
      const src = new FileSource({ chain: ['in.bin'] }, join(dir, 'in.bin'));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(1, 2, 4, 8),
          fc.integer({ min: 0, max: 200 }),
          fc.integer({ min: 0, max: 300 }),
          fc.boolean(),
          fc.constantFrom(8, 16, 40),
          async (k, offset, count, big, chunk) => {
            const ref: TensorRef = {
              dtype: DTYPE[k]!,
              source: 'test',
              itemsize: k,
              shape: [count],
              strides: [1],
              offset,
              storage: { id: 'f', src, start: 0, bytes: data.length, bigEndian: big },
              notes: [],
            };
            const root: Node = { t: 'map', entries: [['t', { t: 'tensor', ref }]], attrs: [] };
            const sinkWrites: Promise<void>[] = [];
            const plan = planConversion(
              { format: 'npy', framework: 'np', root, notes: [] },
              { selection: explicitSelection('') },
            );
            const parts: Buffer[] = [];
            // An asynchronous sink, as the command's file sink is.
            await writeConversion(
              plan,
              {
                write: (c) => {
                  const copy = Buffer.from(c);
                  const p = new Promise<void>((ok) =>
                    setImmediate(() => {
                      parts.push(copy);
                      ok();
                    }),
                  );
                  sinkWrites.push(p);
                  return p;
                },
              },
              { chunkBytes: chunk, spanInMemoryBytes: 64, windowBytes: 64 },
            );
            const st = readSafetensors(Buffer.concat(parts));
            assert.deepEqual(st.problems, []);
            assert.deepEqual(st.tensors.get('t')!.bytes, reference(data, ref, big));
          },
        ),
        { numRuns: 200 },
      );
      src.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a storage that reads short fails the write (the caller removes the partial file)', async () => {
    const store = new Uint8Array(16);
    const lying: ByteSource = {
      location: { chain: ['x'] },
      size: 16,
      read: (o, n) => store.subarray(o, Math.min(o + n, 8)),
    };
    const ref: TensorRef = {
      dtype: 'F32',
      source: 'test',
      itemsize: 4,
      shape: [4],
      strides: [1],
      offset: 0,
      storage: { id: 'x', src: lying, start: 0, bytes: 16, bigEndian: false },
      notes: [],
    };
    const root: Node = { t: 'map', entries: [['t', { t: 'tensor', ref }]], attrs: [] };
    await assert.rejects(
      write(
        { format: 'npy', framework: 'np', root, notes: [] },
        { chunkBytes: 64, spanInMemoryBytes: 64, windowBytes: 64 },
      ),
      ShortReadError,
    );
  });
});
