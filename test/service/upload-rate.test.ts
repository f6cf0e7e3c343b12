// Upload reception places are not held by slow drips: an upload that sends less than the rate floor in a window is
// answered 408 and its place freed, so other clients' uploads are received again well before the total deadline;
// an upload at a steady rate above the floor, spread over several windows, is received and scanned (benign twin).
// The window and floor are the service's own options, made small so that the test runs in seconds; every wait is
// bounded by a server deadline or the test's own limit on the number of drips.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createScanService, type ScanService } from '../../src/service/http-service.js';
import { opcodePickle } from './fixtures.js';

const WINDOW_MS = 300;
const FLOOR = 100; // bytes per second: 30 bytes per window
const benign = opcodePickle('benign');

let dir: string;
let svc: ScanService;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-upload-rate-'));
  svc = createScanService({
    roots: [dir],
    maxReceivingUploads: 2,
    uploadIdleMs: 60_000,
    uploadRateWindowMs: WINDOW_MS,
    uploadMinBytesPerSecond: FLOOR,
    // The floor alone: no upload gives its place to a newcomer (the fair share is tested in test/hostile).
    uploadFairBytesPerSecond: 0,
  });
  await new Promise<void>((ok) => svc.server.listen(0, '127.0.0.1', () => ok()));
  port = (svc.server.address() as AddressInfo).port;
});

after(async () => {
  await svc.close(1000);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * An upload of `body` sent `step` bytes every `everyMs` ms on a raw socket; resolves with the answer's status (or 0
 * when the connection ended unanswered). A body not all sent after `maxSteps` pieces is given up: -1.
 */
function upload(body: Buffer, step: number, everyMs: number, maxSteps = 10_000): Promise<number> {
  return new Promise((ok) => {
    const s: Socket = connect(port, '127.0.0.1');
    let sent = 0;
    let steps = 0;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (status: number): void => {
      clearInterval(timer);
      s.destroy();
      ok(status);
    };
    s.on('data', (d) => {
      answer += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (m && answer.includes('\r\n\r\n')) done(Number(m[1]));
    });
    s.on('error', () => done(0));
    s.on('close', () => done(0));
    s.on('connect', () => {
      s.write(
        'POST /v1/scan?name=m.pkl HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n' +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      timer = setInterval(() => {
        if (sent >= body.length) return clearInterval(timer);
        // Not answered within its drips: given up (the floor did not drop it).
        if (steps++ >= maxSteps) return done(-1);
        s.write(body.subarray(sent, sent + step));
        sent += step;
      }, everyMs);
    });
  });
}

describe('upload rate floor', () => {
  it('drips below the floor are dropped (408) and their places freed for other uploads', async () => {
    // Two drips of one byte per 50 ms (20 bytes/s, under the floor) of a 1,000-byte body take both places.
    const drips = [upload(Buffer.alloc(1000, 0x41), 1, 50, 400), upload(Buffer.alloc(1000, 0x41), 1, 50, 400)];
    // While they are held, another upload is refused…
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await upload(benign, benign.length, 1, 1), 503);
    // …until each drip has been answered 408 at the end of a window (well before its 20 s of drips).
    assert.deepEqual(await Promise.all(drips), [408, 408]);
    assert.equal(await upload(benign, benign.length, 1, 1), 200);
  });

  it('benign twin: an upload at ten times the floor over several windows is received and scanned', async () => {
    // 10 bytes every 10 ms (1,000 bytes/s) of a 3,000-byte body: about ten windows.
    const body = Buffer.concat([benign, Buffer.alloc(3000 - benign.length, 0x20)]);
    const status = await upload(body, 10, 10);
    assert.equal(status, 200);
  });
});
