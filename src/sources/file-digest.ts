// SHA-256 of a scanned file's bytes, so a verdict is tied to the exact content promoted: small files are hashed in
// JavaScript from the bytes already read (core/sha256.ts), larger ones read again in windows through node:crypto.
import { createRequire } from 'node:module';
import type { FileSource } from './byte-source.js';
import { sha256 } from '../core/sha256.js';

const WINDOW = 8 * 1024 * 1024;

/** One flat string (built by `+=`, the hex of a digest was a tree of 64 pieces kept for every file reported). */
function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Hex SHA-256 of bytes in memory. */
export function digestBytes(bytes: Uint8Array): string {
  return hex(sha256(bytes));
}

/** Hex SHA-256 of an open file, read from offset 0 to its size at open (bounded: one pass of 8 MiB windows). */
export async function digestFile(src: FileSource, signal?: AbortSignal): Promise<string> {
  // Required on first use (not at start-up); a plain import() is not available inside the code-cached CLI bundle.
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(Math.min(WINDOW, Math.max(1, src.size)));
  for (let o = 0; o < src.size;) {
    signal?.throwIfAborted();
    const got = await src.readIntoAsync(o, buf);
    if (got <= 0) break;
    h.update(buf.subarray(0, got));
    o += got;
  }
  return h.digest('hex');
}
