// DESER case table of serving forms within one file: Celery tasks queued by a handler, SageMaker inference scripts,
// KServe models, callable instances as UI handlers, constant tables looked up with a default, application state
// objects, registration decorators, getattr dispatch and Celery tasks only a broker queues. Each vulnerable case has a benign twin that differs in one
// line (the multi-file forms are in test/fixtures/deser-projects).
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const RULES = ['DESER-NETWORK-INPUT', 'DESER-UNSAFE-LOADER'] as const;

const CELERY = (queued: string): string[] => [
  'import pickle',
  'from celery import Celery',
  'from flask import Flask, request',
  'app = Celery("jobs")',
  'web = Flask(__name__)',
  '@app.task(bind=True)',
  'def restore(self, blob):',
  '    return pickle.loads(blob)',
  '@web.post("/restore")',
  'def submit():',
  `    ${queued}`,
  '    return "queued"',
];

const SAGEMAKER = (body: string, modelFn: boolean): string[] => [
  'import pickle',
  ...(modelFn
    ? ['def model_fn(model_dir):', '    return model_dir']
    : ['def load_dir(model_dir):', '    return model_dir']),
  'def input_fn(request_body, request_content_type):',
  `    return pickle.loads(${body})`,
  'def transform_fn(model, request_body, content_type, accept):',
  `    return model(pickle.loads(${body}))`,
];

const KSERVE = (data: string): string[] => [
  'import pickle',
  'import kserve',
  'class Custom(kserve.Model):',
  '    def preprocess(self, payload, headers=None):',
  `        return pickle.loads(${data})`,
  'kserve.ModelServer().start([Custom("m")])',
];

const CALLABLE = (input: string): string[] => [
  'import pickle',
  'import gradio as gr',
  'class Restore:',
  '    def __call__(self, path):',
  '        with open(path, "rb") as f:',
  '            return str(pickle.load(f))',
  'restore = Restore()',
  'with gr.Blocks() as demo:',
  `    f = ${input}`,
  '    o = gr.Textbox()',
  '    b = gr.Button()',
  '    b.click(restore, f, o)',
];

const TABLE_GET = (lookup: string): string[] => [
  'import joblib',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  'MODELS = {"small": "/models/small.joblib", "large": "/models/large.joblib"}',
  '@app.get("/predict")',
  'def predict():',
  '    name = request.args["model"]',
  `    return str(joblib.load(${lookup}))`,
];

const APP_STATE = (data: string): string[] => [
  'import pickle',
  'from fastapi import FastAPI, Request',
  'class Engine:',
  '    def load(self, blob):',
  '        return pickle.loads(blob)',
  'app = FastAPI()',
  '@app.on_event("startup")',
  'def start():',
  '    app.state.engine = Engine()',
  '@app.post("/load")',
  'async def load(request: Request):',
  `    data = ${data}`,
  '    return {"n": len(str(request.app.state.engine.load(data)))}',
];

const REGISTRY = (payload: string): string[] => [
  'import pickle',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  'HANDLERS = {}',
  'def register(name):',
  '    def deco(f):',
  '        HANDLERS[name] = f',
  '        return f',
  '    return deco',
  '@register("state")',
  'def on_state(data):',
  '    return pickle.loads(data)',
  '@app.post("/<kind>")',
  'def dispatch(kind):',
  `    return str(HANDLERS[kind](${payload}))`,
];

const GETATTR = (payload: string): string[] => [
  'import pickle',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  'class Service:',
  '    def ping(self, data):',
  '        return b"pong"',
  '    def restore(self, data):',
  '        return pickle.loads(data)',
  'svc = Service()',
  '@app.post("/<action>")',
  'def call(action):',
  `    return str(getattr(svc, action)(${payload}))`,
];

/** A SageMaker inference script without a `model_fn` of its own: the request pipeline, or `model_fn` imported. */
const SAGEMAKER_PIPELINE = (body: string, second: string): string[] => [
  'import pickle',
  'from common import model_fn  # noqa: F401',
  'def input_fn(request_body, request_content_type):',
  `    return pickle.loads(${body})`,
  second,
  '    return data',
];

/** `getattr(target, action)(x)` where nothing types `target`: every public method of the module's classes. */
const GETATTR_UNTYPED = (payload: string): string[] => [
  'import pickle',
  'from flask import Flask, request',
  'app = Flask(__name__)',
  'class Service:',
  '    def ping(self, data):',
  '        return b"pong"',
  '    def restore(self, data):',
  '        return pickle.loads(data)',
  'def call(target, action, payload):',
  '    return getattr(target, action)(payload)',
  '@app.post("/<action>")',
  'def route(action):',
  `    return str(call(app.extensions["service"], action, ${payload}))`,
];

/** A Celery task no code of the project queues: only a client of the broker gives it arguments. */
const CELERY_BROKER = (decorator: string, body: string): string[] => [
  'import json',
  'import pickle',
  'from celery import Celery, shared_task',
  'app = Celery("jobs", broker="redis://queue:6379/0")',
  decorator,
  'def restore(blob):',
  `    return ${body}`,
];

const invalid: DeserCase[] = [
  {
    name: 'a Celery task (bind=True) queued by a route with .delay(request.data)',
    src: CELERY('restore.delay(request.data)'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a Celery task queued with .apply_async(args=(request.data,))',
    src: CELERY('restore.apply_async(args=(request.data,), countdown=5)'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a Celery task signature .s(request.data)',
    src: CELERY('restore.s(request.data).apply_async()'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a SageMaker inference script: input_fn and transform_fn get the request body',
    src: SAGEMAKER('request_body', true),
    expect: [
      ['DESER-NETWORK-INPUT', 5],
      ['DESER-NETWORK-INPUT', 7],
    ],
  },
  {
    name: 'a kserve.Model subclass: preprocess gets the request payload',
    src: KSERVE('payload["instances"][0].encode("latin-1")'),
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'an MLflow pyfunc model: predict gets the scoring request input',
    src: [
      'import base64, pickle',
      'import mlflow.pyfunc',
      'class Wrapper(mlflow.pyfunc.PythonModel):',
      '    def predict(self, context, model_input, params=None):',
      '        return [pickle.loads(base64.b64decode(model_input["blob"][0]))]',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'a callable instance as a Gradio click handler gets the upload path',
    src: CALLABLE('gr.File(type="filepath")'),
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'a constant table looked up with the client value as the default: the client chooses the file',
    src: TABLE_GET('MODELS.get(name, name)'),
    expect: [['DESER-UNSAFE-LOADER', 8]],
  },
  {
    name: 'an engine stored into the FastAPI app state at start-up, called from a route with the body',
    src: APP_STATE('await request.body()'),
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'a registration decorator fills the table a route dispatches through',
    src: REGISTRY('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 12]],
  },
  {
    name: 'getattr dispatch by a URL name may call any public method of the object',
    src: GETATTR('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a SageMaker script without model_fn: input_fn beside predict_fn gets the request body',
    src: SAGEMAKER_PIPELINE('request_body', 'def predict_fn(data, model):'),
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'a SageMaker script without model_fn: input_fn beside output_fn gets the request body',
    src: SAGEMAKER_PIPELINE('request_body', 'def output_fn(data, accept):'),
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'a SageMaker script importing model_fn: input_fn gets the request body',
    src: SAGEMAKER_PIPELINE('request_body', 'def describe(data):'),
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'getattr dispatch on an object nothing types may call any public method of the module classes',
    src: GETATTR_UNTYPED('request.get_data()'),
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'a Celery task only a broker queues (@app.task) unpickles its argument: medium unsafe loader',
    src: CELERY_BROKER('@app.task', 'pickle.loads(blob)'),
    expect: [['DESER-UNSAFE-LOADER', 7]],
    confidence: 'medium',
    details: { celeryTask: 'restore' },
  },
  {
    name: 'a Celery task only a broker queues (@shared_task(bind=True) skips the task itself)',
    src: [
      ...CELERY_BROKER('@shared_task(bind=True)', 'pickle.loads(blob)').slice(0, 5),
      'def restore(self, blob):',
      '    return pickle.loads(blob)',
    ],
    expect: [['DESER-UNSAFE-LOADER', 7]],
  },
];

const valid: DeserCase[] = [
  {
    name: 'an MLflow pyfunc model: predict parses the input as JSON; load_context unpickles its own artifact',
    src: [
      'import json, pickle',
      'import mlflow.pyfunc',
      'class Wrapper(mlflow.pyfunc.PythonModel):',
      '    def load_context(self, context):',
      '        with open(context.artifacts["model"], "rb") as f:',
      '            self.model = pickle.load(f)',
      '    def predict(self, context, model_input, params=None):',
      '        return [json.loads(model_input["blob"][0])]',
    ],
    expect: [],
  },
  { name: 'twin: the Celery task is queued with constant bytes', src: CELERY('restore.delay(b"{}")'), expect: [] },
  {
    name: 'twin: apply_async with constant arguments',
    src: CELERY('restore.apply_async(args=(b"{}",), countdown=5)'),
    expect: [],
  },
  {
    name: 'twin: SageMaker functions reading a file of the model folder',
    src: SAGEMAKER('open("/opt/ml/model/x.pkl", "rb").read()', true),
    expect: [],
  },
  {
    name: 'twin: input_fn in a module that defines no model_fn is no SageMaker inference script',
    src: SAGEMAKER('request_body', false),
    expect: [],
  },
  {
    name: 'twin: kserve preprocess unpickling the model folder file',
    src: KSERVE('open("/mnt/models/x.pkl", "rb").read()'),
    expect: [],
  },
  {
    name: 'twin: the callable instance is given server-side state',
    src: CALLABLE('gr.State("/srv/state.pkl")'),
    expect: [],
  },
  {
    name: 'twin: the constant table lookup with a constant default names one of the server files',
    src: TABLE_GET('MODELS.get(name, "/models/small.joblib")'),
    expect: [],
  },
  {
    name: 'twin: the app-state engine loads the server file',
    src: APP_STATE('open("/srv/engine.pkl", "rb").read()'),
    expect: [],
  },
  { name: 'twin: the registered handlers get constant bytes', src: REGISTRY('b"{}"'), expect: [] },
  { name: 'twin: getattr dispatch with constant bytes', src: GETATTR('b"{}"'), expect: [] },
  {
    name: 'twin: the SageMaker pipeline unpickles a file of the model folder',
    src: SAGEMAKER_PIPELINE('open("/opt/ml/model/x.pkl", "rb").read()', 'def predict_fn(data, model):'),
    expect: [],
  },
  {
    name: 'twin: input_fn with a function of another shape and no model_fn is no SageMaker inference script',
    src: SAGEMAKER_PIPELINE('request_body', 'def predict_fn(data):').filter((l) => !l.includes('model_fn')),
    expect: [],
  },
  {
    name: 'twin: getattr dispatch on an untyped object with constant bytes',
    src: GETATTR_UNTYPED('b"{}"'),
    expect: [],
  },
  {
    name: 'twin: the broker-only Celery task decodes JSON and unpickles a file of the server',
    src: CELERY_BROKER('@app.task', 'pickle.load(open("/srv/model.pkl", "rb")).predict(json.loads(blob))'),
    expect: [],
  },
  {
    name: 'twin: the same function without the task decorator is called by no one',
    src: CELERY_BROKER('', 'pickle.loads(blob)'),
    expect: [],
  },
];

describe('DESER serving forms: invalid', () => runCases(invalid, RULES));
describe('DESER serving forms: valid', () => runCases(valid, RULES));
