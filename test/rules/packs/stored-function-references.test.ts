// pandas.get_dummies stored as a scikit-learn FunctionTransformer's func is admitted as a stored reference only, at
// every name pandas' releases write it by (derived from the pinned releases: scripts/data/packs/pandas.py
// STORED_FUNCTIONS): pandas.core.reshape (0.10 - 0.19), pandas.core.reshape.reshape (0.20 - 1.4),
// pandas.core.reshape.encoding (1.5 on) and pandas.get_dummies (3.0's set_module). The stream may name it; its own
// call of it (REDUCE) is refused, and another pandas function in the same place is not admitted.
// Real files: scripts/fixtures/stored-function-references.py (pandas 1.5.3 with scikit-learn 1.2.1, and pandas 3.0.6
// with scikit-learn 1.9.1; each file loaded once by those libraries: manifest 'load'); the other homes are written
// with the opcode builder in the shape scikit-learn writes.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const ROOT = new URL('../../fixtures/stored-function-references/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function blocking(name: string, bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
}

for (const dir of readdirSync(ROOT).sort()) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'manifest.json'), 'utf8')) as {
    pandas: string;
    'scikit-learn': string;
    files: { file: string; expect: 'pass' | 'block'; what: string; load: string }[];
  };
  describe(`pandas ${manifest.pandas} with scikit-learn ${manifest['scikit-learn']}: get_dummies as a stored function`, () => {
    it('the benign files load, the called twins call get_dummies', () => {
      for (const f of manifest.files) {
        if (f.expect === 'pass') assert.equal(f.load, 'loads', f.file);
        if (f.file.includes('called')) assert.equal(f.load, 'calls get_dummies', f.file);
      }
    });
    for (const f of manifest.files)
      it(`${f.expect}: ${f.file} (${f.what})`, async () => {
        const signals = await blocking(f.file, readFileSync(join(ROOT, dir, f.file)));
        if (f.expect === 'pass') assert.deepEqual(signals, []);
        else assert.ok(signals.length > 0);
        if (f.file.includes('called'))
          assert.ok(
            signals.some((s) => s.includes('get_dummies') && s.includes('only as a stored reference')),
            signals.join('; '),
          );
      });
  });
}

/** FunctionTransformer whose func is `module.name` (NEWOBJ + BUILD of its dict), then, with `call`, a REDUCE of it. */
function transformer(module: string, name: string, call: boolean): Uint8Array {
  const p = new P().proto(4);
  p.global('sklearn.preprocessing._function_transformer', 'FunctionTransformer').emptyTuple().newobj();
  p.emptyDict().sbu('func').global(module, name).binput(1).setitem();
  p.sbu('validate').op(0x89).setitem(); // NEWFALSE
  p.build();
  if (call) p.binget(1).emptyTuple().reduce().op(0x86); // TUPLE2 of the transformer and the call's result
  return p.stop().bytes();
}

describe('get_dummies at each name a pandas release writes it by (opcode builder)', () => {
  const homes: [string, string][] = [
    ['pandas.core.reshape', 'pandas 0.10 - 0.19'],
    ['pandas.core.reshape.reshape', 'pandas 0.20 - 1.4'],
    ['pandas.core.reshape.encoding', 'pandas 1.5 on'],
    ['pandas', 'pandas 3.0 (set_module)'],
  ];
  for (const [module, when] of homes) {
    it(`stored: ${module}.get_dummies (${when}) passes`, async () => {
      assert.deepEqual(await blocking('t.pkl', transformer(module, 'get_dummies', false)), []);
    });
    it(`called by the stream: ${module}.get_dummies is refused`, async () => {
      const signals = await blocking('t.pkl', transformer(module, 'get_dummies', true));
      assert.ok(
        signals.some((s) => s.includes('only as a stored reference')),
        signals.join('; '),
      );
    });
  }
  it('a name no release defines get_dummies at stays refused', async () => {
    assert.ok((await blocking('t.pkl', transformer('pandas.core.reshape.merge', 'get_dummies', false))).length > 0);
  });
  it('another pandas function stored as func stays refused', async () => {
    assert.ok((await blocking('t.pkl', transformer('pandas.core.reshape.melt', 'melt', false))).length > 0);
  });
});
