// ggml tensor types as GGUF stores them (ggml/include/ggml.h `enum ggml_type`) with the block size (elements per
// block) and the bytes per block (gguf-py `GGML_QUANT_SIZES`). Removed ids (4, 5, 31–33, 36–38) have block size 0
// in ggml, so its GGUF reader refuses tensors of those types (as it refuses negative ids); ids past the table are
// newer than this reader (not a reason to call the file malformed).

export interface GgmlType {
  readonly name: string;
  readonly blockSize: number;
  readonly typeSize: number;
}

const T = (name: string, blockSize: number, typeSize: number): GgmlType => ({ name, blockSize, typeSize });

/** Indexed by type id; `null` marks ids ggml removed (refused by its reader). */
export const GGML_TYPES: readonly (GgmlType | null)[] = [
  T('F32', 1, 4),
  T('F16', 1, 2),
  T('Q4_0', 32, 18),
  T('Q4_1', 32, 20),
  null, // Q4_2, removed
  null, // Q4_3, removed
  T('Q5_0', 32, 22),
  T('Q5_1', 32, 24),
  T('Q8_0', 32, 34),
  T('Q8_1', 32, 40),
  T('Q2_K', 256, 84),
  T('Q3_K', 256, 110),
  T('Q4_K', 256, 144),
  T('Q5_K', 256, 176),
  T('Q6_K', 256, 210),
  T('Q8_K', 256, 292),
  T('IQ2_XXS', 256, 66),
  T('IQ2_XS', 256, 74),
  T('IQ3_XXS', 256, 98),
  T('IQ1_S', 256, 50),
  T('IQ4_NL', 32, 18),
  T('IQ3_S', 256, 110),
  T('IQ2_S', 256, 82),
  T('IQ4_XS', 256, 136),
  T('I8', 1, 1),
  T('I16', 1, 2),
  T('I32', 1, 4),
  T('I64', 1, 8),
  T('F64', 1, 8),
  T('IQ1_M', 256, 56),
  T('BF16', 1, 2),
  null, // Q4_0_4_4, removed from GGUF files
  null, // Q4_0_4_8
  null, // Q4_0_8_8
  T('TQ1_0', 256, 54),
  T('TQ2_0', 256, 66),
  null, // IQ4_NL_4_4
  null, // IQ4_NL_4_8
  null, // IQ4_NL_8_8
  T('MXFP4', 32, 17),
  T('NVFP4', 64, 36),
  T('Q1_0', 128, 18),
];

export type GgmlTypeLookup =
  { readonly kind: 'known'; readonly type: GgmlType } | { readonly kind: 'invalid' } | { readonly kind: 'unknown' };

export function ggmlType(id: number): GgmlTypeLookup {
  if (!Number.isInteger(id) || id < 0) return { kind: 'invalid' };
  if (id >= GGML_TYPES.length) return { kind: 'unknown' };
  const t = GGML_TYPES[id];
  return t ? { kind: 'known', type: t } : { kind: 'invalid' };
}
