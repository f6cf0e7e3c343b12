// The CLI rows of `npm run bench`: what users wait for, process start to exit, each run interleaved with a bare
// `node -e 0` so that start-up is measured against the floor in the same conditions. Workloads are the shared ones
// written by ../shared/bench/gen.py when they exist ($SENTINEL_BENCH_DIR, default <tmp>/sentinel-bench); otherwise
// equivalents are generated here. Prints medians with ranges, peak RSS (all threads) and the machine's load.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { writeSparseTorchZip } from './bench-torch-zip.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const runner = join(here, 'bench-cli-run.cjs');
const cli = join(root, 'bin', 'sentinel.js');
const SHARED = process.env.SENTINEL_BENCH_DIR ?? join(tmpdir(), 'sentinel-bench');
const MB = 1024 * 1024;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const range = (xs) => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

function wall(args, env) {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (p.status !== 0 && p.status !== 1) throw new Error(`${args.join(' ')} failed (${p.status}): ${p.stderr}`);
  return { ms, stderr: p.stderr };
}

/**
 * `rounds` interleaved runs of bare node, the CLI as users type it (bin/sentinel.js: the wall time) and the CLI
 * through the reporting runner (CPU time and peak RSS of all threads; the runner's own exit report costs ~2 ms of
 * wall time that users do not wait for, so its wall time is not the row's); one printed row.
 */
function row(label, cliArgs, rounds, extra = () => '') {
  const node = [];
  const nodeCpu = [];
  const ms = [];
  const runs = [];
  const report = (stderr) => JSON.parse(stderr.trim().split('\n').pop());
  for (let r = 0; r < rounds; r++) {
    node.push(wall(['-e', '0']).ms);
    nodeCpu.push(report(wall([runner], { BENCH_BARE: '1' }).stderr).cpuMs);
    ms.push(wall([cli, ...cliArgs]).ms);
    runs.push(report(wall([runner, ...cliArgs]).stderr));
  }
  const m = median(ms);
  const cpu = median(runs.map((r) => r.cpuMs));
  console.log(
    `${label.padEnd(44)} ${Math.round(m).toString().padStart(6)} ms (${range(ms)})  ` +
      `over node ${Math.round(m - median(node))} ms (node ${Math.round(median(node))}, ${range(node)})  ` +
      `cpu ${Math.round(cpu)} ms (over node ${Math.round(cpu - median(nodeCpu))})  ` +
      `peak RSS ${Math.round(Math.max(...runs.map((r) => r.maxRssKb)) / 1024)} MB` +
      extra(m),
  );
  return { median: m, node: median(node) };
}

/** Start-up exactly as users type it: bin/sentinel.js against `node -e 0`, interleaved. */
function startupRow(file, rounds) {
  const node = [];
  const cliMs = [];
  for (let r = 0; r < rounds; r++) {
    node.push(wall(['-e', '0']).ms);
    cliMs.push(wall([cli, 'artifact', file, '--quiet']).ms);
  }
  const over = median(cliMs) - median(node);
  console.log(
    `${'start-up: 1 KB pickle, bin/sentinel.js'.padEnd(44)} ${Math.round(median(cliMs)).toString().padStart(6)} ms ` +
      `(${range(cliMs)})  over node ${Math.round(over)} ms (node ${Math.round(median(node))}, ${range(node)})  ` +
      `[goal <= 25 ms over node]`,
  );
  row('start-up: 1 KB pickle, CPU and RSS', ['artifact', file, '--quiet'], rounds);
}

function smallPickle(i) {
  // A protocol-4 dict {'id': i, 'name': 'item<i>', 'values': [i, i+1, i+2]} padded to about 1-3 KB with a string.
  const name = Buffer.from(`item${i}`);
  const pad = Buffer.alloc(1000 + (i % 2000), 0x61);
  return Buffer.concat([
    Buffer.from([0x80, 4, 0x7d, 0x94, 0x28, 0x8c, 2]),
    Buffer.from('id'),
    Buffer.from([0x94, 0x4a]),
    Buffer.from(Uint32Array.of(i).buffer),
    Buffer.from([0x8c, 4]),
    Buffer.from('name'),
    Buffer.from([0x94, 0x8c, name.length]),
    name,
    Buffer.from([0x94, 0x8c, 3]),
    Buffer.from('pad'),
    Buffer.from([0x94, 0x58]),
    Buffer.from(Uint32Array.of(pad.length).buffer),
    pad,
    Buffer.from([0x94, 0x8c, 6]),
    Buffer.from('values'),
    Buffer.from([0x94, 0x5d, 0x94, 0x28, 0x4b, i & 0xff, 0x4b, (i + 1) & 0xff, 0x4b, (i + 2) & 0xff, 0x65, 0x75, 0x2e]),
  ]);
}

/** A Hugging Face hub cache: models x revisions, files as relative links into blobs/, most blobs shared. */
function hfCache(dir, models, revisions) {
  const hub = join(dir, 'hub');
  rmSync(dir, { recursive: true, force: true }); // a tree left by an earlier run is rebuilt, not added to
  let paths = 0;
  const blobs = new Set();
  for (let m = 0; m < models; m++) {
    const repo = join(hub, `models--org--model-${m}`);
    mkdirSync(join(repo, 'blobs'), { recursive: true });
    mkdirSync(join(repo, 'refs'), { recursive: true });
    for (let r = 0; r < revisions; r++) {
      const rev = createHash('sha1').update(`${m}/${r}`).digest('hex');
      writeFileSync(join(repo, 'refs', 'main'), rev);
      const files = {
        'config.json': Buffer.from(`{"model_type": "gpt2", "n_layer": ${12 + m}}\n`),
        // A new checkpoint in the last revision only; the others share one.
        'pytorch_model.bin': { zip: r === revisions - 1 ? 2 : 1 },
        'training_args.bin': smallPickle(100000 + m * 100 + r),
        'tokenizer/vocab.pkl': smallPickle(m),
        'README.md': Buffer.from(`# model ${m}\n`),
      };
      for (const [name, content] of Object.entries(files)) {
        let key;
        let write;
        if (Buffer.isBuffer(content)) {
          key = createHash('sha256').update(content).digest('hex');
          write = (p) => writeFileSync(p, content);
        } else {
          key = createHash('sha256').update(`zip-${m}-${content.zip}`).digest('hex');
          write = (p) => writeSparseTorchZip(p, 24, 8 * MB);
        }
        const blob = join(repo, 'blobs', key);
        if (!blobs.has(blob)) {
          write(blob);
          blobs.add(blob);
        }
        const link = join(repo, 'snapshots', rev, name);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(relative(dirname(link), blob), link);
        paths++;
      }
    }
  }
  return { hub, paths: paths + models, blobs: blobs.size + models };
}

/** The CLI rows. `dir` is a scratch folder for generated workloads. */
export function cliBench(dir) {
  const jobs = availableParallelism();
  console.log(`\nCLI, process start to exit (load average ${load()}; ${jobs} CPUs; workloads: ${SHARED})`);
  const shared = (name) => (existsSync(join(SHARED, name)) ? join(SHARED, name) : undefined);

  let small = shared('small.pkl');
  if (!small) {
    small = join(dir, 'small.pkl');
    writeFileSync(small, smallPickle(1).subarray(0, 1024));
  }
  startupRow(small, 15);

  for (const [name, sparse, label] of [
    ['ckpt_50mb.pt', [20, 2.5 * MB], 'torch zip 50 MB (GPT-2 shape)'],
    ['ckpt_5gb.pt', [20, 256 * MB], 'torch zip 5 GB (GPT-2-XL shape)'],
  ]) {
    let file = shared(name);
    if (!file) {
      file = join(dir, name);
      writeSparseTorchZip(file, ...sparse);
    }
    row(
      label + (shared(name) ? '' : ', sparse'),
      ['artifact', file, '--quiet'],
      7,
      () => '  [goal <= 40 ms over node]',
    );
  }

  let many = shared('many');
  if (!many) {
    many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 10000; i++) writeFileSync(join(many, `p${i}.pkl`), smallPickle(i));
  }
  const perSecond = (m) => `  ${Math.round(10000 / (m / 1000))} files/s [goal >= 5000 files/s, < 200 MB]`;
  for (const j of [1, jobs])
    row(`10,000 small pickles, --jobs ${j}`, ['artifact', many, '--quiet', '--jobs', String(j)], 3, perSecond);

  const hf = hfCache(join(dir, 'hf'), 8, 3);
  const { scanPaths } = createRequire(import.meta.url)('../bin/load-bundle.js').loadBundle().exports;
  return scanPaths([hf.hub]).then((r) => {
    row(`HF cache: 8 models x 3 revisions`, ['artifact', hf.hub, '--quiet'], 5, () => {
      return `  ${r.files.length} paths reported, ${r.scannedFiles} blobs read (${hf.paths} paths, ${hf.blobs} blobs on disk)`;
    });
    console.log(`load average at the end: ${load()}`);
  });
}
