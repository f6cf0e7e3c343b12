// Public surface of the 7z reader: 7z-wasm (optional dependency, LGPL) loaded lazily, archives kept in memory.
// Format reference: 7-Zip's 7zFormat.txt (signature header); listing and extraction by 7-Zip itself.
export { looksLike7z } from './start-header.js';
export { read7z, extract7z, extract7zEach, HOLD_BYTES as SEVEN_ZIP_HOLD_BYTES } from './read-7z.js';
export { loadSevenZipFactory } from './seven-zip-runtime.js';
export type {
  SevenZipAnomaly,
  SevenZipAnomalyCode,
  SevenZipEntry,
  SevenZipExtraction,
  SevenZipFile,
  SevenZipListing,
  SevenZipOptions,
} from './sevenzip-types.js';
export type { StreamedEntry } from './streamed-entry.js';
