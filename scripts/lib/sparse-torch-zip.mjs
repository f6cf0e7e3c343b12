// A sparse torch zip checkpoint writer for the remote bench and the tests that need a multi-gigabyte checkpoint
// without the disk: entries laid out as torch.save lays out a zip64 checkpoint (data 64-byte aligned by torch's 'FB'
// padding extra field), entries given as `zeros` written as holes (so a ~5 GB file costs seconds and no disk), every
// CRC-32 the real one (of zeros for the holes), then the central directory and the zip64 end records.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** GPT-2-XL's state dict names and shapes (hidden size 1600, float32) with `layers` blocks. */
export function gpt2Shapes(layers) {
  const d = 1600;
  const out = [
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

/**
 * The CRC-32 of `n` zero bytes without reading them: the CRC register is a linear map over GF(2) per zero bit (shift
 * right, the reflected polynomial folded in when the bit shifted out is 1), so `n` zero bytes are that map raised to
 * the power 8n, found by repeated squaring (32 squarings for a multi-gigabyte hole, where a pass over its bytes took
 * 0.2 s of CPU per checkpoint). The register starts all ones and is inverted at the end, as zlib's crc32 does.
 */
function crcOfZeros(n) {
  /** The map `m` (the images of the 32 register bits) applied to the register `v`. */
  const apply = (m, v) => {
    let r = 0;
    for (let i = 0; v !== 0; i++, v >>>= 1) if (v & 1) r ^= m[i];
    return r >>> 0;
  };
  const square = (m) => m.map((image) => apply(m, image));
  let op = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xedb88320 : 2 ** (i - 1))); // one zero bit
  for (let k = 0; k < 3; k++) op = square(op); // one zero byte
  let reg = 0xffffffff;
  for (let left = n; left > 0; left = Math.floor(left / 2), op = square(op)) if (left % 2) reg = apply(op, reg);
  return ~reg >>> 0;
}

/**
 * Writes a stored zip64 archive at `path` in torch's layout and returns its size. Each entry has `name`, and either
 * `bytes` or `zeros` (a hole of that many bytes); `localName`, when given, is the name its local header carries
 * instead (a header that disagrees with the directory).
 */
export function writeTorchZip(path, entries) {
  const fd = openSync(path, 'w');
  let pos = 0;
  const central = [];
  const put = (buf) => {
    writeSync(fd, buf, 0, buf.length, pos);
    pos += buf.length;
  };
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name);
      const localName = Buffer.from(e.localName ?? e.name);
      const size = e.bytes ? e.bytes.length : e.zeros;
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
