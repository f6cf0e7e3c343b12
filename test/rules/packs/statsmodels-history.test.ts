// statsmodels < 0.13's arima_model (ARMA/ARIMA, their results and wrappers; 0.13 - 0.14 keep only stub classes): the
// statsmodels history pack admits them rebuilt as statsmodels wrote them. ARIMA pickles through __getnewargs__, so
// NEWOBJ runs its __new__ (ARMA(...) or __init__ on the arguments: array conversion, dates/freq through pandas), which
// the review models as the `any` sink on each argument: data arguments pass, a class or function among them is
// reported as called. The installed statsmodels (0.13.5) cannot write these classes, so the streams are built from the
// structure 0.8 - 0.12 write (real files of that shape: the public manifest's gold-price ARIMA results).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const M = 'statsmodels.tsa.arima_model';

/** NEWOBJ ARIMA(*args) then BUILD {'k_diff': 1}; `arg` pushes the freq argument. */
function arima(freq: (p: P) => P): Uint8Array {
  let p = new P().proto(2).global(M, 'ARIMA').mark();
  p = p.mark().int(1).int(2).int(3).tuple(); // endog (a tuple of numbers here)
  p = p.mark().int(1).int(1).int(0).tuple(); // order (p, d, q)
  p = freq(p.none().none()); // exog, dates, freq
  p = p.sbu('none').tuple().newobj(); // missing
  return p.emptyDict().sbu('k_diff').int(1).setitem().build().stop().bytes();
}

/** A results wrapper over its results, each rebuilt as pickle writes them (NEWOBJ with no arguments, BUILD). */
function wrapper(how: 'newobj' | 'reduce'): Uint8Array {
  let p = new P().proto(2).global(M, 'ARIMAResultsWrapper').emptyTuple().newobj();
  p = p.emptyDict().sbu('_results').global(M, 'ARIMAResults').emptyTuple();
  p = how === 'newobj' ? p.newobj() : p.reduce();
  p = p.emptyDict().sbu('k_ar').int(1).setitem().build();
  return p.setitem().build().stop().bytes();
}

async function blocking(bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes('arima.pkl', bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
}

describe('statsmodels arima_model (history pack)', () => {
  const cases: [string, Uint8Array, RegExp | undefined][] = [
    ['ARIMA rebuilt with the data arguments __getnewargs__ writes', arima((p) => p.none()), undefined],
    ['ARIMA with a freq str', arima((p) => p.sbu('M')), undefined],
    [
      'ARIMA with a class as its freq argument',
      arima((p) => p.global('numpy', 'ndarray')),
      /numpy\.ndarray: .*this stream calls it/,
    ],
    ['results wrapper over results, as pickle writes them', wrapper('newobj'), undefined],
    ['results called as a constructor', wrapper('reduce'), /only rebuilt through __new__/],
  ];
  for (const [name, bytes, want] of cases) {
    it(name, async () => {
      const got = await blocking(bytes);
      if (want === undefined) assert.deepEqual(got, []);
      else
        assert.ok(
          got.some((s) => want.test(s)),
          got.join('; '),
        );
    });
  }

  it('names the history pack and the versions that admitted each name', async () => {
    const r = await scanBytes('arima.pkl', wrapper('newobj'));
    const admitted = r.pickles.flatMap((p) => p.admitted ?? []);
    const w = admitted.find((a) => a.name === `${M}.ARIMAResultsWrapper`);
    assert.equal(w?.pack, 'statsmodels');
    assert.match(w?.versions ?? '', /v0\.8\.0 - v0\.12\.2/);
  });
});
