// The data a checkpoint holds, as `sentinel convert` sees it: tensors (element type, shape, strides and where their
// bytes are), containers, plain values, and everything else as "dropped" with what it was. Built from the pickle
// VM's kept values by rebuild.ts; nothing in this tree can call anything.
import type { SafetensorsDtype } from '../../formats/safetensors/dtype.js';
import type { ByteSource } from '../../sources/byte-source.js';

/** Where a storage's bytes are. */
export interface StorageData {
  /** Identifies the storage across tensors (shared storages have the same id), e.g. `data/0`. */
  readonly id: string;
  readonly src: ByteSource;
  /** Absolute offset of the first byte in `src`. */
  readonly start: number;
  /** Bytes available from `start`. */
  readonly bytes: number;
  /** Elements are stored big-endian (torch `byteorder` "big", legacy sys_info, numpy '>'): swapped on output. */
  readonly bigEndian: boolean;
}

export interface TensorRef {
  /** The safetensors dtype; undefined when there is none (`unsupported` says why). */
  readonly dtype?: SafetensorsDtype;
  /** Why this tensor cannot be written as safetensors. */
  readonly unsupported?: string;
  /** The element type as the input names it (`torch.float32`, `numpy <f4`). */
  readonly source: string;
  readonly itemsize: number;
  readonly shape: readonly number[];
  /** Strides in elements. */
  readonly strides: readonly number[];
  /** Offset of the first element in the storage, in elements. */
  readonly offset: number;
  readonly storage?: StorageData;
  /** Things about this tensor the output does not keep (hooks, tensor attributes). */
  readonly notes: readonly string[];
}

/** A Python scalar or string that is plain data. Floats keep NaN and infinities; ints beyond 2^53 are bigints. */
export type Plain = null | boolean | number | bigint | string;

export type Node =
  | { readonly t: 'tensor'; readonly ref: TensorRef }
  | {
      readonly t: 'map';
      /** dict or collections.OrderedDict; keys as JSON would write them (str as is, int/float/bool/None as text). */
      readonly entries: readonly (readonly [string, Node])[];
      /** OrderedDict instance attributes (a state_dict's `_metadata`). */
      readonly attrs: readonly (readonly [string, Node])[];
    }
  | { readonly t: 'seq'; readonly items: readonly Node[]; readonly kind: 'list' | 'tuple' }
  /** `float` marks Python floats (JSON keeps `1.0` apart from the int `1`). */
  | { readonly t: 'plain'; readonly value: Plain; readonly float?: true }
  | { readonly t: 'dropped'; readonly what: string };

/** C-contiguous strides for a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

/** Element count of a shape (safe integers only). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when the tensor's elements are in C order with no gaps (size-1 dimensions may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  if (numel(shape) === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}
