// The HTTP service's scans run on worker threads (node:worker_threads), one scan per thread at a time, so that a
// large scan — a folder of thousands of files, a big model — never holds the service's event loop: requests, other
// uploads and /metrics are answered while it runs. A thread runs the whole `scan` (facts and gate) and posts the
// report back; an upload's bytes are forwarded to it chunk by chunk as they arrive (copied into a transferred
// buffer: an HTTP chunk may share its memory with others) and read there as the stream they were on the main
// thread, under the same limits. A cancelled scan is aborted in its thread (it stops at the scan's next abort check,
// as on the main thread). A thread that dies fails the scan it held and is replaced. If threads cannot start (a
// broken installation, a setup that cannot be sent to a thread), the caller falls back to scanning on its own
// thread: `available` says so.
import { Worker } from 'node:worker_threads';
import type { Limits } from '../core/limits.js';
import type { Policy } from '../policy/policy.js';
import type { EgressPolicy } from '../sources/remote/egress.js';
import type { SentinelReport } from '../report/report-model.js';
import type { ScanFacts } from '../api/scan.js';
import { workerEntry } from '../scan/worker-pool.js';
import type { TargetLabel } from './report-paths.js';

/** What every scan of the service shares (sent once to each thread). */
export interface ThreadSetup {
  /** The service's roots: every file a scan opens must lie in one (sources/confine.ts). */
  readonly roots?: readonly string[];
  readonly policy?: Policy;
  readonly limits?: Partial<Limits>;
  /** Files scanned at once on worker threads within one scan. */
  readonly jobs?: number;
  /** What the scans' outbound connections may reach. */
  readonly egress?: EgressPolicy;
}

/** One input of a scan: a path or URL, or the upload (its bytes follow with `push`). */
export type ThreadInput = string | { readonly upload: string };

/** Messages to a thread. */
export type ToThread =
  | {
      readonly type: 'scan';
      readonly id: number;
      readonly inputs: readonly ThreadInput[];
      readonly rules?: readonly string[];
      /** How the report shows each local target (service/report-paths.ts). */
      readonly labels?: readonly TargetLabel[];
      /** When (epoch ms) the scan's remote requests have all ended (`remote.deadline`). */
      readonly remoteUntil?: number;
      /** Present: the thread answers the scan's facts (no verdicts, no report), scanned with these settings. */
      readonly facts?: FactsSettings;
    }
  | { readonly type: 'chunk'; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: 'end'; readonly id: number; readonly error?: string }
  | { readonly type: 'cancel'; readonly id: number; readonly reason: string };

/** The settings of a facts scan (the queue worker's: a job's policy and rules, its remote time budget). */
export interface FactsSettings {
  readonly policy?: Policy;
  readonly rules?: readonly string[];
  /** All of the target's remote requests end within this long (`remote.totalTimeoutMs`). */
  readonly remoteTotalMs?: number;
}

/** Messages from a thread. */
export type FromThread =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly report: SentinelReport }
  | { readonly type: 'facts'; readonly id: number; readonly facts: ScanFacts }
  /**
   * `refused`: the scan ended at a connection the egress policy refused; `upstream`: at the HTTP status a registry or
   * the Hub refused the target's listing with; `unreachable`: at a registry, Hub or server that could not be reached.
   */
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly error: string;
      readonly refused?: boolean;
      readonly upstream?: number;
      readonly unreachable?: boolean;
    };

interface Running {
  readonly id: number;
  readonly done: (m: Answer) => void;
  readonly fail: (e: Error) => void;
}

/** A thread's answer to a scan. */
type Answer = Extract<FromThread, { type: 'done' | 'facts' }>;

interface Slot {
  readonly worker: Worker;
  running?: Running;
  dead: boolean;
  /** Stopped by us (a scan that did not stop when cancelled): its exit is not a failure of the threads. */
  stopped?: boolean;
}

/**
 * How long a cancelled scan's thread may take to stop the scan before the thread itself is stopped and replaced (a
 * scan inside a blocking read, or one long analysis step, sees its abort only at its next check).
 */
const STOP_GRACE_MS = 1000;

/** A scan handed to a thread: feed its upload (if any), and await its report. */
export interface ThreadScan {
  readonly report: Promise<SentinelReport>;
  /** Forwards upload bytes (copied; the caller may reuse its buffer). */
  push(bytes: Uint8Array): void;
  /** The upload ended (with `error`: it broke off, and the scan fails as a broken stream fails it). */
  end(error?: string): void;
}

/**
 * Worker threads that each run one scan at a time. `lazy`: a thread starts when a scan needs one (up to `size`),
 * rather than all at once.
 */
export class ScanThreads {
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiting: { go: (s: Slot) => void; fail: (e: Error) => void }[] = [];
  private nextId = 1;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly size: number,
    private readonly setup: ThreadSetup,
    private readonly lazy = false,
  ) {
    if (!lazy) for (let k = 0; k < size; k++) this.spawn();
  }

  /** Whether threads run scans (false after repeated start failures: the caller scans on its own thread). */
  get available(): boolean {
    return !this.closed && (this.slots.size > 0 || (this.lazy && this.failures < 3));
  }

  /**
   * Runs a scan on the next free thread. `signal` cancels it: the thread aborts the scan, and the report promise
   * rejects with the signal's reason.
   */
  scan(
    inputs: readonly ThreadInput[],
    rules: readonly string[] | undefined,
    signal: AbortSignal,
    labels?: readonly TargetLabel[],
    remoteUntil?: number,
  ): ThreadScan {
    const t = this.run(
      {
        inputs,
        ...(rules?.length ? { rules } : {}),
        ...(labels?.length ? { labels } : {}),
        ...(remoteUntil !== undefined ? { remoteUntil } : {}),
      },
      signal,
    );
    return { ...t, report: t.answer.then((m) => (m as Extract<Answer, { type: 'done' }>).report) };
  }

  /**
   * Gathers the facts of one path or URL on the next free thread, with the setup's roots and egress and `settings`.
   * `signal` cancels it as it cancels `scan`: a thread that does not stop the scan within a second is stopped.
   */
  facts(input: string, settings: FactsSettings, signal: AbortSignal): Promise<ScanFacts> {
    return this.run({ inputs: [input], facts: settings }, signal).answer.then(
      (m) => (m as Extract<Answer, { type: 'facts' }>).facts,
    );
  }

  private run(
    what: Omit<Extract<ToThread, { type: 'scan' }>, 'type' | 'id'>,
    signal: AbortSignal,
  ): Omit<ThreadScan, 'report'> & { answer: Promise<Answer> } {
    const id = this.nextId++;
    // Upload bytes that arrive before a thread is free wait here (bounded by the service's upload limit).
    let early: ToThread[] | undefined = [];
    let slot: Slot | undefined;
    const send = (m: ToThread, transfer?: ArrayBuffer[]): void => {
      if (early) early.push(m);
      else if (slot && !slot.dead && slot.running?.id === id) slot.worker.postMessage(m, transfer);
    };
    const answer = new Promise<Answer>((done, fail) => {
      signal.throwIfAborted();
      let settled = false;
      // A cancelled scan rejects at once; its thread stays taken until it has stopped the scan and said so (a
      // thread still loading, or inside one file's analysis, stops at its next abort check).
      const onAbort = (): void => {
        if (slot) {
          send({ type: 'cancel', id, reason: String((signal.reason as Error)?.message ?? signal.reason) });
          // A thread still on this scan after the grace is stopped: its place goes to the next scan at once.
          const held = slot;
          setTimeout(() => {
            if (held.running?.id !== id || held.dead) return;
            held.stopped = true;
            void held.worker.terminate().catch(() => 0);
          }, STOP_GRACE_MS).unref();
        }
        if (!settled) {
          settled = true;
          fail(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.take(
        (s) => {
          if (settled) {
            this.release(s);
            return;
          }
          slot = s;
          s.running = {
            id,
            done: (r) => {
              signal.removeEventListener('abort', onAbort);
              if (settled) return;
              settled = true;
              done(r);
            },
            fail: (e) => {
              signal.removeEventListener('abort', onAbort);
              if (settled) return;
              settled = true;
              fail(signal.aborted ? signal.reason : e);
            },
          };
          s.worker.postMessage({ type: 'scan', id, ...what } satisfies ToThread);
          const queued = early!;
          early = undefined;
          for (const m of queued) {
            s.worker.postMessage(m, m.type === 'chunk' ? [m.bytes.buffer as ArrayBuffer] : undefined);
          }
          if (signal.aborted) onAbort();
        },
        (e) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          fail(e);
        },
      );
    });
    return {
      answer,
      push(bytes) {
        const copy = new Uint8Array(bytes);
        send({ type: 'chunk', id, bytes: copy }, [copy.buffer]);
      },
      end(error) {
        send({ type: 'end', id, ...(error !== undefined ? { error } : {}) });
      },
    };
  }

  /** Stops every thread (scans still on them fail). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots].map((s) => s.worker.terminate().catch(() => 0)));
  }

  private take(go: (s: Slot) => void, fail: (e: Error) => void): void {
    if (this.lazy && !this.idle.length && this.slots.size < this.size && this.failures < 3) this.spawn();
    const s = this.idle.pop();
    if (s) go(s);
    else if (this.slots.size === 0) fail(new Error('no scan thread could be started'));
    else this.waiting.push({ go, fail });
  }

  private release(s: Slot): void {
    s.running = undefined;
    if (s.dead) return;
    const next = this.waiting.shift();
    if (next) next.go(s);
    else this.idle.push(s);
  }

  private spawn(): void {
    if (this.closed) return;
    const ts = import.meta.url.endsWith('.ts');
    let worker: Worker;
    try {
      worker = new Worker(
        workerEntry(new URL(ts ? './scan-thread-worker.ts' : './scan-thread-worker.js', import.meta.url)),
        {
          workerData: this.setup,
        },
      );
    } catch {
      // The setup cannot be sent to a thread, or threads cannot start: the service scans on its own thread.
      this.failures = Infinity;
      return;
    }
    const s: Slot = { worker, dead: false };
    this.slots.add(s);
    // Idle from the start: a scan sent before the thread has loaded waits in its message queue.
    this.release(s);
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        this.failures = 0;
        return;
      }
      const r = s.running;
      if (!r || r.id !== m.id) return;
      this.release(s);
      if (m.type === 'done' || m.type === 'facts') r.done(m);
      else if (m.refused) r.fail(new Error(m.error, { cause: { code: 'EGRESS_REFUSED' } }));
      else if (m.unreachable) r.fail(new Error(m.error, { cause: { unreachable: true } }));
      else r.fail(new Error(m.error, m.upstream !== undefined ? { cause: { upstreamStatus: m.upstream } } : undefined));
    });
    worker.on('error', () => undefined);
    worker.on('exit', (code) => {
      s.dead = true;
      this.slots.delete(s);
      const at = this.idle.indexOf(s);
      if (at >= 0) this.idle.splice(at, 1);
      s.running?.fail(new Error(`the scan's thread stopped (exit code ${code})`));
      s.running = undefined;
      if (this.closed) return;
      if (s.stopped || ++this.failures < 3) this.spawn();
      // No thread left: scans waiting for one fail rather than hang.
      if (this.slots.size === 0) {
        for (const w of this.waiting.splice(0)) w.fail(new Error('no scan thread could be started'));
      }
    });
    worker.unref();
  }
}
