// The opcode decoder: every opcode's argument layout, frame semantics of the C unpickler, failures, and
// identical results whatever the read-ahead window.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PickleDecoder } from '../../../src/formats/pickle/decoder.js';
import { OPCODE_COUNT, OPCODES, Op } from '../../../src/formats/pickle/opcodes.js';
import { P, u32, u64, utf8 } from '../../helpers/pickle-builder.js';
import { HOSTILE_CHUNKS, mem, StreamLikeSource } from '../../helpers/sources.js';

function decodeAll(bytes: Uint8Array, chunk?: number) {
  const src = chunk === undefined ? mem(bytes) : new StreamLikeSource(bytes);
  const d = new PickleDecoder(src, 0, bytes.length, chunk === undefined ? {} : { chunkBytes: chunk });
  const ops: { name: string; offset: number; argEnd: number; str?: string; num: number; straddle: boolean }[] = [];
  while (d.next()) {
    ops.push({
      name: OPCODES[d.op]!.name,
      offset: d.offset,
      argEnd: d.argEnd,
      ...(d.str !== undefined ? { str: d.str } : {}),
      num: d.num,
      straddle: d.straddle,
    });
  }
  return { ops, failure: d.failure };
}

describe('opcode table', () => {
  it('has the 68 opcodes of protocols 0-5', () => {
    assert.equal(OPCODE_COUNT, 68);
    assert.equal(OPCODES.filter(Boolean).length, 68);
  });
});

/** One sample of every opcode with its argument, and the argument length in bytes. */
const SAMPLES: [number, number[] | Uint8Array, number][] = [
  [Op.MARK, [], 0],
  [Op.POP, [], 0],
  [Op.FLOAT, [...utf8('1.5\n')], 4],
  [Op.INT, [...utf8('12\n')], 3],
  [Op.BININT, [1, 0, 0, 0], 4],
  [Op.BININT1, [7], 1],
  [Op.LONG, [...utf8('5L\n')], 3],
  [Op.BININT2, [1, 2], 2],
  [Op.PERSID, [...utf8('id\n')], 3],
  [Op.STRING, [...utf8("'s'\n")], 4],
  [Op.BINSTRING, [...u32(2), 0x61, 0x62], 6],
  [Op.SHORT_BINSTRING, [1, 0x61], 2],
  [Op.UNICODE, [...utf8('u\n')], 2],
  [Op.BINUNICODE, [...u32(1), 0x61], 5],
  [Op.GLOBAL, [...utf8('m\nn\n')], 4],
  [Op.GET, [...utf8('0\n')], 2],
  [Op.BINGET, [0], 1],
  [Op.INST, [...utf8('m\nn\n')], 4],
  [Op.LONG_BINGET, [0, 0, 0, 0], 4],
  [Op.PUT, [...utf8('0\n')], 2],
  [Op.BINPUT, [0], 1],
  [Op.LONG_BINPUT, [0, 0, 0, 0], 4],
  [Op.BINFLOAT, [0x3f, 0xf0, 0, 0, 0, 0, 0, 0], 8],
  [Op.PROTO, [4], 1],
  [Op.EXT1, [1], 1],
  [Op.EXT2, [1, 0], 2],
  [Op.EXT4, [1, 0, 0, 0], 4],
  [Op.LONG1, [1, 0xff], 2],
  [Op.LONG4, [...u32(1), 1], 5],
  [Op.BINBYTES, [...u32(3), 1, 2, 3], 7],
  [Op.SHORT_BINBYTES, [1, 9], 2],
  [Op.SHORT_BINUNICODE, [1, 0x61], 2],
  [Op.BINUNICODE8, [...u64(1), 0x61], 9],
  [Op.BINBYTES8, [...u64(2), 1, 2], 10],
  [Op.FRAME, [...u64(0)], 8],
  [Op.BYTEARRAY8, [...u64(1), 1], 9],
];

describe('argument layouts', () => {
  for (const [code, arg, len] of SAMPLES) {
    it(OPCODES[code]!.name, () => {
      const bytes = new P().op(code, Uint8Array.from(arg)).stop().bytes();
      const r = decodeAll(bytes);
      assert.equal(r.ops[0]!.argEnd - r.ops[0]!.offset, 1 + len);
      assert.equal(r.ops[1]!.name, 'STOP');
    });
  }
  it('every no-argument opcode is one byte', () => {
    for (const info of OPCODES) {
      if (!info || info.arg !== 0) continue;
      const r = decodeAll(Uint8Array.from([info.code, Op.STOP]));
      assert.equal(r.ops[0]!.argEnd, 1, info.name);
    }
  });
});

describe('frames (C unpickler semantics)', () => {
  it('reads an argument that straddles the frame end linearly and flags it', () => {
    // FRAME of 3 bytes, then SHORT_BINUNICODE 'abcd' whose body runs past the frame end.
    const bytes = new P().proto(4).frame(3).sbu('abcd').stop().bytes();
    const r = decodeAll(bytes);
    const s = r.ops.find((o) => o.name === 'SHORT_BINUNICODE')!;
    assert.equal(s.str, 'abcd');
    assert.equal(s.straddle, true);
    assert.equal(r.ops.at(-1)!.name, 'STOP');
  });
  it('does not flag opcodes that end exactly at the frame end', () => {
    const inner = new P().sbu('ab').stop().bytes();
    const bytes = new P().proto(4).frame(inner.length).raw(inner).bytes();
    assert.equal(
      decodeAll(bytes).ops.some((o) => o.straddle),
      false,
    );
  });
});

describe('failures', () => {
  const cases: [string, Uint8Array, string, number][] = [
    ['unknown opcode', Uint8Array.from([Op.NONE, 0xff]), 'UNKNOWN_OPCODE', 1],
    ['truncated BINUNICODE', Uint8Array.from([Op.BINUNICODE, ...u32(10), 0x61]), 'TRUNCATED', 0],
    ['line without newline', Uint8Array.from([...utf8('cos\nsystem')]), 'TRUNCATED', 0],
    ['end of input', Uint8Array.from([Op.NONE]), 'EOF', 1],
    ['8-byte length beyond input', Uint8Array.from([Op.BINBYTES8, ...u64(2 ** 52), 1]), 'TRUNCATED', 0],
  ];
  for (const [name, bytes, code, offset] of cases) {
    it(name, () => {
      const r = decodeAll(bytes);
      assert.equal(r.failure?.code, code);
      assert.equal(r.failure?.offset, offset);
    });
  }
  it(
    'a source that yields fewer bytes than it declares ends a text line (file cut short while read)',
    { timeout: 5000 },
    () => {
      // 40 bytes are declared, 12 can be read: the GLOBAL module line never ends.
      const bytes = Uint8Array.from([Op.GLOBAL, ...utf8('os'.repeat(20))]);
      const src = new StreamLikeSource(bytes.subarray(0, 12));
      Object.defineProperty(src, 'size', { value: bytes.length });
      const d = new PickleDecoder(src, 0, bytes.length, { chunkBytes: 4 });
      assert.equal(d.next(), false);
      assert.equal(d.failure?.code, 'TRUNCATED');
    },
  );
});

describe('hostile read-ahead windows', () => {
  const stream = new P()
    .proto(4)
    .frame(40)
    .global('collections', 'OrderedDict')
    .emptyTuple()
    .reduce()
    .sbu('x'.repeat(30))
    .bu('y'.repeat(300))
    .op(Op.FLOAT, utf8('2.5\n'))
    .op(Op.BINBYTES, Uint8Array.from([...u32(1000)]), new Uint8Array(1000))
    .stackGlobal('builtins', 'set')
    .stop()
    .bytes();
  const reference = decodeAll(stream);
  for (const chunk of HOSTILE_CHUNKS) {
    it(`chunk ${chunk}`, () => assert.deepEqual(decodeAll(stream, chunk), reference));
  }
});

describe('repeated imports (recognised by their bytes)', () => {
  // Identical imports, one differing only in its last byte, an INST with the same lines, a malformed repeat.
  const g = (m: string, n: string): number[] => [...utf8(`c${m}\n${n}\n`), Op.POP];
  const stream = Uint8Array.from([
    ...g('collections', 'OrderedDict'),
    ...g('collections', 'OrderedDict'),
    ...g('collections', 'OrderedDicT'),
    ...g('collections', 'OrderedDict'),
    ...utf8('icollections\nOrderedDict\n'),
    ...g('collections', 'OrderedDict'),
    ...utf8('ccollections\nOrderedDict'),
  ]);
  const reference = decodeAll(stream);
  it('decodes every repeat with its own names, offsets and the truncated tail', () => {
    const imports = reference.ops.filter((o) => o.name !== 'POP');
    assert.deepEqual(
      imports.map((o) => [o.name, o.str]),
      [
        ['GLOBAL', 'collections'],
        ['GLOBAL', 'collections'],
        ['GLOBAL', 'collections'],
        ['GLOBAL', 'collections'],
        ['INST', 'collections'],
        ['GLOBAL', 'collections'],
      ],
    );
    assert.equal(imports[1]!.argEnd - imports[1]!.offset, 25);
    assert.equal(reference.failure?.code, 'TRUNCATED');
  });
  it('names of a repeat are the repeated ones', () => {
    const d = new PickleDecoder(mem(stream), 0, stream.length);
    const names: string[] = [];
    while (d.next()) if (d.op !== Op.POP) names.push(`${d.str}.${d.str2}`);
    assert.deepEqual(names, [
      'collections.OrderedDict',
      'collections.OrderedDict',
      'collections.OrderedDicT',
      'collections.OrderedDict',
      'collections.OrderedDict',
      'collections.OrderedDict',
    ]);
  });
  for (const chunk of HOSTILE_CHUNKS) {
    it(`chunk ${chunk}`, () => assert.deepEqual(decodeAll(stream, chunk), reference));
  }
});
