// An old name's target is looked up across packs (scripts/data/pack_derivation.py resolve_old_names): pandas'
// pandas.core.base.FrozenNDArray names numpy.ndarray, which the numpy pack reviews, not the pandas pack. The old name
// takes the target's entry from its own pack first, else from the first other pack (by name) that admits it, and
// says which; a target that no pack admits is refused in the review log.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';

const PYTHON = '/usr/bin/python3';
const SCRIPTS = new URL('../../../scripts/data/', import.meta.url).pathname;

interface Case {
  /** old name -> [target, why, flags…] (`newer`: a later release's name; `alias`: another name in the same release) */
  old: Record<string, string[]>;
  entries: Record<string, object>;
  /** null: the committed packs under src/rules/data/packs/, all but `own`'s */
  others: Record<string, Record<string, object>> | null;
  own: string;
}
type Result = [Record<string, { reason: string; kind: string; rebuild?: string }>, Record<string, string>];

/** resolve_old_names(old_names, entries, others) of each case, run by the derivation's own Python in one process. */
function resolveAll(cases: Case[]): Result[] {
  const code = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(SCRIPTS)})`,
    'from pack_derivation import other_pack_entries, resolve_old_names',
    'out = []',
    'for a in json.load(sys.stdin):',
    '    others = a["others"] if a["others"] is not None else other_pack_entries(a["own"])',
    '    out.append(resolve_old_names({k: tuple(v) for k, v in a["old"].items()}, a["entries"], others))',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Result[];
}

const cls = (reason: string) => ({ kind: 'class', reason, rebuild: 'x', calls: 'new' });

const CASES: Record<string, Case> = {
  crossPack: {
    old: { 'pandas.core.base.FrozenNDArray': ['numpy.ndarray', 'old pandas'] },
    entries: {},
    others: { numpy: { 'numpy.ndarray': cls('numpy class') }, scipy: {} },
    own: 'pandas',
  },
  ownFirst: {
    old: { 'p.Old': ['p.New', 'moved'] },
    entries: { 'p.New': cls('own') },
    others: { other: { 'p.New': cls('theirs') } },
    own: 'p',
  },
  nowhere: {
    old: { 'p.Old': ['numpy.nothing', 'moved'] },
    entries: {},
    others: { numpy: { 'numpy.ndarray': cls('c') } },
    own: 'p',
  },
  committed: {
    old: { 'pandas.core.base.FrozenNDArray': ['numpy.ndarray', 'old pandas'] },
    entries: {},
    others: null,
    own: 'pandas',
  },
  newerAndAlias: {
    old: { 'p._core.f': ['p.core.f', 'moved', 'newer'], 'p.double': ['p.float64', 'same type', 'alias'] },
    entries: { 'p.core.f': cls('f'), 'p.float64': cls('scalar') },
    others: {},
    own: 'p',
  },
  committedOwnExcluded: { old: { 'numpy.Old': ['numpy.ndarray', 'x'] }, entries: {}, others: null, own: 'numpy' },
};

describe('old-name targets across packs (pack_derivation.resolve_old_names)', { skip: !existsSync(PYTHON) }, () => {
  const keys = Object.keys(CASES);
  let results: Record<string, Result> = {};
  before(() => {
    const out = resolveAll(keys.map((k) => CASES[k]!));
    results = Object.fromEntries(keys.map((k, i) => [k, out[i]!]));
  });

  it('takes a target another pack admits, and names that pack', () => {
    const [entries, review] = results.crossPack!;
    assert.deepEqual(review, {});
    const e = entries['pandas.core.base.FrozenNDArray'];
    assert.ok(e);
    assert.equal(e.kind, 'class');
    assert.equal(e.rebuild, undefined);
    assert.equal(e.reason, 'old name of numpy.ndarray (old pandas); numpy.ndarray is admitted by the numpy pack');
  });

  it("prefers the pack's own entry over another pack's", () => {
    assert.equal(results.ownFirst![0]['p.Old']?.reason, 'old name of p.New (moved)');
  });

  it('refuses an old name whose target no pack admits', () => {
    const [entries, review] = results.nowhere!;
    assert.deepEqual(entries, {});
    assert.equal(review['p.Old'], 'old name of numpy.nothing, which is not admitted');
  });

  it("calls a later release's name the newer name and a same-release alias another name, never the old one", () => {
    const [entries] = results.newerAndAlias!;
    assert.equal(entries['p._core.f']?.reason, 'newer name of p.core.f (moved)');
    assert.equal(entries['p.double']?.reason, 'other name of p.float64 (same type)');
  });

  it('reads the committed packs: numpy.ndarray is found in numpy.json, and a pack never reads its own file', () => {
    assert.match(results.committed![0]['pandas.core.base.FrozenNDArray']?.reason ?? '', /admitted by the numpy pack$/);
    assert.equal(results.committedOwnExcluded![1]['numpy.Old'], 'old name of numpy.ndarray, which is not admitted');
  });
});
