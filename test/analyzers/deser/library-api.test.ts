// DESER-UNSAFE-LOADER on a library's public API: a package function whose caller's path or bytes reach an executable
// loader is reported at MEDIUM with the safe-format hint; the same package with serving code is an app (its entry
// points decide), and private, unpackaged, test and torch.load cases are not library findings.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/engine.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'deser-projects', 'library-api', 'vulnerable');
const tmp = mkdtempSync(join(tmpdir(), 'deser-lib-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function deser(dir: string) {
  const r = await scanPaths([dir], { only: ['DESER'] });
  return r.findings.filter((f) => f.category === 'DESER');
}

function project(name: string, files: Record<string, string[]>): string {
  const dir = join(tmp, name);
  for (const [p, lines] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), lines.join('\n') + '\n');
  }
  return dir;
}

describe('DESER-UNSAFE-LOADER on library APIs', () => {
  it('a public package function loading its caller-named file: MEDIUM, safe-format hint, the API named', async () => {
    const got = await deser(FIXTURE);
    assert.equal(got.length, 2, got.map((f) => f.where).join('\n'));
    for (const f of got) {
      assert.equal(f.ruleId, 'DESER-UNSAFE-LOADER');
      assert.equal(f.severity, 'MEDIUM');
      assert.match(f.fixHint, /weights_only=True/);
      assert.match(f.fixHint, /safetensors/);
    }
    const apis = got.map((f) => f.evidence.details?.['libraryApi']).sort();
    assert.deepEqual(apis, ['mylib.store.ModelStore', 'mylib.store.load_model']);
  });

  it('a URI opened with fsspec or smart_open: the caller names the object loaded (MEDIUM); a packaged URI is not', async () => {
    const dir = project('uris', {
      'rio/__init__.py': [''],
      'rio/remote.py': [
        'import fsspec, pickle, smart_open',
        'def load_fs(uri):',
        '    with fsspec.open(uri, "rb") as f:',
        '        return pickle.load(f)',
        'def load_smart(uri):',
        '    with smart_open.open(uri, "rb") as f:',
        '        return pickle.load(f)',
        'def load_packaged():',
        '    with fsspec.open("file:///usr/share/rio/model.json", "rb") as f:',
        '        return f.read()',
      ],
    });
    const got = await deser(dir);
    assert.deepEqual(
      got.map((f) => `${f.ruleId} ${f.severity} ${f.location.line}`),
      ['DESER-UNSAFE-LOADER MEDIUM 4', 'DESER-UNSAFE-LOADER MEDIUM 7'],
    );
  });

  it('a parameter defaulting to a remote URL reads the remote object when the caller leaves it out', async () => {
    const dir = project('uri-defaults', {
      'feats/__init__.py': [''],
      'feats/remote.py': [
        'import fsspec, pickle, json',
        'def load_remote(uri="s3://bucket/feats.pkl"):',
        '    with fsspec.open(uri, "rb") as f:',
        '        return pickle.load(f)',
        'def load_remote_json(uri="s3://bucket/feats.json"):',
        '    with fsspec.open(uri, "rb") as f:',
        '        return json.load(f)',
        'def load_local(uri="/srv/feats/cache.pkl"):',
        '    with fsspec.open(uri, "rb") as f:',
        '        return pickle.load(f)',
      ],
    });
    const got = (await deser(dir)).map((f) => `${f.ruleId} ${f.location.line}`);
    assert.ok(got.includes('DESER-NETWORK-INPUT 4'), got.join('\n'));
    assert.ok(!got.some((g) => g.endsWith(' 7')), got.join('\n'));
    assert.ok(!got.some((g) => g.startsWith('DESER-NETWORK-INPUT 10')), got.join('\n'));
  });

  // A serving module of the package makes the modules its imports reach (transitively, with the packages an import
  // runs first) an app's; the loaders of modules no serving module imports stay library APIs.
  const SERVED: { name: string; path: string; module: string[]; found: boolean }[] = [
    {
      name: 'a Flask health module importing no loader module',
      path: 'mylib/server.py',
      module: [
        'from flask import Flask',
        'app = Flask(__name__)',
        '@app.get("/health")',
        'def health():',
        '    return "ok"',
      ],
      found: true,
    },
    {
      name: 'an optional Streamlit dashboard helper placing a slider, importing no loader module',
      path: 'mylib/dashboard.py',
      module: [
        'import streamlit as st',
        'def show(df):',
        '    n = st.slider("points", 10, 1000)',
        '    st.dataframe(df.head(n))',
      ],
      found: true,
    },
    {
      name: 'twin: the Flask module importing the loader module',
      path: 'mylib/server.py',
      module: [
        'from flask import Flask',
        'from mylib.store import load_model',
        'app = Flask(__name__)',
        '@app.get("/health")',
        'def health():',
        '    return "ok"',
      ],
      found: false,
    },
    {
      name: 'twin: the Flask module importing a module that imports the loader module',
      path: 'mylib/server.py',
      module: [
        'from flask import Flask',
        'from . import api',
        'app = Flask(__name__)',
        '@app.get("/health")',
        'def health():',
        '    return "ok"',
      ],
      found: false,
    },
    {
      name: 'twin: the Flask module importing its sibling loader module by its bare name, as a script run from the folder',
      path: 'mylib/server.py',
      module: [
        'from flask import Flask',
        'from store import load_model',
        'app = Flask(__name__)',
        '@app.get("/health")',
        'def health():',
        '    return "ok"',
      ],
      found: false,
    },
    {
      name: 'twin: the dashboard importing the loader module relatively',
      path: 'mylib/dashboard.py',
      module: [
        'import streamlit as st',
        'from .store import ModelStore',
        'def show(df):',
        '    n = st.slider("points", 10, 1000)',
        '    st.dataframe(df.head(n))',
      ],
      found: false,
    },
  ];
  for (const c of SERVED)
    it(`a package with a serving module: ${c.name} (${c.found ? 'library findings kept' : 'an app: none'})`, async () => {
      const dir = join(tmp, `served-${c.name.replace(/[^a-z]+/gi, '-')}`);
      cpSync(FIXTURE, dir, { recursive: true });
      writeFileSync(join(dir, 'mylib', 'api.py'), 'from .store import load_model\n');
      writeFileSync(join(dir, c.path), c.module.join('\n') + '\n');
      const got = await deser(dir);
      assert.deepEqual(
        got.map((f) => f.evidence.details?.['libraryApi']).sort(),
        c.found ? ['mylib.store.ModelStore', 'mylib.store.load_model'] : [],
      );
      for (const f of got) assert.equal(f.severity, 'MEDIUM');
    });

  it("a serving module's own entry points keep their severities beside the library findings", async () => {
    const dir = join(tmp, 'served-entry');
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(
      join(dir, 'mylib', 'server.py'),
      [
        'import pickle',
        'from flask import Flask, request',
        'app = Flask(__name__)',
        '@app.post("/state")',
        'def state():',
        '    return str(pickle.loads(request.data))',
        '',
      ].join('\n'),
    );
    const got = await deser(dir);
    assert.deepEqual(
      got.map((f) => `${f.ruleId} ${f.severity} ${f.evidence.details?.['libraryApi'] ?? f.where}`).sort(),
      [
        `DESER-NETWORK-INPUT CRITICAL ${got.find((f) => f.ruleId === 'DESER-NETWORK-INPUT')?.where}`,
        'DESER-UNSAFE-LOADER MEDIUM mylib.store.ModelStore',
        'DESER-UNSAFE-LOADER MEDIUM mylib.store.load_model',
      ],
    );
    assert.match(got.find((f) => f.ruleId === 'DESER-NETWORK-INPUT')!.where, /mylib\/server\.py:6/);
  });

  it('a single-module distribution (py_modules of setup.py) is a package; without setup.py the module is a loose script', async () => {
    const mod = ['import joblib', '', 'def load_model(path):', '    return joblib.load(path)'];
    const shipped = await deser(
      project('py-modules', {
        'setup.py': ['from setuptools import setup', "setup(name='mltool', py_modules=['mltool'])"],
        'mltool.py': mod,
      }),
    );
    assert.deepEqual(
      shipped.map((f) => `${f.ruleId} ${f.severity} ${f.location.line} ${f.evidence.details?.['libraryApi']}`),
      ['DESER-UNSAFE-LOADER MEDIUM 4 mltool.load_model'],
    );
    const loose = await deser(
      project('py-modules-other', {
        'setup.py': ['from setuptools import setup', "setup(name='tool', py_modules=['other'])"],
        'mltool.py': mod,
        'other.py': ['def f():', '    return 1'],
      }),
    );
    assert.deepEqual(loose, []);
  });

  it('a function of a private module is public API when a public module re-exports it', async () => {
    const io = [
      'import pickle',
      'def load_table(path):',
      '    with open(path, "rb") as f:',
      '        return pickle.load(f)',
    ];
    const exported = await deser(
      project('private-reexported', { 'featlib/__init__.py': ['from ._io import load_table'], 'featlib/_io.py': io }),
    );
    assert.deepEqual(
      exported.map((f) => `${f.ruleId} ${f.severity} ${f.location.line} ${f.evidence.details?.['libraryApi']}`),
      ['DESER-UNSAFE-LOADER MEDIUM 4 featlib._io.load_table'],
    );
    const internal = await deser(
      project('private-internal', {
        'featlib/__init__.py': ['from ._io import other'],
        'featlib/_io.py': [...io, 'def other():', '    return 1'],
      }),
    );
    assert.deepEqual(internal, []);
  });

  it('serving code beside the package (an example demo, a test server) or in another package of the tree keeps its library findings', async () => {
    const cases: [string, Record<string, string[]>][] = [
      [
        'example-demo',
        { 'examples/demo.py': ['import gradio as gr', 'gr.Interface(lambda t: t, "text", "text").launch()'] },
      ],
      [
        'test-server',
        {
          'tests/test_remote.py': [
            'from http.server import BaseHTTPRequestHandler, HTTPServer',
            'class H(BaseHTTPRequestHandler):',
            '    def do_GET(self):',
            '        self.wfile.write(b"ok")',
            'def test_fetch():',
            '    HTTPServer(("127.0.0.1", 0), H)',
          ],
        },
      ],
      [
        'sibling-app',
        {
          'service/__init__.py': [''],
          'service/app.py': [
            'from flask import Flask',
            'app = Flask(__name__)',
            '@app.get("/health")',
            'def health():',
            '    return "ok"',
          ],
        },
      ],
    ];
    for (const [name, extra] of cases) {
      const dir = join(tmp, `beside-${name}`);
      cpSync(FIXTURE, dir, { recursive: true });
      for (const [p, lines] of Object.entries(extra)) {
        mkdirSync(join(dir, p, '..'), { recursive: true });
        writeFileSync(join(dir, p), lines.join('\n') + '\n');
      }
      assert.deepEqual(
        (await deser(dir)).map((f) => f.evidence.details?.['libraryApi']).sort(),
        ['mylib.store.ModelStore', 'mylib.store.load_model'],
        name,
      );
    }
  });

  it('not library APIs: a private loader its package calls with a constant, bytes in a private method', async () => {
    const dir = project('others', {
      'pkg/__init__.py': [''],
      'pkg/io.py': [
        'import pickle, torch',
        'def _restore(blob):',
        '    return pickle.loads(blob)',
        'STATE = _restore(b"\\x80\\x04N.")',
        'class _Cache:',
        '    def get(self, blob):',
        '        return pickle.loads(blob)',
      ],
    });
    assert.deepEqual(
      (await deser(dir)).map((f) => `${f.ruleId} ${f.where}`),
      [],
    );
  });

  // torch.load and the loaders that call it: MEDIUM on a library API without weights_only=True (TORCH-LOAD-UNTRUSTED
  // also reports torch.load itself); the same API with weights_only=True, or loading the package's own file, is not.
  const TORCH_APIS: { name: string; body: string[]; line?: number }[] = [
    {
      name: 'torch.load of the path',
      body: ['    model.load_state_dict(torch.load(path, map_location="cpu"))'],
      line: 4,
    },
    { name: 'torch.load with weights_only=False', body: ['    return torch.load(path, weights_only=False)'], line: 4 },
    {
      name: "OpenMMLab's load_checkpoint",
      body: ['    return load_checkpoint(model, path, map_location="cpu")'],
      line: 4,
    },
    { name: 'twin: torch.load with weights_only=True', body: ['    return torch.load(path, weights_only=True)'] },
    {
      name: "twin: torch.load of the package's own file",
      body: ['    return torch.load(os.path.join(os.path.dirname(__file__), "w.pt"))'],
    },
  ];
  for (const c of TORCH_APIS)
    it(`a library API: ${c.name} (${c.line !== undefined ? 'MEDIUM' : 'not reported'})`, async () => {
      const dir = project(`torch-${c.name.replace(/[^a-z]+/gi, '-')}`, {
        'tlib/__init__.py': [''],
        'tlib/weights.py': [
          'import os, torch',
          'from mmengine.runner import load_checkpoint',
          'def load_weights(model, path):',
          ...c.body,
        ],
      });
      const got = await deser(dir);
      assert.deepEqual(
        got.map((f) => `${f.ruleId} ${f.severity} ${f.location.line} ${f.evidence.details?.['libraryApi']}`),
        c.line !== undefined ? [`DESER-UNSAFE-LOADER MEDIUM ${c.line} tlib.weights.load_weights`] : [],
      );
      for (const f of got) assert.match(f.fixHint, /weights_only=True/);
    });

  it('a public function its own package also calls with a constant path is still an API its users call', async () => {
    const files = (name: string): string[] => [
      'import pickle',
      'DEFAULT_MODEL = "/opt/mylib/default.pkl"',
      `def ${name}(path):`,
      '    with open(path, "rb") as f:',
      '        return pickle.load(f)',
      'def default_model():',
      `    return ${name}(DEFAULT_MODEL)`,
    ];
    const pub = await deser(project('public-internal', { 'pkg/__init__.py': [''], 'pkg/io.py': files('load_model') }));
    assert.deepEqual(
      pub.map((f) => `${f.ruleId} ${f.severity} ${f.location.line} ${String(f.evidence.details?.['libraryApi'])}`),
      ['DESER-UNSAFE-LOADER MEDIUM 5 pkg.io.load_model'],
    );
    // Twin: the same loader private, called only with the package's constant.
    const own = await deser(
      project('private-internal', { 'pkg/__init__.py': [''], 'pkg/io.py': files('_load_model') }),
    );
    assert.deepEqual(
      own.map((f) => `${f.ruleId} ${f.where}`),
      [],
    );
  });

  it('torch.hub.load_state_dict_from_url / model_zoo.load_url of the URL a public function is given (not its own constant, not weights_only=True)', async () => {
    const got = await deser(
      project('hub-url', {
        'pkg/__init__.py': [''],
        'pkg/weights.py': [
          'import torch',
          'from torch.utils import model_zoo',
          'WEIGHTS = "https://example.org/models/resnet.pth"',
          'def from_own_constant(model):',
          '    model.load_state_dict(torch.hub.load_state_dict_from_url(WEIGHTS))',
          'def from_url(model, url):',
          '    model.load_state_dict(torch.hub.load_state_dict_from_url(url))',
          'def zoo(model, url):',
          '    model.load_state_dict(model_zoo.load_url(url))',
          'def zoo_weights_only(model, url):',
          '    model.load_state_dict(model_zoo.load_url(url, weights_only=True))',
        ],
      }),
    );
    assert.deepEqual(
      got.map((f) => `${f.ruleId} ${f.severity} ${f.location.line}`),
      ['DESER-UNSAFE-LOADER MEDIUM 7', 'DESER-UNSAFE-LOADER MEDIUM 9'],
    );
    assert.match(got[0]!.evidence.signal, /URL its caller names/);
  });

  it('bytes handed to a public method of a public class are reported', async () => {
    const dir = project('bytes', {
      'pkg/__init__.py': ['from .codec import Codec'],
      'pkg/codec.py': [
        'import cloudpickle',
        'class Codec:',
        '    def decode(self, payload):',
        '        return cloudpickle.loads(payload)',
      ],
    });
    const got = await deser(dir);
    assert.deepEqual(
      got.map((f) => [f.ruleId, f.severity, f.location.line, f.evidence.details?.['libraryApi']]),
      [['DESER-UNSAFE-LOADER', 'MEDIUM', 4, 'pkg.codec.Codec.decode']],
    );
  });

  it("an entry of a store the object manages (a folder joined with a key digest) is no caller-named file; a folder joined with the caller's name is", async () => {
    const cases: [string, string, number[]][] = [
      ['digest', 'os.path.join(self._path, hashlib.md5(key.encode()).hexdigest())', []],
      ['digest-method', 'os.path.join(self._path, self._hash(key.encode()).hexdigest())', []],
      ['caller-name', 'os.path.join(self._path, key + ".pkl")', [12]],
    ];
    for (const [name, path, lines] of cases) {
      const dir = project(`store-${name}`, {
        'pkg/__init__.py': [''],
        'pkg/cache.py': [
          'import hashlib',
          'import os',
          'import pickle',
          'class FileCache:',
          '    def __init__(self, cache_dir, hash_method=hashlib.md5):',
          '        self._path = cache_dir',
          '        self._hash = hash_method',
          '    def _filename(self, key):',
          `        return ${path}`,
          '    def get(self, key):',
          '        with open(self._filename(key), "rb") as f:',
          '            return pickle.load(f)',
        ],
      });
      assert.deepEqual(
        (await deser(dir)).map((f) => f.location.line),
        lines,
        name,
      );
    }
  });

  it("a file the class itself writes with a serializer, at a path its own helper names, is its store's entry; a file it only reads from the caller's folder is the caller's", async () => {
    const cases: [string, string[], number[]][] = [
      ['own-open', ['        with open(self._filename(key), "wb") as f:', '            pickle.dump(value, f)'], []],
      [
        'own-move',
        [
          '        path = self._filename(key)',
          '        with open(path + ".tmp", "wb") as f:',
          '            pickle.dump(value, f)',
          '        os.replace(path + ".tmp", path)',
        ],
        [],
      ],
      ['text-write', ['        with open(self._filename(key), "w") as f:', '            f.write(repr(value))'], [13]],
      [
        'other-file',
        ['        with open(os.path.join(self._path, "log"), "wb") as f:', '            pickle.dump(value, f)'],
        [13],
      ],
      ['no-writer', ['        return None'], [13]],
    ];
    for (const [name, body, lines] of cases) {
      const dir = project(`own-store-${name}`, {
        'pkg/__init__.py': [''],
        'pkg/cache.py': [
          'import hashlib',
          'import os',
          'import pickle',
          'class FileCache:',
          '    def __init__(self, cache_dir):',
          '        self._path = cache_dir',
          '        self.count = self.get("__count")',
          '    def _filename(self, key):',
          '        return os.path.join(self._path, hashlib.md5(key.encode()).hexdigest())',
          '    def get(self, key):',
          '        try:',
          '            with open(self._filename(key), "rb") as f:',
          '                return pickle.load(f)',
          '        except OSError:',
          '            return None',
          '    def set(self, key, value):',
          ...body,
        ],
      });
      assert.deepEqual(
        (await deser(dir)).map((f) => f.location.line),
        lines,
        name,
      );
    }
  });

  it('a method the package calls through an object it holds (untyped receiver, matching arguments) has the package as caller', async () => {
    const serde = [
      'import pickle',
      'class PickleSerde:',
      '    def deserialize(self, key, value, flags):',
      '        return pickle.loads(value)',
    ];
    const cases: [string, string, number[]][] = [
      ['held', '        return self.serde.deserialize(key, self._raw(key), 0)', []],
      ['other-arity', '        return self.serde.deserialize(key)', [4]],
      ['no-call', '        return None', [4]],
    ];
    for (const [name, call, lines] of cases) {
      const dir = project(`held-${name}`, {
        'pkg/__init__.py': [''],
        'pkg/serde.py': serde,
        'pkg/client.py': [
          'import pickle',
          'class Client:',
          '    def __init__(self, serde):',
          '        self.serde = serde',
          '    def _raw(self, key):',
          '        return b""',
          '    def defaults(self):',
          '        with open("/etc/pkg/defaults.pkl", "rb") as f:',
          '            return pickle.load(f)',
          '    def get(self, key):',
          call,
        ],
      });
      assert.deepEqual(
        (await deser(dir)).map((f) => f.location.line),
        lines,
        name,
      );
    }
  });

  // UI apps with no handler function the analysis resolves: a Streamlit script (it reruns top to bottom on every
  // interaction) and a Gradio app whose callback is a bound method of an object built elsewhere. Each keeps an
  // unused pickle-backed class in its own package; as apps they report nothing on it (the class is no library API).
  const codecs = {
    'kit/__init__.py': [''],
    'kit/codecs.py': [
      'import json',
      'import pickle',
      '',
      '',
      'class PickleCodec:',
      '    def decode(self, blob):',
      '        return pickle.loads(blob)',
      '',
      '',
      'class JsonCodec:',
      '    def decode(self, blob):',
      '        return json.loads(blob)',
    ],
  };
  const UI_APPS: { name: string; app: string[] }[] = [
    {
      name: 'Streamlit script with an uploader',
      app: [
        'import streamlit as st',
        'from kit.codecs import JsonCodec',
        '',
        'doc = st.file_uploader("document")',
        'if doc is not None:',
        '    st.json(JsonCodec().decode(doc.getvalue()))',
      ],
    },
    {
      name: 'Streamlit script with a text box in a main() function',
      app: [
        'import streamlit as st',
        '',
        '',
        'def main():',
        '    st.write(st.sidebar.text_input("name"))',
        '',
        '',
        'main()',
      ],
    },
    {
      name: 'Gradio app calling a bound method of a runner',
      app: [
        'import gradio as gr',
        'from kit.codecs import JsonCodec',
        '',
        '',
        'class Runner:',
        '    def __init__(self, codec):',
        '        self.codec = codec',
        '',
        '    def run(self, blob):',
        '        return str(self.codec.decode(blob))',
        '',
        '',
        'runner = Runner(JsonCodec())',
        'gr.Interface(fn=runner.run, inputs=gr.File(type="binary"), outputs="text").launch()',
      ],
    },
  ];
  for (const c of UI_APPS)
    it(`a UI app is an app, not a library: ${c.name}`, async () => {
      const slug = c.name.replace(/[^a-z]+/gi, '-');
      assert.deepEqual(
        (await deser(project(`ui-${slug}`, { ...codecs, 'app.py': c.app }))).map((f) => `${f.ruleId} ${f.where}`),
        [],
      );
    });

  it('twin: the same package without the UI app is a library (its public pickle codec is MEDIUM)', async () => {
    const got = await deser(project('ui-none', codecs));
    assert.deepEqual(
      got.map((f) => `${f.ruleId} ${f.severity}`),
      ['DESER-UNSAFE-LOADER MEDIUM'],
    );
    assert.match(got[0]!.where, /kit\/codecs\.py:7/);
  });

  it('a module that only imports streamlit for helpers, placing no widget, keeps the package a library', async () => {
    const got = await deser(
      project('ui-helper', {
        ...codecs,
        'kit/show.py': ['import streamlit as st', '', '', 'def show(value):', '    st.write(value)'],
      }),
    );
    assert.deepEqual(
      got.map((f) => `${f.ruleId} ${f.severity}`),
      ['DESER-UNSAFE-LOADER MEDIUM'],
    );
  });

  // numpy.load(allow_pickle=self.<attr>): the attribute's stores in the class decide what a caller gets by default.
  const deserializer = (init: string, store: string): string[] => [
    'import io',
    'import numpy as np',
    '',
    '',
    'class NumpyDeserializer:',
    `    def __init__(self, ${init}):`,
    `        self.allow_pickle = ${store}`,
    '',
    '    def deserialize(self, stream):',
    '        return np.load(io.BytesIO(stream.read()), allow_pickle=self.allow_pickle)',
  ];
  const ATTRIBUTE_DEFAULTS: { name: string; init: string; store: string; found: boolean }[] = [
    { name: 'a parameter defaulting to True', init: 'allow_pickle=True', store: 'allow_pickle', found: true },
    { name: 'a truthy literal stored', init: 'verbose=False', store: 'True', found: true },
    { name: 'a parameter defaulting to False', init: 'allow_pickle=False', store: 'allow_pickle', found: false },
    { name: 'a parameter with no default', init: 'allow_pickle', store: 'allow_pickle', found: false },
    { name: 'a False literal stored', init: 'verbose=True', store: 'False', found: false },
  ];
  for (const c of ATTRIBUTE_DEFAULTS)
    it(`numpy.load(allow_pickle=self.allow_pickle) with ${c.name}: ${c.found ? 'MEDIUM' : 'not reported'}`, async () => {
      const slug = c.name.replace(/[^a-z]+/gi, '-');
      const got = await deser(
        project(`np-attr-${slug}`, { 'npkit/__init__.py': [''], 'npkit/deser.py': deserializer(c.init, c.store) }),
      );
      assert.deepEqual(
        got.map((f) => `${f.ruleId} ${f.severity} ${f.where.replace(/^.*npkit\//, '')}`),
        c.found ? ['DESER-UNSAFE-LOADER MEDIUM deser.py:10:16'] : [],
      );
    });

  // What the caller named, cut up: a piece of its split is still the caller's; a field of a caller's object (a
  // config mapping) is not a path the caller named, and neither is a slice (which as often cuts a buffer the code
  // filled from elsewhere).
  const CUT: { expr: string; found: boolean }[] = [
    { expr: 'name.split("/")[-1]', found: true },
    { expr: 'name.rsplit("/", 1)[-1]', found: true },
    { expr: 'name.partition(":")[0]', found: true },
    { expr: 'name[len("hub:"):]', found: false },
    { expr: 'name', found: true },
    { expr: 'name["checkpoint_dir"]', found: false },
    { expr: 'name[0]', found: false },
  ];
  for (const c of CUT)
    it(`a folder from \`${c.expr}\` of a public method's parameter: ${c.found ? 'MEDIUM' : 'not reported'}`, async () => {
      const slug = c.expr.replace(/[^a-z0-9]+/gi, '-');
      const got = await deser(
        project(`cut-${slug}`, {
          'cutkit/__init__.py': [''],
          'cutkit/m.py': [
            'import os',
            'import pickle',
            '',
            '',
            'class Checkpoints:',
            '    def load(self, name):',
            `        local_dir = ${c.expr}`,
            '        with open(os.path.join(local_dir, "extra.pickle"), "rb") as f:',
            '            return pickle.load(f)',
          ],
        }),
      );
      assert.deepEqual(
        got.map((f) => `${f.ruleId} ${f.severity}`),
        c.found ? ['DESER-UNSAFE-LOADER MEDIUM'] : [],
      );
    });
});
