// The reads content sniffing makes in every file of a given size, whatever its content: the HDF5 superblock search
// (hdf5/sniff.ts: 8 bytes at every power of two from 512) and the zip end-record search (zip/looks-like-zip.ts: the
// last 22 + 65535 bytes). A remote scan fetches them for all files at once while listing, so scanning the files one
// after another does not wait on the network for them.
import { EOCD_SIZE } from './zip/end-records.js';

/** Ranges every file of `size` bytes is read at by the format sniffers (offset order, may overlap). */
export function sniffReads(size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let at = 512; at + 8 <= size; at *= 2) out.push({ offset: at, length: 8 });
  if (size >= EOCD_SIZE) {
    const tail = Math.max(0, size - EOCD_SIZE - 0xffff);
    out.push({ offset: tail, length: size - tail });
  }
  return out.sort((a, b) => a.offset - b.offset);
}
