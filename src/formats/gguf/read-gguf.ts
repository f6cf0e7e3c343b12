// GGUF header reader (ggml/docs/gguf.md; checks as ggml/src/gguf.cpp `gguf_init_from_file` makes them):
//   magic "GGUF" | u32 version | i64 n_tensors | i64 n_kv | n_kv × (string key, i32 type, value)
//   | n_tensors × (string name, u32 n_dims, n_dims × i64 ne, i32 ggml_type, u64 offset) | pad to alignment | data
// strings are u64 length + bytes; arrays are i32 element type + u64 count + elements. Only the header and metadata
// are read: tensor data is never touched, so a 70 GB file costs as much as its metadata (token lists skipped by
// their lengths). Everything the reference refuses is a problem, never an exception.
import { LimitError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { ggmlType } from './ggml-types.js';
import { looksLikeGguf } from './sniff.js';

/** Highest version ggml reads (GGUF_VERSION). */
const GGUF_VERSION = 3;
const DEFAULT_ALIGNMENT = 32;
/** GGML_MAX_NAME: tensor names must be shorter. */
const MAX_NAME = 64;
const MAX_DIMS = 4;
/** GGUF_MAX_STRING_LENGTH / GGUF_MAX_ARRAY_ELEMENTS. */
const MAX_STRING = 1024 * 1024 * 1024;
const MAX_ARRAY = 1024 * 1024 * 1024;
/** Strings kept in memory (chat templates, names); longer ones are skipped and said to be too large. */
const MAX_KEPT_STRING = 16 * 1024 * 1024;
/** Elements kept of a kept array of strings (transformers takes a one-element array as its string). */
const MAX_KEPT_ITEMS = 64;
const MAX_PROBLEMS = 32;
/** Arrays of arrays read (gguf-py recurses without a bound; real files have none). */
const MAX_ARRAY_NESTING = 16;
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const VALUE_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'str', 'arr', 'u64', 'i64', 'f64'];
const FIXED_SIZE: Readonly<Record<string, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

export interface GgufMetadata {
  readonly key: string;
  /** Value type (`u32`, `str`, …; arrays as `arr[str]`). */
  readonly type: string;
  /** Scalars; strings only when kept (see keepString). */
  readonly value?: string | number | boolean;
  /** The elements of a kept array of strings (the first MAX_KEPT_ITEMS, each at most 16 MiB; see skippedBytes). */
  readonly values?: readonly string[];
  /** Array element count. */
  readonly count?: number;
  /** A string too long to keep (its length); for a kept array of strings, the bytes of the elements not kept. */
  readonly skippedBytes?: number;
  /** File offset of the key. */
  readonly offset: number;
}

export interface GgufTensor {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
  /** Offset relative to the data section. */
  readonly offset: number;
  readonly bytes: number;
}

export interface GgufProblem {
  readonly code: string;
  readonly message: string;
  readonly offset: number;
  /** Metadata key or tensor name concerned. */
  readonly path?: string;
}

export interface GgufFile {
  readonly version: number;
  /** Numbers stored big-endian (read as gguf-py reads them; ggml on a little-endian host refuses the file). */
  readonly bigEndian?: boolean;
  readonly tensorCount: number;
  readonly metadata: readonly GgufMetadata[];
  readonly tensors: readonly GgufTensor[];
  readonly alignment: number;
  /** Start of the tensor data section (0 when the header could not be read that far). */
  readonly dataStart: number;
  /** Structure the reference reader refuses; reading stops at the first one it cannot get past. */
  readonly problems: readonly GgufProblem[];
  /** Tensor types newer than this reader (sizes unknown; not a reason to call the file malformed). */
  readonly unknownTypes: readonly number[];
}

export interface GgufReadOptions {
  /** Which string values to keep (default: `general.*` and `tokenizer.chat_template*`). */
  readonly keepString?: (key: string) => boolean;
  /** Absolute deadline (ms since epoch); passing it throws LimitError('maxFileSeconds'). */
  readonly deadline?: number;
}

function defaultKeep(key: string): boolean {
  return key.startsWith('general.') || key.startsWith('tokenizer.chat_template');
}

class Stop extends Error {}

/** A forward cursor over a ByteSource with a refillable window (reads only what it parses). */
class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  pos = 0;
  /** Byte order of the file's numbers: gguf-py reads a file whose version reads byte-swapped as big-endian. */
  le = true;
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** A DataView over the current window, made once per window (not once per value). */
  private readonly view = () => this.dv;
  constructor(
    private readonly src: ByteSource,
    private readonly windowBytes = 1 << 20,
  ) {}
  get remaining(): number {
    return this.src.size - this.pos;
  }
  private ensure(n: number): boolean {
    if (this.pos + n > this.src.size) return false;
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return true;
    this.buf = this.src.read(this.pos, Math.max(n, this.windowBytes));
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.bufStart = this.pos;
    return this.buf.length >= n;
  }
  bytes(n: number): Uint8Array | undefined {
    if (!this.ensure(n)) return undefined;
    const o = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(o, o + n);
  }
  skip(n: number): boolean {
    if (this.pos + n > this.src.size) return false;
    this.pos += n;
    return true;
  }
  u32(): number | undefined {
    if (!this.ensure(4)) return undefined;
    const v = this.view().getUint32(this.pos - this.bufStart, this.le);
    this.pos += 4;
    return v;
  }
  i32(): number | undefined {
    if (!this.ensure(4)) return undefined;
    const v = this.view().getInt32(this.pos - this.bufStart, this.le);
    this.pos += 4;
    return v;
  }
  /** u64/i64 as a number, clamped to ±MAX_SAFE_INTEGER (larger values are out of any file's bounds anyway). */
  i64(signed: boolean): number | undefined {
    if (!this.ensure(8)) return undefined;
    const dv = this.view();
    const o = this.pos - this.bufStart;
    this.pos += 8;
    // Two 32-bit halves (no BigInt per value: a GGUF may hold tens of millions of string lengths).
    const [l, h] = this.le ? [o, o + 4] : [o + 4, o];
    const lo = dv.getUint32(l, this.le);
    const hi = signed ? dv.getInt32(h, this.le) : dv.getUint32(h, this.le);
    if (hi >= 0x200000) return Number.MAX_SAFE_INTEGER;
    if (hi < -0x200000) return -Number.MAX_SAFE_INTEGER;
    return hi * 0x100000000 + lo;
  }
  scalar(type: string): number | boolean | undefined {
    const size = FIXED_SIZE[type]!;
    if (!this.ensure(size)) return undefined;
    const dv = this.view();
    const o = this.pos - this.bufStart;
    this.pos += size;
    switch (type) {
      case 'u8':
        return dv.getUint8(o);
      case 'i8':
        return dv.getInt8(o);
      case 'u16':
        return dv.getUint16(o, this.le);
      case 'i16':
        return dv.getInt16(o, this.le);
      case 'u32':
        return dv.getUint32(o, this.le);
      case 'i32':
        return dv.getInt32(o, this.le);
      case 'f32':
        return dv.getFloat32(o, this.le);
      case 'bool':
        return dv.getInt8(o) !== 0;
      case 'u64':
        return Number(dv.getBigUint64(o, this.le));
      case 'i64':
        return Number(dv.getBigInt64(o, this.le));
      default:
        return dv.getFloat64(o, this.le);
    }
  }
}

/** Reads the GGUF header and metadata. Never throws for malformed input; LimitError only for the deadline. */
export function readGguf(src: ByteSource, opts: GgufReadOptions = {}): GgufFile {
  const keep = opts.keepString ?? defaultKeep;
  const c = new Cursor(src);
  const problems: GgufProblem[] = [];
  const metadata: GgufMetadata[] = [];
  const tensors: GgufTensor[] = [];
  const unknownTypes = new Set<number>();
  let version = 0;
  let tensorCount = 0;
  let alignment = DEFAULT_ALIGNMENT;
  let dataStart = 0;
  let bigEndian = false;
  const problem = (code: string, message: string, offset: number, path?: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ code, message, offset, ...(path ? { path } : {}) });
  };
  const stop = (code: string, message: string, offset: number, path?: string): never => {
    problem(code, message, offset, path);
    throw new Stop();
  };
  let ticks = 0;
  const tick = (): void => {
    if ((++ticks & 0xffff) === 0 && opts.deadline !== undefined && Date.now() > opts.deadline)
      throw new LimitError('maxFileSeconds', 'time budget for this file exhausted while reading GGUF metadata');
  };
  // GGUF v1 (the first llama.cpp release of the format) wrote counts, string and array lengths and dimensions as
  // u32; v2 widened them to 64 bits. gguf-py and ggml of that time read v1 files; they are read here the same way.
  let wide = true;
  const count = (): number | undefined => (wide ? c.i64(false) : c.u32());
  const readString = (what: string, at: number, path?: string, keepIt = false, name = false): string | number => {
    const lenAt = c.pos;
    const len = count();
    if (len === undefined) return stop('TRUNCATED', `${what}: length runs past the end of the file`, lenAt, path);
    if (len > MAX_STRING) stop('STRING_LENGTH', `${what}: length ${len} exceeds the reference limit`, lenAt, path);
    if (len > c.remaining) {
      // gguf-py keeps what is there (a template cut by the end of the file is still loaded): so is it judged here.
      if (!keepIt || c.remaining > MAX_KEPT_STRING)
        stop('STRING_LENGTH', `${what}: length ${len} runs past the end of the file`, lenAt, path);
      problem('STRING_LENGTH', `${what}: length ${len} runs past the end of the file`, lenAt, path);
      return UTF8.decode(c.bytes(c.remaining));
    }
    if (!keepIt || len > MAX_KEPT_STRING) {
      c.skip(len);
      return len;
    }
    void at;
    const bytes = c.bytes(len)!;
    if (name) {
      // Keys and tensor names: gguf-py decodes them strictly and refuses the file when one is not UTF-8.
      try {
        return STRICT_UTF8.decode(bytes);
      } catch {
        problem('NAME_UTF8', `${what} is not UTF-8 (gguf-py refuses the file; ggml reads the bytes)`, lenAt, path);
      }
    }
    // The BOM is kept: a key "\uFEFFtokenizer.chat_template" is another key to every GGUF reader.
    return UTF8.decode(bytes);
  };

  /** Skips `n` elements that are themselves arrays (element type, count, elements), depth-bounded. */
  const skipNestedArray = (n: number, k: string, at: number, depth: number): void => {
    if (depth > MAX_ARRAY_NESTING)
      stop('VALUE_TYPE', `metadata ${k}: arrays nested deeper than ${MAX_ARRAY_NESTING}`, at, k);
    if (n * (wide ? 12 : 8) > c.remaining)
      stop('COUNT', `metadata ${k}: ${n} nested arrays cannot fit in the file`, at, k);
    for (let j = 0; j < n; j++) {
      tick();
      const et = c.i32();
      const m = count();
      if (et === undefined || m === undefined)
        stop('TRUNCATED', `metadata ${k}: nested array runs past the end`, at, k);
      const elem = VALUE_TYPES[et!];
      if (elem === 'arr') skipNestedArray(m!, k, at, depth + 1);
      else if (elem === undefined) {
        if (m! > 0) stop('VALUE_TYPE', `metadata ${k}: nested array of invalid type ${et}`, at, k);
      } else if (elem === 'str') {
        for (let x = 0; x < m!; x++) {
          tick();
          const len = count();
          if (len === undefined || len > c.remaining)
            stop('STRING_LENGTH', `metadata ${k}: nested string runs past the end`, at, k);
          c.skip(len!);
        }
      } else if (m! * FIXED_SIZE[elem]! > c.remaining || !c.skip(m! * FIXED_SIZE[elem]!))
        stop('COUNT', `metadata ${k}: nested array of ${m} elements cannot fit in the file`, at, k);
    }
  };

  try {
    const magic = c.bytes(4);
    if (!magic || !looksLikeGguf(magic)) stop('MAGIC', 'the file does not start with the GGUF magic', 0);
    const v = c.u32();
    if (v === undefined) stop('TRUNCATED', 'header cut short after the magic', 4);
    version = v!;
    if (version === 0) stop('VERSION', 'GGUF version 0', 4);
    if ((version & 0xffff) === 0) {
      // A big-endian file (the magic is always written as "GGUF"): ggml on a little-endian host refuses it, gguf-py
      // (transformers' GGUF loading) reads it byte-swapped. It is read here as gguf-py reads it.
      c.le = false;
      c.pos = 4;
      version = c.u32()!;
      bigEndian = true;
    }
    if (version > GGUF_VERSION) stop('VERSION', `version ${version} is newer than GGUF ${GGUF_VERSION}`, 4);
    wide = version >= 2;
    const nt = wide ? c.i64(true) : c.u32();
    const nk = wide ? c.i64(true) : c.u32();
    if (nt === undefined || nk === undefined) stop('TRUNCATED', 'header cut short before the counts', 8);
    if (nt! < 0) stop('COUNT', `tensor count ${nt} is negative`, 8);
    if (nk! < 0) stop('COUNT', `metadata count ${nk} is negative`, 16);
    tensorCount = nt!;
    // Each metadata entry needs at least 13 bytes (key length, one key byte, type, one value byte); each tensor info
    // at least 29 (name length, n_dims, type, offset, one name byte): counts beyond that cannot be in the file.
    if (nk! * (wide ? 13 : 10) > c.remaining) stop('COUNT', `metadata count ${nk} cannot fit in the file`, 16);
    if (nt! * (wide ? 29 : 21) > c.remaining) stop('COUNT', `tensor count ${nt} cannot fit in the file`, 8);

    const keys = new Set<string>();
    for (let i = 0; i < nk!; i++) {
      tick();
      const at = c.pos;
      const key = readString(`metadata key ${i}`, at, undefined, true, true);
      if (typeof key !== 'string') stop('STRING_LENGTH', `metadata key ${i} is too long`, at);
      const k = key as string;
      // Problems that leave the rest of the file readable do not stop the read: what follows is still judged.
      if (k.length === 0) problem('KEY', `metadata key ${i} is empty`, at);
      if (keys.has(k)) problem('DUPLICATE_KEY', `metadata key ${JSON.stringify(k)} appears twice`, at, k);
      keys.add(k);
      const tAt = c.pos;
      const typeId = c.i32();
      if (typeId === undefined) stop('TRUNCATED', `metadata ${k}: type runs past the end`, tAt, k);
      let type = VALUE_TYPES[typeId!];
      if (type === undefined) stop('VALUE_TYPE', `metadata ${k} has unknown value type ${typeId}`, tAt, k);
      if (type === 'arr') {
        const et = c.i32();
        const n = count();
        if (et === undefined || n === undefined)
          stop('TRUNCATED', `metadata ${k}: array header runs past the end`, tAt, k);
        const elem = VALUE_TYPES[et!];
        if (elem === 'arr') {
          // gguf-py reads arrays of arrays (ggml refuses them): read the same way, so what follows is judged.
          problem('VALUE_TYPE', `metadata ${k} is an array of arrays (ggml refuses it; gguf-py reads it)`, tAt, k);
          skipNestedArray(n!, k, tAt, 1);
          metadata.push({ key: k, type: 'arr[arr]', count: n!, offset: at });
          continue;
        }
        if (elem === undefined) {
          if (n === 0) {
            // Never looked at by gguf-py when there are no elements; ggml refuses the type.
            problem('VALUE_TYPE', `metadata ${k} is an empty array of invalid type ${et}`, tAt, k);
            metadata.push({ key: k, type: `arr[${et}]`, count: 0, offset: at });
            continue;
          }
          stop('VALUE_TYPE', `metadata ${k} is an array of invalid type ${et}`, tAt, k);
        }
        if (n! > MAX_ARRAY) stop('COUNT', `metadata ${k}: ${n} elements exceed the reference limit`, tAt, k);
        const minBytes = elem === 'str' ? (wide ? 8 : 4) : FIXED_SIZE[elem!]!;
        if (n! * minBytes > c.remaining) stop('COUNT', `metadata ${k}: ${n} elements cannot fit in the file`, tAt, k);
        type = `arr[${elem}]`;
        // A kept key's strings are kept when they are an array too: gguf-py reads the elements, and transformers
        // takes a one-element array as its string (a chat template stored as an array is still a chat template).
        const values: string[] | undefined = elem === 'str' && keep(k) ? [] : undefined;
        let skipped = 0;
        if (elem === 'str') {
          // The per-element path of readString without building a label per element (vocabularies hold 10^5
          // strings; a hostile file 10^7+).
          for (let j = 0; j < n!; j++) {
            tick();
            const lenAt = c.pos;
            const len = count();
            if (len === undefined || len > MAX_STRING || len > c.remaining || (values && j < MAX_KEPT_ITEMS)) {
              const s = readString(`metadata ${k}[${j}]`, (c.pos = lenAt), k, values !== undefined);
              if (values && typeof s === 'string') values.push(s);
              else if (values) skipped += s as number;
            } else {
              c.skip(len);
              if (values) skipped += len;
            }
          }
        } else c.skip(n! * minBytes);
        metadata.push({
          key: k,
          type,
          count: n!,
          offset: at,
          ...(values ? { values } : {}),
          ...(values && skipped > 0 ? { skippedBytes: skipped } : {}),
        });
      } else if (type === 'str') {
        const s = readString(`metadata ${k}`, c.pos, k, keep(k));
        metadata.push(
          typeof s === 'string'
            ? { key: k, type, value: s, offset: at }
            : { key: k, type, ...(keep(k) ? { skippedBytes: s } : {}), offset: at },
        );
      } else {
        const value = c.scalar(type!);
        if (value === undefined) stop('TRUNCATED', `metadata ${k}: value runs past the end`, tAt, k);
        metadata.push({ key: k, type: type!, value: value!, offset: at });
      }
    }
    const align = metadata.find((m) => m.key === 'general.alignment');
    if (align) {
      if (align.type !== 'u32')
        stop('ALIGNMENT', `general.alignment must be u32, not ${align.type}`, align.offset, align.key);
      const a = align.value as number;
      if (a === 0 || (a & (a - 1)) !== 0)
        stop('ALIGNMENT', `general.alignment ${a} is not a power of two`, align.offset, align.key);
      alignment = a;
    }

    const names = new Set<string>();
    for (let i = 0; i < nt!; i++) {
      tick();
      const at = c.pos;
      const name = readString(`tensor name ${i}`, at, undefined, true, true);
      if (typeof name !== 'string' || Buffer.byteLength(name) >= MAX_NAME)
        stop(
          'TENSOR_NAME',
          `tensor ${i}: name of ${typeof name === 'string' ? Buffer.byteLength(name) : name} bytes is not shorter than ${MAX_NAME}`,
          at,
        );
      const nm = name as string;
      if (names.has(nm)) stop('DUPLICATE_TENSOR', `tensor name ${JSON.stringify(nm)} appears twice`, at, nm);
      names.add(nm);
      const nd = c.u32();
      if (nd === undefined) stop('TRUNCATED', `tensor ${nm}: header runs past the end`, at, nm);
      if (nd! > MAX_DIMS) stop('TENSOR_DIMS', `tensor ${nm} has ${nd} dimensions (at most ${MAX_DIMS})`, at, nm);
      const dims: number[] = [];
      for (let d = 0; d < nd!; d++) {
        const ne = wide ? c.i64(true) : c.u32();
        if (ne === undefined) stop('TRUNCATED', `tensor ${nm}: dimensions run past the end`, at, nm);
        if (ne! < 0) stop('TENSOR_DIMS', `tensor ${nm}: dimension ${d} is negative (${ne})`, at, nm);
        dims.push(ne!);
      }
      let elements = 1;
      for (const d of dims) elements *= d;
      if (elements > Number.MAX_SAFE_INTEGER) stop('TENSOR_DIMS', `tensor ${nm}: element count overflows`, at, nm);
      const typeId = c.i32();
      const offset = c.i64(false);
      if (typeId === undefined || offset === undefined)
        stop('TRUNCATED', `tensor ${nm}: type or offset runs past the end`, at, nm);
      const lookup = ggmlType(typeId!);
      let bytes = 0;
      let typeName = `type ${typeId}`;
      if (lookup.kind === 'invalid') stop('TENSOR_TYPE', `tensor ${nm} has invalid ggml type ${typeId}`, at, nm);
      else if (lookup.kind === 'unknown') unknownTypes.add(typeId!);
      else {
        const t = lookup.type;
        typeName = t.name;
        const row = dims[0] ?? 1;
        if (row % t.blockSize !== 0)
          stop(
            'TENSOR_DIMS',
            `tensor ${nm}: ${row} elements per row is not a multiple of the ${t.name} block (${t.blockSize})`,
            at,
            nm,
          );
        bytes = (elements / t.blockSize) * t.typeSize;
        if (!Number.isSafeInteger(bytes)) stop('TENSOR_DIMS', `tensor ${nm}: byte size overflows`, at, nm);
      }
      tensors.push({ name: nm, type: typeName, dims, offset: offset!, bytes });
    }
    dataStart = nt! > 0 ? Math.ceil(c.pos / alignment) * alignment : c.pos;
    if (nt! > 0 && dataStart > src.size)
      stop('DATA_BOUNDS', 'the aligned data section starts past the end of the file', c.pos);
    checkDataLayout(tensors, alignment, src.size - dataStart, unknownTypes.size > 0, dataStart, problem);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return {
    version,
    ...(bigEndian ? { bigEndian } : {}),
    tensorCount,
    metadata,
    tensors,
    alignment,
    dataStart,
    problems,
    unknownTypes: [...unknownTypes].sort((a, b) => a - b),
  };
}

/** ggml requires each tensor to start where the previous one's padded data ended, inside the file. */
function checkDataLayout(
  tensors: readonly GgufTensor[],
  alignment: number,
  dataBytes: number,
  sizesUnknown: boolean,
  dataStart: number,
  problem: (code: string, message: string, offset: number, path?: string) => void,
): void {
  let expected = 0;
  for (const t of tensors) {
    if (t.offset % alignment !== 0)
      problem(
        'TENSOR_ALIGNMENT',
        `tensor ${t.name} offset ${t.offset} is not a multiple of ${alignment}`,
        dataStart,
        t.name,
      );
    else if (!sizesUnknown && t.offset !== expected)
      problem(
        'TENSOR_OFFSET',
        `tensor ${t.name} has offset ${t.offset}, but ggml expects ${expected} (tensors are contiguous in order)`,
        dataStart,
        t.name,
      );
    if (t.offset + t.bytes > dataBytes)
      problem(
        'DATA_BOUNDS',
        `tensor ${t.name} data [${t.offset}, ${t.offset + t.bytes}) runs past the ${dataBytes} data bytes in the file`,
        dataStart,
        t.name,
      );
    expected = t.offset + Math.ceil(t.bytes / alignment) * alignment;
  }
}
