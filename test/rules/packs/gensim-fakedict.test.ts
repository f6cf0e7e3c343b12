// gensim's FakeDict, the id2word an LdaModel, LdaMulticore or LsiModel holds when it was trained without a dictionary:
// a plain object of one attribute (num_terms) with no hook that runs while loading, rebuilt through __new__ and a
// BUILD of its __dict__. Files Debian's gensim pickled (scripts/fixtures/gensim-fakedict.py) and dill 0.2.7.1 and
// 0.3.6 wrote (scripts/fixtures/dill-old-names.py) pass; streams written opcode by opcode keep every hostile twin
// blocked (a call planted in its state, the class called with a planted argument).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

async function verdict(bytes: Uint8Array): Promise<{ blocking: string[]; signals: string; admitted: string[] }> {
  const r = await scanBytes('m.pkl', bytes);
  const b = r.findings.filter((f) => BLOCKING.has(f.severity));
  return {
    blocking: b.map((f) => f.ruleId),
    signals: b.map((f) => f.evidence.signal).join(' | '),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []).map((a) => a.name),
  };
}

/** os.system('id'): the planted call of the hostile twins. */
const payload = (p: P): P => p.global('os', 'system').bu('id').tuple1().reduce();

/** FakeDict as protocol 2+ writes it: NEWOBJ of the class, then BUILD of {'num_terms': <value>}. */
function fakeDict(value: (p: P) => P = (q) => q.int(12)): Uint8Array {
  const p = new P().proto(4).stackGlobal('gensim.utils', 'FakeDict').emptyTuple().newobj().emptyDict().sbu('num_terms');
  return value(p).setitem().build().stop().bytes();
}

describe("gensim's FakeDict (an id2word without a dictionary)", () => {
  const cases: [string, Uint8Array, RegExp | null][] = [
    ['benign: NEWOBJ of the class and BUILD of {num_terms: 12}', fakeDict(), null],
    ['hostile: a call planted as num_terms', fakeDict(payload), /os\.system/],
    [
      'hostile: the class called (REDUCE) with a planted argument',
      payload(new P().proto(4).stackGlobal('gensim.utils', 'FakeDict')).tuple1().reduce().stop().bytes(),
      /os\.system/,
    ],
  ];
  for (const [name, bytes, hit] of cases) {
    it(name, async () => {
      const v = await verdict(bytes);
      if (hit === null) assert.deepEqual(v.blocking, [], v.signals);
      else {
        assert.ok(v.blocking.length > 0, name);
        assert.match(v.signals, hit);
      }
    });
  }
  for (const f of [
    'gensim-fakedict/lda-p2.pkl',
    'gensim-fakedict/lda-p4.pkl',
    'gensim-fakedict/lsi-p4.pkl',
    'gensim-fakedict/fakedict-p0.pkl',
    'dill-old-names/dill-0.2.7.1-fakedict.pkl',
    'dill-old-names/dill-0.3.6-fakedict.pkl',
  ]) {
    it(`passes: ${f}`, async () => {
      const v = await verdict(readFileSync(FIXTURES + f));
      assert.deepEqual(v.blocking, [], v.signals);
      assert.ok(v.admitted.includes('gensim.utils.FakeDict'), v.admitted.join(', '));
    });
  }
});
