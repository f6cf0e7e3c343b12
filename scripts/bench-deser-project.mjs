#!/usr/bin/env node
// DESER whole-program speed check: generates a multi-module Python code base OUTSIDE the repo (os.tmpdir, default
// 1,000,000 lines) of packages whose request handlers call service modules that call pipeline and codec modules
// of other packages (three and four files per chain), with realistic model, feature and utility modules around
// them; a planted share of chains ends in pickle/cloudpickle/torch.load sinks (the rest in json). Then runs
// `sentinel artifact <dir> --rule DESER` in fresh processes and prints wall time, peak RSS (median and range),
// lines/s, and checks that every planted chain is found at its sink with its hops (and no benign one is).
// Options: --lines=N, --runs=N, --jobs=N (CLI --jobs), --keep, --no-build.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const targetLines = Number(opt('lines', 1_000_000));
const runs = Number(opt('runs', 3));
const jobs = opt('jobs', undefined);
const keep = args.includes('--keep');

/** A package: api.py (handlers) → service.py → next package's pipeline.py → codec.py of the one after. */
function api(p, n, vulnerable) {
  const out = [
    `"""HTTP API of package ${p} (generated for the DESER project benchmark)."""`,
    'from fastapi import APIRouter, Request',
    '',
    `from pkg${p} import service`,
    '',
    `router = APIRouter(prefix="/p${p}")`,
    '',
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      '',
      `@router.post("/job_${i}")`,
      `async def job_${i}(request: Request):`,
      `    ${vulnerable(i) ? 'body = await request.body()' : 'body = service.CACHED'}`,
      `    result = service.run_${i}(body, request.headers.get("x-trace"))`,
      '    return {"ok": result is not None}',
    );
  }
  return out.join('\n') + '\n';
}

function service(p, n, next) {
  const out = [
    `"""Service layer of package ${p}."""`,
    'import logging',
    '',
    `from pkg${next} import pipeline`,
    '',
    'log = logging.getLogger(__name__)',
    'CACHED = open("/srv/cache/warm.bin", "rb").read()',
    '',
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      '',
      `def run_${i}(payload, trace=None):`,
      '    log.debug("run %s", trace)',
      '    if not payload:',
      '        return None',
      `    return pipeline.stage_${i}(payload)`,
    );
  }
  return out.join('\n') + '\n';
}

function pipeline(p, n, next) {
  const out = [
    `"""Pipeline stages of package ${p}."""`,
    'import zlib',
    '',
    `from pkg${next}.codec import Codec`,
    '',
    '',
    'class Stages:',
    '    def __init__(self):',
    '        self.codec = Codec()',
    '',
    '    def decompress(self, blob):',
    '        return zlib.decompress(blob)',
    '',
    '',
    '_stages = Stages()',
    '',
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      '',
      `def stage_${i}(blob):`,
      '    raw = _stages.decompress(blob)',
      `    return _stages.codec.decode_${i}(raw)`,
    );
  }
  return out.join('\n') + '\n';
}

/** Codec of package p: decode_i unpickles when the chain that reaches it is planted, else parses JSON. */
function codec(p, n, sink) {
  const out = [
    `"""Codecs of package ${p}."""`,
    'import io',
    'import json',
    'import pickle',
    '',
    'import cloudpickle',
    'import torch',
    '',
  ];
  out.push('', 'class Codec:');
  const sinks = [];
  for (let i = 0; i < n; i++) {
    const kind = sink(i);
    out.push('', `    def decode_${i}(self, raw):`);
    if (kind === 'pickle') out.push('        return pickle.loads(raw)');
    else if (kind === 'cloudpickle') out.push('        return cloudpickle.loads(raw)');
    else if (kind === 'torch') out.push('        return torch.load(io.BytesIO(raw))');
    else out.push('        return json.loads(raw)');
    if (kind !== 'json') sinks.push({ i, line: out.length });
  }
  return { text: out.join('\n') + '\n', sinks };
}

/** Model, feature and utility modules: the bulk of a real code base, with imports between packages. */
function filler(p, k, lines) {
  const out = [
    `"""Model components ${p}.${k} (generated)."""`,
    'from __future__ import annotations',
    '',
    'import math',
    'from dataclasses import dataclass',
    'from typing import Optional',
    '',
    'import numpy as np',
    'import torch',
    'from torch import nn',
    '',
    `from pkg${p} import service`,
    '',
  ];
  let b = 0;
  while (out.length < lines) {
    out.push(
      '',
      '@dataclass',
      `class Config${b}:`,
      '    width: int = 256',
      '    depth: int = 4',
      '    dropout: float = 0.1',
      '    name: Optional[str] = None',
      '',
      '',
      `class Block${b}(nn.Module):`,
      `    def __init__(self, cfg: Config${b}):`,
      '        super().__init__()',
      '        self.cfg = cfg',
      '        self.proj = nn.Linear(cfg.width, cfg.width)',
      '        self.norm = nn.LayerNorm(cfg.width)',
      '        self.drop = nn.Dropout(cfg.dropout)',
      '',
      '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
      '        h = self.norm(x)',
      '        h = self.proj(h) / math.sqrt(self.cfg.width)',
      '        return x + self.drop(torch.relu(h))',
      '',
      '',
      `def features_${b}(rows, scale=1.0):`,
      '    arr = np.asarray(rows, dtype=np.float32)',
      '    arr = (arr - arr.mean(axis=0)) / (arr.std(axis=0) + 1e-6)',
      '    return arr * scale',
      '',
      '',
      `def warm_${b}():`,
      '    return service.CACHED[:16]',
    );
    b++;
  }
  return out.join('\n') + '\n';
}

function generate(dir) {
  const per = 12;
  const fillersPer = 6;
  const fillerLines = 420;
  let lines = 0;
  let files = 0;
  const planted = [];
  const benignSinks = [];
  const write = (rel, text) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    lines += text.split('\n').length - 1;
    files++;
  };
  // Packages in a ring: p's service calls (p+1)'s pipeline, which calls (p+2)'s codec. Planted: handler i of
  // package p reads the body when (p + i) % 5 === 0, and codec i of package p+2 is a sink when (p + i) % 5 === 0
  // or (p + i) % 7 === 0 (the latter are sinks only benign handlers reach: no finding expected there).
  const count = Math.max(3, Math.ceil(targetLines / (fillersPer * fillerLines + per * 20 + 200)));
  const vulnerableAt = (p, i) => (p + i) % 5 === 0;
  for (let p = 0; p < count; p++) {
    const next = (p + 1) % count;
    const src = (p + count - 2) % count; // the package whose handlers reach this codec
    write(`pkg${p}/__init__.py`, '');
    write(
      `pkg${p}/api.py`,
      api(p, per, (i) => vulnerableAt(p, i)),
    );
    write(`pkg${p}/service.py`, service(p, per, next));
    write(`pkg${p}/pipeline.py`, pipeline(p, per, next));
    const kinds = ['pickle', 'cloudpickle', 'torch'];
    const c = codec(p, per, (i) =>
      vulnerableAt(src, i) ? kinds[(p + i) % 3] : (src + i) % 7 === 0 ? 'pickle' : 'json',
    );
    write(`pkg${p}/codec.py`, c.text);
    for (const s of c.sinks)
      (vulnerableAt(src, s.i) ? planted : benignSinks).push({ file: `pkg${p}/codec.py`, line: s.line });
    for (let k = 0; k < fillersPer; k++) write(`pkg${p}/models_${k}.py`, filler(p, k, fillerLines));
  }
  return { lines, files, packages: count, planted, benignSinks };
}

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [join(here, 'emit.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(here, 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
const dir = mkdtempSync(join(tmpdir(), 'sentinel-deser-project-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const g = generate(dir);
  console.log(`generated ${g.files} files, ${g.lines} lines, ${g.packages} packages in ${dir}`);
  const results = [];
  let report;
  for (let r = 0; r < runs; r++) {
    const argv = ['artifact', dir, '--rule', 'DESER', '--format', 'json', '--quiet', ...(jobs ? ['--jobs', jobs] : [])];
    const wrapper = `
      const t0 = performance.now();
      const { createRequire } = await import('node:module');
      const { main } = createRequire(${JSON.stringify(join(root, 'bin') + '/')})('./load-bundle.js').loadBundle().exports;
      let out = '';
      const code = await main(${JSON.stringify(argv)},
        { stdout: (s) => { out += s; }, stderr: () => {}, isTTY: false, env: {} });
      const ms = performance.now() - t0;
      process.stdout.write(out);
      const u = process.resourceUsage();
      process.stderr.write(JSON.stringify({ ms, code, rss: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n');`;
    const t0 = performance.now();
    const p = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const wall = performance.now() - t0;
    if (p.status !== 0 && p.status !== 1) throw new Error(`scan failed (${p.status}): ${p.stderr}`);
    results.push({ wall, ...JSON.parse(p.stderr.trim().split('\n').pop()) });
    report = JSON.parse(p.stdout);
  }
  // Every planted chain found at its sink, as DESER-NETWORK-INPUT, with hops through three files; nothing at the
  // sinks only benign handlers reach.
  const at = (f) => `${f.location.chain[0].slice(dir.length + 1)}:${f.location.line}`;
  const found = new Map(report.findings.filter((f) => f.ruleId === 'DESER-NETWORK-INPUT').map((f) => [at(f), f]));
  const missed = g.planted.filter((s) => !found.has(`${s.file}:${s.line}`));
  const falseAlarms = g.benignSinks.filter((s) => found.has(`${s.file}:${s.line}`));
  const hops = {};
  for (const f of found.values()) {
    const h = (f.evidence.flow ?? []).filter((s) => s.role === 'hop').length;
    const files = new Set((f.evidence.flow ?? []).map((s) => s.file)).size;
    const k = `${h} hops / ${files} files`;
    hops[k] = (hops[k] ?? 0) + 1;
  }
  const walls = results.map((r) => r.wall);
  const rss = results.map((r) => r.rss / 1024);
  console.log(
    JSON.stringify(
      {
        files: g.files,
        lines: g.lines,
        packages: g.packages,
        // CPU time (user + system, every thread of the scan process) is the honest figure on a loaded machine.
        runs: results.map((r) => ({
          wallMs: Math.round(r.wall),
          inProcessMs: Math.round(r.ms),
          cpuMs: Math.round(r.cpuMs),
          peakRssMb: Math.round(r.rss / 1024),
        })),
        medianCpuMs: Math.round(median(results.map((r) => r.cpuMs))),
        medianWallMs: Math.round(median(walls)),
        rangeWallMs: [Math.round(Math.min(...walls)), Math.round(Math.max(...walls))],
        medianPeakRssMb: Math.round(median(rss)),
        rangePeakRssMb: [Math.round(Math.min(...rss)), Math.round(Math.max(...rss))],
        linesPerSecond: Math.round(g.lines / (median(walls) / 1000)),
        planted: g.planted.length,
        found: g.planted.length - missed.length,
        missed: missed.slice(0, 5),
        benignSinks: g.benignSinks.length,
        falseAlarms: falseAlarms.length,
        findingsByRule: report.summary?.byRule ?? null,
        hopsOfFindings: hops,
      },
      null,
      2,
    ),
  );
  if (missed.length > 0 || falseAlarms.length > 0) process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
