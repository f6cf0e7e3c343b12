// Streams raw DEFLATE through node:zlib and hands each output chunk to a callback that keeps none of it: the counting
// pass of large streams (size, checksums, the head and tail of the output, where each stream's data starts), so that
// a bomb is refused before any of its output is held and a large stream is scanned without holding it whole.
import { zlib } from '../../core/builtins.js';
import type { CompressedInput } from './compressed-input.js';
import type { InflateEnd } from './inflate.js';

const INPUT_SLICE = 256 * 1024;
const OUTPUT_CHUNK = 1024 * 1024;

/** Thrown by `onChunk` to stop the stream (a limit); rethrown by streamInflateRaw. */
export type ChunkSink = (chunk: Uint8Array) => void;

/**
 * Inflates the raw DEFLATE stream at `input[at]` (read slice by slice, never whole), calling `onChunk` with every output chunk in order.
 * Resolves how the stream ended (`consumed` input bytes when it ended cleanly); on corrupt or truncated data the
 * chunks already handed over are what node:zlib decoded first (a lower bound of the decodable prefix). An exception
 * thrown by `onChunk` or by reading the input stops the stream and rejects with it. The slices start at `at` whatever
 * the input's windows, so the chunks node:zlib emits do not depend on how the input is read.
 */
export function streamInflateRaw(input: CompressedInput, at: number, onChunk: ChunkSink): Promise<InflateEnd> {
  return new Promise((resolve, reject) => {
    const z = zlib().createInflateRaw({ chunkSize: OUTPUT_CHUNK });
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      if (!z.destroyed) z.destroy();
    };
    z.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        onChunk(chunk);
      } catch (e) {
        settle(() => reject(e));
      }
    });
    z.on('end', () => settle(() => resolve({ kind: 'end', consumed: z.bytesWritten })));
    z.on('error', (e: Error & { code?: string }) =>
      settle(() =>
        resolve(
          e.code === 'Z_BUF_ERROR'
            ? { kind: 'truncated', consumed: z.bytesWritten }
            : { kind: 'corrupt', message: e.message },
        ),
      ),
    );
    let pos = Math.min(at, input.length);
    const feed = (): void => {
      try {
        while (!settled && pos < input.length) {
          const slice = input.view(pos, INPUT_SLICE);
          pos += slice.length;
          if (!z.write(slice)) {
            z.once('drain', feed);
            return;
          }
        }
      } catch (e) {
        settle(() => reject(e));
        return;
      }
      if (!settled) z.end();
    };
    feed();
  });
}
