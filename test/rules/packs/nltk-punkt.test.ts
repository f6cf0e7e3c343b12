// NLTK's Punkt sentence tokenizer: the pickles nltk_data publishes (tokenizers/punkt/PY3/<language>.pickle, which
// projects commit beside their code) and the ones users train are a PunktSentenceTokenizer's __dict__ ('_params', a
// PunktParameters; '_lang_vars', a PunktLanguageVars; '_Token', the PunktToken class the tokenizer calls on every
// token), the parameters' __dict__ (sets of str and pairs of str, a defaultdict(int)) and the language variables'
// state 1. The nltk history pack admits them in that shape only (HistoryCheck 'punkt-state'). Real files of public
// projects (nltk-punkt-manifest.json, scanned when their mirror is present) and the shape NLTK writes pass; any other
// class under '_Token', another object where NLTK keeps its parameters, a key NLTK never writes, set members or
// orthographic entries that are objects, a defaultdict factory other than int, a language-variables state other than
// 1, an instance of PunktToken or a call of the tokenizer are blocked. Real output of NLTK 3.4.4 and 3.8.1's trainer is
// in test/fixtures/real-history-packs (history-packs-real.test.ts).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { Op } from '../../../src/formats/pickle/opcodes.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const PUNKT = 'nltk.tokenize.punkt';

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly model: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/nltk-punkt-manifest.json', import.meta.url),
  'no real Punkt tokenizer file present',
);

describe('real Punkt tokenizers of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.model}: ${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes('punkt.pickle', bytes);
      assert.deepEqual(
        r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal),
        [],
      );
      const admitted = r.pickles.flatMap((x) => x.admitted ?? []);
      assert.ok(admitted.some((a) => a.name === `${PUNKT}.PunktSentenceTokenizer` && a.pack === 'nltk'));
    });
  }
});

type W = (p: P) => P;
/** builtins.set([...]) as protocol 2 and 3 write a set. */
const setOf =
  (...items: W[]): W =>
  (p) => {
    p.global('builtins', 'set').emptyList().mark();
    for (const it of items) it(p);
    return p.op(Op.APPENDS).tuple1().reduce();
  };
/** EMPTY_SET and ADDITEMS, as protocol 4 and 5 write a set. */
const setOf4 =
  (...items: W[]): W =>
  (p) => {
    p.op(Op.EMPTY_SET).mark();
    for (const it of items) it(p);
    return p.op(Op.ADDITEMS);
  };
const s =
  (v: string): W =>
  (p) =>
    p.sbu(v);
const pair =
  (a: string, b: string): W =>
  (p) =>
    p.sbu(a).sbu(b).tuple2();
/** collections.defaultdict(factory) and SETITEMS of its entries. */
const ortho =
  (entries: [string, W][] = [['the', (p) => p.int(2)]], factory: W = (p) => p.global('builtins', 'int')): W =>
  (p) => {
    factory(p.global('collections', 'defaultdict')).tuple1().reduce();
    if (entries.length === 0) return p;
    p.mark();
    for (const [k, v] of entries) v(p.sbu(k));
    return p.op(Op.SETITEMS);
  };
const langVars =
  (state: W = (p) => p.int(1)): W =>
  (p) =>
    state(p.global(PUNKT, 'PunktLanguageVars').emptyTuple().newobj()).build();
interface Params {
  abbrev?: W;
  colloc?: W;
  starters?: W;
  ortho?: W;
  extra?: [string, W];
}
const params =
  (o: Params = {}): W =>
  (p) => {
    p.global(PUNKT, 'PunktParameters').emptyTuple().newobj().emptyDict();
    (o.abbrev ?? setOf(s('dr'), s('mr'), s('u.s')))(p.sbu('abbrev_types')).setitem();
    (o.colloc ?? setOf(pair('##number##', 'jan'), pair('a', 'b')))(p.sbu('collocations')).setitem();
    (o.starters ?? setOf(s('the'), s('however')))(p.sbu('sent_starters')).setitem();
    (o.ortho ?? ortho())(p.sbu('ortho_context')).setitem();
    if (o.extra !== undefined) o.extra[1](p.sbu(o.extra[0])).setitem();
    return p.build();
  };
interface Tok {
  lang?: W;
  token?: W;
  params?: W;
  extra?: [string, W];
  proto?: number;
}
const tokenizer = (o: Tok = {}): P => {
  const p = new P()
    .proto(o.proto ?? 3)
    .global(PUNKT, 'PunktSentenceTokenizer')
    .emptyTuple()
    .newobj()
    .emptyDict();
  (o.lang ?? langVars())(p.sbu('_lang_vars')).setitem();
  (o.token ?? ((q) => q.global(PUNKT, 'PunktToken')))(p.sbu('_Token')).setitem();
  (o.params ?? params())(p.sbu('_params')).setitem();
  if (o.extra !== undefined) o.extra[1](p.sbu(o.extra[0])).setitem();
  return p.build();
};
const popen: W = (p) => p.global('subprocess', 'Popen');

describe('NLTK Punkt tokenizer shapes', () => {
  const cases: [string, boolean, () => P][] = [
    ['the tokenizer NLTK writes (sets by builtins.set, protocol 3) passes', false, () => tokenizer()],
    [
      'the tokenizer NLTK writes at protocol 5 (EMPTY_SET and ADDITEMS) passes',
      false,
      () =>
        tokenizer({
          proto: 5,
          params: params({
            abbrev: setOf4(s('dr')),
            colloc: setOf4(pair('a', 'b')),
            starters: setOf4(s('the')),
          }),
        }),
    ],
    [
      'an untrained tokenizer (empty sets, an empty orthographic context) passes',
      false,
      () => tokenizer({ params: params({ abbrev: setOf(), colloc: setOf(), starters: setOf(), ortho: ortho([]) }) }),
    ],
    [
      "'_Token' another admitted class (collections.OrderedDict) is blocked",
      true,
      () => tokenizer({ token: (p) => p.global('collections', 'OrderedDict') }),
    ],
    ["'_Token' subprocess.Popen is blocked", true, () => tokenizer({ token: popen })],
    [
      "'_Token' an instance of PunktToken is blocked",
      true,
      () => tokenizer({ token: (p) => p.global(PUNKT, 'PunktToken').emptyTuple().newobj() }),
    ],
    [
      "'_params' subprocess.Popen (a callable where NLTK keeps data) is blocked",
      true,
      () => tokenizer({ params: popen }),
    ],
    ["'_params' a plain dict is blocked", true, () => tokenizer({ params: (p) => p.emptyDict() })],
    ["'_lang_vars' a PunktParameters object is blocked", true, () => tokenizer({ lang: params() })],
    ['a PunktLanguageVars state of 2 is blocked', true, () => tokenizer({ lang: langVars((p) => p.int(2)) })],
    [
      'a PunktLanguageVars state dict is blocked',
      true,
      () => tokenizer({ lang: langVars((p) => p.emptyDict().sbu('_re_word_tokenizer').sbu('x').setitem()) }),
    ],
    [
      'a PunktLanguageVars state carrying a call to os.system is blocked',
      true,
      () => tokenizer({ lang: langVars((p) => p.call('os', 'system', 'id')) }),
    ],
    [
      "a tokenizer state key NLTK never writes ('tokenize', a str) is blocked",
      true,
      () => tokenizer({ extra: ['tokenize', s('x')] }),
    ],
    [
      "a planted '__getattr__' holding subprocess.Popen is blocked",
      true,
      () => tokenizer({ extra: ['__getattr__', popen] }),
    ],
    [
      "a parameters state key NLTK never writes ('_foo', a str) is blocked",
      true,
      () => tokenizer({ params: params({ extra: ['_foo', s('x')] }) }),
    ],
    [
      'an abbreviation set holding a PunktLanguageVars object is blocked',
      true,
      () => tokenizer({ params: params({ abbrev: setOf(s('dr'), langVars()) }) }),
    ],
    [
      'a collocation pair holding an object is blocked',
      true,
      () =>
        tokenizer({
          params: params({ colloc: setOf((p) => langVars()(p.sbu('a')).tuple2()) }),
        }),
    ],
    [
      'a sentence-starter set given at protocol 5 with an object member is blocked',
      true,
      () => tokenizer({ proto: 5, params: params({ starters: setOf4(s('the'), langVars()) }) }),
    ],
    [
      "'abbrev_types' a list, not a set, is blocked",
      true,
      () => tokenizer({ params: params({ abbrev: (p) => p.emptyList() }) }),
    ],
    [
      'an orthographic context with a list factory is blocked',
      true,
      () => tokenizer({ params: params({ ortho: ortho(undefined, (p) => p.global('builtins', 'list')) }) }),
    ],
    [
      'an orthographic context with a subprocess.Popen factory is blocked',
      true,
      () => tokenizer({ params: params({ ortho: ortho(undefined, popen) }) }),
    ],
    [
      'an orthographic flag that is an object is blocked',
      true,
      () => tokenizer({ params: params({ ortho: ortho([['the', langVars()]]) }) }),
    ],
    [
      'a call of the tokenizer on a text (its constructor trains on it) is blocked',
      true,
      () => new P().proto(3).global(PUNKT, 'PunktSentenceTokenizer').sbu('A text. Another one.').tuple1().reduce(),
    ],
    [
      'a PunktTrainer (not admitted) is blocked',
      true,
      () => new P().proto(3).global(PUNKT, 'PunktTrainer').emptyTuple().newobj().emptyDict().build(),
    ],
  ];
  for (const [what, blocked, write] of cases) {
    it(what, async () => {
      const r = await scanBytes('punkt.pickle', write().stop().bytes());
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      assert.equal(blocking.length > 0, blocked, JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])));
    });
  }
});
