// Admitted callables that iterate their arguments (iterating-callables.ts): set, frozenset, deque, Counter,
// OrderedDict, defaultdict, bytes, bytearray, tuple.__new__ and copyreg._reconstructor with an iterating base, given an
// object of a library class, run that class's __iter__/__len__ on the state the stream gave it. Fixtures:
// scripts/fixtures/iterating-arguments.py (real pickles by CPython's pickle and joblib of every such constructor's
// values, plain and holding real scipy and pandas objects, which pass; and the constructors handed a scipy csc_matrix,
// a pandas Categorical or a SparseArray with out-of-range state, each proved by pickle.load in a throwaway child under
// a CPU limit: SIGSEGV or the CPU limit), and a case table of small streams with a benign twin beside each change.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blocking } from '../../helpers/blocking.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/iterating-arguments/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as {
  benign: Record<string, { value: string; loads: string }>;
  hostile: Record<string, { object: string; consumer: string; loads: string }>;
};
const ITERATES = /PICKLE-STRUCT: .* (iterates (an object|what persistent_load)|takes apart every item of its argument)/;

describe('iterating constructors: real pickles of their values pass', () => {
  it('every file is in the manifest', () => {
    assert.deepEqual(readdirSync(new URL('benign/', DIR)).sort(), Object.keys(manifest.benign).sort());
  });
  for (const [file, spec] of Object.entries(manifest.benign))
    it(`${file} (${spec.value}) passes`, async () => {
      assert.deepEqual(await blocking(file, readFileSync(new URL(`benign/${file}`, DIR))), []);
    });
});

describe('iterating constructors given a library object: proved by the real loader, reported', () => {
  it('every file is in the manifest, and each crashed or spun the real loader', () => {
    assert.deepEqual(readdirSync(new URL('hostile/', DIR)).sort(), Object.keys(manifest.hostile).sort());
    for (const [file, spec] of Object.entries(manifest.hostile))
      assert.match(spec.loads, /^(SIGSEGV|killed at the \d+ s CPU limit)/, file);
  });
  for (const [file, spec] of Object.entries(manifest.hostile))
    it(`${file}: ${spec.consumer} over a ${spec.object} (${spec.loads}) is reported`, async () => {
      const found = await blocking(file, readFileSync(new URL(`hostile/${file}`, DIR)));
      assert.ok(
        found.some((s) => ITERATES.test(s)),
        found.join('\n'),
      );
    });
});

/** A protocol-4 stream: `arg` pushes the argument, handed to module.name (REDUCE) with `extra` after it. */
function callWith(module: string, name: string, arg: (p: P) => P, extra?: (p: P) => P): Uint8Array {
  const p = new P().proto(4).stackGlobal(module, name).mark();
  arg(p);
  if (extra) extra(p);
  return p.tuple().reduce().stop().bytes();
}

/** NEWOBJ of module.name with the one argument `arg` pushes. */
function newWith(module: string, name: string, arg: (p: P) => P): Uint8Array {
  const p = new P().proto(4).stackGlobal(module, name);
  return arg(p).tuple1().newobj().stop().bytes();
}

/** copyreg._reconstructor(cls, base, state) with `arg` as the state. */
function reconstructWith(base: [string, string], arg: (p: P) => P): Uint8Array {
  const p = new P().proto(4).stackGlobal('copyreg', '_reconstructor').mark();
  p.stackGlobal(...base).stackGlobal(...base);
  return arg(p).tuple().reduce().stop().bytes();
}

/** A pandas Categorical made as its pickle makes it (its class's __new__, no state read here). */
const categorical = (p: P): P => p.stackGlobal('pandas.core.arrays.categorical', 'Categorical').emptyTuple().newobj();
/** A list of small ints. */
const ints = (p: P): P => p.emptyList().mark().int(1).int(2).raw(0x65); // APPENDS
/** A set object: builtins.set([1, 2]). */
const setObject = (p: P): P =>
  p
    .stackGlobal('builtins', 'set')
    .mark()
    .raw(...ints(new P()).bytes())
    .tuple()
    .reduce();
/** What persistent_load returns for ('storage',). */
const persistent = (p: P): P => p.sbu('storage').tuple1().raw(0x51); // BINPERSID

/** A list of `n` [int, Categorical] pairs, then what `last` pushes (APPENDS). */
const pairsThen =
  (n: number, last?: (p: P) => P) =>
  (p: P): P => {
    p.emptyList().mark();
    for (let i = 0; i < n; i++) categorical(p.emptyList().mark().int(i)).raw(0x65); // [i, Categorical]
    if (last) last(p);
    return p.raw(0x65);
  };
/** collections.deque([Categorical]): a CPython container holding an object. */
const dequeOfCategorical = (p: P): P =>
  p
    .stackGlobal('collections', 'deque')
    .mark()
    .raw(...categorical(new P().emptyList().mark()).raw(0x65).bytes())
    .tuple()
    .reduce();

const CASES: { name: string; data: Uint8Array; reported: boolean }[] = [
  {
    name: 'OrderedDict(30 [key, object] pair lists: more than the analysis keeps)',
    data: callWith('collections', 'OrderedDict', pairsThen(30)),
    reported: false,
  },
  {
    name: 'OrderedDict(30 pair lists, then a Categorical as an item)',
    data: callWith('collections', 'OrderedDict', pairsThen(30, categorical)),
    reported: true,
  },
  {
    name: 'deque(a deque object holding a Categorical, 0): its items are kept',
    data: callWith('collections', 'deque', dequeOfCategorical, (p) => p.int(0)),
    reported: false,
  },
  {
    name: 'OrderedDict(a deque object holding a Categorical): the item is taken apart as a pair',
    data: callWith('collections', 'OrderedDict', dequeOfCategorical),
    reported: true,
  },
  { name: 'set(list of ints)', data: callWith('builtins', 'set', ints), reported: false },
  { name: 'set(Categorical)', data: callWith('builtins', 'set', categorical), reported: true },
  { name: 'set(a set object)', data: callWith('builtins', 'set', setObject), reported: false },
  { name: 'frozenset(list of ints)', data: callWith('builtins', 'frozenset', ints), reported: false },
  { name: 'frozenset(Categorical)', data: callWith('builtins', 'frozenset', categorical), reported: true },
  { name: 'frozenset.__new__ by NEWOBJ, list', data: newWith('builtins', 'frozenset', ints), reported: false },
  {
    name: 'frozenset.__new__ by NEWOBJ, Categorical',
    data: newWith('builtins', 'frozenset', categorical),
    reported: true,
  },
  { name: 'tuple.__new__ by NEWOBJ, list', data: newWith('builtins', 'tuple', ints), reported: false },
  { name: 'tuple.__new__ by NEWOBJ, Categorical', data: newWith('builtins', 'tuple', categorical), reported: true },
  { name: 'bytes(list of ints)', data: callWith('builtins', 'bytes', ints), reported: false },
  { name: 'bytes(Categorical)', data: callWith('builtins', 'bytes', categorical), reported: true },
  { name: 'bytearray(list of ints)', data: callWith('builtins', 'bytearray', ints), reported: false },
  { name: 'bytearray(persistent_load result)', data: callWith('builtins', 'bytearray', persistent), reported: true },
  {
    name: 'deque(list, 0)',
    data: callWith('collections', 'deque', ints, (p) => p.int(0)),
    reported: false,
  },
  {
    name: 'deque(Categorical, 0)',
    data: callWith('collections', 'deque', categorical, (p) => p.int(0)),
    reported: true,
  },
  { name: 'Counter(list)', data: callWith('collections', 'Counter', ints), reported: false },
  { name: 'Counter(Categorical)', data: callWith('collections', 'Counter', categorical), reported: true },
  {
    name: 'OrderedDict(list of pairs)',
    data: callWith('collections', 'OrderedDict', (p) => p.emptyList().mark().int(1).int(2).tuple2().raw(0x65)),
    reported: false,
  },
  {
    name: 'OrderedDict(list holding a Categorical: taken apart as a pair)',
    data: callWith('collections', 'OrderedDict', (p) => categorical(p.emptyList().mark()).raw(0x65)),
    reported: true,
  },
  {
    name: 'defaultdict(None, dict)',
    data: callWith('collections', 'defaultdict', (p) => p.none().emptyDict()),
    reported: false,
  },
  {
    name: 'defaultdict(None, Categorical)',
    data: callWith('collections', 'defaultdict', (p) => categorical(p.none())),
    reported: true,
  },
  {
    name: 'deque(list holding a Categorical): its items are kept, not iterated',
    data: callWith('collections', 'deque', (p) => categorical(p.emptyList().mark()).raw(0x65)),
    reported: false,
  },
  {
    name: '_reconstructor(set, set, list)',
    data: reconstructWith(['builtins', 'set'], ints),
    reported: false,
  },
  {
    name: '_reconstructor(set, set, Categorical)',
    data: reconstructWith(['builtins', 'set'], categorical),
    reported: true,
  },
  {
    name: '_reconstructor(dict, dict, dict)',
    data: reconstructWith(['builtins', 'dict'], (p) => p.emptyDict()),
    reported: false,
  },
  {
    name: '_reconstructor(list, list, Categorical)',
    data: reconstructWith(['builtins', 'list'], categorical),
    reported: true,
  },
  {
    name: '_reconstructor(deque, deque, Categorical)',
    data: reconstructWith(['collections', 'deque'], categorical),
    reported: true,
  },
];

describe('iterating constructors: case table', () => {
  for (const c of CASES)
    it(`${c.name}: ${c.reported ? 'reported' : 'no iteration finding'}`, async () => {
      const found = await blocking(c.name, c.data);
      const hit = found.some((s) => ITERATES.test(s));
      assert.equal(hit, c.reported, found.join('\n'));
    });
});
