// Test byte sources: in-memory, and a "disk-like" source without a zero-copy view, so decoders take their
// refill paths (used with tiny read-ahead windows to re-feed streams in hostile chunk sizes).
import type { ByteSource } from '../../src/sources/byte-source.js';
import { MemorySource } from '../../src/sources/byte-source.js';

export function mem(bytes: Uint8Array, name = 'test.pkl'): MemorySource {
  return new MemorySource({ chain: [name] }, bytes);
}

export class StreamLikeSource implements ByteSource {
  readonly size: number;
  reads = 0;
  constructor(
    private readonly data: Uint8Array,
    readonly location = { chain: ['stream.pkl'] },
  ) {
    this.size = data.length;
  }
  read(offset: number, length: number): Uint8Array {
    this.reads++;
    const o = Math.max(0, Math.min(offset, this.size));
    // Return a fresh copy each time, like a positioned file read into a scratch buffer.
    return this.data.slice(o, Math.min(this.size, o + Math.max(0, length)));
  }
}

export const HOSTILE_CHUNKS = [1, 2, 3, 5, 8, 13, 64];
