// SHA-256 of a scanned file's bytes, so a verdict is tied to the exact content promoted: small files are hashed in
// JavaScript from the bytes already read (core/sha256.ts: loading node:crypto costs more than hashing a few
// kilobytes), larger ones through node:crypto (OpenSSL, with the CPU's SHA instructions), a file over 1 MiB read
// again in windows, the next window read (on the I/O thread) while this one is hashed. The same read can also
// feed the digests of fixed-size shards of the file (an OMS `shards` signature, scan/digest-board.ts): each window
// goes to the whole-file hash and to the hash of the shard it falls in, so the file is read once for both.
import { createRequire } from 'node:module';
import type { FileSource } from './byte-source.js';
import { sha256 } from '../core/sha256.js';

const WINDOW = 8 * 1024 * 1024;

/** One flat string (built by `+=`, the hex of a digest was a tree of 64 pieces kept for every file reported). */
function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * Bytes the JavaScript hash takes in one run before node:crypto is worth its first load: measured in a fresh Node 20
 * process on this 2-core machine, loading node:crypto and hashing costs ~6 ms at any size up to 16 KB, the
 * JavaScript hash (cold) 0.9 ms for 1 KB, 2.2 ms for 4 KB, 5.0 ms for 8 KB and 12.5 ms for 16 KB. Counted over the
 * run, not per input: a one-file scan of a 37 KB Python file spent 12-19 ms hashing it in JavaScript.
 */
const JS_MAX = 8 * 1024;
/** Bytes hashed in JavaScript so far in this process. */
let jsHashed = 0;

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

/** Shard digests to take in the same read as the whole-file SHA-256: `size`-byte ranges, in `algorithm`. */
export interface ShardDigestPlan {
  /** A node:crypto hash name (sha256, blake2b512). */
  readonly algorithm: string;
  /** Shard size in bytes (> 0); the last shard of a file is shorter. */
  readonly size: number;
}

/** The digests of a file's shards in order (none for an empty file). */
export interface ShardDigests extends ShardDigestPlan {
  readonly digests: readonly string[];
}

/** Feeds bytes in file order to one hash per shard, finishing each at its shard's end. */
class ShardHasher {
  private readonly digests: string[] = [];
  private h: import('node:crypto').Hash | undefined;
  private inShard = 0;
  constructor(private readonly plan: ShardDigestPlan) {}

  update(b: Uint8Array): void {
    let o = 0;
    while (o < b.length) {
      this.h ??= nodeCrypto().createHash(this.plan.algorithm);
      const n = Math.min(b.length - o, this.plan.size - this.inShard);
      this.h.update(o === 0 && n === b.length ? b : b.subarray(o, o + n));
      o += n;
      this.inShard += n;
      if (this.inShard === this.plan.size) this.finishShard();
    }
  }

  private finishShard(): void {
    this.digests.push(this.h!.digest('hex'));
    this.h = undefined;
    this.inShard = 0;
  }

  done(): ShardDigests {
    if (this.h) this.finishShard();
    return { algorithm: this.plan.algorithm, size: this.plan.size, digests: this.digests };
  }
}

/** Shard digests of bytes in memory (a whole file). */
export function shardDigestsOf(bytes: Uint8Array, plan: ShardDigestPlan): ShardDigests {
  const s = new ShardHasher(plan);
  s.update(bytes);
  return s.done();
}

/** Hex SHA-256 of bytes in memory. */
export function digestBytes(bytes: Uint8Array): string {
  if (smallOnNodeCrypto || jsHashed + bytes.length > JS_MAX) {
    return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
  }
  jsHashed += bytes.length;
  return hex(sha256(bytes));
}

/**
 * Hex SHA-256 of an open file, read from offset 0 to its size at open (bounded: one pass of 8 MiB windows through
 * two reused buffers; memory stays at 16 MiB whatever the file size); with `shards`, the shard digests of the same
 * bytes from the same read.
 */
export async function digestFile(src: FileSource, signal?: AbortSignal): Promise<string>;
export async function digestFile(
  src: FileSource,
  signal: AbortSignal | undefined,
  shards: ShardDigestPlan,
): Promise<{ sha256: string; shards: ShardDigests }>;
export async function digestFile(
  src: FileSource,
  signal?: AbortSignal,
  shards?: ShardDigestPlan,
): Promise<string | { sha256: string; shards: ShardDigests }> {
  const h = nodeCrypto().createHash('sha256');
  const sh = shards ? new ShardHasher(shards) : undefined;
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
    const bytes = got === buf.length ? buf : buf.subarray(0, got);
    h.update(bytes);
    sh?.update(bytes);
  }
  return sh ? { sha256: h.digest('hex'), shards: sh.done() } : h.digest('hex');
}
