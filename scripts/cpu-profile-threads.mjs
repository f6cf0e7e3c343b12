#!/usr/bin/env node
// Per-thread timeline of a `node --cpu-prof --cpu-prof-dir=DIR` run (the main thread and each worker write their own
// profile): when each thread started and ended, when it first and last ran a given function (default `update`,
// node:crypto's Hash.update: when hashing began and ended on that thread), its busy and idle time, and its top
// functions by self time. For finding serialisation in the signature bench (workers that start late, a thread that
// hashes alone at the end). Sampled wall time: on a loaded machine a descheduled thread is charged to whatever
// frame it was in, so read it on a quiet machine.
// Usage: node --cpu-prof --cpu-prof-dir=/tmp/prof bin/sentinel.js artifact DIR ...; node scripts/cpu-profile-threads.mjs /tmp/prof [FUNCTION]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const fn = process.argv[3] ?? 'update';
if (!dir) {
  console.error('usage: node scripts/cpu-profile-threads.mjs PROFILE_DIR [FUNCTION]');
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort();
const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const t0 = Math.min(...profiles.map((p) => p.startTime));
const s = (us) => (us / 1e6).toFixed(2);
profiles.forEach((p, k) => {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = p.startTime;
  let first;
  let last;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const d = p.timeDeltas[i] ?? 0;
    t += d;
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') idle += d;
    if (f.functionName === fn) {
      first ??= t;
      last = t;
    }
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + d);
  });
  const span = p.endTime - p.startTime;
  console.log(
    `${files[k]}: +${s(p.startTime - t0)} .. +${s(p.endTime - t0)} s, busy ${s(span - idle)} s, idle ${s(idle)} s, ` +
      `${fn}: ${first === undefined ? 'never' : `+${s(first - t0)} .. +${s(last - t0)} s`}`,
  );
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`    ${s(us)} s ${key}`);
});
