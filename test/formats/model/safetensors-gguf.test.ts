// The safetensors and GGUF header readers against files built from the published specifications: what they
// list, every check the reference loaders make, bounded reading (the data region is never touched), and input fed
// through a disk-like source in hostile chunk sizes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readSafetensorsHeader } from '../../../src/formats/safetensors/read-header.js';
import { looksLikeSafetensors } from '../../../src/formats/safetensors/sniff.js';
import { readGguf } from '../../../src/formats/gguf/read-gguf.js';
import type { ByteSource } from '../../../src/sources/byte-source.js';
import { mem } from '../../helpers/sources.js';
import { gguf, safetensors } from '../../helpers/model-builders.js';

/** A source that records the furthest byte read (to prove tensor data is never read). */
class Watched implements ByteSource {
  readonly location = { chain: ['watched'] };
  maxRead = 0;
  constructor(
    private readonly data: Uint8Array,
    readonly size = data.length,
  ) {}
  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    this.maxRead = Math.max(this.maxRead, end);
    const out = new Uint8Array(Math.max(0, end - offset));
    out.set(this.data.subarray(offset, Math.min(end, this.data.length)));
    return out;
  }
}

describe('safetensors header reader', () => {
  it('lists tensors, dtypes (including newer ones: F8_E8M0, F4) and metadata', () => {
    const h = readSafetensorsHeader(
      mem(
        safetensors(
          [
            { name: 'a', dtype: 'BF16', shape: [2, 3] },
            { name: 'b', dtype: 'F8_E8M0', shape: [4] },
            { name: 'c', dtype: 'F4', shape: [2, 4] },
          ],
          { metadata: { format: 'pt' } },
        ),
      ),
    );
    assert.deepEqual(h.problems, []);
    assert.deepEqual(
      h.tensors.map((t) => [t.name, t.dtype, t.end - t.start]),
      [
        ['a', 'BF16', 12],
        ['b', 'F8_E8M0', 4],
        ['c', 'F4', 4],
      ],
    );
    assert.deepEqual(h.metadata, { format: 'pt' });
  });

  it('sniffs by structure, whatever the first length byte (0x80 reads as pickle PROTO)', () => {
    const f = safetensors([{ name: 'w', dtype: 'F32', shape: [2] }], { headerBytes: 0x80 });
    assert.equal(f[0], 0x80);
    assert.ok(looksLikeSafetensors(f.subarray(0, 4096), f.length));
    assert.ok(!looksLikeSafetensors(new Uint8Array([0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0]), 10));
  });

  it('reads only the header of a 10 GB file', () => {
    const header = safetensors([{ name: 'w', dtype: 'F32', shape: [1024, 1024, 640] }], { dataBytes: 0 });
    const src = new Watched(header, header.length + 1024 * 1024 * 640 * 4);
    const h = readSafetensorsHeader(src);
    assert.deepEqual(h.problems, []);
    assert.ok(src.maxRead <= header.length, `read up to ${src.maxRead}`);
  });

  it('reads GGUF v1 (32-bit counts and lengths) the way the readers of its time did', () => {
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    };
    const str = (t: string) => Buffer.concat([u32(Buffer.byteLength(t)), Buffer.from(t)]);
    const tpl = '{{ cycler.__init__.__globals__ }}';
    const name = Buffer.concat([u32(1), Buffer.from('w')]);
    const tensor = Buffer.concat([name, u32(1), u32(4), u32(0), Buffer.alloc(8)]);
    const head = Buffer.concat([
      Buffer.from('GGUF'),
      u32(1),
      u32(1),
      u32(1),
      str('tokenizer.chat_template'),
      u32(8),
      str(tpl),
      tensor,
    ]);
    const f = Buffer.concat([head, Buffer.alloc((32 - (head.length % 32)) % 32), Buffer.alloc(16)]);
    const g = readGguf(mem(new Uint8Array(f)));
    assert.deepEqual(g.problems, []);
    assert.equal(g.version, 1);
    assert.equal(g.metadata[0]!.value, tpl);
    assert.deepEqual(
      g.tensors.map((t) => [t.name, t.dims]),
      [['w', [4]]],
    );
  });

  const cases: [string, Uint8Array, string][] = [
    ['7-byte file', new Uint8Array(7), 'HEADER_TOO_SMALL'],
    ['header > 100 MB', safetensors([], { declaredLength: 100_000_001n }), 'HEADER_TOO_LARGE'],
    ['length prefix beyond the file', safetensors([], { declaredLength: 4096n }), 'HEADER_LENGTH'],
    [
      'header not UTF-8',
      (() => {
        const f = safetensors([], { headerText: '{"\u00e9":1}' });
        f[10] = 0xff;
        return f;
      })(),
      'HEADER_UTF8',
    ],
    ['header not JSON', safetensors([], { headerText: '{"a":' }), 'HEADER_JSON'],
    ['header a JSON array', safetensors([], { headerText: '[]' }), 'HEADER_JSON'],
    [
      'duplicate tensor name',
      safetensors([], {
        headerText:
          '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        dataBytes: 4,
      }),
      'DUPLICATE_KEY',
    ],
    ['unknown dtype', safetensors([{ name: 'w', dtype: 'F17', shape: [1] }], { dataBytes: 4 }), 'DTYPE_UNKNOWN'],
    [
      'shape × dtype ≠ byte span',
      safetensors([{ name: 'w', dtype: 'F32', shape: [2], offsets: [0, 4] }]),
      'SIZE_MISMATCH',
    ],
    [
      'overlapping offsets',
      safetensors([
        { name: 'a', dtype: 'F32', shape: [2] },
        { name: 'b', dtype: 'F32', shape: [1], offsets: [4, 8] },
      ]),
      'OFFSET_OVERLAP',
    ],
    ['gap before a tensor', safetensors([{ name: 'w', dtype: 'F32', shape: [1], offsets: [4, 8] }]), 'OFFSET_GAP'],
    [
      'offsets beyond the data',
      safetensors([{ name: 'w', dtype: 'F32', shape: [2] }], { dataBytes: 4 }),
      'OFFSET_BOUNDS',
    ],
    [
      'bytes after the last tensor',
      safetensors([{ name: 'w', dtype: 'F32', shape: [1] }], { extraData: 4 }),
      'TRAILING_DATA',
    ],
    [
      'end before start',
      safetensors([{ name: 'w', dtype: 'F32', shape: [0], offsets: [4, 0] }], { dataBytes: 4 }),
      'OFFSET_ORDER',
    ],
    [
      'sub-byte dtype not a whole byte',
      safetensors([{ name: 'w', dtype: 'F4', shape: [3], offsets: [0, 2] }]),
      'SIZE_MISMATCH',
    ],
    ['metadata value not a string', safetensors([], { metadata: { n: 1 } }), 'METADATA_TYPE'],
    [
      'fraction in offsets',
      safetensors([], { headerText: '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}}', dataBytes: 1 }),
      'NUMBER_FORMAT',
    ],
  ];
  it("accepts whitespace before the header object (the reference reader's '{' check is commented out)", () => {
    const h = readSafetensorsHeader(mem(safetensors([], { headerText: ' \n\t{}' })));
    assert.ok(h.parsed);
    assert.deepEqual(h.problems, []);
  });
  for (const [name, bytes, code] of cases) {
    it(`refuses: ${name} (${code})`, () => {
      const h = readSafetensorsHeader(mem(bytes));
      assert.ok(
        h.problems.some((p) => p.code === code),
        JSON.stringify(h.problems),
      );
    });
  }

  it('benign twins: empty file, metadata only, zero-size tensor', () => {
    for (const f of [
      safetensors([]),
      safetensors([], { metadata: { format: 'pt' } }),
      safetensors([{ name: 'e', dtype: 'F32', shape: [0] }]),
    ]) {
      const h = readSafetensorsHeader(mem(f));
      assert.ok(h.parsed);
      assert.deepEqual(h.problems, []);
    }
  });
});

describe('GGUF reader', () => {
  const kv = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['tokenizer.ggml.tokens', { type: 'arr', elem: 'str', value: ['a', 'bb', 'ccc'] }],
    ['tokenizer.ggml.scores', { type: 'arr', elem: 'f32', value: [0, 1, 2] }],
    ['tokenizer.chat_template', { type: 'str', value: '{{ messages[0].content }}' }],
  ] as const;
  const tensors = [
    { name: 'token_embd.weight', dims: [64, 2], type: 8 },
    { name: 'output_norm.weight', dims: [8], type: 0 },
  ];

  it('lists version, metadata (templates kept, token lists skipped) and tensors', () => {
    const g = readGguf(mem(gguf(kv as never, tensors)));
    assert.deepEqual(g.problems, []);
    assert.equal(g.version, 3);
    assert.deepEqual(
      g.metadata.map((m) => [m.key, m.type]),
      [
        ['general.architecture', 'str'],
        ['general.alignment', 'u32'],
        ['tokenizer.ggml.tokens', 'arr[str]'],
        ['tokenizer.ggml.scores', 'arr[f32]'],
        ['tokenizer.chat_template', 'str'],
      ],
    );
    assert.equal(g.metadata[4]!.value, '{{ messages[0].content }}');
    assert.equal(g.metadata[2]!.count, 3);
    assert.deepEqual(
      g.tensors.map((t) => [t.name, t.type, t.bytes]),
      [
        ['token_embd.weight', 'Q8_0', 136],
        ['output_norm.weight', 'F32', 32],
      ],
    );
  });

  it('reads only the header of a 10 GB file', () => {
    const head = gguf(kv as never, [{ name: 'w', dims: [1024 * 1024, 2560], type: 0 }], { withData: false });
    const src = new Watched(head, 64 + head.length + 1024 * 1024 * 2560 * 4);
    const g = readGguf(src);
    assert.deepEqual(g.problems, []);
    assert.ok(src.maxRead <= head.length + (1 << 20), `read up to ${src.maxRead}`);
  });

  const cases: [string, Uint8Array, string][] = [
    ['bad magic', gguf([], [], { magic: 'GGUG' }), 'MAGIC'],
    ['version 0', gguf([], [], { version: 0 }), 'VERSION'],
    ['newer version', gguf([], [], { version: 4 }), 'VERSION'],
    // A big-endian v3 file is read as gguf-py reads it (test/formats/gguf/reference-differential.test.ts).
    ['big-endian file of a newer version', gguf([], [], { version: 0x04000000 }), 'VERSION'],
    ['metadata count beyond the file', gguf([], [], { kvCount: 1000n }), 'COUNT'],
    ['tensor count beyond the file', gguf([], [], { tensorCount: 1000n }), 'COUNT'],
    ['negative count', gguf([], [], { kvCount: 0xffffffffffffffffn }), 'COUNT'],
    [
      'string length beyond the file',
      (() => {
        const f = gguf([['general.name', { type: 'str', value: 'x' }]], []);
        new DataView(f.buffer).setBigUint64(24 + 8 + 12 + 4, 1n << 40n, true);
        return f;
      })(),
      'STRING_LENGTH',
    ],
    [
      'duplicate key',
      gguf(
        [
          ['a', { type: 'u8', value: 1 }],
          ['a', { type: 'u8', value: 2 }],
        ],
        [],
      ),
      'DUPLICATE_KEY',
    ],
    ['unknown value type', gguf([['a', { type: 'raw', typeId: 99, bytes: new Uint8Array(4) }]], []), 'VALUE_TYPE'],
    ['alignment not a power of two', gguf([['general.alignment', { type: 'u32', value: 24 }]], []), 'ALIGNMENT'],
    ['alignment of the wrong type', gguf([['general.alignment', { type: 'u64', value: 32 }]], []), 'ALIGNMENT'],
    ['misaligned tensor offset', gguf([], [{ name: 'w', dims: [4], type: 0, offset: 8 }]), 'TENSOR_ALIGNMENT'],
    [
      'tensors not contiguous',
      gguf(
        [],
        [
          { name: 'a', dims: [4], type: 0 },
          { name: 'b', dims: [4], type: 0, offset: 64 },
        ],
      ),
      'TENSOR_OFFSET',
    ],
    ['tensor data beyond the file', gguf([], [{ name: 'w', dims: [64], type: 0 }], { withData: false }), 'DATA_BOUNDS'],
    ['removed ggml type (Q4_2)', gguf([], [{ name: 'w', dims: [32], type: 4, bytes: 32 }]), 'TENSOR_TYPE'],
    ['row not a multiple of the block', gguf([], [{ name: 'w', dims: [16], type: 8, bytes: 34 }]), 'TENSOR_DIMS'],
    ['more than 4 dimensions', gguf([], [{ name: 'w', dims: [1, 1, 1, 1, 1], type: 0 }]), 'TENSOR_DIMS'],
    ['tensor name of 64 bytes', gguf([], [{ name: 'n'.repeat(64), dims: [1], type: 0 }]), 'TENSOR_NAME'],
    [
      'duplicate tensor name',
      gguf(
        [],
        [
          { name: 'w', dims: [8], type: 0 },
          { name: 'w', dims: [8], type: 0 },
        ],
      ),
      'DUPLICATE_TENSOR',
    ],
    ['truncated header', gguf([['general.name', { type: 'str', value: 'abcdef' }]], [], { truncate: 12 }), 'TRUNCATED'],
  ];
  for (const [name, bytes, code] of cases) {
    it(`refuses: ${name} (${code})`, () => {
      const g = readGguf(mem(bytes));
      assert.ok(
        g.problems.some((p) => p.code === code),
        JSON.stringify(g.problems),
      );
    });
  }

  it('a tensor type newer than the reader is unknown, not malformed', () => {
    const g = readGguf(mem(gguf([], [{ name: 'w', dims: [8], type: 200, bytes: 32 }])));
    assert.deepEqual(g.problems, []);
    assert.deepEqual(g.unknownTypes, [200]);
  });

  it('a file that is only a header (no tensors) is well-formed', () => {
    assert.deepEqual(readGguf(mem(gguf(kv as never, []))).problems, []);
  });
});
