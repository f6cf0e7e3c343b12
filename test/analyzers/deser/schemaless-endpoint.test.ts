// DESER-SCHEMALESS-ENDPOINT case table: handlers declaring serialized-object bodies that hand them to unseen
// reconstruction code (invalid), and raw-buffer / schema parsing or unrelated media types (valid).
import { describe } from 'node:test';
import { runCases, type DeserCase } from './helpers.js';

const invalid: DeserCase[] = [
  {
    name: 'Flask content-type check then a project codec',
    src: [
      'from flask import request, abort',
      'from proj import codec',
      'def push():',
      '    if request.content_type != "application/python-pickle":',
      '        abort(415)',
      '    return codec.loads(request.get_data())',
    ],
    expect: [['DESER-SCHEMALESS-ENDPOINT', 6]],
    details: { mediaType: 'application/python-pickle', mediaTypeLine: 4, sourceLine: 6 },
  },
  {
    name: 'FastAPI openapi_extra octet-stream, body to serializer.deserialize',
    src: [
      'from fastapi import FastAPI, Request',
      'from wire import serializer',
      'app = FastAPI()',
      '@app.post("/t", openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})',
      'async def t(request: Request):',
      '    body = await request.body()',
      '    return serializer.deserialize(body)',
    ],
    expect: [['DESER-SCHEMALESS-ENDPOINT', 7]],
    details: { mediaTypeLine: 4 },
  },
  {
    name: 'media type held in a module constant read by the handler',
    src: [
      'from flask import request',
      'import transport',
      'PICKLED = "application/x-python-pickle"',
      'def h():',
      '    if request.mimetype == PICKLED:',
      '        return transport.unpack(request.data)',
    ],
    expect: [['DESER-SCHEMALESS-ENDPOINT', 6]],
  },
];

const valid: DeserCase[] = [
  {
    name: 'an octet-stream endpoint whose body goes to torch.load(weights_only=True): a loader this scan models, no objects',
    src: [
      'import io, torch',
      'from fastapi import FastAPI, Request',
      'app = FastAPI()',
      '@app.post("/weights", openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})',
      'async def weights(req: Request):',
      '    sd = torch.load(io.BytesIO(await req.body()), map_location="cpu", weights_only=True)',
      '    return {"n": len(sd)}',
    ],
    expect: [],
  },
  {
    name: 'octet-stream body read by numpy.load without allow_pickle (arrays only)',
    src: [
      'import io',
      'import numpy as np',
      'from flask import request',
      'def h():',
      '    assert request.content_type == "application/octet-stream"',
      '    return np.load(io.BytesIO(request.data))["x"]',
    ],
    expect: [],
  },
  {
    name: 'octet-stream body parsed as a raw float32 buffer',
    src: [
      'import numpy as np',
      'from flask import request',
      'def h():',
      '    assert request.content_type == "application/octet-stream"',
      '    return np.frombuffer(request.data, dtype="<f4")',
    ],
    expect: [],
  },
  {
    name: 'octet-stream is only the response type of a download',
    src: [
      'from flask import send_file',
      'from proj import store',
      'def dl(name):',
      '    return send_file(store.path(name), mimetype="application/octet-stream")',
    ],
    expect: [],
  },
  {
    name: 'text decoding of the body is not object reconstruction',
    src: [
      'import json',
      'from flask import request',
      'def h():',
      '    assert request.content_type == "application/octet-stream"',
      '    return json.loads(request.data.decode("utf-8"))',
    ],
    expect: [],
  },
  {
    name: 'reconstruction-like call without a serialized media type',
    src: [
      'from flask import request',
      'from proj import codec',
      'def h():',
      '    return codec.loads(request.get_data())',
    ],
    expect: [],
  },
];

describe('DESER-SCHEMALESS-ENDPOINT: invalid', () => runCases(invalid, ['DESER-SCHEMALESS-ENDPOINT']));
describe('DESER-SCHEMALESS-ENDPOINT: valid', () => runCases(valid, ['DESER-SCHEMALESS-ENDPOINT']));
