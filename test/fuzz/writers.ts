// Byte writers for the fuzz generators: pickle programs, zip archives, tar archives and .npy files laid out from a
// plain description (sizes, offsets and checksums computed), so generated inputs are structurally valid.
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/formats/zip/crc32.js';

const latin1 = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const le = (n: number, width: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  return out;
};

/** A protocol 2 pickle that calls `posix.system('true')` first; CPython runs it before reading anything after. */
export function payloadPickle(protocol: number): number[] {
  const call = [...latin1("cposix\nsystem\n(S'true'\ntR")];
  return protocol >= 2 ? [0x80, protocol, ...call] : call;
}

/** One opcode with its argument, described by the generator (see `pickleOp` in arbitraries.ts). */
export interface PickleOp {
  readonly op: string;
  readonly n: number;
  readonly text: string;
}

const GLOBALS = [
  ['collections', 'OrderedDict'],
  ['builtins', 'set'],
  ['numpy.core.multiarray', '_reconstruct'],
  ['torch._utils', '_rebuild_tensor_v2'],
  ['copyreg', '_reconstructor'],
  ['posix', 'system'],
  ['builtins', 'eval'],
  ['subprocess', 'Popen'],
] as const;

/** Bytes of one described opcode. Arguments are in range for the opcode; `raw` is one arbitrary byte. */
export function opBytes(o: PickleOp): number[] {
  const t = latin1(o.text.replace(/[\n\r]/g, ' '));
  const n = o.n >>> 0;
  const g = GLOBALS[n % GLOBALS.length]!;
  switch (o.op) {
    case 'int1':
      return [0x4b, n & 0xff];
    case 'int2':
      return [0x4d, ...le(n & 0xffff, 2)];
    case 'int4':
      return [0x4a, ...le(n, 4)];
    case 'intText':
      return [0x49, ...latin1(String(n % 1000)), 10];
    case 'long1':
      return [0x8a, 4, ...le(n, 4)];
    case 'float':
      return [0x47, ...le(n, 4), ...le(n, 4)];
    case 'floatText':
      return [0x46, ...latin1(`${n % 97}.5`), 10];
    case 'unicode':
      return [0x8c, t.length, ...t];
    case 'binunicode':
      return [0x58, ...le(t.length, 4), ...t];
    case 'bytes':
      return [0x43, t.length, ...t];
    case 'string':
      return [0x53, ...latin1(`'${o.text.replace(/['\\\n\r]/g, '')}'`), 10];
    case 'unicodeText':
      return [0x56, ...t, 10];
    case 'put':
      return [0x71, n & 0xff];
    case 'longPut':
      return [0x72, ...le(n % 4096, 4)];
    case 'putText':
      return [0x70, ...latin1(String(n % 300)), 10];
    case 'get':
      return [0x68, n & 0xff];
    case 'longGet':
      return [0x6a, ...le(n % 4096, 4)];
    case 'getText':
      return [0x67, ...latin1(String(n % 300)), 10];
    case 'global':
      return [0x63, ...latin1(`${g[0]}\n${g[1]}\n`)];
    case 'inst':
      return [0x69, ...latin1(`${g[0]}\n${g[1]}\n`)];
    case 'stackGlobal':
      return [0x8c, g[0].length, ...latin1(g[0]), 0x8c, g[1].length, ...latin1(g[1]), 0x93];
    case 'proto':
      return [0x80, n % 7];
    case 'frame':
      return [0x95, ...le(n % 256, 8)];
    case 'persid':
      return [0x50, ...t, 10];
    case 'ext1':
      return [0x82, n & 0xff];
    case 'raw':
      return [n & 0xff];
    default:
      // Argument-less opcodes are named by their byte.
      return [o.op.charCodeAt(0)];
  }
}

/** Argument-less opcodes: MARK, POP, POP_MARK, DUP, NONE, TRUE, FALSE, containers, REDUCE, BUILD, NEWOBJ … */
export const PLAIN_OPS = '(012N\x88\x89)\x85\x86\x87t]ael}dsu\x8f\x90\x91\x94RbQ\x81\x92o'.split('');
export const ARG_OPS = [
  'int1',
  'int2',
  'int4',
  'intText',
  'long1',
  'float',
  'floatText',
  'unicode',
  'binunicode',
  'bytes',
  'string',
  'unicodeText',
  'put',
  'longPut',
  'putText',
  'get',
  'longGet',
  'getText',
  'global',
  'inst',
  'stackGlobal',
  'proto',
  'frame',
  'persid',
  'ext1',
  'raw',
];

export interface ZipEntrySpec {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate: boolean;
  /** General-purpose flag bit 3: sizes and CRC in a data descriptor after the data (zeros in the local header). */
  readonly descriptor: boolean;
  readonly extra: Uint8Array;
  readonly comment: string;
}

/** A zip archive (optionally after `prefix` bytes, offsets adjusted as self-extracting archives do). */
export function zipArchive(entries: readonly ZipEntrySpec[], prefix: Uint8Array, comment: string): Uint8Array {
  const parts: number[][] = [[...prefix]];
  let offset = prefix.length;
  const central: number[][] = [];
  for (const e of entries) {
    const name = [...Buffer.from(e.name, 'utf8')];
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const flags = (e.descriptor ? 8 : 0) | 0x800;
    const method = e.deflate ? 8 : 0;
    const sizes = e.descriptor ? [0, 0, 0] : [crc, body.length, e.data.length];
    const local = [
      ...le(0x04034b50, 4),
      ...le(20, 2),
      ...le(flags, 2),
      ...le(method, 2),
      ...le(0, 4),
      ...le(sizes[0]!, 4),
      ...le(sizes[1]!, 4),
      ...le(sizes[2]!, 4),
      ...le(name.length, 2),
      ...le(e.extra.length, 2),
      ...name,
      ...e.extra,
      ...body,
    ];
    if (e.descriptor) local.push(...le(0x08074b50, 4), ...le(crc, 4), ...le(body.length, 4), ...le(e.data.length, 4));
    const cmt = [...Buffer.from(e.comment, 'utf8')];
    central.push([
      ...le(0x02014b50, 4),
      ...le(20, 2),
      ...le(20, 2),
      ...le(flags, 2),
      ...le(method, 2),
      ...le(0, 4),
      ...le(crc, 4),
      ...le(body.length, 4),
      ...le(e.data.length, 4),
      ...le(name.length, 2),
      ...le(0, 2),
      ...le(cmt.length, 2),
      ...le(0, 2),
      ...le(0, 2),
      ...le(0, 4),
      ...le(offset, 4),
      ...name,
      ...cmt,
    ]);
    parts.push(local);
    offset += local.length;
  }
  const cdStart = offset;
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const acmt = [...Buffer.from(comment, 'utf8')].slice(0, 0xffff);
  const eocd = [
    ...le(0x06054b50, 4),
    ...le(0, 2),
    ...le(0, 2),
    ...le(entries.length, 2),
    ...le(entries.length, 2),
    ...le(cdSize, 4),
    ...le(cdStart, 4),
    ...le(acmt.length, 2),
    ...acmt,
  ];
  return Uint8Array.from([...parts.flat(), ...central.flat(), ...eocd]);
}

export interface TarEntrySpec {
  readonly name: string;
  /** '0' file, '5' directory, '2' symlink, 'x' with a pax path record, 'L' with a GNU long name. */
  readonly type: '0' | '5' | '2' | 'x' | 'L';
  readonly data: Uint8Array;
  readonly mode: number;
  readonly mtime: number;
}

function tarHeader(name: string, size: number, type: string, mode: number, mtime: number, link = ''): number[] {
  const h = new Uint8Array(512);
  const put = (at: number, width: number, s: string): void => {
    h.set(Buffer.from(s, 'utf8').subarray(0, width), at);
  };
  const octal = (n: number, width: number): string => n.toString(8).padStart(width - 1, '0');
  put(0, 100, name);
  put(100, 8, octal(mode & 0o7777, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(mtime >>> 0, 12));
  put(148, 8, '        ');
  put(156, 1, type);
  put(157, 100, link);
  put(257, 8, 'ustar\x0000');
  const sum = h.reduce((s, b) => s + b, 0);
  put(148, 8, `${octal(sum, 7)}\0`);
  return [...h];
}

const pad512 = (b: Uint8Array): number[] => [...b, ...new Array<number>((512 - (b.length % 512)) % 512).fill(0)];

/** A ustar archive (pax and GNU long-name records where the spec asks), ended by two zero blocks unless `noEnd`. */
export function tarArchive(entries: readonly TarEntrySpec[], noEnd: boolean): Uint8Array {
  const out: number[] = [];
  for (const e of entries) {
    if (e.type === 'x') {
      const rec = (len: number): string => `${len} path=${e.name}\n`;
      const bytes = (len: number): number => Buffer.byteLength(rec(len), 'utf8');
      let len = bytes(0);
      while (bytes(len) !== len) len = bytes(len);
      const pax = Buffer.from(rec(len), 'utf8');
      out.push(...tarHeader('PaxHeader', pax.length, 'x', 0o644, e.mtime), ...pad512(pax));
      out.push(...tarHeader('short', e.data.length, '0', e.mode, e.mtime), ...pad512(e.data));
    } else if (e.type === 'L') {
      const long = Buffer.from(`${e.name}\0`, 'utf8');
      out.push(...tarHeader('././@LongLink', long.length, 'L', 0o644, e.mtime), ...pad512(long));
      out.push(...tarHeader(e.name.slice(0, 99), e.data.length, '0', e.mode, e.mtime), ...pad512(e.data));
    } else if (e.type === '0') {
      out.push(...tarHeader(e.name, e.data.length, '0', e.mode, e.mtime), ...pad512(e.data));
    } else {
      out.push(...tarHeader(e.name, 0, e.type, e.mode, e.mtime, e.type === '2' ? 'target' : ''));
    }
  }
  if (!noEnd) out.push(...new Array<number>(1024).fill(0));
  return Uint8Array.from(out);
}

/** A .npy file: format version 1–3 header for `descr`/`shape`, padded to 64 bytes, then `body`. */
export function npyFile(
  version: 1 | 2 | 3,
  descr: string,
  fortran: boolean,
  shape: readonly number[],
  body: Uint8Array,
): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const head = Buffer.from(dict, version === 3 ? 'utf8' : 'latin1');
  const len = version === 1 ? le(head.length, 2) : le(head.length, 4);
  return Uint8Array.from([0x93, ...latin1('NUMPY'), version, 0, ...len, ...head, ...body]);
}
