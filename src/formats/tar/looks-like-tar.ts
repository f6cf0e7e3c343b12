// Sniff for tar content: a checksum-valid ustar/GNU/v7 header in the first 512 bytes (whether or not its numeric
// fields parse). An all-zero first block is a valid empty archive for tarfile but is not sniffed.
import type { ByteSource } from '../../sources/byte-source.js';
import { BLOCK, checksumMatches, isZeroBlock } from './tar-header.js';

export function looksLikeTar(src: ByteSource): boolean {
  if (src.size < BLOCK) return false;
  const b = src.read(0, BLOCK);
  if (b.length < BLOCK || isZeroBlock(b)) return false;
  // A checksum-valid header whose numbers do not parse (a base-256 size past 2^53) is still a tar header: GNU tar
  // reads it; the reader reports it instead of letting the bytes pass as "not a tar". So the checksum alone decides
  // (parseHeader's result is ok or 'field' exactly when it matches).
  return checksumMatches(b);
}
