// The built CLI delays V8's tier-up of large functions for a run that scans one large file, and the wasm tier-up of
// the Python grammar with it for a run that scans one file of any size that it parses (src/cli/v8-tiering.ts), and
// only then; a folder scan inlines less once 64 files have been scanned on the CLI's own thread (empty files and
// files scanned on worker threads do not count);
// V8's defaults are back before it writes a code cache, so the next start still accepts the cache.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { P } from '../helpers/pickle-builder.js';

const REPO = new URL('../../', import.meta.url).pathname;
const MEASURED_V8 = process.versions.v8.startsWith('11.3.');
const DELAY = '--bytecode-size-allowance-per-tick=20';
const RESTORE = '--bytecode-size-allowance-per-tick=150';
const WASM_DELAY = '--wasm-tiering-budget=180000000';
const WASM_RESTORE = '--wasm-tiering-budget=1800000';
const INLINE = '--max-inlined-bytecode-size-cumulative=230';
const INLINE_RESTORE = '--max-inlined-bytecode-size-cumulative=920';
let dir: string;

/** A plain pickle of about `bytes` bytes (one BINBYTES value). */
function pickleOf(bytes: number): Uint8Array {
  return new P().proto(4).bb(new Uint8Array(bytes)).stop().bytes();
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-tiering-'));
  writeFileSync(join(dir, 'big.pkl'), pickleOf(2 * 1024 * 1024));
  writeFileSync(join(dir, 'big2.pkl'), pickleOf(2 * 1024 * 1024));
  writeFileSync(join(dir, 'small.pkl'), pickleOf(1000));
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'folder', 'big.pkl'), pickleOf(2 * 1024 * 1024));
  writeFileSync(join(dir, 'serve.py'), 'import pickle\n\ndef load(path):\n    return open(path).read()\n');
  mkdirSync(join(dir, 'code'));
  writeFileSync(join(dir, 'code', 'serve.py'), 'import pickle\n\ndef load(path):\n    return open(path).read()\n');
  // Folders of small pickles: 64 and 63 files, 63 beside empty ones, and 300 (enough for the worker pool).
  for (const [name, files, empty] of [
    ['f64', 64, 0],
    ['f63', 63, 0],
    ['f63e', 63, 10],
    ['f300', 300, 0],
  ] as const) {
    mkdirSync(join(dir, name));
    for (let i = 0; i < files; i++) writeFileSync(join(dir, name, `p${i}.pkl`), pickleOf(100 + i));
    for (let i = 0; i < empty; i++) writeFileSync(join(dir, name, `e${i}.pkl`), '');
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The V8 flags the CLI sets while running `args` in a fresh node (the bundle loaded as bin/sentinel.js does). */
function flagsSetBy(args: string[], root = REPO): { code: number; during: string[]; restored: string[] } {
  const script = `const v8 = require('node:v8');
const calls = [];
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (f) => { calls.push(f); set(f); };
const bundle = require(${JSON.stringify(join(root, 'bin', 'load-bundle.js'))}).loadBundle();
const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {} };
bundle.exports.main(${JSON.stringify(args)}, io).then((code) => {
  const during = calls.splice(0);
  bundle.exports.restoreTierUp();
  process.stdout.write(JSON.stringify({ code, during, restored: calls }));
});`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
    code: number;
    during: string[];
    restored: string[];
  };
}

describe('V8 tier-up in the built CLI', () => {
  // `delayed`: the flags set during the run, in order (restored in the reverse kind order: wasm first).
  const cases: { name: string; args: () => string[]; delayed: string[]; exit?: number }[] = [
    { name: 'one regular file of 2 MiB', args: () => [join(dir, 'big.pkl')], delayed: [DELAY] },
    { name: 'one file under 1 MiB', args: () => [join(dir, 'small.pkl')], delayed: [] },
    { name: 'one small Python file', args: () => [join(dir, 'serve.py')], delayed: [WASM_DELAY, DELAY] },
    { name: 'a directory', args: () => [join(dir, 'folder')], delayed: [] },
    { name: 'a directory of Python code', args: () => [join(dir, 'code')], delayed: [] },
    { name: 'two large files', args: () => [join(dir, 'big.pkl'), join(dir, 'big2.pkl')], delayed: [] },
    { name: 'a path that does not exist', args: () => [join(dir, 'missing.pkl')], delayed: [] },
    { name: 'a path through a regular file', args: () => [join(dir, 'big.pkl', 'x')], delayed: [] },
    { name: 'a folder of 64 small pickles', args: () => [join(dir, 'f64')], delayed: [INLINE] },
    { name: 'a folder of 63 small pickles', args: () => [join(dir, 'f63')], delayed: [] },
    // An empty .pkl is itself a finding, a MEDIUM ticket (the gate passes).
    { name: 'a folder of 63 small pickles and 10 empty files', args: () => [join(dir, 'f63e')], delayed: [] },
    { name: 'two folders of 63 and 64 files', args: () => [join(dir, 'f63'), join(dir, 'f64')], delayed: [INLINE] },
    {
      name: 'a folder of 300 small pickles on one thread',
      args: () => [join(dir, 'f300'), '--jobs', '1'],
      delayed: [INLINE],
    },
    {
      name: 'a folder of 300 small pickles on two workers',
      args: () => [join(dir, 'f300'), '--jobs', '2'],
      delayed: [],
    },
  ];
  const restoreOf = (f: string): string => (f === DELAY ? RESTORE : f === INLINE ? INLINE_RESTORE : WASM_RESTORE);
  for (const c of cases) {
    it(`${c.name}: ${c.delayed.length > 0 ? 'delayed, then restored' : 'left to V8'}`, () => {
      const r = flagsSetBy(['artifact', ...c.args(), '--quiet']);
      const delayed = MEASURED_V8 ? c.delayed : [];
      assert.deepEqual(r.during, delayed);
      assert.deepEqual(
        r.restored,
        [...delayed].sort((a, b) => Number(b === WASM_DELAY) - Number(a === WASM_DELAY)).map(restoreOf),
      );
      // A path that names no file is the operator's mistake (exit 2, before any scan).
      assert.equal(r.code, c.exit ?? (c.name.startsWith('a path') ? 2 : 0));
    });
  }

  it('a one-file run that writes the code cache leaves one the next start accepts', () => {
    // A copy of the built CLI without its cache: the run compiles, scans one large file, then writes the cache.
    const root = mkdtempSync(join(tmpdir(), 'sentinel-tiering-cli-'));
    try {
      cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
      cpSync(join(REPO, 'dist', 'bin'), join(root, 'dist', 'bin'), { recursive: true });
      rmSync(join(root, 'dist', 'bin', 'sentinel.js.cache'));
      const run = spawnSync(process.execPath, [join(root, 'bin', 'sentinel.js'), 'artifact', join(dir, 'big.pkl')], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const used = execFileSync(
        process.execPath,
        [
          '-e',
          `process.stdout.write(String(require(${JSON.stringify(join(root, 'bin', 'load-bundle.js'))}).loadBundle().cacheUsed))`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(used, 'true', 'the cache written after a one-file run was rejected at the next start');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
