// Bounded read of a byte stream (a Node Readable, a web ReadableStream, any async iterable of chunks) into memory:
// the bytes a scan needs when there is no file to read positionally (an upload in a registry hook, stdin). Stops at
// a byte budget or a deadline and says which, so the caller can scan what it got and report the rest as incomplete.

/** What a bounded read got. */
export interface BoundedStream {
  /** The bytes read, at most `maxBytes`. */
  readonly bytes: Uint8Array;
  /** Set when the stream was not read to its end: which budget stopped it and why. */
  readonly truncated?: { readonly limit: 'maxEntryBytes' | 'maxFileSeconds'; readonly reason: string };
}

const TIMED_OUT = Symbol('timed out');

function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`stream yielded ${typeof chunk === 'string' ? 'a string' : typeof chunk}; expected bytes`);
}

/**
 * Reads `stream` into memory, keeping at most `maxBytes` bytes and waiting at most until `deadline` (epoch ms).
 * A stream longer than the budget, or still open at the deadline, is closed (its iterator's `return`) and the
 * result says so. Rejects with the signal's reason when `signal` aborts, and with the stream's own error.
 */
export async function readBounded(
  stream: AsyncIterable<unknown>,
  maxBytes: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<BoundedStream> {
  signal?.throwIfAborted();
  const it = stream[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated: BoundedStream['truncated'];
  let done = false;
  try {
    while (true) {
      const next = await nextBefore(it, deadline, signal);
      if (next === TIMED_OUT) {
        truncated = { limit: 'maxFileSeconds', reason: `stream still open after the time budget (${size} bytes read)` };
        break;
      }
      if (next.done) {
        done = true;
        break;
      }
      const bytes = chunkBytes(next.value);
      const room = maxBytes - size;
      if (bytes.length > room) {
        if (room > 0) chunks.push(bytes.subarray(0, room));
        size += Math.max(0, room);
        truncated = {
          limit: 'maxEntryBytes',
          reason: `stream longer than ${maxBytes} bytes; only the first ${maxBytes} were read`,
        };
        break;
      }
      chunks.push(bytes);
      size += bytes.length;
    }
  } finally {
    // Closing an unfinished stream releases its source (a socket, a file handle); its own errors do not matter here.
    if (!done) void Promise.resolve(it.return?.()).catch(() => {});
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return truncated ? { bytes: out, truncated } : { bytes: out };
}

/** The iterator's next chunk, or TIMED_OUT at the deadline; rejects when the signal aborts. */
function nextBefore<T>(
  it: AsyncIterator<T>,
  deadline: number,
  signal?: AbortSignal,
): Promise<IteratorResult<T> | typeof TIMED_OUT> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => resolve(TIMED_OUT)), Math.max(0, deadline - Date.now()));
    const onAbort = (): void => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    it.next().then(
      (r) => finish(() => resolve(r)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
