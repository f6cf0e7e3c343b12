// numpy < 1.20 pickled a ufunc as numpy.core._ufunc_reconstruct(module, name), which is
// getattr(__import__(module, fromlist=[name]), name): an import by name. Real scikit-learn 0.23 / numpy 1.19 output
// (FunctionTransformer(np.log1p), Debian bullseye) names it. It is admitted only with two literal strs, and the object
// they name is judged as the stream's own import; any other use imports what the stream computes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);

function reconstruct(where: string, args: (p: P) => void): Uint8Array {
  const p = new P().proto(4);
  p.global(where, '_ufunc_reconstruct');
  args(p);
  return p.reduce().stop().bytes();
}

const strs =
  (...xs: string[]) =>
  (p: P): void => {
    p.mark();
    for (const x of xs) p.sbu(x);
    p.tuple();
  };

async function blocking(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('ufunc.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.ruleId} ${f.evidence.signal.slice(0, 200)}`);
}

describe('numpy _ufunc_reconstruct', () => {
  const cases: [string, string, (p: P) => void, boolean][] = [
    ['log1p as numpy 1.19 wrote it', 'numpy.core', strs('numpy.core._multiarray_umath', 'log1p'), false],
    ['the numpy >= 2 location', 'numpy._core', strs('numpy.core._multiarray_umath', 'sqrt'), false],
    ['os.system by name', 'numpy.core', strs('os', 'system'), true],
    ['a numpy function no pack admits (numpy.load)', 'numpy.core', strs('numpy', 'load'), true],
    ['a dotted name', 'numpy.core', strs('numpy.core._multiarray_umath', 'log1p.__class__'), true],
    ['three arguments (a TypeError before any import)', 'numpy.core', strs('numpy', 'load', 'x'), false],
    [
      'a module name the stream computes',
      'numpy.core',
      (p) => {
        p.global('builtins', 'str').mark().sbu('os').tuple().reduce();
        p.sbu('system').op(0x86); // TUPLE2
      },
      true,
    ],
  ];
  for (const [name, where, args, blocked] of cases) {
    it(`${blocked ? 'blocks' : 'passes'}: ${name}`, async () => {
      const found = await blocking(reconstruct(where, args));
      if (blocked) assert.ok(found.length > 0, 'passes');
      else assert.deepEqual(found, []);
    });
  }
});
