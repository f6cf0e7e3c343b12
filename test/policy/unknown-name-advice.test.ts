// The advice on a name no pack admits: which library, which packs cover that library, and policy lines that do admit
// the name when a reviewer adds them (checked by loading them as a policy and scanning again).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkAllowEntry, FORBIDDEN_MODULES } from '../../src/policy/also-allow.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { allPacks } from '../../src/rules/data/allowlist.js';
import { unknownNameAdvice } from '../../src/rules/unknown-name-advice.js';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

/** A pickle rebuilding `module.name` with NEWOBJ (the class is called). */
const rebuilds = (module: string, name: string): Uint8Array =>
  new P().proto(4).op(0x63, `${module}\n${name}\n`).op(0x29).op(0x81).stop().bytes();
/** A pickle that only references `module.name` (a stored class, never called). */
const references = (module: string, name: string): Uint8Array =>
  new P().proto(4).op(0x63, `${module}\n${name}\n`).stop().bytes();

const cases: [string, string, boolean, RegExp][] = [
  ['skorch.net', 'NeuralNet', true, /^skorch has no reviewed pack; .*call it with arguments/],
  ['igraph', 'Graph', false, /^igraph has no reviewed pack; .*rebuild it through its pickle hooks/],
  ['sklearn.no_such_module', 'Estimator', true, /^sklearn's reviewed packs \(.*scikit-learn .*\) do not list it/],
  ['gensim.no_such_module', 'Model', true, /^gensim's reviewed packs? \(.*gensim .*\) do(es)? not list it/],
];

describe('advice on a name outside every pack', () => {
  for (const [module, name, called, text] of cases) {
    it(`${module}.${name}: names the library and its packs, and the policy lines admit it`, async () => {
      const bytes = called ? rebuilds(module, name) : references(module, name);
      const plain = await scanBytes('m.pkl', bytes);
      const f = plain.findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT');
      assert.ok(f, 'the name is reported');
      const advice = unknownNameAdvice(`${module}.${name}`, called);
      assert.match(advice.text, text);
      assert.ok(f.evidence.signal.endsWith(advice.text), f.evidence.signal);
      assert.equal(f.evidence.details?.['library'], module.split('.')[0]);
      assert.equal(f.evidence.details?.['alsoAllow'], advice.alsoAllow);
      assert.ok(advice.alsoAllow !== undefined);
      const policy = parsePolicy(advice.alsoAllow.replace(/"<[^>]*>"/, '"reviewed"'), 'p.yml');
      assert.ok(policy.ok, JSON.stringify(policy));
      if (!policy.ok) return;
      const admitted = await scanBytes('m.pkl', bytes, { extraAllow: policy.policy.alsoAllow });
      assert.deepEqual(
        admitted.findings.map((x) => x.ruleId),
        [],
      );
    });
  }
  it('a name a pack review refuses keeps the pack reason and still gives the line that admits it', async () => {
    const bytes = rebuilds('pycaret.internal.pipeline', 'Pipeline');
    const f = (await scanBytes('m.pkl', bytes)).findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT');
    assert.ok(f);
    assert.match(
      f.evidence.signal,
      /not admitted by the pycaret pack: .*add `- name: pycaret\.internal\.pipeline\.Pipeline`/,
    );
    assert.match(f.evidence.signal, /call it with arguments the file chooses\)$/);
    const line = f.evidence.details?.['alsoAllow'];
    assert.equal(typeof line, 'string');
    const policy = parsePolicy(String(line).replace(/"<[^>]*>"/, '"reviewed"'), 'p.yml');
    assert.ok(policy.ok);
    if (!policy.ok) return;
    const again = await scanBytes('m.pkl', bytes, { extraAllow: policy.policy.alsoAllow });
    assert.deepEqual(
      again.findings.map((x) => x.ruleId),
      [],
    );
  });
  it('a builtins name gets the acceptance that works, not a line the loader refuses', async () => {
    const f = (await scanBytes('m.pkl', references('builtins', 'print'))).findings.find(
      (x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT',
    );
    assert.ok(f);
    assert.equal(f.evidence.details?.['alsoAllow'], undefined);
    assert.match(f.evidence.signal, /cannot admit it through also_allow \("builtins" holds eval.*acceptances/);
  });
  it('a name refused by a pack keeps the pack reason, not the advice', async () => {
    const r = await scanBytes('m.pkl', rebuilds('builtins', 'eval'));
    assert.ok(!r.findings.some((x) => x.evidence.details?.['alsoAllow'] !== undefined));
  });
});

/** Aliases the import-name table and the policy discipline route to a forbidden module. */
const ALIASES = ['posix', 'nt', 'posixpath', 'ntpath', '__builtin__', '__builtins__', '_posixsubprocess', 'cPickle'];

/** Every name the advice generator can be asked about, from every corner of the name space. */
function adviceNames(): string[] {
  const names = new Set<string>(['__main__.CNN', 'mylib.layers.Residual', 'builtins.FutureWarning', 'builtins.print']);
  for (const m of [...Object.keys(FORBIDDEN_MODULES), ...ALIASES]) {
    for (const n of ['FutureWarning', 'print', 'Thing', 'getattr']) names.add(`${m}.${n}`);
    names.add(`${m}.sub.Thing`);
  }
  for (const p of allPacks()) {
    for (const name of p.review.keys()) names.add(name);
    for (const name of p.entries.keys()) names.add(`${name.slice(0, name.indexOf('.') >>> 0)}.no_such_module.Thing`);
  }
  return [...names].filter((n) => n.includes('.'));
}

describe('every also_allow line the advice suggests is one the policy loader accepts', () => {
  const names = adviceNames();
  it(`the advice generator, over ${names.length} names: a line when and only when the loader takes it`, () => {
    for (const name of names) {
      for (const called of [true, false]) {
        const advice = unknownNameAdvice(name, called);
        const check = checkAllowEntry(name);
        // A developer tool's build cache (Sphinx, docutils): left out with exclude:, never admitted by a line.
        if (advice.toolCache !== undefined) {
          assert.equal(advice.alsoAllow, undefined, name);
          assert.match(advice.text, /`exclude:`/, name);
          continue;
        }
        if (advice.alsoAllow === undefined) {
          assert.ok(!check.ok, `${name}: no line offered for a name the loader accepts`);
          assert.match(advice.text, /cannot admit it through also_allow .*acceptances/, name);
          assert.doesNotMatch(advice.text, /add `- name:/, name);
          continue;
        }
        const policy = parsePolicy(advice.alsoAllow.replace(/"<[^>]*>"/, '"reviewed"'), 'p.yml');
        assert.ok(policy.ok, `${name}: ${JSON.stringify(policy)}`);
      }
    }
  });

  it('every finding that offers a line, over the same names scanned: the line loads and admits the name', async () => {
    let offered = 0;
    let refused = 0;
    for (const name of names) {
      const dot = name.lastIndexOf('.');
      for (const bytes of [
        rebuilds(name.slice(0, dot), name.slice(dot + 1)),
        references(name.slice(0, dot), name.slice(dot + 1)),
      ]) {
        const r = await scanBytes('m.pkl', bytes);
        for (const f of r.findings) {
          const line = f.evidence.details?.['alsoAllow'];
          if (f.evidence.details?.['alsoAllowRefused'] !== undefined) {
            refused++;
            assert.equal(line, undefined);
            assert.match(f.evidence.signal, /acceptances/);
            assert.doesNotMatch(f.evidence.signal, /add `- name:/);
          }
          if (typeof line !== 'string') {
            assert.doesNotMatch(f.evidence.signal, /under also_allow/, `${name}: advice text without its line`);
            continue;
          }
          offered++;
          const policy = parsePolicy(line.replace(/"<[^>]*>"/, '"reviewed"'), 'p.yml');
          assert.ok(policy.ok, `${name}: ${JSON.stringify(policy)}`);
          if (!policy.ok) continue;
          const again = await scanBytes('m.pkl', bytes, { extraAllow: policy.policy.alsoAllow });
          assert.ok(
            !again.findings.some(
              (x) => x.ruleId === f.ruleId && x.evidence.details?.['canonical'] === f.evidence.details?.['canonical'],
            ),
            `${name}: still reported`,
          );
        }
      }
    }
    assert.ok(offered > 0 && refused > 0, `${offered} lines offered, ${refused} refusals explained`);
  });
});

// numba's pickle support rebuilds compiled functions from nested cloudpickle or marshal bytes the outer stream does not
// show: a pickle naming it is blocked as a nested deserializer, and no also_allow line can admit it (admitting the name
// would pass whatever the nested bytes run).
describe("numba's nested unpicklers: blocked, never admitted by also_allow", () => {
  const cases: [string, string][] = [
    ['numba.core.serialize', '_numba_unpickle'],
    ['numba.core.serialize', '_rebuild_reduction'],
    ['numba.core.serialize', '_unpickle__CustomPickled'],
    ['numba.serialize', '_rebuild_code'],
    ['numba.cuda.serialize', '_numba_unpickle'],
  ];
  for (const [module, name] of cases) {
    it(`${module}.${name}`, async () => {
      const r = await scanBytes('m.pkl', rebuilds(module, name));
      assert.ok(
        r.findings.some((f) => f.ruleId === 'PICKLE-EXEC' && /nested cloudpickle/.test(f.evidence.signal)),
        r.findings.map((f) => `${f.ruleId}: ${f.evidence.signal}`).join('\n'),
      );
      assert.ok(!r.findings.some((f) => typeof f.evidence.details?.['alsoAllow'] === 'string'));
      assert.equal(checkAllowEntry(`${module}.${name}`).ok, false);
    });
  }
});

// A documentation build cache named on its own (folder scans skip doctrees folders) holding a name the sphinx-docutils
// pack does not review (an extension's class): the finding says what the file is and how to leave it out, and offers
// no line admitting the tool's classes.
describe('a Sphinx build cache named on its own', () => {
  for (const [module, name] of [
    ['sphinx.ext.unreviewed', 'CacheEntry'],
    ['docutils.parsers.rst.states', 'Inliner'],
    ['myst_nb.core.execute', 'ExecutionResult'],
    ['sphinx_external_toc.parsing', 'FileFormat'],
  ] as const) {
    it(`${module}.${name}: a documentation build cache, excluded rather than admitted`, async () => {
      const f = (await scanBytes('environment.pickle', rebuilds(module, name))).findings.find(
        (x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT',
      );
      assert.ok(f);
      assert.match(f.evidence.signal, /documentation build cache .*not a model.*exclude:/);
      // It opens with what the file is, not with the allowlist.
      assert.doesNotMatch(f.evidence.signal, /trusted ML allowlist/);
      assert.equal(typeof f.evidence.details?.['toolCache'], 'string');
      assert.equal(f.evidence.details?.['alsoAllow'], undefined);
    });
  }
});

// A name a pack's review read and refused, in a documentation build cache: the finding keeps the review's reason and
// says what the file is and how to leave it out (no also_allow line); the same refused name in a stream that is no
// cache keeps the reason and the plain advice.
describe('a refused name in a documentation build cache', () => {
  const holding = (...names: (readonly [string, string])[]): Uint8Array => {
    const p = new P().proto(4).emptyList().mark();
    for (const [m, n] of names) p.global(m, n).emptyTuple().newobj();
    return p.op(0x65).stop().bytes();
  };
  const ENV = ['sphinx.environment', 'BuildEnvironment'] as const;
  const cases: [string, readonly [string, string], Uint8Array, boolean][] = [
    [
      'a Sphinx extension class beside the environment',
      ['sphinxcontrib.programoutput', 'Command'],
      holding(ENV, ['sphinxcontrib.programoutput', 'Command']),
      true,
    ],
    [
      'a Sphinx extension class alone',
      ['sphinxcontrib.programoutput', 'Command'],
      holding(['sphinxcontrib.programoutput', 'Command']),
      true,
    ],
    [
      'a refused standard-library name beside the environment',
      ['functools', 'partial'],
      holding(ENV, ['functools', 'partial']),
      true,
    ],
    [
      'a refused standard-library name alone (twin: no cache)',
      ['functools', 'partial'],
      holding(['functools', 'partial']),
      false,
    ],
  ];
  for (const [what, [m, n], bytes, cache] of cases)
    it(`${m}.${n}, ${what}: ${cache ? 'a documentation build cache, with the review reason' : 'the review reason and the plain advice'}`, async () => {
      const f = (await scanBytes('environment.pickle', bytes)).findings.find(
        (x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT' && x.evidence.details?.['canonical'] === `${m}.${n}`,
      );
      assert.ok(f, 'the name is reported');
      assert.equal(f.severity, 'HIGH');
      assert.match(f.evidence.signal, /not admitted by the [\w-]+ pack/);
      if (cache) {
        assert.match(
          f.evidence.signal,
          /this file is a Sphinx documentation build cache.*a pack review read this name and does not admit it.*exclude:/,
        );
        assert.equal(f.evidence.details?.['alsoAllow'], undefined);
      } else {
        assert.doesNotMatch(f.evidence.signal, /documentation build cache/);
        assert.equal(f.evidence.details?.['toolCache'], undefined);
      }
    });
});

// A stream that holds a documentation build cache's own root (the build environment, or a doctree's document node)
// says so for the names of other libraries an extension keeps in it (a bibliography, a table of contents); the same
// names without such a root keep the plain message. Every one of them is still reported.
describe("names of other libraries in a documentation build cache's stream", () => {
  /** A list holding a NEWOBJ of each class in turn. */
  const holding = (...names: (readonly [string, string])[]): Uint8Array => {
    const p = new P().proto(4).emptyList().mark();
    for (const [m, n] of names) p.global(m, n).emptyTuple().newobj();
    return p.op(0x65).stop().bytes();
  };
  const ENTRY = ['bibtexparser.model', 'Entry'] as const;
  const cases: [string, Uint8Array, RegExp | undefined][] = [
    ['beside the build environment', holding(['sphinx.environment', 'BuildEnvironment'], ENTRY), /build environment/],
    ['beside a doctree document node', holding(['docutils.nodes', 'document'], ENTRY), /pickled doctree/],
    ['alone (twin)', holding(ENTRY), undefined],
    [
      'beside a paragraph node only (twin: not a cache root)',
      holding(['docutils.nodes', 'paragraph'], ENTRY),
      undefined,
    ],
  ];
  for (const [what, bytes, cache] of cases)
    it(`bibtexparser.model.Entry ${what}: ${cache ? 'a documentation build cache' : 'the plain message'}`, async () => {
      const f = (await scanBytes('environment.pickle', bytes)).findings.find(
        (x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT' && x.evidence.details?.['canonical'] === 'bibtexparser.model.Entry',
      );
      assert.ok(f, 'the name is reported');
      assert.equal(f.severity, 'HIGH');
      if (cache) {
        assert.match(f.evidence.signal, /this file is a (Sphinx|Sphinx or docutils) documentation build cache/);
        assert.match(f.evidence.signal, cache);
        assert.doesNotMatch(f.evidence.signal, /trusted ML allowlist/);
      } else {
        assert.match(f.evidence.signal, /not in the trusted ML allowlist; .*bibtexparser has no reviewed pack/);
        assert.equal(f.evidence.details?.['toolCache'], undefined);
      }
    });
});
