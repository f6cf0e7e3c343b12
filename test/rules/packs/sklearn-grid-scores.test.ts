// scikit-learn's _CVScoreTuple, one candidate's (parameters, mean_validation_score, cv_validation_scores) in a search's
// grid_scores_ (sklearn.grid_search until 0.19; sklearn.model_selection._search in 0.18 - 0.19): a namedtuple
// subclass with __slots__ = () and only __repr__ of its own, written at protocol 2+ as NEWOBJ of the class with the
// three values and no BUILD. No release that defines it imports on the Python here, so the streams are written opcode
// by opcode (a real file: test/rules/packs/old-names-real.test.ts); the hostile twins stay blocked (a call planted as a
// field, the class called with a planted argument, a state planting a callable, a release's module that never
// defined it).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function verdict(bytes: Uint8Array): Promise<{ blocking: string[]; signals: string; admitted: string[] }> {
  const r = await scanBytes('search.pkl', bytes);
  const b = r.findings.filter((f) => BLOCKING.has(f.severity));
  return {
    blocking: b.map((f) => f.ruleId),
    signals: b.map((f) => f.evidence.signal).join(' | '),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []).map((a) => a.name),
  };
}

/** os.system('id'): the planted call of the hostile twins. */
const payload = (p: P): P => p.global('os', 'system').bu('id').tuple1().reduce();
const FLOAT = 0x47;
const f64 = (x: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};

interface Parts {
  module?: string;
  /** The parameters field (default {'C': 0.01}). */
  params?: (p: P) => P;
  /** What follows NEWOBJ (default nothing). */
  after?: (p: P) => P;
}

/** grid_scores_ as protocol 2 writes it: a list of one _CVScoreTuple, NEWOBJ of the class with its three fields. */
function scores(parts: Parts = {}): Uint8Array {
  let p = new P()
    .proto(2)
    .emptyList()
    .global(parts.module ?? 'sklearn.grid_search', '_CVScoreTuple')
    .mark();
  p = parts.params ? parts.params(p) : p.emptyDict().sbu('C').raw(FLOAT, f64(0.01)).setitem();
  p.raw(FLOAT, f64(0.5)).emptyList().raw(FLOAT, f64(0.4)).op(0x61).tuple().newobj();
  if (parts.after) p = parts.after(p);
  return p.op(0x61).stop().bytes();
}

describe("scikit-learn's _CVScoreTuple (a search's grid_scores_ of 0.15 - 0.19)", () => {
  const cases: [string, Uint8Array, RegExp | null][] = [
    ['benign: sklearn.grid_search, NEWOBJ with its three fields', scores(), null],
    [
      'benign: sklearn.model_selection._search (0.18 - 0.19)',
      scores({ module: 'sklearn.model_selection._search' }),
      null,
    ],
    ['hostile: a call planted as the parameters', scores({ params: payload }), /os\.system/],
    [
      'hostile: the class called (REDUCE) with a planted argument',
      payload(new P().proto(2).global('sklearn.grid_search', '_CVScoreTuple')).tuple1().reduce().stop().bytes(),
      /os\.system|_CVScoreTuple/,
    ],
    [
      'hostile: a BUILD whose state plants a callable',
      scores({ after: (p) => p.emptyDict().sbu('x').global('os', 'system').setitem().build() }),
      /os\.system|_CVScoreTuple/,
    ],
    [
      'hostile: the name under a module of a release that never defined it (sklearn.model_selection._validation)',
      scores({ module: 'sklearn.model_selection._validation' }),
      /_CVScoreTuple/,
    ],
  ];
  for (const [name, bytes, hit] of cases) {
    it(name, async () => {
      const v = await verdict(bytes);
      if (hit === null) {
        assert.deepEqual(v.blocking, [], v.signals);
        assert.ok(
          v.admitted.some((n) => n.endsWith('._CVScoreTuple')),
          v.admitted.join(', '),
        );
      } else {
        assert.ok(v.blocking.length > 0, name);
        assert.match(v.signals, hit);
      }
    });
  }
});
