// The reads content sniffing makes in every file of a given size, whatever its content: the HDF5 superblock search
// (hdf5/sniff.ts: 8 bytes at every power of two from 512) and the zip end-record search (zip/looks-like-zip.ts: the
// last 22 + 65535 bytes). A remote scan fetches them for all files at once while listing, so scanning the files one
// after another does not wait on the network for them; `followReads` names the reads a file's head makes certain
// (a safetensors header longer than the head), fetched while listing too.
import { looksLikeSafetensors, u64le, HEADER_START } from './safetensors/sniff.js';
import { EOCD_SIZE } from './zip/end-records.js';

/** The suffix every file's scan reads (the zip end-record search: the record and the longest comment). */
export const TAIL_BYTES = EOCD_SIZE + 0xffff;

/** Ranges every file of `size` bytes is read at by the format sniffers (offset order, may overlap). */
export function sniffReads(size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let at = 512; at + 8 <= size; at *= 2) out.push({ offset: at, length: 8 });
  if (size >= EOCD_SIZE) {
    const tail = Math.max(0, size - TAIL_BYTES);
    out.push({ offset: tail, length: size - tail });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** A header is fetched while listing up to this size; a longer one is read on demand (within the file's budget). */
const MAX_FOLLOW_BYTES = 16 * 1024 * 1024;

/**
 * Ranges past `head` (the first bytes of a file of `size` bytes) that the scan will certainly read: the rest of a
 * safetensors header whose length prefix says it is longer than the head. (With the tail in hand, zip-follow.ts adds
 * a zip's local headers and pickles.)
 */
export function followReads(head: Uint8Array, size: number): { offset: number; length: number }[] {
  if (!looksLikeSafetensors(head, size)) return [];
  const end = HEADER_START + u64le(head);
  if (end <= head.length || end - head.length > MAX_FOLLOW_BYTES) return [];
  return [{ offset: head.length, length: end - head.length }];
}
