// Prometheus metrics of the scanning service (prom-client, text exposition format 0.0.4): scans by status, bytes
// scanned and uploaded, findings by severity, queue depth and running scans, scan and request latency histograms.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ScanRecord, ScanRegistry } from './scan-registry.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class ServiceMetrics {
  private readonly registry = new Registry();
  private readonly scans = new Counter({
    name: 'sentinel_scans_total',
    help: 'Scans ended, by status (done, failed, cancelled)',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly scanned = new Counter({
    name: 'sentinel_scanned_bytes_total',
    help: 'Bytes of the files scanned (as listed in their reports)',
    registers: [this.registry],
  });
  private readonly uploaded = new Counter({
    name: 'sentinel_upload_bytes_total',
    help: 'Bytes received in uploads',
    registers: [this.registry],
  });
  private readonly findings = new Counter({
    name: 'sentinel_findings_total',
    help: 'Findings reported, by severity',
    labelNames: ['severity'],
    registers: [this.registry],
  });
  private readonly gated = new Counter({
    name: 'sentinel_gate_failed_total',
    help: 'Scans whose gate failed (exit code 1)',
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'sentinel_scan_duration_seconds',
    help: 'Time from a scan starting to run until it ended (queue wait excluded)',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly requests = new Histogram({
    name: 'sentinel_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly contentType = this.registry.contentType;

  /** Queue depth and running scans are read from the registry when scraped. */
  watch(scans: ScanRegistry): void {
    new Gauge({
      name: 'sentinel_queue_depth',
      help: 'Scans waiting for a free slot',
      registers: [this.registry],
      collect() {
        this.set(scans.queued);
      },
    });
    new Gauge({
      name: 'sentinel_scans_running',
      help: 'Scans running now',
      registers: [this.registry],
      collect() {
        this.set(scans.active);
      },
    });
  }

  ended(r: ScanRecord, seconds: number): void {
    this.scans.inc({ status: r.status });
    if (r.status !== 'done' || !r.report) return;
    this.duration.observe(seconds);
    for (const f of r.report.files) this.scanned.inc(f.bytes);
    for (const f of r.report.findings) this.findings.inc({ severity: f.severity });
    if (r.report.summary.exitCode === 1) this.gated.inc();
  }

  uploadBytes(n: number): void {
    this.uploaded.inc(n);
  }

  request(req: IncomingMessage, res: ServerResponse, t0: bigint): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = path.startsWith('/v1/scans/')
      ? '/v1/scans/{id}'
      : ['/v1/scan', '/healthz', '/metrics'].includes(path)
        ? path
        : 'other';
    this.requests.observe(
      { method: req.method ?? '', route, status: String(res.statusCode) },
      Number(process.hrtime.bigint() - t0) / 1e9,
    );
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
