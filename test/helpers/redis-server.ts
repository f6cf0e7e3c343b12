// A real Redis server for tests (Debian's redis-server): started on 127.0.0.1 with a free port, an append-only
// file fsynced on every write in a temporary folder (so a restart keeps every acknowledged write), stopped after.
// Every wait is bounded: a server that does not answer in time is killed, and so is one that ignores SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why Redis tests cannot run here, or undefined when redis-server is installed. */
export function redisMissing(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : 'redis-server is not installed (Debian package redis-server; .ci/run installs it)';
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Sends one inline command and returns the first reply line (PING, CLIENT KILL …). */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((ok, fail) => {
    const sock = new Socket();
    let buf = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('redis command timed out')));
    sock.on('error', fail);
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        sock.end();
        ok(buf.slice(0, i));
      }
    });
    sock.connect(port, '127.0.0.1', () => sock.write(command + '\r\n'));
  });
}

/** Whether a child process has ended. */
export function ended(c: ChildProcess): boolean {
  return c.exitCode !== null || c.signalCode !== null;
}

/**
 * Stops a child process: SIGTERM, then SIGKILL if it has not ended after `graceMs`; resolves once it has ended
 * (or, should even SIGKILL not end it in 5 s, rejects rather than waiting for ever).
 */
export async function stopProcess(c: ChildProcess, graceMs = 10_000): Promise<void> {
  if (ended(c)) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  const within = (ms: number) =>
    Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  c.kill('SIGTERM');
  if (await within(graceMs)) return;
  c.kill('SIGKILL');
  if (!(await within(5000))) throw new Error(`process ${c.pid} did not end after SIGKILL`);
}

export class RedisServer {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'sentinel-redis-'));

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.up();
    return r;
  }

  private async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200 && this.child.exitCode === null && this.child.signalCode === null; i++) {
      try {
        if ((await redisCommand(this.port, 'PING')) === '+PONG') return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    await this.down();
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stops the server (SIGTERM: it flushes the append-only file) and starts it again on the same port and data. */
  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }

  private async down(): Promise<void> {
    const c = this.child;
    if (c) await stopProcess(c);
  }

  async stop(): Promise<void> {
    try {
      await this.down();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
