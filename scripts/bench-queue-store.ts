// Bench: what writing a result costs Redis alone — the queue's result-writing Lua script (PUT_RESULTS in
// src/service/scan-queue.ts) of this checkout against the one of another revision, run on a fresh redis-server each
// (Debian's, with the test helper's fsynced append-only file), rounds interleaved. Writes `--results N` results of
// ~0.9 KB (what a small pickle's result weighs) in jobs of 128, each with a cache key, and reports redis-server's
// CPU (from /proc) and its used_memory per result. A script of the build before (results kept in their key and in
// the stream, `MAXLEN` trimming) takes the stream's maximum length as its second argument.
// Usage: node --import tsx scripts/bench-queue-store.ts [--base REV (default main)] [--rounds N] [--results N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisServer, redisMissing } from '../test/helpers/redis-server.js';

const opt = (name: string, d: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : d;
};
const root = fileURLToPath(new URL('..', import.meta.url));
const base = opt('--base', 'main');
const rounds = Number(opt('--rounds', '3'));
const N = Number(opt('--results', '20000'));
const BATCH = 128;
const TTL = 7 * 24 * 3600;

const luaOf = (text: string): string => {
  const m = /const PUT_RESULTS = `([\s\S]*?)`;/.exec(text);
  if (!m) throw new Error('no PUT_RESULTS script in src/service/scan-queue.ts');
  return m[1]!;
};
const scripts = [
  {
    name: base,
    lua: luaOf(execFileSync('git', ['show', `${base}:src/service/scan-queue.ts`], { cwd: root, encoding: 'utf8' })),
  },
  { name: 'this checkout', lua: luaOf(readFileSync(`${root}/src/service/scan-queue.ts`, 'utf8')) },
];

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const cpuOf = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / TICK;
};
const info = async (c: Redis, section: string, field: string): Promise<number> =>
  Number(new RegExp(`${field}:(\\d+)`).exec(await c.info(section))![1]);

const missing = redisMissing();
if (missing) {
  console.log(`queue store bench: skipped (${missing})`);
  process.exit(0);
}
const submission = '3f1c2a9e-1111-2222-3333-444455556666';
const result = (i: number) => JSON.stringify({ jobId: `${submission}.${i}`, submission, pad: 'x'.repeat(820) });
for (let round = 1; round <= rounds; round++) {
  for (const s of scripts) {
    const redis = await RedisServer.start();
    const c = new Redis({ port: redis.port });
    try {
      c.defineCommand('put', { lua: s.lua });
      const put = (c as unknown as { put: (n: number, ...a: (string | number)[]) => Promise<number[]> }).put.bind(c);
      const pid = await info(c, 'server', 'process_id');
      const m0 = await info(c, 'memory', 'used_memory');
      const c0 = cpuOf(pid);
      for (let i = 0; i < N; i += BATCH) {
        const keys = ['q:results', 'q:rules:0123456789abcdef'];
        const args: string[] = [];
        for (let k = i; k < Math.min(N, i + BATCH); k++) {
          keys.push(
            `q:result:${submission}.${k}`,
            `q:facts:0.1.0:0123456789abcdef:${k.toString(16).padStart(64, '0')}:fedcba9876543210`,
          );
          args.push(`${submission}.${k}`, submission, result(k), '1');
        }
        const head = s.lua.includes('MAXLEN') ? [TTL, 1_000_000, '["A","B"]'] : [TTL, '["A","B"]'];
        const written = await put(keys.length, ...keys, ...head, ...args);
        if (written.some((w) => w !== 1)) throw new Error('a result was not written');
      }
      const cpu = cpuOf(pid) - c0;
      const mem = (await info(c, 'memory', 'used_memory')) - m0;
      console.log(
        `round ${round}, ${s.name}: redis-server ${((cpu * 1e6) / N).toFixed(1)} us CPU and ${(mem / N).toFixed(0)} B ` +
          `of memory per result (${N} results of ${result(0).length} B)`,
      );
    } finally {
      c.disconnect();
      await redis.stop();
    }
  }
}
