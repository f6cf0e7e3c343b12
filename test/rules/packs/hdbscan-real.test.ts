// hdbscan's fitted clusterers (HDBSCAN, RobustSingleLinkage), pickled through their __dict__ by every release: the real
// files of hdbscan 0.8.29 and 0.8.33 (scripts/fixtures/hdbscan-real.py, run from source trees with their Cython
// extensions built) pass, with the joblib Memory an HDBSCAN holds; a model fitted with prediction_data=True (hdbscan's
// Cython distance metrics, not reviewed) and the payload twins are blocked. The case table below rebuilds the same
// classes with the opcode builder: planted calls, references and calls of the class are blocked.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { releasedOutputTable } from '../../helpers/released-output.js';

const ROOT = new URL('../../fixtures/hdbscan-real/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

releasedOutputTable('hdbscan', ROOT, 'hdbscan');

describe('hdbscan clusterers: case table', () => {
  const CLASSES: [string, string, string][] = [
    ['hdbscan.hdbscan_', 'HDBSCAN', 'labels_'],
    ['hdbscan.robust_single_linkage_', 'RobustSingleLinkage', 'cut'],
  ];
  type Twin = 'plain' | 'payload' | 'called' | 'reference' | 'slot-state';
  const write = (module: string, name: string, key: string, twin: Twin): Uint8Array => {
    const p = new P().proto(4).global(module, name);
    if (twin === 'called') p.sbu('id').tuple1().reduce();
    else p.emptyTuple().newobj();
    if (twin === 'slot-state') p.none();
    p.emptyDict().sbu(key);
    if (twin === 'payload') p.call('os', 'system', 'id');
    else if (twin === 'reference') p.global('subprocess', 'Popen');
    else p.int(4);
    p.setitem();
    if (twin === 'slot-state') p.tuple2(); // (None, {key: value}): setattr runs HDBSCAN's property setters
    return p.build().stop().bytes();
  };
  for (const [module, name, key] of CLASSES) {
    for (const twin of ['plain', 'slot-state', 'payload', 'called', 'reference'] as const) {
      const blocked = twin === 'payload' || twin === 'called' || twin === 'reference';
      it(`${module}.${name}, ${twin}: ${blocked ? 'blocked' : 'passes'}`, async () => {
        const r = await scanBytes('model.pkl', write(module, name, key, twin));
        const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
        assert.equal(
          blocking.length > 0,
          blocked,
          JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])),
        );
      });
    }
  }
});
