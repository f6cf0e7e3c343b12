// The model readers through the built CLI bundle (bin/sentinel.js → dist/bin/sentinel.js with V8's code cache):
// the lazily loaded parts — h5wasm (an ES module only), the ONNX schema with @bufbuild/protobuf, @huggingface/jinja
// — load there too, so a model file is read, not reported as an internal error; so does 7z-wasm (an ES module
// only), so a 7z archive is listed, not SCAN-INCOMPLETE; and nothing but the report is printed (no Node warning).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'model');

describe('model formats in the CLI bundle', () => {
  it('HDF5, .keras, ONNX and a chat template give their MODEL findings, a 7z archive is read, with no tool error', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin', 'sentinel.js'),
        'artifact',
        join(FIX, 'keras', 'lambda-legacy.h5'),
        join(FIX, 'keras', 'lambda.keras'),
        join(FIX, 'onnx', 'custom-domain.onnx'),
        join(FIX, 'hf-folder', 'tiny-llama-Q8_0.gguf'),
        join(ROOT, 'test', 'fixtures', 'containers', '7z', 'lzma2.7z'),
        '--format',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(r.stdout) as {
      findings: { ruleId: string }[];
      errors: unknown[];
      files: { formats: string[] }[];
    };
    assert.deepEqual(report.errors, []);
    assert.equal(r.stderr, '');
    assert.deepEqual(
      report.findings.map((f) => f.ruleId),
      ['MODEL-LAMBDA-CODE', 'MODEL-LAMBDA-CODE', 'MODEL-CUSTOM-OP'],
    );
    assert.deepEqual(
      report.files.map((f) => f.formats[0]),
      ['hdf5', 'keras', 'onnx', 'gguf', '7z'],
    );
  });
});
