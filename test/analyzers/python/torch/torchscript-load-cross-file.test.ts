// TorchScript load code across the code files of one archive: torch.jit.load finds a class by its module's file, so
// a method of a class of another file that load code calls runs at load and is read with the same rules (operators,
// loops, work, growth). Case tables over several files indexed together (with the one-file reading as the twin), and
// the real archives of scripts/fixtures/torchscript-load-cross-file.py (each proven under torch 1.13's loaders).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_CALL_DEPTH } from '../../../../src/analyzers/python/torch/torchscript-load-rule.js';
import { partitionTorchScriptCode, scanBytes } from '../../../../src/scan/engine.js';
import { archiveKinds } from './signal-helpers.js';

/** A module whose `__setstate__` runs `lines` with a stored (int, Tensor) state. */
const user = (lines: string[], attrs: string[] = []): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  '  training : bool',
  ...attrs.map((a) => '  ' + a),
  '  def forward(self: __torch__.main.M, x: Tensor) -> Tensor:',
  '    return x',
  '  def __setstate__(self: __torch__.main.M, state: Tuple[int, Tensor, bool]) -> NoneType:',
  ...lines.map((l) => '    ' + l),
  '    self.training = (state)[2]',
  '    return None',
];

/** A class `type` (its module's last part, `__torch__.<file>.<name>`) whose methods are `methods` (name -> body). */
const helper = (type: string, methods: Record<string, string[]>, params = 'x: Tensor'): string[] => [
  `class ${type.slice(type.lastIndexOf('.') + 1)}:`,
  '  k : int',
  ...Object.entries(methods).flatMap(([name, body]) => [
    `  def ${name}(self: ${type}, ${params}) -> Tensor:`,
    ...body.map((l) => '    ' + l),
  ]),
];

const MAKE = ['_0 = __torch__.helpers.H.__new__(__torch__.helpers.H)', '_1 = (_0).__init__((state)[1], )'];
const SPIN = ['i = 0', '_0 = torch.lt(0, self.k)', 'while _0:', '  i = torch.add(i, 1)', '  _0 = torch.lt(i, self.k)'];

describe('TorchScript load code: classes of other code files of the archive', () => {
  const cases: [string, Record<string, string[]>, [string, unknown][]][] = [
    [
      'a helper object made and called: its method is read there and passes',
      {
        'code/__torch__/main.py': user([...MAKE, 'self.w = (_0).fill((state)[1], )']),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', {
          __init__: ['self.k = 2', 'return x'],
          fill: ['out = torch.zeros([4])', 'return torch.add(out, x)'],
        }),
      },
      [],
    ],
    [
      "the helper's method loops on a stored count: reported in the helper's file",
      {
        'code/__torch__/main.py': user([...MAKE, 'self.w = (_0).spin((state)[1], )']),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', {
          __init__: ['self.k = 2', 'return x'],
          spin: [...SPIN, 'return x'],
        }),
      },
      [['code/__torch__/helpers.py', 'load-work-unbounded']],
    ],
    [
      "the helper's __init__ maps a file: reported as run at load",
      {
        'code/__torch__/main.py': user(MAKE),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', {
          __init__: ['t = torch.from_file("p", True, 8, dtype=0)', 'return t'],
        }),
      },
      [['code/__torch__/helpers.py', 'file-or-process-operation']],
    ],
    [
      'a helper reached through an attribute typed with its class, doubling a tensor',
      {
        'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).grow((state)[1], )'], ['h : __torch__.helpers.H']),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', {
          grow: ['t = x', 'for _0 in range(29):', '  t = torch.cat([t, t])', 'return t'],
        }),
      },
      [['code/__torch__/helpers.py', 'load-work-growth']],
    ],
    [
      'a method the class of the other file does not define',
      {
        'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).other((state)[1], )'], ['h : __torch__.helpers.H']),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', { grow: ['return x'] }),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'a class no code file holds where torch looks for it (another file claims its type)',
      {
        'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).grow((state)[1], )'], ['h : __torch__.helpers.H']),
        'code/__torch__/other.py': helper('__torch__.helpers.H', { grow: ['return x'] }),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'a type two files claim',
      {
        'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).grow((state)[1], )'], ['h : __torch__.helpers.H']),
        'code/__torch__/helpers.py': helper('__torch__.helpers.H', { grow: ['return x'] }),
        'code/__torch__/Helpers.py': helper('__torch__.helpers.H', { grow: [...SPIN, 'return x'] }),
      },
      [['code/__torch__/main.py', 'load-operation-unfollowed']],
    ],
    [
      'methods of two files calling each other: each read once',
      {
        'code/__torch__/main.py': [
          ...user(['h = self.h', 'self.w = (h).ping((state)[1], )'], ['h : __torch__.helpers.H']),
          '  def back(self: __torch__.main.M, x: Tensor) -> Tensor:',
          '    h = self.h',
          '    return (h).ping(x, )',
        ],
        'code/__torch__/helpers.py': [
          'class H:',
          '  m : __torch__.main.M',
          '  def ping(self: __torch__.helpers.H, x: Tensor) -> Tensor:',
          '    m = self.m',
          '    _0 = (m).back(x, )',
          '    return (self).ping(x, )',
        ],
      },
      [],
    ],
    [
      'a loop in a method of a mutually recursive pair: reported once',
      {
        'code/__torch__/main.py': [
          ...user(['h = self.h', 'self.w = (h).ping((state)[1], )'], ['h : __torch__.helpers.H']),
          '  def back(self: __torch__.main.M, x: Tensor) -> Tensor:',
          '    h = self.h',
          '    i = 0',
          '    while torch.lt(i, (state)[0]):',
          '      i = torch.add(i, 1)',
          '    return (h).ping(x, )',
        ],
        'code/__torch__/helpers.py': [
          'class H:',
          '  m : __torch__.main.M',
          '  def ping(self: __torch__.helpers.H, x: Tensor) -> Tensor:',
          '    m = self.m',
          '    return (m).back(x, )',
        ],
      },
      [['code/__torch__/main.py', 'load-work-unbounded']],
    ],
  ];
  for (const [name, files, expect] of cases)
    it(name, async () => {
      const got = await archiveKinds(files);
      assert.deepEqual(got, expect, JSON.stringify(got));
    });

  it('the same helper call read as one file alone is not followed', async () => {
    const got = await archiveKinds({
      'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).grow((state)[1], )'], ['h : __torch__.helpers.H']),
    });
    assert.deepEqual(got, [['code/__torch__/main.py', 'load-operation-unfollowed']]);
  });

  it(`a chain of calls deeper than ${MAX_CALL_DEPTH} classes is cut and reported`, async () => {
    const files: Record<string, string[]> = {
      'code/__torch__/main.py': user(['h = self.h', 'self.w = (h).step((state)[1], )'], ['h : __torch__.c0.C']),
    };
    const n = MAX_CALL_DEPTH + 1;
    for (let i = 0; i < n; i++)
      files[`code/__torch__/c${i}.py`] = [
        'class C:',
        ...(i + 1 < n ? [`  nx : __torch__.c${i + 1}.C`] : []),
        `  def step(self: __torch__.c${i}.C, x: Tensor) -> Tensor:`,
        ...(i + 1 < n ? ['    nx = self.nx', '    return (nx).step(x, )'] : ['    return x']),
      ];
    const got = await archiveKinds(files);
    assert.deepEqual(got, [[`code/__torch__/c${MAX_CALL_DEPTH - 1}.py`, 'load-operation-unfollowed']]);
    // A chain one class shorter is followed to its end: its last class is MAX_CALL_DEPTH calls deep.
    delete files[`code/__torch__/c${n - 1}.py`];
    files[`code/__torch__/c${n - 2}.py`] = [
      'class C:',
      `  def step(self: __torch__.c${n - 2}.C, x: Tensor) -> Tensor:`,
      '    return x',
    ];
    assert.deepEqual(await archiveKinds(files), []);
  });
});

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load-cross-file');

describe('TorchScript load code across files: archives made and proven by torch 1.13', () => {
  const files: [string, [string, unknown][]][] = [
    ['benign-helper-other-file.pt', []],
    ['benign-accumulate-constant.pt', []],
    ['benign-index-select-constant.pt', []],
    ['hostile-loop-other-file.pt', [['ts_helpers.py', 'load-work-unbounded']]],
    ['hostile-growth-other-file.pt', [['ts_helpers.py', 'load-work-growth']]],
    ['hostile-from-file-other-file.pt', [['ts_helpers.py', 'file-or-process-operation']]],
    ['hostile-index-select.pt', [['ts_main.py', 'load-work-argument']]],
    ['hostile-embedding.pt', [['ts_main.py', 'load-work-argument']]],
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

describe('TorchScript code analysed together: bounded by files and bytes', () => {
  const f = (size: number) => ({ src: { size } });
  const cases: [string, number[], number, number, number, string | undefined][] = [
    ['within both limits', [10, 10, 10], 3, 30, 3, undefined],
    ['one file more than the count', [10, 10, 10], 2, 100, 2, 'more than 2 TorchScript code files'],
    ['the bytes run out at the second file', [10, 25, 1], 10, 30, 1, 'more than 30 bytes of TorchScript code'],
  ];
  for (const [name, sizes, maxFiles, maxBytes, together, over] of cases)
    it(`${name}: ${together} together, the rest alone${over === undefined ? '' : ', reported'}`, () => {
      const files = sizes.map(f);
      const p = partitionTorchScriptCode(files, maxFiles, maxBytes);
      assert.deepEqual(p.together, files.slice(0, together));
      assert.deepEqual(p.alone, files.slice(together));
      assert.equal(p.over, over);
    });
});
