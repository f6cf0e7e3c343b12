// scipy's BSpline rebuilt from its instance dict: admitted only with the knots, coefficients and degree its __init__
// would accept (scipy-bspline.ts), since its native evaluation reads them by the degree unchecked. Real files of scipy
// 1.10.1 and 1.17.1 (alone, 2-D, inside scikit-learn's SplineTransformer by pickle and joblib) pass; BSplines with a
// degree past their knots or coefficients shorter than their basis are refused (scripts/fixtures/scipy-bspline.py,
// each called by the real library in a throwaway process: manifest.json).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';

const DIR = new URL('../../fixtures/scipy-bspline/', import.meta.url);
const releases = readdirSync(DIR).filter((d) => d.startsWith('scipy-'));

describe('scipy BSpline: real files pass, states __init__ would refuse are reported', () => {
  it('files of two scipy releases were made', () => {
    assert.deepEqual(releases.sort(), ['scipy-1.10.1', 'scipy-1.17.1']);
  });
  for (const release of releases) {
    const manifest = JSON.parse(readFileSync(new URL(`${release}/manifest.json`, DIR), 'utf8')) as {
      files: { file: string; expect: 'pass' | 'block'; load: string }[];
    };
    it(`${release}: the real library loads and calls every file`, () => {
      assert.ok(manifest.files.length >= 8);
      for (const f of manifest.files) assert.match(f.load, /^loaded (BSpline|SplineTransformer); called/, f.file);
    });
    if (release === 'scipy-1.10.1')
      it(`${release}: short coefficients make the evaluation return memory read past them`, () => {
        const f = manifest.files.find((x) => x.file === 'bspline-short-coefficients_p2.pkl')!;
        const values = /called \[([^\]]*)\]/.exec(f.load)![1]!.split(', ').map(Number);
        assert.ok(
          values.some((v) => Math.abs(v) > 1e100),
          f.load,
        );
      });
    for (const f of manifest.files)
      it(`${release}: ${f.expect}: ${f.file}`, async () => {
        const found = await blocking(f.file, readFileSync(new URL(`${release}/${f.file}`, DIR)));
        if (f.expect === 'pass') assert.deepEqual(found, []);
        else
          assert.ok(
            found.some((s) =>
              /evaluate_spline .*(knots for degree 100000|coefficients of 2 rows for 6 basis functions)/.test(s),
            ),
            found.join('\n') || 'nothing found',
          );
      });
  }
});
