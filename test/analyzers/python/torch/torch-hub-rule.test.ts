// TORCH-HUB-DYNAMIC-IMPORT case table for torch.hub.load/list/help, plus the owner/repo[:ref] parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFullSha, parseRepoRef } from '../../../../src/analyzers/python/torch/torch-hub-rule.js';
import { assertRuleCase, type RuleCase } from './signal-helpers.js';

const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

const valid: RuleCase[] = [
  {
    name: 'pinned to a full commit SHA',
    src: ['import torch', `m = torch.hub.load("owner/repo:${SHA}", "resnet18")`],
    expect: [],
  },
  {
    name: 'pinned SHA through a module constant',
    src: [
      'import torch',
      `REF = "owner/repo:${SHA.toUpperCase()}"`,
      'def get():',
      '    return torch.hub.load(REF, "m", pretrained=False)',
    ],
    expect: [],
  },
  {
    name: "source='local' with a literal directory",
    src: ['import torch', 'm = torch.hub.load("./vendored", "m", source="local")'],
    expect: [],
  },
  {
    name: "trust_repo='check' on a pinned repo",
    src: ['import torch', `torch.hub.list("o/r:${SHA}", trust_repo="check")`],
    expect: [],
  },
  {
    name: 'a comment mentioning hub.load',
    src: ['import torch', '# torch.hub.load("owner/repo:main", "m")'],
    expect: [],
  },
  {
    name: 'another object with a hub attribute',
    src: ['import torch', 'def f(self):', '    return self.hub.load("owner/repo", "m")'],
    expect: [],
  },
  {
    name: 'trust_repo=False on a pinned repo',
    src: ['import torch', `torch.hub.load("o/r:${SHA}", "m", trust_repo=False)`],
    expect: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: 'no ref',
    src: ['import torch', 'm = torch.hub.load("owner/repo", "m")'],
    expect: [[2, 'high']],
    message: 'default branch',
  },
  {
    name: 'branch ref',
    src: ['import torch', 'm = torch.hub.load("owner/repo:main", "m")'],
    expect: [[2, 'high']],
    details: { ref: 'main', pinned: false },
  },
  {
    name: 'tag ref',
    src: ['import torch', 'm = torch.hub.load("pytorch/vision:v0.10.0", "resnet18")'],
    expect: [[2, 'high']],
  },
  { name: 'short SHA', src: ['import torch', 'm = torch.hub.load("owner/repo:3f2a9c1", "m")'], expect: [[2, 'high']] },
  {
    name: 'trust_repo=True on a pinned repo',
    src: ['import torch', `torch.hub.load("o/r:${SHA}", "m", trust_repo=True)`],
    expect: [[2, 'high']],
    details: { trustRepo: true },
  },
  {
    name: 'trust_repo=1 also trusts silently (torch tests `is False` / == "check")',
    src: ['import torch', `torch.hub.load("o/r:${SHA}", "m", trust_repo=1)`],
    expect: [[2, 'high']],
    details: { trustRepo: true },
  },
  {
    name: 'skip_validation=True on a pinned repo',
    src: ['import torch', `torch.hub.load("o/r:${SHA}", "m", skip_validation=True)`],
    expect: [[2, 'high']],
    details: { skipValidation: true },
  },
  {
    name: 'trust_repo bound to a True constant',
    src: ['import torch', 'TRUST = True', `torch.hub.load("o/r:${SHA}", "m", trust_repo=TRUST)`],
    expect: [[3, 'high']],
  },
  {
    name: 'repo computed at run time',
    src: ['import torch', 'def get(name):', '    return torch.hub.load(name, "m")'],
    expect: [[3, 'medium']],
  },
  {
    name: 'hub.load alias',
    src: ['from torch.hub import load as hub_load', 'hub_load("owner/repo:dev", "m")'],
    expect: [[2, 'high']],
  },
  {
    name: 'import torch.hub as hub',
    src: ['import torch.hub as hub', 'hub.load("owner/repo", "m")'],
    expect: [[2, 'high']],
  },
  { name: 'hub.list without ref', src: ['import torch', 'print(torch.hub.list("owner/repo"))'], expect: [[2, 'high']] },
  {
    name: 'hub.help on a branch',
    src: ['import torch', 'torch.hub.help("owner/repo:main", "m")'],
    expect: [[2, 'high']],
  },
  {
    name: 'hub.list trust_repo as 4th positional',
    src: ['import torch', `torch.hub.list("o/r:${SHA}", False, False, True)`],
    expect: [[2, 'high']],
    details: { trustRepo: true },
  },
  {
    name: 'repo keyword',
    src: ['import torch', 'torch.hub.load(repo_or_dir="owner/repo", model="m")'],
    expect: [[2, 'high']],
  },
  {
    name: "source='local' with a directory chosen at run time",
    src: ['import torch', 'def f(d):', '    return torch.hub.load(d, "m", source="local")'],
    expect: [[3, 'low']],
  },
  {
    name: 'not an owner/repo string',
    src: ['import torch', 'torch.hub.load("just-a-name", "m")'],
    expect: [[2, 'low']],
  },
  {
    name: 'unresolved **kwargs on a pinned repo',
    src: ['import torch', 'def f(**kw):', `    return torch.hub.load("o/r:${SHA}", "m", **kw)`],
    expect: [[3, 'low']],
  },
  {
    name: 'chained hub load inside a hubconf entrypoint',
    fileKind: 'hubconf',
    src: [
      'import torch',
      'def detector(**kwargs):',
      '    b = torch.hub.load("else/backbones:main", "r", trust_repo=True)',
      '    return b',
    ],
    expect: [[3, 'high']],
    details: { runsAt: 'entrypoint', entrypoint: 'detector', trustRepo: true },
    message: 'in entrypoint `detector`',
  },
];

const run = (c: RuleCase): Promise<void> => assertRuleCase('TORCH-HUB-DYNAMIC-IMPORT', c);

describe('TORCH-HUB-DYNAMIC-IMPORT valid', () => {
  for (const c of valid) it(c.name, () => run(c));
});

describe('TORCH-HUB-DYNAMIC-IMPORT invalid', () => {
  for (const c of invalid) it(c.name, () => run(c));
});

describe('owner/repo[:ref] parsing', () => {
  const table: [string, { owner: string; repo: string; ref?: string; pinned: boolean; wellFormed: boolean }][] = [
    ['owner/repo', { owner: 'owner', repo: 'repo', pinned: false, wellFormed: true }],
    ['owner/repo:main', { owner: 'owner', repo: 'repo', ref: 'main', pinned: false, wellFormed: true }],
    [`o/r:${SHA}`, { owner: 'o', repo: 'r', ref: SHA, pinned: true, wellFormed: true }],
    ['o/r:feature/x', { owner: 'o', repo: 'r', ref: 'feature/x', pinned: false, wellFormed: true }],
    ['o/r:', { owner: 'o', repo: 'r', ref: '', pinned: false, wellFormed: false }],
    ['o/r/x', { owner: 'o', repo: 'r/x', pinned: false, wellFormed: false }],
    ['name', { owner: 'name', repo: '', pinned: false, wellFormed: false }],
  ];
  for (const [input, expected] of table) it(input, () => assert.deepEqual(parseRepoRef(input), expected));
  it('accepts only 40 hex digits as a commit SHA', () => {
    assert.equal(isFullSha(SHA), true);
    assert.equal(isFullSha(SHA.slice(1)), false);
    assert.equal(isFullSha(SHA.slice(1) + 'g'), false);
  });
});
