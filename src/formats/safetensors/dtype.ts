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

/**
 * Every dtype the current reference reader accepts (its `Dtype` enum on main, which also has the MX sub-byte
 * floats, the FNUZ float8 variants and C64) with the element width in bits. Readers use this table: a file written
 * by a newer safetensors with `F8_E8M0` loads there and must not be called malformed here. The writer above emits
 * only whole-byte dtypes.
 */
export const READ_DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8],
  ['F4', 4],
  ['F6_E2M3', 6],
  ['F6_E3M2', 6],
  ['U8', 8],
  ['I8', 8],
  ['F8_E5M2', 8],
  ['F8_E4M3', 8],
  ['F8_E8M0', 8],
  ['F8_E4M3FNUZ', 8],
  ['F8_E5M2FNUZ', 8],
  ['I16', 16],
  ['U16', 16],
  ['F16', 16],
  ['BF16', 16],
  ['I32', 32],
  ['U32', 32],
  ['F32', 32],
  ['C64', 64],
  ['F64', 64],
  ['I64', 64],
  ['U64', 64],
]);
