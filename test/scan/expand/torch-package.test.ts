// torch.package archives (real PackageExporter output, scripts/fixtures/torch-package.py): pickle resources are
// read with PackageImporter's persistent_load (storages from .data/, reduce_package), referenced storages are raw
// tensor bytes, and the package's own text records are not pickles.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPackagePersistentId, torchPackageLayout } from '../../../src/analyzers/pytorch/zip-layout.js';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/containers/torch-package');
const scan = async (f: string) => {
  const r = await scanBytes(f, readFileSync(join(DIR, f)));
  return {
    formats: r.files[0]!.formats,
    findings: r.findings.map((x) => `${x.ruleId} ${String(x.evidence.signal).split(':')[0]}`),
  };
};

describe('torch.package archives', () => {
  it('a state_dict package is clean (storages resolved through .data/<key>.storage)', async () => {
    assert.deepEqual(await scan('state_dict.pt'), { formats: ['torch-package'], findings: [] });
  });
  it('a module whose class is package source: the class import is not allowlisted', async () => {
    assert.deepEqual((await scan('interned_module.pt')).findings, ['PICKLE-GLOBAL-IMPORT GLOBAL imports mymodels.Net']);
  });
  it('a torch.fx GraphModule (reduce_package runs generated code): its reducer is not allowlisted', async () => {
    const { findings } = await scan('fx_graph_module.pt');
    assert.ok(
      findings.includes('PICKLE-GLOBAL-IMPORT GLOBAL imports torch.fx.graph_module.reduce_package_graph_module'),
    );
  });
  it('a payload in a package pickle is PICKLE-EXEC', async () => {
    assert.ok((await scan('payload.pt')).findings.some((f) => f.startsWith('PICKLE-EXEC')));
  });
});

describe('PackageImporter persistent ids', () => {
  const pkg = torchPackageLayout(['p/.data/0.storage', 'p/w.pkl', 'p/.data/extern_modules', 'p/.data/version'])!;
  const pid = (items: (string | number | null)[], extra: object = {}) =>
    ({ opcode: 'BINPERSID', offset: 0, shape: 'tuple', items, tag: items[0] ?? undefined, ...extra }) as never;
  const storage = { storageType: 'torch.FloatStorage', key: '0', location: 'cpu', numel: 4 };
  const cases: [string, unknown, boolean][] = [
    ['storage in .data/', pid(['storage', 'torch.FloatStorage', '0', 'cpu', 4], storage), true],
    ['storage missing', pid(['storage', 'torch.FloatStorage', '7', 'cpu', 4], { ...storage, key: '7' }), false],
    ['reduce_package with an id', pid(['reduce_package', 'id', 'f', null]), true],
    ['reduce_package without an id', pid(['reduce_package', 'f', null]), true],
    ['unknown tag', pid(['module', 'x']), false],
    ['not a tuple', { opcode: 'BINPERSID', offset: 0, shape: 'str', items: [] }, false],
  ];
  for (const [name, p, ok] of cases)
    it(name, () => assert.equal(checkPackagePersistentId(p as never, pkg) === undefined, ok));
});
