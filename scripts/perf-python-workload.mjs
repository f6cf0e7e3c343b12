// The single-file DESER workload of the performance budget (scripts/perf-budget.mjs): a ~290-line model-serving module
// of the usual shape (a FastAPI app, a torch classifier, a joblib scaler, a pickled feature cache, a request batcher),
// with two loaders a client reaches (a pickled request body, an uploaded scaler) and internal ones (weights-only
// torch.load, the cache file, the scaler beside the model). Written as text: nothing here is run.

/** The module's source (the same bytes on every run). */
export function servingModule() {
  return SOURCE;
}

const SOURCE = `"""Model serving module: loads artifacts, exposes a FastAPI app, batches requests."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import joblib
import numpy as np
import torch
import torch.nn as nn
from fastapi import FastAPI, HTTPException, Request, UploadFile
from pydantic import BaseModel

log = logging.getLogger(__name__)

MODEL_DIR = Path(os.environ.get("MODEL_DIR", "/srv/models"))
MAX_BATCH = int(os.environ.get("MAX_BATCH", "32"))
BATCH_WAIT_MS = float(os.environ.get("BATCH_WAIT_MS", "5"))
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class ModelConfig:
    name: str
    width: int = 256
    depth: int = 4
    dropout: float = 0.1
    labels: List[str] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> "ModelConfig":
        with open(path, "r", encoding="utf-8") as fh:
            raw = json.load(fh)
        return cls(
            name=raw["name"],
            width=int(raw.get("width", 256)),
            depth=int(raw.get("depth", 4)),
            dropout=float(raw.get("dropout", 0.1)),
            labels=list(raw.get("labels", [])),
        )


class Block(nn.Module):
    def __init__(self, width: int, dropout: float) -> None:
        super().__init__()
        self.proj = nn.Linear(width, width)
        self.norm = nn.LayerNorm(width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        h = self.proj(h)
        return x + self.drop(torch.relu(h))


class Classifier(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.blocks = nn.ModuleList([Block(cfg.width, cfg.dropout) for _ in range(cfg.depth)])
        self.head = nn.Linear(cfg.width, max(1, len(cfg.labels)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def load_classifier(cfg: ModelConfig) -> Classifier:
    model = Classifier(cfg)
    state = torch.load(MODEL_DIR / f"{cfg.name}.pt", map_location=DEVICE, weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return model.to(DEVICE)


def load_scaler(name: str):
    return joblib.load(MODEL_DIR / f"{name}.joblib")


class PredictRequest(BaseModel):
    inputs: List[List[float]]
    model: Optional[str] = None
    top_k: int = 1


class PredictResponse(BaseModel):
    labels: List[List[str]]
    scores: List[List[float]]
    latency_ms: float


class FeatureCache:
    """Small in-memory cache of feature vectors keyed by a digest of the input."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._data: Dict[str, np.ndarray] = {}
        self._order: List[str] = []

    @staticmethod
    def key(rows: List[List[float]]) -> str:
        h = hashlib.sha256()
        for row in rows:
            h.update(np.asarray(row, dtype=np.float32).tobytes())
        return h.hexdigest()

    def get(self, key: str) -> Optional[np.ndarray]:
        return self._data.get(key)

    def put(self, key: str, value: np.ndarray) -> None:
        if key in self._data:
            return
        self._data[key] = value
        self._order.append(key)
        while len(self._order) > self.capacity:
            old = self._order.pop(0)
            self._data.pop(old, None)

    def dump(self, path: Path) -> None:
        with open(path, "wb") as fh:
            pickle.dump(self._data, fh)

    def restore(self, path: Path) -> None:
        if not path.exists():
            return
        with open(path, "rb") as fh:
            self._data = pickle.load(fh)
        self._order = list(self._data)


class Batcher:
    def __init__(self, model: Classifier, scaler, max_batch: int = MAX_BATCH) -> None:
        self.model = model
        self.scaler = scaler
        self.max_batch = max_batch
        self.queue: asyncio.Queue = asyncio.Queue()
        self._task: Optional[asyncio.Task] = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def submit(self, rows: np.ndarray) -> np.ndarray:
        fut = asyncio.get_running_loop().create_future()
        await self.queue.put((rows, fut))
        return await fut

    async def _run(self) -> None:
        while True:
            rows, fut = await self.queue.get()
            items = [(rows, fut)]
            deadline = time.monotonic() + BATCH_WAIT_MS / 1000.0
            while len(items) < self.max_batch and time.monotonic() < deadline:
                try:
                    items.append(self.queue.get_nowait())
                except asyncio.QueueEmpty:
                    await asyncio.sleep(0)
            try:
                outputs = self._infer([r for r, _ in items])
                for (_, f), out in zip(items, outputs):
                    f.set_result(out)
            except Exception as exc:  # noqa: BLE001
                for _, f in items:
                    if not f.done():
                        f.set_exception(exc)

    def _infer(self, batches: List[np.ndarray]) -> List[np.ndarray]:
        sizes = [len(b) for b in batches]
        x = np.concatenate(batches, axis=0)
        x = self.scaler.transform(x)
        with torch.no_grad():
            logits = self.model(torch.from_numpy(x.astype(np.float32)).to(DEVICE))
            probs = torch.softmax(logits, dim=-1).cpu().numpy()
        out, start = [], 0
        for n in sizes:
            out.append(probs[start : start + n])
            start += n
        return out


def top_k(probs: np.ndarray, labels: List[str], k: int):
    idx = np.argsort(-probs, axis=-1)[:, :k]
    names = [[labels[j] for j in row] for row in idx]
    scores = [[float(probs[i, j]) for j in row] for i, row in enumerate(idx)]
    return names, scores


app = FastAPI(title="classifier")
CONFIG = ModelConfig.from_file(MODEL_DIR / "config.json")
CACHE = FeatureCache()
_batcher: Optional[Batcher] = None


@app.on_event("startup")
async def startup() -> None:
    global _batcher
    model = load_classifier(CONFIG)
    scaler = load_scaler(CONFIG.name)
    CACHE.restore(MODEL_DIR / "cache.pkl")
    _batcher = Batcher(model, scaler)
    _batcher.start()
    log.info("model %s ready on %s", CONFIG.name, DEVICE)


@app.on_event("shutdown")
async def shutdown() -> None:
    CACHE.dump(MODEL_DIR / "cache.pkl")


@app.get("/health")
async def health() -> Dict[str, Any]:
    return {"ok": _batcher is not None, "model": CONFIG.name, "device": DEVICE}


@app.post("/predict", response_model=PredictResponse)
async def predict(req: PredictRequest) -> PredictResponse:
    if _batcher is None:
        raise HTTPException(status_code=503, detail="not ready")
    t0 = time.perf_counter()
    rows = np.asarray(req.inputs, dtype=np.float32)
    key = FeatureCache.key(req.inputs)
    cached = CACHE.get(key)
    if cached is None:
        cached = await _batcher.submit(rows)
        CACHE.put(key, cached)
    names, scores = top_k(cached, CONFIG.labels, req.top_k)
    return PredictResponse(labels=names, scores=scores, latency_ms=(time.perf_counter() - t0) * 1000)


@app.post("/predict/batch")
async def predict_batch(request: Request) -> Dict[str, Any]:
    payload = await request.body()
    frame = pickle.loads(base64.b64decode(payload))
    rows = np.asarray(frame["rows"], dtype=np.float32)
    out = await _batcher.submit(rows)
    names, scores = top_k(out, CONFIG.labels, int(frame.get("top_k", 1)))
    return {"labels": names, "scores": scores}


@app.post("/upload-scaler")
async def upload_scaler(file: UploadFile) -> Dict[str, Any]:
    data = await file.read()
    scaler = joblib.load(io.BytesIO(data))
    if _batcher is not None:
        _batcher.scaler = scaler
    return {"ok": True, "type": type(scaler).__name__}


@app.post("/features")
async def features(req: PredictRequest) -> Dict[str, Any]:
    rows = np.asarray(req.inputs, dtype=np.float32)
    mean = rows.mean(axis=0).tolist()
    std = rows.std(axis=0).tolist()
    return {"mean": mean, "std": std, "n": int(rows.shape[0])}


def summarize(history: List[Dict[str, Any]]) -> Dict[str, float]:
    if not history:
        return {"count": 0.0, "p50": 0.0, "p99": 0.0}
    lat = sorted(h["latency_ms"] for h in history)
    return {
        "count": float(len(lat)),
        "p50": lat[len(lat) // 2],
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
    }


def export_onnx(model: Classifier, path: Path) -> None:
    dummy = torch.zeros(1, model.cfg.width)
    torch.onnx.export(model.cpu(), dummy, str(path), input_names=["x"], output_names=["logits"])


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
`;
