// Quantized tensors: torch._utils._rebuild_qtensor allocates an empty quantized tensor of the stored size before it
// points it at the storage, so a size the storage does not back is an allocation the load makes. The files are made
// by torch.save and loaded by the real torch.load (scripts/fixtures/torch-qtensor.py, manifest.json): real
// checkpoints load and pass; a stored size far past the storage fails allocating in torch and is a load-cost finding.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/torch-qtensor');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: { file: string; hostile: boolean; torchLoad: string }[];
};

describe('quantized tensor sizes are charged as allocations', () => {
  it('has real checkpoints and hostile sizes, proved by torch.load', () => {
    assert.equal(manifest.files.filter((f) => f.hostile && f.torchLoad !== 'loaded').length, 3);
    assert.equal(manifest.files.filter((f) => !f.hostile && f.torchLoad === 'loaded').length, 3);
  });
  for (const f of manifest.files)
    it(`${f.file}: ${f.hostile ? 'a load-cost finding' : 'passes'}`, async () => {
      const r = await scanBytes(f.file, readFileSync(join(DIR, f.file)));
      const blocking = r.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH');
      if (f.hostile)
        assert.ok(
          blocking.some((x) => JSON.stringify(x).includes('items or bytes the stream does not hold')),
          JSON.stringify(r.findings.map((x) => x.ruleId)),
        );
      else
        assert.deepEqual(
          r.findings.map((x) => `${x.ruleId}: ${JSON.stringify(x.evidence).slice(0, 200)}`),
          [],
        );
    });
});
