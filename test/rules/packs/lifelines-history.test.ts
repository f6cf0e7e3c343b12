// lifelines history pack (scripts/data/history/lifelines.py): a fitted CoxPHFitter (with the SemiParametricPHFitter it
// delegates to, its CovariateParameterMappings and the CensoringType member it was fitted under) and a fitted
// KaplanMeierFitter pass. From 0.25 CoxPHFitter's __getattr__ answers a name the instance lacks from self._model: on
// the one BUILD a pickle gives a new instance that lookup raises (self._model is not set yet), so the __setstate__
// lookup is not answered; a second BUILD would find the delegate the first one planted (HistoryCheck 'one-build'), and
// any other lookup (APPENDS' append, ...) counts as answered by the stream. lifelines is not installed here (not in
// Debian, PyPI unreachable), so the rows are built opcode by opcode after the structure of the real pickles public
// projects committed (lifelines-manifest.json, scanned at the end when their mirrors are present).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function verdict(bytes: Uint8Array) {
  const r = await scanBytes('cox_model.pkl', bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
  const admitted = r.pickles.flatMap((x) => x.admitted ?? []);
  return { blocking, admitted };
}

const censoring = (p: P, value: string | ((q: P) => P) = 'right'): P =>
  (typeof value === 'string'
    ? p.stackGlobal('lifelines.utils', 'CensoringType').sbu(value)
    : value(p.stackGlobal('lifelines.utils', 'CensoringType'))
  )
    .tuple1()
    .reduce();

interface Parts {
  /** The censoring member's value (a str; or the opcodes of another value). */
  censoring?: string | ((q: P) => P);
  /** Entries added to the Cox model's state. */
  extra?: (p: P) => P;
  /** What follows the Cox model's BUILD. */
  after?: (p: P) => P;
}

/** A fitted CoxPHFitter as pickle.dump writes it (protocol 4). */
function cox(parts: Parts = {}): Uint8Array {
  const p = new P().proto(4).stackGlobal('lifelines.fitters.coxph_fitter', 'CoxPHFitter').emptyTuple().newobj();
  p.emptyDict()
    .mark()
    .sbu('alpha')
    .raw(0x47, Buffer.from([0x3f, 0xa9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]));
  p.sbu('_class_name').sbu('CoxPHFitter').sbu('_label').none().sbu('_censoring_type');
  censoring(p, parts.censoring);
  p.sbu('baseline_estimation_method').sbu('breslow');
  p.sbu('_model').stackGlobal('lifelines.fitters.coxph_fitter', 'SemiParametricPHFitter').emptyTuple().newobj();
  p.emptyDict().mark().sbu('alpha').int(0).sbu('_class_name').sbu('SemiParametricPHFitter');
  p.sbu('regressors').stackGlobal('lifelines.utils', 'CovariateParameterMappings').emptyTuple().newobj();
  p.emptyDict().mark().sbu('mappings').emptyDict().sbu('beta_').emptyList().sbu('age').raw(0x61).setitem();
  p.sbu('force_intercept').raw(0x89).sbu('force_no_intercept').raw(0x89).raw(0x75).build();
  p.raw(0x75).build(); // the delegate's SETITEMS, BUILD
  if (parts.extra) parts.extra(p);
  p.raw(0x75).build();
  if (parts.after) parts.after(p);
  return p.stop().bytes();
}

/** A fitted KaplanMeierFitter. */
function kmf(): Uint8Array {
  const p = new P().proto(4).stackGlobal('lifelines.fitters.kaplan_meier_fitter', 'KaplanMeierFitter').emptyTuple();
  p.newobj().emptyDict().mark().sbu('alpha').int(0).sbu('_class_name').sbu('KaplanMeierFitter');
  p.sbu('_censoring_type');
  censoring(p);
  p.sbu('_label').sbu('KM_estimate').raw(0x75).build();
  return p.stop().bytes();
}

describe('lifelines history pack: fitted models as lifelines writes them pass', () => {
  it('a fitted CoxPHFitter with its delegate, covariate mappings and censoring type', async () => {
    const { blocking, admitted } = await verdict(cox());
    assert.deepEqual(blocking, []);
    const names = new Set(admitted.filter((a) => a.pack === 'lifelines').map((a) => a.name));
    for (const n of [
      'lifelines.fitters.coxph_fitter.CoxPHFitter',
      'lifelines.fitters.coxph_fitter.SemiParametricPHFitter',
      'lifelines.utils.CovariateParameterMappings',
      'lifelines.utils.CensoringType',
    ])
      assert.ok(names.has(n), n);
  });
  it('a fitted KaplanMeierFitter', async () => {
    assert.deepEqual((await verdict(kmf())).blocking, []);
  });
  it('each censoring type', async () => {
    for (const v of ['left', 'interval', 'right'])
      assert.deepEqual((await verdict(cox({ censoring: v }))).blocking, [], v);
  });
});

const HOSTILE: [string, Parts, RegExp][] = [
  [
    'a second BUILD on the Cox model (its __setstate__ lookup reaches the delegate the first one set)',
    { after: (p) => p.emptyDict().sbu('x').int(1).setitem().build() },
    /second BUILD/,
  ],
  [
    'APPENDS on the Cox model (append is answered from the delegate)',
    { after: (p) => p.mark().int(1).raw(0x65) },
    /CoxPHFitter/,
  ],
  // A str lifelines does not define only makes Enum.__new__ raise; an object given as the value is hashed and compared.
  [
    'a censoring type called with a call of os.system',
    { censoring: (q) => q.call('os', 'system', 'id') },
    /os\.system/,
  ],
  [
    'a payload beside the fitted state',
    { extra: (p) => p.sbu('summary').stackGlobal('posix', 'system').sbu('id').tuple1().reduce() },
    /posix\.system/,
  ],
];

describe('lifelines history pack: what lifelines never writes stays blocked', () => {
  for (const [why, parts, expect] of HOSTILE) {
    it(why, async () => {
      const { blocking } = await verdict(cox(parts));
      assert.ok(
        blocking.some((s) => expect.test(s)),
        blocking.join(' | '),
      );
    });
  }
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly model: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/lifelines-manifest.json', import.meta.url),
  'no real lifelines pickle present',
);

describe('real lifelines pickles of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      assert.deepEqual((await verdict(bytes)).blocking, []);
    });
  }
});
