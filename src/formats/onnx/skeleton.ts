// The structure of an ONNX model without its inline tensor bytes, read from a byte source in bounded windows: a
// wire-level walk (tag, varint, length; protobuf encoding spec) that follows the message fields the official schema
// (schema/onnx-ml_pb.ts) declares and writes a copy of the model in which every large tensor payload (TensorProto
// raw_data and the typed *_data fields, AttributeProto.s) is an empty field. The copy is then decoded with the same
// schema; nothing here interprets a field beyond its wire shape.
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { ByteSource } from '../../sources/byte-source.js';
import { AttributeProtoSchema, ModelProtoSchema, TensorProtoSchema } from './schema/onnx-ml_pb.js';

export interface SkeletonOptions {
  /** Bytes the skeleton may hold; past it the walk stops with `limit: true`. */
  readonly maxBytes: number;
  /** Fields (and messages) the walk may meet: what the decoded objects cost is mostly per field. */
  readonly maxFields?: number;
  /** Payload fields of at least this many bytes are emptied (smaller ones are kept as they are). */
  readonly payloadThreshold?: number;
}

export type Skeleton =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** Payload fields emptied, and the bytes they held. */
      readonly droppedFields: number;
      readonly droppedBytes: number;
    }
  | { readonly ok: false; readonly error: string; readonly limit?: 'bytes' | 'fields' };

export const DEFAULT_PAYLOAD_THRESHOLD = 4096;
/** protobuf's default recursion limit (protobuf C++, which onnx and onnxruntime use, and @bufbuild/protobuf). */
const MAX_DEPTH = 100;
/** protobuf refuses messages and fields over 2 GiB. */
const MAX_LENGTH = 0x7fffffff;
const WINDOW = 1 << 20;
const JUMP_WINDOW = 16 * 1024;

/** Fields whose bytes are tensor or attribute payload, by the schema's names. */
const PAYLOAD: ReadonlyMap<DescMessage, ReadonlySet<number>> = new Map<DescMessage, ReadonlySet<number>>([
  [
    TensorProtoSchema,
    numbers(TensorProtoSchema, [
      'raw_data',
      'float_data',
      'int32_data',
      'string_data',
      'int64_data',
      'double_data',
      'uint64_data',
    ]),
  ],
  [AttributeProtoSchema, numbers(AttributeProtoSchema, ['s'])],
]);

function numbers(desc: DescMessage, names: readonly string[]): ReadonlySet<number> {
  return new Set(
    names.map((n) => {
      const f = desc.fields.find((x) => x.name === n);
      if (!f) throw new Error(`${desc.typeName} has no field ${n}`);
      return f.number;
    }),
  );
}

class WireError extends Error {
  constructor(
    message: string,
    readonly limit?: 'bytes' | 'fields',
  ) {
    super(message);
  }
}

/** A growable output buffer; message lengths are reserved as 5-byte varints and patched when the message ends. */
class Out {
  buf = new Uint8Array(64 * 1024);
  pos = 0;
  constructor(private readonly max: number) {}
  ensure(n: number): void {
    if (this.pos + n > this.max)
      throw new WireError(`the model's structure without tensor payloads exceeds ${this.max} bytes`, 'bytes');
    if (this.pos + n <= this.buf.length) return;
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const next = new Uint8Array(Math.min(len, Math.max(this.max, this.pos + n)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  /** Writes a padded (non-minimal, 5-byte) varint of `v` at `at`: protobuf readers accept it. */
  patch5(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.buf[at + i] = ((v >>> (7 * i)) & 0x7f) | 0x80;
    this.buf[at + 4] = (v >>> 28) & 0x0f;
  }
}

/** Bounded windows over a byte source. */
class In {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  constructor(private readonly src: ByteSource) {}
  /** At least `n` bytes at `at` (fewer only at the end of the source), as a view. */
  view(at: number, n: number): Uint8Array {
    if (at < this.start || at + n > this.start + this.buf.length) {
      // Reading on from the window: a large window; after a skipped payload: a small one (the next tensor's header).
      const sequential = this.buf.length > 0 && at >= this.start && at <= this.start + this.buf.length;
      this.buf = this.src.read(at, Math.max(n, sequential ? WINDOW : JUMP_WINDOW));
      this.start = at;
    }
    return this.buf.subarray(at - this.start, Math.min(this.buf.length, at - this.start + n));
  }
  /** The varint at `at` (value up to 2^53, byte length); the caller checks the end. */
  varint(at: number, end: number): { value: number; len: number } {
    const b = this.view(at, 10);
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (at + i >= end || i >= b.length) throw new WireError(`truncated varint at offset ${at}`);
      const x = b[i]!;
      if (i < 8) value += (x & 0x7f) * 2 ** (7 * i);
      else if (x & 0x7f) value = Number.MAX_SAFE_INTEGER;
      if ((x & 0x80) === 0) return { value, len: i + 1 };
    }
    throw new WireError(`invalid varint (more than 10 bytes) at offset ${at}`);
  }
}

interface Frame {
  readonly desc: DescMessage;
  readonly fields: ReadonlyMap<number, DescField>;
  readonly end: number;
  /** Where the reserved 5-byte length sits in the output (-1 for the top-level message). */
  readonly lenAt: number;
}

const fieldMaps = new Map<DescMessage, ReadonlyMap<number, DescField>>();
function fieldsOf(desc: DescMessage): ReadonlyMap<number, DescField> {
  let m = fieldMaps.get(desc);
  if (!m) fieldMaps.set(desc, (m = new Map(desc.fields.map((f) => [f.number, f]))));
  return m;
}

function childMessage(f: DescField | undefined): DescMessage | undefined {
  if (!f) return undefined;
  if (f.fieldKind === 'message') return f.message;
  if (f.fieldKind === 'list' && f.listKind === 'message') return f.message;
  return undefined;
}

/**
 * Builds the skeleton of the ModelProto in `src`. A wire structure protobuf would refuse (truncated field, length
 * past its message, invalid wire type or varint, nesting deeper than 100) is an error, as the decode would be.
 */
export function buildSkeleton(src: ByteSource, opts: SkeletonOptions): Skeleton {
  const threshold = opts.payloadThreshold ?? DEFAULT_PAYLOAD_THRESHOLD;
  const input = new In(src);
  const out = new Out(opts.maxBytes);
  const stack: Frame[] = [{ desc: ModelProtoSchema, fields: fieldsOf(ModelProtoSchema), end: src.size, lenAt: -1 }];
  const maxFields = opts.maxFields ?? Infinity;
  let fields = 0;
  let pos = 0;
  let droppedFields = 0;
  let droppedBytes = 0;
  const copy = (from: number, to: number): void => {
    for (let o = from; o < to;) {
      const n = Math.min(WINDOW, to - o);
      out.raw(input.view(o, n));
      o += n;
    }
  };
  try {
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (pos === top.end) {
        stack.pop();
        if (top.lenAt >= 0) out.patch5(top.lenAt, out.pos - top.lenAt - 5);
        continue;
      }
      if (++fields > maxFields)
        throw new WireError(`the model's structure has more than ${maxFields} fields`, 'fields');
      const fieldStart = pos;
      const tag = input.varint(pos, top.end);
      pos += tag.len;
      const fieldNo = Math.floor(tag.value / 8);
      const wireType = tag.value % 8;
      if (fieldNo < 1 || fieldNo > 0x1fffffff)
        throw new WireError(`illegal field number ${fieldNo} at offset ${fieldStart}`);
      const declared = top.fields.get(fieldNo);
      // A declared field met with another wire type is an unknown field to protobuf C++ (what onnx and onnxruntime
      // parse with): it is skipped and the value read under the declared wire type is kept. The skeleton leaves
      // it out, so the decode keeps the same value.
      const field = declared && wireTypeFits(declared, wireType) ? declared : undefined;
      const child = childMessage(field);
      // Unknown fields other than length-delimited ones are copied (the decode skips them); a declared field met
      // with the wrong wire type is left out (the decode would refuse it).
      const keep = field !== undefined || declared === undefined;
      switch (wireType) {
        case 0:
          pos += input.varint(pos, top.end).len;
          if (keep) copy(fieldStart, pos);
          continue;
        case 1:
        case 5:
          pos += wireType === 1 ? 8 : 4;
          if (pos > top.end) throw new WireError(`truncated fixed-width field ${fieldNo} at offset ${fieldStart}`);
          if (keep) copy(fieldStart, pos);
          continue;
        case 3:
          pos = skipGroup(input, fieldNo, pos, top.end, MAX_DEPTH - stack.length);
          if (keep) copy(fieldStart, pos);
          continue;
        case 2:
          break;
        default:
          throw new WireError(`invalid wire type ${wireType} (field ${fieldNo}) at offset ${fieldStart}`);
      }
      const lenVar = input.varint(pos, top.end);
      pos += lenVar.len;
      const len = lenVar.value;
      if (len > MAX_LENGTH) throw new WireError(`field ${fieldNo} at offset ${fieldStart} is longer than 2 GiB`);
      if (len > top.end - pos)
        throw new WireError(
          `field ${fieldNo} at offset ${fieldStart} declares ${len} bytes, only ${top.end - pos} remain in its message`,
        );
      if (child) {
        if (stack.length >= MAX_DEPTH) throw new WireError(`messages nested deeper than ${MAX_DEPTH}`);
        copy(fieldStart, pos - lenVar.len);
        const lenAt = out.pos;
        out.ensure(5);
        out.pos += 5;
        stack.push({ desc: child, fields: fieldsOf(child), end: pos + len, lenAt });
        continue;
      }
      if (!field) {
        // An unknown field: the decode skips it (unknown fields are not kept), so the skeleton leaves it out.
        pos += len;
        continue;
      }
      if (len >= threshold && PAYLOAD.get(top.desc)?.has(fieldNo) && wholeValues(input, field, pos, len)) {
        copy(fieldStart, pos - lenVar.len);
        out.byte(0);
        pos += len;
        droppedFields++;
        droppedBytes += len;
        continue;
      }
      // A packed list is one field on the wire and one decoded value per element (an int64 each a BigInt): its
      // elements count as fields, before the copy, so a list of millions is a limit, never materialised.
      const elements = packedElements(input, field, wireType, pos, len);
      if (elements > 1 && (fields += elements - 1) > maxFields)
        throw new WireError(`the model's structure has more than ${maxFields} fields`, 'fields');
      copy(fieldStart, pos + len);
      pos += len;
    }
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e.message, ...(e.limit ? { limit: e.limit } : {}) };
    throw e;
  }
  return { ok: true, bytes: out.buf.subarray(0, out.pos), droppedFields, droppedBytes };
}

/** The wire types protobuf reads a declared field from (repeated numeric fields: their own, or packed). */
function wireTypeFits(field: DescField, wireType: number): boolean {
  if (field.fieldKind === 'message' || field.fieldKind === 'map') return wireType === 2;
  if (field.fieldKind === 'list' && field.listKind === 'message') return wireType === 2;
  if (field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum'))
    return wireType === 0 || (field.fieldKind === 'list' && wireType === 2);
  const own = scalarWireType(field.scalar);
  return wireType === own || (field.fieldKind === 'list' && own !== 2 && wireType === 2);
}

function scalarWireType(t: ScalarType): number {
  switch (t) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    default:
      return 0;
  }
}

/**
 * True when a length-delimited payload holds whole values of its type (bytes always; a packed list a multiple of
 * its width, or complete varints), so emptying it cannot hide an encoding error the decode would have met.
 */
function wholeValues(input: In, field: DescField, at: number, len: number): boolean {
  if (field.fieldKind !== 'list' && field.fieldKind !== 'scalar') return false;
  switch (field.scalar) {
    case ScalarType.BYTES:
    case ScalarType.STRING:
      return true;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return len % 4 === 0;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return len % 8 === 0;
    default: {
      let run = 0;
      for (let o = at; o < at + len;) {
        const b = input.view(o, Math.min(WINDOW, at + len - o));
        for (const x of b) {
          run = x & 0x80 ? run + 1 : 0;
          if (run >= 10) return false;
        }
        o += b.length;
      }
      return run === 0;
    }
  }
}

/** Elements of a packed repeated scalar or enum field (length-delimited); 0 for anything else. */
function packedElements(input: In, field: DescField, wireType: number, at: number, len: number): number {
  if (wireType !== 2 || field.fieldKind !== 'list' || field.listKind === 'message') return 0;
  if (field.listKind === 'scalar') {
    switch (field.scalar) {
      case ScalarType.BYTES:
      case ScalarType.STRING:
        return 0;
      case ScalarType.FLOAT:
      case ScalarType.FIXED32:
      case ScalarType.SFIXED32:
        return Math.ceil(len / 4);
      case ScalarType.DOUBLE:
      case ScalarType.FIXED64:
      case ScalarType.SFIXED64:
        return Math.ceil(len / 8);
      default:
        break;
    }
  }
  // Varints (integers, bools, enums): one element ends at each byte without the continuation bit.
  let n = 0;
  for (let o = at; o < at + len;) {
    const b = input.view(o, Math.min(WINDOW, at + len - o));
    for (const x of b) if ((x & 0x80) === 0) n++;
    o += b.length;
  }
  return n;
}

/** Skips a group (wire type 3) started before `pos`; returns the offset after its end tag. */
function skipGroup(input: In, fieldNo: number, pos: number, end: number, depth: number): number {
  const open: number[] = [fieldNo];
  while (open.length > 0) {
    if (open.length > depth) throw new WireError(`groups nested deeper than ${MAX_DEPTH}`);
    const tag = input.varint(pos, end);
    pos += tag.len;
    const no = Math.floor(tag.value / 8);
    const wt = tag.value % 8;
    if (wt === 0) pos += input.varint(pos, end).len;
    else if (wt === 1) pos += 8;
    else if (wt === 5) pos += 4;
    else if (wt === 2) {
      const l = input.varint(pos, end);
      pos += l.len + l.value;
    } else if (wt === 3) open.push(no);
    else if (wt === 4) {
      if (open.pop() !== no) throw new WireError(`group end tag ${no} does not match its start`);
    } else throw new WireError(`invalid wire type ${wt} in a group`);
    if (pos > end) throw new WireError('truncated group');
  }
  return pos;
}
