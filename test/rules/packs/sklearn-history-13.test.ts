// Names scikit-learn >= 1.3 pickles that the installed version (1.2.1) does not define, admitted by the scikit-learn
// history pack (scripts/data/history/scikit-learn.py):
// - the 64-bit distance metrics of 1.3 on (sklearn.metrics._dist_metrics.EuclideanDistance64, ...), read from each
//   version's _dist_metrics.pyx.tp rendering: their native __setstate__ reads a 3-item tuple state without a length
//   check and converts item 0 to a C double, which the VM checks (native-states.ts); MahalanobisDistance64's own
//   __setstate__ runs the base's first, so it is held to the same state;
// - ColumnTransformer's _RemainderColsList of 1.5 - 1.6 (a collections.UserList): NEWOBJ and a BUILD of its __dict__,
//   never list items, which UserList's extend/append would hand to the pickled `data` object (HistoryCheck "items").
// Fixtures: scripts/fixtures/history-sklearn13.py (the installed library's metrics spelled as 1.3 names them, loaded
// by the real loader at the installed names; the remainder list built from the real files' structure), each shape
// with an off-shape twin that stays blocked.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { nativeStateHook } from '../../../src/analyzers/pickle/native-states.js';
import { allowEntry } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { itEachRealFixture, structAnomaly } from '../../scan/helpers/real-fixtures.js';
import { mirrorsAbsent } from '../../helpers/mirrors.js';

const DIR = new URL('../../fixtures/history-sklearn13/', import.meta.url).pathname;

describe('scikit-learn >= 1.3 names (history pack)', () => {
  itEachRealFixture(DIR, (x, f) => structAnomaly(f.caught)(x));

  it('admits the 64-bit metrics of 1.3 on with the state the VM checks, and not PyFuncDistance64', () => {
    for (const name of [
      'sklearn.metrics._dist_metrics.EuclideanDistance64',
      'sklearn.metrics._dist_metrics.MahalanobisDistance64',
    ]) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.match(e?.versions ?? '', /^scikit-learn 1\.3\.0 - /, name);
      assert.equal(e?.calls, 'new', name);
      assert.deepEqual(nativeStateHook(name)?.lengths, [3], name);
      assert.deepEqual(nativeStateHook(name)?.numbers, [0], name);
    }
    assert.equal(allowEntry('sklearn.metrics._dist_metrics.PyFuncDistance64'), undefined);
  });

  it('admits _RemainderColsList in 1.5 - 1.6 only, without items', () => {
    const e = allowEntry('sklearn.compose._column_transformer._RemainderColsList');
    assert.equal(e?.versions, 'scikit-learn 1.5.0 - 1.6.1');
    assert.equal(e?.calls, 'new');
  });
});

// Real files of public repositories (test/fixtures/real-world/public-manifest.json: repository, commit, path; never
// committed) that hold these names, chosen by what they hold (the class name in the stream, inflated when joblib
// compressed it with zlib): none is blocked for them, and each names the pack and versions that admitted them.
interface Entry {
  source: string;
  repository?: string;
  library?: string;
  commit?: string;
  path: string;
}
const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const KINDS = [/_RemainderColsList/, /[A-Za-z]+Distance64/];
const publicManifest = JSON.parse(
  readFileSync(new URL('../../fixtures/real-world/public-manifest.json', import.meta.url), 'utf8'),
) as { files: Entry[] };
const publicFiles = publicManifest.files.filter(
  (e) => e.source === 'git' && existsSync(join(MIRRORS, e.repository!.replace('/', '+'), 'repo')),
);

function bytesOf(e: Entry): Buffer | undefined {
  try {
    return execFileSync(
      'git',
      ['-C', join(MIRRORS, e.repository!.replace('/', '+'), 'repo'), 'cat-file', 'blob', `${e.commit}:${e.path}`],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch {
    return undefined;
  }
}

describe(
  'real files holding scikit-learn >= 1.3 names',
  {
    skip:
      publicFiles.length === 0
        ? mirrorsAbsent(
            'no file of public-manifest.json present',
            publicManifest.files.flatMap((e) => (e.repository ? [e.repository] : [])),
            'public-manifest.json',
          )
        : false,
  },
  () => {
    it('passes them, naming the history pack and the versions', async (t) => {
      const left = KINDS.map(() => 3);
      let seen = 0;
      for (const e of publicFiles) {
        if (left.every((n) => n === 0)) break;
        const bytes = bytesOf(e);
        if (bytes === undefined) continue;
        let text: string;
        try {
          text = (bytes[0] === 0x78 ? inflateSync(bytes) : bytes).toString('latin1');
        } catch {
          continue;
        }
        const k = KINDS.findIndex((re, i) => left[i]! > 0 && re.test(text));
        if (k < 0) continue;
        left[k]!--;
        seen++;
        const r = await scanBytes(basename(e.path), bytes);
        const named = r.findings
          .filter((f) => BLOCKING.has(f.severity))
          .filter((f) => /_RemainderColsList|Distance64/.test(f.evidence.signal));
        assert.deepEqual(
          named.map((f) => f.evidence.signal),
          [],
          `${e.repository}:${e.path}`,
        );
        const admitted = r.pickles.flatMap((p) => p.admitted ?? []).filter((a) => KINDS[k]!.test(a.name));
        assert.ok(admitted.length > 0, `${e.repository}:${e.path}: nothing admitted`);
        for (const a of admitted) assert.match(a.versions ?? '', /^scikit-learn 1\.[35]\.0 - /, a.name);
      }
      // Only some mirrors may be present: when none of theirs holds these names there is nothing to measure here.
      if (seen === 0)
        t.skip(
          mirrorsAbsent(
            'no present file of public-manifest.json holds these names',
            publicManifest.files.flatMap((e) => (e.library === 'scikit-learn' && e.repository ? [e.repository] : [])),
            'public-manifest.json',
          ),
        );
    });
  },
);
