// TorchScript code whose constructs nest several kinds deep together. torch.jit.load parses every method of an
// archive's code files, called or not, with a recursive-descent parser whose stack use is the sum over the constructs
// along one path; each construct alone within CPython's limits is not enough. The archives are made and proved by
// scripts/fixtures/torchscript-parse-depth.py: each hostile one dies with SIGSEGV under torch.jit.load and torch.load,
// each twin loads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_TORCHSCRIPT_RECURSION, sourceShape } from '../../../../src/analyzers/python/parser.js';
import { scanBytes } from '../../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-parse');

const unaryBrackets = (b: number, k: number) => ('- '.repeat(k) + '(').repeat(b) + 'x' + ')'.repeat(b);
const binaryBrackets = (b: number, k: number) => '('.repeat(b) + 'x' + (')' + ' + x'.repeat(k)).repeat(b);
const subscripted = (b: number, k: number) => '('.repeat(b) + 'x' + (')' + '[0]'.repeat(k)).repeat(b);

describe('combined nesting of Python source (sourceShape.recursion)', () => {
  const cases: [string, string, number][] = [
    ['a name', 'x', 0],
    ['one call', 'f(x)', 2],
    ['brackets only', '((((x))))', 4],
    ['unary signs only', '- - - x', 3],
    ['unary signs around brackets add up', unaryBrackets(3, 3), 12],
    ['a bracket first operand of a chain adds the chain', binaryBrackets(3, 4), 15],
    ['subscripts on a subscripted value add up', subscripted(2, 3), 8],
    ['attribute chain', 'a.b.c.d', 3],
    ['siblings do not add: the deeper one counts', 'f((((x))), - - y)', 5],
    ['statements do not add', '- - - x\n- - - y\n', 3],
    ['arguments of one call do not add', 'f(- - - a, - - - b, - - - c)', 5],
  ];
  for (const [name, src, want] of cases)
    it(name, () => assert.equal(sourceShape(src).recursion, want, src.slice(0, 80)));
  it('each construct within CPython limits, the sum past the TorchScript bound', () => {
    const s = sourceShape(unaryBrackets(150, 40));
    assert.ok(s.nesting <= 200 && s.operators <= 3000);
    assert.ok(s.recursion > MAX_TORCHSCRIPT_RECURSION);
    assert.ok(sourceShape(unaryBrackets(20, 20)).recursion <= MAX_TORCHSCRIPT_RECURSION);
  });
});

describe('TorchScript archives whose code nests past torch parser stack', () => {
  const scan = async (name: string) => {
    const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
    return r.findings.map((f) => `${f.ruleId} ${f.severity}`);
  };
  const hostile = ['unary-brackets.pt', 'binary-brackets.pt', 'subscript-brackets.pt'];
  for (const name of hostile) {
    it(`${name} is not admitted; its twin passes`, async () => {
      assert.deepEqual(await scan(name), ['SCAN-INCOMPLETE HIGH']);
      assert.deepEqual(await scan(name.replace('.pt', '-benign.pt')), []);
    });
  }
});
