// scikit-learn 0.19.1 - 0.20.4's search state: scorer_ is the function _passthrough_scorer (stored, called by the
// search after loading), cv_results_ a DeprecationDict (a dict subclass: NEWOBJ, SETITEMS of the results, BUILD of its
// __dict__ {'_deprecations': {key: ((message, FutureWarning), {})}}, the warning class stored, never called). Streams
// written opcode by opcode as CPython's pickler writes them, with hostile twins (each name called, a call planted in
// the state), and a search fitted by Debian's scikit-learn holding the two 0.20 values, written from 0.20's source
// (scripts/fixtures/sklearn-search-020.py: 0.20 does not install here).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { allowEntry } from '../../../src/rules/data/allowlist.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const MARK = 0x28;
const SETITEMS = 0x75;
const EMPTY_TUPLE = 0x29;

/** os.system('id'): the planted call of the hostile twins. */
const payload = (p: P): P => p.global('os', 'system').bu('id').tuple1().reduce();

interface Search {
  /** How scorer_ is written (default: the function, stored). */
  scorer?: (p: P) => P;
  /** How the warning category of the deprecation record is written (default: the class, stored). */
  warning?: (p: P) => P;
  /** How the DeprecationDict is made (default: NEWOBJ with no arguments). */
  make?: (p: P) => P;
  /** A further item of the DeprecationDict's __dict__ state. */
  extraState?: (p: P) => P;
}

/** GridSearchCV as scikit-learn 0.20 pickles it (protocol 2: GLOBAL, NEWOBJ, BUILD), its state trimmed to two keys. */
function search(s: Search = {}): Uint8Array {
  let p = new P().proto(2).global('sklearn.model_selection._search', 'GridSearchCV').op(EMPTY_TUPLE).newobj();
  p = p.emptyDict().op(MARK).bu('scorer_');
  p = s.scorer ? s.scorer(p) : p.global('sklearn.metrics.scorer', '_passthrough_scorer');
  p = p.bu('cv_results_');
  p = s.make ? s.make(p) : p.global('sklearn.utils.deprecation', 'DeprecationDict').op(EMPTY_TUPLE).newobj();
  p = p.op(MARK).bu('mean_fit_time').int(1).bu('split0_train_score').int(2).op(SETITEMS);
  p = p.emptyDict().op(MARK).bu('_deprecations').emptyDict().op(MARK).bu('split0_train_score');
  p = p.bu("You are accessing a training score ('split0_train_score')");
  p = s.warning ? s.warning(p) : p.global('builtins', 'FutureWarning');
  p = p.tuple2().emptyDict().tuple2().op(SETITEMS);
  if (s.extraState) p = s.extraState(p);
  p = p.op(SETITEMS).build();
  return p.op(SETITEMS).build().stop().bytes();
}

async function verdict(bytes: Uint8Array): Promise<{ blocking: string[]; signals: string }> {
  const r = await scanBytes('m.pkl', bytes);
  const b = r.findings.filter((f) => BLOCKING.has(f.severity));
  return { blocking: b.map((f) => f.ruleId), signals: b.map((f) => f.evidence.signal).join(' | ') };
}

describe('stored values of scikit-learn 0.19.1 - 0.20.4 searches', () => {
  it('the names are admitted as their releases define them, each in its role', () => {
    const rows: [string, string | undefined, RegExp][] = [
      ['sklearn.utils.deprecation.DeprecationDict', 'new', /0\.19\.1 - 0\.20\.4/],
      ['sklearn.metrics.scorer._passthrough_scorer', 'none', /0\.15\.0 - 0\.21\.3/],
      ['builtins.FutureWarning', 'none', /./],
    ];
    for (const [name, calls, versions] of rows) {
      const e = allowEntry(name);
      assert.ok(e, name);
      assert.equal(e.calls, calls, name);
      if (e.versions !== undefined) assert.match(e.versions, versions, name);
    }
  });

  const cases: [string, Search, RegExp | null][] = [
    ['benign: the search as 0.20 writes it', {}, null],
    [
      'hostile: _passthrough_scorer called (REDUCE) instead of stored',
      {
        scorer: (p) =>
          p
            .global('sklearn.metrics.scorer', '_passthrough_scorer')
            .global('builtins', 'object')
            .op(EMPTY_TUPLE)
            .reduce()
            .tuple1()
            .reduce(),
      },
      /_passthrough_scorer.*stored reference/,
    ],
    [
      'hostile: FutureWarning called (REDUCE) instead of stored',
      { warning: (p) => p.global('builtins', 'FutureWarning').bu('m').tuple1().reduce() },
      /FutureWarning.*stored reference/,
    ],
    [
      'hostile: DeprecationDict called (REDUCE runs its __init__)',
      { make: (p) => p.global('sklearn.utils.deprecation', 'DeprecationDict').op(EMPTY_TUPLE).reduce() },
      /DeprecationDict/,
    ],
    [
      'hostile: a call planted in the DeprecationDict state',
      { extraState: (p) => payload(p.bu('x')) },
      /os\.system|posix\.system/,
    ],
    ['hostile: a call planted as the warning category', { warning: (p) => payload(p) }, /os\.system|posix\.system/],
  ];
  for (const [name, s, hit] of cases) {
    it(name, async () => {
      const v = await verdict(search(s));
      if (hit === null) assert.deepEqual(v.blocking, [], v.signals);
      else {
        assert.ok(v.blocking.length > 0, name);
        assert.match(v.signals, hit);
      }
    });
  }
});

describe('files: a search holding the 0.20 values', () => {
  for (const dir of ['sklearn-search-020']) {
    const root = new URL(`../../fixtures/${dir}/`, import.meta.url).pathname;
    const manifest = JSON.parse(readFileSync(`${root}manifest.json`, 'utf8')) as {
      files: { file: string; expect: string; what: string }[];
    };
    for (const f of manifest.files) {
      it(`${f.expect}: ${dir}/${f.file} (${f.what})`, async () => {
        const v = await verdict(readFileSync(`${root}${f.file}`));
        if (f.expect === 'benign') assert.deepEqual(v.blocking, [], v.signals);
        else assert.ok(v.blocking.includes('PICKLE-EXEC'), v.blocking.join(', '));
      });
    }
  }
});
