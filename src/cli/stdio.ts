// The CLI's standard output and error without Node's stream objects. process.stdout and process.stderr are built on
// first access, and building one loads Node's stream machinery (about twenty internal modules; for a pipe or a
// terminal also node:net): a measurable part of a one-pickle run, which writes its report once. So a report is
// written to the descriptor directly, and whether a descriptor is a terminal is asked without node:tty where the
// answer is already known. A descriptor that cannot take a synchronous write (a non-blocking pipe answering EAGAIN,
// or any other error) hands the rest, and every later write, to the stream as before, so output order and error
// behaviour stay those of the stream.
import { fstatSync, statSync, writeSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';

type Stream = NodeJS.WriteStream;
const streamOf = (fd: 1 | 2): Stream => (fd === 1 ? process.stdout : process.stderr);
const onStream = new Set<number>();
/** Descriptors whose reader has gone (EPIPE: `sentinel scan … | head`): what is left to write is dropped. */
const closed = new Set<number>();

/** The stream of `fd`, with a reader that goes away mid-report ending the output quietly instead of the process. */
function takeOver(fd: 1 | 2): Stream {
  const stream = streamOf(fd);
  if (!onStream.has(fd)) {
    onStream.add(fd);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed.add(fd);
    });
  }
  return stream;
}

/** Writes `s` to descriptor `fd` (1 stdout, 2 stderr), synchronously while the descriptor takes it. */
export function writeFd(fd: 1 | 2, s: string): void {
  if (closed.has(fd)) return;
  if (onStream.has(fd)) {
    streamOf(fd).write(s);
    return;
  }
  const bytes = Buffer.from(s, 'utf8');
  let done = 0;
  try {
    // Every loop is bounded: each pass writes at least one byte or leaves it.
    while (done < bytes.length) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) break;
      done += n;
    }
  } catch (e) {
    // The reader has gone: the rest of the report has nowhere to go, and the exit code still says the gate's result.
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
      closed.add(fd);
      return;
    }
    // EAGAIN, …: the stream takes over and reports as it always did.
  }
  if (done < bytes.length) takeOver(fd).write(bytes.subarray(done));
}

let devNull: Stats | undefined | null = null;

/**
 * Whether descriptor `fd` is a terminal (what process.stdout.isTTY answers). Only a character device can be one;
 * /dev/null, the usual other character device behind a CI step or a benchmark, is recognised by its identity and
 * answered without loading node:tty.
 */
export function isTerminal(fd: 1 | 2): boolean {
  if (onStream.has(fd) || process.platform === 'win32') return Boolean(streamOf(fd).isTTY);
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice()) return false;
  if (devNull === null) {
    try {
      devNull = statSync('/dev/null');
    } catch {
      devNull = undefined;
    }
  }
  if (devNull && st.dev === devNull.dev && st.ino === devNull.ino) return false;
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}
