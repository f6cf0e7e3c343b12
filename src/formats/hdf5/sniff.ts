// HDF5 recognised by its format signature where libhdf5 looks for it (imported eagerly by the format registry; the
// library-backed reader in read-hdf5.ts, and h5wasm with it, load only when an HDF5 file is met).
import type { ByteSource } from '../../sources/byte-source.js';

/** HDF5 format signature (superblock at 0, or at 512, 1024, 2048, … after a user block). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function signatureAt(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/**
 * Offset of the superblock: libhdf5 (H5FD_locate_signature) looks at byte 0 and then at every power of two from
 * 512 up to the end of the file, so a user block of any such size (h5py's userblock_size) hides nothing. Offsets
 * within `head` cost nothing; beyond it, one 8-byte read per power of two (at most ~40 for any file).
 */
export function hdf5SuperblockOffset(head: Uint8Array, src?: ByteSource): number | undefined {
  if (head.length >= 8 && signatureAt(head, 0)) return 0;
  const size = src?.size ?? head.length;
  // A source read over the network fetches every probe beyond the head in one go (multi-range), not one by one.
  if (src?.prefetch) {
    const probes: { offset: number; length: number }[] = [];
    for (let at = 512; at + 8 <= size; at *= 2) if (at + 8 > head.length) probes.push({ offset: at, length: 8 });
    if (probes.length) src.prefetch(probes);
  }
  for (let at = 512; at + 8 <= size; at *= 2) {
    if (at + 8 <= head.length) {
      if (signatureAt(head, at)) return at;
    } else if (src && signatureAt(src.read(at, 8), 0)) return at;
  }
  return undefined;
}
