// Hostile and malformed Python never crashes the analyser or the detectors, never recurses without bound, and
// keeps spans inside the text (fast-check random token soups, seeded mutations, pathological nesting).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LimitError } from '../../../src/core/errors.js';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import type { PythonModule, SourceSpan } from '../../../src/analyzers/python/module-model.js';
import { detectTorchSignals } from '../../../src/analyzers/python/torch/torch-code.js';

const TOKENS = [
  'import torch',
  'from torch import load as L',
  'import functools',
  ' ',
  '\n',
  '    ',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ':',
  ',',
  '=',
  '.',
  '*',
  '**',
  '"',
  "'",
  '"""',
  '#',
  '\\',
  'def ',
  'class ',
  'lambda ',
  'try',
  'except ',
  'global ',
  'nonlocal ',
  'with ',
  ' as ',
  'for ',
  ' in ',
  'if ',
  'else',
  'return ',
  'yield ',
  'torch',
  'load',
  'L',
  'hub',
  'ops',
  'x',
  'True',
  'False',
  'None',
  'weights_only',
  'functools.partial',
  '@',
  ':=',
  '0x1f',
  'f"{',
  '}"',
  'é',
  '😀',
  '\t',
  '\r\n',
];

function checkSpans(mod: PythonModule, text: string): void {
  const check = (s: SourceSpan): void => {
    assert.ok(s.line >= 1 && s.column >= 1 && s.endLine >= s.line);
    assert.ok(s.startIndex >= 0 && s.startIndex <= s.endIndex && s.endIndex <= text.length);
  };
  for (const c of mod.calls) check(c.span);
  for (const s of mod.strings) check(s.span);
  for (const e of mod.parseErrors) check(e.span);
  for (const [i, c] of mod.calls.entries()) assert.equal(c.id, i);
}

async function analyseAll(text: string, fileKind: 'python' | 'hubconf' | 'torchscript'): Promise<void> {
  const mod = await analyzePythonModule(text);
  checkSpans(mod, text);
  const signals = detectTorchSignals(mod, { fileKind });
  for (const s of signals) assert.ok(s.line >= 1 && s.snippet.length <= 200);
  JSON.stringify(mod);
}

describe('robustness', () => {
  it('survives random token soups', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }),
        fc.constantFrom('python', 'hubconf', 'torchscript'),
        async (toks, kind) => {
          await analyseAll(toks.join(''), kind as 'python');
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('survives byte-level mutations of a realistic file', async () => {
    const seed = [
      'import functools, torch',
      'from torch.hub import load as hub_load',
      'loader = functools.partial(torch.load, weights_only=False)',
      '@app.route("/x")',
      'def f(p, *a, **k):',
      '    global G',
      '    try:',
      '        return torch.load(p, weights_only=True)',
      '    except Exception as e:',
      '        return loader(p, **k)',
      'm = hub_load("o/r:main", "m", trust_repo=True)',
      'torch.ops.my_ns.op(x)',
      'x: torch.classes.ns.C = None',
    ].join('\n');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.nat(seed.length), fc.nat(5), fc.constantFrom('', '(', ')', ':', '"', '\n', '  ', 'def ', '*')),
          {
            maxLength: 8,
          },
        ),
        async (edits) => {
          let text = seed;
          for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
          await analyseAll(text, 'python');
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('handles pathological nesting and long chains without stack overflow', async () => {
    const cases = [
      'x = ' + '('.repeat(5000) + 'torch.load(p)' + ')'.repeat(5000),
      'y = a' + '.b'.repeat(20000) + '(p)',
      'z = ' + '['.repeat(3000) + ']'.repeat(3000),
      'import torch\na0 = torch.load\n' +
        Array.from({ length: 3000 }, (_, i) => `a${i + 1} = a${i}`).join('\n') +
        '\na3000(p)\n',
      'w = ' + Array.from({ length: 5000 }, () => '"s"').join(' + '),
      'def f():\n' +
        Array.from({ length: 300 }, (_, i) => ' '.repeat(4 * (i + 1)) + 'def g' + i + '():').join('\n') +
        '\n' +
        ' '.repeat(1204) +
        'torch.load(p)',
      'f(' + 'g('.repeat(4000) + ')'.repeat(4001),
    ];
    // Beyond CPython's own nesting limit (200), a 1,000-step attribute chain or a 3,000-operator expression (CPython
    // fails to compile those too) the parser stops with a limit (the scan reports SCAN-INCOMPLETE); everything else is
    // analysed in full.
    const tooDeep = new Set([0, 1, 2, 4, 6]);
    for (const [i, text] of cases.entries()) {
      if (tooDeep.has(i))
        await assert.rejects(
          analyzePythonModule(text),
          (e: unknown) => e instanceof LimitError && e.limit === 'maxPythonNesting',
        );
      else await analyseAll(text, 'python');
    }
    const chain = await analyzePythonModule(cases[3]!);
    const last = chain.calls.at(-1)!;
    assert.equal(
      last.callee.qualifiedName,
      'torch.load',
      'binding chains resolve through memoised source-order resolution',
    );
  });

  it('stops name resolution at the step budget and says so', async () => {
    const mod = await analyzePythonModule('import torch\nx = torch.load\nx(p)\n', { maxResolveSteps: 2 });
    assert.equal(mod.stats.resolveBudgetExhausted, true);
    const ok = await analyzePythonModule('import torch\nx = torch.load\nx(p)\n');
    assert.equal(ok.stats.resolveBudgetExhausted, false);
    assert.equal(ok.calls[0]!.callee.qualifiedName, 'torch.load');
  });
});
