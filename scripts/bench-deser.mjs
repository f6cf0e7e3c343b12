#!/usr/bin/env node
// DESER speed check: generates ~20k lines of model-serving Python across ~100 files OUTSIDE the repo
// (os.tmpdir), builds dist/ and the bundled CLI (unless --no-build), then runs `sentinel artifact <dir> --rule
// DESER` in fresh processes and prints wall time, lines/s, peak RSS and the in-process time. Figures depend on
// the machine. Options: --lines=N, --runs=N, --rule=X (compare another selection), --dense (every file needs
// the full analysis: the worst case), --keep, --no-build.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const targetLines = Number(args.find((a) => a.startsWith('--lines='))?.slice(8) ?? 20000);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
const keep = args.includes('--keep');
const select = args.find((a) => a.startsWith('--rule='))?.slice(7) ?? 'DESER';
const dense = args.includes('--dense');

// ---- templates: each returns Python source for one file; `n` varies names so files differ ----

function fastapiRouter(n, endpoints) {
  const out = [
    '"""Inference API routes (generated for the DESER benchmark)."""',
    'from __future__ import annotations',
    '',
    'import logging',
    'from typing import List, Optional',
    '',
    'import numpy as np',
    'import torch',
    'from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile',
    'from pydantic import BaseModel, Field, validator',
    '',
    `from ..registry import load_classifier`,
    '',
    'log = logging.getLogger(__name__)',
    `router = APIRouter(prefix="/v${n % 3}/models/${n}")`,
    '',
    '',
    'class PredictRequest(BaseModel):',
    '    inputs: List[List[float]] = Field(..., min_items=1, max_items=512)',
    '    top_k: int = Field(5, ge=1, le=100)',
    '    request_id: Optional[str] = None',
    '',
    '    @validator("inputs")',
    '    def check_width(cls, v):',
    '        width = len(v[0])',
    '        if any(len(row) != width for row in v):',
    '            raise ValueError("ragged input")',
    '        return v',
    '',
    '',
    'class PredictResponse(BaseModel):',
    '    labels: List[int]',
    '    scores: List[float]',
    '',
    '',
    'def get_model():',
    `    return load_classifier("classifier_${n % 7}")`,
    '',
  ];
  for (let e = 0; e < endpoints; e++) {
    out.push(
      '',
      `@router.post("/predict_${e}", response_model=PredictResponse)`,
      `async def predict_${e}(body: PredictRequest, request: Request, model=Depends(get_model)):`,
      '    log.info("predict %s from %s", body.request_id, request.client)',
      '    x = torch.tensor(np.asarray(body.inputs, dtype=np.float32))',
      '    with torch.no_grad():',
      '        logits = model(x)',
      '    scores, labels = torch.topk(torch.softmax(logits, dim=-1), body.top_k)',
      '    if scores.numel() == 0:',
      '        raise HTTPException(status_code=422, detail="empty batch")',
      '    return PredictResponse(labels=labels[0].tolist(), scores=scores[0].tolist())',
      '',
      '',
      `@router.post("/embed_${e}")`,
      `async def embed_${e}(file: UploadFile = File(...)):`,
      '    raw = await file.read()',
      '    if len(raw) > 4 * 1024 * 1024:',
      '        raise HTTPException(status_code=413, detail="too large")',
      '    arr = np.frombuffer(raw, dtype=np.float32)',
      '    vec = arr / (np.linalg.norm(arr) + 1e-8)',
      '    return {"embedding": vec.tolist(), "dim": int(vec.shape[0])}',
    );
  }
  return out.join('\n') + '\n';
}

function flaskApp(n, routes) {
  const out = [
    '"""Flask model server (generated)."""',
    'import json',
    'import os',
    '',
    'import jsonschema',
    'from flask import Blueprint, abort, jsonify, request',
    'from safetensors.torch import load_file',
    '',
    `bp = Blueprint("serve_${n}", __name__)`,
    'MODEL_DIR = os.environ.get("MODEL_DIR", "/srv/models")',
    'SCHEMA = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}',
    '_cache = {}',
    '',
    '',
    'def weights(name):',
    '    if name not in _cache:',
    '        _cache[name] = load_file(os.path.join(MODEL_DIR, name + ".safetensors"))',
    '    return _cache[name]',
    '',
  ];
  for (let r = 0; r < routes; r++) {
    out.push(
      '',
      `@bp.route("/score_${r}", methods=["POST"])`,
      `def score_${r}():`,
      '    payload = request.get_json(force=True, silent=True)',
      '    if payload is None:',
      '        abort(400)',
      '    try:',
      '        jsonschema.validate(payload, SCHEMA)',
      '    except jsonschema.ValidationError as exc:',
      '        return jsonify({"error": str(exc)}), 400',
      `    w = weights("scorer_${r % 4}")`,
      '    tokens = payload["text"].lower().split()',
      '    score = sum(float(w["bias"].sum()) for _ in tokens)',
      '    return jsonify({"score": score, "n": len(tokens)})',
      '',
      '',
      `@bp.route("/meta_${r}")`,
      `def meta_${r}():`,
      '    with open(os.path.join(MODEL_DIR, "meta.json")) as fh:',
      '        meta = json.load(fh)',
      '    return jsonify(meta)',
    );
  }
  return out.join('\n') + '\n';
}

function torchModels(n, blocks) {
  const out = [
    '"""Model definitions (generated)."""',
    'import math',
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from safetensors.torch import load_file',
    '',
  ];
  for (let b = 0; b < blocks; b++) {
    out.push(
      '',
      `class Block${b}(nn.Module):`,
      '    def __init__(self, dim, heads=8, dropout=0.1):',
      '        super().__init__()',
      '        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)',
      '        self.norm1 = nn.LayerNorm(dim)',
      '        self.norm2 = nn.LayerNorm(dim)',
      '        self.ff = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))',
      '        self.scale = 1.0 / math.sqrt(dim)',
      '',
      '    def forward(self, x, mask=None):',
      '        h = self.norm1(x)',
      '        a, _ = self.attn(h, h, h, key_padding_mask=mask)',
      '        x = x + a * self.scale',
      '        return x + self.ff(self.norm2(x))',
    );
  }
  out.push(
    '',
    '',
    `class Classifier${n}(nn.Module):`,
    '    def __init__(self, dim, classes=10):',
    '        super().__init__()',
    `        self.blocks = nn.ModuleList([Block${0}(dim) for _ in range(4)])`,
    '        self.head = nn.Linear(dim, classes)',
    '',
    '    def forward(self, x):',
    '        for blk in self.blocks:',
    '            x = blk(x)',
    '        return self.head(F.adaptive_avg_pool1d(x.transpose(1, 2), 1).squeeze(-1))',
    '',
    '',
    'def restore(path, dim=256):',
    `    m = Classifier${n}(dim)`,
    '    m.load_state_dict(load_file(path, device="cpu"))',
    '    return m',
  );
  return out.join('\n') + '\n';
}

function preprocessing(n, fns) {
  const out = ['"""Feature preprocessing (generated)."""', 'import numpy as np', '', 'EPS = 1e-6', ''];
  for (let f = 0; f < fns; f++) {
    out.push(
      '',
      `def normalise_${f}(batch, mean=None, std=None):`,
      '    batch = np.asarray(batch, dtype=np.float32)',
      '    mean = batch.mean(axis=0) if mean is None else mean',
      '    std = batch.std(axis=0) if std is None else std',
      '    return (batch - mean) / (std + EPS)',
      '',
      '',
      `def window_${f}(signal, size=${16 + f}, hop=${4 + (f % 5)}):`,
      '    frames = []',
      '    for start in range(0, max(len(signal) - size, 0) + 1, hop):',
      '        frames.append(signal[start : start + size] * np.hanning(size))',
      '    return np.stack(frames) if frames else np.zeros((0, size), dtype=np.float32)',
    );
  }
  return out.join('\n') + '\n';
}

function kafkaWorker(n, handlers) {
  const out = [
    '"""Batch scoring worker fed by Kafka (generated)."""',
    'import json',
    'import signal',
    '',
    'from kafka import KafkaConsumer, KafkaProducer',
    'from pydantic import BaseModel, ValidationError',
    '',
    '',
    'class Job(BaseModel):',
    '    job_id: str',
    '    features: list[float]',
    '',
    '',
    'RUNNING = True',
    '',
    '',
    'def stop(*_):',
    '    global RUNNING',
    '    RUNNING = False',
    '',
  ];
  for (let h = 0; h < handlers; h++) {
    out.push(
      '',
      `def handle_${h}(producer, record):`,
      '    try:',
      '        job = Job.model_validate_json(record.value)',
      '    except ValidationError:',
      '        return',
      '    total = sum(job.features)',
      `    producer.send("results-${h}", json.dumps({"id": job.job_id, "total": total}).encode())`,
    );
  }
  out.push(
    '',
    '',
    'def main():',
    '    signal.signal(signal.SIGTERM, stop)',
    `    consumer = KafkaConsumer("jobs-${n}", bootstrap_servers=["kafka:9092"], group_id="scorers")`,
    '    producer = KafkaProducer(bootstrap_servers=["kafka:9092"])',
    '    for record in consumer:',
    '        if not RUNNING:',
    '            break',
    `        handle_${0}(producer, record)`,
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
  );
  return out.join('\n') + '\n';
}

function grpcService(n, methods) {
  const out = [
    '"""gRPC inference service (generated)."""',
    'from concurrent import futures',
    '',
    'import grpc',
    'import numpy as np',
    '',
    'import inference_pb2',
    'import inference_pb2_grpc',
    '',
    '',
    'class InferenceService(inference_pb2_grpc.InferenceServicer):',
    '    def __init__(self, model):',
    '        self.model = model',
    '',
  ];
  for (let m = 0; m < methods; m++) {
    out.push(
      `    def Predict${m}(self, request, context):`,
      '        x = np.frombuffer(request.tensor, dtype=np.float32).reshape(request.shape)',
      '        y = self.model(x)',
      '        return inference_pb2.Reply(tensor=y.astype(np.float32).tobytes(), shape=list(y.shape))',
      '',
    );
  }
  out.push(
    '',
    'def serve(model, port=50051):',
    '    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))',
    '    inference_pb2_grpc.add_InferenceServicer_to_server(InferenceService(model), server)',
    '    server.add_insecure_port(f"[::]:{port}")',
    '    server.start()',
    '    server.wait_for_termination()',
  );
  return out.join('\n') + '\n';
}

function plainUtils(n, fns) {
  const out = ['"""Helpers without ML or network imports (generated)."""', 'import logging', 'import time', ''];
  for (let f = 0; f < fns; f++) {
    out.push(
      '',
      `def retry_${f}(fn, attempts=3, delay=0.5):`,
      '    last = None',
      '    for i in range(attempts):',
      '        try:',
      '            return fn()',
      '        except Exception as exc:  # noqa: BLE001',
      '            last = exc',
      '            logging.getLogger(__name__).warning("attempt %d failed: %s", i, exc)',
      '            time.sleep(delay * (2**i))',
      '    raise RuntimeError("gave up") from last',
    );
  }
  return out.join('\n') + '\n';
}

/** The package's model registry: loads its own checkpoints (weights-only) and sklearn artifacts at startup. */
function registry() {
  return [
    '"""Model registry: every checkpoint and artifact the service loads (generated)."""',
    'import functools',
    'import os',
    '',
    'import joblib',
    'import torch',
    '',
    'from .models.models_2 import Classifier2',
    '',
    'WEIGHTS_DIR = os.environ.get("WEIGHTS_DIR", "/srv/weights")',
    'TOKENIZER = joblib.load(os.path.join(WEIGHTS_DIR, "tokenizer.joblib"))',
    '',
    '',
    '@functools.lru_cache(maxsize=8)',
    'def load_classifier(name, dim=256):',
    '    model = Classifier2(dim)',
    '    state = torch.load(os.path.join(WEIGHTS_DIR, name + ".pt"), map_location="cpu", weights_only=True)',
    '    model.load_state_dict(state)',
    '    return model.eval()',
    '',
  ].join('\n');
}

/**
 * --dense: every file also reads a YAML config through yaml.load with an explicit SafeLoader, which only the full
 * analysis can clear (the loader must be resolved), so every file is parsed and analysed: the worst case.
 */
function denseTail(n) {
  return [
    '',
    '',
    `def _config_${n}(path="config.yaml"):`,
    '    import yaml',
    '',
    '    with open(path) as fh:',
    '        return yaml.load(fh, Loader=yaml.SafeLoader)',
    '',
  ].join('\n');
}

/** A few files with real DESER problems, so the scan reports something. */
function vulnerable(n) {
  return [
    '"""Legacy runner endpoint (generated, intentionally vulnerable)."""',
    'import base64',
    'import pickle',
    '',
    'import zmq',
    'from flask import Flask, request',
    '',
    'app = Flask(__name__)',
    '',
    '',
    `@app.route("/run_${n}", methods=["POST"])`,
    'def run():',
    '    job = pickle.loads(base64.b64decode(request.form["job"]))',
    '    return {"ok": bool(job)}',
    '',
    '',
    'def worker(addr):',
    '    sock = zmq.Context().socket(zmq.PULL)',
    '    sock.connect(addr)',
    '    while True:',
    '        task = sock.recv_pyobj()',
    '        task()',
    '',
  ].join('\n');
}

const KINDS = [
  [fastapiRouter, 9, 'api'],
  [flaskApp, 10, 'web'],
  [torchModels, 12, 'models'],
  [preprocessing, 16, 'features'],
  [kafkaWorker, 20, 'workers'],
  [grpcService, 35, 'rpc'],
  [plainUtils, 16, 'util'],
];

function generate(dir) {
  const reg = registry();
  writeFileSync(join(dir, 'registry.py'), reg);
  let lines = reg.split('\n').length - 1;
  let files = 1;
  let i = 0;
  while (lines < targetLines) {
    const [fn, size, sub] = KINDS[i % KINDS.length];
    let text = i % 25 === 24 ? vulnerable(i) : fn(i, size);
    if (dense) text += denseTail(i);
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, `${sub}_${i}.py`), text);
    lines += text.split('\n').length - 1;
    files++;
    i++;
  }
  return { lines, files };
}

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [join(here, 'emit.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(here, 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
const dir = mkdtempSync(join(tmpdir(), 'sentinel-deser-bench-'));
try {
  const { lines, files } = generate(dir);
  console.log(`generated ${files} files, ${lines} lines in ${dir}`);
  const cli = join(root, 'bin', 'sentinel.js');
  const results = [];
  for (let r = 0; r < runs; r++) {
    // /usr/bin/time is not assumed: the child runs the same entry as bin/sentinel.js (the bundled CLI) and
    // reports its own peak RSS and in-process time.
    const wrapper = `(async () => {
      const t0 = performance.now();
      const { main } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.js'))}).loadBundle().exports;
      let out = '';
      const code = await main(['artifact', ${JSON.stringify(dir)}, '--rule', ${JSON.stringify(select)}, '--format', 'json', '--quiet'],
        { stdout: (s) => { out += s; }, stderr: () => {}, isTTY: false, env: {} });
      const report = JSON.parse(out);
      const ms = performance.now() - t0;
      process.stderr.write(JSON.stringify({ ms, code, rss: process.resourceUsage().maxRSS,
        findings: (report.findings ?? []).length,
        rules: [...new Set((report.findings ?? []).map((f) => f.ruleId))] }) + '\\n');
    })();`;
    const t0 = performance.now();
    const p = spawnSync(process.execPath, ['-e', wrapper], { encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (p.status !== 0 && p.status !== 1) throw new Error(`scan failed (${p.status}): ${p.stderr}`);
    const inner = JSON.parse(p.stderr.trim().split('\n').pop());
    results.push({ wall, ...inner });
  }
  // Plain CLI run, exactly as a user types it (wall time only).
  const t1 = performance.now();
  spawnSync(process.execPath, [cli, 'artifact', dir, '--rule', select, '--quiet'], { encoding: 'utf8' });
  const cliWall = performance.now() - t1;
  const best = results.reduce((a, b) => (b.wall < a.wall ? b : a));
  console.log(
    JSON.stringify(
      {
        files,
        lines,
        dense,
        runs: results.map((r) => ({
          wallMs: Math.round(r.wall),
          inProcessMs: Math.round(r.ms),
          peakRssMb: Math.round(r.rss / 1024),
        })),
        bestWallMs: Math.round(best.wall),
        linesPerSecond: Math.round(lines / (best.wall / 1000)),
        cliWallMs: Math.round(cliWall),
        findings: best.findings,
        rules: best.rules,
      },
      null,
      2,
    ),
  );
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
