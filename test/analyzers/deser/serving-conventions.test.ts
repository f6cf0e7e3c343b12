// Serving conventions and UI toolkits whose entry points are named by convention or registered as callbacks: a
// Hugging Face Inference Endpoints handler class, a Cog predictor, an Azure ML scoring script, a Modal web endpoint,
// and the upload callbacks of NiceGUI, Solara and ipywidgets. Each hands client data to `pickle.loads` (found at the
// sink's line) and has a twin that parses the same data as JSON (clean).
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const RULES = ['DESER-NETWORK-INPUT'] as const;

/** [what, source lines with LOAD where the loader goes, the sink's line]. */
const SHAPES: [string, string[], number][] = [
  [
    'a Hugging Face Inference Endpoints handler class: the request payload',
    [
      'import base64, pickle, json',
      'class EndpointHandler:',
      '    def __init__(self, path=""):',
      '        self.path = path',
      '    def __call__(self, data):',
      '        inputs = data.pop("inputs", data)',
      '        return [{"repr": repr(LOAD(base64.b64decode(inputs["features"])))}]',
    ],
    7,
  ],
  [
    "a Cog predictor: a Path input is the client's file",
    [
      'import pickle, json',
      'from cog import BasePredictor, Input, Path',
      'class Predictor(BasePredictor):',
      '    def setup(self):',
      '        self.base = None',
      '    def predict(self, state: Path = Input(description="state"), scale: float = 1.0) -> str:',
      '        with open(state, "rb") as fh:',
      '            return repr(LOAD(fh.read()))',
    ],
    8,
  ],
  [
    'an Azure ML scoring script: run(raw_data) gets the request body',
    [
      'import base64, json, pickle, os',
      'import joblib',
      'def init():',
      '    global model',
      '    model = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl"))',
      'def run(raw_data):',
      '    payload = json.loads(raw_data)',
      '    return repr(LOAD(base64.b64decode(payload["features"])))',
    ],
    8,
  ],
  [
    'a Modal web endpoint: the request body',
    [
      'import base64, pickle, json',
      'import modal',
      'app = modal.App("scorer")',
      '@app.function()',
      '@modal.fastapi_endpoint(method="POST")',
      'def score(item: dict):',
      '    return {"repr": repr(LOAD(base64.b64decode(item["state"])))}',
    ],
    7,
  ],
  [
    "an ipywidgets FileUpload observer: each file's content",
    [
      'import pickle, json',
      'import ipywidgets as widgets',
      'up = widgets.FileUpload(accept=".pkl", multiple=False)',
      'def on_upload(change):',
      '    for f in change["new"]:',
      '        print(repr(LOAD(bytes(f["content"]))))',
      'up.observe(on_upload, names="value")',
    ],
    6,
  ],
  [
    'a NiceGUI upload callback: the uploaded content',
    [
      'import pickle, json',
      'from nicegui import ui, events',
      'def handle_upload(e: events.UploadEventArguments):',
      '    ui.notify(repr(LOAD(e.content.read())))',
      'ui.upload(on_upload=handle_upload, auto_upload=True)',
      'ui.run()',
    ],
    4,
  ],
  [
    "a Solara FileDrop callback: the dropped file's data",
    [
      'import pickle, json',
      'import solara',
      'result = solara.reactive("")',
      'def on_file(f):',
      '    result.value = repr(LOAD(f["data"]))',
      '@solara.component',
      'def Page():',
      '    solara.FileDrop(label="Drop a pickle", on_file=on_file, lazy=False)',
    ],
    5,
  ],
];

const withLoader = (src: string[], loader: string): string[] => src.map((l) => l.replace('LOAD(', `${loader}(`));

const invalid: DeserCase[] = SHAPES.map(([name, src, line]) => ({
  name,
  src: withLoader(src, 'pickle.loads'),
  expect: [['DESER-NETWORK-INPUT', line]],
}));
const valid: DeserCase[] = [
  ...SHAPES.map(([name, src]): DeserCase => ({
    name: `twin: ${name}, parsed as JSON`,
    src: withLoader(src, 'json.loads'),
    expect: [],
  })),
  {
    name: 'twin: module-level init() and run(x) without Azure ML evidence are not a scoring script',
    src: ['import pickle', 'def init():', '    pass', 'def run(path):', '    return pickle.load(open(path, "rb"))'],
    expect: [],
  },
  {
    name: 'twin: a class named otherwise with __call__(data) is not an endpoint handler',
    src: ['import pickle', 'class Decoder:', '    def __call__(self, data):', '        return pickle.loads(data)'],
    expect: [],
  },
];

describe('serving conventions and UI upload callbacks', () => {
  runCases(invalid, RULES);
  runCases(valid, RULES);
});

// Shiny for Python: `App(app_ui, server)` calls server(input, output, session); a file input's infos name the
// uploaded copy (`datapath`), which the server opens and unpickles.
const shiny = (loader: string): string[] => [
  'import pickle, json',
  'from shiny import App, ui, render',
  'app_ui = ui.page_fluid(ui.input_file("f", "Upload state"), ui.output_text("out"))',
  'def server(input, output, session):',
  '    @render.text',
  '    def out():',
  '        files = input.f()',
  '        if not files:',
  '            return ""',
  '        with open(files[0]["datapath"], "rb") as fh:',
  `            return repr(${loader}(fh))`,
  'app = App(app_ui, server)',
];
describe('Shiny file inputs', () => {
  const rules = ['DESER-NETWORK-INPUT', 'DESER-UNSAFE-LOADER'] as const;
  runCases(
    [
      {
        name: "a Shiny file input's uploaded copy, unpickled",
        src: shiny('pickle.load'),
        expect: [['DESER-UNSAFE-LOADER', 11]],
      },
    ],
    rules,
  );
  runCases([{ name: 'twin: the same copy parsed as JSON', src: shiny('json.load'), expect: [] }], rules);
});
