// Writes torch.save-layout zip checkpoints for `npm run bench` as SPARSE files (storage records are holes), so a
// 5 GB checkpoint costs no disk and seconds to create. The data.pkl is what torch.save writes for a dict of
// float32 tensors (protocol 2, _rebuild_tensor_v2, persistent ids naming data/<key>).
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { crc32 } from '../dist/formats/zip/crc32.js';

function u16(n) {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function str(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([0x58]), u32(b.length), b]); // BINUNICODE
}

function dataPkl(n, numel) {
  const parts = [
    Buffer.from([0x80, 0x02]),
    Buffer.from('ccollections\nOrderedDict\n'),
    Buffer.from([0x29, 0x52, 0x28]),
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      str(`layer${i}.weight`),
      Buffer.from('ctorch._utils\n_rebuild_tensor_v2\n('),
      Buffer.from('('),
      str('storage'),
      Buffer.from('ctorch\nFloatStorage\n'),
      str(String(i)),
      str('cpu'),
      Buffer.from([0x4a]),
      u32(numel),
      Buffer.from('tQ'), // TUPLE, BINPERSID
      Buffer.from([0x4b, 0]), // offset 0
      Buffer.from([0x4a]),
      u32(numel),
      Buffer.from([0x85, 0x4b, 1, 0x85, 0x89]), // (numel,), (1,), False
      Buffer.from('ccollections\nOrderedDict\n)R'),
      Buffer.from('tR'), // args tuple, REDUCE
    );
  }
  parts.push(Buffer.from('u.'));
  return Buffer.concat(parts);
}

/** Writes `path`: a zip64 torch checkpoint with `n` storages of `storageBytes` each (holes), returns its size. */
export function writeSparseTorchZip(path, n, storageBytes) {
  return writeTorchZip(path, n, storageBytes, false);
}

/** The same checkpoint with every storage byte written (a pseudo-random pattern): for reading the tensors. */
export function writeFilledTorchZip(path, n, storageBytes) {
  return writeTorchZip(path, n, storageBytes, true);
}

function pattern(bytes) {
  const b = Buffer.alloc(bytes);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
}

function writeTorchZip(path, n, storageBytes, fill) {
  const chunk = fill ? pattern(8 * 1024 * 1024) : undefined;
  const fd = openSync(path, 'w');
  let off = 0;
  const central = [];
  const entry = (name, data, size) => {
    const nameB = Buffer.from(name);
    const crc = data ? crc32(data) : 0;
    const extra = Buffer.concat([u16(1), u16(16), u64(size), u64(size)]);
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(45),
      u16(0),
      u16(0),
      u16(0),
      u16(0),
      u32(crc),
      u32(0xffffffff),
      u32(0xffffffff),
      u16(nameB.length),
      u16(extra.length),
      nameB,
      extra,
    ]);
    writeSync(fd, local, 0, local.length, off);
    const headerOffset = off;
    off += local.length;
    if (data) writeSync(fd, data, 0, data.length, off);
    else if (chunk)
      for (let o = 0; o < size; o += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, size - o), off + o);
    off += size;
    const cextra = Buffer.concat([u16(1), u16(24), u64(size), u64(size), u64(headerOffset)]);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(45),
        u16(45),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(crc),
        u32(0xffffffff),
        u32(0xffffffff),
        u16(nameB.length),
        u16(cextra.length),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(0xffffffff),
        nameB,
        cextra,
      ]),
    );
  };
  const pkl = dataPkl(n, storageBytes / 4);
  entry('model/data.pkl', pkl, pkl.length);
  for (let i = 0; i < n; i++) entry(`model/data/${i}`, undefined, storageBytes);
  const ver = Buffer.from('3\n');
  entry('model/version', ver, ver.length);
  const cd = Buffer.concat(central);
  const cdOffset = off;
  writeSync(fd, cd, 0, cd.length, off);
  off += cd.length;
  const eocd64 = Buffer.concat([
    u32(0x06064b50),
    u64(44),
    u16(45),
    u16(45),
    u32(0),
    u32(0),
    u64(central.length),
    u64(central.length),
    u64(cd.length),
    u64(cdOffset),
  ]);
  const locator = Buffer.concat([u32(0x07064b50), u32(0), u64(off), u32(1)]);
  const eocd = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(0xffff),
    u16(0xffff),
    u32(0xffffffff),
    u32(0xffffffff),
    u16(0),
  ]);
  const tail = Buffer.concat([eocd64, locator, eocd]);
  writeSync(fd, tail, 0, tail.length, off);
  off += tail.length;
  ftruncateSync(fd, off);
  closeSync(fd);
  return off;
}
