// The thread side of scan-threads.ts: runs each scan it is sent with the service's setup and posts the report back.
// An upload's bytes arrive as chunk messages and are read as the stream they were on the main thread (same limits:
// maxEntryBytes, maxFileSeconds). One scan at a time; a cancel aborts it.
import { parentPort, workerData } from 'node:worker_threads';
import { factsScanner, type ScanFacts, type ScanInput } from '../api/scan.js';
import { errorMessage } from '../core/errors.js';
import { isEgressRefusal } from '../sources/remote/egress.js';
import { isUnreachable, upstreamStatusOf } from '../sources/remote/remote-target-error.js';
import { useNodeCryptoForSmallDigests } from '../sources/file-digest.js';
import { scanAsNamed } from './report-paths.js';
import type { FactsSettings, FromThread, ThreadSetup, ToThread } from './scan-threads.js';

/** The facts of one path or URL (the queue worker's scans), with the thread's roots and egress and the settings. */
async function gatherFacts(
  input: string,
  setup: ThreadSetup,
  settings: FactsSettings,
  signal: AbortSignal,
): Promise<ScanFacts> {
  const scan = await factsScanner({
    ...(setup.roots ? { roots: setup.roots } : {}),
    ...(settings.policy ? { policy: settings.policy } : {}),
    ...(settings.rules?.length ? { rules: settings.rules } : {}),
    ...(setup.limits ? { limits: setup.limits } : {}),
    ...(setup.jobs !== undefined ? { jobs: setup.jobs } : {}),
    remote: {
      ...(setup.egress ? { egress: setup.egress } : {}),
      ...(settings.remoteTotalMs !== undefined ? { totalTimeoutMs: settings.remoteTotalMs } : {}),
    },
  });
  return scan(input, { signal });
}

/** An async iterable fed by chunk messages, ended by `end` (or `fail`). */
class Feed implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private error: unknown;
  private wake: (() => void) | undefined;

  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.ended = true;
    this.error = error;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const c = this.chunks.shift();
      if (c) {
        yield c;
        continue;
      }
      if (this.error !== undefined) throw this.error;
      if (this.ended) return;
      await new Promise<void>((w) => (this.wake = w));
      this.wake = undefined;
    }
  }
}

/** Serves scans on this worker thread. */
export function serveScanThread(): void {
  const port = parentPort!;
  const setup = workerData as ThreadSetup;
  // Small files are hashed by node:crypto here: a long-lived thread pays its load once.
  useNodeCryptoForSmallDigests();
  let current: { id: number; abort: AbortController; feed?: Feed } | undefined;
  const reply = (m: FromThread): void => port.postMessage(m);
  port.on('message', (m: ToThread) => {
    if (m.type === 'scan') {
      const abort = new AbortController();
      const feed = m.inputs.some((i) => typeof i !== 'string') ? new Feed() : undefined;
      current = { id: m.id, abort, ...(feed ? { feed } : {}) };
      const inputs: ScanInput[] = m.inputs.map((i) => (typeof i === 'string' ? i : { name: i.upload, stream: feed! }));
      const failed = (e: unknown): void => {
        current = undefined;
        const upstream = upstreamStatusOf(e);
        reply({
          type: 'failed',
          id: m.id,
          error: errorMessage(e),
          ...(isEgressRefusal(e) ? { refused: true } : {}),
          ...(isUnreachable(e) ? { unreachable: true } : {}),
          ...(upstream !== undefined ? { upstream } : {}),
        });
      };
      if (m.facts) {
        gatherFacts(m.inputs[0] as string, setup, m.facts, abort.signal).then((facts) => {
          current = undefined;
          reply({ type: 'facts', id: m.id, facts });
        }, failed);
        return;
      }
      void scanAsNamed(
        inputs,
        {
          ...(setup.roots ? { roots: setup.roots } : {}),
          ...(setup.policy ? { policy: setup.policy } : {}),
          ...(setup.limits ? { limits: setup.limits } : {}),
          ...(m.rules?.length ? { rules: m.rules } : {}),
          jobs: setup.jobs ?? 1,
          ...(setup.egress || m.remoteUntil !== undefined
            ? {
                remote: {
                  ...(setup.egress ? { egress: setup.egress } : {}),
                  ...(m.remoteUntil !== undefined ? { deadline: m.remoteUntil } : {}),
                },
              }
            : {}),
          signal: abort.signal,
        },
        m.labels,
      ).then((report) => {
        current = undefined;
        reply({ type: 'done', id: m.id, report });
      }, failed);
      return;
    }
    if (!current || current.id !== m.id) return;
    if (m.type === 'chunk') current.feed?.push(m.bytes);
    else if (m.type === 'end') current.feed?.end(m.error !== undefined ? new Error(m.error) : undefined);
    else if (m.type === 'cancel') {
      const reason = new Error(m.reason);
      current.feed?.end(reason);
      current.abort.abort(reason);
    }
  });
  reply({ type: 'ready' });
}
