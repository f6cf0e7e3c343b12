// DESER in UI apps other than Gradio: what a Streamlit widget returns, a Panel FileInput's bytes, a Dash callback's
// Input/State values and what a Chainlit hook receives come from the browser; reaching an executable loader they are
// network input. Benign twins: the same apps parsing JSON, loading a packaged file, or binding no client value.
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const RULES = ['DESER-NETWORK-INPUT'] as const;

const invalid: DeserCase[] = [
  {
    name: 'Streamlit: a sidebar text_area is base64-decoded and unpickled',
    src: [
      'import base64',
      'import pickle',
      'import streamlit as st',
      'state = st.sidebar.text_area("Saved state")',
      'st.write(pickle.loads(base64.b64decode(state)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Streamlit: a sidebar uploader file is unpickled',
    src: [
      'import pickle',
      'import streamlit as st',
      'up = st.sidebar.file_uploader("State")',
      'st.write(pickle.load(up))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'Streamlit: an uploaded file is unpickled',
    src: [
      'import pickle',
      'import streamlit as st',
      'up = st.file_uploader("Model", type=["pkl"])',
      'if up is not None:',
      '    model = pickle.load(up)',
      '    st.write(model)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Streamlit: the uploaded bytes (getvalue) go to joblib through BytesIO',
    src: [
      'import io, joblib',
      'import streamlit as st',
      'def load(f):',
      '    return joblib.load(io.BytesIO(f.getvalue()))',
      'files = st.file_uploader("Models", accept_multiple_files=True)',
      'for f in files:',
      '    st.write(load(f))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'Streamlit: a query parameter is base64-decoded and unpickled',
    src: [
      'import base64, pickle',
      'import streamlit as st',
      'state = st.query_params.get("state")',
      'if state:',
      '    st.write(pickle.loads(base64.b64decode(state)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Panel: a query argument (pn.state.session_args) is base64-decoded and unpickled',
    src: [
      'import base64, pickle',
      'import panel as pn',
      'raw = pn.state.session_args.get("state", [b""])[0]',
      'pn.pane.Str(repr(pickle.loads(base64.b64decode(raw)))).servable()',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'Streamlit: a text_input value is unpickled (from streamlit import text_input)',
    src: [
      'import base64, pickle',
      'from streamlit import text_input, write',
      'blob = text_input("Session")',
      'write(pickle.loads(base64.b64decode(blob)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 4]],
  },
  {
    name: 'Panel: pn.bind hands a FileInput value to a function that unpickles it',
    src: [
      'import pickle',
      'import panel as pn',
      'fi = pn.widgets.FileInput(accept=".pkl")',
      'def show(data):',
      '    return str(pickle.loads(data))',
      'pn.Column(fi, pn.bind(show, fi)).servable()',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Panel: @pn.depends(fi.param.value) callback unpickles the upload',
    src: [
      'import io, pickle',
      'import panel as pn',
      'fi = pn.widgets.FileInput()',
      '@pn.depends(fi.param.value)',
      'def show(v):',
      '    return str(pickle.load(io.BytesIO(v)))',
      'pn.Row(fi, show).servable()',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Panel: a FileInput value read directly in a button callback',
    src: [
      'import pickle',
      'import panel as pn',
      'fi = pn.widgets.FileInput()',
      'btn = pn.widgets.Button(name="Load")',
      'def on_click(event):',
      '    return pickle.loads(fi.value)',
      'btn.on_click(on_click)',
      'pn.Row(fi, btn).servable()',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Panel: .param.watch on a FileInput hands event.new to pickle.loads',
    src: [
      'import pickle',
      'import panel as pn',
      'fi = pn.widgets.FileInput()',
      'def changed(event):',
      '    return pickle.loads(event.new)',
      'fi.param.watch(changed, "value")',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Dash: @app.callback with dcc.Upload contents decoded and unpickled',
    src: [
      'import base64, pickle',
      'from dash import Dash, dcc, html, Input, Output, State',
      'app = Dash(__name__)',
      'app.layout = html.Div([dcc.Upload(id="up"), html.Div(id="out")])',
      '@app.callback(Output("out", "children"), Input("up", "contents"), State("up", "filename"))',
      'def parse(contents, name):',
      '    _, b64 = contents.split(",", 1)',
      '    return str(pickle.loads(base64.b64decode(b64)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 8]],
  },
  {
    name: 'Dash: @callback (dash.callback) with inputs in a list',
    src: [
      'import base64, dill',
      'import dash',
      '@dash.callback(dash.Output("o", "children"), [dash.Input("t", "value")])',
      'def restore(value):',
      '    return str(dill.loads(base64.b64decode(value)))',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Chainlit: an element the user attached to a message is unpickled by its path',
    src: [
      'import pickle',
      'import chainlit as cl',
      '@cl.on_message',
      'async def main(message: cl.Message):',
      '    for el in message.elements:',
      '        with open(el.path, "rb") as f:',
      '            obj = pickle.load(f)',
      '        await cl.Message(content=str(obj)).send()',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'Chainlit: the file an AskFileMessage returns goes to joblib.load',
    src: [
      'import joblib',
      'import chainlit as cl',
      '@cl.on_chat_start',
      'async def start():',
      '    files = await cl.AskFileMessage(content="Upload a model", accept=["*/*"]).send()',
      '    model = joblib.load(files[0].path)',
      '    await cl.Message(content=str(model)).send()',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'MCP: FastMCP tools (the SDK and the fastmcp package, with and without parentheses) and a resource template',
    src: [
      'import pickle, base64',
      'from mcp.server.fastmcp import FastMCP',
      'from fastmcp import FastMCP as FastMCP2',
      'mcp = FastMCP("demo")',
      'app = FastMCP2("other")',
      '@mcp.tool()',
      'def a(blob: str) -> str:',
      '    return str(pickle.loads(base64.b64decode(blob)))',
      '@app.tool',
      'def b(blob: str) -> str:',
      '    return str(pickle.loads(base64.b64decode(blob)))',
      '@mcp.resource("state://{blob}")',
      'def c(blob: str) -> str:',
      '    return str(pickle.loads(base64.b64decode(blob)))',
    ],
    expect: [
      ['DESER-NETWORK-INPUT', 8],
      ['DESER-NETWORK-INPUT', 11],
      ['DESER-NETWORK-INPUT', 14],
    ],
  },
  {
    name: 'MCP: a low-level Server call_tool handler unpickles an argument',
    src: [
      'import pickle, base64',
      'from mcp.server import Server',
      'server = Server("demo")',
      '@server.call_tool()',
      'async def handle(name, arguments):',
      '    return [str(pickle.loads(base64.b64decode(arguments["state"])))]',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Streamlit: uploaded bytes kept in session_state are unpickled on a later rerun',
    src: [
      'import pickle',
      'import streamlit as st',
      'up = st.file_uploader("Session")',
      'if up is not None:',
      '    st.session_state["blob"] = up.getvalue()',
      'if st.button("Restore") and "blob" in st.session_state:',
      '    st.write(pickle.loads(st.session_state["blob"]))',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: "Streamlit: a keyed text_area's value read back from session_state",
    src: [
      'import base64, pickle',
      'import streamlit as st',
      'st.text_area("Saved state", key="saved")',
      'def restore():',
      '    return pickle.loads(base64.b64decode(st.session_state.saved))',
      'st.button("Restore", on_click=restore)',
    ],
    expect: [['DESER-NETWORK-INPUT', 5]],
  },
  {
    name: 'Streamlit: an uploader placed in a column (unpacked from st.columns) is unpickled',
    src: [
      'import pickle',
      'import streamlit as st',
      'left, right = st.columns(2)',
      'up = left.file_uploader("State")',
      'if up is not None:',
      '    right.write(pickle.loads(up.getvalue()))',
    ],
    expect: [['DESER-NETWORK-INPUT', 6]],
  },
  {
    name: 'Streamlit: a text_input in a tab and an uploader in st.container()',
    src: [
      'import base64, pickle',
      'import streamlit as st',
      'tab, other = st.tabs(["Restore", "About"])',
      'raw = tab.text_input("Saved state")',
      'box = st.container()',
      'up = box.file_uploader("Model")',
      'st.write(pickle.loads(base64.b64decode(raw)))',
      'st.write(pickle.load(up))',
    ],
    expect: [
      ['DESER-NETWORK-INPUT', 7],
      ['DESER-NETWORK-INPUT', 8],
    ],
  },
];

const valid: DeserCase[] = [
  {
    name: "twin: widgets in columns and tabs parsed as JSON; the model is the app's own file",
    src: [
      'import json, pickle',
      'import streamlit as st',
      'left, right = st.columns(2)',
      'up = left.file_uploader("Settings")',
      'tab, other = st.tabs(["A", "B"])',
      'raw = tab.text_input("Filter")',
      'model = pickle.load(open("model.pkl", "rb"))',
      'right.write(json.loads(up.getvalue()), json.loads(raw), model)',
    ],
    expect: [],
  },
  {
    name: 'twin: session_state holds only bytes the app read from its own file; widgets store under other keys',
    src: [
      'import pickle',
      'import streamlit as st',
      'st.text_input("Name", key="name")',
      'if "model" not in st.session_state:',
      '    st.session_state["model"] = open("model.pkl", "rb").read()',
      'st.write(pickle.loads(st.session_state["model"]), st.session_state["name"])',
    ],
    expect: [],
  },
  {
    name: 'Panel: a query argument decoded as JSON',
    src: [
      'import base64, json',
      'import panel as pn',
      'raw = pn.state.session_args.get("state", [b"e30="])[0]',
      'pn.pane.Str(repr(json.loads(base64.b64decode(raw)))).servable()',
    ],
    expect: [],
  },
  {
    name: 'twin: Streamlit upload parsed as JSON',
    src: [
      'import json',
      'import streamlit as st',
      'up = st.file_uploader("Config")',
      'if up is not None:',
      '    st.write(json.load(up))',
    ],
    expect: [],
  },
  {
    name: 'twin: Streamlit app loading its packaged model; the input is only text',
    src: [
      'import pickle',
      'import streamlit as st',
      'MODEL = pickle.load(open("model.pkl", "rb"))',
      'text = st.text_input("Say")',
      'st.write(MODEL.predict([text]))',
    ],
    expect: [],
  },
  {
    name: 'twin: Streamlit sidebar text_area is base64-decoded and parsed as JSON',
    src: [
      'import base64',
      'import json',
      'import streamlit as st',
      'state = st.sidebar.text_area("Saved state")',
      'st.write(json.loads(base64.b64decode(state)))',
    ],
    expect: [],
  },
  {
    name: "twin: Streamlit session_state is the server's",
    src: [
      'import pickle',
      'import streamlit as st',
      'if "m" in st.session_state:',
      '    st.write(pickle.loads(st.session_state["m"]))',
    ],
    expect: [],
  },
  {
    name: 'twin: Panel bind of a FileInput whose bytes are parsed as JSON',
    src: [
      'import json',
      'import panel as pn',
      'fi = pn.widgets.FileInput()',
      'def show(data):',
      '    return json.loads(data)',
      'pn.bind(show, fi).servable()',
    ],
    expect: [],
  },
  {
    name: 'twin: Panel bind of a constant (no widget) to an unpickler of a packaged file',
    src: [
      'import pickle',
      'import panel as pn',
      'def show(path):',
      '    return pickle.load(open(path, "rb"))',
      'pn.bind(show, "model.pkl").servable()',
    ],
    expect: [],
  },
  {
    name: 'twin: Dash upload contents decoded and parsed as JSON',
    src: [
      'import base64, json',
      'from dash import Dash, Input, Output',
      'app = Dash(__name__)',
      '@app.callback(Output("out", "children"), Input("up", "contents"))',
      'def parse(contents):',
      '    return json.loads(base64.b64decode(contents.split(",", 1)[1]))',
    ],
    expect: [],
  },
  {
    name: 'twin: Chainlit message answered from a model loaded at start from a packaged file',
    src: [
      'import pickle',
      'import chainlit as cl',
      'MODEL = pickle.load(open("model.pkl", "rb"))',
      '@cl.on_message',
      'async def main(message: cl.Message):',
      '    await cl.Message(content=MODEL.reply(message.content)).send()',
    ],
    expect: [],
  },
  {
    name: "twin: MCP tools that load a packaged file, and a Context parameter (the server's) handed to a loader",
    src: [
      'import pickle',
      'from mcp.server.fastmcp import FastMCP, Context',
      'mcp = FastMCP("demo")',
      '@mcp.tool()',
      'def a(name: str) -> str:',
      '    return str(pickle.load(open("state.pkl", "rb")))',
      '@mcp.tool()',
      'def b(name: str, ctx: Context) -> str:',
      '    return str(pickle.loads(ctx.request_context.lifespan_context))',
      'def not_a_tool(blob):',
      '    return blob',
    ],
    expect: [],
  },
];

/** Query parameters that name a file: the client chooses what the loader reads (DESER-UNSAFE-LOADER). */
const PATH_RULES = ['DESER-NETWORK-INPUT', 'DESER-UNSAFE-LOADER'] as const;
const pathInvalid: DeserCase[] = [
  {
    name: 'Streamlit: a query parameter names the checkpoint torch.load reads (a client-chosen path)',
    src: ['import streamlit as st', 'import torch', 'ckpt = st.query_params["ckpt"]', 'st.write(torch.load(ckpt))'],
    expect: [['DESER-UNSAFE-LOADER', 4]],
  },
  {
    name: 'Streamlit: a query parameter (.get with a default) names the file pickle.load opens',
    src: [
      'import pickle',
      'import streamlit as st',
      'path = st.query_params.get("model", "models/default.pkl")',
      'with open(path, "rb") as f:',
      '    st.write(pickle.load(f))',
    ],
    expect: [['DESER-UNSAFE-LOADER', 5]],
  },
  {
    name: 'Panel: a location query parameter names the file joblib.load reads',
    src: [
      'import joblib',
      'import panel as pn',
      'name = pn.state.location.query_params["model"]',
      'pn.pane.Str(repr(joblib.load(name))).servable()',
    ],
    expect: [['DESER-UNSAFE-LOADER', 4]],
  },
  {
    name: 'Panel: a button callback hands a TextInput value to joblib.load (a client-typed path)',
    src: [
      'import joblib',
      'import panel as pn',
      'path = pn.widgets.TextInput(name="model path")',
      'btn = pn.widgets.Button(name="Load")',
      'def on_click(event):',
      '    return joblib.load(path.value)',
      'btn.on_click(on_click)',
      'pn.Column(path, btn).servable()',
    ],
    expect: [['DESER-UNSAFE-LOADER', 6]],
  },
  {
    name: "Chainlit: an attachment's path stored in cl.user_session, read back in a later message and unpickled",
    src: [
      'import pickle',
      'import chainlit as cl',
      '@cl.on_message',
      'async def main(message: cl.Message):',
      '    for el in message.elements:',
      '        cl.user_session.set("state_path", el.path)',
      '    p = cl.user_session.get("state_path")',
      '    with open(p, "rb") as fh:',
      '        await cl.Message(content=str(pickle.load(fh))).send()',
    ],
    expect: [['DESER-NETWORK-INPUT', 9]],
  },
  {
    name: "dash-uploader: the callback's upload status names the uploaded file torch.load reads",
    src: [
      'import dash',
      'import dash_uploader as du',
      'import torch',
      'app = dash.Dash(__name__)',
      '@du.callback(output=dash.Output("out", "children"), id="uploader")',
      'def done(status: du.UploadStatus):',
      '    return str(torch.load(status.latest_file))',
    ],
    expect: [['DESER-NETWORK-INPUT', 7]],
  },
  {
    name: 'Reflex: an rx.State upload handler unpickles the uploaded files; another handler loads a path argument',
    src: [
      'import pickle, joblib',
      'import reflex as rx',
      'class State(rx.State):',
      '    async def handle_upload(self, files: list[rx.UploadFile]):',
      '        for f in files:',
      '            self.out = repr(pickle.loads(await f.read()))',
      '    def open_model(self, name: str):',
      '        self.out = repr(joblib.load(name))',
    ],
    expect: [
      ['DESER-NETWORK-INPUT', 6],
      ['DESER-UNSAFE-LOADER', 8],
    ],
  },
];
const pathValid: DeserCase[] = [
  {
    name: 'twin: Panel TextInput value only echoed; the button loads the packaged model',
    src: [
      'import joblib',
      'import panel as pn',
      'path = pn.widgets.TextInput(name="model path")',
      'btn = pn.widgets.Button(name="Load")',
      'def on_click(event):',
      '    return [path.value, joblib.load("models/default.joblib")]',
      'btn.on_click(on_click)',
      'pn.Column(path, btn).servable()',
    ],
    expect: [],
  },
  {
    name: 'twin: Chainlit user_session holds the packaged model path; the attachment is only named',
    src: [
      'import pickle',
      'import chainlit as cl',
      '@cl.on_chat_start',
      'async def start():',
      '    cl.user_session.set("state_path", "state/default.pkl")',
      '@cl.on_message',
      'async def main(message: cl.Message):',
      '    names = [el.name for el in message.elements]',
      '    p = cl.user_session.get("state_path")',
      '    with open(p, "rb") as fh:',
      '        await cl.Message(content=str(pickle.load(fh)) + str(names)).send()',
    ],
    expect: [],
  },
  {
    name: 'twin: dash-uploader callback loading the upload with weights_only=True',
    src: [
      'import dash',
      'import dash_uploader as du',
      'import torch',
      'app = dash.Dash(__name__)',
      '@du.callback(output=dash.Output("out", "children"), id="uploader")',
      'def done(status: du.UploadStatus):',
      '    return str(torch.load(status.latest_file, weights_only=True))',
    ],
    expect: [],
  },
  {
    name: 'twin: Reflex handlers parse the upload as JSON; a private helper (not an event handler) loads its argument',
    src: [
      'import json, joblib',
      'import reflex as rx',
      'class State(rx.State):',
      '    async def handle_upload(self, files: list[rx.UploadFile]):',
      '        for f in files:',
      '            self.out = repr(json.loads(await f.read()))',
      '    def _open_model(self, name: str):',
      '        self.out = repr(joblib.load(name))',
      '    def warm(self):',
      '        self._open_model("models/default.joblib")',
    ],
    expect: [],
  },
  {
    name: 'Streamlit: a query parameter picks among the model names the app lists (torch.load of a constant path map)',
    src: [
      'import streamlit as st',
      'import torch',
      'MODELS = {"small": "models/small.pt", "large": "models/large.pt"}',
      'key = st.query_params.get("size", "small")',
      'st.write(torch.load(MODELS.get(key, MODELS["small"]), weights_only=True))',
    ],
    expect: [],
  },
];

describe('DESER in Streamlit, Panel, Dash, Chainlit apps and MCP servers', () => {
  runCases(invalid, RULES);
  runCases(valid, RULES);
  runCases(pathInvalid, PATH_RULES);
  runCases(pathValid, PATH_RULES);
});
