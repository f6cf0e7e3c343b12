// TORCH-LOAD-UNTRUSTED case table: valid code (no signal) and invalid code (signal at the expected line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signalsFor, assertRuleCase, type RuleCase } from './signal-helpers.js';

const valid: RuleCase[] = [
  {
    name: 'weights_only=True literal',
    src: ['import torch', 'sd = torch.load(p, map_location="cpu", weights_only=True)'],
    expect: [],
  },
  {
    name: 'module constant True used in a function',
    src: ['import torch', 'SAFE = True', 'def f(p):', '    return torch.load(p, weights_only=SAFE)'],
    expect: [],
  },
  { name: 'safetensors load_file', src: ['from safetensors.torch import load_file', 'sd = load_file(p)'], expect: [] },
  { name: 'safetensors load named load', src: ['from safetensors.torch import load', 'sd = load(data)'], expect: [] },
  {
    name: 'load_state_dict on a model',
    src: ['import torch', 'model.load_state_dict(sd)', 'torch.save(sd, p)'],
    expect: [],
  },
  {
    name: 'comments and strings mentioning torch.load',
    src: ['"""Never torch.load(path) untrusted files."""', 'import torch', '# torch.load(p)', 'W = "torch.load(x)"'],
    expect: [],
  },
  {
    name: 'a local method named load',
    src: ['import torch', 'class S:', '    def load(self, p):', '        return self.store.load(p)', 'S().load(p)'],
    expect: [],
  },
  { name: 'a local function named load', src: ['import torch', 'def load(p):', '    return 1', 'load(p)'], expect: [] },
  { name: 'a parameter named torch', src: ['def f(torch, p):', '    return torch.load(p)'], expect: [] },
  {
    name: 'partial with weights_only=True',
    src: ['import functools, torch', 'loader = functools.partial(torch.load, weights_only=True)', 'loader(p)'],
    expect: [],
  },
  {
    name: 'weights_only=True through **dict literal',
    src: ['import torch', 'torch.load(p, **{"weights_only": True})'],
    expect: [],
  },
  {
    name: 'pickle_module=None with weights_only=True',
    src: ['import torch', 'torch.load(p, None, None, weights_only=True)'],
    expect: [],
  },
  {
    name: 'hub url helper with weights_only=True (keyword and 7th positional)',
    src: [
      'import torch',
      'torch.hub.load_state_dict_from_url(u, weights_only=True)',
      'torch.hub.load_state_dict_from_url(u, d, None, True, False, None, True)',
    ],
    expect: [],
  },
  { name: 'torch.jit.load is not this rule', src: ['import torch', 'm = torch.jit.load(p)'], expect: [] },
  {
    name: 'safe load in try body, unrelated handler',
    src: [
      'import torch',
      'try:',
      '    sd = torch.load(p, weights_only=True)',
      'except FileNotFoundError:',
      '    sd = {}',
    ],
    expect: [],
  },
];

const invalidEnv: RuleCase[] = [
  {
    name: 'os.environ assignment of TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD',
    src: ['import os', 'os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"'],
    expect: [[2, 'high']],
    details: { kind: 'env-override' },
  },
  {
    name: 'os.environ.setdefault with a run-time value',
    src: ['import os', 'os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", flag)'],
    expect: [[2, 'medium']],
  },
  {
    name: 'os.environ.update with a dict',
    src: ['import os', 'os.environ.update({"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "yes"})'],
    expect: [[2, 'high']],
  },
  {
    name: 'values torch ignores (case-sensitive "1", "y", "yes", "true")',
    src: [
      'import os',
      'os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "0"',
      'os.putenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "True")',
    ],
    expect: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: 'missing weights_only',
    src: ['import torch', 'model = torch.load("checkpoint.pt")'],
    expect: [[2, 'high']],
    details: { weightsOnly: 'missing', api: 'torch.load' },
    message: '2.6',
  },
  {
    name: 'weights_only=False literal',
    src: ['import torch', 'sd = torch.load(p, weights_only=False)'],
    expect: [[2, 'high']],
    details: { weightsOnly: 'false', weightsOnlyText: 'False' },
  },
  {
    name: 'weights_only bound to False at module level',
    src: ['import torch', 'WO = False', 'def f(p):', '    return torch.load(p, weights_only=WO)'],
    expect: [[4, 'high']],
    message: 'WO (bound to False)',
  },
  {
    name: 'function-level False shadows module True',
    src: ['import torch', 'WO = True', 'def f(p):', '    WO = False', '    return torch.load(p, weights_only=WO)'],
    expect: [[5, 'high']],
  },
  {
    name: 'weights_only=None means default',
    src: ['import torch', 'torch.load(p, weights_only=None)'],
    expect: [[2, 'high']],
  },
  {
    name: 'from torch import load as L',
    src: ['from torch import load as L', 'L(fp, map_location="cpu")'],
    expect: [[2, 'high']],
    message: '`L` is torch.load',
  },
  { name: 'torch.serialization.load', src: ['from torch.serialization import load', 'load(p)'], expect: [[2, 'high']] },
  {
    name: 'aliased torch.serialization module',
    src: ['import torch.serialization as ser', 'ser.load(p)'],
    expect: [[2, 'high']],
  },
  { name: 'import torch as T', src: ['import torch as T', 'T.load(p)'], expect: [[2, 'high']] },
  { name: 'alias assignment', src: ['import torch', 'load = torch.load', 'load(p)'], expect: [[3, 'high']] },
  { name: 'getattr with a literal name', src: ['import torch', 'getattr(torch, "load")(p)'], expect: [[2, 'high']] },
  {
    name: 'conditional loader',
    src: ['import torch', 'loader = torch.load if legacy else safe', 'loader(p)'],
    expect: [[3, 'high']],
  },
  {
    name: 'unresolvable **kwargs',
    src: ['import torch', 'def f(p, **kw):', '    return torch.load(p, **kw)'],
    expect: [[3, 'medium']],
    details: { weightsOnly: 'kwargs' },
  },
  {
    name: '**dict literal with False',
    src: ['import torch', 'opts = {"weights_only": False}', 'torch.load(p, **opts)'],
    expect: [[3, 'high']],
  },
  {
    name: 'pickle_module without weights_only',
    src: ['import torch, dill', 'torch.load(p, pickle_module=dill)'],
    expect: [[2, 'high']],
    details: { pickleModule: 'dill' },
  },
  {
    name: 'pickle_module as third positional',
    src: ['import torch, dill', 'torch.load(p, "cpu", dill)'],
    expect: [[2, 'high']],
  },
  {
    name: 'pickle_module with weights_only=True',
    src: ['import torch, dill', 'torch.load(p, pickle_module=dill, weights_only=True)'],
    expect: [[2, 'low']],
    message: 'refuses that combination',
  },
  {
    name: 'non-constant weights_only',
    src: ['import torch', 'def f(p, args):', '    return torch.load(p, weights_only=args.safe)'],
    expect: [[3, 'low']],
    details: { weightsOnly: 'unresolved' },
  },
  {
    name: 'loop over (True, False)',
    src: [
      'import torch',
      'for wo in (True, False):',
      '    try:',
      '        sd = torch.load(p, weights_only=wo)',
      '        break',
      '    except Exception:',
      '        pass',
    ],
    expect: [[4, 'high']],
  },
  {
    name: 'try weights_only=True then retry with False',
    src: [
      'import pickle, torch',
      'try:',
      '    sd = torch.load(p, weights_only=True)',
      'except pickle.UnpicklingError:',
      '    sd = torch.load(p, weights_only=False)',
    ],
    expect: [[5, 'high']],
    details: { fallbackAfterWeightsOnly: true, handlerTypes: ['pickle.UnpicklingError'] },
    message: 'retries',
  },
  {
    name: 'try weights_only=True then retry without the argument, in a function',
    src: [
      'import torch',
      'def restore(p):',
      '    try:',
      '        return torch.load(p, weights_only=True)',
      '    except Exception:',
      '        return torch.load(p)',
    ],
    expect: [[6, 'high']],
    details: { fallbackAfterWeightsOnly: true },
  },
  {
    name: 'functools.partial with weights_only=False',
    src: ['import functools, torch', 'loader = functools.partial(torch.load, weights_only=False)', 'x = loader(p)'],
    expect: [[3, 'high']],
    details: { viaPartial: true, partialLine: 2 },
  },
  {
    name: 'partial without weights_only, called',
    src: ['from functools import partial', 'import torch', 'cpu = partial(torch.load, map_location="cpu")', 'cpu(p)'],
    expect: [[4, 'high']],
  },
  {
    name: 'partial with True overridden at the call',
    src: [
      'import functools, torch',
      'loader = functools.partial(torch.load, weights_only=True)',
      'loader(p, weights_only=False)',
    ],
    expect: [[3, 'high']],
  },
  {
    name: 'partial never called in this file',
    src: ['import functools, torch', 'LOADER = functools.partial(torch.load, map_location="cpu")'],
    expect: [[2, 'high']],
  },
  {
    name: 'hub url helper default',
    src: ['import torch', 'sd = torch.hub.load_state_dict_from_url(URL)'],
    expect: [[2, 'high']],
    details: { api: 'torch.hub.load_state_dict_from_url' },
  },
  {
    name: 'model_zoo.load_url alias',
    src: ['import torch.utils.model_zoo as model_zoo', 'model_zoo.load_url(URL, progress=True)'],
    expect: [[2, 'high']],
  },
  {
    name: 'torch.package load_pickle',
    src: [
      'from torch.package import PackageImporter',
      'imp = PackageImporter(path)',
      'obj = imp.load_pickle("res", "model.pkl")',
    ],
    expect: [[3, 'high']],
    details: { weightsOnly: 'no-mode' },
  },
  {
    name: 'loader passed as a callable',
    src: ['import torch', 'states = list(map(torch.load, paths))'],
    expect: [[2, 'medium']],
    details: { passedAsValue: true },
  },
  { name: 'torch used without import (snippet)', src: ['sd = torch.load(p)'], expect: [[1, 'medium']] },
  { name: 'star import', src: ['from torch import *', 'sd = load(p)'], expect: [[2, 'low']] },
  {
    name: 'hubconf entrypoint',
    fileKind: 'hubconf',
    src: ['import torch', 'dependencies = ["torch"]', 'def net(pretrained=False):', '    return torch.load("w.pt")'],
    expect: [[4, 'high']],
    details: { runsAt: 'entrypoint', entrypoint: 'net' },
    message: 'in entrypoint `net`',
  },
];

const run = (c: RuleCase): Promise<void> => assertRuleCase('TORCH-LOAD-UNTRUSTED', c);

describe('TORCH-LOAD-UNTRUSTED valid', () => {
  for (const c of valid) it(c.name, () => run(c));
});

describe('TORCH-LOAD-UNTRUSTED invalid', () => {
  for (const c of invalid) it(c.name, () => run(c));
});

describe('TORCH-LOAD-UNTRUSTED environment override', () => {
  for (const c of invalidEnv) it(c.name, () => run(c));
});

describe('TORCH-LOAD-UNTRUSTED signal shape', () => {
  it('carries the call region and snippet', async () => {
    const [s] = await signalsFor('import torch\nm = torch.load(p)\n');
    assert.deepEqual(
      [s!.ruleId, s!.line, s!.column, s!.endLine, s!.endColumn, s!.snippet],
      ['TORCH-LOAD-UNTRUSTED', 2, 5, 2, 18, 'torch.load(p)'],
    );
  });
});
