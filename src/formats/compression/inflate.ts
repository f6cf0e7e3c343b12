// Raw DEFLATE (RFC 1951) through node:zlib for the gzip and zlib containers: reports how many input
// bytes the stream used, and on corrupt or truncated data recovers every byte zlib could decode first.
import { constants as bufferConstants } from 'node:buffer';
import type * as Zlib from 'node:zlib';
import { zlib } from '../../core/builtins.js';
import type { OutputBuffer } from './output-buffer.js';

/** How one raw DEFLATE stream ended. */
export type InflateEnd =
  { kind: 'end'; consumed: number } | { kind: 'truncated'; consumed: number } | { kind: 'corrupt'; message: string };

interface SyncInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

function inflateInfo(input: Uint8Array, maxOutputLength: number, syncFlush: boolean, chunkSize?: number): SyncInfo {
  const options: Zlib.ZlibOptions & { info: true } = {
    info: true,
    maxOutputLength: Math.max(1, maxOutputLength),
    finishFlush: syncFlush ? zlib().constants.Z_SYNC_FLUSH : zlib().constants.Z_FINISH,
    ...(chunkSize !== undefined ? { chunkSize } : {}),
  };
  return zlib().inflateRawSync(input, options) as unknown as SyncInfo;
}

function zlibCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** node:zlib's smallest output chunk. */
const MIN_CHUNK = 64;

/**
 * Inflates the raw DEFLATE stream at the start of `input` into `out`. Output past the buffer's limit
 * raises the buffer's LimitError. Never throws for bad data: a corrupt stream keeps its decodable prefix.
 * `sizeHint` (the whole output's size, when a counting pass measured it) makes node:zlib inflate into one buffer of
 * that size, which `out` adopts when it is empty: the output is then held once, not as chunks plus their copy.
 */
export function inflateRawInto(input: Uint8Array, out: OutputBuffer, sizeHint?: number): InflateEnd {
  // One byte more than the budget, so that "exactly at the limit" and "over it" differ.
  const budget = Math.min(out.limit - out.length + 1, bufferConstants.MAX_LENGTH);
  const chunk = sizeHint === undefined ? undefined : Math.max(MIN_CHUNK, Math.min(budget, sizeHint - out.length + 1));
  try {
    const r = inflateInfo(input, budget, false, chunk);
    out.append(r.buffer);
    return { kind: 'end', consumed: r.engine.bytesWritten };
  } catch (e) {
    const code = zlibCode(e);
    if (code === 'ERR_BUFFER_TOO_LARGE') throw out.limitError(out.limit + 1, out.length + budget);
    if (code === 'Z_BUF_ERROR') {
      // Input ended inside the stream: a sync flush returns everything decodable.
      const r = inflateInfo(input, budget, true);
      out.push(r.buffer);
      return { kind: 'truncated', consumed: r.engine.bytesWritten };
    }
    const message = e instanceof Error ? e.message : String(e);
    out.push(decodablePrefix(input, budget));
    return { kind: 'corrupt', message };
  }
}

/**
 * Output of the longest input prefix that inflates without error (binary search on the prefix length:
 * a prefix of a valid-so-far stream is valid, so the predicate is monotone).
 */
function decodablePrefix(input: Uint8Array, budget: number): Buffer {
  let lo = 0;
  let hi = input.length;
  let best: Buffer = Buffer.alloc(0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      best = inflateInfo(input.subarray(0, mid), budget, true).buffer;
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return best;
}
