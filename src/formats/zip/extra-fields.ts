// Extra-field records of central and local headers (APPNOTE 4.5): repeated `id u16 | length u16 | data`.
// Resolves the zip64 extended-information field (id 0x0001) the way zipfile's _decodeExtra does.

/** zip64 extended information (APPNOTE 4.5.3). */
export const EXTRA_ZIP64 = 0x0001;
/** PyTorch's alignment padding: id bytes "FB", data filled with 'Z' (caffe2/serialize inline_container). */
export const EXTRA_TORCH_PADDING = 0x4246;

export interface ExtraFields {
  /** Data of the zip64 extended-information field, when present. */
  zip64?: Uint8Array;
  padding: boolean;
  /** Set when a record's length runs past the end of the extra area (zipfile: "Corrupt extra field"). */
  corrupt?: string;
}

const NO_EXTRA_FIELDS: ExtraFields = Object.freeze({ padding: false });

export function parseExtraFields(extra: Uint8Array): ExtraFields {
  // Most central records carry no extra field at all.
  if (extra.length === 0) return NO_EXTRA_FIELDS;
  const out: ExtraFields = { padding: false };
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra[p]! | (extra[p + 1]! << 8);
    const len = extra[p + 2]! | (extra[p + 3]! << 8);
    if (p + 4 + len > extra.length) {
      out.corrupt = `extra field 0x${id.toString(16).padStart(4, '0')} declares ${len} bytes, only ${extra.length - p - 4} remain`;
      break;
    }
    const data = extra.subarray(p + 4, p + 4 + len);
    if (id === EXTRA_ZIP64 && !out.zip64) out.zip64 = data;
    else if (id === EXTRA_TORCH_PADDING) out.padding = true;
    p += 4 + len;
  }
  return out;
}

export interface Zip64Values {
  uncompressedSize: number;
  compressedSize: number;
  localHeaderOffset: number;
  /** Set when a field marked 0xFFFFFFFF has no value in the zip64 field (zipfile raises BadZipFile). */
  missing?: string;
}

/**
 * Replaces each 32-bit field equal to 0xFFFFFFFF by the next u64 of the zip64 field, in the order
 * uncompressed size, compressed size, local header offset (APPNOTE 4.5.3; zipfile and miniz agree).
 */
export function resolveZip64(
  zip64: Uint8Array | undefined,
  uncompressedSize: number,
  compressedSize: number,
  localHeaderOffset: number,
): Zip64Values {
  const out: Zip64Values = { uncompressedSize, compressedSize, localHeaderOffset };
  if (uncompressedSize !== 0xffffffff && compressedSize !== 0xffffffff && localHeaderOffset !== 0xffffffff) return out;
  let p = 0;
  const next = (label: string): number | undefined => {
    if (!zip64 || p + 8 > zip64.length) {
      out.missing ??= `${label} is 0xFFFFFFFF but the zip64 extra field has no value for it`;
      return undefined;
    }
    const lo = (zip64[p]! | (zip64[p + 1]! << 8) | (zip64[p + 2]! << 16)) + zip64[p + 3]! * 0x1000000;
    const hi = (zip64[p + 4]! | (zip64[p + 5]! << 8) | (zip64[p + 6]! << 16)) + zip64[p + 7]! * 0x1000000;
    p += 8;
    if (hi > 0x1fffff) {
      out.missing ??= `${label} in the zip64 extra field exceeds 2^53`;
      return undefined;
    }
    return hi * 0x100000000 + lo;
  };
  if (uncompressedSize === 0xffffffff) out.uncompressedSize = next('uncompressed size') ?? uncompressedSize;
  if (compressedSize === 0xffffffff) out.compressedSize = next('compressed size') ?? compressedSize;
  if (localHeaderOffset === 0xffffffff) out.localHeaderOffset = next('local header offset') ?? localHeaderOffset;
  return out;
}
