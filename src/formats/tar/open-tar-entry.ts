// Opens one tar member as a zero-copy slice of the archive (a multi-GB member is never buffered). Links,
// directories and devices have no data; GNU sparse members are not reassembled.
import { UnsupportedError } from '../../core/errors.js';
import { child, entrySegment } from '../../core/location.js';
import { SliceSource, type ByteSource } from '../../sources/byte-source.js';
import type { TarEntry } from './tar-types.js';

/**
 * The member's stored bytes, located at `parent!/name`. Returns an empty source for links (never followed),
 * directories and devices; throws UnsupportedError('…', 'tar-sparse') for sparse members.
 */
export function openTarEntry(src: ByteSource, entry: TarEntry): ByteSource {
  if (entry.type === 'sparse') {
    throw new UnsupportedError(`tar member ${JSON.stringify(entry.name)} is a GNU sparse file`, 'tar-sparse');
  }
  return new SliceSource(child(src.location, entrySegment(entry.name)), src, entry.dataOffset, entry.dataLength);
}
