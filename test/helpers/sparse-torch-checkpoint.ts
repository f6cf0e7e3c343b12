// A ~5 GB torch checkpoint written as a SPARSE file (its storage records are holes, so it costs no disk and seconds
// to write), laid out as torch.save lays a zip64 checkpoint out and as the remote bench writes its own: a GPT-2-XL-
// shaped state dict of float32 tensors (layers trimmed to ~5 GB), data.pkl first (protocol 2, _rebuild_tensor_v2,
// persistent ids naming data/<key>), byteorder, the storage records (data 64-byte aligned by torch's 'FB' padding
// extra field), version and .data/serialization_id, then the central directory and the zip64 end records. The CRC-32
// of every record is the real one (of zeros for the holes).
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** GPT-2-XL's state dict names and shapes (hidden size 1600) with `layers` blocks. */
export function gpt2Shapes(layers: number): [string, number[]][] {
  const d = 1600;
  const out: [string, number[]][] = [
    ['transformer.wte.weight', [50257, d]],
    ['transformer.wpe.weight', [1024, d]],
  ];
  for (let i = 0; i < layers; i++) {
    const p = `transformer.h.${i}.`;
    out.push(
      [p + 'ln_1.weight', [d]],
      [p + 'ln_1.bias', [d]],
      [p + 'attn.c_attn.weight', [d, 3 * d]],
      [p + 'attn.c_attn.bias', [3 * d]],
      [p + 'attn.c_proj.weight', [d, d]],
      [p + 'attn.c_proj.bias', [d]],
      [p + 'ln_2.weight', [d]],
      [p + 'ln_2.bias', [d]],
      [p + 'mlp.c_fc.weight', [d, 4 * d]],
      [p + 'mlp.c_fc.bias', [4 * d]],
      [p + 'mlp.c_proj.weight', [4 * d, d]],
      [p + 'mlp.c_proj.bias', [d]],
    );
  }
  out.push(['transformer.ln_f.weight', [d]], ['transformer.ln_f.bias', [d]]);
  return out;
}

/** BINUNICODE `s`. */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return Buffer.concat([Buffer.from([0x58]), n, b]);
}

/** BININT `v`. */
function int(v: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0x4a;
  b.writeInt32LE(v, 1);
  return b;
}

/** A tuple of BININTs. */
function ints(vs: readonly number[]): Buffer {
  return Buffer.concat([Buffer.from('('), ...vs.map(int), Buffer.from('t')]);
}

/**
 * data.pkl as torch.save writes it for `shapes` (an OrderedDict of contiguous float32 tensors, storage i named i);
 * with `payload`, one more entry whose value calls posix.system(payload).
 */
export function torchDataPkl(shapes: readonly [string, readonly number[]][], payload?: string): Buffer {
  const parts: Buffer[] = [
    Buffer.from([0x80, 0x02]),
    Buffer.from('ccollections\nOrderedDict\n'),
    Buffer.from([0x29, 0x52, 0x28]), // EMPTY_TUPLE, REDUCE, MARK
  ];
  shapes.forEach(([name, shape], i) => {
    const numel = shape.reduce((a, b) => a * b, 1);
    const stride: number[] = [];
    let acc = 1;
    for (let k = shape.length - 1; k >= 0; k--) {
      stride.unshift(acc);
      acc *= shape[k]!;
    }
    parts.push(
      str(name),
      Buffer.from('ctorch._utils\n_rebuild_tensor_v2\n(('),
      str('storage'),
      Buffer.from('ctorch\nFloatStorage\n'),
      str(String(i)),
      str('cpu'),
      int(numel),
      Buffer.from('tQ'), // TUPLE, BINPERSID
      int(0),
      ints(shape),
      ints(stride),
      Buffer.from([0x89]), // False
      Buffer.from('ccollections\nOrderedDict\n)R'),
      Buffer.from('tR'),
    );
  });
  if (payload !== undefined) parts.push(str('hook'), Buffer.from('cposix\nsystem\n('), str(payload), Buffer.from('tR'));
  parts.push(Buffer.from('u.'));
  return Buffer.concat(parts);
}

const zeroCrcs = new Map<number, number>();
function crcOfZeros(n: number): number {
  let c = zeroCrcs.get(n);
  if (c !== undefined) return c;
  const chunk = Buffer.alloc(Math.min(n, 64 * 1024 * 1024));
  c = 0;
  for (let left = n; left > 0; left -= chunk.length)
    c = crc32(left >= chunk.length ? chunk : chunk.subarray(0, left), c);
  zeroCrcs.set(n, c);
  return c;
}

interface Entry {
  readonly name: string;
  /** The name in the local header when it is not `name` (a header that disagrees with the directory). */
  readonly localName?: string;
  readonly bytes?: Uint8Array;
  readonly zeros?: number;
}

/** A stored zip64 archive at `path`, torch's layout (64-byte aligned data); entries with `zeros` are holes. */
function writeTorchZip(path: string, entries: readonly Entry[]): number {
  const fd = openSync(path, 'w');
  let pos = 0;
  const central: { name: Buffer; crc: number; size: number; offset: number }[] = [];
  const put = (buf: Buffer): void => {
    writeSync(fd, buf, 0, buf.length, pos);
    pos += buf.length;
  };
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name);
      const localName = Buffer.from(e.localName ?? e.name);
      const size = e.bytes ? e.bytes.length : e.zeros!;
      const crc = e.bytes ? crc32(e.bytes) : crcOfZeros(size);
      const offset = pos;
      const pad = (64 - ((offset + 30 + name.length + 4) % 64)) % 64;
      const h = Buffer.alloc(30);
      h.writeUInt32LE(0x04034b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt32LE(crc, 14);
      h.writeUInt32LE(size, 18);
      h.writeUInt32LE(size, 22);
      h.writeUInt16LE(localName.length, 26);
      h.writeUInt16LE(4 + pad, 28);
      const extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0x4246, 0); // 'FB'
      extra.writeUInt16LE(pad, 2);
      put(Buffer.concat([h, localName, extra]));
      if (e.bytes) put(Buffer.from(e.bytes));
      else pos += size;
      central.push({ name, crc, size, offset });
    }
    const cdStart = pos;
    for (const c of central) {
      const big = c.offset > 0xfffffffe;
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(45, 4);
      h.writeUInt16LE(45, 6);
      h.writeUInt32LE(c.crc, 16);
      h.writeUInt32LE(c.size, 20);
      h.writeUInt32LE(c.size, 24);
      h.writeUInt16LE(c.name.length, 28);
      h.writeUInt16LE(big ? 12 : 0, 30);
      h.writeUInt32LE(big ? 0xffffffff : c.offset, 42);
      const extra = Buffer.alloc(big ? 12 : 0);
      if (big) {
        extra.writeUInt16LE(1, 0);
        extra.writeUInt16LE(8, 2);
        extra.writeBigUInt64LE(BigInt(c.offset), 4);
      }
      put(Buffer.concat([h, c.name, extra]));
    }
    const cdSize = pos - cdStart;
    const z64 = pos;
    const r = Buffer.alloc(56);
    r.writeUInt32LE(0x06064b50, 0);
    r.writeBigUInt64LE(44n, 4);
    r.writeUInt16LE(45, 12);
    r.writeUInt16LE(45, 14);
    r.writeBigUInt64LE(BigInt(central.length), 24);
    r.writeBigUInt64LE(BigInt(central.length), 32);
    r.writeBigUInt64LE(BigInt(cdSize), 40);
    r.writeBigUInt64LE(BigInt(cdStart), 48);
    put(r);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(z64), 8);
    loc.writeUInt32LE(1, 16);
    put(loc);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(Math.min(central.length, 0xffff), 8);
    eocd.writeUInt16LE(Math.min(central.length, 0xffff), 10);
    eocd.writeUInt32LE(Math.min(cdSize, 0xffffffff), 12);
    eocd.writeUInt32LE(cdStart > 0xfffffffe ? 0xffffffff : cdStart, 16);
    put(eocd);
    ftruncateSync(fd, pos);
  } finally {
    closeSync(fd);
  }
  return pos;
}

/**
 * Writes the ~5 GB sparse checkpoint (root folder `archive`) at `path` and returns its size; `payload` adds a call of
 * posix.system to data.pkl; the local header of the entry named `localNameOff` (if any) names it with its last
 * character replaced.
 */
export function writeSparseCheckpoint5gb(path: string, opts: { payload?: string; localNameOff?: string } = {}): number {
  const shapes = gpt2Shapes(38);
  const entries: Entry[] = [
    { name: 'archive/data.pkl', bytes: torchDataPkl(shapes, opts.payload) },
    { name: 'archive/byteorder', bytes: Buffer.from('little') },
    ...shapes.map(([, s], i) => ({ name: `archive/data/${i}`, zeros: s.reduce((a, b) => a * b, 1) * 4 })),
    { name: 'archive/version', bytes: Buffer.from('3\n') },
    { name: 'archive/.data/serialization_id', bytes: Buffer.from('1234567890123456789012345678901234567890') },
  ];
  return writeTorchZip(
    path,
    entries.map((e) => (e.name === opts.localNameOff ? { ...e, localName: e.name.slice(0, -1) + 'X' } : e)),
  );
}
