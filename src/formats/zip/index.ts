// Public surface of the tamper-aware ZIP reader (own implementation over ByteSource; no zip library).
// Spec: PKWARE APPNOTE 6.3.x; parity targets: CPython zipfile and PyTorch's miniz-based reader.
export { looksLikeZip } from './looks-like-zip.js';
export { readZip, type ReadZipOptions } from './read-zip.js';
export { LAZY_METHODS, openEntry, type OpenEntryOptions, type OpenedEntry } from './open-entry.js';
export { openEntryBounded } from './open-entry-bounded.js';
export { entryPathFindings, type PathFinding } from './entry-path.js';
export { crc32 } from './crc32.js';
export type { ZipAnomaly, ZipAnomalyCode, ZipArchive, ZipEntry, ZipInfoFacts } from './zip-types.js';
export { zipMethodName } from './zip-types.js';
