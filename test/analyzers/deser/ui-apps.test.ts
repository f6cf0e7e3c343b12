// DESER in UI apps: what a Gradio interface or event listener hands its function (an uploaded file's path, a text,
// a chat message) reaching an executable loader is network input; server-side state, components that hand over
// decoded arrays, and functions no listener registers are not. Also: cloud SDK replies and hub downloads as sources.
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const RULES = ['DESER-NETWORK-INPUT'] as const;

const invalid: DeserCase[] = [
  {
    name: 'gr.Interface: an uploaded file is unpickled',
    src: [
      'import pickle',
      'import gradio as gr',
      'def predict(f):',
      '    with open(f.name, "rb") as h:',
      '        model = pickle.load(h)',
      '    return str(model)',
      'demo = gr.Interface(fn=predict, inputs=gr.File(), outputs="text")',
      'demo.launch()',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'gr.Interface with string shortcuts: the "file" input goes to torch.load',
    src: [
      'import torch',
      'import gradio as gr',
      'def run(text, ckpt):',
      '    return str(torch.load(ckpt, weights_only=False))',
      'gr.Interface(run, ["text", "file"], "text").launch()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'gr.Blocks: a button click hands an UploadButton path to joblib.load',
    src: [
      'import joblib',
      'import gradio as gr',
      'def load_model(path):',
      '    return repr(joblib.load(path))',
      'with gr.Blocks() as demo:',
      '    up = gr.UploadButton("model")',
      '    out = gr.Textbox()',
      '    btn = gr.Button("Load")',
      '    btn.click(load_model, inputs=[up], outputs=out)',
      'demo.launch()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'gr.Blocks: a textbox value is base64-decoded and unpickled (.submit)',
    src: [
      'import base64, pickle',
      'import gradio as gr',
      'def restore(blob):',
      '    return str(pickle.loads(base64.b64decode(blob)))',
      'with gr.Blocks() as demo:',
      '    box = gr.Textbox()',
      '    out = gr.Textbox()',
      '    box.submit(restore, box, out)',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'gr.ChatInterface: the chat message is unpickled',
    src: [
      'import base64, pickle',
      'import gradio as gr',
      'def respond(message, history):',
      '    return str(pickle.loads(base64.b64decode(message)))',
      'gr.ChatInterface(respond).launch()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'an upload listener whose inputs cannot be resolved: the value may be a file',
    src: [
      'import pickle',
      'import gradio as gr',
      'from components import make_inputs',
      'def handle(a):',
      '    return str(pickle.load(open(a, "rb")))',
      'with gr.Blocks() as demo:',
      '    f = gr.File()',
      '    f.upload(handle, make_inputs(), None)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Image with type="filepath" reaches numpy.load(allow_pickle=True)',
    src: [
      'import numpy as np',
      'import gradio as gr',
      'def show(p):',
      '    return np.load(p, allow_pickle=True)',
      'gr.Interface(show, gr.Image(type="filepath"), "image").launch()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'SageMaker endpoint reply unpickled',
    src: [
      'import pickle, boto3',
      'from flask import Flask',
      'app = Flask(__name__)',
      'rt = boto3.client("sagemaker-runtime")',
      '@app.get("/p")',
      'def p():',
      '    r = rt.invoke_endpoint(EndpointName="m", Body=b"x")',
      '    return str(pickle.loads(r["Body"].read()))',
    ],
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
];

const valid: DeserCase[] = [
  {
    name: 'twin: gr.Interface over a file input parsed as JSON',
    src: [
      'import json',
      'import gradio as gr',
      'def predict(f):',
      '    with open(f.name) as h:',
      '        return json.load(h)',
      'gr.Interface(fn=predict, inputs=gr.File(), outputs="json").launch()',
    ],
    expect: [],
  },
  {
    name: 'twin: the model is loaded from a fixed path, the input is only text',
    src: [
      'import pickle',
      'import gradio as gr',
      'MODEL = pickle.load(open("model.pkl", "rb"))',
      'def predict(text):',
      '    return MODEL.predict([text])[0]',
      'gr.Interface(predict, "text", "text").launch()',
    ],
    expect: [],
  },
  {
    name: 'twin: gr.State is kept by the server',
    src: [
      'import pickle',
      'import gradio as gr',
      'def step(state, text):',
      '    return pickle.loads(state), text',
      'with gr.Blocks() as demo:',
      '    st = gr.State(b"")',
      '    box = gr.Textbox()',
      '    box.submit(step, [st, box], [st, box])',
    ],
    expect: [],
  },
  {
    name: 'twin: an Image component hands over a decoded array (default type)',
    src: [
      'import numpy as np',
      'import gradio as gr',
      'def show(img):',
      '    return np.load(img, allow_pickle=True)',
      'gr.Interface(show, gr.Image(), "image").launch()',
    ],
    expect: [],
  },
  {
    name: 'twin: a function no listener registers',
    src: [
      'import pickle',
      'import gradio as gr',
      'def helper(path):',
      '    return pickle.load(open(path, "rb"))',
      'with gr.Blocks() as demo:',
      '    gr.Markdown("hi")',
    ],
    expect: [],
  },
];

describe('DESER in Gradio apps and cloud SDK replies', () => {
  runCases(invalid, RULES);
  runCases(valid, RULES);
});
