// Bench: the size of a queue worker's warm-up (`sentinel worker --warm-up N`). For each size, in a fresh process and
// rounds interleaved: the warm-up's CPU and wall time to ready, then a worker's per-file path (read whole, SHA-256,
// scan, facts to JSON — the queue's Redis work left out) on ~1 KB pickles of other content: CPU per file over the
// first 1,000 files and over the rest, and over all of them with the warm-up counted.
// Usage: node scripts/bench-warm-up.mjs [--no-build] [--rounds N] [--files N] [--sizes 0,200,500,2000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPickle } from './lib/bench-pickles.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const opt = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : d;
};

if (process.argv[2] === '--child') {
  // One size in this process: node scripts/bench-warm-up.mjs --child SIZE FOLDER FILES
  const [size, folder, count] = [Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
  const { warmUp } = await import(`${root}/dist/service/scan-queue.js`);
  const { factsScanner } = await import(`${root}/dist/api/scan.js`);
  const { readWholeFile } = await import(`${root}/dist/sources/byte-source.js`);
  const { digestBytes, useNodeCryptoForSmallDigests } = await import(`${root}/dist/sources/file-digest.js`);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  useNodeCryptoForSmallDigests();
  const c0 = cpu();
  const t0 = performance.now();
  await warmUp(size);
  const c1 = cpu();
  const t1 = performance.now();
  const scan = await factsScanner({});
  const signatureLookups = new Map();
  let mark = c1;
  for (let i = 0; i < count; i++) {
    const read = readWholeFile(join(folder, `p${i}.pkl`), 1 << 20);
    const sha256 = digestBytes(read.bytes);
    JSON.stringify({ facts: await scan.file(read, { sha256, signatureLookups }) });
    if (i === 999) mark = cpu();
  }
  const c2 = cpu();
  const us = (s, n) => ((s * 1e6) / n).toFixed(0);
  console.log(
    `warm-up ${size}: to ready ${(c1 - c0).toFixed(2)} s CPU (${((t1 - t0) / 1000).toFixed(2)} s wall); ` +
      `first 1,000 files ${us(mark - c1, 1000)} us CPU/file, files 1,001-${count} ${us(c2 - mark, count - 1000)}, ` +
      `all ${us(c2 - c1, count)}, all with the warm-up ${us(c2 - c0, count)}`,
  );
  process.exit(0);
}

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
const rounds = Number(opt('--rounds', 3));
const files = Math.max(2000, Number(opt('--files', 5000)));
const sizes = opt('--sizes', '0,200,500,2000').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-warm-up-'));
for (let i = 0; i < files; i++) writeFileSync(join(dir, `p${i}.pkl`), benchPickle(i));
for (let r = 1; r <= rounds; r++) {
  for (const size of sizes) {
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', String(size), dir, String(files)],
      { encoding: 'utf8' },
    );
    process.stdout.write(`round ${r}: ${out}`);
  }
}
rmSync(dir, { recursive: true, force: true });
