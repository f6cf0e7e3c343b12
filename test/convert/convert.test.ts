// `sentinel convert` on inputs written by real torch/numpy/joblib (test/fixtures/convert, scripts/fixtures/convert.py):
// every tensor of the default selection is in the output with the dtype, shape and SHA-256 torch computed when it
// saved the file; the layout is the reference writer's; plain values reach __metadata__ as JSON and everything else
// is listed as dropped; shared storages and views are reported; the gate refuses a payload unless findings are
// allowed, and then nothing but tensor bytes and plain metadata reaches the output; no output file survives an error.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConvertReport } from '../../src/report/convert-report.js';
import { cli } from '../helpers/cli.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';
import { readSafetensors } from '../helpers/safetensors.js';

const DIR = new URL('../fixtures/convert/', import.meta.url).pathname;
const SCHEMA = new URL('../../schemas/report.schema.json', import.meta.url).pathname;
interface Expected {
  select: string;
  convertible: boolean;
  tensors: Record<string, { dtype: string; shape: number[]; sha256: string; bytes: number }>;
  shared: string[][];
  dropped: string[];
  values: Record<string, string | null>;
  errors: string[];
}
const EXPECTED = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { files: Record<string, Expected> })
  .files;

const tmp = mkdtempSync(join(tmpdir(), 'sentinel-convert-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function convert(
  file: string,
  args: string[] = [],
): Promise<{ code: number; report: ConvertReport; out: string; stderr: string }> {
  const out = join(
    tmp,
    file.replace(/[^a-z0-9.-]/gi, '_') + '.' + Math.random().toString(36).slice(2) + '.safetensors',
  );
  const r = await cli(['convert', join(DIR, file), '-o', out, '--format', 'json', ...args]);
  return {
    code: r.code,
    report: r.stdout ? (JSON.parse(r.stdout) as ConvertReport) : (undefined as never),
    out,
    stderr: r.stderr,
  };
}

function selected(exp: Expected): Map<string, Expected['tensors'][string]> {
  const out = new Map<string, Expected['tensors'][string]>();
  for (const [path, t] of Object.entries(exp.tensors)) {
    if (exp.select === '') out.set(path, t);
    else if (path.startsWith(exp.select + '.')) out.set(path.slice(exp.select.length + 1), t);
  }
  return out;
}

describe('sentinel convert: real fixtures against torch/numpy expectations', () => {
  for (const [file, exp] of Object.entries(EXPECTED)) {
    if (!exp.convertible) continue;
    it(file, async () => {
      const { code, report, out } = await convert(file, ['--allow-findings']);
      assert.equal(code, 0, JSON.stringify(report.error));
      assert.equal(report.status, 'converted');
      assert.equal(report.selection?.prefix, exp.select);
      const st = readSafetensors(readFileSync(out));
      assert.deepEqual(st.problems, []);
      const want = selected(exp);
      assert.deepEqual([...st.tensors.keys()].sort(), [...want.keys()].sort());
      for (const [name, t] of want) {
        const got = st.tensors.get(name)!;
        assert.equal(got.dtype, t.dtype, name);
        assert.deepEqual(got.shape, t.shape, name);
        assert.equal(got.sha256, t.sha256, `${name}: bytes differ from what torch/numpy saved`);
        assert.equal(report.tensors.find((x) => x.name === name)?.sha256, t.sha256, `${name}: reported hash`);
      }
      assert.equal(report.output?.bytes, readFileSync(out).length);
      for (const [key, value] of Object.entries(exp.values)) {
        assert.ok(st.metadata && key in st.metadata, `metadata ${key}`);
        if (value !== null) assert.equal(st.metadata[key], value, `metadata ${key}`);
      }
      assert.deepEqual(report.dropped.map((d) => d.path).sort(), exp.dropped);
      for (const group of exp.shared) {
        const names = group.map((g) => (exp.select ? g.slice(exp.select.length + 1) : g));
        assert.ok(
          report.shared.some((s) => [...s.tensors].sort().join() === [...names].sort().join()),
          `shared ${names.join(',')} in ${JSON.stringify(report.shared)}`,
        );
      }
    });
  }

  for (const [file, exp] of Object.entries(EXPECTED)) {
    if (exp.convertible) continue;
    it(`${file}: refused with an error naming the tensor (exit 2), nothing written`, async () => {
      const { code, report, out } = await convert(file, ['--allow-findings']);
      assert.equal(code, 2);
      assert.equal(report.status, 'error');
      assert.equal(existsSync(out), false);
      const text = [report.error?.message, ...(report.error?.details ?? [])].join('\n');
      for (const e of exp.errors) assert.match(text, new RegExp(`^${e}: `, 'm'));
    });
  }
});

describe('sentinel convert: the gate comes first', () => {
  it('a checkpoint carrying a payload is refused (exit 1, findings listed, no output)', async () => {
    const { code, report, out } = await convert('payload.pt');
    assert.equal(code, 1);
    assert.equal(report.status, 'refused');
    assert.ok(report.scan.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.equal(existsSync(out), false);
    assert.deepEqual(report.tensors, []);
  });

  it('--allow-findings copies the tensors only: the payload is dropped and no byte of it reaches the output', async () => {
    const { code, report, out } = await convert('payload.pt', ['--allow-findings']);
    assert.equal(code, 0);
    assert.ok(report.scan.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.equal(report.scan.summary.gate.passed, false);
    assert.deepEqual(
      report.dropped.map((d) => d.path),
      ['hook'],
    );
    const bytes = readFileSync(out);
    assert.equal(bytes.includes('SENTINEL_FIXTURE_PAYLOAD'), false);
    assert.equal(bytes.includes('system'), false);
  });

  it('the embedded input scan is the report `sentinel artifact --format json` writes (schema-valid)', async () => {
    const { report } = await convert('payload.pt');
    const validate = compile2020(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    assert.ok(validate(JSON.parse(JSON.stringify(report.scan))), errorsText(validate.errors));
  });

  it('the text report states the findings, the selection and the output', async () => {
    const out = join(tmp, 'text.safetensors');
    const r = await cli(['convert', join(DIR, 'payload.pt'), '-o', out, '--allow-findings']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /PICKLE-EXEC CRITICAL/);
    assert.match(r.stdout, /Selected: state_dict/);
    assert.match(r.stdout, /Dropped[^\n]*\n {2}hook: an object made by posix\.system/);
    assert.match(r.stdout, /Wrote .*text\.safetensors: 14 tensor\(s\)/);
    assert.match(r.stdout, /failed the gate; only tensor data and plain metadata were copied/);
  });
});

describe('sentinel convert: selection, metadata, report', () => {
  it('a training checkpoint selects state_dict by default; the rest is listed, plain values kept', async () => {
    const { report } = await convert('training-checkpoint.pt');
    assert.equal(report.selection?.prefix, 'state_dict');
    assert.match(report.selection!.reason, /state_dict/);
    assert.ok(report.notSelected.some((n) => n.path.startsWith('optimizer_states.0.state.')));
    const meta = Object.fromEntries(report.metadata.map((m) => [m.key, m.value]));
    assert.equal(meta['format'], 'pt');
    assert.equal(meta['epoch'], '7');
    assert.equal(meta['best_score'], 'NaN');
    assert.equal(meta['big'], String(2n ** 70n));
    assert.equal(JSON.parse(meta['hyper_parameters']!).lr, 0.001);
    assert.match(meta['hyper_parameters']!, /"flags":\[true,null\]/);
    assert.match(meta['optimizer_states.0.param_groups']!, /"lr":0\.001/);
  });

  it("--select '' keeps every tensor with full names; --select PREFIX strips it; an unknown prefix is an error", async () => {
    const all = await convert('training-checkpoint.pt', ['--select', '']);
    assert.equal(all.code, 0);
    assert.ok(all.report.tensors.some((t) => t.name === 'state_dict.fc.weight'));
    assert.ok(all.report.tensors.some((t) => t.name.startsWith('optimizer_states.0.state.0.exp_avg')));
    const opt = await convert('training-checkpoint.pt', ['--select', 'optimizer_states.0.state']);
    assert.ok(opt.report.tensors.every((t) => /^\d+\.(exp_avg|exp_avg_sq|step)$/.test(t.name)));
    const none = await convert('training-checkpoint.pt', ['--select', 'nope']);
    assert.equal(none.code, 2);
    assert.match(none.report.error!.message, /matches none/);
    assert.ok(none.report.error!.details.includes('top-level key: state_dict'));
  });

  it('--metadata entries are written as given and beat checkpoint values', async () => {
    const { report, out } = await convert('training-checkpoint.pt', [
      '--metadata',
      'epoch=final',
      '--metadata',
      'a=b=c',
    ]);
    const st = readSafetensors(readFileSync(out));
    assert.equal(st.metadata?.['epoch'], 'final');
    assert.equal(st.metadata?.['a'], 'b=c');
    assert.equal(report.metadata.find((m) => m.key === 'epoch')?.from, 'option');
  });

  it('tied weights are written twice and reported as sharing a storage', async () => {
    const { report, out } = await convert('tied.pt');
    const st = readSafetensors(readFileSync(out));
    assert.equal(st.tensors.get('emb.weight')!.sha256, st.tensors.get('head.weight')!.sha256);
    assert.deepEqual(report.tensors.find((t) => t.name === 'emb.weight')?.sharesWith, ['head.weight']);
  });

  it('views say how they were materialised', async () => {
    const { report } = await convert('views.pt');
    const notes = Object.fromEntries(report.tensors.map((t) => [t.name, t.notes.join(' ')]));
    assert.match(notes['transposed']!, /materialised contiguously from strides \[1, 6\]/);
    assert.match(notes['row']!, /starts at element 12/);
    assert.equal(notes['base'], '');
  });

  it('joblib and numpy inputs: big-endian swapped, Fortran order materialised, numpy scalars as numbers', async () => {
    const { report } = await convert('zlib.joblib');
    assert.equal(report.input.format, 'joblib');
    assert.match(report.input.notes.join(), /zlib-compressed/);
    assert.match(report.tensors.find((t) => t.name === 'be')!.notes.join(), /byte-swapped/);
    assert.match(report.tensors.find((t) => t.name === 'fortran')!.notes.join(), /strides \[1, 3\]/);
    assert.equal(report.metadata.find((m) => m.key === 'best')?.value, '0.25');
    assert.equal(
      report.metadata.find((m) => m.key === 'format'),
      undefined,
    );
  });
});

describe('sentinel convert: files', () => {
  it('never overwrites an existing file without --force; --force replaces it', async () => {
    const out = join(tmp, 'exists.safetensors');
    writeFileSync(out, 'keep me');
    const r = await cli(['convert', join(DIR, 'state-dict.pt'), '-o', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /exists; use --force/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
    const f = await cli(['convert', join(DIR, 'state-dict.pt'), '-o', out, '--force']);
    assert.equal(f.code, 0);
    assert.deepEqual(readSafetensors(readFileSync(out)).problems, []);
  });

  it('--out-dir names the output after the input; -o with --out-dir is a usage error', async () => {
    const dir = join(tmp, 'outdir');
    const r = await cli(['convert', join(DIR, 'arrays.npz'), '--out-dir', dir]);
    assert.equal(r.code, 0);
    assert.ok(existsSync(join(dir, 'arrays.safetensors')));
    const both = await cli(['convert', join(DIR, 'arrays.npz'), '--out-dir', dir, '-o', join(dir, 'x.safetensors')]);
    assert.equal(both.code, 2);
  });

  it('an input that cannot be fully read leaves no output and no temporary file', async () => {
    const dir = mkdtempSync(join(tmp, 'trunc-'));
    const src = readFileSync(join(DIR, 'legacy.pt'));
    const cut = join(dir, 'cut.pt');
    writeFileSync(cut, src.subarray(0, src.length - 100));
    const r = await cli(['convert', cut, '--allow-findings', '--format', 'json']);
    assert.equal(r.code, 2);
    assert.match((JSON.parse(r.stdout) as ConvertReport).error!.message, /cannot be converted/);
    assert.deepEqual(readdirSync(dir), ['cut.pt']);
  });

  it("the policy's limits bound the value-keeping read (a limit is an error, not a crash or a partial file)", async () => {
    const dir = mkdtempSync(join(tmp, 'limit-'));
    writeFileSync(join(dir, 'policy.yml'), 'limits:\n  maxOpcodes: 50\n');
    const out = join(dir, 'out.safetensors');
    const r = await cli([
      'convert',
      join(DIR, 'state-dict.pt'),
      '-o',
      out,
      '--policy',
      join(dir, 'policy.yml'),
      '--allow-findings',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 2);
    assert.match((JSON.parse(r.stdout) as ConvertReport).error!.message, /more than 50 opcodes/);
    assert.equal(existsSync(out), false);
  });

  it('a directory or a missing input is a usage error', async () => {
    assert.equal((await cli(['convert', DIR])).code, 2);
    assert.equal((await cli(['convert', join(DIR, 'missing.pt')])).code, 2);
  });

  it('the default output sits next to the input with the .safetensors extension', async () => {
    const dir = mkdtempSync(join(tmp, 'next-'));
    copyFileSync(join(DIR, 'fortran.npy'), join(dir, 'weights.npy'));
    const r = await cli(['convert', join(dir, 'weights.npy')]);
    assert.equal(r.code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['weights.npy', 'weights.safetensors']);
  });
});
