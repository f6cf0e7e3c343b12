// Sniff for tar content: a checksum-valid ustar/GNU/v7 header in the first 512 bytes whose numeric fields parse
// (what tarfile needs to open it). An all-zero first block is a valid empty archive for tarfile but is not sniffed.
import type { ByteSource } from '../../sources/byte-source.js';
import { BLOCK, isZeroBlock, parseHeader } from './tar-header.js';

export function looksLikeTar(src: ByteSource): boolean {
  if (src.size < BLOCK) return false;
  const b = src.read(0, BLOCK);
  if (b.length < BLOCK || isZeroBlock(b)) return false;
  return parseHeader(b).ok;
}
