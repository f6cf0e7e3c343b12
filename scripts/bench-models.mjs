#!/usr/bin/env node
// `npm run bench` (model rows): a 10 GB sparse GGUF and a 10 GB sparse safetensors file (header written, data a
// hole), each scanned by the built CLI in fresh processes, against the CLI's start-up on a one-line text file.
// Target: ≤ 50 ms over start-up (only headers and metadata are read). Median of RUNS with the range, rows
// interleaved; the report's own durationMs (scan time inside the process) is printed too, which load on a shared
// machine disturbs less than wall-clock differences between processes.
// Usage: node scripts/bench-models.mjs [--no-build]
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 7;
const GB = 1024 * 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin', 'sentinel.js');
if (!process.argv.includes('--no-build'))
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

function sparse(path, head, size) {
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  ftruncateSync(fd, size);
  closeSync(fd);
}

/** safetensors: 291 BF16 tensors (a 7B-like layout) covering `size` bytes exactly. */
function safetensorsHead(size) {
  const n = 290;
  const entries = ['"__metadata__":{"format":"pt"}'];
  // Placeholder sizes; the header length depends on the offsets, so fix the data size from the header size.
  const build = (data) => {
    const per = Math.floor(data / 2 / n) * 2;
    let off = 0;
    const e = [...entries];
    for (let i = 0; i < n; i++) {
      const bytes = i === n - 1 ? data - off : per;
      e.push(
        `"model.layers.${i}.weight":{"dtype":"BF16","shape":[${bytes / 2}],"data_offsets":[${off},${off + bytes}]}`,
      );
      off += bytes;
    }
    let json = `{${e.join(',')}}`;
    json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
    return Buffer.from(json);
  };
  let header = build(size - 8 - 40_000);
  header = build(size - 8 - header.length);
  const out = Buffer.alloc(8 + header.length);
  out.writeBigUInt64LE(BigInt(header.length), 0);
  header.copy(out, 8);
  return out;
}

/** GGUF v3: llama-like metadata (32k token list, chat template) and 291 F16 tensors covering `size`. */
function ggufHead(size) {
  const parts = [];
  const u32 = (v) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    parts.push(b);
  };
  const u64 = (v) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    parts.push(b);
  };
  const str = (s) => {
    const b = Buffer.from(s);
    u64(b.length);
    parts.push(b);
  };
  const tokens = Array.from({ length: 32000 }, (_, i) => `tok${i}`);
  const template =
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  const n = 291;
  parts.push(Buffer.from('GGUF'));
  u32(3);
  u64(n);
  u64(4);
  str('general.architecture');
  u32(8);
  str('llama');
  str('general.alignment');
  u32(4);
  u32(32);
  str('tokenizer.ggml.tokens');
  u32(9);
  u32(8);
  u64(tokens.length);
  for (const t of tokens) str(t);
  str('tokenizer.chat_template');
  u32(8);
  str(template);
  const headApprox = Buffer.concat(parts).length + n * 80;
  const data = size - Math.ceil(headApprox / 32) * 32 - 64 * 1024;
  const per = Math.floor(data / n / 2 / 4096) * 4096; // F16 elements per tensor, 8 KiB aligned
  let off = 0;
  for (let i = 0; i < n; i++) {
    str(`blk.${i}.weight`);
    u32(2);
    u64(4096);
    u64(per / 4096);
    u32(1); // F16
    u64(off);
    off += Math.ceil((per * 2) / 32) * 32;
  }
  const head = Buffer.concat(parts);
  return { head, size: Math.ceil(head.length / 32) * 32 + off };
}

function run(path) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'artifact', path, '--format', 'json'], { maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = JSON.parse(r.stdout.toString());
  return { ms, scanMs: report.durationMs, findings: report.findings.length, models: report.files[0]?.models ?? [] };
}

const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-models-'));
try {
  const base = join(dir, 'notes.txt');
  writeFileSync(base, 'hello\n');
  const st = join(dir, 'model-10g.safetensors');
  sparse(st, safetensorsHead(10 * GB), 10 * GB);
  const g = ggufHead(10 * GB);
  const gg = join(dir, 'model-10g.gguf');
  sparse(gg, g.head, g.size);
  // Interleave the rows so load on a shared machine affects them alike.
  const rows = { base: [], st: [], gg: [] };
  for (let i = 0; i < RUNS; i++) {
    rows.base.push(run(base).ms);
    rows.st.push(run(st));
    rows.gg.push(run(gg));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const range = (xs) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const baseMs = med(rows.base);
  console.log(`start-up (1-line text file)             ${baseMs.toFixed(0).padStart(5)} ms (${range(rows.base)})`);
  for (const [label, rs] of [
    ['10 GB sparse safetensors (290 tensors)', rows.st],
    ['10 GB sparse GGUF (32k tokens, template)', rows.gg],
  ]) {
    const ms = rs.map((r) => r.ms);
    const scan = rs.map((r) => r.scanMs);
    const m = rs.at(-1).models[0];
    console.log(
      `${label.padEnd(40)} ${med(ms).toFixed(0).padStart(5)} ms (${range(ms)})  +${(med(ms) - baseMs).toFixed(0)} ms over ` +
        `start-up; in-process scan ${med(scan)} ms (${range(scan)})  [${m?.format} ${m?.tensors} tensors, ` +
        `${rs.at(-1).findings} findings]`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
