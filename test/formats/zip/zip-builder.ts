// Test-only writer of minimal zips (stored or deflate, optional zip64 end records) for synthetic cases that are
// too big or too numerous to commit: large entries, bombs, 70,000 entries. Real-tool fixtures live in fixtures/.
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/formats/zip/crc32.js';

export interface BuildEntry {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  flags?: number;
  /**
   * Sizes and crc in a data descriptor after the data (flag bit 3, with its signature), zero in the local header, as
   * torch's writer does.
   */
  descriptor?: boolean;
  /** The local header's extra field (torch pads it so that the data starts on a 64-byte boundary). */
  localExtra?: Uint8Array;
}

/** Bytes of a zip holding `entries`; zip64 end records are written when `zip64` or when there are > 65535. */
export function buildZip(entries: BuildEntry[], opts: { zip64?: boolean } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? 0;
    const payload = method === 8 ? deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = crc32(e.data);
    const flags = (e.flags ?? 0) | (e.descriptor ? 8 : 0);
    const extra = Buffer.from(e.localExtra ?? new Uint8Array(0));
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    if (!e.descriptor) {
      lh.writeUInt32LE(crc, 14);
      lh.writeUInt32LE(payload.length, 18);
      lh.writeUInt32LE(e.data.length, 22);
    }
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(extra.length, 28);
    locals.push(lh, name, extra, payload);
    const dd = Buffer.alloc(e.descriptor ? 16 : 0);
    if (e.descriptor) {
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      dd.writeUInt32LE(payload.length, 8);
      dd.writeUInt32LE(e.data.length, 12);
      locals.push(dd);
    }
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(payload.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.length + extra.length + payload.length + dd.length;
  }
  const cd = Buffer.concat(centrals);
  const parts: Buffer[] = [...locals, cd];
  const zip64 = opts.zip64 || entries.length > 0xffff;
  if (zip64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12);
    z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(entries.length), 24);
    z.writeBigUInt64LE(BigInt(entries.length), 32);
    z.writeBigUInt64LE(BigInt(cd.length), 40);
    z.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(z, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  parts.push(eocd);
  return new Uint8Array(Buffer.concat(parts));
}
