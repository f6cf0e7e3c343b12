// safetensors element types (the reference crate's `Dtype`, safetensors/src/tensor.rs): names as the header spells
// them, bytes per element, and the enum order, which is increasing alignment and which the reference writer sorts
// by (descending) before names. One table for the writer (sentinel convert) and the reader.

/** Every dtype safetensors defines, in the reference enum's order (increasing alignment). */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
] as const;

export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element (the reference `Dtype::size`). */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
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
});

const RANK: ReadonlyMap<string, number> = new Map(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

export function isSafetensorsDtype(s: string): s is SafetensorsDtype {
  return RANK.has(s);
}

/** Position in the reference enum (the writer puts higher ranks first so every tensor is aligned to its size). */
export function dtypeRank(d: SafetensorsDtype): number {
  return RANK.get(d)!;
}
