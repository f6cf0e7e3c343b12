// numpy.matrix's constructor parses a str `data` as Python source (numpy.matrixlib.defmatrix._convert_from_string runs
// ast.literal_eval on each field, and CPython compiles the text the stream chose); numpy writes a matrix as an ndarray
// reduce, never as a call with a str. The sink is derived from numpy's source (scripts/data/class_effects.py follows
// matrix.__new__ into _convert_from_string and its map(ast.literal_eval, …): a `compileStr` sink of argument 0), not
// a fact about the name. Case table with benign twins, the oracle fuzzer's regression files (seed 20261125, programs
// of run G: numpy.matrix('/tmp/sentinel_oracle/f', False) by NEWOBJ_EX and numpy.matrix('sentinel_oracle') by NEWOBJ
// compiled the stream's text under four loaders) are blocked, and the matrices numpy itself pickles
// (test/fixtures/real/numpy/eco-values-p*.pkl, scripts/fixtures/real-ecosystem.py) pass.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classHookSinks } from '../../../src/analyzers/pickle/callable-effects.js';
import { checkClassSinks, type ClassSinkHost } from '../../../src/analyzers/pickle/class-sinks.js';
import { FALSE, K, LIST, NONE, OPAQUE_BYTES, UNKNOWN, type PyVal } from '../../../src/analyzers/pickle/values.js';
import { scan } from '../../../src/api/index.js';

const args = (...items: PyVal[]): PyVal => ({ k: K.Tuple, items, more: 0 });

/** The calls checking `canonical`'s __new__ on `a` derives (builtins.compile for a parsed str). */
function derived(canonical: string, a: PyVal): string[] {
  const out: string[] = [];
  const host: ClassSinkHost = {
    invokeModelled: () => {},
    deriveCall: (module, name) => out.push(`${module}.${name}`),
    plantedAttr: () => undefined,
    implicitHooks: () => {},
  };
  checkClassSinks(host, canonical, 'new', { args: a });
  return out;
}

describe('constructors that parse a str argument as Python source (derived)', () => {
  it("numpy.matrix.__new__'s argument 0 reaches ast.literal_eval (read from numpy's source)", () => {
    for (const name of ['numpy.matrix', 'numpy.matrixlib.defmatrix.matrix']) {
      const sinks = classHookSinks(name, 'new')?.rec.sinks['arg:0'];
      assert.match(sinks?.compileStr ?? '', /_convert_from_string: map\(literal_eval/, name);
    }
  });
  const cases: { name: string; canonical: string; args: PyVal; flagged: boolean }[] = [
    { name: "numpy.matrix('1 2; 3 4')", canonical: 'numpy.matrix', args: args('1 2; 3 4'), flagged: true },
    {
      name: "numpy.matrixlib.defmatrix.matrix('x', False)",
      canonical: 'numpy.matrixlib.defmatrix.matrix',
      args: args('x', FALSE),
      flagged: true,
    },
    { name: 'numpy.matrix(<lost value>)', canonical: 'numpy.matrix', args: args(UNKNOWN), flagged: true },
    {
      name: 'numpy.matrix(arguments not all known)',
      canonical: 'numpy.matrix',
      args: { k: K.Tuple, items: [], more: 1 },
      flagged: true,
    },
    { name: 'numpy.matrix([1, 2]): a list is not parsed', canonical: 'numpy.matrix', args: args(LIST), flagged: false },
    {
      name: "numpy.matrix(b'1 2'): bytes are not parsed (ast.literal_eval parses a str only)",
      canonical: 'numpy.matrix',
      args: args(OPAQUE_BYTES),
      flagged: false,
    },
    { name: 'numpy.matrix(None)', canonical: 'numpy.matrix', args: args(NONE), flagged: false },
    {
      name: "a name that parses nothing: numpy.ndarray('x')",
      canonical: 'numpy.ndarray',
      args: args('x'),
      flagged: false,
    },
  ];
  for (const c of cases) {
    it(`${c.flagged ? 'flags' : 'passes'} ${c.name}`, () => {
      const calls = derived(c.canonical, c.args);
      assert.deepEqual(
        calls.filter((x) => x === 'builtins.compile'),
        c.flagged ? ['builtins.compile'] : [],
        calls.join(', '),
      );
    });
  }
});

describe('numpy.matrix: fuzzer regressions blocked, numpy-written matrices pass', () => {
  const dir = join(import.meta.dirname, '../../fixtures/oracle-regressions');
  for (const file of readdirSync(dir).filter((f) =>
    /^(pickle|pandas|joblib)-(46b7ecec3ce6|c3c497789397)\.pkl$|^numpy-(86ad852a3282|ecbf5f83e5dc)\.npy$/.test(f),
  )) {
    it(`${file} is blocked for the parsed str`, async () => {
      const report = await scan([join(dir, file)]);
      assert.equal(report.summary.gate.passed, false);
      assert.ok(
        report.findings.some(
          (f) => /builtins\.compile/.test(f.evidence.signal) && /literal_eval/.test(f.evidence.signal),
        ),
        report.findings.map((f) => `${f.ruleId} ${f.evidence.signal}`).join('\n'),
      );
    });
  }
  it('the four regression programs are all present', () => {
    assert.equal(
      readdirSync(dir).filter((f) => /46b7ecec3ce6|c3c497789397|86ad852a3282|ecbf5f83e5dc/.test(f)).length,
      8,
    );
  });
  const real = join(import.meta.dirname, '../../fixtures/real/numpy');
  for (const file of readdirSync(real).filter((f) => /^eco-values-p\d\.pkl$/.test(f))) {
    it(`${file} (an np.matrix pickled by numpy among other values) passes`, async () => {
      const report = await scan([join(real, file)]);
      assert.equal(report.summary.gate.passed, true, JSON.stringify(report.findings.map((f) => f.evidence.signal)));
    });
  }
});
