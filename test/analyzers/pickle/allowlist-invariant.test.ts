// The invariant over the whole allowlist: every admitted name the stream may call (REDUCE, NEWOBJ, BUILD) has an
// effect model - a derived record of what it returns, calls and which arguments it checks (callable-effects.ts), a
// derived record of its class hooks, or a model in VM code (coded-models.ts) - or is admitted as a stored reference
// only; every admitted native function has a call restriction. What each name is comes from the installed libraries
// (scripts/data/derive-admitted-work.py: admitted-kinds.json), so a name added to a pack without re-running the
// derivation fails here.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import kindsFile from '../../../src/analyzers/pickle/data/admitted-kinds.json' with { type: 'json' };
import workFile from '../../../src/analyzers/pickle/data/admitted-work.json' with { type: 'json' };
import { CALL_HOOKS } from '../../../src/analyzers/pickle/call-hooks.js';
import { effectOf, hasClassRecord } from '../../../src/analyzers/pickle/callable-effects.js';
import { CODED_MODELS, type CodedModel } from '../../../src/analyzers/pickle/coded-models.js';
import { allPacks, type AllowEntry } from '../../../src/rules/data/allowlist.js';

const kinds = (kindsFile as { kinds: Record<string, string> }).kinds;

/** The packs whose derivation (scripts/data/derive-callable-effects.py) read every class of the installed library. */
const EVERY_CLASS_READ = new Set(['torch', 'scikit-learn']);

type Verdict =
  | 'reference'
  | 'value'
  | 'class: derived hooks'
  | 'class: derived rebuild'
  | 'class: read, no hook reaches a sink'
  | 'effect record'
  | 'coded model'
  | 'no model';

function verdictOf(name: string, e: AllowEntry, coded: ReadonlyMap<string, CodedModel>): Verdict {
  if (e.calls === 'none') return 'reference';
  const kind = kinds[name];
  if (e.kind === 'value' || kind === 'value' || coded.get(name)?.value === true) return 'value';
  if (e.kind === 'class' || kind === 'class') {
    if (hasClassRecord(name)) return 'class: derived hooks';
    if (e.rebuild !== undefined) return 'class: derived rebuild';
    if (EVERY_CLASS_READ.has(e.source) && kind === 'class') return 'class: read, no hook reaches a sink';
    return 'no model';
  }
  if (effectOf(name) !== undefined) return 'effect record';
  if (coded.has(name)) return 'coded model';
  return 'no model';
}

/** The restriction a native function's call is admitted under, or undefined when it has none. */
function restrictionOf(name: string, e: AllowEntry, coded: ReadonlyMap<string, CodedModel>): string | undefined {
  if (e.calls !== undefined) return `role: ${e.calls}`;
  const eff = effectOf(name);
  if (eff?.args !== undefined) return 'argument classes (effect record)';
  if (eff?.written === 'reference' && (eff.calls?.length ?? 0) > 0) return 'a call is reported (library only names it)';
  if (CALL_HOOKS.some((h) => h.applies(name))) return 'call hook (call-hooks.ts)';
  if (e.checked !== undefined) return `checked shape: ${e.checked}`;
  return coded.get(name)?.restriction;
}

interface Report {
  readonly enumerated: number;
  readonly byVerdict: Map<Verdict, number>;
  readonly unmodelled: string[];
  readonly unrestricted: string[];
  readonly natives: number;
}

function check(coded: ReadonlyMap<string, CodedModel>): Report {
  const byVerdict = new Map<Verdict, number>();
  const unmodelled: string[] = [];
  const unrestricted: string[] = [];
  let enumerated = 0;
  let natives = 0;
  for (const p of allPacks()) {
    for (const [name, e] of p.entries) {
      enumerated++;
      const v = verdictOf(name, e, coded);
      byVerdict.set(v, (byVerdict.get(v) ?? 0) + 1);
      if (v === 'no model') unmodelled.push(`${p.id}: ${name} (${e.kind ?? kinds[name] ?? '?'})`);
      if (kinds[name] === 'native' && v !== 'reference') {
        natives++;
        if (restrictionOf(name, e, coded) === undefined) unrestricted.push(`${p.id}: ${name}`);
      }
    }
  }
  return { enumerated, byVerdict, unmodelled, unrestricted, natives };
}

describe('allowlist invariant: every admitted callable has an effect model or is a stored reference only', () => {
  const report = check(CODED_MODELS);

  it('knows what every admitted name is in the installed libraries (the derivation covers every pack)', () => {
    const missing: string[] = [];
    for (const p of allPacks())
      for (const name of p.entries.keys()) if (!Object.hasOwn(kinds, name)) missing.push(name);
    assert.deepEqual(missing, [], 'run /usr/bin/python3 scripts/data/derive-admitted-work.py');
    assert.ok(report.enumerated > 2000, `${report.enumerated} entries enumerated`);
  });

  it('every entry that may be called has a model', () => {
    assert.deepEqual(report.unmodelled, [], [...report.byVerdict].map(([k, n]) => `${n} ${k}`).join('; '));
  });

  it('every admitted native function has a call restriction', () => {
    assert.ok(report.natives > 0);
    assert.deepEqual(report.unrestricted, []);
  });

  it('fails on an entry that loses its model (the check is not vacuous)', () => {
    const without = new Map(CODED_MODELS);
    without.delete('torch._utils._rebuild_tensor_v2');
    without.set('sklearn._loss._loss.__pyx_unpickle_CyPinballLoss', {
      ...CODED_MODELS.get('sklearn._loss._loss.__pyx_unpickle_CyPinballLoss')!,
      restriction: undefined,
    });
    const r = check(without);
    assert.deepEqual(r.unmodelled, ['torch: torch._utils._rebuild_tensor_v2 (function)']);
    assert.deepEqual(r.unrestricted, ['scikit-learn: sklearn._loss._loss.__pyx_unpickle_CyPinballLoss']);
  });

  it('models only admitted names (no stale entry in the coded and derived tables)', () => {
    const admitted = new Set(allPacks().flatMap((p) => [...p.entries.keys()]));
    const work = workFile as { callThrough: Record<string, unknown>; loops: Record<string, unknown> };
    for (const name of [...CODED_MODELS.keys(), ...Object.keys(work.callThrough), ...Object.keys(work.loops)])
      assert.ok(admitted.has(name), name);
  });

  it('routes every admitted function that calls one of its arguments through the call-through model', () => {
    const work = workFile as { callThrough: Record<string, unknown> };
    // The torch rebuild helpers of both generations, and numpy's bit-generator constructors.
    for (const name of [
      'torch._tensor._rebuild_from_type',
      'torch._tensor._rebuild_from_type_v2',
      'numpy.random._pickle.__randomstate_ctor',
    ])
      assert.ok(Object.hasOwn(work.callThrough, name), name);
  });

  it('admits torch functional ops as stored references only', () => {
    const torch = allPacks().find((p) => p.id === 'torch')!;
    const ops = [...torch.entries].filter(([n]) => n.startsWith('torch.nn.functional.'));
    assert.ok(ops.length > 100);
    for (const [n, e] of ops) assert.equal(e.calls, 'none', n);
  });
});
