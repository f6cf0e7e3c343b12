// `npm run test:unit` (or `node scripts/test-run.mjs FILE...`): runs the fast tier's test files (scripts/test-files.mjs) in a few processes instead of one
// process per file. Most files only call the sources and assert on what they return, so they share a process
// (scripts/test-shard.mjs), one per core, and the sources and data tables they import are loaded once per process
// rather than once per file. A file that changes what every file in its process sees — the working directory, the
// process's exit code or event handlers, node:test mocks — runs alone, as `node --test` runs it, found by those calls
// in its text. Each process's spec output is printed when it ends (never interleaved), then the skipped tests and the
// count of the whole run (scripts/test-skips-reporter.mjs over the events every process wrote).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFiles } from './test-files.mjs';
import skipsReporter from './test-skips-reporter.mjs';

const ALONE = /process\.chdir\(|process\.exitCode|process\.on\(|\bmock\.(method|timers|fn|module|getter|setter)\b/;
const LOADER = ['--import', './scripts/test-ts-loader.mjs'];

// The fast tier, or the test files named on the command line.
const files = process.argv.length > 2 ? process.argv.slice(2) : testFiles('fast');
const alone = files.filter((f) => ALONE.test(readFileSync(f, 'utf8')));
const shared = files.filter((f) => !alone.includes(f));
const cores = Math.max(1, Math.min(availableParallelism(), 8));
// Shards balanced by file size (a fair proxy for a file's work), largest first.
const shards = Array.from({ length: cores }, () => ({ files: [], bytes: 0 }));
for (const f of [...shared].sort((a, b) => statSync(b).size - statSync(a).size)) {
  const s = shards.reduce((m, x) => (x.bytes < m.bytes ? x : m));
  s.files.push(f);
  s.bytes += statSync(f).size;
}
const dir = mkdtempSync(join(tmpdir(), 'sentinel-test-run-'));
const jobs = [
  ...(alone.length ? [{ label: `${alone.length} files, one process each`, args: ['--test', ...alone] }] : []),
  ...shards
    .filter((s) => s.files.length)
    .map((s, i) => ({
      label: `shard ${i + 1}: ${s.files.length} files in one process`,
      args: ['./scripts/test-shard.mjs', ...s.files.sort()],
    })),
].map((j, i) => ({ ...j, events: join(dir, `${i}.jsonl`) }));

process.stdout.write(
  `Running ${files.length} test files: ${shared.length} in ${jobs.length - (alone.length ? 1 : 0)} shared processes, ` +
    `${alone.length} alone\n`,
);

// A runner started from inside a test (its own test does so) must not hand the children the parent's node:test
// context, which would make them stream events to a parent that is not listening instead of reporting.
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

function run(job) {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        ...LOADER,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./scripts/test-events-reporter.mjs',
        `--test-reporter-destination=${job.events}`,
        ...job.args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n## ${job.label}\n`);
      process.stdout.write(Buffer.concat(out));
      done(code === 0 && signal === null);
    });
  });
}

// At most one process per core at a time: the lone files' process first (its files run one after another).
const queue = [...jobs];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(cores, queue.length) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) results.push(await run(job));
  }),
);

async function* events() {
  for (const j of jobs) {
    let text = '';
    try {
      text = readFileSync(j.events, 'utf8');
    } catch {
      continue; // the process died before its reporter wrote anything: its exit status fails the run
    }
    for (const line of text.split('\n')) if (line) yield JSON.parse(line);
  }
}
let summary = '';
for await (const chunk of skipsReporter(events())) summary += chunk;
rmSync(dir, { recursive: true, force: true });
const ok = results.every(Boolean);
process.stdout.write(`\n${summary}${ok ? '' : 'A test process failed (its output is above).\n'}`);
process.exitCode = ok ? 0 : 1;
