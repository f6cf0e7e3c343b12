// The safetensors header as the reference writer lays it out (safetensors/src/tensor.rs `prepare`): tensors sorted
// by dtype (enum order, descending: every tensor starts aligned to its element size) then by name (byte order of
// the UTF-8), data offsets contiguous from 0 in that order, the JSON written compactly with `__metadata__` first,
// padded with spaces to a multiple of 8 bytes, and prefixed by its length as a little-endian u64.
import { DTYPE_BYTES, dtypeRank, type SafetensorsDtype } from './dtype.js';

/** The reference reader refuses headers larger than this (MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

export interface PlacedTensor extends HeaderTensor {
  /** Byte offsets relative to the first byte after the header: [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface SafetensorsLayout {
  /** The 8-byte length prefix followed by the padded JSON header. */
  readonly header: Uint8Array;
  /** Tensors in file order. */
  readonly tensors: readonly PlacedTensor[];
  /** Bytes of tensor data after the header. */
  readonly dataBytes: number;
  /** Size of the whole file. */
  readonly fileBytes: number;
}

/** Element count × element size; throws on sizes beyond 2^53 bytes. */
export function tensorBytes(dtype: SafetensorsDtype, shape: readonly number[]): number {
  let n = DTYPE_BYTES[dtype];
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new RangeError('tensor size overflows');
  return n;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that UTF-8 can carry (no lone surrogates). */
function wellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Lays out a safetensors file. Names must be unique, well-formed text and not `__metadata__`; metadata values are
 * strings (keys written in sorted order). Throws RangeError when that does not hold or the header is too large.
 */
export function layoutSafetensors(
  tensors: readonly HeaderTensor[],
  metadata?: Readonly<Record<string, string>>,
): SafetensorsLayout {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__') throw new RangeError('a tensor cannot be named __metadata__');
    if (!wellFormed(t.name)) throw new RangeError(`tensor name ${JSON.stringify(t.name)} is not valid text`);
    if (seen.has(t.name)) throw new RangeError(`duplicate tensor name ${JSON.stringify(t.name)}`);
    seen.add(t.name);
  }
  const sorted = [...tensors].sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  const placed: PlacedTensor[] = [];
  let offset = 0;
  for (const t of sorted) {
    const end = offset + tensorBytes(t.dtype, t.shape);
    placed.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], start: offset, end });
    offset = end;
  }
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    for (const k of keys) {
      if (!wellFormed(k) || !wellFormed(metadata[k]!))
        throw new RangeError(`metadata entry ${JSON.stringify(k)} is not valid text`);
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  for (const t of placed) {
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${t.start},${t.end}]}`,
    );
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) throw new RangeError(`header of ${padded} bytes exceeds ${MAX_HEADER_BYTES}`);
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, tensors: placed, dataBytes: offset, fileBytes: header.length + offset };
}
