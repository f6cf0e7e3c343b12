// Native binaries: header recognition (case table), and a shared library inside a torch archive is
// TORCH-SCRIPT-CUSTOM-OP at the entry (real torch.jit.save output, scripts/fixtures/native-in-archive.py), while
// other extra files, and the same library outside a model archive or referenced as tensor storage, are not.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { nativeBinary } from '../../../src/formats/native-binary.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { buildZip } from '../../formats/zip/zip-builder.js';
import { torchDataPkl, utf8 } from '../../helpers/pickle-builder.js';

const DIR = join(import.meta.dirname, '../../fixtures/containers/native');
const so = new Uint8Array(readFileSync(join(DIR, 'libcustom_ops.so')));

function header(bytes: number[], size = 64): Uint8Array {
  const b = new Uint8Array(size);
  b.set(bytes);
  return b;
}
function pe(characteristics: number): Uint8Array {
  const b = new Uint8Array(0x100);
  b.set([0x4d, 0x5a]);
  b.set([0x80, 0, 0, 0], 0x3c);
  b.set([0x50, 0x45, 0, 0], 0x80);
  b.set([characteristics & 0xff, characteristics >> 8], 0x80 + 22);
  return b;
}
const kind = (b: Uint8Array) => nativeBinary(new MemorySource({ chain: ['x'] }, b))?.description;

describe('nativeBinary', () => {
  const cases: [string, Uint8Array, string | undefined][] = [
    ['gcc -shared output', so, 'ELF 64-bit shared object'],
    [
      'ELF 32-bit big-endian executable',
      header([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1, 0, ...Array(8).fill(0), 0, 2]),
      'ELF 32-bit executable',
    ],
    [
      'Mach-O 64 dylib (little-endian)',
      header([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0, 6, 0, 0, 0]),
      'Mach-O dylib',
    ],
    [
      'fat Mach-O, 2 architectures',
      header([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
      'Mach-O universal binary (2 architectures)',
    ],
    ['Java class file (same magic, version 52)', header([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), undefined],
    ['PE DLL', pe(0x2102), 'PE DLL'],
    ['PE executable', pe(0x0102), 'PE executable'],
    ['MZ without a PE header', header([0x4d, 0x5a], 0x100), undefined],
    ['a pickle', header([0x80, 4, 0x95]), undefined],
    ['too short', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]), undefined],
  ];
  for (const [name, bytes, want] of cases) it(name, () => assert.equal(kind(bytes), want));
});

describe('native libraries in model archives', () => {
  const ids = (r: Awaited<ReturnType<typeof scanBytes>>) =>
    r.findings.map((f) => `${f.ruleId} ${f.location.chain.at(-1)}`);

  it('a shared library saved as a TorchScript extra file is TORCH-SCRIPT-CUSTOM-OP at the entry', async () => {
    const r = await scanBytes('m.pt', readFileSync(join(DIR, 'torchscript_extra_so.pt')));
    assert.deepEqual(ids(r), ['TORCH-SCRIPT-CUSTOM-OP /archive/extra/libcustom_ops.so']);
    assert.equal(r.findings[0]!.evidence.details?.binary, 'ELF 64-bit shared object');
  });

  it('a JSON extra file is clean', async () => {
    assert.deepEqual(ids(await scanBytes('m.pt', readFileSync(join(DIR, 'torchscript_extra_json.pt')))), []);
  });

  it('the library on its own, or in a plain zip, is not a model-archive finding', async () => {
    assert.deepEqual(ids(await scanBytes('libcustom_ops.so', so)), []);
    assert.deepEqual(ids(await scanBytes('libs.zip', buildZip([{ name: 'lib/libcustom_ops.so', data: so }]))), []);
  });

  it('storage records referenced by the checkpoint are tensor bytes and are not judged', async () => {
    const pkl = torchDataPkl('0');
    const zip = buildZip([
      { name: 'model/data.pkl', data: pkl },
      { name: 'model/data/0', data: so },
      { name: 'model/version', data: utf8('3\n') },
    ]);
    assert.deepEqual(ids(await scanBytes('m.pt', zip)), []);
  });
});
