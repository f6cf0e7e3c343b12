// TorchScript load code calling free functions of the archive: torch.jit.load finds `__torch__.a.helper` as the
// top-level `def helper` of `code/__torch__/a.py`, so a function that load code calls runs at load and is read with
// the same rules as the load method itself (operators, loops, work, growth), in its own file. Case tables over
// several files indexed together, each hostile body with its benign twin, and the real archives of
// scripts/fixtures/torchscript-load-functions.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_CALL_DEPTH } from '../../../../src/analyzers/python/torch/torchscript-load-rule.js';
import { scanBytes } from '../../../../src/scan/engine.js';
import { archiveKinds } from './signal-helpers.js';

/** A module of `code/__torch__/main.py` whose `__setstate__` runs `lines` with a stored (int, Tensor, bool) state. */
const user = (lines: string[], extra: string[] = []): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  '  training : bool',
  '  w : Tensor',
  '  def forward(self: __torch__.main.M, x: Tensor) -> Tensor:',
  '    return x',
  '  def __setstate__(self: __torch__.main.M, state: Tuple[int, Tensor, bool]) -> NoneType:',
  ...lines.map((l) => '    ' + l),
  '    self.training = (state)[2]',
  '    return None',
  ...extra,
];

/** Free functions (name -> body) as the printer writes them at the top level of a code file. */
const defs = (fns: Record<string, string[]>, params = 'x: Tensor, n: int'): string[] =>
  Object.entries(fns).flatMap(([name, body]) => [`def ${name}(${params}) -> Tensor:`, ...body.map((l) => '  ' + l)]);

const CALL = ['self.w = __torch__.helpers.run((state)[1], (state)[0], )'];
const SPIN = ['i = 0', 'while torch.lt(i, n):', '  i = torch.add(i, 1)', 'return x'];
const PLANT = ['t = torch.from_file("p", True, 8)', 'return t'];

describe('TorchScript load code: free functions of the archive', () => {
  const cases: [string, Record<string, string[]>, [string, unknown][]][] = [
    [
      'a function of another file doing tensor math: read there, passes',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ run: ['return torch.mul(torch.add(x, 1), 2)'] }),
      },
      [],
    ],
    [
      'a function of another file mapping a file: reported there as run at load',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ run: PLANT }),
      },
      [['code/__torch__/helpers.py', 'file-or-process-operation']],
    ],
    [
      'a function bound to a local name first, as the printer often writes it, mapping a file',
      {
        'code/__torch__/main.py': user(['_0 = __torch__.helpers.run', 'self.w = _0((state)[1], (state)[0], )']),
        'code/__torch__/helpers.py': defs({ run: PLANT }),
      },
      [['code/__torch__/helpers.py', 'file-or-process-operation']],
    ],
    [
      'its twin: the bound function doing tensor math',
      {
        'code/__torch__/main.py': user(['_0 = __torch__.helpers.run', 'self.w = _0((state)[1], (state)[0], )']),
        'code/__torch__/helpers.py': defs({ run: ['return torch.add(x, n)'] }),
      },
      [],
    ],
    [
      'a local name bound to a function no code file defines',
      {
        'code/__torch__/main.py': user(['_0 = __torch__.helpers.run', 'self.w = _0((state)[1], (state)[0], )']),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'a function of the same file looping on a stored count',
      {
        'code/__torch__/main.py': user(['self.w = __torch__.main.run((state)[1], (state)[0], )'], defs({ run: SPIN })),
      },
      [['code/__torch__/main.py', 'load-work-unbounded']],
    ],
    [
      'its twin: a function of the same file looping a constant 4 times',
      {
        'code/__torch__/main.py': user(
          ['self.w = __torch__.main.run((state)[1], (state)[0], )'],
          defs({ run: ['for _0 in range(4):', '  x = torch.add(x, 1)', 'return x'] }),
        ),
      },
      [],
    ],
    [
      'a function calling a function of a third file that doubles a tensor',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ run: ['return __torch__.deep.grow(x, n, )'] }),
        'code/__torch__/deep.py': defs({
          grow: ['t = x', 'for _0 in range(29):', '  t = torch.cat([t, t])', 'return t'],
        }),
      },
      [['code/__torch__/deep.py', 'load-work-growth']],
    ],
    [
      'a function making an object of a class and calling its method',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': [
          ...defs({
            run: [
              '_0 = __torch__.helpers.H.__new__(__torch__.helpers.H)',
              '_1 = (_0).__init__(n, )',
              'return (_0).spin(x, n, )',
            ],
          }),
          'class H:',
          '  k : int',
          '  def __init__(self: __torch__.helpers.H, k: int) -> NoneType:',
          '    self.k = k',
          '    return None',
          '  def spin(self: __torch__.helpers.H, x: Tensor, n: int) -> Tensor:',
          ...SPIN.map((l) => '    ' + l),
        ],
      },
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      'a method of another class calling a function: followed from the method',
      {
        'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).go((state)[1], )'], ['  h : __torch__.helpers.H']),
        'code/__torch__/helpers.py': [
          'class H:',
          '  def go(self: __torch__.helpers.H, x: Tensor) -> Tensor:',
          '    return __torch__.helpers.run(x, 3, )',
          ...defs({ run: PLANT }),
        ],
      },
      [['code/__torch__/helpers.py', 'file-or-process-operation']],
    ],
    [
      'a function the named file does not define',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ other: SPIN }),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'a function defined in a file of another module than the one the call names',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/other.py': defs({ run: ['return x'] }),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'a function two files claim (names differing in case)',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ run: ['return x'] }),
        'code/__torch__/Helpers.py': defs({ run: PLANT }),
      },
      [
        ['code/__torch__/main.py', 'load-operation-unfollowed'],
        ['code/__torch__/Helpers.py', 'file-or-process-operation'],
      ],
    ],
    [
      'a function calling itself: read once',
      {
        'code/__torch__/main.py': user(CALL),
        'code/__torch__/helpers.py': defs({ run: ['return __torch__.helpers.run(x, n, )'] }),
      },
      [],
    ],
    [
      'a function no load method calls: its loops are not the load rule\u2019s',
      {
        'code/__torch__/main.py': user(['self.w = (state)[1]']),
        'code/__torch__/helpers.py': defs({ run: SPIN }),
      },
      [],
    ],
  ];
  for (const [name, files, expect] of cases)
    it(name, async () => {
      const got = await archiveKinds(files);
      assert.deepEqual(got, expect, JSON.stringify(got));
    });

  it('the same call read as one file alone is not followed', async () => {
    assert.deepEqual(await archiveKinds({ 'code/__torch__/main.py': user(CALL) }), [
      ['code/__torch__/main.py', 'load-operation-unfollowed'],
    ]);
  });

  it(`a chain of functions deeper than ${MAX_CALL_DEPTH} calls is cut and reported`, async () => {
    const n = MAX_CALL_DEPTH + 1;
    const files: Record<string, string[]> = {
      'code/__torch__/main.py': user(['self.w = __torch__.f0.run((state)[1], (state)[0], )']),
    };
    for (let i = 0; i < n; i++)
      files[`code/__torch__/f${i}.py`] = defs({
        run: [i + 1 < n ? `return __torch__.f${i + 1}.run(x, n, )` : 'return x'],
      });
    assert.deepEqual(await archiveKinds(files), [
      [`code/__torch__/f${MAX_CALL_DEPTH - 1}.py`, 'load-operation-unfollowed'],
    ]);
    delete files[`code/__torch__/f${n - 1}.py`];
    files[`code/__torch__/f${n - 2}.py`] = defs({ run: ['return x'] });
    assert.deepEqual(await archiveKinds(files), []);
  });
});

/** `__setstate__` of main.py looping `head` around `body`, and helpers.py's `run` with `inner` as its body. */
const nest = (head: string | null, body: string[], inner: string[]): Record<string, string[]> => ({
  'code/__torch__/main.py': user(
    head === null
      ? ['x = (state)[1]', 'xs = torch.tolist((state)[1])', ...body, 'self.w = x']
      : ['x = (state)[1]', 'xs = torch.tolist((state)[1])', head, ...body.map((l) => '  ' + l), 'self.w = x'],
  ),
  'code/__torch__/helpers.py': [
    'def run(x: Tensor, xs: List[int]) -> Tensor:',
    ...inner.map((l) => '  ' + l),
    '  return x',
  ],
});
const CALL_RUN = ['x = __torch__.helpers.run(x, xs, )'];

describe('TorchScript load code: loop turns and shapes charged over the call graph', () => {
  const cases: [string, Record<string, string[]>, [string, unknown][]][] = [
    [
      "a constant range of 60000 calling a function whose loop is 60000 turns (3.6e9): reported at the callee's loop",
      nest('for _0 in range(60000):', CALL_RUN, ['for _1 in range(60000):', '  x = torch.add(x, 1)']),
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      'its twin: the same function called once',
      nest(null, CALL_RUN, ['for _1 in range(60000):', '  x = torch.add(x, 1)']),
      [],
    ],
    [
      'a loop over a stored container calling a function that loops over it again (stored times stored)',
      nest('for _0 in xs:', CALL_RUN, ['for _1 in xs:', '  x = torch.add(x, _1)']),
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      'its twin: the function loops a constant 4 times per stored element',
      nest('for _0 in xs:', CALL_RUN, ['for _1 in range(4):', '  x = torch.add(x, _1)']),
      [],
    ],
    [
      'a loop over a stored container around a constant range of 65536 (65536 turns per stored element)',
      nest('for _0 in xs:', ['for _1 in range(65536):', '  x = torch.add(x, _1)'], []),
      [['code/__torch__/main.py', 'load-work-unbounded']],
    ],
    [
      'a constant range of 65536 calling a function that makes 2^22 elements (2^38 together)',
      nest('for _0 in range(65536):', CALL_RUN, ['_1 = torch.zeros([16384, 256])', 'x = torch.add(x, 1)']),
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      'its twin: the function called once',
      nest(null, CALL_RUN, ['_1 = torch.zeros([16384, 256])', 'x = torch.add(x, 1)']),
      [],
    ],
    [
      'a loop over a stored container calling a function that makes 65536 elements a turn',
      nest('for _0 in xs:', CALL_RUN, ['_1 = torch.zeros([256, 256])', 'x = torch.add(x, 1)']),
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      'a stored tensor joined to a value 65536 times (2.1e9 copies of it)',
      nest(null, ['for _0 in range(65536):', '  x = torch.cat([x, (state)[1]])'], []),
      [['code/__torch__/main.py', 'load-work-growth']],
    ],
    [
      'its twin: joined 64 times (2080 copies)',
      nest(null, ['for _0 in range(64):', '  x = torch.cat([x, (state)[1]])'], []),
      [],
    ],
    [
      'a constant-shape tensor of 4096 elements joined 65536 times (8.8e12 elements copied)',
      nest(null, CALL_RUN, ['for _0 in range(65536):', '  x = torch.cat([x, torch.ones([4096])])']),
      [['code/__torch__/helpers.py', 'load-work-growth']],
    ],
    [
      'its twin: one element joined 4096 times (8.4e6 elements copied)',
      nest(null, CALL_RUN, ['for _0 in range(4096):', '  x = torch.cat([x, torch.ones([1])])']),
      [],
    ],
    [
      'its twin: 16 elements a stored element',
      nest('for _0 in xs:', CALL_RUN, ['_1 = torch.zeros([4, 4])', 'x = torch.add(x, 1)']),
      [],
    ],
  ];
  for (const [name, files, expect] of cases)
    it(name, async () => {
      const got = await archiveKinds(files);
      assert.deepEqual(got, expect, JSON.stringify(got));
    });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-functions');

describe('TorchScript load code calling free functions: archives made and proven by torch 1.13', () => {
  const files: [string, [string, unknown][]][] = [
    ['benign-function-other-file.pt', []],
    ['benign-function-same-file.pt', []],
    ['benign-turns-once.pt', []],
    ['benign-stored-loop.pt', []],
    ['hostile-from-file-function.pt', [['fn_helpers.py', 'file-or-process-operation']]],
    ['hostile-loop-function-same-file.pt', [['fn_main.py', 'load-work-unbounded']]],
    ['hostile-turns-across-calls.pt', [['fn_helpers.py', 'load-work-unbounded']]],
    ['hostile-stored-loop-around-range.pt', [['fn_helpers.py', 'load-work-unbounded']]],
    ['benign-join-few-rows.pt', []],
    ['benign-torch-functional.pt', []],
    ['hostile-join-stored-rows.pt', [['fn_helpers.py', 'load-work-growth']]],
  ];
  for (const [name, expect] of files)
    it(`${name}: ${expect.length === 0 ? 'passes' : expect.map((e) => e[1]).join(', ')}`, async () => {
      const r = await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))));
      const got = r.findings
        .filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')
        .map((f) => [
          f.location.chain.at(-1)!.split('/').at(-1),
          f.evidence.details?.kind,
          f.evidence.details?.runsAtLoad,
        ]);
      assert.deepEqual(
        got,
        expect.map(([file, kind]) => [file, kind, true]),
        JSON.stringify(r.findings.map((f) => f.evidence.signal)),
      );
    });
});
