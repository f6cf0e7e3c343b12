// SHA-256 of a scanned file's bytes, so a verdict is tied to the exact content promoted: small files are hashed in
// JavaScript from the bytes already read (core/sha256.ts: loading node:crypto costs more than hashing a few
// kilobytes), larger ones through node:crypto (OpenSSL, with the CPU's SHA instructions), a file over 1 MiB read
// again in windows, the next window read (on the I/O thread) while this one is hashed.
import { createRequire } from 'node:module';
import type { FileSource } from './byte-source.js';
import { sha256 } from '../core/sha256.js';

const WINDOW = 8 * 1024 * 1024;

/** One flat string (built by `+=`, the hex of a digest was a tree of 64 pieces kept for every file reported). */
function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Bytes above which node:crypto hashes faster than JavaScript even counting its first load. */
const JS_MAX = 64 * 1024;

let crypto: typeof import('node:crypto') | undefined;

function nodeCrypto(): typeof import('node:crypto') {
  // Required on first use (not at start-up); a plain import() is not available inside the code-cached CLI bundle.
  return (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}

/** Small inputs go to node:crypto too (set by useNodeCryptoForSmallDigests). */
let smallOnNodeCrypto = false;

/**
 * For a long-running host that has node:crypto loaded anyway (a queue worker, the HTTP service's scan threads):
 * small files are then hashed by node:crypto as well — a 1 KB file in ~2 us against ~18 us in JavaScript once
 * warm and ~180 us for its first few hundred calls (measured on Node 20, this 2-core machine). The JavaScript
 * hash is only worth it where loading the module would cost more than it saves (a short CLI run).
 */
export function useNodeCryptoForSmallDigests(): void {
  nodeCrypto();
  smallOnNodeCrypto = true;
}

/** Hex SHA-256 of bytes in memory. */
export function digestBytes(bytes: Uint8Array): string {
  if (smallOnNodeCrypto || bytes.length > JS_MAX) return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
  return hex(sha256(bytes));
}

/**
 * Hex SHA-256 of an open file, read from offset 0 to its size at open (bounded: one pass of 8 MiB windows through
 * two reused buffers; memory stays at 16 MiB whatever the file size).
 */
export async function digestFile(src: FileSource, signal?: AbortSignal): Promise<string> {
  const h = nodeCrypto().createHash('sha256');
  const size = Math.min(WINDOW, Math.max(1, src.size));
  const bufs = [Buffer.allocUnsafe(size), src.size > WINDOW ? Buffer.allocUnsafe(size) : undefined];
  let o = 0;
  let k = 0;
  let pending = src.size > 0 ? src.readIntoAsync(0, bufs[0]!) : undefined;
  while (pending) {
    const got = await pending;
    signal?.throwIfAborted();
    if (got <= 0) break;
    const buf = bufs[k]!;
    o += got;
    // Start the next read into the other buffer before hashing this one: reading and hashing overlap.
    k = 1 - k;
    pending = o < src.size ? src.readIntoAsync(o, bufs[k] ?? (bufs[k] = Buffer.allocUnsafe(size))) : undefined;
    h.update(got === buf.length ? buf : buf.subarray(0, got));
  }
  return h.digest('hex');
}
