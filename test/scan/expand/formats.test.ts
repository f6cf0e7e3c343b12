// Container and format handling through the whole engine, on crafted variants of real fixtures: torch zip
// persistent ids and hidden records, polyglot prefixes, legacy storage walks, npy headers, nested layers,
// limits, TorchScript code, and the weights-only check with policy-supplied safe globals.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import type { Finding } from '../../../src/core/finding.js';
import { buildZip } from '../../formats/zip/zip-builder.js';
import { torchDataPkl as dataPkl, evilPickle, P, utf8 } from '../../helpers/pickle-builder.js';

const REAL = new URL('../../fixtures/real/', import.meta.url).pathname;
const real = (p: string) => new Uint8Array(readFileSync(join(REAL, p)));
const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);
const codes = (fs: Finding[], rule: string) =>
  fs.filter((f) => f.ruleId === rule).map((f) => String(f.evidence.details?.['anomaly'] ?? ''));

function torchZip(entries: Record<string, Uint8Array>): Uint8Array {
  return buildZip(Object.entries(entries).map(([name, data]) => ({ name: `model/${name}`, data })));
}

describe('torch zip checkpoints', () => {
  const storage = new Uint8Array(8);
  it('a clean checkpoint has no findings', async () => {
    const r = await scanBytes('m.pt', torchZip({ 'data.pkl': dataPkl('0'), 'data/0': storage, version: utf8('3\n') }));
    assert.deepEqual(ids(r.findings), []);
  });
  it('a persistent id naming a missing record is PICKLE-STRUCT', async () => {
    const r = await scanBytes('m.pt', torchZip({ 'data.pkl': dataPkl('7'), 'data/0': storage, version: utf8('3\n') }));
    assert.deepEqual(codes(r.findings, 'PICKLE-STRUCT'), ['PERSISTENT_ID']);
  });
  it('an unreferenced record holding a pickle is scanned', async () => {
    const r = await scanBytes(
      'm.pt',
      torchZip({ 'data.pkl': dataPkl('0'), 'data/0': storage, 'data/9': evilPickle(), version: utf8('3\n') }),
    );
    const f = r.findings.find((x) => x.ruleId === 'PICKLE-EXEC')!;
    assert.equal(f.where, 'm.pt!/model/data/9@17');
  });
  it('a missing version record is reported', async () => {
    const r = await scanBytes('m.pt', torchZip({ 'data.pkl': dataPkl('0'), 'data/0': storage }));
    assert.deepEqual(codes(r.findings, 'ARCHIVE-TAMPER'), ['TORCH_VERSION_MISSING']);
  });
  it('a pickle prepended to a zip is what torch.load unpickles (polyglot)', async () => {
    const zip = torchZip({ 'data.pkl': dataPkl('0'), 'data/0': storage, version: utf8('3\n') });
    const poly = new Uint8Array([...evilPickle(), ...zip]);
    const r = await scanBytes('m.pt', poly);
    assert.ok(ids(r.findings).includes('PICKLE-EXEC'));
    assert.ok(codes(r.findings, 'ARCHIVE-TAMPER').includes('PREPENDED_DATA'));
  });
});

describe('legacy torch files', () => {
  const legacy = real('torch/legacy-state-dict.pt');
  it('the real file walks to the last storage byte', async () => {
    assert.deepEqual(ids((await scanBytes('l.pt', legacy)).findings), []);
  });
  it('junk after the storages is reported', async () => {
    const r = await scanBytes('l.pt', new Uint8Array([...legacy, 1, 2, 3]));
    assert.deepEqual(codes(r.findings, 'ARCHIVE-TAMPER'), ['LEGACY_TRAILING_BYTES']);
  });
  it('a pickle after the storages is scanned', async () => {
    const r = await scanBytes('l.pt', new Uint8Array([...legacy, ...evilPickle()]));
    assert.ok(ids(r.findings).includes('PICKLE-EXEC'));
  });
  it('a truncated storage is reported', async () => {
    const r = await scanBytes('l.pt', legacy.subarray(0, legacy.length - 4));
    assert.deepEqual(codes(r.findings, 'ARCHIVE-TAMPER'), ['LEGACY_STORAGE_TRUNCATED']);
  });
});

function npy(header: string, body: Uint8Array): Uint8Array {
  let h = header;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  return new Uint8Array([0x93, ...utf8('NUMPY'), 1, 0, h.length & 0xff, h.length >> 8, ...utf8(h), ...body]);
}

describe('npy', () => {
  it('an object array is a pickle after the header', async () => {
    const r = await scanBytes('a.npy', npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", evilPickle()));
    assert.ok(ids(r.findings).includes('PICKLE-EXEC'));
  });
  it('a structured dtype with a field named like the object code is numeric data', async () => {
    const body = evilPickle(); // bytes that would look like a payload if misread as a pickle
    const r = await scanBytes(
      's.npy',
      npy("{'descr': [('Obj', '<f8')], 'fortran_order': False, 'shape': (1,), }", body),
    );
    assert.deepEqual(ids(r.findings), []);
  });
  it('a header with extra keys is reported', async () => {
    const r = await scanBytes(
      'x.npy',
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0,), 'x': 1}", new Uint8Array()),
    );
    assert.deepEqual(codes(r.findings, 'ARCHIVE-TAMPER'), ['NPY_HEADER']);
  });
});

describe('nesting and limits', () => {
  it('a gzip of a zip of a pickle is read through every layer', async () => {
    const zip = buildZip([{ name: 'deep/dir/model.bin', data: evilPickle(), method: 8 }]);
    const r = await scanBytes('bundle.gz', new Uint8Array(gzipSync(zip)));
    assert.equal(r.findings.find((f) => f.ruleId === 'PICKLE-EXEC')!.where, 'bundle.gz![gzip]!/deep/dir/model.bin@17');
  });
  it('nesting deeper than maxDepth is SCAN-INCOMPLETE, not clean', async () => {
    let data = evilPickle();
    for (let i = 0; i < 4; i++) data = new Uint8Array(gzipSync(data));
    const r = await scanBytes('deep.gz', data, { limits: { maxDepth: 2 } });
    const f = r.findings.find((x) => x.ruleId === 'SCAN-INCOMPLETE')!;
    assert.equal(f.evidence.details?.['limit'], 'maxDepth');
  });
  it('a decompression bomb stops at the cap with SCAN-INCOMPLETE', async () => {
    const zip = buildZip([{ name: 'zeros.bin', data: new Uint8Array(8 * 1024 * 1024), method: 8 }]);
    const r = await scanBytes('bomb.zip', zip, { limits: { maxEntryBytes: 1024 * 1024 } });
    assert.deepEqual(ids(r.findings), ['SCAN-INCOMPLETE']);
  });
  it('a pickle named .py is still scanned as a pickle', async () => {
    const r = await scanBytes('setup.py', evilPickle());
    assert.ok(ids(r.findings).includes('PICKLE-EXEC'));
  });
});

describe('file names versus content', () => {
  const cases: [string, Uint8Array, string | undefined][] = [
    ['weights.safetensors', evilPickle(), 'file extension .safetensors but its content is pickle'],
    ['tokenizer', evilPickle(), 'file has no extension but its content is pickle'],
    ['model.bin', evilPickle(), undefined],
    ['model.pkl', evilPickle(), undefined],
  ];
  for (const [name, bytes, want] of cases) {
    it(name, async () => {
      const r = await scanBytes(name, bytes);
      assert.equal(r.files[0]!.extensionMismatch, want);
      assert.equal(r.findings[0]!.evidence.details?.['extensionMismatch'], want);
    });
  }
});

describe('TorchScript code and the weights-only check', () => {
  const code = readFileSync(
    new URL('../../fixtures/analyzers/python/torchscript/custom_op/__torch__.py', import.meta.url),
  );
  it('a custom operator namespace in code/ is TORCH-SCRIPT-CUSTOM-OP with its line', async () => {
    const zip = buildZip([
      {
        name: 'm/data.pkl',
        data: new P().proto(2).global('__torch__', 'CustomOp').emptyTuple().newobj().emptyDict().build().stop().bytes(),
      },
      { name: 'm/code/__torch__.py', data: new Uint8Array(code) },
      { name: 'm/constants.pkl', data: new P().proto(2).emptyTuple().stop().bytes() },
      { name: 'm/version', data: utf8('1\n') },
    ]);
    const r = await scanBytes('ts.pt', zip);
    const f = r.findings.find((x) => x.ruleId === 'TORCH-SCRIPT-CUSTOM-OP')!;
    assert.equal(f.where, 'ts.pt!/m/code/__torch__.py:8:20');
    assert.match(f.evidence.snippet ?? '', /ops\.myns\.myop/);
    assert.ok(!ids(r.findings).includes('PICKLE-GLOBAL-IMPORT'), 'TorchScript classes are not Python imports');
  });
  it('argparse.Namespace needs the unsafe loader, unless the policy adds it as a safe global', async () => {
    const ckpt = real('torch/checkpoint-namespace.pt');
    assert.ok(ids((await scanBytes('c.pt', ckpt)).findings).includes('TORCH-LOAD-UNTRUSTED'));
    const r = await scanBytes('c.pt', ckpt, { torchSafeGlobals: new Map([['argparse.Namespace', 'training args']]) });
    assert.deepEqual(ids(r.findings), []);
  });
});
