#!/usr/bin/env node
// DESER recall on a held-out advisory set (default scripts/data/deser-holdout-2.json): published deserialization
// RCEs in Python AI/ML code that DESER was not developed on. For every case the listed package folders (or files) are
// materialized from a git mirror of the repository at the vulnerable commit and, when a fix is published, at the fixed
// commit (its benign twin); each version is scanned as one project with
// `sentinel scan <dir> --rule DESER --format json`.
//   found      a DESER finding in the sink file within 2 lines of a sink line of the vulnerable version
//   twin clean (twin "clean" only) no DESER finding in the sink file of the fixed version on a line containing
//              one of the sink texts
// The set is measured once, as it is: nothing in it is tuned against.
// The repositories' files are never committed: bring bare mirrors first, one per repository, at
// <mirrors>/<owner>+<name>/repo (e.g. `git clone --bare https://github.com/<owner>/<name> <mirrors>/<owner>+<name>/repo`),
// then run:
//   node scripts/deser-holdout.mjs [--no-build] [--mirrors=/work/.mirror] [--manifest=FILE] [--out=DIR]
//                                  [--only=id,id] [--sentinel=PATH/bin/sentinel.js] [--materialize-only] [--json=FILE]
// --sentinel scans with another built checkout (e.g. the main branch) instead of this one (then nothing is built).
// --out keeps the materialized trees (default: a temp dir removed at the end).
// A case whose mirror or commit is absent is skipped with a message naming the repository and the clone command;
// the exit code is then 2 (0 when every case was scanned).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const mirrors = resolve(opt('mirrors', process.env.SENTINEL_MIRRORS ?? '/work/.mirror'));
const manifestPath = resolve(opt('manifest', join(root, 'scripts/data/deser-holdout-2.json')));
const sentinel = resolve(opt('sentinel', join(root, 'bin/sentinel.js')));
const only = opt('only', '')
  .split(',')
  .filter((s) => s !== '');
const keep = opt('out', undefined);
const out = keep === undefined ? mkdtempSync(join(tmpdir(), 'deser-holdout-')) : resolve(keep);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
/** Lines either side of a sink line that still count as the sink (a call split over lines, a decorator shift). */
const SLACK = 2;

function gitDir(repo) {
  const base = join(mirrors, repo.replace('/', '+'));
  for (const d of [join(base, 'repo'), base, `${base}.git`]) if (existsSync(join(d, 'HEAD'))) return d;
  return undefined;
}

function hasCommit(dir, commit) {
  return spawnSync('git', ['--git-dir', dir, 'cat-file', '-e', `${commit}^{commit}`]).status === 0;
}

/** Extracts the case's paths at one commit into dest; returns an error text or undefined. A mirror may lack the
 * blobs of its largest files: those files are left out (they are data or assets, never the Python read here). */
function extract(dir, commit, paths, dest) {
  const ls = spawnSync('git', ['--git-dir', dir, 'ls-tree', '-r', commit, '--', ...paths], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const entries = (ls.status === 0 ? ls.stdout.split('\n') : [])
    .map((l) => /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(l))
    .filter((m) => m !== null);
  mkdirSync(dest, { recursive: true });
  if (entries.length === 0) return `none of ${paths.join(', ')} exists at ${commit}`;
  const check = spawnSync('git', ['--git-dir', dir, 'cat-file', '--batch-check'], {
    input: entries.map((m) => m[1]).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const absent = new Set(
    check.stdout
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  const present = entries.filter((m) => !absent.has(m[1])).map((m) => m[2]);
  const tar = spawnSync('git', ['--git-dir', dir, 'archive', '--format=tar', commit, '--', ...present], {
    maxBuffer: 1 << 30,
  });
  if (tar.status !== 0) return `git archive failed at ${commit}: ${tar.stderr.toString().trim()}`;
  const x = spawnSync('tar', ['-x', '-C', dest], { input: tar.stdout, maxBuffer: 1 << 26 });
  if (x.status !== 0) return `tar failed: ${x.stderr.toString().trim()}`;
  return undefined;
}

/** Writes the case's trees under out/<id>/{vulnerable,fixed}; returns an error text or undefined. */
function materialize(c) {
  const dir = gitDir(c.repo);
  if (dir === undefined) return { missing: true, error: `no mirror of ${c.repo} under ${mirrors}` };
  for (const commit of [c.vulnerable, c.fixed]) {
    if (commit !== null && !hasCommit(dir, commit))
      return { missing: true, error: `${c.repo}: commit ${commit} is not in the mirror (fetch it again)` };
  }
  rmSync(join(out, c.id), { recursive: true, force: true });
  const err = extract(dir, c.vulnerable, c.paths, join(out, c.id, 'vulnerable'));
  if (err !== undefined) return { missing: false, error: err };
  if (c.fixed !== null) extract(dir, c.fixed, c.paths, join(out, c.id, 'fixed')); // the fix may remove every path
  return undefined;
}

/** Scans one version; returns its findings and the CPU seconds the scan took. */
function scan(dir) {
  const r = spawnSync(process.execPath, [sentinel, 'scan', dir, '--rule', 'DESER', '--format', 'json', '--no-sha256'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.stdout.trim() === '' && /nothing to scan/i.test(r.stderr)) return { findings: [] };
  if (r.stdout.trim() === '') throw new Error(`sentinel gave no report for ${dir} (exit ${r.status}): ${r.stderr}`);
  return { findings: JSON.parse(r.stdout).findings };
}

function fileOf(base, f) {
  const p = f.location?.chain?.[0] ?? '';
  return relative(base, isAbsolute(p) ? p : resolve(p));
}

/** DESER findings at the sink of the vulnerable version (file, line within SLACK of a sink line). */
function atSink(c, base, findings) {
  return findings.filter(
    (f) =>
      f.ruleId.startsWith('DESER-') &&
      fileOf(base, f) === c.sink.file &&
      c.sink.lines.some((l) => Math.abs((f.location.line ?? -1000) - l) <= SLACK),
  );
}

/** DESER findings of the fixed version on a line of the sink file that contains one of the sink texts. */
function atSinkText(c, base, findings) {
  const path = join(base, c.sink.file);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  return findings.filter((f) => {
    if (!f.ruleId.startsWith('DESER-') || fileOf(base, f) !== c.sink.file) return false;
    const text = lines[(f.location.line ?? 0) - 1] ?? '';
    return c.sink.text.some((t) => text.includes(t));
  });
}

if (!args.includes('--no-build') && !args.includes('--materialize-only') && opt('sentinel', undefined) === undefined)
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const rows = [];
const missingRepos = new Set();
let failed = 0;
for (const c of manifest.cases) {
  if (only.length > 0 && !only.includes(c.id)) continue;
  const m = materialize(c);
  if (m !== undefined) {
    console.log(`${c.id}: skipped (${m.error})`);
    if (m.missing) missingRepos.add(c.repo);
    failed++;
    continue;
  }
  if (args.includes('--materialize-only')) continue;
  const vBase = join(out, c.id, 'vulnerable');
  const fBase = join(out, c.id, 'fixed');
  const vuln = scan(vBase).findings;
  const fixed = c.fixed === null ? [] : scan(fBase).findings;
  const hit = atSink(c, vBase, vuln);
  const twinHit = c.fixed === null ? [] : atSinkText(c, fBase, fixed);
  const deser = vuln.filter((f) => f.ruleId.startsWith('DESER-'));
  const row = {
    id: c.id,
    advisory: c.advisory,
    sinkClass: c.sinkClass,
    found: hit.length > 0,
    sinkFindings: hit.map((f) => `${c.sink.file}:${f.location.line} ${f.ruleId} ${f.severity}`),
    otherDeserFindings: deser
      .filter((f) => !hit.includes(f))
      .map((f) => `${fileOf(vBase, f)}:${f.location.line ?? '?'} ${f.ruleId} ${f.severity}`),
    nonDeserFindings: vuln.filter((f) => !f.ruleId.startsWith('DESER-')).map((f) => `${f.ruleId} ${f.where ?? ''}`),
    twin: c.twin,
    twinAtSink: twinHit.map((f) => `${c.sink.file}:${f.location.line} ${f.ruleId} ${f.severity}`),
    twinOk: c.twin === 'clean' ? twinHit.length === 0 : null,
  };
  rows.push(row);
  const twinText =
    c.twin === 'clean'
      ? `twin ${row.twinOk ? 'clean' : `NOT clean (${row.twinAtSink.join('; ')})`}`
      : `twin ${c.twin}${c.fixed === null ? '' : ` (at sink text: ${twinHit.length})`}`;
  console.log(
    `${row.found ? 'FOUND ' : 'missed'} ${c.id} [${c.sinkClass}] ${row.sinkFindings.join('; ')}` +
      ` | other DESER findings ${row.otherDeserFindings.length}` +
      (row.nonDeserFindings.length > 0 ? ` | other findings: ${row.nonDeserFindings.join('; ')}` : '') +
      ` | ${twinText}`,
  );
}
if (rows.length > 0) {
  const found = rows.filter((r) => r.found).length;
  const judged = rows.filter((r) => r.twinOk !== null);
  console.log(
    `\nrecall (found at sink): ${found} / ${rows.length}; benign twins clean: ` +
      `${judged.filter((r) => r.twinOk).length} / ${judged.length}`,
  );
}
if (missingRepos.size > 0) {
  console.log(`\nMissing mirrors or commits (${missingRepos.size}); bring them with:`);
  for (const repo of missingRepos)
    console.log(`  git clone --bare https://github.com/${repo} ${join(mirrors, repo.replace('/', '+'), 'repo')}`);
}
const json = opt('json', undefined);
if (json !== undefined) writeFileSync(json, JSON.stringify(rows, null, 2) + '\n');
if (keep === undefined) rmSync(out, { recursive: true, force: true });
else console.log(`materialized under ${out}`);
process.exit(failed > 0 ? 2 : 0);
