// Byte builders for safetensors and GGUF following their published specifications (huggingface/safetensors
// README "Format"; ggml docs/gguf.md), independent of the readers under test: a safetensors file is
// `u64le N | N bytes of JSON | data`; a GGUF file is `"GGUF" | u32 version | u64 n_tensors | u64 n_kv | kv… |
// tensor infos… | padding to alignment | data`. Options let tests break each rule on purpose.

export interface StTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Explicit offsets (default: contiguous, in the given order, sized from dtype × shape). */
  readonly offsets?: readonly [number, number];
}

const ST_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
};

export interface StOptions {
  readonly metadata?: Record<string, unknown>;
  /** Raw header JSON text (replaces the generated one). */
  readonly headerText?: string;
  /** Pad the header with spaces to exactly this many bytes (N). */
  readonly headerBytes?: number;
  /** Bytes appended after the computed data. */
  readonly extraData?: number;
  /** Override the declared header length. */
  readonly declaredLength?: bigint;
  /** Data bytes actually written (default: what the offsets cover). */
  readonly dataBytes?: number;
}

function tensorSize(t: StTensor): number {
  const bits = t.dtype === 'F4' ? 4 : t.dtype.startsWith('F6') ? 6 : (ST_BYTES[t.dtype] ?? 1) * 8;
  return (t.shape.reduce((a, b) => a * b, 1) * bits) / 8;
}

/** A safetensors file (header + zero-filled data). */
export function safetensors(tensors: readonly StTensor[], opts: StOptions = {}): Uint8Array {
  let offset = 0;
  const entries: string[] = [];
  if (opts.metadata) entries.push(`"__metadata__":${JSON.stringify(opts.metadata)}`);
  for (const t of tensors) {
    const [s, e] = t.offsets ?? [offset, offset + tensorSize(t)];
    offset = Math.max(offset, e);
    entries.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${s},${e}]}`,
    );
  }
  let json = opts.headerText ?? `{${entries.join(',')}}`;
  const raw = Buffer.from(json, 'utf8');
  const n = opts.headerBytes ?? Math.ceil(raw.length / 8) * 8;
  if (n < raw.length) throw new RangeError('headerBytes smaller than the header');
  json = json + ' '.repeat(n - raw.length);
  const header = Buffer.from(json, 'utf8');
  const data = (opts.dataBytes ?? offset) + (opts.extraData ?? 0);
  const out = new Uint8Array(8 + header.length + data);
  new DataView(out.buffer).setBigUint64(0, opts.declaredLength ?? BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

export type GgufValue =
  | {
      readonly type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'bool' | 'u64' | 'i64' | 'f64';
      readonly value: number | boolean;
    }
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'arr'; readonly elem: 'str'; readonly value: readonly string[] }
  | { readonly type: 'arr'; readonly elem: 'i32' | 'f32'; readonly value: readonly number[] }
  | { readonly type: 'raw'; readonly typeId: number; readonly bytes: Uint8Array };

export interface GgufTensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  /** ggml type id (0 F32, 1 F16, 8 Q8_0, …). */
  readonly type: number;
  /** Explicit offset (default: contiguous with alignment padding). */
  readonly offset?: number;
  /** Bytes of this tensor (default: from the type table below). */
  readonly bytes?: number;
}

const GGML_SIZE: Record<number, [number, number]> = { 0: [1, 4], 1: [1, 2], 8: [32, 34], 12: [256, 144], 30: [1, 2] };
const TYPE_ID: Record<string, number> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  str: 8,
  arr: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

export interface GgufOptions {
  readonly version?: number;
  readonly alignment?: number;
  readonly magic?: string;
  /** Override the declared counts. */
  readonly tensorCount?: bigint;
  readonly kvCount?: bigint;
  /** Cut the file to this many bytes. */
  readonly truncate?: number;
  /** Write tensor data (zeros) after the header (default true). */
  readonly withData?: boolean;
}

class W {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function scalar(w: W, type: string, v: number | boolean): void {
  const n = Number(v);
  const b = Buffer.alloc(
    type === 'u64' || type === 'i64' || type === 'f64'
      ? 8
      : type.endsWith('16')
        ? 2
        : type.endsWith('8') || type === 'bool'
          ? 1
          : 4,
  );
  if (type === 'u8' || type === 'bool') b.writeUInt8(n);
  else if (type === 'i8') b.writeInt8(n);
  else if (type === 'u16') b.writeUInt16LE(n);
  else if (type === 'i16') b.writeInt16LE(n);
  else if (type === 'u32') b.writeUInt32LE(n);
  else if (type === 'i32') b.writeInt32LE(n);
  else if (type === 'f32') b.writeFloatLE(n);
  else if (type === 'u64') b.writeBigUInt64LE(BigInt(n));
  else if (type === 'i64') b.writeBigInt64LE(BigInt(n));
  else b.writeDoubleLE(n);
  w.push(b);
}

/** A GGUF file with the given metadata and tensors (zero-filled data). */
export function gguf(
  kv: readonly [string, GgufValue][],
  tensors: readonly GgufTensorSpec[],
  opts: GgufOptions = {},
): Uint8Array {
  const w = new W();
  w.push(Buffer.from(opts.magic ?? 'GGUF', 'latin1'));
  w.u32(opts.version ?? 3);
  w.u64(opts.tensorCount ?? BigInt(tensors.length));
  w.u64(opts.kvCount ?? BigInt(kv.length));
  for (const [k, v] of kv) {
    w.str(k);
    if (v.type === 'raw') {
      w.i32(v.typeId);
      w.push(Buffer.from(v.bytes));
    } else if (v.type === 'arr') {
      w.i32(TYPE_ID['arr']!);
      w.i32(TYPE_ID[v.elem]!);
      w.u64(v.value.length);
      for (const x of v.value) {
        if (v.elem === 'str') w.str(x as string);
        else scalar(w, v.elem, x as number);
      }
    } else if (v.type === 'str') {
      w.i32(TYPE_ID['str']!);
      w.str(v.value);
    } else {
      w.i32(TYPE_ID[v.type]!);
      scalar(w, v.type, v.value);
    }
  }
  const alignment = opts.alignment ?? 32;
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.i32(t.type);
    const [block, size] = GGML_SIZE[t.type] ?? [1, 1];
    const bytes = t.bytes ?? (t.dims.reduce((a, b) => a * b, 1) / block) * size;
    sizes.push(bytes);
    w.u64(t.offset ?? offset);
    offset = (t.offset ?? offset) + Math.ceil(bytes / alignment) * alignment;
  }
  const head = w.bytes();
  const dataStart = tensors.length ? Math.ceil(head.length / alignment) * alignment : head.length;
  const total = opts.withData === false ? head.length : dataStart + (tensors.length ? offset : 0);
  const out = new Uint8Array(total);
  out.set(head.subarray(0, Math.min(head.length, total)), 0);
  return opts.truncate !== undefined ? out.subarray(0, opts.truncate) : out;
}
