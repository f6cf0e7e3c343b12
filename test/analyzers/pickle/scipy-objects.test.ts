// SciPy objects users pickle (fixtures: scripts/fixtures/scipy-objects.py, written by scipy 1.10.1 and 1.17.1, and
// scripts/fixtures/scipy-objects-hostile.py, proved with the real loader in a throwaway process). The piecewise
// polynomials and interp1d pass (interp1d stores its evaluation function as a class function: getattr(<interp1d>,
// '_call_<kind>') below protocol 4, its qualified name from 4); the objects whose state native code trusts when they
// are used (gaussian_kde, RBFInterpolator, RegularGridInterpolator, the FITPACK splines, cKDTree, KDTree, Rotation)
// are reported. Hostile twins whose every name is the real file's are refused, and the case table of the class
// function shape has a benign twin beside every change.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/scipy-objects/', import.meta.url);

/** Objects whose state native code trusts: the pack's refusal names the native read. */
const NATIVE_STATE = /gaussian_kde|RBFInterpolator|RegularGridInterpolator|UnivariateSpline/;

describe('scipy objects: real files of two SciPy releases', () => {
  const releases = readdirSync(DIR)
    .filter((d) => d.startsWith('scipy-'))
    .sort();
  it('both releases were written', () => assert.deepEqual(releases, ['scipy-1.10.1', 'scipy-1.17.1']));
  for (const release of releases) {
    const manifest = JSON.parse(readFileSync(new URL(`${release}/manifest.json`, DIR), 'utf8')) as {
      files: Record<string, { object: string; expect: 'pass' | 'reported' }>;
    };
    it(`${release}: every file is in the manifest, both protocols`, () => {
      const files = readdirSync(new URL(`${release}/`, DIR)).filter((f) => f.endsWith('.pkl'));
      assert.deepEqual(files.sort(), Object.keys(manifest.files).sort());
      assert.ok(files.filter((f) => f.endsWith('_p2.pkl')).length === files.length / 2);
    });
    for (const [file, spec] of Object.entries(manifest.files))
      it(`${release}/${file}: ${spec.expect} (${spec.object})`, async () => {
        const found = await blocking(file, readFileSync(new URL(`${release}/${file}`, DIR)));
        if (spec.expect === 'pass') assert.deepEqual(found, []);
        else {
          assert.ok(
            found.some((s) => s.startsWith('PICKLE-GLOBAL-IMPORT') && s.includes(spec.object)),
            found.join('\n'),
          );
          if (NATIVE_STATE.test(spec.object))
            assert.ok(
              found.some((s) => /not admitted by the scipy pack: .*(read past|SIGSEGV)/.test(s)),
              found.join('\n'),
            );
        }
      });
  }
});

describe('scipy objects: hostile twins', () => {
  const manifest = JSON.parse(readFileSync(new URL('hostile/manifest.json', DIR), 'utf8')) as {
    files: { file: string; what: string; load: string }[];
  };
  /** What each file is refused on. */
  const WHY: Record<string, RegExp> = {
    'interp1d-calls-class-function_p2.pkl': /PICKLE-EXEC: .*getattr/,
    'interp1d-calls-class-function_p5.pkl': /interp1d\._call_linear_np/,
    'interp1d-class-function-elsewhere_p2.pkl': /PICKLE-EXEC: .*getattr/,
    'cubic-callable-coefficients_p2.pkl': /PICKLE-EXEC: .*system/,
    'cubic-planted-reduce-ex_p2.pkl': /__reduce_ex__/,
    'kde-short-weights_p2.pkl': /gaussian_kde: not admitted/,
    'regular-grid-small-values_p2.pkl': /RegularGridInterpolator: not admitted/,
    'rbf-wide-powers_p2.pkl': /RBFInterpolator: not admitted/,
    'univariate-spline-big-degree_p2.pkl': /UnivariateSpline: not admitted/,
    'ckdtree-indices-past-data_p2.pkl': /cKDTree: not in the trusted ML allowlist/,
    'rotation-three-component-quaternions_p2.pkl': /Rotation: not in the trusted ML allowlist/,
  };
  it('the manifest lists exactly the table, and the real loader shows the effects', () => {
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), Object.keys(WHY).sort());
    const load = (f: string) => manifest.files.find((x) => x.file === f)!.load;
    // The stream's call of the class function runs while loading; the native reads crash or read past the arrays.
    assert.match(load('interp1d-calls-class-function_p2.pkl'), /^exit 0: used: array/);
    for (const f of ['univariate-spline-big-degree_p2.pkl', 'ckdtree-indices-past-data_p2.pkl'])
      assert.match(load(f), /killed by signal 11/, f);
    // 3x3 values of ones: any other value was read past them.
    assert.match(load('regular-grid-small-values_p2.pkl'), /^exit 0: used: array\(\[(?!1\.\])/);
  });
  for (const f of manifest.files)
    it(`block: ${f.file} (${f.what})`, async () => {
      const found = await blocking(f.file, readFileSync(new URL(`hostile/${f.file}`, DIR)));
      assert.ok(
        found.some((s) => WHY[f.file]!.test(s)),
        found.join('\n'),
      );
    });
});

const INTERP = ['scipy.interpolate._interpolate', 'interp1d'] as const;

interface Case {
  /** The attribute getattr takes (default '_call_linear', a function every release's interp1d body defines). */
  readonly name?: string;
  /** getattr on another admitted class (CubicSpline), whose body defines no such function. */
  readonly otherClass?: boolean;
  /** The state key the result is stored under (default '_call'). */
  readonly key?: string;
  /** The result is also stored in a list beside the instance. */
  readonly alsoStored?: boolean;
  /** The result is called by the stream after the BUILD. */
  readonly called?: boolean;
}

/** An interp1d made by NEWOBJ (memo 1), BUILD with {key: getattr(<interp1d>, name)} (the result: memo 2). */
function classFunction(c: Case = {}): Uint8Array {
  const p = new P()
    .proto(2)
    .stackGlobal(...INTERP)
    .memoize()
    .emptyTuple()
    .newobj()
    .memoize();
  p.emptyDict().sbu(c.key ?? '_call');
  p.stackGlobal('builtins', 'getattr');
  if (c.otherClass) p.stackGlobal('scipy.interpolate._cubic', 'CubicSpline');
  else p.binget(0);
  p.sbu(c.name ?? '_call_linear')
    .tuple2()
    .reduce()
    .memoize();
  p.setitem().build();
  if (c.alsoStored) p.emptyList().binget(2).op(0x61).pop();
  if (c.called) p.binget(2).emptyTuple().reduce().pop();
  return p.stop().bytes();
}

describe('scipy objects: the class function shape, case by case', () => {
  const CASES: [string, Case, RegExp | null][] = [
    ["interp1d's _call = getattr(interp1d, '_call_linear') (benign)", {}, null],
    ["getattr(interp1d, '_call_nearest') (benign)", { name: '_call_nearest' }, null],
    ['a name no release defines as a function of the class', { name: 'fill_value' }, /getattr/],
    ['a special name', { name: '__init__' }, /getattr/],
    ['getattr on another class', { otherClass: true }, /getattr/],
    ['stored under another attribute', { key: 'y' }, /getattr/],
    ['stored in _call and elsewhere', { alsoStored: true }, /getattr/],
    ['called by the stream', { called: true }, /getattr|_call_linear/],
  ];
  for (const [label, c, refused] of CASES)
    it(label, async () => {
      const found = await blocking('case.pkl', classFunction(c));
      if (refused === null) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((s) => refused.test(s)),
          found.join('\n'),
        );
    });
});
