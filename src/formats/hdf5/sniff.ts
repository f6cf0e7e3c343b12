// HDF5 recognised by its format signature (imported eagerly by the format registry; the library-backed reader
// in read-hdf5.ts, and h5wasm with it, load only when an HDF5 file is met).

/** HDF5 format signature (superblock at 0, or at 512, 1024, 2048, … after a user block). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function signatureAt(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/**
 * Offset of the superblock within the first bytes (0, or after a 512/1024/2048-byte user block), or undefined.
 * Larger user blocks are not looked for (no extra reads for every other file).
 */
export function hdf5SuperblockOffset(head: Uint8Array): number | undefined {
  for (const at of [0, 512, 1024, 2048]) if (at + 8 <= head.length && signatureAt(head, at)) return at;
  return undefined;
}
