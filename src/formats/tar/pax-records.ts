// pax extended header records (POSIX.1-2008 pax format): "<length> <keyword>=<value>\n", parsed with the
// framing checks of Debian's CPython 3.11 tarfile (length >= 5, record inside the buffer, trailing newline).

import { utf8 } from '../../core/text-decoders.js';

/** Records in order, or undefined where tarfile raises InvalidHeaderError. Parsing stops at a NUL byte. */
export function parsePaxRecords(buf: Uint8Array): [string, string][] | undefined {
  const out: [string, string][] = [];
  let pos = 0;
  while (pos < buf.length && buf[pos] !== 0) {
    let p = pos;
    while (p < buf.length && p - pos < 20 && buf[p]! >= 0x30 && buf[p]! <= 0x39) p++;
    if (p === pos || buf[p] !== 0x20) return undefined;
    const length = Number(String.fromCharCode(...buf.subarray(pos, p)));
    if (length < 5 || pos + length > buf.length) return undefined;
    const last = pos + length - 1;
    if (buf[last] !== 0x0a) return undefined;
    const kv = buf.subarray(p + 1, last);
    const eq = kv.indexOf(0x3d);
    if (eq <= 0) return undefined;
    out.push([utf8().decode(kv.subarray(0, eq)), utf8().decode(kv.subarray(eq + 1))]);
    pos += length;
  }
  return out;
}

/** Python int() on a pax number: optional sign and underscores between digits; tarfile uses 0 when it fails. */
export function paxInt(value: string): number {
  const m = /^\s*([+-]?\d(?:_?\d)*)\s*$/.exec(value);
  if (!m) return 0;
  const v = Number(m[1]!.replace(/_/g, ''));
  return Number.isSafeInteger(v) ? v : 0;
}
