// `--remote-timeout` (requestTimeoutMs) bounds one request in total, every attempt and every wait between them
// included. A loopback server answers at once, drips its body a byte at a time (inside any idle limit) and drops the
// connection after DRIPS bytes, a little before the timeout: a dropped body is retried, so a reader that gave each
// attempt the whole timeout would make every retry it is allowed (1 + RETRIES dripping attempts), while one deadline
// leaves time for a second attempt at most. The server counts the dripping attempts of each request (by range); the scan ends with the
// incomplete-scan finding naming the target. The drip loop is bounded, and the timeout is small.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';

/** Bytes the server announces for every answer; it never sends them all. */
const ANNOUNCED = 1024 * 1024;
/** A byte every DRIP_MS, DRIPS of them per answer, then the connection is dropped. */
const DRIP_MS = 100;
const DRIPS = 10;
const RETRIES = 4;
const TIMEOUT_MS = 1500;
/** Long enough for every retry a per-attempt timeout would allow (each attempt ends at its drop). */
const SETTLE_MS = (RETRIES + 1) * (DRIPS + 2) * DRIP_MS;

describe('the remote request timeout is the total of all attempts', () => {
  let server: Server;
  let base = '';
  /** Dripping attempts by the range asked for (each range is one request of the reader). */
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  before(async () => {
    server = createServer((req, res) => {
      const range = /bytes=(\d+)-(\d+)?/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range?.[2] !== undefined ? Math.min(ANNOUNCED - 1, Number(range[2])) : ANNOUNCED - 1;
      res.writeHead(range ? 206 : 200, {
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        'content-length': String(end - start + 1),
        ...(range ? { 'content-range': `bytes ${start}-${end}/${ANNOUNCED}` } : {}),
      });
      res.write(Buffer.from([0x80]));
      if (end - start + 1 <= 1) return void res.end();
      const key = req.headers.range ?? 'whole';
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      let dripped = 0;
      const t = setInterval(() => {
        if (++dripped > DRIPS || res.destroyed) {
          clearInterval(t);
          timers.delete(t);
          res.destroy();
          return;
        }
        res.write(Buffer.from([0x04]));
      }, DRIP_MS);
      timers.add(t);
      res.on('close', () => {
        clearInterval(t);
        timers.delete(t);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a dripping server gets one deadline for all attempts, and the scan ends incomplete', async () => {
    const target = `${base}/model.pkl`;
    const r = await scan(target, { remote: { retries: RETRIES, requestTimeoutMs: TIMEOUT_MS } });
    const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(inc.length >= 1, JSON.stringify(r.findings.map((f) => f.ruleId)));
    assert.match(JSON.stringify(inc), /model\.pkl/);
    assert.equal(r.summary.gate.passed, false, 'an unread target never passes');
    // Attempts a reader would still make after the scan gave up on the request (a retry loop without the deadline
    // runs on in the background): counted over a settle period as long as all retries would take.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    // The first dripping attempt is dropped at ~DRIPS × DRIP_MS, its retry is cut by the deadline.
    const counts = [...attempts.values()];
    assert.ok(counts.length >= 1, 'the server was asked');
    assert.ok(
      counts.every((n) => n <= 2),
      `dripping attempts per request within its total timeout: ${JSON.stringify(Object.fromEntries(attempts))}`,
    );
  });
});
