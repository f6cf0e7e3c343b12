// A zstd or LZ4 stream behind one or several skippable frames (which zstd(1), lz4(1) and their Python bindings skip)
// is read as those readers read it: the hostile pickle behind the frames is found, the benign twin passes the gate.
// Fixtures by the real zstd, pzstd and lz4 tools (scripts/fixtures/skippable-frames.py; manifest.json holds what
// `zstd -dc` / `lz4 -dc` give for each).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scan } from '../../../src/api/scan.js';
import { digestBytes } from '../../../src/sources/file-digest.js';

const dir = fileURLToPath(new URL('../../fixtures/skippable/', import.meta.url));
const manifest = JSON.parse(readFileSync(dir + 'manifest.json', 'utf8')) as {
  fixtures: { file: string; codec: string; hostile: boolean; skippableFrames: number; sha256: string }[];
};

describe('compressed streams behind skippable frames', () => {
  it('holds hostile and benign fixtures of both codecs', () => {
    for (const codec of ['zstd', 'lz4'])
      for (const hostile of [true, false])
        assert.ok(manifest.fixtures.some((f) => f.codec === codec && f.hostile === hostile && f.skippableFrames > 1));
  });
  for (const f of manifest.fixtures) {
    it(`${f.file}: ${f.hostile ? 'the pickle behind the frames is found' : 'benign twin, passes'}`, async () => {
      assert.equal(digestBytes(readFileSync(dir + f.file)), f.sha256);
      const r = await scan([dir + f.file]);
      const file = r.files[0]!;
      assert.ok(file.formats.includes(f.codec), `${f.file}: ${file.formats.join(',')}`);
      const blocking = r.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH');
      if (f.hostile)
        assert.ok(
          r.findings.some((x) => x.ruleId === 'PICKLE-EXEC'),
          f.file,
        );
      else
        assert.deepEqual(
          blocking.map((x) => x.ruleId),
          [],
          f.file,
        );
    });
  }
});
