// numpy 1.16.0 pickled scalar() and _reconstruct() under their extension module numpy.core._multiarray_umath (1.16.1
// restored numpy.core.multiarray). The pickle analyzer reads those two names as the same objects: real
// files written that way pass (test/fixtures/numpy-1160/, scripts/fixtures/numpy-1160-names.py), and every use of the
// old name gets the verdict the numpy.core.multiarray name gets.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allowEntry } from '../../src/rules/data/allowlist.js';
import { resolveImportName } from '../../src/analyzers/pickle/names.js';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';
import { assertPasses, BLOCKING, fixtureDir, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('numpy-1160');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: Record<string, { object: string; writer: string }>;
};

async function verdict(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('x.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.severity} ${f.ruleId}`)
    .sort();
}

// One use of `<module>.<fn>` per row: the arguments after the callee, as builder steps.
type Use = [string, string, (p: P) => void];
const USES: Use[] = [
  [
    'scalar of a float64',
    'scalar',
    (p) => p.global('numpy', 'dtype').mark().sbu('f8').tuple().reduce().sbb(new Uint8Array(8)),
  ],
  ['scalar with no arguments', 'scalar', () => undefined],
  [
    'scalar of a dtype the stream computes',
    'scalar',
    (p) => p.global('builtins', 'getattr').mark().global('os', 'path').sbu('x').tuple().reduce(),
  ],
  [
    '_reconstruct of an ndarray',
    '_reconstruct',
    (p) =>
      p
        .global('numpy', 'ndarray')
        .mark()
        .int(0)
        .tuple()
        .sbb(new Uint8Array([98])),
  ],
  [
    '_reconstruct of a foreign subtype',
    '_reconstruct',
    (p) =>
      p
        .global('collections', 'OrderedDict')
        .mark()
        .int(0)
        .tuple()
        .sbb(new Uint8Array([98])),
  ],
  ['_reconstruct of os.system', '_reconstruct', (p) => p.global('os', 'system').mark().int(0).tuple().sbu('id')],
];

function use(module: string, fn: string, args: (p: P) => void): Uint8Array {
  const p = new P().proto(2).global(module, fn).mark();
  args(p);
  return p.tuple().reduce().stop().bytes();
}

describe('numpy 1.16.0 names of scalar() and _reconstruct()', () => {
  it('read as the numpy.core.multiarray functions, and no other name of that module is', () => {
    for (const fn of ['scalar', '_reconstruct'])
      assert.equal(resolveImportName('numpy.core._multiarray_umath', fn, 2).canonical, `numpy.core.multiarray.${fn}`);
    const other = resolveImportName('numpy.core._multiarray_umath', 'frombuffer', 4);
    assert.equal(other.canonical, 'numpy.core._multiarray_umath.frombuffer');
    assert.equal(allowEntry(other.canonical), undefined);
  });

  for (const [file, { object, writer }] of Object.entries(manifest.files)) {
    it(`${file} (${object}, ${writer}) passes`, async () => {
      assertPasses(await scanFixture(join(DIR, file)));
    });
  }

  for (const [name, fn, args] of USES) {
    it(`same verdict as numpy.core.multiarray: ${name}`, async () => {
      const now = await verdict(use('numpy.core.multiarray', fn, args));
      const old = await verdict(use('numpy.core._multiarray_umath', fn, args));
      assert.deepEqual(old, now);
    });
  }
  it('the hostile uses are blocked', async () => {
    assert.notDeepEqual(await verdict(use('numpy.core._multiarray_umath', '_reconstruct', USES[5]![2])), []);
    assert.notDeepEqual(await verdict(use('numpy.core._multiarray_umath', 'scalar', USES[2]![2])), []);
  });
});
