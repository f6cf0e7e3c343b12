// SciPy's L-BFGS-B inverse-Hessian operator (LbfgsInvHessProduct, what minimize(method='L-BFGS-B') returns as
// hess_inv), pickled through its __dict__ (sk, yk, rho, n_corrs, shape, dtype), alone, inside the OptimizeResult and
// inside a statsmodels ExponentialSmoothing results object (fixtures: scripts/fixtures/scipy-lbfgs.py, written by
// scipy 1.10.1 with statsmodels 0.13.5 and by scipy 1.17.1), and real files of public projects
// (scipy-lbfgs-manifest.json, scanned when their mirror is present), pass. Hostile twins
// (scripts/fixtures/scipy-lbfgs-hostile.py, proved with the real loader in a throwaway process): a callable where
// SciPy stores an array and planted attribute hooks are refused; stored arrays whose shapes disagree pass, as the
// operator's uses run numpy on them, which raises (the recorded use shows it).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const DIR = new URL('../../fixtures/scipy-lbfgs/', import.meta.url);
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const OPERATOR = 'scipy.optimize._lbfgsb_py.LbfgsInvHessProduct';

async function scan(name: string, bytes: Uint8Array) {
  const r = await scanBytes(name, bytes);
  return {
    blocking: r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`),
    admitted: r.pickles.flatMap((x) => x.admitted ?? []),
  };
}

describe('scipy L-BFGS-B operator: real files of two SciPy releases', () => {
  const releases = readdirSync(DIR)
    .filter((d) => d.startsWith('scipy-'))
    .sort();
  it('both releases were written', () => assert.deepEqual(releases, ['scipy-1.10.1', 'scipy-1.17.1']));
  for (const release of releases) {
    const manifest = JSON.parse(readFileSync(new URL(`${release}/manifest.json`, DIR), 'utf8')) as {
      files: Record<string, { object: string; expect: 'pass' }>;
    };
    it(`${release}: every file is in the manifest, both protocols`, () => {
      const files = readdirSync(new URL(`${release}/`, DIR)).filter((f) => f.endsWith('.pkl'));
      assert.deepEqual(files.sort(), Object.keys(manifest.files).sort());
      assert.ok(files.length >= 4 && files.filter((f) => f.endsWith('_p2.pkl')).length === files.length / 2);
    });
    for (const [file, spec] of Object.entries(manifest.files))
      it(`${release}/${file}: passes (${spec.object})`, async () => {
        const { blocking, admitted } = await scan(file, readFileSync(new URL(`${release}/${file}`, DIR)));
        assert.deepEqual(blocking, []);
        assert.ok(admitted.some((a) => a.name === OPERATOR && a.pack === 'scipy'));
      });
  }
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly model: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/scipy-lbfgs-manifest.json', import.meta.url),
  'no real file holding an L-BFGS-B inverse-Hessian operator present',
);

describe('scipy L-BFGS-B operator: real files of public projects', { skip }, () => {
  for (const { e, bytes } of present)
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const { blocking, admitted } = await scan(basename(e.path), bytes);
      assert.deepEqual(blocking, []);
      assert.ok(admitted.some((a) => a.name === OPERATOR && a.pack === 'scipy'));
    });
});

describe('scipy L-BFGS-B operator: hostile twins', () => {
  const manifest = JSON.parse(readFileSync(new URL('hostile/manifest.json', DIR), 'utf8')) as {
    files: { file: string; what: string; expect: 'pass' | 'reported'; load: string }[];
  };
  /** What each reported file is refused on; null: passes (numpy raises when the object is used). */
  const WHY: Record<string, RegExp | null> = {
    'lbfgs-callable-corrections_p2.pkl': /PICKLE-EXEC: .*system/,
    'lbfgs-planted-matvec_p2.pkl': /PICKLE-EXEC: .*getattr/,
    'lbfgs-planted-reduce-ex_p2.pkl': /__reduce_ex__/,
    'lbfgs-corrections-past-rows_p2.pkl': null,
    'lbfgs-short-rho_p2.pkl': null,
    'lbfgs-narrow-corrections_p2.pkl': null,
  };
  it('the manifest lists exactly the table, and the real loader shows the effects', () => {
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), Object.keys(WHY).sort());
    for (const f of manifest.files) assert.equal(f.expect, WHY[f.file] === null ? 'pass' : 'reported', f.file);
    const load = (f: string) => manifest.files.find((x) => x.file === f)!.load;
    // The shapes are checked by numpy when the operator is used: an exception, never a read past an array.
    assert.match(load('lbfgs-corrections-past-rows_p2.pkl'), /^exit 1: loaded \/ IndexError: index 99999 is out of/);
    assert.match(load('lbfgs-short-rho_p2.pkl'), /^exit 1: loaded \/ IndexError: index \d+ is out of bounds/);
    assert.match(load('lbfgs-narrow-corrections_p2.pkl'), /^exit 1: loaded \/ ValueError: shapes .* not aligned/);
  });
  for (const f of manifest.files)
    it(`${f.expect === 'pass' ? 'pass' : 'block'}: ${f.file} (${f.what})`, async () => {
      const { blocking } = await scan(f.file, readFileSync(new URL(`hostile/${f.file}`, DIR)));
      const why = WHY[f.file];
      if (why === null || why === undefined) assert.deepEqual(blocking, []);
      else
        assert.ok(
          blocking.some((s) => why.test(s)),
          blocking.join('\n'),
        );
    });
});
