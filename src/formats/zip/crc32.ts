// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) as stored in ZIP headers, computed incrementally.
// Uses node:zlib's native crc32 when the running Node has it (>= 20.15), else a table-driven fallback. The first
// JS_CRC_BYTES of a process are taken with the table: loading node:zlib (it builds the stream machinery) costs ~33 M
// instructions, while the table, run cold by V8's interpreter, costs ~500 per byte. So a small checkpoint (its
// pickle's CRC) loads no node:zlib, and a larger pickle takes the native one.
import { zlib } from '../../core/builtins.js';

type NativeCrc = (data: Uint8Array, value?: number) => number;
/** Resolved on first use (zlib loads on first use); null when this Node has no native crc32. */
let native: NativeCrc | null | undefined;

let table: Uint32Array | undefined;
/** Bytes this process may check with the table before it loads node:zlib for its native crc32. */
const JS_CRC_BYTES = 16 * 1024;
let tableBytes = 0;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start). */
export function crc32(data: Uint8Array, previous = 0): number {
  if (native === undefined) {
    if (tableBytes + data.length <= JS_CRC_BYTES) tableBytes += data.length;
    else native = (zlib() as { crc32?: NativeCrc }).crc32 ?? null;
  }
  if (native) return native(data, previous) >>> 0;
  return crc32ByTable(data, previous);
}

/** CRC-32 of `data` with the table (what crc32 takes before node:zlib is loaded); the same value as the native one. */
export function crc32ByTable(data: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
