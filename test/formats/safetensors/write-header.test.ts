// The safetensors header writer against the layout the reference writer produces (its serialization tests give
// the exact bytes for these inputs): compact JSON, `__metadata__` first, space padding to 8 bytes, LE u64 prefix,
// tensors sorted by dtype alignment (descending) then name.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DTYPE_BYTES,
  SAFETENSORS_DTYPES,
  dtypeRank,
  isSafetensorsDtype,
} from '../../../src/formats/safetensors/dtype.js';
import { layoutSafetensors, tensorBytes } from '../../../src/formats/safetensors/write-header.js';

function text(h: Uint8Array): { n: number; json: string } {
  const n = Number(new DataView(h.buffer, h.byteOffset).getBigUint64(0, true));
  return { n, json: Buffer.from(h.subarray(8)).toString('utf8') };
}

describe('safetensors header writer', () => {
  it('one F32 tensor: the reference bytes (header 64, offsets [0, 24])', () => {
    const l = layoutSafetensors([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3] }]);
    const { n, json } = text(l.header);
    assert.equal(n, 64);
    assert.equal(json, '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    assert.equal(l.header.length, 72);
    assert.equal(l.fileBytes, 96);
  });

  it('padding forces 8-byte alignment of the data (header 72 for "attn0")', () => {
    const l = layoutSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3] }]);
    const { n, json } = text(l.header);
    assert.equal(n, 72);
    assert.ok(json.endsWith('}}       '));
  });

  it('empty file and metadata-only file', () => {
    assert.deepEqual([...layoutSafetensors([]).header], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const { n, json } = text(layoutSafetensors([], { framework: 'pt' }).header);
    assert.equal(n, 40);
    assert.equal(json, '{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors by dtype alignment descending, then name bytes, with contiguous offsets', () => {
    const l = layoutSafetensors([
      { name: 'b', dtype: 'BOOL', shape: [3] },
      { name: 'z', dtype: 'F16', shape: [2] },
      { name: 'a', dtype: 'F16', shape: [1] },
      { name: 'w', dtype: 'I64', shape: [1] },
      { name: 'é', dtype: 'U8', shape: [1] },
      { name: 'f', dtype: 'U8', shape: [] },
    ]);
    assert.deepEqual(
      l.tensors.map((t) => [t.name, t.start, t.end]),
      [
        ['w', 0, 8],
        ['a', 8, 10],
        ['z', 10, 14],
        ['f', 14, 15],
        ['é', 15, 16],
        ['b', 16, 19],
      ],
    );
    for (const t of l.tensors) assert.equal(t.start % DTYPE_BYTES[t.dtype], 0);
    assert.equal(l.dataBytes, 19);
  });

  it('metadata keys are sorted and escaped as JSON', () => {
    const { json } = text(layoutSafetensors([], { b: '"x"\n', a: '1' }).header);
    assert.equal(JSON.parse(json).__metadata__.b, '"x"\n');
    assert.ok(json.startsWith('{"__metadata__":{"a":"1","b":'));
  });

  it('refuses duplicate names, __metadata__, lone surrogates and bad shapes', () => {
    assert.throws(
      () =>
        layoutSafetensors([
          { name: 'a', dtype: 'U8', shape: [1] },
          { name: 'a', dtype: 'I8', shape: [1] },
        ]),
      /duplicate/,
    );
    assert.throws(() => layoutSafetensors([{ name: '__metadata__', dtype: 'U8', shape: [1] }]), /__metadata__/);
    assert.throws(() => layoutSafetensors([{ name: 'a\ud800', dtype: 'U8', shape: [1] }]), /not valid text/);
    assert.throws(() => tensorBytes('F32', [-1]), /invalid dimension/);
    assert.throws(() => tensorBytes('F64', [2 ** 40, 2 ** 20]), /overflows/);
  });

  it('the dtype table is the reference enum: 15 names, sizes and ranks', () => {
    assert.equal(SAFETENSORS_DTYPES.length, 15);
    assert.ok(isSafetensorsDtype('F8_E4M3') && !isSafetensorsDtype('F8_E4M3FN') && !isSafetensorsDtype('C64'));
    assert.ok(dtypeRank('U64') > dtypeRank('F64') && dtypeRank('BF16') > dtypeRank('F16'));
    for (const d of SAFETENSORS_DTYPES) assert.ok([1, 2, 4, 8].includes(DTYPE_BYTES[d]));
  });
});
