// Every reading of a polyglot is scanned: each fixture (scripts/fixtures/polyglots.py, made with the real writers)
// is read by two real loaders (manifest `readers`, checked with those loaders); the scan must find each reading's
// payload and report the file as a polyglot (ARCHIVE-TAMPER POLYGLOT).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../fixtures/polyglot');
interface Fixture {
  readonly file: string;
  readonly front: string;
  readonly back: string;
  readonly readers: readonly string[];
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { fixtures: Fixture[] };

/** What each real reading must make the scan report, and the format it must list. */
const READING: Record<string, { rule?: string; format: RegExp; where?: RegExp }> = {
  pickle: { rule: 'PICKLE-EXEC', format: /^pickle$/, where: /^[^/]*$/ },
  npy: { rule: 'PICKLE-EXEC', format: /^npy /, where: /^[^/]*$/ },
  safetensors: { format: /^safetensors$/ },
  gguf: { rule: 'MODEL-TEMPLATE-INJECTION', format: /^gguf$/ },
  onnx: { rule: 'MODEL-CUSTOM-OP', format: /^onnx$/ },
  tar: { rule: 'PICKLE-EXEC', format: /^tar$/, where: /payload\.pkl/ },
  zipfile: { rule: 'PICKLE-EXEC', format: /^(zip|torch-)/, where: /data\.pkl/ },
  hdf5: { rule: 'MODEL-EXTERNAL-DATA', format: /^hdf5$/ },
};

describe('polyglots: every reading a real loader takes is scanned', () => {
  it('covers every pair of the formats that can share a file', () => {
    const pairs = new Set(manifest.fixtures.map((f) => `${f.front}+${f.back}`));
    for (const front of ['pickle', 'npy', 'safetensors', 'gguf', 'onnx', 'tar']) {
      assert.ok(pairs.has(`${front}+hdf5`), `${front}+hdf5`);
      assert.ok(pairs.has(`${front}+zip`), `${front}+zip`);
    }
    assert.ok(pairs.has('hdf5+zip') && pairs.has('torch-zip+hdf5'));
  });
  for (const fx of manifest.fixtures) {
    it(`${fx.file}: read by ${fx.readers.join(' and ')}`, async () => {
      assert.equal(fx.readers.length, 2, 'the generator proved two real readings');
      const r = await scanBytes(fx.file, new Uint8Array(readFileSync(join(DIR, fx.file))));
      const formats = r.files[0]!.formats;
      const found = r.findings.map((f) => ({ rule: f.ruleId, where: f.location.chain.slice(1).join('/') }));
      for (const reader of fx.readers) {
        const want = READING[reader]!;
        assert.ok(
          formats.some((f) => want.format.test(f)),
          `${reader} reading listed (formats: ${formats.join(', ')})`,
        );
        if (want.rule)
          assert.ok(
            found.some((f) => f.rule === want.rule && (!want.where || want.where.test(f.where))),
            `${reader} payload found (${JSON.stringify(found)})`,
          );
      }
      const poly = r.findings.find(
        (f) => f.ruleId === 'ARCHIVE-TAMPER' && /POLYGLOT$/.test(String(f.evidence.details?.['anomaly'])),
      );
      assert.ok(poly, 'reported as a polyglot');
    });
  }
});

describe('polyglots: benign twins', () => {
  const benign = (JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { benign: Fixture[] }).benign;
  for (const fx of benign) {
    it(`${fx.file}: an HDF5 file stored unchanged in a container is the member's reading, not a polyglot`, async () => {
      assert.deepEqual([...fx.readers].sort(), [fx.file.endsWith('.tar') ? 'tar' : 'zipfile', 'hdf5'].sort());
      const r = await scanBytes(fx.file, new Uint8Array(readFileSync(join(DIR, fx.file))));
      assert.deepEqual(
        r.findings.map((f) => f.ruleId),
        [],
      );
      assert.ok(r.files[0]!.formats.includes('hdf5'), 'the member is read as HDF5');
    });
  }
});
