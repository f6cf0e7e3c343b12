// Traps and endless loops while a TorchScript archive loads, through operands and operators a plain constant reading
// misses: a divisor spelled as a call (`torch.neg(1)`, `int("-1")`), `gcd` (which divides by either operand), string
// widths spelled as calls, an empty search pattern (`count`, `replace`, `rsplit` never advance past an empty match),
// and a native scan of a stored list inside a loop over it. Archives made and proved by
// scripts/fixtures/torchscript-load-traps.py (Debian's torch 1.13: each hostile one killed by SIGFPE, by its CPU limit
// or still running under torch.jit.load and torch.load(weights_only=True)); each twin loads and passes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { assertProvedArchive, assertRuleCase, provedArchives, type RuleCase } from './signal-helpers.js';

const DIR = new URL('../../../fixtures/torchscript-load-traps/', import.meta.url);
const manifest = { files: provedArchives(DIR) };
/** The finding each hostile archive must carry: the rule's signal kind. */
const KIND: [RegExp, RegExp][] = [
  [/^hostile_fold_/, /^fold-(division|search|string)$/],
  [/^hostile_setstate_gcd/, /^load-division$/],
  [/^hostile_setstate_(count|replace|rsplit)_empty/, /^load-work-product$/],
  [/^hostile_setstate_list_/, /^load-work-unbounded$/],
];

describe('TorchScript traps and endless loops at load', () => {
  it('the manifest proves each hostile archive with both loaders, and each twin loads', () => {
    const hostile = manifest.files.filter((f) => f.expect === 'block');
    assert.ok(hostile.length >= 14);
    for (const f of hostile)
      for (const loader of ['jit', 'weights_only'])
        assert.match(f.load?.[loader] ?? '', /killed by signal (8|9|24)|still running/, `${f.file} ${loader}`);
    for (const f of manifest.files.filter((x) => x.expect === 'pass'))
      assert.deepEqual(f.load, { jit: 'loaded', weights_only: 'loaded' }, f.file);
  });
  for (const f of manifest.files)
    it(`${f.expect}: ${f.file} (${f.what})`, () =>
      assertProvedArchive(DIR, f, KIND.find(([name]) => name.test(f.file))?.[1]));
});

/** A module whose `forward` (compiled, and its constants folded, at load) returns `expr`, with a helper method. */
const forward = (expr: string): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  '  def forward(self: __torch__.M, x: int) -> int:',
  `    return ${expr}`,
  '  def minus_one(self: __torch__.M) -> int:',
  '    return -1',
];
const MIN = 'torch.sub(-9223372036854775807, 1)';
const foldCases: RuleCase[] = [
  {
    name: 'a divisor that is a method result',
    src: forward(`torch.floordiv(${MIN}, (self).minus_one())`),
    expect: [[4, 'high']],
    details: { kind: 'fold-division' },
  },
  { name: 'a divisor spelled torch.abs(-1) (1)', src: forward(`torch.floordiv(${MIN}, torch.abs(-1))`), expect: [] },
  { name: 'a divisor spelled torch.neg(7)', src: forward(`torch.remainder(${MIN}, torch.neg(7))`), expect: [] },
  {
    name: 'the operator // by an unknown constant',
    src: forward(`${MIN} // int("-1")`),
    expect: [[4, 'high']],
    details: { kind: 'fold-division' },
  },
  {
    name: 'gcd of a constant and an unknown one',
    src: forward('torch.gcd(-1, int("5"))'),
    expect: [[4, 'high']],
    details: { kind: 'fold-division' },
  },
  { name: 'gcd of -1 and 7', src: forward('torch.gcd(-1, 7)'), expect: [] },
  {
    name: 'count of an empty pattern made by a call',
    src: forward('torch.count("ab", torch.lower(""))'),
    expect: [[4, 'high']],
    details: { kind: 'fold-search' },
  },
  {
    name: 'rsplit is not folded (a list), find of an empty pattern ends',
    src: forward('torch.find("ab", "")'),
    expect: [],
  },
  {
    name: 'a width spelled as an unknown call',
    src: forward('torch.len(torch.ljust("a", int("9"), "a"))'),
    expect: [[4, 'high']],
    details: { kind: 'fold-string' },
  },
  {
    name: 'a width spelled torch.len of a constant',
    src: forward('torch.len(torch.ljust("a", torch.len("abc"), "a"))'),
    expect: [],
  },
];

describe('TorchScript constant folding: operands spelled as calls are computed exactly or unknown', () => {
  for (const c of foldCases)
    it(`${c.expect.length > 0 ? 'reports' : 'passes'}: ${c.name}`, () =>
      assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});
