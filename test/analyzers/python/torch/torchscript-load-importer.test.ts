// What torch's TorchScript importer and runtime run that a reading of method bodies alone misses: parameter defaults
// and class constants (evaluated while the importer compiles each class, with any operator), code records whose name
// differs in case from the one the importer asks for (torch's reader ignores case), string operators whose work is
// the product of two lengths (strip, rstrip, rindex), and one stored string referenced again and again through the
// pickle's memo (each comparison reads its whole length). Archives made and proved by
// scripts/fixtures/torchscript-load-importer.py (Debian's torch 1.13: each hostile one writes the planted bytes to its
// file, dies by SIGFPE, or is killed at its CPU limit under torch.jit.load and torch.load(weights_only=True)); each
// twin loads and passes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { archiveKinds, assertProvedArchive, assertRuleCase, provedArchives, type RuleCase } from './signal-helpers.js';

const DIR = new URL('../../../fixtures/torchscript-load-importer/', import.meta.url);
const manifest = { files: provedArchives(DIR) };
/** The finding each hostile archive must carry: the signal kind, and words of its message. */
const KIND: [RegExp, RegExp, RegExp][] = [
  [/^hostile_(default|final)_from_file/, /^file-or-process-operation$/, /torch\.from_file/],
  [/^hostile_(default|final)_channel_shuffle/, /^load-work-argument$/, /native_channel_shuffle/],
  [/^hostile_case_/, /^file-or-process-operation$/, /__setstate__/],
  [/^hostile_setstate_(strip|rstrip|rindex)/, /^load-work-product$/, /torch\.(strip|rstrip|rindex)\(/],
  [/^hostile_memo_/, /^load-work-product$/, /characters over the items of a stored list/],
];

describe('TorchScript code the importer runs outside method bodies, records under another case, string work', () => {
  it('the manifest proves each hostile archive with both loaders, and each twin loads', () => {
    const hostile = manifest.files.filter((f) => f.expect === 'block');
    assert.ok(hostile.length >= 11);
    for (const f of hostile)
      for (const loader of ['jit', 'weights_only'])
        // torch.load checks that every record name starts with the root exactly before it hands the archive on.
        if (f.file === 'hostile_case_root.pt' && loader === 'weights_only')
          assert.match(f.load?.[loader] ?? '', /file in archive is not in a subdirectory/);
        else
          assert.match(
            f.load?.[loader] ?? '',
            /killed by signal (?:8|9|24)|still running|wrote b'([A-Z])\1{7}'/,
            `${f.file} ${loader}`,
          );
    for (const f of manifest.files.filter((x) => x.expect === 'pass'))
      assert.deepEqual(f.load, { jit: 'loaded', weights_only: 'loaded' }, f.file);
  });
  for (const f of manifest.files)
    it(`${f.expect}: ${f.file} (${f.what})`, () => {
      const want = KIND.find(([name]) => name.test(f.file));
      return assertProvedArchive(DIR, f, want?.[1], want?.[2]);
    });
});

/** A module whose `forward` has a second parameter with the default `expr`, and a class constant `k`. */
const module = (expr: string, constant = '7'): string[] => [
  'class M(Module):',
  '  __parameters__ = []',
  `  k : Final[int] = ${constant}`,
  '  def forward(self: __torch__.M,',
  `    x: int, y: Tensor=${expr}) -> int:`,
  '    return torch.add(x, 1)',
];

const cases: RuleCase[] = [
  {
    name: 'a default that maps a file',
    src: module('torch.from_file("/tmp/x", True, 8)'),
    expect: [[5, 'high']],
    details: { kind: 'file-or-process-operation' },
  },
  {
    name: 'a default of an operator outside the load families',
    src: module('torch._cummax_helper(torch.ones([2]), torch.ones([2]), torch.ones([2]), 0)'),
    expect: [[5, 'high']],
    details: { kind: 'load-operation-unreviewed' },
  },
  {
    name: 'a default allocating past the constant bound',
    src: module('torch.zeros([100000, 100000])'),
    expect: [
      [5, 'high'],
      [5, 'high'],
    ],
    details: { kind: 'load-work-argument' },
  },
  {
    name: 'a class constant that broadcasts two large constant shapes',
    src: module('torch.zeros([1])', 'torch.len(torch.add(torch.ones([65536, 1]), torch.ones([1, 65536])))'),
    expect: [
      [3, 'high'],
      [3, 'high'],
    ],
    details: { kind: 'load-work-broadcast' },
  },
  {
    name: 'a default calling archive code torch would not find',
    src: module('__torch__.helper(torch.len("abc"))'),
    expect: [[5, 'high']],
    details: { kind: 'load-operation-unfollowed' },
  },
  { name: 'a default of a small constant tensor', src: module('torch.zeros([2, 2])'), expect: [] },
  { name: 'a class constant of an int', src: module('torch.zeros([1])', '3'), expect: [] },
];

describe('expressions the importer evaluates outside method bodies', () => {
  for (const c of cases) it(c.name, () => assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});

/** A `__setstate__` computing `self.r` from two strings of its stored state by `expr`. */
const strings = (expr: string): string[] => [
  'class S(Module):',
  '  r : int',
  '  def __setstate__(self: __torch__.S,',
  '    state: Tuple[str, str, bool]) -> NoneType:',
  `    self.r = ${expr}`,
  '    return None',
];

const stringCases: RuleCase[] = [
  ...['strip', 'lstrip', 'rstrip', 'rindex', 'index', 'find', 'rfind'].map((op): RuleCase => ({
    name: `${op} of a string by a string the state chooses`,
    src: strings(`torch.len(torch.${op}((state)[0], (state)[1]))`),
    expect: [[5, 'high']],
    details: { kind: 'load-work-product' },
  })),
  ...['strip', 'lstrip', 'rstrip', 'rindex'].map((op): RuleCase => ({
    name: `${op} in the value-method form`,
    src: strings(`torch.len((state)[0].${op}((state)[1]))`),
    expect: [[5, 'high']],
    details: { kind: 'load-work-product' },
  })),
  {
    name: 'rstrip of constants whose lengths multiply past the fold bound',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M,',
      '    x: int) -> int:',
      `    return torch.len(torch.rstrip("${'a'.repeat(4000)}", "${'b'.repeat(1999)}a"))`,
    ],
    expect: [[4, 'high']],
    details: { kind: 'fold-search' },
  },
  {
    name: 'rstrip of short constants',
    src: [
      'class M(Module):',
      '  def forward(self: __torch__.M,',
      '    x: int) -> int:',
      '    return torch.len(torch.rstrip("ab ", " "))',
    ],
    expect: [],
  },
  { name: 'strip of the default set', src: strings('torch.len(torch.strip((state)[0]))'), expect: [] },
  { name: 'rstrip by a short constant set', src: strings('torch.len(torch.rstrip((state)[0], " \\t"))'), expect: [] },
  { name: 'rindex of a short constant', src: strings('torch.rindex((state)[0], ".")'), expect: [] },
  {
    name: 'startswith is linear',
    src: strings('torch.len(str(torch.startswith((state)[0], (state)[1])))'),
    expect: [],
  },
];

describe('string operators whose work is the product of two lengths', () => {
  for (const c of stringCases) it(c.name, () => assertRuleCase('TORCH-SCRIPT-CUSTOM-OP', c, 'torchscript'));
});

/** A class of code/__torch__/m.py whose `__setstate__` receives `state: <type>` and runs `body`. */
const stateful = (type: string, body: string[]): string[] => [
  'class M(Module):',
  '  items : List[str]',
  '  n : int',
  '  def __setstate__(self: __torch__.m.M,',
  `    state: ${type}) -> NoneType:`,
  ...body.map((l) => `    ${l}`),
  '    return None',
];
const LIST_STATE = 'Tuple[List[str], str, bool]';
const PAIR_STATE = 'Tuple[str, str, bool]';
/** Stored text of the class's state items: [count, characters, longest] each. */
const text = (...items: (number[] | undefined)[]) => new Map([['text:__torch__.m.M', items]]);
/** 4 Mi references to one 1 MiB string, and a 1 MiB key; 100 references to one 12-character string. */
const SHARED = text([4 << 20, 4 * 2 ** 40, 1 << 20], [1, 1 << 20, 1 << 20], undefined);
const SMALL = text([100, 1200, 12], [1, 12, 12], undefined);
const kinds = async (type: string, body: string[], stored?: ReturnType<typeof text>) =>
  (await archiveKinds({ 'code/__torch__/m.py': stateful(type, body) }, stored)).map(([, k]) => k);

describe('stored strings charged by their length at every memo reference', () => {
  const scans: [string, string[]][] = [
    ['a membership test of the stored list', ['self.n = int(torch.__contains__((state)[0], (state)[1]))']],
    ['the infix membership test', ['self.n = int((state)[1] in (state)[0])']],
    ['a count of the stored list', ['self.n = torch.count((state)[0], (state)[1])']],
    [
      'a scan of an attribute set from the stored list',
      ['self.items = (state)[0]', 'self.n = torch.count(self.items, (state)[1])'],
    ],
    [
      'an == loop over the stored list',
      ['n = 0', 'for s in (state)[0]:', '  if torch.eq(s, (state)[1]):', '    n = torch.add(n, 1)', 'self.n = n'],
    ],
    [
      'the infix == loop over the printed index',
      [
        '_0 = (state)[0]',
        'n = 0',
        'for _1 in range(torch.len(_0)):',
        '  if _0[_1] == (state)[1]:',
        '    n = torch.add(n, 1)',
        'self.n = n',
      ],
    ],
  ];
  for (const [name, body] of scans) {
    it(`${name}: 4 Mi references to one 1 MiB string`, async () =>
      assert.ok((await kinds(LIST_STATE, body, SHARED)).includes('load-work-product')));
    it(`${name}: 100 references to a 12-character string`, async () =>
      assert.deepEqual(await kinds(LIST_STATE, body, SMALL), []));
  }
  it('a length of the list is not a read of its strings', async () =>
    assert.deepEqual(await kinds(LIST_STATE, ['self.n = torch.len((state)[0])'], SHARED), []));
  it('strip of stored strings whose lengths multiply past the bound', async () =>
    assert.deepEqual(
      await kinds(
        PAIR_STATE,
        ['self.n = torch.len(torch.strip((state)[0], (state)[1]))'],
        text([1, 8e6, 8e6], [1, 2e6, 2e6], undefined),
      ),
      ['load-work-product'],
    ));
  it('strip of short stored strings', async () =>
    assert.deepEqual(
      await kinds(
        PAIR_STATE,
        ['self.n = torch.len(torch.strip((state)[0], (state)[1]))'],
        text([1, 15, 15], [1, 2, 2], undefined),
      ),
      [],
    ));
  it('strip of strings whose stored lengths are not read', async () =>
    assert.deepEqual(await kinds(PAIR_STATE, ['self.n = torch.len(torch.strip((state)[0], (state)[1]))']), [
      'load-work-product',
    ]));
});
