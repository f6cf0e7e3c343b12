// scikit-learn's functions in its installed-version list (score functions, BisectingKMeans' k-means step) are values
// an estimator holds and calls in fit, never called while loading: admitted as stored references (calls 'none'), as
// the history pack admits the same functions at their older locations. The oracle under scikit-learn 1.9 (a Debian sid
// chroot) found why a call is not admitted: _kmeans_single_lloyd, called by the stream, reads /proc/self/maps and calls
// into libgomp through threadpoolctl before it looks at an argument (seed 20261170, the manifest's four programs).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allowEntry } from '../../src/rules/data/allowlist.js';
import sklearnList from '../../src/rules/data/sklearn-allowlist.json' with { type: 'json' };
import { scanBytes } from '../../src/scan/engine.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const REGRESSIONS = join(ROOT, 'test/fixtures/oracle-regressions');
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** BINUNICODE */
const str = (s: string): Buffer => Buffer.concat([Buffer.from('X'), u32(Buffer.byteLength(s)), Buffer.from(s)]);
const glob = (module: string, name: string): Buffer => Buffer.from(`c${module}\n${name}\n`, 'latin1');

async function blocking(name: string, bytes: Uint8Array) {
  const r = await scanBytes(name, bytes);
  return { r, blocking: r.findings.filter((f) => BLOCKING.has(f.severity)) };
}

const FUNCTIONS = Object.entries((sklearnList as unknown as { evidence: Record<string, { kind?: string }> }).evidence)
  .filter(([name, e]) => e.kind === 'function' && name in sklearnList.entries)
  .map(([name]) => name);

describe('scikit-learn functions: stored references, never called by the stream', () => {
  it('every function of the installed-version list is admitted as a reference with calls none', () => {
    assert.ok(FUNCTIONS.length >= 60, `${FUNCTIONS.length}`);
    assert.ok(FUNCTIONS.includes('sklearn.cluster._kmeans._kmeans_single_lloyd'));
    for (const name of FUNCTIONS) {
      const e = allowEntry(name);
      assert.equal(e?.source, 'scikit-learn', name);
      assert.equal(e?.calls, 'none', name);
      assert.equal(e?.kind, 'reference', name);
    }
    // A class of the same list keeps its calls (NEWOBJ and BUILD of an estimator).
    assert.equal(allowEntry('sklearn.cluster._kmeans.KMeans')?.calls, undefined);
  });

  it('held as a value (BisectingKMeans._kmeans_single_func, SelectKBest.score_func) it passes', async () => {
    for (const [cls, attr, fn] of [
      ['sklearn.cluster._bisect_k_means.BisectingKMeans', '_kmeans_single_func', '_kmeans_single_lloyd'],
      ['sklearn.feature_selection._univariate_selection.SelectKBest', 'score_func', 'f_classif'],
    ] as const) {
      const fnModule =
        fn === 'f_classif' ? 'sklearn.feature_selection._univariate_selection' : 'sklearn.cluster._kmeans';
      const dot = cls.lastIndexOf('.');
      const stream = Buffer.concat([
        Buffer.from([0x80, 2]),
        glob(cls.slice(0, dot), cls.slice(dot + 1)),
        Buffer.from(')\x81}(', 'latin1'),
        str(attr),
        glob(fnModule, fn),
        str('_sklearn_version'),
        str('1.2.1'),
        Buffer.from('ub.'),
      ]);
      const { r, blocking: b } = await blocking(`${fn}-value.pkl`, stream);
      assert.deepEqual(
        b.map((f) => f.evidence.signal),
        [],
        fn,
      );
      assert.ok(r.pickles.length > 0);
    }
  });

  it('called by the stream it is blocked: the oracle programs of seed 20261170 under every loader', async () => {
    const manifest = JSON.parse(readFileSync(join(REGRESSIONS, 'manifest.json'), 'utf8')) as {
      failures: { file: string; seed: number; index: number; events: [string, string][] }[];
    };
    const runs = manifest.failures.filter(
      (f) => f.seed === 20261170 && f.events.some(([e, a]) => e === 'open' && a.startsWith("('/proc/self/maps'")),
    );
    assert.deepEqual(
      [...new Set(runs.map((f) => f.index))].sort((a, b) => a - b),
      [8157, 29369, 43762, 70028],
    );
    assert.equal(runs.length, 16);
    for (const f of runs) {
      const { r, blocking: b } = await blocking(f.file, readFileSync(join(REGRESSIONS, f.file)));
      assert.ok(
        b.some((x) =>
          /_kmeans_single_lloyd: the scikit-learn pack admits it only as a stored reference/.test(x.evidence.signal),
        ),
        `${f.file}: ${r.findings.map((x) => x.evidence.signal).join('\n')}`,
      );
    }
    // The plain call, as the stream writes it.
    const call = Buffer.concat([
      Buffer.from([0x80, 2]),
      glob('sklearn.metrics._classification', 'accuracy_score'),
      Buffer.from(']]\x86R.', 'latin1'),
    ]);
    const { blocking: b } = await blocking('accuracy-call.pkl', call);
    assert.ok(b.some((x) => x.evidence.signal.includes('accuracy_score')));
  });
});
