// The scans a long-running service holds: each has an id, a status and, when done, the same report the CLI's JSON
// format writes. Scans run at most `maxRunning` at once (the rest wait in order); a cancelled scan is aborted through
// its signal. Finished scans are kept up to `keepFinished`, oldest dropped first, so memory stays bounded.
import { randomUUID } from 'node:crypto';
import type { SentinelReport } from '../report/report-model.js';
import { isEgressRefusal } from '../sources/remote/egress.js';
import { isUnreachable, upstreamStatusOf } from '../sources/remote/remote-target-error.js';

export type ScanStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ScanRecord {
  readonly id: string;
  status: ScanStatus;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  report?: SentinelReport;
  error?: string;
  /** The scan failed at a connection the egress policy refused (a refused target, not a fault: 403). */
  refused?: boolean;
  /** The scan ran past the service's scan deadline and was stopped there (no verdict: 504). */
  deadline?: boolean;
  /** The scan failed at the HTTP status a registry or the Hub refused its target's listing with (502, not a fault). */
  upstream?: number;
  /** The scan failed at a registry, Hub or server its target names that could not be reached (400, not a fault). */
  unreachable?: boolean;
  readonly abort: AbortController;
}

/** The abort reason of a scan stopped at its deadline. */
export class ScanDeadlineError extends Error {
  override readonly name = 'ScanDeadlineError';
}

export interface RegistryEvents {
  /** A scan ended (done, failed or cancelled) after `seconds` from its start (queue wait excluded). */
  readonly onEnd?: (r: ScanRecord, seconds: number) => void;
}

export class ScanRegistry {
  private readonly scans = new Map<string, ScanRecord>();
  private readonly finished: string[] = [];
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(
    private readonly maxRunning: number,
    private readonly keepFinished: number,
    private readonly events: RegistryEvents = {},
    /** Total time of one scan from taking its slot; past it the scan is aborted and fails (0: none). */
    private readonly deadlineMs = 0,
  ) {}

  get(id: string): ScanRecord | undefined {
    return this.scans.get(id);
  }

  /** Scans waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /**
   * Registers a scan and runs `work` when a slot is free; resolves with the record once it has ended. `work` gets
   * the scan's abort signal and returns the report.
   */
  start(work: (signal: AbortSignal) => Promise<SentinelReport>): { record: ScanRecord; ended: Promise<ScanRecord> } {
    const record: ScanRecord = {
      id: randomUUID(),
      status: 'queued',
      createdAt: Date.now(),
      abort: new AbortController(),
    };
    this.scans.set(record.id, record);
    const ended = this.slot().then(async () => {
      if (record.abort.signal.aborted) return this.end(record, 'cancelled');
      record.status = 'running';
      record.startedAt = Date.now();
      // The scan's total deadline: its signal is aborted, which stops its reads (remote requests included) and
      // rejects its work; the scan fails, saying so (never a report that could read as clean).
      const deadline =
        this.deadlineMs > 0
          ? setTimeout(
              () =>
                record.abort.abort(
                  new ScanDeadlineError(`the scan ran past the service's scan deadline of ${this.deadlineMs / 1000} s`),
                ),
              this.deadlineMs,
            )
          : undefined;
      try {
        record.report = await work(record.abort.signal);
        return this.end(record, 'done');
      } catch (e) {
        const reason: unknown = record.abort.signal.reason;
        if (record.abort.signal.aborted && reason instanceof ScanDeadlineError) {
          record.error = reason.message;
          record.deadline = true;
          return this.end(record, 'failed');
        }
        if (record.abort.signal.aborted) return this.end(record, 'cancelled');
        record.error = e instanceof Error ? e.message : String(e);
        if (isEgressRefusal(e)) record.refused = true;
        const upstream = upstreamStatusOf(e);
        if (upstream !== undefined) record.upstream = upstream;
        if (isUnreachable(e)) record.unreachable = true;
        return this.end(record, 'failed');
      } finally {
        clearTimeout(deadline);
        this.release();
      }
    });
    return { record, ended };
  }

  /** Ids of the scans queued or running. */
  pending(): string[] {
    return [...this.scans.values()].filter((r) => r.status === 'queued' || r.status === 'running').map((r) => r.id);
  }

  /** Cancels a queued or running scan (a client that went away). */
  cancel(id: string, reason: string): void {
    const r = this.scans.get(id);
    if (r && (r.status === 'queued' || r.status === 'running')) r.abort.abort(new Error(reason));
  }

  private slot(): Promise<void> {
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((go) => {
      this.waiting.push(() => {
        this.running++;
        go();
      });
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  private end(record: ScanRecord, status: ScanStatus): ScanRecord {
    record.status = status;
    record.finishedAt = Date.now();
    this.events.onEnd?.(record, (record.finishedAt - (record.startedAt ?? record.finishedAt)) / 1000);
    this.finished.push(record.id);
    while (this.finished.length > this.keepFinished) this.scans.delete(this.finished.shift()!);
    return record;
  }
}
