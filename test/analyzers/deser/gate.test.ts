// The DESER gates (text test and parse-tree check) must never skip a file the full analysis would flag; case
// tables for both, plus that property over every Python fixture of the repository.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { detectDeserSignals } from '../../../src/analyzers/deser/code.js';
import {
  analyzeForDeser,
  mayHaveDeserSignals,
  mayHoldDeserializer,
  noDeserSinks,
} from '../../../src/analyzers/deser/gate.js';
import { withPythonTree } from '../../../src/analyzers/python/parser.js';

describe('mayHaveDeserSignals (text gate)', () => {
  const cases: [string, string, boolean][] = [
    ['no loader module at all', 'import json\nx = json.loads(s)\n', false],
    ['torch without a whole-word load', 'import torch\nm.load_state_dict(torch.zeros(1))\nDataLoader(ds)\n', false],
    ['safetensors load_file only', 'from safetensors.torch import load_file\nsd = load_file(p)\n', false],
    ['torch.load', 'import torch\nsd = torch.load(p)\n', true],
    ['alias import names the loader', 'from pickle import loads as L\nL(b)\n', true],
    ['loader named only in a string', 'import pickle\nf = getattr(pickle, "loads")\n', true],
    ['no loader word', 'import numpy as np\nnp.zeros(3)\n', false],
    ['numpy.load names a loader module (allow_pickle may be positional)', 'import numpy as np\nnp.load(f)\n', true],
    ['cPickle', 'import cPickle\ncPickle.loads(b)\n', true],
    ['numpy with allow_pickle', 'import numpy as np\nnp.load(f, allow_pickle=True)\n', true],
    ['zmq recv_pyobj', 'x = sock.recv_pyobj()\n', true],
    ['multiprocessing', 'from multiprocessing.connection import Listener\n', true],
    ['media type only', 'CT = "application/octet-stream"\n', true],
    ['dynamic import', 'm = importlib.import_module(name)\n', true],
    ['Unpickler subclass', 'class U(pickle.Unpickler): pass\n', true],
    [
      "a project class's inherited load_from_checkpoint",
      'from model import Net\nn = Net.load_from_checkpoint(p)\n',
      true,
    ],
    ['keras load_model with safe_mode', 'import keras\nm = keras.models.load_model(p, safe_mode=False)\n', true],
    ['keras load_model in its default safe mode', 'import keras\nm = keras.models.load_model(p)\n', false],
    ["OpenMMLab's load_checkpoint", 'from mmengine.runner import load_checkpoint\nload_checkpoint(model, p)\n', true],
    ['mmcv _load_checkpoint', 'from mmcv.runner import _load_checkpoint\nck = _load_checkpoint(p)\n', true],
    [
      "a project's own load_checkpoint beside torch (no OpenMMLab import)",
      'import torch\nfrom .utils import load_checkpoint\nload_checkpoint(model, p)\n',
      false,
    ],
  ];
  for (const [name, src, want] of cases) it(name, () => assert.equal(mayHaveDeserSignals(src), want));
});

describe("mayHoldDeserializer (text gate for a module handed its callers' data)", () => {
  const cases: [string, string, boolean][] = [
    ['pickle.loads', 'import pickle\ndef f(b):\n    return pickle.loads(b)\n', true],
    ['media type only', 'CT = "application/octet-stream"\ndef f(b):\n    return b\n', false],
    ['pickle media type only', 'CT = "application/x-python-pickle"\n', false],
    ['Celery settings only', 'accept_content = ["json"]\ntask_serializer = "json"\n', false],
    ['a media type beside a loader', 'import pickle\nCT = "application/octet-stream"\nx = pickle.loads(b)\n', true],
    ['multiprocessing manager only', 'from multiprocessing.managers import BaseManager\nm = BaseManager()\n', false],
    [
      'multiprocessing receive',
      'from multiprocessing.connection import Client\ndef f(c):\n    return c.recv()\n',
      true,
    ],
    ['multiprocessing.reduction.loads', 'from multiprocessing.reduction import loads\nx = loads(b)\n', true],
    ['dynamic import of a name only', 'def f(name):\n    return importlib.import_module(name)\n', false],
    ['__import__ of a module name', 'mod = __import__(name)\n', false],
    ['dynamic import naming a loader module', 'def f(n="pickle"):\n    return importlib.import_module(n)\n', true],
    ['recv_pyobj', 'x = sock.recv_pyobj()\n', true],
    ['Unpickler subclass', 'class U(pickle.Unpickler): pass\n', true],
    ['no loader at all', 'import json\nx = json.loads(s)\n', false],
  ];
  for (const [name, src, want] of cases) it(name, () => assert.equal(mayHoldDeserializer(src), want));
  it('passes only texts the DESER text gate passes', () => {
    for (const [, src] of cases) if (mayHoldDeserializer(src)) assert.ok(mayHaveDeserSignals(src));
  });
});

describe('noDeserSinks (parse-tree gate)', () => {
  const cases: [string, string, boolean][] = [
    ['weights-only torch.load', 'import torch\nsd = torch.load(p, map_location="cpu", weights_only=True)\n', true],
    ['weights_only=False', 'import torch\nsd = torch.load(p, weights_only=False)\n', false],
    ['no weights_only', 'import torch\nsd = torch.load(p)\n', false],
    ['third positional (pickle_module)', 'import torch\nsd = torch.load(p, None, pickle, weights_only=True)\n', false],
    ['pickle_module keyword', 'import torch\nsd = torch.load(p, weights_only=True, pickle_module=pickle)\n', false],
    ['**kwargs', 'import torch\nsd = torch.load(p, weights_only=True, **kw)\n', false],
    ['word in a comment', 'import torch\n# torch.load\nsd = torch.load(p, weights_only=True)\n', false],
    ['loader used as a value', 'import torch\nL = torch.load\nsd = L(p, weights_only=True)\n', false],
    ['unbalanced call (parse error)', 'import torch\nsd = torch.load(p, weights_only=True\n', false],
    [
      'json.load with json imported',
      'import json, torch\nc = json.load(f)\nsd = torch.load(p, weights_only=True)\n',
      true,
    ],
    [
      'json mentioned in comments and strings only',
      'import json\nimport torch\nc = json.load(f)  # json\n"""json"""\n',
      true,
    ],
    ['pickle imported as json', 'import pickle as json\nimport torch\nc = json.load(f)\n', false],
    ['json rebound', 'import json\nimport torch\njson = torch\nc = json.load(f)\n', false],
    ['json as a parameter', 'import torch\ndef f(json):\n    return json.load(x)\n', false],
    ['json inside an f-string expression', 'import json\nimport torch\nc = json.load(f)\ns = f"{json}"\n', false],
    ['json never imported', 'import torch\nc = json.load(f)\n', false],
    ['numpy alias', 'import torch\nimport numpy as np\na = np.load(f)\n', true],
    ['numpy mmap_mode positional', 'import numpy as np\na = np.load(f, "r")\n', true],
    ['numpy allow_pickle positional', 'import numpy as np\na = np.load(f, None, True)\n', false],
    ['numpy **kwargs', 'import numpy as np\na = np.load(f, **kw)\n', false],
    ['pickle aliased as np', 'import torch\nimport pickle as np\na = np.load(f)\n', false],
    ['numpy from another package', 'import torch\nfrom x import numpy as np\na = np.load(f)\n', false],
    [
      'indices in UTF-16 after non-ASCII text',
      'import torch\n# é😀\nx = "ü"\nsd = torch.load(p, weights_only=True)\n',
      true,
    ],
  ];
  for (const [name, src, want] of cases) {
    it(name, async () => assert.equal(await withPythonTree(src, (root) => noDeserSinks(root, src)), want));
  }
});

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) pythonFiles(p, out);
    else if (p.endsWith('.py')) out.push(p);
  }
  return out;
}

describe('gates never skip a file with DESER signals', () => {
  const files = pythonFiles(join(import.meta.dirname, '..', '..', 'fixtures'));
  it(`holds for all ${files.length} Python fixtures`, async () => {
    let flagged = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const full = detectDeserSignals(await analyzePythonModule(text));
      const gated = await analyzeForDeser(text);
      if (full.length > 0) {
        flagged++;
        assert.ok(gated !== undefined, `${f} was skipped but has ${full.length} DESER signal(s)`);
        assert.deepEqual(detectDeserSignals(gated), full, f);
      }
    }
    assert.ok(flagged >= 20, `expected the vulnerable fixtures to be flagged, got ${flagged}`);
  });
  it('mayHoldDeserializer passes every fixture where data reaches a deserializer', async () => {
    let reached = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (!mayHaveDeserSignals(text)) continue;
      const signals = detectDeserSignals(await analyzePythonModule(text));
      if (!signals.some((s) => s.ruleId === 'DESER-NETWORK-INPUT' || s.ruleId === 'DESER-UNSAFE-LOADER')) continue;
      reached++;
      assert.ok(mayHoldDeserializer(text), `${f}: a deserializer is reached, but the text gate says none is held`);
    }
    assert.ok(reached >= 20, `expected fixtures where data reaches a deserializer, got ${reached}`);
  });
});
