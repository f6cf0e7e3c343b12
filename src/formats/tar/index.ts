// Public surface of the tar reader (own implementation over ByteSource; tar-stream is only a test oracle).
// Parity target: CPython tarfile (ustar, v7, GNU, pax).
export { looksLikeTar } from './looks-like-tar.js';
export { readTar, type ReadTarOptions } from './read-tar.js';
export { openTarEntry } from './open-tar-entry.js';
export type { TarAnomaly, TarAnomalyCode, TarArchive, TarEntry, TarEntryType } from './tar-types.js';
