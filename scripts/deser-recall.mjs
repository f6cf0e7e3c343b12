#!/usr/bin/env node
// DESER recall on published advisories: materializes, for every entry of
// test/fixtures/deser-advisories/manifest.json, the listed files at the commit before the fix (vulnerable) and at the
// fix (its benign twin) from git mirrors of the repositories, then scans each version as one project with
// `sentinel artifact <dir> --rule DESER --format json`. An entry whose `fixed` is null (no fix published at the
// snapshot) has no twin: only its vulnerable version is scanned. An advisory is found when a DESER finding sits in
// the sink file on a line containing one of the sink texts; the twin is judged on the same lines of the fixed
// version.
// The repositories' files are never committed: bring the mirrors (e.g. `git clone --bare https://github.com/<owner>/<name>`,
// which leaves a bare git directory at <mirrors>/<owner>+<name>/repo, or `git clone --mirror`), then run:
//   node scripts/deser-recall.mjs [--no-build] [--mirrors=/work/.mirror] [--out=DIR] [--only=id,id]
//                                 [--materialize-only] [--json=FILE]
// --out keeps the materialized tree (default: a temp dir removed at the end); the test
// test/rules/deser-advisories.test.ts reads such a tree from $SENTINEL_DESER_ADVISORIES.
// Exit 0 when every entry could be materialized and scanned; 2 when a mirror or commit is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const mirrors = opt('mirrors', process.env.SENTINEL_MIRRORS ?? '/work/.mirror');
const only = opt('only', '')
  .split(',')
  .filter((s) => s !== '');
const keep = opt('out', undefined);
const out = keep ?? mkdtempSync(join(tmpdir(), 'deser-advisories-'));
const manifest = JSON.parse(readFileSync(join(root, 'test/fixtures/deser-advisories/manifest.json'), 'utf8'));

function gitDir(repo) {
  const base = join(mirrors, repo.replace('/', '+'));
  for (const d of [join(base, 'repo'), base, `${base}.git`]) if (existsSync(join(d, 'HEAD'))) return d;
  return undefined;
}

function show(dir, commit, path) {
  const r = spawnSync('git', ['--git-dir', dir, 'show', `${commit}:${path}`], { maxBuffer: 1 << 28 });
  return r.status === 0 ? r.stdout : undefined;
}

/** Writes the entry's files at both commits under out/<id>/{vulnerable,fixed}; returns an error text or undefined. */
function materialize(a) {
  const dir = gitDir(a.repo);
  if (dir === undefined) return `no mirror of ${a.repo} under ${mirrors}`;
  for (const [version, commit] of [
    ['vulnerable', a.vulnerable],
    ['fixed', a.fixed],
  ]) {
    if (commit === null) continue; // no fix published at the snapshot: no benign twin
    let wrote = 0;
    for (const p of a.paths) {
      const bytes = show(dir, commit, p);
      if (bytes === undefined) continue; // removed by the fix, or absent before it
      const dest = join(out, a.id, version, p);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, bytes);
      wrote++;
    }
    if (version === 'vulnerable' && wrote === 0) return `${a.repo}@${commit}: none of the paths exist`;
    mkdirSync(join(out, a.id, version), { recursive: true });
  }
  return undefined;
}

function scan(dir) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin/sentinel.js'), 'artifact', dir, '--rule', 'DESER', '--format', 'json'],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (r.stdout.trim() === '' && r.stderr.includes('nothing to scan')) return []; // every file removed by the fix
  if (r.stdout.trim() === '') throw new Error(`sentinel gave no report for ${dir}: ${r.stderr}`);
  return JSON.parse(r.stdout).findings.filter((f) => f.ruleId.startsWith('DESER-'));
}

/** DESER findings on the advisory's sink lines of one version. */
function atSink(a, version, findings) {
  const base = join(out, a.id, version);
  const sinkPath = join(base, a.sink.file);
  const lines = existsSync(sinkPath) ? readFileSync(sinkPath, 'utf8').split('\n') : [];
  return findings.filter((f) => {
    if (relative(base, f.location.chain[0]) !== a.sink.file) return false;
    const text = lines[(f.location.line ?? 0) - 1] ?? '';
    return a.sink.text.some((t) => text.includes(t));
  });
}

if (!args.includes('--no-build') && !args.includes('--materialize-only'))
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const rows = [];
let missing = 0;
for (const a of manifest.advisories) {
  if (only.length > 0 && !only.includes(a.id)) continue;
  const err = materialize(a);
  if (err !== undefined) {
    console.log(`${a.id}: not materialized (${err})`);
    missing++;
    continue;
  }
  if (args.includes('--materialize-only')) continue;
  const vuln = scan(join(out, a.id, 'vulnerable'));
  const fixed = a.fixed === null ? [] : scan(join(out, a.id, 'fixed'));
  const hit = atSink(a, 'vulnerable', vuln);
  const twinHit = atSink(a, 'fixed', fixed);
  const row = {
    id: a.id,
    advisory: a.advisory,
    sourceClass: a.sourceClass,
    found: hit.length > 0,
    rules: [...new Set(hit.map((f) => f.ruleId))],
    sinkFindings: hit.map((f) => `${a.sink.file}:${f.location.line} ${f.ruleId} (${f.evidence.confidence})`),
    otherFindings: vuln.length - hit.length,
    twinAtSink: twinHit.length,
    twinExpected: a.twin,
    twinOk: a.twin === 'clean' ? twinHit.length === 0 : true, // `still-reported` and `none` (no fix) are not judged
  };
  rows.push(row);
  console.log(
    `${row.found ? 'FOUND ' : 'missed'} ${a.id} [${a.sourceClass}] ${row.sinkFindings.join('; ')}` +
      ` | other findings ${row.otherFindings} | twin at sink: ${row.twinAtSink} (${a.twin})${row.twinOk ? '' : ' TWIN-FAIL'}`,
  );
}
if (rows.length > 0) {
  const found = rows.filter((r) => r.found).length;
  console.log(
    `\nrecall: ${found} / ${rows.length}; benign twins judged clean as expected: ${rows.filter((r) => r.twinOk).length} / ${rows.length}`,
  );
}
const json = opt('json', undefined);
if (json !== undefined) writeFileSync(json, JSON.stringify(rows, null, 2) + '\n');
if (keep === undefined) rmSync(out, { recursive: true, force: true });
else console.log(`materialized under ${out}`);
process.exit(missing > 0 ? 2 : 0);
