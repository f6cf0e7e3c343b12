// TorchScript load code whose cost the stored values or strides set rather than the archive's bytes: a polynomial's
// stored degree (its recurrence runs once per unit), repeat_interleave of stored repeats, counts that multiply a
// stored operand (repeat, tile), and stored views whose strides of 0 repeat one element 2^31 or 2^32 times. Real
// archives of scripts/fixtures/torchscript-load-values.py (torch 1.13; with --prove, each hostile one runs out of
// memory or does not end under torch.jit.load in a 4 GiB address space, each twin loads).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';

const DIR = new URL('../../../fixtures/torchscript-load-values/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH']);

describe('TorchScript load code: cost set by stored values and strides', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.pt'));
  it('holds hostile archives and their twins', () => {
    assert.ok(files.filter((f) => f.startsWith('hostile_')).length >= 8);
    assert.ok(files.filter((f) => f.startsWith('benign_')).length >= 6);
  });
  for (const f of files)
    it(`${f.startsWith('hostile_') ? 'blocks' : 'passes'}: ${f}`, async () => {
      const r = await scanBytes(f, readFileSync(join(DIR, f)));
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal);
      if (f.startsWith('hostile_')) assert.ok(blocking.length > 0, 'passes');
      else assert.deepEqual(blocking, []);
    });
});
