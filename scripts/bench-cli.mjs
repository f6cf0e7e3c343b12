// The CLI rows of `npm run bench`: what users wait for, process start to exit, with the command they type
// (`sentinel scan PATH`, default output) and, labelled as such, the same with `--quiet`. Each run is interleaved
// with a bare `node -e 0` so that start-up is measured against the floor in the same conditions. Workloads are the
// shared ones written by ../shared/bench/gen.py when they exist ($SENTINEL_BENCH_DIR, default <tmp>/sentinel-bench);
// otherwise equivalents are generated here (the 1 GB and 100 MB pickles only by gen.py: their rows are left out
// without them). Prints medians with ranges, CPU time and peak RSS (all threads) and the machine's load, then the
// table as Markdown. With --peers DIR (or $SENTINEL_BENCH_PEERS), the picklescan, modelscan and modelaudit
// executables found in DIR or DIR/bin are run on the same files in the same rounds (300 s at most): their wall time
// and, through /usr/bin/time where it is installed, their CPU time (user + system, the process and its children).
//   node scripts/bench-cli.mjs [--peers DIR] [--rounds N] [--default-only]   (after `npm run build`)
// --default-only leaves out the rows no peer is run on (--quiet, --jobs 1, the Hugging Face cache).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
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

function wall(args, env, cmd = process.execPath, timeout = undefined) {
  const t0 = performance.now();
  const p = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * MB,
    ...(timeout ? { timeout } : {}),
  });
  const ms = performance.now() - t0;
  if (p.error?.code === 'ETIMEDOUT') return { ms: Infinity, stderr: '' };
  if (cmd === process.execPath && p.status !== 0 && p.status !== 1)
    throw new Error(`${args.join(' ')} failed (${p.status}): ${p.stderr}`);
  return { ms, stderr: p.stderr };
}

/** GNU time: a peer's CPU time (user + system of the process and the children it waited for); Node gives none. */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/** A peer's run: wall time as `wall` takes it, and its CPU time (ms) when /usr/bin/time is installed. */
function peerRun(cmd, args, timeout) {
  if (!hasGnuTime) return { ...wall(args, {}, cmd, timeout), cpuMs: undefined };
  const out = join(mkdtempSync(join(tmpdir(), 'sentinel-bench-time-')), 'time');
  try {
    const r = wall(['-f', '%U %S', '-o', out, cmd, ...args], {}, GNU_TIME, timeout);
    const [user, sys] = existsSync(out)
      ? readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number)
      : [];
    const cpuMs = r.ms === Infinity || !Number.isFinite(user + sys) ? undefined : (user + sys) * 1000;
    return { ms: r.ms, cpuMs };
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
}

const secs = (ms) =>
  ms === Infinity ? '> 300 s' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;

/** The peer scanners found in `dir` (or dir/bin), each with the command line it is given a path with. */
function findPeers(dir) {
  if (!dir) return [];
  const exe = (name) => [join(dir, name), join(dir, 'bin', name)].find((p) => existsSync(p));
  return [
    ['picklescan', (f) => ['--path', f]],
    ['modelscan', (f) => ['-p', f]],
    ['modelaudit', (f) => ['scan', f]],
  ]
    .map(([name, args]) => ({ name, path: exe(name), args }))
    .filter((p) => p.path);
}

/** Rows of the Markdown table printed at the end. */
const table = [];

/**
 * `rounds` interleaved runs of bare node, the CLI as users type it (bin/sentinel.js: the wall time), the CLI through
 * the reporting runner (CPU time and peak RSS of all threads; the runner's own exit report costs ~2 ms of wall time
 * that users do not wait for, so its wall time is not the row's) and each peer; one printed row.
 */
function row(label, cliArgs, rounds, { extra = () => '', peers = [], path } = {}) {
  const node = [];
  const nodeCpu = [];
  const ms = [];
  const runs = [];
  const peerMs = peers.map(() => []);
  const peerCpu = peers.map(() => []);
  const report = (stderr) => JSON.parse(stderr.trim().split('\n').pop());
  for (let r = 0; r < rounds; r++) {
    node.push(wall(['-e', '0']).ms);
    nodeCpu.push(report(wall([runner], { BENCH_BARE: '1' }).stderr).cpuMs);
    ms.push(wall([cli, ...cliArgs]).ms);
    runs.push(report(wall([runner, ...cliArgs]).stderr));
    peers.forEach((p, k) => {
      // A peer past 30 s is run once (ModelAudit takes minutes on the large workloads).
      if (r > 0 && peerMs[k][0] > 30_000) return;
      const run = peerRun(p.path, p.args(path), 300_000);
      peerMs[k].push(run.ms);
      if (run.cpuMs !== undefined) peerCpu[k].push(run.cpuMs);
    });
  }
  const m = median(ms);
  const cpu = median(runs.map((r) => r.cpuMs));
  const cpuNode = median(nodeCpu);
  const rss = Math.round(Math.max(...runs.map((r) => r.maxRssKb)) / 1024);
  console.log(
    `${label.padEnd(44)} ${Math.round(m).toString().padStart(6)} ms (${range(ms)})  ` +
      `over node ${Math.round(m - median(node))} ms (node ${Math.round(median(node))}, ${range(node)})  ` +
      `cpu ${Math.round(cpu)} ms (over node ${Math.round(cpu - cpuNode)})  ` +
      `peak RSS ${rss} MB` +
      peers
        .map(
          (p, k) =>
            `  ${p.name} ${secs(median(peerMs[k]))}${peerCpu[k].length ? ` cpu ${secs(median(peerCpu[k]))}` : ''}`,
        )
        .join('') +
      extra(m),
  );
  table.push({
    label,
    cells: [
      `${secs(m)} (${range(ms)})`,
      `${Math.round(cpu)} ms`,
      `${Math.round(cpu - cpuNode)} ms`,
      `${rss} MB`,
      ...peerMs.flatMap((xs, k) => [secs(median(xs)), peerCpu[k].length ? secs(median(peerCpu[k])) : '']),
    ],
  });
  return { median: m, node: median(node) };
}

/** Only the default command's rows (set by --default-only): no --quiet, --jobs 1 or Hugging Face cache rows. */
let defaultOnly = false;

/** The same workload with the default command and, labelled, with --quiet. */
function rows(label, file, extraArgs, rounds, opts = {}) {
  row(label, ['scan', file, ...extraArgs], rounds, { ...opts, path: file });
  if (!defaultOnly) row(`${label} (--quiet)`, ['scan', file, '--quiet', ...extraArgs], rounds, { extra: opts.extra });
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

/** The CLI rows. `dir` is a scratch folder for generated workloads; `peers` a folder of peer scanners. */
export function cliBench(
  dir,
  { peers: peersDir = process.env.SENTINEL_BENCH_PEERS, rounds = 5, defaultOnly: only = false } = {},
) {
  defaultOnly = only;
  const jobs = availableParallelism();
  const peers = findPeers(peersDir);
  const started = load();
  console.log(`\nCLI, process start to exit (load average ${started}; ${jobs} CPUs; workloads: ${SHARED})`);
  if (peers.length) console.log(`peers: ${peers.map((p) => p.path).join(', ')}`);
  const shared = (name) => (existsSync(join(SHARED, name)) ? join(SHARED, name) : undefined);

  let small = shared('small.pkl');
  if (!small) {
    small = join(dir, 'small.pkl');
    writeFileSync(small, smallPickle(1).subarray(0, 1024));
  }
  rows('1 KB pickle', small, [], rounds * 3, { peers });
  let evil = shared('evil_small.pkl');
  if (!evil) {
    // posix.system('id') (protocol 0), padded to 1 KB by a string pushed and popped after the call.
    evil = join(dir, 'evil_small.pkl');
    writeFileSync(
      evil,
      Buffer.concat([Buffer.from("cposix\nsystem\n(S'id'\ntR0S'"), Buffer.alloc(995, 0x61), Buffer.from("'\n0.")]),
    );
  }
  rows('1 KB malicious pickle', evil, [], rounds * 3, { peers });

  for (const [name, sparse, label] of [
    ['ckpt_50mb.pt', [20, 2.5 * MB], '50 MB torch checkpoint'],
    ['big_tensor.pkl', undefined, '1 GB tensor-heavy pickle'],
    ['dense.pkl', undefined, '100 MB opcode-dense pickle'],
    ['ckpt_5gb.pt', [20, 256 * MB], '5 GB torch checkpoint'],
  ]) {
    let file = shared(name);
    if (!file && !sparse) {
      console.log(`${label}: not generated (run ../shared/bench/gen.py)`);
      continue;
    }
    if (!file) {
      file = join(dir, name);
      writeSparseTorchZip(file, ...sparse);
    }
    rows(label + (shared(name) ? '' : ' (sparse)'), file, [], rounds, { peers });
  }

  let many = shared('many');
  if (!many) {
    many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 10000; i++) writeFileSync(join(many, `p${i}.pkl`), smallPickle(i));
  }
  const perSecond = (m) => `  ${Math.round(10000 / (m / 1000))} files/s`;
  rows('10,000 small pickles (folder)', many, [], 3, { extra: perSecond, peers });
  if (!defaultOnly) rows('10,000 small pickles, --jobs 1', many, ['--jobs', '1'], 3, { extra: perSecond });

  const hf = defaultOnly ? undefined : hfCache(join(dir, 'hf'), 8, 3);
  const { scanPaths } = createRequire(import.meta.url)('../bin/load-bundle.js').loadBundle().exports;
  return (hf ? scanPaths([hf.hub]) : Promise.resolve(undefined)).then((r) => {
    if (hf)
      row(`HF cache: 8 models x 3 revisions`, ['scan', hf.hub], rounds, {
        extra: () =>
          `  ${r.files.length} paths reported, ${r.scannedFiles} blobs read (${hf.paths} paths, ${hf.blobs} blobs on disk)`,
      });
    const ended = load();
    console.log(`load average at the end: ${ended}`);
    console.log(
      `\n| workload | Sentinel wall, median (range) | CPU | CPU over bare node | peak RSS |` +
        peers.map((p) => ` ${p.name} wall | ${p.name} CPU |`).join('') +
        `\n|---|---|---|---|---|` +
        peers.map(() => '---|---|').join(''),
    );
    for (const t of table) {
      const cells = [...t.cells];
      while (cells.length < 4 + 2 * peers.length) cells.push('');
      console.log(`| ${t.label} | ${cells.join(' | ')} |`);
    }
    console.log(`\nload average (1, 5, 15 min): ${started} at the start, ${ended} at the end`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-cli-'));
  const peers = arg('--peers');
  const rounds = arg('--rounds');
  cliBench(dir, {
    ...(peers ? { peers } : {}),
    ...(rounds ? { rounds: Number(rounds) } : {}),
    defaultOnly: process.argv.includes('--default-only'),
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}
