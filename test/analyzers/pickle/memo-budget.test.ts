// Objects the memo stores after its detail budget are kept as one stand-in per import; a later frame that reads one
// back (pandas writes an index shared by a DataFrame and a Series once) asks the stand-in whether the stream planted
// an attribute a hook looks up. The stand-in answers from the names BUILD set on the objects it replaced: pandas'
// own output passes past the budget as within it, and an index whose BUILD plants a looked-up name stays blocked on
// both sides. A stand-in also answers which classes the objects it stands for are of (a DatetimeIndex over values
// shared with an earlier copy): pandas' values pass, a numpy MaskedArray does not. Fixtures:
// scripts/fixtures/memo-budget.py (CPython's pickler, pandas' objects).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = new URL('../../fixtures/memo-budget/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block' | 'struct'; what: string }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

describe('memo stand-ins past the detail budget (pandas shared index)', () => {
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanBytes(f.file, readFileSync(join(DIR, f.file)));
      const why = r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 240)}`).join('\n');
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'pass') {
        assert.deepEqual(blocking, [], why);
        for (const p of r.pickles) assert.equal(p.safety, 'LIKELY_SAFE', why);
        return;
      }
      assert.ok(blocking.length > 0, why);
      if (f.file.includes('planted') && f.file.includes('-past'))
        // The lookup on the stand-in answers "unknown": the planted value is called, and it is not one the
        // analysis can name.
        assert.ok(
          blocking.some((x) => x.ruleId === 'PICKLE-STRUCT' && x.evidence.signal.includes('_with_freq')),
          why,
        );
      if (f.expect === 'struct') assert.deepEqual([...new Set(blocking.map((x) => x.ruleId))], ['PICKLE-STRUCT'], why);
    });
  }
});
