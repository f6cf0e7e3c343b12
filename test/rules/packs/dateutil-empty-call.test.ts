// dateutil's relativedelta called with no arguments (vetted-uses.ts EMPTY_CALLS): pandas 0.15's offsets pickled it at
// protocol 0 as INST 'dateutil.relativedelta relativedelta' with an empty argument list, then BUILD with its fields.
// relativedelta() sets every field to its default and runs _fix() on them in dateutil 2.4 - 2.9 (read in the dateutil
// mirror); the real loader proves the shape: pandas 1.5.3's read_pickle (dateutil 2.8) loads pandas' own
// dateoffset_0_15_2.pickle (the real-world manifest). A constructor call with any argument (dt1/dt2 are compared and
// subtracted) stays refused, as the pytz-dateutil pack admits the class only rebuilt through __new__ otherwise.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const [MOD, CLS] = ['dateutil.relativedelta', 'relativedelta'];

/** INST (or GLOBAL + REDUCE) of relativedelta with `args`, then BUILD {'years': 1}. */
function made(how: 'inst' | 'reduce', args: (p: P) => P = (p) => p): Uint8Array {
  let p = new P().proto(how === 'inst' ? 0 : 2);
  p = how === 'inst' ? args(p.mark()).inst(MOD, CLS) : args(p.global(MOD, CLS).mark()).tuple().reduce();
  return p.mark().op(0x64 /* DICT */).sbu('years').int(1).setitem().build().stop().bytes();
}

describe('dateutil relativedelta called with no arguments', () => {
  const cases: [string, Uint8Array, boolean][] = [
    ['INST with no arguments, as pandas 0.15 wrote it', made('inst'), true],
    ['REDUCE with an empty argument tuple', made('reduce'), true],
    ['INST with an argument', made('inst', (p) => p.int(1)), false],
    [
      'REDUCE with dt1/dt2 objects',
      made('reduce', (p) => p.global('datetime', 'date').global('datetime', 'date')),
      false,
    ],
  ];
  for (const [name, bytes, ok] of cases) {
    it(`${ok ? 'passes' : 'blocks'}: ${name}`, async () => {
      const r = await scanBytes('rd.pkl', bytes);
      const got = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
      if (ok) {
        assert.deepEqual(got, []);
        const a = r.pickles.flatMap((p) => p.admitted ?? []).find((x) => x.name === `${MOD}.${CLS}`);
        assert.equal(a?.pack, 'pytz-dateutil');
        assert.ok(a?.versions, 'the versions of the pack entry');
      } else
        assert.ok(
          got.some((s) => s.includes(`${MOD}.${CLS}`)),
          got.join('; '),
        );
    });
  }

  it('blocks an empty call beside a call with arguments in the same stream', async () => {
    const p = new P().proto(2).global(MOD, CLS).binput(0).emptyTuple().reduce().pop();
    const bytes = p.binget(0).mark().int(1).tuple().reduce().stop().bytes();
    const r = await scanBytes('rd.pkl', bytes);
    assert.ok(r.findings.some((f) => BLOCKING.has(f.severity) && f.evidence.signal.includes(`${MOD}.${CLS}`)));
  });
});
