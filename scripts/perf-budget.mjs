#!/usr/bin/env node
// The CI performance budget: instructions executed by the CLI (valgrind's cachegrind, every thread of the process) on
// fixed workloads written deterministically at run time (scripts/perf-workloads.mjs), against the budgets in
// scripts/perf-budget.json. Instruction counts do not depend on the machine's load, so the check cannot be flaky the
// way a timing is, once V8 itself is made deterministic (docs/performance-budget.md): `--predictable` (one thread,
// no concurrent compilation or marking), a fixed `--random-seed`, and `--predictable-gc-schedule` (fixed heap growth:
// otherwise V8 sizes its heap from measured allocation and collection speeds, so how many collections a large input
// costs follows the machine's load). The last flag is part of V8's code-cache key, so the script first warms the
// code cache the build writes, under these flags (bin/load-bundle.js keeps it beside the build's own), and every
// measured run loads it as a user's run loads the build's.
//
//   node scripts/perf-budget.mjs             measure, print the table, exit 1 when a workload exceeds its budget
//                                            by more than 10 %
//   node scripts/perf-budget.mjs --update    measure and write the figures as the new budgets (a cheaper
//                                            workload lowers its budget, a dearer one raises it: say why)
//   --only NAME,…                            measure only these workloads (with --update, only these change)
//
// Needs the built CLI (npm run build) and valgrind (Debian's package). Wall-clock speed is `npm run bench`'s.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWorkloads } from './perf-workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BUDGETS = join(here, 'perf-budget.json');
const CLI = join(root, 'bin', 'sentinel.js');
const TOLERANCE = 0.1;
/** V8 flags of every measured run (and of the code-cache warm-up before them). */
const NODE_FLAGS = ['--predictable', '--random-seed=1', '--predictable-gc-schedule', '--no-incremental-marking'];

/**
 * The workloads: the command a user types on each input. The default text report takes no file digest
 * (docs/digests.md), so a checkpoint's run reads its zip directory and pickles only, as a user's does. The folder
 * runs on one thread (--jobs 1): worker threads would split the files by timing.
 */
const WORKLOADS = [
  { name: 'startup-1kb', what: '1 KB benign pickle', args: (w) => ['artifact', w.small] },
  { name: 'startup-1kb-malicious', what: '1 KB malicious pickle (exit 1)', args: (w) => ['artifact', w.evil] },
  { name: 'ckpt-50mb', what: '50 MB torch zip checkpoint', args: (w) => ['artifact', w.ckpt50] },
  {
    name: 'ckpt-5gb-sparse',
    what: '5 GB torch zip checkpoint (sparse)',
    args: (w) => ['artifact', w.ckpt5g],
  },
  {
    name: 'many-1000',
    what: '1,000 small pickles of 7 kinds (folder, --jobs 1)',
    args: (w) => ['artifact', w.many, '--jobs', '1'],
  },
  { name: 'dense-10mb', what: '10 MB opcode-dense pickle', args: (w) => ['artifact', w.dense] },
  // One Python file named alone (pre-commit, diff-based CI): the DESER rules only, and every rule. These load the
  // Python-warmed code cache (bin/load-bundle.js pythonCacheFor).
  {
    name: 'deser-file-rule',
    what: '290-line model-serving module, --rule DESER (exit 1)',
    args: (w) => ['artifact', w.serving, '--rule', 'DESER'],
    python: true,
  },
  {
    name: 'deser-file',
    what: '290-line model-serving module, every rule (exit 1)',
    args: (w) => ['artifact', w.serving],
    python: true,
  },
];

function parseArgs(argv) {
  const opts = { update: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--update') opts.update = true;
    else if (a === '--only') opts.only = new Set(String(argv[++i] ?? '').split(','));
    else if (a.startsWith('--only=')) opts.only = new Set(a.slice(7).split(','));
    else {
      process.stderr.write(`perf-budget: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return opts;
}

function valgrindVersion() {
  const r = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The code cache a run under NODE_FLAGS loads (bin/load-bundle.js names it by the options the process started with). */
const { keyedCacheFile, CACHE, PY_CACHE } = createRequire(import.meta.url)('../bin/load-bundle.js');
const started = [...NODE_FLAGS, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
const FLAGS_CACHE = keyedCacheFile(CACHE, started);
/** The Python-warmed one, which a run naming a Python file loads. */
const FLAGS_PY_CACHE = keyedCacheFile(PY_CACHE, started);

/** Instructions executed by `node NODE_FLAGS bin/sentinel.js ...args` (all threads), and its exit status. */
function measure(args, python = false) {
  const cache = python ? FLAGS_PY_CACHE : FLAGS_CACHE;
  const cacheBefore = statSync(cache).mtimeMs;
  const r = spawnSync(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--branch-sim=no',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      ...NODE_FLAGS,
      CLI,
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
  );
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`valgrind gave no instruction count (status ${r.status}):\n${String(r.stderr).slice(-2000)}`);
  // A rejected cache would be rewritten by the run (bin/sentinel.js): the figure would include compiling the bundle.
  if (statSync(cache).mtimeMs !== cacheBefore) throw new Error(`the measured run did not load ${cache}`);
  return { instructions: Number(m[1].replaceAll(',', '')), status: r.status };
}

const fmtM = (n) => `${(n / 1e6).toFixed(1)} M`;

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const vg = valgrindVersion();
  if (!vg) {
    process.stderr.write('perf-budget: valgrind is not installed (Debian: apt-get install valgrind)\n');
    process.exit(2);
  }
  if (!existsSync(join(root, 'dist', 'bin', 'sentinel.js'))) {
    process.stderr.write('perf-budget: the CLI is not built: run `npm run build`\n');
    process.exit(2);
  }
  const saved = existsSync(BUDGETS) ? JSON.parse(readFileSync(BUDGETS, 'utf8')) : { workloads: {} };
  const sameNode = saved.node === process.version;
  if (!opts.update && saved.node && !sameNode) {
    process.stderr.write(
      `perf-budget: the budgets were measured on Node ${saved.node}, this is ${process.version}: instruction counts ` +
        'differ between Node releases; run `node scripts/perf-budget.mjs --update` on this Node and commit the budgets\n',
    );
    process.exit(1);
  }
  // The build's warm-up, under NODE_FLAGS: the code cache the measured runs load (scripts/warm-code-cache.cjs).
  execFileSync(process.execPath, [...NODE_FLAGS, join(here, 'warm-code-cache.cjs')], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-perf-'));
  let failed = 0;
  const rows = [];
  try {
    const w = writeWorkloads(dir);
    for (const wl of WORKLOADS) {
      if (opts.only && !opts.only.has(wl.name)) continue;
      const { instructions, status } = measure(wl.args(w), wl.python === true);
      const budget = saved.workloads?.[wl.name]?.instructions;
      const ratio = budget ? instructions / budget : undefined;
      let verdict = 'no budget';
      if (ratio !== undefined) {
        if (ratio > 1 + TOLERANCE) verdict = 'OVER BUDGET';
        else if (ratio < 1 - TOLERANCE) verdict = 'cheaper: lower the budget (--update)';
        else verdict = 'ok';
      }
      if (!opts.update && verdict === 'OVER BUDGET') failed++;
      if (!opts.update && verdict === 'no budget') failed++;
      rows.push({ ...wl, instructions, status, budget, ratio, verdict });
      process.stdout.write(
        `${wl.name.padEnd(24)} ${fmtM(instructions).padStart(12)}  budget ${budget ? fmtM(budget) : '-'}` +
          `${ratio !== undefined ? `  (${((ratio - 1) * 100).toFixed(1)} %)` : ''}  exit ${status}  ${verdict}  — ${wl.what}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (opts.update) {
    const next = {
      note: 'Instructions (valgrind cachegrind, all threads) of the CLI per workload; scripts/perf-budget.mjs checks them (+10 %).',
      node: process.version,
      valgrind: vg,
      tolerance: TOLERANCE,
      workloads: { ...(saved.workloads ?? {}) },
    };
    for (const r of rows) next.workloads[r.name] = { what: r.what, instructions: r.instructions };
    writeFileSync(BUDGETS, `${JSON.stringify(next, null, 2)}\n`);
    process.stdout.write(`perf-budget: wrote ${rows.length} budget(s) to scripts/perf-budget.json\n`);
    return;
  }
  if (failed) {
    process.stdout.write(
      `perf-budget: FAILED: ${failed} workload(s) over budget by more than ${TOLERANCE * 100} % (or without one); ` +
        'a deliberate cost: `node scripts/perf-budget.mjs --update` and say why in the commit\n',
    );
    process.exitCode = 1;
  } else process.stdout.write(`perf-budget: ${rows.length} workload(s) within budget (+${TOLERANCE * 100} %)\n`);
}

main();
