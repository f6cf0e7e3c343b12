// Real pickles of projects built on scikit-learn (test/fixtures/real-world/sklearn-manifest.json, listed with
// repository, commit, path, sha256 and the _sklearn_version the estimator recorded by scripts/data/real-world-manifest.py;
// never committed). A sample (the first file of each recorded writer version, and every model-server file) is
// scanned here: no file is blocked for a scikit-learn global the packs admit (a block naming one would mean the
// history pack's versions or effect model reject what scikit-learn itself wrote). The whole measure:
// `node --import tsx scripts/real-world-report.ts --manifest test/fixtures/real-world/sklearn-manifest.json`.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { allowEntry } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirrorsAbsent } from '../../helpers/mirrors.js';

interface Entry {
  repository: string;
  commit: string;
  path: string;
  writer: string | null;
  sha256: string;
}

const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(
  readFileSync(new URL('../../fixtures/real-world/sklearn-manifest.json', import.meta.url), 'utf8'),
) as { files: Entry[] };

const seen = new Set<string>();
const sample = manifest.files.filter((e) => {
  if (e.repository !== 'jpmml/jpmml-sklearn') return true;
  const key = e.writer ?? '?';
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});

function bytesOf(e: Entry): Buffer | undefined {
  const repo = join(MIRRORS, e.repository.replace('/', '+'), 'repo');
  if (!existsSync(repo)) return undefined;
  try {
    return execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${e.commit}:${e.path}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

const present = sample.map((e) => ({ e, bytes: bytesOf(e) })).filter((x) => x.bytes !== undefined);
const repos = [...new Set(manifest.files.map((e) => e.repository))];
const skip =
  present.length === 0
    ? mirrorsAbsent('no file of sklearn-manifest.json present', repos as string[], 'sklearn-manifest.json')
    : false;

// The repositories of `rows` with no mirror here: a test whose files are all in them skips, naming them.
const absentOf = (rows: readonly Entry[]): string[] =>
  [...new Set(rows.map((e) => e.repository))].filter((r) => !existsSync(join(MIRRORS, r.replace('/', '+'), 'repo')));

describe('real pickles of projects built on scikit-learn', { skip }, () => {
  it('no sampled file is blocked for a scikit-learn global the packs admit', async () => {
    const wrong: string[] = [];
    for (const { e, bytes } of present) {
      const r = await scanBytes(basename(e.path), bytes!);
      for (const f of r.findings.filter((x) => BLOCKING.has(x.severity))) {
        for (const [, name] of f.evidence.signal.matchAll(/imports (sklearn\.[\w.]+)/g))
          if (allowEntry(name!) !== undefined) wrong.push(`${e.repository}:${e.path}: ${f.evidence.signal}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('files naming old-location score functions or SGD losses pass them, naming the pack and versions', async (t) => {
    // Chosen by what they hold (the GLOBAL opcode's text in the stream, inflated when joblib compressed it with zlib),
    // the first three of each kind in the manifest's order.
    const kinds = [/sklearn\.feature_selection\.univariate_selection\n\w+\n/, /sklearn\.linear_model\.sgd_fast\n\w+\n/];
    const picked: { e: Entry; bytes: Buffer }[] = [];
    const left = kinds.map(() => 3);
    for (const e of manifest.files) {
      if (left.every((n) => n === 0)) break;
      const bytes = bytesOf(e);
      if (bytes === undefined) continue;
      let text: string;
      try {
        text = (bytes[0] === 0x78 ? inflateSync(bytes) : bytes).toString('latin1');
      } catch {
        continue;
      }
      const k = kinds.findIndex((re, i) => left[i]! > 0 && re.test(text));
      if (k < 0) continue;
      left[k]!--;
      picked.push({ e, bytes });
    }
    const absent = absentOf(manifest.files);
    if (picked.length === 0 && absent.length > 0) {
      t.skip(mirrorsAbsent('no present file holds these names', absent, 'sklearn-manifest.json'));
      return;
    }
    assert.ok(picked.length > 0, 'no manifest file holds these names');
    for (const { e, bytes } of picked) {
      const r = await scanBytes(basename(e.path), bytes);
      const named = r.findings
        .filter((f) => BLOCKING.has(f.severity))
        .filter((f) => /univariate_selection|sgd_fast/.test(f.evidence.signal));
      assert.deepEqual(
        named.map((f) => f.evidence.signal),
        [],
        `${e.repository}:${e.path}`,
      );
      const admitted = r.pickles.flatMap((p) => p.admitted ?? []).filter((a) => /univariate|sgd_fast/.test(a.name));
      assert.ok(admitted.length > 0, `${e.repository}:${e.path}: nothing admitted`);
      // The SGD losses (Cython) resolve through 0.22 - 0.23's generated deprecation modules too.
      for (const a of admitted)
        assert.equal(a.versions, `scikit-learn 0.15.0 - ${a.name.includes('sgd_fast') ? '0.23.1' : '0.21.3'}`, a.name);
    }
  });

  it('the files a released loader reads past (loader-oracle.json) stay blocked, naming both version ranges', async (t) => {
    // scripts/data/real-world-loader-oracle.py: focal's 0.22.2 and bullseye's 0.23.2 die of SIGSEGV loading them
    // (valgrind: a read 0 bytes past the 12-item state tuple). The block must stand, its evidence naming the versions
    // that write a 12-item tree state and those whose __setstate__ reads 13 items.
    const oracle = JSON.parse(
      readFileSync(new URL('../../fixtures/real-world/loader-oracle.json', import.meta.url), 'utf8'),
    ) as { files: { sha256: string; verdict: string }[] };
    const unsafe = new Set(oracle.files.filter((f) => f.verdict.startsWith('unsafe')).map((f) => f.sha256));
    assert.ok(unsafe.size > 0);
    let scanned = 0;
    for (const e of manifest.files.filter((x) => unsafe.has(x.sha256))) {
      const bytes = bytesOf(e);
      if (bytes === undefined) continue;
      scanned++;
      const r = await scanBytes(basename(e.path), bytes);
      const signals = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
      assert.ok(
        signals.some((s) =>
          /a 12-item tuple, the state the library writes in 0\.15\.0 - 0\.19\.2, which the __setstate__ of 0\.20\.0 - 0\.23\.1 reads past/.test(
            s,
          ),
        ),
        `${e.repository}@${e.commit}:${e.path}: ${signals.join(' | ')}`,
      );
    }
    const absent = absentOf(manifest.files.filter((x) => unsafe.has(x.sha256)));
    if (scanned === 0 && absent.length > 0) {
      t.skip(mirrorsAbsent('no oracle file present', absent, 'sklearn-manifest.json'));
      return;
    }
    assert.ok(scanned > 0, 'no oracle file present');
  });
});
