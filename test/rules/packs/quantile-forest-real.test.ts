// quantile-forest: fitted forests written by two released versions (scripts/fixtures/quantile-forest-real.py) pass,
// admitted by the quantile-forest history pack; their hostile twins are blocked: a payload in the forest's __dict__;
// a QuantileForest whose BUILD state is not the empty dict the library writes by default (its sparse-pickled state,
// that state with row indices out of range, which crashes the real loaders, and a state carrying a payload); a name
// of the library the pack does not admit. A stream-level case table checks the QuantileForest state and argument
// checks with benign twins. A real forest a public project committed (quantile-forest-manifest.json) passes when its
// mirror is present.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const ROOT = new URL('../../fixtures/real-quantile-forest/', import.meta.url).pathname;
const QF = 'quantile_forest._quantile_forest_fast.QuantileForest';

interface Row {
  readonly file: string;
  readonly version: string;
  readonly expect: 'benign' | 'blocked';
  readonly what: string;
  readonly sha256: string;
  /** How pickle.load / joblib.load of the file ended in a child process with the built library (out-of-range twin). */
  readonly loaded?: string;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { files: Row[] };

// The rule each hostile twin must raise (beside any other).
const RULE: Record<string, string> = {
  payload: 'PICKLE-EXEC',
  'state-payload': 'PICKLE-EXEC',
  sparse: 'PICKLE-STRUCT',
  'sparse-oob': 'PICKLE-STRUCT',
  unadmitted: 'PICKLE-GLOBAL-IMPORT',
};

describe('quantile-forest: real output of released versions', () => {
  it('holds two versions, each with both forests and every twin, by pickle and joblib', () => {
    const versions = [...new Set(manifest.files.map((f) => f.version))].sort();
    assert.equal(versions.length, 2, versions.join(', '));
    for (const v of versions) {
      const kinds = manifest.files.filter((f) => f.version === v).map((f) => f.file.replace(/^.*?-v[\d.]+-/, ''));
      assert.deepEqual(
        kinds.sort(),
        ['et', 'payload', 'rf', 'sparse', 'sparse-oob', 'state-payload', 'unadmitted']
          .flatMap((k) => [`${k}.joblib`, `${k}.pkl`])
          .sort(),
      );
    }
  });
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.version}, ${f.what})`, async () => {
      const bytes = readFileSync(join(ROOT, f.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256);
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'benign') {
        assert.deepEqual(
          blocking.map((x) => x.evidence),
          [],
        );
        const admitted = r.pickles.flatMap((p) => p.admitted ?? []);
        assert.ok(admitted.some((a) => a.name === QF && a.pack === 'quantile-forest'));
        assert.ok(
          admitted.some((a) => a.name.startsWith('quantile_forest._quantile_forest.') && a.pack === 'quantile-forest'),
        );
      } else {
        const rule = RULE[f.what];
        assert.ok(rule !== undefined, f.what);
        assert.ok(
          blocking.some((x) => x.ruleId === rule),
          blocking.map((x) => x.ruleId).join(', '),
        );
      }
    });
  }
  it('the out-of-range sparse state crashed the real loaders (SIGSEGV), every file of it', () => {
    const oob = manifest.files.filter((x) => x.what === 'sparse-oob');
    assert.equal(oob.length, 4);
    for (const f of oob) assert.equal(f.loaded, 'signal:SIGSEGV', f.file);
  });
  it('reports the sparse states for the QuantileForest state only', async () => {
    for (const f of manifest.files.filter((x) => x.what === 'sparse' || x.what === 'sparse-oob')) {
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.deepEqual(
        blocking.map((x) => x.ruleId),
        ['PICKLE-STRUCT'],
        f.file,
      );
      assert.match(JSON.stringify(blocking[0]!.evidence), /QuantileForest: the state dict has entries/);
    }
  });
});

/**
 * QuantileForest called with two placeholder arguments (numbers, or `first` for the first) and a flag, then BUILD of
 * `state` (none: no BUILD).
 */
function forest(state: ((p: P) => P) | undefined, flag = false, first: (p: P) => P = (p) => p.int(1)): Uint8Array {
  const p = new P().proto(4).stackGlobal('quantile_forest._quantile_forest_fast', 'QuantileForest');
  first(p.mark())
    .int(2)
    .op(flag ? 0x88 : 0x89)
    .tuple()
    .reduce();
  if (state !== undefined) state(p).build();
  return p.stop().bytes();
}

describe('quantile-forest: the QuantileForest call and BUILD state', () => {
  const cases: [string, Uint8Array, boolean][] = [
    ['no BUILD', forest(undefined), true],
    ['an empty dict', forest((p) => p.emptyDict()), true],
    ['an empty dict, flag set', forest((p) => p.emptyDict(), true), true],
    ['a dict with an entry', forest((p) => p.emptyDict().sbu('matrix').int(1).setitem(), true), false],
    ['None', forest((p) => p.none()), false],
    ['a tuple', forest((p) => p.mark().int(1).tuple()), false],
    ['a str', forest((p) => p.sbu('x')), false],
    [
      'None for an array argument',
      forest(
        (p) => p.emptyDict(),
        false,
        (p) => p.none(),
      ),
      true,
    ],
    [
      'a str argument',
      forest(
        (p) => p.emptyDict(),
        false,
        (p) => p.sbu('x'),
      ),
      false,
    ],
    [
      'an object argument (an OrderedDict, whose truth value is its length)',
      forest(
        (p) => p.emptyDict(),
        false,
        (p) => p.stackGlobal('collections', 'OrderedDict').emptyTuple().reduce(),
      ),
      false,
    ],
  ];
  for (const [what, bytes, passes] of cases) {
    it(`${passes ? 'passes' : 'blocks'}: ${what}`, async () => {
      const r = await scanBytes('forest.pkl', bytes);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.ruleId);
      if (passes) assert.deepEqual(blocking, []);
      else assert.deepEqual(blocking, ['PICKLE-STRUCT']);
    });
  }
  it('blocks a compiled function of the library the pack does not admit', async () => {
    const bytes = new P().proto(4).stackGlobal('quantile_forest._quantile_forest_fast', 'calc_quantile').stop().bytes();
    const r = await scanBytes('f.pkl', bytes);
    assert.ok(r.findings.some((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT' && BLOCKING.has(x.severity)));
  });
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly model: string;
}
const real = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/quantile-forest-manifest.json', import.meta.url),
  'no real quantile-forest file present',
);

describe('real quantile-forest files of public projects', { skip: real.skip }, () => {
  for (const { e, bytes } of real.present) {
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes('model.pkl', bytes);
      assert.deepEqual(
        r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
        [],
      );
      assert.ok(r.pickles.flatMap((x) => x.admitted ?? []).some((a) => a.name === QF && a.pack === 'quantile-forest'));
    });
  }
});
