// Differential test of `sentinel convert` against the real loaders, where /usr/bin/python3 has torch and numpy
// (skipped cleanly otherwise; the committed expectations in test/convert/convert.test.ts cover CI): the input is
// loaded with torch.load(weights_only=True) or numpy.load(allow_pickle=False), the output with an independent
// few-line reader (header JSON + torch.frombuffer, test/tools/safetensors_diff.py), and every tensor of the selection
// must be there, bitwise equal, with the reference layout. Inputs: the convert fixtures and every real torch/numpy
// fixture the converter accepts. joblib and raw pickles are never loaded by Python here (that would unpickle).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConvertReport } from '../../src/report/convert-report.js';
import { cli } from '../helpers/cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const PY = '/usr/bin/python3';
const TOOL = join(ROOT, 'test/tools/safetensors_diff.py');

function hasTorch(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const available = hasTorch();
const tmp = mkdtempSync(join(tmpdir(), 'sentinel-convert-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function inputs(): string[] {
  const out: string[] = [];
  for (const dir of ['test/fixtures/convert', 'test/fixtures/real/torch', 'test/fixtures/real/numpy']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) if (/\.(pt|npz|npy)$/.test(f)) out.push(join(ROOT, dir, f));
  }
  return out;
}

interface Result {
  tensors?: number;
  problems?: string[];
  load_error?: string;
  skipped?: string;
}

describe(
  'convert output = torch.load(weights_only=True) / numpy.load, tensor for tensor',
  { skip: !available && 'no torch in /usr/bin/python3' },
  () => {
    it('every convertible fixture', async () => {
      const jobs: { input: string; output: string; select: string; kind: string }[] = [];
      for (const input of inputs()) {
        const output = join(tmp, `${jobs.length}.safetensors`);
        const r = await cli(['convert', input, '-o', output, '--allow-findings', '--format', 'json']);
        const report = JSON.parse(r.stdout) as ConvertReport;
        assert.ok(r.code === 0 || r.code === 2, `${input}: exit ${r.code}`);
        if (report.status !== 'converted') {
          // Not convertible (TorchScript, quantized, no tensors): an error that says why, never an internal one.
          assert.doesNotMatch(report.error?.message ?? '', /internal/, input);
          continue;
        }
        jobs.push({ input, output, select: report.selection!.prefix, kind: input.endsWith('.pt') ? 'torch' : 'numpy' });
      }
      assert.ok(jobs.length >= 15, `${jobs.length} conversions`);
      const results = JSON.parse(
        execFileSync(PY, [TOOL], { input: JSON.stringify(jobs), maxBuffer: 64 << 20, timeout: 300_000 }).toString(),
      ) as Record<string, Result>;
      let compared = 0;
      for (const job of jobs) {
        const r = results[job.input]!;
        if (r.skipped !== undefined) continue; // this torch cannot read the input (said why); expectations cover it
        if (r.load_error !== undefined) {
          // weights_only refuses globals a payload or a non-tensor value needs: the converter still only copies data
          // (checked against torch's own hashes in test/convert/convert.test.ts).
          assert.match(
            r.load_error,
            /UnpicklingError|Unsupported|weights_only|global/i,
            `${job.input}: ${r.load_error}`,
          );
          continue;
        }
        assert.deepEqual(r.problems, [], job.input);
        assert.ok((r.tensors ?? 0) > 0, job.input);
        compared += r.tensors!;
      }
      assert.ok(compared >= 80, `${compared} tensors compared`);
      console.log(
        `# convert differential: ${jobs.length} conversions, ${compared} tensors compared bitwise, weights_only refused ${jobs
          .filter((j) => results[j.input]!.load_error !== undefined)
          .map((j) => j.input.split('/').pop())
          .join(', ')}`,
      );
    });
  },
);
