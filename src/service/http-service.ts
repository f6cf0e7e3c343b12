// `sentinel serve`: a long-running HTTP scanning service (node:http). POST /v1/scan takes JSON targets (paths inside
// the configured roots, hf://, oci://, http(s):// URLs to public hosts) or one uploaded file as a body stream;
// GET /v1/scans/{id} returns the status and the same JSON report the CLI writes; /healthz and Prometheus /metrics.
// The API is described by schemas/openapi.json (OpenAPI 3.1). Never prints; the CLI reports what it listens on.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv6, type AddressInfo, type Socket } from 'node:net';
import { isAbsolute } from 'node:path';
import { renderReport } from '../api/render-report.js';
import { checkRules, type ScanInput, type ScanOptions } from '../api/scan.js';
import { errorMessage } from '../core/errors.js';
import { isoUtc } from '../core/iso-time.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { Policy } from '../policy/policy.js';
import { TOOL_VERSION } from '../report/scan-report.js';
import { ANY_ADDRESS, PUBLIC_ONLY, withEndpoints } from '../sources/remote/egress.js';
import { ServiceMetrics } from './metrics.js';
import { scanAsNamed, serviceLabel, type TargetLabel } from './report-paths.js';
import { ScanRegistry, type ScanRecord } from './scan-registry.js';
import { ScanThreads } from './scan-threads.js';
import { guardTarget, TargetRefused } from './target-guard.js';

export interface ServiceOptions {
  /** Real paths of the folders local targets must lie in. */
  readonly roots: readonly string[];
  /** Bearer token every /v1 and /metrics request must carry; undefined: none (loopback only, checked by the CLI). */
  readonly token?: string;
  readonly policy?: Policy;
  readonly limits?: Partial<Limits>;
  /** Scans run at once (default 2), each on a worker thread of its own; the rest wait in order. */
  readonly maxRunning?: number;
  /**
   * Total time of one scan from taking its slot (default 600,000: 10 minutes; 0: none). Its remote requests all end
   * by 90% of it (or 5 s before it, or half-way, whichever is earliest) (files not read by then are SCAN-INCOMPLETE in the report); a scan still running at the deadline is
   * aborted and fails (status `failed`, answered 504), so no target holds a slot longer.
   */
  readonly scanDeadlineMs?: number;
  /** Largest upload accepted (default: maxEntryBytes); larger is 413. */
  readonly maxUploadBytes?: number;
  /** An upload that sends nothing for this long is dropped (408). Default 30 s. */
  readonly uploadIdleMs?: number;
  /**
   * A request body (JSON targets or an upload) not complete this long after the request arrived is dropped (408),
   * however steadily it drips. Default 10 minutes.
   */
  readonly bodyTotalMs?: number;
  /**
   * A JSON request body not complete this long after the request arrived is dropped (408): default 30 s (the body is
   * at most 1 MiB; at the cap it must arrive at 35 KiB/s at least).
   */
  readonly jsonBodyTotalMs?: number;
  /**
   * Connections held at once (default 1,000): a connection over it is closed at once, unanswered, so that slow clients
   * cannot take every file descriptor of the process; the ones held end at their deadlines (headers 10 s, a JSON
   * body `jsonBodyTotalMs`, an upload its rate floor and `bodyTotalMs`, an idle keep-alive 5 s).
   */
  readonly maxConnections?: number;
  /**
   * Connections held at once from one client address (default 64; 0: no cap per address): one more from that
   * address is closed at once, unanswered, so that one client cannot take the whole `maxConnections` and starve the
   * others. IPv6 clients count by their /64 network (one host commonly holds a whole /64), IPv4 ones by address (an
   * IPv4-mapped IPv6 address counts as its IPv4 address). Behind a reverse proxy every client shares the proxy's
   * address: raise it, or set 0 and let the proxy cap its clients.
   */
  readonly maxConnectionsPerAddress?: number;
  /** The client a connection counts against for `maxConnectionsPerAddress` (default: `connectionClient`). */
  readonly connectionClient?: (socket: Socket) => string;
  /** Uploads received at once (each is received whole before its scan takes a slot); more: 503. Default 4. */
  readonly maxReceivingUploads?: number;
  /**
   * Least an upload must send per window, in bytes per second (default 1,024: 1 KiB/s). Checked at the end of every
   * window (`uploadRateWindowMs`, default 30 s; the first window is the grace): an upload that sent less in a window
   * is dropped (408) and its reception place freed, so that slow drips cannot hold every place until the total
   * deadline. 0: no floor.
   */
  readonly uploadMinBytesPerSecond?: number;
  readonly uploadRateWindowMs?: number;
  /**
   * The fair share of an upload, in bytes per second (default 65,536: 64 KiB/s; 0: off). When every reception place
   * is taken and another upload arrives, the slowest upload in reception — bytes received over its age, its age
   * counted as at least one rate window — gives its place up (408) if that rate is under the fair share; the
   * newcomer takes it. Only when every upload in reception keeps the fair share is the newcomer answered 503.
   */
  readonly uploadFairBytesPerSecond?: number;
  /** Remote targets may name loopback and private addresses (default false: SSRF guard). */
  readonly allowPrivateTargets?: boolean;
  /**
   * Endpoints (`address:port`) the scans' connections may reach though they are not public (an internal mirror),
   * on that port only; every other non-public address stays refused.
   */
  readonly egressEndpoints?: readonly string[];
  /** Finished scans kept for GET (default 10,000). */
  readonly keepFinished?: number;
  /** Files scanned at once on worker threads within one scan (default 1). */
  readonly jobs?: number;
  /** Host lookup for the SSRF guard (tests). */
  readonly lookupAll?: (host: string) => Promise<readonly string[]>;
  /** Called once per request when it has been answered (the CLI prints each as one JSON line on stderr). */
  readonly log?: (entry: RequestLog) => void;
}

/** One answered request: what `log` receives. */
export interface RequestLog {
  /** When the answer was sent (ISO 8601, UTC). */
  readonly time: string;
  readonly event: 'request';
  readonly method: string;
  /** The request's path, without its query. */
  readonly path: string;
  readonly status: number;
  /** Time from the request's arrival to its answer. */
  readonly ms: number;
  /** The scan the request started, waited for, read or cancelled. */
  readonly scan?: string;
  /** The scan's exit code, when the answer carries its report. */
  readonly exitCode?: number;
  /** Why the request was refused or failed (4xx/5xx). */
  readonly error?: string;
}

const MAX_JSON_BODY = 1024 * 1024;
/** Connections held at once from one client (`maxConnectionsPerAddress`). */
export const DEFAULT_CONNECTIONS_PER_ADDRESS = 64;

/**
 * The client a connection counts against for the per-address cap: its IPv4 address (an IPv4-mapped IPv6 address as
 * the IPv4 one), or the /64 network of its IPv6 address.
 */
export function connectionClient(socket: Pick<Socket, 'remoteAddress'>): string {
  const a = socket.remoteAddress ?? '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return mapped[1]!;
  if (!isIPv6(a)) return a;
  // The first four groups of the address written out in full (`::` expanded).
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** An upload in reception: when it started, what it has sent, and how its place is taken back. */
interface Reception {
  readonly since: number;
  bytes: number;
  readonly drop: (e: HttpError) => void;
}
/** The Host headers a token-less service answers: its loopback names, with any port. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const MAX_TARGETS = 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  send(res, status, JSON.stringify({ error: message }) + '\n');
}

/**
 * Reads a JSON body of at most MAX_JSON_BODY bytes; a body not complete within `totalMs`, or silent for `idleMs`, is
 * refused with 408 (the caller's error path answers and drops the connection).
 */
async function readJsonBody(req: IncomingMessage, totalMs: number, idleMs: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  let total: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    total = setTimeout(
      () => reject(new HttpError(408, `the request body was not complete within ${totalMs} ms`)),
      totalMs,
    );
    req.setTimeout(idleMs, () => reject(new HttpError(408, `the request body sent nothing for ${idleMs} ms`)));
  });
  const read = (async () => {
    for await (const c of req as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > MAX_JSON_BODY) throw new HttpError(413, `JSON body larger than ${MAX_JSON_BODY} bytes`);
      chunks.push(c);
    }
  })();
  // Whichever loses the race is settled later (the connection dropped): its outcome is not wanted.
  read.catch(() => {});
  late.catch(() => {});
  try {
    await Promise.race([read, late]);
  } finally {
    clearTimeout(total);
    req.setTimeout(0);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function tokenDigest(t: string): Buffer {
  return createHash('sha256').update(t).digest();
}

/** The running service: its server, the scans it holds, and a close that drains them. */
export interface ScanService {
  readonly server: Server;
  readonly registry: ScanRegistry;
  /** Stops accepting connections, cancels scans still running after `graceMs`, resolves when all ended. */
  close(graceMs?: number): Promise<void>;
  /** `http://host:port` once listening. */
  url(): string;
}

/** A request's headers must arrive within this (the service's documented header deadline). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node checks its connections against the header and request deadlines. */
export const CONNECTIONS_CHECK_MS = 1_000;

/** Creates the service (not yet listening: call `server.listen`). */
export function createScanService(o: ServiceOptions): ScanService {
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.policy?.limits, ...o.limits };
  const maxUpload = o.maxUploadBytes ?? limits.maxEntryBytes;
  const idleMs = o.uploadIdleMs ?? 30_000;
  const bodyTotalMs = o.bodyTotalMs ?? 600_000;
  const jsonTotalMs = Math.min(bodyTotalMs, o.jsonBodyTotalMs ?? 30_000);
  const maxReceiving = o.maxReceivingUploads ?? 4;
  const minRate = o.uploadMinBytesPerSecond ?? 1024;
  const rateWindowMs = o.uploadRateWindowMs ?? 30_000;
  const fairRate = o.uploadFairBytesPerSecond ?? 64 * 1024;
  /** The uploads in reception: each holds one place until it is in, refused, or gives its place to a newcomer. */
  const receiving = new Set<Reception>();
  /**
   * Frees a place for a newcomer when every one is taken: the upload with the lowest rate over its life (its age
   * counted as at least one window, so a new connection that has sent little is slow, not protected) gives it up if
   * that rate is under the fair share. Holding every place thus costs a client the fair share per place in real
   * bandwidth, however it spreads its drips.
   */
  const freePlace = (): boolean => {
    if (fairRate <= 0) return false;
    const now = Date.now();
    let slowest: Reception | undefined;
    let slowestRate = Infinity;
    for (const r of receiving) {
      const rate = (r.bytes * 1000) / Math.max(now - r.since, rateWindowMs);
      if (rate < slowestRate) {
        slowest = r;
        slowestRate = rate;
      }
    }
    if (!slowest || slowestRate >= fairRate) return false;
    receiving.delete(slowest);
    slowest.drop(
      new HttpError(
        408,
        `upload dropped for another: ${Math.floor(slowestRate)} bytes/s over its life, under the fair share of ${fairRate} bytes/s while every place was taken`,
      ),
    );
    return true;
  };
  const scanDeadlineMs = o.scanDeadlineMs ?? 600_000;
  // The scan's remote requests end a tenth before its deadline (at least half of it or 5 s before, whichever is less),
  // so that the scan can still report what it could not read; 0 (no deadline) leaves the remote readers' own total.
  const remoteTotalMs =
    scanDeadlineMs > 0
      ? Math.max(1, Math.floor(Math.min(scanDeadlineMs * 0.9, scanDeadlineMs - Math.min(5000, scanDeadlineMs / 2))))
      : undefined;
  const want = o.token !== undefined ? tokenDigest(o.token) : undefined;
  // Every outbound connection of the service's scans: public addresses only unless private targets are allowed (the
  // same rule as the target guard's, applied to every hop and connection).
  const egress = withEndpoints(o.allowPrivateTargets ? ANY_ADDRESS : PUBLIC_ONLY, o.egressEndpoints);
  const metrics = new ServiceMetrics();
  const registry = new ScanRegistry(
    o.maxRunning ?? 2,
    o.keepFinished ?? 10_000,
    { onEnd: (r, seconds) => metrics.ended(r, seconds) },
    scanDeadlineMs,
  );
  metrics.watch(registry);
  const running = new Set<Promise<ScanRecord>>();
  /** The scan each answered request concerned, for its log line. */
  const scanOf = new WeakMap<ServerResponse, { id: string; exitCode?: number }>();
  const handlers = new Set<Promise<void>>();

  const scanOptions = (signal: AbortSignal, rules?: readonly string[], remoteUntil?: number): ScanOptions => ({
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    ...(rules?.length ? { rules } : {}),
    // Every file a scan opens is checked against the roots on its opened descriptor (sources/confine.ts).
    roots: o.roots,
    jobs: o.jobs ?? 1,
    remote: { egress, ...(remoteUntil !== undefined ? { deadline: remoteUntil } : {}) },
    signal,
  });

  // Scans run on worker threads, one per running scan, so that a large one never holds this event loop; where
  // threads cannot start, here.
  const threads = new ScanThreads(o.maxRunning ?? 2, {
    roots: o.roots,
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
    egress,
  });
  /**
   * Runs a scan of paths/URLs, or of one upload (its bytes forwarded to the scan's thread as they arrive). `labels`:
   * how the report shows each local target.
   */
  const runScan = (
    what: readonly string[] | { name: string; stream: AsyncIterable<Uint8Array> },
    signal: AbortSignal,
    rules?: readonly string[],
    labels?: readonly TargetLabel[],
  ) => {
    const upload = 'stream' in what ? what : undefined;
    // Called when the scan takes its slot: its remote requests end a tenth before its deadline from now.
    const remoteUntil = remoteTotalMs !== undefined ? Date.now() + remoteTotalMs : undefined;
    if (!threads.available) {
      const inputs: ScanInput[] = upload ? [upload] : [...(what as readonly string[])];
      return scanAsNamed(inputs, scanOptions(signal, rules, remoteUntil), labels);
    }
    if (!upload) return threads.scan(what as readonly string[], rules, signal, labels, remoteUntil).report;
    const t = threads.scan([{ upload: upload.name }], rules, signal, undefined, remoteUntil);
    void (async () => {
      try {
        for await (const c of upload.stream) t.push(c);
        t.end();
      } catch (e) {
        t.end(e instanceof Error ? e.message : String(e));
      }
    })();
    return t.report;
  };

  const startScan = (
    what: readonly string[] | { name: string; stream: AsyncIterable<Uint8Array> },
    rules?: readonly string[],
    labels?: readonly TargetLabel[],
  ) => {
    const s = registry.start((signal) => runScan(what, signal, rules, labels));
    running.add(s.ended);
    void s.ended.then(() => running.delete(s.ended));
    return s;
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (!want) return true;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(h);
    return m !== null && timingSafeEqual(tokenDigest(m[1]!), want);
  };

  /** The status document of a scan: the JSON report is spliced in as the CLI renders it (not re-serialised). */
  const statusBody = async (r: ScanRecord): Promise<string> => {
    const head = {
      id: r.id,
      status: r.status,
      createdAt: new Date(r.createdAt).toISOString(),
      ...(r.startedAt !== undefined ? { startedAt: new Date(r.startedAt).toISOString() } : {}),
      ...(r.finishedAt !== undefined ? { finishedAt: new Date(r.finishedAt).toISOString() } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.report ? { exitCode: r.report.summary.exitCode } : {}),
    };
    const text = JSON.stringify(head);
    if (!r.report) return text + '\n';
    const report = (await renderReport(r.report, 'json')).trimEnd();
    return `${text.slice(0, -1)},"report":${report}}\n`;
  };

  /** Waits for the scan when the client asked to; a client that goes away first cancels it. */
  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    s: { record: ScanRecord; ended: Promise<ScanRecord> },
    wait: boolean,
  ): Promise<void> => {
    scanOf.set(res, { id: s.record.id });
    if (!wait) {
      send(res, 202, JSON.stringify({ id: s.record.id, status: s.record.status }) + '\n');
      return;
    }
    const gone = (): void => {
      if (!res.writableFinished) registry.cancel(s.record.id, 'the client disconnected');
    };
    res.once('close', gone);
    const r = await s.ended;
    res.off('close', gone);
    scanOf.set(res, { id: r.id, ...(r.report ? { exitCode: r.report.summary.exitCode } : {}) });
    send(res, finishedStatus(r), await statusBody(r));
  };

  const postJson = async (req: IncomingMessage, res: ServerResponse, wait: boolean): Promise<void> => {
    const body = await readJsonBody(req, jsonTotalMs, idleMs);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(400, 'expected an object');
    const b = body as { targets?: unknown; rules?: unknown };
    if (!Array.isArray(b.targets) || b.targets.length === 0 || b.targets.length > MAX_TARGETS) {
      throw new HttpError(400, `"targets" must be a list of 1 to ${MAX_TARGETS} paths or URLs`);
    }
    if (b.rules !== undefined && !(Array.isArray(b.rules) && b.rules.every((x) => typeof x === 'string'))) {
      throw new HttpError(400, '"rules" must be a list of rule IDs or categories');
    }
    if (b.rules !== undefined) {
      try {
        checkRules(b.rules as string[]);
      } catch (e) {
        throw new HttpError(400, errorMessage(e));
      }
    }
    const targets: string[] = [];
    // Reports show each local target relative to the root it was named under, as the command line shows the paths
    // it is given, not the server's path.
    const labels: TargetLabel[] = [];
    for (const t of b.targets) {
      const real = await guardTarget(t, {
        roots: o.roots,
        allowPrivate: o.allowPrivateTargets ?? false,
        ...(o.lookupAll ? { lookupAll: o.lookupAll } : {}),
      });
      targets.push(real);
      if (isAbsolute(real)) labels.push(serviceLabel(t as string, real, o.roots));
    }
    await answer(req, res, startScan(targets, b.rules as string[] | undefined, labels), wait);
  };

  const postUpload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const name = url.searchParams.get('name') ?? '';
    if (!name || name.length > 1024 || name.includes('\0')) throw new HttpError(400, 'an upload needs ?name=FILE_NAME');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxUpload) throw new HttpError(413, `upload larger than ${maxUpload} bytes`);
    let seen = 0;
    let refused: HttpError | undefined;
    let scanId: string | undefined = undefined;
    // A refused upload is answered at once (connection: close), its scan cancelled, the socket closed after.
    const refuse = (e: HttpError): void => {
      if (refused) return;
      refused = e;
      if (scanId) registry.cancel(scanId, e.message);
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
        sendError(res, e.status, e.message);
      } else req.destroy();
    };
    req.setTimeout(idleMs, () => refuse(new HttpError(408, `upload sent nothing for ${idleMs} ms`)));
    // Node emits a socket timeout on the request only while its body is incomplete, and destroys the socket when no
    // listener takes the timeout: once the body has arrived (possibly before the scan has read it), the idle limit
    // no longer applies, so the response takes the timeout and disarms it; it is disarmed for good when the answer
    // is sent (a keep-alive socket serves later requests).
    res.on('timeout', () => {
      if (req.complete) req.socket?.setTimeout(0);
    });
    res.once('finish', () => req.socket?.setTimeout(0));
    // The upload is received whole before its scan takes a slot (a slow upload never holds one while it arrives),
    // within a total deadline however steadily it drips, and only so many are received at once.
    if (receiving.size >= maxReceiving && !freePlace()) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(rateWindowMs / 1000))));
      throw new HttpError(503, `${maxReceiving} uploads are being received at their fair share or faster; retry later`);
    }
    const place: Reception = { since: Date.now(), bytes: 0, drop: refuse };
    receiving.add(place);
    const total = setTimeout(
      () => refuse(new HttpError(408, `upload not complete within ${bodyTotalMs} ms`)),
      bodyTotalMs,
    );
    // A rate floor per window: a drip that stays under the idle limit still gives its place up after one window.
    let inWindow = 0;
    const floorBytes = Math.ceil((minRate * rateWindowMs) / 1000);
    const rate =
      minRate > 0
        ? setInterval(() => {
            if (inWindow < floorBytes) {
              refuse(new HttpError(408, `upload slower than ${minRate} bytes/s over ${rateWindowMs} ms`));
            }
            inWindow = 0;
          }, rateWindowMs)
        : undefined;
    const chunks: Uint8Array[] = [];
    let whole = false;
    try {
      for await (const c of req as AsyncIterable<Buffer>) {
        if (refused) break;
        seen += c.length;
        inWindow += c.length;
        place.bytes = seen;
        metrics.uploadBytes(c.length);
        if (seen > maxUpload) {
          refuse(new HttpError(413, `upload larger than ${maxUpload} bytes`));
          break;
        }
        chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.length));
      }
      whole = !refused;
    } catch {
      // the client went away, or the connection was dropped after a refusal
    } finally {
      receiving.delete(place);
      clearTimeout(total);
      clearInterval(rate);
    }
    // The body is in: the idle limit is for the upload, not for the scan's answer.
    req.socket?.setTimeout(0);
    if (!whole) return;
    const s = startScan({
      name,
      stream: (async function* () {
        yield* chunks.splice(0);
      })(),
    });
    scanId = s.record.id;
    scanOf.set(res, { id: scanId });
    const gone = (): void => {
      if (!res.writableFinished) registry.cancel(s.record.id, 'the client disconnected');
    };
    res.once('close', gone);
    const r = await s.ended;
    res.off('close', gone);
    if (r.report) scanOf.set(res, { id: r.id, exitCode: r.report.summary.exitCode });
    if (refused) return;
    send(res, finishedStatus(r), await statusBody(r));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Without a token the service listens on loopback only, and a web page the operator's browser opens could still
    // reach it under a name of its own that resolves to loopback (DNS rebinding): only the loopback names are served.
    // A request names its host once (RFC 9112 3.2): several Host fields are refused, whichever comes first. A
    // request line in absolute form names the host itself, and that authority is the one the request is for.
    let hosts = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts++;
    if (hosts > 1) throw new HttpError(400, 'a request with more than one Host header');
    const target = req.url ?? '/';
    const absolute = !target.startsWith('/') && target !== '*';
    let url: URL;
    try {
      url = new URL(target, 'http://service.invalid');
    } catch {
      throw new HttpError(400, 'a request target that is not a path or an absolute URL');
    }
    const host = absolute ? url.host : (req.headers.host ?? '');
    if (!want && !LOOPBACK_HOST.test(host)) {
      throw new HttpError(403, 'this service answers only requests addressed to 127.0.0.1, localhost or [::1]');
    }
    const path = url.pathname;
    if (path === '/healthz' && req.method === 'GET') {
      send(res, 200, JSON.stringify({ status: 'ok', version: TOOL_VERSION }) + '\n');
      return;
    }
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong bearer token');
    }
    if (path === '/metrics' && req.method === 'GET') {
      send(res, 200, await metrics.render(), metrics.contentType);
      return;
    }
    if (path === '/v1/scan') {
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const waitParam = url.searchParams.get('wait');
      if (type === 'application/json') return postJson(req, res, waitParam === 'true' || waitParam === '1');
      if (type === 'application/octet-stream') return postUpload(req, res, url);
      throw new HttpError(415, 'send application/json targets or an application/octet-stream upload');
    }
    const m = /^\/v1\/scans\/([0-9a-f-]{36})$/.exec(path);
    if (m) {
      const r = registry.get(m[1]!);
      if (r) scanOf.set(res, { id: r.id, ...(r.report ? { exitCode: r.report.summary.exitCode } : {}) });
      if (!r) throw new HttpError(404, 'no such scan (unknown, or dropped after it finished)');
      if (req.method === 'GET') return send(res, 200, await statusBody(r));
      if (req.method === 'DELETE') {
        registry.cancel(r.id, 'cancelled by the client');
        return send(res, 202, JSON.stringify({ id: r.id, status: r.status }) + '\n');
      }
      throw new HttpError(405, 'use GET or DELETE');
    }
    throw new HttpError(404, 'not found');
  };

  // Node enforces headersTimeout and requestTimeout only when it sweeps its connections, every 30 s by default: a
  // client stalling its headers would then hold a connection for 10-40 s. Swept every second, the header deadline is
  // 10 s to within a second.
  const server = createServer(
    {
      requestTimeout: bodyTotalMs + 30_000,
      headersTimeout: HEADERS_TIMEOUT_MS,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
    },
    (req, res) => {
      const t0 = process.hrtime.bigint();
      const logged = (error?: string): void => {
        if (!o.log) return;
        const seen = scanOf.get(res);
        o.log({
          time: isoUtc(new Date()),
          event: 'request',
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://service.invalid').pathname,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - t0) / 1000n) / 1000,
          ...(seen?.id !== undefined ? { scan: seen.id } : {}),
          ...(seen?.exitCode !== undefined ? { exitCode: seen.exitCode } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      };
      const h = handle(req, res).then(
        () => {
          metrics.request(req, res, t0);
          logged();
        },
        (e: unknown) => {
          const status = e instanceof HttpError ? e.status : e instanceof TargetRefused ? e.status : 500;
          const message = e instanceof Error ? e.message : String(e);
          sendError(res, status, status === 500 ? `internal error: ${message}` : message);
          if (status === 413 || status === 408) req.destroy();
          metrics.request(req, res, t0);
          logged(message);
        },
      );
      handlers.add(h);
      void h.finally(() => handlers.delete(h));
    },
  );
  server.maxConnections = o.maxConnections ?? 1000;
  const perAddress = o.maxConnectionsPerAddress ?? DEFAULT_CONNECTIONS_PER_ADDRESS;
  if (perAddress > 0) {
    const held = new Map<string, number>();
    const clientOf = o.connectionClient ?? connectionClient;
    // Ahead of the HTTP server's own listener: a connection over its client's cap is closed before it is parsed.
    server.prependListener('connection', (socket: Socket) => {
      const client = clientOf(socket);
      const n = held.get(client) ?? 0;
      if (n >= perAddress) {
        socket.destroy();
        return;
      }
      held.set(client, n + 1);
      socket.once('close', () => {
        const left = (held.get(client) ?? 1) - 1;
        if (left > 0) held.set(client, left);
        else held.delete(client);
      });
    });
  }

  return {
    server,
    registry,
    url() {
      const a = server.address() as AddressInfo | null;
      if (!a) return '';
      return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    },
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const id of registry.pending()) registry.cancel(id, 'the service is shutting down');
      }, graceMs);
      await Promise.allSettled([...running]);
      await Promise.allSettled([...handlers]);
      clearTimeout(timer);
      await threads.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The HTTP status of a finished scan: 200 done, 499 cancelled, 504 past the scan deadline, 403 when a connection the egress policy refused ended
 * it (a remote target the service may not reach, as the target guard answers one before a scan starts), 502 when the
 * registry or Hub refused the target (a missing revision, repository or tag: the upstream's answer, quoted in the
 * error), 400 when the registry, Hub or server the target names could not be reached (as the guard answers a host that
 * does not resolve), else 500 (a fault).
 */
function finishedStatus(r: ScanRecord): number {
  if (r.status === 'done') return 200;
  if (r.status === 'cancelled') return 499;
  if (r.refused) return 403;
  if (r.deadline) return 504;
  if (r.unreachable) return 400;
  return r.upstream !== undefined ? 502 : 500;
}
