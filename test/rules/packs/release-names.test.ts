// Names of torch releases other than the installed one (scripts/data/derive-torch-allowlist.py, RELEASES: read from
// pytorch/pytorch's source at pinned commits): a torch <= 1.0 full-module pickle names the THNN backend getter, and
// newer releases pickle dtypes the installed torch lacks. Each passes, with the pinned source as its versions; the
// names beside them that were not reviewed still block. Also XGBoost 1.0 - 1.5's label encoder (history pack).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

/** A torch 0.x nn.Linear pickled whole: its __dict__ holds _backend, pickled as (getter, ()). */
function oldModule(module: string, name: string, args: (p: P) => P = (p) => p.emptyTuple()): Uint8Array {
  const p = new P()
    .proto(2)
    .global('torch.nn.modules.linear', 'Linear')
    .emptyTuple()
    .newobj()
    .emptyDict()
    .bu('_backend')
    .global(module, name);
  return args(p).reduce().setitem().bu('training').none().setitem().build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes('model.pkl', bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
}

describe('torch names of other releases', () => {
  it('a torch 0.x full-module pickle passes, its backend getter admitted from the pinned 0.x source', async () => {
    const bytes = oldModule('torch.nn.backends.thnn', '_get_thnn_function_backend');
    assert.deepEqual(await blocking(bytes), []);
    const r = await scanBytes('model.pkl', bytes);
    const got = r.pickles.flatMap((p) => p.admitted ?? []).find((a) => a.name.endsWith('_get_thnn_function_backend'));
    assert.equal(got?.pack, 'torch');
    assert.match(got?.versions ?? '', /pytorch\/pytorch@00f97a87246a:torch\/nn\/backends\/thnn\.py/);
  });

  it('hostile twins block: the backend class itself, the module initialiser, the getter from another module', async () => {
    for (const [module, name] of [
      ['torch.nn.backends.thnn', 'THNNFunctionBackend'],
      ['torch.nn.backends.thnn', '_initialize_backend'],
      ['torch.nn.backends.backend', '_get_thnn_function_backend'],
    ] as const) {
      const signals = await blocking(oldModule(module, name));
      assert.ok(
        signals.some((s) => s.includes(`${module}.${name}`)),
        `${module}.${name}: ${signals.join('; ')}`,
      );
    }
  });

  it('dtypes of newer releases pass as values; a file-reading torch function beside them blocks', async () => {
    const dtypes = (name: string): Uint8Array =>
      new P().proto(2).emptyDict().bu('dtype').global('torch', name).setitem().stop().bytes();
    for (const name of ['float8_e4m3fn', 'float8_e5m2', 'bits8']) assert.deepEqual(await blocking(dtypes(name)), []);
    const twin = new P().proto(2).global('torch', 'from_file').bu('/etc/passwd').tuple1().reduce().stop().bytes();
    const signals = await blocking(twin);
    assert.ok(
      signals.some((s) => s.includes('torch.from_file')),
      signals.join('; '),
    );
  });
});

// XGBoost 1.0 - 1.5's XGBClassifier holds its fitted label encoder (_le), compat.XGBoostLabelEncoder: a scikit-learn
// LabelEncoder subclass without hooks of its own (scripts/data/history/xgboost.py). It is admitted to be rebuilt,
// never called.
describe('XGBoost label encoder of 1.0 - 1.5', () => {
  const encoder = (build: (p: P) => P): Uint8Array =>
    build(new P().proto(2).global('xgboost.compat', 'XGBoostLabelEncoder')).stop().bytes();

  it('rebuilt as XGBoost pickles it (NEWOBJ, BUILD with its fitted state), it passes, naming the versions', async () => {
    const bytes = encoder((p) =>
      p.emptyTuple().newobj().emptyDict().bu('_sklearn_version').bu('0.23.2').setitem().build(),
    );
    assert.deepEqual(await blocking(bytes), []);
    const r = await scanBytes('model.pkl', bytes);
    const got = r.pickles.flatMap((p) => p.admitted ?? []).find((a) => a.name.endsWith('XGBoostLabelEncoder'));
    assert.equal(got?.pack, 'xgboost');
    assert.match(got?.versions ?? '', /v1\.0\.0/);
  });

  it('hostile twin: called with an argument (REDUCE), it blocks', async () => {
    const signals = await blocking(encoder((p) => p.bu('/tmp/x').tuple1().reduce()));
    assert.ok(
      signals.some((s) => s.includes('xgboost.compat.XGBoostLabelEncoder')),
      signals.join('; '),
    );
  });
});

describe('paths pickled by CPython 3.13 (pathlib._local)', () => {
  /** A path as PurePath.__reduce__ writes it: a call of the class with its parts. */
  const path = (module: string, cls: string, part: (p: P) => P): Uint8Array =>
    part(new P().proto(4).stackGlobal(module, cls).mark().sbu('/')).sbu('docs').tuple().reduce().stop().bytes();
  it('a path of pathlib._local passes as the pathlib class it is', async () => {
    for (const cls of ['PosixPath', 'PurePosixPath', 'PureWindowsPath'])
      assert.deepEqual(await blocking(path('pathlib._local', cls, (p) => p.sbu('tmp'))), [], cls);
  });
  it('other names of the module block, and so does a part that runs code', async () => {
    assert.notDeepEqual(await blocking(path('pathlib._local', 'Unknown', (p) => p)), []);
    const code = path('pathlib._local', 'PosixPath', (p) =>
      p.stackGlobal('posix', 'system').sbu('id').tuple1().reduce(),
    );
    assert.notDeepEqual(await blocking(code), []);
  });
});
