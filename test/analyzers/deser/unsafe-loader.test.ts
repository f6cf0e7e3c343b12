// DESER-UNSAFE-LOADER case table: executable deserializers in serving code whose input is not provably internal
// (invalid), and internal inputs or non-serving modules (valid).
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const FLASK = [
  'from flask import Flask, request',
  'app = Flask(__name__)',
  '@app.get("/h")',
  'def h():',
  '    return "ok"',
];

const invalid: DeserCase[] = [
  {
    name: "OpenMMLab's load_checkpoint given the path a client sends: torch.load of the file the client chose",
    src: [
      ...FLASK,
      'from mmengine.runner import load_checkpoint',
      'MODEL = object()',
      '@app.post("/weights")',
      'def weights():',
      '    load_checkpoint(MODEL, request.form["path"])',
      '    return "ok"',
    ],
    expect: [['DESER-UNSAFE-LOADER', 10]],
  },
  {
    name: "a Gradio text used as the cache entry name below the app's folder: the client names the file",
    src: [
      'import os, pickle',
      'import gradio as gr',
      'CACHE = "/var/cache/emb"',
      'def embed(text):',
      '    p = os.path.join(CACHE, text + ".pkl")',
      '    with open(p, "rb") as f:',
      '        return pickle.load(f)',
      'gr.Interface(embed, "text", "json").launch()',
    ],
    expect: [['DESER-UNSAFE-LOADER', 7]],
  },
  {
    name: 'a client-chosen path copied to a fixed file, then loaded: the copy holds the file the client chose',
    src: [
      ...FLASK,
      'import joblib, shutil',
      '@app.post("/imp")',
      'def imp():',
      '    shutil.copyfile(request.form["src"], "/tmp/m.bin")',
      '    return str(joblib.load("/tmp/m.bin"))',
    ],
    expect: [['DESER-UNSAFE-LOADER', 10]],
  },
  {
    name: 'an uploaded file saved, copied (shutil.copy) and the copy loaded: network input',
    src: [
      ...FLASK,
      'import joblib, os, shutil',
      '@app.post("/up")',
      'def up():',
      '    f = request.files["m"]',
      '    f.save("/tmp/in.bin")',
      '    shutil.copy("/tmp/in.bin", "/tmp/out.bin")',
      '    return str(joblib.load("/tmp/out.bin"))',
    ],
    expect: [['DESER-NETWORK-INPUT', 12]],
  },
  {
    name: 'pickle cache in Redis read by a Flask app: a shared cache read is network input, not only an unsafe loader',
    src: [...FLASK, 'import pickle, redis', 'r = redis.Redis()', 'def cached(k):', '    return pickle.loads(r.get(k))'],
    expect: [['DESER-NETWORK-INPUT', 9]],
    confidence: 'high',
    details: { sink: 'pickle.loads', sourceLabel: 'cache read (Redis)' },
  },
  {
    name: 'request chooses the checkpoint path: high, with the source line',
    src: [...FLASK, 'import os, torch', 'def m():', '    return torch.load(os.path.join("/m", request.args["n"]))'],
    expect: [['DESER-UNSAFE-LOADER', 8]],
    confidence: 'high',
    details: { sourceLine: 8 },
  },
  {
    name: 'helper **kwargs fed by an unresolved ** splat is not internal',
    src: [
      ...FLASK,
      'import pickle',
      'def load(**kw):',
      '    return pickle.loads(kw["blob"])',
      'def serve(opts):',
      '    return load(**opts)',
      'serve(dict(blob=b""))',
    ],
    expect: [['DESER-UNSAFE-LOADER', 8]],
  },
  {
    name: 'loader helper called from outside the file: medium',
    src: [...FLASK, 'import joblib', 'def load_model(path):', '    return joblib.load(path)'],
    expect: [['DESER-UNSAFE-LOADER', 8]],
    confidence: 'medium',
    message: ['parameter `path`'],
  },
  {
    // An HTTP client response is another host's bytes: network input, whatever the module serves.
    name: 'an HTTP response unpickled (network input, not only an unsafe loader)',
    src: [
      'import pickle, socket, requests',
      's = socket.socket()',
      'c, _ = s.accept()',
      'cmd = c.recv(16)',
      'model = pickle.loads(requests.get("https://models.example/m.pkl").content)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
    confidence: 'high',
  },
  {
    name: 'a download to a path, then joblib.load of the path: the downloaded file is network input',
    src: [
      'import joblib, socket, huggingface_hub',
      's = socket.socket()',
      'c, _ = s.accept()',
      'cmd = c.recv(16)',
      'model = joblib.load(huggingface_hub.hf_hub_download("org/m", "m.joblib"))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
    confidence: 'high',
  },
  {
    name: 'result of a function of another module (cannot be proven internal): medium',
    src: [...FLASK, 'import joblib', 'import storage', 'M = joblib.load(storage.download("s3://models/m.joblib"))'],
    expect: [['DESER-UNSAFE-LOADER', 8]],
    confidence: 'medium',
  },
  {
    name: 'helper escapes (passed as a callback), so its parameter is not internal',
    src: [...FLASK, 'import pickle', 'def dec(b):', '    return pickle.loads(b)', 'register(dec)'],
    expect: [['DESER-UNSAFE-LOADER', 8]],
  },
];

const valid: DeserCase[] = [
  {
    name: "twin: OpenMMLab's load_checkpoint given the server's own file, whatever the client sends",
    src: [
      ...FLASK,
      'from mmengine.runner import load_checkpoint',
      'MODEL = object()',
      '@app.post("/weights")',
      'def weights():',
      '    load_checkpoint(MODEL, "work_dirs/det/latest.pth")',
      '    return request.form["path"]',
    ],
    expect: [],
  },
  {
    name: "a Gradio text hashed into a cache entry name below the app's folder: the client picks no file",
    src: [
      'import hashlib, os, pickle',
      'import gradio as gr',
      'CACHE = "/var/cache/emb"',
      'def embed(text):',
      '    p = os.path.join(CACHE, hashlib.sha256(text.encode()).hexdigest() + ".pkl")',
      '    if os.path.exists(p):',
      '        with open(p, "rb") as f:',
      '            return pickle.load(f)',
      '    return [float(len(text))]',
      'gr.Interface(embed, "text", "json").launch()',
    ],
    expect: [],
  },
  {
    name: 'a file of the server copied (constant paths) and loaded with json',
    src: [
      ...FLASK,
      'import json, shutil',
      '@app.post("/imp")',
      'def imp():',
      '    shutil.copyfile("/srv/models/m.json", "/tmp/m.json")',
      '    return str(json.load(open("/tmp/m.json")))',
    ],
    expect: [],
  },
  {
    name: 'a client-chosen path copied, then the server loads its own file',
    src: [
      ...FLASK,
      'import joblib, shutil',
      '@app.post("/imp")',
      'def imp():',
      '    shutil.copyfile(request.form["src"], "/tmp/upload.txt")',
      '    return str(joblib.load("/srv/models/model.joblib"))',
    ],
    expect: [],
  },
  // The application object is configuration: what it holds comes from settings files, the environment and the
  // module's own stores, never from a request unless a handler stores request data into it (network-input table).
  ...(
    [
      'app.config.from_envvar("APP_SETTINGS")',
      'app.config.from_pyfile("settings.cfg")',
      'app.config.from_prefixed_env()',
      'app.config["MODEL_PATH"] = os.environ["MODEL_PATH"]',
      'app.config.update(MODEL_PATH=os.getenv("MODEL_PATH", "model.joblib"))',
    ] as const
  ).map((load): DeserCase => ({
    name: `model path from the Flask app config (${load})`,
    src: [
      'import os, joblib',
      'from flask import Flask, current_app',
      'app = Flask(__name__)',
      load,
      'app.model = None',
      '@app.post("/reload")',
      'def reload_model():',
      '    app.model = joblib.load(app.config["MODEL_PATH"])',
      '    current_app.model = joblib.load(current_app.config["MODEL_PATH"])',
      '    return "ok"',
    ],
    expect: [],
  })),
  {
    name: 'same loader helper in a module that serves nothing',
    src: ['import joblib', 'def load_model(path):', '    return joblib.load(path)'],
    expect: [],
  },
  {
    name: 'serving module loading its own artifacts: literal, env, __file__-relative, config',
    src: [
      ...FLASK,
      'import os, pickle, joblib, torch',
      'from pathlib import Path',
      'from django.conf import settings',
      'HERE = Path(__file__).parent',
      'A = pickle.load(open(HERE / "vocab.pkl", "rb"))',
      'B = joblib.load(os.environ.get("MODEL", "model.joblib"))',
      'C = torch.load(settings.CHECKPOINT)',
      'D = pickle.load(open("static.pkl", "rb"))',
    ],
    expect: [],
  },
  {
    name: 'helper called only with internal arguments (one level of call sites)',
    src: [
      ...FLASK,
      'import joblib',
      'def load_model(path):',
      '    return joblib.load(path)',
      'M = load_model("m.joblib")',
    ],
    expect: [],
  },
  {
    name: 'constructor argument that is a literal (__init__ through the class call)',
    src: [
      ...FLASK,
      'import joblib',
      'class P:',
      '    def __init__(self, path):',
      '        self.m = joblib.load(path)',
      'P("m.joblib")',
    ],
    expect: [],
  },
  {
    name: 'a socket used only to find a free port is not a server loop',
    src: [
      'import pickle, socket',
      'def port():',
      '    with socket.socket() as s:',
      '        s.bind(("", 0))',
      '        return s.getsockname()[1]',
      'def load(p):',
      '    return pickle.load(open(p, "rb"))',
    ],
    expect: [],
  },
];

describe('DESER-UNSAFE-LOADER: invalid', () => runCases(invalid, ['DESER-UNSAFE-LOADER', 'DESER-NETWORK-INPUT']));
describe('DESER-UNSAFE-LOADER: valid', () => runCases(valid, ['DESER-UNSAFE-LOADER', 'DESER-NETWORK-INPUT']));
