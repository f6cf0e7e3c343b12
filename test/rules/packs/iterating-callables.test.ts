// Every callable the python pack admits a call of has a record of what CPython runs on its arguments
// (src/analyzers/pickle/data/iterating-callables.json, read from CPython by scripts/data/derive-iterating-callables.py):
// either it iterates an argument, and the VM judges what that iteration runs (iterating-callables.ts, vm.ts
// argumentRun), or its record shows it iterates none. A pack entry derived after the table fails here until the table
// is derived again.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  argumentHooks,
  baseHooks,
  derivedBases,
  derivedCallables,
  iterates,
  iteratesArguments,
  type CallWay,
} from '../../../src/analyzers/pickle/iterating-callables.js';

interface PackEntry {
  readonly kind: 'class' | 'reconstructor' | 'reference' | 'value';
  readonly calls?: 'new' | 'none';
}
const pack = JSON.parse(
  readFileSync(new URL('../../../src/rules/data/packs/python.json', import.meta.url), 'utf8'),
) as {
  entries: Record<string, PackEntry>;
};

/** How the pack lets a stream call an entry (as the derivation reads it). */
function ways(e: PackEntry): CallWay[] {
  if (e.kind === 'value' || e.kind === 'reference' || e.calls === 'none') return [];
  if (e.calls === 'new') return ['new'];
  return e.kind === 'class' ? ['call', 'new'] : ['call'];
}

/** The callables (and ways) CPython's documentation and source say iterate an argument: what the table must find. */
const ITERATING: readonly string[] = [
  'call builtins.set',
  'call builtins.frozenset',
  'new builtins.frozenset',
  'call builtins.bytes',
  'new builtins.bytes',
  'call builtins.bytearray',
  'new builtins.tuple',
  'call collections.deque',
  'call collections.Counter',
  'call collections.OrderedDict',
  'call collections.defaultdict',
];
/** copyreg._reconstructor bases whose __new__ or __init__ iterates the state. */
const ITERATING_BASES = [
  'builtins.set',
  'builtins.frozenset',
  'builtins.list',
  'builtins.tuple',
  'builtins.dict',
  'builtins.bytes',
  'builtins.bytearray',
  'collections.deque',
  'collections.Counter',
  'collections.OrderedDict',
];

describe('iterating callables: the python pack against the derived table', () => {
  const derived = derivedCallables();
  it('every callable the pack admits a call of has a derived record for each way it is admitted', () => {
    const missing: string[] = [];
    for (const [name, e] of Object.entries(pack.entries))
      for (const way of ways(e)) if (derived[name]?.[way] === undefined) missing.push(`${way} ${name}`);
    assert.deepEqual(missing, []);
  });
  it('the table records no name the pack does not admit a call of, and no way it does not admit', () => {
    const extra: string[] = [];
    for (const [name, rec] of Object.entries(derived)) {
      const admitted = Object.hasOwn(pack.entries, name) ? ways(pack.entries[name]!) : [];
      for (const way of Object.keys(rec) as CallWay[]) if (!admitted.includes(way)) extra.push(`${way} ${name}`);
    }
    assert.deepEqual(extra, []);
  });
  it('each admitted callable either iterates an argument (and the VM applies its hooks) or is reviewed as not', () => {
    const iterating: string[] = [];
    for (const [name, e] of Object.entries(pack.entries))
      for (const way of ways(e)) {
        const hooks = argumentHooks(name, way);
        const rec = derived[name]![way]!;
        // The VM's view is the derived record itself: a position with hooks there is one the VM checks.
        assert.equal(hooks?.size ?? 0, Object.keys(rec).length, `${way} ${name}`);
        if ([...(hooks?.values() ?? [])].some((h) => iterates(h.arg))) iterating.push(`${way} ${name}`);
      }
    assert.deepEqual(iterating.sort(), [...ITERATING].sort());
  });
  it('every class the pack admits a call of has a reconstructor-base record; the iterating bases are CPython’s', () => {
    const bases = derivedBases();
    const missing = Object.entries(pack.entries)
      .filter(([n, e]) => e.kind === 'class' && ways(e).length > 0 && n !== 'builtins.object')
      .map(([n]) => n)
      .filter((n) => bases[n] === undefined);
    assert.deepEqual(missing, []);
    const iterating = Object.keys(bases).filter((b) => iterates(baseHooks(b)?.arg ?? []));
    assert.deepEqual(iterating.sort(), [...ITERATING_BASES].sort());
  });
  it('the calls charged for the lazy sequences they walk are the derived iterating ones', () => {
    const names = [...Object.keys(derivedCallables()), 'copyreg._reconstructor'].filter(iteratesArguments);
    assert.deepEqual(
      [...new Set(names)].sort(),
      [...new Set([...ITERATING.map((w) => w.split(' ')[1]!), ...ITERATING_BASES, 'copyreg._reconstructor'])].sort(),
    );
  });
  it('the hashing builders hash and compare the items, the dict builders take them apart as pairs', () => {
    for (const name of ['builtins.set', 'builtins.frozenset', 'collections.Counter'])
      assert.deepEqual(argumentHooks(name, 'call')?.get(0)?.items, ['__eq__', '__hash__'], name);
    assert.ok(iterates(argumentHooks('collections.OrderedDict', 'call')?.get(0)?.items ?? []));
    assert.ok(iterates(argumentHooks('collections.defaultdict', 'call')?.get(1)?.items ?? []));
    assert.deepEqual(argumentHooks('collections.deque', 'call')?.get(0)?.items, []);
  });
});
