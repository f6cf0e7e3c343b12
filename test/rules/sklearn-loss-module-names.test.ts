// scikit-learn's meson builds pickled the Cython loss classes of sklearn._loss._loss under the module name '_loss'
// (their __module__, until the build was fixed). The pickle analyzer reads `_loss.Cy<Loss>` as the same class: every
// use of the short name gets the verdict the full name gets, and no other name of a module '_loss' is admitted.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allowEntry } from '../../src/rules/data/allowlist.js';
import { resolveImportName } from '../../src/analyzers/pickle/names.js';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';
import { BLOCKING } from '../helpers/proof-fixtures.js';

async function verdict(bytes: Uint8Array): Promise<string[]> {
  return (await scanBytes('x.pkl', bytes)).findings
    .filter((f) => BLOCKING.has(f.severity))
    .map((f) => `${f.severity} ${f.ruleId}`)
    .sort();
}

const FULL = 'sklearn._loss._loss';
const CLASSES = ['CyHalfBinomialLoss', 'CyHalfMultinomialLoss', 'CyHalfTweedieLossIdentity', 'CyPinballLoss'];

// One use of the class per row, as scikit-learn 1.6's __reduce__ writes it (the class called with its parameters)
// and as a stream could twist it.
const USES: [string, (p: P, module: string, cls: string) => P][] = [
  ['called with no arguments', (p, m, c) => p.global(m, c).emptyTuple().reduce()],
  ['called with a number', (p, m, c) => p.global(m, c).mark().int(5).tuple().reduce()],
  [
    'called with a call of os.system',
    (p, m, c) => p.global(m, c).mark().global('os', 'system').mark().sbu('id').tuple().reduce().tuple().reduce(),
  ],
];

describe("scikit-learn's Cython loss classes under the module name '_loss'", () => {
  it('read as the sklearn._loss._loss classes and their unpickle functions, and no other name of that module is', () => {
    for (const c of CLASSES) {
      assert.equal(resolveImportName('_loss', c, 4).canonical, `${FULL}.${c}`);
      assert.equal(resolveImportName('_loss', `__pyx_unpickle_${c}`, 4).canonical, `${FULL}.__pyx_unpickle_${c}`);
    }
    for (const other of ['system', '__pyx_unpickle_CyNotALoss', 'CyNotALoss', '__pyx_unpickle_system']) {
      const r = resolveImportName('_loss', other, 4);
      assert.equal(r.canonical, `_loss.${other}`);
      assert.equal(allowEntry(r.canonical), undefined);
    }
  });

  for (const c of CLASSES)
    for (const [what, write] of USES)
      it(`${c} ${what}: the verdict of the full name`, async () => {
        const short = await verdict(write(new P().proto(4), '_loss', c).stop().bytes());
        const full = await verdict(write(new P().proto(4), FULL, c).stop().bytes());
        assert.deepEqual(short, full);
        if (what.includes('os.system')) assert.ok(short.length > 0, 'the payload is blocked');
      });

  // Cython's generated reduce, as scikit-learn 1.6.1 writes CyHalfMultinomialLoss: the unpickle function called with
  // the class, the layout checksum and the C fields' state; and the same call twisted.
  const CHECKSUM = 0x0e3b0c44;
  const PYX: [string, (p: P, m: string, c: string) => P, boolean][] = [
    [
      'with the class, its checksum and an empty state',
      (p, m, c) => p.global(m, `__pyx_unpickle_${c}`).mark().global(m, c).int(CHECKSUM).emptyTuple().tuple().reduce(),
      false,
    ],
    [
      'with the class and a dict state',
      (p, m, c) => p.global(m, `__pyx_unpickle_${c}`).mark().global(m, c).int(CHECKSUM).emptyDict().tuple().reduce(),
      false,
    ],
    [
      'with os.system in place of the class',
      (p, m, c) =>
        p.global(m, `__pyx_unpickle_${c}`).mark().global('os', 'system').int(CHECKSUM).emptyTuple().tuple().reduce(),
      true,
    ],
  ];
  // The classes without a parameter: their C state is empty (the parametrised ones define __reduce__ in those releases).
  for (const c of ['CyHalfBinomialLoss', 'CyHalfMultinomialLoss'])
    for (const [what, write, blocked] of PYX)
      it(`__pyx_unpickle_${c} ${what}: the verdict of the full name`, async () => {
        const short = await verdict(write(new P().proto(4), '_loss', c).stop().bytes());
        const full = await verdict(write(new P().proto(4), FULL, c).stop().bytes());
        assert.deepEqual(short, full);
        assert.equal(short.length > 0, blocked, short.join(', '));
      });

  it('the plain call passes under both names (the real files of those releases)', async () => {
    const bytes = new P().proto(4).global('_loss', 'CyHalfBinomialLoss').emptyTuple().reduce().stop().bytes();
    assert.deepEqual(await verdict(bytes), []);
  });
});
