// Enum members pickled by name: CPython 3.11.0 - 3.11.4 write a member as getattr(<its class>, '<its name>')
// (other releases call the class with the member's value). getattr is admitted for a stream when every use of it
// takes a member of an Enum class a pack admits (src/analyzers/pickle/enum-members.ts: the member names each release
// the pack read defines); the member is then an instance of its class. The real streams are written by Debian's
// Python 3.11.2 with stand-in classes named as the admitted ones (scripts/fixtures/enum-by-name.py); the hostile twins
// are built opcode by opcode, each changing one thing, and keep getattr's verdict.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const blockingOf = async (bytes: Uint8Array): Promise<string[]> => {
  const r = await scanBytes('model.pkl', bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId}: ${x.evidence.signal}`);
};
const verdictOf = async (bytes: Uint8Array, name: string): Promise<string | undefined> => {
  const r = await scanBytes('model.pkl', bytes);
  const f = r.findings.find((x) => x.evidence.signal.includes(name) && BLOCKING.has(x.severity));
  return f === undefined ? undefined : `${f.ruleId} ${f.severity}`;
};

const FIXTURES = new URL('../../fixtures/enum-by-name/', import.meta.url).pathname;

const METHOD = ['cmdstanpy.cmdstan_args', 'Method'] as const;

/**
 * {'method': getattr(<cls>, <name>)} at protocol 4 as Python 3.11.2 writes it; `args` replaces getattr's argument
 * tuple (a twin's), `after` adds opcodes before STOP with the dict on the stack.
 */
function byName(
  parts: {
    cls?: readonly [string, string];
    args?: (p: P) => P;
    callee?: (p: P) => P;
    after?: (p: P) => P;
  } = {},
): Uint8Array {
  const [module, name] = parts.cls ?? METHOD;
  const p = new P().proto(4).emptyDict().sbu('method');
  (parts.callee ?? ((q: P) => q.stackGlobal('builtins', 'getattr')))(p);
  (parts.args ?? ((q: P) => q.stackGlobal(module, name).sbu('OPTIMIZE').tuple2()))(p);
  p.reduce().setitem();
  if (parts.after) parts.after(p);
  return p.stop().bytes();
}

describe('Enum members pickled by name', () => {
  for (const file of [
    'cmdstanpy-stanio-p0.pkl',
    'cmdstanpy-stanio-p2.pkl',
    'cmdstanpy-stanio-p4.pkl',
    'train-freq-unit-p5.pkl',
  ])
    it(`${file}, written by Python 3.11.2, passes`, async () => {
      assert.deepEqual(await blockingOf(readFileSync(join(FIXTURES, file))), []);
    });

  it('getattr(<admitted Enum>, <member>) passes; getattr named as the admitted Enum class member', async () => {
    assert.deepEqual(await blockingOf(byName()), []);
    const r = await scanBytes('model.pkl', byName());
    const getattr = r.findings.find((f) => f.evidence.signal.includes('builtins.getattr'));
    assert.equal(getattr, undefined);
  });

  it('a member added in later releases (cmdstanpy 1.2 Method.LAPLACE) passes: earlier bodies do not bind it', async () => {
    const b = byName({
      args: (q) =>
        q
          .stackGlobal(...METHOD)
          .sbu('LAPLACE')
          .tuple2(),
    });
    assert.deepEqual(await blockingOf(b), []);
  });

  it('the same getattr import (memo) used twice for members passes', async () => {
    const p = new P().proto(4).emptyDict().sbu('a').stackGlobal('builtins', 'getattr').memoize();
    p.stackGlobal('stanio.reshape', 'VariableType').sbu('SCALAR').tuple2().reduce().setitem();
    p.sbu('b').binget(0).stackGlobal('stable_baselines3.common.type_aliases', 'TrainFrequencyUnit');
    p.sbu('STEP').tuple2().reduce().setitem();
    assert.deepEqual(await blockingOf(p.stop().bytes()), []);
  });

  // Each twin changes one thing of the benign stream and keeps getattr's verdict (it is not admitted).
  const twins: [string, () => Uint8Array][] = [
    [
      'a name that is no member',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('NOPE')
              .tuple2(),
        }),
    ],
    [
      'a method name',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('__repr__')
              .tuple2(),
        }),
    ],
    [
      'an attribute of Enum (mro)',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('mro')
              .tuple2(),
        }),
    ],
    [
      'an attribute of Enum (name)',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('name')
              .tuple2(),
        }),
    ],
    [
      'a dunder',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('__class__')
              .tuple2(),
        }),
    ],
    [
      'a sunder',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('_missing_')
              .tuple2(),
        }),
    ],
    [
      'a member name with different case',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .sbu('optimize')
              .tuple2(),
        }),
    ],
    [
      'a name built at run time',
      () =>
        byName({
          args: (q) =>
            q
              .stackGlobal(...METHOD)
              .stackGlobal('builtins', 'str')
              .sbu('OPTIMIZE')
              .tuple1()
              .reduce()
              .tuple2(),
        }),
    ],
    [
      'an admitted class that is no Enum',
      () => byName({ args: (q) => q.stackGlobal('cmdstanpy.cmdstan_args', 'CmdStanArgs').sbu('OPTIMIZE').tuple2() }),
    ],
    ['a module', () => byName({ args: (q) => q.stackGlobal('os', 'system').sbu('OPTIMIZE').tuple2() })],
    ['a class no pack admits', () => byName({ cls: ['mylib.enums', 'Method'] })],
    [
      'a third argument (a default)',
      () =>
        byName({
          args: (q) =>
            q
              .mark()
              .stackGlobal(...METHOD)
              .sbu('OPTIMIZE')
              .none()
              .tuple(),
        }),
    ],
    ['one argument', () => byName({ args: (q) => q.stackGlobal(...METHOD).tuple1() })],
    [
      'the getattr import also used for another lookup',
      () =>
        byName({
          callee: (q) => q.stackGlobal('builtins', 'getattr').memoize(),
          after: (q) => q.sbu('x').binget(0).stackGlobal('os', 'path').sbu('join').tuple2().reduce().setitem(),
        }),
    ],
    [
      'the getattr import stored, not called',
      () =>
        byName({
          callee: (q) => q.stackGlobal('builtins', 'getattr').memoize(),
          after: (q) => q.sbu('g').binget(0).setitem(),
        }),
    ],
  ];
  for (const [what, make] of twins)
    it(`hostile twin: ${what} keeps getattr's verdict`, async () => {
      const v = await verdictOf(make(), 'builtins.getattr');
      assert.ok(v !== undefined, `${what}: ${JSON.stringify(await blockingOf(make()))}`);
    });

  it('getattr on an instance of the Enum (a call of it) keeps the bound-method verdict on the attribute', async () => {
    const b = byName({
      args: (q) =>
        q
          .stackGlobal(...METHOD)
          .int(2)
          .tuple1()
          .reduce()
          .sbu('OPTIMIZE')
          .tuple2(),
    });
    const v = await verdictOf(b, 'cmdstanpy.cmdstan_args.Method().OPTIMIZE via getattr on an instance');
    assert.equal(v, 'PICKLE-GLOBAL-IMPORT HIGH');
  });

  // The member is the value a call of the class with the member's value gives: what the stream does with it after
  // (calls it, builds it, stores items on it, uses it as a key) is judged alike in both forms.
  const byValue = (p: P): P =>
    p
      .stackGlobal(...METHOD)
      .int(2)
      .tuple1()
      .reduce();
  const byGetattr = (p: P): P =>
    p
      .stackGlobal('builtins', 'getattr')
      .stackGlobal(...METHOD)
      .sbu('OPTIMIZE')
      .tuple2()
      .reduce();
  const uses: [string, (p: P) => P][] = [
    ['called', (p) => p.emptyTuple().reduce()],
    ['called with a callable', (p) => p.stackGlobal('os', 'system').tuple1().reduce()],
    ['built with a dict state', (p) => p.emptyDict().sbu('_value_').sbu('echo').setitem().build()],
    ['given items', (p) => p.sbu('__reduce__').stackGlobal('os', 'system').setitem()],
    ['stored', (p) => p],
  ];
  for (const [what, use] of uses)
    it(`the member ${what}: the same verdict by name as by value`, async () => {
      const make = (member: (p: P) => P): Uint8Array => {
        const p = new P().proto(4).emptyDict().sbu('m');
        use(member(p)).setitem();
        return p.stop().bytes();
      };
      const sorted = async (b: Uint8Array): Promise<string[]> => (await blockingOf(b)).sort();
      assert.deepEqual(await sorted(make(byGetattr)), await sorted(make(byValue)));
    });

  it("the VM table holds the members the history packs record, as they record them, and the python pack's Enums", () => {
    const dir = new URL('../../../src/rules/data/packs/history/', import.meta.url).pathname;
    const want: Record<string, { pack: string; versions: string; members: string[] }> = {};
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
        pack: string;
        entries: Record<string, { versions: string; members?: string[] }>;
      };
      for (const [name, e] of Object.entries(d.entries))
        if (e.members !== undefined) want[name] = { pack: d.pack, versions: e.versions, members: e.members };
    }
    const table = JSON.parse(
      readFileSync(new URL('../../../src/analyzers/pickle/data/enum-members.json', import.meta.url), 'utf8'),
    ) as { classes: typeof want };
    // The standard library's Enums the python pack admits are read from the interpreter that derives the pack: each is
    // a class entry of that pack, recorded under its name.
    const python = JSON.parse(
      readFileSync(new URL('../../../src/rules/data/packs/python.json', import.meta.url), 'utf8'),
    ) as { entries: Record<string, { kind?: string }> };
    const fromPython = Object.entries(table.classes).filter(([, c]) => c.pack === 'python');
    for (const [name] of fromPython) assert.equal(python.entries[name]?.kind, 'class', name);
    assert.deepEqual(
      fromPython.map(([name]) => name),
      ['re.RegexFlag', 'uuid.SafeUUID'],
    );
    assert.ok(table.classes['re.RegexFlag']!.members.includes('UNICODE'));
    assert.deepEqual(
      Object.fromEntries(Object.entries(table.classes).filter(([, c]) => c.pack !== 'python')),
      want,
      'run /usr/bin/python3 scripts/data/derive-enum-members.py',
    );
    assert.ok(Object.keys(want).length >= 6);
  });
});
